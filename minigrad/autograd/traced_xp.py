"""`self.xp` of a backward traced for create_graph: NumPy's names, answered with recorded minigrad ops.

    exp log sqrt tanh abs           the ops themselves          where, maximum, minimum, clip
    broadcast_to moveaxis swapaxes  shape ops                   zeros ones full empty (*_like)
    concatenate stack take_along_axis sum mean matmul           add.at (recorded scatter-add)
    linalg.inv linalg.solve ...     minigrad.linalg's ops

Step functions (sign, floor, comparisons, arg-max ...) are evaluated on the values: constants, with
derivative zero. A few elementwise functions go to minigrad's own op of that name when the package
has one (xp.sin -> minigrad.sin). Any other call is computed as usual if it is given only constants,
and otherwise refused (NotRecordable), so nothing differentiable ever leaves the recorded graph.
"""

from .traced import IndexPut, NotRecordable, Traced, arg, constant_index, op, value

# NumPy name -> minigrad name, for ops that other files may define (looked up when called)
_MINIGRAD_NAMES = {"sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "arcsin": "asin",
                   "arccos": "acos", "arctan": "atan", "log1p": "log1p", "expm1": "expm1", "log2": "log2",
                   "log10": "log10", "square": "square", "reciprocal": "reciprocal", "tril": "tril",
                   "triu": "triu", "einsum": "einsum", "outer": "outer"}
_STEP_FUNCTIONS = frozenset(("sign", "floor", "ceil", "rint", "round", "trunc", "signbit", "isnan", "isinf",
                             "isfinite", "argmax", "argmin", "argsort", "nonzero", "count_nonzero", "greater",
                             "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and",
                             "logical_or", "logical_not", "logical_xor"))

_namespaces = {}


def namespace(device):
    if device not in _namespaces:
        _namespaces[device] = TracedXP(device)
    return _namespaces[device]


def _traced(args):
    """True if a Traced is among args (looking into lists and tuples)."""
    return any(isinstance(a, Traced) or isinstance(a, (tuple, list)) and _traced(a) for a in args)


def _broadcast_shape(*shapes):
    """NumPy's broadcast of shapes (aligned from the right, 1 stretches)."""
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    return tuple(max(dims) if min(dims) != 0 else 0 for dims in zip(*padded))


class _Scatter:
    """xp.add / xp.subtract: the ufunc, and its unbuffered in-place form `.at(a, index, v)`."""

    def __init__(self, xp, name, sign):
        self.xp, self.name, self.sign = xp, name, sign

    def __call__(self, a, b):
        if not _traced((a, b)):
            return getattr(self.xp.real, self.name)(a, b)
        return op(arith.Add if self.sign > 0 else arith.Sub, a, b)

    def at(self, a, index, v):
        if not isinstance(a, Traced):
            if isinstance(v, Traced):
                raise NotRecordable(f"scatters a recorded value into a constant array with xp.{self.name}.at")
            return getattr(self.xp.real, self.name).at(a, index, v)
        a.t = IndexPut.apply(a.t, arg(v if self.sign > 0 else -v), index=constant_index(index), accumulate=True)


class _TracedLinalg:
    """xp.linalg: for recorded arrays, minigrad.linalg's own op of that name (inv, solve, det, ...),
    which records itself, so a backward written with xp.linalg can be differentiated again."""

    def __init__(self, xp):
        self.xp = xp

    def __getattr__(self, name):
        real = getattr(self.xp.real.linalg, name)

        def call(*args, **kwargs):
            if not _traced(args):
                return real(*args, **kwargs)
            import minigrad.linalg  # (it builds on the ops, which import this module)

            result = getattr(minigrad.linalg, name)(*map(self.xp._tensor, args), **kwargs)
            return tuple(map(Traced, result)) if isinstance(result, tuple) else Traced(result)  # (svd, eigh: tuples)

        return call


class TracedXP:
    def __init__(self, device):
        self.device, self.real = device, device.xp
        self.ndarray = self.real.ndarray
        self.add, self.subtract = _Scatter(self, "add", 1), _Scatter(self, "subtract", -1)
        self.linalg = _TracedLinalg(self)

    def __getattr__(self, name):  # NumPy names not defined below
        real = getattr(self.real, name)
        if not callable(real) or isinstance(real, type):  # dtypes, constants, newaxis
            return real
        if name in _STEP_FUNCTIONS:
            return lambda *args, **kwargs: real(*map(value, args), **kwargs)
        if name in _MINIGRAD_NAMES:
            return self._minigrad(name, real)

        def constants_only(*args, **kwargs):
            if _traced(args) or _traced(kwargs.values()):
                raise NotRecordable(f"calls xp.{name} on a recorded value, which minigrad cannot record")
            return real(*args, **kwargs)

        return constants_only

    def _minigrad(self, name, real):
        def call(*args, **kwargs):
            if not _traced(args):
                return real(*args, **kwargs)
            import minigrad  # the package's own op of that name, if some file defines it

            fn = getattr(minigrad, _MINIGRAD_NAMES[name], None)
            if fn is None:
                raise NotRecordable(f"calls xp.{name}, and minigrad has no differentiable "
                                    f"minigrad.{_MINIGRAD_NAMES[name]} yet")
            return Traced(fn(*(self._tensor(a) for a in args), **kwargs))

        return call

    def _tensor(self, a):
        if isinstance(a, Traced):
            return a.t
        return Tensor._make(a, self.device, False, None) if isinstance(a, self.ndarray) else a

    def _constant(self, array):
        return Traced(Tensor._make(array, self.device, False, None))

    # elementwise ops
    def exp(self, x):
        return op(math.Exp, x) if isinstance(x, Traced) else self.real.exp(x)

    def log(self, x):
        return op(math.Log, x) if isinstance(x, Traced) else self.real.log(x)

    def sqrt(self, x):
        return op(math.Sqrt, x) if isinstance(x, Traced) else self.real.sqrt(x)

    def tanh(self, x):
        return op(trig.Tanh, x) if isinstance(x, Traced) else self.real.tanh(x)

    def abs(self, x):
        return op(piecewise.Abs, x) if isinstance(x, Traced) else self.real.abs(x)

    absolute = abs

    def negative(self, x):
        return op(arith.Neg, x) if isinstance(x, Traced) else self.real.negative(x)

    def multiply(self, a, b):
        return op(arith.Mul, a, b) if _traced((a, b)) else self.real.multiply(a, b)

    def divide(self, a, b):
        return op(arith.Div, a, b) if _traced((a, b)) else self.real.divide(a, b)

    true_divide = divide

    def power(self, a, b):
        return op(arith.Pow, a, b) if _traced((a, b)) else self.real.power(a, b)

    def matmul(self, a, b):
        return op(linalg.MatMul, a, b) if _traced((a, b)) else self.real.matmul(a, b)

    def where(self, cond, a, b):
        """a where cond, else b: b broadcast, then a's values written where cond holds (recorded)."""
        if not (isinstance(a, Traced) or isinstance(b, Traced)):
            return self.real.where(value(cond), a, b)
        cond = self.real.asarray(value(cond))
        shape = _broadcast_shape(cond.shape, getattr(a, "shape", ()), getattr(b, "shape", ()))
        dtype = self.real.result_type(value(a), value(b))
        out = Traced(self.broadcast_to(b, shape).astype(dtype, copy=False).t)  # a new name: b stays b
        mask = self.real.broadcast_to(cond, shape)
        out[mask] = self.broadcast_to(a, shape).astype(dtype, copy=False)[mask]
        return out

    def maximum(self, a, b):
        return self.where(value(a) >= value(b), a, b)

    def minimum(self, a, b):
        return self.where(value(a) <= value(b), a, b)

    def clip(self, x, lo, hi):
        return op(piecewise.Clamp, x, min=lo, max=hi) if isinstance(x, Traced) else self.real.clip(x, lo, hi)

    # shapes
    def broadcast_to(self, x, shape):
        if isinstance(x, Traced):
            return x if x.shape == tuple(shape) else op(shape_ops.Expand, x, shape=tuple(shape))
        return self._constant(self.real.broadcast_to(self.real.asarray(x, dtype=getattr(x, "dtype", None)), shape))

    def reshape(self, x, shape):
        return x.reshape(shape) if isinstance(x, Traced) else self.real.reshape(x, shape)

    def transpose(self, x, axes=None):
        return x.transpose(*(axes or ())) if isinstance(x, Traced) else self.real.transpose(x, axes)

    def swapaxes(self, x, a, b):
        return x.swapaxes(a, b) if isinstance(x, Traced) else self.real.swapaxes(x, a, b)

    def moveaxis(self, x, source, destination):
        if not isinstance(x, Traced):
            return self.real.moveaxis(x, source, destination)
        order = [d for d in range(x.ndim) if d != source % x.ndim]
        order.insert(destination % x.ndim, source % x.ndim)
        return x.transpose(order)

    def expand_dims(self, x, axis):
        shape = list(value(x).shape)
        shape.insert(axis % (len(shape) + 1), 1)
        return self.reshape(x, shape)

    def squeeze(self, x, axis=None):
        return x.squeeze(axis) if isinstance(x, Traced) else self.real.squeeze(x, axis)

    def concatenate(self, xs, axis=0):
        xs = list(xs)
        if not _traced(xs):
            return self.real.concatenate(xs, axis=axis)
        return op(join.Cat, *xs, dim=axis % xs[0].ndim)

    def stack(self, xs, axis=0):
        xs = list(xs)
        return self.concatenate([self.expand_dims(x, axis) for x in xs], axis % (xs[0].ndim + 1))

    def take_along_axis(self, x, index, axis):
        """x[..., index, ...] along axis: advanced indexing with a grid over the other axes (recorded)."""
        if not isinstance(x, Traced):
            return self.real.take_along_axis(x, value(index), axis)
        axis %= x.ndim
        grid = [self.real.arange(n).reshape([-1 if j == i else 1 for j in range(x.ndim)])
                for i, n in enumerate(x.shape)]
        grid[axis] = value(index)
        return x[tuple(grid)]

    # reductions
    def sum(self, x, axis=None, dtype=None, keepdims=False):
        if isinstance(x, Traced):
            return x.sum(axis, dtype, keepdims)
        return self.real.sum(x, axis, dtype, keepdims=keepdims)

    def mean(self, x, axis=None, keepdims=False):
        return x.mean(axis, keepdims) if isinstance(x, Traced) else self.real.mean(x, axis, keepdims=keepdims)

    # new arrays: Traced, so that a backward may write recorded values into them (dx[index] = g)
    def zeros(self, shape, dtype=float):
        return self._constant(self.real.zeros(shape, dtype=dtype))

    def ones(self, shape, dtype=float):
        return self._constant(self.real.ones(shape, dtype=dtype))

    def full(self, shape, fill_value, dtype=None):
        return self._constant(self.real.full(shape, fill_value, dtype=dtype))

    empty = zeros

    def zeros_like(self, x, dtype=None):
        return self.zeros(value(x).shape, dtype or value(x).dtype)

    def ones_like(self, x, dtype=None):
        return self.ones(value(x).shape, dtype or value(x).dtype)

    empty_like = zeros_like

    def full_like(self, x, fill_value, dtype=None):
        return self.full(value(x).shape, fill_value, dtype or value(x).dtype)


from ..ops import arith, join, linalg, math, piecewise, trig  # noqa: E402
from ..ops import shape as shape_ops  # noqa: E402
from ..tensor import Tensor  # noqa: E402

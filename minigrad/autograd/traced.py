"""`Traced`: an array whose arithmetic is recorded — the gradients of a create_graph=True pass.

A Traced wraps a Tensor and answers the NumPy calls an op's backward makes — `g * self.y`,
`g.sum(axis=..., keepdims=True)`, `g.reshape(shape)`, `g[index]`, `dx[index] = g` — with minigrad
ops, which record as usual (the engine turns grad mode on for a create_graph pass), so the backward
pass becomes a graph that can be differentiated again (higher_order.py runs the ops' backwards on
Traced arrays; traced_xp.py is the matching `xp` namespace). NumPy semantics are kept: the ops are
applied directly (NumPy's dtype promotion, no PyTorch argument checks), comparisons give constant
masks, and anything that would turn a Traced into a plain array raises NotRecordable instead of
silently dropping it from the graph.
"""

from .function import Function


class NotRecordable(NotImplementedError):
    """Raised inside a traced backward; `backward` below adds which op it was."""


class Traced:
    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy hands every ufunc with a Traced operand here (`ndarray * traced`, `numpy.exp(traced)`):
        the traced namespace records it, or refuses it (in-place `out=`, `.at`, `.reduce` forms)."""
        if method != "__call__" or kwargs:
            raise NotRecordable(f"calls numpy.{ufunc.__name__} ({method}, {sorted(kwargs)}) on a recorded value")
        return getattr(traced_xp.namespace(self.t.device), ufunc.__name__)(*inputs)

    shape = property(lambda self: self.t._data.shape)
    ndim = property(lambda self: self.t._data.ndim)
    size = property(lambda self: self.t._data.size)
    dtype = property(lambda self: self.t._data.dtype)
    base = property(lambda self: self.t._data.base)
    T = property(lambda self: self.transpose())

    def __repr__(self):
        return f"Traced({self.t!r})"

    # arithmetic: Function.apply takes arrays and numbers as constants and computes as NumPy does
    def __add__(self, o):
        return op(arith.Add, self, o)

    def __radd__(self, o):
        return op(arith.Add, o, self)

    def __sub__(self, o):
        return op(arith.Sub, self, o)

    def __rsub__(self, o):
        return op(arith.Sub, o, self)

    def __mul__(self, o):
        return op(arith.Mul, self, o)

    def __rmul__(self, o):
        return op(arith.Mul, o, self)

    def __truediv__(self, o):
        return op(arith.Div, self, o)

    def __rtruediv__(self, o):
        return op(arith.Div, o, self)

    def __pow__(self, o):
        return op(arith.Pow, self, o)

    def __rpow__(self, o):
        return op(arith.Pow, o, self)

    def __matmul__(self, o):
        return op(linalg.MatMul, self, o)

    def __rmatmul__(self, o):
        return op(linalg.MatMul, o, self)

    def __neg__(self):
        return op(arith.Neg, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return op(piecewise.Abs, self)

    # comparisons give constant masks: a step function has derivative zero
    def __eq__(self, o):
        return self.t._data == value(o)

    def __ne__(self, o):
        return self.t._data != value(o)

    def __lt__(self, o):
        return self.t._data < value(o)

    def __le__(self, o):
        return self.t._data <= value(o)

    def __gt__(self, o):
        return self.t._data > value(o)

    def __ge__(self, o):
        return self.t._data >= value(o)

    __hash__ = None

    def __array__(self, *args, **kwargs):
        raise NotRecordable("turns a recorded value into a constant NumPy array")

    def __bool__(self):
        raise NotRecordable("takes the truth value of a recorded value")

    def __float__(self):
        raise NotRecordable("turns a recorded value into a Python number")

    __int__ = __index__ = __float__

    # the ndarray methods backward code uses
    def sum(self, axis=None, dtype=None, keepdims=False):
        s = op(reduce.Sum, self, dim=axis, keepdim=keepdims)
        return s if dtype is None else s.astype(dtype)

    def mean(self, axis=None, keepdims=False):
        s = self.sum(axis, keepdims=keepdims)
        return s / (self.size // max(s.size, 1) if self.size else 1)

    def max(self, axis=None, keepdims=False):
        return op(sort.Amax, self, dim=axis, keepdim=keepdims)

    def min(self, axis=None, keepdims=False):
        return op(sort.Amin, self, dim=axis, keepdim=keepdims)

    def reshape(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return self if shape == self.shape else op(shape_ops.Reshape, self, shape=shape)

    def ravel(self):
        return self.reshape(-1)

    flatten = ravel

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        axes = tuple(a % self.ndim for a in axes) if axes else tuple(range(self.ndim - 1, -1, -1))
        return op(shape_ops.Permute, self, dims=axes)

    def swapaxes(self, a, b):
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return self.transpose(axes)

    def squeeze(self, axis=None):
        axes = range(self.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
        drop = {a % self.ndim for a in axes if self.shape[a] == 1}
        return self.reshape([n for i, n in enumerate(self.shape) if i not in drop])

    def astype(self, dtype, copy=True):
        if dtype == self.dtype and not copy:
            return self
        return op(convert.Cast, self, dtype=dtype)

    def copy(self):
        return op(convert.Cast, self, dtype=self.dtype)

    def __getitem__(self, index):
        return op(index_ops.Index, self, index=constant_index(index))  # (its backward adds: any index)

    def __setitem__(self, index, v):
        # dx[index] = g on a Traced records y = x with y[index] = v and makes this Traced show y,
        # as NumPy's write shows through every name of the array
        self.t = IndexPut.apply(self.t, arg(v), index=constant_index(index))


class IndexPut(Function):
    """y = x with y[index] = v (accumulate=True: y[index] += v, repeated indices adding up).

    dx = g with g[index] = 0 (accumulate: dx = g)      dv = g[index], summed back to v's shape
    """

    saved_inputs = {}

    def forward(self, x, v, index=(), accumulate=False):
        self.index, self.accumulate, self.v_shape = index, accumulate, getattr(v, "shape", ())
        y = x.copy()
        if accumulate:
            self.xp.add.at(y, index, v)
        else:
            y[index] = v
        return y

    def backward(self, g):
        dx = dv = None
        if self.needs_input_grad[0]:
            dx = g
            if not self.accumulate:
                dx = g.copy()
                dx[self.index] = 0
        if self.needs_input_grad[1]:
            dv = arith.sum_to(g[self.index], self.v_shape)
        return dx, dv


def arg(x):
    """A Traced's tensor; arrays and numbers pass as they are (Function.apply treats them as constants)."""
    return x.t if isinstance(x, Traced) else x


def value(x):
    """The values of x, as a constant."""
    return x.t._data if isinstance(x, Traced) else x


def op(cls, *args, **options):
    return Traced(cls.apply(*map(arg, args), **options))


def constant_index(index):
    if isinstance(index, tuple):
        return tuple(map(constant_index, index))
    if isinstance(index, Traced):
        if index.dtype.kind in "biu":  # integer/bool values (targets, masks) carry no gradient: constants
            return value(index)
        raise NotRecordable("indexes with a recorded value")
    return index


def as_tensor(g, device):
    """Gradient g (array or Traced) as a Tensor, for hooks and custom Functions."""
    return g.t if isinstance(g, Traced) else Tensor._make(g, device, False, None)


def from_tensor(t, like):
    """Tensor t as a gradient of the engine's kind: Traced under create_graph (like a Traced), else its array."""
    return Traced(t) if isinstance(like, Traced) else t._data


from ..ops import arith, convert, linalg, piecewise, reduce, sort  # noqa: E402  (the ops import autograd)
from ..ops import index as index_ops  # noqa: E402
from ..ops import shape as shape_ops  # noqa: E402
from ..tensor import Tensor  # noqa: E402
from . import traced_xp  # noqa: E402  (it builds on this module)

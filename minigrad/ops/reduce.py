"""Reductions over `dim` (None = all, an int, or a tuple), with `keepdim` like PyTorch.

    sum        y = sum x                      dx = g broadcast back over the reduced dims
    mean       y = sum x / n                  dx = g / n
    var        y = sum (x - mean)^2 / (n - c) dx = g 2 (x - mean) / (n - c)   (c = correction, 1 by default)
    std        y = sqrt(var)                  dx = g / (2 y) * dvar/dx, 0 where y = 0
    prod       y = prod x                     dx_i = g prod_{j != i} x_j  (no division: zeros are fine)
    logsumexp  y = log sum exp x              dx = g exp(x - y)  (the softmax)

max/min/argmax (reductions that pick an element) live in sort.py, beside sort and topk; the
cumulative forms (cumsum, cumprod) in scan.py.
"""

import warnings

from .. import dtypes
from ..autograd.function import Function
from .out import expect_tensor, into


def wrap_dim(d, ndim):
    """One dim as a non-negative index, checked against ndim (a 0-d tensor accepts 0 and -1, as PyTorch)."""
    n = ndim or 1
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n


def normalize_dims(dim, ndim):
    """dim as a sorted tuple of non-negative axes (all of them for None or ()), checked against ndim."""
    if dim is None:
        return tuple(range(ndim))
    axes = [wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, int) else dim)]
    if not axes:
        return tuple(range(ndim))  # PyTorch reads dim=() as "all dims"
    if not ndim:
        return ()
    for i, a in enumerate(axes):
        if a in axes[:i]:
            raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
    return tuple(sorted(axes))


def _keep(g, x_shape, axes, keepdim):
    """g reshaped so that it broadcasts against x (reduced dims put back as size 1)."""
    if keepdim:
        return g
    return g.reshape([1 if i in axes else n for i, n in enumerate(x_shape)])


def _accumulator(x):
    """The dtype integer sums and products are computed in: int64, as in PyTorch (NumPy would give uint64
    for uint8)."""
    return "int64" if x.dtype.kind in "biu" else None


class Sum(Function):
    saved_inputs = {}

    def forward(self, x, dim=None, keepdim=False):
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        return x.sum(axis=self.axes, keepdims=keepdim, dtype=_accumulator(x))

    def backward(self, g):
        return (self.xp.broadcast_to(_keep(g, self.shape, self.axes, self.keepdim), self.shape),)


class SumDim(Sum):
    node = "SumBackward1"  # PyTorch's overload with dims


class Mean(Sum):
    def forward(self, x, dim=None, keepdim=False):
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        self.count = 1
        for a in self.axes:
            self.count *= x.shape[a]
        return x.mean(axis=self.axes, keepdims=keepdim)

    def backward(self, g):
        return super().backward(g / self.count)


class MeanDim(Mean):
    node = "MeanBackward1"


class Var(Function):
    saved_inputs = {}  # backward reads its own centered copy of x

    def forward(self, x, dim=None, correction=1, keepdim=False):
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        n = 1
        for a in self.axes:
            n *= x.shape[a]
        self.dof = max(n - correction, 0)
        self.centered = x - x.mean(axis=self.axes, keepdims=True)
        s = (self.centered * self.centered).sum(axis=self.axes, keepdims=keepdim)
        if self.dof == 0:  # PyTorch: inf where the squares sum to > 0, else nan (and a warning)
            return self.xp.where(s > 0, float("inf"), float("nan")).astype(x.dtype)
        return s / self.dof

    def backward(self, g):
        scale = 2 / self.dof if self.dof else float("inf")
        return (_keep(g, self.shape, self.axes, self.keepdim) * scale * self.centered,)


class Std(Var):
    saves_output = (0,)

    def forward(self, x, **options):
        self.y = self.xp.sqrt(super().forward(x, **options))
        return self.y

    def backward(self, g):
        zero = self.y == 0  # PyTorch's std has gradient 0 where std = 0 (constant input)
        return super().backward(g * ~zero / (2 * (self.y + zero)))


def _exclusive_cumprod(xp, x, axis):
    """prod_{j < i} x_j along axis (1 at i = 0)."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(0, -1)
    shape = list(x.shape)
    shape[axis] = 1
    return xp.cumprod(xp.concatenate([xp.ones(shape, dtype=x.dtype), x[tuple(index)]], axis=axis), axis=axis)


class Prod(Function):
    def forward(self, x, dim=None, keepdim=False):
        self.x, self.dim, self.keepdim = x, dim, keepdim
        return x.prod(axis=dim, keepdims=keepdim, dtype=_accumulator(x))

    def backward(self, g):
        xp = self.xp
        x, axis = (self.x, self.dim) if self.dim is not None else (self.x.reshape(-1), 0)
        if x.shape[axis] == 0:
            return (xp.zeros(self.x.shape, dtype=g.dtype),)
        # the product of the others = (product before i) * (product after i)
        others = _exclusive_cumprod(xp, x, axis) * xp.flip(_exclusive_cumprod(xp, xp.flip(x, axis), axis), axis)
        if self.dim is None:
            return ((g * others).reshape(self.x.shape),)
        return (_keep(g, self.x.shape, (self.dim,), self.keepdim) * others,)


class ProdDim(Prod):
    node = "ProdBackward1"


class Logsumexp(Function):
    saves_output = (0,)

    def forward(self, x, dim=(), keepdim=False):
        xp = self.xp
        self.x, self.keepdim = x, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        m = x.max(axis=self.axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)  # all -inf (or an inf) in a slice: no inf - inf
        self.y = xp.log(xp.exp(x - m).sum(axis=self.axes, keepdims=True)) + m  # keepdim shape
        return self.y if keepdim else self.y.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])

    def backward(self, g):
        return (_keep(g, self.x.shape, self.axes, self.keepdim) * self.xp.exp(self.x - self.y),)


def _sum_dtype(x, dtype):
    return x if dtype is None or x.dtype == dtype else x.to(dtype)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over dim (None or () = all; an int, tuple or list); integers and bools sum in int64 (torch.sum)."""
    x = _sum_dtype(expect_tensor("sum", input), dtype)
    return into(out, (Sum if dim is None else SumDim).apply(x, dim=dim, keepdim=keepdim), "sum")


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over dim; floats only unless dtype= gives one (torch.mean)."""
    x = _sum_dtype(expect_tensor("mean", input), dtype)
    dtypes.check_float("mean", x, hint=" or pass dtype=minigrad.float32")
    return into(out, (Mean if dim is None else MeanDim).apply(x, dim=dim, keepdim=keepdim), "mean")


def _correction(op, dim, unbiased, correction):
    """(dim, correction) from PyTorch's three signatures: (dim, unbiased), (dim, *, correction) and (unbiased)."""
    if isinstance(dim, bool):  # var(x, False): the (unbiased) overload
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): pass either unbiased= or correction=, not both")
    if correction is None:
        correction = 1 if unbiased is None else int(unbiased)
    return dim, correction


def _var(cls, op, input, dim, unbiased, keepdim, correction, out):
    x = expect_tensor(op, input)
    dtypes.check_float(op, x)
    dim, correction = _correction(op, dim, unbiased, correction)
    n = 1
    for a in normalize_dims(dim, x.ndim):
        n *= x.shape[a]
    if n - correction <= 0:
        warnings.warn(f"{op}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      "factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return into(out, cls.apply(x, dim=dim, correction=correction, keepdim=keepdim), op)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """sum((x - mean)^2) / (n - correction) over dim; correction=1 (Bessel's) unless unbiased=False or
    correction= say otherwise (torch.var)."""
    return _var(Var, "var", input, dim, unbiased, keepdim, correction, out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """sqrt(var(...)) with var's arguments (torch.std)."""
    return _var(Std, "std", input, dim, unbiased, keepdim, correction, out)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or over one dim (torch.prod); its gradient handles zeros exactly."""
    x = _sum_dtype(expect_tensor("prod", input), dtype)
    if dim is None:
        return into(out, Prod.apply(x), "prod")
    if not isinstance(dim, int):
        raise TypeError(f"prod(): dim must be an int, got {type(dim).__name__} (PyTorch's prod reduces one dim "
                        "at a time: x.prod(0).prod(0))")
    d = wrap_dim(dim, x.ndim)
    return into(out, ProdDim.apply(x, dim=d if x.ndim else None, keepdim=keepdim), "prod")


def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(x))) over dim, computed stably (torch.logsumexp); floats only."""
    x = expect_tensor("logsumexp", input)
    dtypes.check_float("logsumexp", x)
    return into(out, Logsumexp.apply(x, dim=dim, keepdim=keepdim), "logsumexp")

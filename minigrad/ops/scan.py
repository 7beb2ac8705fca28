"""Running sums and products along one dim, and differences of neighbours:

    cumsum   y_i = x_0 + ... + x_i     dx_i = sum_{j >= i} g_j
    cumprod  y_i = x_0 ... x_i         dx_i = sum_{j >= i} g_j y_j / x_i before the first zero x_k,
                                       sum_{j >= k} g_j prod_{l <= j, l != k} x_l at it, 0 after it
    diff     y_i = x_{i+1} - x_i, n times (a composition of slices and a subtraction)

Integers and bools accumulate in int64, as in PyTorch.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    >>> x.cumsum(0), x.cumprod(0), mg.diff(x, prepend=mg.tensor([0.0]))
    (tensor([ 1.,  3.,  6., 10.]), tensor([ 1.,  2.,  6., 24.]), tensor([1., 1., 1., 1.]))
"""

from ..autograd.function import Function
from .join import cat
from .out import expect_tensor, into
from .reduce import _accumulator, _sum_dtype, wrap_dim


def _reverse_cumsum(xp, g, axis):
    """sum_{j >= i} g_j along axis."""
    return xp.flip(xp.flip(g, axis).cumsum(axis=axis), axis)


class Cumsum(Function):
    saved_inputs = {}

    def forward(self, x, dim=0):
        self.dim = dim
        return x.cumsum(axis=dim, dtype=_accumulator(x))

    def backward(self, g):
        return (_reverse_cumsum(self.xp, g, self.dim),)


class Cumprod(Function):
    saves_output = (0,)

    def forward(self, x, dim=0):
        self.x, self.dim = x, dim
        self.y = x.cumprod(axis=dim, dtype=_accumulator(x))
        return self.y

    def backward(self, g):
        xp, x, axis = self.xp, self.x, self.dim
        zero = x == 0
        zeros_so_far = zero.cumsum(axis=axis)
        before = zeros_so_far == 0  # i < k, the first zero of the slice
        first = zero & (zeros_so_far == 1)  # i = k
        # at the first zero: the products with x_k taken as 1 are prod_{l <= j, l != k} x_l
        skipping_first = xp.where(first, 1, x).cumprod(axis=axis)
        at_first = _reverse_cumsum(xp, g * skipping_first, axis)
        before_first = _reverse_cumsum(xp, g * self.y, axis) / xp.where(before, x, 1)
        return (xp.where(before, before_first, xp.where(first, at_first, 0)),)


def _scan(cls, op, input, dim, dtype, out):
    x = _sum_dtype(expect_tensor(op, input), dtype)
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return into(out, x.clone() if _accumulator(x) is None else x.long(), op)
    return into(out, cls.apply(x, dim=d), op)


def cumsum(input, dim, *, dtype=None, out=None):
    """y_i = x_0 + ... + x_i along dim (torch.cumsum); integers and bools accumulate in int64."""
    return _scan(Cumsum, "cumsum", input, dim, dtype, out)


def cumprod(input, dim, *, dtype=None, out=None):
    """y_i = x_0 * ... * x_i along dim (torch.cumprod); the gradient is exact where x has zeros."""
    return _scan(Cumprod, "cumprod", input, dim, dtype, out)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference x[i + 1] - x[i] along dim, after prepend and append are joined
    to x there (torch.diff); bools give x[i + 1] != x[i]."""
    x = expect_tensor("diff", input)
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, x.ndim)
    parts = [t for t in (prepend, x, append) if t is not None]
    if len(parts) > 1:
        x = cat(parts, d)
    for _ in range(n):
        length = x.shape[d] - 1
        if length <= 0:
            return x.narrow(d, 0, 0)
        later, earlier = x.narrow(d, 1, length), x.narrow(d, 0, length)
        x = later != earlier if x.dtype.kind == "b" else later - earlier
    return x

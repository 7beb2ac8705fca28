"""Reductions over `dim` (None = all, an int, or a tuple), with `keepdim` like PyTorch.

    sum           dx = g broadcast back over the reduced dims
    max / min     dx = g where x equals the extreme, shared evenly among ties (PyTorch's amax rule)
    max(dim=int)  dx = g at the index returned with the values, zero elsewhere (PyTorch's rule:
                  one element per slice takes the whole gradient, even among ties)

mean is sum / count; argmax is not differentiable.
"""

from .. import dtypes
from ..autograd.function import Function
from ..backend import guard
from ..tensor import Tensor


def normalize_dims(dim, ndim):
    """dim as a sorted tuple of non-negative axes (all of them for None), checked against ndim."""
    if dim is None:
        return tuple(range(ndim))
    n = ndim if ndim else 1  # a 0-d tensor accepts dim 0 and -1, like PyTorch
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return tuple(sorted(d % n for d in dims)) if ndim else ()


def _keep(g, x_shape, axes, keepdim):
    """g reshaped so that it broadcasts against x (reduced dims put back as size 1)."""
    if keepdim:
        return g
    return g.reshape([1 if i in axes else n for i, n in enumerate(x_shape)])


class Sum(Function):
    saved_inputs = {}

    def forward(self, x, dim=None, keepdim=False):
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        return x.sum(axis=self.axes, keepdims=keepdim)

    def backward(self, g):
        return (self.xp.broadcast_to(_keep(g, self.shape, self.axes, self.keepdim), self.shape),)


class Max(Function):
    saves_output = (0,)

    def forward(self, x, dim=None, keepdim=False, op="max"):
        self.x, self.keepdim = x, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        if x.size == 0:
            raise RuntimeError(f"{op}(): expected a non-empty tensor, got shape {tuple(x.shape)}")
        reduce = x.max if op == "max" else x.min
        self.y = reduce(axis=self.axes, keepdims=True)
        return self.y if keepdim else self.y.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])

    def backward(self, g):
        hit = (self.x == self.y).astype(g.dtype)
        share = hit / hit.sum(axis=self.axes, keepdims=True)
        return (_keep(g, self.x.shape, self.axes, self.keepdim) * share,)


class TakeAlong(Function):
    """y = x at `index` along `dim` (index has keepdim shape); dx = g at that index, 0 elsewhere."""

    saved_inputs = {}

    def forward(self, x, index, dim=0):
        self.size, self.index, self.dim = x.shape[dim], index, dim
        return self.xp.take_along_axis(x, index, axis=dim)

    def backward(self, g):
        positions = self.xp.arange(self.size).reshape([-1 if i == self.dim else 1 for i in range(g.ndim)])
        return (self.xp.where(positions == self.index, g, 0),)  # (..., size, ...): g broadcast along dim


class MaxResult(tuple):
    """(values, indices), like PyTorch's torch.return_types.max."""

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def sum(x, dim=None, keepdim=False):
    return Sum.apply(x, dim=dim, keepdim=keepdim)


def mean(x, dim=None, keepdim=False):
    dtypes.check_float("mean", x)
    axes = normalize_dims(dim, x.ndim)
    count = 1
    for a in axes:
        count *= x.shape[a]
    return Sum.apply(x, dim=dim, keepdim=keepdim) / count


def _extreme(op, x, dim, keepdim):
    if not isinstance(dim, int):
        return Max.apply(x, dim=dim, keepdim=keepdim, op=op)
    # One dim: PyTorch returns (values, indices), and the gradient follows the indices.
    x1 = x.reshape(1) if x.ndim == 0 else x
    axis = normalize_dims(dim, x.ndim)[0] if x.ndim else 0
    if x1.shape[axis] == 0:
        raise IndexError(f"{op}(): cannot reduce over dimension {dim} of size 0 (shape {tuple(x.shape)})")
    indices = argmax(x1, axis, keepdim=True, op="arg" + op)
    values = TakeAlong.apply(x1, indices._data, dim=axis)
    if not keepdim or x.ndim == 0:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return MaxResult((values, indices))


def max(x, dim=None, keepdim=False):
    return _extreme("max", x, dim, keepdim)


def min(x, dim=None, keepdim=False):
    return _extreme("min", x, dim, keepdim)


def argmax(x, dim=None, keepdim=False, op="argmax"):
    xp = x.device.xp
    with guard(x.device):
        if dim is None:
            return Tensor._make(xp.asarray(getattr(xp, op)(x._data)), x.device, False, None)
        axis = normalize_dims(dim, x.ndim)[0] if x.ndim else None
        return Tensor._make(xp.asarray(getattr(xp, op)(x._data, axis=axis, keepdims=keepdim)), x.device, False, None)


def argmin(x, dim=None, keepdim=False):
    return argmax(x, dim, keepdim, op="argmin")

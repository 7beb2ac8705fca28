"""Picking elements by order: max/min (with PyTorch's (values, indices) over one dim), amax/amin,
argmax/argmin, sort, argsort, topk.

    amax, max()    dx = g where x equals the extreme, shared evenly among ties (PyTorch's rule)
    max(dim), sort, topk   y = x gathered at the returned indices, so dx = g scattered back to them
                           (one element per slice takes the whole gradient, even among ties)

Sorting is stable, so equal elements keep their order (PyTorch's stable=True; its default order
among ties is unspecified); NaN sorts as the largest value, as in PyTorch.

    >>> import minigrad as mg
    >>> values, indices = mg.tensor([[1.0, 5.0, 3.0]]).max(dim=1)
    >>> values, indices
    (tensor([5.]), tensor([1]))
"""

from .. import return_types
from ..autograd.function import Function
from ..backend import guard
from ..tensor import Tensor
from .gather import Gather
from .out import expect_tensor, into
from .piecewise import maximum, minimum
from .reduce import _keep, normalize_dims, wrap_dim


class Amax(Function):
    saves_output = (0,)

    def forward(self, x, dim=None, keepdim=False):
        self.x, self.keepdim = x, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        self.y = self.reduce(x, axis=self.axes, keepdims=True)
        return self.y if keepdim else self.y.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])

    def reduce(self, x, **where):
        return x.max(**where)

    def backward(self, g):
        xp = self.xp
        hit = (self.x == self.y) | (xp.isnan(self.x) & xp.isnan(self.y))  # a NaN result comes from the NaNs
        share = hit / hit.sum(axis=self.axes, keepdims=True)
        return (_keep(g, self.x.shape, self.axes, self.keepdim) * share,)


class Amin(Amax):
    def reduce(self, x, **where):
        return x.min(**where)


class MaxAll(Amax):
    node = "MaxBackward1"  # x.max(): PyTorch's overload without dim


class MinAll(Amin):
    node = "MinBackward1"


class MaxDim(Gather):
    """max over one dim: the values at the given indices (keepdim shape), squeezed unless keepdim."""

    node = "MaxBackward0"

    def forward(self, x, index=None, dim=0, keepdim=False):
        self.dim, self.keepdim = dim, keepdim
        y = super().forward(x, index=index, dim=dim)
        return y if keepdim else y.squeeze(dim)

    def backward(self, g):
        return super().backward(g if self.keepdim else self.xp.expand_dims(g, self.dim))


class MinDim(MaxDim):
    node = "MinBackward0"


class Sort(Gather):
    pass


class Topk(Gather):
    pass


def _nonempty(op, x, axes):
    if x.numel() == 0:
        if len(axes) == x.ndim:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        for a in axes:
            if x.shape[a] == 0:
                raise IndexError(f"{op}(): Expected reduction dim {a} to have non-zero size.")


def _as_1d(x):
    """0-d tensors are treated as 1-D of one element (dim 0 or -1), as PyTorch does for these ops."""
    return x.reshape(1) if x.ndim == 0 else x


def _extreme(op, input, dim, keepdim, out):
    x = expect_tensor(op, input)
    if isinstance(dim, Tensor):  # max(a, b) is maximum(a, b)
        return (maximum if op == "max" else minimum)(x, dim, out=out)
    if dim is None:
        _nonempty(op, x, tuple(range(x.ndim)))
        return into(out, (MaxAll if op == "max" else MinAll).apply(x), op)
    if not isinstance(dim, int):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}; use a{op}(x, dim={dim!r}) to reduce over "
                        "several dims")
    x1 = _as_1d(x)
    axis = wrap_dim(dim, x.ndim)
    _nonempty(op, x1, (axis,))
    index = getattr(x.device.xp, "arg" + op)(x1._data, axis=axis, keepdims=True)
    values = (MaxDim if op == "max" else MinDim).apply(x1, index=index, dim=axis, keepdim=keepdim and x.ndim > 0)
    if not keepdim or x.ndim == 0:
        index = index.squeeze(axis)
    indices = Tensor._make(index, x.device, False, None)
    return into(out, (return_types.max if op == "max" else return_types.min)((values, indices)), op)


def max(input, dim=None, keepdim=False, *, out=None):
    """The largest element; over one dim, (values, indices) (torch.return_types.max); with a tensor
    as second argument, maximum(input, other)."""
    return _extreme("max", input, dim, keepdim, out)


def min(input, dim=None, keepdim=False, *, out=None):
    """The smallest element; over one dim, (values, indices); with a tensor, minimum(input, other)."""
    return _extreme("min", input, dim, keepdim, out)


def _amax(cls, op, input, dim, keepdim, out):
    x = expect_tensor(op, input)
    _nonempty(op, x, normalize_dims(dim, x.ndim))
    return into(out, cls.apply(x, dim=dim, keepdim=keepdim), op)


def amax(input, dim=(), keepdim=False, *, out=None):
    """The largest values over dim (an int or tuple; () = all), gradient shared among ties (torch.amax)."""
    return _amax(Amax, "amax", input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    """The smallest values over dim (an int or tuple; () = all) (torch.amin)."""
    return _amax(Amin, "amin", input, dim, keepdim, out)


def _arg(op, input, dim, keepdim, out):
    x = expect_tensor(op, input)
    xp = x.device.xp
    with guard(x.device):  # no Function here: the device guard is ours to enter
        if dim is None:
            if x.numel() == 0:
                raise IndexError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0.")
            index = xp.asarray(getattr(xp, op)(x._data))
            index = index.reshape((1,) * x.ndim) if keepdim else index
        else:
            axis = wrap_dim(dim, x.ndim)
            _nonempty(op, _as_1d(x), (axis,))
            index = getattr(xp, op)(_as_1d(x)._data, axis=axis, keepdims=keepdim and x.ndim > 0)
            index = index.reshape(()) if x.ndim == 0 else index
    return into(out, Tensor._make(index, x.device, False, None), op)


def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the (first) largest element, flat if dim is None (torch.argmax)."""
    return _arg("argmax", input, dim, keepdim, out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the (first) smallest element, flat if dim is None (torch.argmin)."""
    return _arg("argmin", input, dim, keepdim, out)


def _order(x, axis, descending):
    """Stable argsort along axis; descending keeps equal elements in their original order too."""
    xp = x.device.xp
    if not descending:
        return xp.argsort(x._data, axis=axis, kind="stable")
    # sort the reversed array, then reverse the order: ties come out first-to-last again
    reverse = xp.argsort(xp.flip(x._data, axis), axis=axis, kind="stable")
    return (x.shape[axis] - 1) - xp.flip(reverse, axis)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """(values, indices) sorted along dim (torch.return_types.sort); always stable here."""
    x = expect_tensor("sort", input)
    x1, axis = _as_1d(x), wrap_dim(dim, x.ndim)
    index = _order(x1, axis, descending)
    values = Sort.apply(x1, index=index, dim=axis)
    if x.ndim == 0:
        values, index = values.reshape(()), index.reshape(())
    return into(out, return_types.sort((values, Tensor._make(index, x.device, False, None))), "sort")


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort input along dim (torch.argsort); always stable here."""
    x = expect_tensor("argsort", input)
    index = _order(_as_1d(x), wrap_dim(dim, x.ndim), descending)
    return Tensor._make(index.reshape(()) if x.ndim == 0 else index, x.device, False, None)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """(values, indices) of the k largest (or smallest) elements along dim, in order
    (torch.return_types.topk)."""
    x = expect_tensor("topk", input)
    x1, axis = _as_1d(x), wrap_dim(dim, x.ndim)
    if not 0 <= k <= x1.shape[axis]:
        raise RuntimeError(f"selected index k out of range: k={k} for dimension {axis} of size {x1.shape[axis]}")
    index = _order(x1, axis, descending=largest)
    index = index[(slice(None),) * axis + (slice(0, k),)]
    values = Topk.apply(x1, index=index, dim=axis)
    if x.ndim == 0:
        values, index = values.reshape(()), index.reshape(())
    return into(out, return_types.topk((values, Tensor._make(index, x.device, False, None))), "topk")

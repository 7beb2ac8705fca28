"""Operations that move elements around without arithmetic; the gradient moves them back.

    reshape   dx = g reshaped to x's shape          permute  dx = g permuted by the inverse order
    expand    dx = sum_to(g, x.shape)               getitem  dx = zeros, then g scatter-added at index
    cat       dx_i = the slice of g that x_i filled

squeeze/unsqueeze/flatten/view are reshapes; transpose is a permute; stack is unsqueeze + cat.
"""

from ..autograd.function import Function
from ..tensor import Tensor
from .arith import sum_to


class Reshape(Function):
    saved_inputs = {}

    def forward(self, x, shape=()):
        self.shape = x.shape
        return x.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.shape),)


class Permute(Function):
    saved_inputs = {}

    def forward(self, x, dims=()):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (g.transpose(inverse),)


class Expand(Function):
    saved_inputs = {}

    def forward(self, x, shape=()):
        self.shape = x.shape
        return self.xp.broadcast_to(x, shape)

    def backward(self, g):
        return (sum_to(g, self.shape),)


_BASIC = (int, slice, type(None), type(Ellipsis))


class GetItem(Function):
    saved_inputs = {}

    def forward(self, x, index=()):
        self.shape, self.index = x.shape, index
        basic = index if isinstance(index, tuple) else (index,)
        if all(isinstance(i, _BASIC) for i in basic) and Ellipsis not in basic:
            # x[0] is a view in PyTorch and CuPy; NumPy copies an all-integer index into a scalar
            # unless an Ellipsis closes it, so add one: the same elements, always as a view
            return x[(*basic, Ellipsis)]
        return x[index]

    def backward(self, g):
        dx = self.xp.zeros(self.shape, dtype=g.dtype)
        index = self.index if isinstance(self.index, tuple) else (self.index,)
        if all(isinstance(i, _BASIC) for i in index):
            dx[self.index] = g  # ints and slices pick each element at most once
        else:
            self.xp.add.at(dx, self.index, g)  # unbuffered: repeated indices accumulate
        return (dx,)


class Cat(Function):
    saved_inputs = {}

    def forward(self, *xs, dim=0):
        self.dim = dim
        self.bounds = [0]
        for x in xs:
            self.bounds.append(self.bounds[-1] + x.shape[dim])
        return self.xp.concatenate(xs, axis=dim)

    def backward(self, g):
        index = [slice(None)] * g.ndim
        grads = []
        for i, needed in enumerate(self.needs_input_grad):
            index[self.dim] = slice(self.bounds[i], self.bounds[i + 1])
            grads.append(g[tuple(index)] if needed else None)
        return grads


def _sizes(args):
    """Accept f(2, 3) and f((2, 3)) alike."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)


def reshape(x, *shape):
    shape = _sizes(shape)
    known = 1
    for n in shape:
        known *= n if n != -1 else 1
    inferred = shape.count(-1)
    if inferred > 1 or (inferred and (known == 0 or x.numel() % known)) or (not inferred and known != x.numel()):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {x.numel()} (shape {tuple(x.shape)})")
    return Reshape.apply(x, shape=shape)


def flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return reshape(x, *x.shape[:start], -1, *x.shape[end + 1:])


def _dim(d, ndim):
    if not -ndim <= d < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {d})")
    return d % ndim


def squeeze(x, dim=None):
    if dim is None:
        return reshape(x, *[n for n in x.shape if n != 1])
    dims = {_dim(d, max(x.ndim, 1)) for d in ((dim,) if isinstance(dim, int) else dim)}
    return reshape(x, *[n for i, n in enumerate(x.shape) if not (i in dims and n == 1)])


def unsqueeze(x, dim):
    d = _dim(dim, x.ndim + 1)
    return reshape(x, *x.shape[:d], 1, *x.shape[d:])


def permute(x, *dims):
    dims = tuple(_dim(d, x.ndim) for d in _sizes(dims))
    if sorted(dims) != list(range(x.ndim)):
        raise RuntimeError(f"permute: dims {dims} are not a permutation of the {x.ndim} dims of shape {tuple(x.shape)}")
    return Permute.apply(x, dims=dims)


def transpose(x, dim0, dim1):
    dims = list(range(x.ndim))
    d0, d1 = _dim(dim0, x.ndim), _dim(dim1, x.ndim)
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(x, dims=tuple(dims))


def expand(x, *sizes):
    sizes = _sizes(sizes)
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes))
    if lead < 0 or any(n != m and n != 1 for n, m in zip(x.shape, shape[lead:])):
        raise RuntimeError(f"expand: shape {tuple(x.shape)} cannot be expanded to {sizes}: each dim must match "
                           "or be 1, and new dims can only be added in front")
    return Expand.apply(x, shape=shape)


def to_index(index, device):
    """An index with tensors replaced by arrays on `device` (a CPU index may select from CUDA data)."""
    if isinstance(index, tuple):
        return tuple(to_index(i, device) for i in index)
    if isinstance(index, Tensor):
        if index.device is device:
            return index._data
        return device.backend.to_device(index.device.backend.to_host(index._data))
    return index


def getitem(x, index):
    return GetItem.apply(x, index=to_index(index, x.device))


def cat(tensors, dim=0):
    tensors = list(tensors)
    first = tensors[0]
    d = _dim(dim, first.ndim)
    for t in tensors[1:]:
        if t.dtype != first.dtype:
            raise TypeError(f"cat: all tensors must have the same dtype, got {first.dtype} and {t.dtype}")
        if t.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(zip(t.shape, first.shape)) if i != d):
            raise RuntimeError(f"cat: tensors must have the same shape except in dimension {d}, "
                               f"got {tuple(first.shape)} and {tuple(t.shape)}")
    return Cat.apply(*tensors, dim=d)


def stack(tensors, dim=0):
    tensors = list(tensors)
    d = _dim(dim, tensors[0].ndim + 1)
    if any(t.shape != tensors[0].shape for t in tensors):
        raise RuntimeError(f"stack expects each tensor to be equal size, got {[tuple(t.shape) for t in tensors]}")
    return cat([unsqueeze(t, d) for t in tensors], d)

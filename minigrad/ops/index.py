"""Indexing: x[index], x[index] = v and narrow, with PyTorch's semantics and errors (ints, slices,
None, ..., int/bool tensors, lists and masks; negative steps refused; indices checked on every device).

    basic index (ints, slices, None, ...)   y = a view of x    dx = zeros, then g written at index
    advanced index (int/bool tensors)       y = a copy         dx = zeros, then g *added* at index,
                                                               so repeated indices accumulate

gather, scatter and index_select, which index along one dim, are in gather.py.

    >>> import minigrad as mg
    >>> x = mg.arange(6.0).reshape(2, 3)
    >>> x[1], x[:, 1:], x[mg.tensor([1, 1]), 0]
    (tensor([3., 4., 5.]), tensor([[1., 2.],
            [4., 5.]]), tensor([3., 3.]))
"""

import operator

from .. import dtypes
from ..autograd.function import Function
from ..backend import array_on, guard
from ..tensor import Tensor
from .out import expect_tensor
from .reduce import wrap_dim


class Slice(Function):
    """x[index] for a basic index: every element is picked at most once."""

    saved_inputs = {}

    def forward(self, x, index=()):
        self.shape, self.index = x.shape, index
        return x[index]

    def backward(self, g):
        dx = self.xp.zeros(self.shape, dtype=g.dtype)
        dx[self.index] = g
        return (dx,)


class Select(Slice):
    """x[i]: PyTorch's name when the last index is an int. A view, as in PyTorch and CuPy: NumPy copies
    an all-integer index into a scalar unless an Ellipsis closes it, so one is added."""

    def forward(self, x, index=()):
        self.shape, self.index = x.shape, index
        items = index if isinstance(index, tuple) else (index,)
        return x[items if any(i is Ellipsis for i in items) else (*items, Ellipsis)]


class NewAxis(Slice):
    node = "UnsqueezeBackward0"  # x[None]


class Index(Slice):
    """x[index] for an advanced index (tensors, lists, masks): indices may repeat."""

    def backward(self, g):
        dx = self.xp.zeros(self.shape, dtype=g.dtype)
        self.xp.add.at(dx, self.index, g)  # unbuffered: a repeated index gets the sum of its gradients
        return (dx,)


# ---------------------------------------------------------------- x[index], x[index] = v
_VALID = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices"


def _array(item, device):
    """A tensor, list or ndarray index as an integer or bool array on `device` (a CPU index may select
    from CUDA data, as in PyTorch)."""
    if isinstance(item, Tensor):
        if item.device is not device and item.device.type != "cpu":
            raise RuntimeError(f"indices should be either on cpu or on the same device as the indexed tensor "
                               f"({device}), got {item.device}")
        a = item._data if item.device is device else device.backend.to_device(item._data)
    else:
        a = device.xp.asarray(list(item) if isinstance(item, range) else item)
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(dtypes.int64)  # [] is an empty int index, as in PyTorch
    if a.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a.astype(dtypes.bool) if a.dtype == dtypes.uint8 else a  # PyTorch reads uint8 indices as masks


def _is_array(item):
    """Tensors, lists and arrays index by array, except 0-d integers (x[mg.tensor(1)] is x[1], as in
    PyTorch); a bool (x[True]) is a 0-d mask that adds a dim."""
    if isinstance(item, (list, range, bool)):  # x[range(n), idx] is an everyday idiom
        return True
    if isinstance(item, Tensor):
        return item.ndim > 0 or item.dtype.kind not in "iu"  # a 0-d float tensor is refused by _array
    return getattr(item, "ndim", 0) > 0


def _check_int(i, n, dim):
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")


def to_index(x, index):
    """(index, cls): `index` as NumPy/CuPy take it, checked against x with PyTorch's errors, and the
    Function that applies it (Select, Slice, NewAxis or, for any tensor/list/mask, Index)."""
    if isinstance(index, list) and any(isinstance(i, (list, tuple, Tensor, slice)) or i is None or i is Ellipsis
                                       for i in index):
        raise IndexError("x[[...]] with sequences inside is ambiguous (PyTorch 2.13 reads it as x[tuple(seq)], with "
                         "a deprecation warning); write x[tuple(seq)] or x[minigrad.tensor(seq)]")
    items = list(index) if isinstance(index, tuple) else [index]
    used = 0  # how many of x's dims the items index, to place an Ellipsis
    for k, item in enumerate(items):
        if type(item) is int or type(item) is slice:
            used += 1
        elif _is_array(item):
            items[k] = a = _array(item, x.device)
            used += a.ndim if a.dtype.kind == "b" else 1
        elif item is not None and item is not Ellipsis:
            if hasattr(item, "__index__"):  # a 0-d int tensor, a NumPy int
                items[k] = operator.index(item)
            used += 1
    if used > x.ndim:
        if x.ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                             "in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {x.ndim}")
    out, cls, dim, ellipsis = [], Slice, 0, False
    for item in items:
        if type(item) is int:
            _check_int(item, x.shape[dim], dim)
            cls, dim = cls if cls is Index else Select, dim + 1
        elif item is Ellipsis:
            if not ellipsis:  # PyTorch accepts a second ... as a no-op
                out.append(item)
                dim += x.ndim - used
            ellipsis = True
            continue
        elif item is None:
            cls = NewAxis if cls is not Index else cls
        elif isinstance(item, slice):
            if item.step is not None and operator.index(item.step) <= 0:
                raise ValueError("step must be greater than zero" if item.step else "slice step cannot be zero")
            cls, dim = cls if cls is Index else Slice, dim + 1
        elif hasattr(item, "dtype"):  # an array: integer indices or a mask
            _check_array(x, item, dim)
            cls, dim = Index, dim + (item.ndim if item.dtype.kind == "b" else 1)
        else:
            try:
                i = operator.index(item)
            except TypeError:
                raise IndexError(f"{_VALID} (got {type(item).__name__})") from None
            _check_int(i, x.shape[dim], dim)
            item, cls, dim = i, cls if cls is Index else Select, dim + 1
        out.append(item)
    return (out[0] if len(out) == 1 else tuple(out)), cls


def _check_array(x, a, dim):
    if a.dtype.kind == "b":
        for j, (m, n) in enumerate(zip(a.shape, x.shape[dim:])):
            if m != n:
                raise IndexError(f"The shape of the mask {list(a.shape)} at index {j} does not match the shape of "
                                 f"the indexed tensor {list(x.shape)} at index {dim + j}")
    elif a.size:
        lo, hi = int(a.min()), int(a.max())
        _check_int(lo, x.shape[dim], dim)
        _check_int(hi, x.shape[dim], dim)


def getitem(x, index):
    # x[i] and x[a:b], the most common indices, without the general walk
    if type(index) is int and x.ndim and -x.shape[0] <= index < x.shape[0]:
        return Select.apply(x, index=index)
    if type(index) is slice and x.ndim and (index.step is None or type(index.step) is int and index.step > 0):
        return Slice.apply(x, index=index)
    index, cls = to_index(x, index)
    return cls.apply(x, index=index)


def setitem(x, index, value):
    """x[index] = value, in place (a number, or a tensor broadcast to the indexed shape)."""
    x._check_inplace(isinstance(value, Tensor) and value.requires_grad)  # a graph would be lost
    index, _ = to_index(x, index)
    if isinstance(value, Tensor) and value.device is not x.device and value.device.type != "cpu":
        raise RuntimeError(f"x[index] = value: value is on {value.device} but x is on {x.device}; "
                           "move one with .to(device)")
    x._mark_written()
    with guard(x.device):  # host data and CPU tensors are copied to x's device first (CuPy refuses host data)
        value = array_on(x.device, value, x.dtype)
        try:
            x._data[index] = value
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(getattr(value, 'shape', ()))} cannot "
                               f"be broadcast to indexing result of shape {list(x._data[index].shape)}") from None


def narrow(input, dim, start, length):
    """input[..., start:start + length, ...] along dim, a view (torch.narrow); start may be negative."""
    x = expect_tensor("narrow", input)
    d = wrap_dim(dim, x.ndim)
    n, start = x.shape[d], operator.index(start)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return Slice.apply(x, index=(slice(None),) * d + (slice(start, start + length),))

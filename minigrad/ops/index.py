"""Indexing: x[index], x[index] = v, narrow, index_select, gather and scatter (PyTorch's semantics and
errors; tensors, lists, masks, None and ... as in PyTorch, negative steps refused).

    basic index (ints, slices, None, ...)   y = a view of x        dx = zeros, then g written at index
    advanced index (int/bool tensors)       y = a copy             dx = zeros, then g *added* at index,
                                                                   so repeated indices accumulate
    gather(x, dim, index)                   y[i] = x[..., index[i], ...]   dx = g added at those places
    scatter(x, dim, index, src)             y = x with src written at index   dx = g where nothing was
                                            written, dsrc = g gathered at index (scatter_add: dx = g)

    >>> import minigrad as mg
    >>> x = mg.arange(6.0).reshape(2, 3)
    >>> x[mg.tensor([1, 1]), 0], x.gather(1, mg.tensor([[2], [0]]))
    (tensor([3., 3.]), tensor([[2.],
            [3.]]))
"""

import operator

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .out import expect_tensor, into
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
    """x[i]: PyTorch's name when the last index is an int."""


class NewAxis(Slice):
    node = "UnsqueezeBackward0"  # x[None]


class Index(Slice):
    """x[index] for an advanced index (tensors, lists, masks): indices may repeat."""

    def backward(self, g):
        dx = self.xp.zeros(self.shape, dtype=g.dtype)
        self.xp.add.at(dx, self.index, g)  # unbuffered: a repeated index gets the sum of its gradients
        return (dx,)


class IndexSelect(Index):
    pass


class Gather(Index):
    def forward(self, x, index=None, dim=0):
        return super().forward(x, index=_along(self.xp, index, dim))


def _along(xp, index, dim):
    """The full index that picks x[i_0, .., index[i], .., i_n] for each position i = (i_0, .., i_n) of index."""
    return tuple(index if d == dim else xp.arange(n).reshape([-1 if e == d else 1 for e in range(index.ndim)])
                 for d, n in enumerate(index.shape))


class Scatter(Function):
    """y = x with src (a tensor, or a number for ScatterValue) written at index along dim."""

    saved_inputs = {}

    def forward(self, x, src, index=None, dim=0):
        self.where = _along(self.xp, index, dim)
        self.used = tuple(slice(0, n) for n in index.shape)  # the part of src that is written
        self.src_shape = getattr(src, "shape", ())
        y = x.copy()
        self.write(y, src[self.used] if hasattr(src, "shape") else src)
        return y

    def write(self, y, values):
        y[self.where] = values

    def x_grad(self, g):
        dx = g.copy()
        dx[self.where] = 0  # overwritten elements do not reach the output
        return dx

    def backward(self, g):
        dx = self.x_grad(g) if self.needs_input_grad[0] else None
        dsrc = None
        if self.needs_input_grad[1]:
            dsrc = self.xp.zeros(self.src_shape, dtype=g.dtype)
            dsrc[self.used] = g[self.where]
        return dx, dsrc


class ScatterValue(Scatter):
    node = "ScatterBackward1"


class ScatterAdd(Scatter):
    def write(self, y, values):
        self.xp.add.at(y, self.where, values)

    def x_grad(self, g):
        return g


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
        a = device.xp.asarray(item)
        if a.size == 0 and a.dtype.kind == "f":
            a = a.astype(dtypes.int64)  # [] is an empty int index, as in PyTorch
    if a.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return a.astype(dtypes.bool) if a.dtype == dtypes.uint8 else a  # PyTorch reads uint8 indices as masks


def _is_array(item):
    """Tensors, lists and arrays index by array, except 0-d integers (x[mg.tensor(1)] is x[1], as in
    PyTorch); a bool (x[True]) is a 0-d mask that adds a dim."""
    if isinstance(item, (list, bool)):
        return True
    return getattr(item, "ndim", 0) > 0 or isinstance(item, Tensor) and item.dtype.kind == "b"


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
    if isinstance(value, Tensor):
        if value.device is not x.device and value.device.type != "cpu":
            raise RuntimeError(f"x[index] = value: value is on {value.device} but x is on {x.device}; "
                               "move one with .to(device)")
        value = value._data if value.device is x.device else x.device.backend.to_device(value._data)
    x._mark_written()
    try:
        x._data[index] = value
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(getattr(value, 'shape', ()))} cannot be "
                           f"broadcast to indexing result of shape {list(x._data[index].shape)}") from None


# ---------------------------------------------------------------- narrow, index_select, gather, scatter
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


def _index_array(op, index, x, name="index"):
    expect_tensor(op, index, name)
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {index.dtype}")
    if index.device is not x.device:
        raise RuntimeError(f"{op}(): index is on {index.device} but the input is on {x.device}; "
                           "move one with .to(device)")
    return index._data


def _check_bounds(op, a, n, dim):
    """Indices into a dim of size n must be in [0, n) (gather, scatter and index_select refuse negatives)."""
    if a.size:
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi >= n:
            raise RuntimeError(f"{op}(): index {lo if lo < 0 else hi} is out of bounds for dimension {dim} "
                               f"with size {n}")


def index_select(input, dim, index, *, out=None):
    """input's entries at `index` (a 1-D integer tensor) along dim, repeats allowed (torch.index_select)."""
    x = expect_tensor("index_select", input)
    d = wrap_dim(dim, x.ndim)
    a = _index_array("index_select", index, x)
    if a.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape {tuple(a.shape)}")
    _check_bounds("index_select", a, x.shape[d] if x.ndim else 1, d)
    return into(out, IndexSelect.apply(x, index=(slice(None),) * d + (a.reshape(-1),)), "index_select")


def _check_like(op, x, a, d, src=None):
    """PyTorch's shape rules for gather/scatter: index has x's number of dims and is no larger than x
    outside dim (and, for scatter, no larger than src anywhere)."""
    if a.ndim != x.ndim:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as input tensor "
                           f"(index {tuple(a.shape)}, input {x.shape})")
    too_big = [e for e, (m, n) in enumerate(zip(a.shape, x.shape)) if e != d and m > n]
    if src is not None and (too_big or src.ndim != a.ndim or any(m > n for m, n in zip(a.shape, src.shape))):
        raise RuntimeError(f"{op}(): Expected index {list(a.shape)} to be no larger than self {list(x.shape)} apart "
                           f"from dimension {d} and to be no larger size than src {list(src.shape)}")
    if too_big:
        raise RuntimeError(f"{op}(): Size does not match at dimension {too_big[0]} expected index {list(a.shape)} to "
                           f"be no larger than self {list(x.shape)} apart from dimension {d}")
    _check_bounds(op, a, x.shape[d] if x.ndim else 1, d)


def gather(input, dim, index, *, out=None):
    """y[i][j][k] = input[index[i][j][k]][j][k] for dim=0 (and so on for other dims) (torch.gather)."""
    x = expect_tensor("gather", input)
    d = wrap_dim(dim, x.ndim)
    a = _index_array("gather", index, x)
    _check_like("gather", x, a, d)
    return into(out, Gather.apply(x, index=a, dim=d), "gather")


def _scatter(op, cls, input, dim, index, src):
    x = expect_tensor(op, input)
    d = wrap_dim(dim, x.ndim)
    a = _index_array(op, index, x)
    if isinstance(src, Tensor):
        if src.dtype != x.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype, got {x.dtype} and {src.dtype}")
        _check_like(op, x, a, d, src)
        return cls.apply(x, src, index=a, dim=d)
    _check_like(op, x, a, d)
    return ScatterValue.apply(x, src, index=a, dim=d)


def scatter(input, dim, index, src=None, *, value=None):
    """input with src[i][j][k] written at [index[i][j][k]][j][k] for dim=0, and so on (torch.scatter);
    src may be a tensor or a number (also as value=). Where indices repeat, one of the writes wins."""
    return _scatter("scatter", Scatter, input, dim, index, value if src is None else src)


def scatter_add(input, dim, index, src):
    """input with src[i][j][k] *added* at [index[i][j][k]][j][k] for dim=0, and so on; repeated indices
    accumulate (torch.scatter_add)."""
    return _scatter("scatter_add", ScatterAdd, input, dim, index, expect_tensor("scatter_add", src, "src"))

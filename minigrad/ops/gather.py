"""Picking and placing along one dim: gather, scatter, scatter_add, index_select (PyTorch's rules:
index has the input's number of dims, is no larger outside `dim`, and holds indices in [0, size)).

    gather(x, dim, index)          y[i] = x[..., index[i], ...]      dx = g added back at those places
    scatter(x, dim, index, src)    y = x with src written at index   dx = g where nothing was written,
                                                                     dsrc = g gathered at index
    scatter_add                    y = x with src added at index     dx = g (repeats accumulate)
    index_select(x, dim, index)    x's entries at a 1-D index, repeats allowed

    >>> import minigrad as mg
    >>> x = mg.arange(6.0).reshape(2, 3)
    >>> x.gather(1, mg.tensor([[2], [0]])), x.index_select(1, mg.tensor([0, 0]))
    (tensor([[2.],
            [3.]]), tensor([[0., 0.],
            [3., 3.]]))
"""

from ..autograd.function import Function
from ..tensor import Tensor
from .index import Index
from .out import expect_tensor, into
from .reduce import wrap_dim


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
                           f"(index {tuple(a.shape)}, input {tuple(x.shape)})")
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
    if src is None and value is None:
        raise TypeError("scatter(): give the values to write, as src (a tensor or a number) or value=")
    return _scatter("scatter", Scatter, input, dim, index, value if src is None else src)


def scatter_add(input, dim, index, src):
    """input with src[i][j][k] *added* at [index[i][j][k]][j][k] for dim=0, and so on; repeated indices
    accumulate (torch.scatter_add)."""
    return _scatter("scatter_add", ScatterAdd, input, dim, index, expect_tensor("scatter_add", src, "src"))

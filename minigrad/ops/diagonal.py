"""Diagonals of matrices: read them (diagonal, trace), write them (diag_embed), and torch.diag, which
does either by the input's dims. Diagonal `offset` 0 is the main one, > 0 above it, < 0 below.

    diagonal(x, offset, dim1, dim2)  y = the diagonal of x over dims dim1, dim2, as its last dim (a view)
                                     dx = zeros with g written on that diagonal
    diag_embed(v, offset, dim1, dim2) matrices with v's last dim on their diagonal    dv = diagonal(g)
    trace(x)                         y = sum of the main diagonal (a matrix)          dx = g I

    >>> import minigrad as mg
    >>> x = mg.arange(9.0).reshape(3, 3)
    >>> x.diagonal(), x.diagonal(1), mg.trace(x), mg.diag(mg.tensor([1.0, 2.0]))
    (tensor([0., 4., 8.]), tensor([1., 5.]), tensor(12.), tensor([[1., 0.],
            [0., 2.]]))
"""

from ..autograd.function import Function
from .out import expect_tensor, into
from .reduce import wrap_dim


def _positions(n1, n2, offset):
    """(rows, cols) of diagonal `offset` in an n1 x n2 matrix, as Python ranges."""
    start_row, start_col = max(-offset, 0), max(offset, 0)
    length = max(min(n1 - start_row, n2 - start_col), 0)
    return range(start_row, start_row + length), range(start_col, start_col + length)


def _to_end(ndim, dim1, dim2):
    """The permutation that moves dims dim1, dim2 last (in that order), and its inverse."""
    order = [d for d in range(ndim) if d not in (dim1, dim2)] + [dim1, dim2]
    inverse = [0] * ndim
    for i, d in enumerate(order):
        inverse[d] = i
    return order, inverse


def _embed(xp, v, shape, offset, dim1, dim2):
    """Zeros of `shape` with v's last dim written on diagonal `offset` over dims dim1, dim2."""
    order, inverse = _to_end(len(shape), dim1, dim2)
    rows, cols = _positions(shape[dim1], shape[dim2], offset)
    out = xp.zeros([shape[d] for d in order], dtype=v.dtype)
    out[..., list(rows), list(cols)] = v  # (an advanced index of the two last dims: v's last dim)
    return out.transpose(inverse)


def _take(x, offset, dim1, dim2):
    """diagonal(x) by indexing (a copy), which create_graph can record, unlike xp.diagonal."""
    order, _ = _to_end(x.ndim, dim1, dim2)
    rows, cols = _positions(x.shape[dim1], x.shape[dim2], offset)
    return x.transpose(order)[..., list(rows), list(cols)]


class Diagonal(Function):
    saved_inputs = {}

    def forward(self, x, offset=0, dim1=0, dim2=1):
        self.shape, self.offset, self.dims = x.shape, offset, (dim1, dim2)
        return self.xp.diagonal(x, offset, dim1, dim2)  # a view (read-only in NumPy)

    def backward(self, g):
        return (_embed(self.xp, g, self.shape, self.offset, *self.dims),)


class DiagEmbed(Function):
    saved_inputs = {}

    def forward(self, v, offset=0, dim1=-2, dim2=-1):
        self.offset, self.dims = offset, (dim1, dim2)
        shape = list(v.shape[:-1])
        for d in sorted((dim1, dim2)):  # the two new dims, each of the diagonal's length + |offset|
            shape.insert(d, v.shape[-1] + abs(offset))
        return _embed(self.xp, v, shape, offset, dim1, dim2)

    def backward(self, g):
        return (_take(g, self.offset, *self.dims),)


class Trace(Function):
    saved_inputs = {}

    def forward(self, x):
        self.shape = x.shape
        return self.xp.trace(x)

    def backward(self, g):
        return (g * self.xp.eye(*self.shape, dtype=g.dtype),)


def _dims(op, ndim, dim1, dim2):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"{op}: dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    """Diagonal `offset` of input over dims dim1 and dim2, appended as the last dim (torch.diagonal);
    a view, read-only (PyTorch's is writable: write through x itself, e.g. with a mask)."""
    x = expect_tensor("diagonal", input)
    if x.ndim < 2:
        raise RuntimeError(f"diagonal(): expected a tensor of at least 2 dims, got shape {tuple(x.shape)}")
    d1, d2 = _dims("diagonal", x.ndim, dim1, dim2)
    return Diagonal.apply(x, offset=offset, dim1=d1, dim2=d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (over dims dim1, dim2 of the result) with input's last dim on diagonal `offset`
    (torch.diag_embed)."""
    v = expect_tensor("diag_embed", input)
    if v.ndim == 0:
        raise RuntimeError("diag_embed(): expected a tensor of at least 1 dim, got a 0-d tensor")
    d1, d2 = _dims("diag_embed", v.ndim + 1, dim1, dim2)
    return DiagEmbed.apply(v, offset=offset, dim1=d1, dim2=d2)


def diag(input, diagonal=0, *, out=None):
    """A vector's square matrix with it on diagonal `diagonal`, or a matrix's diagonal as a new
    vector (torch.diag)."""
    x = expect_tensor("diag", input)
    if x.ndim == 1:
        return into(out, diag_embed(x, diagonal, 0, 1), "diag")
    if x.ndim == 2:
        return into(out, Diagonal.apply(x, offset=diagonal, dim1=0, dim2=1).clone(), "diag")
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x.ndim}D")


def trace(input):
    """The sum of a matrix's main diagonal (torch.trace)."""
    x = expect_tensor("trace", input)
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    return Trace.apply(x)

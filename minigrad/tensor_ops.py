"""Tensor's op methods, PyTorch's `x.sum(1)`, `x.view(2, -1)`, `x.masked_fill_(m, 0)`: each is one line
that calls the function in ops/ (where the math and the gradient are), so `x.exp()` and
`minigrad.exp(x)` are the same op. Mixed into Tensor, which keeps the operators (+, @, [], ...).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, -2.0], [3.0, 4.0]])
    >>> x.abs().sum(dim=1), x.max(dim=0).indices, x.T.flatten()
    (tensor([3., 7.]), tensor([1, 1]), tensor([ 1.,  3., -2.,  4.]))

ops/ is read at call time (ops.math.exp), because the ops import Tensor, which imports this file.
"""

from . import ops


class TensorOps:
    __slots__ = ()  # keeps Tensor free of a per-instance __dict__

    # ---------------------------------------------------------------- arithmetic (arith.py)
    def add(self, other, *, alpha=1):
        return ops.arith.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return ops.arith.sub(self, other, alpha=alpha)

    def mul(self, other):
        return self * other

    def div(self, other, *, rounding_mode=None):
        return ops.arith.div(self, other, rounding_mode=rounding_mode)

    def floor_divide(self, other):
        return ops.arith.floor_divide(self, other)

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    true_divide = divide = div
    subtract, multiply, negative = sub, mul, neg

    # ---------------------------------------------------------------- elementwise (math.py, piecewise.py)
    def exp(self):
        return ops.math.exp(self)

    def expm1(self):
        return ops.math.expm1(self)

    def log(self):
        return ops.math.log(self)

    def log2(self):
        return ops.math.log2(self)

    def log10(self):
        return ops.math.log10(self)

    def log1p(self):
        return ops.math.log1p(self)

    def sqrt(self):
        return ops.math.sqrt(self)

    def rsqrt(self):
        return ops.math.rsqrt(self)

    def sin(self):
        return ops.math.sin(self)

    def cos(self):
        return ops.math.cos(self)

    def tan(self):
        return ops.math.tan(self)

    def tanh(self):
        return ops.math.tanh(self)

    def sigmoid(self):
        return ops.math.sigmoid(self)

    def erf(self):
        return ops.special.erf(self)

    def relu(self):
        return ops.math.relu(self)

    def abs(self):
        return ops.piecewise.abs(self)

    def sign(self):
        return ops.piecewise.sign(self)

    def floor(self):
        return ops.piecewise.floor(self)

    def ceil(self):
        return ops.piecewise.ceil(self)

    def round(self, decimals=0):
        return ops.piecewise.round(self, decimals=decimals)

    def trunc(self):
        return ops.piecewise.trunc(self)

    def clamp(self, min=None, max=None):
        return ops.piecewise.clamp(self, min, max)

    def clamp_(self, min=None, max=None):
        return self._write(ops.piecewise.clamp(self, min, max), "clamp_")

    def maximum(self, other):
        return ops.piecewise.maximum(self, other)

    def minimum(self, other):
        return ops.piecewise.minimum(self, other)

    absolute, fix, clip, clip_ = abs, trunc, clamp, clamp_

    def softmax(self, dim):
        return ops.softmax.softmax(self, dim)

    def log_softmax(self, dim):
        return ops.softmax.log_softmax(self, dim)

    # ---------------------------------------------------------------- products and norms (linalg.py, norm.py)
    def matmul(self, other):
        return ops.linalg.matmul(self, other)

    def mm(self, mat2):
        return ops.linalg.mm(self, mat2)

    def bmm(self, mat2):
        return ops.linalg.bmm(self, mat2)

    def mv(self, vec):
        return ops.linalg.mv(self, vec)

    def dot(self, other):
        return ops.linalg.dot(self, other)

    def outer(self, vec2):
        return ops.linalg.outer(self, vec2)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return ops.norm.tensor_norm(self, p, dim, keepdim, dtype=dtype)

    # ---------------------------------------------------------------- reductions (reduce.py, sort.py)
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.reduce.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.reduce.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.prod(self, dim, keepdim, dtype=dtype)

    def cumsum(self, dim, *, dtype=None):
        return ops.reduce.cumsum(self, dim, dtype=dtype)

    def logsumexp(self, dim, keepdim=False):
        return ops.reduce.logsumexp(self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return ops.sort.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return ops.sort.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return ops.sort.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return ops.sort.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return ops.sort.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return ops.sort.argmin(self, dim, keepdim)

    def sort(self, dim=-1, descending=False, stable=False):
        return ops.sort.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return ops.sort.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return ops.sort.topk(self, k, dim, largest, sorted)

    # ---------------------------------------------------------------- comparisons and logic (compare.py)
    def eq(self, other):
        return ops.compare.eq(self, other)

    def ne(self, other):
        return ops.compare.ne(self, other)

    def lt(self, other):
        return ops.compare.lt(self, other)

    def le(self, other):
        return ops.compare.le(self, other)

    def gt(self, other):
        return ops.compare.gt(self, other)

    def ge(self, other):
        return ops.compare.ge(self, other)

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.compare.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.compare.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        return ops.compare.equal(self, other)

    def isnan(self):
        return ops.compare.isnan(self)

    def isinf(self):
        return ops.compare.isinf(self)

    def isfinite(self):
        return ops.compare.isfinite(self)

    def any(self, dim=None, keepdim=False):
        return ops.compare.any(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return ops.compare.all(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return ops.compare.count_nonzero(self, dim)

    def logical_not(self):
        return ops.compare.logical_not(self)

    def logical_and(self, other):
        return ops.compare.logical_and(self, other)

    def logical_or(self, other):
        return ops.compare.logical_or(self, other)

    def logical_xor(self, other):
        return ops.compare.logical_xor(self, other)

    # ---------------------------------------------------------------- shapes (shape.py, reorder.py, join.py)
    def reshape(self, *shape):
        return ops.shape.reshape(self, *shape)

    def view(self, *shape):
        return ops.shape.reshape(self, *shape)  # may copy where PyTorch's view would refuse (non-contiguous)

    def view_as(self, other):
        return ops.shape.view_as(self, other)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return ops.shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return ops.shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return ops.shape.unsqueeze(self, dim)

    def permute(self, *dims):
        return ops.shape.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return ops.shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return ops.shape.t(self)

    @property
    def mT(self):
        return ops.shape.matrix_transpose(self)

    def movedim(self, source, destination):
        return ops.shape.movedim(self, source, destination)

    moveaxis = movedim

    def expand(self, *sizes):
        return ops.shape.expand(self, *sizes)

    def expand_as(self, other):
        return ops.shape.expand_as(self, other)

    def repeat(self, *sizes):
        return ops.reorder.repeat(self, *sizes)

    def tile(self, *dims):
        return ops.reorder.tile(self, dims[0] if len(dims) == 1 else dims)

    def flip(self, *dims):
        return ops.reorder.flip(self, *dims)

    def roll(self, shifts, dims=None):
        return ops.reorder.roll(self, shifts, dims)

    def split(self, split_size, dim=0):
        return ops.join.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return ops.join.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return ops.join.unbind(self, dim)

    # ---------------------------------------------------------------- indexing and masks (index.py, gather.py, mask.py)
    def narrow(self, dim, start, length):
        return ops.index.narrow(self, dim, start, length)

    def index_select(self, dim, index):
        return ops.gather.index_select(self, dim, index)

    def gather(self, dim, index):
        return ops.gather.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None):
        return ops.gather.scatter(self, dim, index, src, value=value)

    def scatter_(self, dim, index, src=None, *, value=None):
        return self._write(ops.gather.scatter(self, dim, index, src, value=value), "scatter_")

    def scatter_add(self, dim, index, src):
        return ops.gather.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return self._write(ops.gather.scatter_add(self, dim, index, src), "scatter_add_")

    def masked_fill(self, mask, value):
        return ops.mask.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return self._write(ops.mask.masked_fill(self, mask, value), "masked_fill_")

    def where(self, condition, y):
        return ops.mask.where(condition, self, y)

    def nonzero(self, *, as_tuple=False):
        return ops.mask.nonzero(self, as_tuple=as_tuple)

    def tril(self, diagonal=0):
        return ops.mask.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.mask.triu(self, diagonal)

    def _write(self, result, op):
        """The in-place form of an op: its out-of-place result written into self (inplace.py's rules)."""
        if result.shape != self.shape:
            raise RuntimeError(f"{op}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        return self._inplace(result)

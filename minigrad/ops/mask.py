"""Choosing elements by a boolean mask: where, masked_fill, tril/triu, nonzero.

    where(c, a, b)         y = a where c, else b     da = g where c (0 elsewhere), db = g where not c
    masked_fill(x, m, v)   y = v where m, else x     dx = g where not m, dv = sum of g where m
    tril(x, k) / triu      y = x on and below (above) diagonal k, 0 elsewhere     dx = g masked alike

All broadcast like arithmetic (sum_to undoes it); nonzero (and where(c) with one argument) returns
integer positions and is not differentiable.

    >>> import minigrad as mg
    >>> x = mg.tensor([-1.0, 2.0, -3.0])
    >>> mg.where(x > 0, x, 0.0), x.masked_fill(x < 0, -9.0)
    (tensor([0., 2., 0.]), tensor([-9.,  2., -9.]))
"""

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .arith import operands, sum_to
from .out import expect_tensor, into


class Where(Function):
    saved_inputs = {0: (1, 2)}  # the condition decides both gradients; a and b are never read

    def forward(self, c, a, b):
        self.c, self.shapes = c, (getattr(a, "shape", ()), getattr(b, "shape", ()))
        return self.xp.where(c, a, b)

    def backward(self, g):
        xp = self.xp
        _, da, db = self.needs_input_grad
        return (None, sum_to(xp.where(self.c, g, 0), self.shapes[0]) if da else None,
                sum_to(xp.where(self.c, 0, g), self.shapes[1]) if db else None)


class MaskedFill(Where):
    """where(mask, value, x) in x's dtype: a Python-number value is cast to it, as in PyTorch."""

    def forward(self, c, a, b):
        y = super().forward(c, a, b)
        return y if y.dtype == b.dtype else y.astype(b.dtype)


class MaskedFillTensor(MaskedFill):
    node = "MaskedFillBackward1"  # the value is a 0-d tensor (and may require grad)


class Tril(Function):
    saved_inputs = {}

    def forward(self, x, diagonal=0):
        self.keep = self.mask(x.shape[-2], x.shape[-1], diagonal)  # (rows, cols), broadcast over batches
        return self.xp.where(self.keep, x, self.xp.zeros((), dtype=x.dtype))

    def mask(self, rows, cols, k):
        return self.xp.tri(rows, cols, k, dtype=dtypes.bool)  # j <= i + k

    def backward(self, g):
        return (self.xp.where(self.keep, g, 0),)


class Triu(Tril):
    def mask(self, rows, cols, k):
        return ~self.xp.tri(rows, cols, k - 1, dtype=dtypes.bool)  # j >= i + k


def _check_mask(op, mask, what):
    expect_tensor(op, mask, "condition" if op == "where" else "mask")
    if mask.dtype != dtypes.bool:
        raise RuntimeError(f"{what}, but got {'a tensor' if op == 'where' else 'mask'} with dtype {mask.dtype}; "
                           "compare first (x > 0) or use .bool()")


def where(condition, input=None, other=None, *, out=None):
    """input where condition, else other, broadcast (torch.where); either may be a number. With the
    condition alone: the tuple of index tensors of its True elements (nonzero(as_tuple=True))."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    _check_mask("where", condition, "where expected condition to be a boolean tensor")
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two numbers: PyTorch's dtype for them
        input = Tensor._make(condition.device.xp.asarray(input, dtype=dtypes.of_scalar(input).dtype),
                             condition.device, False, None)
    a, b = operands(input, other, "where")
    return into(out, Where.apply(condition, a, b), "where")


def masked_fill(input, mask, value):
    """input with `value` (a number or a 0-d tensor) where mask is True (torch.masked_fill); mask broadcasts."""
    x = expect_tensor("masked_fill", input)
    _check_mask("masked_fill", mask, "masked_fill_ only supports boolean masks")
    if not isinstance(value, Tensor):
        if x.dtype.kind in "biu" and (value != value or value in (float("inf"), float("-inf"))):
            raise RuntimeError(f"value cannot be converted to type {x.dtype} without overflow")
        return MaskedFill.apply(mask, value, x)
    if value.ndim != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.ndim} dimension(s).")
    return MaskedFillTensor.apply(mask, value if value.dtype == x.dtype else value.to(x.dtype), x)


def _triangle(cls, op, input, diagonal, out):
    x = expect_tensor(op, input)
    if x.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape {tuple(x.shape)}")
    return into(out, cls.apply(x, diagonal=diagonal), op)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (j <= i + diagonal) of the last two dims, zeros elsewhere (torch.tril)."""
    return _triangle(Tril, "tril", input, diagonal, out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (j >= i + diagonal) of the last two dims, zeros elsewhere (torch.triu)."""
    return _triangle(Triu, "triu", input, diagonal, out)


def nonzero(input, *, as_tuple=False):
    """Positions of the nonzero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim
    (torch.nonzero); not differentiable."""
    x = expect_tensor("nonzero", input)
    if as_tuple:
        return tuple(Tensor._make(p, x.device, False, None) for p in x.device.xp.nonzero(x._data))
    return Tensor._make(x.device.xp.argwhere(x._data), x.device, False, None)

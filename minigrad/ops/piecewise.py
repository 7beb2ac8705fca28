"""Functions made of pieces: their gradient is g where the input is the result, 0 elsewhere.

    abs        dx = g sign(x)
    clamp      dx = g where min <= x <= max (bounds included); a tensor bound gets g where it is the result
    maximum    da = g where a > b, db = g where b > a, each g/2 on ties (PyTorch's rule; minimum alike)
    sign floor ceil round trunc    step functions: dx = 0 (PyTorch returns zeros, not None)

    >>> import minigrad as mg
    >>> mg.clamp(mg.tensor([-2.0, 0.0, 3.0]), min=-1.0, max=1.0)
    tensor([-1.,  0.,  1.])
"""

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .arith import operands, promote, sum_to
from .out import expect_tensor, into


class Abs(Function):
    def forward(self, x):
        self.x = x
        return self.xp.abs(x)

    def backward(self, g):
        return (g * self.xp.sign(self.x),)


class Clamp(Function):
    """clamp between Python-number bounds (either may be None)."""

    node = "ClampBackward1"

    def forward(self, x, min=None, max=None):
        self.x, self.min, self.max = x, min, max
        return self.xp.clip(x, min, max)  # min > max gives max everywhere, as in PyTorch

    def backward(self, g):
        inside = True
        if self.min is not None:
            inside = inside & (self.x >= self.min)
        if self.max is not None:
            inside = inside & (self.x <= self.max)
        return (g * inside,)


class ClampTensor(Function):
    """clamp between tensor bounds (broadcast; either may be None): y = min(max(x, min), max). Each
    input gets the gradient where it is the result; x wins ties with a bound, as in PyTorch."""

    node = "ClampBackward0"

    def forward(self, x, min, max):
        xp = self.xp
        self.x, self.min, self.max = x, min, max
        self.low = x if min is None else xp.maximum(x, min)
        return self.low if max is None else xp.minimum(self.low, max)

    def backward(self, g):
        xp = self.xp
        x, lo, hi = self.x, self.min, self.max
        hi_wins = False if hi is None else self.low > hi  # also where min > max: the result is max
        lo_wins = False if lo is None else (x < lo) & ~hi_wins
        dx = sum_to(xp.where(hi_wins | lo_wins, 0, g), x.shape) if self.needs_input_grad[0] else None
        dlo = sum_to(xp.where(lo_wins, g, 0), lo.shape) if self.needs_input_grad[1] else None
        dhi = sum_to(xp.where(hi_wins, g, 0), hi.shape) if self.needs_input_grad[2] else None
        return dx, dlo, dhi


class Maximum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return self.xp.maximum(a, b)

    def losers(self):
        """Where a, resp. b, is not the result (NaN counts as neither: it gets the gradient)."""
        return self.a < self.b, self.a > self.b

    def backward(self, g):
        xp = self.xp
        share = xp.where(self.a == self.b, g / 2, g)
        a_loses, b_loses = self.losers()
        da, db = self.needs_input_grad
        return (sum_to(xp.where(a_loses, 0, share), self.a.shape) if da else None,
                sum_to(xp.where(b_loses, 0, share), self.b.shape) if db else None)


class Minimum(Maximum):
    def forward(self, a, b):
        self.a, self.b = a, b
        return self.xp.minimum(a, b)

    def losers(self):
        return self.a > self.b, self.a < self.b


class Step(Function):
    """A piecewise-constant function: its gradient is 0 (almost everywhere)."""

    saved_inputs = {}

    def backward(self, g):
        return (self.xp.zeros_like(g),)


class Sign(Step):
    def forward(self, x):
        return x.copy() if x.dtype.kind == "b" else self.xp.sign(x)


class Floor(Step):
    def forward(self, x):
        return self.xp.floor(x)


class Ceil(Step):
    def forward(self, x):
        return self.xp.ceil(x)


class Trunc(Step):
    def forward(self, x):
        return self.xp.trunc(x)


class Round(Step):
    def forward(self, x, decimals=0):
        return self.xp.round(x, decimals)  # halves to even, as PyTorch


class RoundDecimals(Round):
    node = "RoundBackward1"


def abs(input, *, out=None):
    """|x|, elementwise (torch.abs)."""
    return into(out, Abs.apply(expect_tensor("abs", input)), "abs")


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of x, elementwise (torch.sign); its gradient is 0."""
    return into(out, Sign.apply(expect_tensor("sign", input)), "sign")


def _rounding(cls, op):
    def f(input, *, out=None):
        x = expect_tensor(op, input)
        # integers are already whole: PyTorch returns a copy in their dtype
        return into(out, cls.apply(x) if x.dtype.kind == "f" else x.clone(), op)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"{op} of x, elementwise (torch.{op}); integers are returned as a copy; the gradient is 0."
    return f


floor = _rounding(Floor, "floor")
ceil = _rounding(Ceil, "ceil")
trunc = _rounding(Trunc, "trunc")
fix = trunc


def round(input, *, decimals=0, out=None):
    """x rounded to `decimals` decimal places, halves to even (torch.round); the gradient is 0."""
    x = expect_tensor("round", input)
    if decimals == 0:
        return into(out, Round.apply(x) if x.dtype.kind == "f" else x.clone(), "round")
    dtypes.check_float("round(decimals=...)", x)
    return into(out, RoundDecimals.apply(x, decimals=decimals), "round")


def clamp(input, min=None, max=None, *, out=None):
    """Each element of input limited to [min, max] (torch.clamp): bounds are numbers or tensors
    (broadcast), either may be None; where min > max the result is max."""
    x = expect_tensor("clamp", input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = [b for b in (min, max) if isinstance(b, Tensor)]
    if not tensors:
        for bound in (min, max):  # an integer tensor meets a float bound in the default float dtype
            if bound is not None and dtypes.scalar_operand_dtype(x.dtype, bound) != x.dtype:
                x = x.to(dtypes.scalar_operand_dtype(x.dtype, bound))
        return into(out, Clamp.apply(x, min=min, max=max), "clamp")
    if len(tensors) != (min is not None) + (max is not None):
        raise TypeError(f"clamp(): min and max must both be Tensors or both numbers (or None), got "
                        f"{type(min).__name__} and {type(max).__name__}")
    x, *bounds = promote([x] + tensors)
    lo = bounds.pop(0) if min is not None else None
    hi = bounds.pop(0) if max is not None else None
    return into(out, ClampTensor.apply(x, lo, hi), "clamp")


clip = clamp


def clamp_min(input, min, *, out=None):
    """clamp(input, min=min) (torch.clamp_min)."""
    return clamp(input, min=min, out=out)


def clamp_max(input, max, *, out=None):
    """clamp(input, max=max) (torch.clamp_max)."""
    return clamp(input, max=max, out=out)


def maximum(input, other, *, out=None):
    """The larger of input and other, elementwise and broadcast (torch.maximum); NaN wins."""
    a, b = operands(expect_tensor("maximum", input), expect_tensor("maximum", other, "other"), "maximum")
    return into(out, Maximum.apply(a, b), "maximum")


def minimum(input, other, *, out=None):
    """The smaller of input and other, elementwise and broadcast (torch.minimum); NaN wins."""
    a, b = operands(expect_tensor("minimum", input), expect_tensor("minimum", other, "other"), "minimum")
    return into(out, Minimum.apply(a, b), "minimum")

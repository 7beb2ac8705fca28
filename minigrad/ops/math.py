"""Smooth elementwise functions: exponentials, logarithms, powers, and relu. y = f(x), dx = g * f'(x):

    exp      f' = y                 expm1    f' = y + 1             exp2     f' = y ln 2
    log      f' = 1/x               log2     f' = 1/(x ln 2)        log10    f' = 1/(x ln 10)
    log1p    f' = 1/(1 + x)         sqrt     f' = 1/(2y)            rsqrt    f' = -y^3 / 2
    reciprocal  f' = -y^2           sigmoid  f' = y (1 - y)         logit    f' = 1/(x (1 - x))
    relu     f' = [y > 0]           square   x ** 2 (pow's node, as in PyTorch)

    xlogy(x, y) = x log y (0 where x = 0)     dx = g log y (0 where x = 0, y <= 0)     dy = g x / y

All but relu and square are float-only, as the rest of minigrad: an integer tensor is refused, not
promoted. Trigonometric and hyperbolic functions are in trig.py; abs, sign, clamp and rounding in
piecewise.py.

    >>> import minigrad as mg
    >>> mg.exp2(mg.tensor([3.0])), mg.tensor([4.0]).reciprocal(), mg.xlogy(mg.tensor([0.0, 2.0]), 1.0)
    (tensor([8.]), tensor([0.2500]), tensor([0., 0.]))
"""

import math

from .. import dtypes
from ..autograd.function import Function
from .arith import operands, sum_to
from .out import expect_tensor, into


class Exp(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.exp(x)
        return self.y

    def backward(self, g):
        return (g * self.y,)


class Expm1(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.expm1(x)  # exact for small x, where exp(x) - 1 would cancel
        return self.y

    def backward(self, g):
        return (g * (self.y + 1),)


class Exp2(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.exp2(x)
        return self.y

    def backward(self, g):
        return (g * (self.y * math.log(2)),)


class Log(Function):
    def forward(self, x):
        self.x = x
        return self.xp.log(x)

    def backward(self, g):
        return (g / self.x,)


class Log2(Function):
    ln_base = math.log(2)  # d/dx log_b(x) = 1 / (x ln b)

    def forward(self, x):
        self.x = x
        return self.xp.log2(x)

    def backward(self, g):
        return (g / (self.x * self.ln_base),)


class Log10(Log2):
    ln_base = math.log(10)

    def forward(self, x):
        self.x = x
        return self.xp.log10(x)


class Log1p(Function):
    node = "Log1PBackward0"

    def forward(self, x):
        self.x = x
        return self.xp.log1p(x)  # exact for small x, where log(1 + x) would round 1 + x

    def backward(self, g):
        return (g / (1 + self.x),)


class Sqrt(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.sqrt(x)
        return self.y

    def backward(self, g):
        return (g / (2 * self.y),)


class Rsqrt(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = 1 / self.xp.sqrt(x)
        return self.y

    def backward(self, g):
        return (g * (-0.5 * self.y * self.y * self.y),)



class Reciprocal(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = 1 / x
        return self.y

    def backward(self, g):
        return (g * -(self.y * self.y),)


class Sigmoid(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        xp = self.xp
        # exp of a non-positive number only: no overflow for large |x|
        e = xp.exp(-xp.abs(x))
        self.y = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
        return self.y

    def backward(self, g):
        return (g * self.y * (1 - self.y),)


class Logit(Function):
    """y = log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given (then dx = 0 outside)."""

    def forward(self, x, eps=None):
        self.x, self.eps = x, eps
        if eps is not None:
            x = self.xp.clip(x, eps, 1 - eps)
        return self.xp.log(x / (1 - x))

    def backward(self, g):
        x, eps = self.x, self.eps
        dx = g / (x * (1 - x))
        if eps is None:
            return (dx,)
        return (self.xp.where((x < eps) | (x > 1 - eps), 0, dx),)


class Xlogy(Function):
    """x log y, 0 where x = 0 (unless y is NaN, as in PyTorch); either may be a Python number."""

    saved_inputs = {0: (0, 1), 1: (0, 1)}  # dx = g log y (but see backward), dy = g x / y

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * self.log_where(x, y, (x == 0) & ~self.xp.isnan(y))

    def log_where(self, x, y, zero):
        """log y, taken as 0 where `zero` (no log(0) = -inf to be multiplied by 0)."""
        like = x if hasattr(x, "dtype") else y
        y = self.xp.asarray(y, dtype=like.dtype) if not hasattr(y, "dtype") else y  # a number takes x's dtype
        return self.xp.log(self.xp.where(zero, 1, y))

    def backward(self, g):
        x, y = self.x, self.y
        dx = dy = None
        if self.needs_input_grad[0]:  # PyTorch's rule: dx = g log y, but 0 where x = 0 and y <= 0
            dx = sum_to(g * self.log_where(x, y, (x == 0) & (y <= 0)), x.shape)
        if self.needs_input_grad[1]:
            dy = sum_to(g * x / y, y.shape)
        return dx, dy


class XlogyNumberX(Xlogy):
    node = "XlogyBackward1"  # xlogy(number, tensor)


class XlogyNumberY(Xlogy):
    node = "XlogyBackward2"  # xlogy(tensor, number)


class ReLU(Function):
    node = "ReluBackward0"
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.maximum(x, 0)
        return self.y

    def backward(self, g):
        return (g * (self.y > 0),)


def float_op(cls, op, formula):
    """The functional form of a float-only elementwise op: torch.{op}(input, *, out=None)."""

    def f(input, *, out=None):
        dtypes.check_float(op, expect_tensor(op, input))
        return into(out, cls.apply(input), op)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"y = {formula}, elementwise (torch.{op}); float tensors only."
    return f


exp = float_op(Exp, "exp", "e^x")
expm1 = float_op(Expm1, "expm1", "e^x - 1")
exp2 = float_op(Exp2, "exp2", "2^x")
log = float_op(Log, "log", "ln x")
log2 = float_op(Log2, "log2", "log2 x")
log10 = float_op(Log10, "log10", "log10 x")
log1p = float_op(Log1p, "log1p", "ln(1 + x)")
sqrt = float_op(Sqrt, "sqrt", "x^(1/2)")
rsqrt = float_op(Rsqrt, "rsqrt", "x^(-1/2)")
reciprocal = float_op(Reciprocal, "reciprocal", "1 / x")
sigmoid = float_op(Sigmoid, "sigmoid", "1 / (1 + e^-x)")


def relu(input):
    """y = max(x, 0), elementwise (torch.relu); any dtype."""
    return ReLU.apply(expect_tensor("relu", input))


def square(input, *, out=None):
    """x ** 2, elementwise, in x's dtype (torch.square; integers stay integers)."""
    return into(out, expect_tensor("square", input) ** 2, "square")


def logit(input, eps=None, *, out=None):
    """y = log(x / (1 - x)), the inverse of sigmoid (torch.logit); with eps, x is first clamped to
    [eps, 1 - eps] (and the gradient is 0 outside it). Float tensors only."""
    dtypes.check_float("logit", expect_tensor("logit", input))
    return into(out, Logit.apply(input, eps=eps), "logit")


def xlogy(input, other, *, out=None):
    """x log y, elementwise and broadcast, 0 where x = 0 (torch.xlogy); either may be a number."""
    x, y = operands(input, other, "xlogy")
    for t in (x, y):
        if hasattr(t, "dtype"):
            dtypes.check_float("xlogy", t)
    cls = XlogyNumberX if not hasattr(x, "dtype") else XlogyNumberY if not hasattr(y, "dtype") else Xlogy
    return into(out, cls.apply(x, y), "xlogy")

"""Smooth elementwise functions of one tensor, and relu. y = f(x), dx = g * f'(x):

    exp      f' = y                 expm1    f' = y + 1             log      f' = 1/x
    log2     f' = 1/(x ln 2)        log10    f' = 1/(x ln 10)       log1p    f' = 1/(1 + x)
    sqrt     f' = 1/(2y)            rsqrt    f' = -y^3 / 2
    sin      f' = cos x             cos      f' = -sin x            tan      f' = 1 + y^2
    tanh     f' = 1 - y^2           sigmoid  f' = y (1 - y)         relu     f' = [y > 0]

All but relu are float-only, as the rest of minigrad: an integer tensor is refused, not promoted.
abs, sign, clamp and rounding are in piecewise.py.
"""

import math

from .. import dtypes
from ..autograd.function import Function
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


class Sin(Function):
    def forward(self, x):
        self.x = x
        return self.xp.sin(x)

    def backward(self, g):
        return (g * self.xp.cos(self.x),)


class Cos(Function):
    def forward(self, x):
        self.x = x
        return self.xp.cos(x)

    def backward(self, g):
        return (-g * self.xp.sin(self.x),)


class Tan(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.tan(x)
        return self.y

    def backward(self, g):
        return (g * (1 + self.y * self.y),)


class Tanh(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.tanh(x)
        return self.y

    def backward(self, g):
        return (g * (1 - self.y * self.y),)


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


class ReLU(Function):
    node = "ReluBackward0"
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.maximum(x, 0)
        return self.y

    def backward(self, g):
        return (g * (self.y > 0),)


def _float_op(cls, op, formula):
    def f(input, *, out=None):
        dtypes.check_float(op, expect_tensor(op, input))
        return into(out, cls.apply(input), op)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"y = {formula}, elementwise (torch.{op}); float tensors only."
    return f


exp = _float_op(Exp, "exp", "e^x")
expm1 = _float_op(Expm1, "expm1", "e^x - 1")
log = _float_op(Log, "log", "ln x")
log2 = _float_op(Log2, "log2", "log2 x")
log10 = _float_op(Log10, "log10", "log10 x")
log1p = _float_op(Log1p, "log1p", "ln(1 + x)")
sqrt = _float_op(Sqrt, "sqrt", "x^(1/2)")
rsqrt = _float_op(Rsqrt, "rsqrt", "x^(-1/2)")
sin = _float_op(Sin, "sin", "sin x")
cos = _float_op(Cos, "cos", "cos x")
tan = _float_op(Tan, "tan", "tan x")
tanh = _float_op(Tanh, "tanh", "tanh x")
sigmoid = _float_op(Sigmoid, "sigmoid", "1 / (1 + e^-x)")


def relu(input):
    """y = max(x, 0), elementwise (torch.relu); any dtype."""
    return ReLU.apply(expect_tensor("relu", input))

"""Trigonometric and hyperbolic functions and their inverses. y = f(x), dx = g * f'(x):

    sin    f' = cos x              cos    f' = -sin x              tan    f' = 1 + y^2
    asin   f' = 1/sqrt(1 - x^2)    acos   f' = -1/sqrt(1 - x^2)    atan   f' = 1/(1 + x^2)
    sinh   f' = cosh x             cosh   f' = sinh x              tanh   f' = 1 - y^2
    asinh  f' = 1/sqrt(x^2 + 1)    acosh  f' = 1/sqrt(x^2 - 1)     atanh  f' = 1/(1 - x^2)
    sinc   y = sin(pi x)/(pi x), 1 at 0     f' = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at 0
    deg2rad, rad2deg   y = x pi/180, x 180/pi

and of two tensors (broadcast; each gradient summed back to its input's shape):

    atan2(a, b)  the angle of the point (b, a)     da = g b / (a^2 + b^2)    db = -g a / (a^2 + b^2)
    hypot(a, b)  y = sqrt(a^2 + b^2)               da = g a / y              db = g b / y

Float tensors only, as the rest of minigrad's smooth functions (math.py).

    >>> import minigrad as mg
    >>> one = mg.tensor([1.0])
    >>> mg.asin(mg.tensor([0.0, 1.0])), mg.atan2(one, -one), mg.hypot(3 * one, 4 * one)
    (tensor([0.0000, 1.5708]), tensor([2.3562]), tensor([5.]))
"""

import math

from .. import dtypes
from ..autograd.function import Function
from .arith import operands, sum_to
from .math import float_op
from .out import expect_tensor, into


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


class Asin(Function):
    def forward(self, x):
        self.x = x
        return self.xp.arcsin(x)

    def backward(self, g):
        return (g / self.xp.sqrt(1 - self.x * self.x),)


class Acos(Asin):
    def forward(self, x):
        self.x = x
        return self.xp.arccos(x)

    def backward(self, g):
        return (-g / self.xp.sqrt(1 - self.x * self.x),)


class Atan(Function):
    def forward(self, x):
        self.x = x
        return self.xp.arctan(x)

    def backward(self, g):
        return (g / (1 + self.x * self.x),)


class Sinh(Function):
    def forward(self, x):
        self.x = x
        return self.xp.sinh(x)

    def backward(self, g):
        return (g * self.xp.cosh(self.x),)


class Cosh(Function):
    def forward(self, x):
        self.x = x
        return self.xp.cosh(x)

    def backward(self, g):
        return (g * self.xp.sinh(self.x),)


class Tanh(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.tanh(x)
        return self.y

    def backward(self, g):
        return (g * (1 - self.y * self.y),)


class Asinh(Function):
    def forward(self, x):
        self.x = x
        return self.xp.arcsinh(x)

    def backward(self, g):
        return (g / self.xp.sqrt(self.x * self.x + 1),)


class Acosh(Function):
    def forward(self, x):
        self.x = x
        return self.xp.arccosh(x)

    def backward(self, g):
        return (g / self.xp.sqrt(self.x * self.x - 1),)


class Atanh(Function):
    def forward(self, x):
        self.x = x
        return self.xp.arctanh(x)

    def backward(self, g):
        return (g / (1 - self.x * self.x),)


class Sinc(Function):
    def forward(self, x):
        self.x = x
        return self.xp.sinc(x)  # the normalized sinc, as PyTorch's

    def backward(self, g):
        xp, x = self.xp, self.x
        zero = x == 0
        px = math.pi * xp.where(zero, 1, x)  # (a harmless 1 at 0, where the derivative is 0)
        return (xp.where(zero, 0, g * (xp.cos(px) * px - xp.sin(px)) / (px * xp.where(zero, 1, x))),)


class Deg2Rad(Function):
    saved_inputs = {}
    scale = math.pi / 180

    def forward(self, x):
        return x * self.scale  # (NumPy 2: a Python float keeps x's dtype)

    def backward(self, g):
        return (g * self.scale,)


class Rad2Deg(Deg2Rad):
    scale = 180 / math.pi


class Atan2(Function):
    saved_inputs = {0: (0, 1), 1: (0, 1)}

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.xp.arctan2(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        g = g / (a * a + b * b)
        da = sum_to(g * b, a.shape) if self.needs_input_grad[0] else None
        db = sum_to(-g * a, b.shape) if self.needs_input_grad[1] else None
        return da, db


class Hypot(Function):
    saved_inputs = {0: (0,), 1: (1,)}
    saves_output = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = self.xp.hypot(a, b)
        return self.y

    def backward(self, g):
        g = g / self.y
        da = sum_to(g * self.a, self.a.shape) if self.needs_input_grad[0] else None
        db = sum_to(g * self.b, self.b.shape) if self.needs_input_grad[1] else None
        return da, db


sin = float_op(Sin, "sin", "sin x")
cos = float_op(Cos, "cos", "cos x")
tan = float_op(Tan, "tan", "tan x")
asin = float_op(Asin, "asin", "arcsin x")
acos = float_op(Acos, "acos", "arccos x")
atan = float_op(Atan, "atan", "arctan x")
sinh = float_op(Sinh, "sinh", "sinh x")
cosh = float_op(Cosh, "cosh", "cosh x")
tanh = float_op(Tanh, "tanh", "tanh x")
asinh = float_op(Asinh, "asinh", "arsinh x")
acosh = float_op(Acosh, "acosh", "arcosh x")
atanh = float_op(Atanh, "atanh", "artanh x")
sinc = float_op(Sinc, "sinc", "sin(pi x) / (pi x), 1 at x = 0")
deg2rad = float_op(Deg2Rad, "deg2rad", "x pi / 180")
rad2deg = float_op(Rad2Deg, "rad2deg", "x 180 / pi")
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


def _binary(cls, op, input, other, out):
    a, b = operands(expect_tensor(op, input), expect_tensor(op, other, "other"), op)
    dtypes.check_float(op, a)
    return into(out, cls.apply(a, b), op)


def atan2(input, other, *, out=None):
    """The angle of the point (other, input) in (-pi, pi], elementwise and broadcast (torch.atan2)."""
    return _binary(Atan2, "atan2", input, other, out)


def hypot(input, other, *, out=None):
    """sqrt(input^2 + other^2), elementwise and broadcast, without overflow (torch.hypot)."""
    return _binary(Hypot, "hypot", input, other, out)


arctan2 = atan2

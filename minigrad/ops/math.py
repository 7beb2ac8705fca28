"""Elementwise functions of one tensor. y = f(x), dx = g * f'(x):

    exp      f' = y              log      f' = 1/x           sqrt     f' = 1/(2y)
    abs      f' = sign(x)        clamp    f' = 1 inside [lo, hi], else 0
    relu     f' = [y > 0]        sigmoid  f' = y (1 - y)     tanh     f' = 1 - y^2
"""

from .. import dtypes
from ..autograd.function import Function


class Exp(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.exp(x)
        return self.y

    def backward(self, g):
        return (g * self.y,)


class Log(Function):
    def forward(self, x):
        self.x = x
        return self.xp.log(x)

    def backward(self, g):
        return (g / self.x,)


class Sqrt(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.sqrt(x)
        return self.y

    def backward(self, g):
        return (g / (2 * self.y),)


class Abs(Function):
    def forward(self, x):
        self.x = x
        return self.xp.abs(x)

    def backward(self, g):
        return (g * self.xp.sign(self.x),)


class Clamp(Function):
    def forward(self, x, min=None, max=None):
        self.x, self.min, self.max = x, min, max
        return self.xp.clip(x, min, max)

    def backward(self, g):
        # PyTorch passes the gradient where min <= x <= max (boundaries included)
        inside = True
        if self.min is not None:
            inside = inside & (self.x >= self.min)
        if self.max is not None:
            inside = inside & (self.x <= self.max)
        return (g * inside,)


class ReLU(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.maximum(x, 0)
        return self.y

    def backward(self, g):
        return (g * (self.y > 0),)


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


class Tanh(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x):
        self.y = self.xp.tanh(x)
        return self.y

    def backward(self, g):
        return (g * (1 - self.y * self.y),)


def _float_op(cls, op):
    def f(x):
        dtypes.check_float(op, x)
        return cls.apply(x)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"Elementwise {op}; float tensors only."
    return f


exp = _float_op(Exp, "exp")
log = _float_op(Log, "log")
sqrt = _float_op(Sqrt, "sqrt")
sigmoid = _float_op(Sigmoid, "sigmoid")
tanh = _float_op(Tanh, "tanh")


def abs(x):
    return Abs.apply(x)


def relu(x):
    return ReLU.apply(x)


def clamp(x, min=None, max=None):
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    return Clamp.apply(x, min=min, max=max)

"""Elementwise arithmetic with NumPy broadcasting.

For z = f(a, b) broadcast to z's shape, each input's gradient is the elementwise derivative times g,
summed back over the broadcast dimensions (`sum_to`):

    add  dz/da = 1             dz/db = 1
    sub  dz/da = 1             dz/db = -1
    mul  dz/da = b             dz/db = a
    div  dz/da = 1/b           dz/db = -a/b^2
    pow  dz/da = b a^(b-1)     dz/db = z log(a)
"""

import math

from .. import dtypes
from ..autograd.function import Function


def sum_to(g, shape):
    """Sum g (broadcast result) down to `shape`: over leading dims and over dims that were size 1."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _shape(x):
    return getattr(x, "shape", ())  # Python numbers are 0-d


def true_div_operands(a, b):
    """PyTorch's `/` is true division: integer operands are computed in the default float dtype."""
    if a.dtype.kind == "f" or getattr(b, "dtype", None) is not None and b.dtype.kind == "f":
        return a, b
    to = dtypes.default_float  # float32 unless set_default_dtype changed it
    return a.to(to), (b.to(to) if hasattr(b, "dtype") else b)


class Add(Function):
    saved_inputs = {}

    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a + b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g, self.shapes[0]) if da else None, sum_to(g, self.shapes[1]) if db else None)


class Sub(Function):
    saved_inputs = {}

    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a - b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g, self.shapes[0]) if da else None, sum_to(-g, self.shapes[1]) if db else None)


class Mul(Function):
    saved_inputs = {0: (1,), 1: (0,)}  # db = g a, da = g b

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g * self.b, _shape(self.a)) if da else None,
                sum_to(g * self.a, _shape(self.b)) if db else None)


class Div(Function):
    saved_inputs = {0: (1,), 1: (0, 1)}  # da = g / b, db = -g a / b^2

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        da, db = self.needs_input_grad
        ga = g / self.b
        return (sum_to(ga, _shape(self.a)) if da else None,
                sum_to(-ga * self.a / self.b, _shape(self.b)) if db else None)


class Pow(Function):
    saved_inputs = {0: (0, 1), 1: (0,)}  # da = g b a^(b-1)
    saves_output = (1,)  # db = g y log(a)

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = a**b
        return self.y

    def backward(self, g):
        da, db = self.needs_input_grad
        log = self.xp.log if hasattr(self.a, "shape") else math.log  # base may be a Python number
        return (sum_to(g * self.b * self.a ** (self.b - 1), _shape(self.a)) if da else None,
                sum_to(g * self.y * log(self.a), _shape(self.b)) if db else None)


class Neg(Function):
    saved_inputs = {}

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)

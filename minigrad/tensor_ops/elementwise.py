"""Tensor's elementwise methods: arithmetic (arith.py), smooth functions (math.py, trig.py, special.py),
piecewise ones (piecewise.py) and three-tensor blends (pointwise.py), each with its in-place form where
PyTorch has one; and the random fills (fill.py). Comparisons and logic are in compare.py."""

from .. import ops
from .in_place import in_place


class ElementwiseOps:
    __slots__ = ()

    # ---------------------------------------------------------------- arithmetic (arith.py; add_ ... div_: inplace.py)
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

    def remainder(self, other):
        return ops.remainder.remainder_of(self, other)

    def fmod(self, other):
        return ops.remainder.fmod_of(self, other)

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    true_divide = divide = div
    subtract, multiply, negative = sub, mul, neg
    pow_ = in_place(pow)
    neg_ = negative_ = in_place(neg)
    floor_divide_ = in_place(floor_divide)
    remainder_ = in_place(remainder)
    fmod_ = in_place(fmod)
    true_divide_ = divide_ = in_place(div)
    subtract_ = in_place(sub)
    multiply_ = in_place(mul)

    # ---------------------------------------------------------------- exponentials, logarithms, powers (math.py)
    def exp(self):
        return ops.math.exp(self)

    def exp2(self):
        return ops.math.exp2(self)

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

    def reciprocal(self):
        return ops.math.reciprocal(self)

    def square(self):
        return ops.math.square(self)

    def sigmoid(self):
        return ops.math.sigmoid(self)

    def logit(self, eps=None):
        return ops.math.logit(self, eps)

    def xlogy(self, other):
        return ops.math.xlogy(self, other)

    def relu(self):
        return ops.math.relu(self)

    def erf(self):
        return ops.special.erf(self)

    exp_ = in_place(exp)
    exp2_ = in_place(exp2)
    expm1_ = in_place(expm1)
    log_ = in_place(log)
    log2_ = in_place(log2)
    log10_ = in_place(log10)
    log1p_ = in_place(log1p)
    sqrt_ = in_place(sqrt)
    rsqrt_ = in_place(rsqrt)
    reciprocal_ = in_place(reciprocal)
    square_ = in_place(square)
    sigmoid_ = in_place(sigmoid)
    logit_ = in_place(logit)
    xlogy_ = in_place(xlogy)
    relu_ = in_place(relu)
    erf_ = in_place(erf)

    # ---------------------------------------------------------------- trigonometric and hyperbolic (trig.py)
    def sin(self):
        return ops.trig.sin(self)

    def cos(self):
        return ops.trig.cos(self)

    def tan(self):
        return ops.trig.tan(self)

    def asin(self):
        return ops.trig.asin(self)

    def acos(self):
        return ops.trig.acos(self)

    def atan(self):
        return ops.trig.atan(self)

    def atan2(self, other):
        return ops.trig.atan2(self, other)

    def hypot(self, other):
        return ops.trig.hypot(self, other)

    def sinh(self):
        return ops.trig.sinh(self)

    def cosh(self):
        return ops.trig.cosh(self)

    def tanh(self):
        return ops.trig.tanh(self)

    def asinh(self):
        return ops.trig.asinh(self)

    def acosh(self):
        return ops.trig.acosh(self)

    def atanh(self):
        return ops.trig.atanh(self)

    def sinc(self):
        return ops.trig.sinc(self)

    def deg2rad(self):
        return ops.trig.deg2rad(self)

    def rad2deg(self):
        return ops.trig.rad2deg(self)

    arcsin, arccos, arctan, arctan2, arcsinh, arccosh, arctanh = asin, acos, atan, atan2, asinh, acosh, atanh
    sin_ = in_place(sin)
    cos_ = in_place(cos)
    tan_ = in_place(tan)
    asin_ = in_place(asin)
    acos_ = in_place(acos)
    atan_ = in_place(atan)
    sinh_ = in_place(sinh)
    cosh_ = in_place(cosh)
    tanh_ = in_place(tanh)
    asinh_ = in_place(asinh)
    acosh_ = in_place(acosh)
    atanh_ = in_place(atanh)
    atan2_ = in_place(atan2)
    hypot_ = in_place(hypot)
    sinc_ = in_place(sinc)
    deg2rad_ = in_place(deg2rad)
    rad2deg_ = in_place(rad2deg)
    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_

    # ---------------------------------------------------------------- piecewise (piecewise.py)
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

    def clamp_min(self, min):
        return ops.piecewise.clamp(self, min=min)

    def clamp_max(self, max):
        return ops.piecewise.clamp(self, max=max)

    def maximum(self, other):
        return ops.piecewise.maximum(self, other)

    def minimum(self, other):
        return ops.piecewise.minimum(self, other)

    absolute, fix, clip = abs, trunc, clamp
    abs_ = in_place(abs)
    sign_ = in_place(sign)
    floor_ = in_place(floor)
    ceil_ = in_place(ceil)
    round_ = in_place(round)
    trunc_ = in_place(trunc)
    clamp_ = in_place(clamp)
    clamp_min_ = in_place(clamp_min)
    clamp_max_ = in_place(clamp_max)
    absolute_, fix_, clip_ = abs_, trunc_, clamp_

    # ---------------------------------------------------------------- of three tensors (pointwise.py)
    def lerp(self, end, weight):
        return ops.pointwise.lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return ops.pointwise.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return ops.pointwise.addcdiv(self, tensor1, tensor2, value=value)

    lerp_ = in_place(lerp)
    addcmul_ = in_place(addcmul)
    addcdiv_ = in_place(addcdiv)

    def softmax(self, dim):
        return ops.softmax.softmax(self, dim)

    def log_softmax(self, dim):
        return ops.softmax.log_softmax(self, dim)

    # ---------------------------------------------------------------- random fills, in place (fill.py)
    def uniform_(self, from_=0.0, to=1.0, *, generator=None):
        return ops.fill.uniform_(self, from_, to, generator)

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        return ops.fill.normal_(self, mean, std, generator)

    def random_(self, from_=None, to=None, *, generator=None):
        return ops.fill.random_(self, from_, to, generator)

    def bernoulli_(self, p=0.5, *, generator=None):
        return ops.fill.bernoulli_(self, p, generator)

    def exponential_(self, lambd=1.0, *, generator=None):
        return ops.fill.exponential_(self, lambd, generator)

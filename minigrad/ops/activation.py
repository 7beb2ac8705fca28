"""Smooth and leaky activations, y = f(x) elementwise, dx = g * f'(x), with PyTorch's formulas:

    gelu        y = x Phi(x),  Phi(x) = (1 + erf(x / sqrt 2)) / 2     f' = Phi(x) + x phi(x)
    gelu tanh   y = x (1 + tanh u) / 2,  u = sqrt(2/pi) (x + 0.044715 x^3)
                f' = (1 + tanh u) / 2 + x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2
    silu        y = x s,  s = sigmoid(x)                                f' = s (1 + x (1 - s))
    leaky_relu  y = x if x > 0 else slope x                           f' = 1 or slope
    elu         y = x if x > 0 else alpha (exp(x) - 1)                f' = 1 or alpha exp(x)
    softplus    y = log(1 + exp(beta x)) / beta, and x where beta x > threshold (it is x to rounding)
                f' = sigmoid(beta x), and 1 where beta x > threshold

phi is the standard normal density. Each is one Function: a composition (x * sigmoid(x), ...) would
keep two or three intermediate arrays alive per call for backward instead of one. The two-sided
formulas are written without np.where, as max(x, 0) + f(min(x, 0)) and the like: where() over a
mask of random signs runs at branch-misprediction speed in NumPy, about 15 times slower than the
arithmetic (and both sides are exact: the other one adds 0).
"""

import math

from .. import dtypes
from ..autograd.function import Function
from .special import erf_array

_SQRT_1_2 = math.sqrt(0.5)
_SQRT_2_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_CUBIC = 0.044715


def sigmoid_array(xp, x):
    """1 / (1 + exp(-x)) = exp(min(x, 0)) / (1 + exp(-|x|)): exp only ever sees arguments <= 0."""
    den = xp.abs(x)
    den *= -1
    den = xp.exp(den, out=den)
    den += 1
    out = xp.minimum(x, 0)
    out = xp.exp(out, out=out)
    out /= den
    return out


# The smooth activations below work in place on one or two fresh buffers rather than in expressions:
# on the CPU each fresh temporary of a large array costs more in page faults than its arithmetic.
class GELU(Function):
    node = "GeluBackward0"  # PyTorch's node names, here and below

    def forward(self, x, approximate="none"):
        xp, self.x, self.approximate = self.xp, x, approximate
        if approximate == "tanh":
            t = x * x
            t *= x
            t *= _TANH_CUBIC
            t += x
            t *= _SQRT_2_PI
            self.t = xp.tanh(t, out=t)  # tanh u
            y = 1 + self.t
            y *= x
            y *= 0.5
            return y
        cdf = erf_array(xp, x * _SQRT_1_2)
        cdf += 1
        cdf *= 0.5
        self.cdf = cdf  # Phi(x)
        return x * cdf

    def backward(self, g):
        xp, x = self.xp, self.x
        if self.approximate == "tanh":
            t = self.t
            d = x * x  # du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2)
            d *= 3 * _TANH_CUBIC
            d += 1
            d *= _SQRT_2_PI
            d *= 1 - t * t
            d *= x
            d += 1 + t
            d *= 0.5  # (1 + tanh u) / 2 + x (1 - tanh^2 u) du/dx / 2
        else:
            d = x * x  # phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
            d *= -0.5
            d = xp.exp(d, out=d)
            d *= _INV_SQRT_2PI
            d *= x
            d += self.cdf  # Phi(x) + x phi(x)
        d *= g
        return (d,)


class SiLU(Function):
    node = "SiluBackward0"

    def forward(self, x):
        self.x, self.s = x, sigmoid_array(self.xp, x)
        return x * self.s

    def backward(self, g):
        s = self.s
        d = 1 - s  # s (1 + x (1 - s))
        d *= self.x
        d += 1
        d *= s
        d *= g
        return (d,)


class LeakyReLU(Function):
    node = "LeakyReluBackward0"

    def forward(self, x, negative_slope=0.01):
        self.x, self.slope = x, negative_slope
        return self.xp.maximum(x, 0) + negative_slope * self.xp.minimum(x, 0)

    def backward(self, g):
        slope = (self.x > 0).astype(g.dtype)  # 1 where x > 0, then scaled to slope where it is not
        slope *= 1 - self.slope
        slope += self.slope
        return (g * slope,)


class ELU(Function):
    node = "EluBackward0"

    def forward(self, x, alpha=1.0):
        xp = self.xp
        self.x, self.alpha = x, alpha
        # expm1 of min(x, 0): accurate near 0, never overflowing, and 0 where x > 0
        return xp.maximum(x, 0) + alpha * xp.expm1(xp.minimum(x, 0))

    def backward(self, g):
        xp, x = self.xp, self.x
        return (g * ((x > 0) + self.alpha * xp.exp(xp.minimum(x, 0)) * (x <= 0)),)


class Softplus(Function):
    def forward(self, x, beta=1.0, threshold=20.0):
        xp = self.xp
        self.x, self.beta, self.threshold = x, beta, threshold
        bx = x * beta
        # exp(min(beta x, threshold)): the linear branch never overflows exp
        return xp.where(bx > threshold, x, xp.log1p(xp.exp(xp.minimum(bx, threshold))) / beta)

    def backward(self, g):
        bx = self.x * self.beta
        return (self.xp.where(bx > self.threshold, g, g * sigmoid_array(self.xp, bx)),)


def gelu(input, approximate="none"):
    """Gaussian error linear unit: x Phi(x) exactly (via erf), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    dtypes.check_float("gelu", input)
    return GELU.apply(input, approximate=approximate)


def silu(input, inplace=False):
    """x * sigmoid(x) (also called swish). `inplace` is accepted for PyTorch's signature; the result is
    always a new tensor (minigrad records out-of-place ops only)."""
    dtypes.check_float("silu", input)
    return SiLU.apply(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, negative_slope * x otherwise (`inplace`: see silu)."""
    dtypes.check_float("leaky_relu", input)
    return LeakyReLU.apply(input, negative_slope=negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha (exp(x) - 1) otherwise (`inplace`: see silu)."""
    dtypes.check_float("elu", input)
    return ELU.apply(input, alpha=alpha)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, a smooth ReLU; linear where beta x > threshold."""
    dtypes.check_float("softplus", input)
    return Softplus.apply(input, beta=beta, threshold=threshold)

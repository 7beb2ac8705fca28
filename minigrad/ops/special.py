"""The error function, which exact GELU (and the normal distribution's CDF) is built on.

    erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt          d erf / dx = 2/sqrt(pi) exp(-x^2)

NumPy has no erf (CuPy's is in cupyx.scipy.special), so `erf_array` evaluates W. J. Cody's rational
Chebyshev approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23,
1969; the coefficients of his CALERF), written once against `xp`. With y = |x|:

    y < 1/2        erf(y)  = y + y (P1 - Q1)(y^2) / Q1(y^2)
    1/2 <= y <= 4  erfc(y) = exp(-y^2) P2(y) / Q2(y)
    y > 4          erfc(y) = exp(-y^2) / y * (1/sqrt(pi) - z P3(z) / Q3(z)),    z = 1/y^2

and erf(x) = sign(x) (1 - erfc(y)) above 1/2. Three choices keep float64 results within 2 ulp of the
correctly rounded value (tests/test_layers.py measures it against math.erf):
* the first interval computes the small correction y (P1 - Q1)/Q1 and adds it to y, instead of
  y P1/Q1, so that its rounding errors are scaled by the correction's size (about 0.13 y);
  P1 - Q1 is formed exactly from Cody's decimal digits;
* the first interval is stretched from Cody's 15/32 to 1/2, where his approximation is still within
  float64 rounding and erf has passed 1/2, so 1 - erfc never loses a bit to cancellation;
* exp(-y^2) is computed as exp(-u^2) exp(-(y - u)(y + u)) with u = y rounded down to 1/16, whose
  square is exact: the rounding error of y^2 never reaches the exponent (Cody's trick).
Every element goes through every branch (elementwise work only: no boolean indexing, so no host
synchronisation on a GPU), each fed y clipped into its own interval, so the branches that are thrown
away never overflow; float32 skips the third, whose values round to 1 anyway. The work is done in
place (Horner's rule on two buffers, `out=`): on the CPU a fresh temporary per step costs more in
page faults than the arithmetic itself.
"""

from fractions import Fraction

from .. import dtypes
from ..autograd.function import Function

# Cody's coefficients, lowest degree first; each denominator Q is monic (its leading 1 left out)
_P1 = ("3.20937758913846947e03", "3.77485237685302021e02", "1.13864154151050156e02", "3.16112374387056560e00",
       "1.85777706184603153e-1")
_Q1 = ("2.84423683343917062e03", "1.28261652607737228e03", "2.44024637934444173e02", "2.36012909523441209e01")
_P2 = (1.23033935479799725e03, 2.05107837782607147e03, 1.71204761263407058e03, 8.81952221241769090e02,
       2.98635138197400131e02, 6.61191906371416295e01, 8.88314979438837594e00, 5.64188496988670089e-1,
       2.15311535474403846e-8)
_Q2 = (1.23033935480374942e03, 3.43936767414372164e03, 4.36261909014324716e03, 3.29079923573345963e03,
       1.62138957456669019e03, 5.37181101862009858e02, 1.17693950891312499e02, 1.57449261107098347e01)
_P3 = (6.58749161529837803e-4, 1.60837851487422766e-2, 1.25781726111229246e-1, 3.60344899949804439e-1,
       3.05326634961232344e-1, 1.63153871373020978e-2)
_Q3 = (2.33520497626869185e-3, 6.05183413124413191e-2, 5.27905102951428412e-1, 1.87295284992346047e00,
       2.56852019228982242e00)
_D1 = tuple(float(Fraction(p) - Fraction(q)) for p, q in zip(_P1, _Q1 + ("1",)))  # P1 - Q1, rounded once
_Q1 = tuple(float(q) for q in _Q1)

_HALF, _LARGE = 0.5, 4.0  # the interval bounds
_FLAT = 6.0  # erfc(6) < 2.2e-17, under half an ulp of 1.0: erf(y) rounds to exactly 1 from here on
_SQRT_1_PI = 5.6418958354775628695e-1  # 1/sqrt(pi)
_TWO_SQRT_1_PI = 1.1283791670955125739  # 2/sqrt(pi)


def _ratio(p, q, x):
    """P(x) / Q(x) for monic Q, by Horner's rule, in two buffers updated in place."""
    num, den = p[-1] * x, x + q[-1]
    for a, b in zip(p[-2:0:-1], q[-2::-1]):
        num += a
        num *= x
        den *= x
        den += b
    num += p[0]
    num /= den
    return num


def _exp_minus_square(xp, y):
    """exp(-y^2) as exp(-u^2) exp(-(y - u)(y + u)), u = floor(16 y) / 16 (u^2 is exact)."""
    u = xp.floor(y * 16)
    u /= 16
    rest = y + u
    rest *= u - y
    out = u * u
    out *= -1
    out = xp.exp(out, out=out)
    out *= xp.exp(rest, out=rest)
    return out


def _erfc_scaled_tail(xp, y):
    """erfc(b) exp(b^2) for b = y clipped to [4, 6]: (1/sqrt(pi) - z P3(z) / Q3(z)) / b, z = 1/b^2."""
    b = xp.clip(y, _LARGE, _FLAT)
    z = b * b
    z = xp.reciprocal(z, out=z)
    out = _ratio(_P3, _Q3, z)
    out *= -z
    out += _SQRT_1_PI
    out /= b
    return out


def erf_array(xp, x):
    """erf of a float array, elementwise, in x's dtype (float16 is evaluated in float32)."""
    work = x.astype("float32") if x.dtype == "float16" else x
    y = xp.abs(work)
    a = xp.minimum(y, _HALF)
    near0 = _ratio(_D1, _Q1, a * a)
    near0 *= a
    near0 += a  # erf(a) = a + a (P1 - Q1) / Q1
    erfc = _ratio(_P2, _Q2, xp.clip(y, _HALF, _LARGE))  # erfc(y) exp(y^2) on [1/2, 4]
    top = _LARGE
    if work.dtype.itemsize == 8:  # float32 needs no tail: erfc(4) < 1.6e-8 already rounds erf to 1
        xp.copyto(erfc, _erfc_scaled_tail(xp, y), where=y > _LARGE)
        top = _FLAT
    erfc *= _exp_minus_square(xp, xp.clip(y, _HALF, top))
    # near0 below 1/2, 1 - erfc above, as a sum in which one term is exactly 0 (both are finite): a
    # select over a mask of random bits would run at branch-misprediction speed; a NaN stays NaN
    near = y < _HALF
    near0 *= near
    out = xp.subtract(1, erfc, out=erfc)
    out *= ~near
    out += near0
    return xp.copysign(out, work, out=out).astype(x.dtype, copy=False)


class Erf(Function):
    """y = erf(x); dx = g 2/sqrt(pi) exp(-x^2)."""

    def forward(self, x):
        self.x = x
        return erf_array(self.xp, x)

    def backward(self, g):
        return (g * (_TWO_SQRT_1_PI * self.xp.exp(-(self.x * self.x))),)


def erf(input):
    """The error function, elementwise, as torch.erf (float tensors only)."""
    dtypes.check_float("erf", input)
    return Erf.apply(input)

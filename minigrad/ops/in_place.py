"""The in-place functions at the top level, as torch has them: `minigrad.sin_(x)` is `x.sin_()`, the
Tensor method (tensor_ops/), which writes x.sin() into x's storage under the in-place rules.

    >>> import minigrad as mg
    >>> x = mg.tensor([0.0, 4.0])
    >>> mg.sqrt_(x) is x, x
    (True, tensor([0., 2.]))
"""

from ..tensor import Tensor
from .out import expect_tensor


def _function(name):
    method = getattr(Tensor, name)

    def function(input, *args, **kwargs):
        return method(expect_tensor(name, input), *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"torch.{name}(input, ...): input.{name}(...), in place."
    return function


abs_ = _function("abs_")
absolute_ = _function("absolute_")
acos_ = _function("acos_")
acosh_ = _function("acosh_")
arccos_ = _function("arccos_")
arccosh_ = _function("arccosh_")
arcsin_ = _function("arcsin_")
arcsinh_ = _function("arcsinh_")
arctan_ = _function("arctan_")
arctanh_ = _function("arctanh_")
asin_ = _function("asin_")
asinh_ = _function("asinh_")
atan_ = _function("atan_")
atanh_ = _function("atanh_")
ceil_ = _function("ceil_")
clamp_ = _function("clamp_")
clamp_max_ = _function("clamp_max_")
clamp_min_ = _function("clamp_min_")
clip_ = _function("clip_")
cos_ = _function("cos_")
cosh_ = _function("cosh_")
deg2rad_ = _function("deg2rad_")
erf_ = _function("erf_")
exp2_ = _function("exp2_")
exp_ = _function("exp_")
expm1_ = _function("expm1_")
fix_ = _function("fix_")
floor_ = _function("floor_")
log1p_ = _function("log1p_")
log2_ = _function("log2_")
log10_ = _function("log10_")
log_ = _function("log_")
logit_ = _function("logit_")
neg_ = _function("neg_")
negative_ = _function("negative_")
rad2deg_ = _function("rad2deg_")
reciprocal_ = _function("reciprocal_")
relu_ = _function("relu_")
round_ = _function("round_")
rsqrt_ = _function("rsqrt_")
sigmoid_ = _function("sigmoid_")
sin_ = _function("sin_")
sinc_ = _function("sinc_")
sinh_ = _function("sinh_")
sqrt_ = _function("sqrt_")
square_ = _function("square_")
tan_ = _function("tan_")
tanh_ = _function("tanh_")
trunc_ = _function("trunc_")
xlogy_ = _function("xlogy_")

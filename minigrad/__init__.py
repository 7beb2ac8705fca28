"""minigrad: a small deep-learning framework — Tensor, reverse-mode autograd, a torch.nn-style
model API — on NumPy (CPU) or CuPy + our own Numba CUDA kernels (GPU).

    >>> import minigrad as mg
    >>> from minigrad import nn
    >>> _ = mg.manual_seed(0)
    >>> layer = nn.Linear(3, 2)
    >>> layer(mg.randn(4, 3)).shape
    minigrad.Size([4, 2])

Data path: Tensor (tensor.py) -> Function (ops/) -> backend (backend/) -> kernels (kernels/).
"""

from . import amp, ao, autograd, cuda, dtypes, nn, optim  # noqa: E402,I001  (these build on everything above)
from .amp import autocast
from .ao import quantization as _quantization  # noqa: E402,F401  (makes minigrad.ao.quantization an attribute)
from .autograd import enable_grad, is_grad_enabled, no_grad
from .backend import Device, device
from .compile import compile
# ---- the functional forms of the tensor ops (torch.add, torch.cat, ...), one line per ops/ file
from . import linalg, return_types
from .ops.arith import add, div, divide, floor_divide, mul, multiply, neg, negative, pow, sub, subtract, true_divide
from .ops.compare import (all, allclose, any, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, count_nonzero, eq,
                          equal, ge, greater, greater_equal, gt, isclose, isfinite, isinf, isnan, le, less, less_equal,
                          logical_and, logical_not, logical_or, logical_xor, lt, ne, not_equal)
from .ops.einsum import einsum
from .ops.gather import gather, index_select, scatter, scatter_add
from .ops.index import narrow
from .ops.join import cat, chunk, concat, concatenate, hstack, row_stack, split, stack, unbind, vstack
from .ops.linalg import bmm, dot, ger, matmul, mm, mv, outer
from .ops.mask import masked_fill, nonzero, tril, triu, where
from .ops.math import exp, expm1, log, log1p, log2, log10, relu, rsqrt, sigmoid, sqrt
from .ops.norm import tensor_norm as norm
from .ops.piecewise import abs, ceil, clamp, clip, fix, floor, maximum, minimum, round, sign, trunc
from .ops.reduce import logsumexp, mean, prod, std, sum, var
from .ops.remainder import fmod, remainder
from .ops.reorder import flip, roll, tile
from .ops.shape import (flatten, moveaxis, movedim, permute, reshape, squeeze, swapaxes, swapdims, t, transpose,
                        unflatten, unsqueeze)
from .ops.softmax import log_softmax, softmax
from .ops.sort import amax, amin, argmax, argmin, argsort, max, min, sort, topk
# ---- end of the ops block
# ---- surface2: more elementwise math, in-place functions, linear algebra, counts, the profiler
from .ops.convert import clone
from .ops.count import bincount, histc, searchsorted, unique
from .ops.cross import legacy_cross as cross
from .ops.decomposition import legacy_qr as qr
from .ops.decomposition import legacy_svd as svd
from .ops.diagonal import diag, diag_embed, diagonal, trace
from .ops.in_place import (abs_, absolute_, acos_, acosh_, arccos_, arccosh_, arcsin_, arcsinh_, arctan_, arctanh_,
                           asin_, asinh_, atan_, atanh_, ceil_, clamp_, clamp_max_, clamp_min_, clip_, cos_, cosh_,
                           deg2rad_, erf_, exp2_, exp_, expm1_, fix_, floor_, log1p_, log2_, log10_, log_, logit_,
                           neg_, negative_, rad2deg_, reciprocal_, relu_, round_, rsqrt_, sigmoid_, sin_, sinc_,
                           sinh_, sqrt_, square_, tan_, tanh_, trunc_, xlogy_)
from .ops.math import exp2, logit, reciprocal, square, xlogy
from .ops.norm import cdist
from .ops.piecewise import clamp_max, clamp_min
from .ops.pointwise import addcdiv, addcmul, lerp
from .ops.scan import cumprod, cumsum, diff
from .ops.solve import det, logdet, slogdet
from .ops.solve import inv as inverse
from .ops.solve import legacy_cholesky as cholesky
from .ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan,
                       atan2, atanh, cos, cosh, deg2rad, hypot, rad2deg, sin, sinc, sinh, tan, tanh)
from .memory_formats import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format
from . import profiler  # torch.profiler
from .autograd import functional as _functional  # noqa: F401  (minigrad.autograd.functional, as after import torch)
from .autograd import profiler as _autograd_profiler  # noqa: F401  (minigrad.autograd.profiler)
# ---- end of the surface2 block
from .ops.special import erf  # nn's block
from .random import Generator, manual_seed
from .serialization import load, save
from .tensor import Tensor

# `minigrad.utils.data` reachable as an attribute, like `torch.utils.data` after `import torch`
from . import utils  # noqa: E402,I001

# ---------------------------------------------------------------- creation, dtypes, devices, printing
from . import accelerator, backends
from ._tensor_str import get_printoptions, set_printoptions
from .dtypes import bool, dtype, float16, float32, float64, int8, int16, int32, int64, qint8, uint8
from .dtypes import float16 as half
from .dtypes import float32 as float  # noqa: A001  (PyTorch's aliases shadow the builtins in this namespace)
from .dtypes import float64 as double
from .dtypes import int16 as short
from .dtypes import int32 as int  # noqa: A001
from .dtypes import int64 as long
from .dtypes import get_default_dtype, is_floating_point, promote_types, set_default_dtype
from .factories import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    get_default_device,
    is_tensor,
    linspace,
    logspace,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    set_default_device,
    tensor,
    zeros,
    zeros_like,
)
from .size import Size
from .type_info import finfo, iinfo
from .unsupported import module_getattr as _module_getattr
# autograd's grad modes at the top level, as torch has them
from .autograd import inference_mode, is_inference_mode_enabled, set_grad_enabled  # noqa: E402,I001

__version__ = "0.1.0"

__getattr__ = _module_getattr(__name__, "torch")  # a missing torch name says so (unsupported.py)

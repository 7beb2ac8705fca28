"""minigrad: a small deep-learning framework — Tensor, reverse-mode autograd, a torch.nn-style
model API — on NumPy (CPU) or CuPy + our own Numba CUDA kernels (GPU).

    >>> import minigrad as mg
    >>> from minigrad import nn
    >>> _ = mg.manual_seed(0)
    >>> layer = nn.Linear(3, 2)
    >>> layer(mg.randn(4, 3)).shape
    (4, 2)

Data path: Tensor (tensor.py) -> Function (ops/) -> backend (backend/) -> kernels (kernels/).
"""

from . import amp, ao, autograd, cuda, dtypes, nn, optim  # noqa: E402,I001  (these build on everything above)
from .amp import autocast
from .ao import quantization as _quantization  # noqa: E402,F401  (makes minigrad.ao.quantization an attribute)
from .autograd import enable_grad, is_grad_enabled, no_grad
from .backend import Device, device
from .compile import compile
from .dtypes import bool, float16, float32, float64, int32, int64, qint8, uint8
from .factories import (
    arange,
    empty,
    from_numpy,
    full,
    full_like,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .ops.linalg import matmul
from .ops.math import abs, clamp, exp, log, relu, sigmoid, sqrt, tanh
from .ops.reduce import argmax, argmin, max, mean, min, sum
from .ops.shape import cat, flatten, permute, reshape, squeeze, stack, transpose, unsqueeze
from .ops.softmax import log_softmax, softmax
from .random import Generator, manual_seed
from .serialization import load, save
from .tensor import Tensor

__version__ = "0.1.0"

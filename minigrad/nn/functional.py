"""`minigrad.nn.functional` (import as F): stateless functions on tensors, as in torch.nn.functional.
Each lives beside its kin in ops/ (one Function per op, forward and backward side by side); here they
are gathered under PyTorch's names:

    layers       linear (y = x W^T + b), layer_norm, batch_norm, embedding, one_hot, pad, normalize, dropout
    activations  relu, leaky_relu, elu, gelu, silu, softplus, sigmoid, tanh, softmax, log_softmax
    losses       cross_entropy (fused softmax - onehot backward), nll_loss, mse_loss, l1_loss, smooth_l1_loss,
                 huber_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div

`inplace=True` is accepted where PyTorch has it; the result is always a new tensor, since minigrad
records out-of-place ops only (use the returned tensor, as `x = F.relu(x, inplace=True)` does).
"""

from .. import dtypes
from ..factories import rand
from ..ops import math as _math
from ..ops.activation import elu, gelu, leaky_relu, silu, softplus
from ..ops.embedding import embedding, one_hot
from ..ops.linalg import linear
from ..ops.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    smooth_l1_loss,
)
from ..ops.math import sigmoid
from ..ops.normalization import batch_norm, layer_norm, normalize
from ..ops.padding import pad
from ..ops.softmax import cross_entropy, log_softmax, nll_loss, softmax
from ..ops.trig import tanh

__all__ = ["batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout",
           "elu", "embedding", "gelu", "huber_loss", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear",
           "log_softmax", "mse_loss", "nll_loss", "normalize", "one_hot", "pad", "relu", "sigmoid", "silu",
           "smooth_l1_loss", "softmax", "softplus", "tanh"]


def relu(input, inplace=False):
    """max(x, 0) (`inplace`: see the module docstring)."""
    return _math.relu(input)


def dropout(input, p=0.5, training=True, inplace=False, generator=None):
    """Zero each element with probability p and scale the survivors by 1/(1-p) ("inverted" dropout,
    as PyTorch does), so that the expected value is unchanged and evaluation needs no rescaling.
    Built from a multiply by a constant mask, so dx = g * mask / (1 - p) comes from Mul's backward."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    dtypes.check_float("dropout", input)
    keep = rand(input.shape, dtype=input.dtype, device=input.device, generator=generator) >= p
    return input * (keep.to(input.dtype) * (0.0 if p == 1 else 1 / (1 - p)))


from ..unsupported import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__, "torch.nn.functional")  # a missing name says so (minigrad/unsupported.py)

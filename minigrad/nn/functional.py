"""`minigrad.nn.functional` (import as F): stateless functions on tensors, as in torch.nn.functional.

    linear(x, W, b)     y = x W^T + b              relu, sigmoid, tanh, softmax, log_softmax
    cross_entropy       mean_r(lse(x_r) - x_r[t_r]) with the fused softmax - onehot backward
    nll_loss            mean_r(-x_r[t_r]) for log-probabilities x
    mse_loss            mean((input - target)^2)
    dropout             x * mask / (1 - p), mask ~ Bernoulli(1 - p); the identity when not training
"""

from .. import dtypes
from ..factories import rand
from ..ops.linalg import linear
from ..ops.math import relu, sigmoid, tanh
from ..ops.softmax import cross_entropy, log_softmax, softmax
from ..tensor import Tensor

__all__ = ["cross_entropy", "dropout", "linear", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid",
           "softmax", "tanh"]


def _reduce(losses, reduction):
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(input, target, reduction="mean"):
    """(input - target)^2, reduced; shapes must match exactly (no silent broadcasting)."""
    if input.shape != target.shape:
        raise ValueError(f"mse_loss: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ; "
                         "reshape one so they match (e.g. target.view(input.shape))")
    d = input - target
    return _reduce(d * d, reduction)


def nll_loss(input, target, reduction="mean", ignore_index=-100):
    """-input[r, target[r]] for log-probabilities of shape (N, C), (C,) or (N, C, d1, ...),
    reduced over the rows whose target is not ignore_index."""
    if target.dtype.kind not in "iu":
        raise TypeError(f"nll_loss expects integer class targets, got {target.dtype}; use target.long()")
    x = input.unsqueeze(0) if input.ndim == 1 else input
    if x.ndim > 2:  # (N, C, d1, ...) -> (N * d1 * ..., C): classes last
        x = x.permute(0, *range(2, x.ndim), 1).reshape(-1, input.shape[1])
    xp, t = x.device.xp, target._data.reshape(-1)
    keep = t != ignore_index
    picked = x[xp.arange(t.size), xp.where(keep, t, 0)]  # (rows,): log-probability of each target
    losses = -picked * Tensor._make(keep.astype(x.dtype), x.device, False, None)
    if reduction == "mean":
        return losses.sum() / float(keep.sum())
    return _reduce(losses.reshape(target.shape) if reduction == "none" else losses, reduction)


def dropout(input, p=0.5, training=True, generator=None):
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

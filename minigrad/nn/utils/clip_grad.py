"""Gradient clipping, in place, between backward() and optimizer.step():

    total_norm = || (||g_1||_p, ..., ||g_n||_p) ||_p     the p-norm of all gradients as one vector
                                                        (p = inf: the largest |g|)
    clip_grad_norm_   g <- g * min(1, max_norm / (total_norm + 1e-6)),  returns total_norm
    clip_grad_value_  g <- clamp(g, -clip_value, clip_value)

    >>> import minigrad as mg
    >>> from minigrad import nn
    >>> w = nn.Parameter(mg.zeros(2))
    >>> w.grad = mg.tensor([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> [round(g, 4) for g in w.grad.tolist()]
    [0.6, 0.8]

The norms are computed on each gradient's device and combined on the first one; nothing is read back
to the host unless error_if_nonfinite asks for the check.
"""

import math

from ...autograd.grad_mode import no_grad
from ...factories import tensor
from ...tensor import Tensor


def _tensors(tensors):
    """A single tensor, or an iterable of them, as a list (generators are consumed once)."""
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _vector_norm(xp, a, p):
    """||a||_p of an array as a 0-d array (0 for an empty one)."""
    if a.size == 0:
        return xp.zeros((), dtype=a.dtype)
    if p == math.inf:
        return xp.abs(a).max()
    if p == 2:
        return xp.sqrt((a * a).sum())
    if p == 1:
        return xp.abs(a).sum()
    return (xp.abs(a) ** p).sum() ** (1 / p)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The p-norm of the norms of `tensors` (a 0-d tensor on the first tensor's device)."""
    tensors, p = _tensors(tensors), float(norm_type)
    if not tensors:
        return tensor(0.0)
    device = tensors[0].device
    # each tensor's norm on its own device, then gathered on the first (a copy only across devices)
    norms = [_vector_norm(t.device.xp, t._data, p) for t in tensors]
    norms = [n if t.device is device else device.backend.to_device(t.device.backend.to_host(n))
             for t, n in zip(tensors, norms)]
    total = Tensor._make(_vector_norm(device.xp, device.xp.stack(norms), p), device, False, None)
    if error_if_nonfinite and not math.isfinite(total.item()):
        raise RuntimeError(f"The total norm of order {p} for gradients from `parameters` is non-finite, so it "
                           "cannot be clipped. To disable this error and scale the gradients by the non-finite norm "
                           "anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every .grad by min(1, max_norm / (total_norm + 1e-6)), in place."""
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    with no_grad():
        coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef.to(g.device, g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients so that their total p-norm is at most max_norm; returns the total norm
    from before the clipping (a 0-d tensor)."""
    parameters = _tensors(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every .grad to [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.copy_(p.grad.clamp(-clip_value, clip_value))

"""Softmax family and the classification losses built on it. All subtract the row max first, so logits
of 1e4 stay finite (exp never sees a positive argument). p = softmax(x_r), lse = log sum exp(x_r).

    softmax       y = exp(x - lse(x))       dx = y * (g - sum(g * y))
    log_softmax   y = x - lse(x)            dx = g - exp(y) * sum(g)
    cross_entropy, class-index targets t, class weights w (default 1), label smoothing e, C classes:
                  loss_r = (1 - e) w[t_r] (lse - x_r[t_r]) + e/C sum_c w_c (lse - x_rc)
                  dx_r = ((1 - e) w[t_r] + e/C sum(w)) p - (1 - e) w[t_r] onehot(t_r) - e/C w
                  'mean' divides by sum_r w[t_r]; a row whose target is ignore_index counts 0.
                  Plainly (w = 1, e = 0) dx_r = (p - onehot(t_r)) * g: one fused step, not a chain of ops.
    cross_entropy, class probabilities q (the input's shape): q' = (1 - e) q + e/C, a = w q'
                  loss_r = -sum_c a_rc log p_c      dx_r = p sum_c(a_rc) - a_r      dq_r = -(1 - e) w log p
                  'mean' divides by the number of rows.
    nll_loss      loss_r = -w[t_r] x_r[t_r] for log-probabilities x; 'mean' divides by sum_r w[t_r]

Classes are on dim 1 ((N, C), (N, C, d1, ...)), or dim 0 for one sample (C,); the losses view the
input as (rows, C) with classes last.
"""

import math
import warnings

from .. import dtypes
from ..autograd.function import Function
from .loss import REDUCTIONS, check_reduction, reduction_of


def _shifted(xp, x, axis):
    """(x - max, log(sum(exp(x - max)))) along axis, keepdims."""
    z = x - x.max(axis=axis, keepdims=True)
    return z, xp.log(xp.exp(z).sum(axis=axis, keepdims=True))


class Softmax(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x, dim=-1):
        self.dim = dim
        z, lse = _shifted(self.xp, x, dim)
        self.y = self.xp.exp(z - lse)
        return self.y

    def backward(self, g):
        y = self.y
        return (y * (g - (g * y).sum(axis=self.dim, keepdims=True)),)


class LogSoftmax(Function):
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, x, dim=-1):
        self.dim = dim
        z, lse = _shifted(self.xp, x, dim)
        self.y = z - lse
        return self.y

    def backward(self, g):
        return (g - self.xp.exp(self.y) * g.sum(axis=self.dim, keepdims=True),)


# ---------------------------------------------------------------- the class-dim bookkeeping the losses share
def check_class_targets(xp, t, n_classes, ignore_index, op):
    """(t with ignored rows set to class 0, mask of the rows kept or None if all are), or IndexError for
    a target outside [0, C) that is not ignore_index. The one place that reads targets on the host."""
    lo, hi = (int(t.min()), int(t.max())) if t.size else (0, 0)
    keep = None
    if t.size and lo <= ignore_index <= hi:  # some rows may be ignored: class 0, weight 0
        keep = t != ignore_index
        t = xp.where(keep, t, 0)
        lo, hi = int(t.min()), int(t.max())
    if lo < 0 or hi >= n_classes:
        bad = int(t[(t < 0) | (t >= n_classes)][0])  # (ignored rows are class 0 by now)
        raise IndexError(f"Target {bad} is out of bounds for {n_classes} classes ({op}): targets must be in "
                         f"[0, {n_classes - 1}], or equal ignore_index ({ignore_index}) to be skipped")
    return t, keep


def _as_rows(xp, x):
    """(N, C) as it is, (C,) as (1, C), (N, C, d1, ...) as (N * d1 * ..., C)."""
    if x.ndim == 2:
        return x
    return xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1]) if x.ndim > 2 else x[None]


def _from_rows(xp, dx, shape):
    """The inverse of _as_rows: (rows, C) back to the input's shape."""
    if len(shape) <= 2:
        return dx.reshape(shape)
    return xp.moveaxis(dx.reshape(shape[0], *shape[2:], shape[1]), -1, 1)


def _row_weights(weight, t, keep, dtype):
    """w[t_r], 0 where the row is ignored; None when every row weighs 1 (the usual case)."""
    if weight is None:
        return None if keep is None else keep.astype(dtype)
    return weight[t] if keep is None else weight[t] * keep


def _reduced(xp, losses, reduction, shape, count):
    """Per-row losses reduced; 'none' keeps the target's shape. 'mean' divides by count: the number of
    rows (an int) or the sum of the row weights (an array, left on the device); over no rows at all
    (every target ignored) the mean is NaN, as in PyTorch, without NumPy's division warning."""
    if reduction == "none":
        return losses.reshape(shape)
    total = losses.sum()
    if reduction == "sum":
        return total
    return total / (count or math.nan) if isinstance(count, int) else total / xp.where(count == 0, xp.nan, count)


def _row_scale(xp, g, reduction, count):
    """Each row's factor in the loss's gradient: g per row for 'none', else g (/ count for 'mean'; the
    gradient of a mean over no rows is 0, and every row weight is 0 then)."""
    if reduction == "none":
        return g.reshape(-1, 1)
    if reduction == "sum":
        return g
    return g / (count or 1) if isinstance(count, int) else g / xp.where(count == 0, 1, count)


class CrossEntropy(Function):
    node = "NllLossBackward0"  # PyTorch's cross_entropy is nll_loss(log_softmax(x))
    saved_inputs = {1: (0,), 2: (0,)}  # the targets and the weights (the logits live on as the softmax)

    def forward(self, x, target, weight=None, reduction="mean", ignore_index=-100, label_smoothing=0.0):
        xp = self.xp
        self.shape, self.reduction, self.weight, self.smoothing = x.shape, reduction, weight, label_smoothing
        x2 = _as_rows(xp, x)
        self.t, self.keep = check_class_targets(xp, target.reshape(-1), x2.shape[1], ignore_index, "cross_entropy")
        self.rows = xp.arange(self.t.size)
        z = x2 - x2.max(axis=1, keepdims=True)
        e = xp.exp(z)
        s = e.sum(axis=1, keepdims=True)
        self.p = e / s  # softmax, kept for backward
        lse = xp.log(s[:, 0])
        losses = lse - z[self.rows, self.t]  # lse(x_r) - x_r[t_r], the shift cancels
        self.row_w = None if weight is None and self.keep is None else _row_weights(weight, self.t, self.keep, x.dtype)
        if self.row_w is not None:
            losses *= self.row_w
        if label_smoothing:  # + e/C sum_c w_c (lse - z_c) per row kept
            spread = lse[:, None] - z
            spread = spread.sum(axis=1) if weight is None else spread @ weight
            if self.keep is not None:
                spread *= self.keep
            losses = (1 - label_smoothing) * losses + (label_smoothing / x2.shape[1]) * spread
        self.count = self.t.size if self.row_w is None else self.row_w.sum()
        return _reduced(xp, losses, reduction, target.shape, self.count)

    def backward(self, g):
        xp, e, rw = self.xp, self.smoothing, self.row_w
        dx = self.p.copy()  # (rows, C); the saved softmax stays intact for a retained graph
        if e:
            n_classes = dx.shape[1]
            onehot_w = (1 - e) * (xp.ones(len(self.rows), dx.dtype) if rw is None else rw)  # (rows,)
            keep = 1 if self.keep is None else self.keep[:, None]
            w = 1 if self.weight is None else self.weight
            total = n_classes if self.weight is None else self.weight.sum()
            dx *= onehot_w[:, None] + (e / n_classes) * total * keep
            dx[self.rows, self.t] -= onehot_w
            dx -= (e / n_classes) * (keep * w)
        else:
            dx[self.rows, self.t] -= 1
            if rw is not None:
                dx *= rw[:, None]
        dx *= _row_scale(xp, g, self.reduction, self.count)
        return _from_rows(xp, dx, self.shape), None, None


class SoftCrossEntropy(Function):
    saved_inputs = {2: (1,)}  # the weights, read for the targets' gradient

    def forward(self, x, target, weight=None, reduction="mean", label_smoothing=0.0):
        xp = self.xp
        self.shape, self.reduction, self.weight, self.smoothing = x.shape, reduction, weight, label_smoothing
        x2, q = _as_rows(xp, x), _as_rows(xp, target)
        if label_smoothing:
            q = q * (1 - label_smoothing) + label_smoothing / q.shape[1]
        z, lse = _shifted(xp, x2, 1)
        self.logp = z - lse
        self.a = q if weight is None else q * weight
        losses = -(self.a * self.logp).sum(axis=1)
        self.count = losses.size
        return _reduced(xp, losses, reduction, self.shape[:1] + self.shape[2:] if x.ndim > 1 else (), self.count)

    def backward(self, g):
        xp = self.xp
        scale = _row_scale(xp, g, self.reduction, self.count)
        dx = dq = None
        if self.needs_input_grad[0]:
            dx = xp.exp(self.logp) * self.a.sum(axis=1, keepdims=True) - self.a
            dx = _from_rows(xp, dx * scale, self.shape)
        if self.needs_input_grad[1]:
            dq = -(1 - self.smoothing) * scale * self.logp
            dq = _from_rows(xp, dq if self.weight is None else dq * self.weight, self.shape)
        return dx, dq, None


class NLLLoss(Function):
    node = "NllLossBackward0"
    saved_inputs = {1: (0,), 2: (0,)}  # the targets and the weights

    def forward(self, x, target, weight=None, reduction="mean", ignore_index=-100):
        xp = self.xp
        self.shape, self.reduction = x.shape, reduction
        x2 = _as_rows(xp, x)
        self.t, keep = check_class_targets(xp, target.reshape(-1), x2.shape[1], ignore_index, "nll_loss")
        self.rows = xp.arange(self.t.size)
        self.row_w = _row_weights(weight, self.t, keep, x.dtype)
        losses = -x2[self.rows, self.t]
        if self.row_w is not None:
            losses *= self.row_w
        self.count = self.t.size if self.row_w is None else self.row_w.sum()
        self.n_classes = x2.shape[1]
        return _reduced(xp, losses, reduction, target.shape, self.count)

    def backward(self, g):
        xp = self.xp
        scale = -_row_scale(xp, g, self.reduction, self.count).reshape(-1)
        dx = xp.zeros((len(self.rows), self.n_classes), dtype=g.dtype)
        dx[self.rows, self.t] = scale if self.row_w is None else scale * self.row_w
        return _from_rows(xp, dx, self.shape), None, None


# ---------------------------------------------------------------- what users call
def _check_class_loss(op, input, target, weight, reduction, probabilities=False):
    """The checks of cross_entropy and nll_loss, with PyTorch's messages (the bounds of class-index
    targets are checked in forward, check_class_targets)."""
    if reduction not in REDUCTIONS:
        check_reduction(reduction)
    dtypes.check_float(op, input)
    ndim = input.ndim
    if ndim == 0:
        raise ValueError(f"{op}: expected an input of 1 or more dimensions (C,), (N, C) or (N, C, d1, ...), got a 0-d")
    if weight is not None:
        _check_class_weight(op, input, weight)
    if probabilities:
        if target.dtype != input.dtype:
            raise TypeError(f"{op}: probability targets must have the input's dtype {input.dtype}, got "
                            f"{target.dtype}; convert them with .to({input.dtype})")
        return
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op} expects class-index targets of an integer dtype (int64), got {target.dtype} (shape "
                        f"{tuple(target.shape)}) for an input of shape {tuple(input.shape)}; use `target.long()`"
                        + (" (or class probabilities of the input's shape)" if op == "cross_entropy" else ""))
    shape = input.shape
    expected = (shape[0], *shape[2:]) if ndim > 1 else ()
    if target.shape == expected:
        return
    if input.ndim <= 2 and target.ndim > 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported: the input of shape "
                           f"{tuple(input.shape)} needs a target of shape {expected}, got {tuple(target.shape)}")
    if input.ndim > 1 and target.ndim >= 1 and target.shape[0] != expected[0]:
        raise ValueError(f"Expected input batch_size ({expected[0]}) to match target batch_size ({target.shape[0]}): "
                         f"the input of shape {tuple(input.shape)} needs a target of shape {expected}, got "
                         f"{tuple(target.shape)}")
    raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)} (input shape "
                       f"{tuple(input.shape)})")


def _check_class_weight(op, input, weight):
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight.shape != (n_classes,):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    if weight.requires_grad:
        raise RuntimeError(f"{op} is not differentiable with respect to argument 'weight'. This input cannot "
                           "have requires_grad True; pass weight.detach()")
    if weight.dtype != input.dtype:
        raise TypeError(f"{op}: weight is {weight.dtype} but the input is {input.dtype}; convert the weight "
                        f"with .to({input.dtype})")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy of logits against class indices, or against class probabilities of the
    input's shape; with class weights and label smoothing, as torch.nn.functional.cross_entropy."""
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    if label_smoothing and not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    probabilities = target.dtype.kind == "f" and target.shape == input.shape
    _check_class_loss("cross_entropy", input, target, weight, reduction, probabilities)
    if probabilities:
        return SoftCrossEntropy.apply(input, target, weight, reduction=reduction, label_smoothing=label_smoothing)
    return CrossEntropy.apply(input, target, weight, reduction=reduction, ignore_index=ignore_index,
                              label_smoothing=label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-input[r, target[r]] (times weight[target[r]]) for log-probabilities of shape (N, C), (C,) or
    (N, C, d1, ...), reduced over the rows whose target is not ignore_index."""
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    _check_class_loss("nll_loss", input, target, weight, reduction)
    return NLLLoss.apply(input, target, weight, reduction=reduction, ignore_index=ignore_index)


def _implicit_dim(x):
    """PyTorch's legacy choice when softmax is called without dim (with its warning)."""
    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=4)
    return 0 if x.ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    x = input if dtype is None else input.to(dtype)
    dtypes.check_float("softmax", x)
    return Softmax.apply(x, dim=_implicit_dim(x) if dim is None else dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    x = input if dtype is None else input.to(dtype)
    dtypes.check_float("log_softmax", x)
    return LogSoftmax.apply(x, dim=_implicit_dim(x) if dim is None else dim)

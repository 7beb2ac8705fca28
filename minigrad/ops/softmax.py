"""Softmax family and the fused cross-entropy. All subtract the row max first, so logits of 1e4
stay finite (exp never sees a positive argument).

    softmax       y = exp(x - lse(x))       dx = y * (g - sum(g * y))
    log_softmax   y = x - lse(x)            dx = g - exp(y) * sum(g)
    cross_entropy loss_r = lse(x_r) - x_r[t_r]
                  dx_r = (softmax(x_r) - onehot(t_r)) * g_r    — one fused step, not a chain of ops
"""

from .. import dtypes
from ..autograd.function import Function


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


class CrossEntropy(Function):
    node = "NllLossBackward0"  # PyTorch's cross_entropy is nll_loss(log_softmax(x))
    saved_inputs = {1: (0,)}  # the targets (the logits live on as the softmax)

    def forward(self, x, target, reduction="mean", ignore_index=-100):
        xp = self.xp
        self.shape, self.reduction = x.shape, reduction
        # classes on dim 1 (dim 0 for a single sample): view as (rows, C) with classes last
        if x.ndim == 2:
            x2 = x
        else:
            x2 = xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1]) if x.ndim > 2 else x[None]
        t = target.reshape(-1)
        n_classes = x2.shape[1]
        lo, hi = (int(t.min()), int(t.max())) if t.size else (0, 0)
        if t.size and lo <= ignore_index <= hi:  # some rows may be ignored: class 0, weight 0
            self.keep = t != ignore_index
            self.t = xp.where(self.keep, t, 0)
            lo, hi = int(self.t.min()), int(self.t.max())
        else:
            self.keep, self.t = None, t  # every row counts, the usual case
        if lo < 0 or hi >= n_classes:
            bad = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))][0]
            raise IndexError(f"cross_entropy: target {int(bad)} is out of bounds for {n_classes} classes "
                             f"(input shape {tuple(x.shape)}); targets must be in [0, {n_classes - 1}]")
        z = x2 - x2.max(axis=1, keepdims=True)
        e = xp.exp(z)
        s = e.sum(axis=1, keepdims=True)
        self.p = e / s  # softmax, kept for backward
        self.rows = xp.arange(t.size)
        losses = xp.log(s[:, 0]) - z[self.rows, self.t]  # lse(x_r) - x_r[t_r], shift cancels
        if self.keep is not None:
            losses *= self.keep
        if reduction == "none":
            return losses.reshape(target.shape)
        if reduction == "sum":
            return losses.sum()
        self.count = t.size if self.keep is None else int(self.keep.sum())  # mean over the rows not ignored
        return losses.sum() / self.count

    def backward(self, g):
        # w: each row's weight in the loss, a (rows, 1) column for reduction="none", else 0-d
        w = g.reshape(-1, 1) if self.reduction == "none" else g / self.count if self.reduction == "mean" else g
        if self.keep is not None:
            w = w * self.keep.reshape(-1, 1)
        dx = self.p.copy()  # (rows, C); the saved softmax stays intact for a retained graph
        dx[self.rows, self.t] -= 1
        dx *= w  # (softmax - onehot(t)) * w
        if len(self.shape) <= 2:
            return dx.reshape(self.shape), None
        moved = (self.shape[0], *self.shape[2:], self.shape[1])  # x's shape with classes last
        return self.xp.moveaxis(dx.reshape(moved), -1, 1), None


def cross_entropy(input, target, reduction="mean", ignore_index=-100):
    dtypes.check_float("cross_entropy", input)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy expects class-index targets of an integer dtype (int64), got {target.dtype} "
            f"(shape {tuple(target.shape)}); use `target.long()` (probability targets are not supported)"
        )
    expected = (input.shape[0], *input.shape[2:]) if input.ndim > 1 else ()
    if target.shape != expected:
        raise ValueError(f"cross_entropy: input of shape {tuple(input.shape)} needs a target of shape "
                         f"{expected}, got {tuple(target.shape)}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return CrossEntropy.apply(input, target, reduction=reduction, ignore_index=ignore_index)


def softmax(x, dim):
    dtypes.check_float("softmax", x)
    return Softmax.apply(x, dim=dim)


def log_softmax(x, dim):
    dtypes.check_float("log_softmax", x)
    return LogSoftmax.apply(x, dim=dim)

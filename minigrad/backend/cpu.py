"""CPU backend: NumPy arrays, and NumPy versions of the kernels that kernels/ implements in CUDA.

Each kernel takes a C-contiguous (rows, n) view and works in place exactly like its CUDA twin, so
the Functions that call them are the same on every device. The value checks (check_range,
class_targets) read the values here and raise at once; dropout_mask draws on the host. The backend
is this module itself.
"""

import sys

import numpy as xp

guard = None  # one device: nothing to make current (see backend.guard)


def load(index):
    return sys.modules[__name__]


def to_device(array):
    return array


def to_host(array):
    return array


def synchronize():
    pass


def check_range(a, lo, hi, check, dim=0, size=0, inside=True):
    """Raise check's error unless every value of `a` is inside [lo, hi) (inside=False: outside it): at
    once, since the values are here (a GPU checks on the device: backend/checks.py). NaN is outside
    every range; a float's value is not reported (as on a GPU, whose record holds integers)."""
    if a.size == 0:
        return
    if inside:
        low, high = a.min(), a.max()
        if not (lo <= low and high < hi):  # (NaN fails both)
            raise check.exception(int(low if low < lo else high) if a.dtype.kind in "iub" else 0, dim, size)
    else:
        bad = a[(a >= lo) & (a < hi)]
        if bad.size:
            raise check.exception(int(bad[0]), dim, size)


def class_targets(t, n_classes, ignore_index, check):
    """(t with the rows whose target is ignore_index set to class 0, mask of the rows kept or None if no
    row is ignored); check's error for a target outside [0, n_classes), at once: reading t costs nothing
    here, so the mask is made only when some row is ignored (a GPU always makes it: backend/cuda.py)."""
    if t.size == 0:
        return t, None
    # lo and hi stay 0-d arrays: only yes/no answers are read, so a compiled step (which guards on what it
    # reads) keeps one program for every batch of good targets, whatever their min and max
    lo, hi, keep = t.min(), t.max(), None
    if lo <= ignore_index <= hi:  # some rows may be ignored: class 0, weight 0
        keep = t != ignore_index
        t = xp.where(keep, t, 0)
        lo, hi = t.min(), t.max()
    if lo < 0 or hi >= n_classes:
        raise check.exception(int(lo if lo < 0 else hi), 0, n_classes)
    return t, keep


def cross_entropy(x, t, ignore_index, check):
    """(p, losses, weights, safe_t) for logits x (rows, C) and targets t (rows,): p the row softmaxes,
    losses[r] = w_r (lse(x_r) - x_r[t_r]), weights w_r (0 where t_r is ignore_index; None if no row is),
    safe_t the targets with ignored rows as class 0. A bad target raises at once (class_targets); the
    CUDA backend's twin is one kernel (kernels/cross_entropy.py)."""
    t, keep = class_targets(t, x.shape[1], ignore_index, check)
    z = x - x.max(axis=1, keepdims=True)
    e = xp.exp(z)
    s = e.sum(axis=1, keepdims=True)
    losses = xp.log(s[:, 0]) - z[xp.arange(t.size), t]  # the shift cancels
    weights = None if keep is None else keep.astype(x.dtype)
    if weights is not None:
        losses *= weights
    return e / s, losses, weights, t


def cross_entropy_grad(p, safe_t, weights, scale):
    """dx[r, c] = (p[r, c] - [c == t_r]) w_r s_r: scale is (rows, 1) or a scalar (g, or g / count)."""
    dx = p.copy()  # the saved softmax stays intact for a retained graph
    dx[xp.arange(safe_t.size), safe_t] -= 1
    if weights is not None:
        dx *= weights[:, None]
    dx *= scale
    return dx


def dropout_mask(shape, dtype, p, scale, rng):
    """Dropout's mask, scale * [u >= p], u uniform on [0, 1) drawn from the host generator rng, one per
    element as minigrad.rand draws them (a GPU draws on the device: kernels/dropout.py)."""
    u = rng.random(shape, dtype=xp.float64 if dtype == xp.float64 else xp.float32).astype(dtype, copy=False)
    return (u >= p).astype(dtype) * dtype.type(scale)


def bias_add(y, b):
    """y[r, j] += b[j], in place."""
    y += b


def bias_add_relu(y, b):
    """y[r, j] = max(y[r, j] + b[j], 0), in place."""
    y += b
    xp.maximum(y, 0, out=y)


def bias_grad(g):
    """db[j] = sum_r g[r, j]."""
    return g.sum(axis=0)


def relu_bias_grad(g, y):
    """ReLU backward and bias gradient together: gm = g * (y > 0), db[j] = sum_r gm[r, j]."""
    gm = g * (y > 0)
    return gm, gm.sum(axis=0)

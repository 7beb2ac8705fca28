"""Cross-entropy over rows of class logits, fused: one launch forward and one backward, where the
array path takes ~25 CuPy launches (max, exp, sum, log, fancy indexing, masks, ...).

    cross_entropy(x, t, ignore, p, losses, weights, safe_t, record, code)
        p[r] = softmax(x[r]),   losses[r] = w_r (lse(x[r]) - x[r, t_r]),   weights[r] = w_r,
        w_r = 1 for a target in [0, C), 0 for ignore (and for a bad target, which is recorded),
        safe_t[r] = t_r, or 0 where w_r = 0 (an index that is always in bounds)
    cross_entropy_grad(p, safe_t, weights, scale, per_row, dx)
        dx[r, c] = (p[r, c] - [c == t_r]) w_r s_r,   s_r = scale[r] (per_row: reduction='none'), else scale[0]

x, p and dx are C-contiguous (rows, C); the rest are (rows,), scale is (rows,) or (1,) and stays on
the device (g / count for 'mean': no sync). Sums and exponentials run in the accumulator type
(float32 for float16/float32 data). A target outside [0, C) that is not `ignore` is recorded in the
device's error record as kernels/checks.py does ([code, t, 0, C]; the first one queued wins) and
weighs 0, so the result is defined; the next read raises.

Forward: thread r owns row r (grid-stride over rows) and walks its C logits three times — max,
sum of exp(x - max), then p — so each row is one thread's work: right for the class counts of
classification heads (tens to hundreds); a block per row would be the design for 10^4+ classes.
Backward: thread i writes element i of dx (grid-stride over rows * C): coalesced.
"""

import math

import numpy as np
from numba import cuda

from .launch import accumulator, elementwise_blocks, elementwise_threads, kernel

ONE = np.float32(1)  # an int 1 would widen float32 arithmetic to float64


@kernel
def cross_entropy_kernel(x, t, ignore, p, losses, weights, safe_t, record, code, acc):
    # x, p: (rows, C); t, safe_t: (rows,) int64; losses, weights: (rows,) x's dtype; record: (4,) int64;
    # ignore, code: int64; acc: the accumulator's zero (its type picks the arithmetic)
    n_classes = x.shape[1]
    r, stride = cuda.grid(1), cuda.gridsize(1)
    while r < x.shape[0]:
        target = t[r]
        valid = 0 <= target and target < n_classes
        if not valid and target != ignore:
            if cuda.atomic.cas(record, 0, 0, code) == 0:  # the first bad value: the record is ours to fill
                record[1] = target
                record[2] = 0
                record[3] = n_classes
        top = acc + x[r, 0]
        for c in range(1, n_classes):
            top = max(top, acc + x[r, c])
        total = acc
        for c in range(n_classes):
            total += math.exp((acc + x[r, c]) - top)
        for c in range(n_classes):
            p[r, c] = math.exp((acc + x[r, c]) - top) / total
        if valid:
            losses[r] = top + math.log(total) - (acc + x[r, target])  # lse(x_r) - x_r[t_r]
            weights[r] = 1
            safe_t[r] = target
        else:
            losses[r] = 0
            weights[r] = 0
            safe_t[r] = 0
        r += stride


@kernel
def cross_entropy_grad_kernel(p, safe_t, weights, scale, per_row, dx, acc):
    # p, dx: (rows, C); safe_t: (rows,) int64; weights, scale: (rows,) or scale (1,), p's dtype; per_row is the
    # same for every thread; acc: the accumulator's zero
    n_classes = p.shape[1]
    i, stride = cuda.grid(1), cuda.gridsize(1)
    while i < p.shape[0] * n_classes:
        r, c = i // n_classes, i % n_classes
        s = acc + (scale[r] if per_row else scale[0])
        d = acc + p[r, c]
        if c == safe_t[r]:
            d -= ONE
        dx[r, c] = d * ((acc + weights[r]) * s)
        i += stride


def cross_entropy(xp, x, t, ignore, record, code):
    """(p, losses, weights, safe_t) for logits x (rows, C) and int64 targets t (rows,), C-contiguous."""
    rows = x.shape[0]
    p = xp.empty_like(x)
    losses, weights, safe_t = xp.empty(rows, x.dtype), xp.empty(rows, x.dtype), xp.empty(rows, np.int64)
    if rows:  # (no zero-size grid to launch)
        cross_entropy_kernel.launch((elementwise_blocks(rows),), (elementwise_threads(rows),), x, t, np.int64(ignore),
                                    p, losses, weights, safe_t, record, np.int64(code), accumulator(x.dtype))
    return p, losses, weights, safe_t


def cross_entropy_grad(xp, p, safe_t, weights, scale):
    """dx (rows, C) from the forward's p, safe_t and weights and the scale per row ((rows,)) or for all ((1,))."""
    dx = xp.empty_like(p)
    if dx.size:
        scale = xp.ascontiguousarray(scale.astype(p.dtype, copy=False))
        cross_entropy_grad_kernel.launch((elementwise_blocks(dx.size),), (elementwise_threads(dx.size),), p, safe_t,
                                         weights, scale, scale.size > 1, dx, accumulator(p.dtype))
    return dx

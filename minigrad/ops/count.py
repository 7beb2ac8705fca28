"""Counting and locating values: unique, bincount, histc, searchsorted. Their results are values
found, counts and positions, which have no gradient (PyTorch has none either), so they are computed
directly on the arrays, with no Function and no graph.

    >>> import minigrad as mg
    >>> values, counts = mg.unique(mg.tensor([2, 1, 2, 2]), return_counts=True)
    >>> values, counts, mg.bincount(mg.tensor([0, 2, 2])), mg.searchsorted(mg.tensor([1.0, 3.0]), mg.tensor([2.0]))
    (tensor([1, 2]), tensor([1, 3]), tensor([1, 0, 2]), tensor([1]))
"""

import math

from ..backend import guard
from ..tensor import Tensor
from .out import expect_tensor, into
from .reduce import wrap_dim


def _wrap(array, like):
    return Tensor._make(array, like.device, False, None)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of input, ascending (of the flattened input, or the distinct slices along
    dim), and optionally where each element went (return_inverse, input's shape; for dim, one index
    per slice) and how often each value occurs (return_counts) (torch.unique). sorted=False is
    accepted: the values come sorted all the same."""
    x = expect_tensor("unique", input)
    xp = x.device.xp
    with guard(x.device):
        if dim is None:
            found = xp.unique(x._data.reshape(-1), return_inverse=return_inverse, return_counts=return_counts)
        else:
            found = xp.unique(x._data, return_inverse=return_inverse, return_counts=return_counts,
                              axis=wrap_dim(dim, x.ndim))
    if not (return_inverse or return_counts):
        return _wrap(found, x)
    found = list(found)
    if return_inverse:  # input's shape (dim=None), or one index per slice along dim
        found[1] = found[1].reshape(x.shape if dim is None else -1)
    return tuple(_wrap(a, x) for a in found)


def bincount(input, weights=None, minlength=0):
    """How often each of 0, 1, ..., max(input) occurs in the non-negative integer vector input, or
    the sum of `weights` at each (torch.bincount): int64 counts, or weights' dtype."""
    x = expect_tensor("bincount", input)
    if x.ndim != 1 or x.dtype.kind not in "iub":
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs, got {x.dtype} of shape "
                           f"{tuple(x.shape)}")
    if weights is not None and expect_tensor("bincount", weights, "weights").shape != x.shape:
        raise RuntimeError(f"weights should be 1-d and have the same length as input, got shapes "
                           f"{tuple(weights.shape)} and {tuple(x.shape)}")
    if minlength < 0:
        raise RuntimeError(f"minlength should be >= 0, got {minlength}")
    with guard(x.device):
        if x.numel() and bool((x._data < 0).any()):
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        w = None if weights is None else weights._data
        counts = x.device.xp.bincount(x._data, weights=w, minlength=minlength)
        return _wrap(counts.astype("int64" if w is None else w.dtype, copy=False), x)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """A histogram of input's values in `bins` equal bins over [min, max] (the data's own range when
    min = max = 0); values outside are ignored (torch.histc). The counts have input's dtype."""
    x = expect_tensor("histc", input)
    if x.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{x.dtype}': histc takes floating-point input; "
                           "convert it with .float()")
    if bins <= 0:
        raise RuntimeError(f"torch.histc: bins must be > 0, but got {bins} for bins")
    xp = x.device.xp
    with guard(x.device):
        lo, hi = min, max
        if lo == hi and x.numel():
            lo, hi = float(x._data.min()), float(x._data.max())
        if lo == hi:  # PyTorch widens an empty range by one on each side
            lo, hi = lo - 1, hi + 1
        if lo > hi or not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite and increasing")
        counts, _ = xp.histogram(x._data, bins=bins, range=(lo, hi))  # the last bin includes hi, as PyTorch's
        return into(out, _wrap(counts.astype(x._data.dtype), x), "histc")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value of input, the index at which it would be inserted into sorted_sequence to keep
    it sorted: before equal values, or after them with right=True / side='right' (torch.searchsorted).
    A sorted_sequence of several dims is searched row by row, with input's rows."""
    seq = expect_tensor("searchsorted", sorted_sequence, "sorted_sequence")
    if side is not None:
        if side not in ("left", "right") or (right and side == "left"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' and can't be 'left' while "
                               f"right is True, got side={side!r}, right={right}")
        right = side == "right"
    values = input._data if isinstance(input, Tensor) else seq.device.xp.asarray(input, dtype=seq._data.dtype)
    if seq.ndim > 1 and (not isinstance(input, Tensor) or input.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
                           f"of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(getattr(input, 'shape', ()))}")
    xp, how = seq.device.xp, "right" if right else "left"
    with guard(seq.device):
        order = None if sorter is None else sorter._data
        if seq.ndim <= 1:
            found = xp.searchsorted(seq._data, values, side=how, sorter=order)
        else:  # one search per row of the leading dims
            rows, columns = seq._data.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
            orders = [None] * len(rows) if order is None else order.reshape(-1, seq.shape[-1])
            found = xp.stack([xp.searchsorted(r, v, side=how, sorter=o) for r, v, o in zip(rows, columns, orders)])
            found = found.reshape(values.shape)
        found = xp.asarray(found).astype("int32" if out_int32 else "int64", copy=False)
    return into(out, _wrap(found, seq), "searchsorted")

"""Tensor's reductions (ops/reduce.py, compare.py), order statistics (sort.py), running sums and
differences (scan.py) and counts (count.py)."""

from .. import ops
from .in_place import in_place


class ReductionOps:
    __slots__ = ()

    # ---------------------------------------------------------------- reductions (reduce.py)
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.reduce.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.reduce.std(self, dim, unbiased, keepdim, correction=correction)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return ops.reduce.prod(self, dim, keepdim, dtype=dtype)

    def logsumexp(self, dim, keepdim=False):
        return ops.reduce.logsumexp(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return ops.compare.any(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return ops.compare.all(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return ops.compare.count_nonzero(self, dim)

    # ---------------------------------------------------------------- order statistics (sort.py)
    def max(self, dim=None, keepdim=False):
        return ops.sort.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return ops.sort.min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return ops.sort.amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return ops.sort.amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return ops.sort.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return ops.sort.argmin(self, dim, keepdim)

    def sort(self, dim=-1, descending=False, stable=False):
        return ops.sort.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return ops.sort.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return ops.sort.topk(self, k, dim, largest, sorted)

    # ---------------------------------------------------------------- running sums and differences (scan.py)
    def cumsum(self, dim, *, dtype=None):
        return ops.scan.cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return ops.scan.cumprod(self, dim, dtype=dtype)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return ops.scan.diff(self, n, dim, prepend, append)

    cumsum_ = in_place(cumsum)
    cumprod_ = in_place(cumprod)

    # ---------------------------------------------------------------- counts (count.py)
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return ops.count.unique(self, sorted, return_inverse, return_counts, dim)

    def bincount(self, weights=None, minlength=0):
        return ops.count.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return ops.count.histc(self, bins, min, max)

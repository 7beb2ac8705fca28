"""Value checks on the device: the first bad value is recorded for the host, with no sync.

    range_check(a, lo, hi, inside, record, code, dim, size)
        v is bad if it is outside [lo, hi) (inside=True: indices, targets, probabilities) or inside it
        (inside=False: zero divisors); the first bad v found makes record = [code, v, dim, size], unless
        record[0] is already set

a is a flat C-contiguous integer, bool or float array (lo and hi are int64 for the first two, the
accumulator type for floats, whose bad value is not recorded: an int64 slot cannot hold it, and NaN,
which fails every range, has no integer at all); record is the device's error record, 4 int64s, all 0 while nothing
failed, which minigrad.backend reads back at the next sync the user asks for.
Thread i of the grid checks elements i, i + stride, ... (grid-stride loop), so neighbouring threads
read neighbouring elements (coalesced). A thread that finds a bad value claims the record with an
atomic compare-and-swap of record[0] from 0 to code; only the winner writes the other three slots,
so they describe one value. Any later bad value, in this launch or a later one, finds the record
claimed: the first error queued wins, as with a device-side assert. Valid inputs write nothing.
"""

import numpy as np
from numba import cuda

from .launch import accumulator, elementwise_blocks, elementwise_threads, kernel


@kernel
def range_check_kernel(a, lo, hi, inside, integral, record, code, dim, size):
    # a: (n,), record: (4,) int64; lo, hi: int64, or float32/float64 for float data; code, dim, size: int64; inside and
    # integral are the same for every thread. `lo <= v and v < hi` is False for NaN: NaN is outside.
    i, stride = cuda.grid(1), cuda.gridsize(1)
    while i < a.shape[0]:
        v = a[i]
        if (lo <= v and v < hi) != inside:
            if cuda.atomic.cas(record, 0, 0, code) == 0:  # we are first: the record is ours to fill
                if integral:
                    record[1] = v
                record[2] = dim
                record[3] = size
            return  # one bad value is enough for this thread
        i += stride


def range_check(a, lo, hi, inside, record, code, dim=0, size=0):
    """Record the first value of flat `a` outside [lo, hi) (inside=False: inside it) in `record`."""
    if a.size == 0:  # nothing to check (and no zero-size grid to launch)
        return
    integral = a.dtype.kind in "iub"
    bound = np.int64 if integral else type(accumulator(a.dtype))  # float16 data: float32 bounds, exact
    range_check_kernel.launch((elementwise_blocks(a.size),), (elementwise_threads(a.size),), a, bound(lo), bound(hi),
                              bool(inside), integral, record, np.int64(code), np.int64(dim), np.int64(size))

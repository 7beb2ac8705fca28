"""Bias add for Linear's forward, optionally fused with the ReLU that follows it.

    y[r, j] += b[j]                      bias_add
    y[r, j]  = max(y[r, j] + b[j], 0)    bias_add_relu   (one pass over y instead of two)

y is the GEMM output, C-contiguous, of any rank: we see it as a flat vector of rows * n elements.
Thread i of the grid handles elements i, i + stride, ... (grid-stride loop), so neighbouring threads
touch neighbouring addresses (coalesced), and b, n floats, stays in L1/L2 for every row. The column
j = i mod n is computed once per thread and then advanced by stride mod n: a 64-bit division per
element would cost more than the memory traffic it serves.
The add runs in the accumulator type (launch.accumulator) and rounds once on the store: for float16
that is exactly the correctly rounded float16 sum (float32 carries more than 2 * 11 + 2 bits, so
the double rounding is harmless).
"""

from numba import cuda

from .launch import THREADS, accumulator, elementwise_blocks, kernel


@kernel
def bias_add_kernel(y, b, zero, relu):
    # y: (rows * n,) flat view, b: (n,); relu is the same for every thread, so its branch is free
    n = b.shape[0]
    i, stride = cuda.grid(1), cuda.gridsize(1)
    j, step = i % n, stride % n  # column of element i, advanced without a division per element
    while i < y.shape[0]:
        v = zero + y[i] + b[j]
        if relu and v < 0:  # a separate store, not `max(v, 0)`: the int 0 would widen v to float64
            y[i] = 0
        else:
            y[i] = v  # NaN passes through, as in NumPy's maximum and PyTorch's relu
        i += stride
        j += step
        if j >= n:
            j -= n


def _launch(y, b, relu):
    if y.size == 0:  # no rows, or Linear(in, 0): nothing to add (and no zero-size grid to launch)
        return
    flat = y.reshape(-1)  # a view: y is C-contiguous
    bias_add_kernel.launch((elementwise_blocks(flat.size),), (THREADS,), flat, b, accumulator(y.dtype), relu)


def bias_add(y, b):
    """y[..., j] += b[j] in place; y C-contiguous with last dim len(b)."""
    _launch(y, b, False)


def bias_add_relu(y, b):
    """y[..., j] = max(y[..., j] + b[j], 0) in place."""
    _launch(y, b, True)

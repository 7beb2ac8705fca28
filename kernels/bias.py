"""Bias add for Linear's forward, optionally fused with the ReLU that follows it.

    y[r, j] += b[j]                      bias_add
    y[r, j]  = max(y[r, j] + b[j], 0)    bias_add_relu   (one pass over y instead of two)

y is the GEMM output, C-contiguous, of any rank: we see it as a flat vector of rows * n elements.
Thread i of the grid handles elements i, i + stride, ... (grid-stride loop), so neighbouring threads
touch neighbouring addresses (coalesced), and b, n floats, stays in L1/L2 for every row.
The add runs in the accumulator type (launch.accumulator) and rounds once on the store: for float16
that is exactly the correctly rounded float16 sum (float32 carries more than 2 * 11 + 2 bits, so
the double rounding is harmless).
"""

from numba import cuda

from .launch import THREADS, accumulator, elementwise_blocks, stream


@cuda.jit
def bias_add_kernel(y, b, zero):
    # y: (rows * n,) flat view, b: (n,)
    n = b.shape[0]
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        y[i] = zero + y[i] + b[i % n]


@cuda.jit
def bias_add_relu_kernel(y, b, zero):
    n = b.shape[0]
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        v = zero + y[i] + b[i % n]
        if v < 0:
            y[i] = 0
        else:
            y[i] = v  # NaN passes through, as in NumPy's maximum and PyTorch's relu


def _launch(kernel, y, b):
    flat = y.reshape(-1)  # a view: y is C-contiguous
    kernel[elementwise_blocks(flat.shape[0]), THREADS, stream()](flat, b, accumulator(y.dtype))


def bias_add(y, b):
    """y[..., j] += b[j] in place; y C-contiguous with last dim len(b)."""
    _launch(bias_add_kernel, y, b)


def bias_add_relu(y, b):
    """y[..., j] = max(y[..., j] + b[j], 0) in place."""
    _launch(bias_add_relu_kernel, y, b)

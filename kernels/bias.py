"""Bias add for Linear's forward, optionally fused with the ReLU that follows it.

    y[r, j] += b[j]                      bias_add
    y[r, j]  = max(y[r, j] + b[j], 0)    bias_add_relu   (one pass over y instead of two)

y is the GEMM output, C-contiguous, of any rank: we see it as a flat vector of rows * n elements.
Arithmetic is done in float32 and rounded once on the store; for float16 that gives exactly the
correctly rounded float16 result (float32 has more than 2 * 11 + 2 bits, so double rounding is
harmless), and needs none of CUDA's __half operator functions.
Thread i of the grid handles elements i, i + stride, ... (grid-stride loop), so neighbouring threads
touch neighbouring addresses (coalesced), and b, n floats, stays in L1/L2 for every row.
"""

from numba import cuda, float32

from .launch import THREADS, elementwise_blocks, stream


@cuda.jit
def bias_add_kernel(y, b):
    # y: (rows * n,) flat view, b: (n,)
    n = b.shape[0]
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        y[i] = float32(y[i]) + float32(b[i % n])


@cuda.jit
def bias_add_relu_kernel(y, b):
    n = b.shape[0]
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        v = float32(y[i]) + float32(b[i % n])
        if v < 0:  # two stores rather than `v if v > 0 else 0`, whose int 0 would widen v to float64
            y[i] = 0
        else:
            y[i] = v  # NaN passes through, as in NumPy's maximum and PyTorch's relu


def _launch(kernel, y, b):
    flat = y.reshape(-1)  # a view: y is C-contiguous
    kernel[elementwise_blocks(flat.shape[0]), THREADS, stream()](flat, b)


def bias_add(y, b):
    """y[..., j] += b[j] in place; y C-contiguous with last dim len(b)."""
    _launch(bias_add_kernel, y, b)


def bias_add_relu(y, b):
    """y[..., j] = max(y[..., j] + b[j], 0) in place."""
    _launch(bias_add_relu_kernel, y, b)

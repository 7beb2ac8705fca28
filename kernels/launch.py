"""Launch plumbing shared by the kernels: the stream to launch on, grid sizes, accumulator types.

Kernels go on CuPy's current stream, so they queue behind the cuBLAS GEMM that produced their input
without any host synchronisation. Numba's simulator has no external streams (and runs every thread
as a Python thread), so there we launch on the default stream with as few threads as possible.
"""

import functools

import numpy as np
from numba import config, cuda

SIMULATED = bool(config.ENABLE_CUDASIM)
THREADS = 256  # 8 warps: enough to hide memory latency, small enough for many resident blocks
BLOCKS_PER_SM = 8  # grid-stride loops: enough blocks to fill the GPU, no more


@functools.cache
def _external_stream(ptr):
    return cuda.external_stream(ptr)


def stream():
    """The Numba stream that wraps CuPy's current stream (0, the default, in the simulator)."""
    if SIMULATED:
        return 0
    import cupy  # already imported by the CUDA backend that calls us

    return _external_stream(cupy.cuda.get_current_stream().ptr)


@functools.cache
def sm_count():
    return 1 if SIMULATED else cuda.get_current_device().MULTIPROCESSOR_COUNT


@functools.cache
def elementwise_blocks(size):
    """Blocks for a grid-stride loop over `size` elements; computed once per size."""
    if SIMULATED:
        return 1  # the simulator runs every thread as a Python thread: one block loops over all
    return max(1, min(-(-size // THREADS), sm_count() * BLOCKS_PER_SM))


def accumulator(dtype):
    """The zero that kernels add into: float32 for float16/float32 data, float64 for float64.

    Passing it as an argument lets one kernel source serve every dtype: `zero + x` computes in the
    accumulator's precision (float16 loads are widened once; no __half arithmetic needed).
    """
    return np.float64(0) if dtype == np.float64 else np.float32(0)

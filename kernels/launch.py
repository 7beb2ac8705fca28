"""Launch plumbing shared by the kernels: the stream to launch on and the grid for a given size.

Kernels go on CuPy's current stream, so they queue behind the cuBLAS GEMM that produced their input
without any host synchronisation. Numba's simulator has no external streams (and runs every thread
as a Python thread), so there we launch on the default stream with as few blocks as possible.
"""

import functools

from numba import config, cuda

SIMULATED = bool(config.ENABLE_CUDASIM)
THREADS = 256  # 8 warps: enough to hide memory latency, small enough for many resident blocks
BLOCKS_PER_SM = 8  # grid-stride loops: enough blocks to fill the GPU, no more


@functools.lru_cache(maxsize=None)
def _external_stream(ptr):
    return cuda.external_stream(ptr)


def stream():
    """The Numba stream that wraps CuPy's current stream (0, the default, in the simulator)."""
    if SIMULATED:
        return 0
    import cupy  # already imported by the CUDA backend that calls us

    return _external_stream(cupy.cuda.get_current_stream().ptr)


@functools.lru_cache(maxsize=None)
def sm_count():
    return 1 if SIMULATED else cuda.get_current_device().MULTIPROCESSOR_COUNT


@functools.lru_cache(maxsize=None)
def elementwise_blocks(size):
    """Blocks for a grid-stride loop over `size` elements; computed once per size."""
    return max(1, min(-(-size // THREADS), sm_count() * BLOCKS_PER_SM))

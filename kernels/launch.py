"""Launching our kernels: the compiled kernel looked up once per signature, arguments prepared by
hand, on CuPy's current stream; plus grid sizes and accumulator types shared by the kernels.

Numba's own launch, `kernel[grid, block, stream](*args)`, types every argument on every call (a
DLPack export of each CuPy array, then a second one to marshal it) and converts the stream: about
110 us of host time for a 2-array kernel, 200 us for 4 (numba-cuda 0.30), more than our kernels
run. `Kernel.launch` does what that path does once and keeps it:

    signature  (dtype, ndim) of each array, type of each scalar  ->  Numba's compiled overload,
               compiled (or found) once, then its CUfunction on each device
    arguments  Numba's ABI for a C-contiguous array (meminfo, parent, size, itemsize, pointer,
               shape..., strides...) read straight from the CuPy array; ctypes for scalars
    stream     CuPy's current stream of the current device (the one the device guard selected), so
               kernels queue behind the cuBLAS GEMM that produced their input with no host sync

and calls cuda.core's `launch` (the driver call) with them: benchmarks/launch_overhead.py measures
the difference. This path never builds Numba's launch configuration, which is where Numba warns
about grids under 128 blocks: our small launches (a 10-column bias) are deliberate, so no warning.
In Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1) the kernel runs in Python on the arrays' NumPy
storage instead, on the default stream, with as few threads as possible.
"""

import ctypes
import functools

import numpy as np
from numba import config, cuda
from numba.cuda import types
from numba.cuda.np.numpy_support import from_dtype

SIMULATED = bool(config.ENABLE_CUDASIM)
THREADS = 256  # 8 warps: enough to hide memory latency, small enough for many resident blocks
BLOCKS_PER_SM = 8  # grid-stride loops and column tiles: enough blocks to fill the GPU, no more
_SCALARS = {np.float32: (types.float32, ctypes.c_float), np.float64: (types.float64, ctypes.c_double),
            bool: (types.boolean, bool)}


launches = 0  # kernel launches so far (benchmarks/gpu.py prints them per training step)


def kernel(fn):
    """@kernel: cuda.jit(fn), launched with Kernel.launch."""
    return Kernel(cuda.jit(fn))


class Kernel:
    """A @cuda.jit kernel with a fast launch; `py_func` is the Python source function."""

    def __init__(self, dispatcher):
        self.dispatcher, self.py_func = dispatcher, dispatcher.py_func
        self._functions = {}  # (signature, device) -> cuda.core Kernel

    def launch(self, grid, block, *args):
        """kernel[grid, block, current stream](*args): arrays C-contiguous, scalars np.float32,
        np.float64 or bool. A grid with no blocks is refused: callers skip empty work (CUDA rejects
        such a launch, and the simulator would silently run nothing)."""
        if not all(grid):
            raise ValueError(f"{self.py_func.__name__}: grid {grid} has no blocks; skip empty inputs before launching")
        global launches
        launches += 1
        if SIMULATED:
            self.dispatcher[grid, block, 0](*[_simulated(a) for a in args])
            return
        device, stream = current_stream()
        key = (tuple(_key(a) for a in args), device)
        function = self._functions.get(key)
        if function is None:
            function = self._functions[key] = self._compile(key[0])
        driver_launch(_stream(device, stream), _config(grid, block), function, *marshal(args))

    def _compile(self, signature):
        """The kernel compiled for `signature` (found, or compiled once), loaded on the current device."""
        argtypes = tuple(_SCALARS[s][0] if s in _SCALARS else types.Array(from_dtype(s[0]), s[1], "C")
                         for s in signature)
        overload = self.dispatcher.compile(argtypes)
        return overload._codelibrary.get_cufunc().kernel


def marshal(args):
    """The kernel parameters, as Numba lays them out: for each array meminfo, parent, size, itemsize,
    data pointer, shape..., strides... (Python ints, read straight from the CuPy array); a ctypes
    value for each scalar."""
    params = []
    for a in args:
        if type(a) in _SCALARS:
            params.append(_SCALARS[type(a)][1](a))
        else:
            params += (0, 0, a.size, a.itemsize, a.data.ptr, *a.shape, *a.strides)
    return params


def current_stream():
    """(current device, pointer of CuPy's current stream there): where a launch goes now."""
    import cupy  # already imported by the CUDA backend that calls us

    return cupy.cuda.runtime.getDevice(), cupy.cuda.get_current_stream().ptr


def _key(a):
    if type(a) in _SCALARS:
        return type(a)
    if not a.flags.c_contiguous:
        raise ValueError(f"kernel arguments must be C-contiguous, got strides {a.strides} for shape {a.shape}")
    return a.dtype, a.ndim


def _simulated(a):
    # a simulated device array hands the simulator its NumPy storage (checking it is on the current device)
    return a.simulated_memory() if hasattr(a, "simulated_memory") else a


def driver_launch(stream, launch_config, function, *params):
    """The driver call (cuda.core.launch): the one line benchmarks/launch_overhead.py stubs out."""
    from cuda.core import launch

    launch(stream, launch_config, function, *params)


@functools.cache
def _stream(device, ptr):
    """cuda.core's view of a CuPy stream (ptr 0: the legacy default stream of `device`)."""
    from cuda.core import Stream

    return Stream.from_handle(ptr)


@functools.cache
def _config(grid, block):
    from cuda.core import LaunchConfig

    return LaunchConfig(grid=grid, block=block)


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

"""CUDA backend: CuPy arrays (cuBLAS GEMMs) plus the Numba kernels of minigrad.kernels.

Nothing here imports CuPy or Numba until a tensor first goes to a "cuda" device. With the
environment switch MINIGRAD_CUDA_SIM=1 the device is *simulated*: storage is NumPy and our kernels
run in Numba's CUDA simulator, so the whole GPU path except CuPy/cuBLAS runs, slowly, on a CPU.
"""

import os
import warnings

INSTALL_HINT = (
    "install the GPU extra with `pip install 'minigrad-nn[cuda]'` (CUDA 13; `[cuda12]` for CUDA 12), "
    "or set MINIGRAD_CUDA_SIM=1 to simulate a CUDA device on the CPU"
)


class CudaUnavailableError(RuntimeError):
    pass


def simulated():
    return os.environ.get("MINIGRAD_CUDA_SIM", "") == "1"


def _cupy():
    """CuPy, or None when it is not installed."""
    try:
        import cupy
    except ImportError:
        return None
    return cupy


def _probe():
    """(device count, reason there is none) without raising."""
    if simulated():
        return 1, None
    cupy = _cupy()
    if cupy is None:
        return 0, "CuPy is not installed"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except cupy.cuda.runtime.CUDARuntimeError as e:
        if "InsufficientDriver" in str(e):
            return 0, "CuPy is installed but no (recent enough) NVIDIA driver was found"
        return 0, f"CuPy is installed but CUDA reports no usable device ({e})"
    return count, None if count else "CuPy and a driver are installed but no GPU is visible"


def is_available():
    return _probe()[0] > 0


def device_count():
    return _probe()[0]


def current_device():
    if simulated() or _probe()[1]:
        return 0  # nothing to ask; load(0) then says what is missing
    return _cupy().cuda.runtime.getDevice()


_loaded = {}


def load(index):
    """The backend of cuda:index, with one clear error if CuPy, a driver or a device is missing."""
    if index in _loaded:
        return _loaded[index]
    count, reason = _probe()
    if reason:
        raise CudaUnavailableError(f"CUDA is not available: {reason}; {INSTALL_HINT}.")
    if index >= count:
        raise CudaUnavailableError(f"cuda:{index} does not exist: {count} CUDA device(s) visible.")
    if simulated():
        import numpy

        # The simulator switch is read when Numba is imported, so it must be set before that.
        os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
        warnings.warn("minigrad: MINIGRAD_CUDA_SIM=1 — 'cuda' is a simulated device "
                      "(NumPy storage, kernels in Numba's CUDA simulator)", stacklevel=3)
        xp = numpy
    else:
        xp = _cupy()
    try:
        from ..kernels import bias, launch, reduce
    except ImportError as e:
        raise CudaUnavailableError(f"CUDA kernels need numba-cuda ({e}); {INSTALL_HINT}.") from None
    if simulated() != launch.SIMULATED:
        raise CudaUnavailableError("MINIGRAD_CUDA_SIM=1 needs NUMBA_ENABLE_CUDASIM=1 before Numba is "
                                   "first imported; set both in the environment.")
    _loaded[index] = CudaBackend(xp, index, bias, reduce)
    return _loaded[index]


class CudaBackend:
    """xp, host transfers and the kernel entry points for one CUDA device."""

    name = "cuda"

    def __init__(self, xp, index, bias, reduce):
        self.xp, self.index, self._bias, self._reduce = xp, index, bias, reduce
        self.simulated = xp.__name__ == "numpy"

    def device_name(self):
        if self.simulated:
            return "simulated CUDA device (Numba simulator, NumPy storage)"
        props = self.xp.cuda.runtime.getDeviceProperties(self.index)
        return props["name"].decode()

    def to_device(self, array):
        if self.simulated:
            return array.copy()  # a separate buffer, like a real host-to-device copy
        with self.xp.cuda.Device(self.index):
            return self.xp.asarray(array)

    def to_host(self, array):
        return array.copy() if self.simulated else self.xp.asnumpy(array)

    def synchronize(self):
        if not self.simulated:
            self.xp.cuda.Device(self.index).synchronize()

    def bias_add(self, y, b):
        self._bias.bias_add(y, b)

    def bias_add_relu(self, y, b):
        self._bias.bias_add_relu(y, b)

    def bias_grad(self, g):
        return self._reduce.bias_grad(self.xp, self.xp.ascontiguousarray(g))

    def relu_bias_grad(self, g, y):
        return self._reduce.relu_bias_grad(self.xp, self.xp.ascontiguousarray(g), y)

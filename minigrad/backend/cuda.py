"""CUDA backend: CuPy arrays (cuBLAS GEMMs) plus the Numba kernels of minigrad.kernels.

Nothing here imports CuPy or Numba until a tensor first goes to a "cuda" device. With the
environment switch MINIGRAD_CUDA_SIM=1 the device is *simulated* (MINIGRAD_CUDA_SIM=2: two of them,
and so on): storage is NumPy behind CuPy's rules (backend/sim.py) and our kernels run in Numba's
CUDA simulator, so the whole GPU path except cuBLAS runs, slowly, on a CPU.

Each device's backend has a `guard`, the context manager that makes it the current device, as
PyTorch's device guard does: CuPy allocates and launches on the *current* device, so every op,
backward step, optimizer update and kernel launch on cuda:1 runs inside `with guard:`.
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
    return os.environ.get("MINIGRAD_CUDA_SIM", "0") not in ("", "0")


def _simulated_count():
    value = os.environ["MINIGRAD_CUDA_SIM"]
    return int(value) if value.isdigit() else 1


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
        return _simulated_count(), None
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
    """The index that "cuda" means now: the current device of this thread (as in CuPy and PyTorch)."""
    if simulated():
        from . import sim

        return sim.current_device()
    if _probe()[1]:
        return 0  # nothing to ask; load(0) then says what is missing
    return _cupy().cuda.runtime.getDevice()


_loaded = {}


def load(index):
    """The backend of cuda:index (index None: the current device), with one clear error if CuPy, a
    driver or the device is missing."""
    if index is None:
        index = current_device()
    if index in _loaded:
        return _loaded[index]
    count, reason = _probe()
    if reason:
        raise CudaUnavailableError(f"CUDA is not available: {reason}; {INSTALL_HINT}.")
    if index >= count:
        raise CudaUnavailableError(f"cuda:{index} does not exist: {count} CUDA device(s) visible"
                                   + (" (MINIGRAD_CUDA_SIM=N simulates N)" if simulated() else "") + ".")
    if simulated():
        # The simulator switch is read when Numba is imported, so it must be set before that.
        os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
        if not _loaded:
            warnings.warn("minigrad: MINIGRAD_CUDA_SIM — 'cuda' is a simulated device (NumPy storage under "
                          "CuPy's rules, kernels in Numba's CUDA simulator)", stacklevel=3)
        from . import sim

        xp, guard = sim.xp, sim.SimDevice(index)
    else:
        xp = _cupy()
        guard = xp.cuda.Device(index)
    try:
        from ..kernels import bias, launch, reduce
    except ImportError as e:
        raise CudaUnavailableError(f"CUDA kernels need numba-cuda ({e}); {INSTALL_HINT}.") from None
    if simulated() != launch.SIMULATED:
        raise CudaUnavailableError("MINIGRAD_CUDA_SIM=1 needs NUMBA_ENABLE_CUDASIM=1 before Numba is "
                                   "first imported; set both in the environment.")
    _loaded[index] = CudaBackend(xp, index, guard, bias, reduce)
    return _loaded[index]


class CudaBackend:
    """xp, the device guard, host transfers and the kernel entry points for one CUDA device."""

    name = "cuda"

    def __init__(self, xp, index, guard, bias, reduce):
        self.xp, self.index, self.guard, self._bias, self._reduce = xp, index, guard, bias, reduce
        self.simulated = simulated()

    def device_name(self):
        if self.simulated:
            return f"simulated CUDA device {self.index} (Numba simulator, NumPy storage under CuPy's rules)"
        props = self.xp.cuda.runtime.getDeviceProperties(self.index)
        return props["name"].decode()

    def to_device(self, array):
        """A copy of host `array` in this device's memory."""
        with self.guard:
            return self.xp.array(array, copy=True)

    def to_host(self, array):
        """A NumPy copy of a device array (blocks until the kernels writing it have run)."""
        if self.simulated:
            return array.get()
        return self.xp.asnumpy(array)

    def synchronize(self):
        if not self.simulated:
            self.xp.cuda.Device(self.index).synchronize()

    # The kernels run on the current device, the one this backend's guard selected (Function.apply,
    # the engine and the optimizers enter it), on that device's current CuPy stream.
    def bias_add(self, y, b):
        self._bias.bias_add(y, b)

    def bias_add_relu(self, y, b):
        self._bias.bias_add_relu(y, b)

    def bias_grad(self, g):
        return self._reduce.bias_grad(self.xp, self.xp.ascontiguousarray(g))

    def relu_bias_grad(self, g, y):
        return self._reduce.relu_bias_grad(self.xp, self.xp.ascontiguousarray(g), y)

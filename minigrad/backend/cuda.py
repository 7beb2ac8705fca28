"""CUDA backend: CuPy arrays (cuBLAS GEMMs) plus the Numba kernels of minigrad.kernels.

Nothing here imports CuPy or Numba until a tensor first goes to a "cuda" device. With the
environment switch MINIGRAD_CUDA_SIM=1 the device is *simulated* (MINIGRAD_CUDA_SIM=2: two of them,
and so on): storage is NumPy behind CuPy's rules (backend/sim.py) and our kernels run in Numba's
CUDA simulator, so the whole GPU path except cuBLAS runs, slowly, on a CPU.

Each device's backend has a `guard`, the context manager that makes it the current device, as
PyTorch's device guard does: CuPy allocates and launches on the *current* device, so every op,
backward step, optimizer update and kernel launch on cuda:1 runs inside `with guard:`.

Index checks run on the device and report at the next read (backend/checks.py): each backend keeps
its device's error record, and its host reads (`to_host`, `synchronize`) bring the record back.
"""

import os
import warnings

import numpy as np

from .checks import recorded_error

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
        from .. import kernels
        from ..kernels import bias, checks, cross_entropy, dropout, launch, reduce  # noqa: F401 (kernels' modules, loaded)
    except ImportError as e:
        if simulated():  # CuPy is not needed there: only numba-cuda, whose simulator runs the kernels
            raise CudaUnavailableError(f"the simulated CUDA device (MINIGRAD_CUDA_SIM) runs the kernels in "
                                       f"numba-cuda's simulator ({e}): `pip install numba-cuda` "
                                       "(or the 'minigrad-nn[cuda]' extra).") from None
        raise CudaUnavailableError(f"CUDA kernels need numba-cuda ({e}); {INSTALL_HINT}.") from None
    if simulated() != launch.SIMULATED:
        raise CudaUnavailableError("MINIGRAD_CUDA_SIM=1 needs NUMBA_ENABLE_CUDASIM=1 before Numba is "
                                   "first imported; set both in the environment.")
    _loaded[index] = CudaBackend(xp, index, guard, kernels)
    return _loaded[index]


class CudaBackend:
    """xp, the device guard, host transfers and the kernel entry points for one CUDA device."""

    name = "cuda"

    def __init__(self, xp, index, guard, kernels):
        self.xp, self.index, self.guard, self.kernels = xp, index, guard, kernels  # kernels: minigrad.kernels
        self.simulated = simulated()
        self.launch_blocking = os.environ.get("CUDA_LAUNCH_BLOCKING", "0") == "1"  # checks raise in the op
        self._record = self._record_host = None  # the error record, on the device and its pinned host copy
        self._checks_queued = False  # a check ran since the record was last read

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
        """A NumPy copy of a device array (blocks until the kernels writing it have run); raises the
        error of a failed check queued before it."""
        with self.guard:
            reading = self._queue_record_copy()
            host = array.get()
        if reading:
            self._raise_recorded()
        return host

    def synchronize(self):
        """Wait for every kernel queued on this device; raises the error of a failed check."""
        with self.guard:
            reading = self._queue_record_copy()
            self.guard.synchronize()  # cupy.cuda.Device(index).synchronize(), or the simulated one's
        if reading:
            self._raise_recorded()

    # Device-side checks (backend/checks.py), called outside Function.apply: they enter the guard.
    def check_range(self, a, lo, hi, check, dim=0, size=0, inside=True):
        """Record the first value of `a` outside [lo, hi) (inside=False: inside it) for `check`, on the
        device; the next read raises its error. No sync (unless CUDA_LAUNCH_BLOCKING=1)."""
        if a.size == 0:
            return
        with self.guard:
            flat = self.xp.ascontiguousarray(a).reshape(-1)
            self.kernels.checks.range_check(flat, lo, hi, inside, self._error_record(), check.code, dim, size)
        self._checked()

    def class_targets(self, t, n_classes, ignore_index, check):
        """(t with the rows whose target is ignore_index set to class 0, mask of the rows kept) on the device,
        in a Function's forward (under the guard): whether any row is ignored is not known without a sync,
        so every row gets its mask; a target outside [0, n_classes) is recorded for the next read."""
        keep = t != ignore_index
        t = self.xp.where(keep, t, 0)
        self.check_range(t, 0, n_classes, check, size=n_classes)
        return t, keep

    def _error_record(self):
        """The device's error record (made on first use), for a check about to be queued."""
        if self._record is None:
            self._record = self.xp.zeros(4, dtype=np.int64)
            self._record_host = np.zeros(4, np.int64) if self.simulated else _pinned_int64(4)
        self._checks_queued = True
        return self._record

    def _checked(self):
        """After a check is queued: CUDA_LAUNCH_BLOCKING=1 reads the record now, so that the op raises."""
        if self.launch_blocking:
            self.synchronize()

    def _queue_record_copy(self):
        """Queue the error record's copy to the host ahead of a read, if a check ran since the last one: the
        read's own sync then completes it (pinned memory, same stream), so it costs no extra sync."""
        if self._checks_queued:
            self._record.get(out=self._record_host, blocking=False)
        return self._checks_queued

    def _raise_recorded(self):
        self._checks_queued = False
        error = recorded_error(self._record_host, f"cuda:{self.index}")
        if error is not None:
            with self.guard:
                self._record.fill(0)  # reported once
            raise error

    # The kernels run on the current device, the one this backend's guard selected (Function.apply,
    # the engine and the optimizers enter it), on that device's current CuPy stream.
    def bias_add(self, y, b):
        self.kernels.bias.bias_add(y, b)

    def bias_add_relu(self, y, b):
        self.kernels.bias.bias_add_relu(y, b)

    def bias_grad(self, g):
        return self.kernels.reduce.bias_grad(self.xp, self.xp.ascontiguousarray(g))

    def relu_bias_grad(self, g, y):
        return self.kernels.reduce.relu_bias_grad(self.xp, self.xp.ascontiguousarray(g), y)

    def cross_entropy(self, x, t, ignore_index, check):
        """(p, losses, weights, safe_t) as the CPU's twin gives them (weights always: whether a row is ignored
        is not known without a sync), in one kernel; a bad target is recorded for the next read."""
        xp, record = self.xp, self._error_record()
        x, t = xp.ascontiguousarray(x), xp.ascontiguousarray(t, np.int64)
        result = self.kernels.cross_entropy.cross_entropy(xp, x, t, ignore_index, record, check.code)
        self._checked()
        return result

    def cross_entropy_grad(self, p, safe_t, weights, scale):
        """dx from the forward's results and the scale (rows, 1) or a scalar, in one kernel."""
        scale = self.xp.asarray(scale).reshape(-1)  # (rows,) or (1,)
        return self.kernels.cross_entropy.cross_entropy_grad(self.xp, p, safe_t, weights, scale)

    def dropout_mask(self, shape, dtype, p, scale, rng):
        """Dropout's mask, drawn on the device (kernels/dropout.py): Philox4x32-10 keyed by one 64-bit
        number from the host generator rng, so no random numbers are copied from the host."""
        mask = self.xp.empty(shape, dtype=dtype)
        self.kernels.dropout.dropout_mask(mask.reshape(-1), int(rng.integers(2**64, dtype=np.uint64)), p, scale)
        return mask


def _pinned_int64(n):
    """A page-locked host array: a copy into it is truly asynchronous (CuPy's get(blocking=False))."""
    import cupyx

    return cupyx.empty_pinned((n,), dtype=np.int64)

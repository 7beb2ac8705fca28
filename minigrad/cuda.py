"""`minigrad.cuda`: ask about CUDA devices (PyTorch's torch.cuda subset). Asking loads nothing
heavy unless CuPy is installed; MINIGRAD_CUDA_SIM=1 answers for the simulated device."""

from . import amp  # noqa: F401  (mg.cuda.amp.autocast(), the older spelling of mg.autocast("cuda"))
from .backend import cuda as _cuda
from .backend import resolve


def is_available():
    return _cuda.is_available()


def device_count():
    return _cuda.device_count()


def current_device():
    return _cuda.current_device()


def init():
    """Load the CUDA backend now; raises one clear error if CuPy, a driver or a GPU is missing."""
    resolve("cuda")


def get_device_name(device=None):
    return resolve(device if device is not None else "cuda").backend.device_name()


def synchronize(device=None):
    """Wait until every kernel queued on the device has finished, and raise the error of an index
    check that failed on it (backend/checks.py); the simulated device counts it as a host sync."""
    resolve(device if device is not None else "cuda").backend.synchronize()

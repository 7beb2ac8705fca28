"""`minigrad.accelerator`: the device-neutral way current PyTorch tutorials pick a device.

    >>> import minigrad as mg
    >>> device = mg.accelerator.current_accelerator().type if mg.accelerator.is_available() else "cpu"

minigrad's one accelerator is CUDA. It is "built" when the CUDA backend can load at all: CuPy is
installed (the [cuda] extra), or MINIGRAD_CUDA_SIM=1 simulates a device (backends.cuda.is_built()).
It is available when, in addition, a driver and a GPU are there (minigrad.cuda.is_available()).
"""

from . import backends, cuda
from .backend import device


def current_accelerator(check_available=False):
    """device(type='cuda') if minigrad can drive CUDA here (and, with check_available=True, a GPU is
    there too); otherwise None. The device has no index: see current_device_index()."""
    if not backends.cuda.is_built() or check_available and not cuda.is_available():
        return None
    return device("cuda")


def is_available():
    """True when the accelerator is built and a device is visible."""
    return current_accelerator() is not None and cuda.is_available()


def device_count():
    """The number of accelerator devices visible (0 without one)."""
    return cuda.device_count() if current_accelerator() is not None else 0


def current_device_index():
    """The index of the current accelerator device."""
    return cuda.current_device()


def synchronize(device=None):
    """Wait for every kernel queued on the accelerator device to finish."""
    cuda.synchronize(device)

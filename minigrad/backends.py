"""`minigrad.backends`: what tutorials ask torch.backends about, answered for minigrad.

    >>> import minigrad as mg
    >>> mg.backends.mps.is_available()
    False

    cuda    is_built(): the CUDA backend can load here (CuPy installed, or MINIGRAD_CUDA_SIM=1)
    mps     Apple's Metal backend: minigrad has none, so both answers are False
    cudnn   minigrad calls no cuDNN (its GPU layers are cuBLAS GEMMs and its own kernels): not
            available; `enabled`, `benchmark` and `deterministic` are kept so that scripts setting
            them run, and change nothing (minigrad's kernels are deterministic already)
"""

import importlib.util

from .backend import cuda as _cuda


class _Cuda:
    @staticmethod
    def is_built():
        """True when minigrad can drive CUDA devices here, whether or not a GPU is present."""
        return _cuda.simulated() or importlib.util.find_spec("cupy") is not None


class _Mps:
    @staticmethod
    def is_available():
        return False

    @staticmethod
    def is_built():
        return False


class _Cudnn:
    def __init__(self):
        self.enabled, self.benchmark, self.deterministic = True, False, False

    @staticmethod
    def is_available():
        return False


cuda, mps, cudnn = _Cuda(), _Mps(), _Cudnn()

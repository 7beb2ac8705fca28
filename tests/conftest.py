"""Shared fixtures: the `device` parameter that runs a test on every device.

"cpu" always runs. "cuda" runs on a real GPU (marked `cuda`) or, under MINIGRAD_CUDA_SIM=1
NUMBA_ENABLE_CUDASIM=1, on the simulated device (marked `sim`, selected by `pytest -m sim`);
otherwise it is skipped with the reason.
"""

import os

import numpy as np
import pytest
from hypothesis import settings

import minigrad as mg

settings.register_profile("minigrad", max_examples=30, deadline=None, derandomize=True)
settings.load_profile("minigrad")

SIMULATED = os.environ.get("MINIGRAD_CUDA_SIM") == "1"
NO_CUDA = ("no CUDA device: run on a GPU machine with the [cuda] extra, or simulate one with "
           "MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1 pytest -m sim")


def _cuda_param():
    if SIMULATED:
        return pytest.param("cuda", marks=pytest.mark.sim)
    if mg.cuda.is_available():
        return pytest.param("cuda", marks=pytest.mark.cuda)
    return pytest.param("cuda", marks=pytest.mark.skip(reason=NO_CUDA))


DEVICES = [pytest.param("cpu"), _cuda_param()]


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def host(t):
    """A tensor's values as a NumPy array, from any device."""
    return t.detach().cpu().numpy()

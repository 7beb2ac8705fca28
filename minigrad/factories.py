"""Ways to make tensors: from data (`tensor`, `from_numpy`), filled (`zeros`, `full`, `arange`, ...)
and random (`randn`, `rand`, `randint`). Data is built on the host and copied to `device` once.

    >>> import minigrad as mg
    >>> mg.tensor([[1, 2], [3, 4]]).dtype, mg.tensor([1.5]).dtype, mg.zeros(2, 3).shape
    (dtype('int64'), dtype('float32'), (2, 3))
"""

import numpy as np

from . import dtypes
from .backend import resolve
from .random import rng
from .tensor import Tensor


def _sizes(size):
    """Accept zeros(2, 3), zeros((2, 3)) and zeros([2, 3])."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(n) for n in size)


def _finish(host, device, requires_grad):
    """Put a host array on its device as a tensor, refusing grads on integer data."""
    dev = resolve(device)
    t = Tensor._make(dev.backend.to_device(host), dev, False, None)
    if requires_grad:
        t.requires_grad_()
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, arrays or a tensor).

    Python floats become float32, ints int64, bools bool; NumPy arrays keep their dtype.
    """
    if isinstance(data, Tensor):
        host = data.device.backend.to_host(data._data)
        device = data.device if device is None else device
    elif isinstance(data, np.ndarray):
        host = data
    else:
        host = np.array(data)
        if host.dtype == object or host.dtype.kind in "USc":
            raise TypeError(f"tensor(): cannot make a tensor from {type(data).__name__} data of "
                            f"NumPy dtype {host.dtype}; give numbers or (nested) lists of numbers")
        host = host.astype(dtypes.from_python(data) if dtype is None else dtype)
    host = np.array(host, dtype=dtype, copy=True)
    return _finish(host, device, requires_grad)


def from_numpy(array):
    """A CPU tensor sharing memory with `array` (no copy)."""
    return Tensor._make(array, resolve("cpu"), False, None)


def _filled(fill, size, dtype, device, requires_grad):
    dtype = np.dtype(dtype or dtypes.default_float)
    return _finish(np.full(_sizes(size), fill, dtype=dtype), device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled(1, size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)  # zeroed: uninitialised memory helps nobody here


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    dtype = dtype or dtypes.from_python(fill_value)
    return _filled(fill_value, (size,), dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = dtypes.from_python([start, end, step])
    return _finish(np.arange(start, end, step).astype(dtype), device, requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal samples."""
    dtype = np.dtype(dtype or dtypes.default_float)
    host = rng(generator).standard_normal(_sizes(size), dtype=np.float32 if dtype != dtypes.float64 else dtype)
    return _finish(host.astype(dtype, copy=False), device, requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform samples on [0, 1)."""
    dtype = np.dtype(dtype or dtypes.default_float)
    host = rng(generator).random(_sizes(size), dtype=np.float32 if dtype != dtypes.float64 else dtype)
    return _finish(host.astype(dtype, copy=False), device, requires_grad)


def randint(low, high=None, size=(), dtype=None, device=None, generator=None):
    """Integers uniform on [low, high): randint(high, size) or randint(low, high, size), like PyTorch."""
    if isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    host = rng(generator).integers(low, high, size=_sizes((size,)), dtype=np.dtype(dtype or dtypes.int64))
    return _finish(host, device, False)


def randperm(n, dtype=None, device=None, generator=None):
    return _finish(rng(generator).permutation(n).astype(dtype or dtypes.int64), device, False)


def _like(factory, t, dtype, device, requires_grad):
    return factory(t.shape, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return _like(zeros, t, dtype, device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return _like(ones, t, dtype, device, requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    return _like(randn, t, dtype, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)

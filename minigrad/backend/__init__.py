"""Devices, and the one place that decides the array module for them.

A `Device` names where storage lives ("cpu", "cuda:0"). Its backend — one file per device type in
the plain registry `BACKENDS` — supplies `xp` (the array module, NumPy or CuPy) that every Function
is handed, the few kernels that differ per device, host <-> device copies, and `guard`: None on the
CPU, on CUDA the context manager that makes the device current (work outside Function.apply that
touches device arrays runs under `with guard(device):`). The CUDA backend is loaded on first use
only, so `import minigrad` never imports CuPy or Numba. "cuda" (no index) means the current device.

    >>> import minigrad as mg
    >>> mg.device("cpu").xp.__name__
    'numpy'
"""

import numbers

import numpy as np

from . import cpu, cuda

BACKENDS = {"cpu": cpu, "cuda": cuda}


class Device:
    """A device type and index; interned, so tensors compare devices with `is`."""

    __slots__ = ("type", "index", "backend", "xp", "guard")

    def __init__(self, type, index):
        self.type, self.index = type, index

    def __getattr__(self, name):
        # Reached only while backend/xp/guard are unset: load the backend once, on first use.
        if name not in ("backend", "xp", "guard"):
            raise AttributeError(name)
        concrete = resolve(self)
        if concrete is not self:  # "cuda": whichever device is current now, so never cached here
            return getattr(concrete, name)
        self.backend = BACKENDS[self.type].load(self.index)
        self.xp, self.guard = self.backend.xp, self.backend.guard
        return getattr(self, name)

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return device, (str(self),)


_interned = {}


def device(spec="cpu", index=None):
    """`device("cpu")`, `device("cuda")`, `device("cuda:1")` or `device("cuda", 1)`."""
    if isinstance(spec, Device):
        return spec
    if isinstance(spec, int):
        spec, index = "cuda", spec
    type_, _, idx = str(spec).partition(":")
    if type_ not in BACKENDS:
        raise ValueError(f"unknown device {spec!r}: expected 'cpu', 'cuda' or 'cuda:N'")
    if idx:
        if index is not None or not idx.isdigit():
            raise ValueError(f"invalid device string {spec!r}: expected 'cuda:N' with N an integer")
        index = int(idx)
    if type_ == "cpu":
        index = None
    key = (type_, index)
    if key not in _interned:
        _interned[key] = Device(type_, index)
    return _interned[key]


class _NoGuard:
    """The CPU's guard: nothing to switch."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


NO_GUARD = _NoGuard()


def guard(device):
    """`with guard(device):` makes `device` current for array work done outside Function.apply
    (in-place writes, optimizer steps, comparisons), as PyTorch's device guard does; free on the CPU."""
    return device.guard or NO_GUARD


def resolve(spec):
    """The concrete device a tensor lives on: 'cuda' means the current CUDA device."""
    dev = device("cpu" if spec is None else spec)
    if dev.type == "cuda" and dev.index is None:
        dev = device("cuda", cuda.current_device())
    BACKENDS[dev.type].load(dev.index)  # load now: a missing CuPy, driver or GPU is reported here, clearly
    return dev


def array_on(device, value, dtype):
    """What an in-place write into a tensor on `device` stores, from a tensor on any device, host data
    (an ndarray, a list) or a number: host data becomes a `dtype` array there (CuPy refuses host data
    in a write); a number stays a number (every array module broadcasts it)."""
    source = getattr(value, "device", None)
    if isinstance(source, Device):  # a Tensor
        if source is device:
            return value._data
        value = source.backend.to_host(value._data)
    elif isinstance(value, numbers.Number):
        return value
    return device.backend.to_device(np.asarray(value, dtype=dtype))

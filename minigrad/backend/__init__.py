"""Devices, and the one place that decides the array module for them.

A `Device` names where storage lives ("cpu", "cuda:0"). Its backend — one file per device type in
the plain registry `BACKENDS` — supplies `xp` (the array module, NumPy or CuPy) that every Function
is handed, the few kernels that differ per device, and host <-> device copies. The CUDA backend is
loaded on first use only, so `import minigrad` never imports CuPy or Numba.

    >>> import minigrad as mg
    >>> mg.device("cpu").xp.__name__
    'numpy'
"""

from . import cpu, cuda

BACKENDS = {"cpu": cpu, "cuda": cuda}


class Device:
    """A device type and index; interned, so tensors compare devices with `is`."""

    __slots__ = ("type", "index", "backend", "xp")

    def __init__(self, type, index):
        self.type, self.index = type, index

    def __getattr__(self, name):
        # Reached only while backend/xp are unset: load the backend once, on first use.
        if name not in ("backend", "xp"):
            raise AttributeError(name)
        self.backend = BACKENDS[self.type].load(self.index)
        self.xp = self.backend.xp
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


def resolve(spec):
    """The concrete device a tensor lives on: 'cuda' means the current CUDA device."""
    dev = device("cpu" if spec is None else spec)
    if dev.type == "cuda" and dev.index is None:
        dev = device("cuda", cuda.current_device())
    BACKENDS[dev.type].load(dev.index)  # load now: a missing CuPy, driver or GPU is reported here, clearly
    return dev

"""Evenly spaced values: `arange` (by a step), `linspace` (by a count) and `logspace` (powers of a base).

    >>> import minigrad as mg
    >>> mg.arange(5), mg.arange(1, 2.5, 0.5)
    (tensor([0, 1, 2, 3, 4]), tensor([1.0000, 1.5000, 2.0000]))
    >>> mg.linspace(-10, 10, steps=5), mg.logspace(0, 2, steps=3, base=2)
    (tensor([-10.,  -5.,   0.,   5.,  10.]), tensor([1., 2., 4.]))

The rules are PyTorch's. arange's length is ceil((end - start) / step) in float64, except for int64
results, which are computed exactly in integers after truncating the bounds and step (so
arange(0, 5, 1.3, dtype=int64) steps by 1); its values are start + i * step in float64, rounded once.
linspace walks the first half forward from start and the second half backward from end, so both
ends are exact, rounding each point once to a floating result (float64 for integer results, then
truncated toward zero); logspace raises `base` to such points. linspace's and logspace's values
equal PyTorch's (CPU, x86-64) to the last bit, bar a rare last-bit difference in float64 powers;
arange's agree within one rounding (PyTorch's own depend on the CPU's vector width). Their default dtype is the default
float dtype whatever the bounds; arange's is int64 when start, end and step are all integers.
"""

import math
import numbers
import operator

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from . import options


def _number(name, value):
    """A bound given as a Python or NumPy number or a one-element tensor, as a Python number."""
    if isinstance(value, (Tensor, np.generic)):
        value = value.item()
    if not isinstance(value, numbers.Real):
        raise TypeError(f"argument '{name}' must be a number, not {type(value).__name__}")
    return value


def _not_bool(name, d):
    if d is dtypes.bool:
        raise TypeError(f"{name}() cannot make {d} tensors; use an integer or floating dtype")
    return d


def arange(start=0, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """start, start + step, ... up to but excluding end: arange(end) or arange(start, end[, step])."""
    if end is None:
        start, end = 0, start
    start, end, step = _number("start", start), _number("end", end), _number("step", step)
    integral = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    d = _not_bool("arange", options.dtype_or(dtype, dtypes.int64 if integral else dtypes.default_float))
    if d is dtypes.int64:
        start, end, step = int(start), int(end), int(step)  # truncated, then exact (beyond 2**53 too)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if not (step > 0 and end >= start or step < 0 and end <= start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if d is dtypes.int64:
        n = (end - start + step - (1 if step > 0 else -1)) // step
        host = start + step * np.arange(n, dtype=np.int64)
    elif d.is_floating_point:
        host = start + step * np.arange(math.ceil((end - start) / step), dtype=np.float64)
    else:  # the other integer dtypes: the length from the float bounds, the values from truncated ones
        host = int(start) + int(step) * np.arange(math.ceil((end - start) / step), dtype=np.int64)
    return options.place(host.astype(d.dtype), device, requires_grad)


def _check_steps(name, steps):
    if not hasattr(steps, "__index__"):
        raise TypeError(f"{name}(): argument 'steps' must be int, not {type(steps).__name__}")
    if operator.index(steps) < 0:
        raise RuntimeError("number of steps must be non-negative")
    return operator.index(steps)


def _halves(first, last, step, steps, wide):
    """first + step * i for the first half of i = 0 .. steps - 1, last - step * (steps - 1 - i) for the
    rest, computed in `wide`: the multipliers exactly, then each point rounded once."""
    half = steps // 2
    up, down = np.arange(half).astype(wide), (steps - 1 - np.arange(half, steps)).astype(wide)
    return np.concatenate([wide(first) + wide(step) * up, wide(last) - wide(step) * down])


# PyTorch's CPU kernel rounds first + step * i once (a fused multiply-add) for float32 and float64
# results, and after each operation for float16: computing in a wider type rounds the same way (float64
# for float32, x86-64's 80-bit long double for float64), float16 itself rounds as float16 does.
_FUSED = {dtypes.float16: np.float16, dtypes.float32: np.float64, dtypes.float64: np.longdouble}


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from start to end, both included."""
    d = _not_bool("linspace", options.dtype_or(dtype, dtypes.default_float))
    steps = _check_steps("linspace", steps)
    s, e = d.dtype.type(_number("start", start)), d.dtype.type(_number("end", end))  # integer dtypes truncate
    if steps == 1:
        host = np.array([s])
    elif d.is_floating_point:  # the step in the result's own precision
        host = _halves(s, e, (e - s) / d.dtype.type(steps - 1), steps, _FUSED[d])
    else:
        host = _halves(s, e, (float(e) - float(s)) / (steps - 1), steps, np.float64)
    return options.place(host.astype(d.dtype), device, requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """base ** linspace(start, end, steps): `steps` values from base**start to base**end. As in
    PyTorch the bounds are in the result's dtype and the step and exponents in float64; the power is
    taken in long double, which rounds like PyTorch's (NumPy's float64 power is less exact)."""
    d = _not_bool("logspace", options.dtype_or(dtype, dtypes.default_float))
    steps, start, end = _check_steps("logspace", steps), _number("start", start), _number("end", end)
    if steps == 1:
        exponents = np.array([float(start)])
    else:
        s, e = d.dtype.type(start), d.dtype.type(end)
        width = float(e - s) if d.is_floating_point else float(int(e) - int(s))  # no integer wrap-around
        exponents = _halves(s, e, width / (steps - 1), steps, np.float64)
    powers = np.power(np.longdouble(base), exponents.astype(np.longdouble)).astype(np.float64)
    return options.place(powers.astype(d.dtype), device, requires_grad)

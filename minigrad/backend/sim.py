"""The simulated CUDA device's arrays: NumPy storage behind a type that behaves like CuPy's where
CuPy differs from NumPy, so code that would break or stall on a real GPU fails on a CPU too.

    SimArray     a device array. Arithmetic, NumPy functions and ufuncs work on it, but it never
                 becomes a host array by itself, as in CuPy:
                   np.asarray(a), np.array(a), a op host_ndarray      TypeError
                   a[i:j] = host_ndarray or list                       ValueError
                   float(a), int(a), bool(a), a.item(), a.tolist()     a host sync, counted
                 integer indexing gives a 0-d *view* (NumPy gives a copy)
    xp           the array module handed to Functions, as `cupy` is on a real GPU: NumPy's names,
                 with results made on the current device
    SimDevice    `with SimDevice(i):` makes simulated GPU i current in this thread (cupy.cuda.Device)
    host_syncs   every device-to-host read so far, each as "what at file:line" (tests count them)

The array type and the device stack live in sim_array.py; this file is the device's array module.
An array lives on the device that was current when it was computed; a view stays with its base.
Computing with an array of another device raises, as CuPy does without peer access (with peer
access CuPy computes silently on the wrong GPU): that is how a missing device guard shows here.
"""

import numpy as np

from .sim_array import Call, SimArray, SimDevice, current_device, host_syncs, sync  # noqa: F401 (API)

_FROM_HOST = {"array", "asarray", "asanyarray", "ascontiguousarray"}  # explicit host-to-device copies


class _Namespace:
    """A NumPy (sub)module seen as the simulated device's array module: every function's array
    arguments must be device arrays (or host data for the explicit copies asarray/array), and its
    array results are SimArrays on the current device."""

    ndarray = SimArray

    def __init__(self, module, name):
        self._module, self.__name__ = module, name

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if isinstance(attr, type(np)):
            value = _Namespace(attr, f"{self.__name__}.{name}")
        elif isinstance(attr, np.ufunc):
            value = _Ufunc(attr)
        elif callable(attr) and not isinstance(attr, type):
            def value(*args, _f=attr, _what=f"xp.{name}", _host=name in _FROM_HOST, **kwargs):
                return Call(_what, _host).run(_f, args, kwargs)
        else:
            value = attr  # dtypes, scalar types and constants (float32, newaxis, pi)
        setattr(self, name, value)  # looked up once per name
        return value


class _Ufunc:
    """xp.exp, xp.add.at, ...: a NumPy ufunc that refuses host arrays like CuPy's ufuncs."""

    def __init__(self, ufunc):
        self._ufunc, self.__name__ = ufunc, ufunc.__name__

    def __call__(self, *args, **kwargs):
        return Call(f"xp.{self.__name__}").run(self._ufunc, args, kwargs)

    def __getattr__(self, name):  # the methods at, reduce, outer, accumulate; nin, identity, ...
        attr = getattr(self._ufunc, name)
        if not callable(attr):
            return attr
        return lambda *args, **kwargs: Call(f"xp.{self.__name__}.{name}").run(attr, args, kwargs)


xp = _Namespace(np, "minigrad.backend.sim.xp")

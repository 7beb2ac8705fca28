"""`finfo` and `iinfo`: the numeric limits of a dtype, with PyTorch's attribute names.

    >>> import minigrad as mg
    >>> mg.finfo(mg.float16).max, mg.iinfo(mg.uint8).max, mg.finfo().eps == mg.finfo(mg.float32).eps
    (65504.0, 255, True)
"""

import numpy as np

from . import dtypes


class finfo:
    """Limits of a floating dtype (default: the default dtype), as Python floats:

    bits, eps (1.0's gap to the next float), max, min (= -max), tiny = smallest_normal (the smallest
    positive normal number) and resolution (10**-precision, the decimal resolution).
    """

    def __init__(self, type=None):
        d = dtypes.get_default_dtype() if type is None else dtypes.resolve(type, "type")
        if not d.is_floating_point:
            raise TypeError(f"minigrad.finfo() requires a floating point dtype, got {d}; "
                            "use minigrad.iinfo for integer dtypes")
        info = np.finfo(d.dtype)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # exactly 1e-06, where NumPy's float16 one is 0.0010004

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as Python ints: bits, min, max."""

    def __init__(self, type):
        d = dtypes.resolve(type, "type")
        if d is dtypes.bool:
            raise TypeError("minigrad.bool is not supported by minigrad.iinfo")
        if d.is_floating_point:
            raise TypeError(f"minigrad.iinfo() requires an integer dtype, got {d}; "
                            "use minigrad.finfo for floating dtypes")
        info = np.iinfo(d.dtype)
        self.bits, self.dtype, self.min, self.max = info.bits, d.name, int(info.min), int(info.max)

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

"""Comparisons and logic: == != < <= > >= (eq ne lt le gt ge), isclose, allclose, equal, isnan/isinf/
isfinite, any/all, count_nonzero, and the bitwise/logical operators & | ^ ~.

Their results are bool tensors (int64 counts, Python bools for allclose/equal) and never need
gradients, so they are computed directly on the arrays, with no Function and no graph.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, float("nan"), 3.0])
    >>> (x > 2) | x.isnan(), mg.allclose(x[:1], mg.tensor([1.0 + 1e-9]))
    (tensor([False,  True,  True]), True)
"""

import numbers

from .. import dtypes
from ..autograd.function import device_mismatch
from ..backend import guard
from ..tensor import Tensor
from .out import expect_tensor, into
from .reduce import normalize_dims


def _wrap(array, like):
    return Tensor._make(array, like.device, False, None)


def _other(op, a, b):
    """b as something xp can meet a's array with: an array on a's device or a Python number."""
    if isinstance(b, Tensor):
        if b.device is not a.device:
            raise device_mismatch(op, a.device, b.device)
        return b._data
    if isinstance(b, numbers.Number):
        return b
    if hasattr(b, "__array__"):
        return a.device.backend.to_device(b)
    raise TypeError(f"{op}(): argument 'other' must be Tensor or Number, not {type(b).__name__}")


def _comparison(op, xp_name, symbol):
    def f(input, other, *, out=None):
        a = expect_tensor(op, input)
        with guard(a.device):
            return into(out, _wrap(getattr(a.device.xp, xp_name)(a._data, _other(op, a, other)), a), op)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"input {symbol} other, elementwise and broadcast, as a bool tensor (torch.{op})."
    return f


eq = _comparison("eq", "equal", "==")
ne = _comparison("ne", "not_equal", "!=")
lt = _comparison("lt", "less", "<")
le = _comparison("le", "less_equal", "<=")
gt = _comparison("gt", "greater", ">")
ge = _comparison("ge", "greater_equal", ">=")
logical_and = _comparison("logical_and", "logical_and", "and")
logical_or = _comparison("logical_or", "logical_or", "or")
logical_xor = _comparison("logical_xor", "logical_xor", "xor")
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol |other|, elementwise; both of one dtype (torch.isclose)."""
    a, b = expect_tensor("isclose", input), expect_tensor("isclose", other, "other")
    if a.dtype != b.dtype:
        raise RuntimeError(f"isclose(): {a.dtype} did not match {b.dtype}; convert one with .to(...)")
    return _wrap(a.device.xp.isclose(a._data, _other("isclose", a, b), rtol=rtol, atol=atol, equal_nan=equal_nan), a)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds everywhere (torch.allclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True if both have the same shape and the same elements (any dtypes; NaN is not equal) (torch.equal)."""
    a, b = expect_tensor("equal", input), expect_tensor("equal", other, "other")
    return a.shape == b.shape and bool((a._data == _other("equal", a, b)).all())


def _float_test(op, xp_name, other_kinds):
    def f(input):
        x = expect_tensor(op, input)
        if x.dtype.kind != "f":  # integers and bools are never NaN or infinite
            return _wrap(x.device.xp.full(x.shape, other_kinds, dtype=dtypes.bool), x)
        return _wrap(getattr(x.device.xp, xp_name)(x._data), x)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"Elementwise {op[2:]} test, as a bool tensor (torch.{op})."
    return f


isnan = _float_test("isnan", "isnan", False)
isinf = _float_test("isinf", "isinf", False)
isfinite = _float_test("isfinite", "isfinite", True)


def _logical_reduction(op, input, dim, keepdim, out):
    x = expect_tensor(op, input)
    y = getattr(x.device.xp, op)(x._data, axis=normalize_dims(dim, x.ndim), keepdims=keepdim)
    y = x.device.xp.asarray(y)
    return into(out, _wrap(y.astype(dtypes.uint8) if x.dtype == dtypes.uint8 else y, x), op)  # PyTorch keeps uint8


def any(input, dim=None, keepdim=False, *, out=None):
    """True where some element over dim (None = all; an int or tuple) is nonzero (torch.any)."""
    return _logical_reduction("any", input, dim, keepdim, out)


def all(input, dim=None, keepdim=False, *, out=None):
    """True where every element over dim is nonzero (torch.all)."""
    return _logical_reduction("all", input, dim, keepdim, out)


def count_nonzero(input, dim=None):
    """The number of nonzero elements over dim (None = all; an int or tuple), as int64 (torch.count_nonzero)."""
    x = expect_tensor("count_nonzero", input)
    xp = x.device.xp
    return _wrap(xp.asarray(xp.count_nonzero(x._data, axis=normalize_dims(dim, x.ndim)), dtype=dtypes.int64), x)


def _bitwise(op, xp_name):
    def f(input, other=None):
        a = expect_tensor(op, input)
        if a.dtype.kind not in "biu":
            raise TypeError(f"{op}: only integer and bool tensors are supported, got {a.dtype}; for masks "
                            "compare first (x > 0)")
        fn = getattr(a.device.xp, xp_name)
        return _wrap(fn(a._data) if other is None else fn(a._data, _other(op, a, other)), a)

    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"Elementwise {xp_name.replace('_', ' ')} of integer or bool tensors (torch.{op}); & | ^ ~ on tensors."
    return f


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")
bitwise_not = _bitwise("bitwise_not", "invert")


def logical_not(input):
    """Elementwise "is zero", as a bool tensor (torch.logical_not)."""
    x = expect_tensor("logical_not", input)
    return _wrap(x.device.xp.logical_not(x._data), x)

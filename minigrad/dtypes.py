"""Data types: minigrad's dtypes are NumPy's dtype objects; PyTorch's promotion rules decide mixes.

NumPy and PyTorch agree on most mixes (float32 + float64 -> float64) but not all: PyTorch keeps
int64 + float32 in float32 and lets a 0-d tensor or a Python number adopt the other operand's
dtype, where NumPy widens. We follow NumPy only where PyTorch would give the same dtype and
raise a clear TypeError otherwise, so nothing is ever silently coerced.
"""

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
qint8 = np.dtype("int8")  # quantized weights (minigrad.ao.quantization) are plain int8
bool = np.dtype("bool")  # noqa: A001  (PyTorch's name; the builtin is never needed here)

default_float = float32

_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating


def category(dtype):
    return _KIND_RANK[dtype.kind]


def torch_result_type(a_dtype, a_ndim, b_dtype, b_ndim):
    """The dtype PyTorch gives `a op b`: a 0-d tensor only decides when it is of a higher category."""
    a_dim, b_dim = a_ndim > 0, b_ndim > 0
    if a_dim == b_dim:
        if category(a_dtype) != category(b_dtype):
            return a_dtype if category(a_dtype) > category(b_dtype) else b_dtype
        return np.promote_types(a_dtype, b_dtype)
    dim_dtype, zero_dtype = (a_dtype, b_dtype) if a_dim else (b_dtype, a_dtype)
    if category(zero_dtype) <= category(dim_dtype):
        return dim_dtype
    return default_float if zero_dtype.kind == "f" else zero_dtype


def check_binary(op, a, b):
    """Raise unless NumPy's and PyTorch's result dtypes agree for two tensors of different dtype."""
    theirs = torch_result_type(a.dtype, a.ndim, b.dtype, b.ndim)
    ours = np.promote_types(a.dtype, b.dtype)  # NumPy 2 promotes arrays (0-d too) by dtype alone
    if theirs != ours:
        raise TypeError(
            f"{op}: mixing {a.dtype} (shape {a.shape}) with {b.dtype} (shape {b.shape}) would give "
            f"{ours} here but {theirs} in PyTorch; convert one side explicitly, e.g. "
            f"`.to(minigrad.{theirs})` or `.float()`"
        )


def scalar_operand_dtype(dtype, value):
    """The dtype a tensor must have before meeting Python number `value` (PyTorch: int * 1.5 -> float32)."""
    if isinstance(value, float) and dtype.kind != "f":
        return default_float
    return dtype


def from_python(data):
    """dtype PyTorch infers for Python data: floats -> float32, ints -> int64, bools -> bool."""
    kind = np.asarray(data).dtype.kind
    return {"f": default_float, "b": bool}.get(kind, int64)


def check_float(op, t, hint=""):
    """Float-only ops refuse integer/bool input instead of casting it behind the user's back."""
    if t.dtype.kind != "f":
        raise TypeError(
            f"{op} expects a floating-point tensor but got {t.dtype} (shape {t.shape}); "
            f"convert it first with `.float()`{hint}"
        )

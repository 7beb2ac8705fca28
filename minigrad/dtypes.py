"""Data types: `minigrad.float32` and its kin, the default float dtype, and PyTorch's promotion rules.

    >>> import minigrad as mg
    >>> mg.tensor([1, 2]).dtype, mg.float is mg.float32, mg.promote_types(mg.int64, mg.float16)
    (minigrad.int64, True, minigrad.float16)

Each `dtype` stands for one NumPy dtype, which it keeps in its `.dtype` attribute. That attribute is
where `np.dtype(x)` looks, so NumPy and CuPy take a minigrad dtype wherever they take their own
(`np.zeros(3, dtype=mg.float32)`) and a tensor's storage stays a plain array; `Tensor.dtype` is one
dict lookup away from the array's dtype (`of`). dtypes are singletons compared by identity, at C speed
(binary ops compare them on every call); NumPy's own comparison converts a minigrad dtype, so
`np.dtype("float32") == mg.float32` holds too. bfloat16 is missing: NumPy has no such type, so a
minigrad bfloat16 tensor could not be stored without faking it.

NumPy and PyTorch agree on most mixes (float32 + float64 -> float64) but not all: PyTorch keeps
int64 + float32 in float32 and lets a 0-d tensor or a Python number adopt the other operand's
dtype, where NumPy widens. Results always have PyTorch's dtype: where the two would differ, the
operand of the other dtype is cast to PyTorch's result dtype before NumPy sees it (`binary_operands`).
"""

import builtins

import numpy as np


class dtype:
    """A tensor's element type (PyTorch's torch.dtype), printed `minigrad.float32`.

    is_floating_point, is_signed, is_complex and itemsize are PyTorch's attributes; `.name` ("float32"),
    `.dtype` (the NumPy dtype) and `.kind` (its kind character: "f", "i", "u" or "b") are minigrad's own,
    what its internals read.
    """

    __slots__ = ("name", "dtype", "kind", "itemsize", "is_floating_point", "is_signed")
    is_complex = False  # complex tensors are out of scope

    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(name)
        self.kind, self.itemsize = self.dtype.kind, self.dtype.itemsize
        self.is_floating_point, self.is_signed = self.kind == "f", self.kind in "fi"

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __hash__(self):
        return hash(self.dtype)  # equal to its NumPy dtype (NumPy says so), so it hashes alike

    def __reduce__(self):
        return self.name  # pickle and deepcopy give back the singleton minigrad.dtypes.<name>


float16 = dtype("float16")
float32 = dtype("float32")
float64 = dtype("float64")
int8 = dtype("int8")
int16 = dtype("int16")
int32 = dtype("int32")
int64 = dtype("int64")
uint8 = dtype("uint8")
bool = dtype("bool")  # noqa: A001  (PyTorch's name; the builtin is reached as builtins.bool here)
qint8 = int8  # quantized weights (minigrad.ao.quantization) are plain int8

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
OF_NUMPY = {d.dtype: d for d in ALL}
_OF_PYTHON = {builtins.float: float64, builtins.int: int64, builtins.bool: bool}  # as torch: dtype=float

default_float = float32  # set_default_dtype rebinds it; read as `dtypes.default_float` at call time


def of(numpy_dtype):
    """The minigrad dtype of an array's NumPy dtype; TypeError naming the supported ones otherwise."""
    try:
        return OF_NUMPY[numpy_dtype]
    except KeyError:
        raise TypeError(unsupported(numpy_dtype)) from None


def unsupported(numpy_dtype):
    """Why a NumPy dtype cannot be a tensor's (the message of every such TypeError)."""
    numpy_dtype = np.dtype(numpy_dtype)
    if numpy_dtype.kind == "c":
        return f"complex dtypes ({numpy_dtype}) are out of scope for minigrad: every tensor is real"
    if numpy_dtype.kind in "biuf" and not numpy_dtype.isnative:
        return (f"the array has byte order {numpy_dtype.str!r}, not the machine's; convert it first, "
                "e.g. array.astype(array.dtype.newbyteorder('='))")
    names = ", ".join(d.name for d in ALL)
    return f"can't make a tensor of NumPy dtype {numpy_dtype}: the supported dtypes are {names}"


def resolve(spec, argument="dtype"):
    """The minigrad dtype that `spec` names: a minigrad dtype, Python's float/int/bool (as PyTorch
    takes them) or a NumPy dtype (minigrad's own older spelling); TypeError for anything else."""
    if spec.__class__ is dtype:
        return spec
    if isinstance(spec, type) and spec in _OF_PYTHON:
        return _OF_PYTHON[spec]
    if isinstance(spec, np.dtype) or isinstance(spec, type) and issubclass(spec, np.generic):
        return of(np.dtype(spec))
    raise TypeError(f"argument '{argument}' must be a minigrad dtype such as minigrad.float32, "
                    f"not {type(spec).__name__} {spec!r}")


def get_default_dtype():
    """The dtype of Python floats made into tensors (float32 unless set_default_dtype changed it)."""
    return default_float


def set_default_dtype(d):
    """Make `d` (a floating dtype) what tensor(1.5), zeros(2), rand(2), nn.Linear's parameters,
    int * 1.5 and int / int produce, as torch.set_default_dtype."""
    global default_float
    d = resolve(d, "d")
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    default_float = d


_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating


def category(dtype):
    return _KIND_RANK[dtype.kind]


def promote_types(type1, type2):
    """The smallest dtype both convert to without leaving their category (torch.promote_types):
    int64 and float16 give float16 (NumPy: float64), uint8 and int8 give int16."""
    type1, type2 = resolve(type1, "type1"), resolve(type2, "type2")
    if category(type1) != category(type2):
        return type1 if category(type1) > category(type2) else type2
    return OF_NUMPY[np.promote_types(type1.dtype, type2.dtype)]


def torch_result_type(a_dtype, a_ndim, b_dtype, b_ndim):
    """The dtype PyTorch gives `a op b`: a 0-d tensor only decides when it is of a higher category."""
    a_dim, b_dim = a_ndim > 0, b_ndim > 0
    if a_dim == b_dim:
        return promote_types(a_dtype, b_dtype)
    dim_dtype, zero_dtype = (a_dtype, b_dtype) if a_dim else (b_dtype, a_dtype)
    return zero_dtype if category(zero_dtype) > category(dim_dtype) else dim_dtype


def binary_operands(a, b):
    """(a, b) ready for `a op b` in the dtype PyTorch computes it in. Where NumPy would promote to
    another dtype (int64 + float32 tensors, a 0-d float64 with a float32 tensor: PyTorch keeps float32),
    the operand of the other dtype is cast first — differentiably — so NumPy then computes in PyTorch's."""
    theirs = torch_result_type(a.dtype, a.ndim, b.dtype, b.ndim)
    if theirs is OF_NUMPY[np.promote_types(a._data.dtype, b._data.dtype)]:  # NumPy 2: by dtype alone, 0-d too
        return a, b
    return (a if a.dtype is theirs else a.to(theirs)), (b if b.dtype is theirs else b.to(theirs))


def scalar_operand_dtype(dtype, value):
    """The dtype a tensor must have before meeting Python number `value` (PyTorch: int * 1.5 -> float32)."""
    if isinstance(value, builtins.float) and dtype.kind != "f":
        return default_float
    return dtype


def of_scalar(value):
    """The dtype PyTorch gives a number used as a value (full's fill_value, arange's bounds): bools
    -> bool, integers -> int64, floats -> the default dtype, whatever their Python or NumPy type."""
    kind = (value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype).kind  # a tensor, too
    if kind == "c":
        raise TypeError(unsupported(np.complex128))
    if kind not in "biuf":
        raise TypeError(f"expected a number, got {type(value).__name__} {value!r}")
    return {"f": default_float, "b": bool}.get(kind, int64)


def check_float(op, t, hint=""):
    """Float-only ops refuse integer/bool input instead of casting it behind the user's back."""
    if t.dtype.kind != "f":
        raise TypeError(
            f"{op} expects a floating-point tensor but got {t.dtype} (shape {tuple(t.shape)}); "
            f"convert it first with `.float()`{hint}"
        )


def is_floating_point(input):
    """True if the tensor's dtype is a floating-point one (torch.is_floating_point)."""
    return input.dtype.is_floating_point

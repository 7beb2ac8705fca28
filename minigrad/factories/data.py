"""Tensors from existing data: `tensor` (always a copy), `as_tensor` and `from_numpy` (sharing memory
when they can), `is_tensor`.

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor([[1, 2], [3, 4]]).dtype, mg.tensor([1, 2.5]).dtype, mg.tensor([True, False]).dtype
    (minigrad.int64, minigrad.float32, minigrad.bool)
    >>> a = np.zeros(2); t = mg.from_numpy(a); a[0] = 7; t
    tensor([7., 0.], dtype=minigrad.float64)

dtype inference is PyTorch's: Python bools -> bool, ints -> int64, floats -> the default dtype;
NumPy scalars and arrays and tensors inside a list keep their own dtype; a list takes the
promotion of its elements (`promote_types`: [True, 2] -> int64, [1, 2.5] -> float32).
"""

import functools
import warnings

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from . import options

_SEQUENCES = (list, tuple, range)
_NUMBERS = {float, int, bool}


def _is_sequence(x):
    return isinstance(x, _SEQUENCES) or isinstance(x, np.ndarray) and x.ndim > 0


def _flatten(data):
    """(leaves in row-major order, shape) of nested sequences; ValueError if they are ragged."""
    level, shape = [data], []
    while not set(map(type, level)) <= _NUMBERS:  # (a level of plain numbers is checked at C speed)
        nested = set(map(_is_sequence, level))
        if nested == {False}:
            break
        if len(nested) > 1:
            raise TypeError(f"tensor(): found both sequences and numbers at dim {len(shape)}; "
                            "nested lists must be regular, like an array's")
        n = len(level[0])
        bad = next((len(x) for x in level if len(x) != n), None)
        if bad is not None:
            raise ValueError(f"expected sequence of length {n} at dim {len(shape)} (got {bad})")
        shape.append(n)
        level = [y for x in level for y in x]
    return level, tuple(shape)


def _leaf_dtype(leaves):
    """The promotion of every leaf's dtype; the default dtype when there are none (tensor([]))."""
    found = set()
    for kind in set(map(type, leaves)):
        if kind is float:
            found.add(dtypes.default_float)
        elif kind is int:
            found.add(dtypes.int64)
        elif kind is bool:
            found.add(dtypes.bool)
        elif issubclass(kind, np.generic):
            found.add(dtypes.of(np.dtype(kind)))
        elif issubclass(kind, (Tensor, np.ndarray)):  # a 0-d array, or a tensor of one element
            found.update(_element_dtype(x) for x in leaves if isinstance(x, kind))
        elif issubclass(kind, complex):
            raise TypeError(dtypes.unsupported(np.complex128))
        elif issubclass(kind, (str, bytes)):
            raise TypeError(f"tensor(): invalid data type '{kind.__name__}'; give numbers or nested lists of numbers")
        else:
            raise RuntimeError(f"Could not infer dtype of {kind.__name__}")
    return functools.reduce(dtypes.promote_types, found) if found else dtypes.default_float


def _element_dtype(x):
    """The dtype of a 0-d array or a one-element tensor met among a list's elements."""
    if isinstance(x, np.ndarray):
        return dtypes.of(x.dtype)  # (arrays with dimensions are walked as sequences)
    if x.numel() != 1:
        raise ValueError(f"only one element tensors can be converted to Python scalars, got shape "
                         f"{tuple(x.shape)}; stack or concatenate tensors instead of listing them")
    return x.dtype


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data`: a number, (nested) lists or tuples, a NumPy array, or
    a tensor (copied and detached, with PyTorch's warning to write `t.detach().clone()` instead).
    pin_memory is accepted for PyTorch's signature; host memory is never pinned here."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                      "rather than minigrad.tensor(sourceTensor).", UserWarning, stacklevel=2)
        host, inferred = data.device.backend.to_host(data._data), data.dtype
        device = data.device if device is None else device
    elif isinstance(data, np.ndarray):
        host, inferred = data, dtypes.of(data.dtype) if dtype is None else None
    else:
        leaves, shape = _flatten(data)
        inferred = _leaf_dtype(leaves)
        if any(isinstance(x, Tensor) for x in leaves):
            leaves = [x.item() if isinstance(x, Tensor) else x for x in leaves]  # from any device
        host = np.array(leaves, dtype=options.dtype_or(dtype, inferred).dtype).reshape(shape)
        return options.place(host, device, requires_grad)
    host = np.array(host, dtype=options.dtype_or(dtype, inferred).dtype, copy=True)  # never data's memory
    return options.place(host, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """`data` as a tensor, without a copy when it already is one of that dtype and device (a tensor
    is then returned itself, an ndarray shared, as from_numpy does); a converted copy otherwise.
    Converting a tensor is differentiable, as `data.to(device, dtype)` is."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.resolve(dtype) is dtypes.of(data.dtype)):
        target = options.default_device if device is None else device
        if target == "cpu":
            return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A CPU tensor sharing memory with `ndarray`: writes to either show in both (PyTorch's rule)."""
    if not isinstance(ndarray, np.ndarray):
        kind = type(ndarray).__name__
        raise TypeError(f"expected np.ndarray (got {'numpy.' + kind if isinstance(ndarray, np.generic) else kind})")
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order; convert it "
                         "first: array.astype(array.dtype.newbyteorder('='))")
    dtypes.of(ndarray.dtype)  # refuses complex, strings and objects, naming the supported dtypes
    if not ndarray.flags.writeable:
        warnings.warn("The given NumPy array is not writable: in-place writes to this tensor will fail. Copy "
                      "the array (or make it writable) before converting it to a tensor.", UserWarning, stacklevel=2)
    return options.place(ndarray, "cpu", False)


def is_tensor(obj):
    """True for minigrad tensors (and Parameters), as torch.is_tensor."""
    return isinstance(obj, Tensor)

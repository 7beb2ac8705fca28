"""Checkpoints: `save(obj, path)` and `load(path, map_location=None)`, in the safetensors format.

Why safetensors and not pickle: loading a pickle runs whatever code the file names, so a checkpoint
from the internet could do anything. A safetensors file is an 8-byte length, a JSON header and raw
tensor bytes (safetensors.py); reading it parses JSON and copies bytes, and nothing in it can execute.
PyTorch users already publish weights in it, so those load directly.

A flat {name: tensor} dict (a state_dict) is stored under its own names: the file is an ordinary
safetensors state dict. Any other object built from dicts, lists, tuples, numbers, strings, None and
tensors (model + optimizer + epoch, or a bare tensor) keeps its structure as JSON in the header's
metadata, each tensor written as {"tensor": name}, and loads back equal, types included. Whatever the
file's suffix (.safetensors, .pt, .pth), the content is safetensors. Writes are atomic (atomic.py).

    >>> import minigrad as mg, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pth")
    >>> mg.save({"w": mg.ones(2), "epoch": 3}, path)
    >>> mg.load(path)["epoch"]
    3
"""

import json
import os
from collections import OrderedDict

import numpy as np

from ..backend import resolve
from ..tensor import Tensor
from . import atomic
from .safetensors import CODES, FormatError, encode, read_header, read_tensor

_STRUCTURE = "minigrad"  # the metadata key holding the structure of a non-state_dict object
_RESERVED = "__metadata__"  # a header key of the format itself: no tensor may be called that
MAX_DEPTH = 100  # dicts/lists/tuples nested deeper are refused on save (and on load): no RecursionError


class CheckpointError(ValueError):
    """A file that is not a loadable checkpoint (truncated, corrupt, foreign); names the path."""


# ---------------------------------------------------------------- save
def _encode(obj, name, tensors, depth=0):
    """obj as JSON, with tensors moved into `tensors` (name -> host array)."""
    if depth > MAX_DEPTH:
        raise ValueError(f"save: the object nests dicts/lists/tuples more than {MAX_DEPTH} levels deep; "
                         "flatten it")
    if isinstance(obj, Tensor):
        key = name or "tensor"
        while key in tensors or key == _RESERVED:
            key += "_"
        tensors[key] = _host(obj, key)
        return {"tensor": key}
    if isinstance(obj, dict):
        bad = [type(k).__name__ for k in obj if not isinstance(k, (str, int)) or isinstance(k, bool)]
        if bad:
            raise TypeError(f"save: dict keys must be str or int, got {bad}")
        return {"dict": [[k, _encode(v, f"{name}.{k}" if name else str(k), tensors, depth + 1)]
                         for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, f"{name}.{i}" if name else str(i), tensors, depth + 1) for i, v in enumerate(obj)]}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if hasattr(obj, "state_dict"):
        raise TypeError(f"save: cannot store a whole {type(obj).__name__} (PyTorch pickles it, which minigrad "
                        f"never does); save its state instead: minigrad.save(model.state_dict(), path), and "
                        f"load it into a new {type(obj).__name__} with model.load_state_dict(minigrad.load(path))")
    raise TypeError(f"save: cannot store an object of type {type(obj).__name__}; checkpoints hold tensors, numbers, "
                    "strings, None, and dicts/lists/tuples of them")


def _host(t, name):
    array = t.device.backend.to_host(t._data)  # CUDA tensors are saved as host copies
    if array.dtype not in CODES:
        raise TypeError(f"save: tensor {name!r} has dtype {array.dtype}, which safetensors cannot store")
    return array


def _is_state_dict(obj):
    """A non-empty {str: Tensor} dict: stored as a plain safetensors file under its own names."""
    return (isinstance(obj, dict) and len(obj) > 0 and _RESERVED not in obj
            and all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()))


def _path(path, caller):
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"{caller}: expected a file name (str or os.PathLike), got a {type(path).__name__}; "
                        "minigrad reads and writes checkpoints by path (writes go through a temporary file "
                        "beside it, renamed over it), not through file objects")
    return os.fsdecode(path)


def save(obj, path):
    """Write obj (a state_dict, a tensor, or dicts/lists of tensors, numbers and strings) to path,
    atomically. Refuses (TypeError, or ValueError past MAX_DEPTH levels of nesting) anything that
    would not load back as it was."""
    path = _path(path, "save")
    tensors = {}
    if _is_state_dict(obj):
        metadata = None  # a plain state_dict: the tensor names are the keys themselves
        for k, v in obj.items():
            tensors[k] = _host(v, k)
    else:
        structure = _encode(obj, "", tensors)
        try:
            metadata = {_STRUCTURE: json.dumps(structure, allow_nan=True)}
        except ValueError as e:  # an int of more digits than Python converts (sys.get_int_max_str_digits)
            raise ValueError(f"save: {e}") from None
    atomic.write(path, encode(tensors, metadata))


# ---------------------------------------------------------------- load
def _fail(path, why):
    raise CheckpointError(f"cannot load {path!r}: {why}")


def _decode(obj, tensors, depth=0):
    """The object `_encode` made, from its JSON; raises ValueError on anything it could not have made."""
    if depth > MAX_DEPTH:
        raise ValueError(f"it nests more than {MAX_DEPTH} levels deep, deeper than save writes")
    if not isinstance(obj, dict):
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        raise ValueError(f"unexpected {type(obj).__name__} in the structure")
    if len(obj) != 1:
        raise ValueError("a structure node must have exactly one key")
    (kind, value), = obj.items()
    if kind == "tensor":
        if not isinstance(value, str) or value not in tensors:
            raise ValueError(f"it refers to a tensor {value!r} that the file does not contain")
        return tensors[value]
    if kind == "dict":
        if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
            raise ValueError("a dict node must be a list of [key, value] pairs")
        if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k, _ in value):
            raise ValueError("dict keys must be strings or integers")
        return {k: _decode(v, tensors, depth + 1) for k, v in value}
    if kind in ("list", "tuple") and isinstance(value, list):
        items = [_decode(v, tensors, depth + 1) for v in value]
        return items if kind == "list" else tuple(items)
    raise ValueError(f"unknown structure node {kind!r}")


def load(path, map_location=None, weights_only=True):
    """Read a checkpoint written by `save` (or any safetensors file) onto map_location (default CPU).

    Never executes code from the file (weights_only is accepted for PyTorch compatibility; minigrad
    always loads weights only). A truncated, corrupt or foreign file raises CheckpointError.
    """
    path = _path(path, "load")
    device = resolve(map_location)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        try:
            entries, metadata, start = read_header(f, size)
            tensors = OrderedDict((name, read_tensor(f, start, *info)) for name, *info in entries)
        except FormatError as e:
            _fail(path, e)
    if _STRUCTURE in metadata:
        try:
            structure = json.loads(metadata[_STRUCTURE])
        except (ValueError, RecursionError) as e:
            _fail(path, f"its minigrad structure metadata is not valid JSON ({type(e).__name__})")
    tensors = OrderedDict((name, Tensor._make(device.backend.to_device(a), device, False, None))
                          for name, a in tensors.items())
    if _STRUCTURE not in metadata:
        return tensors
    try:
        return _decode(structure, tensors)
    except (ValueError, RecursionError) as e:
        _fail(path, f"its minigrad structure metadata is corrupt ({type(e).__name__}: {e})")

"""Checkpoints: `save(obj, path)` and `load(path, map_location=None)`, in the safetensors format.

Why safetensors and not pickle: loading a pickle runs whatever code the file names, so a checkpoint
from the internet could do anything. A safetensors file is an 8-byte length, a JSON header and raw
tensor bytes; reading it parses JSON and copies bytes, and nothing in it can execute. PyTorch users
already publish weights in it, so those load directly. The format is simple enough to write here,
which keeps NumPy our only dependency:

    [u64 little-endian N][N bytes JSON header, space-padded][tensor bytes]
    header = {"fc1.weight": {"dtype": "F32", "shape": [5, 10], "data_offsets": [0, 200]}, ...,
              "__metadata__": {"minigrad": "<JSON structure>"}}

A flat {name: tensor} dict (a state_dict) is stored under its own names: the file is an ordinary
safetensors state dict. Any other object built from dicts, lists, tuples, numbers, strings and
tensors (model + optimizer + epoch) has its structure in __metadata__, each tensor written as
{"tensor": name}. Writes are atomic: temp file, fsync, rename — a crash never leaves a half file
where the previous checkpoint was.
"""

import json
import os
import tempfile
from collections import OrderedDict

import numpy as np

from .backend import resolve
from .tensor import Tensor

_DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I8": np.int8, "I16": np.int16,
           "I32": np.int32, "I64": np.int64, "U8": np.uint8, "BOOL": np.bool_}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}
_MAX_HEADER = 100 << 20


class CheckpointError(ValueError):
    pass


# ---------------------------------------------------------------- save
def _encode(obj, name, tensors):
    """obj as JSON, with tensors moved into `tensors` (name -> host array)."""
    if isinstance(obj, Tensor):
        key = name or "tensor"
        while key in tensors:
            key += "_"
        tensors[key] = obj.device.backend.to_host(obj._data)  # CUDA tensors are saved as host copies
        return {"tensor": key}
    if isinstance(obj, dict):
        if not all(isinstance(k, (str, int)) for k in obj):
            raise TypeError(f"save: dict keys must be str or int, got {[type(k).__name__ for k in obj]}")
        return {"dict": [[k, _encode(v, f"{name}.{k}" if name else str(k), tensors)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, f"{name}.{i}" if name else str(i), tensors) for i, v in enumerate(obj)]}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"save: cannot store a {type(obj).__name__}; checkpoints hold tensors, numbers, strings, "
                    "None, and dicts/lists/tuples of them")


def save(obj, path):
    """Write obj (a state_dict, or a dict/list of tensors, numbers and strings) to path, atomically."""
    tensors = {}
    if isinstance(obj, dict) and obj and all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()):
        structure = None  # a plain state_dict: the tensor names are the keys themselves
        for k, v in obj.items():
            tensors[k] = v.device.backend.to_host(v._data)
    else:
        structure = _encode(obj, "", tensors)
    header, offset, chunks = {}, 0, []
    for name, array in tensors.items():
        if array.dtype not in _CODES:
            raise TypeError(f"save: dtype {array.dtype} of tensor {name!r} cannot be stored")
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _CODES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    if structure is not None:
        header["__metadata__"] = {"minigrad": json.dumps(structure)}
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)  # pad so that tensor data starts 8-byte aligned
    _atomic_write(os.fspath(path), [len(blob).to_bytes(8, "little"), blob, *chunks])


def _atomic_write(path, parts):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows: readers see the old or the new file
    except BaseException:
        os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        dfd = os.open(directory, os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


# ---------------------------------------------------------------- load
def _fail(path, why):
    raise CheckpointError(f"cannot load {path!r}: {why}")


def _read_header(path, raw):
    if raw[:1] == b"\x80" or raw[:2] in (b"PK", b"\x1f\x8b"):
        _fail(path, "it is a pickle or zip archive (e.g. from torch.save); minigrad never unpickles, since "
                    "that can run arbitrary code. Re-save it as safetensors, e.g. "
                    "safetensors.torch.save_file(model.state_dict(), 'model.safetensors')")
    if len(raw) < 8:
        _fail(path, f"file is truncated ({len(raw)} bytes; a checkpoint has at least an 8-byte header length)")
    n = int.from_bytes(raw[:8], "little")
    if n > min(len(raw) - 8, _MAX_HEADER):
        _fail(path, f"header length {n} exceeds the file size {len(raw)}: truncated or not a safetensors file")
    try:
        header = json.loads(bytes(raw[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        _fail(path, f"header is not valid JSON ({e}): corrupt or not a safetensors file")
    if not isinstance(header, dict):
        _fail(path, "header is not a JSON object: not a safetensors file")
    return header, 8 + n


def _tensor(path, raw, start, name, info, device):
    try:
        code, shape, (begin, end) = info["dtype"], [int(s) for s in info["shape"]], info["data_offsets"]
    except (KeyError, TypeError, ValueError):
        _fail(path, f"entry {name!r} is malformed: {info!r}")
    if code == "BF16":  # bfloat16 = the top half of a float32: widen exactly
        dtype, count = np.dtype(np.uint16), int(np.prod(shape))
    elif code in _DTYPES:
        dtype, count = np.dtype(_DTYPES[code]).newbyteorder("<"), int(np.prod(shape))
    else:
        _fail(path, f"tensor {name!r} has unsupported dtype {code!r}")
    if not 0 <= begin <= end or end - begin != count * dtype.itemsize:
        _fail(path, f"tensor {name!r} has offsets {[begin, end]} that do not fit shape {shape} of {code}")
    if start + end > len(raw):
        _fail(path, f"tensor {name!r} ends at byte {start + end} but the file has {len(raw)}: truncated")
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=start + begin).reshape(shape)
    if code == "BF16":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    array = array.astype(array.dtype.newbyteorder("="), copy=False)
    return Tensor._make(device.backend.to_device(array), device, False, None)


def _decode(obj, tensors):
    if isinstance(obj, dict):
        (kind, value), = obj.items()
        if kind == "tensor":
            return tensors[value]
        if kind == "dict":
            return {k: _decode(v, tensors) for k, v in value}
        items = [_decode(v, tensors) for v in value]
        return items if kind == "list" else tuple(items)
    return obj


def load(path, map_location=None):
    """Read a checkpoint written by `save` (or any safetensors file) onto map_location (default CPU).

    Never executes code from the file; a truncated, corrupt or foreign file raises CheckpointError.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        raw = bytearray(f.read())  # writable, so loaded CPU tensors need no second copy
    device = resolve(map_location)
    header, start = _read_header(path, raw)
    meta = header.pop("__metadata__", None) or {}
    tensors = OrderedDict((name, _tensor(path, raw, start, name, info, device)) for name, info in header.items())
    if "minigrad" not in meta:
        return tensors
    try:
        return _decode(json.loads(meta["minigrad"]), tensors)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        _fail(path, f"its minigrad structure metadata is corrupt ({e!r})")

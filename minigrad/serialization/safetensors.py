"""The safetensors format, read and written with NumPy alone:

    [u64 little-endian N][N bytes: JSON header, space-padded][tensor bytes, back to back]
    header = {"fc1.weight": {"dtype": "F32", "shape": [5, 10], "data_offsets": [0, 200]}, ...,
              "__metadata__": {"key": "value", ...}}          (string values only)

The reader trusts nothing: it validates the header the way the reference loader (huggingface's Rust
`safetensors`) does — known dtypes, shapes of non-negative integers, offsets that tile the data
exactly (no holes, overlaps, trailing bytes), sizes computed in exact integers — before it allocates
anything, and then reads each tensor into its own array, so that a tensor never aliases another nor
keeps the whole file alive, and peak memory is what is returned plus the header. Like the reference
loader it accepts offsets that are not multiples of the dtype's size (older minigrad wrote such files):
the bytes are copied into an aligned array anyway.
"""

import json

import numpy as np

DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I8": np.int8, "I16": np.int16,
          "I32": np.int32, "I64": np.int64, "U8": np.uint8, "BOOL": np.bool_, "BF16": np.uint16}
CODES = {np.dtype(v): k for k, v in DTYPES.items() if k != "BF16"}
MAX_HEADER = 100 << 20  # the reference loader's limit
_PICKLE_HINT = ("minigrad never unpickles, since that can run arbitrary code. Re-save it as safetensors, e.g. "
                "safetensors.torch.save_file(model.state_dict(), 'model.safetensors')")


class FormatError(ValueError):
    """The file is not a valid safetensors file; the message says why."""


# ---------------------------------------------------------------- writing
def encode(tensors, metadata=None):
    """The file's bytes as a list of parts, for host arrays {name: array} and string metadata.

    The header lists the tensors in the given order (a state_dict loads back in its own order); their
    data is laid out by decreasing item size (as the safetensors library does), so that every tensor
    starts at an offset aligned to its dtype. The parts are views of the arrays, not copies."""
    spans, offset, chunks = {}, 0, []
    for name in sorted(tensors, key=lambda n: -tensors[n].dtype.itemsize):
        array = np.ascontiguousarray(tensors[name]).astype(tensors[name].dtype.newbyteorder("<"), copy=False)
        chunks.append(memoryview(array.reshape(-1).view(np.uint8)))
        spans[name] = [offset, offset + array.nbytes]
        offset += array.nbytes
    header = {name: {"dtype": CODES[a.dtype], "shape": list(a.shape), "data_offsets": spans[name]}
              for name, a in tensors.items()}
    if metadata is not None:
        header["__metadata__"] = metadata
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)  # tensor data starts 8-byte aligned
    return [len(blob).to_bytes(8, "little"), blob, *chunks]


# ---------------------------------------------------------------- reading
def _unique_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise FormatError(f"the header names {k!r} twice")
        obj[k] = v
    return obj


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _explain_foreign(head):
    if head[:1] == b"\x80":
        return "it looks like a pickle (e.g. from torch.save); " + _PICKLE_HINT
    if head[:4] == b"PK\x03\x04":
        return "it is a zip archive (torch.save's format); " + _PICKLE_HINT
    if head[:2] == b"\x1f\x8b":
        return "it is gzip-compressed; decompress it first"
    return None


def read_header(f, size):
    """(header entries in the header's order, metadata dict, data start) of an open file of `size` bytes."""
    head = f.read(8)
    n = int.from_bytes(head, "little") if len(head) == 8 else None
    problem = None
    if n is None:
        problem = f"truncated: it has {size} bytes, fewer than the 8-byte header length"
    elif n > MAX_HEADER or 8 + n > size:
        if f.read(1) == b"{":  # a JSON header follows: a real checkpoint, cut short
            problem = f"its header length field says {n} bytes but the file has {size}: truncated"
        else:
            problem = (f"not a safetensors file: those start with an 8-byte header length and a JSON header "
                       f"('{{'), this one with {head!r}")
    if problem is None:
        try:
            header = json.loads(f.read(n).decode("utf-8"), object_pairs_hook=_unique_keys)
        except FormatError as e:
            problem = str(e)
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            problem = f"its header is not valid JSON ({type(e).__name__}: {str(e)[:80]})"
        else:
            if not isinstance(header, dict):
                problem = "its header is not a JSON object"
    if problem is not None:
        raise FormatError(_explain_foreign(head) or problem)
    metadata = header.pop("__metadata__", None)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise FormatError("its __metadata__ is not a JSON object of strings")
    entries = [(name, *_entry(name, info)) for name, info in header.items()]
    end = 0
    for name, _, _, begin, stop in sorted(entries, key=lambda e: e[3:]):  # by (begin, end): empty ones first
        if begin != end:
            raise FormatError(f"tensor {name!r} starts at byte {begin} of the data, expected {end} (a hole or an "
                              "overlap between tensors)")
        end = stop
    if 8 + n + end != size:
        raise FormatError(f"the tensors take {end} bytes but the file holds {size - 8 - n} after the header "
                          f"({'truncated' if 8 + n + end > size else 'trailing bytes'})")
    return entries, metadata, 8 + n


def _entry(name, info):
    """(dtype, shape, begin, end) of one header entry, checked."""
    # other keys are ignored, as the reference loader does
    if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
        raise FormatError(f"entry {name!r} must be an object with dtype, shape and data_offsets")
    code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if not isinstance(code, str) or code not in DTYPES:
        raise FormatError(f"tensor {name!r} has unsupported dtype {code!r}")
    if not isinstance(shape, list) or not all(_is_int(d) and 0 <= d < 2**63 for d in shape):
        raise FormatError(f"tensor {name!r} has shape {shape!r}; a shape is a list of non-negative integers")
    if len(shape) > 64:
        raise FormatError(f"tensor {name!r} has {len(shape)} dimensions; at most 64 are supported")
    if (not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        raise FormatError(f"tensor {name!r} has data_offsets {offsets!r}; expected [begin, end], 0 <= begin <= end")
    dtype = np.dtype(DTYPES[code]).newbyteorder("<")
    count, extent = 1, dtype.itemsize
    for d in shape:
        count *= d  # exact: Python ints never wrap
        extent *= max(d, 1)
    if offsets[1] - offsets[0] != count * dtype.itemsize:
        raise FormatError(f"tensor {name!r} of shape {shape} and dtype {code} needs {count * dtype.itemsize} bytes "
                          f"but its data_offsets {offsets} span {offsets[1] - offsets[0]}")
    if extent >= 2**63:  # NumPy refuses such a shape even when a zero dim makes it empty
        raise FormatError(f"tensor {name!r} has shape {shape}, too large for any array")
    return (code, tuple(shape), *offsets)


def read_tensor(f, start, code, shape, begin, end):
    """One tensor's own array (native byte order; BF16 widened exactly to float32)."""
    array = np.empty(shape, dtype=np.dtype(DTYPES[code]).newbyteorder("<"))
    f.seek(start + begin)
    if f.readinto(memoryview(array.reshape(-1).view(np.uint8))) != end - begin:
        raise FormatError("the file changed while it was read")
    if code == "BF16":  # bfloat16 is the top half of a float32
        return (array.astype(np.uint32) << 16).view(np.float32)
    return array.astype(array.dtype.newbyteorder("="), copy=False)

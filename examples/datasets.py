"""Datasets for the examples: scikit-learn's bundled digits, or MNIST from IDX files you have.

    load_digits(seed)        -> dict of (x, y) splits "train" / "val" / "test", float32 / int64
    load_mnist(directory)    -> the same, from train-/t10k- images/labels IDX files (optionally .gz)

Inputs are standardised with the training split's mean and std only.
"""

import gzip
import math
import os
import zlib

import numpy as np

IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CHUNK = 1 << 20


class DatasetError(ValueError):
    pass


def read_idx(path):
    """Parse one IDX file: magic 0x0000TTDD (TT = element type, DD = ndim), DD big-endian uint32 sizes, data.

    The header is read first, then at most the bytes it announces plus one (to tell trailing bytes
    apart): a small .gz that would expand hugely costs no more memory than the array it claims to hold.
    """
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return _parse_idx(f, path)
    except (OSError, EOFError, zlib.error) as e:  # a damaged .gz: BadGzipFile (an OSError), EOFError, zlib.error
        raise DatasetError(f"cannot read IDX file {path}: {e or type(e).__name__}") from None


def _parse_idx(f, path):
    magic = f.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in IDX_TYPES:
        raise DatasetError(f"{path} is not an IDX file (bad magic number {magic.hex() or 'empty'}; "
                           "expected 0000 followed by a type code 08-0e and the number of dimensions)")
    dtype, ndim = np.dtype(IDX_TYPES[magic[2]]), magic[3]
    dims = f.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise DatasetError(f"{path} is truncated: its header needs {4 + 4 * ndim} bytes, the file has "
                           f"{4 + len(dims)}")
    shape = tuple(int.from_bytes(dims[4 * i: 4 * i + 4], "big") for i in range(ndim))
    nbytes = math.prod(shape) * dtype.itemsize  # exact: Python ints do not wrap
    expected = 4 + 4 * ndim + nbytes
    if nbytes >= 2**48:  # 256 TiB: no real dataset; and NumPy could not even describe some of these
        raise DatasetError(f"{path}: its header announces shape {shape} of {dtype}, {nbytes} bytes; that is not "
                           "a real IDX file")
    size = None if isinstance(f, gzip.GzipFile) else os.fstat(f.fileno()).st_size
    if size is not None and size != expected:  # a plain file: its size says it all, before any allocation
        raise DatasetError(f"{path} is truncated or corrupt: shape {shape} of {dtype} needs {expected} bytes, "
                           f"the file has {size}")
    try:
        data = np.empty(nbytes, dtype=np.uint8)
    except MemoryError:
        raise DatasetError(f"{path}: its header announces shape {shape} of {dtype}, {nbytes} bytes, more than "
                           "this machine can allocate") from None
    view, got = memoryview(data), 0
    while got < nbytes:  # in 1 MiB steps: a .gz's decompressor then never holds more than that at once
        n = f.readinto(view[got:got + _CHUNK])
        if not n:
            break
        got += n
    if got != nbytes or f.read(1):
        found = f"{4 + 4 * ndim + got}" if got != nbytes else f"more than {expected}"
        raise DatasetError(f"{path} is truncated or corrupt: shape {shape} of {dtype} needs {expected} bytes, "
                           f"the file {'expands to' if size is None else 'has'} {found}")
    return data.view(dtype).reshape(shape)


def _find(directory, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise DatasetError(f"{directory} has no {stem}[.gz]: --mnist-dir needs the four MNIST IDX files "
                       "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                       "t10k-labels-idx1-ubyte)")


def _standardise(splits):
    x_train = splits["train"][0]
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6  # statistics of the training split only
    return {k: (((x - mean) / std).astype(np.float32), y.astype(np.int64)) for k, (x, y) in splits.items()}


def _split(x, y, seed, n_val, n_test=0):
    order = np.random.default_rng(seed).permutation(len(x))
    val, test, train = order[:n_val], order[n_val:n_val + n_test], order[n_val + n_test:]
    splits = {"train": (x[train], y[train]), "val": (x[val], y[val])}
    if n_test:
        splits["test"] = (x[test], y[test])
    return splits


def load_digits(seed=0):
    """1,797 8x8 digit images (64 features, 10 classes): 1,437 train / 180 val / 180 test."""
    from sklearn.datasets import load_digits as sk_digits

    data = sk_digits()
    return _standardise(_split(data.data.astype(np.float64), data.target, seed, n_val=180, n_test=180))


def load_mnist(directory, seed=0):
    """MNIST from IDX files: 55,000 train / 5,000 val (from the training files) / 10,000 test."""
    if not os.path.isdir(directory):
        raise DatasetError(f"--mnist-dir {directory!r} is not a directory")
    arrays, sizes = {}, {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DatasetError(f"{prefix} images {images.shape} and labels {labels.shape} do not match: "
                               "expected (N, rows, cols) images and N labels")
        if len(images) == 0:
            raise DatasetError(f"the {prefix} files hold no images")
        if labels.dtype.kind not in "iu":
            raise DatasetError(f"{prefix} labels are {labels.dtype}, not integers: class labels must be stored as "
                               "an integer IDX type (08, 09, 0b or 0c)")
        arrays[split] = (images.reshape(len(images), -1).astype(np.float64) / 255, labels)
        sizes[split] = images.shape[1:]
    if sizes["train"] != sizes["test"]:
        raise DatasetError(f"train images are {sizes['train'][0]}x{sizes['train'][1]} pixels but test images are "
                           f"{sizes['test'][0]}x{sizes['test'][1]}: both must have the same size")
    n_val = min(5000, len(arrays["train"][0]) // 10)
    if n_val == 0:
        raise DatasetError(f"train has {len(arrays['train'][0])} images: at least 10 are needed, one in ten of them "
                           "is held out for validation")
    splits = _split(*arrays["train"], seed, n_val=n_val)
    splits["test"] = arrays["test"]
    return _standardise(splits)

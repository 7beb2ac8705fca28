"""Datasets for the examples: scikit-learn's bundled digits, or MNIST from IDX files you have.

    load_digits(seed)        -> dict of (x, y) splits "train" / "val" / "test", float32 / int64
    load_mnist(directory)    -> the same, from train-/t10k- images/labels IDX files (optionally .gz)

Inputs are standardised with the training split's mean and std only.
"""

import gzip
import os

import numpy as np

IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DatasetError(ValueError):
    pass


def read_idx(path):
    """Parse one IDX file: magic 0x0000TTDD (TT = element type, DD = ndim), DD big-endian uint32 sizes, data."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DatasetError(f"cannot read IDX file {path}: {e}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise DatasetError(f"{path} is not an IDX file (bad magic number {raw[:4].hex() or 'empty'}; "
                           "expected 0000 followed by a type code 08-0e and the number of dimensions)")
    dtype, ndim = np.dtype(IDX_TYPES[raw[2]]), raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise DatasetError(f"{path} is truncated: its header needs {4 + 4 * ndim} bytes, the file has {len(raw)}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = 4 + 4 * ndim + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise DatasetError(f"{path} is truncated or corrupt: shape {shape} of {dtype} needs {expected} bytes, "
                           f"the file has {len(raw)}")
    return np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim).reshape(shape)


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
    arrays = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise DatasetError(f"{prefix} images {images.shape} and labels {labels.shape} do not match: "
                               "expected (N, rows, cols) images and N labels")
        arrays[split] = (images.reshape(len(images), -1).astype(np.float64) / 255, labels)
    n_val = min(5000, len(arrays["train"][0]) // 10)
    splits = _split(*arrays["train"], seed, n_val=n_val)
    splits["test"] = arrays["test"]
    return _standardise(splits)

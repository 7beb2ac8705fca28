"""`default_collate` (a list of samples -> one batch) and `default_convert`, as torch.utils.data's.

default_collate works field by field, keeping the samples' structure:

    tensors             -> stacked: shape (batch, *sample shape)
    NumPy arrays        -> stacked into a tensor of their dtype;  NumPy scalars -> a 1-d tensor
    floats / ints / bools -> a float64 / int64 / bool tensor
    str, bytes          -> the list as it is
    dict (Mapping)      -> the same keys, each collated        namedtuple -> the same namedtuple
    tuple / list        -> a list with each position collated (PyTorch returns a list for tuples too)

    >>> import minigrad as mg
    >>> from minigrad.utils.data import default_collate
    >>> batch = default_collate([{"x": mg.ones(2), "y": 0}, {"x": mg.zeros(2), "y": 1}])
    >>> batch["x"].shape, batch["y"].tolist()
    (minigrad.Size([2, 2]), [0, 1])
"""

import collections.abc
import copy

import numpy as np

from .. import dtypes
from ..factories import from_numpy, tensor
from ..ops.join import stack
from ..tensor import Tensor

_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def default_collate(batch):
    """One batch from a list of samples (see the module docstring for each type)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SUOaV":
            raise TypeError(_ERROR.format(elem.dtype))
        for i, a in enumerate(batch):
            if a.shape != elem.shape:
                raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(elem.shape)} at entry "
                                   f"0 and {list(a.shape)} at entry {i}")
        return from_numpy(np.stack(batch))
    if isinstance(elem, (np.bool_, np.number)):
        return from_numpy(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, int):  # (bools too)
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return _same_sequence(elem, [default_collate(list(field)) for field in zip(*batch)])
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """NumPy arrays (and those inside dicts, lists, tuples) as tensors, everything else as it is: the
    DataLoader's collate_fn when batch_size=None (no batching)."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if data.dtype.kind in "SUOaV" else from_numpy(data)
    if isinstance(data, (np.bool_, np.number)):
        return from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data


def _same_mapping(like, values):
    """`values` in a mapping of like's type when it can be made (OrderedDict, defaultdict), else a dict."""
    if isinstance(like, collections.abc.MutableMapping):
        clone = copy.copy(like)
        clone.update(values)
        return clone
    try:
        return type(like)(values)
    except TypeError:
        return values


def _same_sequence(like, values):
    """A list for tuples (as PyTorch), `values` in like's type for other sequences when it can be made."""
    if isinstance(like, tuple) or isinstance(like, list) and type(like) is list:
        return values
    try:
        return type(like)(values)
    except TypeError:
        return values

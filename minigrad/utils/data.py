"""`Dataset`, `TensorDataset` and `DataLoader`, with torch.utils.data's semantics.

    loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True, generator=g)
    for xb, yb in loader: ...

A TensorDataset batch is gathered with one fancy-index per tensor (not item by item), so batching
costs one copy of the batch. Shuffling draws from `generator` (or the global one that
`minigrad.manual_seed` seeds): same seed, same batches.
"""

import numpy as np

from ..factories import from_numpy, tensor
from ..random import rng
from ..tensor import Tensor


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are rows of the given tensors, which must share their first dimension."""

    def __init__(self, *tensors):
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise ValueError(f"Size mismatch between tensors: first dims {[t.shape[0] for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


def default_collate(samples):
    """Stack a list of samples (tensors, numbers, or tuples of them) into batch tensors."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(field)) for field in zip(*samples))
    if isinstance(first, Tensor):
        from ..ops.shape import stack

        return stack(samples)
    return tensor(samples)


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None,
                 collate_fn=None, seed=None):
        if batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer, got {batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.generator = generator
        self._seeded = None if seed is None else np.random.Generator(np.random.PCG64(seed))
        self.collate_fn = collate_fn or default_collate

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return (self._seeded or rng(self.generator)).permutation(n)

    def __iter__(self):
        order = self._order()
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            idx = order[start:start + self.batch_size]
            if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                yield self.dataset[from_numpy(idx)]  # one gather per tensor, on the tensors' device
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])

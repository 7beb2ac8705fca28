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
        from ..ops.join import stack

        return stack(samples)
    return tensor(samples)


class DistributedSampler:
    """The indices of this rank's shard of the dataset, as torch.utils.data.DistributedSampler.

    Each epoch (set_epoch) shuffles all indices with seed + epoch — the same order on every rank — and
    rank r takes positions r, r + N, r + 2N, ... . The list is padded by repeating its head so every rank
    gets ceil(len / N) samples, or cut to floor(len / N) each with drop_last=True.
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        from .. import distributed as dist

        num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
        rank = dist.get_rank() if rank is None else rank
        if not 0 <= rank < num_replicas:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, seed, drop_last, 0
        n = len(dataset)
        self.num_samples = n // num_replicas if drop_last else -(-n // num_replicas)
        self.total_size = self.num_samples * num_replicas

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __len__(self):
        return self.num_samples

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.Generator(np.random.PCG64(self.seed + self.epoch)).permutation(n)
        else:
            order = np.arange(n)
        if self.total_size > n:  # pad by repeating the head (as often as needed)
            order = np.resize(order, self.total_size)
        return iter(order[:self.total_size][self.rank::self.num_replicas].tolist())


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None,
                 collate_fn=None, seed=None, sampler=None):
        if batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer, got {batch_size}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.sampler = sampler
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.generator = generator
        self._seeded = None if seed is None else np.random.Generator(np.random.PCG64(seed))
        self.collate_fn = collate_fn or default_collate

    def __len__(self):
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if self.sampler is not None:
            return np.fromiter(iter(self.sampler), dtype=np.int64)
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

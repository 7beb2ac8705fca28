"""`minigrad.utils.data`: datasets, samplers, collation and DataLoader, with torch.utils.data's names
and semantics (each lives in its own file beside this one: dataset.py, sampler.py, collate.py,
dataloader.py), and DistributedSampler.

    loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True, generator=g)
    for xb, yb in loader: ...

Shuffling draws from `generator` (or the global one that `minigrad.manual_seed` seeds): same seed, same
batches.
"""

import numpy as np

from .collate import default_collate, default_convert
from .dataloader import DataLoader, get_worker_info
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset", "DistributedSampler",
           "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "StackDataset", "Subset",
           "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate", "default_convert",
           "get_worker_info", "random_split"]


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

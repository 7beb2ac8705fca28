"""Utilities: `minigrad.utils.data` (datasets, samplers, collation and loaders, as torch.utils.data).

    dataset.py     Dataset, IterableDataset, TensorDataset, StackDataset, Subset, ConcatDataset, ChainDataset,
                   random_split
    sampler.py     Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler,
                   BatchSampler
    collate.py     default_collate, default_convert
    dataloader.py  DataLoader, get_worker_info
    data.py        the `minigrad.utils.data` namespace of all of them, and DistributedSampler
"""

from . import data

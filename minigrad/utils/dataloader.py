"""`DataLoader`: batches of a dataset, as torch.utils.data.DataLoader makes them.

    loader = DataLoader(dataset, batch_size=128, shuffle=True, generator=g)
    for xb, yb in loader: ...

The indices come from a sampler (SequentialSampler, RandomSampler with shuffle=True, or yours),
grouped by a BatchSampler (or yours: batch_sampler=); each batch is collate_fn([dataset[i] for i in
batch]), default_collate unless given. A TensorDataset (or a Subset of one, as random_split makes) is
gathered with one fancy-index per tensor instead, so batching costs one copy of the batch.

Loading runs in the calling process. num_workers > 0 is accepted so that PyTorch code runs, with a
warning: minigrad has no worker processes, so the batches are the same, only not loaded in parallel
(worker_init_fn is called once per epoch with worker id 0, as in a single worker). pin_memory is
accepted and has no effect (there is no pinned host memory).
"""

import warnings

import numpy as np

from ..factories import from_numpy
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, check_batching


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 generator=None, *, prefetch_factor=None, persistent_workers=False):
        _check_workers(num_workers, timeout, prefetch_factor, persistent_workers)
        if isinstance(dataset, IterableDataset):
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                     f"{name}={value}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if batch_size is not None:
            check_batching(batch_size, drop_last)
        if not isinstance(dataset, IterableDataset):  # a stream is batched as it comes (_iter_stream)
            if sampler is None:
                sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
            if batch_size is not None and batch_sampler is None:
                batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset, self.batch_size, self.drop_last, self.generator = dataset, batch_size, drop_last, generator
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.num_workers, self.worker_init_fn, self.pin_memory, self.timeout = (
            num_workers, worker_init_fn, pin_memory, timeout)
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        batched = batch_size is not None or batch_sampler is not None
        self.collate_fn = collate_fn or (default_collate if batched else default_convert)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            n = len(self.dataset)  # (a TypeError when the stream has no length, as in PyTorch)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self):
        if self.num_workers and self.worker_init_fn is not None:
            self.worker_init_fn(0)
        if isinstance(self.dataset, IterableDataset):
            yield from self._iter_stream()
        elif self.batch_sampler is None:  # batch_size=None: one converted sample at a time
            for i in self.sampler:
                yield self.collate_fn(self.dataset[i])
        else:
            for indices in self.batch_sampler:
                yield self._fetch(indices)

    def _fetch(self, indices):
        if self.collate_fn is default_collate:
            source, rows = _tensor_rows(self.dataset, indices)
            if source is not None:  # one gather per tensor, on the tensors' device
                index = from_numpy(np.asarray(rows, dtype=np.int64))
                return [t[index] for t in source.tensors]
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(list(indices)) if callable(getitems) else [self.dataset[i] for i in indices]
        return self.collate_fn(samples)

    def _iter_stream(self):
        samples = iter(self.dataset)
        if self.batch_size is None:
            yield from (self.collate_fn(sample) for sample in samples)
            return
        # the same grouping as a BatchSampler, over the stream itself
        for batch in BatchSampler(samples, self.batch_size, self.drop_last):
            yield self.collate_fn(batch)


def get_worker_info():
    """None: minigrad loads data in the calling process, never in a worker (PyTorch's value there)."""
    return None


def _check_workers(num_workers, timeout, prefetch_factor, persistent_workers):
    if not isinstance(num_workers, int) or isinstance(num_workers, bool) or num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to "
                         "enable multiprocessing, otherwise set prefetch_factor to None.")
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if persistent_workers and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if num_workers > 0:
        warnings.warn(f"DataLoader(num_workers={num_workers}): minigrad has no worker processes and loads every batch "
                      "in this process; the batches are the same, only not loaded in parallel", UserWarning,
                      stacklevel=3)


def _tensor_rows(dataset, indices):
    """(the TensorDataset that `indices` of dataset reach through Subsets, their rows in it), or (None, None)."""
    while type(dataset) is Subset:
        indices = [dataset.indices[i] for i in indices]
        dataset = dataset.dataset
    return (dataset, indices) if type(dataset) is TensorDataset else (None, None)

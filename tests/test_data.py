"""minigrad.utils.data against torch.utils.data's documented behaviour: datasets, random_split,
samplers, default_collate and the DataLoader's options and errors."""

import collections
import warnings

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)


class Points(Dataset):
    """A custom map-style dataset returning dicts, as PyTorch tutorials write them."""

    def __init__(self, n):
        self.x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"x": mg.tensor(self.x[i]), "label": int(self.x[i, 0]) % 3, "id": f"p{i}"}


def test_random_split_and_a_loader_of_dicts():
    data = Points(50)
    train, val = random_split(data, [0.8, 0.2], generator=mg.Generator().manual_seed(0))
    assert (len(train), len(val)) == (40, 10) and isinstance(train, Subset)
    assert sorted(train.indices + val.indices) == list(range(50))  # a partition
    loader = DataLoader(train, batch_size=16, shuffle=True, generator=mg.Generator().manual_seed(1))
    assert len(loader) == 3
    seen, order = [], []
    for batch in loader:
        assert set(batch) == {"x", "label", "id"}
        assert batch["x"].shape == (len(batch["id"]), 3) and batch["label"].dtype == mg.int64
        np.testing.assert_array_equal(host(batch["label"]), host(batch["x"])[:, 0].astype(np.int64) % 3)
        seen += [int(i[1:]) for i in batch["id"]]
        order.append(batch["id"])
    assert sorted(seen) == sorted(train.indices)  # every sample once per epoch
    assert [b["id"] for b in loader] != order  # the next epoch is shuffled anew
    again = DataLoader(train, batch_size=16, shuffle=True, generator=mg.Generator().manual_seed(1))
    assert [b["id"] for b in again] == order  # same seed, same order


def test_random_split_lengths_follow_pytorchs_rule():
    # floor(fraction * n) each, then the remainder one by one from the first split on
    assert [len(s) for s in random_split(range(10), [0.33, 0.33, 0.34])] == [4, 3, 3]
    assert [len(s) for s in random_split(range(7), [0.5, 0.5])] == [4, 3]
    assert [len(s) for s in random_split(range(10), [3, 7])] == [3, 7]
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [0.9, 0.1])
    with pytest.raises(ValueError, match="Sum of input lengths does not equal the length of the input dataset!"):
        random_split(range(10), [3, 6])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    mg.manual_seed(3)
    first = [s.indices for s in random_split(range(10), [5, 5])]
    mg.manual_seed(3)
    assert [s.indices for s in random_split(range(10), [5, 5])] == first  # the global generator by default


def test_subset_concat_stack_datasets():
    sub = Subset(list(range(10, 20)), [3, 1])
    assert (len(sub), sub[0], sub[-1], sub.__getitems__([1, 0])) == (2, 13, 11, [11, 13])
    rows = Subset(TensorDataset(mg.arange(10)), [3, 1])[[0, 1]]  # a list index goes to the dataset at once
    assert rows[0].tolist() == [3, 1]
    cat = ConcatDataset([list(range(3)), list(range(10, 12))])
    assert len(cat) == 5 and [cat[i] for i in (0, 2, 3, 4, -1, -5)] == [0, 2, 10, 11, 11, 0]
    assert cat.cumulative_sizes == [3, 5]
    with pytest.raises(IndexError, match="index 5 is out of range for a ConcatDataset of 5 samples"):
        cat[5]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-6]
    with pytest.raises(ValueError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    both = TensorDataset(mg.ones(2)) + TensorDataset(mg.zeros(3))
    assert isinstance(both, ConcatDataset) and len(both) == 5 and both[4][0].item() == 0.0
    stacked = StackDataset(image=list("abc"), label=[0, 1, 2])
    assert len(stacked) == 3 and stacked[1] == {"image": "b", "label": 1}
    assert StackDataset(list("ab"), [5, 6])[0] == ("a", 5)
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset([1], [1, 2])
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement __getitem__."):
        Dataset()[0]


def test_tensor_dataset_checks_its_tensors():
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(mg.ones(3, 2), mg.ones(4))
    with pytest.raises(ValueError, match="one or more tensors of at least one dimension"):
        TensorDataset(mg.tensor(1.0))


# ---------------------------------------------------------------- default_collate / default_convert
Point = collections.namedtuple("Point", "x y")


def test_default_collate_by_type():
    batch = default_collate([(1, 2.0, True, "a"), (3, 4.0, False, "b")])
    assert isinstance(batch, list)  # tuples become lists, as in PyTorch
    assert [t.dtype for t in batch[:3]] == [mg.int64, mg.float64, mg.bool] and batch[3] == ["a", "b"]
    assert [t.tolist() for t in batch[:3]] == [[1, 3], [2.0, 4.0], [True, False]]
    arrays = default_collate([{"a": np.ones(2, np.float32), "n": np.int32(3)},
                              {"a": np.zeros(2, np.float32), "n": np.int32(4)}])
    assert arrays["a"].dtype == mg.float32 and arrays["a"].tolist() == [[1, 1], [0, 0]]
    assert arrays["n"].dtype == mg.int32 and arrays["n"].tolist() == [3, 4]
    stacked = default_collate([mg.ones(2, 3), mg.zeros(2, 3)])
    assert stacked.shape == (2, 2, 3)
    assert [t.tolist() for t in default_collate([[1, 2], [3, 4]])] == [[1, 3], [2, 4]]  # per position
    point = default_collate([Point(1, 2.5), Point(3, 4.5)])
    assert isinstance(point, Point) and point.x.tolist() == [1, 3]
    ordered = default_collate([collections.OrderedDict(b=1, a=2)] * 2)
    assert isinstance(ordered, collections.OrderedDict) and list(ordered) == ["b", "a"]


def test_default_collate_errors():
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers, dicts or lists; found "
                                        "<class 'NoneType'>"):
        default_collate([None])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \[2\] at entry 0 "
                                           r"and \[3\] at entry 1"):
        default_collate([np.ones(2), np.ones(3)])


def test_default_convert_turns_arrays_into_tensors_only():
    out = default_convert([np.ones(2), (np.int64(3), "a"), {"k": np.zeros(1)}, 5])
    assert isinstance(out[0], mg.Tensor) and out[0].tolist() == [1.0, 1.0]
    assert isinstance(out[1], list) and out[1][0].item() == 3 and out[1][1] == "a"
    assert out[2]["k"].tolist() == [0.0] and out[3] == 5


# ---------------------------------------------------------------- samplers
def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert sorted(RandomSampler(range(10), generator=mg.Generator().manual_seed(0))) == list(range(10))
    long = list(RandomSampler(range(10), num_samples=25, generator=mg.Generator().manual_seed(0)))
    assert len(long) == 25 and sorted(long[:10]) == list(range(10)) and sorted(long[10:20]) == list(range(10))
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=mg.Generator().manual_seed(0)))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    assert list(BatchSampler(range(10), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(range(10), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, True)) == 3 and len(BatchSampler(range(10), 3, False)) == 4
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        RandomSampler(range(10), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        RandomSampler(range(10), replacement=1)


def test_weighted_random_sampler():
    g = mg.Generator().manual_seed(0)
    draws = list(WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=g))
    counts = np.bincount(draws, minlength=3)
    assert counts[0] == 0 and 0.7 < counts[2] / len(draws) < 0.8  # p = 3/4
    unique = list(WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False, generator=g))
    assert sorted(unique) == [0, 1, 2]
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0]], 2)
    with pytest.raises(ValueError, match="cannot draw 3 samples without replacement from 2 non-zero weights"):
        WeightedRandomSampler([1, 1, 0], 3, replacement=False)


# ---------------------------------------------------------------- DataLoader
@pytest.mark.parametrize("batch_size", [True, 2.5, 0, -1])
def test_loader_refuses_a_bad_batch_size_when_made(batch_size):
    with pytest.raises(ValueError, match=f"batch_size should be a positive integer value, but got "
                                         f"batch_size={batch_size}"):
        DataLoader(list(range(10)), batch_size=batch_size)


def test_loader_option_errors():
    data = list(range(10))
    cases = [
        (dict(batch_size=2, drop_last=1), "drop_last should be a boolean value, but got drop_last=1"),
        (dict(sampler=range(10), shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive with batch_size"),
        (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching"),
        (dict(num_workers=-1), "num_workers option should be non-negative"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified in multiprocessing"),
        (dict(timeout=-1), "timeout option should be non-negative"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            DataLoader(data, **kwargs)


def test_loader_batches_lists_samplers_and_batch_samplers():
    data = list(range(7))
    assert [b.tolist() for b in DataLoader(data, batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(data, batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(data, batch_size=3)) == 3 and len(DataLoader(data, batch_size=3, drop_last=True)) == 2
    assert [b.tolist() for b in DataLoader(data, sampler=[3, 1, 4, 1, 5], batch_size=2)] == [[3, 1], [4, 1], [5]]
    custom = DataLoader(data, batch_sampler=[[0, 5], [6, 1, 2]])
    assert [b.tolist() for b in custom] == [[0, 5], [6, 1, 2]] and len(custom) == 2
    unbatched = list(DataLoader([np.ones(2), np.zeros(2)], batch_size=None))  # default_convert, no batch dim
    assert [b.tolist() for b in unbatched] == [[1.0, 1.0], [0.0, 0.0]]
    assert DataLoader(data, batch_size=2, collate_fn=lambda b: sum(b)).__iter__().__next__() == 1


class EvenFirst(Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))

    def __len__(self):
        return self.n


def test_a_custom_sampler():
    loader = DataLoader(list(range(6)), sampler=EvenFirst(6), batch_size=4)
    assert [b.tolist() for b in loader] == [[0, 2, 4, 1], [3, 5]] and len(loader) == 2


def test_tensor_datasets_are_gathered_in_one_index_per_tensor(device):
    x = mg.arange(20, device=device).reshape(10, 2)
    y = mg.arange(10, device=device) * 2.0
    data = TensorDataset(x, y)
    for dataset in (data, random_split(data, [7, 3], generator=mg.Generator().manual_seed(0))[0]):
        fast = list(DataLoader(dataset, batch_size=4))
        slow = list(DataLoader(dataset, batch_size=4, collate_fn=lambda b: default_collate(b)))  # per sample
        assert len(fast) == len(slow)
        for f, s in zip(fast, slow):
            assert isinstance(f, list) and len(f) == 2 and f[0].device == x.device
            for a, b in zip(f, s):
                np.testing.assert_array_equal(host(a), host(b))


def test_shuffle_draws_from_the_seeded_global_generator():
    data = list(range(20))
    mg.manual_seed(5)
    first = [b.tolist() for b in DataLoader(data, batch_size=5, shuffle=True)]
    mg.manual_seed(5)
    assert [b.tolist() for b in DataLoader(data, batch_size=5, shuffle=True)] == first
    assert sorted(sum(first, [])) == data


def test_num_workers_runs_in_process_with_a_warning():
    calls = []
    with pytest.warns(UserWarning, match=r"num_workers=2\): minigrad has no worker processes"):
        loader = DataLoader(list(range(6)), batch_size=2, num_workers=2, worker_init_fn=calls.append,
                            persistent_workers=True, prefetch_factor=4, pin_memory=True)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
    assert calls == [0] and get_worker_info() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DataLoader(list(range(6)), pin_memory=True)


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_iterable_datasets_are_batched_in_order():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]] and len(loader) == 3
    assert len(DataLoader(Stream(7), batch_size=3, drop_last=True)) == 2
    assert [b.tolist() for b in DataLoader(ChainDataset([Stream(2), Stream(3)]), batch_size=2)] == [[0, 1], [0, 1],
                                                                                                     [2]]
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(TypeError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream(3)])


def test_torch_style_attribute_access():
    assert mg.utils.data.DataLoader is DataLoader and mg.utils.data.random_split is random_split

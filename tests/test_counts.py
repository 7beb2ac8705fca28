"""Running products and differences, counts and search on every device: cumprod (its exact gradient
where the input has zeros), diff, unique, bincount, histc, searchsorted, and clone's memory_format.
Expected values are torch 2.13's for the same calls, by hand."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck


def test_cumprod_forward_and_exact_gradients_with_zeros(device):
    x = mg.tensor([[1.0, 2.0, 3.0], [2.0, 0.5, 4.0]], device=device)
    np.testing.assert_allclose(host(x.cumprod(1)), np.cumprod(host(x), 1))
    assert mg.cumprod(mg.tensor([1, 2, 3], dtype=mg.int32, device=device), 0).dtype == mg.int64
    assert mg.cumprod(x, 0, dtype=mg.float64).dtype == mg.float64
    for values in ([[1.0, 2.0, 0.0, 3.0], [2.0, -1.0, 4.0, 0.5]],  # one zero; none
                   [[0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 1.5, 2.0]],  # zeros first, two zeros
                   [[1.5, 0.0, 2.0, 0.0], [3.0, 2.0, 1.0, 0.0]]):
        t = mg.tensor(values, dtype=mg.float64, device=device, requires_grad=True)
        assert gradcheck(lambda a: a.cumprod(1), [t]) and gradcheck(lambda a: mg.cumprod(a, 0), [t])
    g = mg.tensor([2.0, 0.0, 3.0], device=device, requires_grad=True)
    g.cumprod(0).sum().backward()
    assert host(g.grad).tolist() == [1.0, 8.0, 0.0]  # torch 2.13


def test_diff(device):
    x = mg.tensor([[1, 2, 4], [0, 0, 1]], device=device)
    assert host(mg.diff(x, n=2, dim=1)).tolist() == [[1], [1]] and host(x.diff(dim=0)).tolist() == [[-1, -2, -3]]
    f = mg.tensor([1.0, 2.0, 4.0], device=device)
    assert host(mg.diff(f, append=mg.tensor([0.0], device=device))).tolist() == [1.0, 2.0, -4.0]
    assert host(mg.diff(mg.tensor([True, False, False], device=device))).tolist() == [True, False]
    assert mg.diff(mg.tensor([1, 2], device=device), n=3).shape == (0,)
    t = mg.tensor([[1.0, 3.0, 2.0, 5.0]], dtype=mg.float64, device=device, requires_grad=True)
    assert gradcheck(lambda a: mg.diff(a, 2, prepend=a[:, :1] * 2), [t]) and gradgradcheck(lambda a: a.diff() ** 2, [t])
    with pytest.raises(RuntimeError, match="diff expects input to be at least one-dimensional"):
        mg.diff(mg.tensor(1.0, device=device))


def test_unique(device):
    t = mg.tensor([1, 2, 1, 2, 1, 2], device=device)
    assert host(mg.unique(t)).tolist() == [1, 2]  # the introyt tutorial's example
    values, inverse, counts = mg.tensor([[3, 1], [1, 3]], device=device).unique(return_inverse=True, return_counts=True)
    assert host(values).tolist() == [1, 3] and host(inverse).tolist() == [[1, 0], [0, 1]]
    assert host(counts).tolist() == [2, 2]
    rows, where = mg.unique(mg.tensor([[1, 2], [1, 2], [3, 4]], device=device), dim=0, return_inverse=True)
    assert host(rows).tolist() == [[1, 2], [3, 4]] and host(where).tolist() == [0, 0, 1]
    assert host(mg.unique(mg.tensor([2.0, 1.0, 2.0], device=device), sorted=False)).tolist() == [1.0, 2.0]
    x = mg.tensor([1.0, 1.0], device=device, requires_grad=True)
    assert not mg.unique(x).requires_grad and inverse.dtype == mg.int64


def test_bincount(device):
    x = mg.tensor([0, 1, 1, 3], device=device)
    assert host(mg.bincount(x, minlength=6)).tolist() == [1, 2, 0, 1, 0, 0]
    w = mg.tensor([0.5, 1.0, 2.0, 4.0], device=device)
    counts = x.bincount(w)
    assert host(counts).tolist() == [0.5, 3.0, 0.0, 4.0] and counts.dtype == mg.float32
    assert mg.bincount(mg.tensor([], dtype=mg.int64, device=device)).shape == (0,)
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        mg.bincount(mg.tensor([1, -1], device=device))
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral inputs"):
        mg.bincount(mg.tensor([1.0], device=device))
    with pytest.raises(RuntimeError, match="weights should be 1-d and have the same length as input"):
        mg.bincount(x, w[:2])


def test_histc(device):
    x = mg.tensor([1.0, 2.0, 1.0, 5.0, -1.0], device=device)
    assert host(mg.histc(x, bins=4)).tolist() == [1.0, 2.0, 1.0, 1.0]  # over the data's range, max included
    assert host(x.histc(bins=4, min=0, max=4)).tolist() == [0.0, 2.0, 1.0, 0.0]  # outside: ignored
    assert host(mg.histc(mg.tensor([2.0, 2.0], device=device), bins=2)).tolist() == [0.0, 2.0]
    assert mg.histc(x.double(), bins=3).dtype == mg.float64
    with pytest.raises(RuntimeError, match="histc takes floating-point input"):
        mg.histc(mg.tensor([1, 2], device=device))


def test_searchsorted(device):
    seq = mg.tensor([1.0, 3.0, 5.0, 7.0], device=device)
    values = mg.tensor([[3.0, 6.0], [0.0, 9.0]], device=device)
    assert host(mg.searchsorted(seq, values)).tolist() == [[1, 3], [0, 4]]
    assert host(mg.searchsorted(seq, values, side="right")).tolist() == [[2, 3], [0, 4]]
    assert mg.searchsorted(seq, values, right=True, out_int32=True).dtype == mg.int32
    rows = mg.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]], device=device)
    assert host(mg.searchsorted(rows, mg.tensor([[3, 6, 9], [3, 6, 9]], device=device))).tolist() == \
        [[1, 3, 4], [1, 2, 4]]  # the documentation's example: row by row
    assert mg.searchsorted(seq, 3.0).item() == 1 and mg.searchsorted(seq, 3.0, right=True).item() == 2
    order = mg.tensor([1, 2, 0], device=device)  # 1.0, 3.0, 5.0
    assert host(mg.searchsorted(mg.tensor([5.0, 1.0, 3.0], device=device), mg.tensor([2.0], device=device),
                                sorter=order)).tolist() == [1]
    with pytest.raises(RuntimeError, match="can't be 'left' while right is True"):
        mg.searchsorted(seq, values, right=True, side="left")
    with pytest.raises(RuntimeError, match="first N-1 dimensions of boundaries tensor and input value tensor"):
        mg.searchsorted(rows, mg.tensor([3, 6], device=device))


def test_clone_and_contiguous_take_memory_format(device):
    x = mg.tensor([[1.0, 2.0]], device=device, requires_grad=True)
    c = x.clone(memory_format=mg.preserve_format)
    assert host(c).tolist() == [[1.0, 2.0]] and c.grad_fn.name() == "CloneBackward0"
    assert mg.clone(x, memory_format=mg.contiguous_format)._data is not x._data
    assert x.contiguous(mg.contiguous_format) is x
    assert repr(mg.channels_last) == "minigrad.channels_last" and isinstance(mg.preserve_format, mg.memory_format)
    with pytest.raises(NotImplementedError, match="channels-last layouts are for convolutions"):
        x.clone(memory_format=mg.channels_last)
    with pytest.raises(TypeError, match="argument 'memory_format' must be a minigrad.memory_format"):
        x.contiguous("C")

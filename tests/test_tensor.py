"""Tensor basics: factories and dtype inference, conversion, repr, comparisons, errors, seeding."""

import numpy as np
import pytest
from conftest import DEVICES, host

import minigrad as mg
import minigrad.nn.functional as F


def test_factory_dtypes_follow_pytorch():
    assert mg.tensor(1.5).dtype == mg.float32
    assert mg.tensor([1, 2]).dtype == mg.int64
    assert mg.tensor([True, False]).dtype == mg.bool
    assert mg.tensor(np.zeros(2, np.float64)).dtype == mg.float64  # arrays keep their dtype
    assert mg.tensor(np.zeros(2, np.int32)).dtype == mg.int32
    assert mg.tensor([1, 2], dtype=mg.float16).dtype == mg.float16
    assert mg.arange(5).dtype == mg.int64 and mg.arange(0, 1, 0.25).dtype == mg.float32
    assert mg.full((2,), 3).dtype == mg.int64 and mg.full((2,), 3.0).dtype == mg.float32


def test_factories_shapes_and_values(device):
    assert mg.zeros(2, 3, device=device).shape == (2, 3)
    assert mg.ones((2, 3), device=device).sum().item() == 6
    assert host(mg.full((2,), 7.0, device=device)).tolist() == [7.0, 7.0]
    assert mg.empty(4, device=device).shape == (4,)
    assert host(mg.arange(1, 7, 2, device=device)).tolist() == [1, 3, 5]
    r = mg.rand(1000, device=device)
    assert 0 <= host(r).min() and host(r).max() < 1
    assert mg.randint(5, (3, 2), device=device).shape == (3, 2)
    i = mg.randint(0, 5, (100,), device=device)
    assert i.dtype == mg.int64 and host(i).min() >= 0 and host(i).max() < 5
    x = mg.randn(3, 4, device=device)
    assert mg.zeros_like(x).shape == (3, 4) and mg.ones_like(x).device == x.device
    assert mg.randn_like(x).dtype == x.dtype


def test_from_numpy_shares_memory():
    a = np.zeros(3, np.float32)
    t = mg.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5


def test_manual_seed_reproduces_every_random_source():
    def draw():
        mg.manual_seed(123)
        return (mg.randn(3).tolist(), mg.rand(2).tolist(), mg.randint(0, 100, (3,)).tolist(),
                mg.nn.Linear(4, 2).weight.tolist())

    assert draw() == draw()


def test_tensor_attributes():
    x = mg.randn(2, 3, requires_grad=True)
    assert (x.shape, x.ndim, x.dtype, x.device) == ((2, 3), 2, mg.float32, mg.device("cpu"))
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6 and len(x) == 2
    assert x.is_leaf and x.grad is None


def test_conversions():
    x = mg.tensor([1.7, -2.2])
    assert x.long().tolist() == [1, -2] and x.long().dtype == mg.int64
    assert x.double().dtype == mg.float64 and x.to(mg.float16).dtype == mg.float16
    assert x.to("cpu") is x and x.to(mg.float32) is x
    assert mg.tensor(3.5).item() == 3.5 and float(mg.tensor(2.0)) == 2.0
    assert isinstance(x.numpy(), np.ndarray)
    with pytest.raises(RuntimeError, match="detach"):
        mg.randn(2, requires_grad=True).numpy()
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    z = y.double() * 2
    z.sum().backward()
    assert y.grad.dtype == mg.float32 and y.grad.tolist() == [2.0, 2.0]


def test_repr_is_close_to_pytorch():
    assert repr(mg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(mg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(mg.tensor([1.0], dtype=mg.float64)) == "tensor([1.], dtype=minigrad.float64)"
    assert repr(mg.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert "grad_fn=<MulBackward0>" in repr(mg.tensor([1.0], requires_grad=True) * 2)


def test_comparisons_argmax_and_no_grad_results():
    x = mg.tensor([[1.0, 5.0, 3.0], [7.0, 0.0, 2.0]], requires_grad=True)
    assert (x > 2).tolist() == [[False, True, True], [True, False, False]]
    assert (x == 7.0).dtype == mg.bool and not (x > 2).requires_grad
    assert x.argmax().item() == 3 and x.argmax(dim=1).tolist() == [1, 0]
    assert x.argmax(dim=1, keepdim=True).shape == (2, 1)
    values, indices = x.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]


def test_scalar_promotion_follows_pytorch():
    i = mg.tensor([1, 2])
    assert (i * 2).dtype == mg.int64
    assert (i * 1.5).dtype == mg.float32  # NumPy alone would give float64
    assert (i / 2).dtype == mg.float32 and (i / 2).tolist() == [0.5, 1.0]
    assert (mg.tensor([1.0], dtype=mg.float16) * 2.0).dtype == mg.float16
    assert (mg.tensor([1.0]) + mg.tensor([1.0], dtype=mg.float64)).dtype == mg.float64


def test_dtype_mixes_numpy_and_pytorch_disagree_on_raise():
    with pytest.raises(TypeError, match=r"mixing float32 \(shape \(2,\)\) with int64 \(shape \(2,\)\).*PyTorch"):
        mg.tensor([1.0, 2.0]) + mg.tensor([1, 2])
    with pytest.raises(TypeError, match="float64.*0-d|float32"):
        mg.tensor([1.0, 2.0]) * mg.tensor(2.0, dtype=mg.float64)


def test_float_only_ops_refuse_integers_with_a_hint():
    x = mg.tensor([[1, 2, 3]])
    for f in (lambda: x.log(), lambda: x.exp(), lambda: F.softmax(x, 1), lambda: x.mean(),
              lambda: x @ x.T, lambda: F.linear(x, mg.randn(2, 3))):
        with pytest.raises(TypeError, match=r"int64.*\.float\(\)"):
            f()


def test_matmul_shape_errors_name_both_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(4, 5\) and \(3, 2\) cannot be multiplied"):
        mg.randn(4, 5) @ mg.randn(3, 2)


def test_broadcast_errors_name_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4, 3\) cannot be broadcast.*equal or 1"):
        mg.randn(2, 3) + mg.randn(4, 3)
    with pytest.raises(ValueError, match=r"mul: shapes \(2, 3\) and \(2,\) cannot be broadcast"):
        mg.randn(2, 3) * mg.randn(2)


def test_reshape_and_dim_errors():
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        mg.randn(2, 3).reshape(4, 2)
    with pytest.raises(IndexError, match="Dimension out of range"):
        mg.randn(2, 3).sum(2)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0"):
        mg.cat([mg.randn(2, 3), mg.randn(2, 4)])


def test_requires_grad_only_for_floats():
    with pytest.raises(RuntimeError, match="only floating-point tensors can require gradients"):
        mg.tensor([1, 2], requires_grad=True)


def test_inplace_methods_keep_the_tensor_and_its_dtype():
    x = mg.tensor([1.0, 2.0])
    assert x.add_(mg.tensor([1.0, 1.0]), alpha=-0.5) is x and x.tolist() == [0.5, 1.5]
    x.mul_(4).div_(2).sub_(1, alpha=2)
    assert x.tolist() == [-1.0, 1.0] and x.dtype == mg.float32
    x += mg.tensor([1.0, 1.0], dtype=mg.float64)  # a wider float is written back as float32, like PyTorch
    assert x.dtype == mg.float32 and x.tolist() == [0.0, 2.0]
    i = mg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type float32 can't be cast to the desired output type int64"):
        i += 1.5  # PyTorch refuses too: a float result would be truncated silently
    with pytest.raises(RuntimeError, match="int64 can't be cast to the desired output type bool"):
        mg.tensor([True]).add_(1)
    assert i.tolist() == [1, 2]


def test_inplace_ops_refuse_tensors_that_require_grad():
    w = mg.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w += 1
    with pytest.raises(RuntimeError, match="in-place"):
        w[0] = 1.0
    with mg.no_grad():
        w -= 1
        w[0] = 2.0
    assert w[0].item() == 2.0 and w.requires_grad
    x = mg.zeros(3)
    with pytest.raises(RuntimeError, match="in-place"):
        x[0] = w[1]  # the value's graph would be dropped silently
    with pytest.raises(RuntimeError, match="in-place"):
        x += w


@pytest.mark.parametrize("device", DEVICES[1:])
def test_mixing_devices_names_both(device):
    with pytest.raises(RuntimeError, match="same device.*cpu.*cuda:0|same device.*cuda:0.*cpu"):
        mg.randn(2) + mg.randn(2, device=device)


def test_data_is_a_tensor_sharing_storage_without_history():
    """PyTorch's `.data`: a Tensor over the same storage, requires_grad=False, writes land in p."""
    p = mg.nn.Parameter(mg.tensor([1.0, 2.0]))
    d = p.data
    assert isinstance(d, mg.Tensor) and not d.requires_grad and d.grad_fn is None
    p.data.add_(1.0)  # the manual-SGD idiom: no no_grad needed
    p.data.mul_(2.0)
    assert p.tolist() == [4.0, 6.0]
    p.data.copy_(mg.tensor([0.5, 0.5]))
    assert p.tolist() == [0.5, 0.5]
    p.data.zero_()
    assert p.tolist() == [0.0, 0.0]
    p.data = mg.tensor([7.0, 8.0, 9.0], dtype=mg.float64)  # new storage, same Parameter object
    assert p.shape == (3,) and p.dtype == mg.float64 and p.requires_grad
    with pytest.raises(TypeError, match="must be set to a Tensor"):
        p.data = [1.0]


def test_writes_through_data_are_not_tracked_like_pytorch():
    """PyTorch does not bump the version counter for writes through .data; detach() writes are checked."""
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    x = mg.tensor([3.0, 4.0], requires_grad=True)
    y = (w * x).sum()
    w.data.mul_(10)  # untracked: backward uses the new values silently, as in PyTorch
    y.backward()
    assert x.grad.tolist() == [10.0, 20.0]
    y = (w * x).sum()
    w.detach().mul_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()

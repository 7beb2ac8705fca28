"""Tensor basics: attributes, to(), comparisons, promotion, errors, in-place rules, .data, and the names
minigrad lacks. (Creation, dtypes and printing have their own files.)"""

import pytest
from conftest import DEVICES, host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.unsupported import TENSOR_MISSING, MissingFeatureError, MissingTensorAttributes


def test_tensor_attributes():
    x = mg.randn(2, 3, requires_grad=True)
    assert (x.shape, x.ndim, x.dtype, x.device) == ((2, 3), 2, mg.float32, mg.device("cpu"))
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6 and len(x) == 2
    assert x.is_leaf and x.grad is None


def test_to_returns_self_when_nothing_changes_and_takes_pytorchs_forms(device):
    x = mg.tensor([1.7, -2.2], device=device)
    assert x.to(device) is x and x.to(mg.float32) is x and x.to(x) is x
    assert x.to(mg.float32, copy=True) is not x and host(x.to(mg.float32, copy=True)).tolist() == host(x).tolist()
    assert x.to(device, mg.int64).dtype is mg.int64 and x.to(dtype=mg.float16, device=device).dtype is mg.float16
    assert x.to(mg.zeros(1, dtype=mg.float64)).device.type == "cpu"  # to(other): other's dtype and device
    assert x.to(mg.float64, non_blocking=True).dtype is mg.float64
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    (y.double() * 2).sum().backward()
    assert y.grad.dtype is mg.float32 and y.grad.tolist() == [2.0, 2.0]


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


def test_dtype_mixes_numpy_and_pytorch_disagree_on_compute_in_pytorchs_dtype():
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    y = x + mg.tensor([1, 2])  # NumPy alone: float64
    assert y.dtype is mg.float32 and y.tolist() == [2.5, 4.5]
    assert (x ** mg.tensor([2, 3])).dtype is mg.float32  # the polynomial tutorials' x.pow(p)
    s = mg.tensor(2.0, dtype=mg.float64, requires_grad=True)
    z = x * s  # a 0-d float64 adopts the float32 tensor's dtype, as in PyTorch
    assert z.dtype is mg.float32
    z.sum().backward()
    assert s.grad.dtype is mg.float64 and s.grad.item() == 4.0 and x.grad.tolist() == [2.0, 2.0]


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
    with pytest.raises(RuntimeError, match="cannot be broadcast"):  # what PyTorch raises, for ported code
        mg.randn(3, 4) + mg.randn(5, 6)


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
    with pytest.raises(RuntimeError, match="result type minigrad.float32 can't be cast to the desired output type "
                                           "minigrad.int64"):
        i += 1.5  # PyTorch refuses too: a float result would be truncated silently
    with pytest.raises(RuntimeError, match="int64 can't be cast to the desired output type minigrad.bool"):
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


# ---------------------------------------------------------------- names minigrad lacks (issues 10 and 14)
@pytest.mark.parametrize("namespace, name, torch_name, why", [
    (mg.nn, "Conv2d", "torch.nn.Conv2d", "convolution and pooling are out of scope"),
    (mg.nn, "MaxPool2d", "torch.nn.MaxPool2d", "convolution and pooling are out of scope"),
    (mg.nn, "LSTM", "torch.nn.LSTM", "recurrent layers are out of scope"),
    (F, "max_pool2d", "torch.nn.functional.max_pool2d", "convolution and pooling are out of scope"),
    (F, "conv2d", "torch.nn.functional.conv2d", "convolution and pooling are out of scope"),
    (mg, "conv2d", "torch.conv2d", "convolution and pooling are out of scope"),
    (mg, "fft", "torch.fft", "complex tensors .* are out of scope"),
    (mg, "complex64", "torch.complex64", "complex tensors .* are out of scope"),
    (mg, "sparse_coo_tensor", "torch.sparse_coo_tensor", "sparse tensors are out of scope"),
    (mg, "bfloat16", "torch.bfloat16", "NumPy has no bfloat16 type"),
    (mg, "frobnicate", "torch.frobnicate", "docs/pytorch_compat.md lists what minigrad has"),
])
def test_a_missing_torch_name_says_minigrad_does_not_implement_it(namespace, name, torch_name, why):
    with pytest.raises(AttributeError, match=f"minigrad does not implement {torch_name}; {why}") as caught:
        getattr(namespace, name)
    assert isinstance(caught.value, NotImplementedError)  # issue 10 asks for NotImplementedError: it is both
    assert not hasattr(namespace, name) and getattr(namespace, name, None) is None


def test_the_message_users_see_has_no_did_you_mean_hint(tmp_path):
    # Python 3.10+ appends "Did you mean: ...?" when printing an AttributeError that carries name and obj
    import subprocess
    import sys

    script = tmp_path / "typo.py"
    script.write_text("import minigrad\nminigrad.nn.Conv2d\n")
    err = subprocess.run([sys.executable, str(script)], capture_output=True, text=True).stderr
    last = err.strip().splitlines()[-1]
    assert last.startswith("minigrad.unsupported.MissingFeatureError: module 'minigrad.nn' has no attribute 'Conv2d'")
    assert "Did you mean" not in err


def test_private_names_stay_plain_attribute_errors():
    with pytest.raises(AttributeError) as caught:
        _ = mg._no_such_thing
    assert type(caught.value) is AttributeError


@pytest.mark.parametrize("name, why", [
    ("median", "docs/pytorch_compat.md lists what minigrad has"),
    ("to_sparse", "sparse tensors are out of scope"),
    ("cfloat", "complex tensors .* are out of scope"),
])
def test_a_missing_torch_tensor_method_says_minigrad_does_not_implement_it(name, why):
    t = mg.tensor([1.0, 2.0])
    with pytest.raises(MissingFeatureError, match=f"'Tensor' object has no attribute '{name}': minigrad does not "
                                                  f"implement torch.Tensor.{name}; {why}"):
        getattr(t, name)
    assert not hasattr(t, name) and getattr(t, name, None) is None


def test_other_missing_tensor_names_stay_plain_attribute_errors():
    t = mg.tensor([1.0, 2.0])
    for name in ("frobnicate", "medain", "_private"):
        with pytest.raises(AttributeError, match=f"'Tensor' object has no attribute '{name}'") as caught:
            getattr(t, name)
        assert type(caught.value) is AttributeError and caught.value.name == name  # Python's "Did you mean" works


def test_the_missing_tensor_names_are_none_that_tensor_has():
    # a name minigrad implements must leave TENSOR_MISSING, which would shadow it in a base class
    defined = {name for cls in mg.Tensor.__mro__ if cls is not MissingTensorAttributes for name in vars(cls)}
    assert not TENSOR_MISSING & defined
    assert not TENSOR_MISSING & set(dir(mg.tensor([1.0])))  # dir() and tab completion list what minigrad has

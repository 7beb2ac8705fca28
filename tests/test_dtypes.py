"""dtypes as PyTorch names and prints them: aliases, attributes, promotion, the default dtype, finfo/iinfo,
and the NumPy dtype behind each (so NumPy and CuPy take them)."""

import copy
import pickle

import numpy as np
import pytest
from conftest import DEVICES, host

import minigrad as mg
from minigrad import nn


@pytest.fixture
def default_dtype():
    """Restores the default dtype whatever a test sets it to."""
    yield
    mg.set_default_dtype(mg.float32)


def test_dtypes_print_as_pytorch_and_aliases_are_the_same_objects():
    assert repr(mg.float32) == str(mg.float32) == "minigrad.float32"
    assert [str(d) for d in (mg.float16, mg.float64, mg.int8, mg.int16, mg.int32, mg.int64, mg.uint8, mg.bool)] == [
        "minigrad.float16", "minigrad.float64", "minigrad.int8", "minigrad.int16", "minigrad.int32",
        "minigrad.int64", "minigrad.uint8", "minigrad.bool"]
    assert mg.float is mg.float32 and mg.double is mg.float64 and mg.half is mg.float16
    assert mg.long is mg.int64 and mg.int is mg.int32 and mg.short is mg.int16
    assert isinstance(mg.float32, mg.dtype) and mg.float32 != mg.float64


def test_dtype_attributes_are_pytorchs():
    assert (mg.float32.itemsize, mg.float64.itemsize, mg.int16.itemsize, mg.bool.itemsize) == (4, 8, 2, 1)
    assert mg.float16.is_floating_point and not mg.int64.is_floating_point and not mg.bool.is_floating_point
    assert mg.int8.is_signed and mg.float32.is_signed and not mg.uint8.is_signed and not mg.bool.is_signed
    assert not mg.float64.is_complex


def test_a_tensors_dtype_is_a_minigrad_dtype_on_every_device(device):
    x = mg.zeros(2, device=device)
    assert x.dtype is mg.float32 and repr(x.dtype) == "minigrad.float32"
    assert mg.tensor([1, 2], device=device).dtype is mg.int64
    assert (mg.tensor([1.0], device=device) > 0).dtype is mg.bool
    assert x.double().dtype is mg.float64 and x.to(mg.int16).dtype is mg.int16


def test_numpy_takes_a_minigrad_dtype_and_compares_equal_to_it():
    assert np.zeros(2, dtype=mg.float32).dtype == np.float32
    assert np.dtype(mg.int64) == np.dtype("int64") and np.arange(3).astype(mg.uint8).dtype == np.uint8
    assert np.dtype("float32") == mg.float32 and mg.float32 == np.dtype("float32")
    assert mg.float32 != "float32"  # as PyTorch: a string is not a dtype
    assert {np.dtype("float64"): "f8"}[mg.float64] == "f8"  # equal, so hashed alike


def test_dtypes_survive_pickle_and_copy_as_the_same_object():
    assert pickle.loads(pickle.dumps(mg.float16)) is mg.float16
    assert copy.deepcopy({"d": mg.int8})["d"] is mg.int8


def test_dtype_arguments_take_dtypes_python_types_and_numpy_dtypes():
    assert mg.zeros(1, dtype=float).dtype is mg.float64  # PyTorch: float -> float64, int -> int64
    assert mg.zeros(1, dtype=int).dtype is mg.int64 and mg.zeros(1, dtype=bool).dtype is mg.bool
    assert mg.zeros(1, dtype=np.float16).dtype is mg.float16 and mg.tensor([1], dtype=np.dtype("int8")).dtype is mg.int8
    with pytest.raises(TypeError, match="argument 'dtype' must be a minigrad dtype.*not str 'float32'"):
        mg.zeros(1, dtype="float32")
    with pytest.raises(TypeError, match="can't make a tensor of NumPy dtype uint16: the supported dtypes are"):
        mg.zeros(1, dtype=np.uint16)


def test_promote_types_follows_pytorch():
    # torch.promote_types: categories first (bool < integer < float), then the wider type
    assert mg.promote_types(mg.int64, mg.float16) is mg.float16  # NumPy would give float64
    assert mg.promote_types(mg.uint8, mg.int8) is mg.int16
    assert mg.promote_types(mg.bool, mg.uint8) is mg.uint8
    assert mg.promote_types(mg.float16, mg.float32) is mg.float32
    assert mg.promote_types(mg.int32, mg.int64) is mg.int64


def test_a_zero_dim_tensor_of_a_higher_category_decides_the_dtype_as_in_pytorch():
    assert (mg.tensor([1, 2]) + mg.tensor(1.0, dtype=mg.float64)).dtype is mg.float64
    assert (mg.tensor([1, 2]) + mg.tensor(1.0, dtype=mg.float16)).dtype is mg.float16  # NumPy: float64


def test_default_dtype_drives_factories_python_floats_and_linear(default_dtype, device):
    assert mg.get_default_dtype() is mg.float32
    mg.set_default_dtype(mg.float64)
    assert mg.get_default_dtype() is mg.float64
    made = [mg.tensor(1.5), mg.tensor([1, 2.5]), mg.zeros(2), mg.ones(2), mg.empty(2), mg.full((2,), 1.5),
            mg.rand(2), mg.randn(2), mg.arange(0.0, 1.0, 0.5), mg.linspace(0, 1, 3), mg.logspace(0, 1, 3), mg.eye(2),
            mg.normal(0.0, 1.0, size=(2,)), mg.tensor([1, 2]) * 1.5, mg.tensor([1, 2]) / 2]
    assert [t.dtype for t in made] == [mg.float64] * len(made)
    layer = nn.Linear(3, 2, device=device)
    assert layer.weight.dtype is mg.float64 and layer.bias.dtype is mg.float64
    assert mg.tensor([1, 2]).dtype is mg.int64 and mg.arange(3).dtype is mg.int64  # integers are unaffected
    assert repr(mg.tensor([1.5])) == "tensor([1.5000])"  # the default dtype is not printed
    assert repr(mg.tensor([1.5], dtype=mg.float32)) == "tensor([1.5000], dtype=minigrad.float32)"
    mg.set_default_dtype(mg.float32)
    assert mg.tensor(1.5).dtype is mg.float32 and nn.Linear(3, 2).weight.dtype is mg.float32


def test_set_default_dtype_takes_floating_types_only(default_dtype):
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        mg.set_default_dtype(mg.int64)
    mg.set_default_dtype(mg.float16)  # PyTorch allows half too
    assert mg.tensor([0.5]).dtype is mg.float16


def test_finfo_matches_pytorchs_documented_values():
    f = mg.finfo(mg.float32)
    assert (f.bits, f.eps, f.max, f.min) == (32, 1.1920928955078125e-07, 3.4028234663852886e+38,
                                             -3.4028234663852886e+38)
    assert f.tiny == f.smallest_normal == 1.1754943508222875e-38 and f.resolution == 1e-06 and f.dtype == "float32"
    half = mg.finfo(mg.float16)
    assert (half.max, half.eps, half.resolution, half.bits) == (65504.0, 0.0009765625, 0.001, 16)
    assert mg.finfo(mg.float64).eps == 2.220446049250313e-16 and mg.finfo().dtype == "float32"
    assert repr(f) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, "
                       "smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)")
    with pytest.raises(TypeError, match="requires a floating point dtype, got minigrad.int32; use minigrad.iinfo"):
        mg.finfo(mg.int32)


def test_iinfo_matches_pytorchs_documented_values():
    assert (mg.iinfo(mg.int8).min, mg.iinfo(mg.int8).max, mg.iinfo(mg.uint8).max) == (-128, 127, 255)
    assert (mg.iinfo(mg.int64).max, mg.iinfo(mg.int64).bits, mg.iinfo(mg.int16).dtype) == (2**63 - 1, 64, "int16")
    assert repr(mg.iinfo(mg.int64)) == "iinfo(min=-9.22337e+18, max=9.22337e+18, dtype=int64)"
    with pytest.raises(TypeError, match="requires an integer dtype, got minigrad.float32; use minigrad.finfo"):
        mg.iinfo(mg.float32)
    with pytest.raises(TypeError, match="minigrad.bool is not supported by minigrad.iinfo"):
        mg.iinfo(mg.bool)


def test_conversion_shorthands_and_is_floating_point(device):
    x = mg.tensor([1.5, -2.5], device=device)
    made = [x.float(), x.double(), x.half(), x.long(), x.int(), x.short(), x.char(), x.byte(), x.bool()]
    assert [t.dtype for t in made] == [mg.float32, mg.float64, mg.float16, mg.int64, mg.int32, mg.int16, mg.int8,
                                       mg.uint8, mg.bool]
    assert host(x.long()).tolist() == [1, -2] and host(x.bool()).tolist() == [True, True]  # truncation toward 0
    assert x.is_floating_point() and not x.long().is_floating_point() and mg.is_floating_point(x)


def test_a_cast_to_an_integer_dtype_cuts_the_graph_as_in_pytorch(device):
    w = mg.tensor([1.5], requires_grad=True, device=device)
    assert not w.long().requires_grad and w.double().requires_grad
    w.double().sum().backward()
    assert w.grad.dtype is mg.float32 and host(w.grad).tolist() == [1.0]


def test_type_returns_and_takes_type_strings():
    x = mg.tensor([1.5, -2.5])
    names = [mg.tensor([1], dtype=d).type() for d in
             (mg.float16, mg.float32, mg.float64, mg.int8, mg.int16, mg.int32, mg.int64, mg.uint8, mg.bool)]
    assert names == ["minigrad.HalfTensor", "minigrad.FloatTensor", "minigrad.DoubleTensor", "minigrad.CharTensor",
                     "minigrad.ShortTensor", "minigrad.IntTensor", "minigrad.LongTensor", "minigrad.ByteTensor",
                     "minigrad.BoolTensor"]
    assert x.type(mg.int32).dtype is mg.int32 and x.type(mg.float32) is x
    assert x.type("torch.DoubleTensor").dtype is mg.float64 and x.type("minigrad.LongTensor").tolist() == [1, -2]
    with pytest.raises(ValueError, match="invalid type: 'float'"):
        x.type("float")


@pytest.mark.parametrize("device", DEVICES[1:])
def test_type_strings_on_the_gpu(device):
    x = mg.tensor([1.5], device=device)
    assert x.type() == "minigrad.cuda.FloatTensor" and x.long().type() == "minigrad.cuda.LongTensor"
    assert mg.tensor([1.5]).type("minigrad.cuda.DoubleTensor").device.type == "cuda"
    assert x.type("torch.FloatTensor").device.type == "cpu"


def test_unsupported_numpy_dtypes_are_refused_naming_them():
    with pytest.raises(TypeError, match="complex dtypes .* are out of scope"):
        mg.tensor(np.zeros(2, np.complex64))
    with pytest.raises(TypeError, match="NumPy dtype uint32: the supported dtypes are float16, .*bool"):
        mg.from_numpy(np.zeros(2, np.uint32))
    with pytest.raises(TypeError, match="NumPy dtype object"):
        mg.as_tensor(np.array([None, 1]))

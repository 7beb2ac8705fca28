"""Tensor creation in PyTorch's idiom: from data, filled, ranges, random, *_like, the default device and
the device-selection idioms, with the values PyTorch documents (or that torch 2.13 prints, checked by hand)."""

import warnings

import numpy as np
import pytest
from conftest import DEVICES, host

import minigrad as mg


@pytest.fixture
def default_device():
    """Restores the default device whatever a test sets it to."""
    yield
    mg.set_default_device(None)


# ---------------------------------------------------------------- from data
@pytest.mark.parametrize("data, dtype", [
    ([[1, 2], [3, 4]], mg.int64), ([1, 2.5], mg.float32), ([True, False], mg.bool), ([True, 2], mg.int64),
    ([True, 2.5], mg.float32), (3.5, mg.float32), (7, mg.int64), ([], mg.float32), ((1, 2.5), mg.float32),
    (range(3), mg.int64), ([np.float32(1), 2.0], mg.float32), ([np.float64(1), 2], mg.float64),
    ([np.float16(1), 2], mg.float16), ([np.int32(1), 2], mg.int64), ([np.uint8(1), np.int8(2)], mg.int16),
    (np.float32(2), mg.float32), (np.zeros(2, np.int16), mg.int16),
])
def test_tensor_infers_dtypes_as_pytorch(data, dtype):
    # PyTorch: bools -> bool, ints -> int64, floats -> the default dtype; NumPy scalars keep theirs; a list
    # takes torch.promote_types of its elements (so int64 + float16 -> float16, uint8 + int8 -> int16)
    assert mg.tensor(data).dtype is dtype


def test_tensor_copies_nested_data_with_its_shape(device):
    t = mg.tensor([[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]], device=device)
    assert t.shape == (3, 2) and t.device.type == device
    assert np.allclose(host(t), [[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]])
    assert mg.tensor([[]]).shape == (1, 0) and mg.tensor([[], []]).shape == (2, 0) and mg.tensor(7).shape == ()
    assert mg.tensor([1.7, -1.7], dtype=mg.long).tolist() == [1, -1]  # truncation toward zero
    a = np.zeros(2)
    t = mg.tensor(a)
    a[0] = 5  # a copy: the tensor does not see later writes
    assert t.tolist() == [0.0, 0.0] and t.dtype is mg.float64
    assert mg.tensor([mg.tensor(1.0), mg.tensor(2.0, device=device)]).tolist() == [1.0, 2.0]
    assert mg.tensor([mg.tensor(1, dtype=mg.float64), 2.5]).dtype is mg.float64


def test_tensor_of_a_tensor_copies_detaches_and_warns_as_pytorch(device):
    w = mg.randn(3, requires_grad=True, device=device)
    with pytest.warns(UserWarning, match=r"sourceTensor.detach\(\).clone\(\)"):
        t = mg.tensor(w)
    assert not t.requires_grad and t.device == w.device and t._data is not w._data
    assert host(t).tolist() == host(w).tolist()


def test_tensor_requires_grad_for_floats_only(device):
    assert mg.tensor([1.0], requires_grad=True, device=device).requires_grad
    with pytest.raises(RuntimeError, match="only floating-point tensors can require gradients"):
        mg.tensor([1], requires_grad=True, device=device)


@pytest.mark.parametrize("data, error, message", [
    ([[1, 2], [3]], ValueError, r"expected sequence of length 2 at dim 1 \(got 1\)"),
    ([[1, 2], 3], TypeError, "found both sequences and numbers at dim 1"),
    ("abc", TypeError, "invalid data type 'str'"),
    (None, RuntimeError, "Could not infer dtype of NoneType"),
    ({1: 2}, RuntimeError, "Could not infer dtype of dict"),
    ((x for x in range(3)), RuntimeError, "Could not infer dtype of generator"),
    ([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])], ValueError, "only one element tensors can be converted"),
    ([1 + 2j], TypeError, "complex dtypes .* are out of scope"),
])
def test_tensor_errors_say_what_is_wrong(data, error, message):
    with pytest.raises(error, match=message):
        mg.tensor(data)


def test_from_numpy_and_numpy_share_memory_both_ways():
    a = np.zeros(3, np.float32)
    t = mg.from_numpy(a)
    a[0] = 5
    t[1] = 7.0
    assert t.tolist() == [5.0, 7.0, 0.0] and a.tolist() == [5.0, 7.0, 0.0] and t.dtype is mg.float32
    n = t.numpy()
    n[2] = 9
    assert t[2].item() == 9 and n is a  # numpy() hands back the very array
    assert np.shares_memory(mg.from_numpy(np.arange(4)[::-1]).numpy(), np.arange(4)) is False


def test_from_numpy_refuses_what_it_cannot_share():
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        mg.from_numpy([1, 2])
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got numpy.float32\)"):
        mg.from_numpy(np.float32(2))
    with pytest.raises(ValueError, match="byte order different from the native byte order"):
        mg.from_numpy(np.zeros(2, ">f4"))
    a = np.zeros(2)
    a.flags.writeable = False
    with pytest.warns(UserWarning, match="not writable"):
        t = mg.from_numpy(a)
    assert t.tolist() == [0.0, 0.0]


def test_numpy_of_a_tensor_that_requires_grad_or_lives_on_a_gpu(device):
    w = mg.tensor([1.5], requires_grad=True, device=device)
    with pytest.raises((RuntimeError, TypeError), match="detach|cpu"):
        w.numpy()
    assert w.numpy(force=True).tolist() == [1.5]  # detached (and copied to the host)


def test_as_tensor_shares_when_it_can_and_converts_otherwise(device):
    a = np.array([1.0, 2.0])
    shared = mg.as_tensor(a)
    a[0] = 9
    assert shared.tolist() == [9.0, 2.0] and shared.dtype is mg.float64
    converted = mg.as_tensor(a, dtype=mg.float32)
    a[1] = 0
    assert converted.tolist() == [9.0, 2.0] and converted.dtype is mg.float32
    t = mg.randn(2, device=device)
    assert mg.as_tensor(t) is t and mg.as_tensor(t, dtype=mg.float64).dtype is mg.float64
    assert mg.as_tensor([1, 2], device=device).device.type == device
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    mg.as_tensor(w, dtype=mg.float64).sum().backward()  # a conversion of a tensor is differentiable
    assert w.grad.tolist() == [1.0, 1.0]


def test_is_tensor():
    assert mg.is_tensor(mg.zeros(1)) and mg.is_tensor(mg.nn.Parameter(mg.zeros(1)))
    assert not mg.is_tensor([1.0]) and not mg.is_tensor(np.zeros(1))


# ---------------------------------------------------------------- filled
def test_size_arguments_take_every_form_pytorch_takes(device):
    for t in (mg.zeros(2, 3, device=device), mg.zeros((2, 3), device=device), mg.zeros([2, 3], device=device),
              mg.zeros(size=(2, 3), device=device), mg.zeros(mg.Size([2, 3]), device=device),
              mg.zeros(np.int64(2), mg.tensor(3), device=device)):
        assert t.shape == (2, 3) and isinstance(t.shape, mg.Size)
    assert mg.zeros(()).shape == () and mg.zeros([]).shape == () and mg.ones(0).shape == (0,)
    with pytest.raises(RuntimeError, match=r"negative dimension -1: \[2, -1\]"):
        mg.zeros(2, -1)
    with pytest.raises(TypeError, match="'size' must be a tuple of ints, but found element of type float at pos 1"):
        mg.ones((2, 2.5))


def test_zeros_ones_empty_full_eye(device):
    assert host(mg.ones(2, 2, dtype=mg.int64, device=device)).tolist() == [[1, 1], [1, 1]]
    assert mg.empty(2, 3, device=device).shape == (2, 3) and mg.empty(0, dtype=mg.int64).dtype is mg.int64
    assert mg.full((2,), 3).dtype is mg.int64 and mg.full((2,), True).dtype is mg.bool
    assert mg.full((2,), 3.0).dtype is mg.float32 and mg.full((2,), np.float64(1.5)).dtype is mg.float32
    assert host(mg.full((2, 2), 1.5, dtype=mg.int64, device=device)).tolist() == [[1, 1], [1, 1]]
    with pytest.raises(TypeError, match="full\\(\\): argument 'size' must be a tuple of ints, not int"):
        mg.full(2, 3.0)
    assert host(mg.eye(3, device=device)).tolist() == np.eye(3).tolist() and mg.eye(2).dtype is mg.float32
    assert host(mg.eye(2, 3, dtype=mg.int64, device=device)).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert mg.eye(2, dtype=mg.bool).tolist() == [[True, False], [False, True]] and mg.eye(3, 0).shape == (3, 0)
    with pytest.raises(RuntimeError, match="n must be greater or equal to 0, got -1"):
        mg.eye(-1)
    with pytest.raises(TypeError, match="eye\\(\\): argument 'n' must be int, not float"):
        mg.eye(2.0)
    assert mg.ones(2, requires_grad=True).requires_grad and mg.eye(2, requires_grad=True).requires_grad


def test_like_factories_keep_shape_dtype_and_device(device):
    x = mg.zeros(2, 3, dtype=mg.int32, device=device)
    for t in (mg.zeros_like(x), mg.ones_like(x), mg.empty_like(x), mg.full_like(x, 7), mg.randint_like(x, 5)):
        assert (t.shape, t.dtype, t.device) == ((2, 3), mg.int32, x.device)
    assert host(mg.full_like(x, 2.7)).tolist() == [[2, 2, 2], [2, 2, 2]]  # cast to input's dtype
    f = mg.randn(4, dtype=mg.float64, device=device)
    for t in (mg.rand_like(f), mg.randn_like(f), mg.ones_like(f, requires_grad=True)):
        assert (t.dtype, t.device) == (mg.float64, f.device)
    assert mg.zeros_like(f, dtype=mg.int64).dtype is mg.int64
    assert not mg.zeros_like(mg.randn(2, requires_grad=True)).requires_grad  # requires_grad is not inherited
    with pytest.raises(TypeError, match="draws floating-point samples, not minigrad.int32"):
        mg.rand_like(x)


# ---------------------------------------------------------------- ranges
def test_arange_documented_examples(device):
    assert host(mg.arange(5, device=device)).tolist() == [0, 1, 2, 3, 4] and mg.arange(5).dtype is mg.int64
    assert host(mg.arange(1, 4, device=device)).tolist() == [1, 2, 3]
    assert host(mg.arange(1, 2.5, 0.5, device=device)).tolist() == [1.0, 1.5, 2.0]
    assert mg.arange(1, 2.5, 0.5).dtype is mg.float32 and mg.arange(mg.tensor(3)).tolist() == [0, 1, 2]


def test_arange_length_and_values_follow_pytorch():
    # length ceil((end - start) / step) in float64; int64 results exactly, after truncating the arguments
    assert len(mg.arange(0, 1, 0.1)) == 10 and len(mg.arange(0, 10.0000001, 2.5)) == 5
    assert mg.arange(0, 5.5, 1.5, dtype=mg.int64).tolist() == [0, 1, 2, 3, 4]  # step 1.5 -> 1
    assert mg.arange(0.5, 5, 1.5, dtype=mg.int32).tolist() == [0, 1, 2]  # length from the floats
    assert mg.arange(-2.5, 2.5, dtype=mg.int64).tolist() == [-2, -1, 0, 1]
    assert mg.arange(2**53, 2**53 + 3).tolist() == [2**53, 2**53 + 1, 2**53 + 2]  # exact beyond float64
    np.testing.assert_allclose(mg.arange(1, 4, 0.3, dtype=mg.float64).numpy(), 1 + 0.3 * np.arange(10), rtol=1e-15)
    assert mg.arange(3, 0, -1).tolist() == [3, 2, 1] and mg.arange(0, -3, -1.5).tolist() == [0.0, -1.5]
    assert mg.arange(5.0, requires_grad=True).requires_grad


@pytest.mark.parametrize("args, kwargs, message", [
    ((0, 5, 0), {}, "step must be nonzero"),
    ((5, 0), {}, "upper bound and lower bound inconsistent with step sign"),
    ((float("inf"),), {}, "unsupported range: 0 -> inf"),
    ((3,), {"dtype": mg.bool}, "cannot make minigrad.bool tensors"),
    ((5,), {"requires_grad": True}, "only floating-point tensors can require gradients"),
])
def test_arange_errors(args, kwargs, message):
    with pytest.raises((RuntimeError, TypeError), match=message):
        mg.arange(*args, **kwargs)


def test_linspace_documented_examples_and_pytorchs_rounding(device):
    assert host(mg.linspace(3, 10, steps=5, device=device)).tolist() == [3.0, 4.75, 6.5, 8.25, 10.0]
    assert host(mg.linspace(-10, 10, steps=5, device=device)).tolist() == [-10.0, -5.0, 0.0, 5.0, 10.0]
    assert mg.linspace(start=-10, end=10, steps=1).tolist() == [-10.0] and mg.linspace(0, 1, 0).shape == (0,)
    # the second half is stepped back from end in float32, so the middle of 7 points is not exactly 0
    # (torch 2.13 prints tensor([-1.0000e+01, ..., 2.3842e-07, ...]), bit for bit this value)
    assert mg.linspace(-10, 10, 7)[3].item() == 2.384185791015625e-07
    assert mg.linspace(0, 10, 4, dtype=mg.int64).tolist() == [0, 3, 6, 10]  # truncated toward zero
    assert mg.linspace(1, 0, 5, dtype=mg.int64).tolist() == [1, 0, 0, 0, 0]
    assert mg.linspace(0, 1, 3).dtype is mg.float32 and mg.linspace(0, 1, 3, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        mg.linspace(0, 1, -1)
    with pytest.raises(TypeError, match="argument 'steps' must be int, not float"):
        mg.linspace(0, 1, 2.5)


def test_logspace_documented_examples(device):
    assert np.allclose(host(mg.logspace(start=-10, end=10, steps=5, device=device)), [1e-10, 1e-5, 1, 1e5, 1e10])
    np.testing.assert_allclose(host(mg.logspace(start=0.1, end=1.0, steps=5, device=device)),
                               [1.2589, 2.1135, 3.5481, 5.9566, 10.0000], atol=1e-4)
    assert np.allclose(mg.logspace(start=0.1, end=1.0, steps=1).numpy(), [1.2589], atol=1e-4)
    assert mg.logspace(start=2, end=2, steps=1, base=2).tolist() == [4.0]
    assert mg.logspace(0, 2, steps=3, base=2).tolist() == [1.0, 2.0, 4.0]
    assert mg.logspace(0, 3, steps=4, dtype=mg.int64).tolist() == [1, 10, 100, 1000]


# ---------------------------------------------------------------- random
def test_random_factories_shapes_dtypes_and_ranges(device):
    r = mg.rand(1000, device=device)
    assert r.dtype is mg.float32 and 0 <= host(r).min() and host(r).max() < 1
    assert mg.randn(2, 3, dtype=mg.float64, device=device).dtype is mg.float64 and mg.randn(size=(4,)).shape == (4,)
    i = mg.randint(0, 5, (100,), device=device)
    assert i.dtype is mg.int64 and host(i).min() >= 0 and host(i).max() < 5 and mg.randint(5, (3, 2)).shape == (3, 2)
    assert mg.randint(10, (2,), dtype=mg.float32).dtype is mg.float32
    assert sorted(host(mg.randperm(6, device=device)).tolist()) == list(range(6)) and mg.randperm(0).shape == (0,)
    assert mg.randperm(4, dtype=mg.float32).dtype is mg.float32
    assert mg.randint_like(mg.zeros(2, 2), 3, 10).dtype is mg.float32


@pytest.mark.parametrize("make, error, message", [
    (lambda: mg.rand(2, dtype=mg.int64), TypeError, "draws floating-point samples, not minigrad.int64"),
    (lambda: mg.randn(2, dtype=mg.int64), TypeError, "draws floating-point samples"),
    (lambda: mg.randint(3, 3, (2,)), RuntimeError, "expects 'from' to be less than 'to', but got from=3 >= to=3"),
    (lambda: mg.randint(10), TypeError, r"randint\(high, size\)"),
    (lambda: mg.randint(3, 10, (2,), requires_grad=True), RuntimeError, "only floating-point tensors"),
    (lambda: mg.randperm(-1), RuntimeError, r"negative dimension -1: \[-1\]"),
])
def test_random_factory_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_seed_reproduces_every_random_factory_and_generators_are_independent():
    def draw(**kw):
        return (mg.rand(3, **kw).tolist(), mg.randn(2, **kw).tolist(), mg.randint(0, 9, (3,), **kw).tolist(),
                mg.randperm(5, **kw).tolist(), mg.normal(0.0, 1.0, size=(2,), **kw).tolist(),
                mg.rand_like(mg.zeros(2), **kw).tolist(), mg.normal(mg.zeros(2), 1.0, **kw).tolist(),
                mg.nn.Linear(4, 2).weight.tolist())

    mg.manual_seed(3)
    first = draw()
    mg.manual_seed(3)
    assert draw() == first
    g1, g2 = mg.Generator().manual_seed(7), mg.Generator().manual_seed(7)
    assert draw(generator=g1)[:-1] == draw(generator=g2)[:-1]  # (Linear draws from the global generator)


def test_normal_in_its_four_forms(device):
    mg.manual_seed(0)
    z = mg.normal(2.0, 3.0, size=(200_000,), device=device)
    assert z.dtype is mg.float32 and abs(host(z).mean() - 2.0) < 0.05 and abs(host(z).std() - 3.0) < 0.05
    assert mg.normal(2.0, 3.0, (2,), dtype=mg.float64).dtype is mg.float64
    mean = mg.arange(1.0, 11.0, device=device)
    assert mg.normal(mean, 1.0).shape == (10,) and mg.normal(0.0, mg.ones(3, device=device)).shape == (3,)
    # PyTorch's documented example: mean = arange(1., 11.), std = arange(1, 0, -0.1)
    assert mg.normal(mean=mean, std=mg.arange(1, 0, -0.1, device=device)).shape == (10,)
    assert mg.normal(mg.zeros(3, 1), mg.ones(4)).shape == (3, 4)  # broadcast
    assert mg.normal(mg.zeros(3, dtype=mg.float64), mg.ones(3)).dtype is mg.float64
    exact = mg.normal(mg.tensor([5.0, -5.0], device=device), 0.0)
    assert host(exact).tolist() == [5.0, -5.0]  # std 0: the mean itself


@pytest.mark.parametrize("make, error, message", [
    (lambda: mg.normal(mg.zeros(3), -1.0), RuntimeError, "normal expects std >= 0.0, but found std -1.0"),
    (lambda: mg.normal(2.0, -3.0, size=(2,)), RuntimeError, "normal expects std >= 0.0"),
    (lambda: mg.normal(mg.zeros(3), mg.tensor([1.0, -1.0, 1.0])), RuntimeError, "all elements of std >= 0.0"),
    (lambda: mg.normal(mg.zeros(3), mg.ones(4)), RuntimeError, r"mean of shape \(3,\) and std of shape \(4,\)"),
    (lambda: mg.normal(mg.zeros(3, dtype=mg.int64), 1.0), TypeError, "expects a floating-point tensor"),
    (lambda: mg.normal(2.0, 3.0), TypeError, "needs size="),
])
def test_normal_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_normal_gradients_are_zero_as_pytorch_defines_them(device):
    # torch's derivatives.yaml: normal's gradient w.r.t. mean and std is zeros_like(grad) (checked in
    # torch 2.13: NormalBackward3 gives mean.grad = std.grad = 0); reparameterise for a pathwise gradient
    mean = mg.zeros(3, requires_grad=True, device=device)
    std = mg.ones(3, requires_grad=True, device=device)
    y = mg.normal(mean, std)
    assert y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    assert host(mean.grad).tolist() == [0.0] * 3 and host(std.grad).tolist() == [0.0] * 3
    assert not mg.normal(mg.zeros(3, device=device), 1.0).requires_grad


# ---------------------------------------------------------------- devices
def test_default_device_is_the_cpu_and_factories_follow_set_default_device(default_device, device):
    assert mg.get_default_device() == mg.device("cpu")
    mg.set_default_device(device)
    expected = mg.device(device) if device == "cpu" else mg.device("cuda", 0)
    assert mg.get_default_device() == expected
    made = [mg.zeros(2), mg.tensor([1.0]), mg.arange(3), mg.linspace(0, 1, 2), mg.eye(2), mg.full((1,), 2),
            mg.rand(2), mg.randn(2), mg.randint(3, (2,)), mg.randperm(3), mg.normal(0.0, 1.0, size=(2,)),
            mg.nn.Linear(2, 2).weight]
    assert {t.device for t in made} == {expected}
    assert mg.from_numpy(np.zeros(2)).device == mg.device("cpu")  # shares host memory, as in PyTorch
    assert mg.zeros(2, device="cpu").device == mg.device("cpu")  # an explicit device= wins
    mg.set_default_device(None)
    assert mg.get_default_device() == mg.device("cpu") and mg.zeros(1).device == mg.device("cpu")


@pytest.mark.parametrize("device", DEVICES[1:])
def test_printing_names_a_device_other_than_the_default(default_device, device):
    assert repr(mg.tensor([1.0], device=device)) == "tensor([1.], device='cuda:0')"
    mg.set_default_device(device)
    assert repr(mg.tensor([1.0])) == "tensor([1.])"
    assert repr(mg.tensor([1.0], device="cpu")) == "tensor([1.], device='cpu')"


def test_device_selection_as_current_tutorials_write_it():
    # PyTorch's "Build the Neural Network" tutorial:
    device = mg.accelerator.current_accelerator().type if mg.accelerator.is_available() else "cpu"
    model = mg.nn.Linear(3, 2).to(device)
    assert model(mg.randn(4, 3, device=device)).device.type == device
    assert mg.accelerator.is_available() == mg.cuda.is_available()
    assert mg.accelerator.device_count() == (mg.cuda.device_count() if mg.backends.cuda.is_built() else 0)
    built = mg.accelerator.current_accelerator()  # "compiled in": the CUDA backend can load here
    if mg.backends.cuda.is_built():
        assert built == mg.device("cuda") and built.type == "cuda" and built.index is None
    else:
        assert built is None
    available = mg.accelerator.current_accelerator(check_available=True)
    assert (available is not None) == mg.accelerator.is_available()
    assert mg.backends.mps.is_available() is False and mg.backends.mps.is_built() is False
    assert mg.backends.cudnn.is_available() is False
    mg.backends.cudnn.benchmark = mg.backends.cudnn.deterministic = True  # accepted, changes nothing
    mg.backends.cudnn.benchmark = mg.backends.cudnn.deterministic = False


def test_backends_cuda_is_built_means_the_cuda_backend_can_load(monkeypatch):
    monkeypatch.setenv("MINIGRAD_CUDA_SIM", "1")
    assert mg.backends.cuda.is_built() and mg.accelerator.current_accelerator() == mg.device("cuda")


# ---------------------------------------------------------------- save / load idioms (issue 14, item 6)
def test_save_and_load_as_pytorch_tutorials_write_them(tmp_path):
    model = mg.nn.Linear(2, 3)
    mg.save(model.state_dict(), tmp_path / "model.pth")  # any suffix: the content is safetensors
    for kwargs in ({}, {"weights_only": True}, {"map_location": "cpu"}, {"map_location": mg.device("cpu")}):
        fresh = mg.nn.Linear(2, 3)
        fresh.load_state_dict(mg.load(tmp_path / "model.pth", **kwargs))
        assert fresh.weight.tolist() == model.weight.tolist()
    with pytest.raises(TypeError, match=r"minigrad.save\(model.state_dict\(\), path\)"):
        mg.save(model, tmp_path / "whole.pth")
    mg.save(mg.tensor([1.0, 2.0]), tmp_path / "t.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.load(tmp_path / "t.pt").tolist() == [1.0, 2.0]


def test_new_factories_take_this_tensors_dtype_and_device(device):
    x = mg.zeros(2, dtype=mg.float64, device=device)
    made = [x.new_tensor([1, 2]), x.new_zeros(2, 3), x.new_ones((2,)), x.new_empty(1), x.new_full((2,), 3)]
    assert all(t.dtype is mg.float64 and t.device == x.device for t in made)
    assert host(made[4]).tolist() == [3.0, 3.0] and made[1].shape == (2, 3)
    assert x.new_ones(2, dtype=mg.int64).dtype is mg.int64 and x.new_zeros(2, requires_grad=True).requires_grad


def test_randint_takes_size_as_a_keyword():
    assert mg.randint(10, size=(3,)).shape == (3,) and mg.randint(2, 5, size=(4,)).min() >= 2

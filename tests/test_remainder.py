"""remainder (`%`, the sign of the divisor) and fmod (the sign of the dividend) on every device: values
from PyTorch's documentation and NumPy, gradients in float64 against finite differences, integers,
dtype promotion, the in-place forms and out=."""

import math

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd import gradcheck

SIGNED = [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]


def test_documented_values(device):
    # the examples of torch.remainder's and torch.fmod's documentation
    x, n = mg.tensor(SIGNED, device=device), mg.tensor([1, 2, 3, 4, 5], device=device)
    assert host(mg.remainder(x, 2)).tolist() == [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    np.testing.assert_allclose(host(mg.remainder(n, -1.5)), [-0.5, -1.0, 0.0, -0.5, -1.0])
    assert host(mg.fmod(x, 2)).tolist() == [-1.0, -0.0, -1.0, 1.0, 0.0, 1.0]
    np.testing.assert_allclose(host(mg.fmod(n, -1.5)), [1.0, 0.5, 0.0, 1.0, 0.5])


def test_the_signs_follow_the_divisor_for_remainder_and_the_dividend_for_fmod(device):
    x = mg.tensor([-7.0, 7.0, -7.5, 7.5], device=device)
    for y in (3, -3, mg.tensor([3.0, -3.0, 2.0, -2.0], device=device)):
        yy = host(y) if isinstance(y, mg.Tensor) else y
        np.testing.assert_allclose(host(x % y), np.remainder(host(x), yy), rtol=1e-6)
        np.testing.assert_allclose(host(x.remainder(y)), np.remainder(host(x), yy), rtol=1e-6)
        np.testing.assert_allclose(host(x.fmod(y)), np.fmod(host(x), yy), rtol=1e-6)
    assert host(x % 3).tolist() == [2.0, 1.0, 1.5, 1.5]  # Python's -7.0 % 3 == 2.0
    assert host(mg.fmod(x, 3)).tolist() == [-1.0, 1.0, -1.5, 1.5]  # C's fmod(-7.0, 3) == -1.0
    assert host(7 % mg.tensor([-3.0, 3.0], device=device)).tolist() == [-2.0, 1.0]


def test_broadcasting(device):
    x, y = mg.randn(3, 4, device=device), mg.rand(4, device=device) + 0.5
    np.testing.assert_allclose(host(x % y), np.remainder(host(x), host(y)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(host(mg.fmod(x, y[None])), np.fmod(host(x), host(y)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", [mg.remainder, mg.fmod])
def test_gradients(op, device):
    # away from the jumps at integer x / y: dz/dx = 1, dz/dy = -floor(x / y) (remainder), -trunc(x / y) (fmod)
    x = mg.tensor([[-7.3, 7.3, 5.6], [0.4, -0.6, 2.2]], dtype=mg.float64, device=device, requires_grad=True)
    y = mg.tensor([3.1, -3.1, 1.7], dtype=mg.float64, device=device, requires_grad=True)
    assert gradcheck(op, (x, y))
    assert gradcheck(lambda a: op(a, -1.7), (x,))
    x.grad = y.grad = None
    op(x, y).sum().backward()
    rounded = np.floor if op is mg.remainder else np.trunc
    np.testing.assert_allclose(host(x.grad), np.ones((2, 3)))
    np.testing.assert_allclose(host(y.grad), -rounded(host(x.detach()) / host(y.detach())).sum(0))


def test_gradient_of_a_number_dividend(device):
    y = mg.tensor([3.1, -2.2], dtype=mg.float64, device=device, requires_grad=True)
    assert gradcheck(lambda b: 7.5 % b, (y,))


def test_node_names():
    x, y = mg.randn(3, requires_grad=True), mg.randn(3, requires_grad=True)
    assert [(x % 2).grad_fn.name(), (x % y).grad_fn.name()] == ["RemainderBackward0", "RemainderBackward1"]
    assert [x.fmod(2).grad_fn.name(), x.fmod(y).grad_fn.name()] == ["FmodBackward0", "FmodBackward1"]


def test_integers_stay_integers(device):
    a = [-7, 7, -8, 5]
    x = mg.tensor(a, device=device)
    for y in (3, -3):
        assert (x % y).dtype == mg.int64 and host(x % y).tolist() == [v % y for v in a]
        assert host(x.fmod(y)).tolist() == [int(math.fmod(v, y)) for v in a]
    small = mg.tensor(a, dtype=mg.int8, device=device)
    assert (small % 3).dtype == mg.int8  # a Python int keeps the tensor's dtype
    assert (small % mg.tensor([3], device=device)).dtype == mg.int64  # two tensors promote
    assert (x % 2.5).dtype == mg.float32 and host(x % 2.5).tolist() == [v % 2.5 for v in a]
    assert host(17 % x).tolist() == [17 % v for v in a]


def test_integer_division_by_zero_raises():
    # as `//` does; on a GPU the divisor tensor is checked where it is (tests/test_device_checks.py)
    x = mg.tensor([5, -5])
    for op, name in ((mg.remainder, "remainder"), (mg.fmod, "fmod")):
        with pytest.raises(RuntimeError, match=rf"ZeroDivisionError: integer division by zero \({name}\)"):
            op(x, 0)
        with pytest.raises(RuntimeError, match=rf"ZeroDivisionError: integer division by zero \({name}\)"):
            op(x, mg.tensor([1, 0]))


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # NumPy's, for x % 0.0
def test_float_division_by_zero_is_nan(device):
    x = mg.tensor([1.0, -1.0], device=device)
    assert np.isnan(host(x % 0)).all() and np.isnan(host(mg.fmod(x, 0.0))).all()


def test_in_place_forms(device):
    x = mg.tensor([-7.0, 7.0], device=device)
    before = x._data
    x %= 3
    assert x._data is before and host(x).tolist() == [2.0, 1.0]
    assert x.remainder_(-1.5) is x and host(x).tolist() == [-1.0, -0.5]
    assert x.fmod_(0.75) is x and host(x).tolist() == [-0.25, -0.5]
    i = mg.tensor([-7, 7], device=device)
    i %= 3
    assert i.dtype == mg.int64 and host(i).tolist() == [2, 1]
    with pytest.raises(RuntimeError, match="result type minigrad.float32 can't be cast"):
        i.fmod_(2.5)


def test_out_and_errors(device):
    x, out = mg.tensor([-7.0, 7.0], device=device), mg.empty(2, device=device)
    assert mg.remainder(x, 3, out=out) is out and host(out).tolist() == [2.0, 1.0]
    assert mg.fmod(x, 3, out=out) is out and host(out).tolist() == [-1.0, 1.0]
    with pytest.raises(TypeError, match=r"fmod\(\): argument 'input' must be Tensor, not int"):
        mg.fmod(7, x)
    with pytest.raises(TypeError, match="unsupported operand type"):
        x % "3"

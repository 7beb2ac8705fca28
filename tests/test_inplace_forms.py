"""In-place forms as PyTorch spells them, on every device: `x.sin_()`, `torch.sin_(x)`, `x.eq_(y)`,
`x.unsqueeze_(0)`, the random fills and `rand(out=)`. Each must equal its out-of-place op, write into
the tensor's own storage (views see it), follow the in-place rules (refused on a tensor that requires
grad while grad mode records; a graph that saved the tensor raises at backward) and return the tensor."""

import math

import numpy as np
import pytest
from conftest import host

import minigrad as mg

# in-place method: (input values, args); each is checked against the out-of-place method without "_"
FLOAT = [0.25, 0.5, 0.75]
METHODS = {
    "abs_": ([-1.0, 2.0], ()), "sign_": ([-1.0, 2.0], ()), "neg_": (FLOAT, ()), "negative_": (FLOAT, ()),
    "exp_": (FLOAT, ()), "exp2_": (FLOAT, ()), "expm1_": (FLOAT, ()), "log_": (FLOAT, ()), "log2_": (FLOAT, ()),
    "log10_": (FLOAT, ()), "log1p_": (FLOAT, ()), "sqrt_": (FLOAT, ()), "rsqrt_": (FLOAT, ()),
    "reciprocal_": (FLOAT, ()), "square_": (FLOAT, ()), "sigmoid_": (FLOAT, ()), "logit_": (FLOAT, (0.3,)),
    "relu_": ([-1.0, 2.0], ()), "erf_": (FLOAT, ()), "sin_": (FLOAT, ()), "cos_": (FLOAT, ()), "tan_": (FLOAT, ()),
    "asin_": (FLOAT, ()), "arcsin_": (FLOAT, ()), "acos_": (FLOAT, ()), "atan_": (FLOAT, ()), "sinh_": (FLOAT, ()),
    "cosh_": (FLOAT, ()), "tanh_": (FLOAT, ()), "asinh_": (FLOAT, ()), "acosh_": ([1.5, 2.0], ()),
    "atanh_": (FLOAT, ()), "sinc_": (FLOAT, ()), "deg2rad_": (FLOAT, ()), "rad2deg_": (FLOAT, ()),
    "floor_": ([1.5, -1.5], ()), "ceil_": ([1.5, -1.5], ()), "round_": ([1.5, 2.5], ()), "trunc_": ([1.5, -1.5], ()),
    "fix_": ([1.5, -1.5], ()), "clamp_": (FLOAT, (0.3, 0.6)), "clip_": (FLOAT, (0.3,)), "clamp_min_": (FLOAT, (0.4,)),
    "clamp_max_": (FLOAT, (0.4,)), "pow_": (FLOAT, (3,)), "xlogy_": (FLOAT, (2.0,)),
    "floor_divide_": ([7.0, -7.0], (2,)), "divide_": (FLOAT, (4.0,)), "true_divide_": (FLOAT, (4.0,)),
    "multiply_": (FLOAT, (3.0,)), "subtract_": (FLOAT, (1.0,)), "eq_": (FLOAT, (0.5,)), "ne_": (FLOAT, (0.5,)),
    "lt_": (FLOAT, (0.5,)), "le_": (FLOAT, (0.5,)), "gt_": (FLOAT, (0.5,)), "ge_": (FLOAT, (0.5,)),
    "greater_": (FLOAT, (0.5,)), "cumsum_": (FLOAT, (0,)), "cumprod_": (FLOAT, (0,)),
}
TENSOR_ARGS = {  # methods whose arguments are tensors (made on the test's device)
    "atan2_": [[1.0, -1.0, 2.0]], "hypot_": [[3.0, 4.0, 0.5]], "lerp_": [[1.0, 2.0, 3.0], [0.5, 0.1, 1.0]],
    "addcmul_": [[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]], "addcdiv_": [[1.0, 2.0, 3.0], [2.0, 4.0, 8.0]],
    "logical_and_": [[1.0, 0.0, 1.0]], "logical_or_": [[0.0, 0.0, 1.0]], "logical_xor_": [[1.0, 0.0, 0.0]],
}


def _check(x, name, args, device):
    expected = host(getattr(x, name[:-1])(*args))
    before = x._data
    result = getattr(x, name)(*args)
    assert result is x and x._data is before  # written into x's own storage
    np.testing.assert_allclose(host(x), expected, rtol=1e-6)


@pytest.mark.parametrize("name", METHODS)
def test_inplace_method_equals_its_op_and_writes_in_place(name, device):
    values, args = METHODS[name]
    _check(mg.tensor(values, device=device), name, args, device)


@pytest.mark.parametrize("name", TENSOR_ARGS)
def test_inplace_method_with_tensor_arguments(name, device):
    args = [mg.tensor(a, device=device) for a in TENSOR_ARGS[name]]
    _check(mg.tensor(FLOAT, device=device), name, args, device)


def test_integer_and_bool_inplace_forms(device):
    i = mg.tensor([5, 3, 6], device=device)
    assert host(i.bitwise_and_(mg.tensor([1, 1, 2], device=device))).tolist() == [1, 1, 2]
    assert host(i.bitwise_or_(4)).tolist() == [5, 5, 6] and host(i.bitwise_xor_(1)).tolist() == [4, 4, 7]
    assert host(i.bitwise_not_()).tolist() == [-5, -5, -8] and i.dtype == mg.int64
    b = mg.tensor([True, False], device=device)
    assert host(b.logical_not_()).tolist() == [False, True]
    m = mg.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    assert host(m.tril_()).tolist() == [[1.0, 0.0], [3.0, 4.0]]
    assert host(m.triu_(1)).tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_inplace_writes_show_through_views_and_keep_the_dtype(device):
    base = mg.tensor([[0.0, 1.0], [4.0, 9.0]], device=device)
    row = base[1]
    row.sqrt_()
    assert host(base).tolist() == [[0.0, 1.0], [2.0, 3.0]]
    x = mg.tensor([1.0, 2.0], device=device)
    assert x.gt_(1.5).dtype == mg.float32 and host(x).tolist() == [0.0, 1.0]  # bools written as 0 / 1
    i = mg.tensor([1, 2], device=device)
    with pytest.raises(TypeError, match="sin expects a floating-point tensor"):
        i.sin_()
    with pytest.raises(RuntimeError, match="result type minigrad.float32 can't be cast to the desired output type"):
        i.div_(2)
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the broadcast shape \[2, 2\]"):
        x.atan2_(mg.ones(2, 2, device=device))


def test_inplace_rules_apply(device):
    w = mg.tensor([0.5, 1.0], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place operation on a tensor that requires grad"):
        w.sin_()
    with pytest.raises(RuntimeError, match="in-place operation on a tensor that requires grad"):
        w.unsqueeze_(0)
    with mg.no_grad():
        w.mul_(2).clamp_(max=1.5)  # the optimizer idiom: allowed under no_grad
    assert host(w).tolist() == [1.0, 1.5]
    x = mg.tensor([0.5, 1.0], device=device)
    y = (w * x).sum()  # saves x for w's gradient
    x.exp_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    with pytest.raises(RuntimeError, match="in-place operation with a value that requires grad"):
        mg.tensor([1.0, 2.0], device=device).lerp_(w, 0.5)


def test_top_level_inplace_functions(device):
    b = mg.tensor([0.0, math.pi / 2], device=device)
    assert mg.sin_(b) is b and host(b).tolist() == pytest.approx([0.0, 1.0])
    assert host(mg.clamp_(b, max=0.5)).tolist() == [0.0, 0.5] and host(mg.neg_(b)).tolist() == [0.0, -0.5]
    assert host(mg.xlogy_(mg.tensor([2.0], device=device), 1.0)).tolist() == [0.0]
    with pytest.raises(TypeError, match=r"sqrt_\(\): argument 'input' must be Tensor, not list"):
        mg.sqrt_([1.0])


def test_view_changing_inplace_forms(device):
    x = mg.arange(6.0, device=device).reshape(2, 3)
    assert x.unsqueeze_(0) is x and x.shape == (1, 2, 3)
    assert x.squeeze_().shape == (2, 3) and x.t_().shape == (3, 2) and host(x).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert x.transpose_(0, 1).shape == (2, 3) and x.swapaxes_(0, 1).shape == (3, 2)
    assert x.unsqueeze_(-1).shape == (3, 2, 1)
    assert x.squeeze_(-1).shape == (3, 2)
    x[0, 0] = 7.0  # still the same storage as the views before
    assert host(x).tolist()[0] == [7.0, 3.0]
    saved = mg.tensor([1.0, 2.0], device=device)
    w = mg.tensor([1.0, 1.0], device=device, requires_grad=True)
    y = (w * saved).sum()
    saved.unsqueeze_(0)  # an in-place op in PyTorch's sense: the version moves on
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_random_fills(device):
    _ = mg.manual_seed(0)
    x = mg.empty(4000, device=device)
    assert x.uniform_(-2, 3) is x
    v = host(x)
    assert v.min() >= -2 and v.max() < 3 and abs(v.mean() - 0.5) < 0.1
    v = host(x.normal_(1.0, 2.0))
    assert abs(v.mean() - 1.0) < 0.15 and abs(v.std() - 2.0) < 0.15
    v = host(x.exponential_(4.0))
    assert v.min() >= 0 and abs(v.mean() - 0.25) < 0.02
    v = host(x.bernoulli_(0.25))
    assert set(np.unique(v)) <= {0.0, 1.0} and abs(v.mean() - 0.25) < 0.03
    p = mg.tensor([0.0, 1.0], device=device)
    assert host(mg.empty(2, device=device).bernoulli_(p)).tolist() == [0.0, 1.0]
    ints = mg.empty(1000, dtype=mg.int64, device=device)
    assert set(host(ints.random_(3, 6)).tolist()) == {3, 4, 5} and set(host(ints.random_(2)).tolist()) == {0, 1}
    small = host(mg.empty(1000, dtype=mg.uint8, device=device).random_())
    assert small.min() >= 0 and small.max() <= 255 and small.max() > 200  # the whole uint8 range
    half = host(mg.empty(1000, dtype=mg.float16, device=device).random_())
    assert half.max() <= 2048 and half.max() > 1000 and (half == np.round(half)).all()  # [0, 2^11]: exact in float16
    # a seed reproduces the fills, the same numbers as rand / randn
    _ = mg.manual_seed(7)
    a = host(mg.empty(5, device=device).uniform_())
    _ = mg.manual_seed(7)
    assert host(mg.rand(5, device=device)).tolist() == a.tolist()
    g = mg.Generator().manual_seed(3)
    assert host(mg.empty(3, device=device).normal_(generator=g)).tolist() == \
        host(mg.randn(3, generator=mg.Generator().manual_seed(3))).tolist()


def test_random_fill_errors(device):
    x = mg.empty(3, device=device)
    with pytest.raises(RuntimeError, match=r"uniform_ expects to return a \[from, to\) range, but found from=2 > to=1"):
        x.uniform_(2, 1)
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        x.normal_(0, -1)
    with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0"):
        x.exponential_(0)
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in"):
        x.bernoulli_(1.5)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        x.random_(3, 3)
    with pytest.raises(RuntimeError, match="uniform_ not implemented for 'minigrad.int64'"):
        mg.empty(2, dtype=mg.int64, device=device).uniform_()
    with pytest.raises(RuntimeError, match="in-place operation on a tensor that requires grad"):
        mg.empty(2, device=device, requires_grad=True).normal_()


def test_rand_and_randn_out(device):
    c = mg.zeros(2, 2, device=device)
    _ = mg.manual_seed(1)
    assert mg.rand(2, 2, out=c) is c
    _ = mg.manual_seed(1)
    assert host(c).tolist() == host(mg.rand(2, 2)).tolist()
    d = mg.zeros(0, dtype=mg.float64, device=device)
    assert mg.randn(3, out=d) is d and d.shape == (3,) and d.dtype == mg.float64  # resized, out's dtype
    with pytest.raises(TypeError, match="rand\\(\\) draws floating-point samples, not minigrad.int64"):
        mg.rand(2, out=mg.zeros(2, dtype=mg.int64))

"""nn layers beyond Linear, on every device: erf, the activations, LayerNorm, BatchNorm1d, Embedding,
one_hot, normalize, pad, Unflatten. Forward values against PyTorch's documented formulas (NumPy or
math.erf), gradients against float64 finite differences, reprs and errors as PyTorch prints them."""

import math

import numpy as np
import pytest
from conftest import host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.autograd import gradcheck

R = np.random.default_rng(7)
_erf = np.vectorize(math.erf)


def t64(a, device, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), device=device, requires_grad=requires_grad)


# ------------------------------------------------------------------ erf
def test_erf_is_within_two_ulp_of_math_erf_in_float64():
    # every interval of the approximation, both signs, their boundaries, tiny and huge values
    x = np.concatenate([R.uniform(-7, 7, 100_000), R.standard_normal(50_000) * 0.5, np.linspace(-6.5, 6.5, 20_001),
                        np.logspace(-300, 1, 2_000), [0.46875, 0.5, 4.0, 6.0, 26.5, 1e300]])
    x = np.concatenate([x, -x])
    ours = mg.erf(mg.tensor(x)).numpy()
    ref = _erf(x)
    ulps = np.abs(ours - ref) / np.spacing(np.abs(ref))
    assert ulps.max() <= 2, f"max error {ulps.max()} ulp at x = {x[ulps.argmax()]}"
    assert ulps.mean() < 0.3


def test_erf_float32_float16_and_special_values(device):
    x = np.concatenate([R.uniform(-5, 5, 20_000), [0.0, 0.5, 4.0, 4.5, 10.0]]).astype(np.float32)
    ours = host(mg.erf(mg.tensor(x, device=device)))
    ref = _erf(x.astype(np.float64)).astype(np.float32)
    assert ours.dtype == np.float32
    assert (np.abs(ours.astype(np.float64) - ref) / np.spacing(np.abs(ref)).astype(np.float64)).max() <= 3
    special = host(mg.tensor([np.inf, -np.inf, np.nan, -0.0], device=device).erf())
    assert special[0] == 1 and special[1] == -1 and np.isnan(special[2]) and np.signbit(special[3])
    half = mg.tensor([0.25, -2.0], dtype=mg.float16, device=device).erf()
    assert half.dtype == mg.float16
    np.testing.assert_allclose(host(half), _erf([0.25, -2.0]), rtol=1e-3)
    with pytest.raises(TypeError, match=r"erf expects a floating-point tensor but got minigrad.int64"):
        mg.erf(mg.tensor([1, 2]))


def test_erf_gradient(device):
    x = t64(R.uniform(-3, 3, (3, 4)), device)
    assert gradcheck(mg.erf, (x,))
    x.grad = None  # gradcheck leaves its own J^T v there
    mg.erf(x).sum().backward()
    np.testing.assert_allclose(host(x.grad), 2 / math.sqrt(math.pi) * np.exp(-host(x) ** 2), rtol=1e-12)


# ------------------------------------------------------------------ activations
def _gelu(x):
    return x * 0.5 * (1 + _erf(x / math.sqrt(2)))


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _softplus(x, beta, threshold):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(np.minimum(beta * x, threshold))) / beta)


# name: (module, the F call it is, PyTorch's documented formula, PyTorch's repr)
ACTIVATIONS = {
    "gelu": (nn.GELU(), F.gelu, _gelu, "GELU(approximate='none')"),
    "gelu_tanh": (nn.GELU("tanh"), lambda x: F.gelu(x, approximate="tanh"), _gelu_tanh, "GELU(approximate='tanh')"),
    "silu": (nn.SiLU(), F.silu, lambda x: x / (1 + np.exp(-x)), "SiLU()"),
    "leaky_relu": (nn.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x),
                   "LeakyReLU(negative_slope=0.2)"),
    "elu": (nn.ELU(alpha=0.5), lambda x: F.elu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
            "ELU(alpha=0.5)"),
    "softplus": (nn.Softplus(beta=2, threshold=3), lambda x: F.softplus(x, 2, 3), lambda x: _softplus(x, 2, 3),
                 "Softplus(beta=2, threshold=3)"),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_forward_matches_formula(name, device):
    module, fn, ref, text = ACTIVATIONS[name]
    x = np.concatenate([R.standard_normal(40) * 3, [0.0, 1.4, 1.6, -1e-3]]).astype(np.float32)  # 1.5: softplus' bend
    for out in (module(mg.tensor(x, device=device)), fn(mg.tensor(x, device=device))):
        assert out.dtype == mg.float32
        np.testing.assert_allclose(host(out), ref(x.astype(np.float64)), rtol=2e-6, atol=1e-7)
    assert repr(module) == text


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradients(name, device):
    _, fn, _, _ = ACTIVATIONS[name]
    x = t64(np.concatenate([R.standard_normal(10) * 3, [1.3, 1.7, -0.2, 0.3]]), device)  # away from the kinks
    assert gradcheck(fn, (x,))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_stay_finite_far_out(name):
    _, fn, _, _ = ACTIVATIONS[name]
    x = mg.tensor([-1e4, -100.0, 100.0, 1e4], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # not even in a branch np.where drops
        y = fn(x)
        y.sum().backward()
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()


def test_activation_options_and_reprs():
    assert repr(nn.ReLU()) == "ReLU()" and repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.SiLU(inplace=True)) == "SiLU(inplace=True)"
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.ELU()) == "ELU(alpha=1.0)" and repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    x = mg.tensor([-1.0, 2.0])
    assert nn.LeakyReLU(inplace=True)(x).tolist() == pytest.approx([-0.01, 2.0]) and x.tolist() == [-1.0, 2.0]
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(x, approximate="fast")
    with pytest.raises(TypeError, match="silu expects a floating-point tensor"):
        F.silu(mg.tensor([1, 2]))


def test_softmax_modules_without_dim_use_pytorchs_legacy_dim():
    assert repr(nn.Softmax()) == "Softmax(dim=None)" and repr(nn.LogSoftmax(dim=1)) == "LogSoftmax(dim=1)"
    x = mg.tensor(R.standard_normal((2, 3)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"):
        y = nn.Softmax()(x)  # 2-d: dim 1
    np.testing.assert_allclose(y.data.sum(1), 1)
    with pytest.warns(UserWarning):
        z = nn.LogSoftmax()(mg.tensor(R.standard_normal((2, 3, 4))))  # 3-d: dim 0
    np.testing.assert_allclose(np.exp(z.data).sum(0), 1)
    np.testing.assert_allclose(F.softmax(mg.tensor([1, 2, 3]), dim=0, dtype=mg.float64).data.sum(), 1)


# ------------------------------------------------------------------ LayerNorm
def _layer_norm(x, k, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def test_layer_norm_module_forward_init_and_repr(device):
    ln = nn.LayerNorm((3, 4), device=device)
    assert repr(ln) == "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True, bias=True)"
    assert host(ln.weight).tolist() == np.ones((3, 4)).tolist() and not host(ln.bias).any()
    with mg.no_grad():
        ln.weight.copy_(R.standard_normal((3, 4)))
        ln.bias.copy_(R.standard_normal((3, 4)))
    x = R.standard_normal((2, 5, 3, 4)).astype(np.float32) * 3 + 1
    np.testing.assert_allclose(host(ln(mg.tensor(x, device=device))),
                               _layer_norm(x, 2, host(ln.weight), host(ln.bias)), rtol=1e-4, atol=1e-5)
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert plain.weight is plain.bias is None and list(plain.parameters()) == []
    assert repr(plain) == "LayerNorm((4,), eps=1e-05, elementwise_affine=False, bias=False)"
    no_bias = nn.LayerNorm(4, bias=False)
    assert no_bias.bias is None and [n for n, _ in no_bias.named_parameters()] == ["weight"]
    np.testing.assert_allclose(plain(mg.tensor(x[..., 0, :])).data, _layer_norm(x[..., 0, :], 1), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_gradients(affine, device):
    x = t64(R.standard_normal((3, 2, 4)), device)
    w = t64(R.standard_normal((2, 4)), device) if affine != "none" else None
    b = t64(R.standard_normal((2, 4)), device) if affine == "both" else None
    assert gradcheck(lambda x, *p: F.layer_norm(x, (2, 4), w, b), (x, *[p for p in (w, b) if p is not None]))


def test_layer_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with shape \[\*, 4\], "
                                           r"but got input of size\[2, 3\]"):
        F.layer_norm(mg.randn(2, 3), (4,))
    with pytest.raises(RuntimeError, match=r"Expected weight to be of same shape as normalized_shape"):
        F.layer_norm(mg.randn(2, 3), (3,), weight=mg.ones(4))
    with pytest.raises(TypeError, match=r"layer_norm: input is minigrad.float64 but weight is minigrad.float32"):
        nn.LayerNorm(3)(mg.randn(2, 3, dtype=mg.float64))


# ------------------------------------------------------------------ BatchNorm1d
def _bn(x, mean, var, w, b, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * w.reshape(shape) + b.reshape(shape)


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
def test_batch_norm_trains_on_batch_stats_and_evaluates_on_running_averages(shape, device):
    bn = nn.BatchNorm1d(3, device=device)
    with mg.no_grad():
        bn.weight.copy_([0.5, 2.0, -1.0])
        bn.bias.copy_([0.1, 0.0, 3.0])
    w, b = host(bn.weight), host(bn.bias)
    axes = (0, 2) if len(shape) == 3 else (0,)
    n = np.prod(shape) // 3
    running_mean, running_var = np.zeros(3), np.ones(3)
    for _ in range(3):
        x = (R.standard_normal(shape) * 2 + 1).astype(np.float32)
        y = bn(mg.tensor(x, device=device))
        mean, var = x.mean(axes), x.var(axes)  # biased variance normalises
        np.testing.assert_allclose(host(y), _bn(x, mean, var, w, b), rtol=1e-4, atol=1e-5)
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * var * n / (n - 1)  # the unbiased one is averaged
    np.testing.assert_allclose(host(bn.running_mean), running_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(host(bn.running_var), running_var, rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == mg.int64
    bn.eval()
    x = R.standard_normal(shape).astype(np.float32)
    np.testing.assert_allclose(host(bn(mg.tensor(x, device=device))), _bn(x, running_mean, running_var, w, b),
                               rtol=1e-4, atol=1e-5)
    assert bn.num_batches_tracked.item() == 3  # eval does not count


def test_batch_norm_momentum_none_is_the_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None, affine=False)
    batches = [R.standard_normal((5, 2)).astype(np.float32) + i for i in range(4)]
    for x in batches:
        bn(mg.tensor(x))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([x.mean(0) for x in batches], 0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data, np.mean([x.var(0, ddof=1) for x in batches], 0), rtol=1e-5)
    assert repr(bn) == "BatchNorm1d(2, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)"


def test_batch_norm_without_running_stats_always_uses_the_batch():
    bn = nn.BatchNorm1d(3, track_running_stats=False)
    assert bn.running_mean is None and bn.num_batches_tracked is None
    assert [n for n, _ in bn.named_buffers()] == [] and list(bn.state_dict()) == ["weight", "bias"]
    x = R.standard_normal((6, 3)).astype(np.float32)
    expected = _bn(x, x.mean(0), x.var(0), np.ones(3), np.zeros(3))
    np.testing.assert_allclose(bn.eval()(mg.tensor(x)).data, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (3, 3, 4)])
def test_batch_norm_gradients(training, shape, device):
    x = t64(R.standard_normal(shape), device)
    w, b = t64(R.standard_normal(3), device), t64(R.standard_normal(3), device)
    rm, rv = t64(R.standard_normal(3), device, False), t64(R.uniform(0.5, 2, 3), device, False)
    # running stats are updated in place while training: gradcheck re-runs forward, so give it copies
    assert gradcheck(lambda x, w, b: F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=training), (x, w, b))


def test_batch_norm_state_dict_conversion_and_errors():
    bn = nn.BatchNorm1d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    bn.double()
    assert bn.running_mean.dtype == mg.float64 and bn.num_batches_tracked.dtype == mg.int64  # floats only
    assert nn.BatchNorm1d(3, bias=False).bias is None
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        bn(mg.randn(2, 3, 4, 5, dtype=mg.float64))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, got input size "
                                         r"\(1, 3\)"):
        bn(mg.randn(1, 3, dtype=mg.float64))
    with pytest.raises(RuntimeError, match="running_mean should contain 4 elements not 3"):
        bn(mg.randn(2, 4, dtype=mg.float64))
    with pytest.raises(RuntimeError, match="running_mean and running_var must be given when training=False"):
        F.batch_norm(mg.randn(2, 3), None, None)


# ------------------------------------------------------------------ Embedding and one_hot
def test_embedding_looks_up_rows_and_accumulates_their_gradients(device):
    mg.manual_seed(0)
    emb = nn.Embedding(6, 3, padding_idx=-1, device=device)  # -1: the last row
    assert emb.padding_idx == 5 and repr(emb) == "Embedding(6, 3, padding_idx=5)"
    w = host(emb.weight)
    assert not w[5].any() and abs(w[:5].std() - 1) < 0.6  # N(0, 1), the padding row zeroed
    idx = np.array([[0, 2, 2], [5, 1, 2]])
    y = emb(mg.tensor(idx, device=device))
    np.testing.assert_array_equal(host(y), w[idx])
    g = R.standard_normal((2, 3, 3)).astype(np.float32)
    y.backward(mg.tensor(g, device=device))
    expected = np.zeros((6, 3), np.float32)
    np.add.at(expected, idx.reshape(-1), g.reshape(-1, 3))
    expected[5] = 0  # the padding row gets no gradient
    np.testing.assert_allclose(host(emb.weight.grad), expected, rtol=1e-6)


def test_embedding_gradcheck_and_scale_grad_by_freq(device):
    weight = t64(R.standard_normal((4, 2)), device)
    idx = mg.tensor([[1, 1, 3], [0, 1, 3]], device=device)
    assert gradcheck(lambda w: F.embedding(idx, w), (weight,))
    # padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer the derivative)
    weight.grad = None
    F.embedding(idx, weight, scale_grad_by_freq=True).sum().backward()
    assert host(weight.grad)[:, 0].tolist() == [1.0, 1.0, 0.0, 1.0]  # each row's sum divided by its count
    weight.grad = None
    F.embedding(idx, weight, padding_idx=1).sum().backward()
    assert host(weight.grad)[:, 0].tolist() == [1.0, 0.0, 0.0, 2.0]


def test_embedding_max_norm_renormalises_the_rows_looked_up():
    emb = nn.Embedding(5, 4, max_norm=1.0)
    with mg.no_grad():
        emb.weight.copy_(np.arange(20).reshape(5, 4) / 4.0)
    before = emb.weight.detach().numpy().copy()
    out = emb(mg.tensor([1, 3, 3]))
    norms = np.linalg.norm(emb.weight.data, axis=1)
    np.testing.assert_allclose(norms[[1, 3]], 1.0, rtol=1e-5)  # max_norm / (norm + 1e-7) scaling
    np.testing.assert_array_equal(emb.weight.data[[0, 2, 4]], before[[0, 2, 4]])  # the others untouched
    np.testing.assert_allclose(out.data, emb.weight.data[[1, 3, 3]])
    assert repr(emb) == "Embedding(5, 4, max_norm=1.0)"


def test_embedding_from_pretrained_and_errors():
    table = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad and emb(mg.tensor([1])).tolist() == [[3.0, 4.0]]
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    with pytest.raises(RuntimeError, match=r"Expected tensor for argument #1 'indices' to have one of the following "
                                           r"scalar types: Long, Int; but got minigrad.float32"):
        emb(mg.tensor([0.0]))
    with pytest.raises(IndexError, match=r"index out of range in self: embedding index 2 for a weight of 2 rows"):
        emb(mg.tensor([0, 2]))
    with pytest.raises(IndexError, match="index -1"):
        emb(mg.tensor([-1]))
    with pytest.raises(ValueError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(NotImplementedError, match="sparse gradients"):
        nn.Embedding(3, 2, sparse=True)
    assert repr(nn.Embedding(10, 3, norm_type=3.0, scale_grad_by_freq=True)) == (
        "Embedding(10, 3, norm_type=3.0, scale_grad_by_freq=True)")


def test_one_hot(device):
    t = mg.tensor([[0, 2], [1, 2]], device=device)
    out = F.one_hot(t)
    assert out.dtype == mg.int64 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(host(out), np.eye(3, dtype=np.int64)[host(t)])
    assert F.one_hot(mg.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    with pytest.raises(RuntimeError, match="Class values must be non-negative"):
        F.one_hot(mg.tensor([0, -1]))
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        F.one_hot(mg.tensor([0, 3]), 3)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(mg.tensor([0.0]))


# ------------------------------------------------------------------ normalize, pad, Unflatten
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf])
def test_normalize_matches_formula_and_gradcheck(p, device):
    x = R.standard_normal((3, 4, 2))
    norm = np.linalg.norm(x, ord=p, axis=1, keepdims=True)
    np.testing.assert_allclose(host(F.normalize(t64(x, device, False), p=p)), x / np.maximum(norm, 1e-12), rtol=1e-12)
    assert gradcheck(lambda x: F.normalize(x, p=p, dim=1), (t64(x, device),))


def test_normalize_of_a_zero_vector_has_pytorchs_finite_gradient():
    x = mg.zeros(2, 3, dtype=mg.float64, requires_grad=True)
    y = F.normalize(x, dim=1)
    assert y.data.tolist() == np.zeros((2, 3)).tolist()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 1e12)  # g / eps: ||x|| < eps passes no gradient through the norm
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.normalize(mg.randn(3))  # dim=1 by default


def test_pad_constant_grows_and_crops(device):
    x = R.standard_normal((2, 3, 4))
    y = F.pad(t64(x, device, False), (1, 2, -1, 1), value=7.0)  # last dim +1/+2, second-to-last -1/+1
    expected = np.pad(x[:, 1:, :], ((0, 0), (0, 1), (1, 2)), constant_values=7.0)
    np.testing.assert_array_equal(host(y), expected)
    assert gradcheck(lambda x: F.pad(x, (1, 2, -1, 1)), (t64(x, device),))
    assert gradcheck(lambda x: F.pad(x, (0, 0, 0, 0, 2, -1)), (t64(x, device),))
    assert F.pad(mg.ones(2), (1, 1)).tolist() == [0.0, 1.0, 1.0, 0.0]


def test_pad_errors():
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(mg.ones(3), (1, 2, 3))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal to two times the input"):
        F.pad(mg.ones(3), (1, 2, 3, 4))
    with pytest.raises(RuntimeError, match="negative size"):
        F.pad(mg.ones(3), (-2, -2))
    with pytest.raises(NotImplementedError, match="mode='reflect' is not supported"):
        F.pad(mg.ones(1, 3), (1, 1), mode="reflect")


def test_unflatten_and_flatten(device):
    x = mg.randn(2, 12, device=device, requires_grad=True)
    layer = nn.Unflatten(1, (3, -1))
    assert repr(layer) == "Unflatten(dim=1, unflattened_size=(3, -1))"
    y = layer(x)
    assert y.shape == (2, 3, 4) and nn.Flatten()(y).shape == (2, 12)
    np.testing.assert_array_equal(host(y), host(x).reshape(2, 3, 4))
    y.sum().backward()
    assert x.grad.shape == (2, 12)
    with pytest.raises(RuntimeError, match=r"unflatten: Provided sizes \[5, 2\] don't multiply up to the size of "
                                           r"dim 1 \(12\)"):
        nn.Unflatten(1, (5, 2))(x)
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints"):
        nn.Unflatten(1, 12)

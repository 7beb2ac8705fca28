"""nn: Module registration and state, Linear (shapes, init, fused path), init formulas, losses."""

import math

import numpy as np
import pytest
from conftest import host
from test_seeds import make_net

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.autograd import gradcheck
from minigrad.nn import init

Net = make_net  # the seed tutorial's two-layer Net (tests/test_seeds.py)


# ------------------------------------------------------------------ Module
def test_registration_names_and_traversal():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert len(list(net.parameters())) == 4 and len(list(net.children())) == 2
    assert len(list(net.modules())) == 3
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU) and isinstance(seq[-1], nn.Linear)
    assert [type(m) for m in seq] == [nn.Linear, nn.ReLU, nn.Linear]
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])
    assert len(list(ml.parameters())) == 4


def test_repr_is_pytorch_nested_format():
    assert repr(Net()) == (
        "Net(\n  (fc1): Linear(in_features=10, out_features=5, bias=True)\n"
        "  (fc2): Linear(in_features=5, out_features=2, bias=True)\n)")
    assert repr(nn.Sequential(nn.Linear(3, 1, bias=False), nn.ReLU())) == (
        "Sequential(\n  (0): Linear(in_features=3, out_features=1, bias=False)\n  (1): ReLU()\n)")


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = mg.randn(4, 10)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    sd = a.state_dict()
    del sd["fc2.bias"]
    sd["extra"] = mg.zeros(1)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "fc2.bias"') as e:
        b.load_state_dict(sd)
    assert 'Unexpected key(s) in state_dict: "extra"' in str(e.value)
    assert b.load_state_dict(sd, strict=False).missing_keys == ["fc2.bias"]
    bad = a.state_dict()
    bad["fc1.weight"] = mg.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1.weight: .*\(3, 3\).*\(5, 10\)"):
        b.load_state_dict(bad)


def test_load_state_dict_copies_in_place():
    net = Net()
    w = net.fc1.weight
    net.load_state_dict({k: mg.zeros_like(v) for k, v in net.state_dict().items()})
    assert net.fc1.weight is w and w.abs().sum().item() == 0


def test_train_eval_zero_grad_apply_to():
    net = Net()
    assert net.training and not net.eval().fc1.training and net.train().fc2.training
    net(mg.randn(2, 10)).sum().backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert net.fc1.weight.grad.abs().sum().item() == 0
    net.zero_grad()
    assert net.fc1.weight.grad is None
    net.apply(lambda m: init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
    assert net.fc2.bias.abs().sum().item() == 0
    w = net.fc1.weight
    net.to(mg.float64)
    assert net.fc1.weight is w and w.dtype == mg.float64
    assert net(mg.randn(1, 10, dtype=mg.float64)).dtype == mg.float64


def test_setattr_before_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="super\\(\\).__init__\\(\\)"):
        Bad()


def test_buffers_persistent_and_not_follow_the_module():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.register_buffer("steps", mg.zeros(1))
            self.register_buffer("cache", mg.ones(3), persistent=False)
            self.register_buffer("absent", None)

    net = Net()
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert list(net.state_dict()) == ["steps", "fc.weight", "fc.bias"]  # own state first; cache: not saved
    net.steps = mg.tensor([5.0])  # assigning a tensor to a buffer's name keeps it a buffer
    assert "steps" in net._buffers and net.state_dict()["steps"].tolist() == [5.0]
    net.double()
    assert net.cache.dtype == mg.float64 and net.steps.dtype == mg.float64  # to() moves every buffer
    other = Net().double()
    other.load_state_dict(net.state_dict())  # cache is neither expected nor required
    assert other.steps.tolist() == [5.0]
    with pytest.raises(TypeError, match=r"cannot assign 'list' object to buffer 'x' \(torch Tensor or None required\)"):
        net.register_buffer("x", [1.0])
    with pytest.raises(KeyError, match="attribute 'fc' already exists"):
        net.register_buffer("fc", mg.zeros(1))
    with pytest.raises(KeyError, match=r'buffer name can.*t contain "\."'):
        net.register_buffer("a.b", mg.zeros(1))
    with pytest.raises(TypeError, match=r"cannot assign 'Tensor' as parameter 'weight' \(torch.nn.Parameter or None"):
        net.fc.weight = mg.zeros(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'fc'"):
        net.fc = 3
    del net.steps
    assert "steps" not in dict(net.named_buffers())


def test_state_dict_options_and_non_tensor_values():
    net = Net()
    sd = net.state_dict(prefix="model.", keep_vars=True)
    assert list(sd)[0] == "model.fc1.weight" and sd["model.fc1.weight"] is net.fc1.weight
    bad = net.state_dict()
    bad["fc2.bias"] = [0.0, 1.0]
    with pytest.raises(RuntimeError, match='While copying the parameter named "fc2.bias", expected torch.Tensor or '
                                           "Tensor-like object from checkpoint but received <class 'list'>"):
        net.load_state_dict(bad)
    fresh = {k: mg.zeros_like(v) for k, v in net.state_dict().items()}
    weight = net.fc1.weight
    net.load_state_dict(fresh, assign=True)  # takes the given tensors themselves
    assert net.fc1.weight is not weight and isinstance(net.fc1.weight, nn.Parameter)
    assert net.fc1.weight.requires_grad and net.fc1.weight.abs().sum().item() == 0


def test_forward_hooks_and_pre_hooks():
    layer = nn.Linear(3, 2)
    calls = []
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))  # may replace the input
    post = layer.register_forward_hook(lambda m, args, out: calls.append((m, args[0].shape, out.shape)))
    x = mg.randn(4, 3)
    y = layer(x)
    np.testing.assert_allclose(y.data, np.broadcast_to(layer.bias.data, (4, 2)), rtol=1e-6)  # zeroed input
    assert calls == [(layer, (4, 3), (4, 2))]
    double = layer.register_forward_hook(lambda m, args, out: out * 2, prepend=True)  # runs first
    np.testing.assert_allclose(layer(x).data, 2 * y.data)
    assert len(calls) == 2
    for handle in (pre, post, double):
        handle.remove()
    np.testing.assert_allclose(layer(x).data, F.linear(x, layer.weight, layer.bias).data)
    assert len(calls) == 2
    seen = []
    layer.register_forward_pre_hook(lambda m, args, kwargs: seen.append(kwargs) or None, with_kwargs=True)
    layer.register_forward_hook(lambda m, args, kwargs, out: seen.append(out.shape), with_kwargs=True)
    layer(input=x)
    assert seen[0].keys() == {"input"} and seen[1] == (4, 2)


def test_forward_hook_always_call_runs_when_forward_raises():
    layer, seen = nn.Linear(3, 2), []
    layer.register_forward_hook(lambda m, args, out: seen.append(out), always_call=True)
    with pytest.raises(RuntimeError, match="mat1 and mat2"):
        layer(mg.randn(2, 5))
    assert seen == [None]


def test_containers_register_their_contents():
    md = nn.ModuleDict({"enc": nn.Linear(2, 3), "act": nn.ReLU()})
    md["dec"] = nn.Linear(3, 2)
    assert list(md) == ["enc", "act", "dec"] and "act" in md and len(md) == 3
    assert [n for n, _ in md.named_parameters()] == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert isinstance(md.pop("act"), nn.ReLU) and list(md.keys()) == ["enc", "dec"]
    assert repr(nn.ModuleDict({"a": nn.ReLU()})) == "ModuleDict(\n  (a): ReLU()\n)"

    pl = nn.ParameterList([nn.Parameter(mg.ones(3, 4)), mg.zeros(2)])  # a plain tensor becomes a Parameter
    pl.append(mg.ones(1))
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 3 and pl[-1].shape == (1,)
    assert list(pl.state_dict()) == ["0", "1", "2"] and len(list(pl.parameters())) == 3
    assert repr(pl) == ("ParameterList(\n    (0): Parameter containing: [minigrad.float32 of size 3x4]\n"
                        "    (1): Parameter containing: [minigrad.float32 of size 2]\n"
                        "    (2): Parameter containing: [minigrad.float32 of size 1]\n)")
    assert len(pl[1:]) == 2
    with pytest.raises(IndexError, match="index 3 is out of range for ParameterList of length 3"):
        pl[3]

    pd = nn.ParameterDict({"scale": mg.ones(2)})
    pd["keys"] = nn.Parameter(mg.zeros(1))  # a key may shadow a method's name
    assert list(pd) == ["scale", "keys"] and pd["keys"].shape == (1,) and callable(pd.keys)
    assert [n for n, _ in pd.named_parameters()] == ["scale", "keys"]
    assert repr(nn.ParameterDict({"a": mg.ones(3, 4)})) == (
        "ParameterDict(  (a): Parameter containing: [minigrad.float32 of size 3x4])")  # PyTorch's one-line form
    del pd["scale"]
    assert list(pd.keys()) == ["keys"] and pd.get("scale") is None

    class Mixture(nn.Module):  # the usual reason for these containers: parameters made in a loop
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList(nn.Linear(2, 1) for _ in range(3))
            self.gates = nn.ParameterList(nn.Parameter(mg.tensor([float(i)])) for i in range(3))

        def forward(self, x):
            return sum(g * h(x) for g, h in zip(self.gates, self.heads))

    mix = Mixture()
    mix(mg.randn(4, 2)).sum().backward()
    assert all(p.grad is not None for p in mix.parameters()) and len(list(mix.parameters())) == 9


def test_module_dtype_conversions_and_requires_grad_():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert net.half()[0].weight.dtype == mg.float16 and net[1].num_batches_tracked.dtype == mg.int64
    assert net.double()[1].running_var.dtype == mg.float64 and net.float()[0].bias.dtype == mg.float32
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    assert net.requires_grad_() is net and all(p.requires_grad for p in net.parameters())


# ------------------------------------------------------------------ Linear
def test_linear_shapes_any_leading_dims(device):
    layer = nn.Linear(3, 2, device=device)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert layer(mg.randn(3, device=device)).shape == (2,)
    assert layer(mg.randn(4, 3, device=device)).shape == (4, 2)
    assert layer(mg.randn(5, 4, 3, device=device)).shape == (5, 4, 2)
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_forward_is_the_formula(device):
    layer = nn.Linear(4, 3, device=device)
    x = mg.randn(2, 5, 4, device=device)
    expected = host(x) @ host(layer.weight).T + host(layer.bias)
    np.testing.assert_allclose(host(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_linear_backward_is_the_formula(device):
    layer = nn.Linear(4, 3, device=device)
    x = mg.randn(2, 5, 4, device=device, requires_grad=True)
    g = mg.randn(2, 5, 3, device=device)
    layer(x).backward(g)
    G, X, W = host(g).reshape(-1, 3), host(x).reshape(-1, 4), host(layer.weight)
    np.testing.assert_allclose(host(x.grad).reshape(-1, 4), G @ W, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(host(layer.weight.grad), G.T @ X, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(host(layer.bias.grad), G.sum(0), rtol=1e-5, atol=1e-5)


def test_linear_default_init_is_pytorchs_bound():
    mg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
    assert np.abs(layer.weight.data).max() > 0.95 * bound  # fills the interval
    assert abs(layer.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.01 * bound  # uniform's std


def test_linear_errors_for_common_mistakes():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match=r"input has 5 features in its last dimension \(shape \(4, 5\)\) "
                                           r"but weight expects 3 \(weight shape \(2, 3\)\)"):
        layer(mg.randn(4, 5))
    with pytest.raises(TypeError, match=r"int64.*\.float\(\)"):
        layer(mg.tensor([[1, 2, 3]]))


@pytest.mark.parametrize("n_in, n_out", [(3, 0), (0, 4), (0, 0)])
def test_empty_linear_layers_work_forward_and_backward(n_in, n_out, device):
    # PyTorch allows Linear(in, 0) and Linear(0, out): empty outputs, or outputs that are the bias
    layer = nn.Linear(n_in, n_out, device=device)
    x = mg.randn(5, n_in, device=device, requires_grad=True)
    y = layer(x)
    assert y.shape == (5, n_out)
    np.testing.assert_array_equal(host(y), np.broadcast_to(host(layer.bias), (5, n_out)))  # x W^T = 0
    y.sum().backward()
    assert x.grad.shape == (5, n_in) and not host(x.grad).any()
    assert layer.weight.grad.shape == (n_out, n_in) and host(layer.bias.grad).tolist() == [5.0] * n_out
    seq = nn.Sequential(nn.Linear(n_in, n_out), nn.ReLU()).to(device)  # the fused Linear + ReLU too
    seq(mg.randn(2, 7, n_in, device=device)).sum().backward()
    assert seq[0].bias.grad.shape == (n_out,)
    assert nn.Linear(3, 2)(mg.randn(0, 3)).shape == (0, 2)  # and a batch of no rows


def test_sequential_fuses_linear_relu_and_matches_unfused(device):
    mg.manual_seed(0)
    seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    x = mg.randn(6, 4, device=device)
    y = seq(x)
    assert type(y.grad_fn.inputs[0].grad_fn).__name__ == "LinearReLU"
    y.sum().backward()
    fused = [host(p.grad) for p in seq.parameters()]
    seq.zero_grad()
    unfused = seq[2](seq[1](seq[0](x)))  # module by module: no fusion
    np.testing.assert_allclose(host(unfused), host(y), rtol=1e-6)
    unfused.sum().backward()
    for a, b in zip(fused, (host(p.grad) for p in seq.parameters())):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(10,), (4, 10), (2, 3, 10)])
def test_whole_mlp_gradcheck_float64(shape):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 6), nn.ReLU(), nn.Linear(6, 3)).double()
    x = mg.randn(*shape, dtype=mg.float64, requires_grad=True)
    n = int(np.prod(shape[:-1]))
    target = mg.randint(0, 3, shape[:-1]) if n > 1 else mg.tensor(1)
    params = list(model.parameters())

    def loss(x, *weights):
        for p, w in zip(params, weights):
            p.data = w.data
        logits = model(x)
        if logits.ndim == 3:  # (B, T, C) -> (B, C, T): classes on dim 1, as PyTorch wants
            logits = logits.permute(0, 2, 1)
        return F.cross_entropy(logits, target)

    assert gradcheck(lambda x: loss(x, *params), (x,))
    for p in params:
        p.grad = None
    assert gradcheck(lambda *ws: loss(x.detach(), *ws), params)


# ------------------------------------------------------------------ activations and losses
def test_activation_modules():
    x = mg.tensor([-1.0, 0.0, 2.0])
    assert nn.ReLU()(x).tolist() == [0.0, 0.0, 2.0]
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp(-x.data)), rtol=1e-6)
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh(x.data), rtol=1e-6)
    assert nn.Identity()(x) is x
    assert nn.Flatten()(mg.zeros(2, 3, 4)).shape == (2, 12)
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).sum().item(), 1.0, rtol=1e-6)


def test_dropout_scales_survivors_and_is_the_identity_in_eval(device):
    mg.manual_seed(0)
    layer = nn.Dropout(p=0.25)
    assert repr(layer) == "Dropout(p=0.25, inplace=False)"
    x = mg.ones(4000, device=device, requires_grad=True)
    y = layer(x)
    kept = host(y) != 0
    assert 0.2 < 1 - kept.mean() < 0.3  # ~p of the elements zeroed
    np.testing.assert_allclose(host(y)[kept], 1 / 0.75, rtol=1e-6)  # survivors scaled by 1/(1-p)
    y.sum().backward()
    np.testing.assert_array_equal(host(x.grad), host(y))  # dx = g * mask / (1 - p)
    mg.manual_seed(0)
    np.testing.assert_array_equal(host(layer(x)), host(y))  # the seed reproduces the mask
    layer.eval()
    assert layer(x) is x
    assert host(F.dropout(x, p=1.0)).sum() == 0 and F.dropout(x, p=0.0) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(p=1.5)


def test_losses_match_formulas():
    x = mg.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    t = mg.tensor([0, 1])
    lse = np.log(np.exp(x.data).sum(1))
    per_row = lse - x.data[[0, 1], [0, 1]]
    np.testing.assert_allclose(nn.CrossEntropyLoss()(x, t).item(), per_row.mean(), rtol=1e-6)
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction="sum")(x, t).item(), per_row.sum(), rtol=1e-6)
    np.testing.assert_allclose(nn.CrossEntropyLoss(reduction="none")(x, t).data, per_row, rtol=1e-6)
    np.testing.assert_allclose(nn.NLLLoss()(F.log_softmax(x, 1), t).item(), per_row.mean(), rtol=1e-6)
    y = mg.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(nn.MSELoss()(x, y).item(), ((x.data - y.data) ** 2).mean(), rtol=1e-6)
    ignore = mg.tensor([0, -100])
    np.testing.assert_allclose(F.cross_entropy(x, ignore).item(), per_row[0], rtol=1e-6)


@pytest.mark.parametrize("ignore_index", [-100, 1, 7])
def test_cross_entropy_ignore_index_drops_rows_from_loss_and_gradient(ignore_index):
    x = mg.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    t = mg.tensor([0, ignore_index, 2, ignore_index])
    F.cross_entropy(x, t, ignore_index=ignore_index).backward()
    p = np.exp(x.data) / np.exp(x.data).sum(1, keepdims=True)
    expected = (p - np.eye(3)[[0, 0, 2, 0]]) * np.array([[1], [0], [1], [0]]) / 2  # mean over 2 rows kept
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)
    per_row = F.cross_entropy(x, t, reduction="none", ignore_index=ignore_index)
    assert per_row.data[1] == per_row.data[3] == 0


def test_softmax_family_is_stable_for_huge_logits():
    x = mg.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
    assert np.isfinite(F.log_softmax(x, 1).data).all()
    loss = F.cross_entropy(x, mg.tensor([1]))
    assert np.isfinite(loss.item()) and abs(loss.item() - 1e4) < 1
    loss.backward()
    assert np.isfinite(x.grad.data).all()


def test_loss_input_errors():
    with pytest.raises(TypeError, match="integer dtype.*long"):
        F.cross_entropy(mg.randn(2, 3), mg.tensor([0.0, 1.0]))
    with pytest.raises(IndexError, match="Target 5 is out of bounds for 3 classes"):
        F.cross_entropy(mg.randn(2, 3), mg.tensor([0, 5]))
    with pytest.raises(ValueError, match=r"batch_size \(2\) to match target batch_size \(3\).*target of shape \(2,\)"):
        F.cross_entropy(mg.randn(2, 3), mg.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(2, 1\) and target shape \(2,\)"):
        F.mse_loss(mg.randn(2, 1), mg.randn(2))


# ------------------------------------------------------------------ init
def test_calculate_gain_and_fans():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2 / 6)
    assert init.calculate_gain("linear") == init.calculate_gain("sigmoid") == 1
    assert init._calculate_fan_in_and_fan_out(mg.zeros(5, 3)) == (3, 5)
    assert init._calculate_fan_in_and_fan_out(mg.zeros(5, 3, 2, 2)) == (12, 20)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(mg.zeros(3))


@pytest.mark.parametrize("fn, kind, scale", [
    (lambda t: init.xavier_uniform_(t), "uniform", math.sqrt(6 / (200 + 300))),
    (lambda t: init.xavier_normal_(t, gain=2.0), "normal", 2 * math.sqrt(2 / (200 + 300))),
    (lambda t: init.kaiming_uniform_(t, nonlinearity="relu"), "uniform", math.sqrt(2) * math.sqrt(3 / 300)),
    (lambda t: init.kaiming_normal_(t, mode="fan_out"), "normal", math.sqrt(2 / 1.0001) / math.sqrt(200)),
    (lambda t: init.uniform_(t, -0.5, 0.5), "uniform", 0.5),
    (lambda t: init.normal_(t, 0.0, 0.1), "normal", 0.1),
])
def test_init_distributions_match_formulas(fn, kind, scale):
    mg.manual_seed(0)
    t = mg.zeros(200, 300, requires_grad=True)
    assert fn(t) is t and t.requires_grad
    data = t.detach().numpy().astype(np.float64)
    if kind == "uniform":  # U(-a, a): max close to a, std a / sqrt(3)
        assert np.abs(data).max() <= scale * (1 + 1e-6) and np.abs(data).max() > 0.99 * scale
        np.testing.assert_allclose(data.std(), scale / math.sqrt(3), rtol=0.02)
    else:
        np.testing.assert_allclose(data.std(), scale, rtol=0.02)
    assert abs(data.mean()) < 0.02 * scale


def test_constant_inits():
    t = mg.empty(2, 2)
    assert init.constant_(t, 0.5).tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert init.ones_(t).sum().item() == 4 and init.zeros_(t).sum().item() == 0

"""Losses on every device: forward against PyTorch's documented formulas (NumPy, float64), gradients
against finite differences, and the validation PyTorch does, with its messages."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.autograd import gradcheck

R = np.random.default_rng(11)
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}


def t64(a, device, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), device=device, requires_grad=requires_grad)


def _lse(x, axis=1):
    m = x.max(axis, keepdims=True)
    return m + np.log(np.exp(x - m).sum(axis, keepdims=True))


# ------------------------------------------------------------------ regression losses
def _smooth_l1(d, beta):
    return np.where(np.abs(d) < beta, 0.5 * d * d / beta, np.abs(d) - 0.5 * beta)


def _huber(d, delta):
    return np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))


ELEMENTWISE = {  # name: (F call, formula of d = input - target, module)
    "mse": (F.mse_loss, lambda d: d * d, nn.MSELoss),
    "l1": (F.l1_loss, np.abs, nn.L1Loss),
    "smooth_l1": (lambda x, y, **k: F.smooth_l1_loss(x, y, beta=0.5, **k), lambda d: _smooth_l1(d, 0.5),
                  lambda **k: nn.SmoothL1Loss(beta=0.5, **k)),
    "huber": (lambda x, y, **k: F.huber_loss(x, y, delta=0.7, **k), lambda d: _huber(d, 0.7),
              lambda **k: nn.HuberLoss(delta=0.7, **k)),
}


@pytest.mark.parametrize("reduction", REDUCE)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_losses_match_formulas(name, reduction, device):
    fn, formula, module = ELEMENTWISE[name]
    x, y = R.standard_normal((4, 3)), R.standard_normal((4, 3))
    expected = REDUCE[reduction](formula(x - y))
    xt, yt = t64(x, device, False), t64(y, device, False)
    np.testing.assert_allclose(host(fn(xt, yt, reduction=reduction)), expected, rtol=1e-12)
    np.testing.assert_allclose(host(module(reduction=reduction)(xt, yt)), expected, rtol=1e-12)
    assert gradcheck(lambda x, y: fn(x, y, reduction=reduction), (t64(x, device), t64(y, device)))


def test_smooth_l1_with_beta_0_is_l1_and_the_options_are_checked():
    x, y = mg.tensor(R.standard_normal(5)), mg.tensor(R.standard_normal(5))
    assert F.smooth_l1_loss(x, y, beta=0.0).item() == F.l1_loss(x, y).item()
    assert repr(nn.SmoothL1Loss()) == "SmoothL1Loss()" and nn.HuberLoss().delta == 1.0
    with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative values for beta"):
        F.smooth_l1_loss(x, y, beta=-1)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values for delta"):
        F.huber_loss(x, y, delta=0)
    with pytest.raises(ValueError, match=r"l1_loss: input shape \(5,\) and target shape \(5, 1\) differ"):
        F.l1_loss(x, y.reshape(5, 1))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        nn.L1Loss(reduction="foo")


def test_weighted_elementwise_losses_follow_pytorchs_means():
    x, y, w = R.standard_normal((3, 2)), R.standard_normal((3, 2)), R.uniform(0.5, 2, (3, 2))
    xt, yt, wt = mg.tensor(x), mg.tensor(y), mg.tensor(w)
    np.testing.assert_allclose(F.mse_loss(xt, yt, weight=wt).item(), (w * (x - y) ** 2).sum() / w.sum())
    np.testing.assert_allclose(F.l1_loss(xt, yt, weight=wt).item(), (w * np.abs(x - y)).sum() / w.sum())
    np.testing.assert_allclose(F.huber_loss(xt, yt, weight=wt).item(), (w * _huber(x - y, 1.0)).mean())
    np.testing.assert_allclose(F.mse_loss(xt, yt, weight=wt, reduction="none").data, w * (x - y) ** 2)
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        F.mse_loss(xt, yt, weight=mg.ones(2, dtype=mg.float64))


def test_legacy_size_average_and_reduce_flags():
    x, y = mg.tensor([1.0, 3.0]), mg.tensor([0.0, 0.0])
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use "
                                         "reduction='sum' instead"):
        assert F.l1_loss(x, y, size_average=False).item() == 4.0
    with pytest.warns(UserWarning):
        assert nn.MSELoss(reduce=False)(x, y).tolist() == [1.0, 9.0]


# ------------------------------------------------------------------ binary cross-entropy
def _bce(p, y, w=1.0):
    return -w * (y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)


@pytest.mark.parametrize("reduction", REDUCE)
def test_binary_cross_entropy(reduction, device):
    p, y, w = R.uniform(0.05, 0.95, (4, 3)), R.uniform(0, 1, (4, 3)), R.uniform(0.5, 2, 3)
    out = F.binary_cross_entropy(t64(p, device, False), t64(y, device, False), weight=t64(w, device, False),
                                 reduction=reduction)
    np.testing.assert_allclose(host(out), REDUCE[reduction](_bce(p, y, w)), rtol=1e-12)
    module = nn.BCELoss(weight=t64(w, device, False), reduction=reduction)
    assert gradcheck(lambda p, y: module(p, y), (t64(p, device), t64(y, device)))


def test_binary_cross_entropy_clamps_its_logs_at_minus_100():
    p = mg.tensor([0.0, 1.0, 0.0, 1.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([1.0, 0.0, 0.0, 1.0], dtype=mg.float64)
    losses = F.binary_cross_entropy(p, y, reduction="none")
    assert losses.tolist() == [100.0, 100.0, 0.0, 0.0]  # finite, as PyTorch documents
    losses.sum().backward()
    np.testing.assert_allclose(p.grad.data, [-1e12, 1e12, 0.0, 0.0])  # (x - y) / max(x (1 - x), 1e-12)
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0]))
    with pytest.raises(ValueError, match=r"Using a target size \(\(4,\)\) that is different to the input size"):
        F.binary_cross_entropy(mg.tensor([0.5]), mg.ones(4))


@pytest.mark.parametrize("reduction", REDUCE)
def test_binary_cross_entropy_with_logits_and_pos_weight(reduction, device):
    x, y = R.standard_normal((4, 3)) * 3, R.uniform(0, 1, (4, 3))
    w, pw = R.uniform(0.5, 2, (4, 1)), np.array([1.0, 3.0, 0.5])
    expected = w * ((1 - y) * x + (1 + (pw - 1) * y) * _softplus(x))
    out = F.binary_cross_entropy_with_logits(t64(x, device, False), t64(y, device, False), t64(w, device, False),
                                             reduction=reduction, pos_weight=t64(pw, device, False))
    np.testing.assert_allclose(host(out), REDUCE[reduction](expected), rtol=1e-12)
    # without weights it is BCE of the sigmoid, written stably
    plain = F.binary_cross_entropy_with_logits(t64(x, device, False), t64(y, device, False), reduction=reduction)
    np.testing.assert_allclose(host(plain), REDUCE[reduction](_bce(1 / (1 + np.exp(-x)), y)), rtol=1e-9)
    module = nn.BCEWithLogitsLoss(weight=t64(w, device, False), pos_weight=t64(pw, device, False), reduction=reduction)
    assert gradcheck(lambda x, y: module(x, y), (t64(x, device), t64(y, device)))
    assert gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(x, y), (t64(x, device), t64(y, device)))


def test_binary_cross_entropy_with_logits_is_stable_for_huge_logits():
    x = mg.tensor([1e4, -1e4, 50.0, -50.0], requires_grad=True)
    y = mg.tensor([0.0, 1.0, 1.0, 0.0])
    losses = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(losses.data, [1e4, 1e4, 0.0, 0.0], atol=1e-6)
    losses.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, -1.0, 0.0, 0.0], atol=1e-6)  # sigmoid(x) - y
    with pytest.raises(ValueError, match=r"Target size \(\(2,\)\) must be the same as input size \(\(4,\)\)"):
        F.binary_cross_entropy_with_logits(x, mg.ones(2))
    with pytest.raises(ValueError, match="pos_weight of shape \\(3,\\) does not broadcast"):
        F.binary_cross_entropy_with_logits(x, y, pos_weight=mg.ones(3))
    with pytest.raises(RuntimeError, match="pos_weight requires grad"):
        F.binary_cross_entropy_with_logits(x, y, pos_weight=mg.ones(4, requires_grad=True))


# ------------------------------------------------------------------ KL divergence
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(log_target, device):
    x = np.log(R.dirichlet(np.ones(4), 3))  # log-probabilities
    q = R.dirichlet(np.ones(4), 3)
    if not log_target:
        q[0, 1] = 0.0  # a zero target contributes 0 (0 log 0 = 0)
    y = np.log(q) if log_target else q
    with np.errstate(divide="ignore", invalid="ignore"):
        pointwise = np.where(q > 0, q * (np.log(q) - x), 0.0)
    xt, yt = t64(x, device, False), t64(y, device, False)
    for reduction, expected in [("sum", pointwise.sum()), ("batchmean", pointwise.sum() / 3), ("none", pointwise)]:
        np.testing.assert_allclose(host(F.kl_div(xt, yt, reduction=reduction, log_target=log_target)), expected,
                                   rtol=1e-12, atol=1e-300)
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size"):
        np.testing.assert_allclose(host(nn.KLDivLoss(log_target=log_target)(xt, yt)), pointwise.mean(), rtol=1e-12)
    y_smooth = np.log(R.dirichlet(np.ones(4), 3)) if log_target else R.dirichlet(np.ones(4), 3)
    assert gradcheck(lambda x, y: F.kl_div(x, y, reduction="batchmean", log_target=log_target),
                     (t64(x, device), t64(y_smooth, device)))


# ------------------------------------------------------------------ cross-entropy: weights, smoothing, soft targets
def _ce_reference(x, t, w=None, eps=0.0, ignore=-100):
    """PyTorch's documented formula, row by row: (1 - eps) nll + eps/C * sum_c w_c (-log p_c)."""
    n, c = x.shape
    w = np.ones(c) if w is None else w
    logp = x - _lse(x)
    keep = t != ignore
    ts = np.where(keep, t, 0)
    nll = -w[ts] * logp[np.arange(n), ts] * keep
    smooth = -(logp * w).sum(1) * keep
    per_row = (1 - eps) * nll + eps / c * smooth
    return per_row, (w[ts] * keep).sum()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.2])
@pytest.mark.parametrize("ignore", [False, True])
def test_cross_entropy_weight_label_smoothing_and_ignore_index(weighted, eps, ignore, device):
    x = R.standard_normal((6, 4)) * 2
    t = np.array([0, 3, 1, 1, 2, 3])
    if ignore:
        t[[1, 4]] = -100
    w = R.uniform(0.2, 3, 4) if weighted else None
    per_row, weight_sum = _ce_reference(x, t, w, eps)
    xt, tt = t64(x, device, False), mg.tensor(t, device=device)
    wt = None if w is None else t64(w, device, False)
    np.testing.assert_allclose(host(F.cross_entropy(xt, tt, wt, label_smoothing=eps)), per_row.sum() / weight_sum,
                               rtol=1e-12)  # weighted mean: sum w_t l / sum w_t
    np.testing.assert_allclose(host(F.cross_entropy(xt, tt, wt, reduction="sum", label_smoothing=eps)), per_row.sum(),
                               rtol=1e-12)
    np.testing.assert_allclose(host(F.cross_entropy(xt, tt, wt, reduction="none", label_smoothing=eps)), per_row,
                               rtol=1e-12, atol=1e-15)
    loss = nn.CrossEntropyLoss(wt, label_smoothing=eps)  # weight is the first argument, as in PyTorch
    for reduction in REDUCE:
        loss.reduction = reduction
        assert gradcheck(lambda x: loss(x, tt), (t64(x, device),))


def test_cross_entropy_over_extra_dims_with_weights_and_smoothing(device):
    x = R.standard_normal((2, 3, 5))  # (N, C, d)
    t = R.integers(0, 3, (2, 5))
    w = np.array([0.5, 1.0, 2.0])
    rows = x.transpose(0, 2, 1).reshape(-1, 3)
    per_row, weight_sum = _ce_reference(rows, t.reshape(-1), w, 0.1)
    xt, tt, wt = t64(x, device, False), mg.tensor(t, device=device), t64(w, device, False)
    np.testing.assert_allclose(host(F.cross_entropy(xt, tt, wt, label_smoothing=0.1)), per_row.sum() / weight_sum,
                               rtol=1e-12)
    assert host(F.cross_entropy(xt, tt, wt, reduction="none", label_smoothing=0.1)).shape == (2, 5)
    assert gradcheck(lambda x: F.cross_entropy(x, tt, wt, label_smoothing=0.1), (t64(x, device),))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_cross_entropy_with_probability_targets(weighted, eps, device):
    x = R.standard_normal((5, 4))
    q = R.dirichlet(np.ones(4), 5)
    w = R.uniform(0.5, 2, 4) if weighted else np.ones(4)
    qs = q * (1 - eps) + eps / 4
    per_row = -(w * qs * (x - _lse(x))).sum(1)
    xt, qt = t64(x, device, False), t64(q, device, False)
    wt = t64(w, device, False) if weighted else None
    np.testing.assert_allclose(host(F.cross_entropy(xt, qt, wt, label_smoothing=eps)), per_row.mean(), rtol=1e-12)
    np.testing.assert_allclose(host(F.cross_entropy(xt, qt, wt, reduction="none", label_smoothing=eps)), per_row,
                               rtol=1e-12)
    # differentiable with respect to the target too (distillation from a teacher that requires grad)
    assert gradcheck(lambda x, q: F.cross_entropy(x, q, wt, label_smoothing=eps), (t64(x, device), t64(q, device)))
    # (N, C, d); contiguous, as gradcheck nudges the tensor's buffer through a flat view
    x3, q3 = R.standard_normal((2, 4, 3)), np.ascontiguousarray(R.dirichlet(np.ones(4), (2, 3)).transpose(0, 2, 1))
    assert gradcheck(lambda x, q: F.cross_entropy(x, q, reduction="sum"), (t64(x3, device), t64(q3, device)))


def test_cross_entropy_probability_target_one_hot_equals_index_target():
    x = mg.tensor(R.standard_normal((4, 3)))
    t = mg.tensor([2, 0, 1, 1])
    onehot = F.one_hot(t, 3).double()
    for eps in (0.0, 0.25):
        np.testing.assert_allclose(F.cross_entropy(x, onehot, label_smoothing=eps).item(),
                                   F.cross_entropy(x, t, label_smoothing=eps).item(), rtol=1e-12)


def test_cross_entropy_option_errors():
    x = mg.randn(3, 4)
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, mg.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 4 classes or no classes "
                                           r"but got weight tensor of shape: \[3\]"):
        F.cross_entropy(x, mg.tensor([0, 1, 2]), weight=mg.ones(3))
    with pytest.raises(TypeError, match="probability targets must have the input's dtype minigrad.float32, got "
                                        "minigrad.float64"):
        F.cross_entropy(x, mg.ones(3, 4, dtype=mg.float64))
    with pytest.raises(TypeError, match="class-index targets of an integer dtype"):
        F.cross_entropy(x, mg.rand(3, 5))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 5\], got \[2, 4\]"):
        F.cross_entropy(mg.randn(2, 3, 5), mg.tensor(np.zeros((2, 4), np.int64)))


# ------------------------------------------------------------------ nll_loss: validated as cross_entropy (issue 9)
@pytest.mark.parametrize("fn", [F.nll_loss, F.cross_entropy])
def test_class_index_targets_are_validated_with_pytorchs_messages(fn, device):
    x = mg.randn(3, 4, device=device)
    with pytest.raises(IndexError, match=r"Target -1 is out of bounds"):  # no wrap-around to the last class
        fn(x, mg.tensor([0, -1, 2], device=device))
    with pytest.raises(IndexError, match=r"Target 4 is out of bounds for 4 classes"):
        fn(x, mg.tensor([0, 1, 4], device=device))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)"):
        fn(x, mg.tensor([0, 1], device=device))  # not the first 2 rows only
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target not supported"):
        fn(x, mg.tensor([[0], [1], [2]], device=device))
    with pytest.raises(TypeError, match="integer dtype"):
        fn(x, mg.tensor([0.0, 1.0, 2.0], device=device))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        fn(x, mg.tensor([0, 1, 2], device=device), weight=mg.ones(4, device=device, requires_grad=True))


def test_nll_loss_weights_ignore_index_and_shapes(device):
    logp = R.standard_normal((5, 3))
    t = np.array([2, 0, 1, 2, 1])
    w = np.array([0.5, 2.0, 1.5])
    xt, tt, wt = t64(logp, device), mg.tensor(t, device=device), t64(w, device, False)
    picked = -logp[np.arange(5), t] * w[t]
    np.testing.assert_allclose(host(F.nll_loss(xt, tt, wt)), picked.sum() / w[t].sum(), rtol=1e-12)
    np.testing.assert_allclose(host(nn.NLLLoss(wt, reduction="none")(xt, tt)), picked, rtol=1e-12)
    assert gradcheck(lambda x: F.nll_loss(x, tt, wt), (xt,))
    tt_ignored = mg.tensor([2, -100, 1, 2, -100], device=device)
    keep = np.array([1, 0, 1, 1, 0])
    np.testing.assert_allclose(host(F.nll_loss(xt, tt_ignored, wt)), (picked * keep).sum() / (w[t] * keep).sum(),
                               rtol=1e-12)
    assert gradcheck(lambda x: F.nll_loss(x, tt_ignored, wt), (xt,))
    assert gradcheck(lambda x: F.nll_loss(x, mg.tensor(1, device=device)), (t64(logp[0], device),))  # (C,)


@pytest.mark.parametrize("fn", [F.nll_loss, F.cross_entropy])
def test_a_mean_over_no_rows_is_nan_with_zero_gradient(fn):
    x = mg.randn(3, 4, requires_grad=True)
    loss = fn(x, mg.tensor([-100, -100, -100]))  # every row ignored: PyTorch gives nan and zero gradients
    assert np.isnan(loss.item())
    loss.backward()
    assert not host(x.grad).any()


def test_loss_modules_register_their_weights_as_buffers():
    loss = nn.CrossEntropyLoss(weight=mg.ones(3), label_smoothing=0.1)
    assert repr(loss) == "CrossEntropyLoss()" and [n for n, _ in loss.named_buffers()] == ["weight"]
    bce = nn.BCEWithLogitsLoss(pos_weight=mg.ones(3))
    assert [n for n, _ in bce.named_buffers()] == ["pos_weight"] and bce.weight is None
    assert loss.double().weight.dtype == mg.float64  # moved and cast with the module

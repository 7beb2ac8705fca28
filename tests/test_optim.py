"""Optimizers against their documented update rules, computed by hand in float64 NumPy."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad import nn, optim

STEPS = 6


def _grads(rng, n):
    return [rng.standard_normal(4) for _ in range(n)]


def _run(opt_cls, kwargs, grads, device="cpu", p0=None):
    p = nn.Parameter(mg.tensor(p0, dtype=mg.float64, device=device))
    opt = opt_cls([p], **kwargs)
    data = p._data
    for g in grads:
        p.grad = mg.tensor(g, device=device)
        opt.step()
    assert p._data is data  # updated in place, never reallocated
    return host(p)


def sgd_reference(p, grads, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    buf = None
    for g in grads:
        d = g + weight_decay * p
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        p = p - lr * d
    return p


def adam_reference(p, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled=False):
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


SGD_CASES = [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
             dict(lr=0.1, momentum=0.8, nesterov=True), dict(lr=0.1, weight_decay=0.01),
             dict(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)]
ADAM_CASES = [dict(lr=0.01), dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.01, weight_decay=0.1)]


@pytest.mark.parametrize("kwargs", SGD_CASES)
def test_sgd_matches_the_update_rule(kwargs, device):
    rng = np.random.default_rng(0)
    p0, grads = rng.standard_normal(4), _grads(rng, STEPS)
    np.testing.assert_allclose(_run(optim.SGD, kwargs, grads, device, p0), sgd_reference(p0, grads, **kwargs),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs", ADAM_CASES)
@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW])
def test_adam_and_adamw_match_the_update_rule(cls, kwargs, device):
    rng = np.random.default_rng(1)
    p0, grads = rng.standard_normal(4), _grads(rng, STEPS)
    expected = adam_reference(p0, grads, decoupled=cls is optim.AdamW,
                              **{"weight_decay": 1e-2 if cls is optim.AdamW else 0, **kwargs})
    np.testing.assert_allclose(_run(cls, kwargs, grads, device, p0), expected, rtol=1e-12, atol=1e-12)


def test_param_groups_have_their_own_options():
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1, momentum=0.5)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.defaults["lr"] == 0.1
    a.grad, b.grad = mg.ones(2), mg.ones(2)
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == [0.0, 0.0]


def test_zero_grad_and_params_without_grad():
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.Adam([a, b])
    a.grad = mg.ones(2)
    opt.step()  # b has no grad: left alone
    assert b.tolist() == [1.0, 1.0] and a.tolist() != [1.0, 1.0]
    opt.zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert a.grad is None


def test_state_dict_round_trip_continues_the_same_trajectory():
    rng = np.random.default_rng(2)
    grads = _grads(rng, 8)
    p = nn.Parameter(mg.zeros(4, dtype=mg.float64))
    opt = optim.Adam([p], lr=0.1)
    for g in grads[:4]:
        p.grad = mg.tensor(g)
        opt.step()
    q = nn.Parameter(p.detach().clone())
    opt2 = optim.Adam([q], lr=0.5)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == 0.1
    for g in grads[4:]:
        p.grad, q.grad = mg.tensor(g), mg.tensor(g)
        opt.step()
        opt2.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert set(opt.state_dict()["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}


def test_bad_optimizer_arguments():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="different number"):
        optim.SGD([nn.Parameter(mg.ones(1))], lr=0.1).load_state_dict(
            {"state": {}, "param_groups": [{"params": [0, 1], "lr": 0.1}]})

"""Optimizers against torch.optim's documented update rules (computed here in float64 NumPy), their
validation messages, parameter groups and state dicts."""

import math
import tracemalloc
import warnings

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


# ---------------------------------------------------------------- the documented update rules
def sgd_reference(p, grads, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
    buf = None
    for g in grads:
        d = (-g if maximize else g) + weight_decay * p
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        p = p - lr * d
    return p


def adam_reference(p, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
                   decoupled_weight_decay=False):
    m, v, v_max = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        g = -g if maximize else g
        if decoupled_weight_decay:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        v_max = np.maximum(v_max, v)
        m_hat, v_hat = m / (1 - betas[0] ** t), (v_max if amsgrad else v) / (1 - betas[1] ** t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def rmsprop_reference(p, grads, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                      maximize=False):
    v, a, buf = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for g in grads:
        g = (-g if maximize else g) + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        a = alpha * a + (1 - alpha) * g
        avg = np.sqrt(v - a * a if centered else v) + eps
        if momentum > 0:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
    return p


def adagrad_reference(p, grads, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                      maximize=False):
    s = np.full_like(p, initial_accumulator_value)
    for t, g in enumerate(grads, 1):
        g = (-g if maximize else g) + weight_decay * p
        s = s + g * g
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
    return p


CASES = [
    (optim.SGD, sgd_reference, dict()),  # PyTorch 2.x default lr=1e-3
    (optim.SGD, sgd_reference, dict(lr=0.1, momentum=0.9)),
    (optim.SGD, sgd_reference, dict(lr=0.05, momentum=0.9, dampening=0.3)),
    (optim.SGD, sgd_reference, dict(lr=0.1, momentum=0.8, nesterov=True)),
    (optim.SGD, sgd_reference, dict(lr=0.1, weight_decay=0.01, maximize=True)),
    (optim.SGD, sgd_reference, dict(lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)),
    (optim.Adam, adam_reference, dict(lr=0.01)),
    (optim.Adam, adam_reference, dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6)),
    (optim.Adam, adam_reference, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    (optim.Adam, adam_reference, dict(lr=0.01, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    (optim.RMSprop, rmsprop_reference, dict()),
    (optim.RMSprop, rmsprop_reference, dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    (optim.RMSprop, rmsprop_reference, dict(lr=0.01, momentum=0.9)),
    (optim.RMSprop, rmsprop_reference, dict(lr=0.01, centered=True)),
    (optim.RMSprop, rmsprop_reference, dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.01, maximize=True)),
    (optim.Adagrad, adagrad_reference, dict()),
    (optim.Adagrad, adagrad_reference, dict(lr=0.1, lr_decay=0.1, weight_decay=0.1)),
    (optim.Adagrad, adagrad_reference, dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6, maximize=True)),
]


@pytest.mark.parametrize("cls, reference, kwargs", CASES, ids=[f"{c.__name__}-{k}" for c, _, k in CASES])
def test_optimizers_follow_the_update_rule(cls, reference, kwargs, device):
    rng = np.random.default_rng(0)
    p0, grads = rng.standard_normal(4), _grads(rng, STEPS)
    np.testing.assert_allclose(_run(cls, kwargs, grads, device, p0), reference(p0, grads, **kwargs),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(lr=0.01), dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)])
def test_adamw_is_adam_with_decoupled_weight_decay(kwargs, device):
    rng = np.random.default_rng(1)
    p0, grads = rng.standard_normal(4), _grads(rng, STEPS)
    expected = adam_reference(p0, grads, decoupled_weight_decay=True, **{"weight_decay": 1e-2, **kwargs})
    np.testing.assert_allclose(_run(optim.AdamW, kwargs, grads, device, p0), expected, rtol=1e-12, atol=1e-12)
    assert optim.AdamW([nn.Parameter(mg.ones(1))]).defaults["weight_decay"] == 1e-2


def test_maximize_climbs_the_objective():
    p = nn.Parameter(mg.tensor([0.0]))
    opt = optim.Adam([p], lr=0.1, maximize=True)
    for _ in range(50):  # maximize -(p - 2)^2: p -> 2
        opt.zero_grad()
        (-((p - 2) ** 2)).sum().backward()
        opt.step()
    assert abs(p.item() - 2) < 0.1


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True),
                                  lambda ps: optim.AdamW(ps, amsgrad=True),
                                  lambda ps: optim.RMSprop(ps, momentum=0.9, centered=True, weight_decay=0.1),
                                  lambda ps: optim.Adagrad(ps, weight_decay=0.1)],
                         ids=["SGD", "AdamW", "RMSprop", "Adagrad"])
def test_a_step_allocates_no_parameter_sized_array(make):
    p = nn.Parameter(mg.randn(100_000, dtype=mg.float64))  # 800 kB
    opt = make([p])
    p.grad = mg.randn(100_000, dtype=mg.float64)
    opt.step()  # the first step makes the state and the work buffers
    tracemalloc.start()
    for _ in range(3):
        opt.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 80_000, f"a step allocated {peak} bytes"  # (NumPy reports its arrays to tracemalloc)


# ---------------------------------------------------------------- validation (PyTorch's messages)
NAN, INF = float("nan"), float("inf")
INVALID = [
    (optim.SGD, dict(lr=-1), "Invalid learning rate: -1"),
    (optim.SGD, dict(lr=NAN), "Invalid learning rate: nan"),
    (optim.SGD, dict(lr=INF), "Invalid learning rate: inf"),
    (optim.SGD, dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (optim.SGD, dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (optim.SGD, dict(lr=0.1, dampening=NAN), "Invalid dampening value: nan"),
    (optim.SGD, dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (optim.Adam, dict(lr=NAN), "Invalid learning rate: nan"),
    (optim.Adam, dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (optim.Adam, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (optim.Adam, dict(betas=(-0.1, 0.999)), "Invalid beta parameter at index 0: -0.1"),
    (optim.Adam, dict(betas=(0.9, NAN)), "Invalid beta parameter at index 1: nan"),
    (optim.Adam, dict(betas=0.9), "Invalid betas: 0.9"),
    (optim.AdamW, dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    (optim.AdamW, dict(lr=INF), "Invalid learning rate: inf"),
    (optim.RMSprop, dict(alpha=-0.1), "Invalid alpha value: -0.1"),
    (optim.RMSprop, dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    (optim.RMSprop, dict(momentum=-0.9), "Invalid momentum value: -0.9"),
    (optim.RMSprop, dict(weight_decay=INF), "Invalid weight_decay value: inf"),
    (optim.Adagrad, dict(lr_decay=-0.1), "Invalid lr_decay value: -0.1"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
    (optim.Adagrad, dict(eps=NAN), "Invalid epsilon value: nan"),
]


@pytest.mark.parametrize("cls, kwargs, message", INVALID, ids=[m for _, _, m in INVALID])
def test_invalid_hyperparameters_raise_pytorchs_message(cls, kwargs, message):
    with pytest.raises(ValueError) as info:
        cls([nn.Parameter(mg.ones(1))], **kwargs)
    assert str(info.value).startswith(message)


def test_non_numbers_are_a_type_error_naming_the_option():
    with pytest.raises(TypeError, match=r"Invalid learning rate: '0.1' \(expected a float, got str\)"):
        optim.SGD([nn.Parameter(mg.ones(1))], lr="0.1")
    with pytest.raises(TypeError, match="got bool"):
        optim.Adam([nn.Parameter(mg.ones(1))], lr=True)


def test_per_group_options_are_validated_too():
    p, q = nn.Parameter(mg.ones(1)), nn.Parameter(mg.ones(1))
    with pytest.raises(ValueError, match="Invalid learning rate: -0.5"):
        optim.SGD([{"params": [p]}, {"params": [q], "lr": -0.5}], lr=0.1)
    opt = optim.Adam([p])
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.5"):
        opt.add_param_group({"params": [q], "betas": (0.9, 1.5)})
    assert len(opt.param_groups) == 1


# ---------------------------------------------------------------- parameter groups
def test_param_groups_have_their_own_options():
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.5)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["momentum"] == 0.5 and opt.defaults["lr"] == 0.1
    a.grad, b.grad = mg.ones(2), mg.ones(2)
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == [0.0, 0.0]


def test_add_param_group_fine_tunes_a_frozen_layer():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model[2].parameters(), lr=1e-2)
    opt.add_param_group({"params": model[0].parameters(), "lr": 1e-3})
    assert [g["lr"] for g in opt.param_groups] == [1e-2, 1e-3]
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)  # the rest from the defaults
    before = model[0].weight.tolist()
    model(mg.randn(5, 3)).sum().backward()
    opt.step()
    assert model[0].weight.tolist() != before
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [model[0].weight]})


def test_parameters_without_grad_are_left_alone():
    frozen = nn.Parameter(mg.ones(2), requires_grad=False)  # accepted, as in PyTorch
    live = nn.Parameter(mg.ones(2))
    opt = optim.RMSprop([frozen, live])
    live.grad = mg.ones(2)
    opt.step()
    assert frozen.tolist() == [1.0, 1.0] and live.tolist() != [1.0, 1.0]
    assert frozen not in opt.state


def test_named_parameters_name_the_groups():
    model = nn.Linear(2, 3)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    with pytest.raises(ValueError, match="all optimizer param groups should be with/without names"):
        opt.add_param_group({"params": [nn.Parameter(mg.ones(1))]})


def test_bad_parameter_lists():
    p = nn.Parameter(mg.ones(2))
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got a Tensor of shape"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="ordering of tensors in sets will change"):
        optim.SGD([{"params": {p}}], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is list"):
        optim.SGD([[p]], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p], lr=0.1)


def test_zero_grad_and_step_with_a_closure():
    a = nn.Parameter(mg.ones(2))
    opt = optim.SGD([a], lr=0.5)
    a.grad = mg.ones(2)
    opt.zero_grad(set_to_none=False)
    assert a.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()  # set_to_none=True is the default
    assert a.grad is None

    def closure():
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with mg.no_grad():  # the closure still records: step() enables grad for it
        loss = opt.step(closure)
    assert loss.item() == 2.0 and a.tolist() == [0.0, 0.0]
    assert opt.step() is None


class PlainSGD(optim.Optimizer):
    """A custom optimizer as PyTorch users write them: step() over param_groups and self.state."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))

    @mg.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]  # a defaultdict, as in PyTorch
                state["steps"] = state.get("steps", 0) + 1
                p.sub_(p.grad, alpha=group["lr"])


def test_a_custom_optimizer_subclass():
    p = nn.Parameter(mg.tensor([1.0, -1.0]))
    opt = PlainSGD([p], lr=0.25)
    (p * mg.tensor([3.0, -0.5])).sum().backward()
    opt.step()
    assert p.tolist() == [0.25, -0.875] and opt.state[p]["steps"] == 1
    assert opt.state_dict()["state"] == {0: {"steps": 1}}
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)  # schedulers drive it too
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == 0.125


def test_repr_lists_each_group():
    opt = optim.Adagrad([nn.Parameter(mg.ones(1))], lr=0.5)
    assert repr(opt).splitlines()[:3] == ["Adagrad (", "Parameter Group 0", "    eps: 1e-10"]
    assert "    lr: 0.5" in repr(opt)


# ---------------------------------------------------------------- state dicts
MAKERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "Adam": lambda ps: optim.Adam(ps, lr=0.1, amsgrad=True),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.1),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    "Adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
}


@pytest.mark.parametrize("name", MAKERS)
def test_state_dict_round_trip_through_a_file_continues_the_same_trajectory(name, tmp_path, device):
    rng = np.random.default_rng(2)
    grads = [rng.standard_normal((3, 2)) for _ in range(8)]
    p = nn.Parameter(mg.zeros(3, 2, dtype=mg.float64, device=device))
    opt = MAKERS[name]([p])
    for g in grads[:4]:
        p.grad = mg.tensor(g, device=device)
        opt.step()
    mg.save({"param": p.detach(), "optimizer": opt.state_dict()}, tmp_path / "ckpt.pth")
    ckpt = mg.load(tmp_path / "ckpt.pth", map_location=device)
    q = nn.Parameter(ckpt["param"].clone())
    resumed = MAKERS[name]([q])
    resumed.param_groups[0]["lr"] = 123.0  # overwritten by the loaded options
    resumed.load_state_dict(ckpt["optimizer"])
    assert resumed.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    for g in grads[4:]:
        p.grad, q.grad = mg.tensor(g, device=device), mg.tensor(g, device=device)
        opt.step()
        resumed.step()
    np.testing.assert_array_equal(host(q), host(p))


def test_state_dict_layout_is_pytorchs():
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(3))
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}])
    a.grad = mg.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert set(sd["state"]) == {0} and set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][0]["step"] == 1 and "_scratch" not in sd["state"][0]  # work buffers are not state
    assert set(optim.Adagrad([a, b]).state_dict()["state"]) == {0, 1}  # Adagrad's state exists from the start


def _trained(make, *shapes):
    ps = [nn.Parameter(mg.ones(*s)) for s in shapes]
    opt = make(ps)
    for p in ps:
        p.grad = mg.ones(*p.shape)
    opt.step()
    return opt


def test_load_state_dict_of_other_shapes_names_the_parameter():
    saved = _trained(lambda ps: optim.Adam(ps), (2, 3), (2,)).state_dict()
    model = nn.Linear(3, 4)  # weight (4, 3), bias (4,)
    with pytest.raises(ValueError, match=r"'exp_avg' of shape \(2, 3\) for parameter 0 \(group 0, index 0\) of shape "
                                         r"\(4, 3\): it was saved for another model"):
        optim.Adam(model.parameters()).load_state_dict(saved)
    with pytest.raises(ValueError, match="for parameter 'weight'"):
        optim.Adam(model.named_parameters()).load_state_dict(saved)


def test_load_state_dict_refuses_mismatched_groups_and_other_optimizers():
    saved = _trained(lambda ps: optim.Adam(ps), (2,), (2,)).state_dict()
    one = [nn.Parameter(mg.ones(2))]
    with pytest.raises(ValueError, match="loaded state dict contains a parameter group that doesn't match the size "
                                         r"of optimizer's group: parameters per group \[2\] vs \[1\]"):
        optim.Adam(one).load_state_dict(saved)
    with pytest.raises(ValueError, match="loaded state dict has a different number of parameter groups: 1 vs this "
                                         "optimizer's 2"):
        optim.Adam([{"params": one}, {"params": [nn.Parameter(mg.ones(2))]}]).load_state_dict(saved)
    sgd = optim.SGD([nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))], lr=0.1)
    with pytest.raises(ValueError, match="state 'step' for parameter 0 .* which SGD does not keep"):
        sgd.load_state_dict(saved)
    assert sgd.param_groups[0]["lr"] == 0.1 and "betas" not in sgd.param_groups[0]  # a failed load changes nothing
    with pytest.raises(ValueError, match=r"has no \['state'\]"):
        sgd.load_state_dict({"param_groups": []})
    with pytest.raises(ValueError, match="state for parameter index 5, which none of its param_groups lists"):
        optim.Adam([nn.Parameter(mg.ones(2))]).load_state_dict(
            {"state": {5: {"step": 1}}, "param_groups": [{"params": [0], **optim.Adam([one[0]]).defaults}]})
    with pytest.raises(ValueError, match="Invalid learning rate: nan"):
        optim.Adam(one).load_state_dict({"state": {}, "param_groups": [{"params": [0], "lr": math.nan}]})


def test_loaded_state_takes_the_parameters_dtype():
    saved = _trained(lambda ps: optim.Adam(ps), (2,)).state_dict()  # float32 moments
    p = nn.Parameter(mg.ones(2, dtype=mg.float64))
    opt = optim.Adam([p])
    opt.load_state_dict(saved)
    assert opt.state[p]["exp_avg"].dtype == mg.float64 and opt.state[p]["step"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.grad = mg.ones(2, dtype=mg.float64)
        opt.step()

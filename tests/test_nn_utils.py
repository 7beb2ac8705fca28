"""nn.utils on every device: gradient clipping by norm and by value, parameters <-> one vector."""

import math

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    get_total_norm,
    parameters_to_vector,
    vector_to_parameters,
)

R = np.random.default_rng(3)


def _with_grads(device, shapes=((3, 2), (4,), (2, 2, 2))):
    params = [nn.Parameter(mg.randn(*s, device=device)) for s in shapes]
    grads = [R.standard_normal(s).astype(np.float32) * 3 for s in shapes]
    for p, g in zip(params, grads):
        p.grad = mg.tensor(g, device=device)
    return params, grads


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3, math.inf])
def test_clip_grad_norm_scales_to_max_norm_and_returns_the_total(norm_type, device):
    params, grads = _with_grads(device)
    flat = np.concatenate([g.reshape(-1) for g in grads]).astype(np.float64)
    total = np.linalg.norm(flat, ord=norm_type)
    out = clip_grad_norm_(params, max_norm=1.5, norm_type=norm_type)
    assert isinstance(out, mg.Tensor) and out.ndim == 0 and out.device == params[0].device
    np.testing.assert_allclose(out.item(), total, rtol=1e-5)
    scale = min(1.0, 1.5 / (total + 1e-6))  # PyTorch's coefficient, clamped at 1
    for p, g in zip(params, grads):
        np.testing.assert_allclose(host(p.grad), g * scale, rtol=1e-5)
    clipped = np.concatenate([host(p.grad).reshape(-1) for p in params])
    assert np.linalg.norm(clipped, ord=norm_type) <= 1.5 * (1 + 1e-5)


def test_clip_grad_norm_leaves_small_gradients_and_skips_missing_ones():
    a, b = nn.Parameter(mg.zeros(2)), nn.Parameter(mg.zeros(3))
    a.grad = mg.tensor([0.3, 0.4])
    assert clip_grad_norm_([a, b], 10.0).item() == pytest.approx(0.5) and b.grad is None
    assert a.grad.tolist() == pytest.approx([0.3, 0.4])
    assert clip_grad_norm_(a, 0.25).item() == pytest.approx(0.5)  # a single tensor is accepted too
    assert a.grad.tolist() == pytest.approx([0.15, 0.2], rel=1e-5)
    assert clip_grad_norm_([b], 1.0).item() == 0.0  # no gradients at all: a total norm of 0
    assert get_total_norm([mg.tensor([3.0]), mg.tensor([4.0])]).item() == 5.0


def test_clip_grad_norm_error_if_nonfinite():
    p = nn.Parameter(mg.zeros(2))
    p.grad = mg.tensor([float("inf"), 1.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is "
                                           "non-finite, so it cannot be clipped"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert math.isinf(clip_grad_norm_([p], 1.0).item())  # by default it scales anyway, like PyTorch


def test_clip_grad_value_clamps_in_place(device):
    params, grads = _with_grads(device)
    keep = [p.grad for p in params]
    assert clip_grad_value_(params, 0.5) is None
    for p, g, same in zip(params, grads, keep):
        assert p.grad is same  # in place
        np.testing.assert_array_equal(host(p.grad), np.clip(g, -0.5, 0.5))


def test_parameters_to_vector_and_back(device):
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1)).to(device)
    vec = parameters_to_vector(model.parameters())
    expected = np.concatenate([host(p).reshape(-1) for p in model.parameters()])
    assert vec.shape == (11,) and vec.device == model[0].weight.device
    np.testing.assert_array_equal(host(vec), expected)
    (vec * vec).sum().backward()  # differentiable, as PyTorch's (a cat of views)
    np.testing.assert_allclose(host(model[0].weight.grad), 2 * host(model[0].weight), rtol=1e-6)
    new = mg.arange(11, dtype=mg.float32, device=device)
    vector_to_parameters(new, model.parameters())
    assert host(model[0].weight).tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert host(model[1].bias).tolist() == [10.0]
    with mg.no_grad():
        new[0] = -1.0  # the parameters now view the vector's storage, as in PyTorch
    assert host(model[0].weight)[0, 0] == -1.0


def test_vector_to_parameters_errors():
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        vector_to_parameters([1.0] * 6, model.parameters())
    with pytest.raises(ValueError, match=r"vec must be 1-D with 6 elements \(one per parameter element\), got shape "
                                         r"\(5,\)"):
        vector_to_parameters(mg.zeros(5), model.parameters())

"""Every differentiable op, written once and run on every device:
forward (float32) against a NumPy reference, gradients (float64) against central differences."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck
from minigrad.ops.linalg import linear_relu

R = np.random.default_rng(1)
POS = "positive"  # marks inputs that must be > 0 (log, sqrt, pow base)


def _logsumexp(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _np_ce(x, t):
    return (_logsumexp(x, 1)[:, 0] - x[np.arange(len(t)), t]).mean()


def on(a, targets):
    """Class targets on a's device (losses refuse to mix devices, like PyTorch)."""
    return mg.tensor(targets, device=a.device)


IDX = np.array([0, 2, 2, 1])  # repeated index: gradient must accumulate
MASK = np.array([True, False, True])
TARGET = np.array([1, 0, 3])

# name: (minigrad fn, NumPy reference, input shapes)
OPS = {
    "add": (lambda a, b: a + b, np.add, [(3, 4), (4,)]),
    "add_scalar": (lambda a: 2.5 + a, lambda a: 2.5 + a, [(3,)]),
    "sub": (lambda a, b: a - b, np.subtract, [(3, 1), (1, 4)]),
    "rsub": (lambda a: 1 - a, lambda a: 1 - a, [(2, 3)]),
    "mul": (lambda a, b: a * b, np.multiply, [(2, 3, 4), (3, 1)]),
    "div": (lambda a, b: a / b, np.divide, [(3, 4), (POS, 4)]),
    "rdiv": (lambda a: 2 / a, lambda a: 2 / a, [(POS, 3)]),
    "pow_scalar": (lambda a: a**3, lambda a: a**3, [(3, 4)]),
    "pow_tensor": (lambda a, b: a**b, np.power, [(POS, 3), (3,)]),
    "rpow": (lambda a: 2.0**a, lambda a: 2.0**a, [(4,)]),
    "neg": (lambda a: -a, np.negative, [(3, 4)]),
    "exp": (mg.exp, np.exp, [(3, 4)]),
    "log": (mg.log, np.log, [(POS, 3, 4)]),
    "sqrt": (lambda a: a.sqrt(), np.sqrt, [(POS, 5)]),
    "abs": (lambda a: a.abs(), np.abs, [(3, 4)]),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), [(4, 5)]),
    "relu": (mg.relu, lambda a: np.maximum(a, 0), [(4, 5)]),
    "sigmoid": (mg.sigmoid, lambda a: 1 / (1 + np.exp(-a)), [(4, 5)]),
    "tanh": (mg.tanh, np.tanh, [(4, 5)]),
    "sum_all": (lambda a: a.sum(), np.sum, [(3, 4)]),
    "sum_dim": (lambda a: a.sum(1), lambda a: a.sum(1), [(3, 4, 2)]),
    "sum_tuple_keepdim": (lambda a: a.sum((0, 2), keepdim=True), lambda a: a.sum((0, 2), keepdims=True),
                          [(3, 4, 2)]),
    "mean": (lambda a: a.mean(-1), lambda a: a.mean(-1), [(3, 4)]),
    "max_all": (lambda a: a.max(), np.max, [(3, 4)]),
    "max_dim": (lambda a: a.max(dim=1).values, lambda a: a.max(1), [(3, 4)]),
    "min_keepdim": (lambda a: a.min(0, keepdim=True)[0], lambda a: a.min(0, keepdims=True),
                    [(3, 4)]),
    "reshape": (lambda a: a.reshape(4, -1), lambda a: a.reshape(4, -1), [(2, 6)]),
    "view_flatten": (lambda a: a.view(2, 2, 3).flatten(1), lambda a: a.reshape(2, 6), [(12,)]),
    "transpose": (lambda a: a.transpose(0, 2), lambda a: a.transpose(2, 1, 0), [(2, 3, 4)]),
    "permute": (lambda a: a.permute(1, 2, 0), lambda a: a.transpose(1, 2, 0), [(2, 3, 4)]),
    "T": (lambda a: a.T, lambda a: a.T, [(2, 3)]),
    "unsqueeze_squeeze": (lambda a: a.unsqueeze(1).squeeze(), lambda a: a.squeeze(), [(3, 1, 4)]),
    "expand": (lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), [(3, 1)]),
    "index_basic": (lambda a: a[1:, ::2], lambda a: a[1:, ::2], [(3, 5)]),
    "index_int_array": (lambda a: a[mg.tensor(IDX)], lambda a: a[IDX], [(3, 2)]),  # CPU index, any device
    "index_mask": (lambda a: a[mg.tensor(MASK)], lambda a: a[MASK], [(3, 2)]),
    "index_mixed": (lambda a: a[..., 1], lambda a: a[..., 1], [(2, 3, 4)]),
    "cat": (lambda a, b: mg.cat([a, b], dim=1), lambda a, b: np.concatenate([a, b], 1), [(2, 3), (2, 1)]),
    "stack": (lambda a, b: mg.stack([a, b], dim=-1), lambda a, b: np.stack([a, b], -1), [(2, 3), (2, 3)]),
    "matmul_2d": (lambda a, b: a @ b, np.matmul, [(3, 4), (4, 2)]),
    "matmul_vec_vec": (lambda a, b: a @ b, np.matmul, [(4,), (4,)]),
    "matmul_vec_mat": (lambda a, b: a @ b, np.matmul, [(4,), (4, 2)]),
    "matmul_mat_vec": (lambda a, b: a @ b, np.matmul, [(3, 4), (4,)]),
    "matmul_batched_broadcast": (lambda a, b: a.matmul(b), np.matmul, [(2, 1, 3, 4), (3, 4, 2)]),
    "linear_1d": (F.linear, lambda x, w, b: x @ w.T + b, [(4,), (3, 4), (3,)]),
    "linear_2d": (F.linear, lambda x, w, b: x @ w.T + b, [(5, 4), (3, 4), (3,)]),
    "linear_3d": (F.linear, lambda x, w, b: x @ w.T + b, [(2, 5, 4), (3, 4), (3,)]),
    "linear_nobias": (F.linear, lambda x, w: x @ w.T, [(2, 4), (3, 4)]),
    "linear_relu": (linear_relu, lambda x, w, b: np.maximum(x @ w.T + b, 0), [(5, 4), (3, 4), (3,)]),
    "linear_relu_3d": (linear_relu, lambda x, w, b: np.maximum(x @ w.T + b, 0), [(2, 3, 4), (3, 4), (3,)]),
    "softmax": (lambda a: F.softmax(a, dim=1), lambda a: np.exp(a - _logsumexp(a, 1)), [(3, 4)]),
    "log_softmax": (lambda a: F.log_softmax(a, dim=0), lambda a: a - _logsumexp(a, 0), [(3, 4)]),
    "cross_entropy": (lambda a: F.cross_entropy(a, on(a, TARGET)), lambda a: _np_ce(a, TARGET), [(3, 5)]),
    "cross_entropy_sum_3d": (lambda a: F.cross_entropy(a, on(a, [[1, 0], [2, 2]]), reduction="sum"),
                             lambda a: _np_ce(a.transpose(0, 2, 1).reshape(4, 3), np.array([1, 0, 2, 2])) * 4,
                             [(2, 3, 2)]),
    "cross_entropy_none": (lambda a: F.cross_entropy(a, on(a, TARGET), reduction="none"),
                           lambda a: _logsumexp(a, 1)[:, 0] - a[np.arange(3), TARGET], [(3, 5)]),
    "cross_entropy_none_1d": (lambda a: F.cross_entropy(a, on(a, 2), reduction="none"),
                              lambda a: _np_ce(a[None], np.array([2])), [(4,)]),
    "nll_loss": (lambda a: F.nll_loss(a, on(a, TARGET)), lambda a: -a[np.arange(3), TARGET].mean(), [(3, 5)]),
    "mse_loss": (F.mse_loss, lambda a, b: ((a - b) ** 2).mean(), [(3, 4), (3, 4)]),
    "clone": (lambda a: a.clone(), lambda a: a, [(3,)]),
}


def _inputs(shapes):
    arrays = []
    for s in shapes:
        if s and s[0] == POS:
            arrays.append(R.uniform(0.5, 2.0, s[1:]))
        else:
            arrays.append(R.standard_normal(s))
    return arrays


@pytest.mark.parametrize("name", OPS)
def test_forward_matches_numpy(name, device):
    fn, ref, shapes = OPS[name]
    arrays = [a.astype(np.float32) for a in _inputs(shapes)]
    out = fn(*[mg.tensor(a, device=device) for a in arrays])
    assert out.device == mg.device(device if device == "cpu" else "cuda:0")
    np.testing.assert_allclose(host(out), ref(*arrays), rtol=1e-5, atol=1e-6)
    assert out.dtype == mg.float32


@pytest.mark.parametrize("name", OPS)
def test_gradients_match_finite_differences(name, device):
    fn, _, shapes = OPS[name]
    inputs = [mg.tensor(a, device=device, requires_grad=True) for a in _inputs(shapes)]
    assert gradcheck(fn, inputs)

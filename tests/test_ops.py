"""The core differentiable ops (arithmetic, matmul, linear, losses), written once and run on every
device: forward (float32) against a NumPy reference, gradients (float64) against central differences.
Then the grad_fn names and next_functions, as PyTorch prints them. (The rest of the math is in
test_math_ops.py, shapes and indexing in test_shape_ops.py.)"""

import numpy as np
import pytest
from op_checks import POS, table_tests

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops.linalg import linear_relu


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


test_forward_matches_numpy, test_gradients_match_finite_differences = table_tests(OPS)


# ------------------------------------------------------------------ grad_fn as PyTorch prints it
# PyTorch 2.13's grad_fn.name() for the same expressions (checked by hand against torch 2.13)
NAMES = {
    "AddBackward0": lambda x, y, v: x + 1, "SubBackward0": lambda x, y, v: x - y,
    "RsubBackward1": lambda x, y, v: 1 - x, "MulBackward0": lambda x, y, v: mg.outer(v, v),
    "DivBackward0": lambda x, y, v: x / y, "DivBackward2": lambda x, y, v: mg.div(x, y, rounding_mode="floor"),
    "PowBackward0": lambda x, y, v: x**2, "PowBackward1": lambda x, y, v: x.abs()**y,
    "PowBackward2": lambda x, y, v: 2**x,
    "NegBackward0": lambda x, y, v: -x, "Log1PBackward0": lambda x, y, v: x.abs().log1p(),
    "RsqrtBackward0": lambda x, y, v: x.abs().rsqrt(), "ReluBackward0": lambda x, y, v: F.relu(x),
    "ClampBackward1": lambda x, y, v: x.clamp(0, 1), "ClampBackward0": lambda x, y, v: x.clamp(y, y + 1),
    "RoundBackward1": lambda x, y, v: x.round(decimals=1), "MaximumBackward0": lambda x, y, v: mg.maximum(x, y),
    "MmBackward0": lambda x, y, v: x @ y.T, "MvBackward0": lambda x, y, v: x @ v, "DotBackward0": lambda x, y, v: v @ v,
    "SqueezeBackward4": lambda x, y, v: v @ y.T, "BmmBackward0": lambda x, y, v: mg.bmm(x[None], y.T[None]),
    "UnsafeViewBackward0": lambda x, y, v: x[None] @ y.T,
    "SumBackward0": lambda x, y, v: x.sum(), "SumBackward1": lambda x, y, v: x.sum((0, 1)),
    "MeanBackward0": lambda x, y, v: x.mean(), "MeanBackward1": lambda x, y, v: x.mean(1),
    "VarBackward0": lambda x, y, v: x.var(0), "StdBackward0": lambda x, y, v: x.std(),
    "ProdBackward0": lambda x, y, v: x.prod(), "ProdBackward1": lambda x, y, v: x.prod(1),
    "CumsumBackward0": lambda x, y, v: x.cumsum(0), "LogsumexpBackward0": lambda x, y, v: x.logsumexp(1),
    "LinalgVectorNormBackward0": lambda x, y, v: x.norm(), "AmaxBackward0": lambda x, y, v: mg.linalg.norm(x, 1),
    "MaxBackward1": lambda x, y, v: x.max(), "MaxBackward0": lambda x, y, v: x.max(1).values,
    "MinBackward0": lambda x, y, v: x.min(0)[0], "AminBackward0": lambda x, y, v: x.amin(),
    "TopkBackward0": lambda x, y, v: x.topk(2).values, "SortBackward0": lambda x, y, v: x.sort(0)[0],
    "ViewBackward0": lambda x, y, v: x.flatten(), "SqueezeBackward1": lambda x, y, v: x[None].squeeze(0),
    "SqueezeBackward2": lambda x, y, v: x[None].squeeze((0,)), "UnsqueezeBackward0": lambda x, y, v: x[None],
    "ExpandBackward0": lambda x, y, v: v.expand_as(x), "RepeatBackward0": lambda x, y, v: x.tile(2),
    "TransposeBackward0": lambda x, y, v: x.mT, "PermuteBackward0": lambda x, y, v: x.T,
    "TBackward0": lambda x, y, v: x.t(), "FlipBackward0": lambda x, y, v: x.flip(0),
    "RollBackward0": lambda x, y, v: x.roll(1), "SliceBackward0": lambda x, y, v: x.narrow(1, 1, 2),
    "SelectBackward0": lambda x, y, v: x[..., 1], "IndexBackward0": lambda x, y, v: x[x > 0],
    "GatherBackward0": lambda x, y, v: x.gather(1, mg.tensor([[0], [1], [2]], device=x.device)),
    "ScatterBackward1": lambda x, y, v: x.scatter(1, mg.tensor([[0], [1], [2]], device=x.device), 1.0),
    "IndexSelectBackward0": lambda x, y, v: x.index_select(0, mg.tensor([0, 0], device=x.device)),
    "MaskedFillBackward0": lambda x, y, v: x.masked_fill(x > 0, 0.0),
    "WhereBackward0": lambda x, y, v: mg.where(x > 0, x, y),
    "TrilBackward0": lambda x, y, v: x.tril(), "CatBackward0": lambda x, y, v: mg.hstack([x, y]),
    "StackBackward0": lambda x, y, v: mg.stack([x, y]), "SplitBackward0": lambda x, y, v: x.chunk(2)[0],
    "SplitWithSizesBackward0": lambda x, y, v: x.split([1, 2])[1], "UnbindBackward0": lambda x, y, v: x.unbind(1)[0],
    "CloneBackward0": lambda x, y, v: x.clone(), "ToCopyBackward0": lambda x, y, v: x.double(),
    "AddmmBackward0": lambda x, y, v: F.linear(x, y, v[:3]), "NllLossBackward0": lambda x, y, v: F.cross_entropy(
        x, mg.tensor([0, 1, 2], device=x.device)),
    "SoftmaxBackward0": lambda x, y, v: x.softmax(1), "LogSoftmaxBackward0": lambda x, y, v: x.log_softmax(1),
}


@pytest.mark.parametrize("name", NAMES)
def test_grad_fn_names_are_pytorchs(name, device):
    x, y = (mg.randn(3, 4, device=device, requires_grad=True) for _ in range(2))
    v = mg.randn(4, device=device, requires_grad=True)
    out = NAMES[name](x, y, v)
    assert out.grad_fn.name() == name
    assert repr(out.grad_fn).startswith(f"<{name} object at 0x")
    assert f"grad_fn=<{name}>" in repr(out)


def test_next_functions_walk_the_graph_like_torchviz():
    x = mg.randn(3, requires_grad=True)
    y = (x * 2).sum()
    (mul, _), = y.grad_fn.next_functions
    assert mul.name() == "MulBackward0"
    (leaf, _), (constant, _) = mul.next_functions
    assert leaf.name() == "AccumulateGrad" and leaf.variable is x and constant is None
    assert repr(leaf).startswith("<AccumulateGrad object at 0x") and leaf.next_functions == ()
    y.backward()
    assert y.grad_fn.next_functions == () and y.grad_fn.name() == "SumBackward0"  # edges dropped, name kept


@pytest.mark.parametrize("expr, name, n_edges", [
    (lambda b: 2 * b, "MulBackward0", 2), (lambda b: b * 2, "MulBackward0", 2), (lambda b: 2 + b, "AddBackward0", 2),
    (lambda b: b - 2, "SubBackward0", 2), (lambda b: 2 - b, "RsubBackward1", 1), (lambda b: b ** 2, "PowBackward0", 1),
    (lambda b: 2 ** b, "PowBackward2", 1)])
def test_numbers_in_next_functions_as_pytorch_records_them(expr, name, n_edges):
    # PyTorch 2.13: `2 * b` is recorded as b * 2 with the number as a wrapped tensor, ((SinBackward0, 0),
    # (None, 0)); ops with a Scalar overload (b ** 2, 2 - b) list the tensor alone
    b = mg.randn(3, requires_grad=True).sin()
    fn = expr(b).grad_fn
    assert fn.name() == name and len(fn.next_functions) == n_edges
    assert fn.next_functions[0][0] is b.grad_fn and all(node is None for node, _ in fn.next_functions[1:])

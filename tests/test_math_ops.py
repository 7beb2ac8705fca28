"""Math ops on every device: elementwise, piecewise, reductions, order statistics, products, einsum,
norms, comparisons; forward against NumPy, gradients against float64 finite differences; then the
PyTorch rules the tables cannot show (gradients at kinks and ties, dtypes, return types, out=,
errors). Expected values come from PyTorch's documentation or from torch 2.13 by hand."""

import math
import warnings

import numpy as np
import pytest
from conftest import host
from op_checks import POS, check_forward, table_tests

import minigrad as mg


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _lse(a, axis):
    m = a.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))).squeeze(axis)


IDX = np.array([[0, 2], [1, 1], [3, 0]])

# name: (minigrad fn, NumPy reference, input shapes); all differentiable
OPS = {
    "exp": (mg.exp, np.exp, [(3, 4)]),
    "expm1": (lambda a: a.expm1(), np.expm1, [(3, 4)]),
    "log2": (mg.log2, np.log2, [(POS, 3, 4)]),
    "log10": (lambda a: a.log10(), np.log10, [(POS, 3, 4)]),
    "log1p": (mg.log1p, np.log1p, [(POS, 3, 4)]),
    "rsqrt": (lambda a: a.rsqrt(), lambda a: 1 / np.sqrt(a), [(POS, 5)]),
    "sin": (mg.sin, np.sin, [(3, 4)]),
    "cos": (lambda a: a.cos(), np.cos, [(3, 4)]),
    "tan": (mg.tan, np.tan, [(3, 4)]),
    "sigmoid": (mg.sigmoid, _sigmoid, [(3, 4)]),
    "abs": (mg.abs, np.abs, [(3, 4)]),
    "sign": (lambda a: a.sign(), np.sign, [(3, 4)]),
    "floor": (mg.floor, np.floor, [(3, 4)]),
    "ceil": (lambda a: a.ceil(), np.ceil, [(3, 4)]),
    "round": (mg.round, np.round, [(3, 4)]),
    "round_decimals": (lambda a: a.round(decimals=1), lambda a: np.round(a, 1), [(3, 4)]),
    "trunc": (mg.trunc, np.trunc, [(3, 4)]),
    "clamp_tensor_bounds": (lambda a, lo, hi: mg.clamp(a, lo, hi), lambda a, lo, hi: np.minimum(np.maximum(a, lo), hi),
                            [(3, 4), (4,), (3, 1)]),
    "clip_min": (lambda a: mg.clip(a, min=-0.2), lambda a: np.maximum(a, np.float32(-0.2)), [(3, 4)]),
    "maximum": (mg.maximum, np.maximum, [(3, 4), (4,)]),
    "minimum": (lambda a, b: a.minimum(b), np.minimum, [(3, 1), (1, 4)]),
    "add_alpha": (lambda a, b: mg.add(a, b, alpha=2), lambda a, b: a + 2 * b, [(3, 4), (4,)]),
    "sub_alpha": (lambda a, b: a.sub(b, alpha=0.5), lambda a, b: a - np.float32(0.5) * b, [(3, 4), (3, 1)]),
    "mul_number_first": (lambda a: mg.mul(3, a), lambda a: 3 * a, [(3,)]),
    "div_floor": (lambda a, b: mg.div(a, b, rounding_mode="floor"), np.floor_divide, [(3, 4), (POS, 4)]),
    "div_trunc": (lambda a, b: a.div(b, rounding_mode="trunc"), lambda a, b: np.trunc(a / b), [(3, 4), (POS, 4)]),
    "pow_fn": (lambda a: mg.pow(a, 3), lambda a: a**3, [(3,)]),
    "sum_dtype": (lambda a: mg.sum(a, 1, dtype=mg.float64), lambda a: a.sum(1, dtype=np.float64), [(3, 4)]),
    "mean_dims": (lambda a: mg.mean(a, (0, 2), keepdim=True), lambda a: a.mean((0, 2), keepdims=True), [(2, 3, 4)]),
    "var": (lambda a: a.var(), lambda a: a.var(ddof=1), [(3, 4)]),
    "var_dim_biased": (lambda a: mg.var(a, 1, False), lambda a: a.var(1), [(3, 4)]),
    "var_correction": (lambda a: a.var(dim=(0, 1), correction=2, keepdim=True),
                       lambda a: a.var((0, 1), ddof=2, keepdims=True), [(3, 4)]),
    "std": (lambda a: a.std(0), lambda a: a.std(0, ddof=1), [(3, 4)]),
    "std_unbiased_false": (lambda a: mg.std(a, False), lambda a: a.std(), [(3, 4)]),
    "prod": (mg.prod, np.prod, [(2, 3)]),
    "prod_dim_keepdim": (lambda a: a.prod(1, keepdim=True), lambda a: a.prod(1, keepdims=True), [(3, 4)]),
    "cumsum": (lambda a: a.cumsum(1), lambda a: a.cumsum(1), [(3, 4)]),
    "cumsum_neg_dim": (lambda a: mg.cumsum(a, -2), lambda a: a.cumsum(0), [(3, 4)]),
    "logsumexp": (lambda a: a.logsumexp(1), lambda a: _lse(a, 1), [(3, 4)]),
    "logsumexp_dims": (lambda a: mg.logsumexp(a, (0, 1)), lambda a: _lse(a.reshape(-1), 0), [(3, 4)]),
    "amax_dims": (lambda a: a.amax((0, 2)), lambda a: a.max((0, 2)), [(2, 3, 4)]),
    "amin_keepdim": (lambda a: mg.amin(a, 1, keepdim=True), lambda a: a.min(1, keepdims=True), [(2, 3, 4)]),
    "max_dim_values": (lambda a: mg.max(a, 1).values, lambda a: a.max(1), [(3, 4)]),
    "min_dim_keepdim": (lambda a: a.min(0, keepdim=True)[0], lambda a: a.min(0, keepdims=True), [(3, 4)]),
    "sort": (lambda a: a.sort().values, np.sort, [(3, 4)]),
    "sort_descending_dim0": (lambda a: mg.sort(a, 0, descending=True)[0], lambda a: -np.sort(-a, 0), [(3, 4)]),
    "topk": (lambda a: a.topk(2).values, lambda a: -np.sort(-a, 1)[:, :2], [(3, 5)]),
    "topk_smallest": (lambda a: mg.topk(a, 2, dim=0, largest=False)[0], lambda a: np.sort(a, 0)[:2], [(3, 5)]),
    "mm": (mg.mm, np.matmul, [(3, 4), (4, 2)]),
    "bmm": (lambda a, b: a.bmm(b), np.matmul, [(2, 3, 4), (2, 4, 5)]),
    "mv": (mg.mv, np.matmul, [(3, 4), (4,)]),
    "dot": (lambda a, b: a.dot(b), np.dot, [(4,), (4,)]),
    "outer": (mg.outer, np.outer, [(3,), (4,)]),
    "einsum_matmul": (lambda a, b: mg.einsum("ij,jk->ik", a, b), np.matmul, [(3, 4), (4, 2)]),
    "einsum_batch_matmul": (lambda a, b: mg.einsum("bij,bjk->bik", a, b), np.matmul, [(2, 3, 4), (2, 4, 5)]),
    "einsum_outer": (lambda a, b: mg.einsum("i,j->ij", a, b), np.outer, [(3,), (4,)]),
    "einsum_trace": (lambda a: mg.einsum("ii", a), np.trace, [(3, 3)]),
    "einsum_diagonal": (lambda a: mg.einsum("ii->i", a), np.diag, [(3, 3)]),
    "einsum_sum": (lambda a: mg.einsum("ij->", a), np.sum, [(3, 4)]),
    "einsum_row_sums": (lambda a: mg.einsum("ij->i", a), lambda a: a.sum(1), [(3, 4)]),
    "einsum_transpose": (lambda a: mg.einsum("ij->ji", a), np.transpose, [(3, 4)]),
    "einsum_implicit": (lambda a, b: mg.einsum("ij,jk", a, b), np.matmul, [(3, 4), (4, 2)]),
    "einsum_ellipsis_broadcast": (lambda a, b: mg.einsum("...ij,...jk->...ik", a, b), np.matmul,
                                  [(2, 1, 3, 4), (5, 4, 2)]),
    "einsum_size1_broadcast": (lambda a, b: mg.einsum("ij,ij->i", a, b), lambda a, b: (a * b).sum(1),
                               [(3, 1), (3, 4)]),
    "einsum_three_operands": (lambda a, b, c: mg.einsum("i,ij,j->", [a, b, c]), lambda a, b, c: a @ b @ c,
                              [(3,), (3, 4), (4,)]),
    "einsum_diagonal_of_batch": (lambda a, b: mg.einsum("iij,j->i", a, b),
                                 lambda a, b: np.einsum("iij,j->i", a, b), [(3, 3, 4), (4,)]),
    "norm": (lambda a: a.norm(), np.linalg.norm, [(3, 4)]),
    "norm_p1_dim": (lambda a: mg.norm(a, p=1, dim=1), lambda a: np.abs(a).sum(1), [(3, 4)]),
    "norm_p3": (lambda a: a.norm(p=3), lambda a: (np.abs(a) ** 3).sum() ** np.float32(1 / 3), [(3, 4)]),
    "norm_inf_keepdim": (lambda a: a.norm(p=math.inf, dim=0, keepdim=True),
                         lambda a: np.abs(a).max(0, keepdims=True), [(3, 4)]),
    "linalg_norm_all": (lambda a: mg.linalg.norm(a), lambda a: np.linalg.norm(a.reshape(-1)), [(2, 3, 4)]),
    "linalg_norm_ord1": (lambda a: mg.linalg.norm(a, 1), lambda a: np.linalg.norm(a, 1), [(3, 4)]),
    "linalg_norm_ord_inf": (lambda a: mg.linalg.norm(a, math.inf), lambda a: np.linalg.norm(a, np.inf), [(3, 4)]),
    "linalg_norm_ord_neg1": (lambda a: mg.linalg.norm(a, -1), lambda a: np.linalg.norm(a, -1), [(3, 4)]),
    "linalg_vector_norm_dims": (lambda a: mg.linalg.vector_norm(a, ord=3, dim=(0, 2)),
                                lambda a: (np.abs(a) ** 3).sum((0, 2)) ** np.float32(1 / 3), [(2, 3, 4)]),
    "linalg_matrix_norm_fro": (lambda a: mg.linalg.matrix_norm(a), lambda a: np.linalg.norm(a, axis=(1, 2)),
                               [(2, 3, 4)]),
}

# forward only: results are integers or bools
NONDIFF = {
    "argmax_dim": (lambda a: a.argmax(1), lambda a: a.argmax(1), [(3, 4)]),
    "argmin_keepdim": (lambda a: mg.argmin(a, 0, keepdim=True), lambda a: a.argmin(0, keepdims=True), [(3, 4)]),
    "argmax_all_keepdim": (lambda a: a.argmax(keepdim=True), lambda a: a.argmax().reshape(1, 1), [(3, 4)]),
    "max_dim_indices": (lambda a: a.max(dim=1).indices, lambda a: a.argmax(1), [(3, 4)]),
    "argsort_descending": (lambda a: a.argsort(0, descending=True), lambda a: np.argsort(-a, 0, kind="stable"),
                           [(3, 4)]),
    "topk_indices": (lambda a: a.topk(3)[1], lambda a: np.argsort(-a, 1, kind="stable")[:, :3], [(3, 5)]),
    "eq_row": (lambda a: mg.eq(a, a[0]), lambda a: a == a[0], [(3, 4)]),
    "ne_method": (lambda a: a.ne(0.5), lambda a: a != 0.5, [(3, 4)]),
    "lt_broadcast": (mg.lt, np.less, [(3, 4), (4,)]),
    "le_ge_gt": (lambda a: (a <= 0) | (a >= 1) | mg.gt(a, 0.5), lambda a: (a <= 0) | (a >= 1) | (a > 0.5), [(3, 4)]),
    "logic": (lambda a: ~(a > 0) & (a > -1) ^ mg.logical_not(a < 1), lambda a: ~(a > 0) & (a > -1) ^ ~(a < 1),
              [(3, 4)]),
    "isclose": (lambda a: mg.isclose(a, a + 1e-6), lambda a: np.isclose(a, a + np.float32(1e-6)), [(3, 4)]),
    "isnan_isinf_isfinite": (lambda a: (mg.isnan(a / 0) | a.isinf(), mg.isfinite(a / 0)),
                             lambda a: (np.isnan(a / 0) | np.isinf(a), np.isfinite(a / 0)), [(3, 4)]),
    "any_dim": (lambda a: (a > 1).any(1), lambda a: (a > 1).any(1), [(3, 4)]),
    "all_keepdim": (lambda a: mg.all(a > -1, 0, keepdim=True), lambda a: (a > -1).all(0, keepdims=True), [(3, 4)]),
    "count_nonzero": (lambda a: mg.count_nonzero(a > 0, dim=1), lambda a: (a > 0).sum(1), [(3, 4)]),
}


test_forward_matches_numpy, test_gradients_match_finite_differences = table_tests(OPS)


@pytest.mark.parametrize("name", NONDIFF)
def test_integer_and_bool_results_match_numpy(name, device):
    fn, ref, shapes = NONDIFF[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN/inf tests divide by zero on purpose
        check_forward(fn, ref, shapes, device)


def _grad(f, values, device):
    x = mg.tensor(values, device=device, requires_grad=True)
    f(x).sum().backward()
    return host(x.grad).tolist()


def test_gradients_at_kinks_and_ties_are_pytorchs(device):
    # every expected list is what torch 2.13 gives for the same call
    assert _grad(lambda x: x.abs(), [0.0, 1.0, -1.0], device) == [0.0, 1.0, -1.0]
    assert _grad(lambda x: x.relu(), [0.0, 1.0, -1.0], device) == [0.0, 1.0, 0.0]
    assert _grad(lambda x: x.clamp(0, 1), [0.0, 1.0, 0.5, 2.0], device) == [1.0, 1.0, 1.0, 0.0]  # bounds included
    assert _grad(lambda x: x.clamp(1, 0), [0.0, 1.0, 0.5, 2.0], device) == [0.0, 0.0, 0.0, 0.0]
    ones = mg.ones(3, device=device)
    assert _grad(lambda x: mg.maximum(x, ones), [1.0, 2.0, 0.0], device) == [0.5, 1.0, 0.0]  # ties share
    assert _grad(lambda x: x.max(), [1.0, 2.0, 2.0], device) == [0.0, 0.5, 0.5]
    assert _grad(lambda x: x.amax(0), [1.0, 2.0, 2.0], device) == [0.0, 0.5, 0.5]
    assert _grad(lambda x: x.max(0).values, [1.0, 2.0, 2.0], device) == [0.0, 1.0, 0.0]  # follows the index
    weights = mg.tensor([1.0, 2.0, 3.0], device=device)
    assert _grad(lambda x: x.sort().values * weights, [2.0, 1.0, 2.0], device) == [2.0, 1.0, 3.0]
    assert _grad(lambda x: x.norm(), [0.0, 0.0], device) == [0.0, 0.0]  # a zero norm has gradient 0
    assert _grad(lambda x: x.norm(p=1), [0.0, 1.0], device) == [0.0, 1.0]
    assert _grad(lambda x: x.norm(p=0.5), [0.0, 1.0], device) == [0.0, 1.0]
    assert _grad(lambda x: x.norm(p=math.inf), [-2.0, 2.0, 1.0], device) == [-0.5, 0.5, 0.0]
    assert _grad(lambda x: x.prod(), [2.0, 0.0, 3.0], device) == [0.0, 6.0, 0.0]  # one zero
    assert _grad(lambda x: x.prod(), [2.0, 0.0, 0.0], device) == [0.0, 0.0, 0.0]  # two zeros
    assert _grad(lambda x: x**0, [0.0, 1.0], device) == [0.0, 0.0]  # d(x^0)/dx = 0, also at 0
    base = mg.tensor([0.0, 2.0], device=device)
    assert _grad(lambda y: base**y, [2.0, 1.0], device) == pytest.approx([0.0, 2 * math.log(2)])
    assert _grad(lambda y: 0.0**y, [2.0, 1.0], device) == [0.0, 0.0]
    assert _grad(lambda x: x.std(), [1.0, 1.0], device) == [0.0, 0.0]  # std of a constant
    assert _grad(lambda x: mg.div(x, 2.0, rounding_mode="floor") + x.round() + x.sign(), [2.4, 0.0], device) == [0, 0]


def test_integer_reductions_and_casts_follow_pytorch(device):
    i32 = mg.tensor([1, 2, 3], dtype=mg.int32, device=device)
    assert i32.sum().dtype == mg.int64 and i32.prod().item() == 6 and i32.prod().dtype == mg.int64
    assert i32.cumsum(0).dtype == mg.int64 and (i32 > 1).sum().dtype == mg.int64
    assert i32.to(mg.uint8).sum().dtype == mg.int64  # NumPy alone would give uint64
    assert host(mg.tensor([True, True, False], device=device).cumsum(0)).tolist() == [1, 2, 2]
    assert i32.sum(dtype=mg.float64).dtype == mg.float64 and i32.mean(dtype=mg.float32).item() == 2.0
    with pytest.raises(TypeError, match=r"mean expects a floating-point tensor but got minigrad.int32.*dtype="):
        i32.mean()
    for f in (lambda: i32.var(), lambda: i32.logsumexp(0), lambda: i32.norm(), lambda: mg.sqrt(i32)):
        with pytest.raises(TypeError, match=r"int32.*\.float\(\)"):
            f()
    assert mg.clamp(mg.tensor([0, 5], device=device), 0.5, 3.5).dtype == mg.float32  # int with float bounds
    assert host(mg.floor(mg.tensor([7, -7], device=device))).tolist() == [7, -7]  # integers: a copy


def test_var_and_std_take_pytorchs_three_signatures(device):
    x = mg.tensor([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]], device=device)
    a = host(x)
    np.testing.assert_allclose(host(x.var()), a.var(ddof=1), rtol=1e-6)
    np.testing.assert_allclose(host(x.var(False)), a.var(), rtol=1e-6)  # var(unbiased)
    np.testing.assert_allclose(host(mg.var(x, 1, True, True)), a.var(1, ddof=1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(host(x.std(dim=0, correction=0)), a.std(0), rtol=1e-6)
    with pytest.raises(TypeError, match="either unbiased= or correction="):
        x.var(1, unbiased=True, correction=0)
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        lone = x[:, :1].var(1)
    assert np.isnan(host(lone)).all()  # PyTorch: NaN for one sample (its squares sum to 0)


def test_max_min_sort_topk_return_pytorchs_named_tuples(device):
    x = mg.tensor([[1.0, 5.0, 3.0], [7.0, 0.0, 7.0]], device=device)
    values, indices = x.max(dim=1)
    result = x.max(1)
    assert isinstance(result, mg.return_types.max) and result.values.tolist() == values.tolist() == [5.0, 7.0]
    assert host(result.indices).tolist() == host(indices).tolist() == [1, 0] and indices.dtype == mg.int64
    assert repr(x.min(1)).startswith("minigrad.return_types.min(\nvalues=tensor([1., 0.]")
    assert isinstance(x.sort(), mg.return_types.sort) and isinstance(x.topk(1), mg.return_types.topk)
    assert host(mg.max(x, x.flip(1))).tolist() == [[3.0, 5.0, 3.0], [7.0, 0.0, 7.0]]  # max(a, b) = maximum
    scalar = mg.tensor(3.0, device=device)
    assert scalar.max(0).values.shape == () and scalar.topk(1).indices.item() == 0
    with pytest.raises(TypeError, match=r"use amax\(x, dim=\(0, 1\)\)"):
        x.max((0, 1))
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified for input.numel"):
        x[:0].max()
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        x[:0].amax(0)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(4)


def test_sort_is_stable_with_nan_largest(device):
    t = mg.tensor([3.0, 1.0, 2.0, 1.0, 3.0], device=device)
    assert host(t.sort(stable=True).indices).tolist() == [1, 3, 2, 0, 4]
    assert host(t.sort(descending=True).indices).tolist() == [0, 4, 2, 1, 3]  # ties keep their order
    n = mg.tensor([3.0, math.nan, 1.0], device=device)
    assert host(n.sort().indices).tolist() == [2, 0, 1] and host(n.argsort(descending=True)).tolist() == [1, 0, 2]


def test_division_and_alpha_follow_pytorch(device):
    a, b = mg.tensor([7, -7, 5], device=device), mg.tensor([2, 2, -3], device=device)
    assert host(mg.div(a, b, rounding_mode="trunc")).tolist() == [3, -3, -1]
    assert host(mg.div(a, b, rounding_mode="floor")).tolist() == host(a // b).tolist() == [3, -4, -2]
    assert mg.div(a, b).dtype == mg.float32 and host(7 // mg.tensor([2, -2], device=device)).tolist() == [3, -4]
    assert host(mg.add(a, b, alpha=2)).tolist() == [11, -3, -1]
    with pytest.raises(RuntimeError, match="alpha must not be a floating point number"):
        mg.add(a, b, alpha=0.5)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        mg.div(a, 0, rounding_mode="trunc")
    with pytest.raises(RuntimeError, match="rounding_mode to be one of None, 'trunc', or 'floor'"):
        mg.div(a, b, rounding_mode="round")
    with pytest.raises(TypeError, match="argument 'input' must be Tensor, not int"):
        mg.exp(2)


def test_comparisons_and_logic(device):
    x = mg.tensor([1.0, math.nan, 3.0], device=device)
    assert (x == None) is False and (x != "a") is True  # noqa: E711  (identity, as in PyTorch)
    assert mg.equal(x[:1], mg.tensor([1], device=device)) and not mg.equal(x, x)  # NaN != NaN
    assert mg.allclose(x, x, equal_nan=True) and not mg.allclose(x, x)
    with pytest.raises(RuntimeError, match="minigrad.float32 did not match minigrad.float64"):
        mg.isclose(x, x.double())
    with pytest.raises(TypeError, match="only integer and bool tensors"):
        x & x
    i = mg.tensor([5, 3], device=device)
    assert host(~i).tolist() == [-6, -4] and host(i ^ 1).tolist() == [4, 2] and host(i & 6).tolist() == [4, 2]
    assert mg.tensor([1, 2], dtype=mg.uint8, device=device).all().dtype == mg.uint8  # PyTorch keeps uint8


def test_matmul_family_errors_are_pytorchs(device):
    m, v = mg.randn(3, 4, device=device), mg.randn(4, device=device)
    cases = [(lambda: mg.mm(m, m), RuntimeError, r"mat1 and mat2 shapes cannot be multiplied \(3x4 and 3x4\)"),
             (lambda: mg.mm(m[None], m), RuntimeError, "self must be a matrix"),
             (lambda: mg.bmm(m, m), RuntimeError, "batch1 must be a 3D tensor"),
             (lambda: mg.bmm(m[None], m.T[None].expand(2, 4, 3)), RuntimeError, "first two dimensions of batch2"),
             (lambda: mg.dot(v, v[:3]), RuntimeError, "inconsistent tensor size"),
             (lambda: mg.outer(m, v), RuntimeError, "Expected 1-D argument self"),
             (lambda: m[None].expand(2, 3, 4) @ m.T[None].expand(3, 4, 3), RuntimeError,
              r"size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0"),
             (lambda: mg.mm(m, m.T.double()), TypeError, "same dtype")]
    for f, error, message in cases:
        with pytest.raises(error, match=message):
            f()


def test_einsum_errors_are_pytorchs(device):
    a = mg.randn(3, 4, device=device)
    cases = [("ij,jk->ik", (a, a), "subscript j has size 3 for operand 1 which does not broadcast"),
             ("ijk->", (a,), r"number of subscripts in the equation \(3\) does not match.*no ellipsis"),
             ("ij,jk->ik", (a,), "fewer operands were provided"),
             ("ij->k", (a,), "output subscript k does not appear"),
             ("ij->ii", (a,), "output subscript i appears more than once"),
             ("i1->", (a,), "invalid subscript given at index 1")]
    for equation, operands, message in cases:
        with pytest.raises(RuntimeError, match=message):
            mg.einsum(equation, *operands)


def test_norm_options_and_limits(device):
    a = mg.tensor([[3.0, -4.0], [0.0, 0.0]], device=device)
    assert a.norm().item() == 5.0 and mg.norm(a, p="fro", dim=(0, 1)).item() == 5.0
    assert a.norm(p=0).item() == 2.0 and mg.linalg.norm(a[0], -math.inf).item() == 3.0
    assert host(mg.linalg.matrix_norm(a, ord=1)).item() == 4.0 and mg.linalg.norm(a, math.inf).item() == 7.0
    # the singular values of a are 5 and 0: nuclear norm 5 (their sum), spectral norms 5 and 0
    assert a.norm(p="nuc").item() == pytest.approx(5.0) and mg.linalg.matrix_norm(a, 2).item() == pytest.approx(5.0)
    assert mg.linalg.matrix_norm(a, -2).item() == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(RuntimeError, match="If dim is not specified but ord is, the input must be 1D or 2D"):
        mg.linalg.norm(a[None], 2)
    with pytest.raises(RuntimeError, match="Order 3 not supported"):
        mg.linalg.matrix_norm(a, 3)


# ------------------------------------------------------------------ out=
def test_out_writes_resizes_and_casts_like_pytorch(device):
    x = mg.tensor([1.0, 2.0], device=device)
    same, empty = mg.zeros(2, device=device), mg.empty(0, device=device)
    assert mg.mul(x, 3, out=same) is same and host(same).tolist() == [3.0, 6.0]
    assert mg.add(x, 1, out=empty) is empty and empty.shape == (2,)  # resized: it had no elements
    wrong = mg.zeros(5, device=device)
    with pytest.warns(UserWarning, match=r"resized since it had shape \[5\].*required output shape \[2\]"):
        mg.exp(x, out=wrong)
    assert wrong.shape == (2,)
    wide = mg.zeros(2, dtype=mg.float64, device=device)
    assert mg.sqrt(x, out=wide).dtype == mg.float64  # float32 fits in float64 (and float16, as in PyTorch)
    as_float = mg.zeros(2, device=device)
    mg.add(mg.tensor([1, 2], device=device), 1, out=as_float)
    assert host(as_float).tolist() == [2.0, 3.0]
    with pytest.raises(RuntimeError, match="result type minigrad.float32 can't be cast to the desired output type "
                                           "minigrad.int64"):
        mg.mul(x, 2, out=mg.zeros(2, dtype=mg.int64, device=device))
    values, indices = mg.empty(0, device=device), mg.empty(0, dtype=mg.int64, device=device)
    result = mg.max(mg.tensor([[1.0, 5.0], [7.0, 0.0]], device=device), 1, out=(values, indices))
    assert result.values is values and host(indices).tolist() == [1, 0]
    for f in (lambda o: mg.matmul(x[None], x[:, None], out=o), lambda o: mg.cat([x, x], out=o),
              lambda o: mg.sum(x, 0, out=o), lambda o: mg.where(x > 1, x, 0.0, out=o)):
        o = mg.empty(0, device=device)
        assert f(o) is o


def test_out_refuses_autograd_like_pytorch(device):
    x = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    message = r"mul\(\): functions with out=... arguments don't support automatic differentiation"
    with pytest.raises(RuntimeError, match=message):
        mg.mul(x, 2, out=mg.zeros(2, device=device))
    with pytest.raises(RuntimeError, match=message):
        mg.mul(x.detach(), 2, out=mg.zeros(2, device=device, requires_grad=True))
    with mg.no_grad():
        out = mg.zeros(2, device=device)
        assert host(mg.mul(x, 2, out=out)).tolist() == [2.0, 4.0]
    ints = mg.empty(0, dtype=mg.int64, device=device)
    assert mg.argmax(x, 0, out=ints) is ints  # not differentiable: allowed, as in PyTorch


def test_out_is_an_inplace_write_for_the_version_rule(device):
    w = mg.tensor([1.0, 2.0], device=device, requires_grad=True)
    saved = mg.tensor([3.0, 4.0], device=device)
    y = (saved * w).sum()  # Mul saves `saved` for dw
    mg.add(saved, 1, out=saved)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()

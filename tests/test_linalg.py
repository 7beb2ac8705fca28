"""Linear algebra on every device: determinants, inverses, solves, Cholesky, SVD, QR, eigh, cross
products, diagonals, the SVD's matrix norms and cdist. Forward against NumPy's LAPACK (or the
defining identity: A = U S Vh, Q R, V L V^T, L L^T), gradients against float64 finite differences,
second derivatives through create_graph for the ones whose backward allows it; then PyTorch's
legacy forms (torch.svd's V, torch.qr(some=)), return types and errors. SVD and eigh gradients are
checked for distinct singular values / eigenvalues, with losses that do not depend on the vectors'
signs, as PyTorch documents."""

import math

import numpy as np
import pytest
from conftest import host
from op_checks import inputs

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck

L = mg.linalg


def _spd(x):
    """A symmetric positive-definite matrix made from any square x (batched)."""
    return x @ x.mT + 3 * mg.eye(x.shape[-1], dtype=x.dtype, device=x.device)


def _sym(x):
    return (x + x.mT) / 2


def _svd_loss(a):
    U, S, Vh = L.svd(a, full_matrices=False)
    return (U.abs() ** 3).sum() + (S**2).sum() + (Vh**4).sum()  # invariant to each vector's sign


def _qr_loss(a):
    Q, R = L.qr(a)
    return (Q**3).sum() + (R**2).sum()


def _eigh_loss(a):
    w, V = L.eigh(_sym(a))
    return (w**3).sum() + (V.abs() ** 3).sum()


# name: (fn, input shapes, NumPy reference or None); every one is gradchecked in float64
CASES = {
    "det": (L.det, [(3, 3)], np.linalg.det),
    "det_batched": (mg.det, [(2, 3, 3)], np.linalg.det),
    "slogdet": (lambda a: L.slogdet(a).logabsdet, [(2, 3, 3)], lambda a: np.linalg.slogdet(a)[1]),
    "logdet_spd": (lambda a: mg.logdet(_spd(a)), [(3, 3)], None),
    "inv": (L.inv, [(3, 3)], np.linalg.inv),
    "inverse_method": (lambda a: a.inverse(), [(2, 3, 3)], np.linalg.inv),
    "solve_matrix": (L.solve, [(3, 3), (3, 2)], np.linalg.solve),
    "solve_vector": (L.solve, [(3, 3), (3,)], np.linalg.solve),
    "solve_batch_broadcast": (L.solve, [(2, 3, 3), (3, 2)], np.linalg.solve),
    "solve_left_false": (lambda a, b: L.solve(a, b, left=False), [(3, 3), (2, 3)],
                         lambda a, b: np.linalg.solve(a.T, b.T).T),
    "cholesky": (lambda a: L.cholesky(_spd(a)), [(3, 3)], None),
    "cholesky_upper_batched": (lambda a: L.cholesky(_spd(a), upper=True), [(2, 3, 3)], None),
    "svdvals": (L.svdvals, [(4, 3)], lambda a: np.linalg.svd(a, compute_uv=False)),
    "svd_square": (_svd_loss, [(3, 3)], None),
    "svd_tall": (_svd_loss, [(4, 3)], None),
    "svd_wide_batched": (_svd_loss, [(2, 3, 4)], None),
    "qr_square": (_qr_loss, [(3, 3)], None),
    "qr_tall": (_qr_loss, [(4, 3)], None),
    "qr_wide": (_qr_loss, [(3, 4)], None),
    "eigh": (_eigh_loss, [(3, 3)], None),
    "eigh_batched": (_eigh_loss, [(2, 3, 3)], None),
    "eigvalsh": (lambda a: L.eigvalsh(_sym(a)), [(3, 3)], lambda a: np.linalg.eigvalsh((a + a.T) / 2)),
    "nuclear_norm": (lambda a: L.matrix_norm(a, "nuc"), [(3, 4)], lambda a: np.linalg.norm(a, "nuc")),
    "spectral_norm": (lambda a: L.matrix_norm(a, 2), [(2, 3, 3)], lambda a: np.linalg.norm(a, 2, axis=(1, 2))),
    "cross": (L.cross, [(2, 3), (3,)], np.cross),
    "cross_dim0": (lambda a, b: mg.cross(a, b, dim=0), [(3, 2), (3, 2)], lambda a, b: np.cross(a, b, axis=0)),
    "trace": (mg.trace, [(3, 4)], np.trace),
    "diagonal_offset": (lambda a: a.diagonal(1), [(3, 4)], lambda a: np.diagonal(a, 1)),
    "diagonal_dims": (lambda a: mg.diagonal(a, -1, 0, 2), [(3, 2, 4)], lambda a: np.diagonal(a, -1, 0, 2)),
    "linalg_diagonal": (L.diagonal, [(2, 3, 3)], lambda a: np.diagonal(a, 0, -2, -1)),
    "diag_vector": (lambda v: mg.diag(v, -1), [(3,)], lambda v: np.diag(v, -1)),
    "diag_matrix": (lambda a: a.diag(1), [(3, 3)], lambda a: np.diag(a, 1)),
    "diag_embed": (lambda v: mg.diag_embed(v, 1, 0, 2), [(2, 3)], None),
    "cdist": (mg.cdist, [(4, 3), (5, 3)], lambda a, b: np.linalg.norm(a[:, None] - b[None], axis=-1)),
    "cdist_p1_batched": (lambda a, b: mg.cdist(a, b, p=1), [(2, 4, 3), (2, 2, 3)],
                         lambda a, b: np.abs(a[:, :, None] - b[:, None]).sum(-1)),
}


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_numpy_and_gradients_match_finite_differences(name, device):
    fn, shapes, ref = CASES[name]
    arrays = inputs(shapes)
    if ref is not None:
        out = fn(*[mg.tensor(a.astype(np.float32), device=device) for a in arrays])
        assert out.dtype == mg.float32
        np.testing.assert_allclose(host(out), ref(*[a.astype(np.float32) for a in arrays]), rtol=1e-4, atol=1e-5)
    assert gradcheck(fn, [mg.tensor(a, device=device, requires_grad=True) for a in arrays])


SECOND = ["det", "slogdet", "inv", "solve_matrix", "cholesky", "svd_square", "qr_square", "eigh", "cross",
          "diagonal_dims", "diag_embed", "trace"]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivatives_match_finite_differences(name, device):
    fn, shapes, _ = CASES[name]
    assert gradgradcheck(fn, [mg.tensor(a, device=device, requires_grad=True) for a in inputs(shapes)])


def test_decompositions_reconstruct_and_return_pytorchs_types(device):
    a = mg.tensor(inputs([(4, 3)])[0], device=device)
    U, S, Vh = result = L.svd(a)
    assert isinstance(result, mg.return_types.linalg_svd) and result.S is S and U.shape == (4, 4) and Vh.shape == (3, 3)
    np.testing.assert_allclose(host(U[:, :3] * S @ Vh), host(a), atol=1e-5)
    assert (np.diff(host(S)) <= 0).all() and L.svd(a, full_matrices=False).U.shape == (4, 3)
    U, S, V = old = mg.svd(a)  # torch.svd: reduced by default, and V itself
    assert isinstance(old, mg.return_types.svd) and old.V.shape == (3, 3) and U.shape == (4, 3)
    np.testing.assert_allclose(host(U * S @ V.T), host(a), atol=1e-5)
    assert mg.svd(a, some=False).U.shape == (4, 4)
    zu, zs, zv = a.svd(compute_uv=False)
    assert host(zu).tolist() == np.zeros((4, 4)).tolist() and zv.shape == (3, 3)
    np.testing.assert_allclose(host(zs), host(S), rtol=1e-5)
    Q, R = L.qr(a)
    np.testing.assert_allclose(host(Q @ R), host(a), atol=1e-5)
    assert np.allclose(np.tril(host(R), -1), 0) and L.qr(a, mode="complete").Q.shape == (4, 4)
    assert L.qr(a, mode="r").Q.shape == (0,) and isinstance(mg.qr(a), mg.return_types.qr) and a.qr().R.shape == (3, 3)
    s = a.T @ a
    w, V = L.eigh(s)
    np.testing.assert_allclose(host(V * w @ V.T), host(s), atol=1e-4)
    assert (np.diff(host(w)) >= 0).all() and L.eigh(s, UPLO="U").eigenvalues.shape == (3,)
    lower = L.cholesky(s)
    np.testing.assert_allclose(host(lower @ lower.T), host(s), atol=1e-4)
    sign, logabsdet = L.slogdet(-mg.eye(3, device=device))
    assert sign.item() == -1.0 and logabsdet.item() == 0.0 and math.isnan(mg.logdet(-mg.eye(3, device=device)).item())


def test_node_names_and_gradients_against_pytorch(device):
    a = mg.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=mg.float64, device=device, requires_grad=True)
    assert L.det(a).grad_fn.name() == "LinalgDetBackward0" and L.inv(a).grad_fn.name() == "LinalgInvExBackward0"
    assert L.solve(a, a).grad_fn.name() == "LinalgSolveExBackward0" and mg.trace(a).grad_fn.name() == "TraceBackward0"
    assert L.cholesky(a).grad_fn.name() == "LinalgCholeskyExBackward0"
    assert a.diagonal().grad_fn.name() == "DiagonalBackward0"
    assert L.cross(a[:, :1].expand(2, 3), a[:1, :1].expand(2, 3)).grad_fn.name() == "LinalgCrossBackward0"
    assert L.svd(a).S.grad_fn.name() == "LinalgSvdBackward"  # one node for the three outputs (PyTorch: ...Backward0)
    # gradients of the symmetric-input decompositions, as torch 2.13 gives them (symmetrised)
    L.cholesky(a).sum().backward()
    np.testing.assert_allclose(host(a.grad), [[0.25583364, 0.19543951], [0.19543951, 0.31622777]], rtol=1e-6)
    a.grad = None
    w, V = L.eigh(a)
    (w[1] + V[0, 1] ** 2).backward()
    np.testing.assert_allclose(host(a.grad), [[0.45527864, 0.53665631], [0.53665631, 0.54472136]], rtol=1e-6)


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix():
    # NumPy reports the singular matrix, and the gradient goes through an SVD (CPU and the simulated GPU;
    # CuPy reports none, so a real GPU gives NaN there). torch 2.13 returns zeros for the first one.
    for m, cofactors in (([[1.0, 2.0], [2.0, 4.0]], [[4.0, -2.0], [-2.0, 1.0]]),
                         ([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]], [[-2.0, 4.0, -2.0], [1.0, -2.0, 1.0],
                                                                               [0.0, 0.0, 0.0]])):
        a = mg.tensor(m, dtype=mg.float64, requires_grad=True)
        L.det(a).backward()
        np.testing.assert_allclose(host(a.grad), cofactors, atol=1e-12)
        assert gradcheck(L.det, [a])


def test_diagonal_is_a_view_and_diag_is_a_copy(device):
    x = mg.arange(9.0, device=device).reshape(3, 3)
    d = x.diagonal()
    x[1, 1] = 40.0
    assert d[1].item() == 40.0  # sees writes to x
    c = mg.diag(x)
    x[0, 0] = -1.0
    assert c[0].item() == 0.0
    assert host(mg.diag_embed(mg.tensor([[1.0, 2.0]], device=device))).tolist() == [[[1.0, 0.0], [0.0, 2.0]]]


def test_cross_follows_pytorch(device):
    v1, v2 = mg.tensor([1.0, 0.0, 0.0], device=device), mg.tensor([0.0, 1.0, 0.0], device=device)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg is deprecated"):
        assert host(mg.cross(v2, v1)).tolist() == [0.0, 0.0, -1.0]
    assert host(v1.cross(v2, dim=0)).tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(RuntimeError, match="linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4"):
        L.cross(mg.ones(4, device=device), mg.ones(4, device=device))


def test_errors_are_pytorchs(device):
    cases = [(lambda: L.det(mg.ones(2, 3, device=device)), RuntimeError,
              "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices"),
             (lambda: L.inv(mg.ones(2, 2, dtype=mg.int64, device=device)), RuntimeError,
              "linalg.inv: Expected a floating point or complex tensor as input. Got minigrad.int64"),
             (lambda: L.solve(mg.eye(2, device=device), mg.ones(3, device=device)), RuntimeError,
              "Incompatible shapes of A and B"),
             (lambda: L.solve(mg.eye(2, device=device), mg.ones(2, dtype=mg.float64, device=device)), RuntimeError,
              "Expected A and B to have the same dtype"),
             (lambda: L.svd(mg.ones(3, device=device)), RuntimeError, "must have at least 2 dimensions"),
             (lambda: L.qr(mg.eye(2, device=device), mode="full"), RuntimeError, "unrecognized mode 'full'"),
             (lambda: L.eigh(mg.eye(2, device=device), UPLO="X"), RuntimeError, "Expected UPLO argument"),
             (lambda: mg.trace(mg.ones(2, 2, 2, device=device)), RuntimeError, "expected a matrix"),
             (lambda: mg.diag(mg.ones(2, 2, 2, device=device)), RuntimeError, "Supports 1D or 2D tensors. Got 3D"),
             (lambda: mg.diagonal(mg.ones(2, 2, device=device), 0, 1, -1), RuntimeError,
              "dimensions cannot be identical"),
             (lambda: mg.cdist(mg.ones(2, 3, device=device), mg.ones(2, 2, device=device)), RuntimeError,
              "X1 and X2 must have the same number of columns")]
    for f, error, message in cases:
        with pytest.raises(error, match=message):
            f()
    a = mg.randn(3, 2, dtype=mg.float64, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows > ncols"):
        L.qr(a, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="The derivative of linalg.qr depends on Q"):
        L.qr(a, mode="r").R.sum().backward()
    with pytest.warns(UserWarning, match="torch.cholesky is deprecated"):
        mg.cholesky(mg.eye(2, device=device))

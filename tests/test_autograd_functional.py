"""torch.autograd.functional on every device: jacobian, hessian, vjp, jvp, hvp, vhp against their
closed forms (the functions' derivatives by hand), in the shapes PyTorch documents (a tensor for a
tensor, tuples for tuples), with create_graph and strict as PyTorch has them."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def _t(values, device, **kw):
    return mg.tensor(values, dtype=mg.float64, device=device, **kw)


def exp_reducer(x):
    return x.exp().sum(dim=1)


def test_jacobian(device):
    x = _t([[0.1, 0.2], [0.3, 0.4]], device)
    J = jacobian(exp_reducer, x)  # d(sum_j e^x_ij)/dx_kl = [i = k] e^x_kl
    expected = np.zeros((2, 2, 2))
    for i in range(2):
        expected[i, i] = np.exp(host(x)[i])
    np.testing.assert_allclose(host(J), expected)
    assert not J.requires_grad
    a, b = _t([1.0, 2.0], device), _t([3.0, 4.0], device)
    Ja, Jb = jacobian(lambda p, q: 2 * p.exp() + 3 * q, (a, b))  # the introyt tutorial's exp_adder
    np.testing.assert_allclose(host(Ja), np.diag(2 * np.exp([1.0, 2.0])))
    np.testing.assert_allclose(host(Jb), 3 * np.eye(2))
    (J_00, J_01), (J_10, J_11) = jacobian(lambda p, q: (p * q, p.sum()), (a, b))
    assert J_10.shape == (2,) and host(J_10).tolist() == [1.0, 1.0] and host(J_01).tolist() == [[1.0, 0.0], [0.0, 2.0]]
    assert host(jacobian(lambda p: (p, p * 2), a)[1]).tolist() == [[2.0, 0.0], [0.0, 2.0]]  # tuple out, tensor in
    assert host(jacobian(lambda p, q: p * 2, (a, b))[1]).tolist() == [[0.0, 0.0], [0.0, 0.0]]  # unused: zeros
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        jacobian(lambda p, q: p * 2, (a, b), strict=True)
    assert jacobian(lambda p: p[:0], a).shape == (0, 2)
    with pytest.raises(NotImplementedError, match="only works when `vectorize=True`"):
        jacobian(exp_reducer, x, strategy="forward-mode")
    assert host(jacobian(exp_reducer, x, vectorize=True, strategy="forward-mode")).tolist() == host(J).tolist()


def test_hessian(device):
    x = _t([1.0, 2.0], device)
    H = hessian(lambda t: (t**3).sum() + t[0] * t[1], x)  # [[6 x0, 1], [1, 6 x1]]
    assert host(H).tolist() == [[6.0, 1.0], [1.0, 12.0]]
    a, b = _t([1.0, 2.0], device), _t([3.0], device)
    (Haa, Hab), (Hba, Hbb) = hessian(lambda p, q: (p**2).sum() * q.sum(), (a, b))
    assert host(Haa).tolist() == [[6.0, 0.0], [0.0, 6.0]] and host(Hab).tolist() == [[2.0], [4.0]]
    assert Hba.shape == (1, 2) and host(Hbb).tolist() == [[0.0]]
    with pytest.raises(RuntimeError, match="should contain a single element"):
        hessian(lambda t: t**2, x)
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 0 is "
                                           "independent of the input"):
        hessian(lambda t: t.sum() * 2, x, strict=True)


def test_vjp_and_jvp(device):
    x = _t([[0.1, 0.2], [0.3, 0.4]], device)
    out, g = vjp(exp_reducer, x, _t([1.0, 2.0], device))
    np.testing.assert_allclose(host(out), np.exp(host(x)).sum(1))
    np.testing.assert_allclose(host(g), np.exp(host(x)) * [[1.0], [2.0]])
    out, Jv = jvp(exp_reducer, x, mg.ones(2, 2, dtype=mg.float64, device=device))
    np.testing.assert_allclose(host(Jv), np.exp(host(x)).sum(1))  # PyTorch's documented example: J 1 = out
    a = _t([3.0], device)
    assert host(vjp(lambda t: t**2, a)[1]).tolist() == [6.0]  # v may be None for a single-element output
    assert host(jvp(lambda t: t**2, a)[1]).tolist() == [6.0]
    _, (da, db) = vjp(lambda p, q: 2 * p + 3 * q, (a, a), _t([1.0], device))
    assert host(da).tolist() == [2.0] and host(db).tolist() == [3.0]
    with pytest.raises(RuntimeError, match="The vector v can only be None if the user-provided function returns"):
        vjp(exp_reducer, x)
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be minigrad.Size\(\[2\]\)"):
        vjp(exp_reducer, x, _t([1.0], device))
    with pytest.raises(RuntimeError, match="The output of the user-provided function is independent of input 1"):
        vjp(lambda p, q: p * 2, (a, a.clone()), _t([1.0], device), strict=True)
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        vjp(exp_reducer, [1.0])


def test_hvp_and_vhp(device):
    x, v = _t([1.0, 2.0], device), _t([1.0, -1.0], device)
    f = lambda t: (t**3).sum() + t[0] * t[1]  # noqa: E731  (H = [[6, 1], [1, 12]] at x)
    out, Hv = hvp(f, x, v)
    assert out.item() == 11.0 and host(Hv).tolist() == [5.0, -11.0]
    assert host(vhp(f, x, v)[1]).tolist() == [5.0, -11.0]  # H is symmetric
    a, b = _t([1.0], device), _t([2.0], device)
    _, (va, vb) = vhp(lambda p, q: (p**2 * q).sum(), (a, b), (_t([1.0], device), _t([0.0], device)))
    assert host(va).tolist() == [4.0] and host(vb).tolist() == [2.0]  # first row of [[2q, 2p], [2p, 0]]
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        hvp(lambda t: (t, t), x, v)


def test_create_graph_keeps_the_results_differentiable(device):
    x = _t([1.0, 2.0], device, requires_grad=True)
    J = jacobian(lambda t: t**3, x, create_graph=True)
    assert J.requires_grad
    (dJ,) = mg.autograd.grad(J.sum(), x)  # d/dx sum(3 x^2 on the diagonal) = 6 x
    assert host(dJ).tolist() == [6.0, 12.0]
    out, g = vjp(lambda t: (t**2).sum(), x, create_graph=True)
    assert out.requires_grad and g.requires_grad
    assert not vjp(lambda t: (t**2).sum(), x)[1].requires_grad  # without create_graph: no graph
    _, Hv = hvp(lambda t: (t**3).sum(), x, _t([1.0, 0.0], device), create_graph=True)
    (d,) = mg.autograd.grad(Hv.sum(), x)  # Hv = (6 x0, 0): d/dx = (6, 0)
    assert host(d).tolist() == [6.0, 0.0]

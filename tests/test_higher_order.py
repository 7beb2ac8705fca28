"""create_graph=True: second (and third) derivatives, checked against finite differences of first
derivatives (gradgradcheck, float64) on every device; Hessian-vector products; ops that cannot be
differentiated twice say so."""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd import grad, gradgradcheck
from minigrad.ops.linalg import LinearReLU

F = mg.nn.functional


def leaf(*shape, device="cpu"):
    return mg.randn(*shape, dtype=mg.float64, device=device, requires_grad=True)


def _mlp(device):
    _ = mg.manual_seed(0)
    return mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.ReLU(), mg.nn.Linear(4, 2), mg.nn.Tanh()).double().to(device)


# (function of the inputs, input shapes); each is checked with gradgradcheck
CASES = {
    "cube": (lambda x: x**3, [(4,)]),
    "exp": (lambda x: x.exp(), [(4,)]),
    "log_sqrt": (lambda x: (x * x + 1).log() + (x * x + 1).sqrt(), [(4,)]),
    "tanh": (lambda x: x.tanh(), [(4,)]),
    "sigmoid": (lambda x: x.sigmoid(), [(4,)]),
    "div_pow": (lambda a, b: a / (b * b + 1) + (a * a + 1) ** b + 2.0**a, [(3,), (3,)]),
    "matmul": (lambda a, b: (a @ b) ** 2, [(3, 4), (4, 2)]),
    "matmul_batched_vector": (lambda a, b, v: (a @ b) ** 2 + (v @ b) ** 2, [(2, 3, 4), (4, 2), (4,)]),
    "linear_mse": (lambda x, w, b: F.mse_loss(F.linear(x, w, b), mg.full((3, 2), 0.5, dtype=mg.float64,
                                                                          device=x.device)), [(3, 2), (2, 2), (2,)]),
    "softmax": (lambda x: x.softmax(-1) ** 2, [(3, 4)]),
    "log_softmax_nll": (lambda x: F.nll_loss(x.log_softmax(1), mg.tensor([0, 2, 1], device=x.device)), [(3, 4)]),
    "sum_mean": (lambda x: x.sum(0) ** 2 + x.mean() ** 3 + x.mean(1, keepdim=True) ** 2, [(3, 4)]),
    "max_min": (lambda x: x.max(1).values ** 2 + x.max() ** 2 + x.amin(dim=(0, 1)) ** 3, [(3, 4)]),
    "relu_abs_clamp": (lambda x: x.relu() ** 2 + x.abs() ** 3 + x.clamp(-0.5, 0.5) ** 2, [(6,)]),
    "indexing": (lambda x: (x[1:, [0, 2, 2]] ** 2).sum() + (x[1] ** 3).sum(), [(3, 4)]),
    "shapes": (lambda a, b: (mg.cat([a, b]) ** 2).sum() + mg.stack([a, b]).sum() ** 2 + (a.reshape(3, 2).T ** 3).sum(),
               [(2, 3), (2, 3)]),
    "broadcasting": (lambda a, b: (a * b - a / (b * b + 1)) ** 2, [(3, 1), (4,)]),
}


@pytest.mark.parametrize("name", CASES)
def test_second_derivatives_match_finite_differences_of_first_derivatives(name, device):
    fn, shapes = CASES[name]
    assert gradgradcheck(fn, [leaf(*s, device=device) for s in shapes])


def test_second_derivatives_of_an_mlp_with_the_fused_linear_relu(device):
    model = _mlp(device)
    x = leaf(2, 3, device=device)
    first_op = model(x).grad_fn.inputs[0].grad_fn.inputs[0].grad_fn  # Tanh <- Linear <- Linear+ReLU (one op)
    assert isinstance(first_op, LinearReLU) and gradgradcheck(model, [x])


def test_gradgradcheck_takes_grad_outputs_and_finds_a_wrong_second_derivative():
    x = leaf(4)
    assert gradgradcheck(lambda t: t**3, [x], [mg.full((4,), 0.5, dtype=mg.float64)])

    class WrongSecond(mg.autograd.Function):  # right first derivative 3x^2, written so its derivative is 3x
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t**3

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * 3 * t.detach() * t  # the detach loses half of d/dt (3 t^2)

    assert mg.autograd.gradcheck(WrongSecond.apply, [x])
    assert not gradgradcheck(WrongSecond.apply, [x], raise_exception=False)


def test_third_derivative():
    x = leaf(5)
    (d1,) = grad((x**4).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x)
    np.testing.assert_allclose(d3.numpy(), 24 * x.detach().numpy())
    t = leaf(4)
    (g,) = grad(t.tanh().sum(), t, create_graph=True)
    (gg,) = grad(g.sum(), t, create_graph=True)
    (ggg,) = grad(gg.sum(), t)
    y = np.tanh(t.detach().numpy())  # d3/dx3 tanh = -2 (1 - y^2)(1 - 3 y^2)
    np.testing.assert_allclose(ggg.numpy(), -2 * (1 - y**2) * (1 - 3 * y**2), rtol=1e-10)


def test_hessian_vector_product_of_a_small_mlp_matches_finite_differences_of_gradients(device):
    model = _mlp(device)
    x, target = mg.randn(8, 3, dtype=mg.float64, device=device), mg.randn(8, 2, dtype=mg.float64, device=device)
    params = list(model.parameters())
    v = [mg.randn(*p.shape, dtype=mg.float64, device=device) for p in params]

    def loss():
        return F.mse_loss(model(x), target)

    g = grad(loss(), params, create_graph=True)
    hv = grad(sum((gi * vi).sum() for gi, vi in zip(g, v)), params)
    eps = 1e-6

    def gradient_at(sign):
        with mg.no_grad():
            for p, vi in zip(params, v):
                p += sign * eps * vi
        out = grad(loss(), params)
        with mg.no_grad():
            for p, vi in zip(params, v):
                p -= sign * eps * vi
        return out

    plus, minus = gradient_at(1), gradient_at(-1)
    for h, a, b in zip(hv, plus, minus):
        np.testing.assert_allclose(host(h), (host(a) - host(b)) / (2 * eps), rtol=1e-5, atol=1e-7)
    assert all(p.grad is None for p in params)  # autograd.grad leaves .grad alone


def test_backward_with_create_graph_leaves_a_differentiable_grad():
    x = mg.tensor([2.0], dtype=mg.float64, requires_grad=True)
    with pytest.warns(UserWarning, match="create a reference cycle between the parameter and its gradient"):
        (x**3).backward(create_graph=True)  # PyTorch's warning: x.grad's graph holds x
    first = x.grad
    assert first.requires_grad and first.item() == 12.0  # 3 x^2
    x.grad = None
    first.backward()
    assert x.grad.item() == 12.0  # 6 x


def test_gradient_penalty_trains_through_the_input_gradient():
    # WGAN-GP's idiom: a loss on |d D(x) / dx|, back-propagated to D's parameters
    model = _mlp("cpu")
    x = leaf(6, 3)
    (dx,) = grad(model(x).sum(), x, create_graph=True)
    penalty = ((dx * dx).sum(1) - 1) ** 2
    penalty.mean().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert x.grad is not None


def test_a_gradient_that_is_constant_does_not_require_grad_as_in_pytorch():
    x = leaf(3)
    (g,) = grad((x * 2).sum(), x, create_graph=True)
    assert not g.requires_grad
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        grad(g.sum(), x)


def test_ops_whose_backward_cannot_be_recorded_raise_naming_the_op():
    x = leaf(3, 4)
    with pytest.raises(NotImplementedError, match=r"create_graph=True: \w+ cannot be "
                                                  r"differentiated twice.*reads `p`"):
        grad(F.cross_entropy(x, mg.tensor([0, 1, 2])), x, create_graph=True)
    (g,) = grad(F.cross_entropy(x, mg.tensor([0, 1, 2])), x)  # first derivatives are fine
    assert g.shape == (3, 4)


class _Cube(mg.autograd.Function):
    """y = x^3 in minigrad's array-level form, its backward g * 3 x^2 written the long way round,
    through the xp functions a backward may use (each step is the identity on its input)."""

    def forward(self, x):
        self.x = x
        return x**3

    def backward(self, g):
        xp = self.xp
        sq = xp.maximum(self.x * self.x, 0)
        sq = xp.moveaxis(sq, 0, 1).T
        sq = xp.concatenate([sq[:1], sq[1:]], axis=0)
        sq = xp.stack([sq, 3 * sq], axis=0).sum(axis=0) / 4
        reverse = xp.argsort(-xp.arange(sq.shape[1]))
        sq = xp.take_along_axis(sq, xp.broadcast_to(reverse, sq.shape), 1)[:, ::-1]
        sq = xp.clip(xp.where(sq >= 0, sq, -1.0), -1e9, 1e9)
        dx = xp.zeros(sq.shape, dtype=g.dtype)
        xp.add.at(dx, (slice(None),), 3 * g * sq)
        return (dx,)


class _Cbrt(_Cube):
    def backward(self, g):
        return (g * 3 * self.xp.cbrt(self.x) ** 6,)  # xp.cbrt has no recorded form


def test_the_traced_namespace_records_the_numpy_functions_a_backward_uses(device):
    x = leaf(2, 3, device=device)
    assert mg.autograd.gradcheck(_Cube.apply, (x,)) and gradgradcheck(_Cube.apply, (x,))
    with pytest.raises(NotImplementedError, match=r"_Cbrt\w* cannot be differentiated twice.*calls xp.cbrt"):
        grad(_Cbrt.apply(x).sum(), x, create_graph=True)
    (g,) = grad(_Cbrt.apply(x).sum(), x)  # without create_graph it is an ordinary backward
    np.testing.assert_allclose(host(g), 3 * host(x) ** 2)


class _Square(_Cube):
    def forward(self, x):
        self.x = x
        return x * x * x / 3

    def backward(self, g):
        return (g * self.xp.square(self.x),)  # recorded through minigrad.square, once minigrad has one


def test_numpy_functions_go_to_minigrads_op_of_that_name(monkeypatch):
    x = leaf(4)
    if not hasattr(mg, "square"):
        with pytest.raises(NotImplementedError, match=r"calls xp.square, and minigrad has no differentiable "
                                                      r"minigrad.square yet"):
            grad(_Square.apply(x).sum(), x, create_graph=True)
        monkeypatch.setattr(mg, "square", lambda t: t * t, raising=False)  # what an op file would define
    assert gradgradcheck(_Square.apply, (x,))

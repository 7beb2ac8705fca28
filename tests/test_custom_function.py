"""Custom autograd Functions written as in PyTorch's docs and tutorials (import swapped), on every device:
values against NumPy or the same model built from minigrad's own ops, gradients against float64
finite differences, and PyTorch's errors for what a custom Function may not do."""

import math

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd import Function, gradcheck, gradgradcheck, once_differentiable


def leaf(*shape, device="cpu"):
    return mg.randn(*shape, dtype=mg.float64, device=device, requires_grad=True)


# ------------------------------------------------------------------ PyTorch's tutorial examples
class LegendrePolynomial3(Function):
    """P3(x) = (5x^3 - 3x) / 2, from PyTorch's polynomial_custom_function.py tutorial."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


def _fit_polynomial(p3, device, steps=300):
    """The tutorial's training loop: y = a + b P3(c + d x) fitted to sin(x) by plain gradient descent."""
    xs = np.linspace(-math.pi, math.pi, 2000, dtype=np.float32)
    x, y = mg.tensor(xs, device=device), mg.tensor(np.sin(xs), device=device)
    a, b, c, d = (mg.full((), v, device=device, requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
    learning_rate = 5e-6
    losses = []
    for _ in range(steps):
        y_pred = a + b * p3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with mg.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return [p.item() for p in (a, b, c, d)], losses


def test_legendre_polynomial_tutorial_trains_like_the_same_model_built_from_ops(device):
    coefficients, losses = _fit_polynomial(LegendrePolynomial3.apply, device)
    expected, expected_losses = _fit_polynomial(lambda z: 0.5 * (5 * z**3 - 3 * z), device)
    np.testing.assert_allclose(coefficients, expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-4)
    assert losses[-1] < losses[0] / 4  # the fit works (462 -> 101 in 300 steps; PyTorch 2.13 gives the same)
    assert gradcheck(LegendrePolynomial3.apply, (leaf(5, device=device),))


class MyReLU(Function):
    """From PyTorch's two_layer_net_custom_function.py: backward writes into a copy of the gradient."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MyExp(Function):
    """Saves its output (PyTorch's docs' Exp): backward reads the result, not the input."""

    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


def test_custom_relu_and_exp_forward_and_gradients(device):
    x = leaf(4, 3, device=device)
    np.testing.assert_array_equal(host(MyReLU.apply(x)), np.maximum(host(x), 0))
    np.testing.assert_allclose(host(MyExp.apply(x)), np.exp(host(x)))
    assert gradcheck(MyReLU.apply, (x,)) and gradcheck(MyExp.apply, (x,))
    y = MyExp.apply(x)
    assert y.requires_grad and y.grad_fn.name() == "MyExpBackward" and repr(y.grad_fn) == "<MyExpBackward>"


def test_a_backward_written_with_tensor_ops_has_second_derivatives(device):
    # with create_graph=True the backward runs with grad mode on, so its ops are recorded
    x = leaf(5, device=device)
    assert gradgradcheck(MyExp.apply, (x,)) and gradgradcheck(LegendrePolynomial3.apply, (x,))


class LinearFunction(Function):
    """PyTorch's "Extending torch.autograd" example: computes only the gradients that are needed."""

    computed = []

    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input @ weight.t()
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)  # in place: forward runs under no_grad
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        LinearFunction.computed.append(ctx.needs_input_grad)
        if ctx.needs_input_grad[0]:
            grad_input = grad_output @ weight
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t() @ input
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


def test_linear_function_reads_needs_input_grad(device):
    x, w, b = leaf(6, 3, device=device), leaf(2, 3, device=device), leaf(2, device=device)
    np.testing.assert_allclose(host(LinearFunction.apply(x, w, b)), host(x) @ host(w).T + host(b))
    assert gradcheck(LinearFunction.apply, (x, w, b))
    LinearFunction.computed.clear()
    data = mg.randn(6, 3, dtype=mg.float64, device=device)
    LinearFunction.apply(data, w).sum().backward()
    assert LinearFunction.computed == [(False, True)]  # one flag per argument given to apply


class MulConstant(Function):
    """A non-tensor argument kept on ctx, with None as its gradient (PyTorch's docs)."""

    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


def test_ctx_attributes_and_none_gradients(device):
    x = leaf(3, device=device)
    y = MulConstant.apply(x, 5.5)
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.full(3, 5.5))
    assert y.grad_fn.constant == 5.5  # the user's attributes outlive backward, as in PyTorch
    assert gradcheck(lambda t: MulConstant.apply(t, -2.0), (x,))


class Sort(Function):
    """Two outputs, the indices marked non-differentiable (PyTorch's mark_non_differentiable example)."""

    received = []

    @staticmethod
    def forward(ctx, x):
        order = mg.tensor(np.argsort(host(x), kind="stable"), device=x.device)
        ctx.mark_non_differentiable(order)
        ctx.save_for_backward(order)
        return x[order], order

    @staticmethod
    def backward(ctx, g_sorted, g_order):
        (order,) = ctx.saved_tensors
        Sort.received.append(g_order)
        grad = mg.zeros(g_sorted.shape, dtype=g_sorted.dtype, device=g_sorted.device)
        grad[order] = g_sorted
        return grad


def test_multiple_outputs_one_marked_non_differentiable(device):
    x = mg.tensor([3.0, 1.0, 2.0], dtype=mg.float64, device=device, requires_grad=True)
    values, order = Sort.apply(x)
    assert values.requires_grad and not order.requires_grad and order.grad_fn is None
    assert host(values).tolist() == [1.0, 2.0, 3.0] and host(order).tolist() == [1, 2, 0]
    Sort.received.clear()
    (values * mg.tensor([1.0, 10.0, 100.0], dtype=mg.float64, device=device)).sum().backward()
    assert host(x.grad).tolist() == [100.0, 1.0, 10.0]
    (g_order,) = Sort.received  # the non-differentiable output still gets a gradient: zeros, as in PyTorch
    assert g_order.dtype == mg.int64 and host(g_order).tolist() == [0, 0, 0]
    assert gradcheck(lambda t: Sort.apply(t)[0], (leaf(6, device=device),))


class Split(Function):
    """Several outputs, some not tensors; an output nobody uses gets zeros (or None, see below)."""

    received = []

    @staticmethod
    def forward(ctx, a, materialize=True):
        ctx.set_materialize_grads(materialize)
        return a * 2, a * 3, 7, "label"

    @staticmethod
    def backward(ctx, g1, g2, g3, g4):
        Split.received.append((g1, g2, g3, g4))
        grad = 0 if g1 is None else g1 * 2
        return grad + (0 if g2 is None else g2 * 3), None


def test_outputs_that_are_not_tensors_pass_through_and_unused_outputs_get_zeros(device):
    x = leaf(3, device=device)
    double, triple, seven, label = Split.apply(x)
    assert (seven, label) == (7, "label") and double.grad_fn is not None
    Split.received.clear()
    double.sum().backward()
    g1, g2, g3, g4 = Split.received[0]
    assert host(g2).tolist() == [0.0, 0.0, 0.0] and g3 is None and g4 is None
    np.testing.assert_allclose(host(x.grad), np.full(3, 2.0))
    x.grad = None
    Split.received.clear()
    Split.apply(x, False)[1].sum().backward()  # set_materialize_grads(False): None for the unused output
    assert Split.received[0][0] is None
    np.testing.assert_allclose(host(x.grad), np.full(3, 3.0))
    x.grad = None
    a, b = Split.apply(x)[:2]
    (a.sum() + b.sum()).backward()  # both outputs: their gradients meet in one backward call
    np.testing.assert_allclose(host(x.grad), np.full(3, 5.0))
    assert gradcheck(lambda t: Split.apply(t)[:2], (x,))


class PassThrough(Function):
    @staticmethod
    def forward(ctx, x):
        return x  # an input returned as it is

    @staticmethod
    def backward(ctx, g):
        return g * 5


def test_an_input_returned_as_is_still_goes_through_the_custom_backward(device):
    x = leaf(3, device=device)
    y = PassThrough.apply(x)
    assert y is not x and y.grad_fn is not None and x.grad_fn is None
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.full(3, 5.0))


class Scale(Function):
    """PyTorch 2's form: forward without ctx, then setup_context(ctx, inputs, output)."""

    @staticmethod
    def forward(x, k):
        return x * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None


def test_setup_context_form(device):
    x = leaf(4, device=device)
    Scale.apply(x, 3.0).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.full(4, 3.0))


class GradMode(Function):
    seen = []

    @staticmethod
    def forward(ctx, x):
        GradMode.seen.append(("forward", mg.is_grad_enabled()))
        return x * 2

    @staticmethod
    def backward(ctx, g):
        GradMode.seen.append(("backward", mg.is_grad_enabled()))
        return g * 2


def test_grad_modes_inside_forward_and_backward_and_no_graph_when_nothing_needs_it():
    # PyTorch: forward under no_grad; backward under no_grad unless create_graph=True
    x = leaf(2)
    GradMode.seen.clear()
    GradMode.apply(x).sum().backward()
    mg.autograd.grad(GradMode.apply(x).sum(), x, create_graph=True)
    assert GradMode.seen == [("forward", False), ("backward", False), ("forward", False), ("backward", True)]
    assert GradMode.apply(mg.ones(2)).grad_fn is None
    with mg.no_grad():
        assert GradMode.apply(x).grad_fn is None


def test_hooks_and_retain_grad_on_outputs_of_custom_functions():
    x = leaf(3)
    a, b = Split.apply(x)[:2]
    a.retain_grad()
    b.register_hook(lambda g: g * 10)
    (a.sum() + b.sum()).backward()
    assert a.grad.tolist() == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 2.0 + 30.0))


# ------------------------------------------------------------------ once_differentiable
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_once_differentiable_works_once_and_refuses_a_second_derivative():
    x = leaf(3)
    (dx,) = mg.autograd.grad(Square.apply(x).sum(), x)
    np.testing.assert_allclose(dx.numpy(), 2 * x.detach().numpy())
    v = mg.ones(3, dtype=mg.float64, requires_grad=True)
    (dx,) = mg.autograd.grad(Square.apply(x), x, v, create_graph=True)
    with pytest.raises(RuntimeError, match="differentiate twice a function that was marked with @once_differentiable"):
        dx.sum().backward()


# ------------------------------------------------------------------ errors, as PyTorch gives them
def _function(backward, forward=lambda ctx, x: x * 2):
    return type("Custom", (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)})


@pytest.mark.parametrize("backward, error, message", [
    (lambda ctx, g: (g, g), RuntimeError, r"returned an incorrect number of gradients \(expected 1, got 2\)"),
    (lambda ctx, g: 3.0, TypeError, "returned a float as gradient 0"),
    (lambda ctx, g: g.sum(), RuntimeError, r"invalid gradient at index 0 - got \[\] but expected shape compatible "
                                           r"with \[2, 3\]"),
])
def test_what_backward_returns_is_checked(backward, error, message):
    with pytest.raises(error, match=message):
        _function(backward).apply(leaf(2, 3)).sum().backward()


def test_extra_none_gradients_are_dropped_and_broadcast_gradients_summed_back():
    x = leaf(3)
    _function(lambda ctx, g: (g * 2, None, None)).apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 2.0))
    x.grad = None
    _function(lambda ctx, g: g.expand(4, 3)).apply(x).sum().backward()  # as PyTorch: summed over the 4 rows
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, 4.0))


def test_a_gradient_for_a_non_tensor_input_is_refused():
    fn = _function(lambda ctx, g: (g, g), forward=lambda ctx, x, k: x * k)
    with pytest.raises(RuntimeError, match="gradient different than None at position 2, but the corresponding "
                                           "forward input was not a Tensor"):
        fn.apply(leaf(3), 2.0).sum().backward()


def test_saved_tensors_are_freed_after_backward_and_version_checked():
    x = leaf(3)
    y = MyExp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="directly access saved tensors after they have already been freed"):
        _ = y.grad_fn.saved_tensors
    w, c = leaf(3), mg.ones(3, dtype=mg.float64)
    z = LinearFunction.apply(c.unsqueeze(0), w.unsqueeze(0))
    c.add_(1)  # saved by forward, written before backward
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    with pytest.raises(TypeError, match="save_for_backward can only save tensors .* argument 1 is of type int"):
        _function(lambda ctx, g: g, forward=lambda ctx, x: ctx.save_for_backward(x, 3)).apply(x)


def test_a_custom_function_without_backward_says_so():
    forward_only = type("ForwardOnly", (Function,), {"forward": staticmethod(lambda ctx, x: x * 2)})
    y = forward_only.apply(leaf(2))
    with pytest.raises(NotImplementedError, match="ForwardOnly has no backward"):
        y.sum().backward()


def test_mixing_the_two_forms_names_both():
    with pytest.raises(TypeError, match=r"forward is a @staticmethod but backward is not.*PyTorch's form"):
        type("Mixed", (Function,), {"forward": staticmethod(lambda ctx, x: x), "backward": lambda self, g: g})
    with pytest.raises(TypeError, match="backward is a @staticmethod but forward is not"):
        type("Mixed", (Function,), {"forward": lambda self, x: x, "backward": staticmethod(lambda ctx, g: g)})
    with pytest.raises(TypeError, match=r"forward\(ctx, \.\.\.\) is written in PyTorch's form, which needs "
                                        "@staticmethod"):
        class Forgotten(Function):
            def forward(ctx, x):
                return x

            def backward(ctx, g):
                return g
    with pytest.raises(RuntimeError, match=r"not instantiated and called; use MyExp.apply"):
        MyExp()(leaf(2))


def test_the_array_level_form_of_minigrads_own_ops_is_unchanged():
    class Double(Function):  # forward(self, *arrays) on NumPy/CuPy arrays, as in ops/
        saved_inputs = {}

        def forward(self, x):
            return x * 2

        def backward(self, g):
            return (g * 2,)

    x = leaf(3)
    assert not hasattr(Double, "_backward_cls") and gradcheck(Double.apply, (x,))
    assert Double.apply(x).grad_fn.__class__ is Double


def test_gradients_returned_twice_or_passed_through_do_not_alias_between_leaves():
    class Twice(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b, a - b

        @staticmethod
        def backward(ctx, g1, g2):
            return g1, g1  # the same tensor for both inputs, and the one it received

    a, b = leaf(3), leaf(3)
    Twice.apply(a, b)[0].sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0, 1.0]

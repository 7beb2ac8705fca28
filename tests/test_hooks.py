"""Tensor hooks and the autograd methods of Tensor, against what PyTorch 2.13 does (checked by hand):
register_hook on leaves and non-leaves, retain_grad, requires_grad_, detach_, setting .grad."""

import warnings

import numpy as np
import pytest
from conftest import host

import minigrad as mg


def leaf(*shape, device="cpu"):
    return mg.randn(*shape, dtype=mg.float64, device=device, requires_grad=True)


def test_hooks_may_replace_the_gradient_of_leaves_and_non_leaves(device):
    x = leaf(3, device=device)
    y = x * 2
    y.register_hook(lambda g: g * 10)  # non-leaf: changes what flows on to x
    x.register_hook(lambda g: g + 1)  # leaf: changes what is accumulated
    (y * 3).sum().backward()
    np.testing.assert_allclose(host(x.grad), np.full(3, 3 * 10 * 2 + 1))


def test_a_leaf_hook_sees_the_whole_gradient_once_and_autograd_grad_applies_hooks_too():
    x = leaf(2)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    ((x * 2).sum() + (x * 3).sum()).backward()  # two uses: one call with the sum, as in PyTorch
    assert seen == [[5.0, 5.0]]
    y = x * 2
    y.register_hook(lambda g: g * 10)
    assert mg.autograd.grad((y * 3).sum(), y)[0].tolist() == [30.0, 30.0]


def test_post_accumulate_hooks_fire_once_per_backward_even_for_a_leaf_used_twice():
    w = leaf(2)
    grads = []
    w.register_post_accumulate_grad_hook(lambda p: grads.append(p.grad.tolist()))
    ((w * 2).sum() + (w * 3).sum()).backward()
    assert grads == [[5.0, 5.0]]


def test_the_root_hook_runs_and_handles_remove_hooks():
    x = leaf(2)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.backward(mg.tensor([1.0, 2.0], dtype=mg.float64))
    assert seen == [[1.0, 2.0]]
    x.grad = None
    handle = x.register_hook(lambda g: g * 0)
    handle.remove()
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    x.grad = None
    with x.register_hook(lambda g: g * 0):
        pass  # removed on leaving the block
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("hook, error, message", [
    (lambda g: mg.ones(2), RuntimeError, "hook '<lambda>' has changed the size of value"),
    (lambda g: g.float(), RuntimeError, "hook '<lambda>' has changed the type of value"),
    (lambda g: 3, TypeError, "hook '<lambda>' must return a Tensor or None, but it returned int"),
])
def test_a_hook_may_not_change_shape_or_type(hook, error, message):
    y = leaf(3) * 2
    y.register_hook(hook)
    with pytest.raises(error, match=message):
        y.sum().backward()


def test_hooks_need_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        mg.ones(2).register_hook(print)


def test_retain_grad_keeps_and_accumulates_the_gradient_after_the_other_hooks(device):
    x = leaf(2, device=device)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 100)  # registered after retain_grad, still runs before it
    (y * y).sum().backward(retain_graph=True)
    np.testing.assert_allclose(host(y.grad), 2 * host(y) * 100)
    (y * y).sum().backward()
    np.testing.assert_allclose(host(y.grad), 2 * 2 * host(y) * 100)
    assert y.retains_grad and not x.retains_grad
    x.retain_grad()  # a leaf has its .grad anyway: nothing to do
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        mg.ones(2).retain_grad()


def test_reading_grad_of_a_non_leaf_warns_as_pytorch():
    y = leaf(2) * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):
        assert y.grad is None
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad is None


def test_requires_grad_flags():
    x = mg.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    y = x * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    assert y.requires_grad_(True) is y
    with pytest.raises(RuntimeError, match="only floating-point tensors can require gradients"):
        mg.ones(2, dtype=mg.int64).requires_grad_()


def test_detach_in_place():
    x = leaf(3)
    y = x * 2
    assert y.detach_() is y and y.is_leaf and not y.requires_grad and y.grad_fn is None
    with pytest.raises(RuntimeError, match="Can't detach views in-place. Use detach\\(\\) instead."):
        (x * 2)[0:2].detach_()
    z = (x * 2) @ (x * 3)  # not a view of anything: fine
    z.detach_()
    assert z.is_leaf


def test_setting_grad_is_checked_as_in_pytorch():
    x = leaf(3)
    x.grad = mg.ones(3, dtype=mg.float64)
    with pytest.raises(RuntimeError, match="attempting to assign a gradient of size '\\[2\\]' to a tensor of size "
                                           "'\\[3\\]'"):
        x.grad = mg.ones(2, dtype=mg.float64)
    with pytest.raises(RuntimeError, match="attempting to assign a gradient of dtype minigrad.float32"):
        x.grad = mg.ones(3)
    with pytest.raises(TypeError, match="assigned grad expected to be a Tensor or None but got grad of type list"):
        x.grad = [1.0, 2.0, 3.0]
    x.grad = None
    assert x.grad is None

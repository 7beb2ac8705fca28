"""Automatic differentiation: `Function` (one op, or a custom one in PyTorch's form), the backward
engine, grad modes, gradcheck, and the two entry points PyTorch has here:

    backward(tensors, grad_tensors)     accumulate d(tensors)/d(leaf) . grad_tensors into each leaf's .grad
    grad(outputs, inputs, grad_outputs) return d(outputs)/d(inputs) . grad_outputs; no .grad is touched

Both take create_graph=True, which records the backward pass itself, for second derivatives:

    >>> import minigrad as mg
    >>> x = mg.tensor([2.0], requires_grad=True)
    >>> (dx,) = mg.autograd.grad((x ** 3).sum(), x, create_graph=True)    # 3 x^2
    >>> mg.autograd.grad(dx.sum(), x)                                     # 6 x
    (tensor([12.]),)
"""

import warnings

from ..backend import guard
from . import engine
from .custom_function import FunctionCtx, once_differentiable
from .function import Function
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["Function", "FunctionCtx", "GradcheckError", "backward", "enable_grad", "grad", "gradcheck",
           "gradgradcheck", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
           "once_differentiable", "set_grad_enabled"]


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of `tensors` (weighted by grad_tensors; None for a scalar means 1)
    into `.grad` of the leaves that require grad — or, with `inputs`, of those tensors only."""
    tensors = _tensors(tensors, "tensors")
    seeds = _seeds(tensors, grad_tensors)
    retain_graph = create_graph if retain_graph is None else retain_graph
    if create_graph:
        warnings.warn("Using backward() with create_graph=True will create a reference cycle between the parameter "
                      "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                      "creating the graph to avoid this; otherwise set the parameters' .grad to None after use.",
                      UserWarning, stacklevel=3)
    if inputs is None:
        engine.backward(tensors, seeds, retain_graph, create_graph)
        return
    inputs = _inputs(inputs, "backward")
    for t, g in zip(inputs, engine.backward(tensors, seeds, retain_graph, create_graph, inputs)):
        if g is not None:
            engine.deliver(t, g, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` (weighted by grad_outputs) with respect to each of `inputs`, as a tuple.

    inputs may be leaves or intermediate tensors; `.grad` of the leaves is left untouched. An input the
    outputs do not depend on raises, unless allow_unused=True (then None) or materialize_grads=True
    (then zeros). create_graph=True records the computation, so the result can be differentiated again.
    """
    if is_grads_batched:
        raise NotImplementedError("grad(is_grads_batched=True) (vmap over grad_outputs) is not implemented in "
                                  "minigrad: call grad once per row of grad_outputs")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    outputs = _tensors(outputs, "outputs")
    inputs = _inputs(inputs, "grad")
    seeds = _seeds(outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    captured = engine.backward(outputs, seeds, retain_graph, create_graph, inputs)
    result, seen = [], set()
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(_zeros(t) if materialize_grads else None)
            continue
        result.append(engine.as_result(g, t.device, shared=id(g) in seen))
        seen.add(id(g))
    return tuple(result)


def _zeros(t):
    with guard(t.device):
        return Tensor._make(t.device.xp.zeros(t.shape, dtype=t._data.dtype), t.device, False, None)


def _tensors(tensors, what):
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{what} must be Tensors, got {type(t).__name__}")
    return tensors


def _inputs(inputs, fn):
    inputs = _tensors(inputs, "inputs")
    if not inputs:
        raise RuntimeError(f"`inputs` argument to `{fn}()` cannot be empty.")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad (inputs[{i}], shape "
                               f"{tuple(t.shape)}): create it with requires_grad=True, or call .requires_grad_()")
    return inputs


def _seeds(outputs, grads):
    """One gradient Tensor per output (PyTorch's _make_grads): ones for a scalar output given None."""
    if grads is None:
        grads = [None] * len(outputs)
    elif isinstance(grads, Tensor):
        grads = (grads,)
    else:
        grads = tuple(grads)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn: "
                               "create the inputs with requires_grad=True (and not under minigrad.no_grad())")
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs, but output {i} has "
                                   f"shape {tuple(out.shape)}: call .sum() first or pass a gradient of that shape")
            with guard(out.device):
                g = Tensor._make(out.device.xp.ones(out.shape, dtype=out._data.dtype), out.device, False, None)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.shape)} and output[{i}] "
                               f"has a shape of {tuple(out.shape)}.")
        elif g.device != out.device:
            raise RuntimeError(f"grad_output[{i}] is on {g.device} but output[{i}] is on {out.device}; "
                               "move one with .to(device)")
        elif g.dtype != out.dtype:
            g = g.to(out.dtype)
        seeds.append(g)
    return seeds


from ..tensor import Tensor  # noqa: E402  (tensor.py imports this package)

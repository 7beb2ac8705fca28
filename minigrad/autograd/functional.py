"""torch.autograd.functional: derivatives of a whole function at a point, built on autograd.grad.
J is the Jacobian of f at the inputs, H the Hessian of a scalar f:

    vjp(f, x, v)       v^T J    one backward pass
    jvp(f, x, v)       J v      two: u -> u^T J is linear in u, so the gradient of v . (u^T J) by u is
                                J v (the double-vjp trick; any u will do, and u = 0 is taken)
    jacobian(f, x)     J        one backward pass per output element
    hessian(f, x)      H        the jacobian of the gradient, recorded with create_graph
    vhp(f, x, v)       v^T H    the vjp of the gradient
    hvp(f, x, v)       H v      the jvp of the gradient, by the double-vjp trick again

inputs (and v) are a Tensor or a tuple of Tensors, and results take the same form: a tensor for a
tensor, tuples for tuples; the Jacobian of outputs o_i by inputs x_j is J[i][j], of shape
o_i.shape + x_j.shape. f runs under enable_grad on fresh tensors that require grad, so the results
carry no graph, unless create_graph=True, which records them back to the given inputs that require
grad (for derivatives of the results). An input the outputs do not depend on gets zeros, or raises
with strict=True. vectorize= and strategy= are PyTorch's speed options: accepted, same results.

    >>> import minigrad as mg
    >>> from minigrad.autograd.functional import hessian, jacobian, jvp
    >>> x = mg.tensor([1.0, 2.0])
    >>> jacobian(lambda t: t**2, x), hessian(lambda t: (t**3).sum(), x), jvp(lambda t: t**2, x, mg.ones(2))[1]
    (tensor([[2., 0.],
            [0., 4.]]), tensor([[ 6.,  0.],
            [ 0., 12.]]), tensor([2., 4.]))
"""

from . import grad as _autograd_grad
from .grad_mode import enable_grad


def _tensors(x, what, fn):
    """(was it a tuple, x as a tuple of Tensors)."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors but {where} has "
                            f"type {type(t)}.")
    return is_tuple, items


def _unpack(results, is_tuple):
    return results if is_tuple else results[0]


def _fresh(inputs, create_graph, need_graph=True):
    """New tensor objects for f to run on: views keeping the graph where create_graph wants it, else
    detached copies that require grad (need_graph) so that f's outputs can be differentiated."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _done(tensors, create_graph):
    """The results as handed back: without a graph, unless create_graph asked for one."""
    return tensors if create_graph else tuple(t.detach() for t in tensors)


def _check_outputs(outputs, strict):
    if strict:
        for i, o in enumerate(outputs):
            if not o.requires_grad:
                raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs "
                                   "must be computed in a differentiable manner from the input when running in "
                                   "strict mode.")


def _vector(v, refs, refs_tuple, fn, create_graph):
    """v checked against refs (what it multiplies: the outputs for vjp, the inputs for jvp/vhp/hvp);
    None stands for 1, allowed when refs is one single-element tensor."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            what = "user-provided function returns" if fn == "vjp" else "input to the user-provided function is"
            raise RuntimeError(f"The vector v can only be None if the {what} a single Tensor with a single element.")
        return None
    _, v = _tensors(v, "v", fn)
    if len(v) != len(refs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}." if refs_tuple
                           else "The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, refs)):
        if a.shape != b.shape:
            raise RuntimeError(f"{f'Entry {i} in ' if refs_tuple else ''}v has invalid size: should be {b.shape} but "
                               f"got {a.shape}.")
    return _fresh(v, create_graph, need_graph=False)


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    """autograd.grad of the outputs that require grad (None for an input none of them reaches)."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs or (None,) * len(outputs))
             if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, seeds = zip(*pairs)
    return _autograd_grad(outs, inputs, None if grad_outputs is None else seeds, retain_graph=retain_graph,
                          create_graph=create_graph, allow_unused=True)


def _zeros_for_unused(grads, refs, strict, create_graph, independent):
    """Each missing gradient as zeros shaped like its ref; with strict, a missing one (or, under
    create_graph, one without a graph) raises, saying `independent` of which input."""
    filled = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(independent.format(i) + " This is not allowed in strict mode.")
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(independent.format(i) + " This is not allowed in strict mode when create_graph=True.")
        filled.append(g)
    return tuple(filled)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): v has the outputs' shapes (None for a single-element output)."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "vjp")
        inputs = _fresh(inputs, create_graph)
        outputs_tuple, outputs = _tensors(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs(outputs, strict)
        v = _vector(v, outputs, outputs_tuple, "vjp", create_graph)
        grads = _grad(outputs, inputs, v, create_graph)
        result = _zeros_for_unused(grads, inputs, strict, create_graph,
                                   "The output of the user-provided function is independent of input {}.")
    return _unpack(_done(outputs, create_graph), outputs_tuple), _unpack(_done(result, create_graph), inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): v has the inputs' shapes (None for a single-element input). Computed with
    two backward passes (the double-vjp trick), so func's ops need second derivatives."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "jvp")
        inputs = _fresh(inputs, create_graph)
        v = _vector(v, inputs, inputs_tuple, "jvp", create_graph)
        outputs_tuple, outputs = _tensors(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs(outputs, strict)
        u = tuple(zeros_like(o, requires_grad=True) for o in outputs)  # u^T J is linear in u
        uJ = _grad(outputs, inputs, u, create_graph=True)
        uJ = _zeros_for_unused(uJ, inputs, strict, create_graph,
                               "The output of the user-provided function is independent of input {}.")
        Jv = _grad(uJ, u, v, create_graph)
        result = _zeros_for_unused(Jv, outputs, strict, create_graph,
                                   "The gradient with respect to the input is independent of entry {} in the "
                                   "grad_outputs when using the double backward trick to compute forward mode "
                                   "gradients.")
    return _unpack(_done(outputs, create_graph), outputs_tuple), _unpack(_done(result, create_graph), outputs_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: a tensor of shape output.shape + input.shape, or tuples of them
    (J[i][j] for output i and input j) when inputs or outputs are tuples."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has '
                         'more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to '
                         'use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError('torch.autograd.functional.jacobian: `strategy="forward-mode"` only works when '
                                  "`vectorize=True`.")
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "jacobian")
        inputs = _fresh(inputs, create_graph)
        outputs_tuple, outputs = _tensors(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs(outputs, strict)
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]  # per input: d(out element e)/d(input), e = 0, 1, ...
            flat = out.reshape(-1)
            for e in range(flat.numel()):
                grads = _grad((flat[e],), inputs, None, create_graph, retain_graph=True)
                grads = _zeros_for_unused(grads, inputs, strict, create_graph,
                                          f"Output {i} of the user-provided function is independent of input {{}}.")
                for row, g in zip(rows, grads):
                    row.append(g)
            jac.append(tuple(
                (stack(row) if row else zeros(0, dtype=x.dtype, device=x.device)).reshape(*out.shape, *x.shape)
                for row, x in zip(rows, inputs)))
        jac = tuple(_done(j, create_graph) for j in jac)
    return _unpack(tuple(_unpack(j, inputs_tuple) for j in jac), outputs_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar func at inputs: a tensor of shape input.shape * 2, or H[i][j] of shape
    x_i.shape + x_j.shape for a tuple of inputs."""
    inputs_tuple, inputs = _tensors(inputs, "inputs", "hessian")

    def scalar(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.reshape(())

    def gradient(*xs):
        g = jacobian(scalar, xs, create_graph=True)
        for i, gi in enumerate(g):
            if strict and not gi.requires_grad:
                raise RuntimeError(f"While computing the hessian, found that the jacobian of the user-provided "
                                   f"function with respect to input {i} is independent of the input. This is not "
                                   "allowed in strict mode. You should ensure that your function is twice "
                                   "differentiable and that the jacobian depends on the inputs (this would be "
                                   "violated by a linear function for example).")
        return g

    H = jacobian(gradient, inputs, create_graph, strict, vectorize, outer_jacobian_strategy)
    return H if inputs_tuple else H[0][0]


def _gradient_at(func, inputs, fn, strict):
    """(output, the gradient of the scalar func at inputs, recorded for a second derivative)."""
    output = func(*inputs)
    if not isinstance(output, Tensor):
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if output.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain a single element")
    _check_outputs((output,), strict)
    grads = _grad((output,), inputs, None, create_graph=True)
    return output, _zeros_for_unused(grads, inputs, strict, False,
                                     "The output of the user-provided function is independent of input {}.")


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar func: the vjp of its gradient."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "vhp")
        inputs = _fresh(inputs, create_graph)
        v = _vector(v, inputs, inputs_tuple, "vhp", create_graph)
        output, g = _gradient_at(func, inputs, "vhp", strict)
        result = _zeros_for_unused(_grad(g, inputs, v, create_graph), inputs, strict, create_graph,
                                   "The jacobian of the user-provided function is independent of input {}.")
    return _done((output,), create_graph)[0], _unpack(_done(result, create_graph), inputs_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a scalar func: the jvp of its gradient, by the double-vjp trick (for a
    twice continuously differentiable func, H is symmetric and vhp gives the same in one pass less)."""
    with enable_grad():
        inputs_tuple, inputs = _tensors(inputs, "inputs", "hvp")
        inputs = _fresh(inputs, create_graph)
        v = _vector(v, inputs, inputs_tuple, "hvp", create_graph)
        output, g = _gradient_at(func, inputs, "hvp", strict)
        u = tuple(zeros_like(x, requires_grad=True) for x in inputs)
        uH = _zeros_for_unused(_grad(g, inputs, u, create_graph=True), inputs, strict, create_graph,
                               "The jacobian of the user-provided function is independent of input {}.")
        result = _zeros_for_unused(_grad(uH, u, v, create_graph), inputs, strict, create_graph,
                                   "The hessian of the user-provided function is independent of entry {} in the "
                                   "grad_jacobian.")
    return _done((output,), create_graph)[0], _unpack(_done(result, create_graph), inputs_tuple)


from ..factories import zeros, zeros_like  # noqa: E402  (the factories import autograd)
from ..ops.join import stack  # noqa: E402
from ..tensor import Tensor  # noqa: E402

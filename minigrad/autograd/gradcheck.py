"""gradcheck: compare analytic gradients with central finite differences, in float64.

For a random cotangent v (one per output element), the scalar s(x) = sum(v * fn(x)) has gradient
J^T v; backward gives it analytically, and for every input element

    ds/dx_i ~= (s(x + eps e_i) - s(x - eps e_i)) / (2 eps)

Any wrong entry of any Jacobian row shows up in J^T v for almost every v.

gradgradcheck does the same for the first derivatives themselves: x -> J(x)^T u for a fixed random
u, computed with create_graph=True, is checked by gradcheck, so second derivatives (the recorded
backward pass) are compared with finite differences of first derivatives.
"""

import numpy as np

from ..backend import guard
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    pass


def _outputs(fn, inputs):
    out = fn(*inputs)
    return out if isinstance(out, (tuple, list)) else (out,)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """True if fn's analytic gradients match finite differences for every input requiring grad.

    Raises GradcheckError naming the worst element (or returns False with raise_exception=False).
    The inputs' `.grad` is overwritten by the analytic gradient.
    """
    inputs = tuple(inputs)
    for t in inputs:
        if getattr(t, "requires_grad", False) and t.dtype != np.dtype(np.float64):  # minigrad.float64 equals it
            raise GradcheckError(f"gradcheck needs float64 inputs for accurate differences, got {t.dtype} "
                                 f"(shape {tuple(t.shape)}); use .double()")
    checked = [t for t in inputs if getattr(t, "requires_grad", False)]
    rng = np.random.default_rng(seed)
    outputs = _outputs(fn, inputs)
    cotangents = [rng.standard_normal(o.shape) for o in outputs]

    def scalar():
        with no_grad():
            return sum(float((o.device.backend.to_host(o._data) * v).sum())
                       for o, v in zip(_outputs(fn, inputs), cotangents))

    for t in checked:
        t.grad = None
    total = sum((o * v).sum() for o, v in zip(outputs, cotangents))  # (a host v is copied to o's device)
    if getattr(total, "requires_grad", False):  # else fn does not depend on the inputs: zero gradients
        total.backward()

    worst = None
    for k, t in enumerate(checked):
        analytic = np.zeros(t.shape) if t.grad is None else t.grad.device.backend.to_host(t.grad._data)
        numeric = np.zeros(t.shape)
        data = t._data  # nudged element by element in place (any strides: a view, a transpose) and put back

        def nudge(i, value, data=data, device=t.device):
            with guard(device):  # a raw in-place write, like an optimizer's: on the tensor's device
                data[i] = value

        for i in np.ndindex(t.shape):
            orig = data[i].item()
            nudge(i, orig + eps)
            hi = scalar()
            nudge(i, orig - eps)
            lo = scalar()
            nudge(i, orig)
            numeric[i] = (hi - lo) / (2 * eps)
        err = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        if err.size and (worst is None or err.max() > worst[0]):
            i = np.unravel_index(int(err.argmax()), t.shape)
            worst = (err.max(), k, i, analytic[i], numeric[i])
    if worst is not None and worst[0] > 0:
        _, k, i, a, n = worst
        msg = (f"Jacobian mismatch for input {k} (shape {tuple(checked[k].shape)}) at index {tuple(map(int, i))}: "
               f"analytic {a:.8g} vs numerical {n:.8g} "
               f"(|diff| {abs(a - n):.3g} > atol {atol} + rtol {rtol} * |numerical|)")
        if raise_exception:
            raise GradcheckError(msg)
        return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, seed=0):
    """True if the second derivatives of fn match finite differences of its first derivatives:
    gradcheck of x -> grad(fn(x), x, u, create_graph=True) for u = grad_outputs (default: random)."""
    inputs = tuple(inputs)
    rng = np.random.default_rng(seed + 1)
    cotangents = grad_outputs
    if cotangents is None:
        cotangents = [Tensor._make(o.device.backend.to_device(rng.standard_normal(o.shape)).astype(o.dtype),
                                   o.device, False, None) for o in _outputs(fn, inputs)]
    wrt = [i for i, t in enumerate(inputs) if getattr(t, "requires_grad", False)]

    def first_derivatives(*xs):
        from . import grad  # (the package's, defined after this module is imported)

        with enable_grad():  # gradcheck evaluates under no_grad; the first derivatives need their graph
            grads = grad(_outputs(fn, xs), [xs[i] for i in wrt], cotangents, create_graph=True,
                         materialize_grads=True)
        return grads

    return gradcheck(first_derivatives, inputs, eps, atol, rtol, raise_exception, seed)


from ..tensor import Tensor  # noqa: E402

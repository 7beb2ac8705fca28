"""create_graph=True: each op's own array-level backward, run on `Traced` arrays (traced.py), records
the backward pass as a graph — so second (and higher) derivatives need no op to write a second
backward by hand.

The op's backward runs on a copy of the node whose saved arrays are seen as the tensors they came
from: an input's array as that input, the output's as the output (a tensor whose grad_fn is this
node again), so the recorded graph of `dx = g * y` for `y = exp(x)` leads back to x through y.
`self.xp` is the traced namespace (traced_xp.py) and `self.device.backend` the CPU backend's
kernels, which are written with array methods and so run on Traced arrays of any device.

Integer and bool arrays (indices, masks) are constants, whose derivative is zero. Any other float
array a forward saved was derived from the inputs in a way nothing recorded (the softmax inside
cross_entropy): such an op raises NotImplementedError under create_graph, naming the op and the
array, instead of giving a silently wrong second derivative.
"""

from ..backend import cpu
from . import traced_xp
from .traced import NotRecordable, Traced

_FRAMEWORK = frozenset(("xp", "device", "inputs", "needs_input_grad", "epoch", "_output", "output_written"))


def backward(fn, g):
    """fn's gradients for gradient g (a Traced), recorded as a graph."""
    if fn.runs_on_tensors:  # custom Functions (their backward is written on Tensors already)
        return fn.backward(g)
    traced_op = object.__new__(type(fn))  # the same op, its saved arrays seen as tensors
    traced_op.__dict__.update(fn.__dict__)
    try:
        traced_op.__dict__.update(_saved_as_traced(fn))
        traced_op.xp = traced_xp.namespace(fn.device)
        traced_op.device = _TracedDevice(fn.device, traced_op.xp)
        grads = traced_op.backward(g)
    except NotRecordable as e:
        raise NotImplementedError(
            f"create_graph=True: {fn.name()} cannot be differentiated twice in minigrad: its backward {e}. "
            "Compute this part without create_graph, or express it with ops that support it"
        ) from None
    return [gi if gi is None or isinstance(gi, Traced) else Traced(Tensor._make(gi, fn.device, False, None))
            for gi in grads]


def _saved_as_traced(fn):
    """fn's saved state, its arrays replaced by the Traced tensors they show."""
    inputs = [t for t in fn.inputs if isinstance(t, Tensor)]
    output = fn.__dict__.get("_output")
    out = []  # the output as a tensor of this node, made on first need

    def see(name, v):
        if isinstance(v, (tuple, list)):
            return type(v)(see(name, x) for x in v)
        if output is not None and (v is output or isinstance(v, fn.xp.ndarray) and isinstance(output, fn.xp.ndarray)
                                   and _same_elements(v, output)):
            if not out:
                out.append(Tensor._make(fn.xp.asarray(output), fn.device, True, fn))
            return Traced(out[0]).reshape(v.shape)
        if not isinstance(v, fn.xp.ndarray):
            if getattr(v, "dtype", None) is not None and v.dtype.kind in "fc":  # a NumPy float scalar
                raise NotRecordable(f"reads `{name}`, a number its forward computed from the inputs")
            return v
        for t in inputs:
            if _same_elements(v, t._data):
                return Traced(t).reshape(v.shape)
        if v.dtype.kind in "biu":
            return v  # indices and masks: constants
        raise NotRecordable(
            f"reads `{name}`, an array its forward computed ({v.dtype}, shape {tuple(v.shape)}) that is neither an "
            "input nor its output, so how it depends on the inputs was not recorded"
        )

    return {name: see(name, v) for name, v in fn.__dict__.items() if name not in _FRAMEWORK}


def _same_elements(v, a):
    """v holds the elements of a, in the same order (it is a, or a reshape of it, or a of it)."""
    if v is a:
        return True
    root_v = v if v.base is None else v.base
    root_a = a if a.base is None else a.base
    return (root_v is root_a and v.dtype == a.dtype and v.size == a.size == root_v.size
            and v.flags.c_contiguous and a.flags.c_contiguous)


class _TracedDevice:
    """`self.device` of a traced backward: the device's name, the traced namespace, and the CPU
    backend's kernels — written with array methods, so they run on Traced arrays of any device."""

    def __init__(self, device, xp):
        self.type, self.index, self.xp = device.type, device.index, xp

    backend = cpu




from ..tensor import Tensor  # noqa: E402  (tensor.py imports autograd)

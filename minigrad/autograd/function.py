"""`Function`: one differentiable operation, with its forward and backward side by side.

A subclass implements

    forward(self, *arrays, **options) -> array      the result, computed with self.xp
    backward(self, g) -> tuple of arrays or None    dL/d(input) for each positional input

where `self.xp` is the array module (NumPy or CuPy) of the inputs' device, decided once here in
`apply`, and `self.needs_input_grad[i]` says whether input i wants a gradient, so backward can skip
work nobody needs. Positional inputs are Tensors or Python numbers (constants, never differentiated).
Whatever forward stores on `self` for backward is dropped after backward by `release()`.

Backward reads some inputs and perhaps its own output; if one of those is written in place between
forward and backward, backward raises instead of using the new values (PyTorch's rule; inplace.py).
Each op says what it reads, so that only what this backward really needs is checked, as in PyTorch:

    saved_inputs = {i: (j, ...)}   input i is read for the gradients of inputs j, ...
                                   (None, the default: every input, always; {}: none)
    saves_output = (j, ...)        the output is read for the gradients of inputs j, ...

e.g. Mul has {0: (1,), 1: (0,)}: in `x * w` with only w requiring grad, w itself is never read.

An op whose result has no gradient (a comparison, argmax, nonzero) is a Function too, with
`differentiable = False` and no backward: apply still checks that its tensors share a device, hands
it `xp` and runs it under their device guard, but never records it. So every op that computes with
device arrays runs on its tensors' device; array work outside a Function is an in-place write
(inplace.py, an optimizer step) or a host transfer (backend), each entering the guard itself.

`grad_fn` prints as PyTorch's does (`<MulBackward0 object at 0x...>`): the node's name is the class's
own `node` attribute where PyTorch's name differs from f"{ClassName}Backward0" (Reshape is
"ViewBackward0", sum over dims "SumBackward1"), and `next_functions` lists the nodes that backward
feeds, as torchviz-style code reads them.
"""

from .grad_mode import state

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward(). Specify retain_graph=True if you need to backward through the graph a second time."
)


class Function:
    needs_input_grad = ()
    inputs = ()
    saved_inputs = None
    saves_output = ()
    released = False
    differentiable = True  # False: no gradient, never recorded (see the module docstring)
    guard = None  # the inputs' device guard, set by apply on CUDA (the engine runs backward under it)

    @classmethod
    def apply(cls, *args, **options):
        device = None
        needs_grad = []  # per input: is it a Tensor that requires grad?
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                if a.device is not device:
                    if device is not None:
                        raise device_mismatch(cls.__name__.lower(), device, a.device)
                    device = a.device
                needs_grad.append(a.requires_grad)
                arrays.append(a._data)
            else:
                needs_grad.append(False)
                arrays.append(a)
        fn = cls()
        fn.xp = device.xp
        fn.device = device
        try:
            if device.guard is None:  # the CPU
                out = fn.forward(*arrays, **options)
            else:  # CUDA: run on the inputs' GPU (PyTorch's device guard); backward runs there too
                fn.guard = device.guard
                with fn.guard:
                    out = fn.forward(*arrays, **options)
        except ValueError as e:  # NumPy's own complaint (e.g. shapes that don't broadcast): say which op
            raise ValueError(_explain(cls, e, arrays)) from None
        if out.ndim == 0:
            out = fn.device.xp.asarray(out)  # NumPy turns 0-d results into scalars: keep arrays
        recorded = state.enabled and True in needs_grad and cls.differentiable
        # the result lives on fn.device: the inputs' device, unless forward moved it (ToDevice)
        result = Tensor._make(out, fn.device, recorded, fn if recorded else None)
        if out.base is not None:  # a view (reshape, permute, basic indexing...) of an input, maybe
            _share_write_record(result, args)
        if recorded:
            fn.inputs = args
            fn.needs_input_grad = needs_grad
            fn.epoch = state.writes
            if fn.saves_output:
                fn.output_written = result._write_record()  # the record, not the tensor: no cycle
        return result

    def forward(self, *args, **options):
        raise NotImplementedError

    def backward(self, g):
        raise NotImplementedError

    def release(self):
        """Drop the graph edges and every array saved for backward (retain_graph=False)."""
        self.__dict__.clear()
        self.released = True

    def name(self):
        """PyTorch's name for this node, e.g. "MulBackward0". A class's `node` is not inherited: a
        subclass is another node (Clone(Cast) is "CloneBackward0", not "ToCopyBackward0")."""
        return type(self).__dict__.get("node") or f"{type(self).__name__}Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self):
        """((node, 0), ...) per input, as in PyTorch: the Function that made it, an AccumulateGrad for a
        leaf that requires grad, None for the rest (empty once backward has released the graph)."""
        return tuple((_next_node(t), 0) for t in self.inputs)


class AccumulateGrad:
    """What next_functions shows for a leaf that requires grad: backward adds into `variable.grad`."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def _next_node(t):
    if not isinstance(t, Tensor) or not t.requires_grad:
        return None
    return t.grad_fn if t.grad_fn is not None else AccumulateGrad(t)


def device_mismatch(op, first, second):
    """The one error for tensors of one op on different devices."""
    return RuntimeError(f"{op}: expected all tensors to be on the same device, but found {first} and "
                        f"{second}; move one with .to(device)")


def _share_write_record(view, args):
    """A view writes into its input's storage, so the two share one write record (inplace.py)."""
    base = view._data.base
    for a in args:
        if isinstance(a, Tensor) and (a._data is base or a._data.base is base):
            view._written = a._write_record()
            return


def _explain(cls, error, arrays):
    shapes = " and ".join(str(tuple(a.shape)) for a in arrays if hasattr(a, "shape"))
    if "broadcast" in str(error):
        return (f"{cls.__name__.lower()}: shapes {shapes} cannot be broadcast together: each dimension, "
                "aligned from the right, must be equal or 1; reshape, unsqueeze or expand one operand")
    return f"{cls.__name__.lower()}: {error} (operand shapes {shapes})"


from ..tensor import Tensor  # noqa: E402  (tensor.py imports the ops, which import this module)

"""`Function`: one differentiable operation, with its forward and backward side by side.

minigrad's own ops subclass it in the array-level form:

    forward(self, *arrays, **options) -> array      the result, computed with self.xp
    backward(self, g) -> tuple of arrays or None    dL/d(input) for each positional input

where `self.xp` is the array module (NumPy or CuPy) of the inputs' device, decided once here in
`apply`, and `self.needs_input_grad[i]` says whether input i wants a gradient, so backward can skip
work nobody needs. Positional inputs are Tensors or Python numbers (constants, never differentiated).
Whatever forward stores on `self` for backward is dropped after backward by `release()`.

User code subclasses it in PyTorch's form instead — static `forward(ctx, *args)` and
`backward(ctx, *grads)` on Tensors — and gets torch.autograd.Function's behaviour (custom_function.py).
Which form a class uses is decided once, when the class is defined; a class that mixes the two is
refused with a message naming both.

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

from ..inplace import INFERENCE, clock
from .grad_mode import is_inference_mode_enabled, recording

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph "
    "a second time or if you need to access saved tensors after calling backward."
)


class Function:
    needs_input_grad = ()
    inputs = ()
    saved_inputs = None
    saves_output = ()
    released = False
    wraps_numbers = False  # see next_functions
    differentiable = True  # False: no gradient, never recorded (see the module docstring)
    guard = None  # the inputs' device guard, set by apply on CUDA (the engine runs backward under it)
    runs_on_tensors = False  # True for custom Functions, whose backward takes Tensors (custom_function.py)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if _pytorch_form(cls):  # decided once per class, never per call
            custom_function.install(cls)

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
                out = raw = fn.forward(*arrays, **options)
            else:  # CUDA: run on the inputs' GPU (PyTorch's device guard); backward runs there too
                fn.guard = device.guard
                with fn.guard:
                    out = raw = fn.forward(*arrays, **options)
        except ValueError as e:  # NumPy's own complaint (e.g. shapes that don't broadcast): say which op
            raise ShapeError(_explain(cls, e, arrays)) from None
        if out.ndim == 0:
            out = fn.device.xp.asarray(out)  # NumPy turns 0-d results into scalars: keep arrays
        recorded = recording() and True in needs_grad and cls.differentiable
        # the result lives on fn.device: the inputs' device, unless forward moved it (ToDevice)
        result = Tensor._make(out, fn.device, recorded, fn if recorded else None)
        # a view (reshape, permute, basic indexing...) of an input shares its write record
        view = out.base is not None and _share_write_record(result, args)
        if recorded:
            fn.inputs = args
            fn.needs_input_grad = needs_grad
            fn.epoch = clock.writes
            if fn.saves_output:
                fn._output = raw  # what backward reads (maybe a 0-d scalar); create_graph must recognise it
                fn.output_written = result._write_record()  # the record, not the tensor: no cycle
        elif not view and is_inference_mode_enabled():  # (a view stays what its base is, as in PyTorch)
            result._written = INFERENCE
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
        leaf that requires grad, None for the rest (empty once backward has released the graph). Python
        numbers are listed (as None) only by the arithmetic ops, which PyTorch records with a wrapped
        tensor (`b * 2`); its other ops record the tensors alone (`b ** 2`, `2 - b`)."""
        return tuple((_next_node(t), 0) for t in self.inputs if self.wraps_numbers or isinstance(t, Tensor))


class AccumulateGrad:
    """What next_functions shows for a leaf that requires grad: backward adds into `variable.grad`."""

    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


_MIXED = (
    "{name}: {static} is a @staticmethod but {plain} is not. minigrad.autograd.Function takes either "
    "PyTorch's form, @staticmethod forward(ctx, *args) and @staticmethod backward(ctx, *grads) on Tensors, "
    "or the array-level form of minigrad's own ops, forward(self, *arrays) and backward(self, g); not a mix"
)


def _pytorch_form(cls):
    """True for a class in PyTorch's form (static forward, or static setup_context); refuses one that
    mixes the forms, or that looks like PyTorch's form with the @staticmethod forgotten."""
    forward, backward = _find(cls, "forward"), _find(cls, "backward")
    if isinstance(forward, staticmethod) or isinstance(_find(cls, "setup_context"), staticmethod):
        if not isinstance(backward, staticmethod) and backward is not Function.backward:
            raise TypeError(_MIXED.format(name=cls.__name__, static="forward", plain="backward"))
        return True
    if isinstance(backward, staticmethod):
        raise TypeError(_MIXED.format(name=cls.__name__, static="backward", plain="forward"))
    if getattr(forward, "__code__", None) is not None and forward.__code__.co_varnames[:1] == ("ctx",):
        raise TypeError(
            f"{cls.__name__}.forward(ctx, ...) is written in PyTorch's form, which needs @staticmethod on forward "
            f"and backward: add it to both (then use {cls.__name__}.apply(...)); minigrad's array-level form for "
            "its own ops is forward(self, *arrays) / backward(self, g)"
        )
    return False


def _find(cls, name):
    """The attribute `name` as the class that defines it stores it (a staticmethod stays one)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


def _next_node(t):
    if not isinstance(t, Tensor) or not t.requires_grad:
        return None
    return t.grad_fn if t.grad_fn is not None else AccumulateGrad(t)


def device_mismatch(op, first, second):
    """The one error for tensors of one op on different devices."""
    return RuntimeError(f"{op}: expected all tensors to be on the same device, but found {first} and "
                        f"{second}; move one with .to(device)")


def _share_write_record(view, args):
    """A view writes into its input's storage, so the two share one write record (inplace.py).
    True if `view` is a view of one of args."""
    base = view._data.base
    for a in args:
        if isinstance(a, Tensor) and (a._data is base or a._data.base is base):
            view._written = a._write_record()
            return True
    return False


def refuse_saved_inference(fn):
    """PyTorch's rule: a graph may use an inference tensor but never save it for backward. (PyTorch
    raises when the graph is recorded; minigrad when its backward runs, which keeps every op's forward
    free of the check.)"""
    needs = fn.needs_input_grad
    for i, a in enumerate(fn.inputs):
        if isinstance(a, Tensor) and a._written is INFERENCE:
            readers = range(len(fn.inputs)) if fn.saved_inputs is None else fn.saved_inputs.get(i, ())
            if any(needs[j] for j in readers):
                raise RuntimeError(
                    f"Inference tensors cannot be saved for backward: input {i} of {fn.name()} ({a.dtype}, shape "
                    f"{tuple(a.shape)}) was made under inference_mode(). Make a normal tensor with .clone() outside "
                    "inference mode, or compute it under no_grad() instead of inference_mode()"
                )


class ShapeError(ValueError, RuntimeError):
    """Operands an op cannot combine (shapes that do not broadcast, ...): a RuntimeError, as PyTorch
    raises, and a ValueError, as NumPy does."""


def _explain(cls, error, arrays):
    shapes = " and ".join(str(tuple(a.shape)) for a in arrays if hasattr(a, "shape"))
    if "broadcast" in str(error):
        return (f"{cls.__name__.lower()}: shapes {shapes} cannot be broadcast together: each dimension, "
                "aligned from the right, must be equal or 1; reshape, unsqueeze or expand one operand")
    return f"{cls.__name__.lower()}: {error} (operand shapes {shapes})"


from ..tensor import Tensor  # noqa: E402  (tensor.py imports the ops, which import this module)
from . import custom_function  # noqa: E402  (it subclasses Function)
from .custom_function import FunctionCtx, once_differentiable  # noqa: E402,F401  (torch.autograd.function's names)

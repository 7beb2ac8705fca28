"""Custom Functions in PyTorch's form: `torch.autograd.Function` code runs with the import swapped.

    class Exp(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):                 # Tensors in, Tensors out, run under no_grad
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):             # one gradient per output, one per input back
            y, = ctx.saved_tensors
            return grad * y

    y = Exp.apply(x)

`ctx` is the graph node itself (y.grad_fn, named ExpBackward), as in PyTorch: it keeps the saved
tensors, `needs_input_grad`, whatever attributes forward sets, and runs the user's backward when the
engine reaches it. A forward returning a tuple has several outputs: each gets its own small node
(`_Output`) that hands its gradient to ctx as one slot, so the engine keeps one output per node.
Backward runs under no_grad, or with grad mode on under create_graph=True, so that a backward
written with Tensor ops is differentiable again (second derivatives of custom Functions).
"""

import functools

from ..inplace import INFERENCE, clock
from .function import FREED_MESSAGE, Function
from .grad_mode import no_grad, recording


def install(cls):
    """Give a PyTorch-form Function class its `apply` and its node class (ctx)."""
    cls._backward_cls = type(f"{cls.__name__}Backward", (FunctionCtx,), {"_forward_cls": cls})
    cls._setup_context = hasattr(cls, "setup_context")  # PyTorch 2's form: forward(*args), then setup_context
    cls.apply = classmethod(_apply)
    cls.__call__ = _legacy_call


def _legacy_call(self, *args):
    raise RuntimeError(f"{type(self).__name__}: custom Functions are not instantiated and called; use "
                       f"{type(self).__name__}.apply(...) (forward and backward are @staticmethods)")


def _apply(cls, *args, **kwargs):
    ctx = cls._backward_cls()
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
    with no_grad():
        if cls._setup_context:
            out = cls.forward(*args, **kwargs)
            cls.setup_context(ctx, args, out)
        else:
            out = cls.forward(ctx, *args, **kwargs)
    if not (recording() and True in ctx.needs_input_grad):
        return out  # nothing to differentiate: the outputs stay as forward made them
    return ctx.record(args, out)


class FunctionCtx(Function):
    """ctx of a custom Function, and the graph node of its outputs."""

    runs_on_tensors = True  # its backward takes Tensors: the engine's create_graph pass calls it as is
    saved_inputs = {}  # the saved tensors are version-checked when unpacked, as in PyTorch
    materialize_grads = True
    _to_save = ()
    _non_differentiable = ()
    _saved = None

    def save_for_backward(self, *tensors):
        """Keep tensors (inputs, outputs or intermediates) for backward, where `saved_tensors` gives them."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save tensors (or None), but argument {i} is of "
                                f"type {type(t).__name__}; keep other values as attributes of ctx (ctx.k = k)")
        self._to_save = tensors

    def mark_non_differentiable(self, *tensors):
        """These outputs get requires_grad=False; backward still receives a (zero) gradient for each."""
        self._non_differentiable = tuple(map(id, tensors))

    def set_materialize_grads(self, value):
        """False: backward receives None, not zeros, for outputs that got no gradient."""
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        if self.released:
            raise RuntimeError(FREED_MESSAGE)
        if self._saved is None:  # still in forward (or no graph recorded): what was saved, as it is
            return tuple(self._to_save)
        return tuple(map(self._unpack, self._saved))

    def record(self, args, out):
        """Wrap forward's outputs as tensors with this node as grad_fn; resolve the saved tensors."""
        self.multi = isinstance(out, tuple)
        outs = out if self.multi else (out,)
        self.inputs, self.epoch = args, clock.writes
        self.outputs = []  # per output: (shape, dtype, device, differentiable), or None for a non-tensor
        wrapped = []
        for k, o in enumerate(outs):
            if not isinstance(o, Tensor):
                self.outputs.append(None)
                wrapped.append(o)
                continue
            differentiable = o.dtype.kind == "f" and id(o) not in self._non_differentiable
            self.outputs.append((o.shape, o.dtype, o.device, differentiable))
            t = Tensor._make(o._data, o.device, differentiable, self._output_node(k))
            t._written = o._write_record()  # the same storage as forward's result (maybe an input's)
            wrapped.append(t)
        self.device = next(m[2] for m in self.outputs if m is not None)
        self._saved = [self._pack(t, outs) for t in self._to_save]
        self._to_save = ()
        return tuple(wrapped) if self.multi else wrapped[0]

    def _output_node(self, k):
        """grad_fn of output k: this node, or (several outputs) a node of its own; None if not differentiable."""
        shape, dtype, device, differentiable = self.outputs[k]
        if not differentiable:
            return None
        return _Output(self, k, device) if self.multi else self

    def _pack(self, t, outs):
        """What save_for_backward keeps of t: (output index or None, array or tensor, write record)."""
        if t is None:
            return None
        if t._written is INFERENCE:
            raise RuntimeError(f"Inference tensors cannot be saved for backward ({t.dtype}, shape {tuple(t.shape)}, in "
                               f"{self.name()}): make a normal tensor with .clone() outside inference mode first")
        for k, o in enumerate(outs):
            if t is o:  # an output: kept as its array, so that ctx does not hold the tensor that holds ctx
                return (k, o._data, o._write_record())
        return (None, t, t._write_record())

    def _unpack(self, saved):
        if saved is None:
            return None
        k, t, record = saved
        if record[0] > self.epoch:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: a tensor saved by {self.name()} ({t.dtype}, shape {tuple(t.shape)}) was written after the "
                "forward pass; write into a copy instead (x = x.clone()), or update it after backward()"
            )
        if k is None:
            return t
        grad_fn = self._output_node(k)  # an output, rebuilt: with create_graph its graph leads back here
        return Tensor._make(t, self.outputs[k][2], grad_fn is not None, grad_fn)

    def backward(self, g):
        """The engine's call: g is the output's gradient (array or Traced), or _OutputGrads."""
        slots = g if isinstance(g, _OutputGrads) else {0: g}
        like = next(iter(slots.values()))
        grads = [None if m is None else self._grad_tensor(slots.get(k), m) for k, m in enumerate(self.outputs)]
        if self._forward_cls.backward is Function.backward:
            raise NotImplementedError(f"{self._forward_cls.__name__} has no backward: you must implement the "
                                      "backward method (a @staticmethod) of your custom autograd.Function to "
                                      "use it with backward mode AD")
        result = self._forward_cls.backward(self, *grads)
        return self._check_grads(result if isinstance(result, tuple) else (result,), like, slots.values())

    def _grad_tensor(self, g, meta):
        if g is not None:
            return traced.as_tensor(g, meta[2])
        if not self.materialize_grads:
            return None
        shape, dtype, device, _ = meta
        return Tensor._make(device.xp.zeros(shape, dtype=dtype), device, False, None)

    def _check_grads(self, grads, like, incoming):
        """PyTorch's checks of what a custom backward returned: count, type, shape, device. A gradient
        that is one it received, or that it returns twice, is copied: the engine's arrays never alias."""
        taken = {id(g) for g in incoming}
        n, name = len(self.inputs), type(self).__name__
        if len(grads) > n and all(gi is None for gi in grads[n:]):
            grads = grads[:n]
        if len(grads) != n:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {n}, got "
                               f"{len(grads)}): backward returns one gradient (or None) per input of forward")
        out = []
        for i, (x, gi) in enumerate(zip(self.inputs, grads)):
            if gi is None:
                out.append(None)
                continue
            if not isinstance(gi, Tensor):
                raise TypeError(f"function {name} returned a {type(gi).__name__} as gradient {i}; "
                                "expected a Tensor or None")
            if not isinstance(x, Tensor):
                raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, "
                                   f"but the corresponding forward input was not a Tensor")
            if not self.needs_input_grad[i]:
                out.append(None)
                continue
            if gi.device != x.device:
                raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - expected device "
                                   f"{x.device} but got {gi.device}")
            g = traced.from_tensor(gi, like)
            if id(g) in taken and not isinstance(g, traced.Traced):
                g = g.copy()
            taken.add(id(g))
            if gi.shape != x.shape:
                if not _expandable(x.shape, gi.shape):
                    raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - got "
                                       f"{list(gi.shape)} but expected shape compatible with {list(x.shape)}")
                g = sum_to(g, x.shape)  # a broadcast gradient is summed back, as in PyTorch
            out.append(g)
        return out

    def release(self):
        """Drop the graph edges and saved tensors; keep the user's attributes, as PyTorch does."""
        self.inputs, self._saved, self.released = (), None, True

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__}>"


def _expandable(shape, to):
    """shape broadcasts to `to` (aligned from the right, each dim equal or 1)."""
    return len(shape) <= len(to) and all(a in (1, b) for a, b in zip(reversed(shape), reversed(to)))


class _OutputGrads(dict):
    """{output slot: gradient} of a multi-output custom Function, as the engine sums them up."""

    dtype = None  # matches Edge.dtype: the engine never casts it

    def __add__(self, other):
        total = _OutputGrads(self)
        for k, g in other.items():
            total[k] = total[k] + g if k in total else g
        return total


class _NoArray:
    dtype = None


class Edge:
    """What an _Output node's single input looks like to the engine: a way to its ctx."""

    __slots__ = ("grad_fn",)
    dtype = None
    _data = _NoArray()  # the engine casts an input's gradient to its array's dtype; an Edge has none

    def __init__(self, ctx):
        self.grad_fn = ctx


class _Output(Function):
    """Output k of a multi-output custom Function: its gradient goes to ctx as slot k."""

    runs_on_tensors = True
    saved_inputs = {}

    def __init__(self, ctx, k, device):
        self.inputs, self.k, self.device = (Edge(ctx),), k, device
        self.needs_input_grad, self.epoch = (True,), ctx.epoch

    def backward(self, g):
        return (_OutputGrads({self.k: g}),)

    def name(self):
        """Its ctx's name: in PyTorch every output of the Function has the ctx itself as grad_fn."""
        return self.inputs[0].grad_fn.name() if self.inputs else "released output"

    def __repr__(self):
        return f"<{type(self.inputs[0].grad_fn).__name__}>" if self.inputs else "<released output>"


def once_differentiable(backward):
    """Decorate a custom backward that is not itself differentiable: it runs under no_grad, and a
    second derivative through it raises instead of being silently zero (PyTorch's decorator)."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            out = backward(ctx, *grads)
        if not recording() or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return out
        needing = [g for g in grads if isinstance(g, Tensor) and g.requires_grad]
        outs = out if isinstance(out, tuple) else (out,)
        guarded = tuple(_DelayedError.apply(o, *needing) if isinstance(o, Tensor) else o for o in outs)
        return guarded if isinstance(out, tuple) else guarded[0]

    return wrapper


class _DelayedError(Function):
    """y = x, with a backward that refuses: marks a gradient computed by a once_differentiable backward."""

    saved_inputs = {}

    def forward(self, x, *grads):
        return x.copy()

    def backward(self, g):
        raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


from ..ops.arith import sum_to  # noqa: E402  (the ops import autograd)
from ..tensor import Tensor  # noqa: E402
from . import traced  # noqa: E402

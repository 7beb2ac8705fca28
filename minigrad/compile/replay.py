"""A planned program as calls: each instruction bound once to its arrays (`executor`), and the frame
around a run (`Replay`): check the guards, copy the arguments in, run, hand the results out.

An executor writes into the instruction's planned buffer — `out=` for ufuncs, reductions and the
other calls that take it, `copyto` for copies and casts, a fill for zeros/ones — so a replay
allocates only where a call has no `out=` (fancy indexing, a few functions: computed, then copied
in). A replay therefore runs no Tensor, Function or graph code: a loop over bound calls.

Executors work for NumPy and CuPy alike (both have ufuncs with `out=`, `copyto`, the same methods);
the backends choose how the loop runs (numpy_replay.py: plainly, cuda_graph.py: captured once).

Under a recording profiler (minigrad.profiler / autograd.profiler) a replay runs no Function.apply for
the profiler to time, so it times itself instead: the whole replay is one event named after the
step ("compiled train_step"), each bound call inside it one event named after its array function
("matmul", "fused", "add"), so that the profile shows where a compiled step's time goes.
"""

import functools

import numpy as np

from ..autograd import profiler
from ..inplace import clock
from ..tensor import Tensor
from .capture import _DATA
from .memory import substitute
from .optimizers import quick_state
from .program import Output
from .scalars import Refresh
from .trace import GuardFailed

_FILL = {"zeros": 0, "zeros_like": 0, "ones": 1, "ones_like": 1, "empty": None, "empty_like": None}
# methods and functions that take out= (others are computed, then copied into their buffer)
_OUT = {"sum", "max", "min", "amax", "amin", "mean", "prod", "clip", "cumsum", "cumprod", "round", "around",
        "any", "all", "argmax", "argmin", "std", "var", "take", "dot", "concatenate", "stack", "einsum",
        "matmul", "trace"}


def _is_ufunc(fn, xp):
    return isinstance(fn, xp.ufunc) or isinstance(getattr(fn, "__self__", None), xp.ufunc)


def executor(instr, arrays, xp):
    """A zero-argument callable that performs instr on the planned arrays."""
    fn = instr.fn
    args, kwargs = substitute(instr.args, arrays), substitute(instr.kwargs, arrays)
    if instr.kind == "guard":
        return functools.partial(_check, instr.convert, args[0], instr.expected, instr.where)
    outs = [arrays[id(v)] for v in instr.outs]
    if instr.kind == "draw":
        return functools.partial(_copy_result, xp, outs, fn, args, kwargs)
    if hasattr(fn, "bind"):  # a fused loop (fuse.py)
        return fn.bind(args)
    if not outs:  # in place as recorded: out= arrays, x[i] = v, np.add.at, ...
        return functools.partial(fn, *args, **kwargs)
    name = getattr(fn, "__name__", "")
    if len(outs) == 1:
        out = outs[0]
        if _is_ufunc(fn, xp):
            return functools.partial(fn, *args, **kwargs, out=(out,))
        if name in _OUT:
            return functools.partial(fn, *args, **kwargs, out=out)
        if name == "copy" and len(args) == 1:
            return functools.partial(xp.copyto, out, args[0])
        if name == "astype":
            return functools.partial(xp.copyto, out, args[0], casting="unsafe")
        if name in _FILL:
            return (lambda: None) if _FILL[name] is None else functools.partial(out.fill, _FILL[name])
    return functools.partial(_copy_result, xp, outs, fn, args, kwargs)


def _copy_result(xp, outs, fn, args, kwargs):
    made = fn(*args, **kwargs)
    for out, m in zip(outs, made if len(outs) > 1 else (made,)):
        if m.shape != out.shape:
            raise RuntimeError(f"compiled step: {getattr(fn, '__name__', fn)} made shape {m.shape}, "
                               f"recorded {out.shape}")
        (np if isinstance(out, np.ndarray) else xp).copyto(out, m)  # (a host buffer on a GPU: a draw)


def _check(convert, array, expected, where):
    got = convert(array)
    if got != expected and not (got != got and expected != expected):  # NaN == NaN here
        raise GuardFailed(f"{where} gave {got!r}, recorded {expected!r}")


class Replay:
    """One program, ready to run: `replay(args, kwargs)` is the step, or raises GuardFailed."""

    def __init__(self, program, xp, steps, labels=None):
        self.program, self.xp, self.steps = program, xp, steps
        self.labels = labels  # each step's event name under a profiler (None: the replay is one event)
        self.name = "compiled " + getattr(program.recording.fn, "__qualname__", "step")
        arrays = program.arrays
        self.inputs = [(pos, arrays[id(v)]) for pos, v in program.inputs]
        # storage outside the program that it reads or writes: the same arrays must be there
        self.externals = [(v.tensor, v.array) for v in program.tracer.values
                          if v.kind == "external" and v.tensor is not None]
        self.optimizers = program.optimizer_guards
        self.modules = list(program.recording.modules.values())  # (module, its training flag)
        self.grads = []
        for leaf, g in program.grads:  # the same grad tensor object on every replay
            if g is None or isinstance(g, Tensor):
                self.grads.append((leaf, g))
            else:
                self.grads.append((leaf, Tensor._make(arrays[id(g)], leaf.device, False, None)))
        written = {id(w) for i in program.instrs for w in i.writes}
        tensors = {id(t): t for t, _ in self.externals} | {id(leaf): leaf for leaf, _ in program.grads}
        self.records = [t._write_record() for v in program.tracer.values
                        if v.kind == "external" and id(v) in written and v.tensor is not None
                        for t in [tensors[id(v.tensor)]]]
        self.result = program.result
        scalars = Refresh(program.tracer.scalars, program.slots, GuardFailed)
        self.refresh, self.commit = scalars.refresh, scalars.commit
        self.same_grads = [(leaf, g) for leaf, g in program.grads if isinstance(g, Tensor)]
        self.fresh_grads, self.requires_grad = program.fresh_grads, program.requires_grad

    def check(self):
        """The guards that need no computing: the same storage, optimizers, train/eval modes, grad tensors,
        requires_grad flags."""
        for t, array in self.externals:
            if _DATA.__get__(t) is not array:
                return False
        for opt, key in self.optimizers:
            if quick_state(opt) != key:
                return False
        for module, training in self.modules:
            if module.training is not training:
                return False
        for leaf, g in self.same_grads:
            if leaf._grad is not g:
                return False
        for leaf in self.fresh_grads:
            if leaf._grad is not None:
                return False
        for t, requires_grad in self.requires_grad:  # requires_grad_(False) freezes a parameter
            if t.requires_grad is not requires_grad:
                return False
        return True

    def __call__(self, args, kwargs):
        if profiler._active is not None:  # a profile records (see the module docstring)
            with profiler.record_function(self.name):
                return self.replay(args, kwargs)
        return self.replay(args, kwargs)

    def replay(self, args, kwargs):
        xp = self.xp
        updates = self.refresh()  # the optimizers' live numbers: guarded, into their slots
        for pos, buf in self.inputs:
            xp.copyto(buf, _DATA.__get__(args[pos] if isinstance(pos, int) else kwargs[pos]))  # static inputs
        if profiler._active is not None and self.labels is not None:
            self.run_timed()
        else:
            self.run()
        self.commit(updates)  # (Adam's state["step"] = t, ...)
        self.set_grads()
        clock.writes += 1  # the in-place version rule (inplace.py): parameters were written
        for record in self.records:
            record[0] = clock.writes
        return _unpack(self.result, self.program.arrays)

    def run(self):
        for step in self.steps:
            step()

    def run_timed(self):
        for step, label in zip(self.steps, self.labels):
            with profiler.record_function(label):
                step()

    def set_grads(self):
        for leaf, g in self.grads:
            leaf._grad = g  # (the same shape, dtype and device as recorded: no need for the setter's checks)


def _unpack(template, arrays):
    """The step's return value: each returned tensor a fresh copy (later replays reuse the buffer)."""
    if isinstance(template, Output):
        return Tensor._make(arrays[id(template.value)].copy(), template.device, False, None)
    if isinstance(template, (tuple, list)):
        return type(template)(_unpack(t, arrays) for t in template)
    if isinstance(template, dict):
        return {k: _unpack(t, arrays) for k, t in template.items()}
    return template


def label(instr):
    """The profiler's name for instr's call: its array function's (a method's or a ufunc's) name."""
    return getattr(instr.fn, "__name__", type(instr.fn).__name__)


def call_executor(instr, replay):
    """The real opt.step() or scheduler.step(), with the gradients of this replay in place first."""
    def run():
        replay.set_grads()
        instr.fn(*instr.args, **instr.kwargs)

    return run


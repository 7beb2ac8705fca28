"""Optimizer and lr-scheduler steps seen while recording: capture.py wraps `step()` of every
Optimizer class (the base's `step` calls each subclass's per-parameter `_update`) and of every
LRScheduler class, and this is what the wrappers do.

Before an optimizer's real step runs, the numbers in its param_groups and per-parameter state become
Syms (scalars.py) and its raw work arrays (state kept outside tensors, `buffer()`'s "_scratch" and
"_grad") become Traced, so that what it computes lands on the tape with its hyper-parameters and
counters as live values. Afterwards everything is put back, and the step's Python state is compared
with what it was before:

* a change a Sym explains (`state["step"] = t`) is an *update*, which every replay repeats: the
  step replays from the tape, with the rest of the program (SGD, Adam, AdamW, RMSprop, Adagrad);
* any other change (a state key added, a plain value or an attribute of the optimizer rewritten)
  means only running the real step() is right: program.py's first pass replays it by calling it.

A scheduler's step is Python that sets the lrs for the next step; it is always replayed by calling it
(it then writes the lr the next replay's refresh reads).
"""

import threading

from ..tensor import Tensor
from .scalars import Sym
from .traced import Traced


class Call:
    """One hooked call (opt.step(), scheduler.step()) seen while recording: tape[start:stop] is what it
    computed, and book.guards[guards[0]:guards[1]] (updates likewise) the guards its numbers made."""

    replays_eagerly = True  # replayed by calling it (OptimizerStep: unless the tape can repeat it)

    def __init__(self, owner, args, kwargs, tracer):
        self.owner, self.args, self.kwargs, self.tracer = owner, args, kwargs, tracer
        self.start, self.stop = len(tracer.tape), None
        self.guards = [len(tracer.scalars.guards), None]
        self.updates = [len(tracer.scalars.updates), None]
        self.wrapped = []  # (state dict, key, raw array) of work arrays kept outside tensors
        self.created = []  # (state dict, key) of private work arrays this call made

    def run(self, original):
        try:
            return original(self.owner, *self.args, **self.kwargs)
        finally:
            self.finish()

    def finish(self):
        book = self.tracer.scalars
        self.stop, self.guards[1], self.updates[1] = len(self.tracer.tape), len(book.guards), len(book.updates)


class SchedulerStep(Call):
    """scheduler.step(): Python that sets the next lrs. Its arguments must not be tensors (a replay
    would hand it the recording's: ReduceLROnPlateau's metric belongs outside the compiled step)."""

    def __init__(self, owner, args, kwargs, tracer):
        super().__init__(owner, args, kwargs, tracer)
        if any(isinstance(a, Tensor) for a in (*args, *kwargs.values())):
            tracer.refuse(f"{type(owner).__name__}.step() gets a tensor inside the compiled step; call it "
                          "outside, with the value the compiled step returns")


class OptimizerStep(Call):
    """opt.step(): followed with Syms and Traced work arrays (see the module docstring)."""

    replays_eagerly = False

    def run(self, original):
        opt, book = self.owner, self.tracer.scalars
        before = python_state(opt)
        installed = []  # (container, key, original value, what was put there)
        for container, key in _entries(opt):
            lifted = book.lift(container, key)
            if lifted is not container[key]:
                installed.append((container, key, container[key], lifted))
                container[key] = lifted
        for state in opt.state.values():  # work arrays outside tensors: their writes must be seen too
            for k, v in state.items():
                if isinstance(v, self.tracer.xp.ndarray):
                    state[k] = self.tracer.wrap(v)
                    state[k]._v.scratch = k.startswith("_")  # private: recreated on demand (optimizer.buffer)
                    self.wrapped.append((state, k, v))
        try:
            return original(opt, *self.args, **self.kwargs)
        finally:
            self._restore(installed)
            updated = {(id(c), k) for c, k, _ in book.updates[self.updates[0]:]}
            after = python_state(opt)
            self.replays_eagerly |= ({k: v for k, v in before.items() if k not in updated}
                                     != {k: v for k, v in after.items() if k not in updated})
            self.finish()

    def _restore(self, installed):
        opt, book = self.owner, self.tracer.scalars
        for container, key, original, lifted in installed:
            if container.get(key) is lifted:  # read (or not), never rewritten
                container[key] = original
        for container in [*opt.param_groups, *opt.state.values()]:
            for k, v in container.items():
                if isinstance(v, Sym):  # the step stored a number it computed: repeated by every replay
                    book.updates.append((container, k, v))
                    container[k] = v.value
                elif isinstance(v, Traced):
                    container[k] = v._a
                    if v._v.kind == "root" and k.startswith("_"):  # a work array made by this step
                        self.created.append((container, k))
        for k, v in vars(opt).items():
            if isinstance(v, Sym):  # a number kept on the optimizer itself: not followed, so run the step
                setattr(opt, k, v.value)
                self.replays_eagerly = True


def _entries(opt):
    """(container, key) of every hyper-parameter and per-parameter state entry (not the "_" work buffers)."""
    for group in opt.param_groups:
        yield from ((group, k) for k in list(group) if k != "params")
    for state in opt.state.values():
        yield from ((state, k) for k in list(state) if not k.startswith("_"))


def python_state(opt):
    """{where: value} of everything an optimizer's step() can read besides arrays: hyper-parameters,
    the identity of its parameters and state, the plain values (a step count) of that state, and the
    optimizer's own attributes (a counter a custom step keeps)."""
    out = {"params": tuple(tuple(map(id, g["params"])) for g in opt.param_groups)}
    out.update((("attr", k), _freeze(v)) for k, v in vars(opt).items() if k != "param_groups")
    for container, key in _entries(opt):
        out[id(container), key] = _freeze(container[key])
    return out


def quick_state(opt):
    """What a replay checks of an optimizer it replays from the tape: the same state dict with as
    many entries, and the same options that are not numbers (numbers are Syms: read live)."""
    return id(opt.state), len(opt.state), tuple(
        tuple(v for k, v in g.items() if k != "params" and not _is_number(v)) + (len(g["params"]),)
        for g in opt.param_groups)


def _is_number(v):
    if isinstance(v, tuple):
        return bool(v) and all(map(_is_number, v))
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _freeze(v):
    if isinstance(v, (int, float, complex, str, bool, type(None))):
        return v
    if isinstance(v, (tuple, list)):
        return tuple(_freeze(x) for x in v)
    return ("object", id(v))  # tensors and arrays: which one, not their values


def hook(recording, original, record):
    """`step` of an Optimizer (record=OptimizerStep) or LRScheduler (SchedulerStep) class, recorded in
    the recording's thread; calls inside a recorded one (super().step(), SequentialLR's) run as they are."""
    def step(owner, *args, **kwargs):
        if recording.depth or threading.get_ident() != recording.thread or not recording.bind_to(owner):
            return original(owner, *args, **kwargs)
        recording.depth += 1
        seen = record(owner, args, kwargs, recording.tracer)
        recording.calls.append(seen)
        try:
            return seen.run(original)
        finally:
            recording.depth -= 1

    step.__wrapped__ = original
    return step

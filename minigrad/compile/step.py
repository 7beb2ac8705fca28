"""`CompiledStep`: when to run eagerly, when to record, which recorded program to replay.

Per call signature — argument shapes, dtypes, devices, aliasing, the other arguments' values, grad
and inference mode, autocast, the default dtype and device — the first call runs eagerly (optimizer
state and lazy buffers get made, and a step whose result still needs autograd is recognised and left
eager), the next one is recorded, and later ones replay. A signature keeps up to MAX_PROGRAMS
programs (one per outcome of its guards, e.g. cross-entropy's checks of the targets' range, or the
modules' train/eval flags); a program whose cheap checks or guards fail is skipped before it changes
anything, and if none fits the call is recorded again. What cannot be
replayed falls back to eager with a one-time warning that says why and where.
"""

import collections
import warnings

from .. import amp, dtypes
from ..autograd.grad_mode import modes
from ..factories import options
from ..tensor import Tensor
from .capture import _DATA, Recording
from .program import build
from .trace import GuardFailed, Unsupported

MAX_PROGRAMS = 8  # programs kept per signature (least recently used dropped first)
THRASH = 8  # recordings among the last WINDOW calls that mean the step changes every call
WINDOW = 32


class CompiledStep:
    """fn compiled: call it like fn. `programs` and `eager_reason` are there to be inspected."""

    def __init__(self, fn, fullgraph=False, module=None):
        self.fn = fn
        self.module = module  # the Module whose forward fn is (compile(module)), or None
        self.programs = {}  # signature -> [Replay], most recently used first
        self.warmed = set()  # signatures that have had their eager first call
        self.eager = {}  # signature (or None: every call) -> why it runs eagerly
        self.recent = collections.deque(maxlen=WINDOW)  # did each recent call record?
        self.last_miss = None
        self.fullgraph = fullgraph  # compile(..., fullgraph=True): raise instead of running eagerly

    @property
    def eager_reason(self):
        return self.eager.get(None)

    def __call__(self, *args, **kwargs):
        if None in self.eager:
            return self.fn(*args, **kwargs)
        key = _signature(args, kwargs)
        if not isinstance(key, tuple):
            self._give_up(None, key)
            return self.fn(*args, **kwargs)
        if key in self.eager:
            return self.fn(*args, **kwargs)
        if key not in self.warmed:
            self.warmed.add(key)
            result = self.fn(*args, **kwargs)
            if _needs_graph(result):  # e.g. a compiled model's forward in training: autograd follows
                self.eager[key] = "its result needs autograd"
            return result
        replays = self.programs.setdefault(key, [])
        for n, replay in enumerate(replays):
            if replay.check():
                try:
                    result = replay(args, kwargs)
                except GuardFailed as miss:
                    self.last_miss = str(miss)
                    continue
                if n:
                    replays.insert(0, replays.pop(n))
                self.recent.append(False)
                return result
        return self._record(key, replays, args, kwargs)

    def _record(self, key, replays, args, kwargs):
        self.recent.append(True)
        if sum(self.recent) >= THRASH:
            self._give_up(key, "it had to be recorded again on most calls: something it reads in "
                               f"Python changes every call (last: {self.last_miss})")
            return self.fn(*args, **kwargs)
        recording = Recording(self.fn, args, kwargs, self.module)
        result = recording.run(_bind_inputs)
        try:
            replays.insert(0, _lower(build(recording)))
        except Unsupported as e:
            self._give_up(None, str(e))
        del replays[MAX_PROGRAMS:]
        return result

    def _give_up(self, key, reason):
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        if self.fullgraph:
            raise RuntimeError(f"minigrad.compile(fullgraph=True): {name} cannot be compiled: {reason}")
        warnings.warn(f"minigrad.compile: {name} runs eagerly{'' if key is None else ' for these inputs'}: "
                      f"{reason}", stacklevel=4)
        self.eager[key] = reason


def _lower(program):
    if program.tracer.xp.__name__ == "numpy":
        from . import numpy_replay

        return numpy_replay.lower(program)
    from . import cuda_graph

    return cuda_graph.lower(program)


def _bind_inputs(recording):
    """Register each tensor argument as an input of the program (its data is copied in per call)."""
    named = list(enumerate(recording.args)) + sorted(recording.kwargs.items())
    for pos, a in named:
        if isinstance(a, Tensor) and recording.bind_to(a):
            recording.inputs.append((pos, recording.tracer.wrap(_DATA.__get__(a), kind="input")._v))


def _signature(args, kwargs):
    """A hashable key of everything a recorded program depends on in the call, or a reason it has none."""
    # the modes: context variables (grad, inference_mode, autocast) and the factories' defaults
    parts = [modes(), amp.state.device_type, amp.state.dtype, dtypes.default_float, options.default_device]
    first = {}
    for pos, a in enumerate(args) if not kwargs else list(enumerate(args)) + sorted(kwargs.items()):
        if isinstance(a, Tensor):
            if a.requires_grad:
                return "an argument requires grad (a replay would not give it a .grad); pass data"
            raw = _DATA.__get__(a)
            # the array's own shape and dtype (plain tuples and NumPy dtypes: cheap to hash); devices
            # are interned, so their id is the device (and hashes in C, unlike Device.__hash__)
            parts.append((raw.shape, raw.dtype, id(a.device), first.setdefault(id(raw), pos)))
            continue
        try:
            hash(a)
        except TypeError:
            return f"argument {pos} is a {type(a).__name__}, which cannot be part of a signature; pass tensors"
        parts.append((type(a), a))
    return tuple(parts)


def _needs_graph(result):
    if isinstance(result, Tensor):
        return result.grad_fn is not None and not result.grad_fn.released
    if isinstance(result, (tuple, list)):
        return any(_needs_graph(r) for r in result)
    if isinstance(result, dict):
        return any(_needs_graph(r) for r in result.values())
    return False

"""torch.autograd.profiler: where the time goes, op by op, forward and backward.

    with minigrad.autograd.profiler.profile() as prof:
        loss = model(x).sum()
        loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total"))

Every op is an event: its forward is named by its Function class (`Mul`, `MatMul`), its backward by its
graph node (`MulBackward0`), and `with record_function("name"):` adds a range of your own. Events nest:
an event's total time includes the events inside it, its self time does not (a functional form that
runs two ops, a range around a training step). key_averages() sums the events of each name: calls,
self and total time, in microseconds as PyTorch reports them (the event types and the table are in
profiler_util.py, as in PyTorch).

Times are host wall-clock (time.perf_counter_ns). CUDA ops only queue their kernels, so on a GPU pass
use_cuda=True (torch.profiler: activities=[ProfilerActivity.CUDA]): each op then waits for its device
work, and its time includes the kernels (there is no separate CUDA column).

A profile that is not recording costs nothing: while one records, Function.apply and the engine's
per-node step are replaced by timed versions (below), and put back when it stops.
"""

import json
import os
import threading
import time

from .profiler_util import EventList, FunctionEvent, FunctionEventAvg

_active = None  # the profile recording now, if any (one at a time, as in PyTorch)
_local = threading.local()  # per thread: the stack of open events (for self times)


class _Open:
    """An event being timed: its name, input shapes, start time and the total time of its children."""

    __slots__ = ("name", "shapes", "start", "children")

    def __init__(self, name, shapes):
        self.name, self.shapes, self.children = name, shapes, 0
        self.start = time.perf_counter_ns()


def _begin(name, shapes=()):
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    stack.append(_Open(name, shapes))


def _end(profile):
    stack = _local.stack
    event = stack.pop()
    end = time.perf_counter_ns()
    total = end - event.start
    if stack:
        stack[-1].children += total
    profile._events.append(FunctionEvent(event.name, event.start, end, total - event.children, event.shapes,
                                         threading.get_ident()))


class profile:
    """Record every op's forward and backward (and record_function ranges) while the block runs:
    `with profile() as prof:`, then prof.key_averages().table(...). enabled=False records nothing;
    use_cuda / use_device="cuda" make each op wait for its GPU work (see the module docstring);
    record_shapes keeps each op's input shapes (key_averages(group_by_input_shape=True))."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None):
        unsupported = [name for name, on in (("with_flops", with_flops), ("profile_memory", profile_memory),
                                             ("with_stack", with_stack), ("with_modules", with_modules)) if on]
        if unsupported:
            raise NotImplementedError(f"profile({'=True, '.join(unsupported)}=True) is not implemented in minigrad: "
                                      "its profiler measures time and call counts (and input shapes) per op")
        self.enabled, self.record_shapes = enabled, record_shapes
        self.sync = use_cuda or use_device not in (None, "cpu")
        self._events = []
        self._recording = False

    def __enter__(self):
        if self.enabled:
            _start(self)
        return self

    def __exit__(self, *exc):
        if self._recording:
            _stop(self)

    def events(self):
        """Every event recorded, in the order they ended."""
        self._check_finished()
        return EventList(self._events)

    function_events = property(events)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        """One FunctionEventAvg per event name (and input shapes, if group_by_input_shape)."""
        self._check_finished()
        groups = {}
        for e in self._events:
            key = (e.name, str(e.input_shapes)) if group_by_input_shape else e.name
            if key not in groups:
                groups[key] = FunctionEventAvg(e.name, e.input_shapes if group_by_input_shape else None)
            groups[key].add(e)
        return EventList(groups.values())

    def total_average(self):
        return self.events().total_average()

    def table(self, **options):
        return self.key_averages().table(**options)

    def export_chrome_trace(self, path):
        """The events as a Chrome trace (chrome://tracing, Perfetto): one complete event per op."""
        self._check_finished()
        trace = [{"name": e.name, "ph": "X", "cat": "cpu_op", "ts": e.start_ns / 1000,
                  "dur": (e.end_ns - e.start_ns) / 1000, "pid": os.getpid(), "tid": e.thread}
                 for e in self._events]
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"traceEvents": trace}, f)

    def _check_finished(self):
        if self._recording:
            raise RuntimeError("Profiler didn't finish running: read the results after the `with profile()` block")

    def __str__(self):
        return self.table()


class record_function:
    """`with record_function("name"):` (or as a decorator): a range of your own in the profile,
    timed like an op; nothing happens when no profile records."""

    def __init__(self, name, args=None):
        self.name = name
        self.profile = None

    def __enter__(self):
        self.profile = _active
        if self.profile is not None:
            _begin(self.name)
        return self

    def __exit__(self, *exc):
        if self.profile is not None:
            _end(self.profile)
            self.profile = None

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with record_function(self.name):
                return fn(*args, **kwargs)

        wrapped.__name__, wrapped.__doc__, wrapped.__wrapped__ = fn.__name__, fn.__doc__, fn
        return wrapped


# ---------------------------------------------------------------- the timed entry points
_plain = {}  # what _start replaced, for _stop to put back


def _start(profile):
    global _active
    if _active is not None:
        raise RuntimeError("Profiler is already enabled: one profile records at a time (stop the other first)")
    _active, profile._recording = profile, True
    _plain["apply"], _plain["step"] = Function.__dict__["apply"], engine._Pass.step
    Function.apply = classmethod(_timed_apply)
    engine._Pass.step = _timed_step


def _stop(profile):
    global _active
    Function.apply, engine._Pass.step = _plain["apply"], _plain["step"]
    _active, profile._recording = None, False


def _timed_apply(cls, *args, **options):
    """Function.apply, timed: the forward of op `cls`."""
    profile = _active
    _begin(cls.__name__, [list(a.shape) for a in args if isinstance(a, Tensor)] if profile.record_shapes else ())
    try:
        out = _plain["apply"].__func__(cls, *args, **options)
        if profile.sync:
            out.device.backend.synchronize()
    finally:
        _end(profile)
    return out


def _timed_step(self, fn, g, *rest):
    """The engine's step, timed: the backward of node `fn` (and sending its gradients on)."""
    profile = _active
    _begin(fn.name(), [list(g.shape)] if profile.record_shapes and hasattr(g, "shape") else ())
    try:
        _plain["step"](self, fn, g, *rest)
        if profile.sync:
            fn.device.backend.synchronize()
    finally:
        _end(profile)


from ..tensor import Tensor  # noqa: E402
from . import engine  # noqa: E402
from .function import Function  # noqa: E402

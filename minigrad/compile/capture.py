"""One recording run: the step called once for real, with the hooks that put its arrays on a tape.

While `record` runs (and only then, and only in its thread), four things are swapped in and put back
afterwards, so that every array the step touches is a `Traced` (trace.py):

* `Tensor._data` becomes a property: reading a tensor's storage hands out its Traced (a tensor made
  before the step is an *external*: parameters, gradients, optimizer state, buffers, data), and
  storing a Traced keeps the plain array — tensors never hold a Traced after recording;
* `device.xp` becomes a `TracingXP`, so every Function's `self.xp` calls are recorded;
* `Generator.rng` hands out a `TracingRNG`: each draw is recorded, and replayed as a fresh draw from
  the same generator, so dropout masks advance on every replay exactly as they would eagerly;
* `step()` of every Optimizer class is wrapped: its raw work arrays (state kept outside tensors) are
  wrapped too, and the optimizer's Python state is compared before and after — a step that changes
  it (Adam's step count) is replayed by calling the real `step()`, one that does not (SGD) is
  replayed from the tape, guarded by that state.

What the step did besides arrays — which leaves got which `.grad`, what it returned — is read off
afterwards (`Recording.grads`, `Recording.result`).
"""

import threading

import numpy as np

from ..backend import _interned
from ..optim.optimizer import Optimizer
from ..random import Generator
from ..tensor import Tensor
from .trace import Instr, Tracer
from .traced import Traced, TracingXP

_DATA = Tensor.__dict__["_data"]  # the slot that holds a tensor's array
_NUMPY = Tensor.numpy


class OptimizerStep:
    """One opt.step() call seen while recording: tape[start:stop] is what it computed."""

    def __init__(self, optimizer, args, kwargs, start):
        self.optimizer, self.args, self.kwargs, self.start, self.stop = optimizer, args, kwargs, start, None
        self.before = self.after = None
        self.wrapped = []  # (state dict, key, raw array) of work arrays kept outside tensors
        self.created = []  # (state dict, key) of private work arrays this step made

    @property
    def replays_eagerly(self):
        return self.before != self.after  # its Python state moved on: only running it is right


def python_state(opt):
    """Everything an optimizer's step() can read besides arrays: hyper-parameters, the identity of
    its parameters, the keys and plain values (a step count) of its per-parameter state."""
    groups = tuple((tuple(sorted((k, _freeze(v)) for k, v in g.items() if k != "params")),
                    tuple(map(id, g["params"]))) for g in opt.param_groups)
    state = tuple((id(p), tuple(sorted((k, _freeze(v)) for k, v in s.items() if not k.startswith("_"))))
                  for p, s in opt.state.items())  # ("_" keys: private work arrays, made on demand)
    return id(opt.state), groups, state


def quick_state(opt):
    """What a replay checks of an optimizer it replays from the tape: the same state dict and
    parameter count, and the same hyper-parameters (an lr changed by a scheduler re-records)."""
    return id(opt.state), len(opt.state), tuple(
        tuple(v for k, v in g.items() if k != "params") + (len(g["params"]),) for g in opt.param_groups)


def _freeze(v):
    if isinstance(v, (int, float, complex, str, bool, type(None))):
        return v
    if isinstance(v, (tuple, list)):
        return tuple(_freeze(x) for x in v)
    return ("object", id(v))  # tensors and arrays: which one, not their values


class Recording:
    """The tape of one run of fn(*args, **kwargs), plus what the run did around its arrays."""

    def __init__(self, fn, args, kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.tracer = None
        self.inputs = []  # (position, Value) of every tensor argument
        self.touched = {}  # id(tensor) -> (tensor, raw array first seen in it)
        self.optimizer_steps = []
        self.result = None
        self.refusal = None  # a reason found before any array was traced

    # ---------------------------------------------------------------- hooks
    def _bind(self, raw):
        """Bind the tracer to the array module of the first array seen; swap that device's xp."""
        if self.tracer is None:
            xp = np if isinstance(raw, np.ndarray) else type(raw).__module__.split(".")[0]
            xp = xp if xp is np else __import__(xp)
            self.tracer = Tracer(xp)
            self.devices = [(d, d.backend) for d in _interned.values() if _loaded_xp(d) is xp]
            for d, backend in self.devices:
                d.xp = TracingXP(xp, self.tracer)
                if xp is not np:  # CUDA kernels cannot take Traced arrays: record each call instead
                    from .cuda_graph import TracingBackend

                    d.backend = TracingBackend(backend, self.tracer)
        elif not isinstance(raw, self.tracer.xp.ndarray):
            self.tracer.refuse("the step uses tensors on more than one kind of device")
            return False
        return True

    def _get(self, t):
        raw = _DATA.__get__(t)
        if threading.get_ident() != self.thread:
            return raw
        if getattr(t.device.backend, "simulated", False):  # Numba's simulator cannot run Traced arrays
            self.refusal = self.refusal or ("CUDA graphs need a real GPU: on the simulated CUDA device "
                                            "(MINIGRAD_CUDA_SIM=1) compiled steps run eagerly", "")
            return raw
        if not self._bind(raw):
            return raw
        if id(t) not in self.touched:
            self.touched[id(t)] = (t, raw)
        traced = self.tracer.traced.get(id(raw))
        if traced is None:
            traced = self.tracer.value("external", raw)
            traced._v.tensor = t
        return traced

    def _numpy(self, t):
        """Tensor.numpy() while recording: the plain array (NumPy gets what it asked for), and the
        recording is marked unsupported — what the caller does with the data is not on the tape."""
        if self.tracer is not None and threading.get_ident() == self.thread:
            self.tracer.refuse("the data of a tensor is handed to NumPy as a plain array (.numpy(), "
                               "np.asarray, print, ...)")
        _NUMPY(t)  # its checks (device, requires_grad)
        return _DATA.__get__(t)

    def _set(self, t, value):
        _DATA.__set__(t, value._a if isinstance(value, Traced) else value)

    def _rng(self, generator):
        real = generator.__dict__["rng"]
        if threading.get_ident() != self.thread:
            return real
        return TracingRNG(generator, real, self)

    def _set_rng(self, generator, value):
        if threading.get_ident() == self.thread:
            self.tracer and self.tracer.refuse("the step re-seeds a generator (manual_seed inside the step)")
        generator.__dict__["rng"] = value

    def _hook(self, cls, original):
        def step(opt, *args, **kwargs):
            if self.depth or threading.get_ident() != self.thread:
                return original(opt, *args, **kwargs)  # super().step() of a subclass, or another thread
            self.depth += 1
            seen = OptimizerStep(opt, args, kwargs, len(self.tracer.tape) if self.tracer else 0)
            seen.before = python_state(opt)
            for state in opt.state.values():  # work arrays outside tensors: their writes must be seen too
                for k, v in state.items():
                    if self.tracer is not None and isinstance(v, self.tracer.xp.ndarray):
                        state[k] = self.tracer.wrap(v)
                        state[k]._v.scratch = k.startswith("_")  # private: recreated on demand (optimizer.scratch)
                        seen.wrapped.append((state, k, v))
            try:
                return original(opt, *args, **kwargs)
            finally:
                self.depth -= 1
                for state in opt.state.values():
                    for k, v in state.items():
                        if isinstance(v, Traced):
                            state[k] = v._a
                            if v._v.kind == "root" and k.startswith("_"):  # a work array made by this step
                                seen.created.append((state, k))
                seen.after = python_state(opt)
                seen.stop = len(self.tracer.tape) if self.tracer else 0
                self.optimizer_steps.append(seen)

        step.__wrapped__ = original
        return step

    # ---------------------------------------------------------------- the run
    def run(self, bind_inputs):
        """Call fn once with the hooks installed; `bind_inputs(recording)` registers the arguments."""
        self.thread, self.depth = threading.get_ident(), 0
        classes = [c for c in _subclasses(Optimizer) if "step" in c.__dict__]
        originals = {c: c.__dict__["step"] for c in classes}
        Tensor._data = property(self._get, self._set)
        Tensor.numpy = lambda t: self._numpy(t)
        Generator.rng = property(self._rng, self._set_rng)
        for c in classes:
            c.step = self._hook(c, originals[c])
        try:
            bind_inputs(self)
            self.result = self.fn(*self.args, **self.kwargs)
        finally:
            Tensor._data = _DATA
            Tensor.numpy = _NUMPY
            del Generator.rng
            for c in classes:
                c.step = originals[c]
            for d, backend in getattr(self, "devices", ()):
                d.xp, d.backend = self.tracer.xp, backend
        return self.result

    def grads(self):
        """(leaf, final .grad) of every leaf that requires grad and was touched by the step."""
        return [(t, t.grad) for t, _ in self.touched.values() if t.requires_grad and t.grad_fn is None]


def _loaded_xp(device):
    try:
        return object.__getattribute__(device, "xp")
    except AttributeError:
        return None


def _subclasses(cls):
    out = [cls]
    for sub in cls.__subclasses__():
        out += _subclasses(sub)
    return out


class TracingRNG:
    """A NumPy Generator's methods, with each draw recorded (see program.py's 'draw' replay)."""

    def __init__(self, generator, real, recording):
        self._generator, self._real, self._recording = generator, real, recording

    def __getattr__(self, name):
        method = getattr(self._real, name)

        def draw(*args, **kwargs):
            out = method(*args, **kwargs)
            rec = self._recording
            if not isinstance(out, np.ndarray) or rec.tracer is None:
                if rec.tracer is not None:
                    rec.tracer.refuse(f"the step draws a Python number from a generator ({name}())")
                return out
            traced = rec.tracer.value("root", out)
            rec.tracer.tape.append(_draw_instr(self._generator, name, args, kwargs, traced._v))
            return traced

        return draw


def _draw_instr(generator, name, args, kwargs, value):
    instr = Instr(Draw(generator, name), args, kwargs, [value], [], "draw")
    value.producer = instr
    return instr


class Draw:
    """generator.rng.<name>(*args): called again on every replay, so the stream moves on."""

    def __init__(self, generator, name):
        self.generator, self.name, self.__name__ = generator, name, f"rng.{name}"

    def __call__(self, *args, **kwargs):
        return getattr(self.generator.__dict__["rng"], self.name)(*args, **kwargs)

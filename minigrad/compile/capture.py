"""One recording run: the step called once for real, with the hooks that put its arrays on a tape.

While `record` runs (and only then, and only in its thread), six things are swapped in and put back
afterwards, so that every array the step touches is a `Traced` (trace.py):

* `Tensor._data` becomes a property: reading a tensor's storage hands out its Traced (a tensor made
  before the step is an *external*: parameters, gradients, optimizer state, buffers, data), and
  storing a Traced keeps the plain array — tensors never hold a Traced after recording;
* `device.xp` becomes a `TracingXP`, so every Function's `self.xp` calls are recorded;
* `Generator.rng` hands out a `TracingRNG`: each draw is recorded, and replayed as a fresh draw from
  the same generator, so dropout masks advance on every replay exactly as they would eagerly;
* `step()` of every Optimizer class is wrapped (optimizers.py): its numbers are followed as Syms
  (scalars.py) and its raw work arrays are traced too, so the update is replayed from the tape with
  live hyper-parameters and step counts;
* `Module.__call__` notes each module called and its `training` flag (forward reads it in Python:
  Dropout, BatchNorm), so that a replay after `model.eval()` records the eval program instead;
* the `.grad` setter notes which tensors' gradients the step assigned (zero_grad's None): a leaf whose
  .grad the step made afresh without clearing it first was None on entry, and must be on replay.

What the step did besides arrays — which leaves got which `.grad`, what it returned — is read off
afterwards (`Recording.grads`, `Recording.result`).
"""

import threading

import numpy as np

from ..backend import _interned
from ..nn.module import Module
from ..optim.lr_scheduler import LRScheduler
from ..optim.optimizer import Optimizer
from ..random import Generator
from ..tensor import Tensor
from . import optimizers
from .trace import Instr, Tracer
from .traced import Traced, TracingXP

_DATA = Tensor.__dict__["_data"]  # the slot that holds a tensor's array
_GRAD = Tensor.__dict__["grad"]  # the .grad property
_NUMPY = Tensor.numpy
_CALL = Module.__call__


class Recording:
    """The tape of one run of fn(*args, **kwargs), plus what the run did around its arrays."""

    def __init__(self, fn, args, kwargs, module=None):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.modules = {} if module is None else {id(module): (module, module.training)}  # -> training flag
        self.tracer = None
        self.inputs = []  # (position, Value) of every tensor argument
        self.touched = {}  # id(tensor) -> (tensor, raw array first seen in it)
        self.calls = []  # optimizers.Call of every opt.step() and scheduler.step(), in order
        self.result = None
        self.refusal = None  # a reason found before any array was traced
        self.grads_set = set()  # ids of tensors whose .grad the step assigned (zero_grad's None)

    # ---------------------------------------------------------------- hooks
    def bind_to(self, where):
        """Bind the tracer to the array module of the first device seen (a tensor's, or the first
        parameter's of an optimizer) and swap every device of that kind's xp; False if the arrays of
        `where` cannot be traced (the recording then says why)."""
        device = where.device if isinstance(where, Tensor) else _first_device(getattr(where, "optimizer", where))
        if device is None:
            return self.tracer is not None
        backend = device.backend
        if getattr(backend, "simulated", False):  # the strict simulated device: no Traced arrays, no graphs
            self.refusal = self.refusal or ("CUDA graphs need a real GPU: on the simulated CUDA device "
                                            "(MINIGRAD_CUDA_SIM=1) compiled steps run eagerly", "")
            return False
        xp = backend.xp  # the real module (while recording, device.xp is the tracing one)
        if self.tracer is None:
            self.tracer = Tracer(xp)
            self.devices = [(d, d.backend) for d in _interned.values() if _loaded_xp(d) is xp]
            for d, real in self.devices:
                d.xp = TracingXP(xp, self.tracer)
                if xp is not np:  # CUDA kernels cannot take Traced arrays: record each call instead
                    from .cuda_graph import TracingBackend

                    d.backend = TracingBackend(real, self.tracer)
        elif xp is not self.tracer.xp:
            self.tracer.refuse("the step uses tensors on more than one kind of device")
            return False
        return True

    def _get(self, t):
        raw = _DATA.__get__(t)
        if threading.get_ident() != self.thread or not self.bind_to(t):
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

    def _set_grad(self, t, value):
        if threading.get_ident() == self.thread:
            self.grads_set.add(id(t))
        _GRAD.__set__(t, value)

    def _call(self, module, *args, **kwargs):
        if threading.get_ident() == self.thread:
            self.modules.setdefault(id(module), (module, module.training))
        return _CALL(module, *args, **kwargs)

    # ---------------------------------------------------------------- the run
    def run(self, bind_inputs):
        """Call fn once with the hooks installed; `bind_inputs(recording)` registers the arguments."""
        self.thread, self.depth = threading.get_ident(), 0
        hooks = {c: optimizers.OptimizerStep for c in _subclasses(Optimizer) if "step" in c.__dict__}
        hooks.update({c: optimizers.SchedulerStep for c in _subclasses(LRScheduler) if "step" in c.__dict__})
        originals = {c: c.__dict__["step"] for c in hooks}  # the bases' step, and subclasses' own
        Tensor._data = property(self._get, self._set)
        Tensor.numpy = lambda t: self._numpy(t)
        Tensor.grad = property(_GRAD.fget, self._set_grad, doc=_GRAD.__doc__)
        Generator.rng = property(self._rng, self._set_rng)
        Module.__call__ = lambda m, *args, **kwargs: self._call(m, *args, **kwargs)
        for c, record in hooks.items():
            c.step = optimizers.hook(self, originals[c], record)
        try:
            bind_inputs(self)
            self.result = self.fn(*self.args, **self.kwargs)
        finally:
            Tensor._data = _DATA
            Tensor.numpy = _NUMPY
            Tensor.grad = _GRAD
            del Generator.rng
            Module.__call__ = _CALL
            for c, original in originals.items():
                c.step = original
            for d, backend in getattr(self, "devices", ()):
                d.xp, d.backend = self.tracer.xp, backend
        return self.result

    def grads(self):
        """(leaf, final .grad) of every leaf that requires grad and was touched by the step."""
        return [(t, t._grad) for t, _ in self.touched.values() if t.requires_grad and t.grad_fn is None]


def _first_device(opt):
    return next((p.device for g in opt.param_groups for p in g["params"]), None)


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

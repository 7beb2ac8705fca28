"""Recording: a step run once with every array wrapped in `Traced`, so each array operation lands
on a tape — whatever op, layer, engine or optimizer code performs it.

A `Traced` (traced.py) holds a real array and computes eagerly (the recording run is a real step),
but every operation on it goes through `Tracer.call`, which runs the real function and appends one `Instr`
naming the function, its operands (as `Value`s) and what it wrote. Three doors lead to `call`:

* the array module: while recording, `device.xp` is a `TracingXP`, so `self.xp.exp(x)` in a Function
  and `xp.zeros(...)` (a creation: no operands) are recorded;
* NumPy's override protocols (`__array_ufunc__`, `__array_function__`): code that imports NumPy
  itself (the CPU backend's kernels) is recorded too;
* the operators and methods of `Traced` (`a @ b`, `y += b`, `x.sum(0)`, `x[i]`, `x[i] = v`).

A Python number taken out of a traced array (`int(t.min())`, `bool(x)`, `.item()`) is an *escape*:
the value is returned, and a guard is recorded, so that a replay whose value differs does not run.
Anything the tape cannot follow (data handed to NumPy as a plain array, data-dependent shapes) marks
the recording unsupported, with the place it happened, instead of producing a wrong program.

The design is tinygrad's TinyJit (capture what a real step runs, replay it) at the level minigrad
is written at — xp calls — so new ops need nothing to be compilable.
"""

import os
import sys

import numpy as np

from .scalars import Scalars, Sym
from .traced import Traced, owner

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # minigrad/


def where():
    """'file:line' of the innermost frame outside minigrad, plus the minigrad frame below it."""
    frame, inner = sys._getframe(1), None
    while frame is not None:
        path = frame.f_code.co_filename
        if frame.f_globals.get("__name__", "").split(".")[0] in ("numpy", "cupy", "numba"):
            frame = frame.f_back  # array-library internals: not where the user's code is
            continue
        if not os.path.abspath(path).startswith(_PACKAGE):
            here = f"{os.path.basename(path)}:{frame.f_lineno}"
            return here if inner is None else f"{inner} (called from {here})"
        if inner is None and "compile" not in os.path.relpath(path, _PACKAGE).split(os.sep)[0]:
            inner = f"{os.path.relpath(path, os.path.dirname(_PACKAGE))}:{frame.f_lineno}"
        frame = frame.f_back
    return inner or "?"


class Value:
    """One array of the program. kind: 'input' (an argument of the step), 'external' (storage that
    outlives the step: parameters, gradients, optimizer state), 'const' (data fixed at recording),
    'slot' (a 0-d array refilled with a live number before every replay: scalars.py), 'root' (a
    fresh result) or 'view' (of another value's memory, rebuilt once when planning)."""

    __slots__ = ("kind", "array", "shape", "dtype", "strides", "buffer", "base", "producer", "tensor",
                 "scratch", "index")

    def __init__(self, kind, array, base=None, producer=None):
        self.kind, self.array, self.base, self.producer = kind, array, base, producer
        self.shape, self.dtype, self.strides = array.shape, array.dtype, array.strides
        self.buffer = base.buffer if base is not None else id(owner(array))  # who owns the bytes
        self.tensor, self.scratch, self.index = None, False, -1

    def __repr__(self):
        return f"<{self.kind} {self.shape} {self.dtype}>"


class Instr:
    """fn(*args, **kwargs) with Values in place of arrays; `outs` are the Values it made, `writes`
    those it wrote in place. kind: 'compute', 'view', 'draw' (random numbers) or 'guard'."""

    __slots__ = ("fn", "args", "kwargs", "outs", "writes", "kind", "where", "expected", "convert")

    def __init__(self, fn, args, kwargs, outs, writes, kind):
        self.fn, self.args, self.kwargs, self.outs, self.writes, self.kind = fn, args, kwargs, outs, writes, kind
        self.where, self.expected, self.convert = None, None, None

    def reads(self):
        return list(_values_in((self.args, self.kwargs)))

    def __repr__(self):
        name = getattr(self.fn, "__qualname__", None) or getattr(self.fn, "__name__", repr(self.fn))
        return f"{self.kind} {name} -> {self.outs} writes {self.writes}"


def _leaves(obj, is_leaf):
    """The objects in obj (nested tuples, lists and dicts) for which is_leaf is true."""
    if is_leaf(obj):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for o in obj:
            yield from _leaves(o, is_leaf)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _leaves(o, is_leaf)


def _values_in(template):
    return _leaves(template, lambda o: isinstance(o, Value))


class Unsupported(Exception):
    """Raised when building a program from a recording that cannot be replayed faithfully."""


class GuardFailed(Exception):
    """A replay found the step would not run as recorded; nothing has been changed yet."""


# functions whose output shape depends on the data: a replay could not reuse its buffers
_DATA_SHAPED = {"nonzero", "argwhere", "flatnonzero", "unique", "extract", "compress", "unique_values",
                "unique_counts", "unique_inverse", "unique_all", "trim_zeros"}


class Tracer:
    """The tape of one recording run, and the Values of every array it has seen (by identity)."""

    def __init__(self, xp):
        self.xp = xp
        self.tape = []
        self.traced = {}  # id(raw array) -> its Traced; the raw arrays stay alive in their Values
        self.values = []
        self.scalars = Scalars()  # the optimizers' numbers, followed (scalars.py)
        self.unsupported = None  # (reason, where) of the first thing that cannot be replayed

    # ---------------------------------------------------------------- values
    def value(self, kind, array, **fields):
        v = Value(kind, array, **fields)
        v.index = len(self.values)
        self.values.append(v)
        t = Traced(self, v, array)
        self.traced[id(array)] = t
        return t

    def wrap(self, array, kind="external"):
        """The Traced of a raw array: the one already made for it, or a new external/input."""
        t = self.traced.get(id(array))
        return t if t is not None else self.value(kind, array)

    def refuse(self, reason):
        if self.unsupported is None:
            self.unsupported = (reason, where())

    def _lift(self, obj):
        """(template, raw): Traced -> its Value; unknown arrays -> constants (data fixed now)."""
        if isinstance(obj, Traced):
            return obj._v, obj._a
        if isinstance(obj, Sym):  # a number not taken by a ufunc: fixed, and guarded
            value = self.scalars.concrete(obj)
            return value, value
        if isinstance(obj, self.xp.ndarray):
            known = self.traced.get(id(obj))
            if known is None and id(owner(obj)) in self.traced:  # a view made behind the tape's back
                self.refuse("an array viewing a tensor's memory was made outside the tape")
            if known is None:  # made by code that bypassed the tracer (e.g. host data): fixed data
                known = self.value("const", obj.copy())
            return known._v, known._a
        if isinstance(obj, (tuple, list)):
            pairs = [self._lift(o) for o in obj]
            return type(obj)(p[0] for p in pairs), type(obj)(p[1] for p in pairs)
        if isinstance(obj, dict):
            pairs = {k: self._lift(o) for k, o in obj.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        return obj, obj

    # ---------------------------------------------------------------- operations
    def call(self, fn, args, kwargs, writes=(), kind="compute"):
        """Run fn on the real arrays and record it; returns the result with arrays Traced."""
        if getattr(fn, "__name__", "") in _DATA_SHAPED:
            self.refuse(f"{fn.__name__}() has an output shape that depends on the data")
        if any(isinstance(a, Sym) for a in args):
            args = self._slots(fn, args)
        targs, rargs = self._lift(args)
        tkw, rkw = self._lift(kwargs)
        if "out" in tkw and not isinstance(tkw["out"], tuple):  # out=a and out=(a,) are the same
            tkw["out"], rkw["out"] = (tkw["out"],), (rkw["out"],)
        written = [w for w in writes] + list(tkw.get("out", ()) or ())
        if any(getattr(w, "kind", None) == "const" for w in written):
            self.refuse("an operation writes into data minigrad did not make (not a tensor's storage)")
        result = fn(*rargs, **rkw)
        instr = Instr(fn, targs, tkw, [], written, kind)
        self.tape.append(instr)
        return self._wrap_result(result, instr, rargs, rkw)

    def _slots(self, fn, args):
        """args with each Sym a ufunc takes as an operand in a slot of the dtype its loop uses."""
        name = getattr(fn, "__name__", "").removeprefix("cupy_")  # (CuPy's ufuncs follow NumPy's rules)
        ufunc = fn if isinstance(fn, np.ufunc) else getattr(np, name, None)
        if not isinstance(ufunc, np.ufunc) or len(args) > ufunc.nin:
            return args
        kinds = tuple(type(a.value) if isinstance(a, Sym) else a.dtype if hasattr(a, "dtype") else type(a)
                      for a in args)
        try:
            loop = ufunc.resolve_dtypes(kinds + (None,) * ufunc.nout)
        except (TypeError, ValueError):  # (no loop: the call fails for the real values too, or concretely)
            return args
        slot = lambda array: self.value("slot", self.xp.asarray(array))  # noqa: E731
        return tuple(self.scalars.slot(a, loop[n], slot) if isinstance(a, Sym) else a for n, a in enumerate(args))

    def _wrap_result(self, result, instr, rargs, rkw):
        if isinstance(result, (tuple, list)) and not isinstance(result, self.xp.ndarray):
            return type(result)(self._wrap_result(r, instr, rargs, rkw) for r in result)
        if isinstance(result, np.generic):  # NumPy hands 0-d results back as scalars: keep them arrays
            result = self.xp.asarray(result)
        if not isinstance(result, self.xp.ndarray):
            if result is not None and instr.kind == "compute":  # e.g. np.array_equal -> bool
                self.refuse(f"{_name(instr.fn)}() returns a Python value computed from the data")
            return result
        known = self.traced.get(id(result))
        if known is not None:  # one of the operands (out=, in-place) handed back
            return known
        base = self._base_of(result, rargs, rkw)
        if base is not None and instr.writes:
            return self.wrap(result)  # a view of what was written (rare): treat as a view too
        t = self.value("view" if base is not None else "root", result, base=base, producer=instr)
        instr.outs.append(t._v)
        if base is not None and instr.kind == "compute" and not instr.outs[:-1]:
            instr.kind = "view"  # no arithmetic: the view is rebuilt once on the planned buffers
        return t

    def _base_of(self, result, rargs, rkw):
        """The Value whose memory `result` views, if any."""
        root = owner(result)
        if root is result:
            return None
        for a in _arrays_in((rargs, rkw)):
            if owner(a) is root:
                return self.traced[id(a)]._v
        t = self.traced.get(id(root))
        return t._v if t is not None else None

    def escape(self, traced, convert, how):
        """A Python value computed from traced data leaves the tape: record a guard on it."""
        value = convert(traced._a)
        instr = Instr(convert, (traced._v,), {}, [], [], "guard")
        instr.expected, instr.convert, instr.where = value, convert, f"{how} at {where()}"
        self.tape.append(instr)
        return value


def _arrays_in(obj):
    return _leaves(obj, lambda o: hasattr(o, "shape") and hasattr(o, "base"))


def _name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__

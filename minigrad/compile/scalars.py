"""The Python numbers an optimizer step computes with — its hyper-parameters (lr, betas, eps,
weight_decay) and its counters (Adam's and RMSprop's `step`) — followed symbolically while recording,
so that every replay recomputes them from their live values instead of repeating the recorded ones.

While an optimizer step is recorded (optimizers.py), each int or float in its param_groups and in
its per-parameter state is a `Sym`: it acts as its number, and each number computed from it is a
Sym that remembers how (`t = state["step"] + 1`, `lr / (1 - beta1 ** t)`). Where a Sym meets arrays:

* as an operand of a ufunc (`tmp *= lr`, `xp.multiply(p, wd, out=g)`) it becomes a *slot*: a 0-d
  array in the dtype NumPy's loop converts the number to (NEP 50: float32 array times Python float
  computes in float32), refilled before every replay — the same number in the same dtype, so the
  result is bit-identical to eager;
* anywhere else (`if momentum:`, `float(lr)`, `xp.full(n, lr)`) it is *concrete*: its value is
  used, and a guard checks before every replay that it is still the same (else: record again);
* stored back (`state["step"] = t`) it is an *update*, written after every replay.

One generated Python function per program (`Scalars.compile`) reads the live values, checks the
guards, fills the slots and returns the updates: so Adam's step count keeps counting and an lr
changed by a scheduler takes effect without a new recording. It is PyTorch's `capturable` Adam (the
step count and lr as device tensors a CUDA graph reads) reached from outside: the optimizers' code
stays as written.
"""

import numbers
import operator

import numpy as np

_BINARY = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
           "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
_UNARY = {"neg": "-{}", "pos": "+{}", "abs": "abs({})"}
_NUMBER = (int, float)  # bool is an int: True * lr is fine


class Sym:
    """A number computed from optimizer hyper-parameters or state: `value`, and how (`op`, `args`)."""

    __slots__ = ("value", "op", "args", "book")

    def __init__(self, value, op, args, book):
        self.value, self.op, self.args, self.book = value, op, args, book

    def __repr__(self):  # (no guard: error messages and debuggers print it)
        return f"Sym({self.value!r})"

    # Python values taken out of a Sym: guarded, so a replay whose value differs records again
    def __bool__(self):
        return self.book.concrete(self, bool)

    def __float__(self):
        return self.book.concrete(self, float)

    def __int__(self):
        return self.book.concrete(self, int)

    def __index__(self):
        return self.book.concrete(self, operator.index)

    def __hash__(self):
        return hash(self.book.concrete(self))

    def __str__(self):
        return str(self.book.concrete(self))

    def __format__(self, spec):
        return format(self.book.concrete(self), spec)

    def __round__(self, n=None):
        return round(self.book.concrete(self), n)

    def __trunc__(self):
        return self.book.concrete(self, int)


def _binary(name, reflected=False):
    fn = getattr(operator, name)

    def op(self, other):
        if not isinstance(other, (Sym, *_NUMBER)):
            return NotImplemented  # an array, a Traced, a Tensor: theirs to handle
        a, b = (other, self) if reflected else (self, other)
        return self.book.make(fn(_value(a), _value(b)), name, (a, b))

    return op


def _unary(name):
    fn = getattr(operator, name)
    return lambda self: self.book.make(fn(self.value), name, (self,))


for _name in _BINARY:
    setattr(Sym, f"__{_name}__", _binary(_name))
    if _name not in ("lt", "le", "gt", "ge", "eq", "ne"):
        setattr(Sym, f"__r{_name}__", _binary(_name, reflected=True))
for _name in _UNARY:
    setattr(Sym, f"__{_name}__", _unary(_name))
numbers.Real.register(Sym)  # code that checks isinstance(x, numbers.Number) takes it as the number it is


def _value(x):
    return x.value if isinstance(x, Sym) else x


class Scalars:
    """The Syms of one recording: leaves (where live values are read), guards, slots and updates."""

    def __init__(self):
        self.made = {}  # structural key -> Sym: one Sym per expression (common subexpressions shared)
        self.leaves = []  # (Sym, container, key, index)
        self.guards = []  # (Sym, convert, expected)
        self.slots = []  # (Sym, dtype, Value)
        self.updates = []  # (container, key, Sym)

    def _key(self, x):
        return ("sym", id(x)) if isinstance(x, Sym) else (type(x), x)

    def make(self, value, op, args):
        key = (op, *map(self._key, args))
        sym = self.made.get(key)
        if sym is None:
            sym = self.made[key] = Sym(value, op, args, self)
        return sym

    def leaf(self, container, key, index=None):
        """The Sym read from container[key] (or container[key][index])."""
        value = container[key] if index is None else container[key][index]
        sym = self.make(value, "leaf", (id(container), key, index))
        if not any(s is sym for s, *_ in self.leaves):
            self.leaves.append((sym, container, key, index))
        return sym

    def lift(self, container, key):
        """container[key] as a Sym (or a tuple of them), if it is a number (or a tuple of numbers)."""
        v = container[key]
        if isinstance(v, _NUMBER) and not isinstance(v, bool):
            return self.leaf(container, key)
        if isinstance(v, tuple) and v and all(isinstance(x, _NUMBER) and not isinstance(x, bool) for x in v):
            return tuple(self.leaf(container, key, i) for i in range(len(v)))
        return v

    def concrete(self, sym, convert=None):
        """sym's value (through convert), guarded: a replay checks it is still the same."""
        value = sym.value if convert is None else convert(sym.value)
        if not any(s is sym and c is convert for s, c, _ in self.guards):  # (`if not wd:` once per parameter)
            self.guards.append((sym, convert, value))
        return value

    def slot(self, sym, dtype, make):
        """The slot holding sym in `dtype`; make(array) -> its Traced (a Value of kind 'slot')."""
        for s, d, traced in self.slots:
            if s is sym and d == dtype:
                return traced
        traced = make(np.asarray(sym.value).astype(dtype))
        self.slots.append((sym, dtype, traced))
        return traced


def storage(slots, xp):
    """{id(Value): 0-d array} for the slots (Values), backed by one array per dtype, and the
    [(host array, device array, [Values])] the refresh fills (on the CPU both arrays are one)."""
    groups, arrays = {}, {}
    for v in slots:
        groups.setdefault(v.dtype, []).append(v)
    filled = []
    for dtype, values in groups.items():
        host = np.empty(len(values), dtype)
        device = host if xp is np else xp.empty(len(values), dtype)
        for n, v in enumerate(values):
            arrays[id(v)] = device[n:n + 1].reshape(())
        filled.append((host, device, values))
    return arrays, filled


class Refresh:
    """`refresh()` (the guards checked, raising `failed` if one fails; the slots filled; returns the
    updates) and `commit(updates)`, both generated Python: a replay pays a few plain lines, not a walk
    over expression objects."""

    def __init__(self, book, filled, failed):
        names, lines, namespace = {}, [], {"GuardFailed": failed}

        def const(x):
            name = f"k{len(namespace)}"
            namespace[name] = x
            return name

        def ref(x):
            if not isinstance(x, Sym):
                return const(x)
            if id(x) not in names:
                if x.op == "leaf":
                    _, container, key, index = next(entry for entry in book.leaves if entry[0] is x)
                    read = f"{const(container)}[{const(key)}]" + ("" if index is None else f"[{index}]")
                    lines.append(f"v{len(names)} = {read}")
                    lines.append(f"if v{len(names)}.__class__ is not {const(type(x.value))}: "
                                 f"raise GuardFailed({const(f'the type of {key!r} changed')})")
                else:
                    args = [ref(a) for a in x.args]
                    expr = (f"{args[0]} {_BINARY[x.op]} {args[1]}" if x.op in _BINARY
                            else _UNARY[x.op].format(*args))
                    lines.append(f"v{len(names)} = {expr}")
                names[id(x)] = f"v{len(names)}"
            return names[id(x)]

        for sym, convert, expected in book.guards:
            value = ref(sym) if convert is None else f"{const(convert)}({ref(sym)})"
            why = f"a number the optimizer step used changed (recorded {expected!r})"
            lines.append(f"if {value} != {const(expected)}: raise GuardFailed({const(why)})")
        slot_of = {id(traced._v): sym for sym, _, traced in book.slots}
        for host, device, values in filled:
            lines.append(f"{const(host)}[:] = ({''.join(ref(slot_of[id(v)]) + ', ' for v in values)})")
            if device is not host:  # (a GPU: one copy per dtype, queued before the graphs)
                lines.append(f"{const(device)}.set({const(host)})")
        updates = [ref(sym) for _, _, sym in book.updates]
        lines.append(f"return ({''.join(u + ', ' for u in updates)})")
        commit = [f"{const(c)}[{const(k)}] = u[{n}]" for n, (c, k, _) in enumerate(book.updates)] or ["pass"]
        source = "\n".join(["def refresh():", *("    " + line for line in lines),
                            "def commit(u):", *("    " + line for line in commit)])
        exec(compile(source, "<minigrad scalar refresh>", "exec"), namespace)  # our own generated source
        self.source, self.refresh, self.commit = source, namespace["refresh"], namespace["commit"]

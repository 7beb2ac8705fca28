"""`Traced`: the array a recording hands out in place of each real one (see trace.py).

It computes eagerly on the real array it holds, and routes every operation — operators, methods,
NumPy's override protocols, and the `xp` module itself (`TracingXP`) — to its Tracer's `call`, which
records it. Python values taken out of it (`bool`, `int`, `.item()`) go to `Tracer.escape`.
"""

import operator
import types

import numpy as np

# methods that write into the array they are called on
_MUTATING_METHODS = {"fill", "sort", "put", "partition", "itemset", "resize", "setfield", "byteswap"}
# functions that write into their first argument
_MUTATING_FUNCTIONS = {"copyto", "put", "place", "put_along_axis", "fill_diagonal", "putmask"}


def owner(a):
    """The array that owns a's memory (a itself, or the end of its chain of .base views)."""
    while isinstance(getattr(a, "base", None), type(a)):
        a = a.base
    return a


def _item(a):
    return a.item()


def _tolist(a):
    return a.tolist()


class Traced:
    """A real array plus its Value; operations on it are recorded by its Tracer (see the module doc)."""

    __slots__ = ("_t", "_v", "_a")
    __array_priority__ = 2000  # above Tensor's: a Traced operand is handled here

    def __init__(self, tracer, value, array):
        self._t, self._v, self._a = tracer, value, array

    # static facts about the array: free to read, never recorded
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)

    @property
    def base(self):
        """The Traced of the array this one views (NumPy's .base, one level: the owner), or None."""
        root = owner(self._a)
        return None if root is self._a else self._t.wrap(root)

    @property
    def T(self):
        return self._t.call(self._t.xp.transpose, (self,), {})

    def __repr__(self):
        return f"Traced({self._v!r})"

    # NumPy protocols: np.<ufunc>(traced, ...) and np.<function>(traced, ...) land here
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        fn = ufunc if method == "__call__" else getattr(ufunc, method)
        return self._t.call(fn, inputs, kwargs, writes=(inputs[0]._v,) if method == "at" else ())

    def __array_function__(self, func, types, args, kwargs):
        writes = (args[0]._v,) if func.__name__ in _MUTATING_FUNCTIONS and isinstance(args[0], Traced) else ()
        return self._t.call(func, args, kwargs, writes=writes)

    def __array__(self, dtype=None, copy=None):
        self._t.refuse("the data of a tensor is handed to NumPy as a plain array (np.asarray, print, ...)")
        return self._a if dtype is None else self._a.astype(dtype)

    # methods: recorded as calls of the array type's own method
    def __getattr__(self, name):
        method = getattr(type(self._a), name)
        if callable(method):
            writes = (self._v,) if name in _MUTATING_METHODS else ()
            return lambda *args, **kwargs: self._t.call(method, (self, *args), kwargs, writes=writes)
        if name in ("real", "imag"):  # views, made by a call the tape can repeat
            return self._t.call(getattr(np, name), (self,), {})
        # the memory itself (__array_interface__, .data, .ctypes, .flat): NumPy or a library (MPI)
        # would read and write it behind the tape's back
        self._t.refuse(f"the memory of a tensor's array is handed out (.{name}): code outside minigrad's "
                       "ops (e.g. an MPI exchange) reads or writes it")
        return getattr(self._a, name)

    def __getitem__(self, index):
        if _has_bool_mask(index):
            self._t.refuse("boolean-mask indexing makes an output shape that depends on the data")
        return self._t.call(operator.getitem, (self, index), {})

    def __setitem__(self, index, value):
        self._t.call(operator.setitem, (self, index, value), {}, writes=(self._v,))

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self[i] for i in range(len(self._a)))

    # escapes: a Python value computed from the data
    def __bool__(self):
        return self._t.escape(self, bool, "bool()")

    def __int__(self):
        return self._t.escape(self, int, "int()")

    def __float__(self):
        return self._t.escape(self, float, "float()")

    def __index__(self):
        return self._t.escape(self, operator.index, "an index")

    def item(self, *args):
        return self._t.escape(self, _item, ".item()")

    def tolist(self):
        return self._t.escape(self, _tolist, ".tolist()")


def _has_bool_mask(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(getattr(p, "dtype", None) is not None and p.dtype == bool and p.ndim > 0 for p in parts)


def _binary(ufunc_name, reflected=False, inplace=False):
    def op(self, other):
        fn = getattr(self._t.xp, ufunc_name)
        if inplace:
            return self._t.call(fn, (self, other), {"out": (self,)})
        return self._t.call(fn, (other, self) if reflected else (self, other), {})

    return op


def _unary(ufunc_name):
    return lambda self: self._t.call(getattr(self._t.xp, ufunc_name), (self,), {})


_BINARY = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
           "floordiv": "floor_divide", "mod": "remainder", "pow": "power", "matmul": "matmul",
           "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "left_shift",
           "rshift": "right_shift"}
_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal",
            "ne": "not_equal"}
for _dunder, _ufunc in _BINARY.items():  # the operators, each one ufunc call (in-place: out=self)
    setattr(Traced, f"__{_dunder}__", _binary(_ufunc))
    setattr(Traced, f"__r{_dunder}__", _binary(_ufunc, reflected=True))
    setattr(Traced, f"__i{_dunder}__", _binary(_ufunc, inplace=True))
for _dunder, _ufunc in _COMPARE.items():
    setattr(Traced, f"__{_dunder}__", _binary(_ufunc))
for _dunder, _ufunc in {"neg": "negative", "pos": "positive", "abs": "absolute", "invert": "invert"}.items():
    setattr(Traced, f"__{_dunder}__", _unary(_ufunc))
Traced.__hash__ = object.__hash__  # __eq__ is elementwise, as on arrays; identity hashing for dicts


class TracingXP:
    """`device.xp` while recording: the real array module, with every function call recorded."""

    def __init__(self, module, tracer):
        self._module, self._tracer, self._cache = module, tracer, {}
        self.__name__ = module.__name__

    def __getattr__(self, name):
        if name in self._cache:
            return self._cache[name]
        attr = getattr(self._module, name)
        if isinstance(attr, np.ufunc):
            attr = TracingUfunc(attr, self._tracer)
        elif isinstance(attr, types.ModuleType):
            if name == "random":
                self._tracer.refuse("xp.random draws from NumPy's global generator; use minigrad's "
                                    "random functions (mg.rand, mg.randn, ...), which compile")
            attr = TracingXP(attr, self._tracer)
        elif callable(attr) and not isinstance(attr, type):
            attr = _recording(attr, self._tracer)
        self._cache[name] = attr
        return attr


def _recording(fn, tracer):
    def call(*args, **kwargs):
        writes = (args[0]._v,) if fn.__name__ in _MUTATING_FUNCTIONS and isinstance(args[0], Traced) else ()
        return tracer.call(fn, args, kwargs, writes=writes)

    call.__name__ = fn.__name__
    return call


class TracingUfunc:
    """A ufunc whose calls and methods (reduce, at, accumulate, outer) are recorded."""

    def __init__(self, ufunc, tracer):
        self._ufunc, self._tracer = ufunc, tracer
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return self._tracer.call(self._ufunc, args, kwargs)

    def __getattr__(self, name):
        attr = getattr(self._ufunc, name)
        if name not in ("reduce", "accumulate", "reduceat", "outer", "at"):
            return attr

        def method(*args, **kwargs):
            writes = (args[0]._v,) if name == "at" and isinstance(args[0], Traced) else ()
            return self._tracer.call(attr, args, kwargs, writes=writes)

        return method

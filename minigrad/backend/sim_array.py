"""The simulated CUDA device's array type (see backend/sim.py): NumPy storage on a simulated GPU,
refusing what CuPy refuses and counting what CuPy syncs for; plus the current-device stack.

    SimArray    results of arithmetic, ufuncs and NumPy functions stay SimArrays; a view stays on its
                base's device, a computed result is made on the current device, whose inputs must
                all live there
    SimDevice   `with SimDevice(i):` makes simulated GPU i current in this thread (cupy.cuda.Device)
    host_syncs  every device-to-host read so far, each as "what at file:line"
"""

import os
import sys
import threading

import numpy as np

host_syncs = []
_local = threading.local()
_HERE = (__file__, os.path.join(os.path.dirname(__file__), "sim.py"))  # frames skipped by _caller
_HINT = "use Tensor.cpu() / .item() / .tolist() to read a CUDA tensor on purpose"


def _stack():
    if not hasattr(_local, "stack"):
        _local.stack = [0]  # like CUDA: device 0 is current until a thread picks another
    return _local.stack


def current_device():
    return _stack()[-1]


class SimDevice:
    """`with SimDevice(i):` runs array work on simulated GPU i; re-entrant, like cupy.cuda.Device."""

    __slots__ = ("id",)

    def __init__(self, id):
        self.id = id

    def __enter__(self):
        _stack().append(self.id)
        return self

    def __exit__(self, *exc):
        _stack().pop()

    def __repr__(self):
        return f"<simulated CUDA Device {self.id}>"


def _caller():
    """file:line of the first frame outside this file: where a sync or a misuse came from."""
    frame = sys._getframe(2)
    while frame.f_code.co_filename in _HERE:
        frame = frame.f_back
    path = os.path.relpath(frame.f_code.co_filename)
    return f"{frame.f_code.co_filename if path.startswith('..') else path}:{frame.f_lineno}"


def sync(what):
    """Record a blocking device-to-host read (on a GPU it waits for every queued kernel)."""
    host_syncs.append(f"{what} at {_caller()}")


def _host_array_error(what):
    return TypeError(f"{what}: a host numpy.ndarray cannot be mixed with a (simulated) CUDA array — CuPy "
                     "raises 'Unsupported type <class 'numpy.ndarray'>' here (at "
                     f"{_caller()}); copy it to the device first (device.backend.to_device(a))")


class Call:
    """One NumPy call on SimArrays: unwraps them, refuses host arrays, wraps the results."""

    def __init__(self, what, from_host=False):
        self.what, self.from_host, self.inputs = what, from_host, []

    def unwrap(self, x):
        if isinstance(x, SimArray):
            self.inputs.append(x)
            return x._a
        if isinstance(x, np.ndarray):
            if self.from_host:
                return x
            raise _host_array_error(self.what)
        if isinstance(x, (list, tuple)):
            return type(x)(self.unwrap(v) for v in x)
        return x

    def run(self, func, args, kwargs):
        args = [self.unwrap(a) for a in args]
        kwargs = {k: self.unwrap(v) for k, v in kwargs.items()}
        result = func(*args, **kwargs)
        if self.from_host and not self.inputs:
            result = np.array(result, copy=True)  # host data: a copy on the device, never shared
        computed = "out" in kwargs or not self._is_view(result)
        if computed:  # a kernel ran, on the current device: every input must live there
            self.check_devices()
        return self.wrap(result)

    def _is_view(self, result):
        if isinstance(result, tuple):
            return all(self._is_view(r) for r in result)
        return isinstance(result, np.ndarray) and self._owner(result) is not None

    def _owner(self, r):
        """The input SimArray whose storage r is (or views); None if r is new memory."""
        for s in self.inputs:
            if r is s._a or (r.base is not None and r.base is _root(s._a)):
                return s
        return None

    def check_devices(self):
        here = current_device()
        for s in self.inputs:
            if s._device != here:
                raise RuntimeError(
                    f"{self.what} at {_caller()}: an array on simulated cuda:{s._device} is used while "
                    f"cuda:{here} is current; CuPy would run the kernel on cuda:{here} (a peer-access "
                    "error, or a silent copy between GPUs). Run the work under its tensors' device "
                    "guard: `with minigrad.backend.guard(tensor.device):`"
                )

    def wrap(self, r):
        if isinstance(r, tuple):
            return tuple(self.wrap(x) for x in r)
        if isinstance(r, np.generic):
            r = np.asarray(r)  # CuPy returns 0-d arrays, never NumPy scalars
        if not isinstance(r, np.ndarray):
            return r
        owner = self._owner(r)
        if owner is None:
            return SimArray(r, current_device())
        if r is owner._a:
            return owner
        return SimArray(r, owner._device, owner if owner._base is None else owner._base)


def _root(a):
    """The ndarray that owns a's memory (NumPy collapses chains of views onto it)."""
    return a if a.base is None else a.base


def _binary(ufunc, reflected=False, inplace=False):
    if inplace:
        def op(self, other):
            return ufunc(self, other, out=self)
    elif reflected:
        def op(self, other):
            return ufunc(other, self)
    else:
        def op(self, other):
            return ufunc(self, other)
    return op


def _unary(ufunc):
    def op(self):
        return ufunc(self)
    return op


class SimArray:
    """A simulated device array: NumPy storage `_a` on simulated GPU `_device` (see the module doc)."""

    __slots__ = ("_a", "_device", "_base", "__weakref__")

    def __init__(self, array, device, base=None):
        self._a, self._device, self._base = array, device, base

    # -------------------------------------------------- what CuPy refuses or syncs for
    def __array__(self, dtype=None, copy=None):
        raise TypeError(f"Implicit conversion to a NumPy array is not allowed (CuPy's rule; at {_caller()}): "
                        f"np.asarray/np.array of a CUDA array would copy it to the host behind your back; {_HINT}")

    def _read(self, what):
        sync(what)
        return self._a

    def get(self):
        return self._read("get()").copy()

    def item(self):
        return self._read("item()").item()

    def tolist(self):
        return self._read("tolist()").tolist()

    def __float__(self):
        return float(self._read("float()"))

    def __int__(self):
        return int(self._read("int()"))

    def __complex__(self):
        return complex(self._read("complex()"))

    def __bool__(self):
        return bool(self._read("bool()"))

    def __repr__(self):
        return repr(self._read("repr()")).replace("array", "simulated_cuda_array", 1)

    def __str__(self):
        return str(self._read("str()"))

    def __format__(self, spec):
        return format(self._read("format()"), spec)

    def simulated_memory(self):
        """The NumPy storage, for a kernel in Numba's simulator: a real launch runs on the current
        device, so the array must live there."""
        call = Call("kernel launch")
        call.inputs.append(self)
        call.check_devices()
        return self._a

    # -------------------------------------------------- NumPy's protocols: results stay on the device
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        what = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        return Call(what).run(getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return Call(f"numpy.{func.__name__}").run(func, args, kwargs)

    def __getattr__(self, name):
        # methods and attributes of the NumPy storage (sum, reshape, astype, T, ...), results wrapped;
        # never NumPy's dunders (__array_interface__ would hand the host memory out silently)
        if name.startswith("__") or name == "tobytes":
            raise AttributeError(f"'SimArray' object has no attribute '{name}' (nor has cupy.ndarray)")
        attr = getattr(self._a, name)
        call = Call(f"ndarray.{name}")
        call.inputs.append(self)
        if callable(attr):
            return lambda *args, **kwargs: call.run(attr, args, kwargs)
        return call.wrap(attr)

    shape = property(lambda self: self._a.shape)
    ndim = property(lambda self: self._a.ndim)
    dtype = property(lambda self: self._a.dtype)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    base = property(lambda self: self._base)
    device = property(lambda self: SimDevice(self._device))

    # -------------------------------------------------- indexing: basic indices give views, 0-d too
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        def get(a, index):
            r = a[index]
            if isinstance(r, np.generic):  # every index an int: CuPy gives a 0-d view, not a copy
                r = a[(*index, ...) if isinstance(index, tuple) else (index, ...)]
            return r
        return Call("indexing", from_host=True).run(get, (self, index), {})

    def __setitem__(self, index, value):
        if isinstance(value, (np.ndarray, list, tuple)) and np.ndim(value) > 0:
            raise ValueError(f"non-scalar numpy.ndarray cannot be used for fill (CuPy's error for host data "
                             f"written into a CUDA array, at {_caller()}): copy it to the device first")

        def put(a, index, value):
            a[index] = value
        Call("assignment", from_host=True).run(put, (self, index, value), {})

    # -------------------------------------------------- operators, each a NumPy ufunc
    __add__, __radd__, __iadd__ = _binary(np.add), _binary(np.add, True), _binary(np.add, inplace=True)
    __sub__, __rsub__, __isub__ = (_binary(np.subtract), _binary(np.subtract, True),
                                   _binary(np.subtract, inplace=True))
    __mul__, __rmul__, __imul__ = (_binary(np.multiply), _binary(np.multiply, True),
                                   _binary(np.multiply, inplace=True))
    __truediv__, __rtruediv__, __itruediv__ = (_binary(np.true_divide), _binary(np.true_divide, True),
                                               _binary(np.true_divide, inplace=True))
    __floordiv__, __rfloordiv__ = _binary(np.floor_divide), _binary(np.floor_divide, True)
    __mod__, __rmod__ = _binary(np.remainder), _binary(np.remainder, True)
    __pow__, __rpow__, __ipow__ = _binary(np.power), _binary(np.power, True), _binary(np.power, inplace=True)
    __matmul__, __rmatmul__ = _binary(np.matmul), _binary(np.matmul, True)
    __and__, __rand__, __iand__ = (_binary(np.bitwise_and), _binary(np.bitwise_and, True),
                                   _binary(np.bitwise_and, inplace=True))
    __or__, __ror__, __ior__ = (_binary(np.bitwise_or), _binary(np.bitwise_or, True),
                                _binary(np.bitwise_or, inplace=True))
    __xor__, __rxor__ = _binary(np.bitwise_xor), _binary(np.bitwise_xor, True)
    __eq__, __ne__ = _binary(np.equal), _binary(np.not_equal)
    __lt__, __le__ = _binary(np.less), _binary(np.less_equal)
    __gt__, __ge__ = _binary(np.greater), _binary(np.greater_equal)
    __neg__, __pos__, __abs__, __invert__ = _unary(np.negative), _unary(np.positive), _unary(np.abs), _unary(np.invert)
    __hash__ = None  # unhashable, like every ndarray

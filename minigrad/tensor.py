"""`Tensor`: an ndarray (`_data`, NumPy on CPU, CuPy on GPU) plus what autograd needs.

A tensor that requires grad and was made by an op remembers that op in `grad_fn`; `backward()`
walks those links in reverse (see autograd/engine.py). Every operator below is one line that hands
its operands to a Function in ops/, where forward and backward live side by side.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

import numbers

import numpy as np

from . import dtypes
from .autograd import engine
from .backend import Device
from .backend import device as _device
from .conversions import Convertible
from .inplace import InPlace


class Tensor(Convertible, InPlace):
    __slots__ = ("_data", "device", "requires_grad", "grad", "grad_fn", "_written", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operators

    def __init__(self, data, requires_grad=False, device=None):
        """Wrap an existing array without copying (Python data becomes float32, as torch.Tensor(...)
        does); most code wants the factory `minigrad.tensor` instead."""
        if isinstance(data, Tensor):
            data = data._data
        elif not hasattr(data, "shape"):
            data = np.asarray(data, dtype=dtypes.default_float)
        self._data, self.device = data, _device(device or "cpu")
        self.grad, self.grad_fn, self.requires_grad, self._written = None, None, False, None
        self.requires_grad_(requires_grad)

    @staticmethod
    def _make(data, device, requires_grad, grad_fn):
        # The hot path of every op: no argument checks, no device resolution.
        t = object.__new__(Tensor)
        t._data, t.device, t.requires_grad, t.grad, t.grad_fn = data, device, requires_grad, None, grad_fn
        t._written = None  # no in-place write to this storage yet (inplace.py)
        return t

    # ---------------------------------------------------------------- properties
    @property
    def data(self):
        """This tensor's storage as a new tensor with no history and requires_grad=False (PyTorch's
        `.data`): `p.data.add_(...)`, `p.data.copy_(w)` and `p.data.zero_()` write into p itself.
        As in PyTorch, writes through `.data` are invisible to autograd's in-place check (use
        `detach()` to have them checked); minigrad's own internals use the raw array `_data`."""
        return Tensor._make(self._data, self.device, False, None)

    @data.setter
    def data(self, value):
        """`p.data = t` swaps p's storage for t's (any shape, dtype or device), keeping p's identity."""
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(value).__name__}; "
                            "wrap arrays with minigrad.tensor(...) or minigrad.from_numpy(...)")
        self._data, self.device, self._written = value._data, value.device, None

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def T(self):
        return self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self):
        return self.ndim

    def numel(self):
        return self._data.size

    def element_size(self):
        return self._data.itemsize

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    # ---------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=False):
        """d(self)/d(leaf) * gradient, accumulated into `.grad` of each leaf that requires grad."""
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "create the inputs with requires_grad=True (and not under mg.no_grad())"
            )
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs, but this tensor has "
                    f"shape {self.shape}: call .sum() first or pass backward(gradient=...) of that shape"
                )
            g = self.device.xp.ones(self.shape, dtype=self.dtype)
        else:
            g = gradient._data if isinstance(gradient, Tensor) else self.device.xp.asarray(gradient)
            if g.shape != self.shape:
                raise RuntimeError(
                    f"backward: gradient has shape {g.shape} but the tensor has shape {self.shape}"
                )
            g = g.astype(self.dtype, copy=False)
        engine.backward(self, g, retain_graph)

    def register_post_accumulate_grad_hook(self, hook):
        """Call hook(self) once per backward, after all of it has been accumulated into this leaf's .grad;
        returns a handle whose remove() unregisters it (PyTorch's API; DistributedDataParallel uses it)."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        return RemovableHandle(engine.add_post_accumulate_hook(self, hook), hook)

    def detach(self):
        """The same storage, cut from the graph."""
        t = Tensor._make(self._data, self.device, False, None)
        t._written = self._write_record()  # same storage, same record
        return t

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(
                f"only floating-point tensors can require gradients, got {self.dtype}; use .float()"
            )
        self.requires_grad = requires_grad
        return self

    # ---------------------------------------------------------------- conversion
    def numpy(self):
        if self.device.type != "cpu":
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. "
                "Use Tensor.cpu() to copy the tensor to host memory first."
            )
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self.detach().numpy() if dtype is None else self.detach().numpy().astype(dtype)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def to(self, *args, dtype=None, device=None):
        """to(dtype), to(device), to(device, dtype) or keywords; differentiable, and `self` if nothing changes."""
        for a in args:
            if isinstance(a, (str, Device)):
                device = a
            else:
                dtype = a
        out = self if device is None else convert.to_device(self, device)
        if dtype is not None and np.dtype(dtype) != out.dtype:
            out = convert.Cast.apply(out, dtype=np.dtype(dtype))
        return out

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def clone(self):
        return convert.Cast.apply(self, dtype=self.dtype)  # a cast always copies

    def contiguous(self):
        return self

    # ---------------------------------------------------------------- methods (see ops/)
    def add(self, other):
        return self + other

    def sub(self, other):
        return self - other

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    def matmul(self, other):
        return linalg.matmul(self, other)

    def exp(self):
        return math.exp(self)

    def log(self):
        return math.log(self)

    def sqrt(self):
        return math.sqrt(self)

    def abs(self):
        return math.abs(self)

    def clamp(self, min=None, max=None):
        return math.clamp(self, min, max)

    clip = clamp

    def relu(self):
        return math.relu(self)

    def sigmoid(self):
        return math.sigmoid(self)

    def tanh(self):
        return math.tanh(self)

    def softmax(self, dim):
        return softmax.softmax(self, dim)

    def log_softmax(self, dim):
        return softmax.log_softmax(self, dim)

    def sum(self, dim=None, keepdim=False):
        return reduce.sum(self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return reduce.mean(self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return reduce.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return reduce.min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return reduce.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return reduce.argmin(self, dim, keepdim)

    def reshape(self, *shape):
        return shape_ops.reshape(self, *shape)

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        return shape_ops.flatten(self, start_dim, end_dim)

    def squeeze(self, dim=None):
        return shape_ops.squeeze(self, dim)

    def unsqueeze(self, dim):
        return shape_ops.unsqueeze(self, dim)

    def permute(self, *dims):
        return shape_ops.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return shape_ops.transpose(self, dim0, dim1)

    def t(self):
        return shape_ops.transpose(self, 0, 1) if self.ndim == 2 else self

    def expand(self, *sizes):
        return shape_ops.expand(self, *sizes)

    def expand_as(self, other):
        return shape_ops.expand(self, other.shape)

    def view_as(self, other):
        return shape_ops.reshape(self, other.shape)

    # ---------------------------------------------------------------- repr
    def __repr__(self):
        body = np.array2string(
            self.device.backend.to_host(self._data), separator=", ", prefix="tensor(",
            precision=4, floatmode="maxprec_equal" if self.dtype.kind == "f" else "maxprec",
        )
        extra = ""
        if self.device.type != "cpu":
            extra += f", device='{self.device}'"
        if self.dtype not in (dtypes.float32, dtypes.int64, dtypes.bool) or self._data.size == 0:
            extra += f", dtype=minigrad.{self.dtype}"
        if self.grad_fn is not None:
            extra += f", grad_fn={self.grad_fn!r}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        return int(self.item())

    __hash__ = object.__hash__  # identity, as in PyTorch (__eq__ is elementwise); C-speed for optimizer state dicts

    # ---------------------------------------------------------------- arithmetic
    def _operand(self, other, op):
        """(self, other) as tensors-or-numbers with the dtypes PyTorch would compute in."""
        if isinstance(other, Tensor):
            if other.dtype != self.dtype:
                dtypes.check_binary(op, self, other)
            return self, other
        if isinstance(other, numbers.Number):
            want = dtypes.scalar_operand_dtype(self.dtype, other)
            return (self if want == self.dtype else self.to(want)), other
        if isinstance(other, np.ndarray):
            return self._operand(Tensor._make(self.device.backend.to_device(other), self.device, False, None), op)
        raise TypeError(f"unsupported operand type(s) for {op}: 'Tensor' and '{type(other).__name__}'")

    def __add__(self, other):
        a, b = self._operand(other, "add")
        return arith.Add.apply(a, b)

    def __radd__(self, other):
        a, b = self._operand(other, "add")
        return arith.Add.apply(b, a)

    def __sub__(self, other):
        a, b = self._operand(other, "sub")
        return arith.Sub.apply(a, b)

    def __rsub__(self, other):
        a, b = self._operand(other, "sub")
        return arith.Sub.apply(b, a)

    def __mul__(self, other):
        a, b = self._operand(other, "mul")
        return arith.Mul.apply(a, b)

    def __rmul__(self, other):
        a, b = self._operand(other, "mul")
        return arith.Mul.apply(b, a)

    def __truediv__(self, other):
        a, b = arith.true_div_operands(*self._operand(other, "div"))
        return arith.Div.apply(a, b)

    def __rtruediv__(self, other):
        a, b = arith.true_div_operands(*self._operand(other, "div"))
        return arith.Div.apply(b, a)

    def __pow__(self, other):
        a, b = self._operand(other, "pow")
        return arith.Pow.apply(a, b)

    def __rpow__(self, other):
        a, b = self._operand(other, "pow")
        return arith.Pow.apply(b, a)

    def __neg__(self):
        return arith.Neg.apply(self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    # comparisons: elementwise, bool results, never differentiable
    def __eq__(self, other):
        return _compare(self, other, "equal")

    def __ne__(self, other):
        return _compare(self, other, "not_equal")

    def __lt__(self, other):
        return _compare(self, other, "less")

    def __le__(self, other):
        return _compare(self, other, "less_equal")

    def __gt__(self, other):
        return _compare(self, other, "greater")

    def __ge__(self, other):
        return _compare(self, other, "greater_equal")

    # ---------------------------------------------------------------- indexing
    def __getitem__(self, index):
        return shape_ops.getitem(self, index)

    def __setitem__(self, index, value):
        self._check_inplace(isinstance(value, Tensor) and value.requires_grad)  # a graph would be lost
        self._mark_written()
        self._data[shape_ops.to_index(index, self.device)] = value._data if isinstance(value, Tensor) else value


class RemovableHandle:
    """What register_*_hook returns: remove() takes the hook out again."""

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        if self.hook in self.hooks:
            self.hooks.remove(self.hook)


def _compare(a, b, name):
    b = b._data if isinstance(b, Tensor) else b
    return Tensor._make(getattr(a.device.xp, name)(a._data, b), a.device, False, None)


# The ops build on Tensor, so they are imported after it; methods above look them up at call time.
from .ops import arith, convert, linalg, math, reduce, softmax  # noqa: E402
from .ops import shape as shape_ops  # noqa: E402

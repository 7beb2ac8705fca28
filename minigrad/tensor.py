"""`Tensor`: an ndarray (`_data`, NumPy on CPU, CuPy on GPU) plus what autograd needs.

A tensor that requires grad and was made by an op remembers that op in `grad_fn`; `backward()`
walks those links in reverse (see autograd/engine.py). Every operator below is one line that hands
its operands to a Function in ops/, where forward and backward live side by side; the op methods
(x.sum(), x.view(...), ...) are one line each in tensor_ops.py.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

import numbers
import warnings

import numpy as np

from . import dtypes, unsupported
from .backend import Device, resolve
from .conversions import TensorConversion
from .inplace import INFERENCE, InPlace
from .size import Size
from .tensor_ops import TensorOps

_DTYPE_OF = dtypes.OF_NUMPY  # array dtype -> minigrad dtype, read by every `.dtype`


class Tensor(TensorConversion, InPlace, TensorOps, unsupported.MissingTensorAttributes):
    __slots__ = ("_data", "device", "requires_grad", "_grad", "grad_fn", "_written", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operators

    def __init__(self, data, requires_grad=False, device=None):
        """Wrap an existing array without copying (Python data becomes float32, as torch.Tensor(...)
        does, and host data is copied to a GPU `device`); most code wants `minigrad.tensor` instead."""
        if isinstance(data, Tensor):
            data = data._data
        elif not hasattr(data, "shape"):
            data = np.asarray(data, dtype=dtypes.default_float)
        self.device = resolve(device)  # "cuda": the current device
        self._data = self.device.backend.to_device(data) if isinstance(data, np.ndarray) else data
        self._grad, self.grad_fn, self.requires_grad, self._written = None, None, False, None
        self.requires_grad_(requires_grad)

    @staticmethod
    def _make(data, device, requires_grad, grad_fn):
        # The hot path of every op: no argument checks, no device resolution.
        t = object.__new__(Tensor)
        t._data, t.device, t.requires_grad, t._grad, t.grad_fn = data, device, requires_grad, None, grad_fn
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
        """The size of each dimension, a minigrad.Size (a tuple)."""
        return Size(self._data.shape)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        """The element type, a minigrad dtype (minigrad.float32, ...)."""
        try:
            return _DTYPE_OF[self._data.dtype]
        except KeyError:  # an array of a dtype no tensor may hold, wrapped by hand
            raise TypeError(dtypes.unsupported(self._data.dtype)) from None

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def T(self):
        return self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    def size(self, dim=None):
        """The shape (a minigrad.Size), or the size of dimension `dim` (negative counts from the end)."""
        if dim is None:
            return Size(self._data.shape)
        ndim = self._data.ndim
        if ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                             f"but got {dim})")
        return self._data.shape[dim]

    def dim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    def element_size(self):
        return self._data.itemsize

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        """The sub-tensors along dimension 0 (views, differentiable like indexing)."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # ---------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """d(self)/d(leaf) * gradient, accumulated into `.grad` of each leaf that requires grad (or of
        `inputs` only); see minigrad.autograd.backward."""
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    @property
    def grad(self):
        """The gradient accumulated by backward (leaves, and tensors that called retain_grad())."""
        if self._grad is None and self.grad_fn is not None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
            if value.dtype != self.dtype or value.device != self.device:
                raise RuntimeError(f"attempting to assign a gradient of dtype {value.dtype} on {value.device} to a "
                                   f"tensor of dtype {self.dtype} on {self.device}; convert it first with "
                                   f".to({self.dtype}) / .to('{self.device}')")
        self._grad = value

    @property
    def retains_grad(self):
        """True if this non-leaf tensor keeps its .grad (retain_grad() was called)."""
        hooks = autograd_hooks.node_hooks.get(id(self.grad_fn)) if self.grad_fn is not None else None
        return bool(hooks) and isinstance(hooks[-1], autograd_hooks.RetainGrad)

    def retain_grad(self):
        """Let backward fill `.grad` of this non-leaf tensor too (leaves have it anyway)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None and not self.retains_grad:
            autograd_hooks.add_node_hook(self.grad_fn, autograd_hooks.RetainGrad(self), last=True)

    def register_hook(self, hook):
        """Call hook(grad) each time a gradient for this tensor is computed; a returned tensor replaces
        the gradient. Returns a handle whose remove() unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            return RemovableHandle(autograd_hooks.add_leaf_hook(self, hook), hook)
        return RemovableHandle(autograd_hooks.add_node_hook(self.grad_fn, hook), hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call hook(self) once per backward, after all of it has been accumulated into this leaf's .grad;
        returns a handle whose remove() unregisters it (PyTorch's API; DistributedDataParallel uses it)."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        return RemovableHandle(autograd_hooks.add_post_accumulate_hook(self, hook), hook)

    def detach(self):
        """The same storage, cut from the graph."""
        t = Tensor._make(self._data, self.device, False, None)
        t._written = self._write_record()  # same storage, same record
        return t

    def detach_(self):
        """Cut this tensor from the graph in place: it becomes a leaf that requires no grad."""
        fn = self.grad_fn
        if fn is not None and self._written is not None and any(
                getattr(t, "_written", None) is self._written for t in fn.inputs):
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn, self.requires_grad = None, False
        return self

    def requires_grad_(self, requires_grad=True):
        """Set requires_grad of a leaf in place (a computed tensor's flag follows its graph)."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(
                f"only floating-point tensors can require gradients, got {self.dtype}; use .float()"
            )
        if requires_grad and self.is_inference() and not is_inference_mode_enabled():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not "
                               "allowed; make a normal tensor with .clone() first")
        self.requires_grad = requires_grad
        return self

    def is_inference(self):
        """True for tensors computed under inference_mode() (and their views)."""
        return self._written is INFERENCE

    # ---------------------------------------------------------------- conversion (more in conversions.py)
    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
        """to(dtype), to(device), to(device, dtype), to(other_tensor) or keywords: differentiable, and
        `self` itself if nothing changes (unless copy=True). A cast to a non-floating dtype cuts the
        graph, as integer tensors never require grad. non_blocking is accepted; copies are synchronous."""
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, (str, Device, int)) and not isinstance(a, bool):
                device = a
            elif a is not None:
                dtype = a
        out = self if device is None else convert.to_device(self, device)
        if dtype is not None:
            dtype = dtypes.resolve(dtype)
            if dtype is not out.dtype:
                source = out if dtype.is_floating_point else out.detach()
                out = convert.Cast.apply(source, dtype=dtype.dtype)
        return out.clone() if copy and out is self else out

    def clone(self, *, memory_format=None):
        """A copy with its own storage, differentiable; memory_format (minigrad.preserve_format or
        contiguous_format) is accepted (memory_formats.py)."""
        memory_formats.check(memory_format, "clone")
        return convert.Clone.apply(self, dtype=self.dtype)  # a cast always copies

    def contiguous(self, memory_format=None):
        """self: minigrad never needs a contiguous layout (view() works on any)."""
        memory_formats.check(memory_format, "contiguous")
        return self

    # ---------------------------------------------------------------- repr (_tensor_str.py)
    def __repr__(self):
        return _tensor_str.tensor_repr(self)

    def __dir__(self):
        """The attributes minigrad has: not the PyTorch ones that only say they are missing (unsupported.py)."""
        return [name for name in object.__dir__(self) if name not in unsupported.TENSOR_MISSING]

    __hash__ = object.__hash__  # identity, as in PyTorch (__eq__ is elementwise); C-speed for optimizer state dicts

    # ---------------------------------------------------------------- arithmetic
    def _operand(self, other, op):
        """(self, other) as tensors-or-numbers with the dtypes PyTorch would compute in."""
        if isinstance(other, Tensor):
            if other._data.dtype != self._data.dtype:  # (the arrays': no minigrad dtype lookups per op)
                return dtypes.binary_operands(self, other)
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
        return arith.Add.apply(a, b)  # 2 + x is recorded as x + 2, as PyTorch does

    def __sub__(self, other):
        a, b = self._operand(other, "sub")
        return arith.Sub.apply(a, b)

    def __rsub__(self, other):
        a, b = self._operand(other, "sub")
        return arith.Rsub.apply(b, a)

    def __mul__(self, other):
        a, b = self._operand(other, "mul")
        return arith.Mul.apply(a, b)

    def __rmul__(self, other):
        a, b = self._operand(other, "mul")
        return arith.Mul.apply(a, b)  # 2 * x is recorded as x * 2, as PyTorch does

    def __truediv__(self, other):
        a, b = arith.true_div_operands(*self._operand(other, "div"))
        return arith.Div.apply(a, b)

    def __rtruediv__(self, other):
        a, b = arith.true_div_operands(*self._operand(other, "div"))
        return arith.Div.apply(b, a)

    def __floordiv__(self, other):
        return arith.div_rounded(self, other, "floor")

    def __rfloordiv__(self, other):
        return arith.div_rounded(other, self, "floor")

    def __mod__(self, other):
        return remainder.remainder_of(self, other)

    def __rmod__(self, other):
        return remainder.remainder_of(other, self)

    def __pow__(self, other):
        a, b = self._operand(other, "pow")
        return (arith.PowTensor if isinstance(b, Tensor) else arith.Pow).apply(a, b)

    def __rpow__(self, other):
        a, b = self._operand(other, "pow")
        return (arith.PowTensor if isinstance(b, Tensor) else arith.RPow).apply(b, a)

    def __neg__(self):
        return arith.Neg.apply(self)

    def __abs__(self):
        return piecewise.abs(self)

    def __matmul__(self, other):
        return linalg.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg.matmul(self._operand(other, "matmul")[1], self)

    # comparisons: elementwise, bool results, never differentiable (== with a non-number is identity)
    def __eq__(self, other):
        return compare.eq(self, other) if _comparable(other) else NotImplemented

    def __ne__(self, other):
        return compare.ne(self, other) if _comparable(other) else NotImplemented

    def __lt__(self, other):
        return compare.lt(self, other)

    def __le__(self, other):
        return compare.le(self, other)

    def __gt__(self, other):
        return compare.gt(self, other)

    def __ge__(self, other):
        return compare.ge(self, other)

    # bitwise / logical, for bool masks and integers
    def __and__(self, other):
        return compare.bitwise_and(self, other)

    def __or__(self, other):
        return compare.bitwise_or(self, other)

    def __xor__(self, other):
        return compare.bitwise_xor(self, other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        return compare.bitwise_not(self)

    # ---------------------------------------------------------------- indexing
    def __getitem__(self, index):
        return index_ops.getitem(self, index)

    def __setitem__(self, index, value):
        index_ops.setitem(self, index, value)


class RemovableHandle:
    """What register_*_hook returns: remove() takes the hook out again (also on leaving a `with` block)."""

    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        for i, h in enumerate(self.hooks):
            if h is self.hook:  # by identity: two hooks may compare equal
                del self.hooks[i]
                return

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _comparable(other):
    return isinstance(other, (Tensor, numbers.Number)) or hasattr(other, "__array__")


# The ops and autograd build on Tensor, so they are imported after it. The operators above use them
# by name; the op methods (tensor_ops.py) reach them as ops.<module>, which these imports also make exist.
from . import _tensor_str, autograd, memory_formats  # noqa: E402,I001
from .autograd import hooks as autograd_hooks  # noqa: E402
from .autograd.grad_mode import is_inference_mode_enabled  # noqa: E402
from .ops import (  # noqa: E402,F401,I001
    arith, compare, convert, einsum, gather, join, linalg, mask, math, norm, piecewise, reduce, reorder, softmax,
    sort,
)
from .ops import count, cross, diagonal, fill, pointwise, remainder, scan, solve, trig  # noqa: E402,F401,I001
# (ops.decomposition is imported by minigrad.linalg: its custom Functions need autograd loaded first)
from .ops import index as index_ops  # noqa: E402
from .ops import special  # noqa: E402,F401  (erf, for tensor_ops)
from .ops import shape as shape_ops  # noqa: E402,F401

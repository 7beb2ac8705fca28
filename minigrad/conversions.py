"""Conversions PyTorch gives tensors: dtype shorthands (`float()`, `long()` ... on top of `to`), the
legacy type strings of `type()`, and the ways out to Python and NumPy (`item`, `tolist`, `numpy`,
`float(t)`, `format(t, ".2f")`).

    >>> import minigrad as mg
    >>> x = mg.tensor([1.5, -2.5])
    >>> x.long(), x.type(), x.double().type(), f"{x.sum():+.2f}"
    (tensor([ 1, -2]), 'minigrad.FloatTensor', 'minigrad.DoubleTensor', '-1.00')

Type strings: PyTorch's are 'torch.FloatTensor' and 'torch.cuda.FloatTensor'; minigrad returns
'minigrad.FloatTensor' and 'minigrad.cuda.FloatTensor', and `type()` accepts either spelling.
"""

from . import dtypes

_TYPE_NAMES = {dtypes.float16: "HalfTensor", dtypes.float32: "FloatTensor", dtypes.float64: "DoubleTensor",
               dtypes.int8: "CharTensor", dtypes.int16: "ShortTensor", dtypes.int32: "IntTensor",
               dtypes.int64: "LongTensor", dtypes.uint8: "ByteTensor", dtypes.bool: "BoolTensor"}
_OF_TYPE_NAME = {name: d for d, name in _TYPE_NAMES.items()}


class Convertible:
    """Mixed into Tensor and Module, which each define `to(dtype_or_device)`."""

    __slots__ = ()  # keeps Tensor free of a per-instance __dict__

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        """To the current CUDA device, or to `device` (an index, "cuda:N" or a Device)."""
        return self.to(f"cuda:{device}" if isinstance(device, int) else device or "cuda")


class TensorConversion(Convertible):
    """Mixed into Tensor only: it supplies `to`, `_data`, `device`, `dtype`, `requires_grad`, `detach`."""

    __slots__ = ()

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def short(self):
        return self.to(dtypes.int16)

    def char(self):
        return self.to(dtypes.int8)

    def byte(self):
        return self.to(dtypes.uint8)

    def bool(self):
        return self.to(dtypes.bool)

    # ---- new tensors with this one's dtype and device, unless told otherwise (Tensor.new_*)
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        return self._new("tensor", (data,), dtype, device, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new("zeros", size, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new("ones", size, dtype, device, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new("empty", size, dtype, device, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self._new("full", (size, fill_value), dtype, device, requires_grad)

    def _new(self, factory, args, dtype, device, requires_grad):
        from . import factories  # factories build Tensors, which import this module

        return getattr(factories, factory)(*args, dtype=dtype or self.dtype, device=device or self.device,
                                           requires_grad=requires_grad)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def type(self, dtype=None, non_blocking=False):
        """With no argument, the type string ('minigrad.FloatTensor'); otherwise this tensor converted
        to `dtype`: a dtype or a type string ('minigrad.cuda.DoubleTensor', or 'torch.' in front)."""
        if dtype is None:
            return f"minigrad.{'cuda.' if self.device.type == 'cuda' else ''}{_TYPE_NAMES[self.dtype]}"
        if not isinstance(dtype, str):
            return self.to(dtype)
        prefix, _, name = dtype.rpartition(".")
        device = {"minigrad": "cpu", "torch": "cpu", "minigrad.cuda": "cuda", "torch.cuda": "cuda"}.get(prefix)
        if device is None or name not in _OF_TYPE_NAME:
            raise ValueError(f"invalid type: {dtype!r}; expected e.g. 'minigrad.FloatTensor' or "
                             "'minigrad.cuda.LongTensor', or a dtype such as minigrad.float64")
        return self.to(dtype=_OF_TYPE_NAME[name], device=None if device == self.device.type else device)

    # ---------------------------------------------------------------- out to NumPy and Python
    def numpy(self, force=False):
        """This CPU tensor's storage as an ndarray (shared: writes show through both ways). A tensor
        that requires grad or lives on a GPU is refused unless force=True, which detaches and copies
        it to the host (PyTorch's numpy(force=True))."""
        if force:
            return self.detach().cpu()._data
        if self.device.type != "cpu":
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. "
                "Use Tensor.cpu() to copy the tensor to host memory first."
            )
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        # np.asarray(t) / np.testing on CPU tensors (grads included); a GPU tensor says to call .cpu()
        array = self.detach().numpy()
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array.copy() if copy else array

    def item(self):
        """The one value of a one-element tensor, as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        """The values as (nested) Python lists of Python numbers; a 0-d tensor gives a number."""
        return self._data.tolist()

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars "
                             f"(this one has shape {tuple(self._data.shape)})")
        return self._data.item()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError(f"only integer tensors of a single element can be converted to an index "
                            f"(this one is {self.dtype} of shape {tuple(self._data.shape)})")
        return int(self._data.item())

    def __bool__(self):
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous; use .any() or .all()")
        return bool(self._data.item())

    def __format__(self, format_spec):
        """A 0-d tensor formats as its value (f"{loss:.4f}"); other tensors only with an empty spec."""
        if self._data.ndim == 0:
            return self._data.item().__format__(format_spec)
        if format_spec:
            raise TypeError(f"unsupported format string {format_spec!r} passed to Tensor.__format__: only "
                            f"0-d tensors take one, this one has shape {tuple(self._data.shape)}; format "
                            f"t.item() (one element) or index down to one element first")
        return str(self)

"""In-place writes to a tensor — x += y, x.add_(y), fill_, copy_, x[i] = v — and the two rules that
keep them from corrupting gradients, as in PyTorch:

* under grad mode, a tensor that requires grad (or a result that would) is never written in place:
  autograd records out-of-place ops only, so such a write could not be differentiated through;
* every write is recorded (`_mark_written`) in a record shared by all tensors that view one storage:
  a graph whose backward reads a tensor (an input or its own output) written after its forward pass,
  directly or through a view, raises instead of silently using the new values (autograd/engine.py).

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0])
    >>> x.add_(1).mul_(2)
    tensor([4., 6.])

`InPlace` is mixed into Tensor, which supplies the out-of-place operators it builds on (__add__, ...).

The write clock is one for the whole process, not per thread like the grad modes: it orders every
write against every graph recording, so a tensor that a graph saved in one thread and that another
thread then writes is still caught. Writes take a lock, so two threads never draw the same number.
Inference tensors (made under inference_mode) share the record `INFERENCE` instead of a version:
writing them outside inference mode is refused, as in PyTorch.
"""

import threading

from . import dtypes
from .autograd.grad_mode import is_inference_mode_enabled, recording
from .backend import array_on, guard


class _WriteClock:
    writes = 0  # in-place writes so far: a graph recorded before the latest one checks its inputs


clock = _WriteClock()
_clock_lock = threading.Lock()
INFERENCE = [0]  # the write record of every inference tensor (never compared: they are never saved)


class InPlace:
    __slots__ = ()  # keeps Tensor free of a per-instance __dict__

    def _check_inplace(self, other_requires_grad=False):
        # autograd records only out-of-place ops: an in-place write to a tensor that requires grad
        # could not be differentiated through, so it is refused while a graph could be recorded
        if (self.requires_grad or other_requires_grad) and recording():
            what = "on a tensor that requires grad" if self.requires_grad else "with a value that requires grad"
            raise RuntimeError(
                f"in-place operation {what} (target shape {tuple(self.shape)}): autograd records out-of-place ops "
                "only; wrap it in `with minigrad.no_grad():`, or use the out-of-place form (`x = x + y`)"
            )

    def _write_record(self):
        """[number of the last in-place write to this storage], one list shared by every tensor that
        views the storage; made on first need (most tensors are never written or viewed)."""
        if self._written is None:
            self._written = [0]
        return self._written

    def _mark_written(self):
        """Record an in-place write (every in-place path calls this): a graph recorded before it that
        saved this tensor, or a view of the same storage, raises instead of using the new values."""
        record = self._write_record()
        if record is INFERENCE and not is_inference_mode_enabled():
            raise RuntimeError(
                f"Inplace update to inference tensor outside InferenceMode is not allowed (shape {tuple(self.shape)}): "
                "make a normal tensor with .clone() first, or do the update inside minigrad.inference_mode()"
            )
        with _clock_lock:
            clock.writes += 1
            record[0] = clock.writes

    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        self._check_inplace()
        self._mark_written()
        with guard(self.device):
            self._data[...] = value
        return self

    def copy_(self, src):
        """Copy src's values (a tensor on any device, or host data) into this tensor's storage, cast
        to this dtype; the one write path of load_state_dict and nn.init too."""
        self._check_inplace()
        self._mark_written()
        with guard(self.device):
            self._data[...] = array_on(self.device, src, self.dtype)
        return self

    def __iadd__(self, other):
        return self._inplace(self.__add__(other))

    def __isub__(self, other):
        return self._inplace(self.__sub__(other))

    def __imul__(self, other):
        return self._inplace(self.__mul__(other))

    def __itruediv__(self, other):
        return self._inplace(self.__truediv__(other))

    def __imod__(self, other):
        return self._inplace(self.__mod__(other))

    def add_(self, other, alpha=1):
        return self._inplace(self.__add__(other if alpha == 1 else other * alpha))

    def sub_(self, other, alpha=1):
        return self._inplace(self.__sub__(other if alpha == 1 else other * alpha))

    def mul_(self, other):
        return self._inplace(self.__mul__(other))

    def div_(self, other):
        return self._inplace(self.__truediv__(other))

    def _inplace(self, result):
        """x op= y: compute out of place, then write into x's own buffer (x keeps its dtype)."""
        self._check_inplace(result.requires_grad)
        if result.dtype != self.dtype and dtypes.category(result.dtype) > dtypes.category(self.dtype):
            raise RuntimeError(
                f"result type {result.dtype} can't be cast to the desired output type {self.dtype} of this "
                f"in-place op (shape {tuple(self.shape)}); use the out-of-place form (x = x + y) or convert x first"
            )
        self._mark_written()
        with guard(self.device):
            self._data[...] = result._data
        return self

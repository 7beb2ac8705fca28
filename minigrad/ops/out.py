"""How the functional forms take their arguments: `out=` (PyTorch's rules) and the Tensor check.

    >>> import minigrad as mg
    >>> c = mg.empty(0)
    >>> mg.mul(mg.tensor([1.0, 2.0]), 3, out=c) is c, c
    (True, tensor([3., 6.]))

`into(out, result, op)` writes an op's result into `out`: resized if it has no elements (with
PyTorch's warning if it had others), cast to out's dtype if that can hold the result, and recorded
as an in-place write (inplace.py). There is no autograd through `out=`, as in PyTorch: under grad
mode an op whose inputs, or whose `out`, require grad refuses it.
"""

import warnings

from .. import dtypes
from ..autograd.grad_mode import recording
from ..tensor import Tensor


def expect_tensor(op, x, name="input"):
    """The TypeError PyTorch raises for a non-Tensor where its signature says Tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(x).__name__}")
    return x


def into(out, result, op):
    """result, or `out` holding it (also for tuple results such as max(dim)'s (values, indices))."""
    if out is None:
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{op}(): out must be a tuple of {len(result)} tensors, got {type(out).__name__}")
        return type(result)(into(o, r, op) for o, r in zip(out, result))
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if result.requires_grad or (recording() and out.requires_grad):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if out.device is not result.device:
        raise RuntimeError(f"{op}(): Expected out tensor to have device {result.device}, but got {out.device} instead")
    if dtypes.category(result.dtype) > dtypes.category(out.dtype):
        raise RuntimeError(f"{op}(): result type {result.dtype} can't be cast to the desired output type {out.dtype}")
    if out.shape == result.shape:
        out._data[...] = result._data
    else:
        if out.numel():
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          f"which does not match the required output shape {list(result.shape)}. This behavior is "
                          "deprecated, and in a future PyTorch release outputs will not be resized unless they "
                          "have zero elements.", UserWarning, stacklevel=3)
        out._data = result._data.astype(out.dtype)  # new storage: views of the old one no longer alias out
        out._written = None
    out._mark_written()  # a graph that saved `out` must not read the new values
    return out

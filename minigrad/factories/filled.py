"""Tensors of one value: `zeros`, `ones`, `empty`, `full`, the identity `eye`, and their `*_like`
forms, which take the shape, dtype and device of another tensor.

    >>> import minigrad as mg
    >>> mg.full((2,), 7), mg.full((2,), 7.0), mg.zeros_like(mg.full((2,), 7))
    (tensor([7, 7]), tensor([7., 7.]), tensor([0, 0]))
    >>> mg.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])

dtype=None means the default dtype (get_default_dtype()); for `full` it means the fill value's own
(bool -> bool, int -> int64, float -> the default dtype), and for `*_like` the model tensor's.
"""

import operator

import numpy as np

from .. import dtypes
from . import options


def _filled(name, fill, args, size, dtype, device, requires_grad):
    shape = options.sizes(args, size, name)
    d = options.dtype_or(dtype, dtypes.default_float)
    return options.place(np.full(shape, fill, dtype=d.dtype), device, requires_grad)


def zeros(*args, size=None, dtype=None, device=None, requires_grad=False):
    return _filled("zeros", 0, args, size, dtype, device, requires_grad)


def ones(*args, size=None, dtype=None, device=None, requires_grad=False):
    return _filled("ones", 1, args, size, dtype, device, requires_grad)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False):
    """Unspecified values, as PyTorch promises; here they are zeros (uninitialised memory helps nobody)."""
    return _filled("empty", 0, args, size, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of shape `size` (a tuple or list) filled with fill_value."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' must be a tuple of ints, not {type(size).__name__}; "
                        f"write full(({size!r},), {fill_value!r})")
    d = options.dtype_or(dtype, dtypes.of_scalar(fill_value))
    return _filled("full", fill_value, (size,), None, d, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix (m = n by default): ones on the diagonal, zeros elsewhere."""
    for name, value in (("n", n), ("m", n if m is None else m)):
        if not hasattr(value, "__index__"):
            raise TypeError(f"eye(): argument '{name}' must be int, not {type(value).__name__}")
        if operator.index(value) < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    d = options.dtype_or(dtype, dtypes.default_float)
    return options.place(np.eye(operator.index(n), None if m is None else operator.index(m), dtype=d.dtype),
                         device, requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False):
    return zeros(input.shape, requires_grad=requires_grad, **options.like(input, dtype, device))


def ones_like(input, dtype=None, device=None, requires_grad=False):
    return ones(input.shape, requires_grad=requires_grad, **options.like(input, dtype, device))


def empty_like(input, dtype=None, device=None, requires_grad=False):
    return empty(input.shape, requires_grad=requires_grad, **options.like(input, dtype, device))


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """Filled with fill_value, cast to input's dtype (full_like(int_tensor, 2.7) holds 2s)."""
    return full(input.shape, fill_value, requires_grad=requires_grad, **options.like(input, dtype, device))

"""What every factory takes besides its values: the size, the dtype, the device (and the default
device that `device=None` means) and requires_grad.

    >>> import minigrad as mg
    >>> mg.get_default_device()
    device(type='cpu')
    >>> mg.zeros(size=(2, 3)).shape == mg.zeros(2, 3).shape == mg.zeros([2, 3]).shape
    True
"""

import operator

from .. import dtypes
from ..backend import device as _device
from ..backend import resolve
from ..tensor import Tensor

default_device = _device("cpu")  # set_default_device rebinds it; read at call time


def set_default_device(device):
    """Allocate tensors on `device` when a factory gets no device= (None: back to the CPU). As in
    PyTorch, from_numpy and as_tensor(ndarray) still share the array's CPU memory, and 'cuda' means
    whichever CUDA device is current when the tensor is made."""
    global default_device
    default_device = _device("cpu" if device is None else device)


def get_default_device():
    """The device factories allocate on when given no device= ('cuda' comes with its current index)."""
    return resolve(default_device) if default_device.type == "cuda" else default_device


def sizes(args, size, name):
    """The shape a factory was given: f(2, 3), f((2, 3)), f([2, 3]), f(minigrad.Size(...)) or f(size=(2, 3))."""
    if size is not None:
        if args:
            raise TypeError(f"{name}(): give the size either positionally or as size=, not both")
        args = (size,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    shape = []
    for pos, n in enumerate(args):
        try:
            shape.append(operator.index(n))  # ints, NumPy ints and integer 0-d tensors
        except TypeError:
            raise TypeError(f"{name}(): argument 'size' must be a tuple of ints, but found element of type "
                            f"{type(n).__name__} at pos {pos}") from None
    if any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {shape}")
    return tuple(shape)


def dtype_or(dtype, default):
    """The dtype asked for, or `default` when dtype=None."""
    return default if dtype is None else dtypes.resolve(dtype)


def like(input, dtype, device):
    """The dtype= and device= of a *_like factory: input's own, unless given."""
    return {"dtype": input.dtype if dtype is None else dtype, "device": input.device if device is None else device}


def place(host, device, requires_grad):
    """A tensor of host array `host`, copied to `device` (None: the default device) unless that is the CPU."""
    dev = resolve(default_device if device is None else device)
    t = Tensor._make(dev.backend.to_device(host), dev, False, None)
    if requires_grad:
        t.requires_grad_()  # refuses integer dtypes, naming them
    return t

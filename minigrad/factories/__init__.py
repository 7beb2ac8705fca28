"""Ways to make tensors, as PyTorch's creation ops, one file per kind:

    data      tensor, as_tensor, from_numpy, is_tensor         (copies or shares existing data)
    filled    zeros, ones, empty, full, eye and their *_like    (one value everywhere)
    ranges    arange, linspace, logspace                        (evenly spaced values)
    sampling  rand, randn, randint, randperm, normal, *_like    (random, from minigrad.random)
    options   size parsing, dtype=, device= (and the default device), requires_grad=

Values are built on the host with NumPy and copied to `device` once.

    >>> import minigrad as mg
    >>> mg.zeros(2, 3).shape, mg.tensor([1.5]).dtype, mg.arange(3)
    (minigrad.Size([2, 3]), minigrad.float32, tensor([0, 1, 2]))
"""

from .data import as_tensor, from_numpy, is_tensor, tensor
from .filled import empty, empty_like, eye, full, full_like, ones, ones_like, zeros, zeros_like
from .options import get_default_device, set_default_device
from .ranges import arange, linspace, logspace
from .sampling import normal, rand, rand_like, randint, randint_like, randn, randn_like, randperm

__all__ = ["arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
           "get_default_device", "is_tensor", "linspace", "logspace", "normal", "ones", "ones_like", "rand",
           "rand_like", "randint", "randint_like", "randn", "randn_like", "randperm", "set_default_device",
           "tensor", "zeros", "zeros_like"]

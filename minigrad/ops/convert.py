"""Changing a tensor's dtype or device; both pass the gradient back converted the other way.

    cast       y = x.astype(dtype)     dx = g.astype(x.dtype)
    to_device  y = copy of x on device dx = copy of g on x's device
"""

from ..autograd.function import Function
from ..backend import resolve
from .out import expect_tensor


class Cast(Function):
    node = "ToCopyBackward0"  # PyTorch's .to(dtype)
    saved_inputs = {}

    def forward(self, x, dtype=None):
        self.dtype = x.dtype
        return x.astype(dtype)  # always a copy, so Cast to the same dtype is clone()

    def backward(self, g):
        return (g.astype(self.dtype),)


class Clone(Cast):
    """x.clone(): a cast to the same dtype, which copies."""


class ToDevice(Function):
    node = "ToCopyBackward0"
    saved_inputs = {}

    def forward(self, x, device=None):
        self.source = self.device
        self.device = resolve(device)
        return self.device.backend.to_device(self.source.backend.to_host(x))

    def backward(self, g):
        return (self.source.backend.to_device(self.device.backend.to_host(g)),)


def to_device(x, device):
    """x on `device`, as a differentiable copy (the same tensor if it is already there)."""
    device = resolve(device)
    if device is x.device:
        return x
    return ToDevice.apply(x, device=device)


def clone(input, *, memory_format=None):
    """A copy of input with its own storage, differentiable (torch.clone)."""
    return expect_tensor("clone", input).clone(memory_format=memory_format)


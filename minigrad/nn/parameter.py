"""`Parameter`: a Tensor that requires grad and registers itself on the Module it is assigned to."""

from ..factories import empty
from ..tensor import Tensor


class Parameter(Tensor):
    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        data = empty(0) if data is None else data
        self.data, self.device = data.data, data.device  # shares storage with `data`, like PyTorch
        self.grad, self.grad_fn, self.requires_grad = None, None, False
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

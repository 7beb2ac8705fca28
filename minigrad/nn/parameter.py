"""`Parameter`: a Tensor that requires grad and registers itself on the Module it is assigned to."""

from ..factories import empty
from ..tensor import Tensor


class Parameter(Tensor):
    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        data = empty(0) if data is None else data
        super().__init__(data._data, requires_grad, data.device)  # shares storage with `data`, like PyTorch
        self._written = data._write_record()

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

"""What is left of a after dividing by b: remainder rounds the quotient down (`%`, the sign of b, as
Python's %), fmod toward zero (the sign of a, as C's fmod). Operands and dtypes as for `//` and
div(rounding_mode="trunc") (arith.py): integers stay integers and an integer divisor of 0 raises.

    remainder  z = a - floor(a/b) b    dz/da = 1    dz/db = -floor(a/b)
    fmod       z = a - trunc(a/b) b    dz/da = 1    dz/db = -trunc(a/b)
"""

from ..autograd.function import Function
from ..tensor import Tensor
from .arith import ZERO_DIVISOR, _shape, divisible, sum_to
from .out import expect_tensor, into


class Remainder(Function):
    """a - floor(a / b) b, with the sign of b (torch.remainder, Python's %); PyTorch names the node
    RemainderBackward0 for tensor % number, RemainderBackward1 for tensor % tensor (RemainderTensor)."""

    saved_inputs = {1: (0, 1)}  # db = -g q, with the quotient q recomputed from a and b

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.xp.remainder(a, b)

    def quotient(self):
        return self.xp.floor_divide(self.a, self.b)  # the quotient np.remainder pairs with: a = q b + z

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g, _shape(self.a)) if da else None,
                sum_to(-g * self.quotient(), _shape(self.b)) if db else None)


class RemainderTensor(Remainder):
    node = "RemainderBackward1"


class Fmod(Remainder):
    """a - trunc(a / b) b, with the sign of a (torch.fmod, C's fmod); FmodBackward0 / 1 as above."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.xp.fmod(a, b)

    def quotient(self):
        return self.xp.trunc(self.a / self.b)


class FmodTensor(Fmod):
    node = "FmodBackward1"


def _remainder_of(a, b, op, of_number, of_tensor):
    """a op b for remainder and fmod; the node is the tensor-tensor one unless b is a Python number."""
    a, b = divisible(a, b, op, ZERO_DIVISOR[op])
    return (of_tensor if isinstance(b, Tensor) else of_number).apply(a, b)


def remainder_of(a, b):
    """a - floor(a / b) b, the sign of b: `%` and torch.remainder (b, or a, may be a Python number)."""
    return _remainder_of(a, b, "remainder", Remainder, RemainderTensor)


def fmod_of(a, b):
    """a - trunc(a / b) b, the sign of a: torch.fmod (b may be a Python number)."""
    return _remainder_of(a, b, "fmod", Fmod, FmodTensor)


# ---------------------------------------------------------------- functional forms (torch.remainder, torch.fmod)
def remainder(input, other, *, out=None):
    """input - floor(input / other) other, with the sign of other, like `%` (torch.remainder)."""
    return into(out, remainder_of(input, other), "remainder")


def fmod(input, other, *, out=None):
    """input - trunc(input / other) other, with the sign of input, as C's fmod (torch.fmod)."""
    return into(out, fmod_of(expect_tensor("fmod", input), other), "fmod")

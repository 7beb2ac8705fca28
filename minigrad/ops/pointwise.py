"""Elementwise ops of three tensors (broadcast together), as optimizers and interpolation use them:

    lerp(a, b, w)          y = a + w (b - a)      da = g (1 - w)    db = g w          dw = g (b - a)
    addcmul(x, t1, t2, v)  y = x + v t1 t2        dx = g            dt1 = g v t2      dt2 = g v t1
    addcdiv(x, t1, t2, v)  y = x + v t1 / t2      dx = g            dt1 = g v / t2    dt2 = -g v t1 / t2^2

Each gradient is summed back to its input's shape (`sum_to`); `w` and `v` may be Python numbers.

    >>> import minigrad as mg
    >>> a, b = mg.tensor([0.0, 10.0]), mg.tensor([10.0, 20.0])
    >>> mg.lerp(a, b, 0.25), mg.addcmul(a, a, b, value=0.5), a.addcdiv(b, b, value=2)
    (tensor([ 2.5000, 12.5000]), tensor([  0., 110.]), tensor([ 2., 12.]))
"""

from .. import dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .arith import promote, sum_to
from .out import expect_tensor, into


def _shape(x):
    return getattr(x, "shape", ())


class Lerp(Function):
    """lerp with a number weight (PyTorch's LerpBackward0)."""

    saved_inputs = {0: (2,), 1: (2,), 2: (0, 1)}  # the ends are read for dw only; w for da and db

    def forward(self, a, b, w):
        self.a, self.b, self.w = a, b, w
        d = b - a
        # PyTorch's two-sided form, exact at both ends: w = 0 gives a, w = 1 gives b
        if hasattr(w, "shape"):
            return self.xp.where(self.xp.abs(w) < 0.5, a + w * d, b - d * (1 - w))
        return a + w * d if abs(w) < 0.5 else b - d * (1 - w)

    def backward(self, g):
        a, b, w = self.a, self.b, self.w
        need_a, need_b, need_w = self.needs_input_grad
        return (sum_to(g * (1 - w), _shape(a)) if need_a else None,
                sum_to(g * w, _shape(b)) if need_b else None,
                sum_to(g * (b - a), _shape(w)) if need_w else None)


class LerpTensor(Lerp):
    node = "LerpBackward1"  # a tensor weight


class Addcmul(Function):
    saved_inputs = {0: (), 1: (2,), 2: (1,)}

    def forward(self, x, t1, t2, value=1):
        self.t1, self.t2, self.value, self.x_shape = t1, t2, value, x.shape
        return x + value * (t1 * t2)

    def backward(self, g):
        t1, t2, v = self.t1, self.t2, self.value
        need_x, need_1, need_2 = self.needs_input_grad
        return (sum_to(g, self.x_shape) if need_x else None,
                sum_to(g * (v * t2), t1.shape) if need_1 else None,
                sum_to(g * (v * t1), t2.shape) if need_2 else None)


class Addcdiv(Function):
    saved_inputs = {0: (), 1: (2,), 2: (1, 2)}

    def forward(self, x, t1, t2, value=1):
        self.t1, self.t2, self.value, self.x_shape = t1, t2, value, x.shape
        return x + value * (t1 / t2)

    def backward(self, g):
        t1, t2, v = self.t1, self.t2, self.value
        need_x, need_1, need_2 = self.needs_input_grad
        g_over_t2 = g * v / t2
        return (sum_to(g, self.x_shape) if need_x else None,
                sum_to(g_over_t2, t1.shape) if need_1 else None,
                sum_to(-g_over_t2 * t1 / t2, t2.shape) if need_2 else None)


def lerp(input, end, weight, *, out=None):
    """input + weight (end - input), elementwise and broadcast (torch.lerp); weight is a number or a
    tensor. Float tensors only."""
    tensors = [expect_tensor("lerp", input), expect_tensor("lerp", end, "end")]
    if isinstance(weight, Tensor):
        tensors.append(weight)
    a, b, *w = promote(tensors)
    dtypes.check_float("lerp", a)
    if w:
        return into(out, LerpTensor.apply(a, b, w[0]), "lerp")
    return into(out, Lerp.apply(a, b, weight), "lerp")


def _add_scaled(cls, op, input, tensor1, tensor2, value, out):
    x, t1, t2 = promote([expect_tensor(op, input), expect_tensor(op, tensor1, "tensor1"),
                         expect_tensor(op, tensor2, "tensor2")])
    if not isinstance(value, (int, float)) or (isinstance(value, float) and x.dtype.kind != "f"):
        raise TypeError(f"{op}(): value must be a number that {x.dtype} can hold, got {type(value).__name__} "
                        f"{value!r}")
    return into(out, cls.apply(x, t1, t2, value=value), op)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, elementwise and broadcast (torch.addcmul)."""
    return _add_scaled(Addcmul, "addcmul", input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2, elementwise and broadcast (torch.addcdiv); refuses integer
    tensor1 and tensor2, as PyTorch does."""
    if expect_tensor("addcdiv", tensor1, "tensor1").dtype.kind != "f" and \
            expect_tensor("addcdiv", tensor2, "tensor2").dtype.kind != "f":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
            "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
            "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
            "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    return _add_scaled(Addcdiv, "addcdiv", input, tensor1, tensor2, value, out)

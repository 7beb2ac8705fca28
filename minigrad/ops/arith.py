"""Elementwise arithmetic with NumPy broadcasting: the operators + - * / // ** and unary -, and
their functional forms (`minigrad.add(a, b, alpha=2, out=c)`, ...).

For z = f(a, b) broadcast to z's shape, each input's gradient is the elementwise derivative times g,
summed back over the broadcast dimensions (`sum_to`):

    add  dz/da = 1             dz/db = 1
    sub  dz/da = 1             dz/db = -1
    mul  dz/da = b             dz/db = a
    div  dz/da = 1/b           dz/db = -a/b^2
    pow  dz/da = b a^(b-1)     dz/db = z log(a)     (0 where b == 0, resp. where a == 0 and b >= 0)
    div with rounding_mode (floor or trunc of a/b) is a step function: both gradients are 0.
    (% and fmod, which divide like // and div(rounding_mode="trunc"), are in remainder.py)
"""

from .. import dtypes
from ..autograd.function import Function
from ..backend.checks import Check
from ..tensor import Tensor
from .out import expect_tensor, into


def sum_to(g, shape):
    """Sum g (broadcast result) down to `shape`: over leading dims and over dims that were size 1."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1
    )
    return g.sum(axis=axes, keepdims=True).reshape(shape)


def _shape(x):
    return getattr(x, "shape", ())  # Python numbers are 0-d


def true_div_operands(a, b):
    """PyTorch's `/` is true division: integer operands are computed in the default float dtype."""
    if a.dtype.kind == "f" or getattr(b, "dtype", None) is not None and b.dtype.kind == "f":
        return a, b
    to = dtypes.default_float  # float32 unless set_default_dtype changed it
    return a.to(to), (b.to(to) if hasattr(b, "dtype") else b)


def operands(a, b, op):
    """(a, b) in the dtypes PyTorch computes `a op b` in (Tensor._operand), whichever side is the Tensor."""
    if isinstance(a, Tensor):
        return a._operand(b, op)
    if isinstance(b, Tensor):
        b, a = b._operand(a, op)
        return a, b
    raise TypeError(f"{op}(): expected a Tensor argument, got {type(a).__name__} and {type(b).__name__}")


def promote(tensors):
    """The tensors cast (differentiably) to the one dtype PyTorch computes them in together, for ops
    of many inputs (cat, clamp with tensor bounds); casting first keeps NumPy from widening further."""
    dtype, ndim = tensors[0].dtype, tensors[0].ndim
    if all(t.dtype == dtype for t in tensors):
        return tensors
    for t in tensors[1:]:
        dtype, ndim = dtypes.torch_result_type(dtype, ndim, t.dtype, t.ndim), max(ndim, t.ndim)
    return [t if t.dtype == dtype else t.to(dtype) for t in tensors]


class Add(Function):
    wraps_numbers = True  # PyTorch wraps a Python number into a tensor: next_functions lists it
    saved_inputs = {}

    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a + b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g, self.shapes[0]) if da else None, sum_to(g, self.shapes[1]) if db else None)


class Sub(Function):
    wraps_numbers = True  # PyTorch wraps a Python number into a tensor: next_functions lists it
    saved_inputs = {}

    def forward(self, a, b):
        self.shapes = _shape(a), _shape(b)
        return a - b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g, self.shapes[0]) if da else None, sum_to(-g, self.shapes[1]) if db else None)


class Rsub(Sub):
    """number - tensor: PyTorch records it as its own node, of the tensor alone."""

    node = "RsubBackward1"
    wraps_numbers = False


class Mul(Function):
    wraps_numbers = True  # PyTorch wraps a Python number into a tensor: next_functions lists it
    saved_inputs = {0: (1,), 1: (0,)}  # db = g a, da = g b

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(g * self.b, _shape(self.a)) if da else None,
                sum_to(g * self.a, _shape(self.b)) if db else None)


class Div(Function):
    wraps_numbers = True  # PyTorch wraps a Python number into a tensor: next_functions lists it
    saved_inputs = {0: (1,), 1: (0, 1)}  # da = g / b, db = -g a / b^2

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        da, db = self.needs_input_grad
        ga = g / self.b
        return (sum_to(ga, _shape(self.a)) if da else None,
                sum_to(-ga * self.a / self.b, _shape(self.b)) if db else None)


class DivRounded(Function):
    """floor(a / b) or trunc(a / b): piecewise constant, so both gradients are zero (as in PyTorch)."""

    node = "DivBackward2"
    saved_inputs = {}

    def forward(self, a, b, rounding_mode="trunc"):
        xp = self.xp
        self.shapes = _shape(a), _shape(b)
        if rounding_mode == "floor":
            return xp.floor_divide(a, b)  # Python's //, for floats too
        if getattr(a, "dtype", getattr(b, "dtype", None)).kind == "f":
            return xp.trunc(a / b)
        q = xp.floor_divide(a, b)  # integers: C's a / b is the floor, plus one where q < 0 is inexact
        return q + ((q < 0) & (q * b != a))

    def backward(self, g):
        return tuple(self.xp.zeros(s, dtype=g.dtype) if n else None for s, n in zip(self.shapes, self.needs_input_grad))


class Pow(Function):
    """a ** b; PyTorch names the node by overload: PowBackward0 for tensor ** number, 1 for
    tensor ** tensor (PowTensor), 2 for number ** tensor (RPow)."""

    saved_inputs = {0: (0, 1), 1: (0,)}  # da = g b a^(b-1)
    saves_output = (1,)  # db = g y log(a)

    def forward(self, a, b):
        self.a, self.b, self.y = a, b, a**b
        return self.y

    def backward(self, g):
        xp, a, b = self.xp, self.a, self.b
        if not hasattr(a, "shape"):  # a Python-number base, as an array of g's dtype so log(a) stays in it
            a = xp.asarray(a, dtype=g.dtype)
        da = db = None
        if self.needs_input_grad[0]:  # b = 0 gives 0 (not 0 * 0^-1): the exponent is swapped for a harmless 1
            if hasattr(b, "shape"):
                da = sum_to(g * b * a ** xp.where(b == 0, 1, b - 1), a.shape)
            else:  # a Python-number exponent
                da = g * (b * a ** (b - 1)) if b != 0 else xp.zeros_like(g)
        if self.needs_input_grad[1]:  # PyTorch's 0 where a = 0 and b >= 0, where y log(a) would be 0 * -inf
            zero = (a == 0) & (b >= 0)
            db = sum_to(g * xp.where(zero, 0, self.y * xp.log(xp.where(zero, 1, a))), b.shape)
        return da, db


class PowTensor(Pow):
    node = "PowBackward1"


class RPow(Pow):
    node = "PowBackward2"


class Neg(Function):
    saved_inputs = {}

    def forward(self, a):
        return -a

    def backward(self, g):
        return (-g,)


ZERO_DIVISOR = {key: Check(RuntimeError, f"ZeroDivisionError: integer division by zero ({what}); "
                                         "divide floats, or mask out the zero divisors first")
                for key, what in [("trunc", "rounding_mode='trunc'"), ("floor", "rounding_mode='floor'"),
                                  ("remainder", "remainder"), ("fmod", "fmod")]}


def divisible(a, b, op, zero_divisor):
    """(a, b) in their promoted dtype for an integer-preserving division `op`. Integer divisors must
    not be 0: a tensor's are checked where they are (on a GPU, without a sync)."""
    a, b = operands(a, b, op)
    if (a if isinstance(a, Tensor) else b).dtype.kind in "iub":
        if not isinstance(b, Tensor):
            if b == 0:
                raise zero_divisor.exception(0)
        else:
            b.device.backend.check_range(b._data, 0, 1, zero_divisor, inside=False)
    return a, b


def div_rounded(a, b, rounding_mode):
    """a / b rounded toward zero ("trunc") or down ("floor"), in a and b's promoted dtype (not float)."""
    a, b = divisible(a, b, "div", ZERO_DIVISOR[rounding_mode])
    return DivRounded.apply(a, b, rounding_mode=rounding_mode)


# ---------------------------------------------------------------- functional forms (torch.add, ...)
def _scaled(other, alpha, input):
    """alpha * other for add/sub; PyTorch refuses a float alpha with integer tensors."""
    if alpha == 1:
        return other
    ints = any(isinstance(t, Tensor) and t.dtype.kind in "iub" for t in (input, other))
    if ints and isinstance(alpha, float):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return other * alpha


def _tensor_result(z, op, a, b):
    if not isinstance(z, Tensor):  # two Python numbers
        raise TypeError(f"{op}(): expected a Tensor argument, got {type(a).__name__} and {type(b).__name__}")
    return z


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, broadcast (torch.add)."""
    return into(out, _tensor_result(input + _scaled(other, alpha, input), "add", input, other), "add")


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other, broadcast (torch.sub)."""
    return into(out, _tensor_result(input - _scaled(other, alpha, input), "sub", input, other), "sub")


def mul(input, other, *, out=None):
    """input * other, broadcast (torch.mul)."""
    return into(out, _tensor_result(input * other, "mul", input, other), "mul")


def div(input, other, *, rounding_mode=None, out=None):
    """input / other: true division (integers give floats), or with rounding_mode "trunc" / "floor"
    rounded in the inputs' dtype (torch.div)."""
    if rounding_mode is None:
        return into(out, _tensor_result(input / other, "div", input, other), "div")
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"{rounding_mode!r}")
    return into(out, div_rounded(input, other, rounding_mode), "div")


def floor_divide(input, other, *, out=None):
    """floor(input / other) in the inputs' dtype, like `//` (torch.floor_divide)."""
    return into(out, div_rounded(input, other, "floor"), "floor_divide")


def pow(input, exponent, *, out=None):
    """input ** exponent, broadcast; either may be a Python number (torch.pow)."""
    return into(out, _tensor_result(input**exponent, "pow", input, exponent), "pow")


def neg(input, *, out=None):
    """-input (torch.neg)."""
    return into(out, Neg.apply(expect_tensor("neg", input)), "neg")


true_divide = divide = div
subtract = sub
multiply = mul
negative = neg

"""Matrix products. The GEMMs go to BLAS (NumPy/OpenBLAS on CPU, cuBLAS through CuPy on GPU); the
bias add and its gradient are the backend's kernels (kernels/ on GPU).

    matmul   z = a @ b            da = g @ b^T          db = a^T @ g    (batch dims summed back)
    linear   y = x W^T + b        dx = g W              dW = g^T x      db = sum_rows(g)
    linear_relu  y = max(x W^T + b, 0): the same, with g masked by [y > 0] in the bias-grad pass


mm, bmm, mv and dot are matmul with PyTorch's shape checks (and node names); outer(a, b) is
a[:, None] * b. `linear` works on any leading dims by viewing x as (rows, in_features): one GEMM,
one bias pass. einsum is in einsum.py, norms in norm.py, cross in cross.py, det/inv/solve in
solve.py, the SVD, QR and eigh in decomposition.py.
"""

import math

from .. import amp, dtypes
from ..autograd.function import Function
from .arith import sum_to
from .out import expect_tensor, into


def _rows(a):
    """a (*, n) viewed as (rows, n); rows is spelled out: -1 cannot be inferred when n is 0."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class MatMul(Function):
    node = "UnsafeViewBackward0"  # PyTorch's batched matmul ends in a view of its bmm
    saved_inputs = {0: (1,), 1: (0,)}  # db = a^T g, da = g b^T

    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, g):
        a, b = self.a, self.b
        # 1-D operands act as a row (a) or a column (b) matrix; g gets the dimension they lost back
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g[..., None] if b.ndim == 1 else g
        g2 = g2[..., None, :] if a.ndim == 1 else g2
        da = db = None
        if self.needs_input_grad[0]:
            da = sum_to(g2 @ b2.swapaxes(-1, -2), a2.shape).reshape(a.shape)
        if self.needs_input_grad[1]:
            db = sum_to(a2.swapaxes(-1, -2) @ g2, b2.shape).reshape(b.shape)
        return da, db


class Mm(MatMul):
    pass


class Mv(MatMul):
    pass


class Dot(MatMul):
    pass


class VecMat(MatMul):
    node = "SqueezeBackward4"  # PyTorch: (1, k) @ (k, m), then squeezed


class Bmm(MatMul):
    pass


class Linear(Function):
    node = "AddmmBackward0"  # x W^T + b is one addmm in PyTorch
    saved_inputs = {0: (1,), 1: (0,)}  # dW = g^T x, dx = g W; b is never read

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        y = _rows(x) @ w.T  # (rows, out); BLAS reads W^T in place, no copy
        if b is not None:
            self.add_bias(y, b)
        return y.reshape(*x.shape[:-1], w.shape[0])

    def add_bias(self, y, b):
        self.device.backend.bias_add(y, b)

    def bias_grad(self, g):
        """(gradient reaching the GEMM, db) for g of shape (rows, out)."""
        return g, self.device.backend.bias_grad(g) if self.needs_input_grad[2] else None

    def backward(self, g):
        g, db = self.bias_grad(_rows(g))
        dx = dw = None
        if self.needs_input_grad[0]:
            dx = (g @ self.w).reshape(self.x.shape)
        if self.needs_input_grad[1]:
            dw = g.T @ _rows(self.x)
        return dx, dw, db


class LinearNoBias(Linear):
    node = "MmBackward0"


class LinearReLU(Linear):
    """linear then relu in one op: the bias kernel also applies the ReLU, in place on the GEMM output."""

    node = "ReluBackward0"  # the last op of relu(linear(x)), as PyTorch prints it

    saves_output = (0, 1, 2)  # the ReLU mask y > 0 gates every gradient

    def add_bias(self, y, b):
        self.device.backend.bias_add_relu(y, b)
        self.y = y  # (rows, out): y > 0 is the ReLU mask

    def bias_grad(self, g):
        return self.device.backend.relu_bias_grad(g, self.y)


def _check_float(op, *tensors):
    for t in tensors:
        dtypes.check_float(op, t)
    if tensors[0].dtype != tensors[1].dtype:
        raise TypeError(
            f"{op}: expected both operands to have the same dtype, but got {tensors[0].dtype} "
            f"(shape {tuple(tensors[0].shape)}) and {tensors[1].dtype} (shape {tuple(tensors[1].shape)}); "
            f"convert one, e.g. `.to({tensors[1].dtype})`"
        )


_BY_NDIM = {(2, 2): Mm, (2, 1): Mv, (1, 1): Dot, (1, 2): VecMat}  # the rest: batched MatMul


def matmul(input, other, *, out=None):
    """input @ other: dot, matrix-vector, matrix or batched (broadcast) product by the operands' dims
    (torch.matmul)."""
    a, b = expect_tensor("matmul", input), expect_tensor("matmul", other, "other")
    if amp.state.device_type is not None:
        a, b = amp.cast(a, b)
    _check_float("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes {tuple(a.shape)} and "
                           f"{tuple(b.shape)}")
    k = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != k:
        raise RuntimeError(
            f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied: the first has "
            f"{a.shape[-1]} columns (last dim) but the second has {k} rows"
        )
    for i, (m, n) in enumerate(zip(a.shape[-3::-1], b.shape[-3::-1])):  # batch dims, from the right
        if m != n and m != 1 and n != 1:
            raise RuntimeError(f"The size of tensor a ({m}) must match the size of tensor b ({n}) at non-singleton "
                               f"dimension {max(a.ndim, b.ndim) - 3 - i} (matmul of {tuple(a.shape)} and "
                               f"{tuple(b.shape)})")
    return into(out, _BY_NDIM.get((a.ndim, b.ndim), MatMul).apply(a, b), "matmul")


def _strict(op, a, b, ndims, names):
    """The operands of the strict forms of matmul (mm, bmm, mv, dot): exactly these dims, PyTorch's messages."""
    for t, n, name in zip((a, b), ndims, names):
        if expect_tensor(op, t, name).ndim != n:
            what = {1: "a vector", 2: "a matrix", 3: "a 3D tensor"}[n]
            raise RuntimeError(f"{op}: {name} must be {what}, got shape {tuple(t.shape)}")
    if amp.state.device_type is not None:
        a, b = amp.cast(a, b)
    _check_float(op, a, b)
    return a, b


def mm(input, mat2, *, out=None):
    """The matrix product of (n, k) and (k, m) matrices (torch.mm)."""
    a, b = _strict("mm", input, mat2, (2, 2), ("self", "mat2"))
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                           f"{b.shape[0]}x{b.shape[1]})")
    return into(out, Mm.apply(a, b), "mm")


def bmm(input, mat2, *, out=None):
    """Matrix products of two batches, (b, n, k) @ (b, k, m), without broadcasting (torch.bmm)."""
    a, b = _strict("bmm", input, mat2, (3, 3), ("batch1", "batch2"))
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    return into(out, Bmm.apply(a, b), "bmm")


def mv(input, vec, *, out=None):
    """The matrix-vector product (n, k) @ (k,) (torch.mv)."""
    a, b = _strict("mv", input, vec, (2, 1), ("self", "vec"))
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}x{a.shape[1]}) and vec ({b.shape[0]})")
    return into(out, Mv.apply(a, b), "mv")


def dot(input, tensor, *, out=None):
    """The inner product of two vectors of one size (torch.dot)."""
    a, b = _strict("dot", input, tensor, (1, 1), ("self", "tensor"))
    if a.shape != b.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                           f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                           "respectively")
    return into(out, Dot.apply(a, b), "dot")


def outer(input, vec2, *, out=None):
    """The outer product y[i, j] = input[i] * vec2[j] of two vectors (torch.outer)."""
    for t, name in ((input, "self"), (vec2, "vec2")):
        if expect_tensor("outer", t).ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return into(out, input.reshape(-1, 1) * vec2, "outer")


ger = outer


def _apply_linear(op, input, weight, bias):
    """op.apply(input, weight, bias) after autocast and the shape/dtype checks."""
    if amp.state.device_type is not None:  # autocast on: the GEMM may run in a lower precision
        input, weight, bias = amp.cast(input, weight, bias)
    x, w, b = input._data, weight._data, None if bias is None else bias._data
    if not (x.dtype.kind == "f" and x.dtype == w.dtype and w.ndim == 2 and x.ndim and x.shape[-1] == w.shape[1]
            and (b is None or b.shape == w.shape[:1] and b.dtype == w.dtype)):
        _linear_error(input, weight, bias)  # the common case is checked in the one expression above
    return op.apply(input, weight, bias)


def _linear_error(input, weight, bias):
    _check_float("linear", input, weight)
    if weight.ndim != 2 or input.ndim == 0:
        raise RuntimeError(f"linear: expected a 2-D weight and an input of >= 1 dim, got weight "
                           f"{tuple(weight.shape)} and input {tuple(input.shape)}")
    if input.shape[-1] != weight.shape[1]:
        rows = input._data.size // input.shape[-1] if input.shape[-1] else 0
        raise RuntimeError(
            f"linear: mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]}): input has {input.shape[-1]} features in its last "
            f"dimension (shape {tuple(input.shape)}) but weight expects {weight.shape[1]} (weight shape "
            f"{tuple(weight.shape)}); make the input's last dimension equal in_features"
        )
    raise RuntimeError(
        f"linear: bias must have shape ({weight.shape[0]},) and dtype {weight.dtype} to match "
        f"weight {tuple(weight.shape)}, got shape {tuple(bias.shape)} and dtype {bias.dtype}"
    )


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias over any leading dims of input (*, in) -> (*, out)."""
    return _apply_linear(Linear if bias is not None else LinearNoBias, input, weight, bias)


def linear_relu(input, weight, bias):
    """relu(linear(input, weight, bias)) in one op: the bias kernel applies the ReLU too."""
    return _apply_linear(LinearReLU, input, weight, bias)

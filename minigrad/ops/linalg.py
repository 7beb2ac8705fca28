"""Matrix products. The GEMMs go to BLAS (NumPy/OpenBLAS on CPU, cuBLAS through CuPy on GPU); the
bias add and its gradient are the backend's kernels (kernels/ on GPU).

    matmul   z = a @ b            da = g @ b^T          db = a^T @ g    (batch dims summed back)
    linear   y = x W^T + b        dx = g W              dW = g^T x      db = sum_rows(g)
    linear_relu  y = max(x W^T + b, 0): the same, with g masked by [y > 0] in the bias-grad pass

`linear` works on any leading dims by viewing x as (rows, in_features): one GEMM, one bias pass.
"""

import math

from .. import amp, dtypes
from ..autograd.function import Function
from .arith import sum_to


class MatMul(Function):
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


class Linear(Function):
    saved_inputs = {0: (1,), 1: (0,)}  # dW = g^T x, dx = g W; b is never read

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        # (rows, in): rows spelled out, since reshape(-1, 0) is ambiguous when in_features is 0
        self.rows = math.prod(x.shape[:-1])
        y = x.reshape(self.rows, x.shape[-1]) @ w.T  # (rows, out); BLAS reads W^T in place, no copy
        if b is not None and y.size:  # an empty output (out_features 0, or no rows) has nothing to add to
            self.add_bias(y, b)
        return y.reshape(*x.shape[:-1], w.shape[0])

    def add_bias(self, y, b):
        self.device.backend.bias_add(y, b)

    def bias_grad(self, g):
        """(gradient reaching the GEMM, db) for g of shape (rows, out)."""
        return g, self.device.backend.bias_grad(g) if self.needs_input_grad[2] else None

    def backward(self, g):
        g = g.reshape(self.rows, g.shape[-1])
        if g.size:
            g, db = self.bias_grad(g)
        else:  # nothing flowed through an empty output: the bias gets zeros, without a kernel launch
            db = self.xp.zeros(g.shape[1], dtype=g.dtype) if self.needs_input_grad[2] else None
        dx = dw = None
        if self.needs_input_grad[0]:
            dx = (g @ self.w).reshape(self.x.shape)
        if self.needs_input_grad[1]:
            dw = g.T @ self.x.reshape(self.rows, self.x.shape[-1])
        return dx, dw, db


class LinearReLU(Linear):
    """linear then relu in one op: the bias kernel also applies the ReLU, in place on the GEMM output."""

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
            f"(shape {tensors[0].shape}) and {tensors[1].dtype} (shape {tensors[1].shape}); "
            f"convert one, e.g. `.to(minigrad.{tensors[1].dtype})`"
        )


def matmul(a, b):
    if amp.state.device_type is not None:
        a, b = amp.cast(a, b)
    _check_float("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes {a.shape} and {b.shape}")
    k = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != k:
        raise RuntimeError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied: the first has "
            f"{a.shape[-1]} columns (last dim) but the second has {k} rows"
        )
    return MatMul.apply(a, b)


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
                           f"{weight.shape} and input {input.shape}")
    if input.shape[-1] != weight.shape[1]:
        rows = input._data.size // input.shape[-1] if input.shape[-1] else 0
        raise RuntimeError(
            f"linear: mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]}): input has {input.shape[-1]} features in its last "
            f"dimension (shape {input.shape}) but weight expects {weight.shape[1]} (weight shape "
            f"{weight.shape}); make the input's last dimension equal in_features"
        )
    raise RuntimeError(
        f"linear: bias must have shape ({weight.shape[0]},) and dtype {weight.dtype} to match "
        f"weight {weight.shape}, got shape {bias.shape} and dtype {bias.dtype}"
    )


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias over any leading dims of input (*, in) -> (*, out)."""
    return _apply_linear(Linear, input, weight, bias)


def linear_relu(input, weight, bias):
    """relu(linear(input, weight, bias)) in one op: the bias kernel applies the ReLU too."""
    return _apply_linear(LinearReLU, input, weight, bias)

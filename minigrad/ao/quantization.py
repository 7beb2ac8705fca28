"""Dynamic int8 quantization of Linear layers, as torch.ao.quantization.quantize_dynamic.

Each weight row j is stored as int8 with one float scale (symmetric, per output channel):

    scale_j = max_k |W[j, k]| / 127,   Q[j, k] = round(W[j, k] / scale_j) in [-127, 127]
    y = x (scale * Q)^T + b

The weights take a quarter of the memory. NumPy has no int8 GEMM, so forward dequantizes the
weight and runs the float32 GEMM: smaller checkpoints and models, not faster CPU inference.

    >>> import minigrad as mg, minigrad.ao.quantization as quant
    >>> qmodel = quant.quantize_dynamic(mg.nn.Sequential(mg.nn.Linear(8, 4)), {mg.nn.Linear}, dtype=mg.qint8)
"""

import copy

import numpy as np

from .. import dtypes
from ..factories import tensor
from ..nn.linear import Linear
from ..nn.module import Module
from ..ops.linalg import linear

qint8 = dtypes.qint8


class DynamicQuantizedLinear(Module):
    def __init__(self, layer):
        super().__init__()
        self.in_features, self.out_features = layer.in_features, layer.out_features
        w = layer.weight.device.backend.to_host(layer.weight._data).astype(np.float32)
        scale = np.abs(w).max(axis=1, keepdims=True) / 127
        scale[scale == 0] = 1  # an all-zero row: any scale represents it exactly
        device = layer.weight.device
        self.register_buffer("weight_int8", tensor(np.round(w / scale).astype(np.int8), device=device))
        self.register_buffer("scale", tensor(scale, device=device))
        self.register_buffer("bias", None if layer.bias is None else layer.bias.detach().float())

    def weight(self):
        """The dequantized float32 weight, scale * Q."""
        return self.weight_int8.float() * self.scale

    def forward(self, x):
        return linear(x, self.weight(), self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, dtype=qint8"


def quantize_dynamic(model, qconfig_spec=None, dtype=qint8, inplace=False):
    """A copy of model (or model itself, inplace=True) whose Linear layers hold int8 weights."""
    if np.dtype(dtype) != qint8:
        raise NotImplementedError(f"quantize_dynamic supports dtype=minigrad.qint8 only, got {dtype}")
    kinds = tuple(qconfig_spec or {Linear})
    model = model if inplace else copy.deepcopy(model)
    for m in list(model.modules()):
        for name, child in list(m._modules.items()):
            if isinstance(child, kinds) and isinstance(child, Linear):
                m._modules[name] = DynamicQuantizedLinear(child)
    return model

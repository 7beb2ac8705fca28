"""`Linear` (y = x W^T + b) and `Identity`.

    >>> import minigrad as mg
    >>> from minigrad import nn
    >>> layer = nn.Linear(in_features=3, out_features=1)
    >>> layer.weight.shape, layer.bias.shape
    (minigrad.Size([1, 3]), minigrad.Size([1]))
"""

import math

import numpy as np

from ..factories import empty
from ..ops.linalg import linear
from . import init
from .module import Module
from .parameter import Parameter


class Identity(Module):
    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x W^T + b for x of shape (*, in_features) -> (*, out_features).

    weight: (out_features, in_features), bias: (out_features,), both initialised like PyTorch:
    U(-1/sqrt(in_features), 1/sqrt(in_features)) (kaiming_uniform_ with a = sqrt(5) for the weight).
    Backward: dx = g W, dW = g^T x, db = sum of g over all leading dims.
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"Linear parameters must be floating point, got dtype={dtype}")
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(empty(out_features, in_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

"""`LayerNorm` and `BatchNorm1d`: standardise activations, then a learned per-feature scale and shift
(ops/normalization.py has the math).

    LayerNorm(d)     each sample over its last dims:            y = (x - mean) / sqrt(var + eps) * weight + bias
    BatchNorm1d(C)   each channel over the batch (and length):  the same, with statistics per channel;
                     in eval() the running averages replace the batch's statistics

    >>> import minigrad as mg
    >>> from minigrad import nn
    >>> bn = nn.BatchNorm1d(3)
    >>> y = bn(mg.randn(8, 3))
    >>> bn.num_batches_tracked.item(), bn.running_mean.shape
    (1, minigrad.Size([3]))
"""

from .. import dtypes
from ..factories import ones, tensor, zeros
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class _Affine(Module):
    def _affine(self, weight, bias):
        """Register weight and bias as Parameters, or as absent (None)."""
        self.register_parameter("weight", None if weight is None else Parameter(weight))
        self.register_parameter("bias", None if bias is None else Parameter(bias))

    def _reset_affine(self):
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)


class LayerNorm(_Affine):
    """Normalises over the trailing dims `normalized_shape`; weight (ones) and bias (zeros) have that shape."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        self._affine(ones(shape, device=device, dtype=dtype) if elementwise_affine else None,
                     zeros(shape, device=device, dtype=dtype) if elementwise_affine and bias else None)

    def reset_parameters(self):
        self._reset_affine()

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class BatchNorm1d(_Affine):
    """Per-channel normalisation of (N, C) or (N, C, L) input.

    Training uses the batch's statistics (biased variance) and updates running_mean/running_var:
    running = (1 - momentum) running + momentum stat (the unbiased variance), or, with momentum=None,
    the cumulative average over the num_batches_tracked batches seen. eval() normalises with the running
    statistics. Without track_running_stats there are none: the batch's statistics are always used.
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self._affine(ones(num_features, device=device, dtype=dtype) if affine else None,
                     zeros(num_features, device=device, dtype=dtype) if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=dtypes.int64, device=device))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self):
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self):
        self.reset_running_stats()
        self._reset_affine()

    def forward(self, input):
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
        # buffers missing (track_running_stats=False): the batch's statistics, in eval() too
        use_batch = self.training or self.running_mean is None
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if tracked else None, self.running_var if tracked else None,
                            self.weight, self.bias, use_batch, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

"""Normalisation: layer_norm and batch_norm (one fused op serves both), and normalize (x / ||x||_p).

layer_norm and batch_norm standardise x over some axes and apply a per-feature affine map:

    mean, var = over `axes` (var biased: divided by n)
    xhat = (x - mean) / sqrt(var + eps),        y = xhat * weight + bias
    dweight = sum(g xhat),  dbias = sum(g)      (over every axis weight is broadcast along)
    dx = (gh - mean(gh) - xhat mean(gh xhat)) / sqrt(var + eps),   gh = g * weight

layer_norm's axes are the trailing `normalized_shape` dims; batch_norm's are all but the channel dim 1.
In evaluation batch_norm uses the running statistics instead: they are constants, so dx = gh / sqrt(var + eps).
Composed from elementwise ops this would be about ten Functions, each keeping its own intermediate
array alive for backward; fused, backward keeps xhat and 1/sqrt(var + eps) only.

    normalize   y = x / max(||x||_p, eps) along dim
                dx = g / d - [||x||_p >= eps] (sum(g x) / d^2) d||x||_p/dx,   d = max(||x||_p, eps)

d||x||/dx is x |x|^(p-2) / ||x||^(p-1) (p = inf: sign(x) shared among the entries of largest |x|), so
a zero vector, whose norm is below eps, has the finite gradient g / eps, as in PyTorch (a composition
through sqrt would give 0 * inf = nan there).
"""

import math

from .. import dtypes
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .arith import sum_to
from .reduce import normalize_dims


class Normalization(Function):
    """Standardise over `axes`, then scale and shift by weight/bias viewed as `shape` (see above)."""

    saved_inputs = {1: (0,)}  # weight is read for dx; x itself lives on as xhat

    def forward(self, x, weight=None, bias=None, axes=(), shape=(), eps=1e-5, mean=None, var=None, running=False):
        self.axes, self.shape, self.running, self.weight = axes, shape, running, weight
        self.param_shape = next((p.shape for p in (weight, bias) if p is not None), ())
        if mean is None:  # layer_norm: the statistics are computed here (batch_norm brings its own)
            mean, var = moments(x, axes)
        self.invstd = 1 / self.xp.sqrt(var + eps)
        self.xhat = (x - mean) * self.invstd
        y = self.xhat if weight is None else self.xhat * weight.reshape(shape)
        return y if bias is None else y + bias.reshape(shape)

    def backward(self, g):
        need_x, need_w, need_b = self.needs_input_grad
        xhat, w = self.xhat, self.weight
        dw = sum_to(g * xhat, self.shape).reshape(self.param_shape) if need_w else None
        db = sum_to(g, self.shape).reshape(self.param_shape) if need_b else None
        dx = None
        if need_x:
            gh = g if w is None else g * w.reshape(self.shape)
            if self.running:  # the statistics are constants
                dx = gh * self.invstd
            else:
                dx = gh - gh.mean(axis=self.axes, keepdims=True)
                dx -= xhat * (gh * xhat).mean(axis=self.axes, keepdims=True)
                dx *= self.invstd
        return dx, dw, db


def moments(x, axes):
    """(mean, biased variance) of array x over axes, keepdims."""
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    return mean, (d * d).mean(axis=axes, keepdims=True)


class LayerNorm(Normalization):
    node = "NativeLayerNormBackward0"  # PyTorch's node names


class BatchNorm(Normalization):
    node = "NativeBatchNormBackward0"


class LpNormalize(Function):
    """y = x / max(||x||_p, eps) along dim (see the module docstring for dx)."""

    def forward(self, x, p=2.0, dim=1, eps=1e-12):
        xp = self.xp
        self.x, self.p, self.dim, self.eps = x, p, dim, eps
        self.a = xp.abs(x)
        if p == math.inf:
            self.norm = self.a.max(axis=dim, keepdims=True)
        elif p == 2:
            self.norm = xp.sqrt((x * x).sum(axis=dim, keepdims=True))
        else:
            self.norm = (self.a**p).sum(axis=dim, keepdims=True) ** (1 / p)
        self.d = xp.maximum(self.norm, eps)
        return x / self.d

    def backward(self, g):
        xp, x, a, p, norm, d = self.xp, self.x, self.a, self.p, self.norm, self.d
        through = norm >= self.eps  # max(n, eps) passes the gradient on to n only where n >= eps
        safe = xp.where(through, norm, 1)  # no 0/0 where it does not
        if p == math.inf:  # the largest |x_i| share d||x||/dx evenly (PyTorch's amax rule)
            hit = a == norm
            dnorm = xp.sign(x) * hit / hit.sum(axis=self.dim, keepdims=True)
        elif p == 2:
            dnorm = x / safe
        else:
            dnorm = xp.sign(x) * xp.where(a == 0, 1, a) ** (p - 1) / safe ** (p - 1)  # sign(0) = 0: no 0^(p-1)
        scale = xp.where(through, (g * x).sum(axis=self.dim, keepdims=True) / (d * d), 0)
        return (g / d - scale * dnorm,)


def _check_params(op, input, **params):
    """weight/bias/running statistics: the input's dtype and device, or a clear error."""
    for name, t in params.items():
        if t is None:
            continue
        if t.device is not input.device:
            raise RuntimeError(f"{op}: input is on {input.device} but {name} is on {t.device}; move the module "
                               f"or the input with .to(device)")
        if t.dtype != input.dtype:
            raise TypeError(f"{op}: input is {input.dtype} but {name} is {t.dtype}; convert one, e.g. "
                            f"model.to({input.dtype}) or input.to({t.dtype})")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Standardise over the trailing dims `normalized_shape`, then y = xhat * weight + bias."""
    dtypes.check_float("layer_norm", input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or len(shape) > input.ndim or input.shape[input.ndim - len(shape):] != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and t.shape != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                               f"shape {list(t.shape)} and normalized_shape = {list(shape)}")
    _check_params("layer_norm", input, weight=weight, bias=bias)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return LayerNorm.apply(input, weight, bias, axes=axes, shape=shape, eps=eps)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Standardise each channel (dim 1) over the batch and any trailing dims, then y = xhat * weight + bias.

    training=True uses the batch's statistics and, where running_mean/running_var are given, updates
    them in place: running = (1 - momentum) running + momentum stat, with the unbiased variance
    (n / (n - 1)). training=False normalises with the running statistics.
    """
    dtypes.check_float("batch_norm", input)
    if input.ndim < 2:
        raise ValueError("batch_norm: expected an input of shape (N, C) or (N, C, L, ...), got shape "
                         f"{tuple(input.shape)}")
    channels = input.shape[1]
    stats = {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias}
    for name, t in stats.items():
        if t is not None and t.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {t.numel()}")
    _check_params("batch_norm", input, **stats)
    axes = (0, *range(2, input.ndim))
    shape = (channels,) + (1,) * (input.ndim - 2)  # weight, bias and statistics broadcast along dim 1
    if training:
        n = input.numel() // max(channels, 1)
        if n <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input size "
                             f"{tuple(input.shape)}")
        mean, var = moments(input._data, axes)
        if running_mean is not None:
            _update_running(running_mean, mean, momentum)
        if running_var is not None:
            _update_running(running_var, var * (n / (n - 1)), momentum)
        return BatchNorm.apply(input, weight, bias, axes=axes, shape=shape, eps=eps, mean=mean, var=var)
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when training=False "
                           "(or pass training=True to normalise with the batch's own statistics)")
    return BatchNorm.apply(input, weight, bias, axes=axes, shape=shape, eps=eps, running=True,
                               mean=running_mean._data.reshape(shape), var=running_var._data.reshape(shape))


def _update_running(running, stat, momentum):
    """running = (1 - momentum) running + momentum stat, in place (a buffer: never part of a graph)."""
    with no_grad():
        running.mul_(1 - momentum).add_(Tensor._make(stat.reshape(running.shape), running.device, False, None),
                                        alpha=momentum)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along dim (p = 2: unit vectors)."""
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported by minigrad; use the returned tensor")
    dtypes.check_float("normalize", input)
    axes = normalize_dims(dim, input.ndim)
    return LpNormalize.apply(input, p=float(p), dim=axes, eps=eps)

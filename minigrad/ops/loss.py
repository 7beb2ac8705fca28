"""Regression and binary losses, elementwise before the reduction (x: input, y: target, w: weight):

    mse_loss      (x - y)^2                              composed: dx = 2 (x - y) g
    l1_loss       |x - y|                                composed: dx = sign(x - y) g
    smooth_l1     0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta         d = x - y
    huber         0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta)      (= delta * smooth_l1(beta=delta))
                  dd = clip(d, -beta, beta) / beta,  and clip(d, -delta, delta) for huber
    binary_cross_entropy   -w (y log x + (1 - y) log(1 - x)), each log clamped to >= -100 (PyTorch's rule,
                  so x = 0 or 1 gives a finite loss); dx = w (x - y) / max(x (1 - x), 1e-12)
    binary_cross_entropy_with_logits   w ((1 - y) x + (1 + (pw - 1) y) softplus(-x)),  pw = pos_weight
                  softplus(-x) = log1p(exp(-|x|)) + max(-x, 0) never overflows
                  dx = w ((1 + (pw - 1) y) sigmoid(x) - pw y),   dy = w ((pw - 1) softplus(-x) - x)
    kl_div        y (log y - x)  (0 where y = 0), or exp(y) (y - x) with log_target; x holds log-probabilities

Then reduction 'mean' (over every element), 'sum' or 'none' (kl_div also 'batchmean': sum / batch size).
The clamped BCE, the stable logits form and the y = 0 case of kl_div need their own Functions; the
rest compose.
"""

import warnings

from .. import dtypes
from ..autograd.function import Function
from .activation import sigmoid_array

REDUCTIONS = ("mean", "sum", "none")


def reduction_of(size_average, reduce, reduction):
    """PyTorch's deprecated size_average/reduce flags, where given, decide the reduction (with its warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    legacy = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{legacy}' instead.",
                  stacklevel=3)
    return legacy


def check_reduction(reduction, allowed=REDUCTIONS):
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction: use one of "
                         + ", ".join(repr(r) for r in allowed))


def reduce_loss(losses, reduction):
    """Reduce elementwise losses (a Tensor) as `reduction` says."""
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def check_same_shape(op, input, target):
    """Elementwise losses compare element by element: unlike PyTorch (which broadcasts, with a warning),
    mismatched shapes are refused, since broadcasting them is almost always a bug."""
    if input.shape != target.shape:
        raise ValueError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ; "
                         "reshape one so they match (e.g. target.view(input.shape))")


def check_weights(op, input, **weights):
    """Loss weights are data, not parameters (no gradient), and broadcast to the input's shape."""
    for name, w in weights.items():
        if w is None:
            continue
        if w.requires_grad:
            raise RuntimeError(f"{op}: {name} requires grad, but the loss is not differentiable with respect to "
                               f"{name}; pass {name}.detach()")
        if len(w.shape) > input.ndim or any(m not in (1, n) for m, n in zip(w.shape[::-1], input.shape[::-1])):
            raise ValueError(f"{op}: {name} of shape {tuple(w.shape)} does not broadcast to the input's shape "
                             f"{tuple(input.shape)}")


class SmoothL1(Function):
    """smooth_l1 (huber=False) or huber (huber=True) of d = x - y, elementwise; see the module docstring.
    With q = min(|d|, beta), huber is q (|d| - q / 2): 0.5 d^2 below beta, beta (|d| - 0.5 beta) above,
    without np.where's slow random branches (activation.py says why)."""

    node = "SmoothL1LossBackward0"
    saved_inputs = {0: (0, 1), 1: (0, 1)}

    def forward(self, x, y, beta=1.0, huber=False):
        xp = self.xp
        self.d, self.beta, self.huber = x - y, beta, huber
        a = xp.abs(self.d)
        q = xp.minimum(a, beta)
        losses = q * (a - 0.5 * q)
        return losses if huber else losses / beta

    def backward(self, g):
        dd = self.xp.clip(self.d, -self.beta, self.beta)
        dd = g * (dd if self.huber else dd / self.beta)
        return (dd if self.needs_input_grad[0] else None, -dd if self.needs_input_grad[1] else None)


class Huber(SmoothL1):
    node = "HuberLossBackward0"


class BinaryCrossEntropy(Function):
    def forward(self, x, y, weight=None):
        xp = self.xp
        self.x, self.y, self.weight = x, y, weight
        # max(log(.), -100) without evaluating log(0) (-inf, and NumPy's warning) where x is 0 or 1
        self.log_x = xp.where(x > 0, xp.maximum(xp.log(xp.where(x > 0, x, 1)), -100), -100)
        self.log_1mx = xp.where(x < 1, xp.maximum(xp.log1p(-xp.where(x < 1, x, 0)), -100), -100)
        losses = -(y * self.log_x + (1 - y) * self.log_1mx)
        return losses if weight is None else losses * weight

    def backward(self, g):
        xp, x, w = self.xp, self.x, self.weight
        g = g if w is None else g * w
        dx = dy = None
        if self.needs_input_grad[0]:
            dx = g * (x - self.y) / xp.maximum(x * (1 - x), 1e-12)
        if self.needs_input_grad[1]:
            dy = g * (self.log_1mx - self.log_x)
        return dx, dy, None


class BinaryCrossEntropyWithLogits(Function):
    def forward(self, x, y, weight=None, pos_weight=None):
        xp = self.xp
        self.x, self.y, self.weight, self.pos_weight = x, y, weight, pos_weight
        self.softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)  # log(1 + exp(-x))
        scale = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        losses = (1 - y) * x + scale * self.softplus_neg
        return losses if weight is None else losses * weight

    def backward(self, g):
        x, y, pw = self.x, self.y, self.pos_weight
        g = g if self.weight is None else g * self.weight
        dx = dy = None
        if self.needs_input_grad[0]:
            s = sigmoid_array(self.xp, x)
            dx = g * (s - y if pw is None else (1 + (pw - 1) * y) * s - pw * y)
        if self.needs_input_grad[1]:
            dy = g * (-x if pw is None else (pw - 1) * self.softplus_neg - x)
        return dx, dy, None, None


class KLDiv(Function):
    def forward(self, x, y, log_target=False):
        xp = self.xp
        self.x, self.y, self.log_target = x, y, log_target
        if log_target:
            self.p = xp.exp(y)
            return self.p * (y - x)
        self.p = y
        self.log_y = xp.log(xp.where(y == 0, 1, y))  # y log y = 0 at y = 0 (xlogy)
        return y * (self.log_y - x)

    def backward(self, g):
        dx = dy = None
        if self.needs_input_grad[0]:
            dx = -g * self.p
        if self.needs_input_grad[1]:
            if self.log_target:
                dy = g * self.p * (self.y - self.x + 1)
            else:
                dy = g * (self.log_y + 1 - self.x)
        return dx, dy


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)^2, reduced; with weight, weighted and 'mean' divides by sum(weight)."""
    reduction = _check_elementwise("mse_loss", input, target, reduction_of(size_average, reduce, reduction))
    d = input - target
    return _weighted(d * d, reduction, weight, mean_by_weight=True)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, reduced; with weight, weighted and 'mean' divides by sum(weight)."""
    reduction = _check_elementwise("l1_loss", input, target, reduction_of(size_average, reduce, reduction))
    return _weighted((input - target).abs(), reduction, weight, mean_by_weight=True)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Quadratic for |input - target| < beta, linear beyond; beta = 0 is l1_loss."""
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}.")
    reduction = _check_elementwise("smooth_l1_loss", input, target, reduction_of(size_average, reduce, reduction))
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return reduce_loss(SmoothL1.apply(input, target, beta=beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Quadratic for |input - target| < delta, then linear with slope delta; with weight, 'mean' is
    the mean of the weighted losses (PyTorch's rule for huber_loss)."""
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got {delta}.")
    reduction = _check_elementwise("huber_loss", input, target, reduction)
    return _weighted(Huber.apply(input, target, beta=delta, huber=True), reduction, weight, mean_by_weight=False)


def _check_elementwise(op, input, target, reduction):
    check_reduction(reduction)
    dtypes.check_float(op, input)
    check_same_shape(op, input, target)
    return reduction


def _weighted(losses, reduction, weight, mean_by_weight):
    if weight is None:
        return reduce_loss(losses, reduction)
    if weight.shape != losses.shape:
        raise ValueError(f"Weights and input must have the same size: weight {tuple(weight.shape)}, input "
                         f"{tuple(losses.shape)}")
    losses = losses * weight
    if reduction == "mean" and mean_by_weight:
        return losses.sum() / weight.sum()
    return reduce_loss(losses, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-w (y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1] (e.g. after a sigmoid)."""
    reduction = reduction_of(size_average, reduce, reduction)
    check_reduction(reduction)
    dtypes.check_float("binary_cross_entropy", input)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({tuple(target.shape)}) that is different to the input size "
                         f"({tuple(input.shape)}) is deprecated. Please ensure they have the same size.")
    check_weights("binary_cross_entropy", input, weight=weight)
    x = input._data
    if x.size and not (float(x.min()) >= 0 and float(x.max()) <= 1):  # NaN fails too
        raise RuntimeError("all elements of input should be between 0 and 1: binary_cross_entropy takes "
                           "probabilities; for logits use binary_cross_entropy_with_logits")
    return reduce_loss(BinaryCrossEntropy.apply(input, target, weight), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """sigmoid + binary_cross_entropy in one numerically stable op; pos_weight (broadcast along the
    last dim, one per class) weighs the positive targets."""
    reduction = reduction_of(size_average, reduce, reduction)
    check_reduction(reduction)
    dtypes.check_float("binary_cross_entropy_with_logits", input)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({tuple(target.shape)}) must be the same as input size ({tuple(input.shape)})")
    check_weights("binary_cross_entropy_with_logits", input, weight=weight, pos_weight=pos_weight)
    return reduce_loss(BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight), reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL(target || model) for log-probabilities `input`; use reduction='batchmean' for the true KL."""
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    check_reduction(reduction, REDUCTIONS + ("batchmean",))
    dtypes.check_float("kl_div", input)
    check_same_shape("kl_div", input, target)
    losses = KLDiv.apply(input, target, log_target=log_target)
    if reduction == "batchmean":
        return losses.sum() / input.shape[0] if input.ndim else losses.sum()
    return reduce_loss(losses, reduction)

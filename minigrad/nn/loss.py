"""Loss modules: `MSELoss`, `CrossEntropyLoss`, `NLLLoss` (wrappers over nn.functional)."""

from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        self.reduction = reduction


class MSELoss(_Loss):
    """mean((input - target)^2) (or sum / none)."""

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits (N, C) or (C,), class-index targets; fused backward."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        if weight is not None or label_smoothing:
            raise NotImplementedError("CrossEntropyLoss: class weights and label_smoothing are not "
                                      "supported by minigrad yet")
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.cross_entropy(input, target, reduction=self.reduction, ignore_index=self.ignore_index)


class NLLLoss(CrossEntropyLoss):
    """Negative log-likelihood of log-probabilities (e.g. the output of LogSoftmax)."""

    def forward(self, input, target):
        return F.nll_loss(input, target, reduction=self.reduction, ignore_index=self.ignore_index)

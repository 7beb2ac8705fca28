"""`minigrad.optim.lr_scheduler`: learning-rate schedules with torch.optim.lr_scheduler's names,
defaults and numbers. Make one on an optimizer and call `scheduler.step()` after `optimizer.step()`,
once per epoch (OneCycleLR: once per batch; ReduceLROnPlateau: `step(val_loss)`).

    base.py       LRScheduler: initial_lr, last_epoch, step(), get_last_lr(), state_dict()
    decay.py      factor schedules: LambdaLR, MultiplicativeLR, StepLR, MultiStepLR, ConstantLR, LinearLR,
                  ExponentialLR, PolynomialLR
    annealing.py  curves: CosineAnnealingLR, OneCycleLR
    cyclic.py     repeating: CyclicLR, CosineAnnealingWarmRestarts
    plateau.py    ReduceLROnPlateau (driven by a metric)
    combine.py    SequentialLR, ChainedScheduler
"""

from .annealing import CosineAnnealingLR, OneCycleLR
from .base import LRScheduler, _LRScheduler
from .combine import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR
from .decay import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR",
           "ChainedScheduler", "CyclicLR", "CosineAnnealingWarmRestarts"]

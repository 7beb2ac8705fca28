"""`minigrad.optim`: SGD, Adam, AdamW with torch.optim's update rules, updating parameters in place."""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]

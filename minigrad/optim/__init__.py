"""`minigrad.optim`: SGD, Adam, AdamW, RMSprop and Adagrad with torch.optim's update rules, updating
parameters in place, and `lr_scheduler` to change their learning rates as training goes."""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Adagrad", "Optimizer", "RMSprop", "lr_scheduler"]

"""`minigrad.optim`: SGD, Adam, AdamW, RMSprop and Adagrad with torch.optim's update rules, updating
parameters in place."""

from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Adagrad", "Optimizer", "RMSprop"]

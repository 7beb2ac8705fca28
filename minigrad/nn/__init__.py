"""`minigrad.nn`: modules with parameters, in PyTorch's shape (`from minigrad import nn`)."""

from . import functional, init, parallel
from .activation import Dropout, Flatten, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleList, Sequential
from .linear import Identity, Linear
from .loss import CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = ["CrossEntropyLoss", "Dropout", "Flatten", "Identity", "Linear", "LogSoftmax", "MSELoss", "Module",
           "ModuleList", "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh",
           "functional", "init"]

from ..unsupported import module_getattr  # noqa: E402,I001

__getattr__ = module_getattr(__name__, "torch.nn")  # a missing torch.nn name says so (minigrad/unsupported.py)

"""Containers: `Sequential` (run children in order) and `ModuleList` (hold them, you run them)."""

from collections import OrderedDict

from ..ops.linalg import linear_relu
from .activation import ReLU
from .linear import Linear
from .module import Module


class ModuleList(Module):
    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, module):
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def _key(self, idx):
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range for {type(self).__name__} of length {n}")
        return list(self._modules)[idx % n]

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._key(idx)]

    def __setitem__(self, idx, module):
        self._modules[self._key(idx)] = module

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """Sequential(m1, m2, ...) or Sequential(OrderedDict(name=m)); forward feeds each output on.

    A Linear (with bias) directly followed by ReLU runs as one fused op (linear_relu): the ReLU is
    applied by the bias kernel on the GEMM output in place, and backward masks the gradient while
    it reduces the bias gradient — one pass over the activations instead of three.
    """

    def __init__(self, *modules):
        Module.__init__(self)
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for m in modules:
                self.append(m)

    def forward(self, x):
        mods = list(self._modules.values())
        i = 0
        while i < len(mods):
            m = mods[i]
            # exact types only: a subclass may override forward, and then it must run as written
            if (type(m) is Linear and m.bias is not None and i + 1 < len(mods)
                    and type(mods[i + 1]) is ReLU):
                x = linear_relu(x, m.weight, m.bias)
                i += 2
            else:
                x = m(x)
                i += 1
        return x

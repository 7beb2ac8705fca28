"""Containers: `Sequential` (run children in order), `ModuleList` and `ModuleDict` (hold them, you
run them), `ParameterList` and `ParameterDict` (hold Parameters, registered under their index or key)."""

from collections import OrderedDict

from ..ops.linalg import linear_relu
from ..tensor import Tensor
from .activation import ReLU
from .linear import Linear
from .module import Module
from .parameter import Parameter


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


class _Mapping(Module):
    """The dict methods ModuleDict and ParameterDict share, over `_keys` (a dict whose keys are theirs,
    in insertion order) and their own __getitem__/__setitem__/__delitem__."""

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def items(self):
        return ((k, self[k]) for k in self._keys)

    def values(self):
        return (self[k] for k in self._keys)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def pop(self, key):
        value = self[key]
        del self[key]
        return value

    def clear(self):
        for key in list(self._keys):
            del self[key]

    def update(self, entries):
        """From a mapping, or an iterable of (key, value) pairs."""
        for key, value in (entries.items() if hasattr(entries, "items") else entries):
            self[key] = value


class ModuleDict(_Mapping):
    """Modules by name, in insertion order: md["enc"] = nn.Linear(2, 3) registers child "enc"."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    @property
    def _keys(self):
        return self._modules

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]


def _describe(value):
    """One line of ParameterList/ParameterDict's repr, in PyTorch's form."""
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    size = "x".join(str(n) for n in value.shape)
    device = "" if value.device.type == "cpu" else f" ({value.device})"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    return f"{kind} containing: [{value.dtype} of size {size}{device}]"


def _as_parameter(value):
    """Tensors put in a ParameterList/ParameterDict become Parameters, as in PyTorch."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


class ParameterList(Module):
    """Parameters by position, registered as "0", "1", ...: their module trains them."""

    def __init__(self, values=None):
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def _index(self, idx):
        if not -self._size <= idx < self._size:
            raise IndexError(f"index {idx} is out of range for ParameterList of length {self._size}")
        return str(idx % self._size)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList([self[i] for i in range(self._size)[idx]])
        return getattr(self, self._index(idx))

    def __setitem__(self, idx, value):
        setattr(self, self._index(idx), _as_parameter(value))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self[i] for i in range(self._size))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        object.__setattr__(self, "_size", self._size + 1)
        self[self._size - 1] = value
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return "\n".join(f"  ({i}): {_describe(p)}" for i, p in enumerate(self))


class ParameterDict(_Mapping):
    """Parameters by key, in insertion order: pd["scale"] = nn.Parameter(...) registers "scale"."""

    def __init__(self, parameters=None):
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        if key not in self._keys:
            raise KeyError(key)
        # the tables, not getattr: a key may shadow a method's name ("keys", "update", ...)
        return self._parameters[key] if key in self._parameters else self.__dict__[key]

    def __setitem__(self, key, value):
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def extra_repr(self):
        return "\n".join(f"  ({k}): {_describe(v)}" for k, v in self.items())

"""`Module`: the base of every layer and model. Assigning a Parameter or a Module to an attribute
registers it (PyTorch's rule), which is what `parameters()`, `state_dict()` (state_dict.py) and
`to()` walk; `register_buffer` adds state that is not trained.

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 5)      # registered as child "fc1"
        def forward(self, x):
            return self.fc1(x)
"""

from collections import OrderedDict

import numpy as np

from ..backend import Device, resolve
from ..conversions import Convertible
from ..tensor import RemovableHandle, Tensor
from .parameter import Parameter
from .state_dict import StateDict


class Module(StateDict, Convertible):
    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", [])  # [(hook, with_kwargs)]
        object.__setattr__(self, "_forward_hooks", [])  # [(hook, with_kwargs, always_call)]
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        """PyTorch's rules: a Parameter or a Module registers itself; a name that is already a
        parameter, buffer or child takes only that kind (or None); anything else is a plain attribute."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign to a Module before Module.__init__() call: "
                                 "call super().__init__() first in your __init__")
        if isinstance(value, Parameter):
            self._remove_from_tables(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._remove_from_tables(name)
            self._modules[name] = value
        elif name in self._parameters:
            _check_kind(value, Parameter, "parameter", name, "torch.nn.Parameter")
            self._parameters[name] = None  # e.g. `self.bias = None`: an absent optional parameter
        elif name in self._modules:
            _check_kind(value, Module, "child module", name, "torch.nn.Module")
            self._modules[name] = None
        elif name in self._buffers:
            _check_kind(value, Tensor, "buffer", name, "torch.Tensor")
            self._buffers[name] = value  # e.g. `self.running_mean = new_tensor`: still a buffer
        else:
            object.__setattr__(self, name, value)

    def _remove_from_tables(self, name):
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name):
        # only reached when normal lookup fails: look in the registries
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def _check_new_name(self, name, kind, table):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in table:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name, param):
        """Register `param` (or None, an absent optional parameter such as bias=False)."""
        self._check_new_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """A tensor that belongs to the module's state but is not trained (e.g. BatchNorm's running
        statistics): moved by to(), saved in state_dict() unless persistent=False."""
        self._check_new_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, "module", self._modules)
        self._modules[name] = module

    register_module = add_module

    # ------------------------------------------------------------ calling, with hooks
    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(module, args) runs before forward and may return new args (a tuple, or one value);
        with_kwargs=True: hook(module, args, kwargs) -> None or (args, kwargs). Returns a handle
        whose remove() unregisters it."""
        return _add_hook(self._forward_pre_hooks, (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """hook(module, args, output) runs after forward and may return a replacement output;
        with_kwargs=True: hook(module, args, kwargs, output). always_call=True: it runs even when
        forward raises. Returns a handle whose remove() unregisters it."""
        return _add_hook(self._forward_hooks, (hook, with_kwargs, always_call), prepend)

    def _call_with_hooks(self, args, kwargs):
        for hook, with_kwargs in list(self._forward_pre_hooks):
            if with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        try:
            output = self.forward(*args, **kwargs)
        except Exception:
            for hook, with_kwargs, always_call in list(self._forward_hooks):
                if always_call and with_kwargs:
                    hook(self, args, kwargs, None)
                elif always_call:
                    hook(self, args, None)
            raise
        for hook, with_kwargs, _ in list(self._forward_hooks):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        return output

    # ------------------------------------------------------------ traversal
    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        for name, m in self._modules.items():
            if m is not None:
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named(self, table, prefix="", recurse=True):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, m in modules:
            for name, t in getattr(m, table).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))  # shared (tied) tensors are listed once
                yield (f"{mod_prefix}.{name}" if mod_prefix else name), t

    def named_parameters(self, prefix="", recurse=True):
        yield from self._named("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True):
        yield from self._named("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------ modes and conversion
    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def apply(self, fn):
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def to(self, *args, dtype=None, device=None):
        """Move/cast every parameter and buffer in place (the Parameter objects stay the same).

        Only floating-point tensors change dtype, as in PyTorch.
        """
        for a in args:
            if isinstance(a, (str, Device)):
                device = a
            else:
                dtype = a
        device = None if device is None else resolve(device)
        for m in self.modules():
            for table in (m._parameters, m._buffers):
                for t in table.values():
                    if t is not None:
                        _convert_(t, dtype, device)
                        if t.grad is not None:
                            _convert_(t.grad, dtype, device)
        return self

    # ------------------------------------------------------------ repr
    def extra_repr(self):
        return ""

    def __repr__(self):
        # PyTorch's layout: a one-line extra_repr stays inline, longer ones and children get a line each
        lines = self.extra_repr().split("\n") if self.extra_repr() else []
        lines += [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        if not self._modules and len(lines) <= 1:
            return f"{type(self).__name__}({''.join(lines)})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _convert_(t, dtype, device):
    """Change tensor t's dtype (floats only) and device in place."""
    data = t._data
    if device is not None and device is not t.device:
        data = device.backend.to_device(t.device.backend.to_host(data))
        t.device = device
    if dtype is not None and data.dtype.kind == "f":
        data = data.astype(np.dtype(dtype), copy=False)
    t._data = data


def _check_kind(value, kind, what, name, torch_name):
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"cannot assign '{type(value).__name__}' as {what} '{name}' ({torch_name} or None expected)")


def _add_hook(hooks, entry, prepend):
    hooks.insert(0, entry) if prepend else hooks.append(entry)
    return RemovableHandle(hooks, entry)

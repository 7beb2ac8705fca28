"""`Optimizer`: parameter groups, per-parameter state, zero_grad and (de)serialisation, as in
torch.optim. A subclass checks its options (`_check`) and updates one parameter in place (`_update`);
`step()` calls `_update` for every parameter that has a gradient.

    >>> import minigrad as mg
    >>> w = mg.nn.Parameter(mg.ones(2))
    >>> opt = mg.optim.SGD([w], lr=0.5)
    >>> w.grad = mg.ones(2)
    >>> opt.step()
    >>> w.tolist()
    [0.5, 0.5]

Updates write into the parameter's own array with preallocated buffers (`buffer`), so a step allocates
nothing; `state_dict()` leaves those buffers (keys starting with "_") out.
"""

import collections
import copy
import math
import numbers
import warnings

from ..autograd.grad_mode import enable_grad, no_grad
from ..backend import guard
from ..tensor import Tensor


class Optimizer:
    state_keys = ()  # the per-parameter state a subclass keeps (load_state_dict refuses other keys)

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got a Tensor of shape {tuple(params.shape)}: pass [tensor] or model.parameters()")
        self._check(defaults)
        self.defaults = defaults
        # param -> dict of per-parameter state (momentum buffers, Adam moments); a defaultdict as in
        # PyTorch, so a custom step() can say `state = self.state[p]; if not state: ...`
        self.state = collections.defaultdict(dict)
        self.param_groups = []
        self._opt_called = False  # set by step(): lr schedulers warn when they step first
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def _check(self, options):
        """Raise ValueError (PyTorch's message) for an invalid option in `options` (defaults or a group)."""

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (the optimizer's defaults fill the rest).
        Parameters may come as tensors or as (name, tensor) pairs, e.g. model.named_parameters()."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        named = [p for p in params if isinstance(p, tuple)]
        if named:
            if len(named) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"can't optimize a non-leaf Tensor (shape {tuple(p.shape)}, made by {p.grad_fn}): "
                                 "pass the leaf tensors (parameters) themselves")
        param_group["params"] = params
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self._check(param_group)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in group) != bool(named):
                raise ValueError("all optimizer param groups should be with/without names. cannot add param group "
                                 f"{'with' if named else 'without'} names to the optimizer")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Drop every parameter's .grad (set_to_none=True, the default) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if p.grad.grad_fn is not None:  # a gradient built with create_graph=True: cut its history
                    p.grad = p.grad.detach()
                p.grad.requires_grad = False
                p.grad.zero_()

    def step(self, closure=None):
        """One update of every parameter that has a gradient; `closure` (re-evaluating the model and
        returning the loss) is called first, with grad enabled, and its loss returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._opt_called = True
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p._mark_written()  # _update writes p._data directly, one array op at a time
                    with guard(p.device):  # state allocation and updates run on p's device
                        self._update(group, p, p.grad._data, self._state_on_device(p))
        return loss

    def _update(self, group, p, grad, state):
        """Update p._data in place from its gradient array `grad` and its state dict."""
        raise NotImplementedError(f"{type(self).__name__} must implement step() or _update()")

    def _state_on_device(self, p):
        """p's state, checked to be on p's device: PyTorch refuses a step whose state was left on
        another device by model.to(...), and load_state_dict moves it. Work buffers ("_..." keys,
        never saved) just follow the parameter."""
        state = self.state[p]
        if state.get("_device", p.device) is not p.device:
            stale = [k for k, v in state.items() if isinstance(v, Tensor) and not k.startswith("_")]
            if stale:
                raise RuntimeError(
                    f"{type(self).__name__}.step(): the state {stale} of a parameter of shape {tuple(p.shape)} is on "
                    f"{state['_device']} but the parameter is now on {p.device} (the model was moved after the "
                    "optimizer stepped). Move the state too with `optimizer.load_state_dict(optimizer."
                    "state_dict())`, or create the optimizer after `model.to(device)`"
                )
            for k in [k for k in state if k.startswith("_")]:
                del state[k]  # only work buffers: reallocated on the new device
        state["_device"] = p.device
        return state

    # ------------------------------------------------------------ state dicts
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}, as PyTorch's: a
        parameter is named by its position in the groups, so the dict fits a new optimizer of a new model."""
        index, groups, start = {}, [], 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            index.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in index})
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(group["params"])
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {k: v.detach() if isinstance(v, Tensor) else v
                                           for k, v in self.state[p].items() if not k.startswith("_")}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take the state and options of `state_dict` (from state_dict(), possibly through save/load):
        state tensors are copied to each parameter's device (floating ones to its dtype). Refuses, naming
        the parameter, state saved for other shapes or by another optimizer."""
        missing = [k for k in ("state", "param_groups") if k not in state_dict]
        if missing:
            raise ValueError(f"loaded optimizer state dict has no {missing} (keys: {sorted(state_dict)}): pass what "
                             "Optimizer.state_dict() returned")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has a different number of parameter groups: {len(saved_groups)} "
                             f"vs this optimizer's {len(self.param_groups)}")
        saved_sizes = [len(g["params"]) for g in saved_groups]
        own_sizes = [len(g["params"]) for g in self.param_groups]
        if saved_sizes != own_sizes:
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             f"optimizer's group: parameters per group {saved_sizes} vs {own_sizes}")
        where = {}  # saved index -> (parameter, its description for errors)
        for g, (saved, own) in enumerate(zip(saved_groups, self.param_groups)):
            names = own.get("param_names") or saved.get("param_names")
            for j, (i, p) in enumerate(zip(saved["params"], own["params"])):
                name = repr(names[j]) if names else f"{j}"
                where[i] = p, f"parameter {name} (group {g}, index {i}) of shape {tuple(p.shape)}"
        state = collections.defaultdict(dict)
        with no_grad():
            for i, saved in state_dict["state"].items():
                if i not in where:
                    raise ValueError(f"loaded state dict has state for parameter index {i!r}, which none of its "
                                     f"param_groups lists (indices {sorted(where)})")
                p, what = where[i]
                state[p] = {k: self._loaded(k, v, p, what) for k, v in saved.items()}
        groups = []
        for saved, own in zip(saved_groups, self.param_groups):
            group = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            if "param_names" in own and "param_names" not in saved:
                group["param_names"] = own["param_names"]
            for name, default in self.defaults.items():  # options newer than the checkpoint
                group.setdefault(name, default)
            self._check(group)
            groups.append(dict(group, params=own["params"]))
        self.state = state
        for own, group in zip(self.param_groups, groups):  # the same dicts: references to a group stay live
            own.clear()
            own.update(group)

    def _loaded(self, key, value, p, what):
        """One loaded state entry, checked against this optimizer and p; tensors copied to p's device."""
        if self.state_keys and key not in self.state_keys:
            raise ValueError(f"loaded state dict has state {key!r} for {what}, which {type(self).__name__} does "
                             f"not keep (it keeps {list(self.state_keys)}): was it saved by another optimizer?")
        if key == "step":
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value >= 0:
                raise ValueError(f"loaded state dict has step {value!r} for {what}: expected a number >= 0")
            return value
        if not isinstance(value, Tensor):
            return value
        if value.shape != p.shape:
            raise ValueError(f"loaded state dict has {key!r} of shape {tuple(value.shape)} for {what}: it was saved "
                             "for another model (or the parameters are in another order)")
        host = value.device.backend.to_host(value._data)
        if host.dtype.kind == "f" and p.dtype.kind == "f":
            host = host.astype(p.dtype)
        return Tensor._make(p.device.backend.to_device(host.copy()), p.device, False, None)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


# ---------------------------------------------------------------- helpers for subclasses
def check(what, value, upper=None, lower=0.0):
    """Raise PyTorch's `ValueError("Invalid <what>: <value>")` unless lower <= value (< upper); NaN and
    infinities are refused too (PyTorch lets some through), and non-numbers raise TypeError."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"Invalid {what}: {value!r} (expected a float, got {type(value).__name__})")
    if not (math.isfinite(value) and lower <= value and (upper is None or value < upper)):
        raise ValueError(f"Invalid {what}: {value}")


def buffer(state, key, like):
    """The per-parameter work array state[key], allocated once (like `like`): steps reuse it."""
    buf = state.get(key)
    if buf is None:
        buf = state[key] = like.copy()
    return buf


def zeros_state(state, key, p):
    """state[key]: a zero tensor like p (a moment or momentum buffer), made on first use."""
    if key not in state:
        state[key] = Tensor._make(p.device.xp.zeros_like(p._data), p.device, False, None)
    return state[key]._data


def running_mean(xp, avg, x, decay, tmp):
    """avg = decay * avg + (1 - decay) * x, in place, computed as avg + (1 - decay) * (x - avg) (PyTorch's lerp)."""
    xp.subtract(x, avg, out=tmp)
    tmp *= 1 - decay
    avg += tmp


def running_mean_of_square(xp, avg, x, decay, tmp):
    """avg = decay * avg + (1 - decay) * x * x, in place (PyTorch's mul_ then addcmul_)."""
    avg *= decay
    xp.multiply(x, 1 - decay, out=tmp)
    tmp *= x
    avg += tmp


def gradient(state, p, grad, maximize, weight_decay):
    """The gradient an update follows: -grad when maximizing, plus weight_decay * p (L2 penalty).
    It is `grad` itself when neither applies, else written into one buffer: .grad is never modified."""
    if not maximize and not weight_decay:
        return grad
    g = buffer(state, "_grad", grad)
    if weight_decay:
        p.device.xp.multiply(p._data, weight_decay, out=g)
        if maximize:
            g -= grad
        else:
            g += grad
    else:
        p.device.xp.negative(grad, out=g)
    return g

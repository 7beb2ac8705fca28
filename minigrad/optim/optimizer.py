"""`Optimizer`: parameter groups, per-parameter state, zero_grad and (de)serialisation, as in
torch.optim. Subclasses implement `step()` with in-place updates of the parameter arrays.
"""

import copy

from ..autograd.grad_mode import no_grad
from ..backend import guard
from ..tensor import Tensor


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = {}  # param -> dict of per-parameter state (momentum buffers, Adam moments)
        self.param_groups = []
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        for group in params if isinstance(params[0], dict) else [{"params": params}]:
            self.add_param_group(group)

    def add_param_group(self, group):
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise ValueError(f"optimizer can only optimize Tensors that require grad, got {type(p).__name__}")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad.zero_()

    def _params_with_grad(self):
        """(group, p, grad array, state) for each parameter that has a gradient: step() updates it,
        on p's device (the guard stays entered while step() works on what this yields)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p._mark_written()  # step() writes p._data directly, one array op per update
                    with guard(p.device):
                        yield group, p, p.grad._data, self._state_on_device(p)

    def _state_on_device(self, p):
        """p's state, checked to be on p's device: PyTorch refuses a step whose state was left on
        another device by model.to(...), and load_state_dict moves it. Work buffers ("_..." keys,
        never saved) just follow the parameter."""
        state = self.state.setdefault(p, {})
        if state.get("_device", p.device) is not p.device:
            stale = [k for k, v in state.items() if isinstance(v, Tensor)]
            if stale:
                raise RuntimeError(
                    f"{type(self).__name__}.step(): the state {stale} of a parameter of shape {p.shape} is on "
                    f"{state['_device']} but the parameter is now on {p.device} (the model was moved after the "
                    "optimizer stepped). Move the state too with `optimizer.load_state_dict(optimizer."
                    "state_dict())`, or create the optimizer after `model.to(device)`"
                )
            state.clear()  # only work buffers: reallocated on the new device
        state["_device"] = p.device
        return state

    def step(self):
        raise NotImplementedError

    # ------------------------------------------------------------ state dicts
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]} like PyTorch."""
        index, groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {k: v.detach() if isinstance(v, Tensor) else v
                                           for k, v in self.state[p].items() if not k.startswith("_")}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups) or any(
                len(g["params"]) != len(own["params"]) for g, own in zip(groups, self.param_groups)):
            raise ValueError(
                "loaded state dict has a different number of parameter groups or parameters: "
                f"{[len(g['params']) for g in groups]} vs this optimizer's "
                f"{[len(g['params']) for g in self.param_groups]}")
        params = {i: p for g, own in zip(groups, self.param_groups) for i, p in zip(g["params"], own["params"])}
        self.state = {}
        with no_grad():
            for i, s in state_dict["state"].items():
                p = params[int(i)]
                self.state[p] = {k: _like_param(v, p) for k, v in s.items()}
        for g, own in zip(groups, self.param_groups):
            own.update({k: copy.deepcopy(v) for k, v in g.items() if k != "params"})

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _like_param(value, p):
    """A state tensor moved to p's device (and floating state to p's dtype), copied."""
    if not isinstance(value, Tensor):
        return value
    host = value.device.backend.to_host(value._data)
    if host.dtype.kind == "f" and p.dtype.kind == "f":
        host = host.astype(p.dtype)
    return Tensor._make(p.device.backend.to_device(host.copy()), p.device, False, None)


def scratch(state, like):
    """A per-parameter work buffer, allocated once: steps update in place with no new arrays."""
    buf = state.get("_scratch")
    if buf is None:
        buf = state["_scratch"] = like.copy()
    return buf

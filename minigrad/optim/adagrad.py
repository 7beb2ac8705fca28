"""Adagrad, step for step as torch.optim computes it (Duchi et al. 2011); t counts this parameter's steps:

    g = grad + weight_decay * p                    (g = -grad + ... with maximize=True)
    sum = sum + g * g                              sum starts at initial_accumulator_value
    p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)
"""

from ..tensor import Tensor
from .optimizer import Optimizer, buffer, check, gradient


class Adagrad(Optimizer):
    state_keys = ("step", "sum")

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, maximize=maximize))
        for group in self.param_groups:  # the state exists from the start, as in PyTorch
            for p in group["params"]:
                self._init_state(group, p, self.state[p])

    def _check(self, options):
        check("learning rate", options["lr"])
        check("lr_decay value", options["lr_decay"])
        check("weight_decay value", options["weight_decay"])
        check("initial_accumulator_value value", options["initial_accumulator_value"])
        check("epsilon value", options["eps"])

    @staticmethod
    def _init_state(group, p, state):
        if "sum" not in state:
            state["step"] = 0
            full = p.device.xp.full_like(p._data, group["initial_accumulator_value"])
            state["sum"] = Tensor._make(full, p.device, False, None)

    def _update(self, group, p, grad, state):
        xp = p.device.xp
        self._init_state(group, p, state)  # (a parameter of a group added later)
        state["step"] += 1
        g = gradient(state, p, grad, group["maximize"], group["weight_decay"])
        tmp = buffer(state, "_scratch", p._data)  # allocated once: steps allocate nothing
        s = state["sum"]._data
        xp.multiply(g, g, out=tmp)
        s += tmp
        xp.sqrt(s, out=tmp)
        tmp += group["eps"]
        xp.divide(g, tmp, out=tmp)
        tmp *= group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        p._data -= tmp

"""Adam and AdamW, step for step as torch.optim computes them:

    g = grad (+ weight_decay * p for Adam;  AdamW instead decays p: p = p * (1 - lr * weight_decay))
    m = m + (1 - beta1) * (g - m)                 v = beta2 * v + (1 - beta2) * g * g
    denom = sqrt(v) / sqrt(1 - beta2^t) + eps
    p = p - lr / (1 - beta1^t) * m / denom
"""

import math

from ..tensor import Tensor
from .optimizer import Optimizer, scratch


class Adam(Optimizer):
    decoupled = False  # AdamW: weight decay applied to p directly, not through the gradient

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        if lr < 0 or eps < 0 or not (0 <= betas[0] < 1 and 0 <= betas[1] < 1) or weight_decay < 0:
            raise ValueError(f"invalid {type(self).__name__} setting: lr={lr}, betas={betas}, eps={eps}, "
                             f"weight_decay={weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    def step(self):
        for group, p, grad, state in self._params_with_grad():
            lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            if not state.get("step"):
                state["step"] = 0
                state["exp_avg"] = Tensor._make(p.device.xp.zeros_like(p._data), p.device, False, None)
                state["exp_avg_sq"] = Tensor._make(p.device.xp.zeros_like(p._data), p.device, False, None)
            state["step"] += 1
            t, m, v = state["step"], state["exp_avg"]._data, state["exp_avg_sq"]._data
            tmp = scratch(state, p._data)  # every line below writes into an existing buffer
            if wd and self.decoupled:
                p._data *= 1 - lr * wd
            if wd and not self.decoupled:
                g = state.get("_grad")
                if g is None:
                    g = state["_grad"] = grad.copy()
                g[...] = p._data
                g *= wd
                g += grad
            else:
                g = grad
            tmp[...] = g
            tmp -= m
            tmp *= 1 - beta1
            m += tmp
            v *= beta2
            tmp[...] = g
            tmp *= g
            tmp *= 1 - beta2
            v += tmp
            p.device.xp.sqrt(v, out=tmp)
            tmp /= math.sqrt(1 - beta2**t)
            tmp += eps
            p.device.xp.divide(m, tmp, out=tmp)
            tmp *= lr / (1 - beta1**t)
            p._data -= tmp


class AdamW(Adam):
    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, betas, eps, weight_decay)

"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's rule):

    g = grad + weight_decay * p
    buf = g                                     (first step)
    buf = momentum * buf + (1 - dampening) * g  (later steps)
    g = g + momentum * buf  if nesterov  else  buf
    p = p - lr * g
"""

from ..tensor import Tensor
from .optimizer import Optimizer, scratch


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"invalid SGD setting: lr={lr}, momentum={momentum}, weight_decay={weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def step(self):
        for group, p, grad, state in self._params_with_grad():
            xp, lr, momentum, wd = p.device.xp, group["lr"], group["momentum"], group["weight_decay"]
            s = scratch(state, p._data)  # a work buffer allocated once: steps allocate nothing
            d = grad  # the update direction; the gradient itself is never modified
            if wd:
                xp.multiply(p._data, wd, out=s)
                s += grad
                d = s
            if momentum:
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = Tensor._make(d.copy(), p.device, False, None)
                else:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += d if not group["dampening"] else (1 - group["dampening"]) * d
                buf = state["momentum_buffer"]._data
                if not group["nesterov"]:
                    d = buf
                elif d is s:
                    s += momentum * buf  # (weight decay and Nesterov together: one temporary)
                else:
                    xp.multiply(buf, momentum, out=s)
                    s += d
                    d = s
            xp.multiply(d, lr, out=s)
            p._data -= s

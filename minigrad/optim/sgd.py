"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (PyTorch's rule):

    g = grad + weight_decay * p                 (g = -grad + ... with maximize=True)
    buf = g                                     (first step)
    buf = momentum * buf + (1 - dampening) * g  (later steps)
    g = g + momentum * buf  if nesterov  else  buf
    p = p - lr * g
"""

import math

from ..tensor import Tensor
from .optimizer import Optimizer, buffer, check, gradient


class SGD(Optimizer):
    state_keys = ("momentum_buffer",)

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _check(self, options):
        check("learning rate", options["lr"])
        check("momentum value", options["momentum"])
        check("weight_decay value", options["weight_decay"])
        check("dampening value", options["dampening"], lower=-math.inf)
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, group, p, grad, state):
        xp, lr, momentum = p.device.xp, group["lr"], group["momentum"]
        g = gradient(state, p, grad, group["maximize"], group["weight_decay"])
        s = buffer(state, "_scratch", p._data)  # allocated once: steps allocate nothing
        d = g  # the update direction
        if momentum:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor._make(g.copy(), p.device, False, None)
            else:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                if group["dampening"]:
                    xp.multiply(g, 1 - group["dampening"], out=s)
                    buf += s
                else:
                    buf += g
            d = state["momentum_buffer"]._data
            if group["nesterov"]:
                xp.multiply(d, momentum, out=s)
                s += g
                d = s
        xp.multiply(d, lr, out=s)
        p._data -= s

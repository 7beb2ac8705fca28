"""RMSprop, step for step as torch.optim computes it (Hinton's lecture 6; centered: Graves 2013):

    g = grad + weight_decay * p                    (g = -grad + ... with maximize=True)
    v = alpha * v + (1 - alpha) * g * g            running mean of g^2
    avg = sqrt(v) + eps
    centered:  a = a + (1 - alpha) * (g - a),  avg = sqrt(v - a * a) + eps   (variance, not raw 2nd moment)
    momentum > 0:  buf = momentum * buf + g / avg,  p = p - lr * buf
    otherwise:     p = p - lr * g / avg

eps is added after the square root (TensorFlow adds it inside).
"""

from .optimizer import Optimizer, buffer, check, gradient, running_mean, running_mean_of_square, zeros_state


class RMSprop(Optimizer):
    state_keys = ("step", "square_avg", "momentum_buffer", "grad_avg")

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered, maximize=maximize))

    def _check(self, options):
        check("learning rate", options["lr"])
        check("epsilon value", options["eps"])
        check("momentum value", options["momentum"])
        check("weight_decay value", options["weight_decay"])
        check("alpha value", options["alpha"])

    def _update(self, group, p, grad, state):
        xp, alpha, momentum = p.device.xp, group["alpha"], group["momentum"]
        state["step"] = state.get("step", 0) + 1
        v = zeros_state(state, "square_avg", p)
        g = gradient(state, p, grad, group["maximize"], group["weight_decay"])
        avg = buffer(state, "_scratch", p._data)  # allocated once: steps allocate nothing
        running_mean_of_square(xp, v, g, alpha, avg)
        if group["centered"]:
            a = zeros_state(state, "grad_avg", p)
            running_mean(xp, a, g, alpha, avg)
            xp.multiply(a, a, out=avg)
            xp.subtract(v, avg, out=avg)
            xp.sqrt(avg, out=avg)
        else:
            xp.sqrt(v, out=avg)
        avg += group["eps"]
        xp.divide(g, avg, out=avg)  # g / avg
        if momentum > 0:
            buf = zeros_state(state, "momentum_buffer", p)
            buf *= momentum
            buf += avg
            xp.multiply(buf, group["lr"], out=avg)
        else:
            avg *= group["lr"]
        p._data -= avg

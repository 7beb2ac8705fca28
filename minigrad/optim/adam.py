"""Adam and AdamW, step for step as torch.optim computes them (t counts this parameter's steps):

    g = grad (+ weight_decay * p for Adam;  AdamW instead decays p: p = p * (1 - lr * weight_decay))
    m = m + (1 - beta1) * (g - m)                 v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v)  and v = v_max  below   (amsgrad=True)
    denom = sqrt(v) / sqrt(1 - beta2^t) + eps
    p = p - lr / (1 - beta1^t) * m / denom

g is -grad with maximize=True.
"""

from .optimizer import Optimizer, buffer, check, gradient, running_mean, running_mean_of_square, zeros_state


class Adam(Optimizer):
    state_keys = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        betas = tuple(betas) if isinstance(betas, (list, tuple)) else betas
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, decoupled_weight_decay=decoupled_weight_decay))

    def _check(self, options):
        check("learning rate", options["lr"])
        check("epsilon value", options["eps"])
        betas = options["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Invalid betas: {betas!r} (expected a pair (beta1, beta2))")
        check("beta parameter at index 0", betas[0], upper=1.0)
        check("beta parameter at index 1", betas[1], upper=1.0)
        check("weight_decay value", options["weight_decay"])

    def _update(self, group, p, grad, state):
        xp, lr, (beta1, beta2), wd = p.device.xp, group["lr"], group["betas"], group["weight_decay"]
        eps, decoupled = group["eps"], group["decoupled_weight_decay"]
        state["step"] = t = state.get("step", 0) + 1
        m, v = zeros_state(state, "exp_avg", p), zeros_state(state, "exp_avg_sq", p)
        g = gradient(state, p, grad, group["maximize"], 0 if decoupled else wd)
        tmp = buffer(state, "_scratch", p._data)  # every line below writes into an existing array
        if wd and decoupled:
            p._data *= 1 - lr * wd
        running_mean(xp, m, g, beta1, tmp)
        running_mean_of_square(xp, v, g, beta2, tmp)
        if group["amsgrad"]:
            v = zeros_state(state, "max_exp_avg_sq", p)
            xp.maximum(v, state["exp_avg_sq"]._data, out=v)
        xp.sqrt(v, out=tmp)
        tmp /= (1 - beta2**t) ** 0.5
        tmp += eps
        xp.divide(m, tmp, out=tmp)
        tmp *= lr / (1 - beta1**t)
        p._data -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2): p = p * (1 - lr * weight_decay) before the Adam step."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # AdamW's decay is always decoupled, as in PyTorch
            group["decoupled_weight_decay"] = True

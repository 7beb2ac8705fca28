"""What the compile tests share: small models with each optimizer, seeded batches, comparisons."""

import numpy as np
from conftest import host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim

OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.05),
    "sgd-momentum": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    "sgd-nesterov-wd": lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "sgd-dampening-wd": lambda p: optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3, weight_decay=1e-2),
    "adam": lambda p: optim.Adam(p, lr=1e-2),
    "adam-wd": lambda p: optim.Adam(p, lr=1e-2, weight_decay=1e-2),
    "adamw": lambda p: optim.AdamW(p, lr=1e-2),
    "adamw-amsgrad-maximize": lambda p: optim.AdamW(p, lr=1e-2, amsgrad=True, maximize=True),
    "rmsprop": lambda p: optim.RMSprop(p, lr=1e-2),
    "rmsprop-centered-momentum-wd": lambda p: optim.RMSprop(p, lr=1e-2, momentum=0.9, centered=True,
                                                            weight_decay=1e-2),
    "adagrad": lambda p: optim.Adagrad(p, lr=1e-1, lr_decay=1e-3),
}


def make(device="cpu", optimizer="sgd", dropout=0.0, seed=0):
    mg.manual_seed(seed)
    layers = [nn.Linear(12, 16), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else []) + [nn.Linear(16, 5)]
    model = nn.Sequential(*layers).to(device)
    opt = OPTIMIZERS[optimizer](model.parameters())
    return model, opt, step_of(model, opt)


def step_of(model, opt):
    """The usual training step: zero_grad, forward, cross-entropy, backward, opt.step(); returns the loss."""
    def train_step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return train_step


def batches(n, device="cpu", rows=32, seed=1):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield (mg.tensor(rng.standard_normal((rows, 12)).astype(np.float32), device=device),
               mg.tensor(rng.integers(0, 5, rows), device=device))


def assert_same_params(a, b):
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        np.testing.assert_array_equal(host(p), host(q), err_msg=name)


def programs(step):
    """Every recorded program of a compiled step (of all its signatures)."""
    return [r for replays in step.programs.values() for r in replays]


def run_both(build, steps, seed=7):
    """build() -> (model, train_step) twice: eagerly and compiled, each from the same RNG state; returns
    both models, both lists of results (as host arrays) and the compiled step."""
    (eager_model, eager_step), (model, train_step) = build(), build()
    step = mg.compile(train_step, fullgraph=True)
    results = []
    for fn in (eager_step, step):
        mg.manual_seed(seed)  # the same dropout masks for both
        results.append([host(fn(x, y)) for x, y in batches(steps)])
    return eager_model, model, results, step

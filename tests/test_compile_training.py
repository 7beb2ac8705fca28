"""mg.compile on the parts of a training loop beyond Linear + SGD: normalization layers, GELU,
dropout, label smoothing, gradient clipping, every optimizer's live hyper-parameters, lr schedulers
inside and outside the step, custom optimizers. Oracle: the same step run eagerly (compile_helpers)."""

import warnings

import numpy as np
import pytest
from compile_helpers import assert_same_params, batches, make, programs, run_both, step_of
from conftest import host

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim


def test_layernorm_gelu_dropout_label_smoothing_clipping_adamw_and_a_scheduler_step_like_eager():
    def build():
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(12, 16), nn.LayerNorm(16), nn.GELU(), nn.Dropout(0.25), nn.Linear(16, 5))
        opt = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1)
        sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12)

        def train_step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
            opt.step()
            sched.step()  # per call: replayed by calling it; the next replay reads the lr it set
            return loss

        model.opt = opt
        return model, train_step

    eager_model, model, (eager, compiled), step = run_both(build, 30)
    for a, b in zip(eager, compiled):
        np.testing.assert_array_equal(a, b)
    assert_same_params(model, eager_model)
    assert model.opt.param_groups[0]["lr"] == eager_model.opt.param_groups[0]["lr"]
    replay, = programs(step)  # one recording, whatever the lr
    calls = [type(i.fn.__self__) for i in replay.program.instrs if i.kind == "call"]
    assert calls == [optim.lr_scheduler.CosineAnnealingLR]  # AdamW's update itself is on the tape


def test_batchnorm_running_statistics_like_eager_and_eval_gets_its_own_program():
    def build():
        mg.manual_seed(0)
        model = nn.Sequential(nn.Linear(12, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 5))
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

        def train_step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            if model.training:
                loss.backward()
                opt.step()
            return loss

        return model, train_step

    eager_model, model, (eager, compiled), step = run_both(build, 20)
    np.testing.assert_array_equal(np.array(eager), np.array(compiled))
    assert_same_params(model, eager_model)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_array_equal(host(getattr(model[1], name)), host(getattr(eager_model[1], name)))
    model.eval(), eager_model.eval()  # the modules' training flags are guarded: this records anew
    for x, y in batches(4):
        np.testing.assert_array_equal(host(step(x, y)), host(F.cross_entropy(eager_model(x), y)))
    assert len(programs(step)) == 2


@pytest.mark.parametrize("optimizer", ["sgd-nesterov-wd", "adam-wd"])
def test_hyper_parameters_changed_between_calls_are_read_live(optimizer):
    eager_model, eager_opt, eager_step = make(optimizer=optimizer)
    model, opt, train_step = make(optimizer=optimizer)
    step = mg.compile(train_step, fullgraph=True)
    scheds = [optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.5) for o in (opt, eager_opt)]
    for n, (x, y) in enumerate(batches(30)):
        np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
        for sched in scheds:  # outside the compiled step: the next replay reads the new lr
            sched.step()
        if n == 20:
            for o in (opt, eager_opt):
                o.param_groups[0]["weight_decay"] = 3e-2  # a number like any other
    assert_same_params(model, eager_model)
    assert len(programs(step)) == 1
    # what takes another branch in Python records again: weight_decay 0 (`if weight_decay:`), maximize
    for option, value in (("weight_decay", 0), ("maximize", True)):
        for o in (opt, eager_opt):
            o.param_groups[0][option] = value
        for x, y in batches(3):
            np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)
    assert len(programs(step)) == 3


class SignSGD(optim.Optimizer):
    """A custom optimizer in PyTorch's style, on Tensors: p -= lr * sign(grad) / sqrt(t)."""

    def __init__(self, params, lr=0.01, count_on_self=False):
        super().__init__(params, dict(lr=lr))
        self.count_on_self, self.t = count_on_self, 0

    @mg.no_grad()
    def step(self):
        self.t += self.count_on_self  # a counter on the optimizer itself: the tape cannot follow it
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = state.get("step", 0) + 1
                t = self.t if self.count_on_self else state["step"]
                p.sub_(p.grad.sign(), alpha=group["lr"] / t ** 0.5)


@pytest.mark.parametrize("count_on_self", [False, True])
def test_a_custom_optimizer_on_tensors_replays_from_the_tape_or_by_calling_it(count_on_self):
    def build():
        model, _, _ = make()
        return model, step_of(model, SignSGD(model.parameters(), lr=0.05, count_on_self=count_on_self))

    eager_model, model, _, step = run_both(build, 30)
    assert_same_params(model, eager_model)
    replay, = programs(step)
    assert bool([i for i in replay.program.instrs if i.kind == "call"]) == count_on_self


def test_a_scheduler_stepped_before_the_optimizer_inside_the_step_is_refused():
    model, opt, train_step = make()
    sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)

    def step_fn(x, y):
        sched.step()
        train_step(x, y)

    step = mg.compile(step_fn, fullgraph=True)
    (x, y), = batches(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the scheduler's own warning about the order)
        step(x, y)
        with pytest.raises(RuntimeError, match="scheduler.step\\(\\) before optimizer.step\\(\\)"):
            step(x, y)


def test_batches_whose_targets_differ_replay_one_program_and_a_bad_target_still_raises():
    """cross_entropy's target check reads only yes/no answers, so the targets' min and max are no guard."""
    model, _, train_step = make()
    step = mg.compile(train_step, fullgraph=True)
    rng = np.random.default_rng(0)
    for i in range(8):  # batches that lack the top classes, or class 0, or neither
        x = mg.tensor(rng.standard_normal((32, 12)).astype(np.float32))
        step(x, mg.tensor(rng.integers(i % 2, 5 - i % 3, 32)))
    assert len(programs(step)) == 1
    with pytest.raises(IndexError, match="Target 7 is out of bounds for 5 classes"):
        step(x, mg.tensor([7] + [0] * 31))

"""Learning-rate schedulers against the closed forms PyTorch documents, in PyTorch's idiom: the
scheduler steps once per epoch after optimizer.step() (OneCycleLR/CyclicLR once per batch)."""

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.optim import lr_scheduler as S

EPOCHS = 50


def _sgd(lr=0.1, **kwargs):
    return optim.SGD([{"params": [nn.Parameter(mg.zeros(2))]}, {"params": [nn.Parameter(mg.zeros(2))], "lr": lr / 2}],
                     lr=lr, **kwargs)


def _lrs(opt, sched, epochs=EPOCHS):
    """[lrs of epoch 0, ..., lrs of epoch `epochs`], stepping as a training loop does."""
    out = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
        assert out[-1] == [g["lr"] for g in opt.param_groups]
    return np.array(out)


# closed forms from PyTorch's documentation, as functions of the epoch e and a group's base lr
CLOSED_FORMS = {
    "StepLR": (lambda o: S.StepLR(o, step_size=7, gamma=0.3), lambda e, b: b * 0.3 ** (e // 7)),
    "MultiStepLR": (lambda o: S.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.5),
                    lambda e, b: b * 0.5 ** sum(m <= e for m in [5, 12, 12, 30])),
    "ExponentialLR": (lambda o: S.ExponentialLR(o, gamma=0.93), lambda e, b: b * 0.93**e),
    "CosineAnnealingLR": (lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001),  # past T_max it climbs again
                          lambda e, b: 0.001 + (b - 0.001) * (1 + math.cos(math.pi * e / 10)) / 2),
    "LambdaLR": (lambda o: S.LambdaLR(o, lambda e: 1 / (e + 1)), lambda e, b: b / (e + 1)),
    "MultiplicativeLR": (lambda o: S.MultiplicativeLR(o, lambda e: 0.9), lambda e, b: b * 0.9**e),
    "LinearLR": (lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=20),
                 lambda e, b: b * (0.1 + 0.8 * min(e, 20) / 20)),
    "ConstantLR": (lambda o: S.ConstantLR(o, factor=0.25, total_iters=8), lambda e, b: b * (0.25 if e < 8 else 1)),
    "PolynomialLR": (lambda o: S.PolynomialLR(o, total_iters=30, power=2.0),
                     lambda e, b: b * (1 - min(e, 30) / 30) ** 2),
    "CosineAnnealingWarmRestarts": (lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.001),
                                    lambda e, b: _sgdr(e, b, T_0=5, T_mult=2, eta_min=0.001)),
}


def _sgdr(e, base_lr, T_0, T_mult, eta_min):
    T_i = T_0
    while e >= T_i:  # restarts after T_0, T_0 * T_mult, ... epochs
        e, T_i = e - T_i, T_i * T_mult
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * e / T_i)) / 2


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_schedules_follow_their_documented_closed_form(name):
    make, closed = CLOSED_FORMS[name]
    opt = _sgd()
    got = _lrs(opt, make(opt))
    expected = np.array([[closed(e, b) for b in (0.1, 0.05)] for e in range(EPOCHS + 1)])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                                  "ConstantLR", "PolynomialLR"])
def test_step_with_an_epoch_uses_the_closed_form(name):
    make, closed = CLOSED_FORMS[name]
    opt = _sgd()
    sched = make(opt)
    for e in (3, 17, 9):
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
            sched.step(e)
        assert sched.last_epoch == e
        assert sched.get_last_lr() == pytest.approx([closed(e, 0.1), closed(e, 0.05)], rel=1e-13)


def test_a_training_loop_steps_the_schedule_once_per_epoch():
    mg.manual_seed(0)
    x = mg.randn(64, 3)
    y = x @ mg.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = S.StepLR(opt, step_size=10, gamma=0.5)
    used = []
    for _ in range(30):
        for i in range(0, 64, 16):
            xb, yb = x[i:i + 16], y[i:i + 16]
            used.append(opt.param_groups[0]["lr"])
            loss = F.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        scheduler.step()
    assert used == [0.1 * 0.5 ** (i // 40) for i in range(120)]  # 4 batches an epoch, halved every 10 epochs
    assert loss.item() < 1e-3


def test_stepping_the_scheduler_first_warns_as_pytorch_does():
    opt = _sgd()
    sched = S.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()
    opt = _sgd()
    sched = S.ExponentialLR(opt, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        S.StepLR(_sgd(), step_size=2, last_epoch=3)
    with pytest.raises(TypeError, match="SGDish is not an Optimizer"):
        S.StepLR(type("SGDish", (), {})(), step_size=2)


def test_bad_scheduler_arguments():
    with pytest.raises(ValueError, match="step_size should be a positive integer, got 0"):
        S.StepLR(_sgd(), step_size=0)
    with pytest.raises(ValueError, match="T_max should be a positive integer"):
        S.CosineAnnealingLR(_sgd(), T_max=0)
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be greater than 0"):
        S.LinearLR(_sgd(), start_factor=0)
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between 0 and 1."):
        S.ConstantLR(_sgd(), factor=1.5)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        S.LambdaLR(_sgd(), [lambda e: 1.0])
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        S.MultiplicativeLR(_sgd(), 0.9)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        S.CosineAnnealingWarmRestarts(_sgd(), T_0=0)


# ---------------------------------------------------------------- OneCycleLR and CyclicLR
def test_one_cycle_anneals_up_then_down_with_momentum_the_other_way():
    opt = optim.SGD([nn.Parameter(mg.zeros(1))], lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=100)  # pct_start 0.3: the top at step 29
    lrs, moms = [sched.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(99):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])

    def cos(start, end, pct):
        return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))

    expected = [cos(1 / 25, 1.0, s / 29) if s <= 29 else cos(1.0, 1 / 25 / 1e4, (s - 29) / 70) for s in range(100)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)
    assert moms[0] == 0.95 and moms[29] == pytest.approx(0.85) and moms[-1] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="Tried to step 101 times. The specified number of total steps is 100"):
        opt.step()
        sched.step()
        sched.step()


def test_one_cycle_with_adam_cycles_beta1_three_phase_linear():
    opt = optim.Adam([nn.Parameter(mg.zeros(1))])
    sched = S.OneCycleLR(opt, max_lr=0.01, epochs=4, steps_per_epoch=10, pct_start=0.25, anneal_strategy="linear",
                         three_phase=True)
    lrs, beta1 = [sched.get_last_lr()[0]], [opt.param_groups[0]["betas"][0]]
    for _ in range(39):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        beta1.append(opt.param_groups[0]["betas"][0])
    # up over steps 0..9, down over 9..18, then to initial_lr / final_div_factor at step 39
    assert lrs[0] == pytest.approx(0.01 / 25) and lrs[9] == pytest.approx(0.01) and lrs[18] == pytest.approx(4e-4)
    assert lrs[39] == pytest.approx(4e-4 / 1e4) and lrs[5] == pytest.approx(4e-4 + (0.01 - 4e-4) * 5 / 9)
    assert beta1[9] == pytest.approx(0.85) and beta1[18] == pytest.approx(0.95)
    assert opt.param_groups[0]["betas"][1] == 0.999


def test_one_cycle_arguments():
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        S.OneCycleLR(_sgd(), max_lr=1.0)
    with pytest.raises(ValueError, match="Expected positive integer total_steps, but got 0"):
        S.OneCycleLR(_sgd(), max_lr=1.0, total_steps=0)
    with pytest.raises(ValueError, match="Expected float between 0 and 1 pct_start, but got 1"):
        S.OneCycleLR(_sgd(), max_lr=1.0, total_steps=10, pct_start=1)
    with pytest.raises(ValueError, match="max_lr must have the same length as optimizer.param_groups"):
        S.OneCycleLR(_sgd(), max_lr=[1.0, 2.0, 3.0], total_steps=10)
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        S.OneCycleLR(optim.Adagrad([nn.Parameter(mg.zeros(1))]), max_lr=1.0, total_steps=10)


def test_cyclic_lr_is_a_triangle_between_base_and_max():
    opt = optim.SGD([nn.Parameter(mg.zeros(1))], lr=0.5, momentum=0.9)
    sched = S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=6, mode="triangular2")
    lrs, moms = [sched.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(30):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])

    def height(step):  # of the triangle, relative to max_lr - base_lr
        cycle, x = divmod(step, 10)
        return (x / 4 if x <= 4 else (10 - x) / 6) / 2**cycle  # triangular2 halves it every cycle

    np.testing.assert_allclose(lrs, [0.01 + 0.09 * height(s) for s in range(31)], rtol=1e-12)
    # momentum moves the other way, from max_momentum 0.9 down to base_momentum 0.8
    np.testing.assert_allclose(moms, [0.9 - 0.1 * height(s) for s in range(31)], rtol=1e-12)


# ---------------------------------------------------------------- ReduceLROnPlateau
def test_reduce_on_plateau_counts_bad_epochs_then_cools_down():
    opt = _sgd(lr=1.0)
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1)
    losses = [1.0, 0.9, 0.8] + [0.8] * 9
    lrs = []
    for loss in losses:
        opt.step()
        sched.step(loss)
        lrs.append(sched.get_last_lr()[0])
    # best 0.8 at epoch 3; epochs 4-6 are bad (3 > patience 2): halved at epoch 6; epoch 7 is cooldown
    # (not counted); epochs 8-10 bad again: halved at epoch 10; cooldown 11; epoch 12 is bad number 1
    assert lrs == [1.0] * 5 + [0.5] * 4 + [0.25] * 3
    assert sched.num_bad_epochs == 1 and sched.best == 0.8
    assert [g["lr"] for g in opt.param_groups] == [0.25, 0.125]


def test_reduce_on_plateau_modes_thresholds_and_floors():
    opt = _sgd(lr=1.0)
    sched = S.ReduceLROnPlateau(opt, mode="max", factor=0.1, patience=0, threshold=0.05, threshold_mode="abs",
                                min_lr=[0.02, 0.0])
    for accuracy in [0.5, 0.54, 0.6, 0.62, 0.7]:  # +0.04 and +0.02 are not improvements beyond 0.05
        sched.step(accuracy)
    assert [g["lr"] for g in opt.param_groups] == [pytest.approx(0.02), pytest.approx(0.005)]
    rel = S.ReduceLROnPlateau(_sgd(), threshold=0.1)
    assert rel._is_better(0.89, 1.0) and not rel._is_better(0.91, 1.0)  # below best * (1 - threshold)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        S.ReduceLROnPlateau(_sgd(), factor=1.0)
    with pytest.raises(ValueError, match="mode median is unknown!"):
        S.ReduceLROnPlateau(_sgd(), mode="median")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 3"):
        S.ReduceLROnPlateau(_sgd(), min_lr=[0, 0, 0])


def test_reduce_on_plateau_when_training_stalls():
    # fitting a constant to noisy targets: the loss plateaus at their variance, and the lr is cut
    mg.manual_seed(0)
    y = 3.0 + mg.randn(256, 1)
    w = nn.Parameter(mg.zeros(1))
    opt = optim.SGD([w], lr=0.5)
    sched = S.ReduceLROnPlateau(opt, patience=3, factor=0.5, min_lr=1e-3)
    for _ in range(60):
        loss = ((y - w) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step(loss.item())
    assert opt.param_groups[0]["lr"] < 0.5 and opt.param_groups[0]["lr"] >= 1e-3
    assert abs(w.item() - y.mean().item()) < 1e-3


# ---------------------------------------------------------------- combinations and state
def test_sequential_warmup_then_cosine():
    opt = _sgd()
    sched = S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(opt, T_max=20)],
                           milestones=[5])
    got = _lrs(opt, sched, 25)[:, 0]
    warmup = [0.1 * (0.1 + 0.9 * e / 5) for e in range(5)]
    cosine = [0.1 * (1 + math.cos(math.pi * e / 20)) / 2 for e in range(21)]
    np.testing.assert_allclose(got, warmup + cosine, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="expects number of schedulers provided to be one more"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(opt, 3)], milestones=[])


def test_chained_schedulers_multiply():
    opt = _sgd()
    sched = S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=4), S.ExponentialLR(opt, gamma=0.9)])
    got = _lrs(opt, sched, 10)[:, 0]
    np.testing.assert_allclose(got, [0.1 * (0.5 if e < 4 else 1) * 0.9**e for e in range(11)], rtol=1e-12)
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.ChainedScheduler([S.ReduceLROnPlateau(opt)])


RESUMABLE = {
    "CosineAnnealingLR": lambda o: S.CosineAnnealingLR(o, T_max=7),
    "MultiStepLR": lambda o: S.MultiStepLR(o, [3, 5, 5]),
    "OneCycleLR": lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=20),
    "SequentialLR": lambda o: S.SequentialLR(o, [S.ConstantLR(o, 0.5, 3), S.ExponentialLR(o, 0.8)], [4]),
    "LambdaLR": lambda o: S.LambdaLR(o, lambda e: 0.9**e),
    "CyclicLR": lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3),
}


@pytest.mark.parametrize("name", RESUMABLE)
def test_scheduler_state_round_trips_through_a_file(name, tmp_path):
    opt = _sgd(momentum=0.9)
    sched = RESUMABLE[name](opt)
    for _ in range(6):
        opt.step()
        sched.step()
    mg.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "ckpt.pth")
    ckpt = mg.load(tmp_path / "ckpt.pth")
    opt2 = _sgd(momentum=0.9)
    sched2 = RESUMABLE[name](opt2)  # make the scheduler first, then load both (PyTorch's order)
    opt2.load_state_dict(ckpt["optimizer"])
    sched2.load_state_dict(ckpt["scheduler"])
    np.testing.assert_array_equal(_lrs(opt2, sched2, 10), _lrs(opt, sched, 10))


def test_reduce_on_plateau_state_round_trips(tmp_path):
    opt = _sgd()
    sched = S.ReduceLROnPlateau(opt, patience=1)
    for loss in [1.0, 0.5, 0.6, 0.7]:
        sched.step(loss)
    mg.save(sched.state_dict(), tmp_path / "s.pth")  # best and mode_worse are floats, inf included
    sched2 = S.ReduceLROnPlateau(_sgd(), patience=1)
    sched2.load_state_dict(mg.load(tmp_path / "s.pth"))
    assert (sched2.best, sched2.num_bad_epochs, sched2.last_epoch) == (0.5, 0, 4)


def test_loading_another_schedulers_state_is_refused():
    opt = _sgd()
    with pytest.raises(ValueError, match=r"entries \['milestones'\] that StepLR does not have"):
        S.StepLR(opt, 2).load_state_dict(S.MultiStepLR(opt, [2]).state_dict())

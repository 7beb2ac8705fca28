"""Schedulers made of schedulers, as PyTorch's: `SequentialLR` runs one after another (switching at
milestone epochs, where the next one starts from its epoch 0), `ChainedScheduler` steps all of them
every epoch (their factors multiply, since each updates the current lr).
"""

from bisect import bisect_right

from .base import LRScheduler, check_optimizer, current_lrs, load_except
from .plateau import ReduceLROnPlateau


class SequentialLR(LRScheduler):
    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_parts(self, check_optimizer(optimizer), schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than the number of "
                f"milestone points, but got number of schedulers {len(schedulers)} and the number of milestones to "
                f"be equal to {len(milestones)}")
        self._schedulers, self._milestones = list(schedulers), list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # back to the starting lrs: each part's construction stepped them
            group["lr"] = group["initial_lr"]
        for scheduler in _leaves(self._schedulers):  # undo those constructions' epoch 0 too
            scheduler.last_epoch -= 1
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)  # the next scheduler starts at its epoch 0 (closed form)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        return _with_parts(super().state_dict(), self._schedulers)

    def load_state_dict(self, state_dict):
        _load_with_parts(self, state_dict)


class ChainedScheduler(LRScheduler):
    def __init__(self, schedulers, optimizer=None):
        if len(schedulers) < 1:
            raise ValueError(f"{type(self).__name__} expects at least one scheduler to be chained, but got no "
                             "scheduler.")
        optimizer = optimizer or schedulers[0].optimizer
        _check_parts(self, optimizer, schedulers)
        self._schedulers, self.optimizer = list(schedulers), optimizer
        self._last_lr = current_lrs(self._schedulers[-1].optimizer)

    def step(self):
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = current_lrs(self._schedulers[-1].optimizer)

    def state_dict(self):
        return _with_parts(super().state_dict(), self._schedulers)

    def load_state_dict(self, state_dict):
        _load_with_parts(self, state_dict)


def _check_parts(combined, optimizer, schedulers):
    name = type(combined).__name__
    if len(schedulers) < 1:
        raise ValueError(f"{name} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{name} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{name} does not support `ReduceLROnPlateau` scheduler as it requires additional "
                             "kwargs to be specified when calling `step`, but got one at index "
                             f"{i} in the given schedulers sequence.")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{name} expects all schedulers to belong to the same optimizer, but got scheduler "
                             f"{type(scheduler).__name__} at index {i} has {scheduler.optimizer}, which is "
                             f"different from {type(optimizer).__name__}.")


def _leaves(schedulers):
    for scheduler in schedulers:
        if hasattr(scheduler, "_schedulers"):
            yield from _leaves(scheduler._schedulers)
        else:
            yield scheduler


def _with_parts(state, schedulers):
    state["_schedulers"] = [s.state_dict() for s in schedulers]
    return state


def _load_with_parts(combined, state_dict):
    for scheduler, saved in zip(combined._schedulers, load_except(combined, state_dict, "_schedulers")):
        scheduler.load_state_dict(saved)

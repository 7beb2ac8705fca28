"""`LRScheduler`: the base of every learning-rate schedule, as torch.optim.lr_scheduler's.

A scheduler owns the optimizer's `group["lr"]`s: made, it records each group's starting lr as
`group["initial_lr"]` (`base_lrs`) and sets epoch 0's lr; each `step()` advances `last_epoch` and writes
the next lrs, which `get_last_lr()` returns. Subclasses say how in `get_lr()`, which (like PyTorch's)
updates the *current* lrs recursively — `lr * gamma` rather than `base_lr * gamma ** epoch` — so that
schedules chain and the numbers equal PyTorch's to the last bit. `_get_closed_form_lr()` is the same
schedule as a function of the epoch, used by `step(epoch)` and SequentialLR's restarts.

    >>> import minigrad as mg
    >>> opt = mg.optim.SGD([mg.nn.Parameter(mg.zeros(1))], lr=1.0)
    >>> sched = mg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     opt.step()  # (a real loop trains here)
    ...     sched.step()
    ...     lrs += sched.get_last_lr()
    >>> lrs
    [1.0, 0.5, 0.5, 0.25, 0.25]
"""

import types
import warnings

from ..optimizer import Optimizer

EPOCH_DEPRECATION_WARNING = (
    "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please "
    "use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the "
    "closed form is used instead of the new chainable form, where available. Please open an issue if you are "
    "unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose."
)


class LRScheduler:
    def __init__(self, optimizer, last_epoch=-1):
        self.optimizer = check_optimizer(optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with "
                        "last_epoch >= 0.\nThis typically happens when:\n1. You're trying to resume training from a "
                        "checkpoint but haven't properly loaded the optimizer state\n2. You're using last_epoch >= 0 "
                        "for a fresh training run (not recommended)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """Set epoch 0's lrs (last_epoch -1 -> 0); get_lr() sees `_is_initial` while it does."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The lrs of epoch `last_epoch`, from the current group["lr"]s (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr()")

    def _get_closed_form_lr(self):
        """The lrs of epoch `last_epoch` from base_lrs alone (schedules without a closed form recur)."""
        return self.get_lr()

    def get_last_lr(self):
        """The lrs that the last step() set, one per parameter group."""
        return self._last_lr

    def step(self, epoch=None):
        """Advance one epoch (call it after optimizer.step()) and set the optimizer's lrs."""
        if self._step_count == 1 and _tracks_steps(self.optimizer) and not self.optimizer._opt_called:
            warnings.warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you "
                "should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure "
                "to do this will result in PyTorch skipping the first value of the learning rate schedule. See more "
                "details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
                UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(EPOCH_DEPRECATION_WARNING, UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = current_lrs(self.optimizer)

    # ------------------------------------------------------------ state dicts
    def state_dict(self):
        """Every attribute but the optimizer (save the optimizer's state_dict beside it)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict):
        unknown = sorted(set(state_dict) - set(self.__dict__))
        if unknown:
            raise ValueError(f"loaded scheduler state dict has entries {unknown} that {type(self).__name__} does not "
                             "have: was it saved from another scheduler?")
        self.__dict__.update(state_dict)


class _LRScheduler(LRScheduler):
    """The base's name before PyTorch 2.0, which custom schedulers still subclass."""


def check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
    return optimizer


def current_lrs(optimizer):
    return [group["lr"] for group in optimizer.param_groups]


def per_group(name, optimizer, value):
    """`value` for each param group: a list/tuple of one per group, or one value for all."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have the same length as optimizer.param_groups. {name} has {len(value)} "
                             f"values, param_groups has {len(optimizer.param_groups)}.")
        return list(value)
    return [value] * len(optimizer.param_groups)


def load_except(scheduler, state_dict, key):
    """Load state_dict without `key` (LRScheduler's way), and return what it held there for the caller."""
    state_dict = dict(state_dict)
    held = state_dict.pop(key)
    LRScheduler.load_state_dict(scheduler, state_dict)
    return held


def setup_momentum_cycling(optimizer, base_momentum, max_momentum, last_epoch):
    """For schedules that move the momentum (Adam's beta1) against the lr: (use_beta1, base momentums,
    max momentums) per group. A fresh start (last_epoch -1) sets each group's momentum to its max and
    records both bounds in the group, as PyTorch does."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
    use_beta1 = "betas" in optimizer.defaults
    bottoms = per_group("base_momentum", optimizer, base_momentum)
    tops = per_group("max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for group, bottom, top in zip(optimizer.param_groups, bottoms, tops):
            set_momentum(group, top, use_beta1)
            group["max_momentum"], group["base_momentum"] = top, bottom
    return use_beta1, bottoms, tops


def set_momentum(group, momentum, use_beta1):
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def function_state(fn):
    """What state_dict keeps of a user function: nothing for a plain function or lambda (the code that
    builds the scheduler has it), the attributes of a callable object."""
    return None if fn is None or isinstance(fn, types.FunctionType) else fn.__dict__.copy()


def _tracks_steps(optimizer):
    # Optimizer.step sets _opt_called; a subclass with its own step() may not, so it is not warned about
    return type(optimizer).step is Optimizer.step

"""Whether operations are recorded for backward: `no_grad()` and `enable_grad()` switch it."""

import functools


class _State:
    enabled = True
    writes = 0  # in-place writes to tensors so far: a graph recorded before the latest one checks its inputs


state = _State()


def is_grad_enabled():
    return state.enabled


class _GradMode:
    """Context manager (and decorator) that sets grad recording to `self.mode` and restores it."""

    mode = True

    def __enter__(self):
        self.prev, state.enabled = state.enabled, self.mode

    def __exit__(self, *exc):
        state.enabled = self.prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """`with mg.no_grad():` records nothing: results have requires_grad=False and no grad_fn."""

    mode = False


class enable_grad(_GradMode):
    """Turns recording back on inside a `no_grad` block."""

    mode = True

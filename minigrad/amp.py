"""Automatic mixed precision: inside `autocast()`, matrix products (matmul, linear) on the chosen
device type run in a lower precision (float16 by default); everything else keeps its dtype.

    with mg.autocast("cuda"):          # or, as in older PyTorch code, mg.cuda.amp.autocast()
        out = model(x)                 # the Linear GEMMs and bias kernels run in float16

Inputs are cast with differentiable casts, so gradients flow back to the float32 parameters in
float32. Tensors on other device types are untouched (autocast("cuda") does nothing on the CPU).

The autocast state is per thread (and per asyncio task), like grad mode: it lives in a context
variable (see autograd/grad_mode.py for why not a threading.local).
"""

import contextvars
import functools

import numpy as np

from . import dtypes

# (device type being autocast or None when autocast is off, dtype)
_autocast = contextvars.ContextVar("minigrad_autocast", default=(None, dtypes.float16))


class _State:
    """This thread's autocast state, read as `state.device_type` / `state.dtype`."""

    device_type = property(lambda self: _autocast.get()[0])
    dtype = property(lambda self: _autocast.get()[1])


state = _State()


class autocast:
    def __init__(self, device_type="cuda", dtype=None, enabled=True):
        self.device_type = device_type if enabled else None
        self.dtype = np.dtype(dtype or dtypes.float16)

    def __enter__(self):
        self.prev = _autocast.get()
        _autocast.set((self.device_type, self.dtype))
        return self

    def __exit__(self, *exc):
        _autocast.set(self.prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


def cast(*tensors):
    """The tensors, in the autocast dtype if autocast is on for their device type (None passes).
    Callers skip the call while autocast is off (`state.device_type is None`): GEMMs are hot."""
    if tensors[0].device.type != state.device_type:
        return tensors
    return tuple(t if t is None or t.dtype.kind != "f" else t.to(state.dtype) for t in tensors)

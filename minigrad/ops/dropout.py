"""Dropout: zero each element with probability p, scale the survivors by 1 / (1 - p).

    y = x * m,    m = [u >= p] / (1 - p),  u uniform on [0, 1)      dx = g * m (Mul's backward)

"Inverted" dropout, as PyTorch does: the expected value is unchanged, so evaluation needs no
rescaling. The mask m is a constant of the graph, made by DropoutMask (no gradient) on the input's
device, so y = x * m is recorded as an ordinary Mul, which also differentiates it twice.

Where the mask is drawn, and what a seed reproduces:
* CPU: one uniform per element from minigrad's host generator (manual_seed, or generator=), as rand
  draws them.
* GPU: on the device, by Philox4x32-10, a counter-based generator (kernels/dropout.py; cuRAND's and
  PyTorch's CUDA dropout use it too), keyed by one 64-bit number taken from the same host generator
  per call: one launch, no random numbers copied from the host.
So under manual_seed each device's masks are the same run after run, but a GPU's masks differ from
the CPU's (as PyTorch's CPU and CUDA generators differ), and a dropout advances the host generator by
one number per element on the CPU but by one number on a GPU: seeded CPU and GPU runs draw the same
random numbers (inits, randn, DataLoader shuffles) up to their first dropout, and different ones after.

    >>> import minigrad as mg
    >>> _ = mg.manual_seed(0)
    >>> mg.nn.functional.dropout(mg.ones(8), 0.25)    # survivors scaled by 1 / (1 - 0.25)
    tensor([1.3333, 1.3333, 1.3333, 1.3333, 1.3333, 0.0000, 0.0000, 0.0000])
"""

from .. import dtypes
from ..autograd.function import Function
from ..random import rng


class DropoutMask(Function):
    """m = [u >= p] / (1 - p) in x's shape, dtype and device (0 everywhere for p = 1); no gradient."""

    differentiable = False

    def forward(self, x, p=0.5, generator=None):
        scale = 0.0 if p == 1 else 1 / (1 - p)
        return self.device.backend.dropout_mask(x.shape, x.dtype, p, scale, rng(generator))


def dropout(input, p=0.5, training=True, inplace=False, generator=None):
    """Zero each element with probability p and scale the survivors by 1 / (1 - p) (see the module
    docstring); the input itself when not training or p = 0. `inplace`: see nn.functional."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    dtypes.check_float("dropout", input)
    return input * DropoutMask.apply(input, p=p, generator=generator)

"""Copies that reorder or repeat elements: flip, roll, repeat/tile (PyTorch copies these too, unlike
the views in shape.py). The gradient undoes the move.

    flip      dx = g flipped the same way       roll     dx = g rolled back
    repeat    dx = g summed over the copies      tile     repeat, padded with 1s in front

    >>> import minigrad as mg
    >>> x = mg.arange(3)
    >>> x.flip(0), x.roll(1), x.repeat(2)
    (tensor([2, 1, 0]), tensor([2, 0, 1]), tensor([0, 1, 2, 0, 1, 2]))
"""

from ..autograd.function import Function
from .out import expect_tensor
from .reduce import wrap_dim
from .shape import _dims, _sizes, reshape


class Repeat(Function):
    saved_inputs = {}

    def forward(self, x, repeats=()):
        self.shape = x.shape  # already padded with leading 1s to len(repeats)
        return self.xp.tile(x, repeats)

    def backward(self, g):
        # g is (r0 * n0, r1 * n1, ...): view it as (r0, n0, r1, n1, ...) and sum over the copies r_i
        if g.size == 0:  # nothing repeated (a repeat of 0), or nothing to repeat
            return (self.xp.zeros(self.shape, dtype=g.dtype),)
        split = [m for r, n in zip(g.shape, self.shape) for m in (r // n, n)]
        return (g.reshape(split).sum(axis=tuple(range(0, len(split), 2))),)


class Flip(Function):
    saved_inputs = {}

    def forward(self, x, dims=()):
        self.dims = dims
        return self.xp.flip(x, dims).copy()  # PyTorch's flip copies: the result is not a view of x

    def backward(self, g):
        return (self.xp.flip(g, self.dims),)


class Roll(Function):
    saved_inputs = {}

    def forward(self, x, shifts=(), dims=None):
        self.shifts, self.dims = shifts, dims
        return self.roll(x, shifts)

    def roll(self, a, shifts):
        # no dims: one shift over the flattened tensor, shape kept
        return self.xp.roll(a, shifts if self.dims is not None else shifts[0], self.dims)

    def backward(self, g):
        return (self.roll(g, tuple(-s for s in self.shifts)),)


def repeat(input, *sizes):
    """input tiled sizes[i] times along each dim i; len(sizes) >= ndim, extra dims in front (Tensor.repeat)."""
    x = expect_tensor("repeat", input)
    sizes = tuple(int(n) for n in _sizes(sizes))
    if len(sizes) < x.ndim:
        raise RuntimeError(f"Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           f"tensor (repeat dims {list(sizes)}, tensor shape {tuple(x.shape)})")
    padded = x if len(sizes) == x.ndim else reshape(x, *(1,) * (len(sizes) - x.ndim), *x.shape)
    return Repeat.apply(padded, repeats=sizes)


def tile(input, dims):
    """Like repeat, but fewer dims than input has are padded with 1s in front (torch.tile)."""
    x = expect_tensor("tile", input)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return repeat(x, *(1,) * (x.ndim - len(dims)), *dims)


def flip(input, *dims):
    """input reversed along each of dims (a copy, as in PyTorch) (torch.flip)."""
    x = expect_tensor("flip", input)
    return Flip.apply(x, dims=_dims(_sizes(dims), x.ndim, "flip"))


def roll(input, shifts, dims=None):
    """input's elements shifted by `shifts` along dims, wrapping around; with no dims, over the
    flattened tensor (torch.roll)."""
    x = expect_tensor("roll", input)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: with no dims, shifts must be one number, got {list(shifts)}")
        return Roll.apply(x, shifts=shifts, dims=None)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return Roll.apply(x, shifts=shifts, dims=tuple(wrap_dim(d, x.ndim) for d in dims))

"""The cross product of 3-vectors along one dim, broadcast over the others:

    z = a x b,  z_i = a_{i+1} b_{i+2} - a_{i+2} b_{i+1} (indices mod 3)      da = b x g      db = g x a

    >>> import minigrad as mg
    >>> mg.linalg.cross(mg.tensor([1.0, 0.0, 0.0]), mg.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
"""

import warnings

from ..autograd.function import Function
from .arith import operands, sum_to
from .out import expect_tensor, into
from .reduce import wrap_dim


class Cross(Function):
    node = "LinalgCrossBackward0"
    saved_inputs = {0: (1,), 1: (0,)}  # da = b x g, db = g x a

    def forward(self, a, b, dim=-1):
        self.a, self.b, self.dim = a, b, dim  # dim counts from the end: a and b may differ in ndim
        return self.xp.cross(a, b, axis=dim)

    def backward(self, g):
        da, db = self.needs_input_grad
        return (sum_to(_cross(self.b, g, self.dim), self.a.shape) if da else None,
                sum_to(_cross(g, self.a, self.dim), self.b.shape) if db else None)


def _cross(a, b, dim):
    """a x b along dim (< 0) by index permutations, which create_graph can record (xp.cross it cannot):
    (a x b)_i = a_{i+1} b_{i+2} - a_{i+2} b_{i+1}, indices mod 3."""
    after = (slice(None),) * (-dim - 1)
    next1, next2 = (Ellipsis, [1, 2, 0], *after), (Ellipsis, [2, 0, 1], *after)
    return a[next1] * b[next2] - a[next2] * b[next1]


def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along dim, broadcast over the other dims (torch.linalg.cross)."""
    a, b = operands(expect_tensor("linalg.cross", input), expect_tensor("linalg.cross", other, "other"), "cross")
    ndim = max(a.ndim, b.ndim)  # dim counts in the broadcast shape
    d = wrap_dim(dim, ndim) - ndim
    size_a, size_b = (t.shape[d] if t.ndim >= -d else 1 for t in (a, b))
    if size_a != 3 or size_b != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {size_a} and {size_b}")
    return into(out, Cross.apply(a, b, dim=d), "linalg.cross")


def legacy_cross(input, other, dim=None, *, out=None):
    """torch.cross: linalg.cross, but dim=None (deprecated) means the first dim of size 3."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated. Please either pass the dim "
                      "explicitly or simply use torch.linalg.cross. The default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        sizes = expect_tensor("cross", input).shape
        dim = next((i for i, n in enumerate(sizes) if n == 3), -1)
    return cross(input, other, dim=dim, out=out)


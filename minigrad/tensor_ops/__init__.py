"""Tensor's op methods, PyTorch's `x.sum(1)`, `x.view(2, -1)`, `x.sin_()`: each is one line that calls
the function in ops/ (where the math and the gradient are), so `x.exp()` and `minigrad.exp(x)` are the
same op. One mixin per group, as ops/ is grouped, joined here into TensorOps, which Tensor mixes in
(Tensor keeps the operators: +, @, [], ...):

    elementwise.py  arithmetic, smooth and piecewise functions, three-tensor blends, random fills
    compare.py      comparisons, logic and bitwise ops
    reductions.py   sums and means, order statistics, running sums, counts
    linalg.py       products, norms, square matrices, decompositions, diagonals
    shapes.py       views, reordering copies, joins, indexing and masks

The in-place forms (PyTorch's trailing underscore) are each made by one of two wrappers, in_place and
view_in_place (in_place.py), from the method they are the in-place form of.

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, -2.0], [3.0, 4.0]])
    >>> x.abs().sum(dim=1), x.max(dim=0).indices, x.T.flatten()
    (tensor([3., 7.]), tensor([1, 1]), tensor([ 1.,  3., -2.,  4.]))
    >>> x.clamp_(min=0).unsqueeze_(0).shape, x
    (minigrad.Size([1, 2, 2]), tensor([[[1., 0.],
             [3., 4.]]]))

ops/ is read at call time (ops.math.exp), because the ops import Tensor, which imports this package.
"""

from .compare import CompareOps
from .elementwise import ElementwiseOps
from .linalg import LinalgOps
from .reductions import ReductionOps
from .shapes import ShapeOps


class TensorOps(ElementwiseOps, CompareOps, ReductionOps, LinalgOps, ShapeOps):
    __slots__ = ()  # keeps Tensor free of a per-instance __dict__

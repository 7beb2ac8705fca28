"""Tensor's comparison, logic and bitwise methods (ops/compare.py), and their in-place forms, which
write the bool results into the tensor as 0 and 1 of its dtype (`x.gt_(0)`)."""

from .. import ops
from .in_place import in_place


class CompareOps:
    __slots__ = ()

    def eq(self, other):
        return ops.compare.eq(self, other)

    def ne(self, other):
        return ops.compare.ne(self, other)

    def lt(self, other):
        return ops.compare.lt(self, other)

    def le(self, other):
        return ops.compare.le(self, other)

    def gt(self, other):
        return ops.compare.gt(self, other)

    def ge(self, other):
        return ops.compare.ge(self, other)

    not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.compare.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.compare.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        return ops.compare.equal(self, other)

    def isnan(self):
        return ops.compare.isnan(self)

    def isinf(self):
        return ops.compare.isinf(self)

    def isfinite(self):
        return ops.compare.isfinite(self)

    def logical_not(self):
        return ops.compare.logical_not(self)

    def logical_and(self, other):
        return ops.compare.logical_and(self, other)

    def logical_or(self, other):
        return ops.compare.logical_or(self, other)

    def logical_xor(self, other):
        return ops.compare.logical_xor(self, other)

    def bitwise_not(self):
        return ops.compare.bitwise_not(self)

    def bitwise_and(self, other):
        return ops.compare.bitwise_and(self, other)

    def bitwise_or(self, other):
        return ops.compare.bitwise_or(self, other)

    def bitwise_xor(self, other):
        return ops.compare.bitwise_xor(self, other)

    eq_ = in_place(eq)
    ne_ = in_place(ne)
    lt_ = in_place(lt)
    le_ = in_place(le)
    gt_ = in_place(gt)
    ge_ = in_place(ge)
    not_equal_, less_, less_equal_, greater_, greater_equal_ = ne_, lt_, le_, gt_, ge_
    logical_not_ = in_place(logical_not)
    logical_and_ = in_place(logical_and)
    logical_or_ = in_place(logical_or)
    logical_xor_ = in_place(logical_xor)
    bitwise_not_ = in_place(bitwise_not)
    bitwise_and_ = in_place(bitwise_and)
    bitwise_or_ = in_place(bitwise_or)
    bitwise_xor_ = in_place(bitwise_xor)

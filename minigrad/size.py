"""`Size`: what `Tensor.shape` and `Tensor.size()` return, as torch.Size.

    >>> import minigrad as mg
    >>> s = mg.zeros(2, 3).shape
    >>> s, s == (2, 3), s[1:], s.numel()
    (minigrad.Size([2, 3]), True, minigrad.Size([3]), 6)

A tuple of ints, so everything that takes a tuple takes it; slicing, `+` and `*` keep it a Size.
`Tensor.shape` builds one from its array's shape on every read (a tuple copy, ~50 ns); code on a hot
path can read the array's own shape (`tensor._data.shape`, a plain tuple) instead.
"""

import math


class Size(tuple):
    __slots__ = ()

    def __repr__(self):
        return f"minigrad.Size({list(self)})"

    def numel(self):
        """The number of elements a tensor of this shape holds (1 for Size([]))."""
        return math.prod(self)

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple.__add__(other, self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return Size, (tuple(self),)

"""PyTorch's named result tuples (torch.return_types): what max(dim), min(dim), sort and topk return,
unpacked as `values, indices = x.max(dim=1)` or read as `.values` / `.indices`."""


class _ValuesIndices(tuple):
    __slots__ = ()

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"minigrad.return_types.{type(self).__name__}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class max(_ValuesIndices):  # noqa: A001  (PyTorch's names)
    __slots__ = ()


class min(_ValuesIndices):  # noqa: A001
    __slots__ = ()


class sort(_ValuesIndices):
    __slots__ = ()


class topk(_ValuesIndices):
    __slots__ = ()

"""PyTorch's named result tuples (torch.return_types): what max(dim), min(dim), sort, topk and the
matrix decompositions return, unpacked as `values, indices = x.max(dim=1)` or read as `.values` /
`.indices` (`U, S, Vh = linalg.svd(A)` or `.S`)."""

from operator import itemgetter


class _Named(tuple):
    __slots__ = ()
    _fields = ()

    def __repr__(self):
        items = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"minigrad.return_types.{type(self).__name__}(\n{items})"


class _ValuesIndices(_Named):
    __slots__ = ()
    _fields = ("values", "indices")
    values, indices = property(itemgetter(0)), property(itemgetter(1))


class max(_ValuesIndices):  # noqa: A001  (PyTorch's names)
    __slots__ = ()


class min(_ValuesIndices):  # noqa: A001
    __slots__ = ()


class sort(_ValuesIndices):
    __slots__ = ()


class topk(_ValuesIndices):
    __slots__ = ()


class linalg_slogdet(_Named):
    __slots__ = ()
    _fields = ("sign", "logabsdet")
    sign, logabsdet = property(itemgetter(0)), property(itemgetter(1))


class slogdet(linalg_slogdet):
    __slots__ = ()


class linalg_svd(_Named):
    __slots__ = ()
    _fields = ("U", "S", "Vh")
    U, S, Vh = property(itemgetter(0)), property(itemgetter(1)), property(itemgetter(2))


class svd(_Named):
    """torch.svd's legacy form: V itself, not its transpose Vh."""

    __slots__ = ()
    _fields = ("U", "S", "V")
    U, S, V = property(itemgetter(0)), property(itemgetter(1)), property(itemgetter(2))


class linalg_qr(_Named):
    __slots__ = ()
    _fields = ("Q", "R")
    Q, R = property(itemgetter(0)), property(itemgetter(1))


class qr(linalg_qr):
    __slots__ = ()


class linalg_eigh(_Named):
    __slots__ = ()
    _fields = ("eigenvalues", "eigenvectors")
    eigenvalues, eigenvectors = property(itemgetter(0)), property(itemgetter(1))

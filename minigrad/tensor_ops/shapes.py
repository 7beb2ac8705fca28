"""Tensor's shape methods: views (ops/shape.py), copies that reorder (reorder.py), joins (join.py),
indexing and masks (index.py, gather.py, mask.py), and their in-place forms."""

from .. import ops
from .in_place import in_place, view_in_place


class ShapeOps:
    __slots__ = ()

    # ---------------------------------------------------------------- shapes (shape.py, reorder.py, join.py)
    def reshape(self, *shape):
        return ops.shape.reshape(self, *shape)

    def view(self, *shape):
        return ops.shape.reshape(self, *shape)  # may copy where PyTorch's view would refuse (non-contiguous)

    def view_as(self, other):
        return ops.shape.view_as(self, other)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.shape.flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return ops.shape.unflatten(self, dim, sizes)

    def squeeze(self, dim=None):
        return ops.shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return ops.shape.unsqueeze(self, dim)

    def permute(self, *dims):
        return ops.shape.permute(self, *dims)

    def transpose(self, dim0, dim1):
        return ops.shape.transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return ops.shape.t(self)

    squeeze_ = view_in_place(squeeze)
    unsqueeze_ = view_in_place(unsqueeze)
    transpose_ = swapaxes_ = swapdims_ = view_in_place(transpose)
    t_ = view_in_place(t)

    @property
    def mT(self):
        return ops.shape.matrix_transpose(self)

    def movedim(self, source, destination):
        return ops.shape.movedim(self, source, destination)

    moveaxis = movedim

    def expand(self, *sizes):
        return ops.shape.expand(self, *sizes)

    def expand_as(self, other):
        return ops.shape.expand_as(self, other)

    def repeat(self, *sizes):
        return ops.reorder.repeat(self, *sizes)

    def tile(self, *dims):
        return ops.reorder.tile(self, dims[0] if len(dims) == 1 else dims)

    def flip(self, *dims):
        return ops.reorder.flip(self, *dims)

    def roll(self, shifts, dims=None):
        return ops.reorder.roll(self, shifts, dims)

    def split(self, split_size, dim=0):
        return ops.join.split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return ops.join.chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return ops.join.unbind(self, dim)

    # ---------------------------------------------------------------- indexing and masks (index.py, gather.py, mask.py)
    def narrow(self, dim, start, length):
        return ops.index.narrow(self, dim, start, length)

    def index_select(self, dim, index):
        return ops.gather.index_select(self, dim, index)

    def gather(self, dim, index):
        return ops.gather.gather(self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None):
        return ops.gather.scatter(self, dim, index, src, value=value)

    def scatter_add(self, dim, index, src):
        return ops.gather.scatter_add(self, dim, index, src)

    def masked_fill(self, mask, value):
        return ops.mask.masked_fill(self, mask, value)

    def where(self, condition, y):
        return ops.mask.where(condition, self, y)

    def nonzero(self, *, as_tuple=False):
        return ops.mask.nonzero(self, as_tuple=as_tuple)

    def tril(self, diagonal=0):
        return ops.mask.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.mask.triu(self, diagonal)

    scatter_ = in_place(scatter)
    scatter_add_ = in_place(scatter_add)
    masked_fill_ = in_place(masked_fill)
    tril_ = in_place(tril)
    triu_ = in_place(triu)

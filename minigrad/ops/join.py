"""Joining tensors and splitting them: cat, stack, hstack, vstack; split, chunk, unbind.

    cat / stack     dx_i = the slice of g that x_i filled
    split, chunk    views of the input, one per piece; each piece's gradient lands in its slice
    unbind          the views x[i] along dim

Inputs of different dtypes are joined in the dtype PyTorch promotes them to (cat of float32 and
int64 gives float32).

    >>> import minigrad as mg
    >>> a, b = mg.stack([mg.zeros(2), mg.ones(2)]).unbind()
    >>> mg.cat([a, b]), [p.shape for p in mg.arange(5).split(2)]
    (tensor([0., 0., 1., 1.]), [minigrad.Size([2]), minigrad.Size([2]), minigrad.Size([1])])
"""

from ..autograd.function import Function
from ..tensor import Tensor
from .arith import promote
from .index import Select, Slice
from .out import expect_tensor, into
from .reduce import wrap_dim
from .shape import reshape


class Cat(Function):
    saved_inputs = {}

    def forward(self, *xs, dim=0):
        self.dim = dim
        self.bounds = [0]
        for x in xs:
            self.bounds.append(self.bounds[-1] + x.shape[dim])
        return self.xp.concatenate(xs, axis=dim)

    def piece(self, i):
        """Where input i lies along dim in the result."""
        return slice(self.bounds[i], self.bounds[i + 1])

    def backward(self, g):
        index = [slice(None)] * g.ndim
        grads = []
        for i, needed in enumerate(self.needs_input_grad):
            index[self.dim] = self.piece(i)
            grads.append(g[tuple(index)] if needed else None)
        return grads


class Stack(Cat):
    def forward(self, *xs, dim=0):
        self.dim = dim
        return self.xp.stack(xs, axis=dim)

    def piece(self, i):
        return i


class Split(Slice):
    pass


class SplitWithSizes(Slice):
    pass


class Unbind(Select):
    pass


def _tensors(op, tensors):
    if isinstance(tensors, Tensor) or not all(isinstance(t, Tensor) for t in tensors):
        got = "a Tensor" if isinstance(tensors, Tensor) else f"items of types {[type(t).__name__ for t in tensors]}"
        raise TypeError(f"{op}(): argument 'tensors' must be a tuple or list of Tensors, got {got}")
    tensors = list(tensors)
    if not tensors:  # PyTorch's two messages
        if op == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"{op}(): expected a non-empty list of Tensors")
    return promote(tensors)


def cat(tensors, dim=0, *, out=None):
    """The tensors joined along an existing dim; all other sizes must match (torch.cat)."""
    tensors = _tensors("cat", tensors)
    # PyTorch's legacy rule: 1-D empty tensors are skipped, whatever the others' shapes
    joined = [t for t in tensors if t.shape != (0,)] or tensors[:1]
    first = joined[0]
    for i, t in enumerate(joined):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if t.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {t.ndim}")
    d = wrap_dim(dim, first.ndim)
    before, after = first.shape[:d], first.shape[d + 1:]
    for i, t in enumerate(joined):
        if t.shape[:d] != before or t.shape[d + 1:] != after:
            j = next(j for j, (m, n) in enumerate(zip(first.shape, t.shape)) if j != d and m != n)
            raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                               f"{first.shape[j]} but got size {t.shape[j]} for tensor number {i} in the list.")
    return into(out, Cat.apply(*joined, dim=d), "cat")


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """The tensors, all of one shape, joined along a new dim (torch.stack)."""
    tensors = _tensors("stack", tensors)
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return into(out, Stack.apply(*tensors, dim=wrap_dim(dim, tensors[0].ndim + 1)), "stack")


def hstack(tensors, *, out=None):
    """cat along dim 1, or dim 0 for vectors (0-d tensors count as vectors of one) (torch.hstack)."""
    tensors = [reshape(t, 1) if t.ndim == 0 else t for t in _tensors("hstack", tensors)]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """cat along dim 0 of the tensors viewed as at least 2-D (a vector becomes one row) (torch.vstack)."""
    tensors = [reshape(t, 1, -1) if t.ndim < 2 else t for t in _tensors("vstack", tensors)]
    return cat(tensors, 0, out=out)


row_stack = vstack


def split(tensor, split_size_or_sections, dim=0):
    """Views of tensor in pieces along dim: of split_size each (the last may be smaller), or of the
    given sizes, which must add up to the dim's size (torch.split)."""
    x = expect_tensor("split", tensor)
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d] if x.ndim else 0
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size < 0 or (size == 0 and n):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                               if size == 0 else f"split expects split_size be non-negative, but got {size}")
        sizes = [size] * (n // size) + [n % size] if size else [0]
        sizes = [s for s in sizes if s] or [0]  # an empty dim still gives one (empty) piece
        cls = Split
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
        cls = SplitWithSizes
    pieces, start = [], 0
    for size in sizes:
        pieces.append(cls.apply(x, index=(slice(None),) * d + (slice(start, start + size),)))
        start += size
    return tuple(pieces)


def chunk(input, chunks, dim=0):
    """input split into `chunks` pieces of ceil(size / chunks) (fewer if the dim is short) (torch.chunk)."""
    x = expect_tensor("chunk", input)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = x.shape[wrap_dim(dim, x.ndim)] if x.ndim else 0
    return split(x, max(-(-n // chunks), 1), dim)


def unbind(input, dim=0):
    """The views input[i] along dim, as a tuple (torch.unbind)."""
    x = expect_tensor("unbind", input)
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, x.ndim)
    return tuple(Unbind.apply(x, index=(slice(None),) * d + (i,)) for i in range(x.shape[d]))

"""Views with a new shape: the same elements, seen differently; the gradient is seen back.

    reshape   dx = g reshaped to x's shape          permute  dx = g permuted by the inverse order
    expand    dx = sum_to(g, x.shape)

squeeze/unsqueeze/flatten/unflatten/view are reshapes; transpose/t/mT/movedim are permutes. All
return views, as in PyTorch. The copies that reorder elements (flip, roll, repeat) are in
reorder.py, indexing in index.py, cat/stack/split in join.py.

    >>> import minigrad as mg
    >>> x = mg.arange(6).reshape(2, 3)
    >>> x.T.shape, x.unsqueeze(0).shape, x.movedim(0, 1).shape
    (minigrad.Size([3, 2]), minigrad.Size([1, 2, 3]), minigrad.Size([3, 2]))
"""

import operator

from ..autograd.function import Function
from .arith import sum_to
from .out import expect_tensor
from .reduce import wrap_dim


class Reshape(Function):
    node = "ViewBackward0"
    saved_inputs = {}

    def forward(self, x, shape=()):
        self.shape = x.shape
        return x.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.shape),)


class Squeeze(Reshape):
    pass  # squeeze(): PyTorch's SqueezeBackward0


class SqueezeDim(Reshape):
    node = "SqueezeBackward1"


class SqueezeDims(Reshape):
    node = "SqueezeBackward2"


class Unsqueeze(Reshape):
    pass


class Permute(Function):
    saved_inputs = {}

    def forward(self, x, dims=()):
        self.dims = dims
        return x.transpose(dims)

    def backward(self, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (g.transpose(inverse),)


class Transpose(Permute):
    pass


class T(Permute):
    pass  # x.t()


class Expand(Function):
    saved_inputs = {}

    def forward(self, x, shape=()):
        self.shape = x.shape
        return self.xp.broadcast_to(x, shape)

    def backward(self, g):
        return (sum_to(g, self.shape),)


def _sizes(args):
    """Accept f(2, 3) and f((2, 3)) alike."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)


def _dims(dims, ndim, op):
    """A tuple of distinct non-negative dims, in the given order."""
    dims = tuple(wrap_dim(d, ndim) for d in ((dims,) if isinstance(dims, int) else dims))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"{op}(): duplicate dims are not allowed, got {dims}")
    return dims


def _new_shape(x, shape):
    """shape with its -1 inferred, checked against x's size with PyTorch's errors."""
    numel, known, inferred = x._data.size, 1, None  # the common cases in one loop: sizes >= 0, at most one -1
    for i, n in enumerate(shape):
        if type(n) is not int:  # a NumPy integer or a 0-d tensor
            return _new_shape(x, tuple(map(operator.index, shape)))
        if n >= 0:
            known *= n
        elif n == -1 and inferred is None:
            inferred = i
        else:
            break
    else:
        if inferred is None and known == numel:
            return tuple(shape)
        if inferred is not None and known and numel % known == 0:
            return (*shape[:inferred], numel // known, *shape[inferred + 1:])
    shape = tuple(shape)  # what is wrong, in PyTorch's words
    if shape.count(-1) > 1:
        raise RuntimeError(f"only one dimension can be inferred, got shape {list(shape)}")
    if any(n < -1 for n in shape):
        raise RuntimeError(f"invalid shape dimension {next(n for n in shape if n < -1)} in {list(shape)}")
    if -1 in shape and known == 0 and numel == 0:
        raise RuntimeError(f"cannot reshape tensor of {numel} elements into shape {list(shape)} because the "
                           "unspecified dimension size -1 can be any value and is ambiguous")
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel} (shape {tuple(x.shape)})")


def reshape(input, *shape):
    """input's elements in a new shape (one dim may be -1, inferred), a view where possible (torch.reshape)."""
    x = expect_tensor("reshape", input)
    return Reshape.apply(x, shape=_new_shape(x, _sizes(shape)))


def flatten(input, start_dim=0, end_dim=-1):
    """Dims start_dim..end_dim merged into one (torch.flatten); a 0-d tensor becomes 1-D."""
    x = expect_tensor("flatten", input)
    if x.ndim == 0:
        return Reshape.apply(x, shape=(1,))
    start, end = wrap_dim(start_dim, x.ndim), wrap_dim(end_dim, x.ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    return reshape(x, *x.shape[:start], -1, *x.shape[end + 1:])


def unflatten(input, dim, sizes):
    """Dim `dim` split into `sizes` (one may be -1) (torch.unflatten)."""
    x = expect_tensor("unflatten", input)
    d = wrap_dim(dim, x.ndim)
    sizes = tuple(sizes)
    known = 1
    for n in sizes:
        known *= n if n != -1 else 1
    if sizes.count(-1) > 1 or (-1 in sizes and (known == 0 or x.shape[d] % known)) or \
            (-1 not in sizes and known != x.shape[d]):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                           f"({x.shape[d]}) in the input tensor")
    return reshape(x, *x.shape[:d], *sizes, *x.shape[d + 1:])


def squeeze(input, dim=None):
    """input without its size-1 dims (all, or those in dim: an int or tuple) (torch.squeeze)."""
    x = expect_tensor("squeeze", input)
    if dim is None:
        return Squeeze.apply(x, shape=tuple(n for n in x.shape if n != 1))
    dims = _dims(dim, x.ndim, "squeeze")
    cls = SqueezeDim if isinstance(dim, int) else SqueezeDims
    return cls.apply(x, shape=tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))


def unsqueeze(input, dim):
    """input with a size-1 dim inserted at dim (-1 = last) (torch.unsqueeze)."""
    x = expect_tensor("unsqueeze", input)
    if not isinstance(dim, int):
        raise TypeError(f"unsqueeze(): argument 'dim' must be int, not {type(dim).__name__}")
    d = wrap_dim(dim, x.ndim + 1)
    return Unsqueeze.apply(x, shape=(*x.shape[:d], 1, *x.shape[d:]))


def permute(input, *dims):
    """input with its dims reordered: dim i of the result is dim dims[i] of input (torch.permute)."""
    x = expect_tensor("permute", input)
    dims = _dims(_sizes(dims), x.ndim, "permute")
    if len(dims) != x.ndim:
        raise RuntimeError(f"permute(): number of dimensions in the tensor input does not match the length of the "
                           f"desired ordering of dimensions i.e. input.dim() = {x.ndim} is not equal to "
                           f"len(dims) = {len(dims)}")
    return Permute.apply(x, dims=dims)


def _swapped(x, dim0, dim1):
    dims = list(range(x.ndim))
    d0, d1 = wrap_dim(dim0, x.ndim), wrap_dim(dim1, x.ndim)
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return tuple(dims)


def transpose(input, dim0, dim1):
    """input with dims dim0 and dim1 swapped, a view (torch.transpose)."""
    x = expect_tensor("transpose", input)
    return Transpose.apply(x, dims=_swapped(x, dim0, dim1) if x.ndim else ())


swapaxes = swapdims = transpose


def t(input):
    """The transpose of a matrix; vectors and scalars are returned as they are (torch.t)."""
    x = expect_tensor("t", input)
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return T.apply(x, dims=tuple(range(x.ndim - 1, -1, -1)))


def matrix_transpose(input):
    """x.mT: the last two dims swapped, for matrices and batches of them."""
    if input.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D "
                           "tensor.")
    return Transpose.apply(input, dims=_swapped(input, -2, -1))


def movedim(input, source, destination):
    """input with dims `source` moved to positions `destination` (ints or tuples), the rest in order
    (torch.movedim)."""
    x = expect_tensor("movedim", input)
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    src, dst = (tuple(wrap_dim(d, x.ndim) for d in ds) for ds in (src, dst))
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(ds)})")
    rest = iter(d for d in range(x.ndim) if d not in src)
    order = dict(zip(dst, src))
    return Permute.apply(x, dims=tuple(order[i] if i in order else next(rest) for i in range(x.ndim)))


moveaxis = movedim


def expand(input, *sizes):
    """A view of input broadcast to `sizes` (-1 keeps a dim; new dims go in front) (Tensor.expand)."""
    x = expect_tensor("expand", input)
    sizes = tuple(int(n) for n in _sizes(sizes))
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({x.ndim}) (shape {tuple(x.shape)}, sizes "
                           f"{list(sizes)})")
    for i, n in enumerate(sizes[:lead]):
        if n < 0:
            raise RuntimeError(f"The expanded size of the tensor ({n}) isn't allowed in a leading, non-existing "
                               f"dimension {i}")
    shape = sizes[:lead] + tuple(m if n == -1 else n for n, m in zip(sizes[lead:], x.shape))
    for i in reversed(range(x.ndim)):  # PyTorch names the last mismatch first
        n, m = shape[lead + i], x.shape[i]
        if n != m and m != 1:
            raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({m}) at "
                               f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  "
                               f"Tensor sizes: {list(x.shape)}")
    return Expand.apply(x, shape=shape)


def expand_as(input, other):
    return expand(input, other.shape)


def view_as(input, other):
    return reshape(input, other.shape)

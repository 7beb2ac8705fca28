"""Vector and matrix norms: minigrad.linalg.vector_norm / matrix_norm / norm and Tensor.norm.

    vector p-norm  y = (sum |x|^p)^(1/p)    dx = g sign(x) |x|^(p-1) / y^(p-1)   (0 where y = 0)
    p = inf / -inf y = max / min |x|        dx = g sign(x), shared among the ties
    p = 0          y = count of x != 0      dx = 0
    matrix norms   'fro' is the 2-norm of the entries; ord 1 / inf are the largest column / row sum
                   of |A|, -1 / -inf the smallest: compositions of the above with amax / amin;
                   'nuc' is the sum of the singular values, 2 / -2 the largest / smallest (an SVD)
    cdist          the p-norm distance between each pair of rows of two sets: vector_norm of the
                   broadcast differences

    >>> import minigrad as mg
    >>> a = mg.tensor([[3.0, -4.0], [0.0, 0.0]])
    >>> a.norm(), mg.linalg.vector_norm(a, ord=1, dim=1), mg.linalg.matrix_norm(a, ord=1)
    (tensor(5.), tensor([7., 0.]), tensor(4.))
"""

from .. import dtypes
from ..autograd.function import Function
from .out import expect_tensor, into
from .reduce import _keep, normalize_dims
from .sort import amax, amin

INF = float("inf")


class VectorNorm(Function):
    node = "LinalgVectorNormBackward0"
    saves_output = (0,)

    def forward(self, x, ord=2, dim=None, keepdim=False):
        xp = self.xp
        self.x, self.ord, self.keepdim = x, ord, keepdim
        self.axes = normalize_dims(dim, x.ndim)
        a = xp.abs(x)
        if ord == INF or ord == -INF:
            y = a.max(axis=self.axes, keepdims=True) if ord > 0 else a.min(axis=self.axes, keepdims=True)
        elif ord == 0:
            y = (a != 0).sum(axis=self.axes, keepdims=True).astype(x.dtype)
        elif ord == 1:
            y = a.sum(axis=self.axes, keepdims=True)
        elif ord == 2:
            y = xp.sqrt((a * a).sum(axis=self.axes, keepdims=True))
        else:
            y = (a**ord).sum(axis=self.axes, keepdims=True) ** (1 / ord)
        self.y = y  # keepdim shape
        return y if keepdim else y.reshape([n for i, n in enumerate(x.shape) if i not in self.axes])

    def backward(self, g):
        xp, x, y, p = self.xp, self.x, self.y, self.ord
        g = _keep(g, x.shape, self.axes, self.keepdim)
        if p == 0:
            return (xp.zeros(x.shape, dtype=g.dtype),)
        if p == INF or p == -INF:
            hit = xp.abs(x) == y
            return (g * xp.sign(x) * hit / hit.sum(axis=self.axes, keepdims=True),)
        # sign(x) |x|^(p-1) / y^(p-1); |x|^(p-1) is 0 at x = 0 (it would be inf for p < 1), and a zero
        # norm has gradient 0 (PyTorch's subgradient)
        a = xp.abs(x)
        if p == 1:
            power = 1
        elif p == 2:
            power = a
        else:
            power = xp.where(a == 0, 0, xp.where(a == 0, 1, a) ** (p - 1))
        scale = xp.where(y == 0, 0, g / xp.where(y == 0, 1, y ** (p - 1)))
        return (xp.sign(x) * power * scale,)


def _check(op, x):
    dtypes.check_float(op, expect_tensor(op, x))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The ord-norm of x's entries over dim (None = all; an int or tuple) (torch.linalg.vector_norm)."""
    x = x if dtype is None else expect_tensor("linalg.vector_norm", x).to(dtype)
    _check("linalg.vector_norm", x)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r} (use linalg.matrix_norm)")
    return into(out, VectorNorm.apply(x, ord=ord, dim=dim, keepdim=keepdim), "linalg.vector_norm")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, out=None):
    """The matrix norm of A over the two dims `dim` (batched over the others) (torch.linalg.matrix_norm):
    'fro', or ord 1, -1, inf, -inf (column / row sums of |A|)."""
    _check("linalg.matrix_norm", A)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions, got "
                           f"{tuple(A.shape)}")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple of ints, got {dim!r}")
    normalize_dims(dim, A.ndim)  # in range, and distinct
    rows, cols = (d % A.ndim for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (rows, cols), keepdim, out=out)
    if ord in ("nuc", 2, -2):
        from .decomposition import svdvals  # (its Functions need autograd loaded, which imports this file)

        s = svdvals(A.movedim((rows, cols), (-2, -1)))
        y = s.sum(-1) if ord == "nuc" else s.amax(-1) if ord == 2 else s.amin(-1)
        for d in sorted((rows, cols)) if keepdim else ():
            y = y.unsqueeze(d)
        return into(out, y, "linalg.matrix_norm")
    if ord not in (1, -1, INF, -INF):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, over = (rows, cols) if abs(ord) == 1 else (cols, rows)  # ord 1: sum each column, then pick
    sums = vector_norm(A, 1, summed, keepdim=True)
    return (amax if ord > 0 else amin)(sums, (rows, cols), keepdim, out=out)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None):
    """torch.linalg.norm: the 2-norm of all entries by default; with dim an int, a vector norm; with
    dim a pair (or a 2-D A and an ord), a matrix norm."""
    _check("linalg.norm", A)
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, out=out)
        return vector_norm(A, 2 if ord is None else ord, dims, keepdim, out=out)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, out=out)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, out=out)
    if A.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    if isinstance(ord, str):
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    return vector_norm(A, ord, None, keepdim, out=out)


def tensor_norm(input, p="fro", dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.norm / Tensor.norm (PyTorch's older API): p='fro' or a number is a vector norm over dim
    (None = all entries), p='nuc' a matrix norm."""
    x = input if dtype is None else expect_tensor("norm", input).to(dtype)
    if p == "nuc":
        return matrix_norm(x, "nuc", (-2, -1) if dim is None else dim, keepdim, out=out)
    return vector_norm(x, 2 if p == "fro" else p, dim, keepdim, out=out)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 (*, P, M) and each row of x2 (*, R, M), as (*, P, R)
    (torch.cdist); the batch dims broadcast. compute_mode is accepted: the distances are always the
    direct ones (no matrix-product shortcut for p = 2)."""
    for t, name in ((x1, "x1"), (x2, "x2")):
        _check("cdist", expect_tensor("cdist", t, name))
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1)

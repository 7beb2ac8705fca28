"""Square matrices (and batches of them, (*, n, n)): determinants, inverses, linear systems and the
Cholesky factor, on xp.linalg (NumPy's LAPACK on CPU, cuSOLVER through CuPy on GPU). A^-T is the
inverse of A's transpose; g is the gradient of the result:

    det       y = det A                 dA = g C, C = y A^-T the cofactors (through an SVD if A is singular)
    slogdet   (sign, ln |det A|)        dA = g A^-T         (sign is a step: no gradient)
    inv       Y = A^-1                  dA = -Y^T g Y^T
    solve     X = A^-1 B  (A X = B)     dB = A^-T g         dA = -dB X^T
    cholesky  L with A = L L^T          dA = L^-T sym(Phi(L^T g)) L^-1, Phi = the lower triangle with
                                        its diagonal halved, sym(M) = (M + M^T) / 2 (PyTorch's choice)

The backwards are written with xp.linalg and matmul only, so under create_graph they run on minigrad's
own ops again (traced_xp.py): second derivatives come for free (except det's at a singular matrix).

    >>> import minigrad as mg
    >>> A = mg.tensor([[2.0, 1.0], [1.0, 3.0]])
    >>> mg.linalg.det(A).round(decimals=4), mg.linalg.solve(A, mg.tensor([3.0, 5.0])), mg.linalg.cholesky(A)[1]
    (tensor(5.), tensor([0.8000, 1.4000]), tensor([0.7071, 1.5811]))
"""

import warnings

from ..autograd.function import Function
from ..backend import guard
from ..tensor import Tensor
from .arith import sum_to
from .out import expect_tensor, into


def _t(a):
    return a.swapaxes(-1, -2)


def _inverse_transpose(xp, a, op):
    """A^-T, for slogdet's gradient; an exactly singular A has none (NumPy raises)."""
    try:
        return _t(xp.linalg.inv(a))
    except ValueError:  # numpy.linalg.LinAlgError
        raise RuntimeError(f"{op} backward: a matrix of shape {tuple(a.shape)} is singular: ln |det| is -inf there "
                           "and has no gradient") from None


def _cofactors(xp, a, det):
    """The cofactor matrix C = det(A) A^-T, det's gradient: through the inverse, or, where NumPy finds A
    exactly singular (no inverse), through an SVD A = U S V^T: C = det(U) det(V) U diag(prod_{j != i} s_j) V^T.
    (CuPy does not report singular matrices: there the inverse's infinities give NaN.)"""
    try:
        return det[..., None, None] * _t(xp.linalg.inv(a))
    except ValueError:  # numpy.linalg.LinAlgError
        u, s, vh = xp.linalg.svd(a)
        others = xp.where(xp.eye(s.shape[-1], dtype=bool), 1, s[..., None, :]).prod(axis=-1)  # prod_{j != i} s_j
        return (xp.linalg.det(u) * xp.linalg.det(vh))[..., None, None] * ((u * others[..., None, :]) @ vh)


class Det(Function):
    node = "LinalgDetBackward0"
    saves_output = (0,)

    def forward(self, a):
        self.a = a
        self.y = self.xp.linalg.det(a)
        return self.y

    def backward(self, g):
        return (g[..., None, None] * _cofactors(self.xp, self.a, self.y),)


class Slogdet(Function):
    """ln |det A|; the sign is computed beside it, without a graph (a step function)."""

    node = "LinalgSlogdetBackward0"

    def forward(self, a):
        self.a = a
        return self.xp.linalg.slogdet(a)[1]

    def backward(self, g):
        return (g[..., None, None] * _inverse_transpose(self.xp, self.a, "linalg.slogdet"),)


class Inv(Function):
    node = "LinalgInvExBackward0"
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, a):
        self.y = self.xp.linalg.inv(a)
        return self.y

    def backward(self, g):
        yt = _t(self.y)
        return (-(yt @ g @ yt),)


class Solve(Function):
    """X = A^-1 B for B of shape (*, n, k); A's and B's batch dims broadcast."""

    node = "LinalgSolveExBackward0"
    saved_inputs = {0: (0, 1), 1: ()}  # dB = A^-T g; dA = -dB X^T reads X, the output
    saves_output = (0,)

    def forward(self, a, b):
        self.a, self.b_shape = a, b.shape
        self.x = self.xp.linalg.solve(a, b)
        return self.x

    def backward(self, g):
        db = self.xp.linalg.solve(_t(self.a), g)  # (broadcast batch shape, n, k)
        da = sum_to(-(db @ _t(self.x)), self.a.shape) if self.needs_input_grad[0] else None
        return da, sum_to(db, self.b_shape) if self.needs_input_grad[1] else None


class Cholesky(Function):
    node = "LinalgCholeskyExBackward0"
    saved_inputs = {}
    saves_output = (0,)

    def forward(self, a):
        self.l = self.xp.linalg.cholesky(a)  # reads A's lower triangle
        return self.l

    def backward(self, g):
        xp, l = self.xp, self.l
        p = xp.tril(_t(l) @ g)
        p = (p + _t(xp.tril(p, -1))) / 2  # sym(Phi(P)): the strict lower triangle mirrored, all halved
        linv = xp.linalg.inv(l)
        return (_t(linv) @ p @ linv,)


def _square(op, A):
    """A as the (*, n, n) float tensor the op needs, or PyTorch's error."""
    expect_tensor(op, A, "A")
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {A.dtype}")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        got = f"{A.shape[-2]} by {A.shape[-1]} matrices" if A.ndim >= 2 else f"a tensor of {A.ndim} dims"
        raise RuntimeError(f"{op}: A must be batches of square matrices, but they are {got}")
    return A


def det(A, *, out=None):
    """The determinant of each square matrix in A (*, n, n) -> (*) (torch.linalg.det, torch.det)."""
    return into(out, Det.apply(_square("linalg.det", A)), "linalg.det")


def slogdet(A, *, out=None):
    """(sign, logabsdet) with det A = sign * exp(logabsdet), exact where det would under- or overflow
    (torch.linalg.slogdet); only logabsdet has a gradient."""
    A = _square("linalg.slogdet", A)
    with guard(A.device):
        sign = Tensor._make(A.device.xp.linalg.slogdet(A._data)[0], A.device, False, None)
    return into(out, return_types.linalg_slogdet((sign, Slogdet.apply(A))), "linalg.slogdet")


def logdet(input):
    """ln det A: NaN where det A < 0, -inf where it is 0 (torch.logdet)."""
    sign, logabsdet = slogdet(input)
    return where(sign < 0, float("nan"), logabsdet)


def inv(A, *, out=None):
    """The inverse of each square matrix in A (torch.linalg.inv, torch.inverse)."""
    return into(out, Inv.apply(_square("linalg.inv", A)), "linalg.inv")


def solve(A, B, *, left=True, out=None):
    """X with A X = B (left=True) or X A = B (left=False), for A (*, n, n) and B (*, n) or (*, n, k);
    batch dims broadcast (torch.linalg.solve)."""
    A = _square("linalg.solve", A)
    expect_tensor("linalg.solve", B, "B")
    if B.dtype != A.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {A.dtype} and "
                           f"B of type {B.dtype} instead")
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return into(out, solve(A.mT, B.mT).mT, "linalg.solve")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])  # PyTorch's rule
    n = A.shape[-1]
    if (B.shape[-1] if vector else B.shape[-2] if B.ndim >= 2 else None) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {'x'.join(map(str, B.shape[-2:]))})")
    x = Solve.apply(A, B.unsqueeze(-1) if vector else B)
    return into(out, x.squeeze(-1) if vector else x, "linalg.solve")


def cholesky(A, *, upper=False, out=None):
    """L, lower triangular with A = L L^T, for A symmetric positive-definite (only its lower triangle
    is read); upper=True gives L^T (torch.linalg.cholesky)."""
    L = Cholesky.apply(_square("linalg.cholesky", A))
    return into(out, L.mT if upper else L, "linalg.cholesky")


def legacy_cholesky(input, upper=False, *, out=None):
    """torch.cholesky, deprecated in PyTorch in favour of linalg.cholesky (same result)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release: use minigrad.linalg.cholesky(A) (or linalg.cholesky(A).mH for upper=True)",
                  UserWarning, stacklevel=2)
    return cholesky(input, upper=upper, out=out)


from .. import return_types  # noqa: E402
from .mask import where  # noqa: E402

"""Matrix decompositions with several outputs: SVD, QR and the symmetric eigendecomposition, on
xp.linalg, for matrices and batches of them (*, m, n). g_X is the gradient of output X, I the identity,
F_ij = 1 / (s_j^2 - s_i^2) for the SVD and 1 / (l_j - l_i) for eigh (0 on the diagonal), and * the
elementwise product:

    svd   A = U diag(S) V^T   dA = U [(F * (U^T g_U - g_U^T U)) S + diag(g_S) + S (F * (V^T g_V - g_V^T V))] V^T
                                   + (I - U U^T) g_U S^-1 V^T + U S^-1 g_V^T (I - V V^T)
    qr    A = Q R (m >= n)    dA = [g_Q + Q copyltu(M)] R^-T,  M = R g_R^T - g_Q^T Q,
                              copyltu(M) the symmetric matrix of M's lower triangle
    eigh  A = V diag(L) V^T   dA = V [diag(g_L) + F * (V^T g_V - g_V^T V) / 2] V^T   (symmetric)

As PyTorch documents, the SVD's and eigh's gradients exist only for distinct singular values /
eigenvalues (F is infinite otherwise) and, for the SVD, nonzero ones where U or V has more rows than
S has values; a loss of S (or L) alone needs neither. A wide QR (m < n) is differentiated through its
square left block X = A[:, :m]: A = Q [R1 R2], dY = Q g_R2, and X gets the formula with g_Q + Y g_R2^T.

Each decomposition is one graph node with several outputs, so it is written in PyTorch's custom
Function form (autograd/custom_function.py is minigrad's one multi-output mechanism): forward on the
arrays, backward on Tensors, which is why create_graph=True differentiates these backwards again.

    >>> import minigrad as mg
    >>> A = mg.tensor([[3.0, 0.0], [4.0, 5.0]])
    >>> (mg.linalg.svdvals(A) ** 2).round(), mg.linalg.eigh(A @ A.T).eigenvalues.round(), mg.linalg.qr(A).R[0].abs()
    (tensor([45.,  5.]), tensor([ 5., 45.]), tensor([5., 4.]))
"""

from .. import return_types
from ..autograd.function import Function
from ..backend import guard
from ..factories import eye, zeros
from ..tensor import Tensor
from .join import cat
from .mask import tril
from .out import into
from .solve import _square, solve


def _arrays(A, xp_call):
    """xp_call(xp, A's array) on A's device, each array result made a Tensor there."""
    with guard(A.device):
        results = xp_call(A.device.xp, A._data)
    return tuple(Tensor._make(r, A.device, False, None) for r in results)


def _off_diagonal_inverse(d):
    """F_ij = 1 / d_ij off the diagonal, 0 on it, for the (*, k, k) differences d."""
    identity = eye(d.shape[-1], dtype=d.dtype, device=d.device)
    return (1 - identity) / (d + identity)


class LinalgSvd(Function):
    @staticmethod
    def forward(ctx, A, full_matrices):
        ctx.set_materialize_grads(False)  # an output nobody used sends None: no F term to compute
        U, S, Vh = _arrays(A, lambda xp, a: xp.linalg.svd(a, full_matrices=full_matrices))
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = S.shape[-1]
        if U.shape[-1] != k:  # full_matrices: the gradient is the reduced one (the extra columns are arbitrary)
            U, gU = U[..., :k], None if gU is None else gU[..., :k]
        if Vh.shape[-2] != k:
            Vh, gVh = Vh[..., :k, :], None if gVh is None else gVh[..., :k, :]
        if gU is None and gVh is None:
            return (U * gS.unsqueeze(-2)) @ Vh, None  # U diag(g_S) V^T
        V, s2 = Vh.mT, S * S
        F = _off_diagonal_inverse(s2.unsqueeze(-2) - s2.unsqueeze(-1))
        inner = 0 if gS is None else eye(k, dtype=S.dtype, device=S.device) * gS.unsqueeze(-2)
        if gU is not None:
            UtgU = U.mT @ gU
            inner = inner + (F * (UtgU - UtgU.mT)) * S.unsqueeze(-2)  # (F * ...) S scales column j by s_j
        if gVh is not None:
            gV = gVh.mT
            VtgV = V.mT @ gV
            inner = inner + S.unsqueeze(-1) * (F * (VtgV - VtgV.mT))  # S (F * ...) scales row i by s_i
        gA = U @ inner @ Vh
        if gU is not None and U.shape[-2] > k:  # (I - U U^T) g_U S^-1 V^T
            gA = gA + ((gU - U @ (U.mT @ gU)) / S.unsqueeze(-2)) @ Vh
        if gVh is not None and V.shape[-2] > k:  # U S^-1 g_V^T (I - V V^T)
            gA = gA + U @ ((gV - V @ (V.mT @ gV)) / S.unsqueeze(-2)).mT
        return gA, None


class LinalgQr(Function):
    @staticmethod
    def forward(ctx, A, mode):
        ctx.set_materialize_grads(False)
        ctx.mode, ctx.shape = mode, A.shape
        if mode == "r":
            (R,) = _arrays(A, lambda xp, a: (xp.linalg.qr(a, mode="r"),))
            Q = zeros(0, dtype=A.dtype, device=A.device)  # PyTorch's empty Q
            ctx.mark_non_differentiable(Q)
            return Q, R
        Q, R = _arrays(A, lambda xp, a: xp.linalg.qr(a, mode=mode))
        ctx.save_for_backward(A, Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        m, n = ctx.shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        A, Q, R = ctx.saved_tensors
        if m >= n:
            return _qr_square_or_tall(Q, R, gQ, gR), None
        # wide: A = [X Y] with X = Q R1 square, Y = Q R2
        Y, gR1 = A[..., m:], None if gR is None else gR[..., :m]
        gY = None if gR is None else Q @ gR[..., m:]
        if gR is not None:
            shifted = Y @ gR[..., m:].mT
            gQ = shifted if gQ is None else gQ + shifted
        gX = _qr_square_or_tall(Q, R[..., :m], gQ, gR1)
        return cat([gX, gY if gY is not None else gX.new_zeros((*gX.shape[:-1], n - m))], -1), None


def _qr_square_or_tall(Q, R, gQ, gR):
    """dA = [g_Q + Q copyltu(M)] R^-T with M = R g_R^T - g_Q^T Q (a missing gradient is zero)."""
    M = 0
    if gR is not None:
        M = R @ gR.mT
    if gQ is not None:
        M = M - gQ.mT @ Q
    b = Q @ (tril(M) + tril(M, -1).mT)
    if gQ is not None:
        b = b + gQ
    return solve(R, b.mT).mT  # b R^-T, as R^-1 solves R X = b^T


class LinalgEigh(Function):
    @staticmethod
    def forward(ctx, A, UPLO):
        ctx.set_materialize_grads(False)
        L, V = _arrays(A, lambda xp, a: xp.linalg.eigh(a, UPLO=UPLO))
        ctx.save_for_backward(L, V)
        return L, V

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        inner = 0 if gL is None else eye(L.shape[-1], dtype=L.dtype, device=L.device) * gL.unsqueeze(-2)
        if gV is not None:
            W = V.mT @ gV
            inner = inner + _off_diagonal_inverse(L.unsqueeze(-2) - L.unsqueeze(-1)) * (W - W.mT) / 2
        return V @ inner @ V.mT, None


def _matrices(op, A):
    """A as the (*, m, n) float tensor a decomposition needs, or PyTorch's error."""
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A.dtype.kind != "f":
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {A.dtype}")
    if A.ndim < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    return A


def svd(A, full_matrices=True, *, driver=None, out=None):
    """U, S, Vh with A = U diag(S) Vh, S descending (torch.linalg.svd); full_matrices=True makes U
    (*, m, m) and Vh (*, n, n), False the reduced (*, m, k) and (*, k, n), k = min(m, n). `driver`
    (a cuSOLVER choice in PyTorch) is accepted and ignored."""
    U, S, Vh = LinalgSvd.apply(_matrices("linalg.svd", A), full_matrices)
    return into(out, return_types.linalg_svd((U, S, Vh)), "linalg.svd")


def svdvals(A, *, driver=None, out=None):
    """The singular values of A, descending (torch.linalg.svdvals)."""
    A = _matrices("linalg.svdvals", A)
    if A.requires_grad:  # the gradient U diag(g) V^T needs the vectors
        return into(out, LinalgSvd.apply(A, False)[1], "linalg.svdvals")
    return into(out, _arrays(A, lambda xp, a: (xp.linalg.svd(a, compute_uv=False),))[0], "linalg.svdvals")


def legacy_svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with A = U diag(S) V^T — V itself, not Vh; some=True is the reduced SVD.
    compute_uv=False gives zero U (m, m) and V (n, n), as PyTorch does."""
    A = _matrices("svd", input)
    if not compute_uv:
        m, n = A.shape[-2:]
        S = svdvals(A)
        U = zeros(*A.shape[:-2], m, m, dtype=A.dtype, device=A.device)
        return into(out, return_types.svd((U, S, zeros(*A.shape[:-2], n, n, dtype=A.dtype, device=A.device))), "svd")
    U, S, Vh = LinalgSvd.apply(A, not some)
    return into(out, return_types.svd((U, S, Vh.mT)), "svd")


def qr(A, mode="reduced", *, out=None):
    """Q, R with A = Q R, Q orthonormal columns and R upper triangular (torch.linalg.qr); mode
    'reduced' (Q (*, m, k)), 'complete' (Q (*, m, m)) or 'r' (R only, Q empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    Q, R = LinalgQr.apply(_matrices("linalg.qr", A), mode)
    return into(out, return_types.linalg_qr((Q, R)), "linalg.qr")


def legacy_qr(input, some=True, *, out=None):
    """torch.qr: the reduced QR (some=True) or the complete one."""
    Q, R = qr(input, "reduced" if some else "complete")
    return into(out, return_types.qr((Q, R)), "qr")


def eigh(A, UPLO="L", *, out=None):
    """eigenvalues (ascending) and eigenvectors (columns) of the symmetric matrices A, reading only
    the triangle UPLO ('L' or 'U') (torch.linalg.eigh)."""
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    L, V = LinalgEigh.apply(_square("linalg.eigh", A), UPLO)
    return into(out, return_types.linalg_eigh((L, V)), "linalg.eigh")


def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues of the symmetric matrices A, ascending (torch.linalg.eigvalsh)."""
    A = _square("linalg.eigvalsh", A)
    if A.requires_grad:  # the gradient V diag(g) V^T needs the vectors
        return into(out, eigh(A, UPLO).eigenvalues, "linalg.eigvalsh")
    return into(out, _arrays(A, lambda xp, a: (xp.linalg.eigvalsh(a, UPLO=UPLO),))[0], "linalg.eigvalsh")


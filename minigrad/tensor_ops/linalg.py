"""Tensor's linear-algebra methods: products and norms (ops/linalg.py, cross.py, norm.py), square
matrices (solve.py), decompositions (decomposition.py) and diagonals (diagonal.py). As on
torch.Tensor, `x.svd()`, `x.qr()`, `x.cholesky()` and `x.cross()` are the legacy torch.svd / qr /
cholesky / cross forms; minigrad.linalg has the current ones."""

from .. import ops


class LinalgOps:
    __slots__ = ()

    # ---------------------------------------------------------------- products and norms (linalg.py, cross.py, norm.py)
    def matmul(self, other):
        return ops.linalg.matmul(self, other)

    def mm(self, mat2):
        return ops.linalg.mm(self, mat2)

    def bmm(self, mat2):
        return ops.linalg.bmm(self, mat2)

    def mv(self, vec):
        return ops.linalg.mv(self, vec)

    def dot(self, other):
        return ops.linalg.dot(self, other)

    def outer(self, vec2):
        return ops.linalg.outer(self, vec2)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        return ops.norm.tensor_norm(self, p, dim, keepdim, dtype=dtype)

    def cross(self, other, dim=None):
        return ops.cross.legacy_cross(self, other, dim)

    # ---------------------------------------------------------------- square matrices (solve.py)
    def det(self):
        return ops.solve.det(self)

    def slogdet(self):
        return ops.solve.slogdet(self)

    def logdet(self):
        return ops.solve.logdet(self)

    def inverse(self):
        return ops.solve.inv(self)

    def cholesky(self, upper=False):
        return ops.solve.legacy_cholesky(self, upper)

    # ---------------------------------------------------------------- decompositions (decomposition.py)
    def svd(self, some=True, compute_uv=True):
        return ops.decomposition.legacy_svd(self, some, compute_uv)

    def qr(self, some=True):
        return ops.decomposition.legacy_qr(self, some)

    # ---------------------------------------------------------------- diagonals (diagonal.py)
    def diagonal(self, offset=0, dim1=0, dim2=1):
        return ops.diagonal.diagonal(self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        return ops.diagonal.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return ops.diagonal.diag_embed(self, offset, dim1, dim2)

    def trace(self):
        return ops.diagonal.trace(self)

"""`minigrad.linalg`, as torch.linalg: norms (ops/norm.py), products (linalg.py, cross.py), square
matrices (solve.py), decompositions (decomposition.py) and diagonals (diagonal.py).

    >>> import minigrad as mg
    >>> mg.linalg.norm(mg.tensor([3.0, 4.0])), mg.linalg.inv(mg.tensor([[2.0, 0.0], [0.0, 4.0]]))
    (tensor(5.), tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]]))
"""

from .ops.cross import cross
from .ops.decomposition import eigh, eigvalsh, qr, svd, svdvals
from .ops.diagonal import diagonal as _diagonal
from .ops.linalg import matmul
from .ops.norm import matrix_norm, norm, vector_norm
from .ops.solve import cholesky, det, inv, slogdet, solve

__all__ = ["cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm", "norm", "qr",
           "slogdet", "solve", "svd", "svdvals", "vector_norm"]


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Diagonal `offset` of the matrices in A's last two dims (torch.linalg.diagonal)."""
    return _diagonal(A, offset, dim1, dim2)


from .unsupported import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__, "torch.linalg")  # a missing name says so (unsupported.py)

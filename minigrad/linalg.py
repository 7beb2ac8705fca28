"""`minigrad.linalg`, as torch.linalg: norms (ops/norm.py) and matmul.

    >>> import minigrad as mg
    >>> mg.linalg.norm(mg.tensor([3.0, 4.0]))
    tensor(5.)
"""

from .ops.linalg import matmul
from .ops.norm import matrix_norm, norm, vector_norm

__all__ = ["matmul", "matrix_norm", "norm", "vector_norm"]

"""Integer indices to vectors: `embedding` (rows of a weight matrix) and `one_hot`.

    embedding   y[..., :] = W[i[...], :]
                dW[r, :] = sum of g[..., :] over the positions where i == r
                           (0 for padding_idx; divided by r's count in the batch with scale_grad_by_freq)

one_hot is not differentiable (integer output).

Bad indices raise as in PyTorch: at once on the CPU, at the next read on a GPU, which checks them on
the device without a host sync (backend/checks.py). What does read back on a GPU: one_hot's
num_classes=-1 (the largest index + 1 sizes the result, as in PyTorch) and max_norm (the number of
distinct rows looked up); each is one sync.
"""

from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..backend import guard
from ..backend.checks import Check
from ..tensor import Tensor

EMBEDDING_INDEX = Check(IndexError, "index out of range in self: embedding index {value} for a weight of {size} "
                                    "rows (indices must be in [0, {size}))")
NEGATIVE_CLASS = Check(RuntimeError, "Class values must be non-negative.")
LARGE_CLASS = Check(RuntimeError, "Class values must be smaller than num_classes ({size}), got {value}.")
INT64_MIN = -(2**63)


class Embedding(Function):
    saved_inputs = {1: (0,)}  # the indices are read for dW; W itself never is

    def forward(self, weight, indices, padding_idx=None, scale_grad_by_freq=False):
        self.shape, self.indices = weight.shape, indices
        self.padding_idx, self.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        return weight[indices]

    def backward(self, g):
        xp = self.xp
        rows = self.indices.reshape(-1)
        g = g.reshape(-1, self.shape[1])
        if self.scale_grad_by_freq:  # each row's gradient divided by how often it was looked up
            g = g / xp.bincount(rows, minlength=self.shape[0])[rows, None]
        dw = xp.zeros(self.shape, dtype=g.dtype)
        xp.add.at(dw, rows, g)  # unbuffered: repeated indices accumulate
        if self.padding_idx is not None:
            dw[self.padding_idx] = 0  # the padding row is never trained
        return dw, None


def _check_indices(op, indices):
    if indices.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {indices.dtype} instead (while checking arguments for {op}); "
                           "use .long()")


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` (num_embeddings, embedding_dim) at the integer indices `input` (any shape)."""
    _check_indices("embedding", input)
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got shape {tuple(weight.shape)}")
    if sparse:
        raise NotImplementedError("embedding: sparse gradients (sparse=True) are not supported by minigrad; "
                                  "use sparse=False (dense gradients)")
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"Padding_idx must be within num_embeddings ({n}), got {padding_idx}")
        padding_idx %= n
    input.device.backend.check_range(input._data, 0, n, EMBEDDING_INDEX, size=n)
    if max_norm is not None:
        renorm_(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def renorm_(weight, indices, max_norm, norm_type=2.0):
    """Rescale, in place, the rows of weight that `indices` look up and whose norm exceeds max_norm, to
    norm max_norm (PyTorch's embedding_renorm_: factor max_norm / (norm + 1e-7)). Under no_grad: the
    rescaling is not part of the graph, and, as in PyTorch, it counts as an in-place write to weight."""
    xp = weight.device.xp
    with guard(weight.device):  # array work outside a Function: on the weight's device
        rows = xp.unique(indices._data.reshape(-1))  # (a sync on a GPU: unique's size depends on the values)
        w = weight._data[rows]
        norms = (xp.abs(w) ** norm_type).sum(axis=1, keepdims=True) ** (1 / norm_type)
        w *= xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1)  # (w is a copy: fancy indexing)
    with no_grad():
        weight[Tensor._make(rows, weight.device, False, None)] = Tensor._make(w, weight.device, False, None)


class OneHot(Function):
    """y[..., c] = 1 if t[...] == c else 0, int64 (no gradient); num_classes=-1 means max(t) + 1."""

    differentiable = False

    def forward(self, t, num_classes=-1):
        backend = self.device.backend
        backend.check_range(t, INT64_MIN, 0, NEGATIVE_CLASS, inside=False)  # PyTorch checks the sign first
        if num_classes == -1:
            num_classes = int(t.max()) + 1  # sizes the result: a read to the host, as in PyTorch
        backend.check_range(t, INT64_MIN, num_classes, LARGE_CLASS, size=num_classes)
        return (t[..., None] == self.xp.arange(num_classes)).astype("int64")


def one_hot(tensor, num_classes=-1):
    """(*, num_classes) int64 with a 1 at each index of `tensor` (*); num_classes=-1: max + 1."""
    if tensor.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor, got {tensor.dtype}; "
                           "use .long()")
    if num_classes == -1 and tensor.numel() == 0:
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    return OneHot.apply(tensor, num_classes=num_classes)

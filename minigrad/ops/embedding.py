"""Integer indices to vectors: `embedding` (rows of a weight matrix) and `one_hot`.

    embedding   y[..., :] = W[i[...], :]
                dW[r, :] = sum of g[..., :] over the positions where i == r
                           (0 for padding_idx; divided by r's count in the batch with scale_grad_by_freq)

one_hot is not differentiable (integer output).
"""

from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor


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
    if input.numel() and not (0 <= int(input._data.min()) and int(input._data.max()) < n):
        bad = input._data[(input._data < 0) | (input._data >= n)].reshape(-1)[0]
        raise IndexError(f"index out of range in self: embedding index {int(bad)} for a weight of {n} rows "
                         f"(indices must be in [0, {n - 1}])")
    if max_norm is not None:
        renorm_(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def renorm_(weight, indices, max_norm, norm_type=2.0):
    """Rescale, in place, the rows of weight that `indices` look up and whose norm exceeds max_norm, to
    norm max_norm (PyTorch's embedding_renorm_: factor max_norm / (norm + 1e-7)). Under no_grad: the
    rescaling is not part of the graph, and, as in PyTorch, it counts as an in-place write to weight."""
    xp = weight.device.xp
    rows = xp.unique(indices._data.reshape(-1))
    w = weight._data[rows]
    norms = (xp.abs(w) ** norm_type).sum(axis=1, keepdims=True) ** (1 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1)
    with no_grad():
        weight[Tensor._make(rows, weight.device, False, None)] = Tensor._make(w * scale, weight.device, False, None)


def one_hot(tensor, num_classes=-1):
    """(*, num_classes) int64 with a 1 at each index of `tensor` (*); num_classes=-1: max + 1."""
    if tensor.dtype.kind not in "iu":
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor, got {tensor.dtype}; "
                           "use .long()")
    xp, t = tensor.device.xp, tensor._data
    if num_classes == -1:
        if t.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size and int(t.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if t.size and int(t.max()) >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}), got {int(t.max())}.")
    out = (t[..., None] == xp.arange(num_classes)).astype("int64")
    return Tensor._make(out, tensor.device, False, None)

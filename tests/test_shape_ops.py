"""Shape, joining and indexing ops on every device: forward against NumPy, gradients against float64
finite differences (repeated indices accumulate); then what views share, PyTorch's indexing rules
and errors, the in-place forms, and the dtype rules of joining and masking."""

import math

import numpy as np
import pytest
from conftest import host
from op_checks import table_tests

import minigrad as mg

ROWS = np.array([0, 2, 2, 1])  # a repeated index: its gradient must accumulate
GATHER = np.array([[0, 0], [1, 0], [3, 2]])
SCATTER = np.array([[0, 1, 2, 0], [1, 0, 0, 2]])  # repeated targets along dim 0


def on(a, array):
    return mg.tensor(array, device=a.device)


def _scatter(x, index, src, add=False):
    y = x.copy()
    for i, j in np.ndindex(index.shape):
        if add:
            y[index[i, j], j] += src[i, j]
        else:
            y[index[i, j], j] = src[i, j]
    return y


OPS = {
    "view_tuple": (lambda a: a.view((3, 4)), lambda a: a.reshape(3, 4), [(2, 6)]),
    "reshape_fn": (lambda a: mg.reshape(a, (4, -1)), lambda a: a.reshape(4, -1), [(2, 6)]),
    "view_as": (lambda a, b: a.view_as(b), lambda a, b: a.reshape(b.shape), [(2, 6), (3, 4)]),
    "flatten_range": (lambda a: mg.flatten(a, 0, 1), lambda a: a.reshape(6, 4), [(2, 3, 4)]),
    "unflatten": (lambda a: a.unflatten(1, (2, -1)), lambda a: a.reshape(3, 2, 2), [(3, 4)]),
    "squeeze_dim": (lambda a: a.squeeze(0), lambda a: a.squeeze(0), [(1, 3, 1)]),
    "squeeze_tuple": (lambda a: mg.squeeze(a, (0, 2)), lambda a: a.squeeze((0, 2)), [(1, 3, 1)]),
    "squeeze_not_size_1": (lambda a: a.squeeze(1), lambda a: a, [(1, 3, 1)]),
    "unsqueeze_last": (lambda a: mg.unsqueeze(a, -1), lambda a: a[..., None], [(3, 4)]),
    "expand_minus_one": (lambda a: a.expand(2, -1, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), [(3, 1)]),
    "expand_as": (lambda a, b: a.expand_as(b), lambda a, b: np.broadcast_to(a, b.shape), [(4,), (3, 4)]),
    "repeat": (lambda a: a.repeat(2, 1, 3), lambda a: np.tile(a, (2, 1, 3)), [(3, 4)]),
    "tile_short": (lambda a: a.tile((2,)), lambda a: np.tile(a, (1, 2)), [(3, 4)]),
    "tile_fn": (lambda a: mg.tile(a, (2, 1, 2)), lambda a: np.tile(a, (2, 1, 2)), [(3, 4)]),
    "swapaxes": (lambda a: mg.swapaxes(a, 0, 1), lambda a: a.swapaxes(0, 1), [(2, 3, 4)]),
    "t": (lambda a: a.t(), lambda a: a.T, [(3, 4)]),
    "t_vector": (mg.t, lambda a: a, [(4,)]),
    "mT": (lambda a: a.mT, lambda a: a.swapaxes(-1, -2), [(2, 3, 4)]),
    "movedim": (lambda a: a.movedim(0, -1), lambda a: np.moveaxis(a, 0, -1), [(2, 3, 4)]),
    "movedim_tuple": (lambda a: mg.movedim(a, (0, 1), (2, 0)), lambda a: np.moveaxis(a, (0, 1), (2, 0)),
                      [(2, 3, 4)]),
    "flip": (lambda a: a.flip(0), lambda a: np.flip(a, 0), [(3, 4)]),
    "flip_list": (lambda a: mg.flip(a, [0, 1]), lambda a: np.flip(a, (0, 1)), [(3, 4)]),
    "roll_flat": (lambda a: a.roll(1), lambda a: np.roll(a, 1), [(3, 4)]),
    "roll_dims": (lambda a: mg.roll(a, (1, -2), (0, 1)), lambda a: np.roll(a, (1, -2), (0, 1)), [(3, 4)]),
    "narrow": (lambda a: a.narrow(1, 1, 2), lambda a: a[:, 1:3], [(3, 4)]),
    "narrow_negative": (lambda a: mg.narrow(a, -1, -2, 2), lambda a: a[:, -2:], [(3, 4)]),
    "cat_promotes": (lambda a, b: mg.cat([a, b.double()], dim=1),
                     lambda a, b: np.concatenate([a, b], 1, dtype=np.float64), [(2, 3), (2, 1)]),
    "concat_legacy_empty": (lambda a: mg.concat([a, mg.tensor([], device=a.device)]), lambda a: a, [(2, 3)]),
    "stack_last": (lambda a, b: mg.stack([a, b], -1), lambda a, b: np.stack([a, b], -1), [(2, 3), (2, 3)]),
    "hstack": (lambda a, b: mg.hstack([a, b]), lambda a, b: np.hstack([a, b]), [(2, 3), (2, 2)]),
    "hstack_vectors": (lambda a, b: mg.hstack((a, b)), lambda a, b: np.hstack([a, b]), [(3,), (2,)]),
    "vstack_vectors": (lambda a, b: mg.vstack([a, b]), lambda a, b: np.vstack([a, b]), [(3,), (3,)]),
    "split": (lambda a: a.split(2), lambda a: np.split(a, [2, 4]), [(5, 3)]),
    "split_sizes": (lambda a: mg.split(a, [1, 2], dim=1), lambda a: np.split(a, [1], 1), [(2, 3)]),
    "chunk": (lambda a: a.chunk(3, 1), lambda a: np.split(a, [3, 6], 1), [(2, 7)]),
    "unbind": (lambda a: mg.unbind(a, 1), lambda a: [a[:, i] for i in range(3)], [(2, 3)]),
    "index_none_ellipsis": (lambda a: a[None, ..., 1], lambda a: a[None, ..., 1], [(2, 3, 4)]),
    "index_int_and_slice": (lambda a: a[1, ::2], lambda a: a[1, ::2], [(3, 5)]),
    "index_list": (lambda a: a[[0, 0, 1]], lambda a: a[[0, 0, 1]], [(3, 2)]),
    "index_negative_tensor": (lambda a: a[on(a, [-1, 0])], lambda a: a[[-1, 0]], [(3, 2)]),
    "index_mask_dim1": (lambda a: a[:, on(a, [True, False, True, True])], lambda a: a[:, [True, False, True, True]],
                        [(3, 4)]),
    "index_two_tensors": (lambda a: a[on(a, [0, 2, 2]), on(a, [1, 3, 3])], lambda a: a[[0, 2, 2], [1, 3, 3]],
                          [(3, 4)]),
    "index_broadcast_tensors": (lambda a: a[on(a, [[0], [2]]), mg.tensor([1, 3, 3])],  # one index on the CPU
                                lambda a: a[[[0], [2]], [1, 3, 3]], [(3, 4)]),
    "index_separated": (lambda a: a[on(a, [0, 1]), :, on(a, [0, 0])], lambda a: a[[0, 1], :, [0, 0]], [(2, 3, 4)]),
    "index_repeated_then_slice": (lambda a: a[mg.tensor(ROWS), 1:], lambda a: a[ROWS, 1:], [(3, 4)]),
    "index_bool_scalar": (lambda a: a[True], lambda a: a[None], [(3,)]),
    "index_0d_int_tensor": (lambda a: a[mg.tensor(1)], lambda a: a[1], [(3, 4)]),
    "gather": (lambda a: a.gather(1, on(a, GATHER)), lambda a: np.take_along_axis(a, GATHER, 1), [(3, 4)]),
    "gather_smaller": (lambda a: mg.gather(a, 0, on(a, [[2, 0, 2]])), lambda a: a[[2, 0, 2], [0, 1, 2]][None],
                       [(3, 4)]),
    "index_select_repeats": (lambda a: a.index_select(1, on(a, [0, 0, 3])), lambda a: a[:, [0, 0, 3]], [(3, 4)]),
    "scatter": (lambda a, s: a.scatter(0, on(a, [[0, 1, 2, 0]]), s),
                lambda a, s: _scatter(a, np.array([[0, 1, 2, 0]]), s), [(3, 4), (2, 4)]),
    "scatter_value": (lambda a: a.scatter(1, on(a, [[0], [1], [3]]), 5.0),
                      lambda a: _scatter(a.T, np.array([[0, 1, 3]]), np.full((1, 3), 5, np.float32)).T, [(3, 4)]),
    "scatter_add_repeats": (lambda a, s: mg.scatter_add(a, 0, on(a, SCATTER), s),
                            lambda a, s: _scatter(a, SCATTER, s, add=True), [(3, 4), (2, 4)]),
    "masked_fill": (lambda a: a.masked_fill(a > 0, -1.0), lambda a: np.where(a > 0, np.float32(-1), a), [(3, 4)]),
    "masked_fill_broadcast": (lambda a: mg.masked_fill(a, on(a, [True, False, True, False]), 2),
                              lambda a: np.where([True, False, True, False], np.float32(2), a), [(3, 4)]),
    "masked_fill_tensor_value": (lambda a, v: a.masked_fill(a > 0, v), lambda a, v: np.where(a > 0, v, a),
                                 [(3, 4), ()]),
    "where": (lambda a, b: mg.where(a > 0, a, b), lambda a, b: np.where(a > 0, a, b), [(3, 4), (4,)]),
    "where_number": (lambda a: mg.where(a > 0, a, 0.0), lambda a: np.where(a > 0, a, np.float32(0)), [(3, 4)]),
    "where_method": (lambda a: a.where(a > 0, -a), lambda a: np.where(a > 0, a, -a), [(3, 4)]),
    "tril": (lambda a: a.tril(), np.tril, [(3, 4)]),
    "tril_negative": (lambda a: mg.tril(a, -1), lambda a: np.tril(a, -1), [(4, 3)]),
    "triu_batched": (lambda a: mg.triu(a, 1), lambda a: np.triu(a, 1), [(2, 3, 3)]),
}


test_forward_matches_numpy, test_gradients_match_finite_differences = table_tests(OPS)


def test_views_share_storage_and_copies_do_not(device):
    x = mg.zeros(3, 4, device=device)
    views = [x.view(12), x.T, x.narrow(1, 1, 2), x.split(2)[0], x.unbind(0)[1], x[1:], x[None], x.unsqueeze(0),
             x.movedim(0, 1), x.flatten()]
    for k, v in enumerate(views):
        v.fill_(k + 1)
        assert host(x).max() == k + 1, f"view {k} does not share x's storage"
    copies = [x.flip(0), x.roll(1), x.repeat(1, 1), x[mg.tensor([0, 1])], x.masked_fill(x > 0, 0), mg.cat([x, x]),
              x.tril(), x.gather(0, mg.zeros(1, 4, dtype=mg.int64, device=device)), x.clone()]
    for c in copies:
        c.fill_(-1)
    assert host(x).min() > 0


def test_a_python_range_indexes_like_a_list(device):
    x = mg.arange(6.0, device=device).reshape(2, 3)
    assert host(x[range(2), [0, 1]]).tolist() == [0.0, 4.0]  # nn_tutorial's input[range(n), target]
    x[range(2), [0, 1]] = 5.0
    assert host(x).tolist() == [[5.0, 1.0, 2.0], [3.0, 5.0, 5.0]]


def test_indexing_errors_are_pytorchs(device):
    x = mg.arange(12.0, device=device).reshape(3, 4)
    cases = [(lambda: x[::-1], ValueError, "step must be greater than zero"),
             (lambda: x[:, ::0], ValueError, "slice step cannot be zero"),
             (lambda: x[3], IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
             (lambda: x[0, -5], IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
             (lambda: x[mg.tensor([0, 3])], IndexError, "index 3 is out of bounds for dimension 0 with size 3"),
             (lambda: x[[0, 5]], IndexError, "index 5 is out of bounds"),
             (lambda: x[1.5], IndexError, r"only integers, slices .* are valid indices \(got float\)"),
             (lambda: x[mg.tensor([1.0])], IndexError, "tensors used as indices must be long, int, byte or bool"),
             (lambda: x[0, 0, 0], IndexError, "too many indices for tensor of dimension 2"),
             (lambda: x[0, 0][0], IndexError, "invalid index of a 0-dim tensor"),
             (lambda: x[mg.tensor([True, False])], IndexError, r"shape of the mask \[2\] at index 0 does not match"),
             (lambda: x[[[0, 1], [1, 2]]], IndexError, r"ambiguous.*x\[tuple\(seq\)\]")]
    for f, error, message in cases:
        with pytest.raises(error, match=message):
            f()
    assert x[..., ...].shape == (3, 4) and x[False].shape == (0, 3, 4) and x[[]].shape == (0, 4)
    assert x[mg.tensor([1, 0, 1], dtype=mg.uint8)].shape == (2, 4)  # a uint8 index is a mask, as in PyTorch


def test_setitem_follows_pytorch(device):
    x = mg.arange(12.0, device=device).reshape(3, 4)
    x[x > 8] = 0.0
    x[:, 0] = mg.tensor([-1.0, -2.0, -3.0], device=device)
    x[mg.tensor([1, 1])] = 7.0
    assert host(x).tolist() == [[-1, 1, 2, 3], [7, 7, 7, 7], [-3, 0, 0, 0]]
    ints = mg.arange(4, device=device)
    ints[0] = 1.7  # cast to the tensor's dtype, as in PyTorch
    assert host(ints).tolist() == [1, 1, 2, 3]
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[2\] cannot be broadcast to "
                                           r"indexing result of shape \[3\]"):
        x[:, 0] = mg.tensor([1.0, 2.0], device=device)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1] = 0.0
    with pytest.raises(RuntimeError, match="in-place operation with a value that requires grad"):
        x[0] = mg.ones(4, device=device, requires_grad=True)


def test_inplace_forms_write_into_self(device):
    x = mg.tensor([[1.0, -2.0], [3.0, -4.0]], device=device)
    assert x.masked_fill_(x < 0, 0.0) is x and host(x).tolist() == [[1, 0], [3, 0]]
    assert host(x.clamp_(max=2.0)).tolist() == [[1, 0], [2, 0]] and host(x.clip_(min=1.0)).tolist() == [[1, 1], [2, 1]]
    index = mg.tensor([[1, 0]], device=device)
    assert host(x.scatter_(0, index, mg.tensor([[9.0, 8.0]], device=device))).tolist() == [[1, 8], [9, 1]]
    assert host(x.scatter_add_(0, index, mg.ones(1, 2, device=device))).tolist() == [[1, 9], [10, 1]]
    assert host(x.scatter_(1, mg.tensor([[0], [0]], device=device), value=0.0)).tolist() == [[0, 9], [0, 1]]
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the broadcast shape \[2, 2\]"):
        x[0].masked_fill_(mg.ones(2, 2, dtype=mg.bool, device=device), 1.0)
    with pytest.raises(RuntimeError, match="in-place operation on a tensor that requires grad"):
        mg.ones(2, device=device, requires_grad=True).clamp_(0, 1)


def test_joining_and_splitting_rules(device):
    x = mg.ones(3, 4, device=device)
    i = mg.ones(3, 4, dtype=mg.int64, device=device)
    assert mg.cat([x, i]).dtype == mg.float32 and mg.stack([i, x]).dtype == mg.float32  # PyTorch's promotion
    assert [p.shape for p in x.split(2)] == [(2, 4), (1, 4)] and [p.shape for p in x.chunk(3, 1)] == [(3, 2), (3, 2)]
    assert len(mg.arange(6, device=device).chunk(5)) == 3 and len(x.unbind(1)) == 4
    cases = [(lambda: mg.cat([]), ValueError, "expected a non-empty list of Tensors"),
             (lambda: mg.cat(x), TypeError, "must be a tuple or list of Tensors"),
             (lambda: mg.cat([x[0, 0], x[0, 1]]), RuntimeError, "zero-dimensional tensor"),
             (lambda: mg.cat([x, x[:, :2]]), RuntimeError, "Sizes of tensors must match except in dimension 0"),
             (lambda: mg.cat([x, x[0]]), RuntimeError, "Tensors must have same number of dimensions: got 2 and 1"),
             (lambda: mg.stack([x, x[:2]]), RuntimeError, r"equal size, but got \[3, 4\] at entry 0 and \[2, 4\]"),
             (lambda: mg.stack([]), RuntimeError, "stack expects a non-empty TensorList"),
             (lambda: x.split(0), RuntimeError, "split_size can only be 0 if dimension size is 0"),
             (lambda: x.split([1, 1]), RuntimeError, "split_sizes to sum exactly to 3"),
             (lambda: x.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0"),
             (lambda: x[0, 0].unbind(), IndexError, "tensor has no dimensions")]
    for f, error, message in cases:
        with pytest.raises(error, match=message):
            f()


def test_gather_scatter_index_select_checks(device):
    x = mg.zeros(3, 4, device=device)
    ix = mg.tensor
    cases = [(lambda: x.gather(1, ix([[0, 4]], device=device)), "index 4 is out of bounds for dimension 1"),
             (lambda: x.gather(1, ix([[-1]], device=device)), "index -1 is out of bounds"),
             (lambda: x.gather(1, ix([0, 1], device=device)), "same number of dimensions as input"),
             (lambda: x.gather(1, ix([[0, 1]] * 4, device=device)), "Size does not match at dimension 0"),
             (lambda: x.gather(1, ix([[0.0]], device=device)), "Expected dtype int32/int64 for index"),
             (lambda: x.scatter(0, ix([[0, 1, 2, 0]], device=device), mg.ones(1, 2, device=device)),
              r"no larger size than src \[1, 2\]"),
             (lambda: x.scatter(0, ix([[0]], device=device), mg.ones(1, 1, dtype=mg.float64, device=device)),
              "Expected self.dtype to be equal to src.dtype"),
             (lambda: x.index_select(1, ix([[0]], device=device)), "Index is supposed to be a vector"),
             (lambda: x.index_select(1, ix([4], device=device)), "index 4 is out of bounds")]
    for f, message in cases:
        with pytest.raises((RuntimeError, IndexError), match=message):
            f()
    with pytest.raises(TypeError, match="argument 'src' must be Tensor, not float"):
        x.scatter_add(0, ix([[0]], device=device), 1.0)
    assert x.index_select(0, ix(2, device=device)).shape == (1, 4)  # a 0-d index keeps the dim


def test_where_and_masked_fill_dtypes_and_errors(device):
    x = mg.tensor([[-1.0, 2.0], [3.0, -4.0]], device=device)
    i = mg.tensor([[1, 2], [3, 4]], device=device)
    assert mg.where(x > 0, 1.0, 0.0).dtype == mg.float32 and mg.where(x > 0, 1, 0).dtype == mg.int64
    assert mg.where(x > 0, i, 0.5).dtype == mg.float32  # an int tensor meets a float number in float32
    rows, cols = mg.where(x > 0)  # one argument: nonzero(as_tuple=True)
    assert host(rows).tolist() == [0, 1] and host(cols).tolist() == [1, 0]
    assert host(mg.nonzero(x > 0)).tolist() == [[0, 1], [1, 0]] and host(x.nonzero()).shape == (4, 2)
    assert host(i.masked_fill(i > 2, 1.7)).tolist() == [[1, 2], [1, 1]] and i.masked_fill(i > 2, 1.7).dtype == mg.int64
    v = mg.tensor(2.0, device=device, requires_grad=True)
    mg.ones(3, device=device).masked_fill(mg.tensor([True, False, True], device=device), v).sum().backward()
    assert v.grad.item() == 2.0  # the value gets the gradient of every element it filled
    cases = [(lambda: mg.where(x, x, x), "where expected condition to be a boolean tensor"),
             (lambda: x.masked_fill(x, 0.0), "masked_fill_ only supports boolean masks"),
             (lambda: x.masked_fill(x > 0, mg.tensor([1.0], device=device)), "only supports a 0-dimensional value"),
             (lambda: i.masked_fill(i > 0, math.nan), "cannot be converted to type minigrad.int64 without overflow"),
             (lambda: x[0].tril(), "tril: input tensor must have at least 2 dimensions")]
    for f, message in cases:
        with pytest.raises(RuntimeError, match=message):
            f()


def test_shape_errors_are_pytorchs(device):
    x = mg.zeros(3, 4, device=device)
    cases = [(lambda: x.view(5, -1), RuntimeError, r"shape '\[5, -1\]' is invalid for input of size 12"),
             (lambda: x.view(-1, -1), RuntimeError, "only one dimension can be inferred"),
             (lambda: x[:0].reshape(-1, 0), RuntimeError, "the unspecified dimension size -1 can be any value"),
             (lambda: x.expand(2, 3), RuntimeError, r"expanded size of the tensor \(3\) must match the existing size "
                                                    r"\(4\) at non-singleton dimension 1"),
             (lambda: x.expand(-1, 3, 4), RuntimeError, "isn't allowed in a leading, non-existing dimension 0"),
             (lambda: x.repeat(2), RuntimeError, "repeat dims can not be smaller than number of dimensions"),
             (lambda: x.permute(0, 0), RuntimeError, "duplicate dims are not allowed"),
             (lambda: x.permute(0), RuntimeError, r"input.dim\(\) = 2 is not equal to len\(dims\) = 1"),
             (lambda: x.transpose(0, 2), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\]"),
             (lambda: x[None].t(), RuntimeError, "t\\(\\) expects a tensor with <= 2 dimensions, but self is 3D"),
             (lambda: x[0].mT, RuntimeError, "only supported on matrices or batches of matrices"),
             (lambda: x.movedim((0, 0), (1, 0)), RuntimeError, r"repeated dim in `source` \(\[0, 0\]\)"),
             (lambda: x.unflatten(1, (3, -1)), RuntimeError, r"sizes \[3, -1\] don't multiply up to the size of dim 1"),
             (lambda: x[None].flatten(2, 1), RuntimeError, "start_dim cannot come after end_dim"),
             (lambda: x.roll((1, 2), 0), RuntimeError, "shifts and dimensions must align"),
             (lambda: x.narrow(1, 3, 2), RuntimeError, r"start \(3\) \+ length \(2\) exceeds dimension size \(4\)"),
             (lambda: x.unsqueeze(3), IndexError, "Dimension out of range")]
    for f, error, message in cases:
        with pytest.raises(error, match=message):
            f()

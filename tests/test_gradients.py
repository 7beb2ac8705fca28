"""Every differentiable op against float64 central differences, over hypothesis-generated shapes:
broadcasting in every direction, size-1 dims, 0-d tensors, any leading dims. (tests/test_ops.py runs
each op once more on every device, fixed shapes.)"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck
from minigrad.ops.linalg import linear_relu

SHAPES = st.lists(st.integers(1, 3), min_size=1, max_size=4)


def leaf(shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


# ------------------------------------------------------------------ broadcasting, every direction
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b.abs() + 0.5),
    "pow": lambda a, b: (a.abs() + 0.5) ** b,
}


@pytest.mark.parametrize("op", BINARY)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3))
def test_binary_broadcasting_gradients(op, shapes):
    a, b = (mg.tensor(np.random.default_rng(0).standard_normal(s), requires_grad=True) for s in shapes.input_shapes)
    assert gradcheck(BINARY[op], (a, b))
    out = BINARY[op](a, b)
    assert out.shape == shapes.result_shape
    out.sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape


@given(batch=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2),
       n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3))
def test_batched_matmul_broadcasting_gradients(batch, n, k, m):
    rng = np.random.default_rng(0)
    a = mg.tensor(rng.standard_normal((*batch.input_shapes[0], n, k)), requires_grad=True)
    b = mg.tensor(rng.standard_normal((*batch.input_shapes[1], k, m)), requires_grad=True)
    assert gradcheck(lambda a, b: a @ b, (a, b))


@given(dims=st.lists(st.integers(1, 3), min_size=1, max_size=4), data=st.data())
def test_reductions_over_any_dims(dims, data):
    x = mg.tensor(np.random.default_rng(0).standard_normal(dims), requires_grad=True)
    dim = data.draw(st.one_of(st.none(), st.integers(-len(dims), len(dims) - 1),
                              st.sets(st.integers(0, len(dims) - 1), min_size=1).map(tuple)))
    keepdim = data.draw(st.booleans())
    for f in (lambda x: x.sum(dim, keepdim), lambda x: x.mean(dim, keepdim),
              lambda x: mg.amax(x, () if dim is None else dim, keepdim),
              lambda x: mg.min(x, dim, keepdim)[0] if isinstance(dim, int) else mg.amin(x, dim or (), keepdim)):
        assert gradcheck(f, (x,))


def test_max_gradient_among_ties():
    # Over one dim the gradient follows the returned index (the first maximum), as in PyTorch;
    # over several dims (amax semantics) it is shared evenly among the tied elements.
    x = mg.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    values, indices = x.max(dim=1)
    assert indices.tolist() == [1, 0]
    values.backward(mg.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [10.0, 0.0, 0.0]]
    x.grad = None
    x.max().backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]
    x.grad = None
    x.min(dim=0, keepdim=True).values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]


UNARY = {
    "exp": lambda x: x.exp(), "log": lambda x: (x.abs() + 0.5).log(), "sqrt": lambda x: (x * x + 0.5).sqrt(),
    "abs": lambda x: (x + 0.1).abs(), "relu": lambda x: (x + 0.05).relu(), "sigmoid": lambda x: x.sigmoid(),
    "tanh": lambda x: x.tanh(), "clamp": lambda x: x.clamp(-0.3, 0.3), "neg_pow": lambda x: (-x) ** 2,
    "softmax": lambda x: mg.softmax(x.reshape(1, -1), -1),
    "log_softmax": lambda x: mg.log_softmax(x.reshape(-1, 1), 0),
}


@pytest.mark.parametrize("op", UNARY)
@given(shape=st.lists(st.integers(1, 3), min_size=0, max_size=3))
def test_unary_gradients_over_shapes(op, shape):
    x = mg.tensor(np.asarray(np.random.default_rng(0).standard_normal(shape) * 0.6), requires_grad=True)
    assert gradcheck(UNARY[op], (x,))


@given(shape=SHAPES, data=st.data())
def test_shape_ops_over_shapes(shape, data):
    x, nd = leaf(shape), len(shape)
    perm = data.draw(st.permutations(range(nd)))
    d = data.draw(st.integers(-nd, nd - 1))
    new = data.draw(st.integers(-nd - 1, nd))  # unsqueeze accepts one more position
    for f in (lambda x: x.reshape(-1), lambda x: x.view(*reversed(shape)), lambda x: x.flatten(),
              lambda x: x.permute(*perm), lambda x: x.transpose(0, d), lambda x: x.T,
              lambda x: x.unsqueeze(new), lambda x: x.squeeze(), lambda x: x.expand(2, *shape),
              lambda x: mg.cat([x, x * 2], dim=d), lambda x: mg.stack([x, x * 2], dim=new)):
        assert gradcheck(f, (x,))


@given(shape=SHAPES, data=st.data())
def test_indexing_over_shapes(shape, data):
    x = leaf(shape)
    start = data.draw(st.integers(-shape[0], shape[0] - 1))
    rows = data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=5))  # repeats allowed
    mask = data.draw(st.lists(st.booleans(), min_size=shape[-1], max_size=shape[-1]))
    for f in (lambda x: x[start], lambda x: x[start:], lambda x: x[..., ::2], lambda x: x[None, start],
              lambda x: x[mg.tensor(rows)], lambda x: x[..., mg.tensor(mask)]):
        assert gradcheck(f, (x,))


@given(lead=st.lists(st.integers(1, 3), max_size=3), n_in=st.integers(1, 4), n_out=st.integers(1, 4),
       bias=st.booleans())
def test_linear_over_leading_dims(lead, n_in, n_out, bias):
    x, w, b = leaf((*lead, n_in)), leaf((n_out, n_in), 1), leaf((n_out,), 2)
    assert gradcheck(F.linear, (x, w, b) if bias else (x, w))
    assert gradcheck(lambda x, w, b: linear_relu(x, w, b + 0.05), (x, w, b))


@given(batch=st.lists(st.integers(1, 3), max_size=3), classes=st.integers(1, 4),
       reduction=st.sampled_from(["mean", "sum", "none"]), data=st.data())
def test_losses_over_shapes(batch, classes, reduction, data):
    # (N, C) and (N, C, d1, ...) logits, or (C,) when batch is empty; targets anywhere in [0, C)
    shape = (batch[0], classes, *batch[1:]) if batch else (classes,)
    target_shape = (batch[0], *batch[1:]) if batch else ()
    x = leaf(shape)
    t = mg.tensor(np.asarray(data.draw(st.lists(st.integers(0, classes - 1), min_size=int(np.prod(target_shape)),
                                                max_size=int(np.prod(target_shape))))).reshape(target_shape))
    assert gradcheck(lambda x: F.cross_entropy(x, t, reduction=reduction), (x,))
    assert gradcheck(lambda x: F.nll_loss(F.log_softmax(x, 0 if not batch else 1), t, reduction=reduction), (x,))
    assert gradcheck(lambda x, y: F.mse_loss(x, y, reduction=reduction), (x, leaf(shape, 3)))


@given(dims=st.lists(st.integers(2, 3), min_size=1, max_size=3), data=st.data())
def test_statistics_and_norms_over_any_dims(dims, data):
    x = leaf(dims)
    nd = len(dims)
    dim = data.draw(st.one_of(st.none(), st.integers(-nd, nd - 1),
                              st.sets(st.integers(0, nd - 1), min_size=1).map(tuple)))
    one = data.draw(st.integers(-nd, nd - 1))
    keepdim, correction = data.draw(st.booleans()), data.draw(st.integers(0, 1))  # every slice has >= 2 elements
    p = data.draw(st.sampled_from([1, 2, 3, math.inf]))
    for f in (lambda x: x.var(dim, keepdim=keepdim, correction=correction), lambda x: x.std(dim, keepdim=keepdim),
              lambda x: x.prod(one, keepdim), lambda x: x.prod(), lambda x: x.cumsum(one),
              lambda x: x.logsumexp(() if dim is None else dim, keepdim), lambda x: x.norm(p, dim, keepdim),
              lambda x: x.sort(one).values, lambda x: x.topk(1, one).values):
        assert gradcheck(f, (x,))


@given(shape=SHAPES, data=st.data())
def test_reordering_joining_and_gathering_over_shapes(shape, data):
    x, nd = leaf(shape), len(shape)
    d = data.draw(st.integers(-nd, nd - 1))
    dims = data.draw(st.sets(st.integers(0, nd - 1), min_size=1).map(tuple))
    reps = data.draw(st.lists(st.integers(1, 2), min_size=nd, max_size=nd + 1))
    n = shape[d]
    index = mg.tensor(np.asarray(data.draw(st.lists(st.integers(0, n - 1), min_size=int(np.prod(shape)),
                                                    max_size=int(np.prod(shape))))).reshape(shape))
    mask = mg.tensor(np.asarray(data.draw(st.lists(st.booleans(), min_size=shape[-1], max_size=shape[-1]))))
    for f in (lambda x: x.flip(dims), lambda x: x.roll(1, d), lambda x: x.repeat(*reps), lambda x: x.movedim(d, 0),
              lambda x: x.split(2, d)[-1] * 2, lambda x: sum(c.sum() * k for k, c in enumerate(x.chunk(2, d))),
              lambda x: x.gather(d, index), lambda x: x.index_select(d, index.reshape(-1)[:3]),
              lambda x: x.scatter_add(d, index, x * x), lambda x: x.masked_fill(mask, 0.5),
              lambda x: mg.where(mask, x, x * 3), lambda x: mg.stack(x.unbind(d), -1)):
        assert gradcheck(f, (x,))


@given(n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3), b=st.integers(1, 2))
def test_einsum_forms_over_shapes(n, k, m, b):
    a, c, v, s, t = leaf((b, n, k)), leaf((b, k, m), 1), leaf((k,), 2), leaf((b, m, m), 3), leaf((b, m, k), 4)
    for equation, operands in [("bij,bjk->bik", (a, c)), ("bij,j->bi", (a, v)), ("bij->", (a,)),
                               ("bij->bji", (a,)), ("bii->bi", (s,)), ("bii", (s,)), ("bij,bjk", (a, c)),
                               ("...j,j->...", (a, v)), ("bij,bkj->bik", (a, t))]:
        np.testing.assert_allclose(mg.einsum(equation, *operands).detach().numpy(),
                                   np.einsum(equation, *[o.detach().numpy() for o in operands]), rtol=1e-12)
        assert gradcheck(lambda *ops, e=equation: mg.einsum(e, *ops), operands)

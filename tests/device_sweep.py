"""The calls of test_device_sweep.py: one per public name of minigrad, each on tensors of one device.

    FUNCTIONS  {"minigrad": {"add": lambda d: A(d.x, d.y, alpha=2)}}   a function's arguments; the
               Tensor method of the same name (x.add(y, alpha=2)) is called with the same ones, from
               the second on, unless METHODS says otherwise
    METHODS    "Tensor.add_": lambda d: d.fresh().add_(d.y)     the call itself (methods, operators,
               properties, and the classes of nn, optim, lr_scheduler, utils.data)
    EXTRA      more calls of one name (x[mask], out=, ...): keys that are not names
    NOT_SWEPT  names that touch no tensor data, each with the reason

`d` holds the inputs (Inputs): float leaves that require grad, integer and bool tensors, all on d.dev.
"""

import operator
import warnings

import numpy as np

import minigrad as mg
import minigrad.autograd.functional as AF
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.optim import lr_scheduler as sched
from minigrad.utils import data


class A:
    """The arguments of one call."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


class Inputs:
    def __init__(self, dev, tmp):
        self.dev, self.tmp = dev, tmp
        mg.manual_seed(0)

        def leaf(*shape):
            return mg.randn(*shape, device=dev, requires_grad=True)

        self.x, self.y, self.v, self.m, self.b, self.sq, self.s = leaf(3, 4), leaf(3, 4), leaf(4), leaf(4, 2), \
            leaf(2, 3, 4), leaf(3, 3), leaf()
        self.p = (mg.rand(3, 4, device=dev) + 0.5).requires_grad_()  # positive: log, sqrt, a pow base
        self.leaves = [self.x, self.y, self.v, self.m, self.b, self.sq, self.s, self.p]
        self.i = mg.arange(1, 13, device=dev).reshape(3, 4)
        self.mask = mg.tensor([[True, False, True, False]] * 3, device=dev)
        self.idx = mg.tensor([[0, 3], [1, 1], [2, 0]], device=dev)  # along dim 1 of (3, 4)
        self.rows = mg.tensor([0, 2, 2], device=dev)  # a repeated index
        self.target = mg.tensor([0, 3, 1], device=dev)  # classes of x's 3 rows
        self.unit = mg.rand(3, 4, device=dev)  # probabilities: binary cross-entropy targets

    def fresh(self):
        """A tensor that requires no grad, for in-place writes."""
        return mg.randn(3, 4, device=self.dev)

    def spd(self):
        """A symmetric positive definite (3, 3) matrix built from the leaf sq: Cholesky, eigh, logdet."""
        return self.sq @ self.sq.mT + 3 * mg.eye(3, device=self.dev)

    def params(self):
        w = nn.Parameter(mg.randn(3, 4, device=self.dev))
        w.grad = mg.randn(3, 4, device=self.dev)
        return [w]

    def dataset(self):
        return data.TensorDataset(self.fresh(), mg.arange(3, device=self.dev))


def _saved(d):
    mg.save({"x": d.x.detach(), "i": d.i}, d.tmp / "t.pt")
    return mg.load(d.tmp / "t.pt", map_location=d.dev)


def _copy_constructed(t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch's advice to write t.detach().clone()
        return mg.tensor(t, requires_grad=True)


def _default_device(d):
    mg.set_default_device(d.dev)
    try:
        return mg.zeros(2)
    finally:
        mg.set_default_device(None)


# {namespace: {name: arguments}}
FUNCTIONS = {
    "minigrad": {
        "abs": lambda d: A(d.x), "add": lambda d: A(d.x, d.y, alpha=2), "all": lambda d: A(d.mask),
        "allclose": lambda d: A(d.x, d.y), "amax": lambda d: A(d.x, 1), "amin": lambda d: A(d.x, (0, 1)),
        "any": lambda d: A(d.mask, 1), "arange": lambda d: A(5, device=d.dev), "argmax": lambda d: A(d.x, 1),
        "argmin": lambda d: A(d.x), "argsort": lambda d: A(d.x, 1, descending=True),
        "as_tensor": lambda d: A(d.i, mg.float64), "bitwise_and": lambda d: A(d.i, d.i),
        "bitwise_not": lambda d: A(d.i), "bitwise_or": lambda d: A(d.i, 3),
        "bitwise_xor": lambda d: A(d.mask, d.mask), "bmm": lambda d: A(d.b, d.b.mT),
        "cat": lambda d: A([d.x, d.y], 1), "ceil": lambda d: A(d.x), "chunk": lambda d: A(d.x, 2, 1),
        "clamp": lambda d: A(d.x, -0.5, 0.5), "clip": lambda d: A(d.x, min=d.y), "concat": lambda d: A([d.x, d.y]),
        "concatenate": lambda d: A((d.x, d.i)), "cos": lambda d: A(d.x), "count_nonzero": lambda d: A(d.x, 1),
        "cumsum": lambda d: A(d.x, 1), "div": lambda d: A(d.i, d.i, rounding_mode="trunc"),
        "divide": lambda d: A(d.x, d.y), "dot": lambda d: A(d.v, d.v), "einsum": lambda d: A("ij,jk->ik", d.x, d.m),
        "empty": lambda d: A(2, 3, device=d.dev), "empty_like": lambda d: A(d.x), "eq": lambda d: A(d.x, d.y),
        "equal": lambda d: A(d.x, d.y), "exp": lambda d: A(d.x), "expm1": lambda d: A(d.x),
        "eye": lambda d: A(3, device=d.dev), "fix": lambda d: A(d.x), "flatten": lambda d: A(d.b, 1),
        "flip": lambda d: A(d.x, 0), "floor": lambda d: A(d.x), "floor_divide": lambda d: A(d.i, 3),
        "full": lambda d: A((2, 3), 1.5, device=d.dev), "full_like": lambda d: A(d.x, 2.0),
        "gather": lambda d: A(d.x, 1, d.idx), "ge": lambda d: A(d.x, d.y), "ger": lambda d: A(d.v, d.v),
        "greater": lambda d: A(d.x, 0), "greater_equal": lambda d: A(d.i, 5), "gt": lambda d: A(d.x, d.y),
        "hstack": lambda d: A([d.x, d.y]), "index_select": lambda d: A(d.x, 1, d.rows),
        "is_floating_point": lambda d: A(d.x), "is_tensor": lambda d: A(d.x), "isclose": lambda d: A(d.x, d.y),
        "isfinite": lambda d: A(d.x), "isinf": lambda d: A(d.i), "isnan": lambda d: A(d.x),
        "le": lambda d: A(d.x, d.y), "less": lambda d: A(d.x, 0.1), "less_equal": lambda d: A(d.i, d.i),
        "linspace": lambda d: A(0, 1, 5, device=d.dev), "log": lambda d: A(d.p), "log10": lambda d: A(d.p),
        "log1p": lambda d: A(d.p), "log2": lambda d: A(d.p), "log_softmax": lambda d: A(d.x, 1),
        "logical_and": lambda d: A(d.mask, d.x), "logical_not": lambda d: A(d.mask),
        "logical_or": lambda d: A(d.mask, d.mask), "logical_xor": lambda d: A(d.i, d.mask),
        "logspace": lambda d: A(0, 1, 5, device=d.dev), "logsumexp": lambda d: A(d.x, 1), "lt": lambda d: A(d.x, d.y),
        "masked_fill": lambda d: A(d.x, d.mask, 0.5), "matmul": lambda d: A(d.x, d.m), "max": lambda d: A(d.x, 1),
        "maximum": lambda d: A(d.x, d.y), "mean": lambda d: A(d.x, 1), "min": lambda d: A(d.x),
        "minimum": lambda d: A(d.x, d.y), "mm": lambda d: A(d.x, d.m), "moveaxis": lambda d: A(d.b, 0, 2),
        "movedim": lambda d: A(d.b, (0, 1), (2, 0)), "mul": lambda d: A(d.x, d.y), "multiply": lambda d: A(d.x, 2),
        "mv": lambda d: A(d.x, d.v), "narrow": lambda d: A(d.x, 1, 1, 2), "ne": lambda d: A(d.x, d.y),
        "neg": lambda d: A(d.x), "negative": lambda d: A(d.x), "nonzero": lambda d: A(d.x),
        "norm": lambda d: A(d.x, 1, 1), "normal": lambda d: A(d.x, d.p), "not_equal": lambda d: A(d.x, d.y),
        "ones": lambda d: A(2, 3, device=d.dev), "ones_like": lambda d: A(d.x), "outer": lambda d: A(d.v, d.v),
        "permute": lambda d: A(d.b, 2, 0, 1), "pow": lambda d: A(d.p, d.y), "prod": lambda d: A(d.x, 1),
        "rand": lambda d: A(2, 3, device=d.dev), "rand_like": lambda d: A(d.x),
        "randint": lambda d: A(0, 5, (3,), device=d.dev), "randint_like": lambda d: A(d.i, 5),
        "randn": lambda d: A(2, 3, device=d.dev), "randn_like": lambda d: A(d.x),
        "randperm": lambda d: A(4, device=d.dev), "relu": lambda d: A(d.x), "remainder": lambda d: A(d.x, d.p),
        "fmod": lambda d: A(d.x, -0.7), "reshape": lambda d: A(d.x, (2, 6)),
        "roll": lambda d: A(d.x, 1, 1), "round": lambda d: A(d.x, decimals=1), "row_stack": lambda d: A([d.x, d.y]),
        "rsqrt": lambda d: A(d.p), "save": lambda d: A({"x": d.x.detach()}, d.tmp / "t.pt"),
        "scatter": lambda d: A(d.x, 1, d.idx, d.y), "scatter_add": lambda d: A(d.x, 1, d.idx, d.y),
        "sigmoid": lambda d: A(d.x), "sign": lambda d: A(d.x), "sin": lambda d: A(d.x),
        "softmax": lambda d: A(d.x, 1), "sort": lambda d: A(d.x, 1), "split": lambda d: A(d.x, [1, 3], 1),
        "sqrt": lambda d: A(d.p), "squeeze": lambda d: A(d.x[None], 0), "stack": lambda d: A([d.x, d.y], 2),
        "std": lambda d: A(d.x, 1), "sub": lambda d: A(d.x, d.y, alpha=0.5), "subtract": lambda d: A(d.x, 1),
        "erf": lambda d: A(d.x),
        "sum": lambda d: A(d.x, 1), "swapaxes": lambda d: A(d.b, 0, 2), "swapdims": lambda d: A(d.b, 1, 2),
        "t": lambda d: A(d.x), "tan": lambda d: A(d.x), "tanh": lambda d: A(d.x),
        "tensor": lambda d: A([[1.0, 2.0]], device=d.dev), "tile": lambda d: A(d.x, (2, 1)),
        "topk": lambda d: A(d.x, 2), "transpose": lambda d: A(d.b, 0, 2), "tril": lambda d: A(d.x),
        "triu": lambda d: A(d.x, 1), "true_divide": lambda d: A(d.i, 2), "trunc": lambda d: A(d.x),
        "unbind": lambda d: A(d.x, 1), "unflatten": lambda d: A(d.x, 1, (2, 2)), "unsqueeze": lambda d: A(d.x, 0),
        "var": lambda d: A(d.x, 1, keepdim=True), "vstack": lambda d: A([d.x, d.y]),
        "where": lambda d: A(d.mask, d.x, d.y), "zeros": lambda d: A(2, 3, device=d.dev),
        "zeros_like": lambda d: A(d.x),
        # trigonometric and hyperbolic, in their domains
        "acos": lambda d: A(d.x.tanh()), "arccos": lambda d: A(d.x.tanh()), "asin": lambda d: A(d.x.tanh()),
        "arcsin": lambda d: A(d.x.tanh()), "atanh": lambda d: A(d.x.tanh()), "arctanh": lambda d: A(d.x.tanh()),
        "acosh": lambda d: A(d.p + 1), "arccosh": lambda d: A(d.p + 1), "asinh": lambda d: A(d.x),
        "arcsinh": lambda d: A(d.x), "atan": lambda d: A(d.x), "arctan": lambda d: A(d.x),
        "atan2": lambda d: A(d.x, d.y), "arctan2": lambda d: A(d.x, d.p), "cosh": lambda d: A(d.x),
        "sinh": lambda d: A(d.x), "sinc": lambda d: A(d.x), "deg2rad": lambda d: A(d.x), "rad2deg": lambda d: A(d.x),
        "hypot": lambda d: A(d.x, d.y),
        # pointwise
        "addcdiv": lambda d: A(d.x, d.y, d.p, value=0.5), "addcmul": lambda d: A(d.x, d.y, d.v, value=2),
        "clamp_max": lambda d: A(d.x, 0.5), "clamp_min": lambda d: A(d.x, d.y), "clone": lambda d: A(d.x),
        "exp2": lambda d: A(d.x), "lerp": lambda d: A(d.x, d.y, d.unit), "logit": lambda d: A(d.x.sigmoid(), 1e-6),
        "reciprocal": lambda d: A(d.p), "square": lambda d: A(d.x), "xlogy": lambda d: A(d.x, d.p),
        # scans, differences, diagonals
        "cumprod": lambda d: A(d.x, 1), "diff": lambda d: A(d.x, 1, 0, append=d.y), "diag": lambda d: A(d.v),
        "diag_embed": lambda d: A(d.x, 1), "diagonal": lambda d: A(d.b, 0, 1, 2), "trace": lambda d: A(d.sq),
        "cross": lambda d: A(d.x, d.y, 0), "cdist": lambda d: A(d.x, d.y),
        # linear algebra
        "det": lambda d: A(d.sq), "inverse": lambda d: A(d.sq), "logdet": lambda d: A(d.spd()),
        "slogdet": lambda d: A(d.sq), "cholesky": lambda d: A(d.spd()), "qr": lambda d: A(d.x),
        "svd": lambda d: A(d.x),
        # counts and search (no gradient)
        "bincount": lambda d: A(d.rows, d.p[0, :3].detach(), minlength=4), "histc": lambda d: A(d.x, 4, -1, 1),
        "searchsorted": lambda d: A(d.i[0], d.i, right=True),
        "unique": lambda d: A(d.i // 3, return_inverse=True, return_counts=True),
    },
    "minigrad.linalg": {
        "matrix_norm": lambda d: A(d.sq), "norm": lambda d: A(d.x), "vector_norm": lambda d: A(d.x, 3, 1),
        "cholesky": lambda d: A(d.spd(), upper=True), "cross": lambda d: A(d.x.T, d.y.T),
        "diagonal": lambda d: A(d.b, offset=1), "eigh": lambda d: A(d.spd()), "eigvalsh": lambda d: A(d.spd(), "U"),
        "qr": lambda d: A(d.x, "complete"), "solve": lambda d: A(d.sq, d.x), "svd": lambda d: A(d.x, False),
        "svdvals": lambda d: A(d.x),
    },
    "minigrad.nn.functional": {
        "batch_norm": lambda d: A(d.x, mg.zeros(4, device=d.dev), mg.ones(4, device=d.dev), d.v, d.m[:, 0],
                                  training=True),
        "binary_cross_entropy": lambda d: A(d.x.sigmoid(), d.unit, weight=d.p.detach()),
        "binary_cross_entropy_with_logits": lambda d: A(d.x, d.unit, pos_weight=d.v.detach()),
        "cross_entropy": lambda d: A(d.x, d.target), "dropout": lambda d: A(d.x, 0.5),
        "elu": lambda d: A(d.x), "embedding": lambda d: A(d.idx, d.m, padding_idx=0, max_norm=1.0),
        "gelu": lambda d: A(d.x, approximate="tanh"), "huber_loss": lambda d: A(d.x, d.y, delta=0.5),
        "kl_div": lambda d: A(d.x.log_softmax(1), d.y.log_softmax(1), reduction="batchmean", log_target=True),
        "l1_loss": lambda d: A(d.x, d.y), "layer_norm": lambda d: A(d.x, (4,), d.v, d.v * 2),
        "leaky_relu": lambda d: A(d.x, 0.2), "linear": lambda d: A(d.x, d.m.T, d.m[0]),
        "mse_loss": lambda d: A(d.x, d.y), "nll_loss": lambda d: A(d.x.log_softmax(1), d.target),
        "normalize": lambda d: A(d.x, 3.0), "one_hot": lambda d: A(d.idx), "pad": lambda d: A(d.x, (1, 2), value=0.5),
        "relu": lambda d: A(d.x), "silu": lambda d: A(d.x), "smooth_l1_loss": lambda d: A(d.x, d.y, beta=0.5),
        "softplus": lambda d: A(d.x, beta=2.0),
    },
    "minigrad.autograd": {
        "gradcheck": lambda d: A(lambda a: (a * a).sum(), [d.x.detach().double().requires_grad_()]),
        "gradgradcheck": lambda d: A(lambda a: (a * a * a).sum(), [d.v.detach().double().requires_grad_()]),
    },
    "minigrad.autograd.functional": {  # their results require grad with create_graph: the sweep differentiates them
        "jacobian": lambda d: A(lambda a, b: a * b.sum(), (d.v, d.v), create_graph=True),
        "hessian": lambda d: A(lambda a: (a**3).sum(), d.v, create_graph=True),
        "vjp": lambda d: A(lambda a: a * a, d.x, d.y, create_graph=True),
        "jvp": lambda d: A(lambda a: a.sin(), d.x, d.y, create_graph=True),
        "hvp": lambda d: A(lambda a: (a**3).sum(), d.v, d.v, create_graph=True),
        "vhp": lambda d: A(lambda a, b: (a * b * b).sum(), (d.v, d.v), (d.v, d.v)),
    },
    "minigrad.cuda": {
        "get_device_name": lambda d: A(d.dev), "synchronize": lambda d: A(d.dev),
    },
    "minigrad.accelerator": {
        "synchronize": lambda d: A(d.dev),
    },
}


def _detached(value):
    return value.detach() if isinstance(value, mg.Tensor) else value


def _in_place(write, arguments):
    def call(d):
        a = arguments(d)
        return write(a.args[0].detach().clone(), *map(_detached, a.args[1:]),
                     **{k: _detached(v) for k, v in a.kwargs.items()})
    return call


def _in_place_forms():
    """{name: call} for the in-place form x.op_(...) (and minigrad.op_(x, ...)) of each op of FUNCTIONS:
    on a copy of the op's first argument, with its other arguments, none requiring grad (autograd
    records out-of-place ops only: minigrad/inplace.py)."""
    table = {}
    for attr, arguments in FUNCTIONS["minigrad"].items():
        if callable(getattr(mg.Tensor, attr + "_", None)):
            table[f"Tensor.{attr}_"] = _in_place(lambda t, *args, op=attr + "_", **kw: getattr(t, op)(*args, **kw),
                                                 arguments)
        if attr + "_" in dir(mg):
            table[f"minigrad.{attr}_"] = _in_place(getattr(mg, attr + "_"), arguments)
    return table


class Square(mg.autograd.Function):
    """A custom Function, as users write them."""

    def forward(self, a):
        self.a = a
        return a * a

    def backward(self, g):
        return (2 * self.a * g,)


class ScaledSquare(mg.autograd.Function):
    """A custom Function in PyTorch's form (ctx is a FunctionCtx) with a number argument, differentiable twice."""

    @staticmethod
    def forward(ctx, a, k):
        ctx.k = k
        ctx.save_for_backward(a)
        return k * a * a

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return 2 * ctx.k * a * g, None


class Twice(mg.autograd.Function):
    """A custom Function with two outputs, setup_context and a once_differentiable backward."""

    @staticmethod
    def forward(a, b):
        return a * 2, a * b

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(*inputs)

    @staticmethod
    @mg.autograd.once_differentiable
    def backward(ctx, g1, g2):
        a, b = ctx.saved_tensors
        return g1 * 2 + g2 * b, g2 * a


def _custom_functions(d):
    (dx,) = mg.autograd.grad(ScaledSquare.apply(d.x, 1.5).sum(), d.x, create_graph=True)  # 3 x, recorded
    return dx, Twice.apply(d.x, d.y)  # the sweep differentiates dx again (3) and Twice


def _grads(d):
    (dx,) = mg.autograd.grad((d.x**3).sum(), d.x, create_graph=True)
    (ddx,) = mg.autograd.grad(dx.sum(), d.x, retain_graph=True)  # 6 x; the sweep then backpropagates dx
    unused = mg.autograd.grad((d.x * 2).sum(), [d.x, d.y], materialize_grads=True)  # zeros for y
    return dx, ddx, unused


def _backward(d):
    mg.autograd.backward([d.x * d.y, d.v], [mg.ones(3, 4, device=d.dev), mg.ones(4, device=d.dev)], inputs=[d.x, d.v])
    return d.x.grad, d.v.grad


def _hooked(d):
    d.x.register_hook(lambda g: g * 2)  # a leaf's hook
    y = d.x * d.y
    y.register_hook(lambda g: g + 1)  # a non-leaf's hook, run in backward
    return y


def _retained(d):
    y = d.x * 2
    y.retain_grad()
    (y * y).sum().backward()
    return y.grad, y.retains_grad


def _under(mode, d):
    with mode:
        return d.x * 2, d.x.is_inference()


def _layer(cls, *args, input="x", **kwargs):
    return lambda d: cls(*args, **kwargs).to(d.dev)(getattr(d, input))


def _loss(cls, *args, target="y", **kwargs):
    return lambda d: cls(*args, **kwargs)(d.x, getattr(d, target))


def _batch_norm(d):
    bn = nn.BatchNorm1d(4, momentum=None).to(d.dev)
    bn(d.x), bn(d.y)  # training: cumulative running statistics, on the device
    bn.eval()
    return bn(d.x), bn.running_mean, bn.running_var


def _optimizer(cls, **options):
    def call(d):
        params = d.params()
        opt = cls(params, **options)
        opt.step()
        opt.load_state_dict(opt.state_dict())
        opt.step()
        return params, opt.state
    return call


def _scheduler(make, metric=False):
    def call(d):
        opt = optim.SGD(d.params(), lr=0.1, momentum=0.9)
        scheduler = make(opt)
        for _ in range(3):
            opt.step()
            scheduler.step(d.x.sum().detach()) if metric else scheduler.step()
        return opt.param_groups[0]["lr"]
    return call


class Stream(data.IterableDataset):
    def __init__(self, d):
        self.d = d

    def __iter__(self):
        return iter(self.d.fresh())


METHODS = {
    **_in_place_forms(),
    # a function whose method takes its arguments in another order
    "Tensor.where": lambda d: d.x.where(d.mask, d.y),
    # methods, properties and operators of their own
    "Tensor.T": lambda d: d.x.T, "Tensor.mT": lambda d: d.b.mT, "Tensor.absolute": lambda d: d.x.absolute(),
    "Tensor.absolute_": lambda d: d.fresh().absolute_(), "minigrad.absolute_": lambda d: mg.absolute_(d.fresh()),
    "Tensor.add_": lambda d: d.fresh().add_(d.y.detach(), alpha=2), "Tensor.sub_": lambda d: d.fresh().sub_(1),
    "Tensor.mul_": lambda d: d.fresh().mul_(d.y.detach()), "Tensor.div_": lambda d: d.fresh().div_(2),
    "Tensor.clamp_": lambda d: d.fresh().clamp_(0, 1), "Tensor.clip_": lambda d: d.fresh().clip_(max=d.y.detach()),
    "Tensor.true_divide_": lambda d: d.fresh().true_divide_(d.p.detach()),  # (the op's integer input would not hold it)
    "Tensor.bernoulli_": lambda d: d.fresh().bernoulli_(d.unit),
    "Tensor.exponential_": lambda d: d.fresh().exponential_(2),
    "Tensor.normal_": lambda d: d.fresh().normal_(1, 2), "Tensor.random_": lambda d: d.fresh().random_(0, 5),
    "Tensor.uniform_": lambda d: d.fresh().uniform_(-1, 1),
    "Tensor.fill_": lambda d: d.fresh().fill_(2), "Tensor.zero_": lambda d: d.fresh().zero_(),
    "Tensor.copy_": lambda d: d.fresh().copy_(d.i), "Tensor.masked_fill_": lambda d: d.fresh().masked_fill_(d.mask, 1),
    "Tensor.scatter_": lambda d: d.fresh().scatter_(1, d.idx, value=2.0),
    "Tensor.scatter_add_": lambda d: d.fresh().scatter_add_(1, d.idx, d.y.detach()),
    "Tensor.backward": lambda d: (d.x * d.y).sum().backward(),
    "Tensor.register_post_accumulate_grad_hook": lambda d: d.x.register_post_accumulate_grad_hook(lambda t: t.grad * 2),
    "Tensor.register_hook": _hooked, "Tensor.retain_grad": _retained, "Tensor.retains_grad": _retained,
    "Tensor.requires_grad_": lambda d: d.fresh().requires_grad_(), "Tensor.detach": lambda d: d.x.detach(),
    "Tensor.detach_": lambda d: (d.x * 2).detach_(), "Tensor.is_inference": lambda d: d.x.is_inference(),
    "Tensor.new_tensor": lambda d: d.x.new_tensor([[1.0, 2.0]]), "Tensor.new_zeros": lambda d: d.x.new_zeros(2, 3),
    "Tensor.new_ones": lambda d: d.i.new_ones((2,)), "Tensor.new_empty": lambda d: d.x.new_empty(2),
    "Tensor.new_full": lambda d: d.mask.new_full((2, 2), True),
    "Tensor.clone": lambda d: d.x.clone(), "Tensor.contiguous": lambda d: d.x.contiguous(),
    "Tensor.data": lambda d: d.x.data,
    "Tensor.to": lambda d: d.x.to(mg.float64), "Tensor.type": lambda d: (d.x.type(), d.x.type(mg.float16)),
    "Tensor.float": lambda d: d.i.float(), "Tensor.double": lambda d: d.x.double(), "Tensor.half": lambda d: d.x.half(),
    "Tensor.long": lambda d: d.x.long(), "Tensor.int": lambda d: d.x.int(), "Tensor.short": lambda d: d.x.short(),
    "Tensor.char": lambda d: d.i.char(), "Tensor.byte": lambda d: d.i.byte(), "Tensor.bool": lambda d: d.i.bool(),
    "Tensor.cpu": lambda d: d.x.cpu().to(d.dev), "Tensor.cuda": lambda d: d.x.cpu().cuda(d.dev.index),
    "Tensor.numpy": lambda d: d.x.numpy(force=True), "Tensor.item": lambda d: d.x[0, 0].item(),
    "Tensor.tolist": lambda d: d.i.tolist(), "Tensor.expand": lambda d: d.v.expand(3, -1),
    "Tensor.expand_as": lambda d: d.v.expand_as(d.x), "Tensor.repeat": lambda d: d.x.repeat(2, 1),
    "Tensor.view": lambda d: d.x.view(12), "Tensor.view_as": lambda d: d.x.view_as(d.y.T),
    "Tensor.size": lambda d: d.x.size(1), "Tensor.dim": lambda d: d.x.dim(), "Tensor.numel": lambda d: d.x.numel(),
    "Tensor.element_size": lambda d: d.x.element_size(), "Tensor.is_floating_point": lambda d: d.i.is_floating_point(),
    **{f"Tensor.{p}": lambda d, p=p: getattr(d.x, p) for p in
       ("device", "dtype", "grad", "grad_fn", "is_cpu", "is_cuda", "is_leaf", "itemsize", "nbytes", "ndim",
        "requires_grad", "shape")},
    "Tensor.__add__": lambda d: d.x + d.y, "Tensor.__radd__": lambda d: 1 + d.x, "Tensor.__sub__": lambda d: d.x - 1,
    "Tensor.__rsub__": lambda d: 1 - d.x, "Tensor.__mul__": lambda d: d.x * d.v, "Tensor.__rmul__": lambda d: 2 * d.x,
    "Tensor.__truediv__": lambda d: d.x / d.p, "Tensor.__rtruediv__": lambda d: 1 / d.p,
    "Tensor.__floordiv__": lambda d: d.i // d.i, "Tensor.__rfloordiv__": lambda d: 7 // d.i,
    "Tensor.__mod__": lambda d: d.x % d.p, "Tensor.__rmod__": lambda d: 7 % d.i,
    "Tensor.__pow__": lambda d: d.x ** 2, "Tensor.__rpow__": lambda d: 2 ** d.x, "Tensor.__neg__": lambda d: -d.x,
    "Tensor.__abs__": lambda d: abs(d.x), "Tensor.__matmul__": lambda d: d.x @ d.m,
    "Tensor.__rmatmul__": lambda d: np.ones((2, 3), np.float32) @ d.x,
    "Tensor.__eq__": lambda d: d.x == d.y, "Tensor.__ne__": lambda d: d.x != 0, "Tensor.__lt__": lambda d: d.x < d.y,
    "Tensor.__le__": lambda d: d.x <= 0, "Tensor.__gt__": lambda d: d.x > d.y, "Tensor.__ge__": lambda d: d.x >= 0,
    "Tensor.__and__": lambda d: d.mask & (d.x > 0), "Tensor.__rand__": lambda d: True & d.mask,
    "Tensor.__or__": lambda d: d.i | 1, "Tensor.__ror__": lambda d: 1 | d.i, "Tensor.__rxor__": lambda d: 3 ^ d.i,
    "Tensor.__xor__": lambda d: d.mask ^ d.mask, "Tensor.__invert__": lambda d: ~d.mask,
    "Tensor.__iadd__": lambda d: d.fresh().__iadd__(d.y.detach()), "Tensor.__isub__": lambda d: d.fresh().__isub__(1),
    "Tensor.__imul__": lambda d: d.fresh().__imul__(d.v.detach()),
    "Tensor.__itruediv__": lambda d: d.fresh().__itruediv__(3), "Tensor.__imod__": lambda d: d.fresh().__imod__(2),
    "Tensor.__getitem__": lambda d: d.x[d.rows, 1:], "Tensor.__setitem__": lambda d: d.fresh().__setitem__(d.rows, 1.0),
    "Tensor.__len__": lambda d: len(d.x), "Tensor.__iter__": lambda d: list(d.x),
    "Tensor.__repr__": lambda d: repr(mg.randn(40, 40, device=d.dev)),  # summarized: the edges are cut on the device
    "Tensor.__format__": lambda d: f"{d.x[0, 0]:.3f}", "Tensor.__float__": lambda d: float(d.x[1, 1]),
    "Tensor.__int__": lambda d: int(d.i[0, 1]), "Tensor.__index__": lambda d: operator.index(d.i[1, 1]),
    "Tensor.__bool__": lambda d: bool(d.mask[0, 0]), "Tensor.__array__": lambda d: np.asarray(d.x.detach().cpu()),
    "minigrad.load": _saved, "minigrad.set_default_device": _default_device,
    # classes
    "minigrad.Tensor": lambda d: mg.Tensor([1.0, 2.0], device=d.dev),
    "minigrad.autocast": lambda d: (mg.autocast(d.dev.type)(F.linear))(d.x, d.m.T),
    "minigrad.autograd.Function": lambda d: Square.apply(d.x),
    "minigrad.autograd.FunctionCtx": _custom_functions, "minigrad.autograd.once_differentiable": _custom_functions,
    "minigrad.autograd.grad": _grads, "minigrad.autograd.backward": _backward,
    "minigrad.inference_mode": lambda d: _under(mg.inference_mode(), d),
    "minigrad.set_grad_enabled": lambda d: _under(mg.set_grad_enabled(False), d),
    "minigrad.nn.Linear": lambda d: nn.Linear(4, 2, device=d.dev)(d.x),
    "minigrad.nn.Identity": _layer(nn.Identity), "minigrad.nn.ReLU": _layer(nn.ReLU),
    "minigrad.nn.Tanh": _layer(nn.Tanh), "minigrad.nn.Sigmoid": _layer(nn.Sigmoid),
    "minigrad.nn.Softmax": _layer(nn.Softmax, 1), "minigrad.nn.LogSoftmax": _layer(nn.LogSoftmax, 1),
    "minigrad.nn.Dropout": _layer(nn.Dropout, 0.5), "minigrad.nn.Flatten": _layer(nn.Flatten, 0),
    "minigrad.nn.Unflatten": _layer(nn.Unflatten, 1, (2, 2)), "minigrad.nn.ELU": _layer(nn.ELU, 0.5),
    "minigrad.nn.GELU": _layer(nn.GELU), "minigrad.nn.LeakyReLU": _layer(nn.LeakyReLU),
    "minigrad.nn.SiLU": _layer(nn.SiLU), "minigrad.nn.Softplus": _layer(nn.Softplus, 2.0),
    "minigrad.nn.LayerNorm": _layer(nn.LayerNorm, 4), "minigrad.nn.BatchNorm1d": _batch_norm,
    "minigrad.nn.Embedding": _layer(nn.Embedding, 5, 3, max_norm=1.0, input="idx"),
    "minigrad.nn.Sequential": _layer(nn.Sequential, nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)),
    "minigrad.nn.ModuleList": lambda d: nn.ModuleList([nn.Linear(4, 2)]).to(d.dev)[0](d.x),
    "minigrad.nn.ModuleDict": lambda d: nn.ModuleDict({"a": nn.Linear(4, 2)}).to(d.dev)["a"](d.x),
    "minigrad.nn.ParameterList": lambda d: nn.ParameterList([mg.randn(4)]).to(d.dev)[0] * d.x,
    "minigrad.nn.ParameterDict": lambda d: nn.ParameterDict({"w": mg.randn(4)}).to(d.dev)["w"] * d.x,
    "minigrad.nn.Module": lambda d: nn.Module().to(d.dev), "minigrad.nn.Parameter": lambda d: nn.Parameter(d.fresh()),
    "minigrad.nn.CrossEntropyLoss": lambda d: nn.CrossEntropyLoss()(d.x, d.target),
    "minigrad.nn.NLLLoss": lambda d: nn.NLLLoss()(d.x.log_softmax(1), d.target),
    "minigrad.nn.MSELoss": lambda d: nn.MSELoss(reduction="sum")(d.x, d.y),
    "minigrad.nn.L1Loss": _loss(nn.L1Loss), "minigrad.nn.SmoothL1Loss": _loss(nn.SmoothL1Loss, beta=0.5),
    "minigrad.nn.HuberLoss": _loss(nn.HuberLoss, reduction="none"),
    "minigrad.nn.BCEWithLogitsLoss": _loss(nn.BCEWithLogitsLoss, target="unit"),
    "minigrad.nn.BCELoss": lambda d: nn.BCELoss(reduction="sum")(d.x.sigmoid(), d.unit),
    "minigrad.nn.KLDivLoss": lambda d: nn.KLDivLoss(reduction="batchmean")(d.x.log_softmax(1), d.y.softmax(1)),
    "minigrad.optim.SGD": _optimizer(optim.SGD, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "minigrad.optim.Adam": _optimizer(optim.Adam, amsgrad=True, weight_decay=0.01, maximize=True),
    "minigrad.optim.AdamW": _optimizer(optim.AdamW), "minigrad.optim.Adagrad": _optimizer(optim.Adagrad, lr_decay=0.1),
    "minigrad.optim.RMSprop": _optimizer(optim.RMSprop, momentum=0.9, centered=True),
    "minigrad.optim.lr_scheduler.LambdaLR": _scheduler(lambda o: sched.LambdaLR(o, lambda e: 0.9**e)),
    "minigrad.optim.lr_scheduler.MultiplicativeLR": _scheduler(lambda o: sched.MultiplicativeLR(o, lambda e: 0.9)),
    "minigrad.optim.lr_scheduler.StepLR": _scheduler(lambda o: sched.StepLR(o, 1)),
    "minigrad.optim.lr_scheduler.MultiStepLR": _scheduler(lambda o: sched.MultiStepLR(o, [1, 2])),
    "minigrad.optim.lr_scheduler.ConstantLR": _scheduler(sched.ConstantLR),
    "minigrad.optim.lr_scheduler.LinearLR": _scheduler(sched.LinearLR),
    "minigrad.optim.lr_scheduler.ExponentialLR": _scheduler(lambda o: sched.ExponentialLR(o, 0.9)),
    "minigrad.optim.lr_scheduler.PolynomialLR": _scheduler(sched.PolynomialLR),
    "minigrad.optim.lr_scheduler.CosineAnnealingLR": _scheduler(lambda o: sched.CosineAnnealingLR(o, 3)),
    "minigrad.optim.lr_scheduler.CosineAnnealingWarmRestarts": _scheduler(
        lambda o: sched.CosineAnnealingWarmRestarts(o, 2)),
    "minigrad.optim.lr_scheduler.OneCycleLR": _scheduler(lambda o: sched.OneCycleLR(o, 0.1, total_steps=10)),
    "minigrad.optim.lr_scheduler.CyclicLR": _scheduler(lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=2)),
    "minigrad.optim.lr_scheduler.ReduceLROnPlateau": _scheduler(sched.ReduceLROnPlateau, metric=True),
    "minigrad.optim.lr_scheduler.SequentialLR": _scheduler(
        lambda o: sched.SequentialLR(o, [sched.ConstantLR(o), sched.ExponentialLR(o, 0.9)], milestones=[1])),
    "minigrad.optim.lr_scheduler.ChainedScheduler": _scheduler(
        lambda o: sched.ChainedScheduler([sched.ConstantLR(o), sched.ExponentialLR(o, 0.9)])),
    "minigrad.utils.data.TensorDataset": lambda d: d.dataset()[1],
    "minigrad.utils.data.DataLoader": lambda d: list(data.DataLoader(d.dataset(), batch_size=2, shuffle=True)),
    "minigrad.utils.data.default_collate": lambda d: data.default_collate([{"x": d.x[0], "t": d.target[0]}] * 2),
    "minigrad.utils.data.default_convert": lambda d: data.default_convert({"x": d.x}),
    "minigrad.utils.data.random_split": lambda d: [s[0] for s in data.random_split(d.dataset(), [2, 1])],
    "minigrad.utils.data.Subset": lambda d: data.Subset(d.dataset(), [2, 0])[0],
    "minigrad.utils.data.ConcatDataset": lambda d: data.ConcatDataset([d.dataset(), d.dataset()])[4],
    "minigrad.utils.data.StackDataset": lambda d: data.StackDataset(d.dataset(), d.dataset())[0],
    "minigrad.utils.data.ChainDataset": lambda d: list(data.ChainDataset([Stream(d), Stream(d)])),
    "minigrad.utils.data.RandomSampler": lambda d: list(data.RandomSampler(d.dataset())),
    "minigrad.utils.data.SequentialSampler": lambda d: list(data.SequentialSampler(d.dataset())),
    "minigrad.utils.data.BatchSampler": lambda d: list(data.BatchSampler(range(3), 2, False)),
    "minigrad.utils.data.SubsetRandomSampler": lambda d: list(data.SubsetRandomSampler([0, 2])),
    "minigrad.utils.data.WeightedRandomSampler": lambda d: list(data.WeightedRandomSampler(d.p[0].detach(), 3)),
    "minigrad.utils.data.DistributedSampler": lambda d: list(data.DistributedSampler(d.dataset(), 2, 0)),
}

EXTRA = {
    "x[mask]": lambda d: d.x[d.mask], "x[cpu index]": lambda d: d.x[mg.tensor([2, 0]), ::2],
    "x[list]": lambda d: d.x[[0, 0, 1]], "x[int, :, mask]": lambda d: d.b[1, :, d.mask[0]],
    "x[mask] = v": lambda d: d.fresh().__setitem__(d.mask, 0.0),
    "x[i:j] = list": lambda d: d.fresh().__setitem__(slice(0, 1), [1.0, 2.0, 3.0, 4.0]),
    "max(keepdim)": lambda d: d.x.max(0, keepdim=True), "argmax()": lambda d: d.x.argmax(keepdim=True),
    "nonzero(as_tuple)": lambda d: d.x.nonzero(as_tuple=True), "where(c)": lambda d: mg.where(d.mask),
    "where(c, number, number)": lambda d: mg.where(d.mask, 1.0, 0),
    "sum(out=)": lambda d: mg.sum(d.x.detach(), 1, out=mg.empty(0, device=d.dev)),
    "eq(out=)": lambda d: mg.eq(d.i, 3, out=mg.empty(3, 4, dtype=mg.bool, device=d.dev)),
    "tensor(tensor)": lambda d: _copy_constructed(d.i.float()),
    "isnan(int)": lambda d: d.i.isnan(), "div(floor, number)": lambda d: d.i.div(2, rounding_mode="floor"),
    "remainder(int, int)": lambda d: d.i % d.i.flip(0), "fmod(int, number)": lambda d: mg.fmod(-d.i, 5),
}

NOT_SWEPT = {
    **dict.fromkeys(["minigrad.Device", "minigrad.device", "minigrad.dtype", "minigrad.Size", "minigrad.finfo",
                     "minigrad.iinfo", "minigrad.promote_types", "minigrad.get_default_dtype",
                     "minigrad.set_default_dtype", "minigrad.get_default_device"], "dtypes, devices and shapes"),
    **dict.fromkeys(["minigrad.no_grad", "minigrad.enable_grad", "minigrad.is_grad_enabled",
                     "minigrad.is_inference_mode_enabled", "minigrad.autograd.GradcheckError"],
                    "grad modes and an exception class"),
    **dict.fromkeys(["minigrad.get_printoptions", "minigrad.set_printoptions"], "printing options"),
    **dict.fromkeys(["minigrad.manual_seed", "minigrad.Generator"], "the host random generator"),
    "minigrad.compile": "returns the model unchanged",
    "minigrad.from_numpy": "CPU tensors only (they share the NumPy array's memory)",
    "minigrad.linalg.module_getattr": "the missing-name hook of the namespaces (unsupported.py)",
    "Tensor.__dir__": "the names of Tensor's attributes",
    "minigrad.memory_format": "the type of the memory-format constants (contiguous_format, ...)",
    **dict.fromkeys(["minigrad.cuda.is_available", "minigrad.cuda.device_count", "minigrad.cuda.current_device",
                     "minigrad.cuda.init", "minigrad.cuda.resolve", "minigrad.accelerator.is_available",
                     "minigrad.accelerator.device_count", "minigrad.accelerator.current_accelerator",
                     "minigrad.accelerator.current_device_index"], "device queries"),
    **dict.fromkeys(["minigrad.optim.Optimizer", "minigrad.optim.lr_scheduler.LRScheduler",
                     "minigrad.utils.data.Dataset", "minigrad.utils.data.IterableDataset",
                     "minigrad.utils.data.Sampler"], "base classes, swept through their subclasses"),
    "minigrad.utils.data.get_worker_info": "worker metadata (None in the main process)",
}

# run on the simulated second GPU only: they need a CUDA device
CUDA_ONLY = {"Tensor.cuda", "minigrad.cuda.get_device_name", "minigrad.cuda.synchronize"}

# the namespaces whose public callables are swept, with every public attribute of Tensor
NAMESPACES = [mg, mg.linalg, F, mg.autograd, AF, mg.cuda, mg.accelerator, nn, optim, sched, data]

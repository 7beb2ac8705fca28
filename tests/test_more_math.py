"""The rest of the elementwise math on every device: trigonometric, hyperbolic and inverse functions,
exp2/reciprocal/square/logit/xlogy, hypot/atan2, lerp/addcmul/addcdiv; forward against NumPy,
gradients against float64 finite differences, second derivatives through create_graph; then what
the tables cannot show (PyTorch's values at edges, node names, dtypes, errors). Expected values are
PyTorch's documented ones or torch 2.13's, by hand."""

import math

import numpy as np
import pytest
from conftest import host
from op_checks import POS, inputs, table_tests

import minigrad as mg
from minigrad.autograd import gradgradcheck

F32 = np.float32


def _logit(a):
    return np.log(a / (1 - a))


# name: (minigrad fn, NumPy reference, input shapes); POS inputs lie in [0.5, 2)
OPS = {
    "asin": (lambda a: mg.asin(a * 0.4), lambda a: np.arcsin(a * F32(0.4)), [(POS, 3, 4)]),
    "acos": (lambda a: (a * -0.4).acos(), lambda a: np.arccos(a * F32(-0.4)), [(POS, 3, 4)]),
    "atan": (mg.atan, np.arctan, [(3, 4)]),
    "arctan_alias": (lambda a: mg.arctan(a), np.arctan, [(4,)]),
    "sinh": (mg.sinh, np.sinh, [(3, 4)]),
    "cosh": (lambda a: a.cosh(), np.cosh, [(3, 4)]),
    "tanh": (mg.tanh, np.tanh, [(3, 4)]),
    "asinh": (lambda a: a.asinh(), np.arcsinh, [(3, 4)]),
    "acosh": (lambda a: mg.acosh(a + 1), lambda a: np.arccosh(a + 1), [(POS, 3, 4)]),
    "atanh": (lambda a: mg.atanh(a * 0.4), lambda a: np.arctanh(a * F32(0.4)), [(POS, 3, 4)]),
    "sinc": (mg.sinc, np.sinc, [(3, 4)]),
    "deg2rad": (lambda a: a.deg2rad(), lambda a: a * F32(math.pi / 180), [(3, 4)]),
    "rad2deg": (mg.rad2deg, lambda a: a * F32(180 / math.pi), [(3, 4)]),
    "atan2_broadcast": (mg.atan2, np.arctan2, [(3, 4), (4,)]),
    "hypot": (lambda a, b: a.hypot(b), np.hypot, [(3, 1), (3, 4)]),
    "exp2": (mg.exp2, np.exp2, [(3, 4)]),
    "reciprocal": (lambda a: a.reciprocal(), lambda a: 1 / a, [(POS, 3, 4)]),
    "square": (mg.square, np.square, [(3, 4)]),
    "logit": (lambda a: mg.logit(a * 0.4), lambda a: _logit(a * F32(0.4)), [(POS, 3, 4)]),
    "logit_eps": (lambda a: (a * 0.4).logit(eps=0.3), lambda a: _logit(np.clip(a * F32(0.4), 0.3, 0.7)), [(POS, 9)]),
    "xlogy": (mg.xlogy, lambda a, b: a * np.log(b), [(3, 4), (POS, 4)]),
    "xlogy_number_x": (lambda b: mg.xlogy(2.0, b), lambda b: 2 * np.log(b), [(POS, 4)]),
    "xlogy_number_y": (lambda a: a.xlogy(3.0), lambda a: a * np.log(F32(3)), [(4,)]),
    "lerp_number": (lambda a, b: mg.lerp(a, b, 0.3), lambda a, b: a + F32(0.3) * (b - a), [(3, 4), (4,)]),
    "lerp_tensor": (lambda a, b, w: a.lerp(b, w), lambda a, b, w: a + w * (b - a), [(3, 1), (4,), (3, 4)]),
    "addcmul": (lambda x, a, b: mg.addcmul(x, a, b, value=0.5), lambda x, a, b: x + F32(0.5) * a * b,
                [(3, 4), (4,), (3, 1)]),
    "addcdiv": (lambda x, a, b: x.addcdiv(a, b, value=2), lambda x, a, b: x + 2 * (a / b), [(3, 4), (3, 4), (POS, 4)]),
}

test_forward_matches_numpy, test_gradients_match_finite_differences = table_tests(OPS)

# second derivatives, through each op's own backward run on recorded arrays (create_graph)
SECOND = ["asin", "acosh", "atanh", "sinh", "sinc", "atan2_broadcast", "hypot", "reciprocal", "logit", "xlogy",
          "lerp_tensor", "addcdiv"]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivatives_match_finite_differences(name, device):
    fn, _, shapes = OPS[name]
    assert gradgradcheck(fn, [mg.tensor(a, device=device, requires_grad=True) for a in inputs(shapes)])


def _grad(f, values, device):
    x = mg.tensor(values, device=device, requires_grad=True)
    f(x).sum().backward()
    return host(x.grad).tolist()


def test_values_and_gradients_at_the_edges_are_pytorchs(device):
    # torch 2.13 by hand for each line
    assert host(mg.sinc(mg.tensor([0.0, 1.0, 0.5], device=device))).tolist() == pytest.approx([1.0, 0.0, 2 / math.pi],
                                                                                           abs=1e-7)
    assert _grad(mg.sinc, [0.0], device) == [0.0]
    assert host(mg.xlogy(mg.tensor([0.0, 0.0, 1.0], device=device), mg.tensor([0.0, math.inf, 2.0], device=device))
                ).tolist() == pytest.approx([0.0, 0.0, math.log(2)])
    assert math.isnan(mg.xlogy(mg.tensor([0.0], device=device), mg.tensor([math.nan], device=device)).item())
    assert _grad(lambda x: mg.xlogy(x, mg.tensor([0.0, 2.0, 2.0], device=device)), [0.0, 0.0, 1.0], device) == \
        pytest.approx([0.0, math.log(2), math.log(2)])  # dx = log y, but 0 where x = 0 and y <= 0
    assert host(mg.logit(mg.tensor([0.0, 0.2, 1.0], device=device), eps=1e-6)).tolist() == \
        pytest.approx([-13.8155, -1.3863, 13.8023], abs=1e-3)
    assert _grad(lambda p: p.logit(eps=0.3), [0.2, 0.5], device) == pytest.approx([0.0, 4.0])
    start, end = mg.tensor([1.0, -3.0], device=device), mg.tensor([2.0, 7.0], device=device)
    assert host(mg.lerp(start, end, 1.0)).tolist() == [2.0, 7.0] and host(start.lerp(end, 0.0)).tolist() == [1.0, -3.0]
    assert host(mg.hypot(mg.tensor([3.0], device=device), mg.tensor([4.0], device=device))).tolist() == [5.0]
    y = mg.tensor([1.0, 1.0, -1.0, -1.0], device=device)
    x = mg.tensor([1.0, -1.0, 1.0, -1.0], device=device)
    quarter = math.pi / 4
    assert host(mg.atan2(y, x)).tolist() == pytest.approx([quarter, 3 * quarter, -quarter, -3 * quarter])
    three = mg.tensor([3], device=device)
    assert host(mg.square(three)).tolist() == [9] and mg.square(three).dtype == mg.int64


def test_node_names_are_pytorchs(device):
    x = mg.tensor([0.5, 0.2], device=device, requires_grad=True)
    names = {"asin": "AsinBackward0", "acos": "AcosBackward0", "atan": "AtanBackward0", "sinh": "SinhBackward0",
             "cosh": "CoshBackward0", "asinh": "AsinhBackward0", "atanh": "AtanhBackward0", "exp2": "Exp2Backward0",
             "reciprocal": "ReciprocalBackward0", "square": "PowBackward0", "logit": "LogitBackward0",
             "sinc": "SincBackward0", "deg2rad": "Deg2RadBackward0", "rad2deg": "Rad2DegBackward0"}
    for op, node in names.items():
        assert getattr(mg, op)(x).grad_fn.name() == node
    assert mg.atan2(x, x).grad_fn.name() == "Atan2Backward0" and mg.hypot(x, x).grad_fn.name() == "HypotBackward0"
    assert mg.xlogy(x, x).grad_fn.name() == "XlogyBackward0" and mg.xlogy(2, x).grad_fn.name() == "XlogyBackward1"
    assert mg.xlogy(x, 3.0).grad_fn.name() == "XlogyBackward2" and mg.lerp(x, x, 0.5).grad_fn.name() == "LerpBackward0"
    assert mg.lerp(x, x, x).grad_fn.name() == "LerpBackward1"
    assert mg.addcmul(x, x, x).grad_fn.name() == "AddcmulBackward0"
    assert mg.addcdiv(x, x, x).grad_fn.name() == "AddcdivBackward0"


def test_dtypes_out_and_errors(device):
    i = mg.tensor([1, 2], device=device)
    with pytest.raises(TypeError, match=r"asin expects a floating-point tensor but got minigrad.int64.*\.float\(\)"):
        mg.asin(i)
    with pytest.raises(TypeError, match="atan2 expects a floating-point tensor"):
        mg.atan2(i, i)
    with pytest.raises(TypeError, match="argument 'other' must be Tensor, not float"):
        mg.hypot(i.float(), 2.0)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        mg.addcdiv(i, i, i)
    x = mg.tensor([0.25, 0.5], device=device)
    assert mg.atan2(x, x.double()).dtype == mg.float64 and mg.lerp(x, x.double(), 0.5).dtype == mg.float64
    out = mg.empty(2, device=device)
    assert mg.asin(x, out=out) is out and host(out).tolist() == pytest.approx(np.arcsin([0.25, 0.5]).tolist())
    assert mg.hypot(x, x, out=out) is out and mg.xlogy(x, x, out=out) is out
    with pytest.raises(RuntimeError, match="out=... arguments don't support automatic differentiation"):
        mg.sinh(x.requires_grad_(), out=out)

"""The two checks every op table runs on every device (test_ops.py, test_math_ops.py, test_shape_ops.py):

    check_forward(fn, ref, shapes, device)   fn on float32 tensors == the NumPy reference, same dtype
    check_gradients(fn, shapes, device)      analytic gradients == float64 central differences

An op table maps a name to (minigrad fn, NumPy reference, input shapes); a shape starting with POS
asks for inputs in [0.5, 2) (log, sqrt, a pow base), any other for standard normal ones. A test
module runs both checks on its table with

    test_forward_matches_numpy, test_gradients_match_finite_differences = table_tests(OPS)
"""

import numpy as np
import pytest
from conftest import host

import minigrad as mg
from minigrad.autograd import gradcheck

POS = "positive"


def inputs(shapes, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 2.0, s[1:]) if s and s[0] == POS else rng.standard_normal(s) for s in shapes]


def _arrays(out):
    return [host(o) for o in out] if isinstance(out, (tuple, list)) else [host(out)]


def check_forward(fn, ref, shapes, device):
    arrays = [a.astype(np.float32) for a in inputs(shapes)]
    out = fn(*[mg.tensor(a, device=device) for a in arrays])
    expected = ref(*arrays)
    for got, want in zip(_arrays(out), expected if isinstance(out, (tuple, list)) else [expected]):
        want = np.asarray(want)
        assert got.dtype == want.dtype, f"dtype {got.dtype}, NumPy gives {want.dtype}"
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    first = out[0] if isinstance(out, (tuple, list)) else out
    assert first.device == mg.device(device if device == "cpu" else "cuda:0")


def check_gradients(fn, shapes, device):
    leaves = [mg.tensor(a, device=device, requires_grad=True) for a in inputs(shapes)]
    assert gradcheck(fn, leaves)


def table_tests(ops):
    """The forward and gradient tests of one op table, parametrized by op name and device."""

    @pytest.mark.parametrize("name", ops)
    def test_forward_matches_numpy(name, device):
        fn, ref, shapes = ops[name]
        check_forward(fn, ref, shapes, device)

    @pytest.mark.parametrize("name", ops)
    def test_gradients_match_finite_differences(name, device):
        fn, _, shapes = ops[name]
        check_gradients(fn, shapes, device)

    return test_forward_matches_numpy, test_gradients_match_finite_differences

"""Printing as PyTorch prints: tensor repr (formatter modes, wrapping, summarising, suffixes), print
options, format specs on tensors, and minigrad.Size. Expected strings are torch 2.13's output for the
same expression (torch. read as minigrad.), checked by hand."""

import pytest
from conftest import host

import minigrad as mg

REPRS = [  # (expression, what torch 2.13 prints for it, torch. read as minigrad.)
    ('mg.tensor([1.0, 2.0])',
     'tensor([1., 2.])'),
    ('mg.tensor([1, 2])',
     'tensor([1, 2])'),
    ('mg.tensor(3.5)',
     'tensor(3.5000)'),
    ('mg.tensor(True)',
     'tensor(True)'),
    ('mg.tensor(1e-5)',
     'tensor(1.0000e-05)'),
    ('mg.tensor([1.5, -2.25])',
     'tensor([ 1.5000, -2.2500])'),
    ('mg.tensor([[1.0, 2.5], [-3.0, 100.0]])',
     ('tensor([[  1.0000,   2.5000],\n'
      '        [ -3.0000, 100.0000]])')),
    ('mg.tensor([1e-5, 1.0])',
     'tensor([1.0000e-05, 1.0000e+00])'),
    ('mg.tensor([1e10, 1.0])',
     'tensor([1.0000e+10, 1.0000e+00])'),
    ('mg.tensor([1.0, 1001.0])',
     'tensor([1.0000e+00, 1.0010e+03])'),
    ('mg.tensor([123456.789, 0.001])',
     'tensor([1.2346e+05, 1.0000e-03])'),
    ('mg.tensor([0.0, float("nan"), float("inf"), -float("inf")])',
     'tensor([0., nan, inf, -inf])'),
    ('mg.tensor([-0.0, 1.0])',
     'tensor([-0., 1.])'),
    ('mg.tensor([1.5, float("nan")])',
     'tensor([1.5000,    nan])'),
    ('mg.tensor([True, False, True])',
     'tensor([ True, False,  True])'),
    ('mg.tensor([1, -22, 333])',
     'tensor([  1, -22, 333])'),
    ('mg.tensor([1, 2], dtype=mg.int32)',
     'tensor([1, 2], dtype=minigrad.int32)'),
    ('mg.tensor([1.5, 2], dtype=mg.float16)',
     'tensor([1.5000, 2.0000], dtype=minigrad.float16)'),
    ('mg.tensor(2.0, dtype=mg.float64)',
     'tensor(2., dtype=minigrad.float64)'),
    ('mg.tensor([])',
     'tensor([])'),
    ('mg.tensor([], dtype=mg.int64)',
     'tensor([], dtype=minigrad.int64)'),
    ('mg.zeros(2, 0, dtype=mg.int64)',
     'tensor([], size=(2, 0), dtype=minigrad.int64)'),
    ('mg.zeros(2, 1, 1, 2)',
     ('tensor([[[[0., 0.]]],\n'
      '\n'
      '\n'
      '        [[[0., 0.]]]])')),
    ('mg.arange(30.)',
     ('tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
      '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
      '        28., 29.])')),
    ('mg.arange(1001)',
     'tensor([   0,    1,    2,  ...,  998,  999, 1000])'),
    ('mg.arange(2000).reshape(40, 50)',
     ('tensor([[   0,    1,    2,  ...,   47,   48,   49],\n'
      '        [  50,   51,   52,  ...,   97,   98,   99],\n'
      '        [ 100,  101,  102,  ...,  147,  148,  149],\n'
      '        ...,\n'
      '        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n'
      '        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n'
      '        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])')),
    ('mg.arange(12).reshape(3, 4) * 1000000',
     ('tensor([[       0,  1000000,  2000000,  3000000],\n'
      '        [ 4000000,  5000000,  6000000,  7000000],\n'
      '        [ 8000000,  9000000, 10000000, 11000000]])')),
    ('mg.linspace(-1, 1, 30)',
     ('tensor([-1.0000, -0.9310, -0.8621, -0.7931, -0.7241, -0.6552, -0.5862, -0.5172,\n'
      '        -0.4483, -0.3793, -0.3103, -0.2414, -0.1724, -0.1034, -0.0345,  0.0345,\n'
      '         0.1034,  0.1724,  0.2414,  0.3103,  0.3793,  0.4483,  0.5172,  0.5862,\n'
      '         0.6552,  0.7241,  0.7931,  0.8621,  0.9310,  1.0000])')),
    ('mg.arange(60., requires_grad=True)',
     ('tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
      '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
      '        28., 29., 30., 31., 32., 33., 34., 35., 36., 37., 38., 39., 40., 41.,\n'
      '        42., 43., 44., 45., 46., 47., 48., 49., 50., 51., 52., 53., 54., 55.,\n'
      '        56., 57., 58., 59.], requires_grad=True)')),
    ('mg.arange(100.).reshape(2, 50).double()',
     ('tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
      '         14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
      '         28., 29., 30., 31., 32., 33., 34., 35., 36., 37., 38., 39., 40., 41.,\n'
      '         42., 43., 44., 45., 46., 47., 48., 49.],\n'
      '        [50., 51., 52., 53., 54., 55., 56., 57., 58., 59., 60., 61., 62., 63.,\n'
      '         64., 65., 66., 67., 68., 69., 70., 71., 72., 73., 74., 75., 76., 77.,\n'
      '         78., 79., 80., 81., 82., 83., 84., 85., 86., 87., 88., 89., 90., 91.,\n'
      '         92., 93., 94., 95., 96., 97., 98., 99.]], dtype=minigrad.float64)')),
    ('mg.zeros(2, requires_grad=True, dtype=mg.float64)',
     'tensor([0., 0.], dtype=minigrad.float64, requires_grad=True)'),
]


@pytest.fixture
def print_options():
    """Restores the default print options whatever a test sets."""
    yield
    mg.set_printoptions(profile="default")


@pytest.mark.parametrize("expression, expected", REPRS, ids=[e for e, _ in REPRS])
def test_repr_is_pytorchs(expression, expected):
    t = eval(expression, {"mg": mg})
    assert repr(t) == str(t) == expected


def test_repr_of_a_gpu_tensor_shows_the_same_values(device):
    x = mg.tensor([[1.0, 2.5], [-3.0, 100.0]], device=device)
    suffix = "" if device == "cpu" else ", device='cuda:0'"
    assert repr(x) == "tensor([[  1.0000,   2.5000],\n        [ -3.0000, 100.0000]]" + suffix + ")"
    assert repr(mg.arange(1001, device=device)) == "tensor([   0,    1,    2,  ...,  998,  999, 1000]" + suffix + ")"


def test_grad_fn_is_shown_for_results_and_requires_grad_for_leaves():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(w) == "tensor([1., 2.], requires_grad=True)"
    assert repr(w * 2).startswith("tensor([2., 4.], grad_fn=<Mul")
    with mg.no_grad():
        assert repr(w * 2) == "tensor([2., 4.])"
    assert repr(mg.nn.Parameter(mg.zeros(2))) == "Parameter containing:\ntensor([0., 0.], requires_grad=True)"


@pytest.mark.parametrize("options, expression, expected", [
    ({"threshold": 10, "edgeitems": 1}, "mg.arange(27).reshape(3, 3, 3)",
     "tensor([[[ 0,  ...,  2],\n         ...,\n         [ 6,  ...,  8]],\n\n        ...,\n\n"
     "        [[18,  ..., 20],\n         ...,\n         [24,  ..., 26]]])"),
    ({"threshold": 5}, "mg.arange(10)", "tensor([0, 1, 2,  ..., 7, 8, 9])"),
    ({"threshold": 5, "edgeitems": 0}, "mg.arange(10)", "tensor([...], size=(10,))"),
    ({"precision": 2}, "mg.tensor([1.12345])", "tensor([1.12])"),
    ({"sci_mode": True}, "mg.tensor([1.5, 2.0])", "tensor([1.5000e+00, 2.0000e+00])"),
    ({"sci_mode": False}, "mg.tensor([1e-5, 1.0])", "tensor([0.0000, 1.0000])"),
    ({"linewidth": 30}, "mg.arange(20.)",
     "tensor([ 0.,  1.,  2.,  3.,\n         4.,  5.,  6.,  7.,\n         8.,  9., 10., 11.,\n"
     "        12., 13., 14., 15.,\n        16., 17., 18., 19.])"),
    ({"linewidth": 40}, "mg.arange(8.).double()",
     "tensor([0., 1., 2., 3., 4., 5., 6., 7.],\n       dtype=minigrad.float64)"),  # a suffix wraps too
    ({"profile": "short"}, "mg.arange(24.).reshape(4, 6) / 3",
     "tensor([[0.00, 0.33, 0.67, 1.00, 1.33, 1.67],\n        [2.00, 2.33, 2.67, 3.00, 3.33, 3.67],\n"
     "        [4.00, 4.33, 4.67, 5.00, 5.33, 5.67],\n        [6.00, 6.33, 6.67, 7.00, 7.33, 7.67]])"),
])
def test_print_options_are_pytorchs(print_options, options, expression, expected):
    mg.set_printoptions(**options)
    assert repr(eval(expression, {"mg": mg})) == expected


def test_set_and_get_printoptions(print_options):
    assert mg.get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                                     "sci_mode": None}
    mg.set_printoptions(profile="full")
    assert mg.get_printoptions()["threshold"] == float("inf") and "..." not in repr(mg.arange(2000))
    mg.set_printoptions(profile="default")
    assert "..." in repr(mg.arange(2000))
    with pytest.raises(ValueError, match="unknown print profile 'tiny'"):
        mg.set_printoptions(profile="tiny")


def test_format_specs_apply_to_zero_dim_tensors_as_in_pytorch(device):
    loss = mg.tensor(1.5, requires_grad=True, device=device) * 1
    signed, right, plain = "{:+.2f}", "{:>8}", "{}"  # the str.format idioms of older scripts
    assert f"{loss:.2f}" == "1.50" and f"{loss:+.3f}" == "+1.500" and signed.format(-loss) == "-1.50"
    assert right.format(mg.tensor(3, device=device)) == "       3" and format(mg.tensor(7), "05d") == "00007"
    assert f"loss {mg.tensor([1.0, 2.0]).sum()}" == "loss 3.0"  # a 0-d tensor formats as its value
    assert f"{mg.tensor([1.5, 2.0])}" == "tensor([1.5000, 2.0000])" == plain.format(mg.tensor([1.5, 2.0]))
    with pytest.raises(TypeError, match=r"unsupported format string '.2f' passed to Tensor.__format__.*shape \(1,\)"):
        f"{mg.tensor([1.5]):.2f}"  # PyTorch's rule: only 0-d tensors take a format spec


def test_python_scalar_conversions(device):
    assert float(mg.tensor([2.5], device=device)) == 2.5 and int(mg.tensor(-2.7, device=device)) == -2
    assert mg.tensor(True).item() is True and isinstance(mg.tensor([3]).item(), int)
    assert [10, 20, 30][mg.tensor(1)] == 20 and [10, 20][mg.tensor([1])] == 20
    assert host(mg.tensor([[1, 2], [3, 4]], device=device)).tolist() == [[1, 2], [3, 4]]
    assert mg.tensor(2.5).tolist() == 2.5 and not bool(mg.tensor(0.0)) and bool(mg.tensor([2.0]))
    with pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars"):
        float(mg.tensor([2.0, 3.0]))
    with pytest.raises(TypeError, match="only integer tensors of a single element can be converted to an index"):
        [0, 1, 2][mg.tensor(1.0)]
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        mg.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is ambiguous"):
        bool(mg.tensor([]))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(mg.tensor([1, 2]))


def test_len_and_iteration_go_over_dimension_zero(device):
    x = mg.tensor([[1, 2], [3, 4]], device=device)
    assert len(x) == 2 and [host(row).tolist() for row in x] == [[1, 2], [3, 4]]
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    sum(v * v for v in w).backward()  # rows are differentiable views, as unbind(0) in PyTorch
    assert w.grad.tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(mg.tensor(1))
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.tensor(1))


def test_size_is_a_tuple_that_prints_as_pytorchs(device):
    s = mg.zeros(2, 3, device=device).shape
    assert repr(s) == str(s) == "minigrad.Size([2, 3])"
    assert f"Shape of tensor: {s}" == "Shape of tensor: minigrad.Size([2, 3])"  # PyTorch's tensor tutorial
    assert isinstance(s, tuple) and s == (2, 3) and s != [2, 3] and hash(s) == hash((2, 3))
    assert s.numel() == 6 and mg.Size([]).numel() == 1 and repr(mg.Size([])) == "minigrad.Size([])"
    assert repr(s[1:]) == "minigrad.Size([3])" and s[0] == 2 and s[-1] == 3
    assert repr(s + (4,)) == "minigrad.Size([2, 3, 4])" and repr((4,) + s) == "minigrad.Size([4, 2, 3])"
    assert repr(s * 2) == "minigrad.Size([2, 3, 2, 3])"
    a, b = s
    assert (a, b) == (2, 3) and mg.zeros(s).shape == s


def test_size_and_its_dimension_errors():
    x = mg.zeros(2, 3)
    assert x.size() == (2, 3) and isinstance(x.size(), mg.Size) and x.size(1) == 3 and x.size(-1) == 3
    assert x.size(dim=0) == 2 and mg.zeros(()).size() == ()
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.size(2)
    with pytest.raises(IndexError, match="Dimension specified as 0 but tensor has no dimensions"):
        mg.zeros(()).size(0)


def test_tensor_properties():
    x = mg.zeros(2, 3, dtype=mg.float64)
    assert (x.dim(), x.ndim, x.numel(), x.element_size(), x.itemsize, x.nbytes) == (2, 2, 6, 8, 8, 48)
    assert x.is_cpu and not x.is_cuda

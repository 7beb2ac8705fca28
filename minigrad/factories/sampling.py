"""Random tensors: `rand` (uniform on [0, 1)), `randn` (standard normal), `randint`, `randperm`,
`normal` and the `*_like` forms. Samples come from the global generator (minigrad.manual_seed) or
the `generator=` given, drawn on the host, so a seed gives the same numbers on every device.

    >>> import minigrad as mg
    >>> _ = mg.manual_seed(0)
    >>> mg.randint(10, (3,)).dtype, sorted(mg.randperm(4).tolist()), mg.normal(2.0, 0.5, size=(2, 3)).shape
    (minigrad.int64, [0, 1, 2, 3], minigrad.Size([2, 3]))
"""

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from ..ops.out import into
from ..random import rng
from ..tensor import Tensor
from . import options


def _float_dtype(name, dtype, default):
    d = options.dtype_or(dtype, default)
    if not d.is_floating_point:
        raise TypeError(f"{name}() draws floating-point samples, not {d}; use randint for integers")
    return d


def draw(method, shape, d, generator):
    # float32 and float16 samples are drawn as float32 (NumPy has no float16 sampler), float64 as float64
    draw_dtype = np.float64 if d is dtypes.float64 else np.float32
    return getattr(rng(generator), method)(shape, dtype=draw_dtype).astype(d.dtype, copy=False)


def _sample(name, method, args, size, generator, out, dtype, device, requires_grad):
    """rand/randn: samples of the size asked for, into `out` if given (whose dtype and device they
    then take, unless dtype= / device= say otherwise)."""
    if out is not None:
        dtype, device = dtype or out.dtype, device or out.device
    shape, d = options.sizes(args, size, name), _float_dtype(name, dtype, dtypes.default_float)
    return into(out, options.place(draw(method, shape, d, generator), device, requires_grad), name)


def rand(*args, size=None, generator=None, out=None, dtype=None, device=None, requires_grad=False):
    """Samples uniform on [0, 1)."""
    return _sample("rand", "random", args, size, generator, out, dtype, device, requires_grad)


def randn(*args, size=None, generator=None, out=None, dtype=None, device=None, requires_grad=False):
    """Samples of the standard normal distribution N(0, 1)."""
    return _sample("randn", "standard_normal", args, size, generator, out, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers uniform on [low, high): randint(high, size) or randint(low, high, size); int64 unless
    dtype= says otherwise (a floating dtype holds the integers as floats)."""
    if isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None and size is not None:  # randint(high, size=...)
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint() needs high and size: randint(high, size) or randint(low, high, size), "
                        "e.g. randint(10, (3,))")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape, d = options.sizes((), size, "randint"), options.dtype_or(dtype, dtypes.int64)
    host = rng(generator).integers(low, high, size=shape, dtype=np.int64)
    return options.place(host.astype(d.dtype, copy=False), device, requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0, 1, ..., n - 1."""
    (n,) = options.sizes((n,), None, "randperm")
    d = options.dtype_or(dtype, dtypes.int64)
    return options.place(rng(generator).permutation(n).astype(d.dtype), device, requires_grad)


class Normal(Function):
    """y = mean + std * z, z ~ N(0, 1) (drawn before forward, on the host).

    PyTorch defines the gradient of a sample with respect to mean and std as zero, so dmean = dstd = 0
    here too; for the reparameterised gradient write `mean + std * randn_like(std)` instead.
    """

    saved_inputs = {}

    def forward(self, mean, std, z=None):
        self.shapes = np.shape(mean), np.shape(std)
        return (mean + std * z).astype(z.dtype, copy=False)  # z has the result's dtype (PyTorch's promotion)

    def backward(self, g):
        return tuple(self.xp.zeros(shape, dtype=g.dtype) if need else None
                     for shape, need in zip(self.shapes, self.needs_input_grad))


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples of N(mean, std**2), in PyTorch's four forms: normal(mean_tensor, std_tensor) (shapes
    broadcast), normal(mean_tensor, std=1.0), normal(mean_number, std_tensor), and
    normal(mean_number, std_number, size) with dtype=, device= and requires_grad=."""
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if isinstance(std, Tensor) and bool((std._data < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if not tensors:
        if size is None:
            raise TypeError("normal() with a number mean and std needs size=, the shape to draw: "
                            "normal(0.0, 1.0, size=(2, 3))")
        shape, d = options.sizes((), size, "normal"), _float_dtype("normal", dtype, dtypes.default_float)
        host = mean + std * draw("standard_normal", shape, d, generator)
        return options.place(host.astype(d.dtype, copy=False), device, requires_grad)
    if size is not None or dtype is not None or device is not None or requires_grad:
        raise TypeError("normal(): size=, dtype=, device= and requires_grad= go with a number mean and std; "
                        "with tensors the result takes their shape, dtype and device")
    for t in tensors:
        dtypes.check_float("normal", t)
    d = tensors[0].dtype if len(tensors) == 1 else dtypes.torch_result_type(mean.dtype, mean.ndim, std.dtype, std.ndim)
    try:
        shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    except ValueError:
        raise RuntimeError(f"normal: mean of shape {tuple(mean.shape)} and std of shape {tuple(std.shape)} "
                           "cannot be broadcast together") from None
    z = randn(shape, generator=generator, dtype=d, device=tensors[0].device)
    return Normal.apply(mean, std, z=z._data)


def rand_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    return rand(input.shape, generator=generator, requires_grad=requires_grad, **options.like(input, dtype, device))


def randn_like(input, dtype=None, device=None, requires_grad=False, generator=None):
    return randn(input.shape, generator=generator, requires_grad=requires_grad, **options.like(input, dtype, device))


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False, generator=None):
    """randint_like(input, high) or randint_like(input, low, high), in input's shape, dtype and device."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, requires_grad=requires_grad,
                   **options.like(input, dtype, device))


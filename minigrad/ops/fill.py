"""Random fills in place, as torch.Tensor has them: x.uniform_(a, b), x.normal_(mean, std),
x.random_(from, to), x.bernoulli_(p), x.exponential_(lambd). Samples come from the global generator
(minigrad.manual_seed) or the `generator=` given and are drawn on the host, as every random factory's
are, then copied into x's own storage by copy_ (the in-place rules apply), so a seed gives the same
values on every device and `x.uniform_()` the same numbers as `rand`.

    >>> import minigrad as mg
    >>> _ = mg.manual_seed(0)
    >>> x = mg.empty(1000).uniform_(-2, 2)
    >>> bool((x >= -2).all() and (x < 2).all()), mg.empty(3, dtype=mg.int64).random_(5, 6)
    (True, tensor([5, 5, 5]))
"""

from .. import dtypes
from ..factories.sampling import draw
from ..random import rng
from ..tensor import Tensor
from ..type_info import finfo, iinfo


def _float(op, x):
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op} not implemented for '{x.dtype}': it draws floating-point values; use random_ "
                           "for integers")


def uniform_(x, from_, to, generator):
    """x filled with samples uniform on [from_, to)."""
    _float("uniform_", x)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    return x.copy_(from_ + (to - from_) * draw("random", x.shape, x.dtype, generator))


def normal_(x, mean, std, generator):
    """x filled with samples of N(mean, std**2)."""
    _float("normal_", x)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return x.copy_(mean + std * draw("standard_normal", x.shape, x.dtype, generator))


def random_(x, from_, to, generator):
    """x filled with integers uniform on [from_, to): random_(to) is [0, to), random_() the whole range
    the dtype holds exactly ([0, 2^mantissa digits] for floats, [0, max] for integers)."""
    if to is None:
        if from_ is None:  # every value the dtype holds exactly, inclusive
            top = 1 if x.dtype is dtypes.bool else int(2 / finfo(x.dtype).eps) if x.dtype.kind == "f" \
                else iinfo(x.dtype).max
            return x.copy_(rng(generator).integers(0, top, size=x.shape, endpoint=True))
        from_, to = 0, from_
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return x.copy_(rng(generator).integers(from_, to, size=x.shape))


def bernoulli_(x, p, generator):
    """x filled with 1 with probability p (a number, or a tensor broadcast to x), else 0."""
    if isinstance(p, Tensor):
        p = p.detach().cpu().numpy()  # compared with the host draws below
        inside = p.size == 0 or (p.min() >= 0 and p.max() <= 1)
    else:
        inside = 0 <= p <= 1
    if not inside:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return x.copy_(draw("random", x.shape, dtypes.float64, generator) < p)


def exponential_(x, lambd, generator):
    """x filled with samples of the exponential distribution of rate lambd (mean 1 / lambd)."""
    _float("exponential_", x)
    if lambd <= 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return x.copy_(draw("standard_exponential", x.shape, x.dtype, generator) / lambd)

"""How a tensor prints: PyTorch's layout (torch/_tensor_str.py) rebuilt on NumPy, and its options.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.5], [-3.0, 100.0]])
    tensor([[  1.0000,   2.5000],
            [ -3.0000, 100.0000]])
    >>> mg.set_printoptions(threshold=5)
    >>> mg.arange(10)
    tensor([0, 1, 2,  ..., 7, 8, 9])
    >>> mg.set_printoptions(profile="default")

One formatter serves all elements, so the columns line up: it looks at the nonzero finite values
(only the printed ones when summarising) and picks
    int mode   every value is integral: "3."              (floats keep their dot)
    sci mode   max/min > 1000, max > 1e8 or min < 1e-4: "1.0000e+05"
    fixed      otherwise: precision digits, "2.5000"
and the width of the widest. Rows wrap at `linewidth`; a tensor of more than `threshold` elements
shows `edgeitems` rows/columns at each end of every dimension with "..." between. The suffixes
(device, dtype, grad_fn / requires_grad) follow and wrap the same way. Only the printed elements
are copied to the host, so printing a large GPU tensor is cheap.
"""

import math

import numpy as np

from . import dtypes


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None  # None: decided per tensor, as described above


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print, as torch.set_printoptions: a profile ('default', 'short', 'full') and/or
    single options on top. sci_mode is always set (None restores the automatic choice)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"unknown print profile {profile!r}; expected one of {sorted(_PROFILES)}")
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options, as keyword arguments for set_printoptions."""
    names = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")
    return {name: getattr(PRINT_OPTS, name) for name in names}


class _Formatter:
    """Formats every element of one tensor to the same width."""

    def __init__(self, values, floating):
        self.floating, self.int_mode, self.sci_mode, self.max_width = floating, True, False, 1
        if not floating:
            self.max_width = max((len(str(v)) for v in values.tolist()), default=1)
            return
        shown = values[np.isfinite(values) & (values != 0)].astype(np.float64)
        if shown.size == 0:
            return  # only zeros, nan and inf: width 1, "0." style
        self.int_mode = bool((shown == np.ceil(shown)).all())
        big, small = np.abs(shown).max(), np.abs(shown).min()
        auto_sci = big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4
        self.sci_mode = bool(auto_sci if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        spec, dot = self._spec(), 1 if self.int_mode and not self.sci_mode else 0  # the dot after "3"
        self.max_width = max(len(format(v, spec)) for v in shown.tolist()) + dot

    def _spec(self):
        if self.sci_mode:
            return f".{PRINT_OPTS.precision}e"
        return ".0f" if self.int_mode else f".{PRINT_OPTS.precision}f"

    def format(self, value):
        if not self.floating:
            return str(value).rjust(self.max_width)  # ints, and bools as True/False
        text = format(value, self._spec())
        if self.int_mode and not self.sci_mode and math.isfinite(value):
            text += "."  # "3." says float where "3" would say int
        return text.rjust(self.max_width)


def _render(a, shape, indent, summarize, fmt):
    """The nested-bracket text of host array `a`: the elements left after summarising `shape`."""
    if a.ndim == 0:
        return fmt.format(a.item())
    edge = PRINT_OPTS.edgeitems
    cut = summarize and shape[0] > 2 * edge  # then `a` holds edge rows from each end
    if a.ndim == 1:
        per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2)))
        items = [fmt.format(v) for v in a.tolist()]
        if cut:
            items = items[:edge] + [" ..." if edge else "..."] + items[edge:]
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_render(a[i], shape[1:], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    if cut:
        rows = rows[:edge] + ["..."] + rows[edge:]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _edges(a, edge):
    """Keep only the first and last `edge` entries of every dimension longer than 2 * edge."""
    for axis, n in enumerate(a.shape):
        if n > 2 * edge:
            a = a.take(list(range(edge)) + list(range(n - edge, n)), axis=axis)
    return a


def _add_suffixes(text, suffixes, indent):
    """Append ", suffix" for each, starting a new line when the current one would pass linewidth."""
    parts = [text]
    line = len(text) - text.rfind("\n") + 1  # PyTorch's own measure of the last line, kept for equal output
    for suffix in suffixes:
        if line + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(t):
    """repr(t): "tensor(" + the values + the suffixes PyTorch would add + ")"."""
    prefix = "tensor("
    indent, suffixes, dtype, shape = len(prefix), [], t.dtype, tuple(t._data.shape)
    default_device = options.default_device
    if t.device.type != default_device.type or t.device.type == "cuda" and t.device.index != cuda.current_device():
        suffixes.append(f"device='{t.device}'")
    if t._data.size == 0:
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dtype is not dtypes.default_float:  # an empty tensor shows no values to tell int64 by
            suffixes.append(f"dtype={dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={shape}")
        if dtype not in (dtypes.default_float, dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={dtype}")
        summarize = t._data.size > PRINT_OPTS.threshold
        shown = t.device.backend.to_host(_edges(t._data, PRINT_OPTS.edgeitems) if summarize else t._data)
        body = _render(shown, shape, indent, summarize, _Formatter(shown.reshape(-1), dtype.is_floating_point))
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


from . import cuda  # noqa: E402  (tensor.py imports this module at its end; these import tensor.py)
from .factories import options  # noqa: E402

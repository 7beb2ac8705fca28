"""torch.memory_format: the layout PyTorch may give a copy. minigrad leaves memory layout to NumPy/CuPy
and never needs a tensor to be contiguous (view() copies where PyTorch's would refuse), so the two
general formats are accepted where PyTorch takes them and change nothing; channels_last, a layout for
convolutions, is refused (convolutions are out of scope).

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 2.0]).clone(memory_format=mg.contiguous_format)
    tensor([1., 2.])
"""


class memory_format:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"minigrad.{self.name}"


preserve_format = memory_format("preserve_format")
contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


def check(fmt, op):
    """Accept None and the general formats; refuse the convolution layouts and anything else."""
    if fmt is None or fmt is preserve_format or fmt is contiguous_format:
        return
    if fmt is channels_last or fmt is channels_last_3d:
        raise NotImplementedError(f"{op}(memory_format={fmt}): channels-last layouts are for convolutions, which "
                                  "are out of scope in minigrad; use minigrad.contiguous_format")
    raise TypeError(f"{op}(): argument 'memory_format' must be a minigrad.memory_format such as "
                    f"minigrad.preserve_format, not {type(fmt).__name__}")

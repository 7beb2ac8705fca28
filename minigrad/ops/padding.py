"""`pad` in constant mode: grow (or, with negative widths, crop) the last dims, filling with a value.

    pad = (left_last, right_last, left_2nd_last, right_2nd_last, ...)   PyTorch's order: last dim first
    y = value everywhere, then y[kept region] = x[kept region]          dx = g[kept region]

The kept region is the part of x that survives a negative width; the rest of y is the fill.
"""

from ..autograd.function import Function


class Pad(Function):
    node = "ConstantPadNdBackward0"
    saved_inputs = {}

    def forward(self, x, pad=(), value=0.0):
        self.shape = x.shape
        src, dst, shape = [], [], list(x.shape)
        for i in range(x.ndim):
            k = x.ndim - 1 - i  # pad lists the last dim first
            lo, hi = (pad[2 * k], pad[2 * k + 1]) if 2 * k < len(pad) else (0, 0)
            n = x.shape[i]
            shape[i] = n + lo + hi
            # x[src] lands at y[dst]; a negative width crops x instead of padding y
            src.append(slice(max(-lo, 0), n - max(-hi, 0)))
            dst.append(slice(max(lo, 0), max(lo, 0) + max(n - max(-lo, 0) - max(-hi, 0), 0)))
        self.src, self.dst = tuple(src), tuple(dst)
        y = self.xp.full(shape, value, dtype=x.dtype)
        y[self.dst] = x[self.src]
        return y

    def backward(self, g):
        dx = self.xp.zeros(self.shape, dtype=g.dtype)
        dx[self.src] = g[self.dst]
        return (dx,)


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dims of input; only mode='constant' is supported."""
    if mode != "constant":
        raise NotImplementedError(f"pad: mode={mode!r} is not supported by minigrad (only 'constant')")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    for k in range(len(pad) // 2):
        n = input.shape[input.ndim - 1 - k]
        if n + pad[2 * k] + pad[2 * k + 1] < 0:
            raise RuntimeError(f"pad: the padding {pad[2 * k:2 * k + 2]} of dim {input.ndim - 1 - k} (size {n}) "
                               "would give it a negative size")
    return Pad.apply(input, pad=pad, value=0.0 if value is None else value)

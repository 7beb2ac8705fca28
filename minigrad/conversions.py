"""Shorthands for `.to(...)` that PyTorch gives both tensors and modules: float(), cuda(), ..."""

from . import dtypes


class Convertible:
    """Mixed into Tensor and Module, which each define `to(dtype_or_device)`."""

    __slots__ = ()  # keeps Tensor free of a per-instance __dict__

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        """To the current CUDA device, or to `device` (an index, "cuda:N" or a Device)."""
        return self.to(f"cuda:{device}" if isinstance(device, int) else device or "cuda")

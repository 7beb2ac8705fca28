"""Automatic differentiation: `Function` (one op), the backward engine, grad modes, gradcheck."""

from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck

__all__ = ["Function", "GradcheckError", "enable_grad", "gradcheck", "is_grad_enabled", "no_grad"]

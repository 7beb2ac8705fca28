"""The two wrappers that make PyTorch's in-place forms (the trailing underscore) out of the op methods,
so that every `x.op_()` follows the same rules (minigrad/inplace.py) and none is written by hand:

    sin_ = in_place(sin)               x.sin_() computes x.sin() and writes it into x's own storage
    unsqueeze_ = view_in_place(unsqueeze)   x.unsqueeze_(0) makes x the view x.unsqueeze(0) of its storage

Both refuse a tensor that requires grad while grad mode records (minigrad records out-of-place ops
only) and count as a write for the version rule, as in PyTorch; a written result must keep x's shape
and fit its dtype (a float result is not written into an integer tensor).
"""


def in_place(method):
    """x.<op>_(...): x.<op>(...) written into x's storage; returns x."""
    name = method.__name__ + "_"

    def method_(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        if result.shape != self.shape:
            raise RuntimeError(f"{name}: output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        return self._inplace(result)

    method_.__name__ = method_.__qualname__ = name
    method_.__doc__ = f"In place: x.{method.__name__}(...) written into x's own storage (returns x)."
    return method_


def view_in_place(method):
    """x.<op>_(...): x becomes the view x.<op>(...) of its own storage (new shape, same elements); returns x."""
    name = method.__name__ + "_"

    def method_(self, *args, **kwargs):
        self._check_inplace()
        view = method(self, *args, **kwargs)._data
        self._mark_written()  # as in PyTorch, where the version counter moves on
        self._data = view
        return self

    method_.__name__ = method_.__qualname__ = name
    method_.__doc__ = f"In place: x becomes x.{method.__name__}(...), a view of its own storage (returns x)."
    return method_

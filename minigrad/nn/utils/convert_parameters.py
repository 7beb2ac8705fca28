"""All parameters as one flat vector and back (e.g. for second-order methods or weight averaging).

    parameters_to_vector   cat([p.view(-1) for p in parameters])      differentiable, a new tensor
    vector_to_parameters   each p's storage becomes its slice of vec   (p.data = slice.view_as(p))
"""

from ...ops.join import cat
from ...tensor import Tensor


def _same_device(params):
    for p in params[1:]:
        if p.device is not params[0].device:
            raise TypeError(f"Found two parameters on different devices ({params[0].device} and {p.device}), "
                            "this is currently not supported.")


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter's values, in order."""
    params = list(parameters)
    _same_device(params)
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Make each parameter a view of its slice of `vec` (1-D, as many elements as all parameters)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    _same_device(params)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ValueError(f"vector_to_parameters: vec must be 1-D with {total} elements (one per parameter "
                         f"element), got shape {tuple(vec.shape)}")
    start = 0
    for p in params:
        p.data = vec[start:start + p.numel()].view_as(p).data
        start += p.numel()

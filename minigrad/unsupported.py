"""What minigrad does not implement, and the one error that says so.

`minigrad`, `minigrad.nn` and `minigrad.nn.functional` each end with a module `__getattr__`, which
Python calls only for names the module lacks. It raises `MissingFeatureError`: an AttributeError, so
`hasattr(mg, "fft")` is False and `getattr(mg.nn, "Conv2d", None)` is None, and a
NotImplementedError too, naming the PyTorch feature and saying when it is out of scope:

    >>> import minigrad as mg
    >>> mg.nn.LSTM
    Traceback (most recent call last):
    minigrad.unsupported.MissingFeatureError: module 'minigrad.nn' has no attribute 'LSTM': minigrad does not \
implement torch.nn.LSTM; recurrent layers are out of scope

Python 3.10+ appends "Did you mean: ...?" to an AttributeError that carries the failed `name` and
`obj`, and fills both in itself when neither is set; the error sets `obj` and leaves `name` None,
so no suggestion is computed and the message above is what users see. (`from minigrad import
Conv2d` still reads "cannot import name 'Conv2d'": Python replaces the error for from-imports.)
"""

import importlib
import sys

# (substrings of a missing name, lower-cased) -> why the feature is out of scope
OUT_OF_SCOPE = [
    (("conv", "pool", "fold"), "convolution and pooling are out of scope (minigrad's layers are dense)"),
    (("rnn", "lstm", "gru"), "recurrent layers are out of scope"),
    (("sparse",), "sparse tensors are out of scope: every tensor is dense"),
    (("complex", "cfloat", "cdouble", "chalf", "fft"),
     "complex tensors (and the FFTs that make them) are out of scope: every tensor is real"),
    (("bfloat16",), "NumPy has no bfloat16 type to store it in; use minigrad.float16 (minigrad.half)"),
]


class MissingFeatureError(AttributeError, NotImplementedError):
    """A PyTorch name that minigrad does not implement."""


def missing(module_name, torch_name, name):
    """The error for `module_name.name`, a name of PyTorch's `torch_name` module that minigrad lacks."""
    lowered = name.lower()
    why = next((reason for keys, reason in OUT_OF_SCOPE if any(k in lowered for k in keys)),
               "docs/pytorch_compat.md lists what minigrad has")
    return MissingFeatureError(f"module '{module_name}' has no attribute '{name}': minigrad does not implement "
                               f"{torch_name}.{name}; {why}", obj=sys.modules[module_name])


def module_getattr(module_name, torch_name):
    """A module-level __getattr__ for `module_name`, the minigrad counterpart of `torch_name`."""

    def __getattr__(name):
        if name.startswith("_"):  # dunders and private names that tools probe for: the plain error
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'", obj=sys.modules[module_name])
        try:  # a submodule not imported yet (`mg.viz` without `import minigrad.viz`), as PEP 562 allows
            return importlib.import_module(f"{module_name}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{module_name}.{name}":  # the submodule exists but an import inside it failed
                raise
        raise missing(module_name, torch_name, name)

    return __getattr__

"""What minigrad does not implement, and the one error that says so.

`minigrad`, `minigrad.nn` and `minigrad.nn.functional` each end with a module `__getattr__`, which
Python calls only for names the module lacks, and Tensor inherits `MissingTensorAttributes`, whose
attributes are the PyTorch Tensor methods that minigrad's Tensor lacks (`TENSOR_MISSING`; other names
get the plain AttributeError). Reading one raises `MissingFeatureError`: an AttributeError, so
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


def _why(name):
    lowered = name.lower()
    return next((reason for keys, reason in OUT_OF_SCOPE if any(k in lowered for k in keys)),
                "docs/pytorch_compat.md lists what minigrad has")


def missing(module_name, torch_name, name):
    """The error for `module_name.name`, a name of PyTorch's `torch_name` module that minigrad lacks."""
    return MissingFeatureError(f"module '{module_name}' has no attribute '{name}': minigrad does not implement "
                               f"{torch_name}.{name}; {_why(name)}", obj=sys.modules[module_name])


# torch.Tensor's public attributes (PyTorch 2.13) that minigrad's Tensor does not have
TENSOR_MISSING = frozenset("""
    H addbmm addbmm_ addmm addmm_ addmv addmv_ addr addr_ adjoint aminmax angle apply_ argwhere as_strided
    as_strided_ as_strided_scatter as_subclass baddbmm baddbmm_ bernoulli bfloat16 bitwise_left_shift
    bitwise_left_shift_ bitwise_right_shift bitwise_right_shift_ broadcast_to cauchy_ ccol_indices cdouble
    cfloat chalf cholesky_inverse cholesky_solve coalesce col_indices conj conj_physical conj_physical_
    const_data_ptr copysign copysign_ corrcoef cov crow_indices cummax cummin data_ptr dense_dim dequantize
    diagflat diagonal_scatter digamma digamma_ dim_order dist dsplit eig erfc erfc_ erfinv erfinv_
    fill_diagonal_ fliplr flipud float_power float_power_ fmax fmin frac frac_ frexp gcd gcd_ geometric_ geqrf
    ger get_device grad_dtype hardshrink hash_tensor heaviside heaviside_ histogram hsplit i0 i0_ igamma igamma_
    igammac igammac_ imag index index_add index_add_ index_copy index_copy_ index_fill index_fill_ index_put
    index_put_ index_reduce index_reduce_ indices inner int_repr ipu is_coalesced is_complex is_conj
    is_contiguous is_distributed is_ipu is_maia is_meta is_mkldnn is_mps is_mtia is_neg is_nested is_nonzero
    is_pinned is_quantized is_same_size is_set_to is_shared is_signed is_sparse is_sparse_csr is_vulkan is_xla
    is_xpu isneginf isposinf isreal istft kron kthvalue layout lcm lcm_ ldexp ldexp_ lgamma lgamma_ log_normal_
    logaddexp logaddexp2 logcumsumexp lstsq lu lu_solve mH map2_ map_ masked_scatter masked_scatter_
    masked_select matrix_exp matrix_power median mode module_load msort mtia multinomial mvlgamma mvlgamma_ name
    nan_to_num nan_to_num_ nanmean nanmedian nanquantile nansum narrow_copy ndimension nelement new
    new_empty_strided nextafter nextafter_ nonzero_static orgqr ormqr output_nr pin_memory pinverse polygamma
    polygamma_ positive prelu put put_ q_per_channel_axis q_per_channel_scales q_per_channel_zero_points q_scale
    q_zero_point qscheme quantile ravel real record_stream reinforce renorm renorm_ repeat_interleave reshape_as
    resize resize_ resize_as resize_as_ resize_as_sparse_ resolve_conj resolve_neg rot90 row_indices
    scatter_reduce scatter_reduce_ select select_scatter set_ sgn sgn_ share_memory_ signbit slice_inverse
    slice_scatter smm solve sparse_dim sparse_mask sparse_resize_ sparse_resize_and_clear_ split_with_sizes
    sspaddmm stft storage storage_offset storage_type stride sum_to_size symeig take take_along_dim tensor_split
    to_dense to_mkldnn to_padded_tensor to_sparse to_sparse_bsc to_sparse_bsr to_sparse_coo to_sparse_csc
    to_sparse_csr triangular_solve type_as unfold unique_consecutive unsafe_chunk unsafe_split
    unsafe_split_with_sizes untyped_storage values vdot volatile vsplit xpu
""".split())


class _MissingTensorAttribute:
    """A class attribute of Tensor that raises MissingFeatureError when read, from a tensor or the class.
    (A Tensor.__getattr__ could say the same, but a class with one loses CPython's specialized attribute
    reads: it made every op of benchmarks/overhead.py 10-14% slower.)"""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, tensor, owner=None):
        raise MissingFeatureError(f"'Tensor' object has no attribute '{self.name}': minigrad does not implement "
                                  f"torch.Tensor.{self.name}; {_why(self.name)}", obj=tensor)


MissingTensorAttributes = type("MissingTensorAttributes", (), {
    "__slots__": (), "__doc__": "Tensor's base class of the PyTorch Tensor attributes minigrad lacks.",
    **{name: _MissingTensorAttribute() for name in sorted(TENSOR_MISSING)}})


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

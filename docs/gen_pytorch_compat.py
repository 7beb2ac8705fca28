"""Generate docs/pytorch_compat.md: which parts of PyTorch's everyday API minigrad has.

The list of PyTorch names below is curated (the surface that tutorials and small projects use); whether
minigrad supports each one is read from the code itself, so the page cannot drift from the package.
`python docs/gen_pytorch_compat.py` rewrites the page; tests/test_pytorch_compat_doc.py checks it is current.
"""

import sys
from pathlib import Path

import minigrad
import minigrad.autograd.functional
import minigrad.autograd.profiler
import minigrad.distributed
import minigrad.nn.functional
import minigrad.nn.parallel
import minigrad.optim
import minigrad.utils.data

PAGE = Path(__file__).with_name("pytorch_compat.md")

# (section, PyTorch namespace, minigrad object holding the names, names)
SURFACE = [
    ("Tensor creation", "torch", minigrad, """
        tensor as_tensor from_numpy zeros ones empty full arange linspace logspace eye rand randn randint randperm
        normal zeros_like ones_like empty_like full_like rand_like randn_like randint_like manual_seed Generator
        is_tensor get_default_dtype set_default_dtype set_default_device get_default_device"""),
    ("dtypes", "torch", minigrad, """
        float32 float64 float16 int8 int16 int32 int64 uint8 bool float double half long int short
        finfo iinfo dtype promote_types is_floating_point"""),
    ("Shape and joining", "torch", minigrad, """
        cat concat stack hstack vstack split chunk unbind squeeze unsqueeze flatten unflatten reshape transpose
        permute movedim flip roll gather scatter scatter_add index_select masked_fill where clamp clip tril triu
        narrow"""),
    ("Math", "torch", minigrad, """
        add sub mul div pow neg abs sign sqrt rsqrt exp log log2 log10 log1p expm1 sin cos tan tanh sigmoid erf
        floor ceil round maximum minimum mm bmm matmul dot outer einsum sum mean var std prod cumsum logsumexp norm
        max min argmax argmin amax amin topk sort argsort allclose isclose equal eq ne lt le gt ge any all
        count_nonzero isnan isinf isfinite softmax log_softmax relu"""),
    ("Tensor methods", "torch.Tensor", minigrad.Tensor, """
        backward detach detach_ requires_grad_ retain_grad register_hook item tolist numpy to cpu cuda float double
        half long int short char byte bool type size dim numel view view_as reshape expand expand_as repeat t T mT
        permute
        transpose contiguous clone zero_ fill_ copy_ add_ sub_ mul_ div_ masked_fill_ clamp_ uniform_ normal_
        is_floating_point element_size data grad grad_fn is_leaf requires_grad device dtype shape ndim
        retains_grad register_post_accumulate_grad_hook is_inference"""),
    ("autograd", "torch.autograd", minigrad.autograd, """
        Function grad backward gradcheck gradgradcheck FunctionCtx once_differentiable"""),
    ("Grad modes", "torch", minigrad, """
        no_grad enable_grad inference_mode set_grad_enabled is_grad_enabled is_inference_mode_enabled"""),
    ("Devices", "torch", minigrad, "device cuda accelerator backends autocast compile"),
    ("Printing and shapes", "torch", minigrad, "Size set_printoptions get_printoptions"),
    ("nn layers", "torch.nn", minigrad.nn, """
        Module Parameter Linear Identity Bilinear ReLU LeakyReLU ELU GELU SiLU Sigmoid Tanh Softplus Softmax
        LogSoftmax Dropout LayerNorm BatchNorm1d Embedding Flatten Unflatten Sequential ModuleList ModuleDict
        ParameterList ParameterDict"""),
    ("Losses", "torch.nn", minigrad.nn, """
        MSELoss L1Loss SmoothL1Loss HuberLoss CrossEntropyLoss NLLLoss BCELoss BCEWithLogitsLoss KLDivLoss"""),
    ("nn.functional", "torch.nn.functional", minigrad.nn.functional, """
        linear relu leaky_relu elu gelu silu softplus sigmoid tanh softmax log_softmax dropout layer_norm
        batch_norm embedding one_hot pad normalize cross_entropy nll_loss mse_loss l1_loss smooth_l1_loss
        huber_loss binary_cross_entropy binary_cross_entropy_with_logits kl_div"""),
    # nn's block: the Module API and nn.utils
    ("nn.Module methods", "torch.nn.Module", minigrad.nn.Module, """
        forward register_buffer register_parameter add_module register_module register_forward_hook
        register_forward_pre_hook named_parameters parameters named_buffers buffers named_modules modules
        named_children children state_dict load_state_dict train eval requires_grad_ zero_grad apply to cpu cuda
        float double half extra_repr"""),
    ("nn.utils", "torch.nn.utils", minigrad.nn.utils, """
        clip_grad_norm_ clip_grad_value_ get_total_norm clip_grads_with_norm_ parameters_to_vector
        vector_to_parameters"""),
    ("Optimizers", "torch.optim", minigrad.optim, "Optimizer SGD Adam AdamW RMSprop Adagrad lr_scheduler"),
    ("Data", "torch.utils.data", minigrad.utils.data, """
        Dataset TensorDataset DataLoader Subset ConcatDataset random_split default_collate Sampler
        RandomSampler SequentialSampler BatchSampler DistributedSampler"""),
    ("Save and load", "torch", minigrad, "save load"),
    # optimdata: schedulers and the rest of torch.utils.data
    ("Learning-rate schedulers", "torch.optim.lr_scheduler", minigrad.optim.lr_scheduler, """
        LRScheduler LambdaLR MultiplicativeLR StepLR MultiStepLR ConstantLR LinearLR ExponentialLR PolynomialLR
        CosineAnnealingLR OneCycleLR CyclicLR CosineAnnealingWarmRestarts ReduceLROnPlateau SequentialLR
        ChainedScheduler"""),
    ("More data utilities", "torch.utils.data", minigrad.utils.data, """
        IterableDataset SubsetRandomSampler WeightedRandomSampler default_convert get_worker_info StackDataset
        ChainDataset"""),
    # ---- ops: the rest of the shape/math surface, linalg, return types, graph nodes
    ("More shape, math and logic ops", "torch", minigrad, """
        concatenate row_stack swapaxes swapdims moveaxis t tile nonzero true_divide divide floor_divide remainder fmod
        subtract multiply negative trunc fix mv ger greater greater_equal less less_equal not_equal logical_and
        logical_or logical_not logical_xor bitwise_and bitwise_or bitwise_xor bitwise_not return_types linalg"""),
    ("More Tensor op methods", "torch.Tensor", minigrad.Tensor, """
        add sub mul div remainder fmod pow neg exp log sqrt abs sign clamp clip maximum minimum matmul mm bmm dot
        outer norm sum
        mean var std prod cumsum logsumexp max min amax amin argmax argmin sort argsort topk eq ne lt le gt ge
        isclose allclose equal isnan isinf isfinite any all count_nonzero flatten unflatten squeeze unsqueeze
        movedim tile flip roll split chunk unbind narrow gather scatter scatter_ scatter_add scatter_add_
        index_select masked_fill where nonzero tril triu"""),
    ("torch.linalg", "torch.linalg", minigrad.linalg, "norm vector_norm matrix_norm matmul"),
    ("Return types", "torch.return_types", minigrad.return_types, "max min sort topk"),
    ("Graph nodes (`grad_fn`)", "torch.autograd.graph.Node", minigrad.autograd.Function, "name next_functions"),
    # -- reliability (issue 13): data-parallel training
    ("Distributed", "torch.distributed", minigrad.distributed, """
        init_process_group destroy_process_group is_initialized is_available get_rank get_world_size barrier
        all_reduce broadcast all_gather all_gather_object reduce_scatter reduce gather scatter ReduceOp"""),
    ("Data parallel", "torch.nn.parallel", minigrad.nn.parallel, "DistributedDataParallel"),
    # surface2: more elementwise math, in-place forms, linear algebra, counts, autograd.functional, profiler
    ("More elementwise math", "torch", minigrad, """
        asin acos atan atan2 arcsin arccos arctan arctan2 sinh cosh asinh acosh atanh arcsinh arccosh arctanh
        hypot sinc deg2rad rad2deg exp2 reciprocal square logit xlogy lerp addcmul addcdiv clamp_min clamp_max"""),
    ("In-place functions", "torch", minigrad, """
        abs_ absolute_ acos_ acosh_ asin_ asinh_ atan_ atanh_ arccos_ arcsin_ arctan_ ceil_ clamp_ clip_ cos_ cosh_
        deg2rad_ erf_ exp_ exp2_ expm1_ fix_ floor_ log_ log10_ log1p_ log2_ logit_ neg_ negative_ rad2deg_
        reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_"""),
    ("In-place Tensor methods", "torch.Tensor", minigrad.Tensor, """
        abs_ acos_ asin_ atan_ atan2_ sin_ cos_ tan_ sinh_ cosh_ tanh_ exp_ exp2_ expm1_ log_ log2_ log10_ log1p_
        sqrt_ rsqrt_ reciprocal_ square_ sigmoid_ relu_ logit_ xlogy_ erf_ neg_ pow_ remainder_ fmod_ sign_ floor_
        ceil_ round_ trunc_ clamp_min_ clamp_max_ hypot_ lerp_ addcmul_ addcdiv_ eq_ ne_ lt_ le_ gt_ ge_ logical_not_
        logical_and_ bitwise_and_ cumsum_ cumprod_ tril_ triu_ squeeze_ unsqueeze_ t_ transpose_ swapaxes_ random_
        bernoulli_ exponential_"""),
    ("Linear algebra", "torch", minigrad, """
        det slogdet logdet inverse svd qr cholesky cross trace diag diagonal diag_embed cdist"""),
    ("More of torch.linalg", "torch.linalg", minigrad.linalg, """
        det slogdet inv solve cholesky qr eigh eigvalsh svd svdvals cross diagonal"""),
    ("Running sums, counts and search", "torch", minigrad, """
        cumprod diff unique bincount histc searchsorted clone"""),
    ("More Tensor methods (surface2)", "torch.Tensor", minigrad.Tensor, """
        asin acos atan atan2 sinh cosh asinh acosh atanh hypot sinc deg2rad rad2deg exp2 reciprocal square logit
        xlogy lerp addcmul addcdiv clamp_min clamp_max bitwise_and bitwise_or bitwise_xor bitwise_not cumprod diff
        unique bincount histc det slogdet logdet inverse svd qr cholesky cross trace diag diagonal diag_embed"""),
    ("Memory formats", "torch", minigrad, "memory_format preserve_format contiguous_format channels_last"),
    ("autograd.functional", "torch.autograd.functional", minigrad.autograd.functional, """
        jacobian hessian vjp jvp hvp vhp"""),
    ("Profilers", "torch.autograd.profiler", minigrad.autograd.profiler, "profile record_function"),
    ("torch.profiler", "torch.profiler", minigrad.profiler, "profile record_function ProfilerActivity"),
]

# Names PyTorch has that minigrad deliberately leaves out, and why.
OUT_OF_SCOPE = {
    "Convolution and pooling (nn.Conv1d/2d/3d, nn.MaxPool2d, F.conv2d, ...)":
        "minigrad is about dense layers; reading such a name raises `minigrad.unsupported.MissingFeatureError`"
        " (an AttributeError and a NotImplementedError) saying that it is out of scope.",
    "Recurrent layers (nn.RNN, nn.LSTM, nn.GRU)": "out of scope, as above.",
    "Sparse and complex tensors, FFTs (torch.fft)": "out of scope: every tensor is a dense real array.",
    "bfloat16": "NumPy has no bfloat16 type to store it in; `minigrad.bfloat16` says so and points to float16.",
    "Pickled checkpoints (torch.save of whole modules, weights_only=False)":
        "never: checkpoints are safetensors, which cannot run code when loaded.",
}


def _has(obj, name):
    try:
        getattr(obj, name)
    except (AttributeError, NotImplementedError):
        return False
    return True


def render():
    lines = ["# PyTorch compatibility", "",
             "Generated by `docs/gen_pytorch_compat.py` from the code: a name is listed as supported when",
             "minigrad has it. Code written for these parts of PyTorch runs with `import minigrad as torch`, with",
             "PyTorch's semantics except for the differences listed at the end; [porting a PyTorch",
             "script](howto/port-pytorch.md) shows the import swap.", ""]
    missing_all = []
    for section, namespace, obj, names in SURFACE:
        names = names.split()
        have = [n for n in names if _has(obj, n)]
        missing = [n for n in names if n not in have]
        missing_all += [f"{namespace}.{n}" for n in missing]
        lines += [f"## {section} (`{namespace}`)", "",
                  f"Supported ({len(have)}/{len(names)}): " + ", ".join(f"`{n}`" for n in have) + ".", ""]
        if missing:
            lines += ["Not yet: " + ", ".join(f"`{n}`" for n in missing) + ".", ""]
    lines += ["## Not yet implemented", "", *_section("not-yet", [f"`{n}`" for n in missing_all] or ["(none)"])]
    lines += ["## Out of scope", "", *_section("out-of-scope", [f"**{k}**: {v}" for k, v in OUT_OF_SCOPE.items()])]
    lines += ["## Differences", "", *_section("differences", [d.removeprefix("- ") for d in DIFFERENCES])]
    return "\n".join(lines)


def _section(name, items):
    """A bulleted list between snippet markers: docs/howto/port-pytorch.md includes it from this page."""
    return [f"<!-- --8<-- [start:{name}] -->", *(f"- {i}" for i in items), f"<!-- --8<-- [end:{name}] -->", ""]


DIFFERENCES = [
    "- Random numbers come from NumPy's PCG64 generator: `manual_seed(n)` makes a run reproducible (the same"
    " values on CPU and CUDA), but the values differ from PyTorch's for the same seed.",
    "- `minigrad.save` always writes safetensors (whatever the suffix, `.pth` included) and `minigrad.load`"
    " never unpickles; `load(..., weights_only=...)` is accepted and always behaves as weights-only. Both take"
    " a path (str, bytes or os.PathLike), not a file object: a save is written to a temporary file beside"
    " the destination and renamed over it, so that a crash never leaves half a checkpoint.",
    "- dtypes print as PyTorch's (`minigrad.float32`) and each stands for one NumPy dtype: NumPy and CuPy accept"
    " them, and `numpy.dtype('float32') == minigrad.float32`; `dtype=` also takes NumPy dtypes. Mixed dtypes give"
    " PyTorch's result dtype (int64 + float32 is float32), not NumPy's.",
    "- `Tensor.type()` returns `'minigrad.FloatTensor'` (`'minigrad.cuda.FloatTensor'`) where PyTorch returns"
    " `'torch.FloatTensor'`; `type('torch.DoubleTensor')` is accepted in either spelling. The legacy constructors"
    " (`torch.FloatTensor(...)`) do not exist.",
    "- `from minigrad import Conv2d` reads \"cannot import name\" (Python replaces the AttributeError of a"
    " from-import); `minigrad.nn.Conv2d` gives minigrad's own message.",
    "- `empty` returns zeros; `arange` with a float step agrees with PyTorch's values to within one rounding"
    " (linspace and logspace to the last bit).",
    "- Writes through `Tensor.data` are not checked by the in-place version rule, exactly as in PyTorch.",
    # optimdata
    "- Optimizers refuse NaN and infinite hyper-parameters (PyTorch 2.13 lets `lr=inf`, and `lr=nan` in SGD,"
    " through) and bools where numbers are meant; PyTorch's CPU kernels fuse multiply-adds, so 100 float64 steps"
    " agree with PyTorch's to about 1e-15, not bit for bit. Learning-rate schedules are bit-identical.",
    "- `DataLoader(num_workers=N)` loads in the calling process (with a warning): same batches, not in parallel;"
    " `pin_memory` has no effect. Random samplers draw from minigrad's generator, so orders differ from PyTorch's"
    " for the same seed.",
    "- On the simulated CUDA device (`MINIGRAD_CUDA_SIM=1`) storage is NumPy; numbers match a real GPU's to"
    " rounding, speed does not.",
    # ---- ops
    "- Float-only ops (exp, log, sqrt, sigmoid, mean, var, logsumexp, norms, matmul/mm/bmm/dot/einsum) refuse"
    " integer tensors with a TypeError where PyTorch promotes them to float (or, for matmul on the CPU,"
    " multiplies integers): convert with `.float()`.",
    "- `grad_fn` names are PyTorch's (`MulBackward0`, `SumBackward1`, `AddmmBackward0`, ...) except where PyTorch"
    " records a chain of nodes for one call: `einsum` is one `EinsumBackward0` node; split/chunk/unbind give one"
    " node per piece (PyTorch: one multi-output node), so backward through k pieces adds k full-size gradients;"
    " losses built from an elementwise op and a reduction (mse, l1, smooth_l1, huber) end in MeanBackward0 or"
    " SumBackward0 where PyTorch names the loss node.",
    "- `view` never refuses: where PyTorch's would need `.reshape` (non-contiguous input) it copies. `sort`,"
    " `argsort` and `topk` are always stable (`stable=False` is accepted).",
    "- `x[[[0, 1], [1, 2]]]` (a list holding sequences) raises, where PyTorch 2.13 still reads it as"
    " `x[[0, 1], [1, 2]]` with a deprecation warning; `scatter(..., reduce=)` and einsum's sublist form are"
    " not supported.",
    # nn's block
    "- Elementwise losses (`mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`, `kl_div`) refuse an input and"
    " target of different shapes, where PyTorch broadcasts them with a warning.",
    "- `inplace=True` (ReLU, LeakyReLU, ELU, SiLU, Dropout and their functions) is accepted, but the result is a"
    " new tensor: minigrad records out-of-place ops only.",
    "- `nn.Embedding(sparse=True)` raises NotImplementedError (gradients are dense); `F.pad` supports"
    " mode='constant' only.",
    # autograd
    "- Grad modes and autocast are per thread as in PyTorch, kept in context variables: each asyncio task also"
    " has its own, and code run in a copied context (`asyncio.to_thread`, new threads on free-threaded Python"
    " 3.14) starts with the caller's modes rather than the defaults.",
    "- `create_graph=True` runs each op's own backward on recorded arrays; an op whose backward reads an array"
    " its forward derived (`cross_entropy`'s softmax) raises NotImplementedError naming the op, where PyTorch"
    " has a hand-written double backward (`nll_loss(log_softmax(x))` is the same loss and supports it);"
    " `cumprod`'s second derivative raises too (PyTorch switches to an O(n²) formula for it).",
    "- `compile` records a step once and replays it, with the semantics of CUDA graphs and jax.jit rather"
    " than TorchDynamo's: Python numbers the step reads from globals, closures, attributes or containers are"
    " fixed when it is recorded (pass values that change as arguments or tensors; the optimizers' own"
    " numbers are read live), Python side effects (prints, appends, hooks) happen only in the eager and"
    " recorded calls, and the parameters' `.grad` are the program's buffers, refilled by every call. Shapes,"
    " dtypes, devices, grad modes, train/eval flags, requires_grad and values the step reads out of tensors"
    " are guarded; the first run in a process also compiles the fused loops with Numba (1-3 s).",
    "- Inference tensors are the results of ops run under `inference_mode()` (factories there make normal"
    " tensors), and saving one in a graph is refused when that graph's backward runs, not when it is recorded.",
    "- Custom Functions: `ctx.mark_dirty` (in-place custom forwards), `jvp`/`vmap` and `is_grads_batched` are"
    " not implemented; `detach_()` refuses views that are part of a graph only.",
    # -- reliability (issue 13)
    "- `minigrad.distributed` runs on MPI (`mpiexec` starts and connects the ranks); there is one process group"
    " (`group=None`), `async_op=True` returns a handle whose work is already done, and every collective first"
    " checks that all ranks agree on its shape and dtype (PyTorch's `TORCH_DISTRIBUTED_DEBUG=DETAIL`; set"
    " `MINIGRAD_DISTRIBUTED_DEBUG=OFF` to skip). An uncaught exception on one rank aborts all ranks.",
    # surface2
    "- In-place forms (`x.sin_()`, `torch.sin_(x)`, `x.unsqueeze_(0)`, the random fills) follow minigrad's rule:"
    " refused on a tensor that requires grad while grad mode records (PyTorch records them on non-leaf tensors);"
    " under `no_grad()`, or on tensors that need no gradient, they write in place as in PyTorch.",
    "- `linalg.svd`, `qr` and `eigh` are one graph node each, printed `LinalgSvdBackward` (PyTorch:"
    " `LinalgSvdBackward0`); the gradient of `det` at an exactly singular matrix is its cofactor matrix (through"
    " an SVD, as finite differences confirm; torch 2.13 returns zeros for [[1, 2], [2, 4]]), and NaN on a real"
    " GPU, where CuPy does not report singular matrices; `diagonal()` is a read-only view on the CPU (NumPy's),"
    " where PyTorch's is writable. `cdist` is the"
    " direct distance (a `vector_norm` of the differences: `compute_mode` is accepted, no matrix-product"
    " shortcut), and `cross` without `dim` warns as PyTorch does.",
    "- `unique` always returns sorted values (`sorted=False` is accepted) and, like `bincount`, `histc` and"
    " `searchsorted`, results without a graph (PyTorch gives `unique` a node whose backward raises).",
    "- `autograd.functional`: `vectorize=` and `strategy=` are accepted and the results are those of reverse mode;"
    " `jvp` and `hvp` use the double-backward trick, so the ops involved need second derivatives.",
    "- The profiler names a forward by its Function class (`Mul`, `MatMul`) where PyTorch prints `aten::mul`, and"
    " a backward by its node (`MulBackward0`); it measures host time only (with `use_cuda=True` each op waits"
    " for its kernels, so their time is included; there are no CUDA columns); `schedule=`, `profile_memory`,"
    " `with_stack`, `with_flops` and `with_modules` raise NotImplementedError.",
    "- `channels_last` memory formats raise NotImplementedError (a convolution layout); `preserve_format` and"
    " `contiguous_format` are accepted and change nothing.",
]


if __name__ == "__main__":
    PAGE.write_text(render())
    sys.stdout.write(f"wrote {PAGE}\n")

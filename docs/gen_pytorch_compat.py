"""Generate docs/pytorch_compat.md: which parts of PyTorch's everyday API minigrad has.

The list of PyTorch names below is curated (the surface that tutorials and small projects use); whether
minigrad supports each one is read from the code itself, so the page cannot drift from the package.
`python docs/gen_pytorch_compat.py` rewrites the page; tests/test_pytorch_compat_doc.py checks it is current.
"""

import sys
from pathlib import Path

import minigrad
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
        float32 float64 float16 bfloat16 int8 int16 int32 int64 uint8 bool float double half long int short
        finfo iinfo"""),
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
        half long int bool type size dim numel view view_as reshape expand expand_as repeat t T mT permute
        transpose contiguous clone zero_ fill_ copy_ add_ sub_ mul_ div_ masked_fill_ clamp_ uniform_ normal_
        is_floating_point element_size data grad grad_fn is_leaf requires_grad device dtype shape ndim"""),
    ("autograd", "torch.autograd", minigrad.autograd, """
        Function grad backward gradcheck"""),
    ("Grad modes", "torch", minigrad, "no_grad enable_grad inference_mode set_grad_enabled is_grad_enabled"),
    ("Devices", "torch", minigrad, "device cuda accelerator backends autocast compile"),
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
    ("Optimizers", "torch.optim", minigrad.optim, "Optimizer SGD Adam AdamW RMSprop Adagrad lr_scheduler"),
    ("Data", "torch.utils.data", minigrad.utils.data, """
        Dataset TensorDataset DataLoader Subset ConcatDataset random_split default_collate Sampler
        RandomSampler SequentialSampler BatchSampler DistributedSampler"""),
    ("Save and load", "torch", minigrad, "save load"),
    # -- reliability (issue 13): data-parallel training
    ("Distributed", "torch.distributed", minigrad.distributed, """
        init_process_group destroy_process_group is_initialized is_available get_rank get_world_size barrier
        all_reduce broadcast all_gather all_gather_object reduce_scatter reduce gather scatter ReduceOp"""),
    ("Data parallel", "torch.nn.parallel", minigrad.nn.parallel, "DistributedDataParallel"),
]

# Names PyTorch has that minigrad deliberately leaves out, and why.
OUT_OF_SCOPE = {
    "Convolution and pooling (nn.Conv1d/2d/3d, nn.MaxPool2d, F.conv2d, ...)":
        "minigrad is about dense layers; these raise NotImplementedError naming the feature.",
    "Recurrent layers (nn.RNN, nn.LSTM, nn.GRU)": "out of scope, as above.",
    "Sparse and complex tensors": "out of scope: every tensor is a dense real array.",
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
             "minigrad has it. Code written for these parts of PyTorch runs with `import minigrad as torch`.", ""]
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
    lines += ["## Out of scope", ""] + [f"- **{k}**: {v}" for k, v in OUT_OF_SCOPE.items()] + [""]
    lines += ["## Differences", "", *DIFFERENCES, ""]
    return "\n".join(lines)


DIFFERENCES = [
    "- `minigrad.save` always writes safetensors (whatever the suffix, `.pth` included) and `minigrad.load`"
    " never unpickles; `load(..., weights_only=...)` is accepted and always behaves as weights-only.",
    "- dtypes are NumPy dtype objects (`minigrad.float32 == numpy.float32`); mixes whose result dtype NumPy and"
    " PyTorch would disagree on raise a TypeError instead of being coerced.",
    "- Writes through `Tensor.data` are not checked by the in-place version rule, exactly as in PyTorch.",
    "- On the simulated CUDA device (`MINIGRAD_CUDA_SIM=1`) storage is NumPy; numbers match a real GPU's to"
    " rounding, speed does not.",
    # -- reliability (issue 13)
    "- `minigrad.distributed` runs on MPI (`mpiexec` starts and connects the ranks); there is one process group"
    " (`group=None`), `async_op=True` returns a handle whose work is already done, and every collective first"
    " checks that all ranks agree on its shape and dtype (PyTorch's `TORCH_DISTRIBUTED_DEBUG=DETAIL`; set"
    " `MINIGRAD_DISTRIBUTED_DEBUG=OFF` to skip). An uncaught exception on one rank aborts all ranks.",
]


if __name__ == "__main__":
    PAGE.write_text(render())
    sys.stdout.write(f"wrote {PAGE}\n")

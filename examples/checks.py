"""The example's input checks: every bad input is one clear error, found before training starts.

Command-line values are checked by argparse (types below: its own "error: argument --lr: ..." and
exit code 2); what needs the data or the files — output folders, a --resume checkpoint, labels — by
the functions here, which raise UsageError (train_mlp.py prints it as one `error: ...` line, exit code 2).
"""

import argparse
import math
import os

import minigrad as mg


class UsageError(Exception):
    """A problem with the command line or its inputs: reported in one line, exit code 2."""


def count(minimum):
    """An argparse type: an integer >= minimum."""

    def integer(text):
        value = int(text)  # a ValueError here becomes argparse's "invalid integer value: 'x'"
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text}")
        return value

    return integer


def learning_rate(text):
    """An argparse type: a finite float >= 0 (nan and inf are refused, as PyTorch's optimizers do)."""
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def check_output_paths(args):
    for flag, path in (("--save", args.save), ("--plot", args.plot)):
        if path is None:
            continue
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise UsageError(f"{flag} {path}: the folder {folder} does not exist; create it first")
        if os.path.isdir(path):
            raise UsageError(f"{flag} {path} is a folder; give a file name")
    if args.plot:
        try:
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            raise UsageError("--plot needs matplotlib: pip install 'minigrad-nn[examples]'") from None
        formats = FigureCanvasBase.get_supported_filetypes()
        suffix = os.path.splitext(args.plot)[1][1:].lower()
        if suffix and suffix not in formats:
            raise UsageError(f"--plot {args.plot}: matplotlib cannot write .{suffix} files; use one of "
                             f"{', '.join(sorted(formats))}")


def load_checkpoint(args, device):
    """The --resume checkpoint, checked to be one that --save wrote."""
    try:
        ckpt = mg.load(args.resume, map_location=device)
    except (OSError, ValueError) as e:
        raise UsageError(f"--resume: {e}") from None
    keys = {"model", "optimizer", "epoch", "history", "seed"}
    if not isinstance(ckpt, dict) or not keys <= set(ckpt):
        found = sorted(ckpt) if isinstance(ckpt, dict) else type(ckpt).__name__
        raise UsageError(f"--resume {args.resume} is not a checkpoint written by --save: it needs {sorted(keys)}, "
                         f"it has {found}")
    epoch, history, model, opt = ckpt["epoch"], ckpt["history"], ckpt["model"], ckpt["optimizer"]
    if not isinstance(ckpt["seed"], int) or isinstance(ckpt["seed"], bool):
        raise UsageError(f"--resume {args.resume}: its seed ({ckpt['seed']!r}) is not an integer; "
                         "it was not written by --save")
    if (not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0 or not isinstance(history, list)
            or [h.get("epoch") if isinstance(h, dict) else h for h in history] != list(range(1, epoch + 1))):
        raise UsageError(f"--resume {args.resume}: its epoch ({epoch!r}) and history (one entry per epoch "
                         "trained) do not match; it was not written by --save")
    weights = [w for k, w in model.items() if k.endswith("weight")] if isinstance(model, dict) else []
    if (not weights or not all(isinstance(w, mg.Tensor) and w.ndim == 2 for w in weights) or not isinstance(opt, dict)
            or not isinstance(opt.get("param_groups"), list) or not opt["param_groups"]
            or not isinstance(opt["param_groups"][0], dict)):
        raise UsageError(f"--resume {args.resume}: its model or optimizer state is not what --save writes")
    return ckpt


def check_labels(data, n_classes, source):
    for split, (_, y) in data.items():
        if y.min() < 0 or y.max() >= n_classes:
            raise UsageError(f"{split} labels range over {y.min()}..{y.max()}, but {source} has {n_classes} "
                             f"classes (0..{n_classes - 1})")

"""Train an MLP classifier end to end with minigrad, on CPU or GPU, in one process or several.

    python examples/train_mlp.py                                # bundled digits, device auto
    python examples/train_mlp.py --device cuda --hidden 256 128 --optimizer sgd   # lr 0.05
    python examples/train_mlp.py --mnist-dir ~/data/mnist --epochs 5
    python examples/train_mlp.py --epochs 10 --save ckpt.safetensors   # then --resume ckpt.safetensors
    python examples/train_mlp.py --compile                      # the step recorded once, then replayed
    mpiexec -n 4 python examples/train_mlp.py                   # data-parallel: 4 ranks, one shard each

Everything a framework user expects is here: a seeded split, a DataLoader, Sequential(Linear, ReLU,
...), cross-entropy, SGD or Adam, a progress bar, per-epoch validation, checkpoints that resume
exactly, a confusion matrix and an optional plot. Every bad input is one `error: ...` line and exit
code 2, found before training starts. Under mpiexec each rank trains DistributedDataParallel on its
DistributedSampler shard (--batch-size is per rank, as in PyTorch); rank 0 alone prints, plots and saves.
"""

import argparse
import os
import sys
import time

import numpy as np
from checks import UsageError, check_labels, check_output_paths, count, learning_rate, load_checkpoint
from datasets import DatasetError, load_digits, load_mnist
from tqdm import tqdm

import minigrad as mg
import minigrad.distributed as dist
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.backend.cuda import CudaUnavailableError
from minigrad.nn.parallel import DistributedDataParallel
from minigrad.utils.data import DataLoader, DistributedSampler, TensorDataset

DEFAULT_LR = {"sgd": 0.05, "adam": 1e-3}  # SGD with momentum 0.9 (below) needs a larger step than Adam


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="auto = cuda when available, else cpu (default: %(default)s)")
    p.add_argument("--epochs", type=count(0), default=15, help="(default: %(default)s)")
    p.add_argument("--batch-size", type=count(1), default=32, help="per rank under mpiexec (default: %(default)s)")
    p.add_argument("--lr", type=learning_rate, help="learning rate (default: "
                   + ", ".join(f"{lr:g} for {name}" for name, lr in DEFAULT_LR.items())
                   + "; with --resume: the checkpoint's)")
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam",
                   help="sgd has momentum 0.9 (default: %(default)s)")
    p.add_argument("--hidden", type=count(1), nargs="+", default=[256, 128],
                   help="hidden layer widths, any depth (default: 256 128)")
    p.add_argument("--seed", type=count(0), default=0,
                   help="fixes the data split, the initial weights and the batch order (default: %(default)s)")
    p.add_argument("--mnist-dir", help="train on MNIST from the IDX files in this directory instead of digits")
    p.add_argument("--subset", type=count(1), help="train on the first N training samples only (quick smoke runs)")
    p.add_argument("--save", help="write a checkpoint (model + optimizer + epoch + seed) here after every epoch")
    p.add_argument("--resume", help="continue from a checkpoint written by --save")
    p.add_argument("--plot", help="write a PNG of loss and accuracy per epoch here")
    p.add_argument("--quiet", action="store_true", help="no progress bars or per-epoch lines")
    p.add_argument("--compile", action="store_true",
                   help="record the training step once and replay it (mg.compile): same results; faster per step, but "
                        "the first compiled run in a process pays Numba's compilation (1-3 s), so short runs are "
                        "slower end to end; under mpiexec the step runs eagerly")
    if launched_rank() != 0:  # under mpiexec every rank parses the same line: rank 0 alone reports it
        p.error = lambda message: p.exit(2)
    return p.parse_args(argv)


# ------------------------------------------------------------------ several processes
def launched_ranks():
    """How many ranks mpiexec started (MPICH / Intel MPI / Slurm set PMI_SIZE, Open MPI its own)."""
    return int(os.environ.get("PMI_SIZE") or os.environ.get("OMPI_COMM_WORLD_SIZE") or 1)


def launched_rank():
    return int(os.environ.get("PMI_RANK") or os.environ.get("OMPI_COMM_WORLD_RANK") or 0)


def agree(problem):
    """Under mpiexec: every rank's problem (or None) goes to all, so that all stop when one cannot go on
    (its data missing, say) and rank 0 reports it. Returns the first problem, or None."""
    if not dist.is_initialized():
        return problem
    problems = [None] * dist.get_world_size()
    dist.all_gather_object(problems, problem)
    return next((f"rank {r}: {p}" if r else p for r, p in enumerate(problems) if p), None)


# ------------------------------------------------------------------ checks made before any training
def pick_device(choice):
    device_flag = choice
    if choice == "auto":
        choice = "cuda" if mg.cuda.is_available() else "cpu"
    if choice == "cuda":
        try:  # load the backend now: the precise reason if CuPy, a driver, a GPU or numba-cuda is missing
            mg.cuda.init()
        except RuntimeError as e:
            raise UsageError(f"--device {device_flag}: {e}") from None
    if choice == "cuda" and dist.is_initialized():  # one GPU per rank of a machine
        return f"cuda:{int(os.environ['LOCAL_RANK']) % mg.cuda.device_count()}"
    return choice


def load_data(args):
    data = load_mnist(args.mnist_dir, args.seed) if args.mnist_dir else load_digits(args.seed)
    if args.subset:
        if args.subset > len(data["train"][0]):
            raise UsageError(f"--subset {args.subset} is more than the {len(data['train'][0])} training samples")
        data["train"] = tuple(a[:args.subset] for a in data["train"])
    return data


def build_model(n_in, hidden, n_out):
    """Linear -> ReLU for each hidden width, then a Linear head producing logits."""
    layers, width = [], n_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, n_out))


def prepare(args):
    """Everything train() needs, every input checked; raises UsageError / DatasetError."""
    check_output_paths(args)
    device = pick_device(args.device)
    data = load_data(args)
    ckpt = load_checkpoint(args, device) if args.resume else None
    widths = [data["train"][0].shape[1], *args.hidden]
    if ckpt is None:  # classes from the labels of all splits: a --subset may lack some
        n_classes = 1 + max(int(y.max()) for _, y in data.values())
        check_labels(data, n_classes, "the data")
    else:  # or from the checkpoint's head
        saved = [w.shape for k, w in ckpt["model"].items() if k.endswith("weight")]  # (out, in) per Linear
        n_classes = saved[-1][0]
        check_labels(data, n_classes, f"the model in {args.resume}")
        if [s[1] for s in saved] != widths:
            raise UsageError(f"--resume {args.resume} holds a {'-'.join(str(s[1]) for s in saved)}-{n_classes} MLP, "
                             f"this run builds {'-'.join(map(str, widths))}-{n_classes}: give the --hidden it was "
                             "trained with (and the same dataset)")
    mg.manual_seed(args.seed)
    try:
        model = build_model(widths[0], args.hidden, n_classes).to(device)
    except MemoryError:
        raise UsageError(f"--hidden {' '.join(map(str, args.hidden))}: the model does not fit in memory") from None
    lr = DEFAULT_LR[args.optimizer] if args.lr is None else args.lr  # (a --resume loads the checkpoint's)
    opt = (optim.Adam(model.parameters(), lr=lr) if args.optimizer == "adam"
           else optim.SGD(model.parameters(), lr=lr, momentum=0.9))
    if ckpt is not None:
        saved = ckpt["optimizer"]["param_groups"][0]
        if set(saved) != set(opt.state_dict()["param_groups"][0]):
            raise UsageError(f"--resume {args.resume} was saved with --optimizer "
                             f"{'adam' if 'betas' in saved else 'sgd'}; resume with the same optimizer")
        try:
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optimizer"])
        except (KeyError, RuntimeError, ValueError) as e:
            raise UsageError(f"--resume {args.resume} does not fit this model: "
                             + "; ".join(line.strip() for line in str(e).splitlines())) from None
        check_resume_flags(args, ckpt)
    return device, data, model, opt, ckpt


def check_resume_flags(args, ckpt):
    """A resumed run continues the saved one: the same split (--seed), its learning rate, more epochs."""
    saved_lr = ckpt["optimizer"]["param_groups"][0]["lr"]
    if args.lr is not None and args.lr != saved_lr:
        raise UsageError(f"--resume {args.resume} was trained with --lr {saved_lr:g} and continues with it; "
                         f"drop --lr {args.lr:g}")
    if args.seed != ckpt["seed"]:
        raise UsageError(f"--resume {args.resume} was trained with --seed {ckpt['seed']}, which fixes the data "
                         f"split (--seed {args.seed} would train on its validation and test samples): "
                         f"give --seed {ckpt['seed']}")
    if ckpt["epoch"] >= args.epochs:
        raise UsageError(f"nothing to train: the checkpoint is after epoch {ckpt['epoch']}, --epochs {args.epochs}; "
                         f"give --epochs {ckpt['epoch'] + 1} or more to train on")


# ------------------------------------------------------------------ training
@mg.no_grad()
def evaluate(model, x, y, batch_size=1024):
    """(mean loss, accuracy, predictions) over a whole split."""
    model.eval()
    total, preds = 0.0, []
    for start in range(0, len(x), batch_size):
        logits = model(x[start:start + batch_size])
        total += F.cross_entropy(logits, y[start:start + batch_size], reduction="sum").item()
        preds.append(logits.argmax(dim=1).cpu().numpy())
    model.train()
    preds = np.concatenate(preds)
    return total / len(x), float((preds == y.cpu().numpy()).mean()), preds


def confusion_table(labels, preds, n_classes):
    """Rows: true class; columns: predicted class."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (labels, preds), 1)
    width = max(4, len(str(counts.max())) + 1)
    lines = ["true\\pred" + "".join(f"{c:>{width}}" for c in range(n_classes))]
    lines += [f"{r:>9}" + "".join(f"{v:>{width}}" for v in row) for r, row in enumerate(counts)]
    return counts, "\n".join(lines)


def save_plot(history, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, [h["train_loss"] for h in history], label="train")
    ax_loss.plot(epochs, [h["val_loss"] for h in history], label="validation")
    ax_acc.plot(epochs, [h["train_acc"] for h in history], label="train")
    ax_acc.plot(epochs, [h["val_acc"] for h in history], label="validation")
    for ax, name in ((ax_loss, "cross-entropy loss"), (ax_acc, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def batches(train_set, args, epoch):
    """This epoch's batches: the same order whether or not we resumed (seeded by seed and epoch)."""
    if not dist.is_initialized():
        return DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                          generator=mg.Generator().manual_seed(args.seed * 100_003 + epoch))
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)  # this rank's shard
    sampler.set_epoch(epoch)
    return DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)


def fit(args, device, data, model, opt, ckpt, log):
    """Train as prepared; returns a dict with the model, history and test results."""
    n_classes = model[-1].out_features
    splits = {k: (mg.tensor(x, device=device), mg.tensor(y, device=device)) for k, (x, y) in data.items()}
    ranks = dist.get_world_size() if dist.is_initialized() else 1
    lead = ranks == 1 or dist.get_rank() == 0  # the rank that prints, evaluates, plots and saves
    log = log if lead else (lambda *a: None)
    log(f"device: {device}{' (auto)' if args.device == 'auto' else ''} | data: "
        f"{'MNIST' if args.mnist_dir else 'digits'} {len(data['train'][0])}/{len(data['val'][0])}/"
        f"{len(data['test'][0])} train/val/test, {data['train'][0].shape[1]} features, {n_classes} classes"
        f" | {args.optimizer} lr {opt.param_groups[0]['lr']:g}"
        + (f" | {ranks} ranks, batch {args.batch_size} each" if ranks > 1 else ""))
    history, start = ([], 1) if ckpt is None else (ckpt["history"], ckpt["epoch"] + 1)
    if ckpt is not None:
        log(f"resumed from {args.resume} after epoch {ckpt['epoch']}")
    net = model if ranks == 1 else DistributedDataParallel(model)

    def train_step(xb, yb):
        """One optimisation step; returns the loss and the logits (for the running accuracy)."""
        logits = net(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss, logits.detach()

    step_fn = mg.compile(train_step) if args.compile else train_step
    train_set = TensorDataset(*splits["train"])
    for epoch in range(start, args.epochs + 1):
        t0 = time.perf_counter()
        bar = tqdm(batches(train_set, args, epoch), desc=f"epoch {epoch}/{args.epochs}", leave=False,
                   disable=args.quiet or not lead, unit="batch")
        seen, loss_sum, correct = 0, 0.0, 0
        for step, (xb, yb) in enumerate(bar):
            loss, logits = step_fn(xb, yb)
            seen += len(yb)
            loss_sum += loss.item() * len(yb)
            correct += int((logits.argmax(dim=1) == yb).sum().item())
            if step % 10 == 0:
                bar.set_postfix(loss=f"{loss_sum / seen:.4f}")
        if ranks > 1:  # the epoch's training metrics over all ranks' shards
            totals = mg.tensor([seen, loss_sum, correct], dtype=mg.float64)
            dist.all_reduce(totals)
            seen, loss_sum, correct = totals.tolist()
        if not lead:
            continue
        val_loss, val_acc, _ = evaluate(model, *splits["val"])
        history.append({"epoch": epoch, "train_loss": loss_sum / seen, "train_acc": correct / seen,
                        "val_loss": val_loss, "val_acc": val_acc, "seconds": time.perf_counter() - t0})
        if not args.quiet:
            h = history[-1]
            log(f"epoch {epoch:3d}/{args.epochs}  train loss {h['train_loss']:.4f} acc {h['train_acc']:.4f}  "
                f"val loss {val_loss:.4f} acc {val_acc:.4f}  {h['seconds']:.2f}s")
        if args.save:
            mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
                     "history": history, "seed": args.seed}, args.save)

    test_loss, test_acc, preds = evaluate(model, *splits["test"])
    counts, table = confusion_table(data["test"][1], preds, n_classes)
    log(f"test loss {test_loss:.4f}  test accuracy {test_acc:.4f}  "
        f"({sum(h['seconds'] for h in history):.1f}s training)")
    log("confusion matrix (rows: true class, columns: predicted):\n" + table)
    if args.plot and lead:
        save_plot(history, args.plot)
        log(f"plot written to {args.plot}")
    return {"model": model, "history": history, "test_acc": test_acc, "test_loss": test_loss,
            "confusion": counts, "device": device}


def train(args, log=print):
    """Check every input, then train; returns what fit() returns. Raises UsageError / DatasetError."""
    return fit(args, *prepare(args), log)


def main(argv=None):
    args = parse_args(argv)
    if launched_ranks() > 1:
        dist.init_process_group("mpi")
    try:
        prepared, problem = prepare(args), None
    except (UsageError, DatasetError, CudaUnavailableError) as e:
        prepared, problem = None, str(e)
    problem = agree(problem)
    if problem is None:
        try:
            fit(args, *prepared, print)
        except CudaUnavailableError as e:  # (pick_device loaded the backend: only a later device can fail)
            if dist.is_initialized():
                raise  # the distributed excepthook ends every rank, not just this one
            problem = str(e)
    if problem is not None and launched_rank() == 0:
        print(f"error: {problem}", file=sys.stderr)
    if dist.is_initialized():
        dist.destroy_process_group()
    return 0 if problem is None else 2


if __name__ == "__main__":
    sys.exit(main())

"""Train an MLP classifier end to end with minigrad, on CPU or GPU.

    python examples/train_mlp.py                                # bundled digits, device auto
    python examples/train_mlp.py --device cuda --hidden 256 128 --optimizer sgd --lr 0.05
    python examples/train_mlp.py --mnist-dir ~/data/mnist --epochs 5
    python examples/train_mlp.py --epochs 10 --save ckpt.safetensors   # then --resume ckpt.safetensors
    python examples/train_mlp.py --compile                      # the step recorded once, then replayed

Everything a framework user expects is here: a seeded split, a DataLoader, Sequential(Linear, ReLU,
...), cross-entropy, SGD or Adam, a progress bar, per-epoch validation, checkpoints that resume
exactly, a confusion matrix and an optional plot.
"""

import argparse
import sys
import time

import numpy as np
from datasets import DatasetError, load_digits, load_mnist
from tqdm import tqdm

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset


class UsageError(Exception):
    """A problem with the command line or its inputs: reported in one line, exit code 2."""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                   help="auto = cuda when available, else cpu")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--hidden", type=int, nargs="+", default=[256, 128], help="hidden layer widths, any depth")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mnist-dir", help="train on MNIST from the IDX files in this directory instead of digits")
    p.add_argument("--subset", type=int, help="train on the first N training samples only (quick smoke runs)")
    p.add_argument("--save", help="write a checkpoint (model + optimizer + epoch) here after every epoch")
    p.add_argument("--resume", help="continue from a checkpoint written by --save")
    p.add_argument("--plot", help="write a PNG of loss and accuracy per epoch here")
    p.add_argument("--quiet", action="store_true", help="no progress bars or per-epoch lines")
    p.add_argument("--compile", action="store_true",
                   help="record the training step once and replay it (mg.compile); same results, faster")
    return p.parse_args(argv)


def pick_device(choice):
    if choice == "auto":
        return "cuda" if mg.cuda.is_available() else "cpu"
    if choice == "cuda" and not mg.cuda.is_available():
        try:
            mg.cuda.init()  # raises the precise reason: no CuPy, no driver or no GPU
        except RuntimeError as e:
            raise UsageError(f"--device cuda: {e}") from None
    return choice


def build_model(n_in, hidden, n_out):
    """Linear -> ReLU for each hidden width, then a Linear head producing logits."""
    layers, width = [], n_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, n_out))


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
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'minigrad-nn[examples]'") from None
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


def train(args, log=print):
    """Train as the arguments say; returns a dict with the model, history and test results."""
    device = pick_device(args.device)
    data = load_mnist(args.mnist_dir, args.seed) if args.mnist_dir else load_digits(args.seed)
    if args.subset:
        data["train"] = tuple(a[:args.subset] for a in data["train"])
    splits = {k: (mg.tensor(x, device=device), mg.tensor(y, device=device)) for k, (x, y) in data.items()}
    n_in, n_classes = data["train"][0].shape[1], int(data["train"][1].max()) + 1
    log(f"device: {device}{' (auto)' if args.device == 'auto' else ''} | data: "
        f"{'MNIST' if args.mnist_dir else 'digits'} {len(data['train'][0])}/{len(data['val'][0])}/"
        f"{len(data['test'][0])} train/val/test, {n_in} features, {n_classes} classes")

    mg.manual_seed(args.seed)
    model = build_model(n_in, args.hidden, n_classes).to(device)
    if args.optimizer == "adam":
        opt = optim.Adam(model.parameters(), lr=args.lr)
    else:
        opt = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    history, start = [], 1
    if args.resume:
        try:
            ckpt = mg.load(args.resume, map_location=device)
        except (OSError, ValueError) as e:
            raise UsageError(f"--resume: {e}") from None
        try:
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optimizer"])
        except (KeyError, RuntimeError, ValueError) as e:
            raise UsageError(f"--resume {args.resume} does not fit this model (same --hidden and "
                             f"--optimizer as when it was saved?): {e}") from None
        history, start = ckpt["history"], ckpt["epoch"] + 1
        log(f"resumed from {args.resume} after epoch {ckpt['epoch']}")

    def train_step(xb, yb):
        """One optimisation step; returns the loss and the logits (for the running accuracy)."""
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss, logits.detach()

    step_fn = mg.compile(train_step) if args.compile else train_step
    train_set = TensorDataset(*splits["train"])
    for epoch in range(start, args.epochs + 1):
        t0 = time.perf_counter()
        # a generator seeded per epoch: the batch order of epoch e is the same whether or not we resumed
        loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                            generator=mg.Generator().manual_seed(args.seed * 100_003 + epoch))
        bar = tqdm(loader, desc=f"epoch {epoch}/{args.epochs}", leave=False, disable=args.quiet, unit="batch")
        seen, loss_sum, correct = 0, 0.0, 0
        for step, (xb, yb) in enumerate(bar):
            loss, logits = step_fn(xb, yb)
            seen += len(yb)
            loss_sum += loss.item() * len(yb)
            correct += int((logits.argmax(dim=1) == yb).sum().item())
            if step % 10 == 0:
                bar.set_postfix(loss=f"{loss_sum / seen:.4f}")
        val_loss, val_acc, _ = evaluate(model, *splits["val"])
        history.append({"epoch": epoch, "train_loss": loss_sum / seen, "train_acc": correct / seen,
                        "val_loss": val_loss, "val_acc": val_acc, "seconds": time.perf_counter() - t0})
        if not args.quiet:
            h = history[-1]
            log(f"epoch {epoch:3d}/{args.epochs}  train loss {h['train_loss']:.4f} acc {h['train_acc']:.4f}  "
                f"val loss {val_loss:.4f} acc {val_acc:.4f}  {h['seconds']:.2f}s")
        if args.save:
            mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
                     "history": history}, args.save)

    test_loss, test_acc, preds = evaluate(model, *splits["test"])
    counts, table = confusion_table(data["test"][1], preds, n_classes)
    log(f"test loss {test_loss:.4f}  test accuracy {test_acc:.4f}  "
        f"({sum(h['seconds'] for h in history):.1f}s training)")
    log("confusion matrix (rows: true class, columns: predicted):\n" + table)
    if args.plot:
        save_plot(history, args.plot)
        log(f"plot written to {args.plot}")
    return {"model": model, "history": history, "test_acc": test_acc, "test_loss": test_loss,
            "confusion": counts, "device": device}


def main(argv=None):
    args = parse_args(argv)
    try:
        train(args)
    except (UsageError, DatasetError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

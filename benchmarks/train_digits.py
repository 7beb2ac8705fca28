"""Wall time to reach 97% test accuracy on digits: minigrad vs PyTorch, same model, optimizer and batches.

    python benchmarks/train_digits.py

Both train the example's default model (64-256-128-10 MLP, Adam lr 1e-3, batch 32) on the example's
split, from the same initial weights and with the same shuffled batches; after every epoch each
evaluates the test split and stops once accuracy >= 97%. Reported: seconds to the target (training
and the per-epoch evaluations; data loading excluded), epochs needed, and the ratio.
"""

import importlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import load_digits  # noqa: E402
from mlp_step import mlp_from_weights  # noqa: E402

TARGET, MAX_EPOCHS, BATCH, LR, HIDDEN, SEED = 0.97, 50, 32, 1e-3, [256, 128], 0


def initial_weights(widths):
    rng = np.random.default_rng(SEED)
    out = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        bound = 1 / np.sqrt(n_in)
        out.append((rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                    rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return out


def batches(n, epoch):
    order = np.random.default_rng(SEED * 1000 + epoch).permutation(n)
    return [order[i:i + BATCH] for i in range(0, n, BATCH)]


def run(fw, data, weights):
    """Train until test accuracy >= TARGET; (seconds, epochs, accuracy). fw: minigrad or torch."""
    model = mlp_from_weights(fw, weights)
    opt = fw.optim.Adam(model.parameters(), lr=LR)
    (x, y), (xt, yt) = [(fw.from_numpy(a), fw.from_numpy(b)) for a, b in (data["train"], data["test"])]
    t0 = time.perf_counter()
    for epoch in range(1, MAX_EPOCHS + 1):
        for idx in batches(len(y), epoch):
            idx = fw.from_numpy(idx)
            loss = fw.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with fw.no_grad():
            acc = (model(xt).argmax(dim=1) == yt).float().mean().item()
        if acc >= TARGET:
            return time.perf_counter() - t0, epoch, acc
    return float("nan"), MAX_EPOCHS, acc


def main():
    import subprocess

    if len(sys.argv) == 2:  # child: one framework, one run, in its own process (no thread-pool contention)
        data = load_digits(SEED)
        weights = initial_weights([64, *HIDDEN, 10])
        fw = importlib.import_module(sys.argv[1])
        importlib.import_module(sys.argv[1] + ".nn.functional")
        print(*run(fw, data, weights))
        return
    names = ["minigrad"]
    try:
        import torch  # noqa: F401

        names.append("torch")
    except ImportError:
        print("PyTorch is not installed: timing minigrad only")
    results = {n: [] for n in names}
    for _ in range(5):  # alternate the frameworks, keep the median
        for n in names:
            out = subprocess.run([sys.executable, __file__, n], capture_output=True, text=True, check=True).stdout
            seconds, epochs, acc = out.split()
            results[n].append((float(seconds), int(epochs), float(acc)))
    print(f"{'framework':10} {'seconds to 97%':>15} {'epochs':>7} {'test acc':>9}")
    med = {}
    for n in names:
        med[n] = statistics.median(r[0] for r in results[n])
        print(f"{n:10} {med[n]:15.3f} {results[n][0][1]:7d} {results[n][0][2]:9.4f}")
    if "torch" in names:
        print(f"minigrad / torch: {med['minigrad'] / med['torch']:.2f}x")


if __name__ == "__main__":
    main()

"""Forward+backward of the nn layers' ops, timed in one process in alternating blocks, as ratios to a
reference in the same table (machine noise hits all rows alike):

    python benchmarks/nn_layers.py [--rows 256] [--width 1024]

activations    each vs relu, on (rows, width) float32
cross-entropy  weights, label smoothing, ignore_index, probability targets vs the plain path, on (128, 10):
               the size where per-call overhead, not arithmetic, decides (benchmarks/mlp_step.py's digits)
layer_norm     the fused op vs the same math composed from minigrad's elementwise ops and reductions
"""

import argparse
import statistics

import numpy as np
from timing import median_seconds, warm_up

import minigrad as mg
import minigrad.nn.functional as F


def table(title, cases, reference, repeats, blocks=10):
    """Median ms of each case (a no-argument function running forward+backward), and its ratio to reference."""
    for fn in cases.values():
        warm_up(fn, 0.2)
    samples = {name: [] for name in cases}
    for _ in range(blocks):
        for name, fn in cases.items():
            samples[name].append(median_seconds(fn, repeats, warmup_seconds=0))
    ms = {name: statistics.median(s) * 1e3 for name, s in samples.items()}
    print(f"\n{title}")
    for name in cases:
        print(f"  {name:34s} {ms[name]:9.3f} ms   {ms[name] / ms[reference]:6.2f}x {reference}")


def forward_backward(f, *inputs):
    def run():
        for t in inputs:
            t.grad = None
        f().sum().backward()

    return run


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=256)
    p.add_argument("--width", type=int, default=1024)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((args.rows, args.width)).astype(np.float32), requires_grad=True)
    activations = {
        "relu": lambda: F.relu(x), "gelu (exact, erf)": lambda: F.gelu(x),
        "gelu (tanh)": lambda: F.gelu(x, approximate="tanh"), "silu": lambda: F.silu(x),
        "leaky_relu": lambda: F.leaky_relu(x, 0.1), "elu": lambda: F.elu(x), "softplus": lambda: F.softplus(x),
    }
    table(f"activations, ({args.rows}, {args.width}) float32", {k: forward_backward(f, x) for k, f in
                                                                activations.items()}, "relu", 5)

    logits = mg.tensor(rng.standard_normal((128, 10)).astype(np.float32), requires_grad=True)
    t = mg.tensor(rng.integers(0, 10, 128))
    t_ignored = mg.tensor(np.where(rng.random(128) < 0.1, -100, t.numpy()))
    weight = mg.tensor(rng.uniform(0.5, 2, 10).astype(np.float32))
    probs = F.softmax(mg.tensor(rng.standard_normal((128, 10)).astype(np.float32)), dim=1)
    losses = {
        "plain": lambda: F.cross_entropy(logits, t), "ignore_index": lambda: F.cross_entropy(logits, t_ignored),
        "weight": lambda: F.cross_entropy(logits, t, weight),
        "label_smoothing=0.1": lambda: F.cross_entropy(logits, t, label_smoothing=0.1),
        "weight + label_smoothing": lambda: F.cross_entropy(logits, t, weight, label_smoothing=0.1),
        "probability targets": lambda: F.cross_entropy(logits, probs),
        "log_softmax + nll_loss": lambda: F.nll_loss(F.log_softmax(logits, 1), t),
    }
    table("cross-entropy, (128, 10) float32", {k: forward_backward(f, logits) for k, f in losses.items()},
          "plain", 200)

    w = mg.ones(args.width, requires_grad=True)
    b = mg.zeros(args.width, requires_grad=True)

    def composed():
        mean = x.mean(-1, keepdim=True)
        d = x - mean
        return d / ((d * d).mean(-1, keepdim=True) + 1e-5).sqrt() * w + b

    norms = {"layer_norm (fused)": lambda: F.layer_norm(x, (args.width,), w, b), "layer_norm composed": composed}
    table(f"layer_norm over {args.width}, ({args.rows}, {args.width}) float32",
          {k: forward_backward(f, x, w, b) for k, f in norms.items()}, "layer_norm (fused)", 5)


if __name__ == "__main__":
    main()

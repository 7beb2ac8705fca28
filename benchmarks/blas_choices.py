"""Can a BLAS choice take minigrad past the NumPy floor? Thread count and GEMM layout, measured.

    python benchmarks/blas_choices.py

For each GEMM of the mnist and wide MLP steps: OpenBLAS with 1 vs 2 threads, and the weight gradient
computed as g^T x (what minigrad does) vs (x^T g)^T (same numbers, other operand order: its result is
the transpose of a C-contiguous array). Then the cost the second layout brings along: the optimizer
update p -= lr * dW with a C- vs an F-ordered dW. With PyTorch installed, its GEMM time is listed too.
"""

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
from timing import median_seconds

SHAPES = [(256, 784, 512), (256, 512, 512), (1024, 1024, 4096), (1024, 4096, 4096)]  # batch, in, out


def ms(fn, repeats):
    return median_seconds(fn, repeats) * 1e3


def main():
    blas = [(i["internal_api"], i.get("architecture"), i["version"]) for i in threadpool_info()]
    print("BLAS:", blas)
    try:
        import torch
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print(f"{'GEMM (batch, in, out)':36} {'1 thread':>9} {'2 threads':>10} {'torch':>8}")
    for b, n_in, n_out in SHAPES:
        x = rng.standard_normal((b, n_in), dtype=np.float32)
        g = rng.standard_normal((b, n_out), dtype=np.float32)
        w = rng.standard_normal((n_out, n_in), dtype=np.float32)
        reps = 200 if b < 1024 else 5
        cases, torch_fns = gemms(x, g, w), gemms(*map(torch.from_numpy, (x, g, w))) if torch else {}
        for name, fn in cases.items():
            with threadpool_limits(1):
                one = ms(fn, reps)
            two = ms(fn, reps)
            tt = f"{ms(torch_fns[name], reps):8.3f}" if torch_fns else ""
            print(f"{name + ' ' + str((b, n_in, n_out)):36} {one:9.3f} {two:10.3f} {tt}")
    p = rng.standard_normal((4096, 4096), dtype=np.float32)
    for order in ("C", "F"):
        d = np.asarray(rng.standard_normal((4096, 4096), dtype=np.float32), order=order)
        print(f"update p -= lr * dW (4096 x 4096), dW {order}-ordered: {ms(update(p, d), 5):8.2f} ms")


def gemms(x, g, w):
    """The step's GEMMs for activations x, upstream gradient g and weight w (NumPy or torch)."""
    return {"y = x W^T": lambda: x @ w.T, "dx = g W": lambda: g @ w,
            "dW = g^T x": lambda: g.T @ x, "dW = (x^T g)^T": lambda: (x.T @ g).T}


def update(p, d):
    """The SGD update p -= lr * d through a work buffer, as minigrad's optimizer does it."""
    s = np.empty_like(p)

    def run():
        np.multiply(d, 0.01, out=s)
        np.subtract(p, s, out=p)

    return run


if __name__ == "__main__":
    main()

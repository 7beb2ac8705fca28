"""What the op-level profiler (minigrad.autograd.profiler) costs per op: nothing while no profile
records, its timing while one does. overhead.py's chain of 200 16-float `z * y`, forward+backward,
timed in one process in alternating blocks:

    python benchmarks/profiler_overhead.py

off        no profile recording (all blocks but the first run after a profile has stopped, when
           Function.apply and the engine's step are the plain ones again)
recording  inside `with profile():`, each forward and each backward node timed
"""

import statistics

import numpy as np
from timing import median_seconds

import minigrad as mg

N, REPEATS, BLOCKS = 200, 100, 10


def main():
    x = mg.tensor(np.random.rand(16).astype(np.float32), requires_grad=True)
    y = mg.tensor(np.random.rand(16).astype(np.float32), requires_grad=True)

    def run():
        z = x
        for _ in range(N):
            z = z * y
        z.sum().backward()
        x.grad = y.grad = None

    off, recording = [], []
    for _ in range(BLOCKS):
        off.append(median_seconds(run, REPEATS, warmup_seconds=0.1))
        with mg.autograd.profiler.profile():
            recording.append(median_seconds(run, REPEATS, warmup_seconds=0.1))
    base = statistics.median(off)
    print(f"{'fwd+bwd of x * y':18} {'us/op':>8} {'vs off':>8}")
    for name, s in (("off", off), ("recording", recording)):
        print(f"{name:18} {statistics.median(s) / N * 1e6:8.2f} {statistics.median(s) / base:7.2f}x")


if __name__ == "__main__":
    main()

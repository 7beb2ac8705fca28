"""Per-op framework overhead: a tiny elementwise op (x * y on 16 floats) in minigrad vs raw NumPy.

    python benchmarks/overhead.py

forward:          z = x * y                         (minigrad records the graph: inputs require grad)
forward+backward: z = x * y, then z's backward      (per op, measured on a chain of N muls)
... profiling:    the same inside `with minigrad.autograd.profiler.profile():`, which times every
                  forward and backward (outside such a block the profiler costs nothing)
The overhead is minigrad's time minus NumPy's time for the same arithmetic. Targets (issue #2):
< 5 us forward and < 10 us forward+backward per op on a 2-core machine.
"""

import numpy as np
from timing import median_seconds

import minigrad as mg

N = 200  # ops per timed chain
REPEATS = 200


def main():
    xa, ya = np.random.rand(16).astype(np.float32), np.random.rand(16).astype(np.float32)
    x = mg.tensor(xa, requires_grad=True)
    y = mg.tensor(ya, requires_grad=True)

    def numpy_forward():
        z = xa
        for _ in range(N):
            z = z * ya

    def numpy_forward_backward():  # the same arithmetic by hand: z_{i+1} = z_i * y, grads of both
        zs = [xa]
        for _ in range(N):
            zs.append(zs[-1] * ya)
        g, gy = np.ones_like(xa), np.zeros_like(ya)
        for z in reversed(zs[:-1]):
            gy = gy + g * z
            g = g * ya

    def mg_forward():
        z = x
        for _ in range(N):
            z = z * y

    def mg_forward_backward():
        z = x
        for _ in range(N):
            z = z * y
        z.sum().backward()
        x.grad = y.grad = None

    def mg_forward_backward_profiled():
        with mg.autograd.profiler.profile():
            mg_forward_backward()

    rows = [("forward", numpy_forward, mg_forward, 5.0),
            ("forward+backward", numpy_forward_backward, mg_forward_backward, 10.0),
            ("... profiling", numpy_forward_backward, mg_forward_backward_profiled, None)]
    print(f"{'':18} {'NumPy us/op':>12} {'minigrad us/op':>15} {'overhead us/op':>15} {'target':>8}")
    for name, ref, ours, target in rows:
        t_np, t_mg = (median_seconds(f, REPEATS, warmup_seconds=0.2) / N * 1e6 for f in (ref, ours))
        print(f"{name:18} {t_np:12.2f} {t_mg:15.2f} {t_mg - t_np:15.2f} {'< ' + str(target) if target else '':>8}")


if __name__ == "__main__":
    main()

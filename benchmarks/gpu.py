"""GPU benchmarks (a CUDA GPU with the [cuda] extra; prints a table, asserts nothing).

    python benchmarks/gpu.py
    MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu.py   # tiny sizes: checks it runs;
                                                                        # the times mean nothing there

1. Kernel bandwidth for >= 16M elements, against the device-to-device copy bandwidth (the roofline
   for a streaming kernel) and against CuPy's own broadcast `y += b` and `g.sum(0)`:
       bias_add / bias_add_relu  read y + write y   ->  2 * y.nbytes per call
       bias_grad                 read g             ->  g.nbytes per call
       relu_bias_grad            read g, y; write gm ->  3 * g.nbytes per call
   Target: >= 80% of copy bandwidth.
2. One MLP training step at batch 1024 (784-4096-4096-10, SGD): minigrad against a hand-written
   pure-CuPy step with the same arithmetic (the floor). Target: <= 1.1x the floor. Also printed per
   step: our kernel launches, and under the simulator the host syncs (backend/sim.py counts them).
"""

import sys
import time

import numpy as np

import minigrad as mg


def gpu_time(fn, repeats=50):
    """Median milliseconds of fn(): CUDA events on a GPU (after warm-up), the wall clock when simulated."""
    backend = mg.device("cuda").backend
    for _ in range(1 if backend.simulated else 3):
        fn()
    times = []
    for _ in range(3 if backend.simulated else repeats):
        if backend.simulated:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1e3)
            continue
        cupy = backend.xp
        start, stop = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(cupy.cuda.get_elapsed_time(start, stop))
    return float(np.median(times))


def kernel_rows(dtype, rows, n):
    """(name, fn, bytes moved per call) for each kernel and its CuPy counterpart."""
    from minigrad.kernels import bias, reduce

    backend, rng = mg.device("cuda").backend, np.random.default_rng(0)
    xp = backend.xp
    y, g = (backend.to_device(rng.standard_normal((rows, n), dtype=np.float32).astype(dtype)) for _ in range(2))
    b = backend.to_device(rng.standard_normal(n, dtype=np.float32).astype(dtype))
    dst = xp.empty_like(y)
    return [
        ("device-to-device copy", lambda: xp.copyto(dst, y), 2 * y.nbytes),
        ("bias_add (ours)", lambda: bias.bias_add(y, b), 2 * y.nbytes),
        ("y += b (CuPy)", lambda: y.__iadd__(b), 2 * y.nbytes),
        ("bias_add_relu (ours)", lambda: bias.bias_add_relu(y, b), 2 * y.nbytes),
        ("bias_grad (ours)", lambda: reduce.bias_grad(xp, g), g.nbytes),
        ("g.sum(0) (CuPy)", lambda: g.sum(axis=0), g.nbytes),
        ("relu_bias_grad (ours)", lambda: reduce.relu_bias_grad(xp, g, y), 3 * g.nbytes),
    ]


def kernel_table(rows, n):
    print(f"kernels on ({rows}, {n}):")
    print(f"{'kernel':28} {'dtype':8} {'ms':>8} {'GB/s':>8} {'% of copy':>10}")
    for dtype in (np.float32, np.float16):
        copy_bw = None
        for name, fn, nbytes in kernel_rows(dtype, rows, n):
            ms = gpu_time(fn)
            bw = nbytes / ms / 1e6
            copy_bw = copy_bw or bw  # the first row is the copy: the roofline
            print(f"{name:28} {np.dtype(dtype).name:8} {ms:8.3f} {bw:8.1f} {100 * bw / copy_bw:9.1f}%")


def mlp_table(batch, widths, lr=0.01):
    from minigrad.kernels import launch

    import minigrad.nn.functional as F
    from minigrad import nn, optim

    rng = np.random.default_rng(0)
    x_host = rng.standard_normal((batch, widths[0])).astype(np.float32)
    t_host = rng.integers(0, widths[-1], batch)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers += [nn.Linear(n_in, n_out)] + ([nn.ReLU()] if i < len(widths) - 2 else [])
    model = nn.Sequential(*layers).to("cuda")
    opt = optim.SGD(model.parameters(), lr=lr)
    x, t = mg.tensor(x_host, device="cuda"), mg.tensor(t_host, device="cuda")

    def minigrad_step():
        loss = F.cross_entropy(model(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()

    backend = mg.device("cuda").backend
    cupy = backend.xp  # CuPy, or the simulated device's array module
    params = [(m.weight._data.copy(), m.bias._data.copy()) for m in model if isinstance(m, nn.Linear)]
    xc, tc = backend.to_device(x_host), backend.to_device(t_host)
    rows = cupy.arange(batch)

    def cupy_step():  # the floor: the same arithmetic, written by hand in CuPy
        acts, h = [], xc
        for i, (w, b) in enumerate(params):
            acts.append(h)
            h = h @ w.T
            h += b
            if i < len(params) - 1:
                cupy.maximum(h, 0, out=h)
        z = h - h.max(axis=1, keepdims=True)
        e = cupy.exp(z)
        s = e.sum(axis=1, keepdims=True)
        g = e / s
        g[rows, tc] -= 1
        g /= batch
        for i in reversed(range(len(params))):
            w, b = params[i]
            dw, db = g.T @ acts[i], g.sum(axis=0)
            if i > 0:
                g = g @ w
                g *= acts[i] > 0
            w -= lr * dw
            b -= lr * db

    ours, floor = gpu_time(minigrad_step, 20), gpu_time(cupy_step, 20)
    print(f"\nMLP step, batch {batch}, widths {'-'.join(map(str, widths))}:")
    print(f"  pure CuPy (floor) {floor:8.3f} ms\n  minigrad          {ours:8.3f} ms   ({ours / floor:.2f}x the floor)")
    before = launch.launches
    if backend.simulated:
        from minigrad.backend import sim

        sim.host_syncs.clear()
    minigrad_step()
    print(f"  per step: {launch.launches - before} launches of our kernels", end="")
    print(f", {len(sim.host_syncs)} host syncs: {sim.host_syncs}" if backend.simulated else "")


def main():
    if not mg.cuda.is_available():
        print("benchmarks/gpu.py needs a CUDA GPU (and `pip install -e '.[cuda]'`), or a simulated one "
              "(MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1); nothing to measure here.")
        return 1
    print("device:", mg.cuda.get_device_name())
    if mg.device("cuda").backend.simulated:
        print("(simulated: tiny sizes, times meaningless; this checks that the script runs end to end)")
        kernel_table(64, 40)
        mlp_table(16, (12, 16, 16, 4))
    else:
        kernel_table(16384, 1024)  # 16.8M elements
        mlp_table(1024, (784, 4096, 4096, 10))
    return 0


if __name__ == "__main__":
    sys.exit(main())

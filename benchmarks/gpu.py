"""GPU benchmarks (needs a CUDA GPU with the [cuda] extra; prints a table, asserts nothing).

    python benchmarks/gpu.py

1. Kernel bandwidth for >= 16M elements, against the device-to-device copy bandwidth (the roofline
   for a streaming kernel) and against CuPy's own broadcast `y += b` and `g.sum(0)`:
       bias_add / bias_add_relu  read y + write y   ->  2 * y.nbytes per call
       bias_grad                 read g             ->  g.nbytes per call
       relu_bias_grad            read g, y; write gm ->  3 * g.nbytes per call
   Target: >= 80% of copy bandwidth.
2. One MLP training step at batch 1024 (784-4096-4096-10, SGD): minigrad against a hand-written
   pure-CuPy step with the same arithmetic (the floor). Target: <= 1.1x the floor.
"""

import sys

import numpy as np


def gpu_time(fn, repeats=50):
    """Median milliseconds of fn() measured with CUDA events (after warm-up)."""
    import cupy

    for _ in range(3):
        fn()
    cupy.cuda.Device().synchronize()
    times = []
    for _ in range(repeats):
        start, stop = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(cupy.cuda.get_elapsed_time(start, stop))
    return float(np.median(times))


def kernel_rows(dtype, rows, n):
    """(name, fn, bytes moved per call) for each kernel and its CuPy counterpart."""
    import cupy
    from minigrad.kernels import bias, reduce

    y = cupy.random.standard_normal((rows, n), dtype=np.float32).astype(dtype)
    g = cupy.random.standard_normal((rows, n), dtype=np.float32).astype(dtype)
    b = cupy.random.standard_normal(n, dtype=np.float32).astype(dtype)
    dst = cupy.empty_like(y)
    return [
        ("device-to-device copy", lambda: cupy.copyto(dst, y), 2 * y.nbytes),
        ("bias_add (ours)", lambda: bias.bias_add(y, b), 2 * y.nbytes),
        ("y += b (CuPy)", lambda: y.__iadd__(b), 2 * y.nbytes),
        ("bias_add_relu (ours)", lambda: bias.bias_add_relu(y, b), 2 * y.nbytes),
        ("bias_grad (ours)", lambda: reduce.bias_grad(cupy, g), g.nbytes),
        ("g.sum(0) (CuPy)", lambda: g.sum(axis=0), g.nbytes),
        ("relu_bias_grad (ours)", lambda: reduce.relu_bias_grad(cupy, g, y), 3 * g.nbytes),
    ]


def kernel_table(rows=16384, n=1024):  # 16.8M elements
    print(f"kernels on ({rows}, {n}):")
    print(f"{'kernel':28} {'dtype':8} {'ms':>8} {'GB/s':>8} {'% of copy':>10}")
    for dtype in (np.float32, np.float16):
        copy_bw = None
        for name, fn, nbytes in kernel_rows(dtype, rows, n):
            ms = gpu_time(fn)
            bw = nbytes / ms / 1e6
            copy_bw = copy_bw or bw  # the first row is the copy: the roofline
            print(f"{name:28} {np.dtype(dtype).name:8} {ms:8.3f} {bw:8.1f} {100 * bw / copy_bw:9.1f}%")


def mlp_table(batch=1024, widths=(784, 4096, 4096, 10), lr=0.01):
    import cupy

    import minigrad as mg
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

    params = [(m.weight._data.copy(), m.bias._data.copy()) for m in model if isinstance(m, nn.Linear)]
    xc, tc = cupy.asarray(x_host), cupy.asarray(t_host)
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


def main():
    import minigrad as mg

    if not mg.cuda.is_available() or mg.device("cuda").backend.simulated:
        print("benchmarks/gpu.py needs a real CUDA GPU (and `pip install -e '.[cuda]'`); nothing to measure here.")
        return 1
    print("device:", mg.cuda.get_device_name())
    kernel_table()
    mlp_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())

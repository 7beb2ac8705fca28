"""One MLP training step (forward, cross-entropy, backward, SGD) in minigrad, in hand-written NumPy
(the floor: the same arithmetic, nothing skipped) and in PyTorch eager when it is installed.

    python benchmarks/mlp_step.py [--sizes digits mnist wide] [--rounds N] [--cpu-time]

NumPy and minigrad are timed in one process, interleaved in alternating blocks of steps, so that
machine noise hits both alike (on this VM a whole process can run ~1.5x slower than the next one; the
ratio of the two, measured side by side, stays put). PyTorch runs in a process of its own: its OpenMP
threads and OpenBLAS's threads spin after each call and slow whichever framework runs next in the same
process (we measured a 100x slowdown of the digits step when they shared one). Rounds repeat both.
With --cpu-time every framework runs one thread and is timed by that thread's CPU time: on a machine
that other processes load, wall time also counts their time slices; CPU time does not.

Peak memory is the working set of one step (activations, gradients, temporaries): tracemalloc's
peak during a warm step for NumPy and minigrad, and for all three the rise of the RSS high-water
mark over the first step (PyTorch's allocator is invisible to tracemalloc).
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
from timing import median_seconds, warm_up

SIZES = {  # batch, widths (input, hidden..., classes)
    "digits": (128, [64, 128, 10]),
    "mnist": (256, [784, 512, 512, 10]),
    "wide": (1024, [1024, 4096, 4096, 10]),
}
LR = 0.01


def make_data(size, seed=0):
    batch, widths = SIZES[size]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, widths[0])).astype(np.float32)
    t = rng.integers(0, widths[-1], batch)
    params = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        bound = 1 / np.sqrt(n_in)
        params.append((rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32),
                       rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return x, t, params


# ---------------------------------------------------------------- the NumPy floor
def numpy_stepper(size):
    x, t, params = make_data(size)
    rows = np.arange(len(t))

    def step():
        acts, h = [], x
        for i, (w, b) in enumerate(params):  # forward: z = h W^T (+ b, ReLU in place)
            acts.append(h)
            h = h @ w.T
            h += b
            if i < len(params) - 1:
                np.maximum(h, 0, out=h)
        z = h - h.max(axis=1, keepdims=True)  # cross-entropy, stable
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = (np.log(s[:, 0]) - z[rows, t]).mean()
        g = e / s  # dL/dlogits = (softmax - onehot) / N
        g[rows, t] -= 1
        g /= len(t)
        for i in reversed(range(len(params))):  # backward + SGD
            w, b = params[i]
            dw, db = g.T @ acts[i], g.sum(axis=0)
            if i > 0:
                g = g @ w
                g *= acts[i] > 0
            dw *= LR
            w -= dw
            db *= LR
            b -= db
        return float(loss)

    return step


# ---------------------------------------------------------------- minigrad and PyTorch
def mlp_from_weights(fw, params):
    """Sequential(Linear, ReLU, ..., Linear) holding `params`, written once for minigrad and PyTorch:
    the same code runs with either module as `fw` — the API minigrad promises."""
    layers = []
    for i, (w, b) in enumerate(params):
        layer = fw.nn.Linear(w.shape[1], w.shape[0])
        with fw.no_grad():
            layer.weight.copy_(fw.from_numpy(w))
            layer.bias.copy_(fw.from_numpy(b))
        layers += [layer, fw.nn.ReLU()] if i < len(params) - 1 else [layer]
    return fw.nn.Sequential(*layers)


def framework_stepper(fw, size):
    x, t, params = make_data(size)
    model = mlp_from_weights(fw, params)
    opt = fw.optim.SGD(model.parameters(), lr=LR)
    xt, tt = fw.from_numpy(x), fw.from_numpy(t)

    def step():
        loss = fw.nn.functional.cross_entropy(model(xt), tt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def minigrad_stepper(size):
    import minigrad

    return framework_stepper(minigrad, size)


def torch_stepper(size):
    import torch
    import torch.nn.functional  # noqa: F401  (makes torch.nn.functional an attribute)

    return framework_stepper(torch, size)


STEPPERS = {"numpy": numpy_stepper, "minigrad": minigrad_stepper, "torch": torch_stepper}


def available():
    names = ["numpy", "minigrad"]
    try:
        import torch  # noqa: F401

        names.append("torch")
    except ImportError:
        pass
    return names


def _rss_kib(field="VmRSS"):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))


def memory_child(name, size):
    """Peak memory of one step, in a fresh process holding only this framework."""
    step = STEPPERS[name](size)
    gc.collect()
    base = _rss_kib()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the RSS high-water mark to the current RSS
    step()  # first step: nothing cached yet, so the rise is the step's working set
    rss = (_rss_kib("VmHWM") - base) / 1024
    traced = float("nan")
    if name != "torch":  # tracemalloc sees NumPy's allocations, not PyTorch's allocator
        tracemalloc.start()
        step()
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {"rss": rss, "tracemalloc": traced}


def time_child(names, size, repeats, blocks=20, steppers=STEPPERS, clock="wall"):
    """Median ms per step of each framework in `names`, timed in alternating blocks of steps so that
    machine noise hits all of them alike; each one's ratio to the first, block by block (the noise
    cancels); and each one's first losses (they must agree; a stepper that already took `done` steps
    while it was built is compared at the same step). clock="cpu": each block's CPU time of this
    thread per step (run with one BLAS thread: see arguments())."""
    steps = {n: steppers[n](size) for n in names}
    done = {n: getattr(steps[n], "done", 0) for n in names}
    losses = {n: [steps[n]() for _ in range(3 + max(done.values()) - done[n])][-3:] for n in names}
    for n in names:
        warm_up(steps[n])
    samples = {n: [] for n in names}
    per_block = max(repeats // blocks, 1)
    for _ in range(blocks):
        for n in names:
            samples[n].append(median_seconds(steps[n], per_block, warmup_seconds=0) if clock == "wall"
                              else cpu_seconds(steps[n], per_block))
    return {n: {"ms": statistics.median(samples[n]) * 1e3, "losses": losses[n],
                "ratios": [a / b for a, b in zip(samples[n], samples[names[0]])]} for n in names}


def cpu_seconds(fn, repeats):
    """CPU time of this thread per call of fn(), over `repeats` calls: with one BLAS thread, the work
    of the step itself, whatever else the machine runs (preemption by other processes is not counted)."""
    t0 = time.thread_time()
    for _ in range(repeats):
        fn()
    return (time.thread_time() - t0) / repeats


def run_child(*args, script=__file__, env=None):
    out = subprocess.run([sys.executable, script, "--child", *map(str, args)], capture_output=True, text=True,
                         check=True, env=None if env is None else {**os.environ, **env}).stdout
    return json.loads(out.strip().splitlines()[-1])


def arguments():
    """The command line the step benchmarks share (this one and compile_step.py)."""
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    p.add_argument("--rounds", type=int, default=3, help="alternations of the frameworks per size")
    p.add_argument("--cpu-time", action="store_true",
                   help="time by CPU time with one BLAS thread (steadier on a loaded machine) instead of wall time")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return p.parse_args()


def clock_of(args):
    """(clock, environment of the timing children) for the command line's --cpu-time."""
    return ("cpu", {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}) if args.cpu_time else ("wall", None)


def serve_child(child, measures):
    """Run one measurement in this (child) process and print it: measures[mode](names, size, *rest)."""
    mode, names, size, *rest = child
    print(json.dumps(measures[mode](names, size, *rest)))


def main():
    args = arguments()
    if args.child:
        return serve_child(args.child, {"memory": memory_child, "time": lambda names, size, repeats, clock: time_child(
            names.split(","), size, int(repeats), clock=clock)})
    clock, env = clock_of(args)
    names = available()
    # NumPy and minigrad share a process (both are NumPy: one thread pool); PyTorch gets its own.
    groups = [["numpy", "minigrad"]] + ([["torch"]] if "torch" in names else [])
    print(f"frameworks: {', '.join(names)}; NumPy {np.__version__}; {args.rounds} rounds of "
          f"{' | '.join('+'.join(g) for g in groups)} (one process each, timed in alternating blocks); "
          "ms per step = median over rounds")
    cols = f"{'size':7} " + " ".join(f"{n + ' ms':>11}" for n in names) + f" {'mg/NumPy':>9}"
    cols += f" {'mg/torch':>9}" if "torch" in names else ""
    cols += f" {'tracemalloc MiB NumPy/mg':>26} {'RSS rise MiB ' + '/'.join(names):>32}"
    print(cols)
    for size in args.sizes:
        repeats = {"digits": 4000, "mnist": 400, "wide": 20}[size]
        rounds = []
        for _ in range(args.rounds):
            r = {}
            for g in groups:
                r.update(run_child("time", ",".join(g), size, repeats, clock, env=env))
            rounds.append(r)
        ms = {n: statistics.median(r[n]["ms"] for r in rounds) for n in names}
        # the floor ratio pairs the two frameworks timed side by side in the same process
        vs_floor = statistics.median(r["minigrad"]["ms"] / r["numpy"]["ms"] for r in rounds)
        agree = all(np.allclose(rounds[0]["numpy"]["losses"], rounds[0][n]["losses"], rtol=1e-4) for n in names)
        mem = {n: run_child("memory", n, size) for n in names}
        line = f"{size:7} " + " ".join(f"{ms[n]:11.3f}" for n in names)
        line += f" {vs_floor:8.2f}x"
        line += f" {ms['minigrad'] / ms['torch']:8.2f}x" if "torch" in names else ""
        t_np, t_mg = mem["numpy"]["tracemalloc"], mem["minigrad"]["tracemalloc"]
        line += f" {t_np:12.1f} / {t_mg:.1f} ({t_mg / t_np:.2f}x)"
        line += " " * 10 + " / ".join(f"{mem[n]['rss']:.1f}" for n in names)
        print(line + ("" if agree else "   (losses disagree!)"), flush=True)


if __name__ == "__main__":
    main()

"""A compiled minigrad training step (mg.compile) against the hand-written NumPy floor, eager minigrad
and JAX's jitted step, at mlp_step.py's three sizes, in time and in memory.

    python benchmarks/compile_step.py [--sizes digits mnist wide] [--rounds N] [--cpu-time]

NumPy, eager and compiled minigrad run in one process, timed in alternating blocks (their ratios are
the numbers to trust on a noisy machine), beside the floor's GEMM calls alone, each allocating its
result as the floor's do ("GEMMs / floor": a replay calling the same GEMMs goes below it only by what
writing into planned buffers saves, the page faults of fresh results at wide); JAX
(`pip install "jax[cpu]"`, a benchmark-only dependency) runs in a process of its own, because its
thread pool and OpenBLAS's slow each other down when they share one — so ratios to JAX compare
processes, and carry their spread. Rounds repeat everything.

Memory counts what a step holds between calls plus the peak of what it allocates during one
(tracemalloc): the floor holds nothing; eager minigrad holds the gradients and SGD's work buffers; a
compiled step holds its planned arena (activations, gradients, temporaries), static input buffers
and constants. (Numba's compiler keeps some tens of MiB of its own Python objects once it has run:
a cost of the process, like importing JAX, not of the step; it is not counted.) The last column
times the step's GEMMs alone in NumPy's OpenBLAS and in XLA: where XLA's are faster than the
whole of JAX's step leaves room for, no replay of NumPy calls can reach JAX (XLA's GEMMs are timed
one jitted call each, dispatch included; inside JAX's whole step they cost less). --cpu-time times one
BLAS thread by its CPU time (mlp_step.py), which other processes' load does not inflate; JAX is then
left out (XLA computes on threads of its own).
"""

import gc
import statistics
import tracemalloc

import mlp_step
import numpy as np
from timing import median_seconds


def compiled_stepper(size, fuse=True):
    import os

    import minigrad as mg

    os.environ["MINIGRAD_COMPILE_FUSE"] = "1" if fuse else "0"
    x, t, params = mlp_step.make_data(size)
    model = mlp_step.mlp_from_weights(mg, params)
    opt = mg.optim.SGD(model.parameters(), lr=mlp_step.LR)

    def train_step(x, t):
        loss = mg.nn.functional.cross_entropy(model(x), t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    compiled = mg.compile(train_step, fullgraph=True)
    xt, tt = mg.from_numpy(x), mg.from_numpy(t)
    step = lambda: compiled(xt, tt).item()  # noqa: E731
    step.compiled = compiled
    step(), step()  # eager, then recorded: the program is built now, with this stepper's fusion setting
    step.done = 2
    return step


def jax_stepper(size):
    import jax
    import jax.numpy as jnp

    x, t, params = mlp_step.make_data(size)
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in params]

    def loss_fn(params, x, t):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w.T + b
            if i < len(params) - 1:
                h = jnp.maximum(h, 0)
        return (jax.nn.logsumexp(h, axis=1) - h[jnp.arange(len(t)), t]).mean()

    def sgd(params, x, t):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, t)
        return [(w - mlp_step.LR * gw, b - mlp_step.LR * gb) for (w, b), (gw, gb) in zip(params, grads)], loss

    update = jax.jit(sgd, donate_argnums=0)  # the parameters' buffers are reused, as in place
    xj, tj, state = jnp.asarray(x), jnp.asarray(t), [params]

    def step():
        state[0], loss = update(state[0], xj, tj)
        return float(loss)

    return step


def memory_child(name, size):
    """(MiB held between steps, MiB peak allocated during one warm step), by tracemalloc: held is
    what the warm step left allocated beyond the model and data the stepper was built with."""
    tracemalloc.start()
    step = STEPPERS[name](size)
    gc.collect()
    built = tracemalloc.get_traced_memory()[0]
    for _ in range(3):
        step()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    step()
    peak = tracemalloc.get_traced_memory()[1] - held
    tracemalloc.stop()
    if hasattr(step, "compiled"):  # the program's arrays (not Numba's compiler objects: see above)
        held = built + next(iter(step.compiled.programs.values()))[0].program.held_bytes
    return {"held": (held - built) / 2**20, "peak": peak / 2**20}


def gemm_operands(size):
    """[(a, b, op)] of the step's GEMMs (forward x W^T, dW = g^T x, dx = g W), as the floor calls them."""
    batch, widths = mlp_step.SIZES[size]
    rng = np.random.default_rng(0)
    shapes = []
    for n, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        shapes += [((batch, n_in), (n_out, n_in), "x W^T"), ((batch, n_out), (batch, n_in), "g^T x")]
        if n:
            shapes.append(((batch, n_out), (n_out, n_in), "g W"))
    return [(rng.standard_normal(a).astype(np.float32), rng.standard_normal(b).astype(np.float32), op)
            for a, b, op in shapes]


def gemms_stepper(size):
    """The floor's GEMMs alone, in NumPy (OpenBLAS): what no replay of the same calls can go below."""
    ops = {"x W^T": lambda a, b: a @ b.T, "g^T x": lambda a, b: a.T @ b, "g W": lambda a, b: a @ b}
    pairs = gemm_operands(size)

    def step():  # (no loss to compare)
        for a, b, op in pairs:
            ops[op](a, b)

    return step


STEPPERS = dict(mlp_step.STEPPERS, compiled=compiled_stepper, jax=jax_stepper, gemms=gemms_stepper,
                unfused=lambda size: compiled_stepper(size, fuse=False))


def gemm_child(framework, size):
    """ms per step spent in the step's GEMMs alone, in NumPy's BLAS or in XLA."""
    if framework == "jax":
        import jax
        import jax.numpy as jnp

        ops = {"x W^T": jax.jit(lambda a, b: a @ b.T), "g^T x": jax.jit(lambda a, b: a.T @ b),
               "g W": jax.jit(lambda a, b: a @ b)}
        calls = [(ops[op], jnp.asarray(a), jnp.asarray(b)) for a, b, op in gemm_operands(size)]
        step = lambda: [f(a, b).block_until_ready() for f, a, b in calls]  # noqa: E731
    else:
        step = gemms_stepper(size)
    repeats = {"digits": 2000, "mnist": 200, "wide": 6}[size]
    return {"ms": median_seconds(step, repeats) * 1e3}


def run_child(*args, env=None):
    return mlp_step.run_child(*args, script=__file__, env=env)


def main():
    args = mlp_step.arguments()
    if args.child:
        return mlp_step.serve_child(args.child, {
            "memory": memory_child, "gemm": gemm_child,
            "time": lambda names, size, repeats, clock: mlp_step.time_child(
                names.split(","), size, int(repeats), steppers=STEPPERS, clock=clock)})
    clock, env = mlp_step.clock_of(args)
    try:
        import jax  # noqa: F401

        has_jax = clock == "wall"  # (XLA computes on threads of its own: their CPU time is not ours to read)
    except ImportError:
        has_jax = False
    local = ["numpy", "minigrad", "compiled", "unfused", "gemms"]
    print(f"NumPy {np.__version__}; {args.rounds} rounds of {'+'.join(local)} (one process, alternating blocks; "
          f"{'CPU time, one BLAS thread' if clock == 'cpu' else 'wall time'})"
          f"{' | jax (own process)' if has_jax else '; no JAX'}")
    print(f"{'size':7} {'floor ms':>9} {'eager/floor':>18} {'compiled/floor':>18} {'unfused/floor':>18} "
          f"{'GEMMs/floor':>18} {'compiled/jax' if has_jax else '':>18}   memory MiB held+peak: floor / eager / "
          "compiled   (ratio: median (min-max))")
    for size in args.sizes:
        repeats = {"digits": 4000, "mnist": 400, "wide": 20}[size]
        rounds = []
        for _ in range(args.rounds):
            r = run_child("time", ",".join(local), size, repeats, clock, env=env)
            if has_jax:
                r.update(run_child("time", "jax", size, repeats, clock))
            rounds.append(r)
        ratio = {n: [x for r in rounds for x in r[n]["ratios"]] for n in local}
        spread = {n: (statistics.median(v), min(v), max(v)) for n, v in ratio.items()}
        agree = all(np.allclose(rounds[0]["numpy"]["losses"], rounds[0][n]["losses"], rtol=1e-4) for n in local[:-1])
        line = f"{size:7} {statistics.median(r['numpy']['ms'] for r in rounds):9.3f}"
        for n in local[1:]:  # (GEMMs / floor: about the best a replay of the floor's own GEMM calls can do)
            med, lo, hi = spread[n]
            line += f" {med:6.3f} ({lo:.2f}-{hi:.2f})"
        if has_jax:
            vs = [r["compiled"]["ms"] / r["jax"]["ms"] for r in rounds]
            line += f" {statistics.median(vs):6.3f} ({min(vs):.2f}-{max(vs):.2f})"
        mem = {n: run_child("memory", n, size) for n in ("numpy", "minigrad", "compiled")}
        line += "   " + " / ".join(f"{m['held']:.1f}+{m['peak']:.1f}" for m in mem.values())
        if has_jax:  # the GEMMs alone: what no replay can change (NumPy's OpenBLAS vs XLA's own)
            gemm = {f: statistics.median(run_child("gemm", f, size)["ms"] for _ in range(args.rounds))
                    for f in ("numpy", "jax")}
            jax_ms = statistics.median(r["jax"]["ms"] for r in rounds)
            line += f"   GEMMs ms numpy/jax {gemm['numpy']:.3f}/{gemm['jax']:.3f}, JAX's whole step {jax_ms:.3f}"
        print(line + ("" if agree else "   (losses disagree!)"), flush=True)


if __name__ == "__main__":
    main()

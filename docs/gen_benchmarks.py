"""Generate the benchmark pages (docs/benchmarks/*.md) and their plots (docs/img/bench_*.png) from
what the benchmarks print.

    python docs/gen_benchmarks.py --measure overhead train_digits   # run these benchmarks now
    python docs/gen_benchmarks.py --measure all                     # every benchmark below (minutes)
    python docs/gen_benchmarks.py                                   # render every page and plot

--measure runs a benchmark's own command (the one its page shows) and keeps what it printed, with when,
on which commit, with which versions and under what machine load, in docs/benchmarks/<name>.json;
rendering parses that output into a table and a plot. A benchmark without a JSON file gets a page that
says it has not been measured yet: no number on these pages is typed by hand. A benchmark whose
output has no parser here yet (a new one) gets its output shown verbatim.
How each benchmark's output is read into rows and drawn is in docs/benchmark_output.py.
tests/test_docs_benchmarks.py checks that every page is what its JSON renders to.
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import benchmark_output as out  # docs/: beside this file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "benchmarks"  # <name>.json next to the pages, excluded from the site by mkdocs.yml
IMG = HERE / "img"
BATCHES = [16, 32, 64, 128, 256, 512, 1024]  # the step-time sweep
WIDTHS = [64, 128, 10]


@dataclass
class Column:
    key: str
    header: str
    fmt: str = "{}"


@dataclass
class Benchmark:
    name: str
    title: str
    about: str  # what is measured and how to read it; the numbers come from the output
    command: str  # run from the repository root; "python" is this interpreter
    columns: list = ()  # the table, read from parse()'s rows
    parse: object = None  # stdout -> list of row dicts; None: show the output as it is
    plot: object = None  # (axes, rows) -> None


STEP_TIME = "minigrad and the hand-written NumPy floor run in one process in alternating blocks; PyTorch in its own."
BENCHMARKS = [
    Benchmark("mlp_step", "MLP step time vs batch size",
              f"One MLP training step (widths {'-'.join(map(str, WIDTHS))}: forward, cross-entropy, backward, SGD) "
              "at batch sizes 16 to 1024, timed by `benchmarks/mlp_step.py`'s own steppers. The NumPy floor is the "
              f"same arithmetic written by hand, nothing skipped. {STEP_TIME} Milliseconds per step (median); the "
              "ratio is minigrad / floor, the number that stays put when the machine is busy.",
              "python docs/gen_benchmarks.py --sweep",
              [Column("batch", "batch"), Column("numpy", "NumPy floor ms", "{:.3f}"),
               Column("minigrad", "minigrad ms", "{:.3f}"), Column("torch", "PyTorch eager ms", "{:.3f}"),
               Column("ratio", "minigrad / floor", "{:.2f}")], out.parse_sweep, out.plot_sweep),
    Benchmark("overhead", "Per-op overhead",
              "What minigrad adds to one tiny op: `x * y` on 16 floats, forward (recording the graph) and forward + "
              "backward, per op over a chain of 200, against the same arithmetic in NumPy. This is the cost of "
              "`Function.apply`, the engine and the Tensor wrappers; on small models it is what bounds step time.",
              "python benchmarks/overhead.py",
              [Column("case", "case"), Column("numpy", "NumPy µs/op"), Column("minigrad", "minigrad µs/op"),
               Column("overhead", "overhead µs/op"), Column("target", "target µs/op", "< {}")],
              out.parse_overhead, out.plot_overhead),
    Benchmark("train_digits", "Time to 97% on digits",
              "Wall time to reach 97% test accuracy on the bundled digits dataset: the example's model (64-256-128-10 "
              "MLP, Adam, batch 32) in minigrad and in PyTorch, from the same initial weights and with the same "
              "batches, each framework in its own process, median of 5 alternating runs.",
              "python benchmarks/train_digits.py",
              [Column("framework", "framework"), Column("seconds", "seconds to 97%"), Column("epochs", "epochs"),
               Column("accuracy", "test accuracy")], out.parse_train_digits, out.plot_train_digits),
    Benchmark("launch_overhead", "CUDA kernel launch overhead",
              "Host time of one launch of our kernels: Numba's generic launch path (it types and marshals every "
              "argument on every call) against ours (`kernels/launch.py`: the compiled kernel and the argument "
              "layout looked up once per signature). Needs no GPU: without one, the arrays live in host memory and "
              "the driver call is left out of both paths.",
              "python benchmarks/launch_overhead.py",
              [Column("setting", "arrays"), Column("kernel", "kernel"), Column("numba", "Numba µs"),
               Column("ours", "ours µs"), Column("ratio", "Numba / ours", "{}x")], out.parse_launch, out.plot_launch),
    Benchmark("checkpoint_memory", "Checkpoint load memory",
              "Peak memory of `minigrad.load` on a checkpoint of one big float32 tensor (381 MiB by default) and "
              "one of 4 MiB, in a fresh process, and what stays held once only the small tensor is kept. The loader "
              "promises a peak of at most the file size plus the largest tensor.",
              "python benchmarks/checkpoint_memory.py",
              [Column("what", "quantity"), Column("mib", "MiB")], out.parse_checkpoint, out.plot_checkpoint),
    Benchmark("compile_step", "Compiled training step",
              "A training step replayed by the step compiler (`minigrad.compile`) against the same step run eagerly.",
              "python benchmarks/compile_step.py"),
    Benchmark("allreduce", "all_reduce bandwidth",
              "`minigrad.distributed.all_reduce` against raw mpi4py `Allreduce` on the same buffers, 2 ranks.",
              "mpiexec -n 2 python benchmarks/allreduce.py"),
    Benchmark("ddp_step", "Data-parallel step",
              "`DistributedDataParallel` on 2 ranks against one process on the whole batch, one BLAS thread each.",
              "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 mpiexec -n 2 python benchmarks/ddp_step.py"),
]
BY_NAME = {b.name: b for b in BENCHMARKS}


# ---------------------------------------------------------------- measuring
def sweep():
    """The step-time sweep: for each batch size, NumPy + minigrad in one child process, PyTorch in
    another (see benchmarks/mlp_step.py); one JSON line per batch size."""
    groups = ["numpy,minigrad"] + (["torch"] if importlib.util.find_spec("torch") else [])
    for batch in BATCHES:
        row = {"batch": batch}
        for names in groups:
            child = subprocess.run([sys.executable, __file__, "--sweep-child", names, str(batch)],
                                   capture_output=True, text=True, check=True)
            row.update(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(row), flush=True)


def sweep_child(names, batch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import mlp_step

    batch = int(batch)
    mlp_step.SIZES["sweep"] = (batch, WIDTHS)
    result = mlp_step.time_child(names.split(","), "sweep", repeats=max(200, 40000 // batch))
    print(json.dumps({n: round(r["ms"], 5) for n, r in result.items()}))


def _version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def measure(bench):
    """Run the benchmark's command now; its output and the circumstances, as the JSON to keep."""
    words = shlex.split(bench.command)
    env = dict(os.environ)
    while "=" in words[0]:
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    words = [sys.executable if w == "python" else w for w in words]
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    load_before, start = os.getloadavg(), time.perf_counter()
    done = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{bench.command} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"command": bench.command, "stdout": done.stdout,
            "measured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round(time.perf_counter() - start, 1), "commit": commit.stdout.strip(),
            "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "load_before": [round(x, 1) for x in load_before], "load_after": [round(x, 1) for x in os.getloadavg()],
            "versions": {d: _version(d) for d in ("minigrad-nn", "numpy", "torch", "numba-cuda", "mpi4py")}}


# ---------------------------------------------------------------- rendering
def _rows(bench, data):
    rows = bench.parse(data["stdout"])
    if not rows:
        raise ValueError(f"docs/gen_benchmarks.py cannot read the output of `{bench.command}` (in "
                         f"docs/benchmarks/{bench.name}.json): its format changed; update {bench.parse.__name__}")
    return rows


def _table(bench, rows):
    columns = [c for c in bench.columns if any(c.key in r for r in rows)]
    align = ["---:|" if all(_is_number(r.get(c.key, 0)) for r in rows) else "---|" for c in columns]
    lines = ["| " + " | ".join(c.header for c in columns) + " |", "|" + "".join(align)]
    for r in rows:
        lines.append("| " + " | ".join(c.fmt.format(r[c.key]) if c.key in r else "" for c in columns) + " |")
    return lines


def _is_number(value):
    try:
        float(value)
    except ValueError:
        return False
    return True


def _circumstances(data):
    v = data["versions"]
    libs = ", ".join([f"Python {data['python']}"] + [f"{d} {v[d]}" for d in v if v[d]])
    return (f"Measured {data['measured']} on commit `{data['commit']}` ({data['seconds']} s), {data['cpus']} CPUs "
            f"({data['processor']}); 1-minute load average {data['load_before'][0]} before and {data['load_after'][0]} "
            f"after (above {data['cpus']}, processes were waiting for a core). {libs}.")


def render(bench, data):
    """The page of one benchmark, from its JSON (None: not measured yet)."""
    lines = [f"# {bench.title}", "", bench.about, "", f"Command, from the repository root: `{bench.command}`", ""]
    if data is None:
        return "\n".join(lines + ["**Not measured yet.** `python docs/gen_benchmarks.py --measure "
                                  f"{bench.name}` runs it and regenerates this page.", ""])
    lines += [_circumstances(data), ""]
    if data["command"] != bench.command:
        lines += [f"(Measured with `{data['command']}`.)", ""]
    if bench.parse is not None:
        lines += [f"![{bench.title}](../img/bench_{bench.name}.png)", "", *_table(bench, _rows(bench, data)), ""]
    lines += ["The output, as printed:", "", "```text", data["stdout"].rstrip(), "```", ""]
    return "\n".join(lines)


def render_index(measured):
    lines = ["# Benchmarks", "",
             "Each page is generated by `docs/gen_benchmarks.py` from what the benchmark printed when it was last run",
             "(the command and the circumstances are on the page). The machine these ran on is a shared 2-core VM:",
             "absolute times vary up to 2x between processes, so the benchmarks time what they compare side by side",
             "in one process where they can. How each was designed, and older measurements, are in",
             "`benchmarks/README.md`.", "", "| benchmark | last measured |", "|---|---|"]
    for b in BENCHMARKS:
        when = measured[b.name]["measured"] if b.name in measured else "not measured yet"
        lines.append(f"| [{b.title}]({b.name}.md) | {when} |")
    return "\n".join(lines + [""])


def load(name):
    path = DATA / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def plot(bench, rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    bench.plot(ax, rows)
    ax.set_title(bench.title)
    fig.tight_layout()
    fig.savefig(IMG / f"bench_{bench.name}.png", dpi=90, metadata={"Software": None})
    plt.close(fig)


def _runnable():
    """The benchmarks whose script is in this checkout (a new one's owner may not have added it yet)."""
    return [b.name for b in BENCHMARKS if all((ROOT / w).exists() for w in b.command.split() if w.endswith(".py"))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--measure", nargs="+", metavar="NAME", choices=["all", *BY_NAME])
    p.add_argument("--sweep", action="store_true", help="print the step-time sweep (what mlp_step's page measures)")
    p.add_argument("--sweep-child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.sweep_child:
        return sweep_child(*args.sweep_child)
    if args.sweep:
        return sweep()
    for name in _runnable() if args.measure == ["all"] else args.measure or ():
        print(f"measuring {name}: {BY_NAME[name].command}", flush=True)
        (DATA / f"{name}.json").write_text(json.dumps(measure(BY_NAME[name]), indent=1) + "\n")
    measured = {}
    for bench in BENCHMARKS:
        data = load(bench.name)
        (DATA / f"{bench.name}.md").write_text(render(bench, data))
        if data is not None:
            measured[bench.name] = data
            if bench.parse is not None:
                plot(bench, _rows(bench, data))
    (DATA / "index.md").write_text(render_index(measured))


if __name__ == "__main__":
    main()

"""How each benchmark's printed output becomes table rows, and how the rows are drawn (for
docs/gen_benchmarks.py). A parser takes the text a benchmark printed and returns one dict per table
row, [] when the text is not in the format it knows; a plot draws the rows on matplotlib axes.
"""

import json
import re


# ---------------------------------------------------------------- parsers: stdout -> rows
def _matches(pattern, keys, stdout, **fixed):
    return [{**fixed, **dict(zip(keys, m.groups()))} for m in re.finditer(pattern, stdout, re.M)]


def parse_sweep(stdout):
    rows = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [{**r, "ratio": r["minigrad"] / r["numpy"]} for r in rows if "minigrad" in r and "numpy" in r]


def parse_overhead(stdout):
    return _matches(r"^(forward\+backward|forward)\s+([\d.]+)\s+([\d.]+)\s+(-?[\d.]+)\s+< ([\d.]+)$",
                    ("case", "numpy", "minigrad", "overhead", "target"), stdout)


def parse_train_digits(stdout):
    return _matches(r"^(minigrad|torch)\s+([\d.]+|nan)\s+(\d+)\s+([\d.]+)$",
                    ("framework", "seconds", "epochs", "accuracy"), stdout)


def parse_launch(stdout):
    rows, setting = [], ""
    for line in stdout.splitlines():
        if line.endswith(":"):  # a table's title: which arrays, what is stubbed
            setting = line[:-1]
        elif m := re.match(r"^(\S.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)x$", line):
            rows.append(dict(zip(("kernel", "numba", "ours", "ratio"), m.groups()), setting=setting))
    return rows


def parse_checkpoint(stdout):
    m = re.search(r"file ([\d.]+) MiB \| load: RSS peak rise ([\d.]+) MiB, tracemalloc peak ([\d.]+) MiB "
                  r"\(bound: file \+ largest tensor = ([\d.]+) MiB\) \| held after keeping one (\d+) MiB tensor: "
                  r"([\d.]+) MiB", stdout)
    if m is None:
        return []
    file, rss, traced, bound, kept, held = m.groups()
    return [{"what": "file size", "mib": file}, {"what": "bound: file + largest tensor", "mib": bound},
            {"what": "RSS peak rise during load", "mib": rss}, {"what": "tracemalloc peak during load", "mib": traced},
            {"what": f"RSS held after keeping one {kept} MiB tensor", "mib": held}]


# ---------------------------------------------------------------- plots: (axes, rows) -> None
def _bars(ax, labels, series, unit):
    """Horizontal bars, one group per label, one bar per series {name: values}."""
    height = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        bars = ax.barh([y + i * height for y in range(len(labels))], [float(v) for v in values], height, label=name)
        ax.bar_label(bars, fmt="%g", padding=2, fontsize=8)  # small values stay readable
    ax.set_yticks([y + height * (len(series) - 1) / 2 for y in range(len(labels))], labels)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.grid(alpha=0.3, axis="x")
    if len(series) > 1:
        ax.legend()


def plot_sweep(ax, rows):
    for key, label in (("numpy", "NumPy floor"), ("minigrad", "minigrad"), ("torch", "PyTorch eager")):
        pts = [(r["batch"], r[key]) for r in rows if key in r]
        if pts:
            ax.plot(*zip(*pts), marker="o", label=label)
    ax.set(xscale="log", yscale="log", xlabel="batch size", ylabel="ms per step")
    ax.grid(alpha=0.3, which="both")
    ax.legend()


def plot_overhead(ax, rows):
    _bars(ax, [r["case"] for r in rows], {"NumPy": [r["numpy"] for r in rows],
                                          "minigrad": [r["minigrad"] for r in rows]}, "µs per op")


def plot_train_digits(ax, rows):
    _bars(ax, [r["framework"] for r in rows], {"seconds": [r["seconds"] for r in rows]}, "seconds to 97% test accuracy")


def plot_launch(ax, rows):
    several = len({r["setting"] for r in rows}) > 1  # host memory, and CuPy arrays on a GPU machine
    labels = [r["kernel"] + ("\n" + r["setting"].split(";")[0] if several else "") for r in rows]
    _bars(ax, labels, {"Numba's launch": [r["numba"] for r in rows], "ours": [r["ours"] for r in rows]},
          "host µs per launch")


def plot_checkpoint(ax, rows):
    _bars(ax, [r["what"] for r in rows], {"MiB": [r["mib"] for r in rows]}, "MiB")

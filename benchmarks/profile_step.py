"""Per-op profile of one minigrad MLP training step: where the time goes, op by op.

    python benchmarks/profile_step.py [digits|mnist|wide]

Every Function's forward and backward, the optimizer step, and "framework" (everything else: Python
in Tensor/apply/engine/Module, zero_grad, loss.item()) are timed over many steps; medians per step.
"""

import collections
import statistics
import sys
import time

import mlp_step

import minigrad as mg
from minigrad.autograd.function import Function


def timed(table, key, method):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            table[key] += time.perf_counter() - t0

    return wrapper


def main(size="mnist"):
    steps = {"digits": 2000, "mnist": 200, "wide": 6}[size]
    table = collections.defaultdict(float)
    for cls in {c for c in _subclasses(Function)}:
        for name in ("forward", "backward"):
            if name in cls.__dict__:
                setattr(cls, name, timed(table, f"{cls.__name__}.{name}", cls.__dict__[name]))
    mg.optim.SGD.step = timed(table, "SGD.step", mg.optim.SGD.step)
    step = mlp_step.minigrad_stepper(size)
    for _ in range(3):
        step()
    per_step, totals = [], collections.defaultdict(list)
    for _ in range(steps):
        table.clear()
        t0 = time.perf_counter()
        step()
        per_step.append(time.perf_counter() - t0)
        for k, v in table.items():
            totals[k].append(v)
    total = statistics.median(per_step) * 1e3
    rows = {k: statistics.median(v) * 1e3 for k, v in totals.items()}
    rows["framework (Python outside ops)"] = total - sum(rows.values())
    print(f"minigrad step, {size}: {total:.3f} ms (median of {steps})")
    print(f"{'op':34} {'ms':>9} {'share':>7}")
    for k, v in sorted(rows.items(), key=lambda kv: -kv[1]):
        print(f"{k:34} {v:9.3f} {100 * v / total:6.1f}%")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


if __name__ == "__main__":
    main(*sys.argv[1:])

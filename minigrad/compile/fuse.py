"""Fusion for the CPU replay: runs of consecutive elementwise instructions over one shape become one
Numba loop, which reads each operand once and writes only what is used after the run.

    y += b; maximum(y, 0, out=y)               ->  y[r, c] = max(y[r, c] + b[c], 0)      (bias + ReLU)
    m = y > 0; gm = g * m; db = gm.sum(0)      ->  one pass: gm, and db accumulated      (ReLU-mask + bias-grad)
    s = d * lr; p -= s                         ->  p[i] -= d[i] * lr                     (the SGD update)

Only operations that IEEE arithmetic defines exactly are fused (+ - * /, max/min, comparisons, where,
sqrt, casts), each computed in the dtype NumPy's ufunc loop would use and stored in the dtype NumPy
would store, so a fused step is bit-identical to an eager one; exp, log and the like keep NumPy's
own implementations. Reductions join a run where their order is NumPy's: a column sum (`x.sum(0)`,
the bias gradient) ends a run (NumPy adds the rows one after another, so does the loop); a row max
or min (exact in any order) and a row sum of up to 128 elements (NumPy's pairwise order, reproduced
in kernels.py) end a pass along the row — softmax's shift and normaliser. No fast-math: no FMA.

Numba is optional (the `compile` extra); without it, or with MINIGRAD_COMPILE_FUSE=0, nothing is
fused. Kernels are generated once per pattern of operands and dtypes and cached for the process.
"""

import os

from .kernels import PAIRWISE_BLOCK, FusedKernel, MergedKernel, elementwise, kernel_instr, reduction
from .trace import Instr, _values_in

__all__ = ["PAIRWISE_BLOCK", "enabled", "fuse"]


def enabled():
    if os.environ.get("MINIGRAD_COMPILE_FUSE", "1") == "0":
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def fuse(program):
    """Rewrite program.instrs: each run of >= 2 fusable instructions becomes one kernel call."""
    instrs, out, n = program.instrs, [], 0
    last_use = {}  # buffer -> index of the last instruction reading or writing it (what a kernel must store)
    for k, instr in enumerate(instrs):
        for v in list(_values_in((instr.args, instr.kwargs))) + instr.writes:
            last_use[v.buffer] = k
    while n < len(instrs):
        run, views = _run(instrs, n)
        if len(run) >= 2:
            out += views  # (rebuilt once when planning: they need not be next to their uses)
            out.append(kernel_instr(program, last_use, n + len(run) + len(views), run))
            n += len(run) + len(views)
        else:
            out.append(instrs[n])
            n += 1
    program.instrs = _merge(out)


def _merge(instrs):
    """Consecutive kernel calls (views between them aside) become one call: each call from Python
    costs about a microsecond of argument checking, the calls from one kernel to the next nothing."""
    out, group = [], []
    for instr in instrs + [None]:
        if instr is not None and isinstance(instr.fn, FusedKernel):
            group.append(instr)
            continue
        if instr is not None and instr.kind == "view" and group:
            out.append(instr)  # rebuilt when planning: it may go before the merged call
            continue
        if len(group) > 1:
            kernel = MergedKernel([i.fn for i in group], [len(i.args) for i in group])
            out.append(Instr(kernel, sum((i.args for i in group), ()), {}, [], sum((i.writes for i in group), []),
                             "compute"))
        else:
            out += group
        group = []
        if instr is not None:
            out.append(instr)
    return out


def _run(instrs, start):
    """The longest run of consecutive fusable instructions from `start` over one shape: elementwise
    operations, row max/min (each ends a pass over the row), at most one closing column sum."""
    run, views, shape, buffers, rows = [], [], None, {}, False
    for instr in instrs[start:]:
        if instr.kind == "view" and run:
            views.append(instr)
            continue
        op, red = elementwise(instr), reduction(instr, shape)
        if op is not None and (shape is None or op[3] == shape):
            values, shape = list(_values_in(op[1])) + [op[2]], op[3]
        elif red is not None and red[1] != "sum0":
            values, shape, rows = [red[0]], tuple(red[0].shape), True
        elif red is not None and run and not rows:
            run.append(instr)
            break  # a column sum ends the run
        else:
            break
        # one layout per buffer inside a run: a[i] read through another view of a's memory is not a[i]
        if any(buffers.setdefault(v.buffer, (v.shape, v.strides)) != (v.shape, v.strides) for v in values):
            break
        run.append(instr)
    while views and instrs.index(views[-1]) > instrs.index(run[-1]):
        views.pop()  # views after the run's last instruction stay where they are
    return run, views



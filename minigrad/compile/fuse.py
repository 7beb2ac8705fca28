"""Fusion for the CPU replay: runs of consecutive elementwise instructions over one shape become one
Numba loop, which reads each operand once and writes only what is used after the run.

    y += b; maximum(y, 0, out=y)               ->  y[r, c] = max(y[r, c] + b[c], 0)      (bias + ReLU)
    m = y > 0; gm = g * m; db = gm.sum(0)      ->  one pass: gm, and db accumulated      (ReLU-mask + bias-grad)
    s = d * lr; p -= s                         ->  p[i] -= d[i] * lr                     (the SGD update)

Only operations that IEEE arithmetic defines exactly are fused (+ - * /, max/min, comparisons, where,
sqrt, casts), each computed in the dtype NumPy's ufunc loop would use and stored in the dtype NumPy
would store, so a fused step is bit-identical to an eager one; exp, log and the like keep NumPy's
own implementations. A column sum (`x.sum(axis=0)`, the bias gradient) may end a run: NumPy adds the
rows of a C-ordered array one after another, and so does the loop. No fast-math: no FMA contraction.

Numba is optional (the `compile` extra); without it, or with MINIGRAD_COMPILE_FUSE=0, nothing is
fused. Kernels are generated once per pattern of operands and dtypes and cached for the process.
"""

import functools
import os

import numpy as np

from .trace import Instr, Value, _values_in

_EXPR = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}", "divide": "{0} / {1}",
         "true_divide": "{0} / {1}", "negative": "-{0}", "positive": "+{0}", "square": "{0} * {0}",
         "maximum": "({0} if ({0} > {1} or {0} != {0}) else {1})",  # NumPy: ties give the 2nd, NaN wins
         "minimum": "({0} if ({0} < {1} or {0} != {0}) else {1})",
         "greater": "{0} > {1}", "greater_equal": "{0} >= {1}", "less": "{0} < {1}",
         "less_equal": "{0} <= {1}", "equal": "{0} == {1}", "not_equal": "{0} != {1}",
         "logical_and": "({0} and {1})", "logical_or": "({0} or {1})", "logical_not": "(not {0})",
         "sqrt": "np.sqrt({0})", "absolute": "abs({0})", "where": "({1} if {0} else {2})"}
_CACHE = {}


def enabled():
    if os.environ.get("MINIGRAD_COMPILE_FUSE", "1") == "0":
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _pattern(value, shape):
    """How an operand of `value`'s shape is read in a loop over `shape` seen as (rows, cols):
    'full' [r, c], 'row' [c] (a bias), 'col' [r] (a per-row value), 'scalar' [0]; None: not fusable."""
    if value.dtype.kind not in "biuf":
        return None
    padded = (1,) * (len(shape) - len(value.shape)) + tuple(value.shape)
    if len(padded) != len(shape) or not _contiguous(value):
        return None
    if padded == tuple(shape):
        return "full"
    if all(n == 1 for n in padded):
        return "scalar"
    if all(n == 1 for n in padded[:-1]) and padded[-1] == shape[-1]:
        return "row"
    if padded[-1] == 1 and padded[:-1] == tuple(shape[:-1]):
        return "col"
    return None


def _contiguous(value):
    expect = value.dtype.itemsize
    for n, s in zip(reversed(value.shape), reversed(value.strides)):
        if n != 1 and s != expect:
            return False
        expect *= n
    return True


def _op(instr):
    """(ufunc name, operands, output Value, iteration shape) if instr can join a fused loop."""
    if instr.kind != "compute":
        return None
    fn, name = instr.fn, getattr(instr.fn, "__name__", "")
    is_ufunc = isinstance(fn, np.ufunc) and fn.nout == 1
    if not (is_ufunc or fn is np.where) or name not in _EXPR or set(instr.kwargs) - {"out"}:
        return None
    out = instr.outs[0] if instr.outs else instr.kwargs.get("out", (None,))[0]
    if out is None or len(instr.outs) + len(instr.writes) != 1 or len(out.shape) == 0:
        return None
    if any(_pattern(v, out.shape) is None for v in list(_values_in(instr.args)) + [out]):
        return None
    if any(not isinstance(a, (Value, int, float, bool, np.generic)) for a in instr.args):
        return None
    return name, instr.args, out, tuple(out.shape)


def _column_sum(instr, shape):
    """The operand of `x.sum(axis=0)` over a 2-D float x of `shape`, if instr is that."""
    if instr.kind != "compute" or getattr(instr.fn, "__name__", "") != "sum" or len(instr.outs) != 1:
        return None
    args, kw = instr.args, instr.kwargs
    axis = kw.get("axis", args[1] if len(args) > 1 else None)
    x = args[0]
    if (axis not in (0, (0,)) or set(kw) - {"axis"} or len(args) > 2 or not isinstance(x, Value)
            or len(shape) != 2 or tuple(x.shape) != shape or x.dtype.kind != "f" or not _contiguous(x)):
        return None
    return x


def fuse(program):
    """Rewrite program.instrs: each run of >= 2 fusable instructions becomes one kernel call."""
    instrs, out, n = program.instrs, [], 0
    while n < len(instrs):
        run = _run(instrs, n)
        if len(run) >= 2:
            out.append(_kernel_instr(program, instrs, n, run))
            n += len(run)
        else:
            out.append(instrs[n])
            n += 1
    program.instrs = out


def _run(instrs, start):
    """The longest run of consecutive fusable instructions from `start` over one shape."""
    run, shape, buffers = [], None, {}
    for instr in instrs[start:]:
        op = _op(instr)
        if op is not None and (shape is None or op[3] == shape):
            values = list(_values_in(op[1])) + [op[2]]
        elif shape is not None and _column_sum(instr, shape) is not None:
            run.append(instr)
            break  # a column sum ends the run
        else:
            break
        # one layout per buffer inside a run: a[i] read through another view of a's memory is not a[i]
        if any(buffers.setdefault(v.buffer, (v.shape, v.strides)) != (v.shape, v.strides) for v in values):
            break
        run.append(instr)
        shape = op[3]
    return run


def _kernel_instr(program, instrs, start, run):
    """One Instr calling a generated kernel for instrs[start:start+len(run)]."""
    after = instrs[start + len(run):]
    used_after = {v.buffer for i in after for v in list(_values_in((i.args, i.kwargs))) + i.writes}
    used_after |= {v.buffer for v in program.outputs}
    shape = _op(run[0])[3]
    # one kernel parameter per buffer: passing an array twice (read and written) would keep LLVM
    # from vectorizing the loop, as it must then assume the two may overlap
    params, loaded, scalars, stores, lines, regs = [], {}, [], {}, [], {}  # regs: buffer -> (register, dtype)

    def array(v, pattern):
        if v.buffer not in loaded:
            loaded[v.buffer] = f"a{len(params)}"
            params.append((v, pattern))
        return loaded[v.buffer]

    def operand(a, dtype):
        if isinstance(a, Value):
            if a.buffer in regs:
                name, have = regs[a.buffer]
            else:
                pattern = _pattern(a, shape)
                name, have = _index(array(a, pattern), pattern), a.dtype
            return name if have == dtype else f"np.{dtype.name}({name})"
        scalars.append(np.asarray(a).astype(dtype)[()])  # a Python number, in the loop's dtype
        return f"s{len(scalars) - 1}"

    for instr in run:
        x = _column_sum(instr, shape)
        if x is not None:
            src = operand(x, x.dtype)
            acc = array(instr.outs[0], "row")
            stores["sum"] = instr.outs[0]
            lines.append(("sum", acc, src))  # row after row, as NumPy: the first row starts the sum
            continue
        name, args, out, _ = _op(instr)
        kinds = [a.dtype if isinstance(a, Value) else type(a) for a in args]
        dtypes = _loop_dtypes(instr.fn, name, kinds, out.dtype)
        expr = _EXPR[name].format(*[operand(a, d) for a, d in zip(args, dtypes)])
        reg = f"v{len(lines)}"
        lines.append(f"{reg} = np.{out.dtype.name}({expr})")
        regs[out.buffer] = (reg, out.dtype)
        stores[out.buffer] = out
    keep = [b for b, v in stores.items() if b == "sum" or b in used_after or v.kind == "external"]
    stored = [f"{array(stores[b], 'full')}[r, c] = {regs[b][0]}" for b in keep if b != "sum"]
    names = [f"a{n}" for n in range(len(params))] + [f"s{n}" for n in range(len(scalars))]
    source = "\n".join([f"def kernel(R, C, {', '.join(names)}):", *_loops(lines, stored)])
    patterns = [p for _, p in params] + [None] * len(scalars)
    kernel = FusedKernel(_compile(source), source, patterns, shape)
    return Instr(kernel, tuple([v for v, _ in params] + scalars), {}, [], [stores[b] for b in keep], "compute")


def _loops(lines, stored):
    """The loop nest; with a column sum, row 0 gets its own inner loop (it starts the sum), so that
    no branch is left inside the inner loops and LLVM can vectorize them."""
    def body(first):
        out = []
        for line in lines:
            if isinstance(line, tuple):
                _, acc, src = line
                line = f"{acc}[c] = {src}" if first else f"{acc}[c] = {acc}[c] + {src}"
            out.append(" " * 12 + line)
        return out + [" " * 12 + line for line in stored]

    rows = ["    for r in range(R):", "        for c in range(C):"]
    if not any(isinstance(line, tuple) for line in lines):
        return rows + body(False)
    rows[0] = "    for r in range(1, R):"
    return ["    if R > 0:", "        r = 0", "        for c in range(C):", *body(True), *rows, *body(False)]


def _loop_dtypes(fn, name, kinds, out_dtype):
    """The dtypes NumPy's loop computes in (weak Python scalars included, NEP 50)."""
    if name == "where":
        return [np.dtype(bool), out_dtype, out_dtype]
    return list(fn.resolve_dtypes(tuple(kinds) + (None,))[:len(kinds)])


def _index(name, pattern):
    return {"full": f"{name}[r, c]", "row": f"{name}[c]", "col": f"{name}[r]", "scalar": f"{name}[0]"}[pattern]


def _compile(source):
    if source not in _CACHE:
        import numba

        namespace = {"np": np}
        exec(compile(source, "<minigrad fused kernel>", "exec"), namespace)  # our own generated source
        _CACHE[source] = numba.njit(error_model="numpy")(namespace["kernel"])
    return _CACHE[source]


class FusedKernel:
    """The fn of a fused Instr: the kernel, and how each argument is viewed as (rows, cols)."""

    __name__ = "fused"

    def __init__(self, kernel, source, patterns, shape):
        self.kernel, self.source, self.patterns, self.shape = kernel, source, patterns, shape

    def bind(self, arrays):
        """The kernel call on these arrays, as a zero-argument callable."""
        rows, cols = int(np.prod(self.shape[:-1], dtype=np.int64)), self.shape[-1]
        views = {"full": (rows, cols), "row": (cols,), "col": (rows,), "scalar": (1,)}
        args = [a if p is None else a.reshape(views[p]) for a, p in zip(arrays, self.patterns)]
        for a, v in zip(arrays, args):
            if v is not a and not np.may_share_memory(a, v):  # reshape copied: not our memory
                raise RuntimeError("fused kernel: an operand is not contiguous")
        return functools.partial(self.kernel, rows, cols, *args)

"""The Numba source of one fused run (fuse.py decides the runs): a loop over rows, then one pass
along the row per phase, each operation computed in the dtype NumPy's ufunc loop would use.

    for r in range(R):                      # y = x + b; m = max(y, axis=1); z = y - m
        m0 = -inf
        for c in range(C):  v = x[r, c] + b[c];  m0 = max(m0, v);  y[r, c] = v
        for c in range(C):  z[r, c] = y[r, c] - m0

An array is one kernel parameter however often the run reads and writes it (two parameters for one
array would stop LLVM from vectorizing, as they might overlap); values are kept in registers within
a pass and stored only if something after the run, or a later pass, reads them. Kernels are cached
by their source for the life of the process.
"""

import functools

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


def elementwise(instr):
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


def reduction(instr, shape=None):
    """(x, 'sum0' | 'max1' | 'min1') if instr is x.sum(axis=0), or x.max/min(axis=-1, keepdims=True),
    of a C-ordered 2-D float x (of `shape`, when given); else None."""
    name = getattr(instr.fn, "__name__", "")
    if instr.kind != "compute" or name not in ("sum", "max", "min") or len(instr.outs) != 1:
        return None
    args, kw = instr.args, instr.kwargs
    axis = kw.get("axis", args[1] if len(args) > 1 else None)
    x = args[0]
    if kw.get("dtype") is not None and kw["dtype"] != getattr(x, "dtype", None):  # (dtype=None: x's own)
        return None
    if (len(args) > 2 or set(kw) - {"axis", "keepdims", "dtype"} or not isinstance(x, Value) or len(x.shape) != 2
            or x.dtype.kind != "f" or not _contiguous(x) or shape is not None and tuple(x.shape) != shape):
        return None
    if name == "sum" and axis in (0, (0,)) and not kw.get("keepdims") and x.shape[1] > 1:
        # NumPy adds the rows one after another: so can we (not so along a row, nor down one column,
        # which NumPy sums as a contiguous line, pairwise: a (N, 1) bias gradient stays NumPy's call)
        return x, "sum0"
    if name in ("max", "min") and axis in (1, -1, (1,), (-1,)) and kw.get("keepdims"):
        return x, name + "1"  # exact in any order
    if name == "sum" and axis in (1, -1, (1,), (-1,)) and kw.get("keepdims") and x.shape[1] <= PAIRWISE_BLOCK:
        return x, "sum1"  # NumPy's pairwise order, reproduced below (one block: rows of <= 128)
    return None


PAIRWISE_BLOCK = 128  # NumPy's PW_BLOCKSIZE: longer rows are split in halves (not reproduced here)


def _pairwise(acc, row, dtype):
    """Lines summing row[0:C] in NumPy's order (loops_utils.h: pairwise_sum, one block): fewer than
    8 elements one after another from 0; else 8 partial sums, combined as a tree, then the rest."""
    z = f"np.{dtype.name}"
    parts = [f"p{j}" for j in range(8)]
    return ["if C < 8:", f"    {acc} = {z}(0)", "    for c in range(C):", f"        {acc} = {z}({acc} + {row}[c])",
            "else:", *[f"    {p} = {row}[{j}]" for j, p in enumerate(parts)], "    c = 8",
            "    while c < C - C % 8:", *[f"        {p} = {z}({p} + {row}[c + {j}])" for j, p in enumerate(parts)],
            "        c += 8",
            f"    {acc} = {z}({z}({z}(p0 + p1) + {z}(p2 + p3)) + {z}({z}(p4 + p5) + {z}(p6 + p7)))",
            "    while c < C:", f"        {acc} = {z}({acc} + {row}[c])", "        c += 1"]


def kernel_instr(program, last_use, end, run):
    """One Instr calling a generated kernel for `run`, whose last instruction is the program's
    instruction end - 1; last_use: buffer -> index of the last instruction that reads or writes it."""
    used_after = {b for b, k in last_use.items() if k >= end} | {v.buffer for v in program.outputs}
    first = reduction(run[0])
    shape = tuple(first[0].shape) if first else elementwise(run[0])[3]
    # one kernel parameter per buffer: passing an array twice (read and written) would keep LLVM
    # from vectorizing the loop, as it must then assume the two may overlap
    params, loaded, scalars = [], {}, []
    phases = [[]]  # the lines of each pass over a row; a row max/min ends its pass
    regs, stores = {}, {}  # buffer -> (register, dtype, pass or "row"); buffer -> Value written
    row_stores, colsum, later = [], None, set()  # later: buffers a later pass reads back

    def array(v, pattern):
        if v.buffer not in loaded:
            loaded[v.buffer] = f"a{len(params)}"
            params.append((v, pattern))
        return loaded[v.buffer]

    def operand(a, dtype):
        if isinstance(a, Value):
            reg = regs.get(a.buffer)
            if reg is not None and reg[2] in (len(phases) - 1, "row"):
                name, have = reg[0], reg[1]
            else:  # in memory: an input, or computed in an earlier pass (and stored there)
                pattern = _pattern(a, shape)
                name, have = _index(array(a, pattern), pattern), a.dtype
                if reg is not None:
                    later.add(a.buffer)
            return name if have == dtype else f"np.{dtype.name}({name})"
        scalars.append(np.asarray(a).astype(dtype)[()])  # a Python number, in the loop's dtype
        return f"s{len(scalars) - 1}"

    for instr in run:
        red = reduction(instr, shape)
        if red is not None:
            x, kind = red
            src, out = operand(x, x.dtype), instr.outs[0]
            stores[out.buffer] = out
            if kind == "sum0":
                colsum = (array(out, "row"), src)
                continue
            acc = f"m{len(row_stores)}"
            if kind == "sum1":  # from memory, after this pass (which stores x if it computed it)
                if x.buffer in regs and regs[x.buffer][2] == len(phases) - 1:
                    later.add(x.buffer)
                row = array(x, "full")
                phases[-1] += [("post", line) for line in _pairwise(acc, f"{row}[r]", x.dtype)]
                regs[out.buffer] = (acc, out.dtype, "row")
                row_stores.append((out, acc, len(phases) - 1))
                phases.append([])
                continue
            start_value = "-np.inf" if kind == "max1" else "np.inf"  # max(-inf, x0) is x0, exactly
            phases[-1].insert(0, ("init", f"{acc} = np.{x.dtype.name}({start_value})"))
            phases[-1].append(("line", f"{acc} = " + _EXPR["maximum" if kind == "max1" else "minimum"]
                               .format(acc, src)))
            regs[out.buffer] = (acc, out.dtype, "row")
            row_stores.append((out, acc, len(phases) - 1))
            phases.append([])
            continue
        name, args, out, _ = elementwise(instr)
        kinds = [a.dtype if isinstance(a, (Value, np.generic)) else type(a) for a in args]  # (NumPy scalars: strong)
        dtypes = _loop_dtypes(instr.fn, name, kinds, out.dtype)
        expr = _EXPR[name].format(*[operand(a, d) for a, d in zip(args, dtypes)])
        reg = f"v{len(phases)}_{len(phases[-1])}"
        phases[-1].append(("line", f"{reg} = np.{out.dtype.name}({expr})"))
        regs[out.buffer] = (reg, out.dtype, len(phases) - 1)
        stores[out.buffer] = out
    # what must reach memory: used after the kernel, state, or read from memory by a later pass
    needed = used_after | later
    for b, v in stores.items():
        reg = regs.get(b)
        if reg is not None and reg[2] != "row" and (b in needed or v.kind == "external"):
            phases[reg[2]].append(("line", f"{array(v, 'full')}[r, c] = {reg[0]}"))
    row_lines = [(n, f"{array(v, 'col')}[r] = {acc}") for v, acc, n in row_stores
                 if v.buffer in needed or v.kind == "external"]
    names = [f"a{n}" for n in range(len(params))] + [f"s{n}" for n in range(len(scalars))]
    source = "\n".join([f"def kernel(R, C, {', '.join(names)}):", *_loops(phases, row_lines, colsum)])
    patterns = [p for _, p in params] + [None] * len(scalars)
    kernel = FusedKernel(_compile(source), source, patterns, shape)
    writes = [v for b, v in stores.items() if b in loaded]
    return Instr(kernel, tuple([v for v, _ in params] + scalars), {}, [], writes, "compute")


def _loops(phases, row_lines, colsum):
    """The loop nest: rows, then one pass along the row per phase. With a column sum, row 0 gets its
    own passes (it starts the sum), so that no branch is left inside an inner loop."""
    def passes(first):
        out = []
        for n, phase in enumerate(phases):
            lines = [line for kind, line in phase if kind == "line"]
            if colsum is not None and n == len(phases) - 1:
                acc, src = colsum
                lines.append(f"{acc}[c] = {src}" if first else f"{acc}[c] = {acc}[c] + {src}")
            out += ["        " + line for kind, line in phase if kind == "init"]
            if lines:
                out += ["        for c in range(C):", *["            " + line for line in lines]]
            out += ["        " + line for kind, line in phase if kind == "post"]
            out += ["        " + line for m, line in row_lines if m == n]
        return out

    if colsum is None:
        return ["    for r in range(R):", *passes(False)]
    return ["    if R > 0:", "        r = 0", *passes(True), "    for r in range(1, R):", *passes(False)]


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

    def arguments(self, arrays):
        """(rows, cols, *arrays seen as (rows, cols), (cols,), (rows,) or (1,))."""
        rows, cols = int(np.prod(self.shape[:-1], dtype=np.int64)), self.shape[-1]
        views = {"full": (rows, cols), "row": (cols,), "col": (rows,), "scalar": (1,)}
        args = [a if p is None else a.reshape(views[p]) for a, p in zip(arrays, self.patterns)]
        for a, v in zip(arrays, args):
            if v is not a and not np.may_share_memory(a, v):  # reshape copied: not our memory
                raise RuntimeError("fused kernel: an operand is not contiguous")
        return [rows, cols, *args]

    def bind(self, arrays):
        """The kernel call on these arrays, as a zero-argument callable."""
        return functools.partial(self.kernel, *self.arguments(arrays))


class MergedKernel:
    """Several FusedKernels called one after another from one compiled function."""

    __name__ = "fused"

    def __init__(self, parts, counts):
        self.parts, self.counts = parts, counts
        self.source = "\n".join(p.source for p in parts)
        key = ("merged", *[p.source for p in parts])
        if key not in _CACHE:
            import numba

            names = [[f"x{n}_{k}" for k in range(c + 2)] for n, c in enumerate(counts)]  # (+ rows, cols)
            lines = [f"def merged({', '.join(sum(names, []))}):"]
            lines += [f"    k{n}({', '.join(args)})" for n, args in enumerate(names)]
            namespace = {f"k{n}": p.kernel for n, p in enumerate(parts)}
            exec(compile("\n".join(lines), "<minigrad merged kernels>", "exec"), namespace)
            _CACHE[key] = numba.njit(namespace["merged"])
        self.kernel = _CACHE[key]

    def bind(self, arrays):
        args, n = [], 0
        for part, count in zip(self.parts, self.counts):
            args += part.arguments(arrays[n:n + count])
            n += count
        return functools.partial(self.kernel, *args)

"""Where every array of a program lives during a replay: one arena, planned once.

Each fresh result (a *root*) gets a block of one preallocated arena for the stretch of the program
from its first write to its last use (the end, for gradients and returned tensors); roots whose
stretches do not overlap share memory — greedy by size, the classic offline allocator (TFLite's,
XLA's). So the memory a compiled step holds between calls is its peak working set, once; the
gradients live in it too, on blocks that the next step's forward pass reuses after zero_grad.

Views are rebuilt once on the planned blocks by the very call that made them while recording, so
they see the same memory; a root keeps the memory layout (strides) it had, which is what makes those
calls views again. Inputs get static buffers that each call copies its arguments into (the static
inputs of CUDA graphs); slots, 0-d views of one small array per dtype that every replay refills
(scalars.py); externals are the tensors' own arrays; constants, the recorded arrays.
"""

import numpy as np

from . import scalars
from .trace import Unsupported, Value, _arrays_in, _values_in
from .traced import owner

ALIGN = 64  # bytes: every block starts on a cache line


def substitute(template, arrays):
    """template with each Value replaced by its array (tuples, lists and dicts rebuilt)."""
    if isinstance(template, tuple) and not hasattr(template, "_fields"):
        return tuple(substitute(t, arrays) for t in template)
    if isinstance(template, list):
        return [substitute(t, arrays) for t in template]
    if isinstance(template, dict):
        return {k: substitute(t, arrays) for k, t in template.items()}
    if isinstance(template, Value):
        return arrays[id(template)]
    return template


def lifetimes(program):
    """{root buffer: (first, last) instruction index} over the program's instructions."""
    roots = {v.buffer for v in program.tracer.values if v.kind == "root"}
    span = {}
    for n, instr in enumerate(program.instrs):
        for v in instr.outs + instr.writes + list(_values_in((instr.args, instr.kwargs))):
            if v.buffer in roots:
                first, _ = span.get(v.buffer, (n, n))
                span[v.buffer] = (first, n)
    end = len(program.instrs)
    for v in program.outputs:
        if v.buffer in span:
            span[v.buffer] = (span[v.buffer][0], end)
    return span


def place(sizes, span):
    """Offsets for blocks of `sizes` alive over `span`: largest first, each at the lowest offset
    that no block alive at the same time covers. Returns ({buffer: offset}, arena bytes)."""
    placed, offsets = [], {}
    for b in sorted(sizes, key=lambda b: (-sizes[b], span[b])):
        lo, hi = span[b]
        offset = 0
        for o, s in sorted((o, s) for o, s, l2, h2 in placed if l2 <= hi and lo <= h2):
            if offset + sizes[b] <= o:
                break
            offset = max(offset, o + s)
        offsets[b] = offset
        placed.append((offset, sizes[b], lo, hi))
    return offsets, max((o + s for o, s, _, _ in placed), default=0)


def _layout(value):
    """The axis order that makes value's strides C-contiguous, or None if it is not compact."""
    dims = [d for d in range(len(value.shape)) if value.shape[d] != 1]
    order = sorted(dims, key=lambda d: -value.strides[d])
    expect = value.dtype.itemsize
    for d in reversed(order):
        if value.strides[d] != expect:
            return None
        expect *= value.shape[d]
    return order + [d for d in range(len(value.shape)) if value.shape[d] == 1]


def _block(arena, offset, value):
    """An array over arena[offset:] with value's shape, dtype and strides."""
    order = _layout(value)
    n = value.dtype.itemsize * int(np.prod(value.shape, dtype=np.int64))
    flat = arena[offset:offset + n].view(value.dtype)
    permuted = flat.reshape([value.shape[d] for d in order])
    return permuted.transpose(tuple(int(d) for d in np.argsort(order)))


def _aligned(xp, nbytes):
    """nbytes of memory starting on an ALIGN boundary (NumPy aligns to 16 bytes only: an AVX-512 load
    or store that straddles a cache line costs two; CuPy's blocks are aligned already)."""
    raw = xp.empty(nbytes + ALIGN, dtype=xp.uint8)
    address = raw.ctypes.data if xp is np else raw.data.ptr
    start = -address % ALIGN
    return raw[start:start + nbytes]


def allocate(program, xp):
    """Give every Value of the program an array: program.arrays[id(value)], program.arena."""
    span = lifetimes(program)
    roots = {v.buffer: v for v in program.tracer.values if v.kind == "root" and v.buffer in span}
    host = {b for b, v in roots.items() if xp is not np and isinstance(v.array, np.ndarray)}  # GPU: draws
    sizes = {b: -(-v.array.nbytes // ALIGN) * ALIGN for b, v in roots.items()
             if _layout(v) is not None and b not in host}
    offsets, total = place(sizes, span)
    program.arena = _aligned(xp, total)
    arrays = {}
    for v in program.tracer.values:
        if v.kind == "root" and v.buffer in roots:
            module = np if v.buffer in host else xp  # (random numbers are drawn on the host)
            arrays[id(v)] = (_block(program.arena, offsets[v.buffer], v) if v.buffer in offsets
                             else module.empty(v.shape, dtype=v.dtype))  # (a layout no block can take)
        elif v.kind == "input":
            arrays[id(v)] = xp.empty_like(v.array)
        elif v.kind in ("external", "const"):
            arrays[id(v)] = v.array
    read = {id(v) for instr in program.instrs for v in instr.reads()}
    slots, program.slots = scalars.storage([v for v in program.tracer.values if v.kind == "slot" and id(v) in read], xp)
    arrays.update(slots)
    for instr in program.instrs:
        if instr.kind == "view":  # rebuilt once on the planned arrays: no work left for a replay
            args, kwargs = substitute(instr.args, arrays), substitute(instr.kwargs, arrays)
            made = instr.fn(*args, **kwargs)
            made = made if isinstance(made, (tuple, list)) else (made,)
            owners = {id(owner(a)) for a in _arrays_in((args, kwargs))}
            for v, a in zip(instr.outs, made):
                _check_view(v, a, owners)
                arrays[id(v)] = a
    program.arrays = arrays
    # what a compiled step holds between calls: the arena, its static inputs and its constants
    program.held_bytes = total + sum(arrays[id(v)].nbytes for v in program.tracer.values
                                     if v.kind in ("input", "const", "slot") and id(v) in arrays)
    _release(program)
    return arrays


def _release(program):
    """Drop the recording's own arrays (a second set of activations): the program has its own now."""
    for v in program.tracer.values:
        if v.kind in ("root", "view", "input", "slot"):
            v.array = None
    program.tracer.traced = {}
    recording = program.recording
    recording.args = recording.kwargs = recording.result = None
    recording.touched, recording.calls = {}, []  # (they hold the recording's arrays too)


def _check_view(value, array, owners):
    same = (array.shape == value.shape and array.dtype == value.dtype
            and all(a == b for a, b, n in zip(array.strides, value.strides, value.shape) if n != 1))
    if not same or id(owner(array)) not in owners:
        raise Unsupported(f"a view of shape {value.shape} could not be rebuilt on planned memory")

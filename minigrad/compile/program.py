"""From a recording to a flat program: which instructions a replay runs, in what order, and what it
must check first. Nothing here depends on the backend; memory.py then places the arrays and the
backends (numpy_replay.py, cuda_graph.py) turn instructions into calls.

Passes, in order (each one a function below):
1. scheduler steps, and optimizer steps whose Python state moved on in a way the tape cannot repeat
   (optimizers.py), are cut out of the tape and replaced by one 'call' instruction each, which calls
   the real step();
2. constant folding: what depends on no input, parameter or random draw was computed for good
   while recording (`arange(n)` for cross-entropy's rows, the ones that seed backward);
3. dead code: what nothing observable needs (a result no later step, output or state reads);
4. guard placement: a replay must be able to give up on a failed guard before it has changed any
   state, so guards (and what they need) move in front of the first write to a parameter, a
   gradient, optimizer state or a random generator, when the dependencies allow it;
5. scratch: the optimizer's private work arrays (`state["_scratch"]`, written before they are read)
   become ordinary temporaries, so they need no memory of their own between steps.
"""

from ..tensor import Tensor
from .capture import _DATA
from .optimizers import SchedulerStep, quick_state
from .trace import Instr, Unsupported, _values_in


class Program:
    """The planned-to-be program: `instrs` in replay order, plus what surrounds them."""

    def __init__(self, recording):
        self.recording = recording
        self.tracer = recording.tracer
        self.instrs = list(self.tracer.tape)
        self.inputs = recording.inputs  # [(argument position, Value)]
        self.outputs = []  # Values the caller or Python state sees after the step
        self.grads = []  # (leaf, Value or None or the same grad tensor)
        self.fresh_grads = []  # leaves whose .grad the program makes anew: None on entry, as recorded
        self.requires_grad = [(t, t.requires_grad) for t, _ in recording.touched.values()]  # guarded
        self.optimizer_guards = []  # (optimizer, its cheap state key at the end of recording)
        self.scratch = []  # (state dict, key) of work arrays the program replaced


def build(recording):
    """Run the passes of the module docstring; raises Unsupported with the reason."""
    tracer = recording.tracer
    if recording.refusal:
        raise Unsupported(recording.refusal[0])
    if tracer is None:
        raise Unsupported("the step touched no tensor")
    if tracer.unsupported:
        reason, at = tracer.unsupported
        raise Unsupported(f"{reason} ({at})")
    program = Program(recording)
    _check_storage(recording)
    cut_eager_calls(program)
    _collect_outputs(program)
    fold_constants(program)
    adopt_scratch(program)
    eliminate_dead_code(program)
    place_guards(program)
    return program


def buffer_of(value):
    return value.buffer


def _check_storage(recording):
    for t, raw in recording.touched.values():
        first = recording.tracer.traced[id(raw)]._v
        if first.kind == "external" and _DATA.__get__(t) is not raw:
            raise Unsupported(f"the step replaces the storage of a tensor of shape {raw.shape} "
                              "(p.data = ... or similar); replace it outside the compiled step")
        if first.kind == "input" and any(first in i.writes for i in recording.tracer.tape):
            raise Unsupported(f"the step writes into its argument of shape {raw.shape} in place")


def cut_eager_calls(program):
    """Pass 1: an optimizer step that changed its own Python state in a way the tape cannot repeat,
    and every scheduler step, are replayed by calling them ('call' instructions)."""
    keep, cut, book, calls = [], set(), program.tracer.scalars, program.recording.calls
    for seen in reversed(calls):
        if seen.replays_eagerly:
            cut.update(id(i) for i in program.tracer.tape[seen.start:seen.stop])
            del book.guards[slice(*seen.guards)], book.updates[slice(*seen.updates)]  # it runs for real
        else:
            program.optimizer_guards.append((seen.owner, quick_state(seen.owner)))
    eager = [s for s in calls if s.replays_eagerly]
    if any(isinstance(e, SchedulerStep) and any(not s.replays_eagerly and s.start >= e.stop for s in calls)
           for e in eager):  # (a replay reads the lrs before it runs: the next step must see them)
        raise Unsupported("the step calls scheduler.step() before optimizer.step(); call it after (as PyTorch "
                          "expects), or outside the compiled step")
    starts = {s.start: s for s in eager}
    for n, instr in enumerate(program.tracer.tape + [None]):
        if n in starts:
            seen = starts[n]
            keep.append(Instr(seen.owner.step, seen.args, seen.kwargs, [], [], "call"))
        if instr is not None and id(instr) not in cut:
            keep.append(instr)
    produced_inside = {id(v) for i in program.tracer.tape if id(i) in cut for v in i.outs}
    for instr in keep:
        if any(id(v) in produced_inside for v in instr.reads()):
            raise Unsupported("the step uses a value computed inside an optimizer step that has to run "
                              "eagerly (its Python state changes every step)")
    program.instrs = keep


def _collect_outputs(program):
    traced = program.tracer.traced
    for leaf, grad in program.recording.grads():
        if grad is None:
            program.grads.append((leaf, None))
            continue
        t = traced.get(id(_DATA.__get__(grad)))
        made_here = t is not None and t._v.kind != "external"  # else: the .grad it found, added into
        program.grads.append((leaf, t._v if made_here else grad))
        if made_here and id(leaf) not in program.recording.grads_set:
            # backward made this .grad without the step clearing it: it was None when the step began; a
            # replay with a .grad there would drop what backward should add to (so it re-records)
            program.fresh_grads.append(leaf)
    program.outputs = [v for _, v in program.grads if hasattr(v, "kind")]
    program.result = _template(program.recording.result, traced, program.outputs)


def _template(obj, traced, outputs):
    """The step's return value with Values in place of tensors (tuples, lists, dicts of them)."""
    if isinstance(obj, Tensor):
        t = traced.get(id(_DATA.__get__(obj)))
        if t is None:
            raise Unsupported("the step returns a tensor it did not compute from its inputs or state")
        outputs.append(t._v)
        return Output(t._v, obj.device)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_template(o, traced, outputs) for o in obj)
    if isinstance(obj, dict):
        return {k: _template(o, traced, outputs) for k, o in obj.items()}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj  # a Python value: the same on every replay (escapes that made it are guarded)
    raise Unsupported(f"the step returns a {type(obj).__name__}; return tensors, numbers or tuples of them")


def fold_constants(program):
    """Pass 2: an instruction that reads only constants (or nothing) and is never written later
    computed its result once and for all while recording."""
    written = {buffer_of(w) for i in program.instrs for w in i.writes}
    keep = []
    for instr in program.instrs:
        if instr.kind == "guard" and instr.args[0].kind == "const":
            continue
        if (instr.kind in ("compute", "view") and not instr.writes and instr.outs
                and all(v.kind == "const" for v in instr.reads())
                and not any(buffer_of(v) in written for v in instr.outs)):
            for v in instr.outs:
                v.kind, v.base = "const", None
            continue
        keep.append(instr)
    program.instrs = keep


def _state_changing(instr):
    if instr.kind in ("draw", "call"):
        return True
    return any(w.kind == "external" for w in instr.writes)


def eliminate_dead_code(program):
    """Pass 3: keep what writes state, draws, checks or feeds something kept (backwards, by buffer)."""
    live = {buffer_of(v) for v in program.outputs}
    keep = []
    for instr in reversed(program.instrs):
        needed = (instr.kind in ("guard", "draw", "call") or _state_changing(instr)
                  or any(buffer_of(v) in live for v in instr.outs + instr.writes))
        if needed:
            keep.append(instr)
            live.update(buffer_of(v) for v in instr.reads() + instr.writes)
    program.instrs = keep[::-1]


def place_guards(program):
    """Pass 4: guards, and what they need, move to the front when the dependencies allow (a replay
    that will fail then fails before doing any work); those that must run before the first state
    change and cannot get there make the step unsupported (see the module docstring)."""
    instrs = program.instrs
    first = next((n for n, i in enumerate(instrs) if _state_changing(i)), len(instrs))
    guards = [n for n, i in enumerate(instrs) if i.kind == "guard"]
    if guards:
        needed = _slice(instrs, guards)
        if _can_hoist(instrs, needed):
            program.instrs = [i for n, i in enumerate(instrs) if n in needed] + \
                             [i for n, i in enumerate(instrs) if n not in needed]
        elif max(guards) > first:
            g = instrs[max(guards)]
            raise Unsupported(f"the step reads a value in Python ({g.where}) after it has changed "
                              "parameters or other state, so a replay could not give up safely when "
                              "that value differs; move the read out of the step")


def _slice(instrs, targets):
    """Indices of the targets and of everything before them that they depend on."""
    needed, buffers = set(), set()
    for n in range(max(targets), -1, -1):
        instr = instrs[n]
        if n in targets or any(buffer_of(v) in buffers for v in instr.outs + instr.writes):
            needed.add(n)
            buffers.update(buffer_of(v) for v in instr.reads() + instr.writes)
    return needed


def _can_hoist(instrs, needed):
    """Moving `needed` in front keeps every dependency iff nothing left behind before them writes
    what they read or write, or reads what they write."""
    behind_reads, behind_writes = set(), set()
    for n, instr in enumerate(instrs):
        reads = {buffer_of(v) for v in instr.reads()}
        writes = {buffer_of(v) for v in instr.writes + instr.outs}
        if n in needed:
            if instr.kind == "call" or writes & (behind_reads | behind_writes) or reads & behind_writes:
                return False
        else:
            behind_reads |= reads
            behind_writes |= writes
    return True


def adopt_scratch(program):
    """Pass 5: a private optimizer work array that the program writes in full before reading it
    holds nothing between steps: it becomes a temporary, and the optimizer's copy is dropped."""
    first_touch = {}
    for instr in program.instrs:
        for v in instr.reads() + instr.writes:
            first_touch.setdefault(id(v), (instr, v))
    for seen in program.recording.calls:
        if seen.replays_eagerly:
            continue
        for state, key, raw in seen.wrapped:
            value = program.tracer.traced[id(raw)]._v
            instr, _ = first_touch.get(id(value), (None, None))
            if not value.scratch or instr is None or not _overwrites(instr, value):
                continue
            value.kind = "root"
            program.scratch.append((state, key))
        program.scratch += seen.created  # made while recording: already a temporary of the program
    for state, key in program.scratch:
        state.pop(key, None)  # optimizer.buffer() makes a new one if the step ever runs eagerly
    program.optimizer_guards = [(opt, quick_state(opt)) for opt, _ in program.optimizer_guards]


def _overwrites(instr, value):
    """Does instr write every element of value without reading it first?"""
    out = instr.kwargs.get("out", ())
    if any(o is value for o in out):  # np.f(..., out=v), v not an operand
        return not any(a is value for a in _values_in(instr.args))
    name = getattr(instr.fn, "__name__", "")
    if name == "setitem" and instr.args[0] is value:  # v[...] = x
        whole = instr.args[1] is Ellipsis or instr.args[1] == slice(None)
        return whole and not any(a is value for a in _values_in(instr.args[2]))
    if name == "copyto" and instr.args[0] is value:
        return not any(a is value for a in _values_in(instr.args[1:]))
    return False


class Output:
    """Where a returned tensor sits in the step's return value."""

    def __init__(self, value, device):
        self.value, self.device = value, device

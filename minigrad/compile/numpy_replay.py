"""CPU replay: the program's instructions as bound NumPy calls, run in order by a plain loop.

Elementwise chains are fused into single Numba loops first when Numba is installed (fuse.py);
without it every instruction stays one NumPy call writing into its planned buffer.
"""

import numpy as np

from . import fuse
from .memory import allocate
from .replay import Replay, call_executor, executor, label


def lower(program):
    """A Replay of program on the CPU."""
    if fuse.enabled():
        fuse.fuse(program)
    arrays = allocate(program, np)
    steps, labels = [], []
    replay = Replay(program, np, steps, labels)
    for instr in program.instrs:
        if instr.kind == "view":
            continue  # (views are made once, by allocate)
        steps.append(call_executor(instr, replay) if instr.kind == "call" else executor(instr, arrays, np))
        labels.append(label(instr))
    return replay

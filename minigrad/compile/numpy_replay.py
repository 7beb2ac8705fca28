"""CPU replay: the program's instructions as bound NumPy calls, run in order by a plain loop.

Elementwise chains are fused into single Numba loops first when Numba is installed (fuse.py);
without it every instruction stays one NumPy call writing into its planned buffer.
"""

import numpy as np

from . import fuse
from .memory import allocate
from .replay import Replay, call_executor, executor


def lower(program):
    """A Replay of program on the CPU."""
    if fuse.enabled():
        fuse.fuse(program)
    arrays = allocate(program, np)
    steps = []
    replay = Replay(program, np, steps)
    for instr in program.instrs:
        if instr.kind == "call":
            steps.append(call_executor(instr, replay))
        elif instr.kind != "view":
            steps.append(executor(instr, arrays, np))
    return replay

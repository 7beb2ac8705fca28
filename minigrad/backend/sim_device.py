"""The simulated GPUs themselves (see backend/sim.py): which one is current, and the host syncs.

    SimDevice     `with SimDevice(i):` makes simulated GPU i current in this thread (cupy.cuda.Device)
    host_syncs    every device-to-host read so far, each as "what at file:line"
    sync          records one, and completes the copies to the host queued on that device before it
    queue_copy    a copy queued with get(blocking=False), done at the device's next sync
    array_kernels {"what at file:line": count} of the array operations that ran a kernel (ran_kernel):
                  CuPy launches at least one for each (fancy indexing and reductions often more), so
                  their number per step is a lower bound of CuPy's launches (benchmarks/gpu.py prints it)
"""

import collections
import os
import sys
import threading

host_syncs = []
array_kernels = collections.Counter()  # a Counter, not a list: bounded by the number of call sites
_queued_copies = {}  # device -> [(out, values)]
_local = threading.local()
# frames skipped by caller(): the simulated device, and the transfer layers that every read to Python
# goes through (the CUDA backend, Tensor's item/tolist/float...), so a sync names the code that asked
_HERE = tuple(os.path.normpath(os.path.join(os.path.dirname(__file__), f))
              for f in ("sim_device.py", "sim_array.py", "sim.py", "cuda.py", "../conversions.py"))


def _stack():
    if not hasattr(_local, "stack"):
        _local.stack = [0]  # like CUDA: device 0 is current until a thread picks another
    return _local.stack


def current_device():
    return _stack()[-1]


class SimDevice:
    """`with SimDevice(i):` runs array work on simulated GPU i; re-entrant, like cupy.cuda.Device."""

    __slots__ = ("id",)

    def __init__(self, id):
        self.id = id

    def __enter__(self):
        _stack().append(self.id)
        return self

    def __exit__(self, *exc):
        _stack().pop()

    def synchronize(self):
        """Wait for the device's queued work (cupy.cuda.Device.synchronize): a host sync."""
        sync("synchronize()", self.id)

    def __repr__(self):
        return f"<simulated CUDA Device {self.id}>"


def caller():
    """file:line of the first frame outside _HERE: where a sync or a misuse came from."""
    frame = sys._getframe(1)
    while frame.f_code.co_filename in _HERE:
        frame = frame.f_back
    path = os.path.relpath(frame.f_code.co_filename)
    return f"{frame.f_code.co_filename if path.startswith('..') else path}:{frame.f_lineno}"


def sync(what, device):
    """Record a blocking device-to-host read (on a GPU it waits for every kernel queued on `device`,
    and for the copies queued before it, which are done now)."""
    host_syncs.append(f"{what} at {caller()}")
    for out, values in _queued_copies.pop(device, ()):
        out[...] = values


def ran_kernel(what):
    """Count one array operation that ran a kernel, at the code that asked for it."""
    array_kernels[f"{what} at {caller()}"] += 1


def queue_copy(device, out, values):
    _queued_copies.setdefault(device, []).append((out, values))

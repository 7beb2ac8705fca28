"""The MPI backend: collectives on COMM_WORLD through mpi4py, in place, on host buffers.

CUDA tensors (real or simulated) are staged: copied to the host, reduced, copied back. A watchdog
thread stands guard over every blocking collective (mpi4py releases the GIL while MPI waits): one that
runs past the timeout prints what it was waiting on and aborts the whole job, because a collective
whose partner died or disagrees about the buffer would otherwise wait forever — PyTorch's NCCL
watchdog does the same.
"""

import os
import sys
import threading
import time
import weakref
import zlib

import numpy as np

_OPS = {"sum": "SUM", "avg": "SUM", "max": "MAX", "min": "MIN", "product": "PROD"}
_BOOL_OPS = {"sum": "LOR", "max": "LOR", "min": "LAND", "product": "LAND"}  # MPI reduces bools logically


def available():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


class MPIGroup:
    """COMM_WORLD (a private duplicate, so user MPI traffic never mixes with ours) and its watchdog."""

    def __init__(self, timeout, error):
        try:
            from mpi4py import MPI
        except ImportError:
            raise error("minigrad.distributed needs mpi4py and an MPI library: "
                        "pip install 'minigrad-nn[distributed]' (mpi4py + mpich)") from None
        self.MPI, self.error, self.timeout = MPI, error, timeout
        self.comm = MPI.COMM_WORLD.Dup()
        self.comm.Set_errhandler(MPI.ERRORS_RETURN)  # errors raise here instead of killing the job
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)  # the ranks on this machine
        self.local_rank, self.local_size = node.Get_rank(), node.Get_size()
        node.Free()
        self._ops = {op: getattr(MPI, name) for op, name in _OPS.items()}
        self._bool_ops = {op: getattr(MPI, name) for op, name in _BOOL_OPS.items()}
        self._busy = None  # (started, call, tensor) of the collective in progress, read by the watchdog
        # Before each collective the ranks compare what they are about to do (one 16-byte allreduce),
        # since MPI would otherwise abort, hang or silently reduce garbage when shapes or dtypes differ
        # (float32[2] against float64[1] is the same 8 bytes to MPI). MINIGRAD_DISTRIBUTED_DEBUG=OFF skips
        # it (DDP's own exchanges never need it: it checks its model once, at construction).
        self.check = os.environ.get("MINIGRAD_DISTRIBUTED_DEBUG", "").upper() != "OFF"
        self._signature = np.zeros(2, dtype=np.int64)
        self._hashes = {}  # (call, shape, dtype) -> its crc32
        self._persistent_collectives = MPI.Get_version() >= (4, 0) and hasattr(self.comm, "Allreduce_init")
        self._persistent = {}  # id(array) -> (weak reference to it, its persistent all-reduce request)
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="minigrad-distributed-watchdog", daemon=True)
        self._watchdog.start()

    def close(self):
        """Stop the watchdog and free the communicator (destroy_process_group)."""
        self._stop.set()
        self._watchdog.join()
        for _, request in self._persistent.values():
            request.Free()
        self._persistent.clear()
        self.comm.Free()

    def abort(self):
        """End every rank of the job. What this process wrote first gets a second to reach mpiexec: its
        output travels through a pipe that the abort would otherwise cut (the traceback saying why)."""
        sys.stdout.flush()
        sys.stderr.flush()
        time.sleep(1.0)
        self.MPI.COMM_WORLD.Abort(1)

    # ------------------------------------------------------------ watchdog
    def _watch(self):
        while not self._stop.wait(min(1.0, self.timeout / 4)):
            busy = self._busy
            if busy is not None and time.monotonic() - busy[0] > self.timeout:
                sys.stderr.write(
                    f"minigrad.distributed: rank {self.rank}: {_describe(*busy[1:])} has waited more than "
                    f"{self.timeout:g} s for the other ranks. A rank has died or stopped calling collectives, or "
                    "the ranks disagree on the collective (different shapes, dtypes or order). Aborting all ranks.\n")
                self.abort()

    def _run(self, call, tensor, fn, *args):
        """fn(*args) under the watchdog; (call, tensor) describe it, formatted only if something goes wrong."""
        self._busy = (time.monotonic(), call, tensor)
        try:
            return fn(*args)
        except self.MPI.Exception as e:
            raise self.error(f"rank {self.rank}: {_describe(call, tensor)} failed: "
                             f"{e.Get_error_string().splitlines()[0]}; the ranks probably disagree on the tensor's "
                             "shape or dtype") from None
        finally:
            self._busy = None

    def _agree(self, call, tensor):
        """Raise on every rank unless all ranks are about to run the same collective on the same shape
        and dtype. One 16-byte allreduce of [h, -h] with MAX: every rank's hash h agrees iff the result is
        its own [h, -h]; only then is the description formatted, to say who wanted what."""
        key = (call, tensor.shape, tensor.dtype)
        h = self._hashes.get(key)
        if h is None:  # crc32, not hash(): Python's str hashes differ between processes
            h = self._hashes[key] = zlib.crc32(repr(key).encode())
        sig = self._signature
        sig[0], sig[1] = h, -h
        self._run("the agreement check before " + call, tensor, self.comm.Allreduce, self.MPI.IN_PLACE, sig,
                  self.MPI.MAX)
        if sig[0] != h or sig[1] != -h:
            listing = "; ".join(f"rank {r}: {c}" for r, c in enumerate(self.comm.allgather(_describe(call, tensor))))
            raise self.error(f"ranks disagree on the collective they are running ({listing}); every rank must "
                             "call the same collectives in the same order, on tensors of the same shape and dtype")

    # ------------------------------------------------------------ collectives
    def barrier(self):
        self._run("barrier()", None, self.comm.Barrier)

    def all_reduce(self, tensor, op):
        host, staged = _host(tensor)
        kind = host.dtype.kind
        if op == "avg" and kind != "f":
            raise TypeError(f"all_reduce: ReduceOp.AVG needs a floating-point tensor, got {host.dtype} (shape "
                            f"{tuple(tensor.shape)}); reduce with SUM and divide, or convert with .float()")
        mpi_op = self._bool_ops[op] if kind == "b" else self._ops[op]
        call = "all_reduce(" + op + ")"
        if self.check:
            self._agree(call, tensor)
        self._run(call, tensor, self.comm.Allreduce, self.MPI.IN_PLACE, host, mpi_op)
        if op == "avg":
            host /= self.size
        if staged:
            _store(tensor, host)
        else:
            tensor._mark_written()

    def start_all_reduce(self, array):
        """Begin a non-blocking sum of a host array over ranks; `wait` on the returned request.

        An array summed again and again (DDP's buckets) gets one persistent request (MPI-4's
        Allreduce_init), made on its first sum and started on every later one: MPICH's Iallreduce
        allocates its schedule's temporary buffers on every call, ~2x the message in fresh pages (1336
        page faults per step for a 2.7 MB bucket, which made each DDP step 1.6x slower); a persistent
        request allocates them once. MPI libraries older than MPI-4 get Iallreduce."""
        if not self._persistent_collectives:
            return self.comm.Iallreduce(self.MPI.IN_PLACE, array, self.MPI.SUM)
        entry = self._persistent.get(id(array))
        if entry is None or entry[0]() is not array:  # (an id can be reused by a new array)
            self._free_dead_requests()
            entry = self._persistent[id(array)] = (weakref.ref(array),
                                                   self.comm.Allreduce_init(self.MPI.IN_PLACE, array, self.MPI.SUM))
        entry[1].Start()
        return entry[1]

    def _free_dead_requests(self):
        """Free the persistent requests whose arrays are gone (inactive: nothing reads those buffers)."""
        for key in [k for k, (ref, _) in self._persistent.items() if ref() is None]:
            self._persistent.pop(key)[1].Free()

    def wait(self, requests, what):
        self._run(what, None, self.MPI.Request.Waitall, requests)

    def broadcast(self, tensor, src):
        if not 0 <= src < self.size:
            raise ValueError(f"broadcast: src {src} is not a rank of this group (0..{self.size - 1})")
        host, staged = _host(tensor)
        call = f"broadcast(src={src})"
        if self.check:
            self._agree(call, tensor)
        self._run(call, tensor, self.comm.Bcast, host, src)
        if staged:
            _store(tensor, host)
        else:
            tensor._mark_written()

    def all_gather(self, tensor_list, tensor):
        host, _ = _host(tensor)
        out = np.empty((self.size, *host.shape), dtype=host.dtype)
        if self.check:
            self._agree("all_gather", tensor)
        self._run("all_gather", tensor, self.comm.Allgather, host, out)
        for t, part in zip(tensor_list, out):
            _store(t, part)

    def all_gather_object(self, obj):
        return self._run("all_gather_object", None, self.comm.allgather, obj)


def _describe(call, tensor):
    return call if tensor is None else f"{call} of a {tensor.dtype} tensor of shape {tuple(tensor.shape)}"


def _host(tensor):
    """(a C-contiguous host array holding tensor's values, whether it must be copied back)."""
    data = tensor._data
    if tensor.device.type == "cpu" and isinstance(data, np.ndarray) and data.flags.c_contiguous:
        return data, False  # reduce straight into the tensor's own memory
    return np.ascontiguousarray(tensor.device.backend.to_host(data)), True


def _store(tensor, host):
    tensor._mark_written()  # a collective writes in place: graphs that saved the tensor must know
    tensor._data[...] = tensor.device.backend.to_device(host)

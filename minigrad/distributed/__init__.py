"""`minigrad.distributed`: processes that train together, with torch.distributed's names.

    import minigrad.distributed as dist
    dist.init_process_group("mpi")            # under `mpiexec -n 4 python train.py`
    dist.all_reduce(t, op=dist.ReduceOp.AVG)  # in place, on every rank

The engine underneath is MPI (mpi4py; `pip install 'minigrad-nn[distributed]'` brings mpich too), the
same proven layer Horovod and ChainerMN build on. Ranks and world size come from MPI (or the
RANK / WORLD_SIZE variables, which must then agree with it); once initialised, RANK, WORLD_SIZE,
LOCAL_RANK and LOCAL_WORLD_SIZE are set in os.environ as torchrun sets them. CUDA tensors go through
NCCL with the "nccl" backend, or through MPI with a staged host copy with "mpi"; the default picks
NCCL when a real GPU and CuPy's NCCL are there, and the `minigrad.distributed` logger says at INFO
which (`logging.basicConfig(level=logging.INFO)` shows it). Every collective is in place and takes
tensors of any device.

Nothing waits forever: a collective that waits longer than `timeout` (a rank died, or ranks disagree
on what to reduce) aborts the job with a message saying what it waited on, ranks that disagree on a
collective's shape or dtype raise DistributedError, and an uncaught exception on one rank ends all of
them at once (as `python -m mpi4py` does) instead of leaving the others waiting for it.
`import minigrad` never imports mpi4py: this package loads it on init_process_group.
"""

import enum
import logging
import os
import sys

from . import mpi as _mpi

_log = logging.getLogger(__name__)


class ReduceOp(enum.Enum):
    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


class DistributedError(RuntimeError):
    pass


_group = None  # the backend object while a process group is initialised
_ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE")
_env_before = {}  # their values before init_process_group set them, for destroy_process_group


def _current():
    if _group is None:
        raise DistributedError("the default process group is not initialised: call "
                               "minigrad.distributed.init_process_group('mpi') first (and start the "
                               "script with `mpiexec -n N python script.py`)")
    return _group


def _default_group_only(group):
    if group is not None:
        raise ValueError("minigrad.distributed has one process group, the default one: pass group=None")


class _Work:
    """What a collective called with async_op=True returns. minigrad runs it at once, so wait() returns
    immediately (the result is already in place)."""

    def wait(self, timeout=None):
        return True

    def is_completed(self):
        return True


def _done(async_op):
    return _Work() if async_op else None


def _nccl_usable():
    from .. import cuda
    from ..backend.cuda import simulated

    if simulated() or not cuda.is_available():
        return False
    try:
        from cupy.cuda import nccl  # noqa: F401
    except ImportError:
        return False
    return True


def init_process_group(backend=None, init_method=None, timeout=300.0, world_size=-1, rank=-1):
    """Join the group of all ranks started by mpiexec. backend: "mpi", "nccl" (CUDA tensors through
    NCCL, host tensors through MPI), or None: "nccl" when a real GPU and CuPy's NCCL are there, else "mpi".

    timeout (seconds, or a datetime.timedelta) bounds every collective. rank/world_size (or the
    RANK/WORLD_SIZE variables) are checked against MPI's, which is the authority; init_method is
    accepted for PyTorch's "env://" only, since mpiexec already connects the ranks.
    """
    global _group
    if _group is not None:
        raise DistributedError("trying to initialise the default process group twice; call "
                               "destroy_process_group() first")
    if backend is None:
        backend = "nccl" if _nccl_usable() else "mpi"
    if backend not in ("mpi", "nccl"):
        raise ValueError(f"backend must be 'mpi' or 'nccl', got {backend!r}")
    if init_method not in (None, "env://"):
        raise ValueError(f"init_method {init_method!r}: minigrad.distributed needs none, since mpiexec starts "
                         "and connects the ranks (run the script with `mpiexec -n N` on every machine's hostfile)")
    timeout = timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)
    group = _mpi.MPIGroup(timeout, DistributedError)
    for name, given, actual in (("rank", rank, group.rank), ("world_size", world_size, group.size)):
        env = os.environ.get(name.upper())
        for source, value in ((name, None if given == -1 else given), (name.upper(), env)):
            if value is not None and int(value) != actual:
                group.close()
                raise DistributedError(f"{source}={value} disagrees with MPI, which says {name} is {actual}: "
                                       f"start the processes with `mpiexec -n N`, which sets both")
    if backend == "nccl":
        from . import nccl

        group = nccl.NCCLGroup(group, DistributedError)
    _group = group
    _env_before.update((name, os.environ.get(name)) for name in _ENV)
    os.environ.update(zip(_ENV, map(str, (group.rank, group.size, group.local_rank, group.local_size))))
    if group.size > 1:
        sys.excepthook = _abort_on_uncaught(sys.excepthook)
    _log.info("minigrad.distributed: rank %d/%d, backend %s; CUDA tensors %s", group.rank, group.size, backend,
              "through NCCL" if backend == "nccl" else "staged through host memory over MPI")


def _abort_on_uncaught(previous):
    """An excepthook that prints the traceback, then ends every rank: the others would otherwise wait
    for this one in their next collective until the timeout."""

    def hook(kind, value, traceback):
        previous(kind, value, traceback)
        if _group is not None:
            sys.stderr.write(f"minigrad.distributed: rank {_group.rank} stopped on an uncaught {kind.__name__}; "
                             "aborting all ranks\n")
            _group.abort()

    hook.previous = previous
    return hook


def destroy_process_group():
    """Leave the group: the watchdog stops, the communicator is freed, os.environ and sys.excepthook
    are as they were before init_process_group."""
    global _group
    if _group is None:
        return
    group, _group = _group, None
    group.close()
    for name, value in _env_before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if hasattr(sys.excepthook, "previous"):
        sys.excepthook = sys.excepthook.previous


def is_initialized():
    return _group is not None


def is_available():
    return _mpi.available()


def get_rank():
    return _current().rank


def get_world_size():
    return _current().size


def barrier(group=None, async_op=False):
    _default_group_only(group)
    _current().barrier()
    return _done(async_op)


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """tensor = op over ranks of tensor, in place on every rank (AVG: the sum divided by world size)."""
    _default_group_only(group)
    _current().all_reduce(tensor, op.value if isinstance(op, ReduceOp) else ReduceOp(op).value)
    return _done(async_op)


def broadcast(tensor, src=0, group=None, async_op=False):
    """tensor = rank src's tensor, in place on every rank."""
    _default_group_only(group)
    _current().broadcast(tensor, src)
    return _done(async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[r] = rank r's tensor, for every rank r (each entry shaped like tensor)."""
    _default_group_only(group)
    g = _current()
    if len(tensor_list) != g.size or any(t.shape != tensor.shape or t.dtype != tensor.dtype for t in tensor_list):
        raise ValueError(f"all_gather: tensor_list needs {g.size} tensors of shape {tuple(tensor.shape)} and dtype "
                         f"{tensor.dtype}, got {[(tuple(t.shape), t.dtype) for t in tensor_list]}")
    g.all_gather(tensor_list, tensor)
    return _done(async_op)


def all_gather_object(object_list, obj, group=None):
    """object_list[r] = rank r's obj (any picklable object), for every rank r."""
    _default_group_only(group)
    g = _current()
    if len(object_list) != g.size:
        raise ValueError(f"all_gather_object: object_list needs {g.size} entries (one per rank), got "
                         f"{len(object_list)}")
    object_list[:] = g.all_gather_object(obj)

"""`minigrad.distributed`: processes that train together, with torch.distributed's names.

    import minigrad.distributed as dist
    dist.init_process_group("mpi")            # under `mpiexec -n 4 python train.py`
    dist.all_reduce(t, op=dist.ReduceOp.AVG)  # in place, on every rank

The engine underneath is MPI (mpi4py; `pip install 'minigrad-nn[distributed]'` brings mpich too), the
same proven layer Horovod and ChainerMN build on. Ranks and world size come from MPI (or the
RANK / WORLD_SIZE variables, which must then agree with it). CUDA tensors go through NCCL with the
"nccl" backend, or through MPI with a staged host copy with "mpi" (the log line at init says which).
Every collective is in place and takes tensors of any device. A collective that waits longer than
`timeout` (a rank died, or ranks disagree on what to reduce) raises DistributedError instead of
hanging. `import minigrad` never imports mpi4py: this package loads it on init_process_group.
"""

import enum
import os

from . import mpi as _mpi


class ReduceOp(enum.Enum):
    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


class DistributedError(RuntimeError):
    pass


_group = None  # the backend object while a process group is initialised


def _current():
    if _group is None:
        raise DistributedError("the default process group is not initialised: call "
                               "minigrad.distributed.init_process_group('mpi') first (and start the "
                               "script with `mpiexec -n N python script.py`)")
    return _group


def init_process_group(backend="mpi", timeout=300.0, rank=None, world_size=None, log=None):
    """Join the group of all ranks started by mpiexec. backend: "mpi", or "nccl" for CUDA tensors.

    timeout (seconds) bounds every collective. rank/world_size (or the RANK/WORLD_SIZE variables)
    are checked against MPI's, which is the authority.
    """
    global _group
    if _group is not None:
        raise DistributedError("trying to initialise the default process group twice; call "
                               "destroy_process_group() first")
    if backend not in ("mpi", "nccl"):
        raise ValueError(f"backend must be 'mpi' or 'nccl', got {backend!r}")
    group = _mpi.MPIGroup(timeout, DistributedError)
    for name, given, actual in (("rank", rank, group.rank), ("world_size", world_size, group.size)):
        env = os.environ.get(name.upper())
        for source, value in ((name, given), (name.upper(), env)):
            if value is not None and int(value) != actual:
                raise DistributedError(f"{source}={value} disagrees with MPI, which says {name} is {actual}: "
                                       f"start the processes with `mpiexec -n N`, which sets both")
    if backend == "nccl":
        from . import nccl

        group = nccl.NCCLGroup(group, DistributedError)
    _group = group
    if log is not None:
        log(f"minigrad.distributed: rank {group.rank}/{group.size}, backend {backend}; CUDA tensors "
            f"{'through NCCL' if backend == 'nccl' else 'staged through host memory over MPI'}")


def destroy_process_group():
    global _group
    _group = None


def is_initialized():
    return _group is not None


def is_available():
    return _mpi.available()


def get_rank():
    return _current().rank


def get_world_size():
    return _current().size


def barrier():
    _current().barrier()


def all_reduce(tensor, op=ReduceOp.SUM):
    """tensor = op over ranks of tensor, in place on every rank (AVG: the sum divided by world size)."""
    _current().all_reduce(tensor, op.value if isinstance(op, ReduceOp) else ReduceOp(op).value)
    return tensor


def broadcast(tensor, src=0):
    """tensor = rank src's tensor, in place on every rank."""
    _current().broadcast(tensor, src)
    return tensor


def all_gather(tensor_list, tensor):
    """tensor_list[r] = rank r's tensor, for every rank r (each entry shaped like tensor)."""
    group = _current()
    if len(tensor_list) != group.size or any(t.shape != tensor.shape or t.dtype != tensor.dtype for t in tensor_list):
        raise ValueError(f"all_gather: tensor_list needs {group.size} tensors of shape {tuple(tensor.shape)} and dtype "
                         f"{tensor.dtype}, got {[(t.shape, t.dtype) for t in tensor_list]}")
    group.all_gather(tensor_list, tensor)
    return tensor_list

"""minigrad.distributed and DistributedDataParallel under real MPI: each test starts
`mpiexec -n N python tests/distributed_worker.py SCENARIO` and checks what the ranks report."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils.data import DistributedSampler

WORKER = Path(__file__).with_name("distributed_worker.py")
MPIEXEC = shutil.which("mpiexec", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
needs_mpi = pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec: pip install 'minigrad-nn[distributed]'")


def run(n, *args, env=None, timeout=120):
    proc = subprocess.run([MPIEXEC, "-n", str(n), sys.executable, str(WORKER), *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    return proc, (json.loads(lines[0][7:]) if lines else None)


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_ddp_on_shards_equals_one_process_on_the_whole_batch(n):
    """SGD with momentum and Adam, 20 steps, even and uneven shards, one bucket or one per parameter."""
    proc, result = run(n, "ddp")
    assert proc.returncode == 0, proc.stderr
    assert len(result) == 8 and max(result.values()) <= 1e-12, result


@needs_mpi
def test_no_sync_accumulates_locally_then_exchanges_the_sum():
    proc, result = run(2, "no_sync")
    assert proc.returncode == 0, proc.stderr
    assert result["local_before_sync"] == 0.0  # inside no_sync the gradient is this rank's own
    assert result["synced"] <= 1e-12  # after: the average over ranks of both micro-batches


def _expected_collectives(n):
    out = {}
    for dtype in ("float16", "float32", "float64", "int32", "int64", "uint8", "bool"):
        ranks = [np.arange(6).reshape(2, 3) + r for r in range(n)]
        if dtype == "bool":
            ranks = [a % 2 == 0 for a in ranks]
        stack = np.stack(ranks).astype(dtype)
        want = {"sum": stack.any(0) if dtype == "bool" else stack.sum(0, dtype=np.float64),
                "max": stack.max(0), "min": stack.min(0), "broadcast": stack[1], "all_gather": stack}
        if dtype.startswith("float"):
            want["avg"] = stack.astype(np.float64).mean(0)
        out[dtype] = {k: np.asarray(v, dtype=np.float64).tolist() for k, v in want.items()}
    return out


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
def test_collectives_on_every_dtype(n):
    proc, result = run(n, "collectives")
    assert proc.returncode == 0, proc.stderr
    assert result == _expected_collectives(n)


@needs_mpi
def test_cuda_tensors_take_the_staged_mpi_path_on_the_simulated_device():
    env = {"MINIGRAD_CUDA_SIM": "1", "NUMBA_ENABLE_CUDASIM": "1"}
    proc, result = run(2, "collectives", "--cuda", env=env)
    assert proc.returncode == 0, proc.stderr
    assert result == _expected_collectives(2)
    proc, result = run(2, "ddp_quick", "--cuda", env=env)
    assert proc.returncode == 0 and max(result.values()) <= 1e-12, proc.stderr


@needs_mpi
def test_ranks_with_different_models_are_told_so():
    proc, _ = run(2, "different_models")
    assert proc.returncode != 0
    assert "model differs" in proc.stderr and "every rank must build the same model" in proc.stderr


@needs_mpi
def test_collective_on_mismatched_shapes_is_a_clear_error_not_a_hang():
    proc, _ = run(2, "mismatched_all_reduce", "timeout=20")
    assert proc.returncode != 0
    assert "ranks disagree" in proc.stderr and "shape (4,)" in proc.stderr and "shape (6,)" in proc.stderr


@needs_mpi
def test_a_dead_rank_ends_the_job_with_a_message_not_a_hang():
    proc, _ = run(2, "dead_rank", "timeout=2", timeout=60)
    assert proc.returncode != 0
    assert "has waited more than 2 s for the other ranks" in proc.stderr and "Aborting all ranks" in proc.stderr


def test_ddp_before_init_process_group_says_what_to_do():
    from minigrad.nn.parallel import DistributedDataParallel

    with pytest.raises(RuntimeError, match="init_process_group"):
        DistributedDataParallel(mg.nn.Linear(2, 2))
    import minigrad.distributed as dist

    with pytest.raises(dist.DistributedError, match="not initialised"):
        dist.all_reduce(mg.ones(2))


def test_import_minigrad_does_not_import_mpi4py():
    code = "import sys, minigrad, minigrad.nn.parallel, minigrad.distributed; print('mpi4py' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


class _Data:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


@pytest.mark.parametrize("n,replicas,drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False)])
def test_distributed_sampler_shards_like_pytorch(n, replicas, drop_last):
    shards = [list(DistributedSampler(_Data(n), replicas, r, shuffle=False, drop_last=drop_last))
              for r in range(replicas)]
    per_rank = n // replicas if drop_last else -(-n // replicas)
    assert all(len(s) == per_rank for s in shards)
    flat = [i for k in range(per_rank) for s in shards for i in s[k:k + 1]]  # interleaved back
    padded = (list(range(n)) * (1 + replicas))[:per_rank * replicas]
    assert flat == padded  # rank r takes positions r, r + N, ...; padding repeats the head
    if not drop_last:
        assert set(flat) == set(range(n))


def test_distributed_sampler_shuffles_with_seed_and_epoch():
    a = DistributedSampler(_Data(20), 2, 0, seed=3)
    b = DistributedSampler(_Data(20), 2, 1, seed=3)
    first = list(a) + list(b)
    assert sorted(first) == list(range(20))  # the two shards partition the data
    a.set_epoch(1)
    assert list(a) != first[:10]  # a new order each epoch
    a.set_epoch(0)
    assert list(a) == first[:10]  # and the same order for the same epoch
    with pytest.raises(ValueError, match="Invalid rank"):
        DistributedSampler(_Data(4), 2, 2)

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
    """SGD with momentum and Adam, 20 steps, even and uneven shards, one bucket or one per parameter,
    plain or with a weight used twice and a layer never used; float64 to 1e-12, float32 to 1e-5 (the
    shards' gradients are summed in another order than the whole batch's: a few float32 ulps a step)."""
    proc, result = run(n, "ddp")
    assert proc.returncode == 0, proc.stderr
    float32 = {k: v for k, v in result.items() if k.startswith("float32")}
    float64 = {k: v for k, v in result.items() if k not in float32}
    assert len(float64) == 16 and max(float64.values()) <= 1e-12, float64
    assert len(float32) == 2 and max(float32.values()) <= 1e-5, float32


@needs_mpi
def test_no_sync_accumulates_locally_then_exchanges_the_sum():
    proc, result = run(2, "no_sync")
    assert proc.returncode == 0, proc.stderr
    assert result["local_before_sync"] == 0.0  # inside no_sync the gradient is this rank's own
    assert result["backward_after_no_sync_forward"] == 0.0  # the forward decides, as in PyTorch
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
def test_a_bucket_summed_every_step_reuses_one_persistent_request():
    """MPICH's Iallreduce allocates fresh temporaries on every call (page faults that made DDP steps 1.6x
    slower); MPI-4's persistent Allreduce_init allocates them once per bucket."""
    proc, result = run(2, "repeated_sums")
    assert proc.returncode == 0, proc.stderr
    assert result["persistent"]  # the MPICH the distributed extra installs is MPI-4
    assert result["sums"] == [[3.0, 3.0]] * 3 and result["other"] == [2.0] * 3
    assert result["one request"] and result["its own"]


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
    proc, _ = run(2, "dead_rank", timeout=60)
    assert proc.returncode != 0
    assert "has waited more than 2 s for the other ranks" in proc.stderr and "Aborting all ranks" in proc.stderr
    assert "all_reduce(sum) of a minigrad.float32 tensor of shape (3,)" in proc.stderr  # what it was waiting for


@needs_mpi
def test_an_exception_on_one_rank_ends_all_ranks_at_once():
    """Not after the collective timeout (600 s here, far beyond the test's limit): at once."""
    proc, _ = run(2, "rank_raises", "timeout=600", timeout=120)
    assert proc.returncode != 0
    assert "ValueError: rank 1 cannot go on" in proc.stderr
    assert "rank 1 stopped on an uncaught ValueError; aborting all ranks" in proc.stderr


@needs_mpi
def test_a_killed_rank_ends_the_job():
    proc, _ = run(2, "rank_killed", "timeout=600", timeout=120)
    assert proc.returncode != 0 and "signal 9" in proc.stdout + proc.stderr  # (mpiexec reports on stdout)


@needs_mpi
def test_torch_distributed_conveniences():
    proc, result = run(2, "api")
    assert proc.returncode == 0, proc.stderr
    assert "LOG minigrad.distributed: rank 0/2, backend mpi; CUDA tensors staged through host memory" in proc.stdout
    assert result["env"] == {"RANK": "0", "WORLD_SIZE": "2", "LOCAL_RANK": "0", "LOCAL_WORLD_SIZE": "2"}
    assert result["objects"] == [{"rank": 0, "note": ""}, {"rank": 1, "note": "x"}]
    assert result["waited"]  # async_op=True gives a handle whose wait() returns with the result in place
    assert [e.split(":")[0] for e in result["errors"]] == ["all_reduce", "minigrad.distributed has one process group, "
                                                           "the default one", "all_gather_object"]
    assert result["after"] == {"initialized": False, "RANK set": False, "excepthook restored": True}
    assert result["watchdogs"] == 1  # destroy_process_group stopped the first one


def test_ddp_before_init_process_group_says_what_to_do():
    from minigrad.nn.parallel import DistributedDataParallel

    with pytest.raises(RuntimeError, match="init_process_group"):
        DistributedDataParallel(mg.nn.Linear(2, 2))
    import minigrad.distributed as dist

    with pytest.raises(dist.DistributedError, match="not initialised"):
        dist.all_reduce(mg.ones(2))


# ---------------------------------------------------------------- DDP's buckets, in one process
class _Recorder:
    """A process group of one rank that records when DDP starts its exchanges (no MPI needed)."""

    rank, size = 0, 1

    def __init__(self, model):
        self.model, self.started = model, []

    def broadcast(self, tensor, src):
        pass

    def all_gather_object(self, obj):
        return [obj]

    def start_all_reduce(self, array):
        # which parameters have a gradient yet when this bucket starts (backward runs last layer first)
        self.started.append((array.size, [p.grad is not None for p in self.model.parameters()]))

    def wait(self, requests, what):
        pass


@pytest.fixture
def one_rank(monkeypatch):
    import minigrad.distributed as dist

    def make(model):
        group = _Recorder(model)
        monkeypatch.setattr(dist, "_group", group)
        return group

    return make


def _mlp():
    mg.manual_seed(0)
    return mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.ReLU(), mg.nn.Linear(8, 8), mg.nn.ReLU(), mg.nn.Linear(8, 2))


def test_ddp_sends_one_collective_per_bucket_while_backward_runs(one_rank):
    from minigrad.nn.parallel import DistributedDataParallel

    model = _mlp()
    group = one_rank(model)
    ddp = DistributedDataParallel(model)
    assert list(ddp.state_dict()) == ["module." + k for k in model.state_dict()]  # PyTorch's names
    ddp(mg.randn(5, 4)).sum().backward()
    n_params = sum(p.numel() for p in model.parameters())
    assert [size for size, _ in group.started] == [n_params + 6]  # ~25 MB buckets: one for this model
    group.started.clear()
    ddp = DistributedDataParallel(model, bucket_cap_mb=40 / 2**20)  # 40 bytes: one bucket per parameter
    model.zero_grad()
    ddp(mg.randn(5, 4)).sum().backward()
    assert len(group.started) == 6
    first_size, have_grad = group.started[0]
    # the last layer's bucket left first, while the first two layers' backward had yet to run
    assert first_size == 2 + 1 and have_grad == [False] * 4 + [True] * 2
    assert group.started[2][1] == [False] * 2 + [True] * 4


def test_ddp_leaves_unused_parameters_without_grad_and_skips_no_sync_forwards(one_rank):
    from minigrad.nn.parallel import DistributedDataParallel

    model = _mlp()
    group = one_rank(model)
    ddp = DistributedDataParallel(model)
    ddp(mg.randn(5, 4))  # a forward whose output is never used
    model[2](mg.randn(3, 8)).sum().backward()  # only the middle layer: the others get no gradient anywhere
    assert [p.grad is not None for p in model.parameters()] == [False, False, True, True, False, False]
    with ddp.no_sync():
        out = ddp(mg.randn(5, 4))
    out.sum().backward()  # outside no_sync, but its forward ran inside: nothing is exchanged
    assert len(group.started) == 1


def test_post_accumulate_grad_hooks_run_once_per_backward_after_the_last_use():
    """DDP counts a parameter ready from this hook: a weight used twice must not look ready after its
    first use (PyTorch runs the hook once, after all of the backward's contributions)."""
    w = mg.randn(3, 3, requires_grad=True)
    seen = []
    w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.clone()))
    x = mg.randn(2, 3)
    ((x @ w) @ w).sum().backward()
    assert len(seen) == 1 and np.array_equal(seen[0].numpy(), w.grad.numpy())
    (w * w).sum().backward()
    assert len(seen) == 2


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

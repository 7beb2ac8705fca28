"""Run under `mpiexec -n N python tests/distributed_worker.py SCENARIO`; tests/test_distributed.py
starts it and reads what rank 0 prints (one JSON line) or the error a rank reports."""

import json
import sys

import numpy as np

import minigrad as mg
import minigrad.distributed as dist
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.nn.parallel import DistributedDataParallel as DDP

DEVICE = "cuda" if "--cuda" in sys.argv else "cpu"


class Shared(nn.Module):
    """One Linear applied twice: its gradient arrives in two parts, and DDP must wait for both."""

    def __init__(self):
        super().__init__()
        self.inp, self.mid, self.out = nn.Linear(6, 16), nn.Linear(16, 16), nn.Linear(16, 4)
        self.unused = nn.Linear(3, 3)  # never called: its .grad stays None on every rank, as in one process

    def forward(self, x):
        return self.out(self.mid(self.mid(self.inp(x).tanh()).relu()))


def build(seed, dtype=mg.float64, shared=False):
    mg.manual_seed(seed)
    if shared:
        model = Shared()
    else:
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4))
    return model.to(dtype=dtype, device=DEVICE)


def batch(n, seed=1, dtype=mg.float64):
    rng = np.random.default_rng(seed)
    return (mg.tensor(rng.standard_normal((n, 6)), dtype=dtype, device=DEVICE),
            mg.tensor(rng.integers(0, 4, n), device=DEVICE))


def make_opt(name, params):
    return optim.SGD(params, lr=0.1, momentum=0.9) if name == "sgd" else optim.Adam(params, lr=1e-2)


def shard(n, rank, size):
    """Uneven shards: rank r gets rows [bounds[r], bounds[r+1])."""
    bounds = np.linspace(0, n, size + 1).round().astype(int)
    return slice(bounds[rank], bounds[rank + 1])


def ddp_equals_single(name, n, steps=20, bucket_cap_mb=25, dtype=mg.float64, shared=False):
    """N ranks on shards of one batch vs one process on the whole batch: max |param difference|."""
    rank, size = dist.get_rank(), dist.get_world_size()
    x, y = batch(n, dtype=dtype)
    model = DDP(build(100 + rank, dtype, shared), bucket_cap_mb=bucket_cap_mb)  # rank 0's init is broadcast
    assert all(k.startswith("module.") for k in model.state_dict())  # PyTorch's names
    opt = make_opt(name, model.parameters())
    mine = shard(n, rank, size)
    for _ in range(steps):
        # a sum over this shard scaled by N/B: the average over ranks is the mean over all B rows
        loss = F.cross_entropy(model(x[mine]), y[mine], reduction="sum") * (size / n)
        opt.zero_grad()
        loss.backward()
        opt.step()
    ref = build(100, dtype, shared)
    ref_opt = make_opt(name, ref.parameters())
    for _ in range(steps):
        ref_opt.zero_grad()
        F.cross_entropy(ref(x), y).backward()
        ref_opt.step()
    if shared:
        assert model.module.unused.weight.grad is None and ref.unused.weight.grad is None
    return max(float((a - b).abs().max()) for a, b in zip(model.module.parameters(), ref.parameters()))


def no_sync_equals_big_batch():
    rank, size = dist.get_rank(), dist.get_world_size()
    n = 8 * size
    x1, y1 = batch(n, seed=2)
    x2, y2 = batch(n, seed=3)
    model = DDP(build(seed=7))
    mine = shard(n, rank, size)
    with model.no_sync():
        F.cross_entropy(model(x1[mine]), y1[mine]).backward()
    local = [p.grad.clone() for p in model.parameters()]  # not exchanged yet
    with model.no_sync():  # as in PyTorch the forward pass decides: this backward will exchange the sum
        out = model(x2[mine])
    F.cross_entropy(out, y2[mine]).backward()  # outside no_sync, but its forward was inside: still local
    by_hand = build(seed=7)
    F.cross_entropy(by_hand(x1[mine]), y1[mine]).backward()
    F.cross_entropy(by_hand(x2[mine]), y2[mine]).backward()
    late = max(float((p.grad - r.grad).abs().max()) for p, r in zip(model.parameters(), by_hand.parameters()))
    for p, a in zip(model.parameters(), local):
        p.grad = a.clone()
    F.cross_entropy(model(x2[mine]), y2[mine]).backward()
    ref = build(seed=7)
    F.cross_entropy(ref(mg.cat([x1, x2])), mg.cat([y1, y2])).backward()
    # mean of per-rank (mean1 + mean2) = 2 * mean over both batches
    synced = max(float((p.grad - 2 * r.grad).abs().max()) for p, r in zip(model.parameters(), ref.parameters()))
    ref_local = build(seed=7)
    F.cross_entropy(ref_local(x1[mine]), y1[mine]).backward()
    unsynced = max(float((a - r.grad).abs().max()) for a, r in zip(local, ref_local.parameters()))
    return {"synced": synced, "local_before_sync": unsynced, "backward_after_no_sync_forward": late}


def repeated_sums():
    """DDP's bucket exchange: one array summed again and again reuses one request; another array gets its own."""
    group, rank = dist._current(), dist.get_rank()
    bucket, other = np.full(1000, rank + 1.0), np.full(3, 1.0)
    requests, sums = [], []
    for _ in range(3):
        request = group.start_all_reduce(bucket)
        group.wait([request], "test")
        requests.append(request)
        sums.append(bucket[:2].tolist())
        bucket[:] = rank + 1.0
    request = group.start_all_reduce(other)
    group.wait([request], "test")
    return {"sums": sums, "other": other.tolist(), "one request": all(r is requests[0] for r in requests),
            "its own": request is not requests[0], "persistent": group._persistent_collectives}


def collectives():
    rank, size = dist.get_rank(), dist.get_world_size()
    out = {}
    for dtype in ("float16", "float32", "float64", "int32", "int64", "uint8", "bool"):
        base = np.arange(6).reshape(2, 3) + rank
        t = mg.tensor(base.astype(dtype) if dtype != "bool" else base % 2 == 0, device=DEVICE)
        results = {}
        for op in (dist.ReduceOp.SUM, dist.ReduceOp.MAX, dist.ReduceOp.MIN):
            r = t.clone()
            dist.all_reduce(r, op=op)
            results[op.value] = r.cpu().numpy().astype(np.float64).tolist()
        if dtype.startswith("float"):
            r = t.clone()
            dist.all_reduce(r, op=dist.ReduceOp.AVG)
            results["avg"] = r.cpu().numpy().astype(np.float64).tolist()
        b = t.clone() if rank == 1 else mg.zeros_like(t)
        dist.broadcast(b, src=1)
        results["broadcast"] = b.cpu().numpy().astype(np.float64).tolist()
        parts = [mg.zeros_like(t) for _ in range(size)]
        dist.all_gather(parts, t)
        results["all_gather"] = [p.cpu().numpy().astype(np.float64).tolist() for p in parts]
        out[dtype] = results
    dist.barrier()
    return out


def api():
    """The torch.distributed conveniences around the collectives."""
    import os
    import threading

    rank, size = dist.get_rank(), dist.get_world_size()
    env = {k: os.environ[k] for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE")}
    objects = [None] * size
    dist.all_gather_object(objects, {"rank": rank, "note": "x" * rank})
    work = dist.all_reduce(t := mg.ones(2), async_op=True)
    waited = work.wait() and t.tolist() == [size, size] and dist.all_reduce(t) is None
    errors = []
    for call in (lambda: dist.all_reduce(mg.tensor([True]), op=dist.ReduceOp.AVG),
                 lambda: dist.all_reduce(mg.ones(1), group=object()),
                 lambda: dist.all_gather_object([None] * (size + 1), 1)):
        try:
            call()
        except (TypeError, ValueError) as e:
            errors.append(str(e))
    dist.destroy_process_group()
    after = {"initialized": dist.is_initialized(), "RANK set": "RANK" in os.environ,
             "excepthook restored": sys.excepthook is sys.__excepthook__}
    dist.init_process_group(timeout=__import__("datetime").timedelta(seconds=60))
    threads = sum(t.name == "minigrad-distributed-watchdog" for t in threading.enumerate())
    return {"env": env, "objects": objects, "waited": waited, "errors": errors, "after": after,
            "watchdogs": threads}


def main():
    scenario = sys.argv[1]
    if scenario == "api":  # the backend it chose, in the log
        import logging

        logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="LOG %(message)s")
    dist.init_process_group("mpi", timeout=float(dict(a.split("=") for a in sys.argv if "=" in a).get("timeout", 60)))
    if scenario == "ddp":  # even and uneven shards, one bucket or one per parameter, a weight used twice
        result = {f"{name}-{n}-{cap}-{shared}": ddp_equals_single(name, n, bucket_cap_mb=cap, shared=shared)
                  for name in ("sgd", "adam") for n in (24, 25) for cap in (25, 0.001) for shared in (False, True)}
        result.update({f"float32-{name}": ddp_equals_single(name, 25, dtype=mg.float32) for name in ("sgd", "adam")})
    elif scenario == "ddp_quick":  # the simulated GPU runs kernels slowly: a few steps say enough
        result = {"adam": ddp_equals_single("adam", 5, steps=3, bucket_cap_mb=0.001)}
    elif scenario == "no_sync":
        result = no_sync_equals_big_batch()
    elif scenario == "collectives":
        result = collectives()
    elif scenario == "repeated_sums":
        result = repeated_sums()
    elif scenario == "different_models":
        DDP(build(seed=0) if dist.get_rank() == 0 else nn.Linear(6, 3).double())
        result = "no error"
    elif scenario == "mismatched_all_reduce":
        dist.all_reduce(mg.ones(4 if dist.get_rank() == 0 else 6))
        result = "no error"
    elif scenario == "api":
        result = api()
    elif scenario == "dead_rank":
        # both ranks up (a loaded machine can start one seconds after the other), then a 2 s timeout
        dist.barrier()
        dist.destroy_process_group()
        dist.init_process_group("mpi", timeout=2)
        if dist.get_rank() == 1:
            sys.exit(0)  # leaves without a word: the others must not wait forever
        dist.all_reduce(mg.ones(3))
        result = "no error"
    elif scenario == "rank_raises":
        if dist.get_rank() == 1:
            raise ValueError("rank 1 cannot go on")  # the others are already waiting in all_reduce
        dist.all_reduce(mg.ones(3))
        result = "no error"
    elif scenario == "rank_killed":
        if dist.get_rank() == 1:
            import os
            import signal

            os.kill(os.getpid(), signal.SIGKILL)
        dist.all_reduce(mg.ones(3))
        result = "no error"
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    if dist.get_rank() == 0:
        print("RESULT " + json.dumps(result), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

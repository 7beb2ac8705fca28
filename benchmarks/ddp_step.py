"""Data-parallel throughput: DistributedDataParallel on N ranks against one process, one BLAS thread each.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 mpiexec -n 2 python benchmarks/ddp_step.py [--size mnist]

All timing happens inside one MPI job, in alternating blocks, so drift between processes cancels:
  single  rank 0 trains alone on the whole batch B (the other ranks wait at a barrier)
  ddp     every rank trains on its B/N shard, gradients averaged by DDP
  local   the same, inside no_sync() (no exchange): ddp - local is the exchange's cost
Printed: samples/s of each, the speed-up ddp/single (median and range over rounds), the exchange's
share of a DDP step, and the load average, since other processes on the machine move these numbers.
"""

import argparse
import os
import statistics
import time

import numpy as np
from mpi4py import MPI

import minigrad as mg
import minigrad.distributed as dist
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.nn.parallel import DistributedDataParallel

SIZES = {"digits": (128, [64, 128, 10]), "mnist": (256, [784, 512, 512, 10])}


def build(widths):
    layers = []
    for a, b in zip(widths[:-2], widths[1:-1]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(widths[-2], widths[-1]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", choices=SIZES, default="mnist")
    p.add_argument("--steps", type=int, default=10, help="steps per timed block")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    dist.init_process_group("mpi")
    rank, n = dist.get_rank(), dist.get_world_size()
    batch, widths = SIZES[args.size]
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((batch, widths[0])).astype(np.float32))
    y = mg.tensor(rng.integers(0, widths[-1], batch))
    shard = slice(rank * batch // n, (rank + 1) * batch // n)
    xs, ys = x[shard].clone(), y[shard].clone()

    mg.manual_seed(0)
    single = build(widths)
    single_opt = optim.SGD(single.parameters(), lr=0.01)
    ddp = DistributedDataParallel(build(widths))
    ddp_opt = optim.SGD(ddp.parameters(), lr=0.01)

    def step(model, opt, xb, yb):
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        opt.step()

    def block(kind):
        MPI.COMM_WORLD.Barrier()
        t0 = time.perf_counter()
        for _ in range(args.steps):
            if kind == "single":
                if rank == 0:
                    step(single, single_opt, x, y)
            elif kind == "ddp":
                step(ddp, ddp_opt, xs, ys)
            else:
                with ddp.no_sync():
                    step(ddp, ddp_opt, xs, ys)
        MPI.COMM_WORLD.Barrier()
        return (time.perf_counter() - t0) / args.steps

    for kind in ("single", "ddp", "local"):
        block(kind)  # warm-up
    times = {"single": [], "ddp": [], "local": []}
    for _ in range(args.rounds):
        for kind in times:
            times[kind].append(block(kind))
    if rank == 0:
        med = {k: statistics.median(v) for k, v in times.items()}
        spread = {k: (min(v) / med[k], max(v) / med[k]) for k, v in times.items()}
        speedups = [s / d for s, d in zip(times["single"], times["ddp"])]
        threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset (all cores)")
        print(f"{args.size}: batch {batch}, widths {widths}, {n} ranks, {args.rounds} rounds x {args.steps} steps, "
              f"OPENBLAS_NUM_THREADS={threads}, load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
        for k in times:
            print(f"  {k:>6}: {med[k] * 1e3:7.2f} ms/step  {batch / med[k]:8.0f} samples/s  "
                  f"(spread {spread[k][0]:.2f}-{spread[k][1]:.2f})")
        share = max(0.0, med["ddp"] - med["local"]) / med["ddp"]
        print(f"  speed-up ddp/single: {med['single'] / med['ddp']:.2f}x (per round {min(speedups):.2f}-"
              f"{max(speedups):.2f})   exchange share of a DDP step: {share:.1%}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

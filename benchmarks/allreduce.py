"""all_reduce bandwidth: minigrad.distributed.all_reduce against raw mpi4py Allreduce on the same buffers.

    mpiexec -n 2 python benchmarks/allreduce.py [--max-mb 256]

Both are timed in the same processes, in alternating blocks, on float32 buffers from 1 KB to max-mb;
printed: algorithm bandwidth (bytes / time) of each and their ratio (median over rounds, and the
range of the per-round ratios), with and without minigrad's per-call agreement check
(MINIGRAD_DISTRIBUTED_DEBUG=OFF skips it; DDP's exchanges never use it), and the load average
before and after, since other processes on the machine move these numbers.
"""

import argparse
import os
import statistics
import time

import numpy as np
from mpi4py import MPI

import minigrad as mg
import minigrad.distributed as dist


def seconds(fn, repeats):
    MPI.COMM_WORLD.Barrier()
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t0) / repeats


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--max-mb", type=float, default=256)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    dist.init_process_group("mpi")
    group = dist._current()
    rank = dist.get_rank()
    size = 1024
    if rank == 0:
        print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
        print(f"{'bytes':>12} {'raw GB/s':>9} {'ours GB/s':>9} {'ratio':>6} {'(range)':>11} {'unchecked':>9} "
              f"{'(range)':>11}")
    while size <= args.max_mb * 2**20:
        t = mg.zeros(size // 4)
        raw = np.zeros(size // 4, dtype=np.float32)
        repeats = max(3, min(2000, int(2e8 / size)))

        def ours(t=t):
            dist.all_reduce(t)

        def unchecked(t=t):
            group.check = False
            dist.all_reduce(t)
            group.check = True

        def mpi(raw=raw):
            MPI.COMM_WORLD.Allreduce(MPI.IN_PLACE, raw, MPI.SUM)

        times = {"raw": [], "ours": [], "unchecked": []}
        for _ in range(args.rounds):  # alternating blocks: drift hits all three alike
            for name, fn in (("raw", mpi), ("ours", ours), ("unchecked", unchecked)):
                times[name].append(seconds(fn, repeats))
        med = {k: statistics.median(v) for k, v in times.items()}
        ratios = {k: [r / o for r, o in zip(times["raw"], times[k])] for k in ("ours", "unchecked")}
        if rank == 0:
            spread = {k: f"{min(v):.2f}-{max(v):.2f}" for k, v in ratios.items()}
            print(f"{size:>12} {size / med['raw'] / 1e9:>9.3f} {size / med['ours'] / 1e9:>9.3f} "
                  f"{statistics.median(ratios['ours']):>6.2f} {spread['ours']:>11} "
                  f"{statistics.median(ratios['unchecked']):>9.2f} {spread['unchecked']:>11}", flush=True)
        size *= 4
    if rank == 0:
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

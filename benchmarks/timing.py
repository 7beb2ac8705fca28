"""The one timing helper the benchmarks share."""

import statistics
import time


def median_seconds(fn, repeats, warmup_seconds=0.5):
    """Median wall time of fn() over `repeats` calls, after calling it untimed for `warmup_seconds`.

    The warm-up is measured in time, not calls: on this (virtual, 2-core) machine a process runs its
    first few hundred milliseconds up to 2x slower (measured: the digits step's median over 2,000
    calls varied 0.17-0.31 ms from run to run without it, 0.17-0.18 ms with it)."""
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)

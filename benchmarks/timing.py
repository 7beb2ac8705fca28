"""The timing helpers the benchmarks share."""

import statistics
import time


def warm_up(fn, seconds=0.5):
    """Call fn() untimed for `seconds` (at least once), so that caches, the allocator and the BLAS
    thread pool settle before anything is timed. Measured in time, not calls, so that it means the
    same for a 0.1 ms step and a 500 ms one."""
    end = time.perf_counter() + seconds
    fn()
    while time.perf_counter() < end:
        fn()


def median_seconds(fn, repeats, warmup_seconds=0.5):
    """Median wall time of fn() over `repeats` calls, after warming up for `warmup_seconds` (0: none)."""
    if warmup_seconds:
        warm_up(fn, warmup_seconds)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)

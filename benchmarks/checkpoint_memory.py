"""Peak memory of mg.load on a large checkpoint, and what one kept tensor holds afterwards.

    python benchmarks/checkpoint_memory.py [--mb 381]

Writes a file of one big float32 tensor (--mb MB) and one 4 MB tensor, then in a fresh process loads it
and reports: the rise of the RSS high-water mark during load (Linux's VmHWM, reset before loading),
tracemalloc's peak, and the RSS still held after dropping everything but the 4 MB tensor. The bound
the loader promises: peak <= file size + the largest tensor; held ~ the kept tensor. Then the same for
saving what was loaded: the writer streams the tensors' own memory, so its peak is the header only.
"""

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import tracemalloc

import minigrad as mg


def _kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field))


def child(path):
    gc.collect()
    base = _kib("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    tracemalloc.start()
    ckpt = mg.load(path)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    peak = _kib("VmHWM") - base
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _kib("VmRSS")
    tracemalloc.start()
    mg.save(ckpt, path + ".copy")
    save_traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    save_peak = _kib("VmHWM") - before
    os.unlink(path + ".copy")
    small = ckpt["small"]
    del ckpt
    gc.collect()
    held = _kib("VmRSS") - base
    size = os.path.getsize(path) / 2**20
    print(f"file {size:.1f} MiB | load: RSS peak rise {peak / 1024:.1f} MiB, tracemalloc peak "
          f"{traced / 2**20:.1f} MiB (bound: file + largest tensor = {2 * size - 4:.1f} MiB) | held after keeping "
          f"one {small.numel() * 4 / 2**20:.0f} MiB tensor: {held / 1024:.1f} MiB")
    print(f"save of the same: RSS peak rise {save_peak / 1024:.1f} MiB, tracemalloc peak {save_traced / 2**20:.2f} MiB")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mb", type=int, default=381)
    p.add_argument("--child")
    args = p.parse_args()
    if args.child:
        return child(args.child)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.safetensors")
        mg.save({"big": mg.zeros(args.mb * 2**18), "small": mg.ones(2**20)}, path)
        subprocess.run([sys.executable, __file__, "--child", path], check=True)


if __name__ == "__main__":
    main()

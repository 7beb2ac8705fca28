"""Host time of one kernel launch: Numba's generic launch path against ours (kernels/launch.py).
Needs no GPU; prints a table, asserts nothing.

    python benchmarks/launch_overhead.py

What is timed, per launch of bias_add_kernel (2 arrays + 2 scalars) and column_sum (4 arrays + 1):

* before — what `kernel[grid, block, stream](*args)` does on every call before the driver call
  (numba-cuda 0.30): `typeof` of every argument, which exports each array through DLPack to find
  the compiled overload, then `_Kernel._prepare_args` of every argument, which exports it again to
  marshal it. Numba's own functions are called, on arrays that export host memory through DLPack
  (no driver needed); CuPy's DLPack export is dearer (18.5 + 28 us per array measured on a GPU
  machine), so these numbers are a lower bound. Not timed: the C dispatcher's lookup and the
  stream conversion (`_to_core_stream`, which needs a driver).
* after — `Kernel.launch` itself, every line of it, with only what needs a GPU replaced: the
  driver call (`launch.driver_launch`) by a no-op, CuPy's current device and stream
  (`launch.current_stream`) by a constant, and the one-time compilation by a placeholder kernel
  entered in its cache (the per-signature lookup is timed).

On a machine with a GPU and CuPy, the same two columns are also measured for real CuPy arrays,
with the driver call stubbed in both paths (numba.cuda.dispatcher.launch and ours).
"""

import functools
import sys
import timeit
from pathlib import Path
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import warm_up  # noqa: E402


class HostDeviceArray:
    """What the launch paths read from a CuPy array, over host memory: shape, strides, dtype,
    flags, .data.ptr for ours; __dlpack__ for Numba's."""

    def __init__(self, a):
        self.a, self.data = a, SimpleNamespace(ptr=a.ctypes.data)
        self.shape, self.strides, self.dtype, self.ndim = a.shape, a.strides, a.dtype, a.ndim
        self.size, self.itemsize, self.flags = a.size, a.itemsize, a.flags

    def __dlpack__(self, **kwargs):
        return self.a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.a.__dlpack_device__()


def cases(make):
    """(name, Kernel, grid, block, args) for our two kernels, arrays made by make(ndarray)."""
    from minigrad.kernels import bias, reduce

    g = np.ones((1024, 4096), np.float32)
    return [
        ("bias_add_kernel (2 arrays)", bias.bias_add_kernel, (1056,), (256,),
         (make(g.reshape(-1)), make(g[0]), np.float32(0), False)),
        ("column_sum (4 arrays)", reduce.column_sum_kernel, (128, 8), reduce.BLOCK,
         (make(g), make(g), make(g), make(g[:8]), True)),
    ]


def numba_per_call(args):
    """Numba's per-call typing and argument preparation for `args` (the driver call excluded)."""
    from numba.cuda.dispatcher import _Kernel
    from numba.cuda.typing.typeof import Purpose, typeof

    stub = SimpleNamespace(extensions=[])
    types = [typeof(a, Purpose.argument) for a in args]
    params = []
    for t, a in zip(types, args):
        _Kernel._prepare_args(stub, t, a, 0, [], params)
    return params


def stub_gpu(launch):
    """Replace what needs a GPU in kernels/launch.py: the driver call, CuPy's device and stream."""
    launch.driver_launch = lambda *a: None
    launch.current_stream = lambda: (0, 0)
    launch._stream = functools.cache(lambda device, ptr: object())


def microseconds(fn, number=2000, repeats=7):
    warm_up(fn, 0.2)
    return min(timeit.repeat(fn, number=number, repeat=repeats)) / number * 1e6


def host_table():
    from minigrad.kernels import launch

    stub_gpu(launch)
    print("host memory through DLPack; driver call excluded (see the docstring):")
    print(f"{'kernel':28} {'Numba us':>10} {'ours us':>10} {'ratio':>7}")
    for name, kernel, grid, block, args in cases(HostDeviceArray):
        key = (tuple(launch._key(a) for a in args), 0)
        kernel._functions[key] = object()  # the compiled kernel, resolved once (needs a GPU)
        before = microseconds(functools.partial(numba_per_call, args))
        after = microseconds(functools.partial(kernel.launch, grid, block, *args))
        print(f"{name:28} {before:10.1f} {after:10.1f} {before / after:6.1f}x")


def gpu_table():
    import cupy
    import numba.cuda.dispatcher as numba_dispatcher
    from minigrad.kernels import launch

    stream = cupy.cuda.get_current_stream()
    numba_stream = launch.cuda.external_stream(stream.ptr)
    print("CuPy arrays on", cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(),
          "; driver call stubbed in both paths:")
    print(f"{'kernel':28} {'Numba us':>10} {'ours us':>10} {'ratio':>7}")
    for name, kernel, grid, block, args in cases(cupy.asarray):
        kernel.launch(grid, block, *args)  # compile and load once, for real
        numba_dispatcher.launch = launch.driver_launch = lambda *a: None
        configured = kernel.dispatcher[grid, block, numba_stream]
        before = microseconds(functools.partial(configured, *args), number=500)
        after = microseconds(functools.partial(kernel.launch, grid, block, *args), number=500)
        print(f"{name:28} {before:10.1f} {after:10.1f} {before / after:6.1f}x")
    print()


def main():
    try:
        import cupy

        has_gpu = cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no CuPy, or no driver/GPU
        has_gpu = False
    if has_gpu:
        gpu_table()  # first: host_table stubs CuPy's device and stream out of kernels/launch.py
    host_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())

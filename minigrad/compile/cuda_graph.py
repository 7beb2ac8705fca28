"""GPU replay: a planned program captured once into CUDA graphs, so a step is one graph launch.

The same executors as on the CPU (replay.py: CuPy ufuncs with `out=`, cuBLAS GEMMs via matmul, our
Numba kernels through the backend) are run once for real on a side stream (lazy cuBLAS handles and
kernel compilation happen then, outside any capture), then again between `stream.begin_capture()`
and `end_capture()`: every kernel they launch lands in a `cupy.cuda.Graph` instead of running.
What cannot be in a graph runs on the host between graphs, in program order: guards (they read a
value back to decide), random draws (minigrad draws on the host, then copies in), scheduler steps
and optimizer steps that must run eagerly (optimizers.py). The arguments are copied into the static
input buffers, and the optimizers' live numbers (lr, Adam's step count: scalars.py) into their slots,
on the same stream before the first launch — PyTorch's `torch.cuda.graph` recipe.

Memory: a graph bakes in addresses. Buffers planned by memory.py exist before capture; anything a
captured call allocates (a generic executor's result) comes from a private memory pool kept alive
with the graphs, so nothing else is ever given those blocks (PyTorch's graph-private pool).

While recording, the CUDA backend's kernels see Traced arrays; `TracingBackend` records each call
as one instruction (a kernel that returns nothing works in place on its first argument, as
backend/cpu.py's docstring says every kernel does) and launches the real kernel.

Not run in this repository's CI: it has no GPU, and Numba's simulator has neither CuPy nor graphs
(there a compiled step runs eagerly, with a warning; tests/test_compile.py checks that).
"""

import warnings

import numpy as np

from .memory import allocate
from .replay import Replay, call_executor, executor
from .traced import Traced

_HOST = ("guard", "draw", "call")  # instruction kinds that run outside graphs


def lower(program):
    """A Replay of program on its CUDA device, each run of device work one captured graph."""
    import cupy

    pool = cupy.cuda.MemoryPool()
    with cupy.cuda.using_allocator(pool.malloc):
        arrays = allocate(program, cupy)
    replay = GraphReplay(program, cupy, [], pool)
    for instr in program.instrs:
        if instr.kind == "call":
            replay.steps.append(("host", call_executor(instr, replay)))
        elif instr.kind != "view":
            # host data (a random draw, its copy to the device) cannot be in a graph: pageable copies
            on_host = any(isinstance(arrays[id(v)], np.ndarray) for v in instr.reads() + instr.outs)
            kind = "host" if instr.kind in _HOST or on_host else "device"
            replay.steps.append((kind, executor(instr, arrays, cupy)))
    replay.capture()
    return replay


class GraphReplay(Replay):
    """Replay whose device work is launched as captured graphs on one side stream."""

    def __init__(self, program, xp, steps, pool):
        super().__init__(program, xp, steps)
        self.pool, self.stream = pool, xp.cuda.Stream(non_blocking=True)
        self.segments = []  # ("graph", Graph) or ("host", callable), in program order

    def capture(self):
        xp = self.xp
        with xp.cuda.using_allocator(self.pool.malloc), self.stream:
            for _, step in self.steps:  # warm-up outside capture: handles, kernels, pool blocks
                step()
            self.stream.synchronize()
            run = []
            for kind, step in self.steps + [("host", None)]:
                if kind == "device":
                    run.append(step)
                    continue
                if run:
                    self.segments.append(("graph", self._capture(run)))
                    run = []
                if step is not None:
                    self.segments.append(("host", step))

    def _capture(self, run):
        self.stream.begin_capture()
        try:
            for step in run:
                step()
        except Exception as e:
            self.stream.end_capture()
            warnings.warn(f"minigrad.compile: CUDA graph capture failed ({e}); this program replays "
                          "its kernels one by one instead", stacklevel=2)
            return _Uncaptured(run)
        return self.stream.end_capture()

    def run(self):
        with self.xp.cuda.using_allocator(self.pool.malloc), self.stream:
            for kind, what in self.segments:
                if kind == "graph":
                    what.launch(self.stream)
                else:
                    what()
        self.stream.synchronize()  # the caller may read results on another stream

    def __call__(self, args, kwargs):
        with self.stream:  # the input copies queue on the stream the graphs run on
            return super().__call__(args, kwargs)


class _Uncaptured:
    """A run of device steps that could not be captured: launched one by one instead."""

    def __init__(self, run):
        self.run = run

    def launch(self, stream):
        for step in self.run:
            step()


class TracingBackend:
    """The CUDA backend while recording: each kernel call is one recorded instruction."""

    def __init__(self, backend, tracer):
        self._backend, self._tracer = backend, tracer

    def __getattr__(self, name):
        attr = getattr(self._backend, name)
        if not callable(attr) or name in ("to_host", "device_name", "synchronize"):
            return attr
        tracer = self._tracer

        def kernel(*args):
            result = tracer.call(attr, args, {})
            if result is None and args and isinstance(args[0], Traced):  # in place on its first argument
                tracer.tape[-1].writes.append(args[0]._v)
            return result

        kernel.__name__ = name
        return kernel

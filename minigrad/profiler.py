"""torch.profiler: the same op-level profiler as minigrad.autograd.profiler (where it lives), in the
newer API's spelling:

    from minigrad.profiler import ProfilerActivity, profile, record_function
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            model(inputs)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

ProfilerActivity.CUDA makes each op wait for its GPU work, so that its time includes the kernels.
on_trace_ready(prof) is called when the block ends; schedule= (profiling some steps of a loop) is
not implemented: put the steps to profile in the `with` block.
"""

import enum

from .autograd import profiler as _autograd_profiler
from .autograd.profiler import record_function
from .autograd.profiler_util import EventList, FunctionEvent, FunctionEventAvg

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerActivity", "profile", "record_function"]


class ProfilerActivity(enum.Enum):
    CPU = "CPU"
    CUDA = "CUDA"


class profile(_autograd_profiler.profile):
    """torch.profiler.profile: `activities` (default: CPU, and CUDA where a GPU is in use) and
    record_shapes as in PyTorch; see minigrad.autograd.profiler.profile."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False):
        if schedule is not None:
            raise NotImplementedError("profile(schedule=...) is not implemented in minigrad: put the steps to profile "
                                      "in one `with profile(...)` block")
        activities = set(activities or (ProfilerActivity.CPU,))
        super().__init__(use_cuda=ProfilerActivity.CUDA in activities, record_shapes=record_shapes,
                         profile_memory=profile_memory, with_stack=with_stack, with_flops=with_flops,
                         with_modules=with_modules)
        self.on_trace_ready = on_trace_ready

    def __exit__(self, *exc):
        super().__exit__(*exc)
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)


from .unsupported import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__, "torch.profiler")  # a missing name says so (unsupported.py)

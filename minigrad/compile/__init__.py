"""`minigrad.compile`: record a whole training step once, then replay it as a flat program.

    step = mg.compile(train_step)      # train_step(x, y): zero_grad, forward, loss, backward, opt.step
    for x, y in loader:
        loss = step(x, y)

The first call with new shapes runs eagerly, the second is *recorded* (a real step, with every array
operation put on a tape: trace.py, capture.py), and later calls *replay* the recorded program:
no Tensor, Function or autograd graph objects, every array in a buffer planned once (memory.py),
elementwise chains fused into single loops where Numba is installed (fuse.py), the whole program
one CUDA-graph launch on a GPU (cuda_graph.py). The optimizer's update is on the tape too, with its
numbers (lr, betas, Adam's step count) read live on every replay (scalars.py, optimizers.py): an lr
scheduler needs no new recording, whether it steps outside the compiled function or inside it after
`opt.step()`. Guards keep a replay honest: other shapes, dtypes, devices, parameters, optimizer
options that are not numbers, grad / inference mode, autocast or a module's train/eval flag pick (or
record) another program, and a Python value read from the data inside the step (`int(t.max())`,
`.item()`) must come out the same or the call is recorded again (step.py). What cannot be replayed
(an array's memory handed to other code, as DistributedDataParallel's MPI exchange does) runs
eagerly, with one warning saying why and where.

Semantics to know (those of CUDA graphs and jax.jit): Python side effects of the step (prints,
appending to a list, hooks) happen only in eager and recorded calls; Python numbers the step reads
from your code are fixed at recording — pass values that change as tensor arguments (the
optimizers' own numbers excepted, see above); tensors the step returns are fresh copies, but the
`.grad` of parameters are the program's own buffers, refilled by every call (a
`record_function` range inside the step is such a side effect too). Under a recording profiler
(minigrad.profiler) a replay is one event, "compiled <step's name>", with its array calls inside it;
an eager or recorded call shows the ops it runs (replay.py).

`compile(module)` compiles the module's forward in place (for inference: a forward whose result
needs autograd stays eager) and returns the module, like `nn.Module.compile()` in PyTorch.
"""

from ..nn.module import Module
from .step import CompiledStep


def compile(model=None, *, fullgraph=False, dynamic=None, backend=None, mode=None, options=None,
            disable=False):
    """Compile a step function (or a Module's forward); usable as `compile(f)` or `@compile()`.

    The keywords are torch.compile's; `disable=True` returns `model` unchanged and `fullgraph=True`
    raises instead of falling back to eager when something cannot be compiled.
    """
    if model is None:
        return lambda m: compile(m, fullgraph=fullgraph, disable=disable)
    if disable:
        return model
    if isinstance(model, Module):  # (train() / eval() pick another program: the modules' flags are guarded)
        object.__setattr__(model, "forward", CompiledStep(model.forward, fullgraph, module=model))
        return model
    return CompiledStep(model, fullgraph)


__all__ = ["CompiledStep", "compile"]

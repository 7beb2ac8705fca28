"""Reverse-mode differentiation: walk the graph from the output back to the leaves.

Each Function has one output. We first count, for every Function reachable from the root, how many
of its consumers are in the graph; then we run backward in topological order (Kahn's algorithm) —
a Function runs once every consumer has added its gradient, so each runs exactly once. Both passes
are loops over explicit stacks: a chain of 100,000 ops needs no recursion.
"""

import threading
import weakref

from .function import FREED_MESSAGE
from .grad_mode import state

# id(leaf) -> hooks called with the leaf once its .grad has been accumulated (DDP launches its
# gradient buckets from them); keyed by id, and dropped when the leaf dies, so no tensor is kept alive
post_accumulate_hooks = {}
_pending = threading.local()  # callbacks queued during the backward pass running in this thread


def queue_callback(fn):
    """Run fn() once the backward pass now running has finished (PyTorch's engine.queue_callback)."""
    _pending.callbacks.append(fn)


def backward(root, grad, retain_graph=False):
    """Accumulate d(root)/d(leaf) * grad into `.grad` of every leaf that requires grad."""
    _pending.callbacks = []
    if root.grad_fn is None:  # backward() of a leaf: its gradient is `grad` itself
        _accumulate(root, grad, grad)
        if id(root) in post_accumulate_hooks:
            _run_hooks(root)
    else:
        _backward(root, grad, retain_graph)
    for fn in _pending.callbacks:
        fn()


def _backward(root, grad, retain_graph):
    consumers = {}
    # id(leaf) -> gradient edges still to come, for leaves with post-accumulate hooks: their hooks run
    # after the last one, once per backward as in PyTorch (a weight used twice is not done after one use)
    edges_left = {}
    stack = [root.grad_fn]
    while stack:
        fn = stack.pop()
        if fn.released:
            raise RuntimeError(FREED_MESSAGE)
        for t in fn.inputs:
            parent = getattr(t, "grad_fn", None)  # constants (Python numbers) have none
            if parent is not None:
                if parent not in consumers:
                    consumers[parent] = 0
                    stack.append(parent)
                consumers[parent] += 1
            elif post_accumulate_hooks and id(t) in post_accumulate_hooks:
                edges_left[id(t)] = edges_left.get(id(t), 0) + 1

    grads = {root.grad_fn: grad}
    ready = [root.grad_fn]
    while ready:
        fn = ready.pop()
        g = grads.pop(fn)
        if fn.epoch != state.writes:  # something was written in place since fn was recorded
            _check_unmodified(fn)
        for t, gi in zip(fn.inputs, fn.backward(g)):
            if gi is None:
                if edges_left and id(t) in edges_left:
                    _edge_done(t, edges_left)
                continue
            if gi.dtype != t.dtype:  # e.g. float32 + float64: each input gets its own dtype back
                gi = gi.astype(t.dtype)
            parent = t.grad_fn
            if parent is None:
                _accumulate(t, gi, g)
                if edges_left and id(t) in edges_left:
                    _edge_done(t, edges_left)
                continue
            grads[parent] = grads[parent] + gi if parent in grads else gi
            consumers[parent] -= 1
            if consumers[parent] == 0:
                ready.append(parent)
        if not retain_graph:
            fn.release()


_MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation: "


def _check_unmodified(fn):
    """PyTorch's rule: values this backward reads must not have been written in place since forward."""
    needs = fn.needs_input_grad
    if any(needs[j] for j in fn.saves_output) and fn.output_written[0] > fn.epoch:
        raise RuntimeError(_MODIFIED + f"the output of {fn!r} was written after the forward pass; write "
                           "into a copy instead (y = y.clone()), or update it after backward()")
    saved = fn.saved_inputs
    for i, t in enumerate(fn.inputs):
        if saved is not None and not any(needs[j] for j in saved.get(i, ())):
            continue  # not read by this backward
        written = getattr(t, "_written", None)  # constants have none
        if written is not None and written[0] > fn.epoch:
            raise RuntimeError(_MODIFIED + f"input {i} of {fn!r} ({t.dtype}, shape {t.shape}) was written "
                               "after the forward pass used it; write into a copy instead (x = x.clone()), "
                               "or update it after backward()")


def _accumulate(leaf, gi, g):
    """leaf.grad += gi, in place after the first backward, like PyTorch's AccumulateGrad."""
    if leaf.grad is None:
        # gi may be g itself or a view of memory someone else holds (add passes g through to both
        # inputs, sum's backward broadcasts it): the leaf gets its own copy before anything adds into
        # it. Fresh results (matmul, reductions) are kept as they are — no copy on the common path.
        if gi is g or gi.base is not None:
            gi = gi.copy()
        leaf.grad = type(leaf)._make(gi, leaf.device, False, None)
    else:
        leaf.grad._data += gi


def _edge_done(leaf, edges_left):
    """One gradient edge into a hooked leaf is done; after the last, its hooks run (if it got a .grad)."""
    edges_left[id(leaf)] -= 1
    if edges_left[id(leaf)] == 0 and leaf.grad is not None:
        _run_hooks(leaf)


def _run_hooks(leaf):
    for hook in post_accumulate_hooks[id(leaf)]:
        hook(leaf)


def add_post_accumulate_hook(leaf, hook):
    """Register hook(leaf) in post_accumulate_hooks; returns the leaf's list of hooks."""
    if id(leaf) not in post_accumulate_hooks:
        post_accumulate_hooks[id(leaf)] = []
        weakref.finalize(leaf, post_accumulate_hooks.pop, id(leaf), None)
    hooks = post_accumulate_hooks[id(leaf)]
    hooks.append(hook)
    return hooks

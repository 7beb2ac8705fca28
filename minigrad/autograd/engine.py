"""Reverse-mode differentiation: walk the graph from the outputs back to the leaves.

Each Function (graph node) has one output. We first count, for every node reachable from the roots,
how many of its consumers are in the graph; then we run backward in topological order (Kahn's
algorithm) — a node runs once every consumer has added its gradient, so each runs exactly once.
Both passes are loops over explicit stacks: a chain of 100,000 ops needs no recursion. A consumer
that sends no gradient (None) still counts down, so a node below it runs with what the others sent.

Gradients are arrays; with `create_graph=True` they are `Traced` arrays (traced.py) instead, so each
backward is itself recorded as a graph that can be differentiated again. Leaves normally receive
their gradient edge by edge, added into `.grad` at once; a leaf with hooks (or one whose gradient
`autograd.grad` captures) is *watched*: its edges are counted too and its hooks see the total, once.
Hooks of a non-leaf tensor are its grad_fn's (hooks.py): they run on the node's gradient before the
node does.
"""

import threading

from ..backend import guard
from ..inplace import INFERENCE, clock
from .function import FREED_MESSAGE, refuse_saved_inference
from .grad_mode import reset_grad, set_grad
from .hooks import leaf_hooks, node_hooks, post_accumulate_hooks, run_hooks


class _Pending(threading.local):
    callbacks = None  # callbacks queued during the backward pass running in this thread


_pending = _Pending()


def queue_callback(fn):
    """Run fn() once the backward pass now running has finished (PyTorch's engine.queue_callback)."""
    _pending.callbacks.append(fn)


def backward(roots, seeds, retain_graph=False, create_graph=False, inputs=None):
    """Back-propagate seeds (Tensors, one per root) from roots. With inputs=None, accumulate into
    `.grad` of every leaf that requires grad; otherwise leave `.grad` alone and return the gradient
    of each tensor of `inputs` (an array, a Traced under create_graph, or None when unreached)."""
    outer, _pending.callbacks = _pending.callbacks, []
    mode = set_grad(create_graph)  # PyTorch's rule: backward records a graph iff create_graph
    try:
        with guard(roots[0].device):  # work outside the nodes (seeds, leaf copies) runs on the roots' device
            captured = _Pass(roots, seeds, create_graph, inputs).run(retain_graph)
    finally:
        reset_grad(mode)
        callbacks, _pending.callbacks = _pending.callbacks, outer
    for fn in callbacks:
        fn()
    return captured


class _Pass:
    """One backward pass over the graph below `roots`."""

    def __init__(self, roots, seeds, create_graph, inputs):
        self.create_graph, self.capture = create_graph, inputs is not None
        self.targets = {}  # node -> slots of `inputs` whose gradient is that node's output gradient
        self.watch = {}  # id(leaf) -> [edges still to come, gradient so far, leaf, slots]
        self.hooked = ()  # ids of leaves with hooks, when backward accumulates into .grad
        self.captured = None
        if self.capture:
            self.captured = [None] * len(inputs)
            for slot, t in enumerate(inputs):
                if t.grad_fn is not None:
                    self.targets.setdefault(t.grad_fn, []).append(slot)
                else:
                    self._watch(t).append(slot)
        elif leaf_hooks or post_accumulate_hooks:
            self.hooked = leaf_hooks.keys() | post_accumulate_hooks.keys()
        self.roots = [(r, traced.Traced(s) if create_graph else s._data) for r, s in zip(roots, seeds)]

    def _watch(self, leaf):
        if id(leaf) not in self.watch:
            self.watch[id(leaf)] = [0, None, leaf]
        return self.watch[id(leaf)]

    def count(self):
        """consumers[node] = number of edges into node from nodes in the graph; counts watched leaves' edges."""
        consumers = {}
        stack = []
        watch, hooked = self.watch, self.hooked
        watching = bool(watch or hooked)  # any leaf whose edges must be counted
        for r, _ in self.roots:
            if r.grad_fn is None:  # a leaf as a root: its seed is one more edge into it
                if id(r) in hooked:
                    self._watch(r)
                if id(r) in watch:
                    watch[id(r)][0] += 1
            elif r.grad_fn not in consumers:
                consumers[r.grad_fn] = 0
                stack.append(r.grad_fn)
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
                elif watching and getattr(t, "requires_grad", False):
                    if id(t) in hooked:
                        self._watch(t)
                    if id(t) in watch:
                        watch[id(t)][0] += 1
        return consumers

    def needed(self, consumers):
        """The nodes whose backward leads to a captured gradient (autograd.grad runs only those)."""
        needed = set()
        for fn in _post_order(consumers):  # every node after all the nodes below it
            for t in fn.inputs:
                parent = getattr(t, "grad_fn", None)
                if parent in needed or parent in self.targets or (parent is None and id(t) in self.watch):
                    needed.add(fn)
                    break
        return needed

    def run(self, retain_graph):
        consumers = self.count()
        capture, create_graph, watch = self.capture, self.create_graph, self.watch
        accumulate = _ignore if capture else _accumulate_graph if create_graph else _accumulate
        needed = self.needed(consumers) if capture else None
        grads = {}
        for r, s in self.roots:
            if r.grad_fn is not None:
                grads[r.grad_fn] = grads[r.grad_fn] + s if r.grad_fn in grads else s
            elif id(r) in watch:
                self.watched(r, s)
            else:  # backward() of a leaf: its gradient is the seed itself (copied: the caller holds it)
                accumulate(r, s, None)
        ready = [fn for fn in grads if consumers[fn] == 0]
        hooks = node_hooks
        while ready:
            fn = ready.pop()
            g = grads.pop(fn, None)
            if hooks and g is not None and id(fn) in hooks:
                g = run_hooks(hooks[id(fn)], g, fn.device)
            if capture:
                for slot in self.targets.get(fn, ()):
                    self.captured[slot] = g
                if fn not in needed:
                    continue  # its gradient was all autograd.grad asked for
            if g is None:  # no consumer sent a gradient: pass "none" on, so the nodes below still count down
                self.none_below(fn, consumers, ready)
                if not retain_graph:
                    fn.release()
                continue
            if fn.epoch != clock.writes:  # something was written in place since fn was recorded
                _check_unmodified(fn)
            if fn.guard is None:
                self.step(fn, g, grads, consumers, ready, accumulate)
            else:  # CUDA: backward and the gradient sums run on the inputs' GPU, as the forward did
                with fn.guard:
                    self.step(fn, g, grads, consumers, ready, accumulate)
            if not retain_graph:
                fn.release()
        return self.captured

    def step(self, fn, g, grads, consumers, ready, accumulate):
        """Run fn's backward on its gradient g and send each input's gradient on: into the gradient of
        the node that made it (ready once all its consumers have sent theirs), or into a leaf."""
        results = higher_order.backward(fn, g) if self.create_graph else fn.backward(g)
        for t, gi in zip(fn.inputs, results):
            if gi is None:  # t needs no gradient (or fn sent none): count down all the same
                if isinstance(t, Tensor):  # not a constant
                    parent = t.grad_fn
                    if parent is not None:
                        consumers[parent] -= 1
                        if consumers[parent] == 0:
                            ready.append(parent)
                    elif self.watch and id(t) in self.watch:
                        self.watched(t, None)
                    elif t._written is INFERENCE:
                        refuse_saved_inference(fn)
                continue
            if gi.dtype != t._data.dtype:  # e.g. float32 + float64: each input gets its own dtype back
                gi = gi.astype(t._data.dtype)
            parent = t.grad_fn
            if parent is None:
                if self.watch and id(t) in self.watch:
                    self.watched(t, gi)
                else:
                    accumulate(t, gi, g)
                continue
            grads[parent] = grads[parent] + gi if parent in grads else gi
            consumers[parent] -= 1
            if consumers[parent] == 0:
                ready.append(parent)

    def none_below(self, fn, consumers, ready):
        """fn got no gradient at all: the nodes (and watched leaves) below it count down its edges."""
        for t in fn.inputs:
            parent = getattr(t, "grad_fn", None)  # a Tensor's, or a multi-output Function's Edge's
            if parent is not None:
                consumers[parent] -= 1
                if consumers[parent] == 0:
                    ready.append(parent)
            elif id(t) in self.watch:
                self.watched(t, None)

    def watched(self, leaf, gi):
        """Gradient gi (None: that edge sent none) for a watched leaf; the last edge runs its hooks."""
        w = self.watch[id(leaf)]
        if gi is not None:
            w[1] = gi if w[1] is None else w[1] + gi
        w[0] -= 1
        if w[0] > 0:
            return
        total = w[1]  # every edge has arrived: the hooks see the whole gradient, once
        if total is not None and id(leaf) in leaf_hooks:
            total = run_hooks(leaf_hooks[id(leaf)], total, leaf.device)
        if self.capture:
            for slot in w[3:]:
                self.captured[slot] = total
        elif total is not None:
            deliver(leaf, total, self.create_graph)


def _post_order(consumers):
    """The nodes of `consumers` (those reachable from the roots), each after all nodes below it."""
    order, done = [], set()
    stack = [(fn, False) for fn, n in consumers.items() if n == 0]  # the roots
    while stack:
        fn, expanded = stack.pop()
        if expanded:
            order.append(fn)
        elif fn not in done:
            done.add(fn)
            stack.append((fn, True))
            for t in fn.inputs:
                parent = getattr(t, "grad_fn", None)
                if parent is not None and parent not in done:
                    stack.append((parent, False))
    return order


_MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation: "


def _check_unmodified(fn):
    """PyTorch's rule: values this backward reads must not have been written in place since forward."""
    needs = fn.needs_input_grad
    if any(needs[j] for j in fn.saves_output) and fn.output_written[0] > fn.epoch:
        raise RuntimeError(_MODIFIED + f"the output of {fn.name()} was written after the forward pass; write "
                           "into a copy instead (y = y.clone()), or update it after backward()")
    saved = fn.saved_inputs
    for i, t in enumerate(fn.inputs):
        if saved is not None and not any(needs[j] for j in saved.get(i, ())):
            continue  # not read by this backward
        written = getattr(t, "_written", None)  # constants have none
        if written is not None and written[0] > fn.epoch:
            raise RuntimeError(_MODIFIED + f"input {i} of {fn.name()} ({t.dtype}, shape {tuple(t.shape)}) was written "
                               "after the forward pass used it; write into a copy instead (x = x.clone()), "
                               "or update it after backward()")


def deliver(t, g, create_graph):
    """Accumulate a tensor's whole gradient g of this pass into t.grad, then run its post-accumulate hooks."""
    (_accumulate_graph if create_graph else _accumulate)(t, g, None)
    for hook in post_accumulate_hooks.get(id(t), ()):
        hook(t)


def as_result(g, device, shared):
    """A captured gradient as a Tensor of its own (g may be memory the graph or the caller holds)."""
    if isinstance(g, traced.Traced):
        return g.t.clone() if shared or g.base is not None else g.t
    return Tensor._make(g.copy(), device, False, None)


def _accumulate(leaf, gi, g):
    """leaf.grad += gi, in place after the first backward, like PyTorch's AccumulateGrad.

    g is the gradient of the node that produced gi (None: unknown). gi may be g itself or a view of
    memory someone else holds (add passes g through to both inputs, sum's backward broadcasts it): the
    leaf then gets its own copy before anything adds into it. Fresh results (matmul, reductions) are
    kept as they are — no copy on the common path.
    """
    if leaf._grad is None:
        if gi is g or g is None or gi.base is not None:
            gi = gi.copy()
        leaf._grad = Tensor._make(gi, leaf.device, False, None)
    else:
        leaf._grad._data += gi


def _accumulate_graph(leaf, gi, g):
    """create_graph: .grad becomes a tensor with a graph (its own memory), summed out of place as in PyTorch."""
    grad = gi.t.clone() if gi is g or g is None or gi.base is not None else gi.t
    leaf._grad = grad if leaf._grad is None else leaf._grad + grad


def _ignore(leaf, gi, g):
    pass  # autograd.grad leaves .grad alone


from ..tensor import Tensor  # noqa: E402  (tensor.py imports this module)
from . import higher_order, traced  # noqa: E402

"""Tensor hooks, kept beside the tensors and graph nodes they belong to rather than on them: in dicts
keyed by id, each entry dropped when its owner dies (weakref.finalize), so a hook keeps nothing alive
and a backward pass without hooks pays one test of an empty dict.

    leaf_hooks              id(leaf) -> [hook(grad) -> replacement or None], run on the leaf's whole
                            gradient before it reaches .grad (register_hook on a leaf)
    node_hooks              id(grad_fn) -> the same for the tensor that node made (register_hook and
                            retain_grad on a non-leaf: they stay after backward frees the node, as in PyTorch)
    post_accumulate_hooks   id(leaf) -> [hook(leaf)], once its .grad has been accumulated (DDP launches
                            its gradient buckets from them)
"""

import weakref

post_accumulate_hooks = {}
leaf_hooks = {}
node_hooks = {}


def add_post_accumulate_hook(leaf, hook):
    """Register hook(leaf) in post_accumulate_hooks; returns the leaf's list of hooks."""
    return _hooks_of(post_accumulate_hooks, leaf, hook)


def add_leaf_hook(leaf, hook):
    """Register hook(grad) for a leaf in leaf_hooks; returns the leaf's list of hooks."""
    return _hooks_of(leaf_hooks, leaf, hook)


def add_node_hook(fn, hook, last=False):
    """Register hook(grad) for the output of node fn; retain_grad's hook is kept last (PyTorch's rule:
    it stores the gradient the other hooks made). Returns the node's list of hooks."""
    hooks = _hooks_of(node_hooks, fn)
    retains = bool(hooks) and getattr(hooks[-1], "retains_grad", False)
    hooks.insert(len(hooks) - 1 if retains and not last else len(hooks), hook)
    return hooks


def _hooks_of(registry, owner, hook=None):
    """owner's list of hooks in registry (made on first need), with hook appended."""
    if id(owner) not in registry:
        registry[id(owner)] = []
        weakref.finalize(owner, registry.pop, id(owner), None)
    hooks = registry[id(owner)]
    if hook is not None:
        hooks.append(hook)
    return hooks


def run_hooks(hooks, g, device):
    """Run tensor hooks on gradient g (each may return a replacement of the same shape and dtype)."""
    for hook in list(hooks):
        grad = traced.as_tensor(g, device)
        new = hook(grad)
        if new is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        if not isinstance(new, Tensor):
            raise TypeError(f"hook '{name}' must return a Tensor or None, but it returned {type(new).__name__}")
        if new.shape != grad.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value: it got a gradient of shape "
                               f"{tuple(grad.shape)} and returned one of shape {tuple(new.shape)}")
        if new.dtype != grad.dtype or new.device != grad.device:
            raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.dtype} on {grad.device}, "
                               f"got {new.dtype} on {new.device})")
        g = traced.from_tensor(new, g)
    return g




class RetainGrad:
    """The hook retain_grad() adds, always last: it keeps (and accumulates) the gradient in .grad."""

    retains_grad = True

    def __init__(self, tensor):
        self.tensor = weakref.ref(tensor)  # the node must not keep its output alive (no cycle)

    def __call__(self, grad):
        t = self.tensor()
        if t is not None:
            t._grad = grad.clone() if t._grad is None else t._grad + grad


from ..tensor import Tensor  # noqa: E402  (tensor.py imports autograd)
from . import traced  # noqa: E402

"""Every public function, Tensor method and operator, nn layer, optimizer, lr scheduler and data
utility of minigrad, run forward and backward on cuda:1 of a simulated two-GPU machine while cuda:0
stays current. The strict simulated arrays (backend/sim.py) raise on any array work done outside
the device guard of its tensors, naming the file and line; every result and gradient must be on
cuda:1. The same calls run on the CPU too.

The names are read from minigrad's namespaces (device_sweep.NAMESPACES), so a new op is swept as
soon as it exists: test_every_public_name_is_swept fails until device_sweep.py has a call for it.
"""

import types

import pytest
from conftest import SIMULATED
from device_sweep import CUDA_ONLY, EXTRA, FUNCTIONS, METHODS, NAMESPACES, NOT_SWEPT, Inputs

import minigrad as mg
from minigrad.unsupported import TENSOR_MISSING

# Tensor's own dunders that are no op: construction (swept as minigrad.Tensor) and identity
_NOT_OPERATORS = {"__init__", "__hash__"}


def public_names():
    """{qualified name: object} for the public callables of NAMESPACES (aliases too; an object that an
    earlier namespace has, e.g. F.relu, only there) and every public attribute and operator of Tensor."""
    names, seen = {}, set()
    for namespace in NAMESPACES:
        found = {attr: getattr(namespace, attr) for attr in dir(namespace) if not attr.startswith("_")}
        found = {attr: obj for attr, obj in found.items()
                 if callable(obj) and not isinstance(obj, types.ModuleType) and id(obj) not in seen}
        names.update({f"{namespace.__name__}.{attr}": obj for attr, obj in found.items()})
        seen |= {id(obj) for obj in found.values()}
    for cls in mg.Tensor.__mro__:
        if cls.__module__.startswith("minigrad"):
            for attr, value in vars(cls).items():
                if attr.startswith("__") and callable(value) and attr not in _NOT_OPERATORS:
                    names[f"Tensor.{attr}"] = value
    names.update({f"Tensor.{attr}": getattr(mg.Tensor, attr) for attr in dir(mg.Tensor)
                  if not attr.startswith("_") and attr not in TENSOR_MISSING})  # (those only raise: unsupported.py)
    return names


NAMES = public_names()


def _function(fn, arguments):
    def call(d):
        a = arguments(d)
        return fn(*a.args, **a.kwargs)
    return call


def _method(attr, arguments):
    def call(d):
        a = arguments(d)
        return getattr(a.args[0], attr)(*a.args[1:], **a.kwargs)
    return call


def calls():
    """{name: call(inputs)}: the functions, each Tensor method of the same name with their arguments,
    then the calls of METHODS and EXTRA."""
    table = {}
    for namespace, functions in FUNCTIONS.items():
        for attr, arguments in functions.items():
            name = f"{namespace}.{attr}"
            table[name] = _function(NAMES.get(name), arguments)
            if namespace == "minigrad" and f"Tensor.{attr}" in NAMES:
                table[f"Tensor.{attr}"] = _method(attr, arguments)
    return {**table, **METHODS, **EXTRA}


CALLS = calls()


def test_every_public_name_is_swept():
    missing = sorted(set(NAMES) - set(CALLS) - set(NOT_SWEPT))
    assert not missing, f"no call in tests/device_sweep.py for {missing}: add one (or say in NOT_SWEPT why not)"
    stale = sorted(set(CALLS) - set(NAMES) - set(EXTRA)) + sorted(set(NOT_SWEPT) - set(NAMES))
    assert not stale, f"tests/device_sweep.py names what minigrad no longer has: {stale}"


def _tensors(value):
    if isinstance(value, mg.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _on(t, dev):
    """t lives on dev, its array included (a simulated array knows its GPU; a host array has no _device)."""
    return t.device is dev and getattr(t._data, "_device", None) == dev.index


def sweep(name, dev, tmp):
    d = Inputs(dev, tmp)
    result = CALLS[name](d)
    outputs = list(_tensors(result))
    assert all(_on(t, dev) for t in outputs), \
        f"{name} returned {[f'{t.device} ({type(t._data).__name__})' for t in outputs]}, not {dev}"
    grads = [t.sum().double() for t in outputs if t.requires_grad]
    if grads:  # and backward, on the same device
        sum(grads[1:], grads[0]).backward()
    for leaf in d.leaves:
        assert leaf.grad is None or _on(leaf.grad, dev), f"{name}: a gradient is on {leaf.grad.device}, not {dev}"


@pytest.mark.parametrize("name", sorted(set(CALLS) - CUDA_ONLY))
def test_on_the_cpu(name, tmp_path):
    sweep(name, mg.device("cpu"), tmp_path)


@pytest.mark.sim
@pytest.mark.skipif(not SIMULATED, reason="needs MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1")
@pytest.mark.parametrize("name", sorted(CALLS))
def test_on_the_second_gpu(name, tmp_path, monkeypatch):
    monkeypatch.setenv("MINIGRAD_CUDA_SIM", "2")
    sweep(name, mg.device("cuda:1"), tmp_path)
    assert mg.cuda.current_device() == 0  # every guard entered was left

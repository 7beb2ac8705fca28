"""Index checks on the device (backend/checks.py) and the host syncs of indexing, on the strict
simulated device: a bad index raises at the next read with no sync of its own, a training step
that indexes syncs only where PyTorch does. Run with MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1.
"""

import numpy as np
import pytest
from conftest import SIMULATED

import minigrad as mg
import minigrad.nn.functional as F

pytestmark = [pytest.mark.sim,
              pytest.mark.skipif(not SIMULATED, reason="needs MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1")]

QUEUED = r" \(found on cuda:0 by a check queued before this read"


@pytest.fixture
def sim():
    from minigrad.backend import sim

    sim.host_syncs.clear()
    return sim


def _syncs(sim):
    return [s.split(" at ")[0] for s in sim.host_syncs]


def test_a_bad_index_raises_at_the_next_read_with_no_sync_of_its_own(sim):
    x = mg.arange(5.0, device="cuda")
    y = x[mg.tensor([0, 7], device="cuda")]  # CuPy wraps 7 around silently; the check records it
    x.gather(0, mg.tensor([9], device="cuda"))  # a second bad index, queued after the first
    assert sim.host_syncs == []
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 0 with size 5" + QUEUED):
        y.sum().item()
    assert _syncs(sim) == ["get()"]  # the error record came back with the read itself
    assert x.sum().item() == 10.0  # reported once; the first error queued wins, as with a device-side assert


@pytest.mark.parametrize("read", [lambda t: t.tolist(), lambda t: t.cpu(), repr, float, lambda t: f"{t[0]:.1f}",
                                  lambda t: t.numpy(force=True), lambda t: mg.cuda.synchronize()])
def test_every_read_reports_a_failed_check(sim, read):
    t = mg.zeros(3, device="cuda").index_select(0, mg.tensor([3], device="cuda"))
    with pytest.raises(RuntimeError, match=r"index_select\(\): index 3 is out of bounds for dimension 0 with size 3"):
        read(t)


@pytest.mark.parametrize("op, error, message", [
    (lambda x, i: x[:, i], IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
    (lambda x, i: x.scatter(1, i.reshape(1, 1).expand(3, 1), 1.0), RuntimeError,
     r"scatter\(\): index -5 is out of bounds for dimension 1 with size 4"),
    (lambda x, i: x.scatter_add(0, i.reshape(1, 1).expand(1, 4), x), RuntimeError,
     r"scatter_add\(\): index -5 is out of bounds for dimension 0 with size 3"),
    (lambda x, i: x.__setitem__((0, i), 1.0), IndexError, "index -5 is out of bounds for dimension 1 with size 4"),
])
def test_indexing_gather_and_scatter_check_on_the_device(sim, op, error, message):
    x = mg.zeros(3, 4, device="cuda")
    op(x, mg.tensor([-5], device="cuda"))
    with pytest.raises(error, match=message + QUEUED):
        mg.cuda.synchronize()
    assert _syncs(sim) == ["synchronize()"]


@pytest.mark.filterwarnings("ignore:divide by zero")  # NumPy's, in the simulator; CuPy divides silently
def test_integer_division_by_a_zero_on_the_device_is_reported(sim):
    q = mg.arange(3, device="cuda") // mg.tensor([1, 0, 2], device="cuda")
    with pytest.raises(RuntimeError, match=r"ZeroDivisionError: integer division by zero \(rounding_mode='floor'\)"):
        q.tolist()


def test_host_indices_are_checked_at_once(sim):
    x = mg.zeros(3, 4, device="cuda")
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 1 with size 4"):
        x[:, [0, 5]]  # a list is host data: checked before it is copied to the device
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 0 with size 3"):
        x[mg.tensor([3])]  # a CPU tensor indexing CUDA data
    assert sim.host_syncs == []


def test_cuda_launch_blocking_raises_in_the_op(sim, monkeypatch):
    monkeypatch.setattr(mg.device("cuda:0").backend, "launch_blocking", True)
    x = mg.arange(5.0, device="cuda")
    with pytest.raises(IndexError, match="index -6 is out of bounds"):
        x[mg.tensor([-6], device="cuda")]
    assert _syncs(sim) == ["synchronize()"]


def test_the_error_record_arrives_only_with_a_sync(sim):
    """get(out=pinned, blocking=False) is only queued, as in CuPy: reading `out` before a sync would
    see stale values, so the backend reads it after the user's read has synced."""
    a = mg.arange(3, device="cuda")._data
    out = np.zeros(3, np.int64)
    assert a.get(out=out, blocking=False) is out
    a += 10  # queued after the copy: not in it
    assert out.tolist() == [0, 0, 0] and sim.host_syncs == []
    a.sum().get()
    assert out.tolist() == [0, 1, 2]


# ------------------------------------------------------------------ host syncs of indexing
def test_masks_sync_once_and_assigning_through_one_never(sim):
    x = mg.randn(4, 3, device="cuda", requires_grad=True)
    m = x > 0
    (x[m] * 2).sum().backward()  # forward counts the True values; backward reuses their positions
    assert len(sim.host_syncs) == 1 and "nonzero" in sim.host_syncs[0], sim.host_syncs
    sim.host_syncs.clear()
    (x[:, m[0]] * 2).sum().backward()  # a mask among other indices: the same
    assert len(sim.host_syncs) == 1 and "nonzero" in sim.host_syncs[0], sim.host_syncs
    sim.host_syncs.clear()
    with mg.no_grad():
        x[m] = 0.0  # masked_fill_, as in PyTorch: nothing to count
    assert sim.host_syncs == [] and (x > 0).sum().item() == 0


def _embedding_step(table, linear, opt, ids, y):
    """An Embedding-like lookup by indexing and by index_select, a Linear, mse."""
    h = table[ids] + table.index_select(0, ids)
    loss = F.mse_loss(linear(h).relu(), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def test_host_syncs_of_a_training_step_with_indexing(sim):
    mg.manual_seed(0)
    table, linear = mg.nn.Parameter(mg.randn(10, 6, device="cuda")), mg.nn.Linear(6, 3).to("cuda")
    opt = mg.optim.SGD([table, *linear.parameters()], lr=0.1, momentum=0.9)
    ids, y = mg.randint(0, 10, (8,), device="cuda"), mg.randn(8, 3, device="cuda")
    _embedding_step(table, linear, opt, ids, y)
    sim.host_syncs.clear()
    _embedding_step(table, linear, opt, ids, y)
    assert sim.host_syncs == []  # the two index checks ran on the device
    loss = _embedding_step(table, linear, opt, ids, y).item()
    assert _syncs(sim) == ["get()"] and loss > 0  # the loss the user reads; its sync brings the checks
    bad = mg.tensor([0, 10], device="cuda")
    loss = _embedding_step(table, linear, opt, bad, y[:2])
    with pytest.raises(IndexError, match="index 10 is out of bounds for dimension 0 with size 10" + QUEUED):
        loss.item()


# ------------------------------------------------------------------ the checks of losses and embeddings
@pytest.mark.parametrize("op, error, message", [
    (lambda c: F.cross_entropy(mg.zeros(2, 3, device=c), mg.tensor([0, 3], device=c)), IndexError,
     r"Target 3 is out of bounds for 3 classes \(cross_entropy\)"),
    (lambda c: F.cross_entropy(mg.zeros(2, 3, device=c), mg.tensor([-100, -2], device=c), label_smoothing=0.1),
     IndexError, r"Target -2 is out of bounds for 3 classes \(cross_entropy\)"),
    (lambda c: F.nll_loss(mg.zeros(2, 3, device=c), mg.tensor([-1, 0], device=c)), IndexError,
     r"Target -1 is out of bounds for 3 classes \(nll_loss\)"),
    (lambda c: F.embedding(mg.tensor([0, 4], device=c), mg.zeros(4, 2, device=c)), IndexError,
     r"index out of range in self: embedding index 4 for a weight of 4 rows"),
    (lambda c: F.one_hot(mg.tensor([0, 3], device=c), 3), RuntimeError,
     r"Class values must be smaller than num_classes \(3\), got 3"),
    (lambda c: F.one_hot(mg.tensor([0, -1], device=c), 3), RuntimeError, "Class values must be non-negative"),
    (lambda c: F.binary_cross_entropy(mg.tensor([0.5, 1.5], device=c), mg.ones(2, device=c)), RuntimeError,
     "all elements of input should be between 0 and 1"),
    (lambda c: F.binary_cross_entropy(mg.tensor([float("nan")], device=c), mg.ones(1, device=c)), RuntimeError,
     "all elements of input should be between 0 and 1"),
])
def test_loss_and_embedding_checks_run_on_the_device(sim, op, error, message):
    op("cuda")
    assert sim.host_syncs == []
    with pytest.raises(error, match=message + ".*" + QUEUED):
        mg.cuda.synchronize()
    with pytest.raises(error, match=message) as raised:  # the CPU raises in the op itself
        op("cpu")
    assert "found on" not in str(raised.value)


def test_one_hot_syncs_only_to_infer_num_classes(sim):
    t = mg.tensor([0, 2, 1], device="cuda")
    assert F.one_hot(t, 4).shape == (3, 4) and sim.host_syncs == []
    assert F.one_hot(t).shape == (3, 3)
    assert _syncs(sim) == ["int()"]  # max + 1 sizes the result, as in PyTorch


def test_host_syncs_of_a_training_step_with_embedding_batch_norm_and_bce(sim):
    mg.manual_seed(0)
    model = mg.nn.ModuleDict({"emb": mg.nn.Embedding(10, 6), "bn": mg.nn.BatchNorm1d(6, momentum=None),
                              "out": mg.nn.Linear(6, 1)}).to("cuda")
    opt = mg.optim.Adam(model.parameters())
    ids, y = mg.randint(0, 10, (8,), device="cuda"), mg.rand(8, 1, device="cuda")

    def step(ids):
        h = F.dropout(model["bn"](model["emb"](ids)), 0.2)
        loss = F.binary_cross_entropy(model["out"](h).sigmoid(), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    step(ids)
    sim.host_syncs.clear()
    step(ids)
    assert sim.host_syncs == []  # the index and [0, 1] checks ran on the device; 1 / batches stayed there
    assert step(ids).item() > 0 and _syncs(sim) == ["get()"]
    assert model["bn"].num_batches_tracked.item() == 3

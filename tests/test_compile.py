"""mg.compile: a recorded training step replays bit-identically to eager, re-records when a guard
says it must, and runs eagerly (with one warning) when it cannot be replayed.

Oracle: the same step run eagerly on an identical copy of the model (same seed, same data). The
models are small so that 100 steps stay fast; the program is the same at any size.
"""

import warnings

import numpy as np
import pytest
from compile_helpers import OPTIMIZERS, assert_same_params, batches, make, programs
from conftest import SIMULATED, host

import minigrad as mg
from minigrad import nn, profiler
from minigrad.compile import fuse


@pytest.fixture(params=["fused", "unfused"])
def fusion(request, monkeypatch):
    """Run with Numba's fused loops (when Numba is installed) and with plain NumPy calls."""
    if request.param == "unfused":
        monkeypatch.setenv("MINIGRAD_COMPILE_FUSE", "0")
    return request.param


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_100_compiled_steps_are_bit_identical_to_eager(optimizer, fusion):
    eager_model, _, eager_step = make(optimizer=optimizer)
    model, opt, train_step = make(optimizer=optimizer)
    step = mg.compile(train_step, fullgraph=True)
    for x, y in batches(100):
        np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)
    replay, = programs(step)  # recorded once, replayed after
    # the gradients the step leaves are those of the last batch, as eagerly
    for p, q in zip(model.parameters(), eager_model.parameters()):
        np.testing.assert_array_equal(host(p.grad), host(q.grad))
    # the update replays from the tape (no call of the real step()), its step count kept counting,
    # and its private work buffers are the program's temporaries now
    assert not [i for i in replay.program.instrs if i.kind == "call"]
    assert all(s.get("step", 100) == 100 and "_scratch" not in s for s in opt.state.values())
    kernels = [i for i in replay.program.instrs if hasattr(i.fn, "bind")]
    assert bool(kernels) == (fusion == "fused" and fuse.enabled())


def test_a_replay_under_the_profiler_times_its_calls_and_stays_exact():
    eager_model, _, eager_step = make(optimizer="adam")
    model, _, train_step = make(optimizer="adam")
    step = mg.compile(train_step, fullgraph=True)
    data = list(batches(5))
    for x, y in data[:2]:  # the eager call, then the recording (inside a profile: its ops are real ones)
        with profiler.profile() as prof:
            step(x, y)
        eager_step(x, y)
        assert {"Linear", "AddmmBackward0"} <= {e.key for e in prof.key_averages()}
    for x, y in data[2:]:
        with profiler.profile() as prof:
            loss = step(x, y)
        np.testing.assert_array_equal(host(loss), host(eager_step(x, y)))
        events = {e.key: e for e in prof.key_averages()}
        whole = events.pop("compiled " + train_step.__qualname__)
        assert whole.count == 1 and "matmul" in events  # the replay's own calls, inside it:
        assert not {"Linear", "AddmmBackward0"} & set(events)  # no Function ran
        assert sum(e.cpu_time_total for e in events.values()) <= whole.cpu_time_total
    assert_same_params(model, eager_model)
    assert len(programs(step)) == 1


def test_fused_loops_keep_numpy_semantics_for_signed_zeros_and_nan():
    x = mg.tensor(np.array([[-0.0, 0.0, np.nan, -1.0, 2.0]], np.float32))
    b = mg.tensor(np.array([0.0, -0.0, 1.0, np.nan, -3.0], np.float32))

    def f(x, b):
        y = (x + b).relu() * 2 - b
        return y, (y > 0).float() * x

    step = mg.compile(f, fullgraph=True)
    want = f(x, b)
    for _ in range(3):
        got = step(x, b)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(np.signbit(g.numpy()), np.signbit(w.numpy()))
        np.testing.assert_array_equal(g.numpy(), w.numpy())


def test_dropout_mask_advances_on_every_replay_as_eagerly():
    eager_model, _, eager_step = make(dropout=0.5, seed=3)
    model, _, train_step = make(dropout=0.5, seed=3)
    step = mg.compile(train_step, fullgraph=True)
    data = list(batches(20))
    eager = []
    mg.manual_seed(7)
    for x, y in data:
        eager.append(eager_step(x, y).item())
    mg.manual_seed(7)
    compiled = [step(x, y).item() for x, y in data]
    assert compiled == eager
    assert_same_params(model, eager_model)


@pytest.mark.parametrize("width", [1, 7, 8, 9, 17, 64, 127, 128, 200])
def test_fused_row_reductions_are_numpys_to_the_bit(width):
    """Softmax's row max and row sum, fused: the sum must add in NumPy's pairwise order."""
    rng = np.random.default_rng(width)
    x = mg.tensor((rng.standard_normal((33, width)) * 10.0 ** rng.uniform(-4, 4, (33, 1))).astype(np.float32))

    def softmax(x):
        e = (x - x.amax(1, keepdim=True)).exp()
        return e / e.sum(dim=1, keepdim=True)

    step = mg.compile(softmax, fullgraph=True)
    for _ in range(3):
        got = step(x)
    np.testing.assert_array_equal(got.numpy(), softmax(x).numpy())
    sources = [i.fn.source for r in step.programs.values() for i in r[0].program.instrs if hasattr(i.fn, "bind")]
    assert any("C < 8" in src for src in sources) == (fuse.enabled() and width <= fuse.PAIRWISE_BLOCK)


def test_a_new_shape_dtype_or_grad_mode_gets_its_own_program():
    _, _, train_step = make()
    step = mg.compile(train_step, fullgraph=True)
    for rows in (32, 32, 32, 16, 16, 16):
        (x, y), = batches(1, rows=rows)
        step(x, y)
    assert len(step.programs) == 2
    with mg.no_grad():  # another signature: first call eager (backward then raises, as eagerly)
        with pytest.raises(RuntimeError, match="does not require grad"):
            step(x, y)


def test_inference_mode_and_autocast_get_programs_of_their_own():
    model, _, _ = make()
    step = mg.compile(lambda x: model(x).softmax(1), fullgraph=True)
    (x, _), = batches(1)
    modes = {"no_grad": mg.no_grad, "inference_mode": mg.inference_mode,
             "autocast": lambda: mg.autocast("cpu", dtype=mg.float64)}  # (the GEMMs in float64)
    for name, mode in modes.items():
        with mode(), mg.no_grad():
            want = model(x)
            got = [step(x) for _ in range(3)][-1]
        np.testing.assert_array_equal(got.numpy(), want.softmax(1).numpy(), err_msg=name)
        assert got.dtype == want.dtype
    assert len(step.programs) == 3  # one signature per mode (no_grad and inference_mode differ too)


def test_a_dtype_change_gets_its_own_program():
    step = mg.compile(lambda x: (x * 3 - 1).relu().sum(), fullgraph=True)
    for dtype in (mg.float32,) * 3 + (mg.float64,) * 3:
        x = mg.tensor(np.linspace(-1, 1, 7), dtype=dtype)
        out = step(x)
        assert out.dtype == dtype and out.item() == pytest.approx(np.maximum(x.numpy() * 3 - 1, 0).sum())
    assert len(step.programs) == 2


def test_the_example_with_compile_gives_the_eager_numbers():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    import train_mlp

    def run(*flags):
        args = train_mlp.parse_args(["--epochs", "2", "--subset", "400", "--device", "cpu", "--quiet", *flags])
        return train_mlp.train(args, log=lambda *a: None)

    for optimizer in ("sgd", "adam"):
        eager, compiled = run("--optimizer", optimizer), run("--optimizer", optimizer, "--compile")
        assert [h["train_loss"] for h in compiled["history"]] == [h["train_loss"] for h in eager["history"]]
        assert compiled["test_loss"] == eager["test_loss"]


def test_replacing_a_parameter_re_records():
    model, _, train_step = make()
    step = mg.compile(train_step, fullgraph=True)
    data = list(batches(6))
    for x, y in data[:3]:
        step(x, y)
    weight = model[0].weight
    weight.data = mg.zeros(weight.shape)  # new storage: the recorded program must not be replayed
    eager_model, _, eager_step = make()
    for x, y in data[:3]:
        eager_step(x, y)
    eager_model[0].weight.data = mg.zeros(weight.shape)
    for x, y in data[3:]:
        np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)


def then(train_step, after):
    """train_step followed by after(x, y, loss) — Python code of the user's inside the step."""
    def step(x, y):
        loss = train_step(x, y)
        after(x, y, loss)
        return loss

    return step


def test_item_inside_the_step_falls_back_to_eager_with_one_warning():
    model, _, train_step = make()
    seen = []
    # a Python value read from the data: it changes every call
    step = mg.compile(then(train_step, lambda x, y, loss: seen.append(loss.item())))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x, y in batches(40):
            step(x, y)
    messages = [str(w.message) for w in caught if "minigrad.compile" in str(w.message)]
    assert len(messages) == 1 and ".item()" in messages[0] and "runs eagerly" in messages[0]
    assert len(seen) == 40  # every call ran the Python code (eagerly or recording)


def test_unsupported_steps_say_why(tmp_path):
    model, _, train_step = make()
    # the data leaves minigrad as a plain array
    step = mg.compile(then(train_step, lambda x, y, loss: np.asarray(loss.detach())), fullgraph=True)
    (x, y), = batches(1)
    step(x, y)
    with pytest.raises(RuntimeError, match="handed to NumPy"):
        step(x, y)


def test_memory_handed_to_code_outside_the_tape_runs_eagerly():
    """What DistributedDataParallel's gradient hooks do: copy each gradient's array into a host buffer
    for MPI. A replay would skip the copy (and the exchange), so the step must stay eager."""
    model, _, train_step = make()
    flat = np.zeros(sum(p.numel() for p in model.parameters()), np.float32)
    offsets = np.cumsum([0] + [p.numel() for p in model.parameters()])
    for p, start, end in zip(model.parameters(), offsets, offsets[1:]):
        p.register_post_accumulate_grad_hook(
            lambda p, start=start, end=end: flat.__setitem__(slice(start, end), p.grad._data.reshape(-1)))
    step = mg.compile(train_step)
    with pytest.warns(UserWarning, match="memory of a tensor's array is handed out"):
        for x, y in batches(4):
            step(x, y)
            np.testing.assert_array_equal(flat[:offsets[1]], model[0].weight.grad.numpy().ravel())


def test_a_data_dependent_python_branch_is_guarded():
    model, _, train_step = make()
    taken = []

    def branch(x, y, loss):
        if bool((y == 0).sum() > 0):  # a branch on the data: its outcome is a guard
            taken.append(True)

    step = mg.compile(then(train_step, branch), fullgraph=True)
    with_zero = mg.tensor([0, 1, 2, 3, 4, 0, 1, 2])
    without = mg.tensor([1, 1, 2, 3, 4, 1, 1, 2])
    (x, _), = batches(1, rows=8)
    for y in (with_zero, with_zero, with_zero, without, without, with_zero, without):
        step(x, y)
    assert len(step.programs[next(iter(step.programs))]) == 2  # one program per outcome


def test_compiled_module_forward_replays_for_inference_and_stays_eager_for_training():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 5))
    reference = [p.detach().numpy().copy() for p in model.parameters()]
    compiled = mg.compile(model)
    assert compiled is model
    (x, _), = batches(1)
    with mg.no_grad():
        outs = [model(x) for _ in range(4)]
    want = np.maximum(x.numpy() @ reference[0].T + reference[1], 0) @ reference[2].T + reference[3]
    for out in outs:
        np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    assert model.forward.programs  # replayed
    model.eval()  # the modules' training flags are guarded: eval() gets a program of its own
    with mg.no_grad():
        model(x), model(x)
    assert len(programs(model.forward)) == 2
    model.train()
    for _ in range(3):  # with grad: autograd needs the graph, so the forward runs eagerly
        model(x).sum().backward()
    assert model[0].weight.grad is not None


def test_compiled_step_on_every_device(device):
    eager_model, _, eager_step = make(device)
    model, _, train_step = make(device)
    step = mg.compile(train_step)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x, y in batches(5, device):
            np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)
    fell_back = [w for w in caught if "runs eagerly" in str(w.message)]
    if SIMULATED and device == "cuda":  # no graphs in Numba's simulator: eager, said once
        assert len(fell_back) == 1 and "simulated" in str(fell_back[0].message)
    else:
        assert not fell_back


@pytest.mark.cuda
def test_cuda_graph_replay_equals_eager():
    if not mg.cuda.is_available() or SIMULATED:
        pytest.skip("needs a real CUDA GPU")
    test_compiled_step_on_every_device("cuda")


def test_gradients_accumulated_across_calls_as_eagerly():
    """A step without zero_grad adds into .grad when one is there, and makes it when it is None."""
    w = mg.ones(2, requires_grad=True)
    step = mg.compile(lambda x: (w * x).sum().backward())
    x = mg.tensor([1.0, 2.0])
    for _ in range(4):  # two micro-batches per "optimizer step"
        w.grad = None
        step(x)
        step(x)
        assert w.grad.tolist() == [2.0, 4.0]


def test_a_parameter_frozen_after_recording_stays_frozen():
    model, opt, train_step = make()
    eager_model, eager_opt, eager_step = make()
    step = mg.compile(train_step, fullgraph=True)
    data = list(batches(6))
    for i, (x, y) in enumerate(data):
        if i == 3:  # requires_grad_(False): no .grad, so the optimizer skips it
            model[0].weight.requires_grad_(False)
            eager_model[0].weight.requires_grad_(False)
        np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)


def test_a_one_column_output_is_bit_identical_to_eager():
    """A regression head's (N, 1) bias gradient: NumPy sums one column pairwise, as a contiguous line."""
    def build():
        mg.manual_seed(3)
        model = nn.Linear(5, 1)
        opt = mg.optim.SGD(model.parameters(), lr=0.1)

        def train_step(x, y):
            opt.zero_grad()
            loss = mg.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss
        return model, train_step

    (eager_model, eager_step), (model, train_step) = build(), build()
    step = mg.compile(train_step, fullgraph=True)
    rng = np.random.default_rng(0)
    for _ in range(20):
        x, y = (mg.tensor(rng.standard_normal(s).astype(np.float32)) for s in ((16, 5), (16, 1)))
        np.testing.assert_array_equal(host(step(x, y)), host(eager_step(x, y)))
    assert_same_params(model, eager_model)

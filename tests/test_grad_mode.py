"""Grad modes — no_grad, enable_grad, set_grad_enabled, inference_mode — and autocast, per thread:
PyTorch's semantics, and threads that overlap in time never see each other's modes."""

import threading

import numpy as np
import pytest

import minigrad as mg


def leaf(*shape):
    return mg.randn(*shape, dtype=mg.float64, requires_grad=True)


def test_set_grad_enabled_as_call_context_manager_and_decorator():
    x = leaf(2)
    mg.set_grad_enabled(False)
    try:
        assert not mg.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        mg.set_grad_enabled(True)
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()

    @mg.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert mg.is_grad_enabled()  # decorating changes nothing until the call
    assert not f(x).requires_grad and mg.is_grad_enabled()
    with pytest.raises(TypeError, match="set_grad_enabled expects a bool"):
        mg.set_grad_enabled("no")


def test_no_grad_and_inference_mode_as_bare_decorators():
    x = leaf(2)

    @mg.no_grad
    def f(t):
        return t * 2

    @mg.inference_mode
    def g(t):
        return t * 2

    assert not f(x).requires_grad and g(x).is_inference() and mg.is_grad_enabled()


def test_inference_mode_makes_inference_tensors():
    x = leaf(3)
    with mg.inference_mode():
        assert mg.is_inference_mode_enabled() and not mg.is_grad_enabled()
        y = x * 2
        assert y.is_inference() and not y.requires_grad and y[0:2].is_inference()
        y.add_(1)  # in place inside inference mode: allowed
        with mg.enable_grad():  # grad mode on, still nothing recorded (PyTorch's rule)
            assert mg.is_grad_enabled() and not (x * 2).requires_grad
        with mg.inference_mode(False):
            assert mg.is_grad_enabled() and not mg.is_inference_mode_enabled()
            assert not (x * 2).is_inference()
    assert not mg.is_inference_mode_enabled() and not x.is_inference()
    assert y.detach().is_inference() and not y.clone().is_inference()


def test_inference_tensors_may_not_be_saved_written_or_made_to_require_grad_outside():
    w = leaf(3)
    with mg.inference_mode():
        y = mg.ones(3, dtype=mg.float64) * 2
    (w + y).sum().backward()  # used without being saved: fine
    with pytest.raises(RuntimeError, match=r"Inference tensors cannot be saved for backward: input 1 of MulBackward0"):
        (w * y).sum().backward()  # Mul saves y for dw
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode is not allowed"):
        y.add_(1)
    with pytest.raises(RuntimeError, match="Setting requires_grad=True on inference tensor outside InferenceMode"):
        y.requires_grad_()
    (w * y.clone()).sum().backward()  # a clone is a normal tensor


# ------------------------------------------------------------------ threads
def _train(steps, seed=0):
    """A few SGD steps of a small model; its parameters at the end."""
    _ = mg.manual_seed(seed)
    model = mg.nn.Sequential(mg.nn.Linear(4, 8), mg.nn.Tanh(), mg.nn.Linear(8, 1))
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    rng = np.random.default_rng(seed)
    x = mg.tensor(rng.standard_normal((16, 4), dtype=np.float32))
    y = mg.tensor(rng.standard_normal((16, 1), dtype=np.float32))
    for _ in range(steps):
        opt.zero_grad()
        mg.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_training_in_one_thread_while_another_evaluates_under_no_grad_is_bit_identical():
    expected = _train(20)  # single-threaded reference
    in_no_grad, trained = threading.Event(), threading.Event()
    recorded = []

    def evaluate():  # inside no_grad for the whole time the main thread trains
        model = mg.nn.Linear(4, 2)
        own = mg.Generator().manual_seed(1)  # the global generator is shared by threads, as in PyTorch
        with mg.no_grad():
            in_no_grad.set()
            while not trained.is_set():
                recorded.append(model(mg.randn(3, 4, generator=own)).requires_grad)

    evaluator = threading.Thread(target=evaluate)
    evaluator.start()
    assert in_no_grad.wait(10)
    params = _train(20)
    trained.set()
    evaluator.join()
    assert recorded and not any(recorded) and mg.is_grad_enabled()
    for p, q in zip(params, expected):
        np.testing.assert_array_equal(p, q)


def test_overlapping_no_grad_blocks_in_two_threads_leave_each_threads_mode_right():
    # A enters, B enters, A leaves (B still inside), B leaves: with one process-wide flag, A's exit
    # restored "off" from B's entry, or B's exit turned A's mode on: here each thread keeps its own
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    modes = {}

    def thread_a():
        with mg.no_grad():
            a_in.set()
            b_in.wait(10)
        modes["a after"] = mg.is_grad_enabled()
        a_out.set()

    def thread_b():
        a_in.wait(10)
        with mg.no_grad():
            b_in.set()
            a_out.wait(10)
            modes["b inside, after a left"] = mg.is_grad_enabled()
            modes["b records"] = (mg.ones(2, requires_grad=True) * 2).requires_grad
        modes["b after"] = mg.is_grad_enabled()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    with mg.no_grad():  # and the main thread's own block is untouched by both
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        modes["main inside"] = mg.is_grad_enabled()
    assert modes == {"a after": True, "b inside, after a left": False, "b records": False, "b after": True,
                     "main inside": False}
    assert mg.is_grad_enabled()


def test_a_new_thread_starts_with_grad_mode_on_and_autocast_off():
    seen = {}

    def child():
        seen["grad"], seen["autocast"] = mg.is_grad_enabled(), mg.amp.state.device_type

    with mg.no_grad(), mg.autocast("cpu"):
        assert mg.amp.state.device_type == "cpu"
        t = threading.Thread(target=child)
        t.start()
        t.join()
    assert seen == {"grad": True, "autocast": None} and mg.amp.state.device_type is None


def test_autocast_in_one_thread_does_not_cast_in_another():
    w, x = mg.randn(3, 3), mg.randn(2, 3)
    entered, done = threading.Event(), threading.Event()
    dtypes = []

    def autocasting():
        with mg.autocast("cpu", dtype=mg.float16):
            entered.set()
            done.wait(10)
            dtypes.append((x @ w).dtype)

    t = threading.Thread(target=autocasting)
    t.start()
    entered.wait(10)
    dtypes.append((x @ w).dtype)  # while the other thread is inside autocast
    done.set()
    t.join()
    assert dtypes == [mg.float32, mg.float16]


def test_a_view_made_in_inference_mode_stays_what_its_base_is():
    x = mg.ones(4)
    with mg.inference_mode():
        v = x[1:3]  # a view of a normal tensor: normal (PyTorch's rule)
        y = x * 2
    assert not v.is_inference() and y[1:3].is_inference()
    v.add_(1)  # writes into x: allowed, and tracked like any write
    assert x.tolist() == [1.0, 2.0, 2.0, 1.0]


def test_a_decorated_generator_runs_each_step_in_the_mode():
    x = leaf(2)

    @mg.no_grad()
    def steps(n):
        for _ in range(n):
            received = yield (x * 2).requires_grad
            assert received is None or received == "ping"
        return "done"

    gen = steps(3)
    assert next(gen) is False and mg.is_grad_enabled()  # the caller's code between steps: grad on
    assert gen.send("ping") is False and (x * 2).requires_grad
    assert next(gen) is False
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"
    gen = steps(5)
    next(gen)
    with pytest.raises(KeyError):
        gen.throw(KeyError("into the generator"))
    assert mg.is_grad_enabled()


def test_a_no_grad_held_across_an_await_stays_in_its_asyncio_task():
    import asyncio

    async def main():
        inside, seen = asyncio.Event(), []

        async def evaluating():
            with mg.no_grad():
                inside.set()
                await asyncio.sleep(0.01)  # the other task runs meanwhile
                seen.append(("evaluating", mg.is_grad_enabled()))

        async def training():
            await inside.wait()
            seen.append(("training", mg.is_grad_enabled()))

        await asyncio.gather(evaluating(), training())
        return seen

    assert asyncio.run(main()) == [("training", True), ("evaluating", False)]

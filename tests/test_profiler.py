"""The op-level profiler (torch.autograd.profiler and torch.profiler, as the introyt tutorial uses
them): one event per op forward (named by its Function) and per node backward, record_function
ranges, self time excluding nested events, key_averages().table(), chrome traces; and that nothing
of it stays in place once a profile stops. No timed assertions: counts, names and nesting only."""

import json

import pytest

import minigrad as mg
from minigrad.autograd import engine
from minigrad.autograd.function import Function
from minigrad.autograd.profiler import profile, record_function


def test_the_tutorials_loop_is_counted_op_by_op(device):
    x = mg.randn(2, 3, device=device, requires_grad=True)
    y = mg.rand(2, 3, device=device, requires_grad=True)
    z = mg.ones(2, 3, device=device, requires_grad=True)
    with mg.autograd.profiler.profile(use_cuda=device == "cuda") as prf:
        for _ in range(10):
            z = (z / x) * y
        z.sum().backward()
    averages = {e.key: e for e in prf.key_averages()}
    assert averages["Div"].count == averages["Mul"].count == 10
    assert averages["DivBackward0"].count == averages["MulBackward0"].count == 10 and averages["Sum"].count == 1
    table = prf.key_averages().table(sort_by="self_cpu_time_total")
    header = table.splitlines()[1].split()
    assert header[:3] == ["Name", "Self", "CPU"] and "# of Calls" in table and "Self CPU time total:" in table
    rows = table.splitlines()[3:-2]  # between the header and the closing rule
    assert [r.split()[0] for r in rows] == [e.key for e in sorted(prf.key_averages(),
                                                                    key=lambda e: -e.self_cpu_time_total)]
    assert abs(sum(e.self_cpu_time_total for e in prf.key_averages()) - prf.total_average().self_cpu_time_total) < 1e-6


def _children(parent, events):
    """The events directly inside parent's time span."""
    inside = [e for e in events if e is not parent and parent.start_ns <= e.start_ns and e.end_ns <= parent.end_ns]
    return [e for e in inside if not any(o is not e and o.start_ns <= e.start_ns and e.end_ns <= o.end_ns
                                         for o in inside)]


def test_nesting_self_and_total_times():
    a = mg.randn(4, 4)
    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                a @ a
            mg.cdist(a, a)  # a composition of ops: each is its own event inside "outer"
    events = list(prof.events())
    outer, inner = (next(e for e in events if e.name == name) for name in ("outer", "inner"))
    assert [e.name for e in _children(inner, events)] == ["Mm"] and len(_children(outer, events)) > 2
    for e in (outer, inner):
        assert e.self_cpu_time_total == pytest.approx(e.cpu_time_total - sum(c.cpu_time_total
                                                                              for c in _children(e, events)), abs=1e-3)
    assert outer.cpu_time_total >= inner.cpu_time_total >= inner.self_cpu_time_total >= 0


def test_nothing_stays_in_place_when_off():
    apply, step = Function.__dict__["apply"], engine._Pass.step
    with profile():
        assert Function.__dict__["apply"] is not apply
        with pytest.raises(RuntimeError, match="Profiler is already enabled"):
            with profile():
                pass
    assert Function.__dict__["apply"] is apply and engine._Pass.step is step
    with profile(enabled=False) as off:
        mg.ones(2) * 2
    assert len(off.events()) == 0
    with record_function("no profile: nothing happens"):
        mg.ones(2) * 2
    with pytest.raises(RuntimeError):  # an error inside the block still puts everything back
        with profile():
            raise RuntimeError("boom")
    assert Function.__dict__["apply"] is apply and engine._Pass.step is step


def test_record_shapes_grouping_decorator_and_chrome_trace(tmp_path):
    @record_function("step")
    def step(t):
        return (t * 2).sum()

    with mg.profiler.profile(activities=[mg.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
        step(mg.ones(2, 3))
        step(mg.ones(4))
    grouped = prof.key_averages(group_by_input_shape=True)
    shapes = sorted(str(e.input_shapes) for e in grouped if e.key == "Mul")
    assert shapes == ["[[2, 3]]", "[[4]]"] and "Input Shapes" in grouped.table()
    assert {e.key: e.count for e in prof.key_averages()}["step"] == 2
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())["traceEvents"]
    assert {"step", "Mul", "Sum"} <= {e["name"] for e in trace} and all(e["ph"] == "X" for e in trace)


def test_options_minigrad_does_not_measure_are_refused():
    with pytest.raises(NotImplementedError, match="profile_memory=True"):
        profile(profile_memory=True)
    with pytest.raises(NotImplementedError, match="schedule"):
        mg.profiler.profile(schedule=lambda step: None)
    with profile() as prof:
        mg.ones(2) + 1
    with pytest.raises(ValueError, match="host time only"):
        prof.key_averages().table(sort_by="cuda_time_total")
    with pytest.raises(ValueError, match="sort_by must be one of"):
        prof.key_averages().table(sort_by="name")
    seen = []
    with mg.profiler.profile(on_trace_ready=seen.append) as p:
        mg.ones(2) + 1
    assert seen == [p]

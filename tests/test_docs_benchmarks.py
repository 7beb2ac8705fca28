"""The benchmark pages are what docs/gen_benchmarks.py renders from the stored benchmark output: no
number is typed by hand, a benchmark never run says so, and an output the parser cannot read is an error."""

import importlib.util
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS))  # gen_benchmarks imports benchmark_output from beside it
spec = importlib.util.spec_from_file_location("gen_benchmarks", DOCS / "gen_benchmarks.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
STALE = "is stale: run `python docs/gen_benchmarks.py` (it renders from docs/benchmarks/*.json; nothing is measured)"


@pytest.mark.parametrize("bench", gen.BENCHMARKS, ids=lambda b: b.name)
def test_page_is_what_its_output_renders_to(bench):
    data = gen.load(bench.name)
    assert (gen.DATA / f"{bench.name}.md").read_text() == gen.render(bench, data), f"{bench.name}.md {STALE}"
    if data is not None and bench.parse is not None:
        assert (gen.IMG / f"bench_{bench.name}.png").is_file(), f"the plot of {bench.name} {STALE}"


def test_index_lists_every_benchmark():
    measured = {b.name: gen.load(b.name) for b in gen.BENCHMARKS if gen.load(b.name) is not None}
    assert (gen.DATA / "index.md").read_text() == gen.render_index(measured), f"index.md {STALE}"


def test_the_pages_the_issue_asks_for_are_measured():
    for name in ("mlp_step", "overhead", "train_digits", "launch_overhead", "checkpoint_memory"):
        data = gen.load(name)
        assert data is not None, f"{name} has no measurement: python docs/gen_benchmarks.py --measure {name}"
        assert gen.BY_NAME[name].parse(data["stdout"]), f"the output of {name} has no rows"


def test_a_benchmark_never_run_shows_no_numbers():
    page = gen.render(gen.BY_NAME["compile_step"], None)
    assert "Not measured yet" in page and "Measured" not in page and "|" not in page and "![" not in page


def test_an_output_the_parser_cannot_read_is_an_error():
    data = {**gen.load("overhead"), "stdout": "forward: 2 us (a new format)\n"}
    with pytest.raises(ValueError, match="format changed; update parse_overhead"):
        gen.render(gen.BY_NAME["overhead"], data)


def test_parsers_read_what_the_benchmarks_print():
    launch = ("CuPy arrays on NVIDIA H100 ; driver call stubbed in both paths:\nkernel  Numba us  ours us  ratio\n"
              "bias_add_kernel (2 arrays)   190.2   4.1   46.4x\n\nhost memory through DLPack; driver call excluded:\n"
              "kernel  Numba us  ours us  ratio\nbias_add_kernel (2 arrays)   73.1   3.6   20.3x\n")
    rows = gen.out.parse_launch(launch)
    assert [(r["setting"][:4], r["numba"], r["ours"]) for r in rows] == [("CuPy", "190.2", "4.1"),
                                                                         ("host", "73.1", "3.6")]
    digits = "framework   seconds to 97%  epochs  test acc\nminigrad    0.068   3   0.9722\ntorch  0.128  3  0.9750\n"
    assert [r["seconds"] for r in gen.out.parse_train_digits(digits)] == ["0.068", "0.128"]
    assert gen.out.parse_sweep('{"batch": 16, "numpy": 0.05, "minigrad": 0.1}\n')[0]["ratio"] == 2.0

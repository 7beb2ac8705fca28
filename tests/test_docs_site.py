"""The documentation site: it builds with `mkdocs build --strict`, every Python block on every page
runs, every source reference points at code that exists, and the generated pages are current.
Pages that use `cuda` run on the CPU here and on two simulated GPUs in the sim suite."""

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SIMULATED

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _load(name):
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "tour" / "index.html").exists()
    assert (tmp_path / "site" / "ja" / "tour" / "index.html").exists()


def _page_params():
    for page in PAGES:
        text = page.read_text()
        if not BLOCK.search(text):
            continue
        uses_cuda = "cuda" in "".join(BLOCK.findall(text))
        marks = [pytest.mark.sim] if uses_cuda and SIMULATED else []
        yield pytest.param(page, uses_cuda, marks=marks, id=str(page.relative_to(DOCS)))


@pytest.mark.parametrize(("page", "uses_cuda"), list(_page_params()))
def test_every_code_block_runs(page, uses_cuda, tmp_path, monkeypatch):
    """The blocks of one page run in order in one namespace, in a scratch folder (they write files).
    Simulated, there are two GPUs, so that the blocks written for several GPUs run too."""
    monkeypatch.chdir(tmp_path)
    if uses_cuda and SIMULATED:
        monkeypatch.setenv("MINIGRAD_CUDA_SIM", "2")
    namespace = {"__name__": "__docs__"}
    for i, block in enumerate(BLOCK.findall(page.read_text())):
        try:
            exec(compile(block, f"{page.name}[block {i}]", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"{page.relative_to(DOCS)} block {i} failed: {e!r}\n{block}") from e


def _resolve(dotted):
    """The object a dotted path names (module, then attributes), or raise."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def test_source_references_point_at_code_that_exists():
    """File paths named in the docs exist; every cross-reference names a real object (the link checker
    for the source: mkdocs --strict checks links between pages, this checks links into the code)."""
    checked = 0
    for page in PAGES:
        text = page.read_text()
        for path in set(re.findall(r"`((?:minigrad|kernels|examples|benchmarks|tests)/[\w/]*\.py)`", text)):
            assert (ROOT / path).is_file(), f"{page.name} names {path}, which does not exist"
            checked += 1
        for dotted in set(re.findall(r"\]\[(minigrad\.[\w.]+)\]", text)):
            _resolve(dotted)
            checked += 1
    assert checked > 20


def test_tour_graph_is_what_the_code_draws_today():
    assert (DOCS / "img" / "mlp_step_graph.dot").read_text() == _load("gen_figures").tour_graph_dot(), \
        "docs/img/mlp_step_graph.* is stale: run `python docs/gen_figures.py`"



"""The examples people read first must run: every docstring example in minigrad, and the README's
quickstart."""

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import minigrad


def _modules_with_examples():
    names = ["minigrad"] + [m.name for m in pkgutil.walk_packages(minigrad.__path__, "minigrad.")
                            if not m.name.startswith("minigrad.kernels.")]  # those import Numba
    finder = doctest.DocTestFinder()
    return [n for n in names if any(t.examples for t in finder.find(importlib.import_module(n)))]


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), report=True)
    assert result.attempted and not result.failed


def test_readme_quickstart(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Quickstart\s+```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(tmp_path)  # it saves model.safetensors
    exec(compile(code, "README.md", "exec"), {})
    state = minigrad.load(tmp_path / "model.safetensors")
    assert sorted(state) == ["0.bias", "0.weight", "2.bias", "2.weight"]

"""docs/pytorch_compat.md is generated from the code: it must be current, and honest about each name."""

import importlib.util
from pathlib import Path

import minigrad as mg

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_pytorch_compat", DOCS / "gen_pytorch_compat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_is_current():
    gen = _generator()
    assert (DOCS / "pytorch_compat.md").read_text() == gen.render(), \
        "docs/pytorch_compat.md is stale: run `python docs/gen_pytorch_compat.py`"


def test_supported_means_present_and_missing_means_absent():
    gen = _generator()
    page = gen.render()
    assert "`tensor`" in page.split("Not yet")[0]  # a name minigrad has is listed as supported
    assert gen._has(mg, "tensor") and not gen._has(mg, "conv2d")

"""minigrad.viz.draw_graph: the DOT text of known graphs, PyTorch's node names, the outputs of a
multi-output custom Function joined to their node, clear errors, and SVG where Graphviz's `dot` exists
(the labels name no device: a graph on the GPU draws the same)."""

import re
import shutil
import subprocess
import sys

import pytest

import minigrad as mg
from minigrad.viz import draw_graph


def _known_graph(device="cpu"):
    w = mg.tensor([[1.0, 2.0]], requires_grad=True, device=device)
    x = mg.tensor([[3.0, 4.0]], device=device)
    return (x * w).sum(), w


def _edges(dot):
    """{(source label, target label): [edge labels]} of a DOT text drawn by draw_graph."""
    labels = dict(re.findall(r'^  (n\d+) \[label="(.*?)", ', dot, re.M))
    edges = {}
    for src, dst, label in re.findall(r'^  (n\d+) -> (n\d+)(?: \[label=" (.*?)"\])?;', dot, re.M):
        edges.setdefault((labels[src], labels[dst]), []).append(label)
    return edges


def test_dot_of_a_known_graph(device):
    loss, w = _known_graph(device)
    dot = draw_graph(loss, {"w": w})
    assert dot.startswith("digraph autograd {") and dot.rstrip().endswith("}")
    assert _edges(dot) == {
        ("(1, 2) float32", "MulBackward0"): [""],  # the constant x
        ("w\\n(1, 2) float32\\nrequires_grad", "MulBackward0"): [""],  # the named leaf
        ("MulBackward0", "SumBackward0"): ["(1, 2)"],  # an op's result, labelled with its shape
        ("SumBackward0", "output\\n() float32\\nrequires_grad"): [""],
    }
    assert re.search(r'label="w\\n\(1, 2\) float32\\nrequires_grad", shape=box, [^\n]*#d6e9ff', dot)  # blue leaf


def test_nodes_have_pytorchs_names():
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(4, 3), mg.nn.ReLU(), mg.nn.Linear(3, 2))
    loss = mg.nn.functional.cross_entropy(model(mg.randn(5, 4)), mg.tensor([0, 1, 0, 1, 1]))
    nodes = set(re.findall(r'label="(\w+Backward\d*)"', draw_graph(loss)))
    assert nodes == {"ReluBackward0", "AddmmBackward0", "NllLossBackward0"}  # as torch 2.13 prints them


class SinCos(mg.autograd.Function):
    """Two outputs of one node: (sin x, cos x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin(), x.cos()

    @staticmethod
    def backward(ctx, gs, gc):
        (x,) = ctx.saved_tensors
        return gs * x.cos() - gc * x.sin()


def test_multi_output_custom_function_is_one_node_with_an_arrow_per_output(device):
    x = mg.ones(2, 3, requires_grad=True, device=device)
    s, c = SinCos.apply(x)
    edges = _edges(draw_graph((s * c).sum(), {"x": x}))
    assert edges[("SinCosBackward", "MulBackward0")] == ["output 0 (2, 3)", "output 1 (2, 3)"]
    assert edges[("x\\n(2, 3) float32\\nrequires_grad", "SinCosBackward")] == [""]  # reaches the leaf
    assert not any("_Output" in a or "_Output" in b for a, b in edges)  # the helper nodes stay hidden
    _, c_only = SinCos.apply(x)
    assert ("SinCosBackward", "output\\n(2, 3) float32\\nrequires_grad") in _edges(draw_graph(c_only))


def test_a_graph_freed_by_backward_is_refused_even_below_a_live_node():
    loss, _ = _known_graph()
    loss.backward()
    with pytest.raises(RuntimeError, match="freed by backward"):
        draw_graph(loss)
    x = mg.ones(2, requires_grad=True)
    y = x * 2
    z = y * 3
    y.sum().backward()  # frees y's node, which z's graph still leads to
    with pytest.raises(RuntimeError, match="freed by backward"):
        draw_graph(z)


def test_dot_is_written_without_graphviz_and_rendering_says_what_to_install(tmp_path, monkeypatch):
    loss, _ = _known_graph()
    draw_graph(loss, path=tmp_path / "g.dot", format="dot")
    assert (tmp_path / "g.dot").read_text() == draw_graph(loss)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program .* format='dot'"):
        draw_graph(loss, path=tmp_path / "g.svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (apt-get install graphviz)")
def test_renders_svg_with_dot(tmp_path):
    x = mg.ones(2, 3, requires_grad=True)
    s, c = SinCos.apply(x)
    draw_graph((s * c).sum(), {"x": x}, path=tmp_path / "g.svg")
    svg = (tmp_path / "g.svg").read_text()
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
    assert "SinCosBackward" in svg and "MulBackward0" in svg and "output 1 (2, 3)" in svg
    with pytest.raises(RuntimeError, match="could not write nosuchformat"):
        draw_graph(s, path=tmp_path / "g.x", format="nosuchformat")
    draw_graph(s, path=tmp_path / "g.png")  # the format from the suffix
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")


def test_viz_is_there_without_importing_it():
    code = "import minigrad as mg; x = mg.ones(2, requires_grad=True); print(mg.viz.draw_graph((x * 2).sum())[:7])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "digraph", out.stderr
    with pytest.raises(AttributeError, match="minigrad does not implement torch.nosuchthing"):
        _ = mg.nosuchthing

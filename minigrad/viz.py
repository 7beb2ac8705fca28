"""Pictures of the autograd graph: `draw_graph(loss)` gives Graphviz DOT text, and SVG or PNG when
Graphviz's `dot` program is installed (the system package graphviz), like torchviz.

    >>> import minigrad as mg
    >>> x = mg.ones(2, 3, requires_grad=True)
    >>> dot = draw_graph((x * 2).sum())
    >>> "MulBackward0" in dot and "(2, 3)" in dot
    True

Boxes are tensors (shape, dtype; blue when they require grad: the leaves whose .grad backward fills),
ellipses the recorded ops, named as PyTorch names them (`grad_fn.name()`); arrows run the way data
flowed in the forward pass, labelled with the shape that flowed. A custom Function with several
outputs is one node with one arrow per output, as in PyTorch. Draw before backward(): backward frees
the graph it walks (unless retain_graph=True).
"""

import os
import shutil
import subprocess

from .autograd.custom_function import _Output
from .tensor import Tensor

_LEAF = 'shape=box, style="rounded,filled", fillcolor="#d6e9ff"'  # requires grad: .grad will be filled
_CONST = 'shape=box, style="rounded,filled", fillcolor="#eeeeee"'
_ROOT = 'shape=box, style="rounded,filled", fillcolor="#ffe0b3"'
_OP = 'shape=ellipse, style=filled, fillcolor="#ffffff"'
_FREED = ("draw_graph: this graph was freed by backward(); draw it before calling backward(), or call "
          "backward(retain_graph=True)")


def _tensor_label(t, name=None):
    head = f"{_quote(name)}\\n" if name else ""
    return f"{head}{tuple(t.shape)} {t.dtype.name}" + ("\\nrequires_grad" if t.requires_grad else "")


def _quote(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _producer(t):
    """(node, output index) of the op that made tensor t. Each output of a multi-output custom Function
    has a small node of its own (_Output) that leads to the Function's ctx: the picture shows the ctx,
    as PyTorch's graph does, and says which output the arrow carries."""
    fn = t.grad_fn
    if isinstance(fn, _Output):
        if fn.released:
            raise RuntimeError(_FREED)
        return fn.inputs[0].grad_fn, fn.k
    return fn, None


def draw_graph(tensor, params=None, path=None, format=None):
    """The graph that produced `tensor`, as DOT text. params: {name: tensor} to label leaves (e.g.
    dict(model.named_parameters())). With `path`, also write it there: DOT for format="dot", else
    rendered by Graphviz's `dot` to that format ("svg", "png", ...; a RuntimeError says what to
    install when `dot` is missing). format=None takes it from the path's suffix (graph.png: PNG),
    SVG for a path without one."""
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph autograd {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    ids = {}

    def node(obj, label, style):
        if id(obj) not in ids:
            ids[id(obj)] = f"n{len(ids)}"
            lines.append(f'  {ids[id(obj)]} [label="{label}", {style}];')
        return ids[id(obj)]

    def op(fn):
        if fn.released:
            raise RuntimeError(_FREED)
        new = id(fn) not in ids
        return node(fn, _quote(fn.name()), _OP), new

    root = node(tensor, _tensor_label(tensor, "output"), _ROOT)
    if tensor.grad_fn is not None:
        fn, k = _producer(tensor)
        src, _ = op(fn)
        lines.append(f"  {src} -> {root}" + (f' [label=" output {k}"];' if k is not None else ";"))
        stack = [fn]
        while stack:  # iterative, like the backward engine: deep graphs need no recursion
            fn = stack.pop()
            for t in fn.inputs:
                if not isinstance(t, Tensor):
                    continue  # a Python number folded into the op
                if t.grad_fn is not None:
                    parent, k = _producer(t)
                    src, new = op(parent)
                    if new:
                        stack.append(parent)
                    which = "" if k is None else f"output {k} "
                    lines.append(f'  {src} -> {ids[id(fn)]} [label=" {which}{tuple(t.shape)}"];')
                else:
                    src = node(t, _tensor_label(t, names.get(id(t))), _LEAF if t.requires_grad else _CONST)
                    lines.append(f"  {src} -> {ids[id(fn)]};")
    lines.append("}")
    dot = "\n".join(lines) + "\n"
    if path is not None:
        _write(dot, path, format or os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "svg")
    return dot


def _write(dot, path, format):
    if format == "dot":
        with open(path, "w") as f:
            f.write(dot)
        return
    if shutil.which("dot") is None:
        raise RuntimeError(f"draw_graph: rendering {format} needs Graphviz's `dot` program (e.g. apt-get install "
                           "graphviz, brew install graphviz, conda install graphviz); format='dot' writes the "
                           "DOT text without it")
    done = subprocess.run(["dot", f"-T{format}", "-o", str(path)], input=dot.encode(), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"draw_graph: Graphviz's dot could not write {format} to {path}: "
                           f"{done.stderr.decode().strip()}")

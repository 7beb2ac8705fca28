"""Pictures of the autograd graph: `draw_graph(loss)` gives Graphviz DOT text, and SVG or PNG when the
`graphviz` package and its `dot` program are installed (`pip install 'minigrad-nn[viz]'` plus the
system package graphviz), like torchviz.

    >>> import minigrad as mg
    >>> x = mg.ones(2, 3, requires_grad=True)
    >>> dot = draw_graph((x * 2).sum())
    >>> "MulBackward" in dot and "(2, 3)" in dot
    True

Boxes are tensors (shape, dtype; blue when they require grad: the leaves whose .grad backward fills),
ellipses the recorded ops; arrows run the way data flowed in the forward pass. Draw before backward():
backward frees the graph it walks (unless retain_graph=True).
"""

import shutil

from .tensor import Tensor

_LEAF = 'shape=box, style="rounded,filled", fillcolor="#d6e9ff"'  # requires grad: .grad will be filled
_CONST = 'shape=box, style="rounded,filled", fillcolor="#eeeeee"'
_ROOT = 'shape=box, style="rounded,filled", fillcolor="#ffe0b3"'
_OP = 'shape=ellipse, style=filled, fillcolor="#ffffff"'


def _tensor_label(t, name=None):
    head = f"{name}\\n" if name else ""
    return f"{head}{tuple(t.shape)} {t.dtype.name}" + ("\\nrequires_grad" if t.requires_grad else "")


def _op_label(fn):
    return fn.name()


def draw_graph(tensor, params=None, path=None, format="svg"):
    """The graph that produced `tensor`, as DOT text. params: {name: tensor} to label leaves (e.g.
    dict(model.named_parameters())). With `path`, also write it there: DOT for format="dot", else
    rendered to SVG/PNG by Graphviz (raises RuntimeError saying what to install when it is missing)."""
    names = {id(t): n for n, t in (params or {}).items()}
    lines = ["digraph autograd {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=11];']
    ids = {}

    def node(obj, label, style):
        if id(obj) not in ids:
            ids[id(obj)] = f"n{len(ids)}"
            lines.append(f'  {ids[id(obj)]} [label="{label}", {style}];')
        return ids[id(obj)]

    root = node(tensor, _tensor_label(tensor, "output"), _ROOT)
    if tensor.grad_fn is not None:
        fn = tensor.grad_fn
        if fn.released:
            raise RuntimeError("draw_graph: this graph was freed by backward(); draw it before calling "
                               "backward(), or call backward(retain_graph=True)")
        lines.append(f"  {node(fn, _op_label(fn), _OP)} -> {root};")
        stack, seen = [fn], {id(fn)}
        while stack:  # iterative, like the backward engine: deep graphs need no recursion
            fn = stack.pop()
            for t in fn.inputs:
                if not isinstance(t, Tensor):
                    continue  # a Python number folded into the op
                if t.grad_fn is not None:
                    src = node(t.grad_fn, _op_label(t.grad_fn), _OP)
                    if id(t.grad_fn) not in seen:
                        seen.add(id(t.grad_fn))
                        stack.append(t.grad_fn)
                    lines.append(f'  {src} -> {ids[id(fn)]} [label=" {tuple(t.shape)}", fontsize=9];')
                else:
                    src = node(t, _tensor_label(t, names.get(id(t))), _LEAF if t.requires_grad else _CONST)
                    lines.append(f"  {src} -> {ids[id(fn)]};")
    lines.append("}")
    dot = "\n".join(lines) + "\n"
    if path is not None:
        _write(dot, path, format)
    return dot


def _write(dot, path, format):
    if format == "dot":
        with open(path, "w") as f:
            f.write(dot)
        return
    try:
        import graphviz
    except ImportError:
        raise RuntimeError(f"draw_graph: rendering {format} needs the graphviz Python package "
                           "(pip install 'minigrad-nn[viz]'); format='dot' writes the DOT text without it") from None
    if shutil.which("dot") is None:
        raise RuntimeError(f"draw_graph: rendering {format} needs Graphviz's `dot` program (e.g. apt-get install "
                           "graphviz, brew install graphviz); format='dot' writes the DOT text without it")
    with open(path, "wb") as f:
        f.write(graphviz.Source(dot).pipe(format=format))

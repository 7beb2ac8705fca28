"""A Griffe extension for the API reference (mkdocs.yml loads it through mkdocstrings' `extensions`).

minigrad's docstrings are plain text, written to be read in the source: formulas such as
`y[i][j] = x[index[i][j]][j]`, launches such as `kernel[grid, block](*args)`, names such as
`__init__` and reprs such as `<MulBackward0 object at 0x...>`, which Markdown would turn into links,
bold text and HTML tags. Outside `code` spans and indented blocks this escapes them, so the site shows
each docstring as its source does; doctest examples written flush left become code blocks.
"""

import re

import griffe

_CODE_SPAN = re.compile(r"(`+).+?\1")


def _escape(text):
    """Square brackets, double underscores and < as literal characters (code spans left alone)."""
    out, end = [], 0
    for m in _CODE_SPAN.finditer(text):
        out += [_literal(text[end:m.start()]), m.group()]
        end = m.end()
    return "".join(out + [_literal(text[end:])])


def _literal(text):
    return text.replace("[", "\\[").replace("]", "\\]").replace("__", "\\_\\_").replace("<", "&lt;")


def plain(docstring):
    """The Markdown that shows `docstring` as written."""
    out, example = [], False
    for line in docstring.split("\n"):
        if line.startswith(">>>") or (example and line.strip()):  # a flush-left doctest and its output
            if not example and out and out[-1].strip():
                out.append("")
            example = True
            out.append("    " + line)
            continue
        example = False
        out.append(line if line.startswith("    ") else _escape(line))  # indented: a code block already
    return "\n".join(out)


class PlainDocstrings(griffe.Extension):
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = plain(obj.docstring.value)

"""einsum: products and sums written as index equations; forward and backward are each one xp.einsum.

    y  = einsum("ij,jk->ik", a, b)
    da = einsum("ik,jk->ij", g, b)      db = einsum("ij,ik->jk", a, g)

The gradient of an operand is the einsum of g with the other operands, written to that operand's
subscripts. Two cases need more: a letter only that operand has (summed away, like j in "ij->i")
is broadcast back afterwards, and a repeated letter (a diagonal or trace, "ii->i") becomes a fresh
letter tied to the first by an identity matrix, so the gradient lands on the diagonal only.
Equations may use spaces, ..., implicit output (the letters that appear once, sorted) and size-1
broadcasting, as in PyTorch; PyTorch's sublist form einsum(a, [0, 1], ...) is not supported.

    >>> import minigrad as mg
    >>> a = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.einsum("ii->", a), mg.einsum("ij->j", a), mg.einsum("i,j->ij", a[0], a[1]).shape
    (tensor(5.), tensor([4., 6.]), minigrad.Size([2, 2]))
"""

import string

from .. import dtypes
from ..autograd.function import Function
from .out import expect_tensor

_LETTERS = string.ascii_letters


def _optimize(arrays):
    # NumPy's contraction-path search costs a few microseconds; it pays (BLAS) once the operands are big
    return len(arrays) > 2 or sum(a.size for a in arrays) > 4096


class Einsum(Function):
    def forward(self, *operands, terms=(), output="", sizes=None):
        self.operands, self.terms, self.output, self.sizes = operands, terms, output, sizes
        return self.xp.einsum(",".join(terms) + "->" + output, *operands, optimize=_optimize(operands))

    def backward(self, g):
        return [self.grad(i, g) if needed else None for i, needed in enumerate(self.needs_input_grad)]

    def grad(self, i, g):
        xp, sizes = self.xp, dict(self.sizes)
        terms = [self.output] + [t for j, t in enumerate(self.terms) if j != i]
        arrays = [g] + [a for j, a in enumerate(self.operands) if j != i]
        unused = iter(c for c in _LETTERS if c not in sizes)
        target = ""
        for c in self.terms[i]:
            if c in target:  # a repeated letter: a fresh one, equal to the first through an identity
                fresh = next(unused)
                sizes[fresh] = sizes[c]
                terms.append(c + fresh)
                arrays.append(xp.eye(sizes[c], dtype=g.dtype))
                c = fresh
            target += c
        available = "".join(c for c in target if any(c in t for t in terms))
        grad = xp.einsum(",".join(terms) + "->" + available, *arrays, optimize=_optimize(arrays))
        # letters only this operand had were summed away: put them back as broadcast dims
        grad = grad.reshape([sizes[c] if c in available else 1 for c in target])
        return xp.broadcast_to(grad, self.operands[i].shape)


def _parse(equation, operands):
    """(terms, output, sizes): the equation with ... expanded into letters, and each letter's size."""
    eq = equation.replace(" ", "")
    for k, c in enumerate(eq):
        if c not in _LETTERS and c not in ".,->":
            raise RuntimeError(f"einsum(): invalid subscript given at index {k} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): {'fewer' if len(operands) < len(terms) else 'more'} operands were provided "
                           f"than specified in the equation ({len(terms)} in {equation!r}, {len(operands)} given)")
    # ... stands for the dims not named by letters, aligned from the right across operands
    spare = [c for c in _LETTERS if c not in eq]
    width = 0
    for t, x in zip(terms, operands):
        if "..." in t:
            width = max(width, x.ndim - (len(t) - 3))
    dots = "".join(spare[:width])
    for i, (t, x) in enumerate(zip(terms, operands)):
        named = len(t) - 3 if "..." in t else len(t)
        if "..." in t and x.ndim >= named:
            t = t.replace("...", dots[width - (x.ndim - named):])
        if len(t) != x.ndim or "." in t:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({x.ndim}) for operand {i}"
                               + ("" if "." in t else " and no ellipsis was given"))
        terms[i] = t
    if arrow:
        output = rhs.replace("...", dots)
        for c in output:
            if c not in lhs and c not in dots:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            if output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
    else:  # implicit: the broadcast dims, then the letters that appear exactly once, sorted
        output = dots + "".join(sorted(c for c in set(lhs) if c in _LETTERS and lhs.count(c) == 1))
    sizes = {}
    for i, (t, x) in enumerate(zip(terms, operands)):
        for c, n in zip(t, x.shape):
            seen = sizes.get(c, 1)
            if n != seen and n != 1 and seen != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen}")
            sizes[c] = max(n, seen) if n and seen else 0
    return terms, output, sizes


def einsum(equation, *operands):
    """Sum of products of the operands' elements, as the equation says (torch.einsum): "ij,jk->ik" is a
    matrix product, "bij,bjk->bik" a batched one, "i,j->ij" an outer product, "ii->" a trace,
    "ii->i" a diagonal, "ij->" a sum, "ij->ji" a transpose. Operands may also come as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for k, x in enumerate(operands):
        expect_tensor("einsum", x, f"operands[{k}]")
        dtypes.check_float("einsum", x)
        if x.dtype != operands[0].dtype:
            raise RuntimeError(f"einsum(): expected all operands to have one dtype, but got {operands[0].dtype} "
                               f"(operand 0) and {x.dtype} (operand {k}); convert one, e.g. `.to({x.dtype})`")
    terms, output, sizes = _parse(equation, operands)
    # size-1 dims are expanded to their letter's size first (CuPy's einsum does not broadcast them);
    # Expand's backward sums their gradient back
    operands = [x if x.shape == tuple(sizes[c] for c in t) else x.expand(*(sizes[c] for c in t))
                for t, x in zip(terms, operands)]
    return Einsum.apply(*operands, terms=tuple(terms), output=output, sizes=sizes)

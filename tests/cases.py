"""Inputs that more than one test family draws or lists: the tensorgrad tests (against central
differences) and the crosscheck tests (against PyTorch) check the same cases.

* :func:`axes_for`: an ``axis`` argument, as numpy and tensorgrad take it.
* :func:`pad_sizes`: a pad tuple that a pad mode accepts, for given axes.
* :data:`EINSUM_CASES`: einsum equations and operand shapes, on which numpy, PyTorch and
  tensorgrad agree.
* :func:`conv_geometries`: the sizes and arguments of a convolution (or a transposed one)
  whose windows fit.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

Shape = tuple[int, ...]


@st.composite
def axes_for(draw: st.DrawFn, ndim: int, allow_none: bool = True) -> int | tuple[int, ...] | None:
    """None, an int, or a non-empty tuple of distinct ints, any of them negative."""
    if ndim == 0 or (allow_none and draw(st.booleans())):
        return None
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    signed = [a - ndim if draw(st.booleans()) else a for a in chosen]
    return signed[0] if len(signed) == 1 and draw(st.booleans()) else tuple(signed)


@st.composite
def _pad_pair(draw: st.DrawFn, n: int, mode: str) -> tuple[int, int]:
    """(before, after) for an axis of size ``n`` that ``mode`` accepts (negative: a crop)."""
    if mode == "constant":
        before = draw(st.integers(-n, 3))
        return before, draw(st.integers(-(n - max(-before, 0)), 3))
    if n == 0:
        return 0, 0  # (only constant padding pads an empty axis)
    if mode == "circular":  # a crop first, then at most what is left wraps
        before = draw(st.integers(1 - n, n))
        after = draw(st.integers(-(n - 1 - max(-before, 0)), n - max(-before, 0)))
        return min(before, n - max(-after, 0)), after
    top = n - 1 if mode == "reflect" else 3  # reflect: smaller than the axis
    before = draw(st.integers(1 - n, top))
    return before, draw(st.integers(max(1 - n, 1 - n - before), top))  # one element at least


@st.composite
def pad_sizes(draw: st.DrawFn, shape: Shape, axes: int, mode: str) -> tuple[int, ...]:
    """A pad tuple for the last ``axes`` axes of ``shape`` (last axis first, as PyTorch's
    ``pad`` reads it) that ``mode`` accepts."""
    sizes: list[int] = []
    for n in reversed(shape[len(shape) - axes :]):
        sizes += draw(_pad_pair(n, mode))
    return tuple(sizes)


EINSUM_CASES: list[tuple[str, list[Shape]]] = [
    # (equation, operand shapes): products, sums, diagonals, ellipses, broadcasting, implicit
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ji", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ijk,k->ij", [(2, 3, 4), (4,)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("...ij,jk", [(5, 2, 3), (3, 4)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]),
    ("b...,b->...", [(2, 3), (2,)]),
    ("i,i->i", [(1,), (3,)]),  # a size 1 broadcasts, as in PyTorch
    ("ij,j->ij", [(2, 1), (3,)]),
    ("ab,cd->", [(2, 3), (0, 2)]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    ("i j , j k -> i k", [(2, 3), (3, 2)]),
    ("iJ,Jk->ik", [(2, 3), (3, 2)]),
    ("iJ,Jk", [(2, 3), (3, 2)]),
    ("Ba,aB", [(2, 3), (3, 2)]),
    ("aB,Bc", [(2, 3), (3, 2)]),
    ("bA", [(2, 3)]),  # implicit: in ASCII order, capitals first
    ("...bA", [(4, 2, 3)]),
    ("ij,jk->ik", [(0, 3), (3, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),  # attention's scores
]
"""Every equation's value is the same in numpy and PyTorch (``"...i->i"``, which sums the
ellipsis away, is PyTorch's alone: the crosscheck adds it)."""


@st.composite
def conv_geometries(
    draw: st.DrawFn, spatial: int = 2, transposed: bool = False, max_groups: int = 2
) -> dict[str, Any]:
    """A convolution whose windows fit: batch ``n``, channels ``c`` and ``c_out`` (both
    multiples of ``groups``), spatial ``size``, ``kernel``, ``stride``, ``dilation``,
    ``padding``, ``extra`` (an output_padding, for a transposed one), ``bias`` and ``seed``."""
    groups = draw(st.integers(1, max_groups))

    def ints(lo: int, hi: int) -> tuple[int, ...]:
        return tuple(draw(st.integers(lo, hi)) for _ in range(spatial))

    kernel, stride, dilation = ints(1, 3), ints(1, 2 if not transposed else 3), ints(1, 2)
    if transposed:  # padding small enough that the output keeps at least one pixel
        size = ints(1, 5)
        padding = tuple(
            draw(st.integers(0, ((n - 1) * s + d * (k - 1)) // 2))
            for n, s, k, d in zip(size, stride, kernel, dilation)
        )
        extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    else:
        padding, extra = ints(0, 2), (0,) * spatial
        size = tuple(
            max(d * (k - 1) + 1 - 2 * p, 1) + draw(st.integers(0, 4))
            for k, d, p in zip(kernel, dilation, padding)
        )
    return {
        "n": draw(st.integers(1, 3)),
        "c": groups * draw(st.integers(1, 2)),
        "c_out": groups * draw(st.integers(1, 2)),
        "size": size,
        "kernel": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "extra": extra,
        "groups": groups,
        "bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**16)),
    }

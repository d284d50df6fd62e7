"""Building and rearranging against PyTorch: pad (every mode), flip, roll, repeat, tile,
repeat_interleave, split, chunk, unbind, outer and einsum; values and gradients, float64
tight and float32 too, and second derivatives for the products.

Where PyTorch is narrower than tensorgrad the draws stay inside PyTorch: its non-constant
pad modes take 2-D or 3-D inputs with a pad of 2 sizes, 3-D or 4-D with 4 sizes (4-D or 5-D
with 6), and no empty axis. The ops that return pieces are compared piece by piece, and
through one Value that joins the pieces with a different weight each, so that a gradient
sent to the wrong piece shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_f
from cases import EINSUM_CASES, pad_sizes
from crosscheck._torch_helpers import (
    F32,
    SETTINGS,
    TG,
    Domain,
    check,
    check_higher_order,
    draw,
    shapes,
)
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad.ops.shape import pad

Shape = tuple[int, ...]
ANY = Domain(-3.0, 3.0)


def both(ours: Callable[..., Any], theirs: Callable[..., Any]) -> Callable[..., Any]:
    """``fn(ops, *inputs)`` for :func:`check`: ``ours`` on Values, ``theirs`` on tensors."""
    return lambda ops, *xs: ours(*xs) if ops is TG else theirs(*xs)


def joined(ops: Any, pieces: Sequence[Any]) -> Any:
    """The pieces flattened and joined, piece k weighted by k + 1."""
    flat = [p.reshape(-1) * (k + 1.0) for k, p in enumerate(pieces)]
    return tg.concatenate(flat) if ops is TG else torch.cat(flat)


def float32(*arrays: np.ndarray) -> list[np.ndarray]:
    return [a.astype(np.float32) for a in arrays]


# -- pad -----------------------------------------------------------------------------------------


@st.composite
def pad_cases(draw_: st.DrawFn, mode: str) -> tuple[Shape, tuple[int, ...]]:
    """A shape and a pad tuple that both libraries accept in ``mode``."""
    if mode == "constant":
        shape = draw_(shapes(min_dims=1, max_dims=4))
        axes = draw_(st.integers(1, len(shape)))
    else:
        axes = draw_(st.integers(1, 3))
        shape = draw_(shapes(min_dims=axes + 1, max_dims=axes + 2, min_side=1))
    return shape, draw_(pad_sizes(shape, axes, mode))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@SETTINGS
@given(data=st.data())
def test_pad(mode: str, data: st.DataObject) -> None:
    shape, sizes = data.draw(pad_cases(mode))
    value = data.draw(st.sampled_from([0.0, -1.5])) if mode == "constant" else 0.0
    (x,) = draw(data, [shape], ANY)
    fn = both(
        lambda v: pad(v, sizes, mode, value),
        lambda t: torch_f.pad(t, sizes, mode, value if mode == "constant" else None),
    )
    check(fn, x)
    check(fn, *float32(x), tol=F32)


def test_pad_second_order() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    for mode in ("reflect", "replicate", "circular"):
        fn = both(
            lambda v, m=mode: pad(v, (2, 1, 1, 2), m),
            lambda t, m=mode: torch_f.pad(t, (2, 1, 1, 2), m),
        )
        check_higher_order(lambda ops, v, f=fn: f(ops, v) ** 2, x)


# -- flip, roll ----------------------------------------------------------------------------------


@st.composite
def axes_of(draw_: st.DrawFn, ndim: int) -> tuple[int, ...]:
    if ndim == 0:
        return ()
    chosen = draw_(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw_(st.booleans()) else a for a in chosen)


@SETTINGS
@given(shape=shapes(max_dims=4), data=st.data())
def test_flip(shape: Shape, data: st.DataObject) -> None:
    dims = data.draw(axes_of(len(shape)))
    (x,) = draw(data, [shape], ANY)
    fn = both(lambda v: tg.flip(v, dims), lambda t: torch.flip(t, dims))
    check(fn, x)
    check(fn, *float32(x), tol=F32)


@SETTINGS
@given(shape=shapes(max_dims=4), data=st.data())
def test_roll(shape: Shape, data: st.DataObject) -> None:
    dims = data.draw(axes_of(len(shape)))
    shifts = tuple(data.draw(st.integers(-6, 6)) for _ in dims)
    (x,) = draw(data, [shape], ANY)
    if dims:
        fn = both(lambda v: v.roll(shifts, dims), lambda t: torch.roll(t, shifts, dims))
        check(fn, x)
        check(fn, *float32(x), tol=F32)
    shift = data.draw(st.integers(-6, 6))
    check(both(lambda v: tg.roll(v, shift), lambda t: torch.roll(t, shift)), x)


# -- repeat, tile, repeat_interleave -------------------------------------------------------------


@SETTINGS
@given(shape=shapes(max_dims=3), data=st.data())
def test_repeat_and_tile(shape: Shape, data: st.DataObject) -> None:
    reps = tuple(
        data.draw(st.integers(0, 3)) for _ in range(len(shape) + data.draw(st.integers(0, 2)))
    )
    (x,) = draw(data, [shape], ANY)
    fn = both(lambda v: v.repeat(*reps), lambda t: t.repeat(reps))
    check(fn, x)
    check(fn, *float32(x), tol=F32)
    fewer = reps[: data.draw(st.integers(0, len(reps)))]
    check(both(lambda v: tg.tile(v, fewer), lambda t: torch.tile(t, fewer)), x)


@SETTINGS
@given(shape=shapes(max_dims=3), data=st.data())
def test_repeat_interleave(shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], ANY)
    count = data.draw(st.integers(0, 3))
    fn = both(lambda v: tg.repeat_interleave(v, count), lambda t: torch.repeat_interleave(t, count))
    check(fn, x)
    check(fn, *float32(x), tol=F32)
    if not shape:
        return
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    counts = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), np.int64)
    fn = both(
        lambda v: v.repeat_interleave(counts, dim),
        lambda t: torch.repeat_interleave(t, torch.from_numpy(counts), dim),
    )
    check(fn, x)
    check(fn, *float32(x), tol=F32)
    check(both(lambda v: v.repeat_interleave(2, dim), lambda t: t.repeat_interleave(2, dim)), x)


# -- split, chunk, unbind ------------------------------------------------------------------------


def same_pieces(ours: Sequence[tg.Value], theirs: Sequence[torch.Tensor]) -> None:
    assert [p.shape for p in ours] == [tuple(t.shape) for t in theirs]
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.data, t.detach().numpy())


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, max_side=6), data=st.data())
def test_split_chunk_unbind(shape: Shape, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    (x,) = draw(data, [shape], ANY)
    size = data.draw(st.integers(1, 7)) if n else 0
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=4)))
    sections = [b - a for a, b in zip([0, *cuts], [*cuts, n])]
    chunks = data.draw(st.integers(1, 7))
    cases: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = [
        (lambda v: tg.split(v, size, dim), lambda t: torch.split(t, size, dim)),
        (lambda v: v.split(sections, dim), lambda t: torch.split(t, sections, dim)),
        (lambda v: tg.chunk(v, chunks, dim), lambda t: torch.chunk(t, chunks, dim)),
    ]
    if n:
        cases.append((lambda v: tg.unbind(v, dim), lambda t: torch.unbind(t, dim)))
    for ours, theirs in cases:
        same_pieces(ours(tg.Value(x)), theirs(torch.from_numpy(x)))
        fn = lambda ops, v, o=ours, t=theirs: joined(ops, o(v) if ops is TG else t(v))  # noqa: E731
        check(fn, x)
        check(fn, *float32(x), tol=F32)


def test_unbind_of_many_pieces() -> None:
    x = np.random.default_rng(0).standard_normal((37, 3))
    check(lambda ops, v: joined(ops, tg.unbind(v) if ops is TG else torch.unbind(v)), x)
    check(lambda ops, v: joined(ops, tg.unbind(v, 1) if ops is TG else torch.unbind(v, 1)), x)


# -- outer, einsum -------------------------------------------------------------------------------


@SETTINGS
@given(n=st.integers(0, 4), m=st.integers(0, 4), data=st.data())
def test_outer(n: int, m: int, data: st.DataObject) -> None:
    a, b = draw(data, [(n,), (m,)], ANY)
    fn = both(tg.outer, torch.outer)
    check(fn, a, b)
    check(fn, *float32(a, b), tol=F32)
    check_higher_order(fn, a, b)


EQUATIONS = [
    *EINSUM_CASES,
    ("...i->i", [(2, 3, 4)]),  # PyTorch sums the ellipsis away; numpy refuses
]


@pytest.mark.parametrize(("equation", "operand_shapes"), EQUATIONS)
def test_einsum(equation: str, operand_shapes: list[Shape]) -> None:
    rng = np.random.default_rng(len(equation))
    arrays = [rng.standard_normal(s) for s in operand_shapes]
    fn = both(lambda *v: tg.einsum(equation, *v), lambda *t: torch.einsum(equation, *t))
    check(fn, *arrays)
    check(fn, *float32(*arrays), tol=F32)
    check_higher_order(lambda ops, *xs: fn(ops, *xs) ** 2, *arrays)

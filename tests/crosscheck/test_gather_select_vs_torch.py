"""Gathers, scatters and masks against PyTorch: value and gradients (first and second order),
float64 and float32, with repeated indices.

tensorgrad's names are PyTorch's (``gather``, ``index_select``, ``scatter_add``, ``scatter``,
``masked_fill``, ``tril``, ``triu``, ``where``), except ``take_along_axis``, numpy's name of
``torch.take_along_dim``. Indices are drawn from a generator seeded by hypothesis: shapes
with 0-d, size-0 and size-1 axes, an index longer than the input along ``dim``, shorter along
the others, and repeats.

Left out, as PyTorch cannot compare there: a scatter's ``src`` larger than its index
(PyTorch refuses that backward; tensorgrad gives 0 to the part not read, see
``tests/tensorgrad/test_gather_scatter.py``), and ``scatter`` with one position written
twice (PyTorch does not say which write wins).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import (
    F32,
    F64,
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

Shape = tuple[int, ...]
Case = tuple[Shape, int, np.ndarray]

ANY = Domain(-3.0, 3.0)


def lift(shape: Shape) -> Shape:
    return shape or (1,)


def rng(data: st.DataObject) -> np.random.Generator:
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))


def t(index: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.array(index, np.int64))


def both(
    fn: Callable[..., Any], *arrays: np.ndarray, higher: bool = True, f32: bool = True
) -> None:
    """``check`` in float64, its second order through a square, and ``check`` in float32."""
    check(fn, *arrays)
    if higher:
        check_higher_order(lambda ops, *vs: fn(ops, *vs) ** 2, *arrays)
    if f32:
        check(fn, *(a.astype(np.float32) for a in arrays), tol=F32)


@st.composite
def along(draw_: st.DrawFn, longer: bool) -> tuple[Shape, int, Shape]:
    """An input shape, a dim (maybe negative), and an index shape no longer than the input
    along the other axes and, with ``longer``, up to 4 along ``dim`` (repeats)."""
    shape = draw_(shapes(max_dims=3, max_side=3))
    lifted = lift(shape)
    dim = draw_(st.integers(-len(lifted), len(lifted) - 1))
    axis = dim % len(lifted)
    n = lifted[axis]
    index_shape = tuple(
        (draw_(st.integers(0, 4 if longer else n)) if n else 0)
        if d == axis
        else draw_(st.integers(0, k))
        for d, k in enumerate(lifted)
    )
    return shape, dim, index_shape


# -- gather, take_along_axis, index_select -----------------------------------------------------


@SETTINGS
@given(case=along(longer=True), data=st.data())
def test_gather(case: tuple[Shape, int, Shape], data: st.DataObject) -> None:
    shape, dim, index_shape = case
    n = lift(shape)[dim]
    index = rng(data).integers(0, max(n, 1), size=index_shape)
    (x,) = draw(data, [shape], ANY)

    def fn(ops: Any, v: Any) -> Any:
        return tg.gather(v, dim, index) if ops is TG else torch.gather(v, dim, t(index))

    both(fn, x)


def test_gather_of_0d_and_with_int32_indices() -> None:
    x = np.array(1.5)
    check(lambda ops, v: v.gather(0, np.zeros(3, int) if ops is TG else t(np.zeros(3))), x)
    index = np.array([[1, 0, 1]], np.int32)
    y = np.arange(6.0).reshape(2, 3)
    check(lambda ops, v: v.gather(0, index if ops is TG else torch.from_numpy(index)), y)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, max_side=3), data=st.data())
def test_take_along_axis_is_take_along_dim(shape: Shape, data: st.DataObject) -> None:
    generator = rng(data)
    if data.draw(st.booleans(), label="flattened"):
        axis, n = None, int(np.prod(shape))
        index_shape: Shape = (data.draw(st.integers(0, 4)) if n else 0,)
    else:
        axis = data.draw(st.integers(-len(shape), len(shape) - 1))
        n = shape[axis]
        index_shape = tuple(
            (data.draw(st.integers(0, 4)) if n else 0)
            if d == axis % len(shape)
            else data.draw(st.sampled_from([1, k] if k != 1 else [0, 1, 3]))
            for d, k in enumerate(shape)
        )
    # negative ones too, but not flattened: torch's take_along_dim(dim=None) refuses them
    # (it gathers from the flattened tensor), where numpy's take_along_axis takes them
    low = 0 if axis is None else -n
    index = generator.integers(low, max(n, 1), size=index_shape)
    (x,) = draw(data, [shape], ANY)

    def fn(ops: Any, v: Any) -> Any:
        if ops is TG:
            return tg.take_along_axis(v, index, axis)
        return torch.take_along_dim(v, t(index), axis)

    both(fn, x)


@SETTINGS
@given(shape=shapes(max_dims=3, max_side=3), data=st.data())
def test_index_select(shape: Shape, data: st.DataObject) -> None:
    lifted = lift(shape)
    dim = data.draw(st.integers(-len(lifted), len(lifted) - 1))
    n = lifted[dim]
    size = 1 if not shape else data.draw(st.integers(0, 5)) if n else 0
    index = rng(data).integers(0, max(n, 1), size=size)
    if size == 1 and data.draw(st.booleans(), label="0-d index"):
        index = index.reshape(())
    (x,) = draw(data, [shape], ANY)

    def fn(ops: Any, v: Any) -> Any:
        return v.index_select(dim, index if ops is TG else t(index))

    both(fn, x)


# -- scatter_add, scatter ----------------------------------------------------------------------


@SETTINGS
@given(case=along(longer=True), data=st.data())
def test_scatter_add(case: tuple[Shape, int, Shape], data: st.DataObject) -> None:
    shape, dim, index_shape = case
    n = lift(shape)[dim]
    index = rng(data).integers(0, max(n, 1), size=index_shape)  # repeats add up
    if not shape:  # a 0-d input, index and src
        index = np.array(0)
    x, src = draw(data, [shape, index.shape], ANY)

    def fn(ops: Any, v: Any, s: Any) -> Any:
        return v.scatter_add(dim, index if ops is TG else t(index), s)

    both(fn, x, src)


def test_scatter_add_with_src_larger_than_index_has_torch_values() -> None:
    x, src = np.arange(6.0).reshape(2, 3), np.arange(9.0).reshape(3, 3)
    index = np.array([[1, 0], [1, 1]])
    expected = torch.scatter_add(torch.from_numpy(x), 0, t(index), torch.from_numpy(src))
    actual = tg.scatter_add(tg.Value(x), 0, index, tg.Value(src))
    np.testing.assert_array_equal(actual.data, expected.numpy())


@SETTINGS
@given(case=along(longer=False), data=st.data())
def test_scatter(case: tuple[Shape, int, Shape], data: st.DataObject) -> None:
    shape, dim, index_shape = case
    lifted = lift(shape)
    axis = dim % len(lifted)
    # a different position along dim for every element of a column: one write each
    keys = rng(data).random(
        tuple(lifted[axis] if d == axis else k for d, k in enumerate(index_shape))
    )
    index = np.argsort(keys, axis=axis).take(range(index_shape[axis]), axis=axis)
    if not shape:  # a 0-d input, index and src
        index = np.array(0)
    x, src = draw(data, [shape, index.shape], ANY)

    def fn(ops: Any, v: Any, s: Any) -> Any:
        return v.scatter(dim, index if ops is TG else t(index), s)

    def filled(ops: Any, v: Any) -> Any:
        return v.scatter(dim, index if ops is TG else t(index), -0.5)

    both(fn, x, src)
    both(filled, x)


# -- masked_fill, where ------------------------------------------------------------------------


@SETTINGS
@given(x_shape=shapes(max_dims=3, max_side=3), data=st.data())
def test_masked_fill(x_shape: Shape, data: st.DataObject) -> None:
    # a mask of x's shape with some axes set to 1 or dropped in front: it broadcasts
    lead = data.draw(st.integers(0, len(x_shape)))
    mask_shape = tuple(1 if data.draw(st.booleans()) else k for k in x_shape[lead:])
    if not lead and data.draw(st.booleans()):
        mask_shape = (2, *mask_shape)  # a mask with more axes than x: the result has them
    mask = np.asarray(rng(data).random(mask_shape) < 0.5)
    x, value = draw(data, [x_shape, ()], ANY)

    def number(ops: Any, v: Any) -> Any:
        return v.masked_fill(mask if ops is TG else torch.from_numpy(mask), 2.5)

    def tensor(ops: Any, v: Any, w: Any) -> Any:
        return v.masked_fill(mask if ops is TG else torch.from_numpy(mask), w)

    both(number, x)
    both(tensor, x, value)


def test_masked_fill_of_a_float32_input_with_a_float64_value() -> None:
    mask = np.array([True, False, True])
    x = tg.Value(np.ones(3, np.float32))
    value = tg.Value(2.0)
    y = x.masked_fill(mask, value)
    xt = torch.ones(3, requires_grad=True)
    vt = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    yt = xt.masked_fill(torch.from_numpy(mask), vt)
    assert y.dtype == np.float32
    assert yt.dtype == torch.float32
    g = np.array([1.0, 2.0, 3.0], np.float32)
    y.backward(g)
    yt.backward(torch.from_numpy(g))
    np.testing.assert_array_equal(x.grad, xt.grad.numpy())
    np.testing.assert_array_equal(value.grad, vt.grad.numpy())
    assert value.grad.dtype == np.float64


WHERE: dict[str, Callable[[Any, np.ndarray, Any], Any]] = {
    "where(c, x, 0.0)": lambda ops, c, v: ops.where(c, v, 0.0),
    "where(c, 0.0, x)": lambda ops, c, v: ops.where(c, 0.0, v),
    "where(c, x, -x)": lambda ops, c, v: ops.where(c, v, -v),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", WHERE)
def test_where_with_numbers(name: str, dtype: Any) -> None:
    c = np.array([[True, False, True], [False, False, True]])
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(dtype)
    check(lambda ops, v: WHERE[name](ops, c, v), x, tol=F32 if dtype == np.float32 else F64)


def test_where_of_the_condition_alone_is_torchs() -> None:
    c = np.random.default_rng(1).random((3, 4)) < 0.5
    for ours, theirs in zip(tg.where(c), torch.where(torch.from_numpy(c))):
        np.testing.assert_array_equal(ours, theirs.numpy())
    for ours, theirs in zip(tg.where(np.array(True)), torch.where(torch.tensor(True))):
        np.testing.assert_array_equal(ours, theirs.numpy())


# -- tril, triu --------------------------------------------------------------------------------


@SETTINGS
@given(
    shape=shapes(min_dims=2, max_dims=4, max_side=4), diagonal=st.integers(-5, 5), data=st.data()
)
def test_tril_and_triu(shape: Shape, diagonal: int, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], ANY)
    both(lambda ops, v: v.tril(diagonal), x)
    both(lambda ops, v: v.triu(diagonal), x)


# -- the same refusals -------------------------------------------------------------------------


REFUSED: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    # what PyTorch refuses, and tensorgrad too (PyTorch mostly with a RuntimeError)
    "gather: negative index": (
        lambda: tg.gather(tg.Value(np.ones(3)), 0, [-1]),
        lambda: torch.gather(torch.ones(3), 0, t(np.array([-1]))),
    ),
    "gather: index out of bounds": (
        lambda: tg.gather(tg.Value(np.ones(3)), 0, [3]),
        lambda: torch.gather(torch.ones(3), 0, t(np.array([3]))),
    ),
    "gather: float index": (
        lambda: tg.gather(tg.Value(np.ones(3)), 0, np.array([0.0])),
        lambda: torch.gather(torch.ones(3), 0, torch.tensor([0.0])),
    ),
    "gather: ndim": (
        lambda: tg.gather(tg.Value(np.ones((2, 2))), 0, [0]),
        lambda: torch.gather(torch.ones(2, 2), 0, t(np.array([0]))),
    ),
    "gather: longer on another axis": (
        lambda: tg.gather(tg.Value(np.ones((2, 3))), 1, np.zeros((3, 1), int)),
        lambda: torch.gather(torch.ones(2, 3), 1, t(np.zeros((3, 1)))),
    ),
    "index_select: negative index": (
        lambda: tg.index_select(tg.Value(np.ones(3)), 0, [-1]),
        lambda: torch.index_select(torch.ones(3), 0, t(np.array([-1]))),
    ),
    "index_select: 2-D index": (
        lambda: tg.index_select(tg.Value(np.ones(3)), 0, [[0]]),
        lambda: torch.index_select(torch.ones(3), 0, t(np.array([[0]]))),
    ),
    "scatter_add: dtypes": (
        lambda: tg.scatter_add(tg.Value(np.ones(3)), 0, [0], np.ones(1, np.float32)),
        lambda: torch.scatter_add(
            torch.ones(3, dtype=torch.float64), 0, t(np.array([0])), torch.ones(1)
        ),
    ),
    "scatter_add: index longer than src": (
        lambda: tg.scatter_add(tg.Value(np.ones(3)), 0, [0, 1], np.ones(1)),
        lambda: torch.scatter_add(torch.ones(3), 0, t(np.array([0, 1])), torch.ones(1)),
    ),
    "masked_fill: float mask": (
        lambda: tg.masked_fill(tg.Value(np.ones(3)), np.ones(3), 0.0),
        lambda: torch.masked_fill(torch.ones(3), torch.ones(3), 0.0),
    ),
    "masked_fill: 1-D value": (
        lambda: tg.masked_fill(tg.Value(np.ones(3)), np.ones(3, bool), tg.Value([1.0])),
        lambda: torch.masked_fill(torch.ones(3), torch.ones(3, dtype=torch.bool), torch.ones(1)),
    ),
    "masked_fill: overflow": (
        lambda: tg.masked_fill(tg.Value(np.ones(3, np.float32)), np.ones(3, bool), 1e300),
        lambda: torch.masked_fill(torch.ones(3), torch.ones(3, dtype=torch.bool), 1e300),
    ),
    "tril: 1-D": (lambda: tg.tril(tg.Value(np.ones(3))), lambda: torch.tril(torch.ones(3))),
    "where: float condition": (
        lambda: tg.where(np.ones(2), 1.0, 2.0),
        lambda: torch.where(torch.ones(2), 1.0, 2.0),
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_what_torch_refuses_is_refused(name: str) -> None:
    ours, theirs = REFUSED[name]
    with pytest.raises((RuntimeError, IndexError, TypeError, ValueError)):
        theirs()
    with pytest.raises((IndexError, TypeError, ValueError)):
        ours()

"""Gathers, scatters and masks: ``gather``, ``take_along_axis``, ``index_select``,
``scatter_add``, ``scatter``, ``masked_fill``, ``where`` and ``tril``/``triu``.

Each op is checked three ways: its values against a plain numpy reference written here
(loops or numpy's own functions), its gradients against central differences with
:func:`tensorgrad.gradcheck` (first order, and second order through a square so that the
backward's own backward is exercised), and every wrong call against its message. Shapes come
from hypothesis, with 0-d, size-0 and size-1 axes, and indices with repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hostile import strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad, gradcheck

SETTINGS = settings(max_examples=30, deadline=None)
INT_DTYPES = st.sampled_from([np.int64, np.int32, np.int16, np.uint8, np.intp])

Shape = tuple[int, ...]


def check(fn: Callable[..., Value], *arrays: np.ndarray) -> None:
    """First- and second-order gradients of ``fn`` at ``arrays`` against central differences;
    the second order differentiates ``sum(w * dfn)``, which runs every backward on Values."""
    inputs = [Value(a) for a in arrays]
    gradcheck(fn, *inputs)

    def weighted_gradients(*xs: Value) -> Value:
        out = fn(*xs) ** 2  # a square: the second derivative then goes through fn's backward
        seed = np.random.default_rng(1).standard_normal(out.shape)
        grads = grad((out * seed).sum(), xs, create_graph=True, allow_unused=True)
        total = sum((x.sum() * 0 for x in xs), start=Value(0.0))
        for k, g in enumerate(grads):
            weights = np.random.default_rng(2 + k).standard_normal(g.shape)
            total = total + (g * weights).sum()
        return total

    gradcheck(weighted_gradients, *inputs)


def data_of(shape: Shape) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=st.floats(-2.0, 2.0))


def lift(shape: Shape) -> Shape:
    """PyTorch reads a 0-d tensor as 1-D in the gathers and scatters."""
    return shape or (1,)


# -- gather ------------------------------------------------------------------------------------


@st.composite
def gather_cases(draw: st.DrawFn) -> tuple[Shape, int, np.ndarray]:
    """An input shape, a dim (maybe negative) and an index: longer than the input along dim
    (repeats), no longer along the other axes."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    lifted = lift(shape)
    dim = draw(st.integers(-len(lifted), len(lifted) - 1))
    axis = dim % len(lifted)
    index_shape = [
        (draw(st.integers(0, 4)) if lifted[axis] else 0) if d == axis else draw(st.integers(0, n))
        for d, n in enumerate(lifted)
    ]
    index = draw(
        hnp.arrays(
            draw(INT_DTYPES), tuple(index_shape), elements=st.integers(0, max(lifted[axis] - 1, 0))
        )
    )
    if index.size == 1 and len(lifted) == 1 and draw(st.booleans()):
        index = index.reshape(())
    return shape, dim, index


def gather_reference(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    lifted, idx = x.reshape(lift(x.shape)), index.reshape(lift(index.shape))
    axis = dim % lifted.ndim
    corner = tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(idx.shape))
    return np.take_along_axis(lifted[corner], idx.astype(np.intp), axis).reshape(index.shape)


@SETTINGS
@given(case=gather_cases(), data=st.data())
def test_gather(case: tuple[Shape, int, np.ndarray], data: st.DataObject) -> None:
    shape, dim, index = case
    x = data.draw(data_of(shape))
    out = tg.gather(Value(x), dim, index)
    np.testing.assert_array_equal(out.data, gather_reference(x, dim, index))
    np.testing.assert_array_equal(Value(x).gather(dim, index).data, out.data)
    check(lambda v: tg.gather(v, dim, index), x)


def test_gather_adds_the_gradients_of_an_element_picked_twice() -> None:
    x = Value([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = x.gather(1, [[2, 2, 2, 0], [1, 0, 1, 1]])
    y.backward(np.arange(8.0).reshape(2, 4))
    np.testing.assert_array_equal(x.grad, [[3.0, 0.0, 3.0], [5.0, 17.0, 0.0]])


def test_gather_reads_the_first_positions_of_a_shorter_index() -> None:
    x = Value(np.arange(12.0).reshape(3, 4))
    y = x.gather(0, [[2, 0]])  # one row of two: columns 0 and 1 only
    np.testing.assert_array_equal(y.data, [[8.0, 1.0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]])


# -- take_along_axis ---------------------------------------------------------------------------


@st.composite
def take_cases(draw: st.DrawFn) -> tuple[Shape, int | None, np.ndarray]:
    """numpy's rules: the other axes broadcast (1 with anything), indices may be negative."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    if draw(st.booleans()) and shape:
        n = int(np.prod(shape))
        size = draw(st.integers(0, 4)) if n else 0
        values = st.integers(-n, n - 1) if n else st.just(0)
        return shape, None, draw(hnp.arrays(np.int64, (size,), elements=values))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    along = axis % len(shape)
    index_shape = []
    for d, n in enumerate(shape):
        if d == along:
            index_shape.append(draw(st.integers(0, 4)) if n else 0)
        elif n == 1:
            index_shape.append(draw(st.integers(0, 3)))
        else:
            index_shape.append(draw(st.sampled_from([1, n])))
    n = shape[along]
    values = st.integers(-n, n - 1) if n else st.just(0)
    dtype = draw(st.sampled_from([np.int64, np.int32, np.int8]))  # signed: negatives too
    return shape, axis, draw(hnp.arrays(dtype, tuple(index_shape), elements=values))


@SETTINGS
@given(case=take_cases(), data=st.data())
def test_take_along_axis(case: tuple[Shape, int | None, np.ndarray], data: st.DataObject) -> None:
    shape, axis, indices = case
    x = data.draw(data_of(shape))
    out = tg.take_along_axis(Value(x), indices, axis)
    np.testing.assert_array_equal(out.data, np.take_along_axis(x, indices, axis))
    check(lambda v: tg.take_along_axis(v, indices, axis), x)


def test_take_along_axis_picks_what_argsort_names() -> None:
    x = Value([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    order = np.argsort(x.data, axis=-1)
    y = tg.take_along_axis(x, order)  # axis=-1 by default, as numpy's
    np.testing.assert_array_equal(y.data, np.sort(x.data, axis=-1))
    y.backward(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_array_equal(x.grad, [[3.0, 1.0, 2.0], [4.0, 6.0, 5.0]])


# -- index_select ------------------------------------------------------------------------------


@st.composite
def select_cases(draw: st.DrawFn) -> tuple[Shape, int, np.ndarray]:
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    lifted = lift(shape)
    dim = draw(st.integers(-len(lifted), len(lifted) - 1))
    n = lifted[dim % len(lifted)]
    if not shape:
        return shape, dim, np.array([0] if draw(st.booleans()) else 0)
    size = draw(st.integers(0, 5)) if n else 0
    index = draw(hnp.arrays(draw(INT_DTYPES), (size,), elements=st.integers(0, max(n - 1, 0))))
    if size == 1 and draw(st.booleans()):
        index = index.reshape(())  # a 0-d index is a list of one, as in PyTorch
    return shape, dim, index


@SETTINGS
@given(case=select_cases(), data=st.data())
def test_index_select(case: tuple[Shape, int, np.ndarray], data: st.DataObject) -> None:
    shape, dim, index = case
    x = data.draw(data_of(shape))
    out = Value(x).index_select(dim, index)
    expected = np.take(x, index.reshape(-1), axis=dim % x.ndim) if x.ndim else x
    np.testing.assert_array_equal(out.data, expected)
    check(lambda v: tg.index_select(v, dim, index), x)


def test_index_select_adds_up_repeated_indices() -> None:
    x = Value([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = tg.index_select(x, 0, [2, 0, 2, 2])
    assert y.shape == (4, 2)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [0.0, 0.0], [3.0, 3.0]])


# -- scatter_add and scatter -------------------------------------------------------------------


@st.composite
def scatter_cases(draw: st.DrawFn, unique: bool) -> tuple[Shape, int, np.ndarray, Shape]:
    """An input shape, a dim, an index and a src shape (no smaller than the index). With
    ``unique``, the positions written along dim differ (scatter's result is then defined)."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    lifted = lift(shape)
    dim = draw(st.integers(-len(lifted), len(lifted) - 1))
    axis = dim % len(lifted)
    n = lifted[axis]
    index_shape = [
        (draw(st.integers(0, n if unique else 4)) if n else 0)
        if d == axis
        else draw(st.integers(0, m))
        for d, m in enumerate(lifted)
    ]
    if unique:  # the first positions of a permutation along dim, per column
        keys = np.random.default_rng(draw(st.integers(0, 2**16))).random(
            tuple(n if d == axis else k for d, k in enumerate(index_shape))
        )
        index = np.argsort(keys, axis=axis).take(range(index_shape[axis]), axis=axis)
    else:
        elements = st.integers(0, max(n - 1, 0))
        index = draw(hnp.arrays(draw(INT_DTYPES), tuple(index_shape), elements=elements))
    src_shape = tuple(k + draw(st.integers(0, 1)) for k in index_shape)
    if not shape and index.size == 1 and draw(st.booleans()):
        index, src_shape = index.reshape(()), ()
    return shape, dim, index, src_shape


def scatter_reference(
    x: np.ndarray, dim: int, index: np.ndarray, src: np.ndarray, add: bool
) -> np.ndarray:
    out = x.reshape(lift(x.shape)).copy()
    idx, source = index.reshape(lift(index.shape)), src.reshape(lift(src.shape))
    axis = dim % out.ndim
    for pos in np.ndindex(*idx.shape):
        target = list(pos)
        target[axis] = int(idx[pos])
        if add:
            out[tuple(target)] += source[pos]
        else:
            out[tuple(target)] = source[pos]
    return out.reshape(x.shape)


@SETTINGS
@given(case=scatter_cases(unique=False), data=st.data())
def test_scatter_add(case: tuple[Shape, int, np.ndarray, Shape], data: st.DataObject) -> None:
    shape, dim, index, src_shape = case
    x, src = data.draw(data_of(shape)), data.draw(data_of(src_shape))
    out = Value(x).scatter_add(dim, index, Value(src))
    np.testing.assert_allclose(out.data, scatter_reference(x, dim, index, src, add=True))
    check(lambda v, s: tg.scatter_add(v, dim, index, s), x, src)


@SETTINGS
@given(case=scatter_cases(unique=True), data=st.data())
def test_scatter(case: tuple[Shape, int, np.ndarray, Shape], data: st.DataObject) -> None:
    shape, dim, index, src_shape = case
    x, src = data.draw(data_of(shape)), data.draw(data_of(src_shape))
    out = Value(x).scatter(dim, index, Value(src))
    np.testing.assert_array_equal(out.data, scatter_reference(x, dim, index, src, add=False))
    check(lambda v, s: tg.scatter(v, dim, index, s), x, src)
    filled = np.full(index.shape, 2.5)
    np.testing.assert_array_equal(
        Value(x).scatter(dim, index, 2.5).data,
        scatter_reference(x, dim, index, filled, add=False),
    )
    check(lambda v: tg.scatter(v, dim, index, 2.5), x)


def test_scatter_add_sums_what_lands_twice_and_src_gets_the_gradient_gathered() -> None:
    x, src = Value(np.zeros((2, 3))), Value(np.arange(1.0, 7.0).reshape(2, 3))
    y = x.scatter_add(0, [[1, 0, 1], [1, 1, 1]], src)
    np.testing.assert_array_equal(y.data, [[0.0, 2.0, 0.0], [5.0, 5.0, 9.0]])
    y.backward(np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]))
    np.testing.assert_array_equal(x.grad, [[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])
    np.testing.assert_array_equal(src.grad, [[40.0, 20.0, 60.0], [40.0, 50.0, 60.0]])


def test_the_unread_part_of_src_gets_zero_gradient() -> None:
    """PyTorch refuses this backward (a gradient of the index's shape, not src's)."""
    src = Value(np.ones((3, 3)))
    tg.scatter_add(Value(np.zeros((2, 3))), 0, [[1, 0]], src).sum().backward()
    np.testing.assert_array_equal(src.grad, [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_scatter_makes_one_hot_rows_and_zeros_the_gradient_where_it_writes() -> None:
    x = Value(np.full((2, 3), 0.5))
    y = x.scatter(1, [[2], [0]], 1.0)
    np.testing.assert_array_equal(y.data, [[0.5, 0.5, 1.0], [1.0, 0.5, 0.5]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])


def test_scatter_add_on_0d_with_a_0d_array_src() -> None:
    x = Value(1.0)
    y = x.scatter_add(0, 0, np.array(5.0))
    assert y.shape == ()
    assert y.item() == 6.0
    np.testing.assert_array_equal(x.scatter_add(0, [0, 0], np.array([5.0, 6.0])).data, 12.0)


def test_scatter_src_of_ints_and_float32_keep_the_input_dtype() -> None:
    x = Value(np.zeros((2, 2), np.float32))
    assert x.scatter(0, [[1, 0]], np.array([[3, 4]])).dtype == np.float32
    assert x.scatter(0, [[1, 0]], 7).dtype == np.float32
    src = Value(np.ones((1, 2), np.float32))
    y = x.scatter_add(0, [[1, 0]], src)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == src.grad.dtype == np.float32


# -- masked_fill -------------------------------------------------------------------------------


@st.composite
def mask_cases(draw: st.DrawFn) -> tuple[Shape, np.ndarray]:
    x_shape, mask_shape = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3).map(
            lambda s: s.input_shapes
        )
    )
    return x_shape, draw(hnp.arrays(np.bool_, mask_shape))


@SETTINGS
@given(case=mask_cases(), data=st.data())
def test_masked_fill(case: tuple[Shape, np.ndarray], data: st.DataObject) -> None:
    shape, mask = case
    x = data.draw(data_of(shape))
    out = Value(x).masked_fill(mask, -1.5)
    np.testing.assert_array_equal(out.data, np.where(mask, -1.5, x))
    check(lambda v: tg.masked_fill(v, mask, -1.5), x)
    value = data.draw(data_of(()))
    check(lambda v, w: tg.masked_fill(v, mask, w), x, value)


def test_masked_fill_sends_the_value_the_gradient_of_every_filled_element() -> None:
    x, value = Value(np.ones(3, np.float32)), Value(2.0)  # float64 value, float32 input
    y = x.masked_fill(np.array([[True, False, True], [False, False, True]]), value)
    assert y.shape == (2, 3)
    assert y.dtype == np.float32
    y.backward(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(x.grad, [3.0, 5.0, 0.0])
    assert value.grad.dtype == np.float64
    assert value.grad == 0.0 + 2.0 + 5.0


def test_masked_fill_with_minus_infinity_makes_a_causal_softmax() -> None:
    scores = Value(np.zeros((3, 3), np.float32))
    future = np.triu(np.ones((3, 3), bool), 1)
    with strict():
        weights = tg.softmax(scores.masked_fill(future, -np.inf), axis=-1)
    np.testing.assert_allclose(weights.data[1], [0.5, 0.5, 0.0])


@pytest.mark.parametrize("number", [2, 2.0, True, np.float64(2.0), np.int64(2), np.array(2.0)])
def test_a_number_of_any_kind_leaves_float32_float32(number: Any) -> None:
    x = Value(np.ones((2, 2), np.float32))
    mask = np.array([True, False])
    with strict():
        for y in (x.masked_fill(mask, number), x.scatter(0, [[1, 0]], number)):
            assert y.dtype == np.float32
            y.sum().backward()
            assert x.grad.dtype == np.float32


def test_tril_and_triu_take_any_diagonal() -> None:
    x = np.arange(6.0).reshape(2, 3)
    for k in (-(10**30), -3, 4, 10**30):
        np.testing.assert_array_equal(Value(x).tril(k).data, np.tril(x, max(min(k, 4), -3)))
        np.testing.assert_array_equal(Value(x).triu(k).data, np.triu(x, max(min(k, 4), -3)))


# -- where -------------------------------------------------------------------------------------


def test_where_takes_numbers_on_either_side_and_keeps_float32() -> None:
    x = Value(np.array([-1.0, 2.0], np.float32))
    mask = np.array([True, False])
    for y in (tg.where(mask, x, 0.0), tg.where(mask, 0.0, x), x.where(mask, 0.0)):
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2.0, 1.0])


def test_where_of_two_numbers_or_int_arrays_is_a_float64_constant() -> None:
    for y in (
        tg.where(np.array([True, False]), 1.0, 2.0),
        tg.where(np.array([True, False]), 1, 2),
        tg.where(np.array([True, False]), np.array([1, 2]), True),
    ):
        assert y.dtype == np.float64
        assert not y.requires_grad
    np.testing.assert_array_equal(tg.where(np.array([True, False]), 1, 2).data, [1.0, 2.0])


def test_where_with_the_condition_alone_gives_the_indices() -> None:
    rows, cols = tg.where(np.array([[True, False], [True, True]]))
    np.testing.assert_array_equal(rows, [0, 1, 1])
    np.testing.assert_array_equal(cols, [0, 0, 1])
    (found,) = tg.where(Value([0.0, 3.0, -1.0]))  # nonzero numbers, as PyTorch's
    np.testing.assert_array_equal(found, [1, 2])
    (scalar,) = tg.where(np.array(True))  # a 0-d condition reads as 1-D, as in PyTorch
    np.testing.assert_array_equal(scalar, [0])


# -- tril and triu -----------------------------------------------------------------------------


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4),
    diagonal=st.integers(-5, 5),
    data=st.data(),
)
def test_tril_and_triu(shape: Shape, diagonal: int, data: st.DataObject) -> None:
    x = data.draw(data_of(shape))
    np.testing.assert_array_equal(Value(x).tril(diagonal).data, np.tril(x, diagonal))
    np.testing.assert_array_equal(Value(x).triu(diagonal).data, np.triu(x, diagonal))
    check(lambda v: tg.tril(v, diagonal), x)
    check(lambda v: tg.triu(v, diagonal), x)


def test_tril_gradient_is_zero_above_the_diagonal_even_for_an_infinite_gradient() -> None:
    x = Value(np.ones((2, 2), np.float32))
    with strict():
        x.tril().backward(np.full((2, 2), np.inf, np.float32))
    np.testing.assert_array_equal(x.grad, [[np.inf, 0.0], [np.inf, np.inf]])
    assert x.grad.dtype == np.float32


# -- the saved index cannot be changed behind backward's back ----------------------------------

SAVING: dict[str, Callable[[Value, np.ndarray], Value]] = {
    "gather": lambda x, i: x.gather(1, i.reshape(1, -1)),
    "take_along_axis": lambda x, i: tg.take_along_axis(x, i.reshape(1, -1), 1),
    "index_select": lambda x, i: x.index_select(1, i),
    "scatter_add": lambda x, i: x.scatter_add(1, i.reshape(1, -1), np.ones((1, 2))),
    "scatter": lambda x, i: x.scatter(1, i.reshape(1, -1), 0.0),
}


@pytest.mark.parametrize("name", SAVING)
def test_changing_the_index_after_the_op_does_not_move_the_gradient(name: str) -> None:
    index = np.array([0, 0])
    x = Value(np.ones((1, 3)))
    y = SAVING[name](x, index)
    index[:] = 2
    y.backward(np.arange(1.0, y.size + 1).reshape(y.shape))
    fresh = Value(np.ones((1, 3)))
    SAVING[name](fresh, np.array([0, 0])).backward(np.arange(1.0, y.size + 1).reshape(y.shape))
    np.testing.assert_array_equal(x.grad, fresh.grad)


def test_changing_the_mask_after_masked_fill_does_not_move_the_gradient() -> None:
    mask = np.array([True, False])
    x = Value([1.0, 2.0])
    y = x.masked_fill(mask, 0.0)
    mask[:] = [False, True]
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])


# -- wrong calls, and what their messages say --------------------------------------------------


def m() -> Value:
    return Value(np.arange(6.0).reshape(2, 3))


WRONG: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # (label, call, error, what the message says: a regular expression)
    (
        "gather of a list",
        lambda: tg.gather([1.0], 0, [0]),
        TypeError,
        "gather: expected Values, numpy arrays or numbers, got list",
    ),
    (
        "gather float index",
        lambda: m().gather(1, [[0.5]]),
        TypeError,
        r"gather: index must hold integers, got list of dtype float64",
    ),
    (
        "gather bool index",
        lambda: m().gather(1, np.array([[True]])),
        TypeError,
        r"gather: index must hold integers, got ndarray of dtype bool",
    ),
    (
        "gather Value index",
        lambda: m().gather(1, Value([[0.0]])),
        TypeError,
        r"gather: index must be an integer numpy array or a list of ints, got Value",
    ),
    ("gather str index", lambda: m().gather(1, "a"), TypeError, r"gather: index .* got str 'a'"),
    (
        "gather ragged",
        lambda: m().gather(1, [[0, 1], [0]]),
        ValueError,
        r"gather: the list \[\[0, 1\], \[0\]\] given as index is ragged",
    ),
    (
        "gather ndim",
        lambda: m().gather(1, [0, 1]),
        ValueError,
        r"gather: index of shape \(2,\) has 1 dimensions and the input, of shape \(2, 3\), 2",
    ),
    (
        "gather longer",
        lambda: m().gather(1, [[0]] * 3),
        ValueError,
        r"gather: index of shape \(3, 1\) is longer than the input of shape \(2, 3\) at "
        r"dimension 0 \(3 > 2\)",
    ),
    (
        "gather too big",
        lambda: m().gather(1, [[3]]),
        IndexError,
        r"gather: index 3 is out of bounds for dimension 1 with size 3",
    ),
    (
        "gather negative",
        lambda: m().gather(0, [[-1]]),
        IndexError,
        r"gather: index -1 is out of bounds for dimension 0 with size 2",
    ),
    (
        "gather dim",
        lambda: m().gather(2, [[0]]),
        np.exceptions.AxisError,
        r"gather: axis 2 is out of range for 2 axes",
    ),
    (
        "gather dim type",
        lambda: m().gather((0,), [[0]]),
        TypeError,
        r"gather: axis must be one int, got tuple",
    ),
    (
        "take_along_axis of a number",
        lambda: tg.take_along_axis(None, [0]),
        TypeError,
        r"take_along_axis: expected Values, numpy arrays or numbers, got NoneType",
    ),
    (
        "take_along_axis None",
        lambda: tg.take_along_axis(m(), [[0]], None),
        ValueError,
        r"take_along_axis: with axis=None \(arr flattened\), indices must be 1-D, got "
        r"shape \(1, 1\)",
    ),
    (
        "take_along_axis shapes",
        lambda: tg.take_along_axis(m(), np.zeros((3, 1), int), 1),
        ValueError,
        r"take_along_axis: arr of shape \(2, 3\) and indices of shape \(3, 1\) do "
        r"not broadcast at axis 0 \(2 and 3\)",
    ),
    (
        "take_along_axis bounds",
        lambda: tg.take_along_axis(m(), [[-4]], 1),
        IndexError,
        r"take_along_axis: index -4 is out of bounds for dimension 1 with size 3",
    ),
    (
        "take_along_axis ndim",
        lambda: tg.take_along_axis(m(), [0], 1),
        ValueError,
        r"take_along_axis: indices of shape \(1,\) has 1 dimensions",
    ),
    (
        "index_select 2-D",
        lambda: m().index_select(0, [[0]]),
        IndexError,
        r"index_select: index must be 1-D \(or one int\), got shape \(1, 1\)",
    ),
    (
        "index_select negative",
        lambda: m().index_select(1, [0, -1]),
        IndexError,
        r"index_select: index -1 is out of bounds for dimension 1 with size 3",
    ),
    (
        "index_select 0-d input",
        lambda: Value(1.0).index_select(0, [0, 0]),
        IndexError,
        r"index_select: a 0-d input takes one index, got 2",
    ),
    (
        "index_select uint64 too big",
        lambda: m().index_select(0, np.array([2**63], np.uint64)),
        IndexError,
        r"index_select: index 9223372036854775808 is out of bounds",
    ),
    (
        "scatter_add number",
        lambda: m().scatter_add(0, [[0]], 1.0),
        TypeError,
        r"scatter_add: src must be a Value or an array, got float 1.0",
    ),
    (
        "scatter_add dtypes",
        lambda: m().scatter_add(0, [[0]], np.ones((1, 1), np.float32)),
        TypeError,
        r"scatter_add: src has dtype float32 and the input float64",
    ),
    (
        "scatter_add str",
        lambda: m().scatter_add(0, [[0]], "a"),
        TypeError,
        r"scatter_add: expected Values, numpy arrays or numbers, got Value and str",
    ),
    (
        "scatter_add longer than src",
        lambda: m().scatter_add(0, [[0, 0]], np.ones((1, 1))),
        ValueError,
        r"scatter_add: index of shape \(1, 2\) is longer at dimension 1 than src "
        r"\(shape \(1, 1\)\) or than the input",
    ),
    (
        "scatter_add longer than input",
        lambda: m().scatter_add(1, np.zeros((3, 1), int), np.ones((3, 1))),
        ValueError,
        r"scatter_add: index of shape \(3, 1\) is longer at dimension 0",
    ),
    (
        "scatter_add src ndim",
        lambda: m().scatter_add(0, [[0]], np.ones(1)),
        ValueError,
        r"scatter_add: src of shape \(1,\) has 1 dimensions",
    ),
    (
        "scatter_add bounds",
        lambda: m().scatter_add(0, [[2]], np.ones((1, 1))),
        IndexError,
        r"scatter_add: index 2 is out of bounds for dimension 0 with size 2",
    ),
    (
        "scatter overflow",
        lambda: Value(np.ones((2, 3), np.float32)).scatter(0, [[0]], 1e300),
        ValueError,
        r"scatter: src 1e\+300 overflows float32",
    ),
    (
        "scatter huge int",
        lambda: m().scatter(0, [[0]], 10**400),
        ValueError,
        r"scatter: src \(an int of 401 digits\) overflows float64",
    ),
    (
        "scatter None",
        lambda: m().scatter(0, [[0]], None),
        TypeError,
        r"scatter: expected Values, numpy arrays or numbers, got Value and NoneType",
    ),
    (
        "masked_fill float mask",
        lambda: m().masked_fill([1.0, 0.0, 1.0], 0.0),
        TypeError,
        r"masked_fill: mask must be booleans, got dtype float64",
    ),
    (
        "masked_fill Value mask",
        lambda: m().masked_fill(Value([1.0]), 0.0),
        TypeError,
        r"masked_fill: mask must be booleans \(a numpy array or list\), got a Value",
    ),
    (
        "masked_fill shapes",
        lambda: m().masked_fill(np.ones(4, bool), 0.0),
        ValueError,
        r"masked_fill: mask of shape \(4,\) does not broadcast with the input of shape \(2, 3\)",
    ),
    (
        "masked_fill value shape",
        lambda: m().masked_fill(np.ones(3, bool), Value([1.0, 2.0])),
        ValueError,
        r"masked_fill: value must be a number or a 0-d Value, got a Value of shape \(2,\)",
    ),
    (
        "masked_fill value array",
        lambda: m().masked_fill(np.ones(3, bool), np.ones(3)),
        TypeError,
        r"masked_fill: value must be a number or a 0-d Value, got ndarray",
    ),
    (
        "masked_fill value str",
        lambda: m().masked_fill(np.ones(3, bool), "a"),
        TypeError,
        r"masked_fill: value must be a number or a 0-d Value, got str",
    ),
    (
        "masked_fill overflow",
        lambda: Value(np.ones(3, np.float32)).masked_fill(np.ones(3, bool), -1e300),
        ValueError,
        r"masked_fill: value -1e\+300 overflows float32",
    ),
    (
        "where one operand",
        lambda: tg.where(np.ones(3, bool), m()),
        TypeError,
        r"where: give both a and b",
    ),
    (
        "where str condition",
        lambda: tg.where("a"),
        TypeError,
        r"where: the condition must be booleans or numbers, got str \(numpy dtype <U1\)",
    ),
    (
        "tril 1-D",
        lambda: Value([1.0, 2.0]).tril(),
        ValueError,
        r"tril: the input must have at least 2 dimensions .*, got shape \(2,\)",
    ),
    ("triu 0-d", lambda: Value(1.0).triu(), ValueError, r"triu: .* got shape \(\)"),
    (
        "tril diagonal",
        lambda: m().tril(1.5),
        TypeError,
        r"tril: diagonal must be an int, got float 1.5",
    ),
    (
        "triu diagonal bool",
        lambda: m().triu(True),
        TypeError,
        r"triu: diagonal must be an int, got bool",
    ),
    ("tril str", lambda: tg.tril("a"), TypeError, r"tril: expected Values, .* got str"),
]


@pytest.mark.parametrize(("label", "call", "error", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_calls_say_what_is_wrong(
    label: str, call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with strict(), pytest.raises(error, match=message):
        call()

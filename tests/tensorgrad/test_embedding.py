"""tensorgrad.embedding: values, gradients (first order, and second through a square, so
that the backward's own node recorded under create_graph is exercised; and the lookup's
backward differentiated to the third order), padding_idx, scale_grad_by_freq, max_norm,
dtypes, and every wrong call against its message."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gradchecks import check
from hostile import strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad, gradcheck


@st.composite
def lookups(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int | None, bool]:
    """Indices of 0 to 3 axes (size 0 too) into a small table, so that indices repeat; the
    table; a padding index (or None), negative or not; scale_grad_by_freq."""
    n = draw(st.integers(1, 4))
    d = draw(st.integers(0, 3))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    indices = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, n - 1)))
    table = draw(
        hnp.arrays(np.float64, (n, d), elements=st.floats(-2, 2).filter(lambda v: abs(v) > 0.1))
    )
    padding = draw(st.none() | st.integers(-n, n - 1))
    return indices, table, padding, draw(st.booleans())


def reference(indices: np.ndarray, table: np.ndarray, padding: int | None, scale: bool, g: Any):
    """The table's gradient, a row at a time."""
    n, d = table.shape
    out = np.zeros((n, d))
    rows = g.reshape(indices.size, d)
    flat = indices.reshape(-1)
    for k, i in enumerate(flat):
        if padding is not None and i == padding % n:
            continue
        out[i] += rows[k] / (np.count_nonzero(flat == i) if scale else 1)
    return out


@settings(max_examples=30, deadline=None)
@given(case=lookups())
def test_values_and_gradients(case: tuple[np.ndarray, np.ndarray, int | None, bool]) -> None:
    indices, table, padding, scale = case
    w = Value(table)
    out = tg.embedding(indices, w, padding, scale_grad_by_freq=scale)
    assert out.shape == (*indices.shape, table.shape[1])
    np.testing.assert_array_equal(out.data, table[indices])
    g = np.random.default_rng(0).standard_normal(out.shape)
    out.backward(g)
    np.testing.assert_allclose(w.grad, reference(indices, table, padding, scale, g), atol=1e-12)
    if padding is None and not scale:  # (else, by design, not the derivative: PyTorch's rule)
        check(lambda w: tg.embedding(indices, w) ** 2, table)

    def gradient_of_w(u: Value) -> Value:  # linear in u: its backward must be the adjoint
        out = tg.embedding(indices, w, padding, scale_grad_by_freq=scale)
        return grad((out * u).sum(), [w], create_graph=True)[0]

    gradcheck(gradient_of_w, Value(g))


def test_repeated_indices_add_up_and_the_padding_row_gets_nothing() -> None:
    w = Value(np.arange(8.0).reshape(4, 2))
    out = tg.embedding(np.array([[1, 3, 1], [1, 0, 3]]), w, padding_idx=-1)
    np.testing.assert_array_equal(out.data[0, 1], [6.0, 7.0])  # the padding row is looked up
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, [[1, 1], [3, 3], [0, 0], [0, 0]])


def test_scale_grad_by_freq_divides_by_the_count_in_the_batch() -> None:
    w = Value(np.ones((3, 1)))
    tg.embedding(np.array([0, 0, 0, 2]), w, scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(w.grad, [[1.0], [0.0], [1.0]])


def test_the_backward_differentiates_to_any_order() -> None:
    """The gradient is linear in the seed u: its node's backward is the lookup again (times
    the coefficients), whose own backward adds the rows again."""
    idx = np.array([[0, 2], [2, 2]])
    w = Value(np.arange(6.0).reshape(3, 2))
    u = Value(np.random.default_rng(1).standard_normal((2, 2, 2)))

    def gradient_of_w(u: Value) -> Value:
        (gw,) = grad((tg.embedding(idx, w, padding_idx=0, scale_grad_by_freq=True) * u).sum(),
                     [w], create_graph=True)  # fmt: skip
        return gw

    gradcheck(gradient_of_w, u)
    gw = gradient_of_w(u)
    assert gw.grad_fn.op == "embedding_backward"
    v = Value(np.random.default_rng(2).standard_normal(gw.shape))
    (gu,) = grad((gw * v).sum(), [u], create_graph=True)
    coefficients = np.array([[0.0, 1 / 3], [1 / 3, 1 / 3]])[..., None]
    np.testing.assert_allclose(gu.data, v.data[idx] * coefficients)
    gradcheck(lambda v: grad((gradient_of_w(u) * v).sum(), [u], create_graph=True)[0], v)
    (gv,) = grad((gu * u.data).sum(), [v])
    np.testing.assert_allclose(gv.data, reference(idx, w.data, 0, True, u.data))


def test_float32_stays_float32_and_extremes_stay_finite() -> None:
    table = np.array([[1e4, -1e4], [88.0, -17.0]], np.float32)
    w = Value(table)
    with strict():
        out = tg.embedding(np.array([1, 0, 1], np.int32), w, padding_idx=0, max_norm=200.0)
        out.backward(np.ones(out.shape, np.float32))
    assert out.dtype == np.float32
    assert w.grad.dtype == np.float32
    assert np.isfinite(out.data).all()
    np.testing.assert_array_equal(w.grad, [[0, 0], [2, 2]])


def test_nan_in_the_table_is_looked_up_and_the_gradient_stays_finite() -> None:
    w = Value(np.array([[np.nan, 1.0], [2.0, 3.0]]))
    out = tg.embedding(np.array([0, 1]), w)
    assert np.isnan(out.data[0, 0])
    assert np.isfinite(out.data[1]).all()
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, np.ones((2, 2)))


def test_a_0d_index_gives_one_row_and_a_numpy_array_weight_is_a_constant() -> None:
    out = tg.embedding(np.array(1), np.eye(3))
    np.testing.assert_array_equal(out.data, [0.0, 1.0, 0.0])
    assert not out.requires_grad
    np.testing.assert_array_equal(tg.embedding(np.int64(2), np.eye(3)).data, [0, 0, 1])


def test_changing_the_indices_after_the_forward_does_not_move_the_gradient() -> None:
    idx = np.array([0, 0])
    w = Value(np.ones((2, 1)))
    out = tg.embedding(idx, w)
    idx[:] = 1
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, [[2.0], [0.0]])


def test_max_norm_renormalizes_the_rows_looked_up_in_place() -> None:
    table = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    w = Value(table.copy())
    out = tg.embedding(np.array([0, 1, 0]), w, max_norm=1.0)
    scale = 1.0 / (5.0 + 1e-7)
    np.testing.assert_allclose(w.data, [[3 * scale, 4 * scale], [0.3, 0.4], [6.0, 8.0]])
    np.testing.assert_allclose(out.data[0], w.data[0])
    out.sum().backward()  # the lookup of the renormalized rows, outside the graph
    np.testing.assert_array_equal(w.grad, [[2, 2], [1, 1], [0, 0]])
    w = Value(table.copy())
    tg.embedding(np.array([2]), w, max_norm=1.0, norm_type=1.0)
    np.testing.assert_allclose(w.data[2], [6.0 / 14.0000001, 8.0 / 14.0000001])


def test_max_norm_after_a_graph_saved_the_weight_refuses_that_backward() -> None:
    """As PyTorch's in-place renorm of a weight another op saved (a tied output layer)."""
    w = Value(np.array([[3.0, 4.0]]))
    tied = (w * w).sum()
    tg.embedding(np.array([0]), w, max_norm=1.0)
    with pytest.raises(RuntimeError, match="mul: operand"):
        tied.backward()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: tg.embedding([0, 1], np.eye(2)), TypeError,
         r"embedding: input must be a numpy array of integer indices, got list"),
        (lambda: tg.embedding(Value([0.0]), np.eye(2)), TypeError,
         r"got Value \(a Value holds floats"),
        (lambda: tg.embedding(np.array([0.0]), np.eye(2)), TypeError,
         r"embedding: input must hold integer indices .*got dtype float64"),
        (lambda: tg.embedding(np.array([True]), np.eye(2)), TypeError, r"got dtype bool"),
        (lambda: tg.embedding(np.array([2]), np.eye(2)), IndexError,
         r"embedding: index 2 is out of range for num_embeddings 2"),
        (lambda: tg.embedding(np.array([0, -1]), np.eye(2)), IndexError,
         r"index -1 is out of range for num_embeddings 2 .*does not count from the end"),
        (lambda: tg.embedding(np.array([0]), np.ones(3)), ValueError,
         r"embedding: weight must be 2-d, \(num_embeddings, embedding_dim\), got shape \(3,\)"),
        (lambda: tg.embedding(np.array([0]), "w"), TypeError, r"embedding: .*got str"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), 2), ValueError,
         r"embedding: padding_idx 2 is out of range for num_embeddings 2 .*\[-2, 2\)"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), -3), ValueError, r"padding_idx -3"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), 0.5), TypeError,
         r"embedding: padding_idx must be an int, got float 0.5"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), True), TypeError,
         r"padding_idx must be an int, got bool"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), sparse=True), ValueError,
         r"embedding: sparse=True is not supported"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), scale_grad_by_freq=1), TypeError,
         r"embedding: scale_grad_by_freq must be True or False, got int 1"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), max_norm="1"), TypeError,
         r"embedding: max_norm must be a real number, got str"),
        (lambda: tg.embedding(np.array([0]), np.eye(2), norm_type=None), TypeError,
         r"embedding: norm_type must be a real number, got NoneType"),
        (lambda: tg.embedding(np.array([0]), _read_only(), max_norm=0.5), ValueError,
         r"embedding: max_norm changes weight in place, but its array is read-only"),
    ],
)  # fmt: skip
def test_wrong_calls_are_refused_by_name(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def _read_only() -> np.ndarray:
    table = np.eye(2)
    table.setflags(write=False)
    return table

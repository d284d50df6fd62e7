"""Values and gradients at the edges of each operation's domain, as PyTorch defines them.

Each case was a disagreement with torch 2.13 (see ``tests/crosscheck/test_edge_cases_vs_torch.py``
and ``test_sigmoid_tails``); here each is checked against exact values or central
differences, without torch. The repository's pytest settings turn warnings into errors, so
every test also checks that numpy stays silent.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import Value, grad, gradcheck

inf, nan = np.inf, np.nan


def first_grads(out: Value, *inputs: Value) -> list[np.ndarray]:
    """The gradient of ``out.sum()`` with respect to each input, as arrays."""
    return [g.data for g in grad(out.sum(), inputs, allow_unused=True)]


# -- sigmoid: relative precision in both tails ------------------------------------------------


def exact_sigmoid(x: float) -> float:
    """sigmoid(x) to full precision: e**x / (1 + e**x) for x < 0, where e**x cannot overflow."""
    if x < 0:
        e = math.exp(x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(-x))


def test_sigmoid_keeps_relative_precision_in_both_tails() -> None:
    xs = np.concatenate([np.linspace(-700.0, 700.0, 281), [-40.0, -37.5, -20.0, 16.0, 40.0]])
    x = Value(xs)
    s = x.sigmoid()
    expected = np.array([exact_sigmoid(v) for v in xs])
    np.testing.assert_allclose(s.data, expected, rtol=1e-14, atol=0.0)
    assert s.data[-5] > 0  # sigmoid(-40) is about 4.2e-18, not 0 (0.5 + 0.5 tanh(x/2) is)
    s.sum().backward()
    negative = xs < 0  # there 1 - s is exact, so s (1 - s) keeps its relative precision
    e = np.exp(xs[negative])
    np.testing.assert_allclose(x.grad[negative], e / (1 + e) ** 2, rtol=1e-13, atol=0.0)


def test_sigmoid_beyond_overflow_is_silent_and_exact_at_the_limits() -> None:
    for dtype in (np.float64, np.float32):
        x = Value(np.array([-1e4, -800.0, -100.0, 0.0, 800.0, -inf, inf, nan], dtype=dtype))
        s = x.sigmoid()
        assert s.dtype == dtype
        np.testing.assert_array_equal(s.data[[0, 1, 3, 4, 5, 6]], [0.0, 0.0, 0.5, 1.0, 0.0, 1.0])
        assert np.isnan(s.data[7])
    assert Value(-100.0).sigmoid().item() == pytest.approx(math.exp(-100.0), rel=1e-14)
    assert Value(0.0).sigmoid().data.shape == ()


def test_sigmoid_gradients_against_central_differences() -> None:
    x = Value(np.array([-30.0, -12.0, -1.0, 0.0, 2.0, 9.0]))
    assert gradcheck(lambda v: v.sigmoid(), x)
    assert gradcheck(lambda v: grad(v.sigmoid().sum(), v, create_graph=True)[0], x)


# -- powers at a base of 0 --------------------------------------------------------------------


@pytest.mark.parametrize("exponent", [0, 0.0, np.float32(0.0), np.array(0.0)])
def test_x_to_the_zero_has_gradient_zero_everywhere(exponent: Any) -> None:
    """d(x**0)/dx = 0, also at 0 (where 0 * x**-1 is NaN), inf and NaN, as in PyTorch."""
    x = Value([0.0, -0.0, 1.0, -2.0, inf, nan])
    y = x**exponent
    np.testing.assert_array_equal(y.data, np.ones(6))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros(6))
    assert x.grad.dtype == np.float64


def test_x_to_the_zero_in_float32_keeps_the_dtype() -> None:
    x = Value(np.array([0.0, 2.0], dtype=np.float32))
    (x**0).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_higher_derivatives_of_a_power_at_zero() -> None:
    """x**2 at 0: first derivative 0, second 2, third 0 (it went through 2 * x**0)."""
    x = Value([0.0, 1.5])
    (d1,) = grad((x**2).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x, allow_unused=True)
    np.testing.assert_array_equal(d1.data, [0.0, 3.0])
    np.testing.assert_array_equal(d2.data, [2.0, 2.0])
    np.testing.assert_array_equal(d3.data, [0.0, 0.0])
    x = Value([0.0, 2.0])
    (d1,) = grad((x**3).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x, create_graph=True)
    (d4,) = grad(d3.sum(), x, allow_unused=True)
    np.testing.assert_array_equal(d3.data, [6.0, 6.0])
    np.testing.assert_array_equal(d4.data, [0.0, 0.0])


def test_value_base_and_exponent_at_a_zero_base() -> None:
    """a**b at a = 0: d/da = b a**(b-1) (0 at b = 0, not NaN); d/db = 0 for b >= 0 (the
    limit from a > 0, not 0 * log 0 = NaN) and -inf for b < 0, as in PyTorch."""
    a = Value([0.0, 0.0, 0.0, 0.0, 2.0, 0.0])
    b = Value([2.0, 0.0, 1.0, 0.5, 1.0, -1.0])
    with np.errstate(divide="ignore"):  # 0**-1 in the forward pass: numpy's warning
        y = a**b
    np.testing.assert_array_equal(y.data, [0.0, 1.0, 0.0, 0.0, 2.0, inf])
    with np.errstate(divide="ignore", invalid="ignore"):  # the b = -1 and b = 0.5 entries
        da, db = first_grads(y, a, b)
    np.testing.assert_array_equal(da[:3], [0.0, 0.0, 1.0])
    assert da[3] == inf  # 0.5 * 0**-0.5
    np.testing.assert_array_equal(db[:4], [0.0, 0.0, 0.0, 0.0])
    assert db[4] == pytest.approx(2 * math.log(2.0), rel=1e-15)
    assert db[5] == -inf


def test_zero_base_without_negative_exponents_is_silent() -> None:
    a = Value([0.0, 0.0, 0.0, 1.5])
    b = Value([2.0, 0.0, 1.0, 0.0])
    da, db = first_grads(a**b, a, b)
    np.testing.assert_array_equal(da, [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(db, [0.0, 0.0, 0.0, math.log(1.5)])


def test_constant_zero_base() -> None:
    """0.0**x: 0 for x > 0, 1 at 0; its gradient is 0 for x >= 0, as in PyTorch."""
    x = Value([2.0, 0.0, 0.5])
    y = 0.0**x
    np.testing.assert_array_equal(y.data, [0.0, 1.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    x = Value([2.0, 0.0])
    y = np.array([0.0, 3.0]) ** x  # a constant array base, 0 in one place
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, math.log(3.0)])


def test_exponent_derivatives_stay_exact_at_an_exponent_of_zero() -> None:
    """The mask for a zero base must not touch b = 0 elsewhere: d2(a**b)/da db = a**-1
    there (PyTorch itself drops it), and central differences agree."""
    a, b = Value([2.0, 0.5]), Value([0.0, 0.0])
    (da,) = grad((a**b).sum(), a, create_graph=True)
    (dadb,) = grad(da.sum(), b)
    np.testing.assert_allclose(dadb.data, [0.5, 2.0], rtol=1e-15)
    assert gradcheck(lambda u, v: grad((u**v).sum(), u, create_graph=True)[0], a, b)


def test_second_derivatives_at_a_zero_base_are_silent_and_finite() -> None:
    """For b >= 2 every second derivative of a**b has a finite limit as a -> 0+: d2/da2
    = b (b-1) a**(b-2), and d2/da db = a**(b-1) (1 + b log a) and d2/db2 = a**b log(a)**2
    both tend to 0. (PyTorch gives NaN for all of them.)"""
    a, b = Value([0.0, 0.0]), Value([2.0, 3.0])
    da, db = grad((a**b).sum(), [a, b], create_graph=True)
    dd = grad((da + db).sum(), [a, b])
    np.testing.assert_array_equal(dd[0].data, [2.0, 0.0])  # d2/da2 + d2/da db
    np.testing.assert_array_equal(dd[1].data, [0.0, 0.0])  # d2/db da + d2/db2


# -- NaN inputs -------------------------------------------------------------------------------


def test_relu_passes_the_gradient_of_a_nan() -> None:
    x = Value([nan, 1.0, 0.0, -0.0, -1.0])
    y = x.relu()
    assert np.isnan(y.data[0])
    y.backward(np.full(5, 2.0))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("fn", [tg.maximum, tg.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_with_a_nan_give_both_operands_the_gradient(
    fn: Callable[[Value, Value], Value],
) -> None:
    a = Value([1.0, nan, nan, 2.0, 3.0])
    b = Value([nan, 0.0, nan, 2.0, 1.0])
    y = fn(a, b)
    assert np.isnan(y.data[:3]).all()
    da, db = first_grads(y, a, b)
    winner_a = 1.0 if fn is tg.maximum else 0.0
    np.testing.assert_array_equal(da, [1.0, 1.0, 1.0, 0.5, winner_a])
    np.testing.assert_array_equal(db, [1.0, 1.0, 1.0, 0.5, 1.0 - winner_a])


def test_maximum_with_a_nan_against_a_broadcast_constant() -> None:
    x = Value([[nan, -1.0], [0.5, 0.0]])
    tg.maximum(x, 0.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0], [1.0, 0.5]])


def test_maximum_minimum_second_order() -> None:
    x, y = Value([0.3, -1.2, 2.0]), Value([1.1, -2.0, 0.4])
    for fn in (tg.maximum, tg.minimum):
        assert gradcheck(lambda u, v, f=fn: f(u * u, v * u), x, y)
        assert gradcheck(lambda u, v, f=fn: grad(f(u * u, v).sum(), u, create_graph=True)[0], x, y)


def test_abs_gradient_is_zero_at_zero_and_at_nan() -> None:
    for dtype in (np.float64, np.float32):
        x = Value(np.array([nan, -1.5, 0.0, -0.0, 2.0, -inf], dtype=dtype))
        x.abs().backward(np.full(6, 3.0, dtype=dtype))
        assert x.grad.dtype == dtype
        np.testing.assert_array_equal(x.grad, [0.0, -3.0, 0.0, 0.0, 3.0, -3.0])


# -- softmax with an infinite logit -----------------------------------------------------------


def test_softmax_and_log_softmax_of_a_row_with_plus_inf_are_nan() -> None:
    """As in PyTorch: inf - inf = NaN in the shift spreads to the whole row."""
    x = Value([[inf, 0.0], [0.0, 1.0], [inf, -inf]])
    with np.errstate(invalid="ignore"):  # numpy warns about the inf - inf
        p = tg.softmax(x)
        log_p = tg.log_softmax(x)
        lse = tg.logsumexp(x)
    assert np.isnan(p.data[[0, 2]]).all()
    assert np.isnan(log_p.data[[0, 2]]).all()
    np.testing.assert_allclose(p.data[1], [1 / (1 + math.e), math.e / (1 + math.e)])
    np.testing.assert_allclose(log_p.data[1], [-math.log(1 + math.e), 1 - math.log(1 + math.e)])
    np.testing.assert_array_equal(lse.data[[0, 2]], [inf, inf])  # logsumexp: the infinity


# -- clip with lo > hi ------------------------------------------------------------------------


def test_clip_with_crossed_bounds_gives_hi_and_no_gradient() -> None:
    x = Value([-1.0, 0.0, 0.5, 1.0, 2.0])
    y = x.clip(1.0, 0.0)
    np.testing.assert_array_equal(y.data, np.zeros(5))  # hi everywhere, as numpy and torch
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros(5))  # even where x == hi
    x = Value([-1.0, 0.0, 0.5, 1.0, 2.0])
    (d1,) = grad(x.clip(1.0, 0.0).sum(), x, create_graph=True)
    np.testing.assert_array_equal(d1.data, np.zeros(5))


def test_clip_with_equal_bounds_passes_the_gradient_where_x_is_the_bound() -> None:
    x = Value([-1.0, 0.5, 2.0])
    x.clip(0.5, 0.5).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


# -- the softmax family over an empty axis ----------------------------------------------------


@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_over_an_empty_axis_is_minus_inf_without_a_warning(keepdims: bool) -> None:
    for dtype in (np.float64, np.float32):
        x = Value(np.zeros((2, 0), dtype=dtype))
        y = tg.logsumexp(x, axis=-1, keepdims=keepdims)
        assert y.shape == ((2, 1) if keepdims else (2,))
        assert y.dtype == dtype
        np.testing.assert_array_equal(y.data, np.full(y.shape, -inf))
        y.backward(np.ones(y.shape, dtype=dtype))
        assert x.grad.shape == (2, 0)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_over_an_empty_axis_is_empty_without_a_warning(name: str) -> None:
    x = Value(np.zeros((2, 0)))
    y = getattr(tg, name)(x, axis=-1)
    assert y.shape == (2, 0)
    y.backward(np.ones((2, 0)))
    assert x.grad.shape == (2, 0)
    # An empty axis that is not reduced over: nothing to compute, and no warning either.
    z = tg.logsumexp(Value(np.zeros((0, 3))), axis=-1)
    assert z.shape == (0,)


def test_where_gives_the_branch_not_taken_zero_even_under_an_infinite_gradient() -> None:
    """As PyTorch's where: 0, not inf * 0 = NaN, for the element not picked."""
    a, b = Value([1.0, 2.0]), Value([3.0, 4.0])
    tg.where(np.array([True, False]), a, b).backward(np.array([np.inf, np.inf]))
    np.testing.assert_array_equal(a.grad, [np.inf, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, np.inf])

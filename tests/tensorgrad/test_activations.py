"""The activations of :mod:`tensorgrad.ops.activation`: values, gradients of first and second
order against central differences, the gradients at the kinks, both tails in float32 and
float64, and the messages of wrong arguments.

PyTorch's own values and gradients are compared in
``tests/crosscheck/test_activations_vs_torch.py``; here the reference is the math
(``math.erf``, ``math.log1p``...) and central differences.
"""

from __future__ import annotations

import math
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

SETTINGS = settings(max_examples=25)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

Fn = Callable[[Value], Value]


def shapes() -> st.SearchStrategy[tuple[int, ...]]:
    """0-d, size-0 and up to 3 axes."""
    return hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


@st.composite
def data(draw: st.DrawFn, lo: float, hi: float, gap: float = 0.0) -> np.ndarray:
    """float64 values in ``[lo, hi]`` with ``|x| >= gap`` (away from a kink at 0)."""
    shape = draw(shapes())
    x = draw(hnp.arrays(np.float64, shape, elements=st.floats(max(gap, lo), hi)))
    if lo < 0:
        flip = draw(hnp.arrays(np.bool_, shape))
        x = np.where(flip, -np.minimum(x, -lo), x)
    return x


def check(fn: Fn, x: np.ndarray, second: bool = True) -> None:
    """First (and second) derivatives of ``fn`` at ``x`` against central differences."""
    v = Value(x)
    gradcheck(fn, v)
    if not second:
        return

    def weighted_gradient(u: Value) -> Value:
        out = fn(u)
        w = np.random.default_rng(1).standard_normal(out.shape)
        (g,) = grad((out * w).sum(), u, create_graph=True)
        return (g * np.random.default_rng(2).standard_normal(u.shape)).sum() + u.sum() * 0

    gradcheck(weighted_gradient, v)


# -- the smooth ones: first and second order ------------------------------------------------------

SMOOTH: dict[str, tuple[Fn, float, float, float]] = {
    # name -> (function, lo, hi, gap: the distance kept from 0, where a derivative has a kink)
    "silu": (tg.silu, -6.0, 6.0, 0.0),
    "softplus": (tg.softplus, -6.0, 6.0, 0.0),
    "softplus(beta=2)": (lambda v: tg.softplus(v, beta=2.0), -4.0, 4.0, 0.0),
    "softplus(beta=-1.5)": (lambda v: tg.softplus(v, beta=-1.5), -4.0, 4.0, 0.0),
    "softplus(threshold=1), above it": (lambda v: tg.softplus(v, threshold=1.0), 1.2, 4.0, 0.0),
    "logsigmoid": (tg.logsigmoid, -8.0, 8.0, 0.0),
    "mish": (tg.mish, -6.0, 6.0, 0.0),
    "softsign": (tg.softsign, -4.0, 4.0, 0.2),
    "gelu": (tg.gelu, -5.0, 5.0, 0.0),
    "gelu(tanh)": (lambda v: tg.gelu(v, approximate="tanh"), -5.0, 5.0, 0.0),
    "elu": (tg.elu, -4.0, 4.0, 0.2),
    "elu(alpha=0.5)": (lambda v: tg.elu(v, alpha=0.5), -4.0, 4.0, 0.2),
    "elu(alpha=-1)": (lambda v: tg.elu(v, alpha=-1.0), -4.0, 4.0, 0.2),
    "selu": (tg.selu, -4.0, 4.0, 0.2),
    "leaky_relu": (tg.leaky_relu, -3.0, 3.0, 0.2),
    "leaky_relu(-0.5)": (lambda v: tg.leaky_relu(v, -0.5), -3.0, 3.0, 0.2),
}


@pytest.mark.parametrize("name", SMOOTH)
@SETTINGS
@given(st.data())
def test_first_and_second_derivatives(name: str, draw: Any) -> None:
    fn, lo, hi, gap = SMOOTH[name]
    check(fn, draw.draw(data(lo, hi, gap), label="x"))


@SETTINGS
@given(st.data())
def test_hardtanh_and_relu6_first_and_second_derivatives(draw: Any) -> None:
    """Piecewise linear: values kept 0.1 away from every bound, where the kinks are."""
    x = draw.draw(data(-8.0, 8.0), label="x")
    x = np.where(np.isin(np.round(x), [-1, 0, 1, 2, 6]), np.round(x) + 0.5, x)
    for fn in (tg.hardtanh, tg.relu6, lambda v: tg.hardtanh(v, -2.0, 0.5)):
        far = np.abs(x[..., None] - np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 6.0])).min(-1) > 0.1
        check(fn, np.where(far, x, x + 0.25))


# -- values, against the math --------------------------------------------------------------------

GRID = np.concatenate([np.linspace(-9.0, 9.0, 73), [-40.0, -25.0, 25.0, 40.0]])


def sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t)) if t >= 0 else math.exp(t) / (1 + math.exp(t))


def softplus(t: float) -> float:
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


REFERENCE: dict[str, tuple[Fn, Callable[[float], float], Callable[[float], float]]] = {
    # name -> (function, its value, its derivative), in float64 with the math module
    "gelu": (
        tg.gelu,
        lambda t: t * 0.5 * (1 + math.erf(t / math.sqrt(2))),
        lambda t: (
            0.5 * (1 + math.erf(t / math.sqrt(2)))
            + t * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
        ),
    ),
    "gelu(tanh)": (
        lambda v: tg.gelu(v, approximate="tanh"),
        lambda t: 0.5 * t * (1 + math.tanh(math.sqrt(2 / math.pi) * (t + 0.044715 * t**3))),
        lambda t: (
            0.5 * (1 + math.tanh(u := math.sqrt(2 / math.pi) * (t + 0.044715 * t**3)))
            + 0.5 * t * (1 - math.tanh(u) ** 2) * math.sqrt(2 / math.pi) * (1 + 0.134145 * t * t)
        ),
    ),
    "silu": (tg.silu, lambda t: t * sigmoid(t), lambda t: sigmoid(t) * (1 + t * sigmoid(-t))),
    "softplus": (
        tg.softplus,
        lambda t: t if t > 20 else softplus(t),
        lambda t: 1.0 if t > 20 else sigmoid(t),
    ),
    "softplus(beta=3, threshold=5)": (
        lambda v: tg.softplus(v, 3.0, 5.0),
        lambda t: t if 3 * t > 5 else softplus(3 * t) / 3,
        lambda t: 1.0 if 3 * t > 5 else sigmoid(3 * t),
    ),
    "logsigmoid": (tg.logsigmoid, lambda t: -softplus(-t), lambda t: sigmoid(-t)),
    "mish": (
        tg.mish,
        lambda t: t * math.tanh(softplus(t)),
        lambda t: math.tanh(softplus(t)) + t * sigmoid(t) * (1 - math.tanh(softplus(t)) ** 2),
    ),
    "softsign": (tg.softsign, lambda t: t / (1 + abs(t)), lambda t: 1 / (1 + abs(t)) ** 2),
    "elu": (tg.elu, lambda t: t if t > 0 else math.expm1(t), lambda t: 1 if t > 0 else math.exp(t)),
    "elu(alpha=2)": (
        lambda v: tg.elu(v, 2.0),
        lambda t: t if t > 0 else 2 * math.expm1(t),
        lambda t: 1 if t > 0 else 2 * math.exp(t),
    ),
    "selu": (
        tg.selu,
        lambda t: SELU_SCALE * (t if t > 0 else SELU_ALPHA * math.expm1(t)),
        lambda t: SELU_SCALE * (1 if t > 0 else SELU_ALPHA * math.exp(t)),
    ),
    "leaky_relu": (
        tg.leaky_relu,
        lambda t: t if t > 0 else 0.01 * t,
        lambda t: 1 if t > 0 else 0.01,
    ),
    "hardtanh": (
        tg.hardtanh,
        lambda t: min(max(t, -1.0), 1.0),
        lambda t: 1.0 if -1 < t < 1 else 0.0,
    ),
    "relu6": (tg.relu6, lambda t: min(max(t, 0.0), 6.0), lambda t: 1.0 if 0 < t < 6 else 0.0),
}


@pytest.mark.parametrize("name", REFERENCE)
def test_values_and_gradients_match_the_math(name: str) -> None:
    fn, value, derivative = REFERENCE[name]
    x = Value(GRID)
    y = fn(x)
    y.backward(np.ones_like(GRID))
    # (atol: gelu's tanh form loses digits to the cancellation in 1 + tanh(u), for u < 0)
    np.testing.assert_allclose(y.data, [value(t) for t in GRID], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(x.grad, [derivative(t) for t in GRID], rtol=1e-12, atol=1e-14)


def test_selu_constants_are_pytorchs_to_full_precision() -> None:
    assert tg.selu(Value(1.0)).item() == SELU_SCALE
    assert tg.selu(Value(-1000.0)).item() == -SELU_ALPHA * SELU_SCALE


# -- the kinks, as PyTorch's ---------------------------------------------------------------------

KINKS: dict[str, tuple[Fn, list[float], list[float]]] = {
    # name -> (function, points, the gradient PyTorch gives there)
    "leaky_relu at 0": (lambda v: tg.leaky_relu(v, 0.2), [0.0, -0.0], [0.2, 0.2]),
    "hardtanh at its bounds": (tg.hardtanh, [-1.0, 1.0], [0.0, 0.0]),
    "hardtanh(-2, 3) at its bounds": (lambda v: tg.hardtanh(v, -2.0, 3.0), [-2.0, 3.0], [0.0, 0.0]),
    "hardtanh with min_val == max_val": (lambda v: tg.hardtanh(v, 1.0, 1.0), [0.0, 1.0], [0, 0]),
    "relu6 at 0 and 6": (tg.relu6, [0.0, 6.0], [0.0, 0.0]),
    "elu at 0": (lambda v: tg.elu(v, 0.5), [0.0], [0.5]),
    "selu at 0": (tg.selu, [0.0], [SELU_ALPHA * SELU_SCALE]),
    "softplus at its threshold": (lambda v: tg.softplus(v, 2.0, 4.0), [2.0], [sigmoid(4.0)]),
    "softplus above its threshold": (lambda v: tg.softplus(v, 2.0, 4.0), [2.0000001], [1.0]),
    "softsign at 0": (tg.softsign, [0.0], [1.0]),
    # a NaN: PyTorch's masks are comparisons, false for NaN
    "leaky_relu at NaN": (lambda v: tg.leaky_relu(v, 0.2), [math.nan], [0.2]),
    "hardtanh at NaN": (tg.hardtanh, [math.nan], [1.0]),
    "relu6 at NaN": (tg.relu6, [math.nan], [1.0]),
    "elu at NaN": (lambda v: tg.elu(v, 0.5), [math.nan], [1.0]),
    "selu at NaN": (tg.selu, [math.nan], [SELU_SCALE]),
}


@pytest.mark.parametrize("name", KINKS)
def test_the_gradient_at_a_kink_is_pytorchs(name: str) -> None:
    fn, points, expected = KINKS[name]
    x = Value(points)
    y = fn(x)
    y.backward(np.ones(len(points)))
    np.testing.assert_array_equal(x.grad, expected)


def test_the_second_derivative_of_elu_at_0_is_the_left_sides() -> None:
    x = Value(0.0)
    (g,) = grad(tg.elu(x, 0.5), x, create_graph=True)
    (gg,) = grad(g, x)
    assert (g.item(), gg.item()) == (0.5, 0.5)


@pytest.mark.parametrize(
    "fn", [tg.leaky_relu, tg.hardtanh, tg.relu6], ids=["leaky_relu", "hardtanh", "relu6"]
)
def test_the_piecewise_linear_ones_have_second_derivative_zero(fn: Fn) -> None:
    x = Value([-3.0, -0.5, 0.5, 3.0])
    (g,) = grad(fn(x).sum(), x, create_graph=True)
    if g.requires_grad:
        (gg,) = grad((g * np.array([1.0, 2.0, 3.0, 4.0])).sum(), x, allow_unused=True)
        assert gg is None or not np.any(gg.data)


# -- NaN, dtypes and both tails -----------------------------------------------------------------

ALL: dict[str, Fn] = {
    "leaky_relu": tg.leaky_relu,
    "gelu": tg.gelu,
    "gelu(tanh)": lambda v: tg.gelu(v, approximate="tanh"),
    "elu": tg.elu,
    "selu": tg.selu,
    "silu": tg.silu,
    "softplus": tg.softplus,
    "softplus(beta=0.5, threshold=100)": lambda v: tg.softplus(v, 0.5, 100.0),
    "hardtanh": tg.hardtanh,
    "relu6": tg.relu6,
    "mish": tg.mish,
    "logsigmoid": tg.logsigmoid,
    "softsign": tg.softsign,
}
EXTREMES = [0.0, -0.0, 17.0, -17.0, 88.0, -88.0, 1e4, -1e4]
HUGE = [3e38, -3e38, 1e20, -1e20]  # float32's largest numbers, for the first derivative


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_finite_in_both_tails_without_warnings_in_the_input_dtype(name: str, dtype: Any) -> None:
    """The second derivative too, at |x| up to 1e4 (beyond, the products its graph makes
    overflow float32, as they would in PyTorch's)."""
    x = Value(np.array(EXTREMES, dtype))
    with strict():
        y = ALL[name](x)
        (g,) = grad(y.sum(), x, create_graph=True)
        # (piecewise linear: a constant gradient, with no graph to differentiate again)
        (gg,) = grad(g.sum(), x, allow_unused=True) if g.requires_grad else (None,)
        huge = Value(np.array(HUGE, dtype))
        y_huge = ALL[name](huge)
        y_huge.backward(np.ones(len(HUGE), dtype))
    assert y.dtype == g.dtype == y_huge.dtype == huge.grad.dtype == dtype
    for finite in (y.data, g.data, y_huge.data, huge.grad):
        assert np.isfinite(finite).all(), finite
    if gg is not None:
        assert gg.dtype == dtype
        assert np.isfinite(gg.data).all(), gg


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_tails_are_accurate(dtype: Any) -> None:
    big = np.array([-1e4, 1e4], dtype)
    np.testing.assert_array_equal(tg.logsigmoid(Value(big)).data, [-1e4, -0.0])
    np.testing.assert_array_equal(tg.softplus(Value(big)).data, [0.0, 1e4])
    np.testing.assert_array_equal(tg.softplus(Value(big), threshold=math.inf).data, [0.0, 1e4])
    np.testing.assert_array_equal(tg.mish(Value(big)).data, [-0.0, 1e4])
    np.testing.assert_array_equal(tg.silu(Value(big)).data, [-0.0, 1e4])
    np.testing.assert_array_equal(tg.elu(Value(big)).data, [-1.0, 1e4])
    # where a value is tiny it keeps its relative precision
    np.testing.assert_allclose(tg.softplus(Value(np.array(-40.0, dtype))).item(), math.exp(-40))
    np.testing.assert_allclose(tg.logsigmoid(Value(np.array(40.0, dtype))).item(), -math.exp(-40))
    np.testing.assert_allclose(tg.mish(Value(np.array(-40.0, dtype))).item(), -40 * math.exp(-40))


@pytest.mark.parametrize("name", ALL)
def test_nan_in_is_nan_out_and_only_there(name: str) -> None:
    x = Value([0.5, math.nan, -2.0])
    with strict():
        y = ALL[name](x)
        y.backward(np.ones(3))
    np.testing.assert_array_equal(np.isnan(y.data), [False, True, False])
    assert np.isfinite(x.grad[[0, 2]]).all()


@pytest.mark.parametrize("name", ALL)
def test_arrays_and_numbers_are_constants(name: str) -> None:
    expected = ALL[name](Value([0.5, -2.0])).data
    for given_ in (np.array([0.5, -2.0]), np.array([0.5, -2.0], np.float32)):
        out = ALL[name](given_)  # type: ignore[arg-type]
        assert isinstance(out, Value)
        assert not out.requires_grad
        assert out.dtype == given_.dtype
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert ALL[name](0.5).item() == expected[0]  # type: ignore[arg-type]
    assert ALL[name](np.array([1, -2])).dtype == np.float64  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ALL)
def test_each_is_one_node(name: str) -> None:
    x = Value([0.5, -2.0])
    y = ALL[name](x)
    assert y.grad_fn is not None
    assert y.grad_fn.prev == (x.grad_fn or y.grad_fn.prev[0],)
    assert y.grad_fn.prev[0].op == ""  # x's own (leaf) node: nothing in between


def test_float32_hyperparameters_given_as_numpy_scalars_keep_float32() -> None:
    x = Value(np.array([-1.0, 2.0], np.float32))
    for y in (
        tg.leaky_relu(x, np.float64(0.1)),
        tg.elu(x, np.float64(2.0)),
        tg.softplus(x, np.float64(2.0), np.float64(10.0)),
        tg.hardtanh(x, np.float64(-0.5), np.array(0.5)),
    ):
        assert y.dtype == np.float32
        y.backward(np.ones(2, np.float32))
        assert x.grad.dtype == np.float32
        x.zero_grad()


def test_a_0d_array_counts_as_its_number() -> None:
    x = Value([-1.0, 2.0])
    np.testing.assert_array_equal(tg.leaky_relu(x, np.array(0.5)).data, [-0.5, 2.0])


def test_softplus_beta_0_is_inf_as_in_pytorch() -> None:
    x = Value([-1.0, 2.0])
    with strict():
        y = tg.softplus(x, beta=0.0)
        y.backward(np.ones(2))
    np.testing.assert_array_equal(y.data, [math.inf, math.inf])
    np.testing.assert_array_equal(x.grad, [0.5, 0.5])


def test_infinite_bounds_and_threshold_are_allowed() -> None:
    x = Value([-1e6, 0.5, 1e6])
    np.testing.assert_array_equal(tg.hardtanh(x, -math.inf, 1.0).data, [-1e6, 0.5, 1.0])
    np.testing.assert_allclose(tg.softplus(Value(30.0), threshold=math.inf).item(), 30.0)
    np.testing.assert_array_equal(tg.softplus(Value(-30.0), threshold=-math.inf).item(), -30.0)


# -- wrong arguments -----------------------------------------------------------------------------

WRONG_NUMBERS: list[tuple[Callable[[Any], Any], str, str]] = [
    (lambda a: tg.leaky_relu(Value([1.0]), a), "leaky_relu", "negative_slope"),
    (lambda a: tg.elu(Value([1.0]), a), "elu", "alpha"),
    (lambda a: tg.softplus(Value([1.0]), a), "softplus", "beta"),
    (lambda a: tg.softplus(Value([1.0]), 1.0, a), "softplus", "threshold"),
    (lambda a: tg.hardtanh(Value([1.0]), a, 1e300), "hardtanh", "min_val"),
    (lambda a: tg.hardtanh(Value([1.0]), -1e300, a), "hardtanh", "max_val"),
]
NOT_NUMBERS = {
    "str": ("0.1", "str '0.1'"),
    "None": (None, "NoneType None"),
    "bool": (True, "bool True"),
    "numpy bool": (np.bool_(False), "bool_? (np.)?False"),
    "complex": (1j, "complex 1j"),
    "list": ([0.1], r"list \[0.1\]"),
    "array": (np.array([0.1, 0.2]), "ndarray"),
    "Value": (Value(0.1), "Value.*gets no gradient"),
}


@pytest.mark.parametrize("wrong", NOT_NUMBERS)
@pytest.mark.parametrize(("call", "op", "name"), WRONG_NUMBERS, ids=lambda p: str(p)[:20])
def test_a_hyperparameter_that_is_not_a_real_number_is_refused(
    call: Callable[[Any], Any], op: str, name: str, wrong: str
) -> None:
    value, shown = NOT_NUMBERS[wrong]
    with pytest.raises(TypeError, match=rf"^{op}: {name} must be a real number, got {shown}"):
        call(value)


@pytest.mark.parametrize(("call", "op", "name"), WRONG_NUMBERS, ids=lambda p: str(p)[:20])
def test_a_nan_hyperparameter_is_refused(call: Callable[[Any], Any], op: str, name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{op}: {name} must be a number, got nan"):
        call(math.nan)
    with pytest.raises(ValueError, match=rf"^{op}: {name} is too large for a float"):
        call(10**400)


def test_hardtanh_refuses_min_val_above_max_val() -> None:
    message = r"^hardtanh: min_val \(2.0\) cannot be greater than max_val \(1.0\)"
    with pytest.raises(ValueError, match=message):
        tg.hardtanh(Value([0.0]), 2.0, 1.0)


def test_gelu_refuses_an_unknown_approximation() -> None:
    with pytest.raises(ValueError, match=r"^gelu: approximate must be 'none' or 'tanh', got 'erf'"):
        tg.gelu(Value([0.0]), approximate="erf")
    with pytest.raises(ValueError, match=r"got 'Tanh'"):
        tg.gelu(Value([0.0]), approximate="Tanh")
    with pytest.raises(TypeError, match=r"^gelu: approximate must be a string, .* got bool True"):
        tg.gelu(Value([0.0]), approximate=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got NoneType None"):
        tg.gelu(Value([0.0]), approximate=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ALL)
def test_an_input_that_is_not_numeric_is_refused(name: str) -> None:
    op = name.split("(")[0]
    with pytest.raises(
        TypeError, match=rf"^{op}: expected Values, numpy arrays or numbers, got str"
    ):
        ALL[name]("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=rf"^{op}: expected .* got list"):
        ALL[name]([1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=rf"^{op}: .*complex"):
        ALL[name](np.array([1j]))  # type: ignore[arg-type]

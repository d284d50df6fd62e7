"""The elementwise ops of issue 12: ``sin cos tan square rsqrt log1p expm1 log2 exp2 reciprocal
erf``, the steps ``sign floor ceil round trunc``, ``//`` ``%`` ``fmod``, ``lerp`` and ``clamp``;
and :func:`tensorgrad.special.erf` against :func:`math.erf`.

Gradients of first and second order are checked against central differences
(:func:`tensorgrad.gradcheck`) on shapes with 0-d, size-1, size-0 and broadcast axes; the
steps' gradients must be exactly 0. PyTorch's values and gradients are compared in
``tests/crosscheck/test_unary_more_vs_torch.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from gradchecks import check
from hostile import strict
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad
from tensorgrad.special import erf as array_erf

SETTINGS = settings(max_examples=25)
Shape = tuple[int, ...]


def shapes() -> st.SearchStrategy[Shape]:
    return hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


def pairs(n: int = 2) -> st.SearchStrategy[tuple[Shape, ...]]:
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=0, max_dims=3, min_side=0, max_side=3
    ).map(lambda s: s.input_shapes)


def floats(shape: Shape, lo: float, hi: float, gap: float = 0.0) -> st.SearchStrategy[Any]:
    """float64 arrays in ``[lo, hi]``, with ``|x| >= gap`` (away from a pole or a kink at 0)."""
    elements = st.floats(lo, hi).map(lambda x: x if abs(x) >= gap else math.copysign(gap, x))
    return hnp.arrays(np.float64, shape, elements=elements)


# -- tensorgrad.special.erf ------------------------------------------------------------------


def test_erf_agrees_with_math_erf_to_a_few_ulp() -> None:
    x = np.concatenate(
        [
            np.linspace(-7.0, 7.0, 200_001),
            np.geomspace(1e-300, 1.0, 2_000),
            -np.geomspace(1e-300, 1.0, 2_000),
            [0.46875, np.nextafter(0.46875, 1.0), 4.0, np.nextafter(4.0, 5.0), 5.9, 6.0, 27.0],
        ]
    )
    expected = np.array([math.erf(v) for v in x])
    ulps = np.abs(array_erf(x) - expected) / np.spacing(np.abs(expected))
    assert ulps.max() <= 4


def test_erf_at_the_ends_and_in_float32() -> None:
    out = array_erf(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -5e-324]))
    np.testing.assert_array_equal(out[:4], [0.0, 0.0, 1.0, -1.0])
    assert np.signbit(out[1])
    assert not np.signbit(out[0])
    assert np.isnan(out[4])
    assert out[5] == 1.0
    assert out[6] < 0
    x32 = np.linspace(-5, 5, 10_001, dtype=np.float32)
    out32 = array_erf(x32)
    assert out32.dtype == np.float32
    expected = np.array([math.erf(v) for v in x32.astype(np.float64)]).astype(np.float32)
    np.testing.assert_array_equal(out32, expected)  # float64 inside, rounded once
    assert array_erf(np.array([1, 0])).dtype == np.float64  # ints: float64


# -- smooth functions of one Value -------------------------------------------------------------

SMOOTH: dict[str, tuple[Callable[[Value], Value], float, float, float]] = {
    # name: (the op, lo, hi, gap from 0)
    "sin": (tg.sin, -4.0, 4.0, 0.0),
    "cos": (lambda x: x.cos(), -4.0, 4.0, 0.0),
    "tan": (lambda x: x.tan(), -1.3, 1.3, 0.0),  # away from the poles at ±π/2
    "square": (lambda x: x.square(), -2.0, 2.0, 0.0),
    "rsqrt": (lambda x: x.rsqrt(), 0.2, 3.0, 0.0),
    "log1p": (lambda x: x.log1p(), -0.8, 3.0, 0.0),
    "expm1": (lambda x: x.expm1(), -2.0, 2.0, 0.0),
    "log2": (lambda x: x.log2(), 0.2, 3.0, 0.0),
    "exp2": (lambda x: x.exp2(), -2.0, 2.0, 0.0),
    "reciprocal": (lambda x: x.reciprocal(), -2.0, 2.0, 0.3),
    "erf": (tg.erf, -3.0, 3.0, 0.0),
}


@pytest.mark.parametrize("name", SMOOTH)
@SETTINGS
@given(data=st.data())
def test_smooth_gradients_first_and_second_order(name: str, data: st.DataObject) -> None:
    fn, lo, hi, gap = SMOOTH[name]
    check(fn, data.draw(shapes().flatmap(lambda s: floats(s, lo, hi, gap))))


VALUES = {
    # name: (the op, numpy's or math's function)
    "sin": (tg.sin, np.sin),
    "cos": (tg.cos, np.cos),
    "tan": (tg.tan, np.tan),
    "square": (tg.square, np.square),
    "rsqrt": (tg.rsqrt, lambda a: 1 / np.sqrt(a)),
    "log1p": (tg.log1p, np.log1p),
    "expm1": (tg.expm1, np.expm1),
    "log2": (tg.log2, np.log2),
    "exp2": (tg.exp2, np.exp2),
    "reciprocal": (tg.reciprocal, np.reciprocal),
    "erf": (tg.erf, np.vectorize(math.erf)),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", VALUES)
def test_values_and_dtypes(name: str, dtype: Any) -> None:
    op, reference = VALUES[name]
    x = np.array([[0.25, 0.5], [1.0, 1.25]], dtype)
    v = Value(x)
    with strict():
        out = op(v)
        out.backward(np.ones((2, 2), dtype))
    assert out.dtype == dtype
    assert v.grad.dtype == dtype
    expected = reference(x.astype(np.float64))
    np.testing.assert_allclose(out.data, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)
    assert op(Value(np.float32(0.5))).shape == ()


def test_tiny_arguments_keep_their_precision() -> None:
    assert Value(1e-20).log1p().item() == 1e-20
    assert Value(1e-20).expm1().item() == 1e-20
    assert Value(-1e-300).erf().item() < 0


def test_domains_give_nan_and_inf_as_numpy() -> None:
    with np.errstate(all="ignore"):
        out = Value([-1.0, 0.0, 4.0]).rsqrt().data
        np.testing.assert_array_equal(out, [np.nan, np.inf, 0.5])
        np.testing.assert_array_equal(Value([-2.0, -1.0]).log1p().data, [np.nan, -np.inf])
        np.testing.assert_array_equal(Value([0.0, -0.0]).reciprocal().data, [np.inf, -np.inf])


def test_extremes_stay_finite_without_warnings() -> None:
    with strict():
        for dtype in (np.float32, np.float64):
            x = Value(np.array([-1e4, -88.0, -17.0, 17.0, 88.0, 1e4], dtype))
            for op in (tg.erf, tg.sin, tg.cos, tg.tan):
                out = op(x)
                out.backward(np.ones(6, dtype))
                assert np.isfinite(out.data).all()
                assert np.isfinite(x.grad).all()
            x.grad = None
            huge = Value(np.array([1e30, -1e30], dtype))
            huge.erf().backward(np.ones(2, dtype))  # x² overflows; the gradient is 0
            np.testing.assert_array_equal(huge.grad, [0.0, 0.0])


# -- steps: zero gradient --------------------------------------------------------------------

STEPS: dict[str, tuple[Callable[[Value], Value], Callable[[np.ndarray], np.ndarray]]] = {
    "sign": (lambda x: x.sign(), np.sign),
    "floor": (tg.floor, np.floor),
    "ceil": (lambda x: x.ceil(), np.ceil),
    "trunc": (lambda x: x.trunc(), np.trunc),
    "round": (tg.round, np.round),
    "round(decimals=1)": (lambda x: x.round(decimals=1), lambda a: np.round(a, 1)),
    "floor_divide": (lambda x: x // 0.75, lambda a: np.floor_divide(a, 0.75)),
    "rfloor_divide": (lambda x: 2.0 // x, lambda a: np.floor_divide(2.0, a)),
}


@pytest.mark.parametrize("name", STEPS)
@SETTINGS
@given(data=st.data())
def test_steps_have_a_gradient_of_exactly_zero(name: str, data: st.DataObject) -> None:
    fn, reference = STEPS[name]
    x = data.draw(shapes().flatmap(lambda s: floats(s, -3.0, 3.0, gap=0.25)))
    v = Value(x)
    with strict():
        out = fn(v)
        np.testing.assert_array_equal(out.data, reference(x))
        assert out.requires_grad
        out.backward(np.full(out.shape, np.inf))  # even an infinite seed gives exactly 0
        assert np.array_equal(v.grad, np.zeros_like(x))
        assert not np.signbit(v.grad).any()
        (g,) = grad((fn(v) * 2.0).sum(), [v], create_graph=True)
    np.testing.assert_array_equal(g.data, np.zeros_like(x))


def test_round_halves_to_even_and_nan_stays_nan() -> None:
    x = Value([0.5, 1.5, 2.5, -0.5, -1.5, np.nan])
    np.testing.assert_array_equal(x.round().data, [0.0, 2.0, 2.0, -0.0, -2.0, np.nan])
    np.testing.assert_array_equal(Value([1234.5]).round(decimals=-1).data, [1230.0])
    np.testing.assert_array_equal(Value([np.nan, -0.0, 3.0]).sign().data, [np.nan, 0.0, 1.0])


@pytest.mark.parametrize("decimals", [1.5, "a", True, None])
def test_round_refuses_decimals_that_are_not_ints(decimals: Any) -> None:
    with pytest.raises(TypeError, match=r"round.*decimals"):
        Value([1.0]).round(decimals=decimals)


# -- // % fmod ---------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [lambda a, b: a % b, tg.remainder, tg.fmod])
@SETTINGS
@given(data=st.data())
def test_remainders_gradients_broadcast(op: Callable[..., Value], data: st.DataObject) -> None:
    shape_a, shape_b = data.draw(pairs())
    a = data.draw(floats(shape_a, -3.0, 3.0))
    b = data.draw(floats(shape_b, -2.0, 2.0, gap=0.5))
    quotient = a / b
    assume(np.all(np.abs(quotient - np.round(quotient)) > 0.005))  # where the result jumps
    check(op, a, b)


def test_remainder_and_fmod_values_and_signs() -> None:
    a, b = np.array([5.5, -5.5, 5.5, -5.5]), np.array([2.0, 2.0, -2.0, -2.0])
    np.testing.assert_array_equal((Value(a) % Value(b)).data, [1.5, 0.5, -0.5, -1.5])
    np.testing.assert_array_equal(tg.fmod(Value(a), b).data, [1.5, -1.5, 1.5, -1.5])
    np.testing.assert_array_equal((Value(a) // b).data, [2.0, -3.0, -3.0, 2.0])
    x, y = Value(a), Value(b)
    (x % y).sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones(4))
    np.testing.assert_array_equal(y.grad, -np.floor_divide(a, b))
    x, y = Value(a), Value(b)
    tg.fmod(x, y).sum().backward()
    np.testing.assert_array_equal(y.grad, -np.trunc(a / b))


@pytest.mark.parametrize(
    "call",
    [
        lambda v: v % 2,
        lambda v: 7 % v,
        lambda v: v // np.array([2, 3]),
        lambda v: np.array([7, 8]) // v,
        lambda v: tg.fmod(v, True),
        lambda v: tg.remainder(np.array([1, 2], np.int8), v),
    ],
)
def test_remainders_keep_float32(call: Callable[[Value], Value]) -> None:
    v = Value(np.array([1.5, 2.5], np.float32))
    with strict():
        out = call(v)
        out.backward(np.ones(2, np.float32))
    assert out.dtype == np.float32
    assert v.grad.dtype == np.float32


def test_operators_and_named_remainders_refuse_foreign_operands() -> None:
    v = Value([1.0, 2.0])
    with pytest.raises(TypeError, match=r"floor_divide.*str"):
        v // "a"
    with pytest.raises(TypeError, match=r"remainder.*NoneType"):
        None % v  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"fmod.*complex"):
        tg.fmod(v, np.array([1j]))
    with pytest.raises(ValueError, match=r"remainder.*\(2,\).*\(3,\)"):
        v % np.ones(3)


# -- lerp ----------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_lerp_gradients_to_all_three(data: st.DataObject) -> None:
    shapes3 = data.draw(pairs(3))
    start, end = (data.draw(floats(s, -2.0, 2.0)) for s in shapes3[:2])
    weight = data.draw(floats(shapes3[2], -1.0, 2.0))
    check(tg.lerp, start, end, weight)


def test_lerp_with_a_number_weight_and_constants() -> None:
    a, b = Value([1.0, 2.0]), Value([3.0, 6.0])
    y = a.lerp(b, 0.75)
    y.sum().backward()
    np.testing.assert_allclose(y.data, [2.5, 5.0])
    np.testing.assert_allclose(a.grad, [0.25, 0.25])
    np.testing.assert_allclose(b.grad, [0.75, 0.75])
    np.testing.assert_array_equal(tg.lerp(a, np.array([3.0, 7.0]), 1.0).data, [3.0, 7.0])
    w = Value(np.array(0.5, np.float32))
    out = tg.lerp(0.0, np.array([2, 4]), w)  # int constants take the weight's float dtype
    out.sum().backward()
    assert out.dtype == np.float32
    assert w.grad == 6.0


def test_lerp_errors() -> None:
    with pytest.raises(TypeError, match=r"lerp.*str"):
        tg.lerp(Value([1.0]), "a", 0.5)
    with pytest.raises(ValueError, match=r"lerp.*\(2,\).*\(3,\)"):
        tg.lerp(Value([1.0, 2.0]), np.ones(3), 0.5)


# -- clamp (clip) ------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), sides=st.sampled_from(["both", "min", "max"]))
def test_clamp_with_value_bounds_gradients(data: st.DataObject, sides: str) -> None:
    shape_x, shape_lo, shape_hi = data.draw(pairs(3))
    sizes = [math.prod(s) for s in (shape_x, shape_lo, shape_hi)]
    # distinct values, 0.25 apart: no ties, no kink within a finite-difference step; the
    # bounds come in either order (lo > hi makes every element hi)
    order = np.array(data.draw(st.permutations(range(sum(sizes)))), dtype=np.float64)
    values = (order - sum(sizes) / 2) * 0.25 + 0.01
    x, lo, hi = (
        part.reshape(s)
        for part, s in zip(np.split(values, np.cumsum(sizes)[:-1]), (shape_x, shape_lo, shape_hi))
    )
    if sides == "both":
        check(lambda a, b, c: tg.clamp(a, b, c), x, lo, hi)
    elif sides == "min":
        check(lambda a, b: a.clamp(min=b), x, lo)
    else:
        check(lambda a, c: a.clip(hi=c), x, hi)


def test_clamp_ties_and_crossed_bounds_as_pytorch() -> None:
    x = Value([0.0, 1.0, 1.5, 2.0, 3.0, 0.0, 1.5, 3.0, 0.0, 1.0, 2.0])
    lo = Value([1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0])
    hi = Value([2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    y = tg.clamp(x, lo, hi)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [1, 1, 1.5, 2, 2, 1, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(x.grad, [0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(lo.grad, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(hi.grad, [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1])


def test_clamp_nan_passes_no_gradient_and_clip_is_the_same_op() -> None:
    x = Value([np.nan, 0.5, 3.0])
    lo = Value([0.0, np.nan, 0.0])
    with strict():
        y = x.clamp(lo, 1.0)
        y.backward(np.ones(3))
    np.testing.assert_array_equal(y.data, [np.nan, np.nan, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(lo.grad, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(x.clip(0.0, 1.0).data, tg.clamp(x, max=1.0, min=0.0).data)
    assert tg.clip(x, 0.0).grad_fn.op == "clip"
    assert tg.clamp(x, 0.0).grad_fn.op == "clamp"


def test_clamp_broadcasts_and_promotes_like_arithmetic() -> None:
    x = Value(np.array([0.0, 1.0, 2.0], np.float32))
    lo = Value(np.array([[0.5], [1.5]]))  # float64, shape (2, 1)
    y = tg.clamp(x, lo)
    assert y.shape == (2, 3)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(lo.grad, [[1.0], [2.0]])
    # a constant array of bounds is taken in x's dtype, a number too
    assert x.clamp(np.array([0.5, 0.5, 0.5])).dtype == np.float32
    assert x.clamp(max=2).dtype == np.float32


def test_clamp_errors() -> None:
    v = Value([1.0, 2.0])
    with pytest.raises(ValueError, match=r"clamp: give at least one of min and max"):
        v.clamp()
    with pytest.raises(ValueError, match=r"clip: give at least one of lo and hi"):
        v.clip()
    with pytest.raises(TypeError, match=r"clamp: min must be .*str"):
        v.clamp("a")
    with pytest.raises(TypeError, match=r"clamp: max must be .*list"):
        tg.clamp(v, max=[1.0])
    with pytest.raises(ValueError, match=r"clamp.*\(2,\).*\(3,\)"):
        v.clamp(Value(np.zeros(3)))


# -- the functions take a Value, or a numpy array or a number as a constant ---------------------


FUNCTIONS = [*VALUES, "sign", "floor", "ceil", "trunc", "round", "exp", "abs"]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("given_", [np.array([0.5, 2.0]), np.array([1, 2]), 2.0, 3])
def test_functions_take_arrays_and_numbers_as_constants(name: str, given_: Any) -> None:
    out = getattr(tg, name)(given_)
    expected = getattr(tg, name)(Value(given_, requires_grad=False))
    np.testing.assert_array_equal(out.data, expected.data)
    assert out.dtype == expected.dtype == np.float64
    assert not out.requires_grad


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("given_", [[1.0], "a", None, 1j, np.ones(2, complex)])
def test_functions_refuse_what_is_not_real_numbers(name: str, given_: Any) -> None:
    shown = "complex128" if isinstance(given_, np.ndarray) else type(given_).__name__
    with pytest.raises(TypeError, match=rf"^{name}: .*{shown}"):
        getattr(tg, name)(given_)

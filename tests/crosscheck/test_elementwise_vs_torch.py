"""Elementwise operations against PyTorch: arithmetic, powers, unary functions, clip,
maximum/minimum and where, on broadcast shapes, with Values, arrays and numbers as operands.

Each case compares the forward value and, after backward with a random cotangent, the
gradient of every Value, in float64 (see ``F64`` for the tolerance).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import SETTINGS, Domain, Tol, broadcastable, check, draw, shapes
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorgrad import Value

Shape = tuple[int, ...]

# Broadcasts every test sees, whatever hypothesis draws.
BROADCAST_EXAMPLES = [
    ((3, 1), (1, 4)),
    ((4,), (2, 3, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((1,), (3, 1)),
    ((0, 3), (1, 3)),
    ((2, 1, 0), (3, 1)),
]


def with_broadcast_examples(test: Callable[..., None]) -> Callable[..., None]:
    """Add an explicit ``@example(shape_pair=..., data=None)`` for each of BROADCAST_EXAMPLES."""
    for pair in BROADCAST_EXAMPLES:
        test = example(shape_pair=pair, data=None)(test)
    return test


ANY = Domain(-3.0, 3.0)
NONZERO = Domain(-3.0, 3.0, gap=0.25)  # divisors, reciprocals
POSITIVE = Domain(0.1, 3.0)  # log, sqrt, bases of real powers
INTS = Domain(-2.0, 2.0, ints=True)  # ties and exact kinks

ARITHMETIC = {
    "add": (operator.add, ANY),
    "sub": (operator.sub, ANY),
    "mul": (operator.mul, ANY),
    "truediv": (operator.truediv, NONZERO),
}


# -- + - * / ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ARITHMETIC)
@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
@with_broadcast_examples
def test_arithmetic_two_values(
    name: str, shape_pair: tuple[Shape, Shape], data: st.DataObject | None
) -> None:
    op, right = ARITHMETIC[name]
    a, b = draw(data, shape_pair, ANY, right)
    check(lambda ops, x, y: op(x, y), a, b)


@pytest.mark.parametrize("name", ARITHMETIC)
@pytest.mark.parametrize("side", ["value op const", "const op value"])
@pytest.mark.parametrize("kind", ["array", "number"])
@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
def test_arithmetic_with_a_constant(
    name: str, side: str, kind: str, shape_pair: tuple[Shape, Shape], data: st.DataObject
) -> None:
    """A numpy array or a Python number on either side: a constant, without a gradient.

    ``array * value`` must reach Value's reflected method (numpy defers to it), and in
    torch the array is a tensor that does not require grad.
    """
    op, domain = ARITHMETIC[name]
    x_shape, c_shape = shape_pair
    divisor_is_const = side == "value op const"
    (x,) = draw(data, [x_shape], ANY if divisor_is_const else domain)
    if kind == "array":
        (c,) = draw(data, [c_shape], domain if divisor_is_const else ANY)
    else:
        c = data.draw(domain.elements() if divisor_is_const else ANY.elements())

    def fn(ops: Any, v: Any) -> Any:
        const = ops.const(c) if kind == "array" else c
        return op(v, const) if side == "value op const" else op(const, v)

    check(fn, x)


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_neg(shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: -v, x)


@SETTINGS
@given(shape=shapes(min_dims=1), data=st.data())
def test_same_value_on_both_sides(shape: Shape, data: st.DataObject) -> None:
    """``x * x - x / (x + 4)``: gradients from several uses of one Value add up."""
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: v * v - v / (v + 4.0), x)


# -- powers -----------------------------------------------------------------------------------

INTEGER_EXPONENTS = [1, 2, 3, -1, -2, 2.0, 3.0]
REAL_EXPONENTS = [0.5, -0.5, 1.5, -1.5, 0.3]


@pytest.mark.parametrize("p", INTEGER_EXPONENTS, ids=repr)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_pow_integer_exponent(p: float, shape: Shape, data: st.DataObject) -> None:
    """Negative bases too: an integer power is defined for them."""
    (x,) = draw(data, [shape], NONZERO if p < 0 else ANY)
    check(lambda ops, v: v**p, x)


@pytest.mark.parametrize("p", REAL_EXPONENTS, ids=repr)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_pow_real_exponent(p: float, shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], POSITIVE)
    check(lambda ops, v: v**p, x)


@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
@with_broadcast_examples
def test_pow_value_exponent(shape_pair: tuple[Shape, Shape], data: st.DataObject | None) -> None:
    """Both operands Values: the exponent's gradient is ``a**b log(a)``, so a > 0."""
    a, b = draw(data, shape_pair, POSITIVE, Domain(-2.0, 2.0))
    check(lambda ops, x, y: x**y, a, b)


@pytest.mark.parametrize("base", [2.0, 0.5, np.e])
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_pow_number_base(base: float, shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], Domain(-2.0, 2.0))
    check(lambda ops, v: base**v, x)


@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
def test_pow_array_base(shape_pair: tuple[Shape, Shape], data: st.DataObject) -> None:
    base, exponent = draw(data, shape_pair, POSITIVE, Domain(-2.0, 2.0))
    check(lambda ops, v: ops.const(base) ** v, exponent)


# -- unary functions --------------------------------------------------------------------------

UNARY = {
    "exp": (lambda ops, v: v.exp(), Domain(-5.0, 5.0)),
    "log": (lambda ops, v: v.log(), POSITIVE),
    "tanh": (lambda ops, v: v.tanh(), Domain(-5.0, 5.0)),
    # In [-12, 12] both sigmoids keep 1e-10 relative accuracy; see test_sigmoid_tails.
    "sigmoid": (lambda ops, v: v.sigmoid(), Domain(-12.0, 12.0)),
    "sqrt": (lambda ops, v: v.sqrt(), POSITIVE),
    "abs": (lambda ops, v: v.abs(), ANY),
    "abs at ties": (lambda ops, v: v.abs(), INTS),  # 0 included: gradient 0 in both
    "relu": (lambda ops, v: v.relu(), ANY),
    "relu at ties": (lambda ops, v: v.relu(), INTS),  # 0 included: gradient 0 in both
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_unary(name: str, shape: Shape, data: st.DataObject) -> None:
    fn, domain = UNARY[name]
    (x,) = draw(data, [shape], domain)
    check(fn, x)


@SETTINGS
@given(data=st.data())
def test_large_arguments(data: st.DataObject) -> None:
    """exp and tanh near overflow and saturation; the same values and gradients."""
    x = data.draw(Domain(-700.0, 700.0).arrays((5,)))
    check(lambda ops, v: v.exp(), x)
    check(lambda ops, v: v.tanh(), x)


# For x >> 0 the gradient ``s (1 - s)`` has an intrinsic error in both libraries: s rounds to
# within an ulp of 1, so ``1 - s`` is off by up to an ulp of 1 (1.1e-16), differently on each
# side, while the gradient itself (about e**-x) is tiny. Hence an absolute tolerance of a
# few ulps of 1 for the gradient; the value is compared with a relative tolerance only.
TAIL_GRAD = Tol(rtol=1e-10, atol=1e-15)


@SETTINGS
@given(x=Domain(-100.0, 100.0).arrays((6,)))
@example(x=np.array([-40.0, -20.0, -16.0, 0.0, 16.0, 40.0]))
def test_sigmoid_tails(x: np.ndarray) -> None:
    """sigmoid keeps its relative accuracy far out in both tails, as torch's does.

    torch computes ``1 / (1 + exp(-x))``: for x very negative, a tiny number to nearly
    full relative precision. Results there are tiny, so the comparison is relative only.
    """
    check(lambda ops, v: v.sigmoid(), x, tol=Tol(rtol=1e-10, atol=0.0), grad_tol=TAIL_GRAD)


# -- clip -------------------------------------------------------------------------------------


@SETTINGS
@given(
    shape=shapes(),
    data=st.data(),
    bounds=st.tuples(st.integers(-2, 2), st.integers(-2, 2)).map(sorted),
    which=st.sampled_from(["both", "lo", "hi"]),
)
def test_clip(shape: Shape, data: st.DataObject, bounds: list[int], which: str) -> None:
    """Whole-number data and bounds, so elements sit exactly on the bounds: the gradient
    passes there (torch.clamp's mask is ``lo <= x <= hi``, bounds included)."""
    (x,) = draw(data, [shape], Domain(-3.0, 3.0, ints=True))
    lo = float(bounds[0]) if which != "hi" else None
    hi = float(bounds[1]) if which != "lo" else None
    check(lambda ops, v: ops.clip(v, lo, hi), x)


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_clip_real_data(shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: ops.clip(v, -1.0, 0.5), x)


# -- maximum, minimum, where ------------------------------------------------------------------

PICK = {"maximum": "maximum", "minimum": "minimum"}


@pytest.mark.parametrize("name", PICK)
@pytest.mark.parametrize("domain", [ANY, INTS], ids=["distinct", "ties"])
@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
@with_broadcast_examples
def test_maximum_minimum(
    name: str, domain: Domain, shape_pair: tuple[Shape, Shape], data: st.DataObject | None
) -> None:
    """Ties (whole numbers) split the gradient half and half, as in torch."""
    a, b = draw(data, shape_pair, domain)
    check(lambda ops, x, y: getattr(ops, name)(x, y), a, b)


@pytest.mark.parametrize("name", PICK)
@pytest.mark.parametrize("side", ["left", "right"])
@SETTINGS
@given(shape=shapes(), data=st.data(), c=st.integers(-2, 2).map(float))
def test_maximum_minimum_with_a_number(
    name: str, side: str, shape: Shape, data: st.DataObject, c: float
) -> None:
    (x,) = draw(data, [shape], INTS)

    def fn(ops: Any, v: Any) -> Any:
        pick = getattr(ops, name)
        return pick(v, c) if side == "left" else pick(c, v)

    check(fn, x)


@SETTINGS
@given(
    shape_triple=broadcastable(num_shapes=3),
    data=st.data(),
)
@example(shape_triple=((3, 1), (1, 4), ()), data=None)
@example(shape_triple=((2, 3, 4), (4,), (3, 1)), data=None)
def test_where(shape_triple: tuple[Shape, Shape, Shape], data: st.DataObject | None) -> None:
    """Condition, a and b broadcast together; each of a and b gets its gradient where chosen."""
    cond_shape, a_shape, b_shape = shape_triple
    a, b = draw(data, [a_shape, b_shape], ANY)
    if data is None:
        condition = np.random.default_rng(3).random(cond_shape) < 0.5
    else:
        condition = data.draw(hnp.arrays(np.bool_, cond_shape))
    check(lambda ops, x, y: ops.where(condition, x, y), a, b)


@pytest.mark.parametrize("side", ["a", "b"])
@SETTINGS
@given(shape=shapes(), data=st.data(), c=st.floats(-3.0, 3.0))
def test_where_with_a_number(side: str, shape: Shape, data: st.DataObject, c: float) -> None:
    (x,) = draw(data, [shape], ANY)
    condition = x > 0  # the common use: where(x > 0, x, 0.0)

    def fn(ops: Any, v: Any) -> Any:
        return ops.where(condition, v, c) if side == "a" else ops.where(condition, c, v)

    check(fn, x)


# -- comparisons ------------------------------------------------------------------------------

COMPARISONS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@pytest.mark.parametrize("name", COMPARISONS)
@SETTINGS
@given(shape_pair=broadcastable(), data=st.data())
def test_comparisons(name: str, shape_pair: tuple[Shape, Shape], data: st.DataObject) -> None:
    """Plain boolean arrays in tensorgrad (no graph), boolean tensors in torch: same values."""
    op = COMPARISONS[name]
    a, b = draw(data, shape_pair, INTS)  # whole numbers: many equal pairs
    got = op(Value(a), Value(b))
    want = op(torch.tensor(a), torch.tensor(b)).numpy()
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(op(Value(a), 0.0), op(torch.tensor(a), 0.0).numpy())

"""Every operation's gradient against central differences, over its domain."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numdiff import numeric_gradient

from scalargrad import Value, weighted_sum


def assert_gradients_match(build: Callable[..., Value], *xs: float) -> None:
    """Backward through ``build(*Values)`` must agree with central differences."""
    values = [Value(x) for x in xs]
    build(*values).backward()
    expected = numeric_gradient(lambda *a: build(*map(Value, a)).data, xs)
    for i, (v, e) in enumerate(zip(values, expected)):
        assert v.grad == pytest.approx(e, rel=1e-5, abs=1e-6), f"argument {i}"


def real(lo: float = -10.0, hi: float = 10.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(
    lo: float = -10.0, hi: float = 10.0, gap: float = 0.1
) -> st.SearchStrategy[float]:
    return real(lo, hi).filter(lambda x: abs(x) > gap)


BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
}


@pytest.mark.parametrize("op", BINARY)
@given(a=real(), b=real())
def test_binary_ops(op: str, a: float, b: float) -> None:
    assert_gradients_match(BINARY[op], a, b)


CONSTANT_OPERAND: dict[str, Callable[[Value], Value]] = {
    "value + c": lambda a: a + 2.5,
    "c + value": lambda a: 2.5 + a,
    "value - c": lambda a: a - 2.5,
    "c - value": lambda a: 2.5 - a,
    "value * c": lambda a: a * -1.5,
    "c * value": lambda a: -1.5 * a,
    "value / c": lambda a: a / 4.0,
    "-value": lambda a: -a,
    "int operand": lambda a: 3 * a + 1 - 2 / (a * a + 1),
}


@pytest.mark.parametrize("op", CONSTANT_OPERAND)
@given(a=real())
def test_ops_with_a_constant(op: str, a: float) -> None:
    assert_gradients_match(CONSTANT_OPERAND[op], a)


@given(a=real(), b=away_from_zero())
def test_division(a: float, b: float) -> None:
    assert_gradients_match(lambda x, y: x / y, a, b)


@given(a=away_from_zero())
def test_constant_divided_by_value(a: float) -> None:
    assert_gradients_match(lambda x: 3.0 / x, a)


@pytest.mark.parametrize("n", [0, 1, 2, 3, -1, -2, 0.5, 1.5, -2.5])
@given(a=real(0.1, 5.0))
def test_power_with_constant_exponent(n: float, a: float) -> None:
    assert_gradients_match(lambda x: x**n, a)


@pytest.mark.parametrize("n", [2, 3, -1])
@given(a=away_from_zero(-5.0, 5.0))
def test_integer_power_of_negative_base(n: int, a: float) -> None:
    assert_gradients_match(lambda x: x**n, a)


@given(c=real(0.1, 5.0), b=real(-3.0, 3.0))
def test_constant_base_power(c: float, b: float) -> None:
    assert_gradients_match(lambda x: c**x, b)


@given(a=real(0.1, 5.0), b=real(-3.0, 3.0))
def test_value_to_value_power(a: float, b: float) -> None:
    assert_gradients_match(lambda x, y: x**y, a, b)


UNARY: dict[str, tuple[Callable[[Value], Value], st.SearchStrategy[float]]] = {
    "tanh": (Value.tanh, real(-20.0, 20.0)),
    "sigmoid": (Value.sigmoid, real(-30.0, 30.0)),
    "exp": (Value.exp, real(-20.0, 20.0)),
    "log": (Value.log, real(0.01, 100.0)),
    "relu": (Value.relu, away_from_zero(gap=1e-3)),
}


@pytest.mark.parametrize("op", UNARY)
@given(data=st.data())
def test_unary_ops(op: str, data: st.DataObject) -> None:
    fn, domain = UNARY[op]
    assert_gradients_match(fn, data.draw(domain))


@given(
    xs=st.lists(st.tuples(real(), real()), min_size=1, max_size=6),
    bias=real(),
)
def test_weighted_sum(xs: list[tuple[float, float]], bias: float) -> None:
    n = len(xs)

    def build(*args: Value) -> Value:
        return weighted_sum(args[:n], args[n : 2 * n], args[-1])

    flat = [w for w, _ in xs] + [x for _, x in xs] + [bias]
    assert_gradients_match(build, *flat)


def test_weighted_sum_takes_numbers_as_constants() -> None:
    w = [Value(2.0), Value(-1.0)]
    y = weighted_sum(w, [3.0, 4], 1)
    assert y.data == 3.0
    y.backward()
    assert [wi.grad for wi in w] == [3.0, 4.0]


@given(a=real(-3.0, 3.0), b=real(-3.0, 3.0), c=real(0.5, 3.0))
def test_composite_expression(a: float, b: float, c: float) -> None:
    def build(x: Value, y: Value, z: Value) -> Value:
        u = (x * y).tanh() + z.sigmoid() * x - y**2 / (z * z + 1.0)
        return (u.exp() + 1.0).log() * z + (x * x + 0.5).relu() - (-z).relu() + 2.0**y

    assert_gradients_match(build, a, b, c)


def test_against_pytorch_reference_values() -> None:
    # The expression and the numbers of micrograd's test_engine.py::test_more_ops,
    # there computed by PyTorch in float64: an independent check of every basic op.
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, rel=1e-12)
    assert a.grad == pytest.approx(138.83381924198252, rel=1e-12)
    assert b.grad == pytest.approx(645.5772594752186, rel=1e-12)


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_tanh_and_sigmoid_never_overflow(x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t, s = Value(x).tanh(), Value(x).sigmoid()
        t.backward()
        s.backward()
    assert t.data == math.copysign(1.0, x)
    assert s.data == (1.0 if x > 0 else 0.0)


def test_relu_gradient_at_zero_is_zero() -> None:
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_relu_of_nan_is_nan_as_in_tensorgrad() -> None:
    x = Value(math.nan)
    y = x.relu()
    assert math.isnan(y.data)
    y.backward()
    assert x.grad == 1.0  # the gradient passes through, as PyTorch's and tensorgrad's


def test_power_derivative_limits() -> None:
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf  # vertical tangent, as PyTorch reports it
    y = Value(0.0)
    (y**0).backward()
    assert y.grad == 0.0
    z = Value(2.0)
    (0.0**z).backward()
    assert z.grad == 0.0  # 0**z is flat in z for z > 0


def test_log_of_non_positive_raises_naming_the_value() -> None:
    with pytest.raises(ValueError, match=r"log is defined for positive numbers only.*-1\.0"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"Value\(data=0\.0\)"):
        Value(0.0).log()


@pytest.mark.parametrize(
    "divide",
    [lambda: Value(1.5) / Value(0.0), lambda: Value(1.5) / 0, lambda: 1.5 / Value(0.0)],
    ids=["value/value", "value/number", "number/value"],
)
def test_division_by_zero_names_the_op(divide: Callable[[], Value]) -> None:
    with pytest.raises(ZeroDivisionError, match=r"division by zero in Value division: 1\.5 / 0\.0"):
        divide()


def test_power_domain_errors() -> None:
    with pytest.raises(
        ValueError, match=r"negative base needs an integer exponent.*-8\.0 \*\* 0\.5"
    ):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="negative base"):
        (-8.0) ** Value(1 / 3)
    with pytest.raises(ZeroDivisionError, match=r"0\.0 cannot be raised to a negative power"):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 1000\.0 is too large"):
        Value(10.0) ** 1000


def test_power_gradient_with_respect_to_a_negative_base_is_refused() -> None:
    b = Value(2.0)
    y = (-2.0) ** b
    assert y.data == 4.0
    with pytest.raises(ValueError, match=r"needs a positive base c, got c=-2\.0"):
        y.backward()


def test_exp_overflow_is_clear() -> None:
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\) is too large for a float"):
        Value(1000.0).exp()


W = [Value(1.0), Value(2.0)]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((W, [1.0, 2.0, 3.0]), ValueError, r"weighted_sum: 2 weights but 3 inputs"),
        ((None, None), TypeError, r"weighted_sum: weights must be a list of Values, got None"),
        ((W, "ab"), TypeError, r"weighted_sum: inputs must be a list of .*, got str 'ab'"),
        (([1.0], [1.0]), TypeError, r"weighted_sum: weights\[0\] must be a Value, got float 1\.0"),
        (
            (W, [1.0, "x"]),
            TypeError,
            r"weighted_sum: inputs\[1\] must be a number or a Value, got str",
        ),
        ((W, [1.0, 10**400]), ValueError, r"weighted_sum: inputs\[1\] is too large for a float"),
        ((W, [1.0, 2.0], "b"), TypeError, r"weighted_sum: bias must be a number .*, got str 'b'"),
        ((W, [1.0, 2.0], 10**400), ValueError, r"weighted_sum: bias is too large for a float"),
    ],
)
def test_weighted_sum_errors_name_the_argument(
    args: tuple[object, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        weighted_sum(*args)  # type: ignore[arg-type]


def test_weighted_sum_refuses_objects_that_merely_have_data() -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a number or a Value, got ndarray"):
        weighted_sum([Value(1.0)], [np.ones(2)], Value(0.0))
    with pytest.raises(TypeError, match=r"inputs must be a list of .*, got ndarray"):
        weighted_sum([Value(1.0)], np.array(1.0))  # 0-d: iterable in name only


def test_weighted_sum_takes_any_iterable_of_inputs() -> None:
    assert weighted_sum(iter(W), (x for x in [1.0, 2.0]), 0.5).data == 5.5


def test_nan_in_gives_nan_out_for_log_and_power() -> None:
    for build in (
        lambda v: v.log(),
        lambda v: v**2,
        lambda v: v**0.5,
        lambda v: (-8.0) ** v,  # a base <= 0 has no log, but NaN stays NaN
        lambda v: 0.0**v,
        lambda v: v ** Value(2.0),
    ):
        x = Value(math.nan)
        y = build(x)
        y.backward()
        assert math.isnan(y.data)
        assert math.isnan(x.grad)


def test_power_derivative_beyond_float_range_is_inf_as_multiplication_gives() -> None:
    x = Value(1e-200)
    (x**-1).backward()  # d/dx = -1/x**2 = -1e400
    assert x.grad == -math.inf
    y = Value(-1e-110)
    (y**-2).backward()  # d/dy = -2/y**3 = +2e330
    assert y.grad == math.inf

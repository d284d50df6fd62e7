"""Constructing a Value, its repr, and what it refuses."""

import pytest

from scalargrad import Value


def test_repr_matches_micrograd() -> None:
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"


@pytest.mark.parametrize(("given", "stored"), [(3, 3.0), (True, 1.0), (False, 0.0), (-2.5, -2.5)])
def test_ints_and_bools_become_floats(given: object, stored: float) -> None:
    v = Value(given)  # type: ignore[arg-type]
    assert type(v.data) is float
    assert v.data == stored
    assert v.grad == 0.0


def test_numpy_scalars_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert type(Value(np.int64(4)).data) is float


@pytest.mark.parametrize(
    ("given", "type_name"),
    [("2.0", "str"), (None, "None"), ([1.0], "list"), (1 + 2j, "complex")],
)
def test_non_numbers_raise_type_error_naming_the_type(given: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=f"needs a real number.*got {type_name}"):
        Value(given)  # type: ignore[arg-type]


def test_an_int_too_large_for_a_float_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"Value\(\): data is too large for a float.*got int 1000"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"Value\(\): data is too large.*got int \.\.\."):
        Value(10**5000)  # too many digits for Python to write out
    with pytest.raises(ValueError, match=r"Value: a number in an operation is too large"):
        Value(1.0) * 10**400


def test_a_value_is_not_wrapped_again() -> None:
    with pytest.raises(TypeError, match="got Value"):
        Value(Value(1.0))  # type: ignore[arg-type]


@pytest.mark.parametrize("other", ["a", None, [1.0]])
def test_operators_refuse_non_numbers(other: object) -> None:
    # Value returns NotImplemented, so Python's own TypeError names both types.
    x = Value(1.0)
    with pytest.raises(TypeError, match="'Value'"):
        x + other  # type: ignore[operator]
    with pytest.raises(TypeError, match="'Value'"):
        other * x  # type: ignore[operator]
    with pytest.raises(TypeError, match="'Value'"):
        x**other  # type: ignore[operator]


def test_values_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2


def test_numpy_scalar_operands_are_constants_and_data_stays_float() -> None:
    np = pytest.importorskip("numpy")
    x = Value(3.0)
    results = [
        x * np.float64(2.0),
        np.float64(2.0) * x,
        np.float32(2.0) * x,
        x * np.int64(2),
        np.int64(9) - x,
    ]
    assert all(type(r) is Value and type(r.data) is float and r.data == 6.0 for r in results)
    with pytest.raises(TypeError, match="'Value'"):
        np.ones(2) * x

"""nn.init: bounds and statistics of each initialiser, seeding, in-place filling, errors."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import nn
from nn import init
from tensorgrad import Value


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_uniform_and_normal_statistics() -> None:
    w = init.uniform_(Value(np.zeros((300, 300))), -2.0, 4.0, generator=rng())
    assert w.data.min() >= -2.0
    assert w.data.max() < 4.0
    assert w.data.mean() == pytest.approx(1.0, abs=0.02)
    assert w.data.var() == pytest.approx(36 / 12, rel=0.02)
    v = init.normal_(Value(np.zeros((300, 300))), mean=-1.0, std=0.5, generator=rng())
    assert v.data.mean() == pytest.approx(-1.0, abs=0.005)
    assert v.data.std() == pytest.approx(0.5, rel=0.01)


def test_constants_fill_in_place_and_keep_the_dtype() -> None:
    p = nn.Parameter(np.full((2, 3), 5.0), dtype=np.float32)
    data = p.data
    assert init.zeros_(p) is p
    assert p.data is data
    assert not p.data.any()
    assert init.ones_(p) is p
    assert (p.data == 1).all()
    assert p.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "bound"),
    [
        ({}, math.sqrt(2) * math.sqrt(3 / 50)),  # leaky_relu with a = 0: ReLU
        ({"a": math.sqrt(5)}, 1 / math.sqrt(50)),  # nn.Linear's choice
        ({"nonlinearity": "relu"}, math.sqrt(2) * math.sqrt(3 / 50)),
        ({"nonlinearity": "relu", "mode": "fan_out"}, math.sqrt(2) * math.sqrt(3 / 200)),
        ({"nonlinearity": "tanh"}, 5 / 3 * math.sqrt(3 / 50)),
    ],
)
def test_kaiming_uniform_bound(kwargs: dict[str, object], bound: float) -> None:
    w = init.kaiming_uniform_(Value(np.zeros((200, 50))), generator=rng(), **kwargs)  # type: ignore[arg-type]
    assert np.abs(w.data).max() <= bound
    assert w.data.var() == pytest.approx(bound**2 / 3, rel=0.03)


def test_xavier_uniform_bound_and_receptive_field() -> None:
    w = init.xavier_uniform_(Value(np.zeros((60, 40))), gain=2.0, generator=rng())
    bound = 2.0 * math.sqrt(6 / 100)
    assert np.abs(w.data).max() <= bound
    assert w.data.var() == pytest.approx(bound**2 / 3, rel=0.05)
    conv = init.xavier_uniform_(Value(np.zeros((8, 4, 3, 3))), generator=rng())  # fans × 9
    assert np.abs(conv.data).max() <= math.sqrt(6 / (36 + 72))


def test_xavier_normal_std_and_receptive_field() -> None:
    w = init.xavier_normal_(Value(np.zeros((300, 200))), gain=2.0, generator=rng())
    assert w.data.std() == pytest.approx(2.0 * math.sqrt(2 / 500), rel=0.02)
    assert abs(w.data.mean()) < 0.01
    conv = init.xavier_normal_(Value(np.zeros((64, 32, 3, 3))), generator=rng())  # fans × 9
    assert conv.data.std() == pytest.approx(math.sqrt(2 / (96 * 9)), rel=0.03)
    assert init.xavier_normal_(Value(np.zeros((0, 3)))).shape == (0, 3)


def test_seeding() -> None:
    a = init.normal_(Value(np.zeros(5)), generator=rng(1)).data
    b = init.normal_(Value(np.zeros(5)), generator=rng(1)).data
    np.testing.assert_array_equal(a, b)
    nn.manual_seed(3)
    c = init.uniform_(Value(np.zeros(5))).data
    generator = nn.manual_seed(3)
    d = init.uniform_(Value(np.zeros(5))).data
    np.testing.assert_array_equal(c, d)
    assert isinstance(generator, np.random.Generator)


def test_calculate_gain() -> None:
    assert init.calculate_gain("linear") == init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("conv2d") == init.calculate_gain("conv_transpose1d") == 1.0
    assert init.calculate_gain("selu") == 3 / 4
    assert init.calculate_gain("leaky_relu", np.float32(0.5)) == math.sqrt(2 / 1.25)
    assert init.calculate_gain("leaky_relu", 1e200) == 0.0  # the limit, not an OverflowError
    with pytest.raises(
        ValueError, match=r"calculate_gain: Unsupported nonlinearity 'gelu'; use one of 'linear'"
    ):
        init.calculate_gain("gelu")


def test_init_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"kaiming_uniform_: fan in and fan out need a tensor of at least 2 axes, "
        r"got shape \(3,\)",
    ):
        init.kaiming_uniform_(Value(np.zeros(3)))
    with pytest.raises(ValueError, match=r"xavier_uniform_: .* got shape \(\)"):
        init.xavier_uniform_(Value(0.0))
    with pytest.raises(
        ValueError,
        match=r"kaiming_uniform_: Mode 'fan_avg' not supported, please use one of "
        r"\['fan_in', 'fan_out'\]",
    ):
        init.kaiming_uniform_(Value(np.zeros((2, 2))), mode="fan_avg")


def weight() -> Value:
    return Value(np.zeros((3, 2)))


# Every initialiser, called on a given tensor with one argument changed.
INITIALISERS: dict[str, Callable[..., Value]] = {
    "uniform_": init.uniform_,
    "normal_": init.normal_,
    "zeros_": init.zeros_,
    "ones_": init.ones_,
    "kaiming_uniform_": init.kaiming_uniform_,
    "xavier_uniform_": init.xavier_uniform_,
    "xavier_normal_": init.xavier_normal_,
}


@pytest.mark.parametrize("name", INITIALISERS)
@pytest.mark.parametrize(
    ("tensor", "shown"),
    [
        (np.zeros((3, 2)), r"ndarray array\("),
        ([[0.0, 0.0]], r"list \[\[0\.0, 0\.0\]\]"),
        (None, "None"),
    ],
    ids=["ndarray", "list", "None"],
)
def test_every_initialiser_refuses_what_is_not_a_value(
    name: str, tensor: object, shown: str
) -> None:
    with pytest.raises(
        TypeError,
        match=rf"{name}: tensor must be a Value \(such as a layer's weight\), got {shown}",
    ):
        INITIALISERS[name](tensor)


@pytest.mark.parametrize(
    "name", ["uniform_", "normal_", "kaiming_uniform_", "xavier_uniform_", "xavier_normal_"]
)
@pytest.mark.parametrize(
    ("generator", "shown"),
    [(0, "int 0"), (np.random.RandomState(0), "RandomState")],
    ids=["int", "RandomState"],
)
def test_every_random_initialiser_refuses_what_is_not_a_generator(
    name: str, generator: object, shown: str
) -> None:
    w = weight()
    with pytest.raises(
        TypeError, match=rf"{name}: generator must be a numpy.random.Generator or None, got {shown}"
    ):
        INITIALISERS[name](w, generator=generator)
    assert not w.data.any()  # nothing was drawn


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    [
        ("uniform_", {"a": "a"}, TypeError, r"uniform_: a must be a real number, got str 'a'"),
        ("uniform_", {"b": True}, TypeError, r"uniform_: b must be a real number, got bool True"),
        ("uniform_", {"b": None}, TypeError, r"uniform_: b must be a real number, got None"),
        (
            "uniform_",
            {"b": float("nan")},
            ValueError,
            r"uniform_: Invalid b value: nan \(b must be a finite",
        ),
        ("uniform_", {"a": -math.inf}, ValueError, r"uniform_: Invalid a value: -inf"),
        (
            "uniform_",
            {"b": 10**400},
            ValueError,
            r"uniform_: b must be a finite number, got an int too large",
        ),
        (
            "uniform_",
            {"a": 1, "b": 0},
            ValueError,
            r"uniform_: expects to return a \[a, b\) range, but found a=1 > b=0",
        ),
        (
            "uniform_",
            {"a": -1e308, "b": 1e308},
            ValueError,
            r"uniform_: the range \[-1e\+308, 1e\+308\) does not fit in the tensor's dtype "
            r"float64",
        ),
        ("normal_", {"mean": "0"}, TypeError, r"normal_: mean must be a real number, got str '0'"),
        ("normal_", {"std": np.True_}, TypeError, r"normal_: std must be a real number, got bool"),
        ("normal_", {"std": -1}, ValueError, r"normal_: expects std >= 0\.0, but found std -1"),
        ("normal_", {"std": math.inf}, ValueError, r"normal_: Invalid std value: inf"),
        ("normal_", {"mean": math.nan}, ValueError, r"normal_: Invalid mean value: nan"),
        (
            "kaiming_uniform_",
            {"a": "x"},
            TypeError,
            r"kaiming_uniform_: a must be a real number, got str 'x'",
        ),
        (
            "kaiming_uniform_",
            {"a": "x", "nonlinearity": "relu"},  # PyTorch ignores a for relu; a str is still wrong
            TypeError,
            r"kaiming_uniform_: a must be a real number",
        ),
        (
            "kaiming_uniform_",
            {"a": math.nan},
            ValueError,
            r"kaiming_uniform_: Invalid a value: nan",
        ),
        (
            "kaiming_uniform_",
            {"mode": 1},
            TypeError,
            r"kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got int 1",
        ),
        (
            "kaiming_uniform_",
            {"nonlinearity": None},
            TypeError,
            r"kaiming_uniform_: nonlinearity must be a str, such as 'relu', got None",
        ),
        (
            "kaiming_uniform_",
            {"nonlinearity": "x"},
            ValueError,
            r"kaiming_uniform_: Unsupported nonlinearity 'x'; use one of",
        ),
        (
            "xavier_uniform_",
            {"gain": None},
            TypeError,
            r"xavier_uniform_: gain must be a real number, got None",
        ),
        (
            "xavier_uniform_",
            {"gain": -1},
            ValueError,
            r"xavier_uniform_: gain must be >= 0, got -1",
        ),
        (
            "xavier_uniform_",
            {"gain": math.inf},
            ValueError,
            r"xavier_uniform_: Invalid gain value: inf",
        ),
        (
            "xavier_normal_",
            {"gain": -1},
            ValueError,
            r"xavier_normal_: gain must be >= 0, got -1",
        ),
    ],
)
def test_wrong_arguments_are_named_and_leave_the_tensor_as_it_was(
    name: str, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    w = weight()
    with pytest.raises(error, match=message):
        INITIALISERS[name](w, **kwargs)
    assert not w.data.any()


@pytest.mark.parametrize(
    ("param", "error", "message"),
    [
        ("x", TypeError, r"calculate_gain: param must be a real number, got str 'x'"),
        (True, TypeError, r"calculate_gain: param must be a real number, got bool True"),
        (math.nan, ValueError, r"calculate_gain: Invalid param value: nan"),
    ],
)
def test_calculate_gain_checks_its_param(
    param: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        init.calculate_gain("leaky_relu", param)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        init.calculate_gain("relu", param)  # type: ignore[arg-type]  # checked, though unused


def test_calculate_gain_refuses_a_name_that_is_not_a_str() -> None:
    with pytest.raises(
        TypeError, match=r"calculate_gain: nonlinearity must be a str, such as 'relu', got int 5"
    ):
        init.calculate_gain(5)  # type: ignore[arg-type]


def test_the_arguments_of_an_empty_weight_are_checked_too() -> None:
    empty = Value(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=r"kaiming_uniform_: Mode 'x' not supported"):
        init.kaiming_uniform_(empty, mode="x")
    with pytest.raises(ValueError, match=r"xavier_uniform_: gain must be >= 0, got -2"):
        init.xavier_uniform_(empty, gain=-2)
    assert init.kaiming_uniform_(empty) is empty


def test_numbers_a_float32_tensor_cannot_hold_are_refused() -> None:
    w = Value(np.zeros(4, np.float32))
    with pytest.raises(
        ValueError,
        match=r"uniform_: the range \[0, 1e\+39\) does not fit in the tensor's dtype float32 "
        r"\(bounds and width at most 3\.403e\+38\)",
    ):
        init.uniform_(w, 0, 1e39)
    with pytest.raises(ValueError, match=r"xavier_uniform_: the range \[-1\.\d+e\+39, "):
        init.xavier_uniform_(Value(np.zeros((2, 2), np.float32)), gain=1e39)
    with pytest.raises(
        ValueError,
        match=r"normal_: a number drawn is too large for the tensor's dtype float32; the tensor "
        r"is left as it was",
    ):
        init.normal_(w, mean=1e39, generator=rng())
    assert not w.data.any()


def test_numpy_numbers_are_taken_as_python_numbers() -> None:
    w = init.uniform_(Value(np.zeros(100)), np.float32(-1), np.int64(1), generator=rng())
    assert w.data.min() >= -1.0
    assert w.data.max() < 1.0
    v = init.normal_(Value(np.zeros(3)), np.float64(2.0), np.int8(0))
    assert v.data.tolist() == [2.0, 2.0, 2.0]  # std 0: the mean itself
    init.xavier_uniform_(weight(), gain=np.float32(2.0), generator=rng())
    init.kaiming_uniform_(weight(), a=np.int64(1), generator=rng())

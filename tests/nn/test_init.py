"""nn.init: bounds and statistics of each initialiser, seeding, in-place filling, errors."""

from __future__ import annotations

import math

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
    with pytest.raises(ValueError, match="calculate_gain: unsupported nonlinearity 'gelu'"):
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
        ValueError, match="kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got 'fan_avg'"
    ):
        init.kaiming_uniform_(Value(np.zeros((2, 2))), mode="fan_avg")

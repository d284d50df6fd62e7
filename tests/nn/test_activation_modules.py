"""The activation layers of :mod:`nn.activation`: each is its tensorgrad function with the
constructor's arguments, shows them as PyTorch does, holds no parameters, and refuses wrong
arguments when it is made (``inplace=True`` and ``Softmax(dim=None)`` included)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
import tensorgrad as tg
from tensorgrad import Value

X = np.array([[-3.0, -0.5, 0.0], [0.25, 2.0, 30.0]])

CASES: dict[str, tuple[nn.Module, Callable[[Value], Value], str]] = {
    # layer -> (the layer, the function it must equal, its repr)
    "ReLU": (nn.ReLU(), lambda v: v.relu(), "ReLU()"),
    "LeakyReLU": (nn.LeakyReLU(), tg.leaky_relu, "LeakyReLU(negative_slope=0.01)"),
    "LeakyReLU(0.2)": (
        nn.LeakyReLU(0.2),
        lambda v: tg.leaky_relu(v, 0.2),
        "LeakyReLU(negative_slope=0.2)",
    ),
    "GELU": (nn.GELU(), tg.gelu, "GELU(approximate='none')"),
    "GELU(tanh)": (
        nn.GELU("tanh"),
        lambda v: tg.gelu(v, approximate="tanh"),
        "GELU(approximate='tanh')",
    ),
    "ELU": (nn.ELU(), tg.elu, "ELU(alpha=1.0)"),
    "ELU(0.5)": (nn.ELU(alpha=0.5, inplace=False), lambda v: tg.elu(v, 0.5), "ELU(alpha=0.5)"),
    "SELU": (nn.SELU(), tg.selu, "SELU()"),
    "SiLU": (nn.SiLU(), tg.silu, "SiLU()"),
    "Softplus": (nn.Softplus(), tg.softplus, "Softplus(beta=1.0, threshold=20.0)"),
    "Softplus(2, 5)": (
        nn.Softplus(2.0, 5.0),
        lambda v: tg.softplus(v, 2.0, 5.0),
        "Softplus(beta=2.0, threshold=5.0)",
    ),
    "Hardtanh": (nn.Hardtanh(), tg.hardtanh, "Hardtanh(min_val=-1.0, max_val=1.0)"),
    "Hardtanh(-2, 0.5)": (
        nn.Hardtanh(-2.0, 0.5),
        lambda v: tg.hardtanh(v, -2.0, 0.5),
        "Hardtanh(min_val=-2.0, max_val=0.5)",
    ),
    "ReLU6": (nn.ReLU6(), tg.relu6, "ReLU6()"),
    "Mish": (nn.Mish(), tg.mish, "Mish()"),
    "LogSigmoid": (nn.LogSigmoid(), tg.logsigmoid, "LogSigmoid()"),
    "Softsign": (nn.Softsign(), tg.softsign, "Softsign()"),
    "Softmax": (nn.Softmax(dim=1), lambda v: tg.softmax(v, 1), "Softmax(dim=1)"),
    "Softmax(0)": (nn.Softmax(0), lambda v: tg.softmax(v, 0), "Softmax(dim=0)"),
    "LogSoftmax": (nn.LogSoftmax(dim=-1), lambda v: tg.log_softmax(v, -1), "LogSoftmax(dim=-1)"),
}


@pytest.mark.parametrize("name", CASES)
def test_the_layer_is_its_function(name: str) -> None:
    layer, fn, _ = CASES[name]
    x, y = Value(X), Value(X)
    out, expected = layer(x), fn(y)
    np.testing.assert_array_equal(out.data, expected.data)
    w = np.arange(6.0).reshape(2, 3)
    (out * w).sum().backward()
    (expected * w).sum().backward()
    np.testing.assert_array_equal(x.grad, y.grad)


@pytest.mark.parametrize("name", CASES)
def test_the_repr_is_pytorchs(name: str) -> None:
    assert repr(CASES[name][0]) == CASES[name][2]


@pytest.mark.parametrize("name", CASES)
def test_no_parameters_and_an_empty_state_dict(name: str) -> None:
    layer = CASES[name][0]
    assert list(layer.parameters()) == []
    assert layer.state_dict() == {}


@pytest.mark.parametrize("name", CASES)
def test_an_array_is_a_constant_and_float32_stays_float32(name: str) -> None:
    layer = CASES[name][0]
    out = layer(X.astype(np.float32))
    assert isinstance(out, Value)
    assert out.dtype == np.float32
    assert not out.requires_grad


@pytest.mark.parametrize("name", CASES)
def test_the_layer_names_itself_for_an_input_that_is_not_an_array(name: str) -> None:
    layer = CASES[name][0]
    owner = type(layer).__name__
    with pytest.raises(TypeError, match=rf"^{owner}\b.*str"):
        layer("abc")


INPLACE = [nn.ReLU, nn.LeakyReLU, nn.ELU, nn.SELU, nn.SiLU, nn.Hardtanh, nn.ReLU6, nn.Mish]


@pytest.mark.parametrize("layer", INPLACE, ids=lambda c: c.__name__)
def test_inplace_true_is_refused_and_false_accepted(layer: type[nn.Module]) -> None:
    name = layer.__name__
    with pytest.raises(
        ValueError, match=rf"^{name}: inplace=True is not supported: tensorgrad never"
    ):
        layer(inplace=True)
    with pytest.raises(TypeError, match=rf"^{name}: inplace must be True or False, got str 'no'"):
        layer(inplace="no")
    layer(inplace=False)
    layer(inplace=np.False_)


@pytest.mark.parametrize("layer", [nn.Softmax, nn.LogSoftmax], ids=lambda c: c.__name__)
def test_softmax_without_dim_is_refused_when_made(layer: type[nn.Module]) -> None:
    name = layer.__name__
    with pytest.raises(ValueError, match=rf"^{name}: give dim=.*deprecated"):
        layer()
    with pytest.raises(ValueError, match=rf"^{name}: give dim="):
        layer(dim=None)
    with pytest.raises(TypeError, match=rf"^{name}: dim must be an int, got float 1.0"):
        layer(1.0)
    with pytest.raises(TypeError, match=rf"^{name}: dim must be an int, got bool True"):
        layer(True)
    assert layer(np.int64(1)).dim == 1  # type: ignore[attr-defined]


WRONG: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (
        lambda: nn.LeakyReLU("0.1"),
        TypeError,
        r"^LeakyReLU: negative_slope must be a real number, got str '0.1'",
    ),
    (
        lambda: nn.LeakyReLU(True),
        TypeError,
        r"^LeakyReLU: negative_slope must be a real number, got bool True",
    ),
    (
        lambda: nn.LeakyReLU(math.nan),
        ValueError,
        r"^LeakyReLU: negative_slope must be a number, got nan",
    ),
    (lambda: nn.ELU(None), TypeError, r"^ELU: alpha must be a real number, got NoneType None"),
    (
        lambda: nn.ELU(Value(1.0)),
        TypeError,
        r"^ELU: alpha must be a real number, got Value.*no gradient",
    ),
    (lambda: nn.Softplus("a"), TypeError, r"^Softplus: beta must be a real number, got str 'a'"),
    (lambda: nn.Softplus(1.0, [20.0]), TypeError, r"^Softplus: threshold must be a real number"),
    (lambda: nn.Hardtanh("a"), TypeError, r"^Hardtanh: min_val must be a real number, got str"),
    (lambda: nn.Hardtanh(0.0, None), TypeError, r"^Hardtanh: max_val must be a real number"),
    (
        lambda: nn.Hardtanh(1.0, 1.0),
        ValueError,
        r"^Hardtanh: max_val \(1.0\) must be greater than min_val \(1.0\)",
    ),
    (lambda: nn.Hardtanh(2.0, 1.0), ValueError, r"^Hardtanh: max_val \(1.0\) must be greater"),
    (
        lambda: nn.GELU("erf"),
        ValueError,
        r"^GELU: approximate must be 'none' or 'tanh', got str 'erf'",
    ),
    (lambda: nn.GELU(None), TypeError, r"^GELU: approximate must be 'none' or 'tanh', got None"),
]


@pytest.mark.parametrize(("make", "kind", "message"), WRONG, ids=[m for _, _, m in WRONG])
def test_wrong_arguments_are_refused_when_the_layer_is_made(
    make: Callable[[], Any], kind: type[Exception], message: str
) -> None:
    with pytest.raises(kind, match=message):
        make()


def test_infinite_bounds_are_allowed() -> None:
    layer = nn.Hardtanh(-math.inf, 2.0)
    np.testing.assert_array_equal(layer(Value([-1e300, 5.0])).data, [-1e300, 2.0])
    assert nn.Softplus(threshold=math.inf)(Value([100.0])).item() == 100.0


def test_a_model_of_activations_trains() -> None:
    """Every new layer in one network: the loss goes down with Adam."""
    _ = nn.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((32, 3))
    y = (x.sum(axis=1) > 0).astype(np.int64)
    model = nn.Sequential(
        nn.Linear(3, 8),
        nn.GELU(),
        nn.Linear(8, 8),
        nn.SiLU(),
        nn.Linear(8, 8),
        nn.Mish(),
        nn.Linear(8, 8),
        nn.ELU(),
        nn.Linear(8, 8),
        nn.LeakyReLU(0.1),
        nn.Linear(8, 8),
        nn.Softplus(),
        nn.Linear(8, 8),
        nn.Hardtanh(),
        nn.Linear(8, 2),
        nn.LogSoftmax(dim=1),
    )
    opt = nn.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = nn.nll_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]

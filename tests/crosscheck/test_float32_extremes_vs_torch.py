"""float32 at the extremes, against PyTorch: every activation and every loss of tensorgrad and nn.

The inputs are float32 batches mixing ordinary values with the extremes where float32
formulas break: ±17 (where ``1 - sigmoid(x)`` rounds to 0), ±88 (where ``e**x`` overflows),
±1e4 (logits far beyond both) and 0, and for binary_cross_entropy the probabilities 0 and
1 (where the log is clamped at -100). A second sweep adds ±inf and NaN.

Each case runs once in tensorgrad/nn and once in torch, from the same arrays, and must agree:

* the same dtype (float32) for the output and for the input's gradient;
* values within ``F32`` (rtol 1e-5) wherever torch's are finite, and the same inf or NaN
  wherever torch's are not: "finite where torch's are, close where torch's are";
* numpy silent wherever torch's output and gradient are finite (a RuntimeWarning there
  means a formula overflowed on the way to a finite answer).

:data:`ACTIVATIONS` and :data:`LOSSES` are checked against the packages' ``__all__``, so an
activation or a loss added without a case here fails ``test_every_activation_and_loss_has_a_case``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, TG, TH, Tol, assert_same, cotangent
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
import nn.activation
import nn.functional
import nn.loss
import tensorgrad.ops.softmax
import tensorgrad.ops.unary
from tensorgrad import Value

Fn = Callable[[Any, Any], Any]  # fn(ops, x): the same computation, spelled for TG or TH

SWEEP = settings(max_examples=15)

EXTREMES = (0.0, 17.0, -17.0, 88.0, -88.0, 1e4, -1e4)
NON_FINITE = (np.inf, -np.inf, np.nan)
PROBABILITIES = (0.0, 1.0, 0.5, 1e-30, 1.0 - 2**-24)


def batches(extremes: tuple[float, ...], lo: float = -3.0, hi: float = 3.0):
    """float32 arrays of shape (N, C), N and C from 1 to 4: extremes and ordinary values."""
    elements = st.one_of(st.sampled_from(extremes), st.floats(lo, hi, width=32))
    shapes = st.tuples(st.integers(1, 4), st.integers(1, 4))
    return hnp.arrays(np.float32, shapes, elements=elements)


def compare(fn: Fn, x: np.ndarray, tol: Tol = F32) -> None:
    """``fn(TG, Value(x))`` against ``fn(TH, tensor(x))``: the output (within ``tol``), then
    the gradient of ``x`` under the same random cotangent (within ``F32``); and no numpy
    warning where torch's results are finite."""
    v, t = Value(x), torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(TG, v)
        g = cotangent(out.shape, out.dtype)
        out.backward(g)
    expected = fn(TH, t)
    expected.backward(torch.from_numpy(g))
    assert_same(out.data, expected, tol, f"forward value at {x!r}")
    assert_same(v.grad, t.grad, F32, f"gradient at {x!r}")
    if torch.isfinite(expected).all() and torch.isfinite(t.grad).all():
        messages = [str(w.message) for w in caught]
        assert not messages, f"numpy warned where torch's results are finite: {messages}"


# -- activations ------------------------------------------------------------------------------


def layer(name: str) -> Fn:
    """The nn layer ``name`` on one side, torch.nn's on the other."""
    return lambda ops, x: (getattr(nn, name) if ops is TG else getattr(torch.nn, name))()(x)


ACTIVATIONS: dict[str, Fn] = {
    # tensorgrad's elementwise functions, the softmax family (along the last axis), nn's layers
    "relu": lambda ops, x: x.relu(),
    "tanh": lambda ops, x: x.tanh(),
    "sigmoid": lambda ops, x: x.sigmoid(),
    "exp": lambda ops, x: x.exp(),
    "log": lambda ops, x: x.log(),
    "sqrt": lambda ops, x: x.sqrt(),
    "abs": lambda ops, x: x.abs(),
    "clip": lambda ops, x: ops.clip(x, -1.0, 1.0),
    "softmax": lambda ops, x: ops.softmax(x, -1),
    "log_softmax": lambda ops, x: ops.log_softmax(x, -1),
    "logsumexp": lambda ops, x: ops.logsumexp(x, -1),
    "ReLU": layer("ReLU"),
    "Tanh": layer("Tanh"),
    "Sigmoid": layer("Sigmoid"),
}


def every_value(values: tuple[float, ...]) -> list[np.ndarray]:
    """All of ``values`` at once, as one row and as one column (float32)."""
    row = np.array([values], np.float32)
    return [row, row.T.copy()]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_at_every_extreme_at_once(name: str) -> None:
    for x in every_value(EXTREMES) + every_value(EXTREMES + NON_FINITE):
        compare(ACTIVATIONS[name], x)


@pytest.mark.parametrize("name", ACTIVATIONS)
@SWEEP
@given(x=batches(EXTREMES))
def test_activations_at_extreme_values(name: str, x: np.ndarray) -> None:
    compare(ACTIVATIONS[name], x)


@pytest.mark.parametrize("name", ACTIVATIONS)
@SWEEP
@given(x=batches(EXTREMES + NON_FINITE))
def test_activations_at_inf_and_nan(name: str, x: np.ndarray) -> None:
    compare(ACTIVATIONS[name], x)


# -- losses -----------------------------------------------------------------------------------


def regression(x: np.ndarray) -> np.ndarray:
    return np.linspace(-2.0, 2.0, x.size, dtype=np.float32).reshape(x.shape)


def classes(x: np.ndarray) -> np.ndarray:
    return np.arange(x.shape[0]) % x.shape[1]


def labels(x: np.ndarray) -> np.ndarray:
    return (np.arange(x.size, dtype=np.float32).reshape(x.shape) % 3) / 2  # 0, 0.5, 1, ...


@dataclass(frozen=True)
class Loss:
    """A loss of nn.functional (and its module): its targets for an input, and where its
    input's elements come from."""

    module: str  # the name of the module, in nn and in torch.nn
    target: Callable[[np.ndarray], np.ndarray]
    extremes: tuple[float, ...] = EXTREMES
    lo: float = -3.0
    hi: float = 3.0


LOSSES: dict[str, Loss] = {
    "mse_loss": Loss("MSELoss", regression),
    "l1_loss": Loss("L1Loss", regression),
    "cross_entropy": Loss("CrossEntropyLoss", classes),
    "nll_loss": Loss("NLLLoss", classes),
    "binary_cross_entropy": Loss("BCELoss", labels, PROBABILITIES, lo=0.0, hi=1.0),
    "binary_cross_entropy_with_logits": Loss("BCEWithLogitsLoss", labels),
}


def loss_fn(name: str, how: str, reduction: str, target: np.ndarray) -> Fn:
    """The loss as a function or a module, on each side, against ``target``."""

    def fn(ops: Any, x: Any) -> Any:
        lib, t = (nn, target) if ops is TG else (torch.nn, torch.from_numpy(target))
        if how == "module":
            return getattr(lib, LOSSES[name].module)(reduction=reduction)(x, t)
        functional = nn.functional if ops is TG else torch.nn.functional
        return getattr(functional, name)(x, t, reduction=reduction)

    return fn


REDUCTIONS = ["mean", "sum", "none"]


def compare_loss(name: str, how: str, reduction: str, x: np.ndarray) -> None:
    target = LOSSES[name].target(x)
    compare(loss_fn(name, how, reduction, target), x, reduced(name, reduction, x, target))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("how", ["function", "module"])
@pytest.mark.parametrize("name", LOSSES)
def test_losses_at_every_extreme_at_once(name: str, how: str, reduction: str) -> None:
    for x in every_value(LOSSES[name].extremes):
        compare_loss(name, how, reduction, x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("how", ["function", "module"])
@pytest.mark.parametrize("name", LOSSES)
@SWEEP
@given(data=st.data())
def test_losses_at_extreme_values(name: str, how: str, reduction: str, data: Any) -> None:
    loss = LOSSES[name]
    compare_loss(name, how, reduction, data.draw(batches(loss.extremes, loss.lo, loss.hi)))


def reduced(name: str, reduction: str, x: np.ndarray, target: np.ndarray) -> Tol:
    """F32 for a sum or mean of terms of mixed signs: relative to the sum (the mean) of the
    terms' sizes, as float32 additions in another order differ by that much (the mean of
    1e4, -1e4 and 1.5 cancels to 0.5 and keeps only the last digits of 1e4)."""
    if reduction == "none":
        return F32
    terms = getattr(torch.nn.functional, name)(
        torch.from_numpy(x), torch.from_numpy(target), reduction="none"
    ).abs()
    size = float(terms.sum() if reduction == "sum" else terms.mean())
    return Tol(F32.rtol, max(F32.atol, F32.rtol * size))


@pytest.mark.parametrize("label_smoothing", [0.1, 1.0])
@SWEEP
@given(x=batches(EXTREMES))
def test_cross_entropy_with_label_smoothing_at_extreme_values(
    label_smoothing: float, x: np.ndarray
) -> None:
    target = classes(x)

    def fn(ops: Any, v: Any) -> Any:
        if ops is TG:
            return nn.functional.cross_entropy(v, target, label_smoothing=label_smoothing)
        return torch.nn.functional.cross_entropy(
            v, torch.from_numpy(target), label_smoothing=label_smoothing
        )

    compare(fn, x)


def test_every_activation_and_loss_has_a_case() -> None:
    elementwise = set(tensorgrad.ops.unary.__all__) - {"astype"}  # (a dtype change)
    activations = elementwise | set(tensorgrad.ops.softmax.__all__)
    assert activations | set(nn.activation.__all__) == ACTIVATIONS.keys()
    assert set(nn.functional.__all__) == LOSSES.keys()
    assert set(nn.loss.__all__) == {loss.module for loss in LOSSES.values()}

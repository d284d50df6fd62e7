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
import tensorgrad
import tensorgrad.ops.activation
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


def compare(fn: Fn, x: np.ndarray, tol: Tol = F32, grad_tol: Tol = F32) -> None:
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
    assert_same(v.grad, t.grad, grad_tol, f"gradient at {x!r}")
    if torch.isfinite(expected).all() and torch.isfinite(t.grad).all():
        messages = [str(w.message) for w in caught]
        assert not messages, f"numpy warned where torch's results are finite: {messages}"


# -- activations ------------------------------------------------------------------------------


def layer(name: str) -> Fn:
    """The nn layer ``name`` on one side, torch.nn's on the other."""
    return lambda ops, x: (getattr(nn, name) if ops is TG else getattr(torch.nn, name))()(x)


def elementwise(name: str) -> Fn:
    """``tensorgrad.<name>`` on one side, ``torch.<name>`` on the other."""
    return lambda ops, x: getattr(tensorgrad if ops is TG else torch, name)(x)


def functional(name: str) -> Fn:
    """``tensorgrad.<name>`` (an activation) on one side, ``torch.nn.functional``'s on the other."""
    return lambda ops, x: getattr(tensorgrad if ops is TG else torch.nn.functional, name)(x)


def softmax_layer(name: str) -> Fn:
    """The layer ``name`` (Softmax or LogSoftmax) along the last axis."""
    return lambda ops, x: getattr(nn if ops is TG else torch.nn, name)(-1)(x)


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
    # issue 12: elementwise functions, activations and their layers
    **{
        name: elementwise(name)
        for name in (
            "sin",
            "cos",
            "tan",
            "square",
            "rsqrt",
            "log1p",
            "expm1",
            "log2",
            "exp2",
            "reciprocal",
            "erf",
            "sign",
            "floor",
            "ceil",
            "round",
            "trunc",
        )
    },
    "clamp": lambda ops, x: ops_clamp(ops, x),
    **{name: functional(name) for name in tensorgrad.ops.activation.__all__},
    **{
        name: layer(name)
        for name in (
            "LeakyReLU",
            "GELU",
            "ELU",
            "SELU",
            "SiLU",
            "Softplus",
            "Hardtanh",
            "ReLU6",
            "Mish",
            "LogSigmoid",
            "Softsign",
        )
    },
    "Softmax": softmax_layer("Softmax"),
    "LogSoftmax": softmax_layer("LogSoftmax"),
}
# torch's float32 gradient of softsign, 1 / (1 + |x|)**2 rounded on the way, is 8e-5 off at
# |x| = 1e4; tensorgrad's is the float64 value rounded once
GRAD_TOL = {"softsign": Tol(1e-4, 1e-6), "Softsign": Tol(1e-4, 1e-6)}

DIFFERENT_AT: dict[str, tuple[float, ...]] = {
    # deliberate differences from torch at non-finite inputs, left out of the comparison
    "softsign": (np.inf, -np.inf),  # the gradient is the limit, 0, where torch's is NaN
    "Softsign": (np.inf, -np.inf),
    "sign": (np.nan,),  # sign(NaN) is NaN, as numpy's (torch's is 0)
    # torch's gradient at a NaN input depends on the array's length: its scalar kernel (under
    # 16 elements) passes it through, as tensorgrad does, its vectorised one gives 0 or NaN
    **dict.fromkeys(
        ("hardtanh", "Hardtanh", "relu6", "ReLU6", "elu", "ELU", "selu", "SELU"), (np.nan,)
    ),
}


def ops_clamp(ops: Any, x: Any) -> Any:
    return (tensorgrad if ops is TG else torch).clamp(x, -1.0, 1.0)


def every_value(values: tuple[float, ...]) -> list[np.ndarray]:
    """All of ``values`` at once, as one row and as one column (float32)."""
    row = np.array([values], np.float32)
    return [row, row.T.copy()]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_at_every_extreme_at_once(name: str) -> None:
    for x in every_value(EXTREMES) + every_value(EXTREMES + non_finite(name)):
        compare(ACTIVATIONS[name], x, grad_tol=GRAD_TOL.get(name, F32))


def non_finite(name: str) -> tuple[float, ...]:
    """The non-finite values where ``name`` is compared with torch."""
    different = DIFFERENT_AT.get(name, ())
    return tuple(v for v in NON_FINITE if repr(v) not in map(repr, different))  # NaN != NaN


@pytest.mark.parametrize("name", ACTIVATIONS)
@SWEEP
@given(x=batches(EXTREMES))
def test_activations_at_extreme_values(name: str, x: np.ndarray) -> None:
    compare(ACTIVATIONS[name], x, grad_tol=GRAD_TOL.get(name, F32))


@pytest.mark.parametrize("name", ACTIVATIONS)
@SWEEP
@given(data=st.data())
def test_activations_at_inf_and_nan(name: str, data: st.DataObject) -> None:
    x = data.draw(batches(EXTREMES + non_finite(name)), label="x")
    compare(ACTIVATIONS[name], x, grad_tol=GRAD_TOL.get(name, F32))


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
    unary = set(tensorgrad.ops.unary.__all__) - {"astype"}  # (a dtype change)
    activations = (
        unary | set(tensorgrad.ops.softmax.__all__) | set(tensorgrad.ops.activation.__all__)
    )
    assert activations | set(nn.activation.__all__) == ACTIVATIONS.keys()
    # (issue 12's losses and functions are crosschecked in test_losses_vs_torch.py)
    assert LOSSES.keys() <= set(nn.functional.__all__)
    assert {loss.module for loss in LOSSES.values()} <= set(nn.loss.__all__)

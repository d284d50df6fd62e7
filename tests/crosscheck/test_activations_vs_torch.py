"""The activations (tensorgrad.ops.activation, and nn's layers of them) against PyTorch's
``torch.nn.functional`` and ``torch.nn``: values, gradients, second derivatives, the
gradients at the kinks, float32, both tails, and the layers' reprs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as torch_f
from crosscheck._torch_helpers import (
    F32,
    F64,
    SETTINGS,
    TG,
    Domain,
    Tol,
    assert_same,
    check,
    check_higher_order,
    draw,
    shapes,
)
from hypothesis import example, given
from hypothesis import strategies as st

import nn
import tensorgrad as tg
from tensorgrad import Value

Shape = tuple[int, ...]
Pair = tuple[Callable[[Value], Value], Callable[[torch.Tensor], torch.Tensor]]

PAIRS: dict[str, Pair] = {
    # name -> (tensorgrad's, PyTorch's), every option
    "leaky_relu": (tg.leaky_relu, torch_f.leaky_relu),
    "leaky_relu(0.2)": (lambda v: tg.leaky_relu(v, 0.2), lambda t: torch_f.leaky_relu(t, 0.2)),
    "leaky_relu(-0.5)": (lambda v: tg.leaky_relu(v, -0.5), lambda t: torch_f.leaky_relu(t, -0.5)),
    "gelu": (tg.gelu, torch_f.gelu),
    "gelu(tanh)": (
        lambda v: tg.gelu(v, approximate="tanh"),
        lambda t: torch_f.gelu(t, approximate="tanh"),
    ),
    "elu": (tg.elu, torch_f.elu),
    "elu(0.5)": (lambda v: tg.elu(v, 0.5), lambda t: torch_f.elu(t, 0.5)),
    "elu(-1)": (lambda v: tg.elu(v, -1.0), lambda t: torch_f.elu(t, -1.0)),
    "selu": (tg.selu, torch_f.selu),
    "silu": (tg.silu, torch_f.silu),
    "softplus": (tg.softplus, torch_f.softplus),
    "softplus(2, 1)": (lambda v: tg.softplus(v, 2.0, 1.0), lambda t: torch_f.softplus(t, 2.0, 1.0)),
    "softplus(-1.5, 2)": (
        lambda v: tg.softplus(v, -1.5, 2.0),
        lambda t: torch_f.softplus(t, -1.5, 2.0),
    ),
    "hardtanh": (tg.hardtanh, torch_f.hardtanh),
    "hardtanh(-2, 0.5)": (
        lambda v: tg.hardtanh(v, -2.0, 0.5),
        lambda t: torch_f.hardtanh(t, -2.0, 0.5),
    ),
    "hardtanh(1, 1)": (lambda v: tg.hardtanh(v, 1.0, 1.0), lambda t: torch_f.hardtanh(t, 1.0, 1.0)),
    "relu6": (tg.relu6, torch_f.relu6),
    "mish": (tg.mish, torch_f.mish),
    "logsigmoid": (tg.logsigmoid, torch_f.logsigmoid),
    "softsign": (tg.softsign, torch_f.softsign),
}
PIECEWISE_LINEAR = {name for name in PAIRS if name.startswith(("leaky_relu", "hardtanh", "relu6"))}
SMOOTH = sorted(set(PAIRS) - PIECEWISE_LINEAR)

WIDE = Domain(-8.0, 8.0)
KINKS = Domain(-2.0, 7.0, ints=True)  # every kink of the options above is a whole number
# (or at x = 0.5: hardtanh(-2, 0.5), softplus(2, 1) at beta x = 1; see test_at_the_kinks)


def both(name: str) -> Callable[..., Any]:
    """The computation of ``name`` as :func:`check` takes it: ``fn(ops, x)``."""
    ours, theirs = PAIRS[name]
    return lambda ops, x: ours(x) if ops is TG else theirs(x)


@pytest.mark.parametrize("name", sorted(PAIRS))
@SETTINGS
@given(shape=shapes(), data=st.data())
@example(shape=(2, 3), data=None)
def test_values_and_gradients_float64(name: str, shape: Shape, data: Any) -> None:
    (x,) = draw(data, [shape], WIDE)
    check(both(name), x)


F32_GRAD = Tol(rtol=1e-5, atol=5e-6)
"""Where a tanh or an exp saturates (gelu's tanh form at x = -5), float32 gradients of about
1e-7 are rounding noise: PyTorch's and numpy's float32 tanh round differently there."""


@pytest.mark.parametrize("name", sorted(PAIRS))
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_values_and_gradients_float32(name: str, shape: Shape, data: Any) -> None:
    (x,) = draw(data, [shape], WIDE)
    out, _ = check(both(name), x.astype(np.float32), tol=F32, grad_tol=F32_GRAD)
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", SMOOTH)
@SETTINGS
@given(shape=shapes(max_side=3), data=st.data())
def test_second_derivatives(name: str, shape: Shape, data: Any) -> None:
    """Where the function is smooth (elu's and softsign's second derivatives jump at 0,
    and random floats do not hit it)."""
    (x,) = draw(data, [shape], Domain(-4.0, 4.0, gap=0.01))
    check_higher_order(both(name), x, order=2)


@pytest.mark.parametrize("name", ["gelu", "gelu(tanh)", "silu", "mish", "logsigmoid", "softplus"])
def test_third_derivatives(name: str) -> None:
    x = np.linspace(-3.0, 3.0, 13)
    check_higher_order(both(name), x, order=3, tol=Tol(rtol=1e-9, atol=1e-11))


@pytest.mark.parametrize("name", sorted(PAIRS))
@SETTINGS
@given(shape=shapes(min_dims=1), data=st.data())
def test_at_the_kinks(name: str, shape: Shape, data: Any) -> None:
    """Whole numbers and 0.5 hit every kink and threshold: the gradient there is PyTorch's."""
    (x,) = draw(data, [shape], KINKS)
    x = np.concatenate([x.reshape(-1), [0.0, -0.0, 0.5, 1.0, -1.0, 6.0, -2.0]])
    check(both(name), x)


EXTREMES = np.array([0.0, -0.0, 17.0, -17.0, 40.0, -40.0, 88.0, -88.0, 1e4, -1e4, 3e38, -3e38])
TAILS = {np.float64: Tol(rtol=1e-12, atol=0.0), np.float32: Tol(rtol=2e-6, atol=0.0)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_both_tails(name: str, dtype: Any) -> None:
    """Relative tolerances only: tiny values (softplus(-40) = 4e-18) keep their digits.
    gelu's tanh form is PyTorch's NaN where |x| > 2e19 in float32: there ours is finite."""
    x = EXTREMES.astype(dtype)
    tol = TAILS[dtype]
    if name == "gelu(tanh)":
        x = x[np.abs(x) < 1e19]
    if name == "softsign":
        # PyTorch's gradient is x / (1 + |x|) differentiated as a quotient: two terms that
        # cancel, off by eps |x| relative (1e-3 at 1e4 in float32), and 0 where (1 + |x|)²
        # overflows; ours is 1 / (1 + |x|)², accurate to a few ulps.
        tol = Tol(rtol=1e-11, atol=1e-60) if dtype == np.float64 else Tol(rtol=2e-3, atol=0.0)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # (underflow is no error)
        check(both(name), x, tol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gelu_tanh_is_finite_where_pytorchs_gradient_is_nan(dtype: Any) -> None:
    x = Value(np.array([3e38, -3e38], dtype))
    tg.gelu(x, approximate="tanh").backward(np.ones(2, dtype))
    np.testing.assert_array_equal(x.grad, [1.0, 0.0])


def test_nan_as_pytorch() -> None:
    x = np.array([np.nan, 1.0, -1.0])
    for name in sorted(PAIRS):
        check(both(name), x)


# -- nn's layers -------------------------------------------------------------------------------

LAYERS: dict[str, tuple[Callable[[], nn.Module], Callable[[], torch.nn.Module]]] = {
    "LeakyReLU": (nn.LeakyReLU, torch.nn.LeakyReLU),
    "LeakyReLU(0.2)": (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    "GELU": (nn.GELU, torch.nn.GELU),
    "GELU(tanh)": (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
    "ELU": (nn.ELU, torch.nn.ELU),
    "ELU(0.5)": (lambda: nn.ELU(alpha=0.5), lambda: torch.nn.ELU(alpha=0.5)),
    "SELU": (nn.SELU, torch.nn.SELU),
    "SiLU": (nn.SiLU, torch.nn.SiLU),
    "Softplus": (nn.Softplus, torch.nn.Softplus),
    "Softplus(2.0, 5.0)": (lambda: nn.Softplus(2.0, 5.0), lambda: torch.nn.Softplus(2.0, 5.0)),
    "Hardtanh": (nn.Hardtanh, torch.nn.Hardtanh),
    "Hardtanh(-2.0, 0.5)": (lambda: nn.Hardtanh(-2.0, 0.5), lambda: torch.nn.Hardtanh(-2.0, 0.5)),
    "ReLU6": (nn.ReLU6, torch.nn.ReLU6),
    "Mish": (nn.Mish, torch.nn.Mish),
    "LogSigmoid": (nn.LogSigmoid, torch.nn.LogSigmoid),
    "Softsign": (nn.Softsign, torch.nn.Softsign),
    "Softmax(1)": (lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1)),
    "Softmax(0)": (lambda: nn.Softmax(0), lambda: torch.nn.Softmax(0)),
    "LogSoftmax(-1)": (lambda: nn.LogSoftmax(dim=-1), lambda: torch.nn.LogSoftmax(dim=-1)),
    "ReLU": (nn.ReLU, torch.nn.ReLU),
}


@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_is_pytorchs(name: str) -> None:
    ours, theirs = LAYERS[name][0](), LAYERS[name][1]()
    assert repr(ours) == repr(theirs)
    assert ours.state_dict() == {}
    assert not theirs.state_dict()
    for dtype, tol in ((np.float64, F64), (np.float32, F32)):
        x = np.random.default_rng(0).uniform(-4.0, 4.0, (3, 4)).astype(dtype)
        x[0, :3] = [0.0, 0.5, -1.0]  # kinks
        check(lambda ops, v: ours(v) if ops is TG else theirs(v), x, tol=tol)


def test_pytorchs_softmax_without_dim_is_refused_here() -> None:
    """PyTorch makes ``Softmax()`` and guesses the axis at the call, with a warning."""
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        torch.nn.Softmax()(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="Softmax: give dim="):
        nn.Softmax()


def test_hardtanh_min_above_max_is_refused_as_in_pytorch() -> None:
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        torch_f.hardtanh(torch.zeros(2), 2.0, 1.0)
    with pytest.raises(ValueError, match=r"hardtanh: min_val \(2.0\) cannot be greater"):
        tg.hardtanh(Value([0.0, 0.0]), 2.0, 1.0)
    assert_same(
        tg.hardtanh(Value([0.0]), 1.0, 1.0).data,
        torch_f.hardtanh(torch.zeros(1, dtype=torch.float64), 1.0, 1.0),
        F64,
        "",
    )

"""Hostile inputs for nn: layers, losses, optimizers and the rest, fed wrong types, wrong
dtypes, NaN and extreme values.

What the sweep guards (issue 11, "Verification"), tensorgrad's promise
(``tests/tensorgrad/test_hostile_inputs.py``) carried up to the layers:

* A wrong type or value gets a clear error: a TypeError or ValueError (RuntimeError where
  PyTorch raises one) whose message names the layer, loss or function and the offending
  argument, its type or its value; never a raw numpy or Python error.
* A layer keeps its dtype: given its own float dtype it answers in it (outputs and every
  gradient); given another float dtype, or ints where it has float32 parameters, it raises
  naming both dtypes, as PyTorch's do ("mat1 and mat2 must have the same dtype"); never a
  silent float64 result from a float32 model.
* NaN in is NaN out where the math has it, and only there; at ±1e4, ±88 and ±17 (logits),
  and at p = 0 and p = 1 for binary_cross_entropy, every loss and layer gives finite values
  and gradients, in float32 and in float64. ``tests/crosscheck/test_float32_extremes_vs_torch.py``
  compares those values with PyTorch's.

Tables drive it: :data:`LAYERS` (how to make each layer), :data:`LOSSES` (each loss function
and its module, with sample inputs), :data:`BAD` (wrong calls of every public callable).
The first tests fail when ``nn.__all__`` or the ``__all__`` of one of its modules gains a
name that no table knows.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from hostile import CLEAR, WITH_RUNTIME, clear_or_result, refuses, strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
import nn.data
import nn.functional as F  # noqa: N812  (PyTorch's conventional name)
import nn.init
import nn.optim
import nn.optim.lr_scheduler
import nn.optim.lr_scheduler as schedulers
from tensorgrad import Value

nan = math.nan
FLOATS = (np.float32, np.float64)


def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# -- the layers --------------------------------------------------------------------------------


def same(x: np.ndarray, out: np.ndarray) -> None:
    """Elementwise: NaN exactly where the input is NaN."""
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))


def by_row(x: np.ndarray, out: np.ndarray) -> None:
    """An affine map of each row: a row with a NaN is all NaN, the other rows finite."""
    bad = np.isnan(x).any(axis=-1, keepdims=True)
    np.testing.assert_array_equal(np.isnan(out), np.broadcast_to(bad, out.shape))


@dataclass(frozen=True)
class Layer:
    """How to make a layer whose parameters (if any) have ``dtype``; the names an error
    about it may use; and how a NaN in its input goes through."""

    make: Callable[[Any], nn.Module]
    names: tuple[str, ...]
    nan: Callable[[np.ndarray, np.ndarray], None] = same
    has_parameters: bool = False
    rearranges: bool = False  # computes nothing: an array of ints stays one, as in PyTorch


def _linear(n_in: int, n_out: int, dtype: Any) -> nn.Linear:
    return nn.Linear(n_in, n_out, dtype=dtype, generator=rng())


class _AsImages(nn.Module):
    """A batch ``(N, 3)`` handed to an image layer as ``N`` images of 1 channel and 1x3
    pixels (``spatial=2``) or ``N`` sequences of length 3 (``spatial=1``); anything else as
    it is, so that the layer itself meets what is not an array."""

    def __init__(self, layer: nn.Module, spatial: int = 2) -> None:
        super().__init__()
        self.layer, self.spatial = layer, spatial

    def forward(self, x: Any) -> Any:
        if isinstance(x, (np.ndarray, Value)) and x.ndim == 2:
            x = x.reshape(x.shape[0], *(1,) * self.spatial, x.shape[1])
        return self.layer(x)


class _TwoSteps(nn.Module):
    """A recurrent cell run twice on a batch ``(N, 3)``, from the zero state, so that the
    sweeps reach the state's path too; an LSTM's state ``(h, c)`` comes out as ``h + c``."""

    def __init__(self, cell: nn.Module) -> None:
        super().__init__()
        self.cell = cell

    def forward(self, x: Any) -> Any:
        state = self.cell(x, self.cell(x))
        return state[0] + state[1] if isinstance(state, tuple) else state


class _TwoSequences(nn.Module):
    """A recurrent layer given a batch ``(N, 3)`` as sequences of one step, twice, the second
    time from the states the first left, so that the sweeps reach the states' path too; the
    output and the last layer's final states come out added up, ``(N, D·hidden)``."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: Any) -> Any:
        if isinstance(x, (np.ndarray, Value)) and x.ndim == 2:
            x = x.reshape(1, *x.shape)
        output, state = self.layer(x, self.layer(x)[1])
        states = state if isinstance(state, tuple) else (state,)
        last = [s[-2:].swapaxes(0, 1).reshape(output.shape[1], -1) for s in states]
        return output[0] + sum(last[1:], last[0])


class _OneTokenEach(nn.Module):
    """A batch ``(N, 3)`` given to an attention layer (batch first) as ``N`` sequences of one
    token of 3 features, its output ``(N, 3)`` again (MultiheadAttention's, without the
    weights); anything else as it is."""

    def __init__(self, layer: nn.Module, attention: bool = False) -> None:
        super().__init__()
        self.layer, self.attention = layer, attention

    def forward(self, x: Any) -> Any:
        if isinstance(x, (np.ndarray, Value)) and x.ndim == 2:
            x = x.reshape(x.shape[0], 1, x.shape[1])
        out = self.layer(x, x, x)[0] if self.attention else self.layer(x)
        return out.reshape(out.shape[0], -1)


def _encoder(name: str, layer: nn.Module) -> nn.Module:
    return layer if name == "TransformerEncoderLayer" else nn.TransformerEncoder(layer, 2)


def per_pixel(x: np.ndarray, out: np.ndarray) -> None:
    """A 1x1 filter over :class:`_AsImages`'s pixels: NaN in every channel of a NaN pixel."""
    pixels = np.isnan(x).reshape(x.shape[0], 1, *(1,) * (out.ndim - 3), x.shape[1])
    np.testing.assert_array_equal(np.isnan(out), np.broadcast_to(pixels, out.shape))


LAYERS: dict[str, Layer] = {
    # every layer of nn.__all__, made for inputs of shape (N, 3)
    "Linear": Layer(lambda d: _linear(3, 2, d), ("Linear", "linear"), by_row, True),
    "ReLU": Layer(lambda d: nn.ReLU(), ("ReLU",)),
    "Tanh": Layer(lambda d: nn.Tanh(), ("Tanh",)),
    "Sigmoid": Layer(lambda d: nn.Sigmoid(), ("Sigmoid",)),
    "Identity": Layer(lambda d: nn.Identity(), ("Identity",), rearranges=True),
    "Flatten": Layer(lambda d: nn.Flatten(), ("Flatten",), rearranges=True),
    "Dropout": Layer(lambda d: nn.Dropout(0.5, generator=rng()), ("Dropout",)),
    "LayerNorm": Layer(
        lambda d: nn.LayerNorm(3, dtype=d), ("LayerNorm", "layer_norm"), by_row, True
    ),
    # -- issue 13: convolution (helper block) --
    "Conv2d": Layer(
        lambda d: _AsImages(nn.Conv2d(1, 2, 1, dtype=d, generator=rng())),
        ("Conv2d", "conv2d"),
        per_pixel,
        True,
    ),
    "Conv1d": Layer(
        lambda d: _AsImages(nn.Conv1d(1, 2, 1, dtype=d, generator=rng()), spatial=1),
        ("Conv1d", "conv1d"),
        per_pixel,
        True,
    ),
    "ConvTranspose2d": Layer(
        lambda d: _AsImages(nn.ConvTranspose2d(1, 2, 1, dtype=d, generator=rng())),
        ("ConvTranspose2d", "conv_transpose2d"),
        per_pixel,
        True,
    ),
    "ConvTranspose1d": Layer(
        lambda d: _AsImages(nn.ConvTranspose1d(1, 2, 1, dtype=d, generator=rng()), spatial=1),
        ("ConvTranspose1d", "conv_transpose1d"),
        per_pixel,
        True,
    ),
    # -- issue 13: pooling (helper block) --
    # (windows over a whole row of 3, so that a NaN in a row is the whole row's result)
    "MaxPool2d": Layer(
        lambda d: _AsImages(nn.MaxPool2d((1, 3))),
        ("MaxPool2d", "max_pool2d"),
        lambda x, out: by_row(x, out.reshape(len(x), -1)),
    ),
    "AvgPool2d": Layer(
        lambda d: _AsImages(nn.AvgPool2d((1, 3), padding=(0, 1), stride=2, ceil_mode=True)),
        ("AvgPool2d", "avg_pool2d"),
        lambda x, out: by_row(x, out[..., :1].reshape(len(x), -1)),  # (the first window)
    ),
    "AdaptiveAvgPool2d": Layer(
        lambda d: _AsImages(nn.AdaptiveAvgPool2d((1, 1))),
        ("AdaptiveAvgPool2d", "adaptive_avg_pool2d"),
        lambda x, out: by_row(x, out.reshape(len(x), -1)),
    ),
    "MaxPool1d": Layer(  # (windows of elements 0-1 and 1-2, with the padding)
        lambda d: _AsImages(nn.MaxPool1d(3, stride=2, padding=1), spatial=1),
        ("MaxPool1d", "max_pool1d"),
        lambda x, out: np.testing.assert_array_equal(
            np.isnan(out).reshape(len(x), -1), np.isnan(x[:, :-1]) | np.isnan(x[:, 1:])
        ),
    ),
    "AvgPool1d": Layer(
        lambda d: _AsImages(nn.AvgPool1d(3, count_include_pad=False), spatial=1),
        ("AvgPool1d", "avg_pool1d"),
        lambda x, out: by_row(x, out.reshape(len(x), -1)),
    ),
    "AdaptiveAvgPool1d": Layer(
        lambda d: _AsImages(nn.AdaptiveAvgPool1d(1), spatial=1),
        ("AdaptiveAvgPool1d", "adaptive_avg_pool1d"),
        lambda x, out: by_row(x, out.reshape(len(x), -1)),
    ),
    # -- issue 13: batch norm (helper block) --
    # -- issue 14: embedding (helper block) --
    # -- issue 14: attention (helper block) --
    "MultiheadAttention": Layer(
        lambda d: _OneTokenEach(
            nn.MultiheadAttention(3, 3, batch_first=True, dtype=d, generator=rng()), True
        ),
        ("MultiheadAttention",),
        by_row,
        True,
    ),
    **{
        name: Layer(
            lambda d, name=name: _OneTokenEach(
                _encoder(
                    name,
                    nn.TransformerEncoderLayer(
                        3, 1, 4, 0.0, batch_first=True, dtype=d, generator=rng()
                    ),
                )
            ),
            (name, "MultiheadAttention"),
            by_row,
            True,
        )
        for name in ("TransformerEncoderLayer", "TransformerEncoder")
    },
    # -- issue 14: recurrent (helper block) --
    **{
        name: Layer(
            lambda d, name=name: _TwoSteps(getattr(nn, name)(3, 2, dtype=d, generator=rng())),
            (name,),
            by_row,
            True,
        )
        for name in ("RNNCell", "LSTMCell", "GRUCell")
    },
    **{
        name: Layer(
            lambda d, name=name: _TwoSequences(
                getattr(nn, name)(3, 2, 2, bidirectional=True, dtype=d, generator=rng())
            ),
            (name,),
            by_row,
            True,
        )
        for name in ("RNN", "LSTM", "GRU")
    },
    # (in evaluation: training refuses a batch of one sample, which the sweeps give)
    "BatchNorm1d": Layer(
        lambda d: nn.BatchNorm1d(3, dtype=d).eval(), ("BatchNorm1d", "batch_norm"), same, True
    ),
    "BatchNorm2d": Layer(
        lambda d: _AsImages(nn.BatchNorm2d(1, dtype=d).eval()),
        ("BatchNorm2d", "batch_norm"),
        per_pixel,
        True,
    ),
    "GroupNorm": Layer(
        lambda d: nn.GroupNorm(1, 3, dtype=d), ("GroupNorm", "group_norm"), by_row, True
    ),
    "Sequential": Layer(
        lambda d: nn.Sequential(_linear(3, 4, d), nn.Tanh(), _linear(4, 2, d)),
        ("Sequential", "Linear", "linear"),  # the layer that refuses may be one inside
        by_row,
        True,
    ),
    "MLP": Layer(
        lambda d: nn.MLP(3, [4, 2], dtype=d, generator=rng()),
        ("MLP", "Linear", "linear"),
        by_row,
        True,
    ),
    # activations
    "LeakyReLU": Layer(lambda d: nn.LeakyReLU(0.1), ("LeakyReLU",)),
    "GELU": Layer(lambda d: nn.GELU(), ("GELU",)),
    "ELU": Layer(lambda d: nn.ELU(0.5), ("ELU",)),
    "SELU": Layer(lambda d: nn.SELU(), ("SELU",)),
    "SiLU": Layer(lambda d: nn.SiLU(), ("SiLU",)),
    "Softplus": Layer(lambda d: nn.Softplus(2.0, 10.0), ("Softplus",)),
    "Hardtanh": Layer(lambda d: nn.Hardtanh(-2.0, 0.5), ("Hardtanh",)),
    "ReLU6": Layer(lambda d: nn.ReLU6(), ("ReLU6",)),
    "Mish": Layer(lambda d: nn.Mish(), ("Mish",)),
    "LogSigmoid": Layer(lambda d: nn.LogSigmoid(), ("LogSigmoid",)),
    "Softsign": Layer(lambda d: nn.Softsign(), ("Softsign",)),
    "Softmax": Layer(lambda d: nn.Softmax(dim=-1), ("Softmax",), by_row),
    "LogSoftmax": Layer(lambda d: nn.LogSoftmax(dim=1), ("LogSoftmax",), by_row),
}
WITH_PARAMETERS = [name for name, layer in LAYERS.items() if layer.has_parameters]
OTHER = {np.float32: np.float64, np.float64: np.float32}

REAL = (0.0, -0.0, 17.0, -17.0, 88.0, -88.0, 1e4, -1e4)


def batches(extremes: tuple[float, ...] = REAL, lo: float = -3.0, hi: float = 3.0):
    """float32 and float64 batches of shape (N, 3), extreme and ordinary values."""

    def batch(dtype: Any) -> st.SearchStrategy[np.ndarray]:
        exact = [float(np.dtype(dtype).type(e)) for e in extremes]
        ordinary = st.floats(lo, hi, width=np.finfo(dtype).bits)
        elements = st.one_of(st.sampled_from(exact), ordinary)
        return hnp.arrays(dtype, st.tuples(st.integers(1, 4), st.just(3)), elements=elements)

    return st.sampled_from(FLOATS).flatmap(batch)


def run(module: nn.Module, x: np.ndarray) -> tuple[Value, Value]:
    """The module on ``x`` as a Value, backward with ones: (input, output)."""
    v = Value(x)
    out = module(v)
    out.backward(np.ones(out.shape, out.dtype))
    return v, out


def check_layer(name: str, x: np.ndarray) -> None:
    """The layer, with parameters of ``x``'s dtype, on ``x``: finite, in that dtype."""
    model = LAYERS[name].make(x.dtype.type)
    with strict():
        v, out = run(model, x)
    assert out.dtype == x.dtype, f"{name}: a {x.dtype} model and input gave {out.dtype}"
    assert np.isfinite(out.data).all(), f"{name}({x!r}) = {out.data!r}"
    for grad in [v.grad, *(p.grad for p in model.parameters())]:
        assert grad.dtype == x.dtype
        assert np.isfinite(grad).all(), f"{name}: a gradient {grad!r} at {x!r}"


def every_extreme(extremes: tuple[float, ...], dtype: Any) -> np.ndarray:
    """A batch of 3 columns holding every extreme value (repeated to fill the last row)."""
    values = np.resize(np.array(extremes, dtype), 3 * math.ceil(len(extremes) / 3))
    return values.reshape(-1, 3)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_at_every_extreme_at_once(name: str, dtype: Any) -> None:
    check_layer(name, every_extreme(REAL, dtype))


@pytest.mark.parametrize("name", LAYERS)
@settings(max_examples=15)
@given(x=batches())
def test_a_layer_at_extreme_values_mixed_with_ordinary_ones(name: str, x: np.ndarray) -> None:
    check_layer(name, x)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_keeps_nan_where_it_is(name: str, dtype: Any) -> None:
    x = np.array([[0.5, nan, -1.0], [1.0, 2.0, 3.0]], dtype)
    model = LAYERS[name].make(dtype)
    with strict():
        out = model(x)
    LAYERS[name].nan(x, np.asarray(out.data if isinstance(out, Value) else out))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_a_layer_refuses_another_float_dtype(name: str, dtype: Any) -> None:
    """As PyTorch's: a float32 model given float64 data (or the other way) raises, naming both."""
    layer = LAYERS[name]
    model = layer.make(dtype)
    for x in (np.ones((2, 3), OTHER[dtype]), Value(np.ones((2, 3), OTHER[dtype]))):
        refuses(lambda x=x: model(x), layer.names, ("float32&float64",), WITH_RUNTIME)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_given_ints_refuses_them_or_computes_in_float64(name: str, dtype: Any) -> None:
    """Ints are refused by a float32 model, naming the dtypes (as PyTorch's: "mat1 and mat2
    must have the same dtype, but got Long and Float"). A float64 model or a layer without
    parameters may take them as float64 instead, as Value() does; Identity and Flatten,
    which compute nothing, may hand back ints."""
    layer = LAYERS[name]
    x = np.arange(6).reshape(2, 3)
    model = layer.make(dtype)
    if layer.has_parameters and dtype == np.float32:
        refuses(lambda: model(x), layer.names, ("int64&float32",), WITH_RUNTIME)
        return
    out = clear_or_result(lambda: model(x), layer.names, ("int64",), WITH_RUNTIME)
    if out is not None:
        expected = x.dtype if layer.rearranges else np.float64
        assert np.asarray(out.data if isinstance(out, Value) else out).dtype == expected


NOT_ARRAYS = {
    # inputs that are not a Value or a numpy array of real numbers, and what a message mentions
    "list": ([[1.0, 2.0, 3.0]], "list"),
    "str": ("abc", "str|<U3"),
    "None": (None, "NoneType|None|object"),  # (numpy makes an object array of it)
    "dict": ({"x": 1.0}, "dict|object"),
    "complex array": (np.full((1, 3), 1j), "complex"),
    "str array": (np.full((1, 3), "a"), "<U1|str"),
    "object array": (np.array([[1.0, None, 2.0]]), "object"),
}


@pytest.mark.parametrize("given_", NOT_ARRAYS)
@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_refuses_what_is_not_an_array(name: str, given_: str) -> None:
    """As PyTorch's "argument 'input' must be Tensor, not list"; Identity returns anything."""
    x, mentions = NOT_ARRAYS[given_]
    model = LAYERS[name].make(np.float64)
    if name == "Identity":
        assert model(x) is x
        return
    refuses(lambda: model(x), LAYERS[name].names, tuple(mentions.split("|")))


# -- the losses --------------------------------------------------------------------------------


def regression(x: np.ndarray) -> np.ndarray:
    return np.linspace(-2.0, 2.0, x.size).reshape(x.shape).astype(x.dtype)


def classes(x: np.ndarray) -> np.ndarray:
    return np.arange(x.shape[0]) % x.shape[1]  # sample 0 is of class 0


def labels(x: np.ndarray) -> np.ndarray:
    return (np.arange(x.size).reshape(x.shape) % 3 / 2).astype(x.dtype)  # 0, 0.5, 1, 0...


@dataclass(frozen=True)
class Loss:
    """A loss: its function and module, its targets for an input, where its input comes
    from, and whether a NaN spoils a whole row (the classification losses) or one element."""

    function: Callable[..., Value]
    module: type[nn.Module]
    target: Callable[[np.ndarray], np.ndarray]
    extremes: tuple[float, ...] = REAL
    lo: float = -3.0
    hi: float = 3.0
    per_row: bool = False


PROBABILITIES = (0.0, 1.0, 1e-30, 0.5)  # p = 0 and p = 1: log clamped at -100, as PyTorch

LOSSES: dict[str, Loss] = {
    # every loss of nn.functional.__all__, with its module
    "mse_loss": Loss(F.mse_loss, nn.MSELoss, regression),
    "l1_loss": Loss(F.l1_loss, nn.L1Loss, regression),
    "cross_entropy": Loss(F.cross_entropy, nn.CrossEntropyLoss, classes, per_row=True),
    "nll_loss": Loss(F.nll_loss, nn.NLLLoss, classes, per_row=True),
    "binary_cross_entropy": Loss(
        F.binary_cross_entropy, nn.BCELoss, labels, PROBABILITIES, lo=0.0, hi=1.0
    ),
    "binary_cross_entropy_with_logits": Loss(
        F.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss, labels
    ),
    # -- issue 12: functional-loss (LOSSES) --
    "huber_loss": Loss(F.huber_loss, nn.HuberLoss, regression),
    "smooth_l1_loss": Loss(F.smooth_l1_loss, nn.SmoothL1Loss, regression),
    "kl_div": Loss(F.kl_div, nn.KLDivLoss, labels),  # (targets: probabilities 0, 0.5, 1)
}
REDUCTIONS = ("mean", "sum", "none")


def calls(name: str) -> dict[str, Callable[..., Value]]:
    """The loss as a function and as a module, each called ``(input, target, reduction)``."""
    loss = LOSSES[name]
    return {
        "function": lambda x, t, r="mean": loss.function(x, t, reduction=r),
        "module": lambda x, t, r="mean": loss.module(reduction=r)(x, t),
    }


def check_loss(name: str, how: str, x: np.ndarray) -> None:
    """The loss on ``x``, in every reduction: finite, in ``x``'s dtype, and so its gradient."""
    target = LOSSES[name].target(x)
    for reduction in REDUCTIONS:
        v = Value(x)
        with strict():
            out = calls(name)[how](v, target, reduction)
            out.backward(np.ones(out.shape, out.dtype))
        assert out.dtype == x.dtype, f"{name}: a {x.dtype} input gave a {out.dtype} loss"
        assert np.isfinite(out.data).all(), f"{name}({x!r}, reduction={reduction!r}) = {out.data}"
        assert v.grad.dtype == x.dtype
        assert np.isfinite(v.grad).all(), f"{name}: gradient {v.grad!r} at {x!r}"


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("how", ["function", "module"])
@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_at_every_extreme_at_once(name: str, how: str, dtype: Any) -> None:
    check_loss(name, how, every_extreme(LOSSES[name].extremes, dtype))


@pytest.mark.parametrize("how", ["function", "module"])
@pytest.mark.parametrize("name", LOSSES)
@settings(max_examples=10)
@given(data=st.data())
def test_a_loss_at_extreme_values_mixed_with_ordinary_ones(name: str, how: str, data: Any) -> None:
    loss = LOSSES[name]
    check_loss(name, how, data.draw(batches(loss.extremes, loss.lo, loss.hi), label="input"))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_keeps_nan_where_it_is(name: str, dtype: Any) -> None:
    """NaN in the first sample's first element: that element's loss (that sample's, for the
    classification losses) is NaN, and the others are not. binary_cross_entropy may refuse
    a NaN instead, as PyTorch does ("all elements of input should be between 0 and 1")."""
    loss = LOSSES[name]
    x = np.array([[0.25, 0.5, 0.75], [0.5, 0.25, 0.125]], dtype)
    x[0, 0] = nan
    refusable = WITH_RUNTIME if name == "binary_cross_entropy" else ()
    out = clear_or_result(
        lambda: loss.function(Value(x), loss.target(x), reduction="none"),
        (name,),
        ("nan", "NaN", "[0, 1]"),
        refusable,
    )
    if out is None:
        return
    expected = np.isnan(x).any(axis=1) if loss.per_row else np.isnan(x)
    np.testing.assert_array_equal(np.isnan(out.data), expected)


@pytest.mark.parametrize("name", [n for n, loss in LOSSES.items() if loss.target is not classes])
def test_an_int_target_keeps_a_float32_loss_float32(name: str) -> None:
    """As PyTorch: float32 predictions against int targets (0 and 1) give a float32 loss."""
    x = Value(np.array([[0.25, 0.75]], np.float32))
    with strict():
        out = LOSSES[name].function(x, np.array([[0, 1]]))
        out.backward()
    assert out.dtype == np.float32
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("given_", NOT_ARRAYS)
@pytest.mark.parametrize("how", ["function", "module"])
@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_refuses_an_input_that_is_not_an_array(name: str, how: str, given_: str) -> None:
    x, mentions = NOT_ARRAYS[given_]
    target = LOSSES[name].target(np.ones((1, 3)))
    names = (name, LOSSES[name].module.__name__)
    refuses(lambda: calls(name)[how](x, target), names, tuple(mentions.split("|")))


@pytest.mark.parametrize("given_", [g for g in NOT_ARRAYS if g != "list"])
@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_refuses_a_target_that_is_not_an_array(name: str, given_: str) -> None:
    """A list of numbers may be taken as its array (the test below); the rest is refused."""
    target, mentions = NOT_ARRAYS[given_]
    x = Value(np.full((1, 3), 0.5))
    refuses(lambda: LOSSES[name].function(x, target), (name,), tuple(mentions.split("|")))


@pytest.mark.parametrize("name", LOSSES)
def test_a_loss_takes_a_list_target_as_its_array_or_refuses_it(name: str) -> None:
    x = np.full((2, 3), 0.5)
    target = LOSSES[name].target(x)
    out = clear_or_result(
        lambda: LOSSES[name].function(Value(x), target.tolist()), (name,), ("list",)
    )
    if out is not None:
        assert out.item() == LOSSES[name].function(Value(x), target).item()


# -- wrong calls of everything else ------------------------------------------------------------


class Bad(NamedTuple):
    op: str  # a public name of nn or of one of its modules
    label: str
    call: Callable[[], Any]
    names: tuple[str, ...]
    mentions: tuple[str, ...]
    kinds: Any = CLEAR


def wrong(op: str, names: tuple[str, ...], *rows: tuple[Any, ...]) -> list[Bad]:
    """The wrong calls of one op, a row each: ``(label, call, "mention|or mention"[, kinds])``."""
    return [
        Bad(op, label, call, names, tuple(mentions.split("|")), *kinds)
        for label, call, mentions, *kinds in rows
    ]


def params() -> list[nn.Parameter]:
    return list(_linear(3, 2, np.float64).parameters())


def optimizer() -> nn.SGD:
    return nn.SGD(params(), lr=0.1)


def sequential(milestones: list[int], n: int = 2) -> Any:
    """A SequentialLR of ``n`` ExponentialLRs, with these milestones."""
    opt = optimizer()
    parts = [schedulers.ExponentialLR(opt, 0.5) for _ in range(n)]
    return schedulers.SequentialLR(opt, parts, milestones)


def layer() -> nn.Linear:
    return _linear(3, 2, np.float64)


def W() -> nn.Parameter:  # noqa: N802  (a weight)
    return layer().weight


def logits() -> Value:
    return Value(np.zeros((2, 3)))


def ce(target: Any, *args: Any, **kwargs: Any) -> Value:
    """cross_entropy of 2 samples of 3 classes."""
    return F.cross_entropy(logits(), target, *args, **kwargs)


Y = np.array([0, 1])  # the classes of the 2 samples


def loader(**kwargs: Any) -> nn.data.DataLoader:
    return nn.data.DataLoader(nn.data.TensorDataset(np.ones(3)), **kwargs)


def save_in_a_temporary_folder(obj: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        nn.save(obj, Path(folder) / "model.npz")


def load_a_text_file() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.txt"
        path.write_text("not a checkpoint")
        return nn.load(path)


# fmt: off
BAD: list[Bad] = [
    *wrong("Linear", ("Linear",),
        ("Linear('a', 2)", lambda: nn.Linear("a", 2), "str|'a'"),
        ("Linear(2, None)", lambda: nn.Linear(2, None), "None"),
        ("Linear(2.5, 2)", lambda: nn.Linear(2.5, 2), "float|2.5"),
        ("Linear(dtype=int32)", lambda: nn.Linear(2, 2, dtype=np.int32), "int32"),
        ("Linear(dtype='nonsense')", lambda: nn.Linear(2, 2, dtype="nonsense"), "nonsense"),
        ("Linear(3, 2)(shape (2, 4))", lambda: layer()(np.ones((2, 4))), "(2, 4)"),
    ),
    *wrong("Dropout", ("Dropout",),
        ("Dropout('a')", lambda: nn.Dropout("a"), "str|'a'"),
        ("Dropout(None)", lambda: nn.Dropout(None), "None"),
        ("Dropout(1.5)", lambda: nn.Dropout(1.5), "1.5"),
        ("Dropout(nan)", lambda: nn.Dropout(nan), "nan"),
        ("Dropout(inplace=True)", lambda: nn.Dropout(0.5, inplace=True), "inplace"),
    ),
    *wrong("LayerNorm", ("LayerNorm",),
        ("LayerNorm('a')", lambda: nn.LayerNorm("a"), "normalized_shape&str|'a'"),
        ("LayerNorm(2.5)", lambda: nn.LayerNorm(2.5), "normalized_shape&float|2.5"),
        ("LayerNorm(True)", lambda: nn.LayerNorm(True), "normalized_shape&bool"),
        ("LayerNorm(-1)", lambda: nn.LayerNorm(-1), "normalized_shape&-1"),
        ("LayerNorm(eps='a')", lambda: nn.LayerNorm(3, eps="a"), "eps&str"),
        ("LayerNorm(eps=0)", lambda: nn.LayerNorm(3, eps=0.0), "eps&0.0"),
        ("LayerNorm(bias='no')", lambda: nn.LayerNorm(3, bias="no"), "bias&str|'no'"),
        ("LayerNorm(elementwise_affine='no')",
            lambda: nn.LayerNorm(3, elementwise_affine="no"), "elementwise_affine"),
        ("LayerNorm(dtype=int32)", lambda: nn.LayerNorm(3, dtype=np.int32), "int32"),
        ("LayerNorm(3)(list)", lambda: nn.LayerNorm(3)([[1.0, 2.0, 3.0]]), "list"),
        ("LayerNorm(4)(shape (2, 3))", lambda: nn.LayerNorm(4)(np.ones((2, 3))), "(4,)&(2, 3)"),
    ),
    # -- issue 13: convolution (helper block) --
    *wrong("Conv2d", ("Conv2d",),
        ("Conv2d(3, 8, 3, groups=2)", lambda: nn.Conv2d(3, 8, 3, groups=2), "in_channels&(3)&2"),
        ("Conv2d('a', 8, 3)", lambda: nn.Conv2d("a", 8, 3), "in_channels&str"),
        ("Conv2d(3, 8, 0)", lambda: nn.Conv2d(3, 8, 0), "kernel_size&0"),
        ("Conv2d(3, 8, 2.5)", lambda: nn.Conv2d(3, 8, 2.5), "kernel_size&float"),
        ("Conv2d(padding='full')", lambda: nn.Conv2d(3, 8, 3, padding="full"), "padding&'full'"),
        ("Conv2d(padding_mode)", lambda: nn.Conv2d(3, 8, 3, padding_mode="x"), "padding_mode&'x'"),
        ("Conv2d(bias='no')", lambda: nn.Conv2d(3, 8, 3, bias="no"), "bias&str"),
        ("Conv2d(3, 8, 3)(4 channels)", lambda: nn.Conv2d(3, 8, 3)(np.ones((1, 4, 5, 5))),
            "(N, 3, H, W)&(1, 4, 5, 5)"),
    ),
    *wrong("Conv1d", ("Conv1d",),
        ("Conv1d(2, 4, (3, 3))", lambda: nn.Conv1d(2, 4, (3, 3)), "kernel_size&(3, 3)"),
        ("Conv1d(2, 4, 3)(4-d)", lambda: nn.Conv1d(2, 4, 3)(np.ones((1, 2, 5, 5))),
            "(N, 2, L)&(1, 2, 5, 5)"),
    ),
    *wrong("ConvTranspose2d", ("ConvTranspose2d",),
        ("ConvTranspose2d(padding='same')", lambda: nn.ConvTranspose2d(3, 8, 3, padding="same"),
            "padding&'same'"),
        ("ConvTranspose2d(output_size)",
            lambda: nn.ConvTranspose2d(3, 8, 3)(np.ones((1, 3, 4, 4)), output_size=(9, 9)),
            "output size&(9, 9)"),
    ),
    *wrong("ConvTranspose1d", ("ConvTranspose1d",),
        ("ConvTranspose1d(padding_mode)",
            lambda: nn.ConvTranspose1d(3, 8, 3, padding_mode="circular"), "padding_mode&'zeros'"),
    ),
    # -- issue 13: pooling (helper block) --
    *wrong("MaxPool2d", ("MaxPool2d",),
        ("MaxPool2d('a')", lambda: nn.MaxPool2d("a"), "kernel_size&str"),
        ("MaxPool2d(0)", lambda: nn.MaxPool2d(0), "kernel_size&0"),
        ("MaxPool2d(True)", lambda: nn.MaxPool2d(True), "kernel_size&bool"),
        ("MaxPool2d(2, stride=0)", lambda: nn.MaxPool2d(2, stride=0), "stride&0"),
        ("MaxPool2d(2, padding=-1)", lambda: nn.MaxPool2d(2, padding=-1), "padding&-1"),
        ("MaxPool2d(2, dilation=(1, 2, 3))", lambda: nn.MaxPool2d(2, dilation=(1, 2, 3)),
            "dilation&(1, 2, 3)"),
        ("MaxPool2d(2, return_indices='yes')", lambda: nn.MaxPool2d(2, return_indices="yes"),
            "return_indices&str"),
        ("MaxPool2d(2, ceil_mode=None)", lambda: nn.MaxPool2d(2, ceil_mode=None), "ceil_mode&None"),
    ),
    *wrong("MaxPool2d", ("MaxPool2d", "max_pool2d"),
        ("MaxPool2d(3)(2x2)", lambda: nn.MaxPool2d(3)(np.ones((1, 1, 2, 2))), "(3, 3)&(2, 2)"),
        ("MaxPool2d(2, padding=2)(x)", lambda: nn.MaxPool2d(2, padding=2)(np.ones((1, 1, 4, 4))),
            "padding&(2, 2)"),
        ("MaxPool2d(2)(2-d)", lambda: nn.MaxPool2d(2)(np.ones((2, 3))), "(2, 3)"),
    ),
    *wrong("AvgPool2d", ("AvgPool2d", "avg_pool2d"),
        ("AvgPool2d((2, 2, 2))", lambda: nn.AvgPool2d((2, 2, 2)), "kernel_size&(2, 2, 2)"),
        ("AvgPool2d(2, divisor_override=0)", lambda: nn.AvgPool2d(2, divisor_override=0),
            "divisor_override&0"),
        ("AvgPool2d(2, divisor_override=1.5)", lambda: nn.AvgPool2d(2, divisor_override=1.5),
            "divisor_override&float"),
        ("AvgPool2d(2, count_include_pad='no')", lambda: nn.AvgPool2d(2, count_include_pad="no"),
            "count_include_pad&str"),
        ("AvgPool2d(4)(3x3)", lambda: nn.AvgPool2d(4)(np.ones((1, 3, 3))), "(4, 4)&(3, 3)"),
    ),
    *wrong("AdaptiveAvgPool2d", ("AdaptiveAvgPool2d", "adaptive_avg_pool2d"),
        ("AdaptiveAvgPool2d('a')", lambda: nn.AdaptiveAvgPool2d("a"), "output_size&str"),
        ("AdaptiveAvgPool2d(-1)", lambda: nn.AdaptiveAvgPool2d(-1), "output_size&-1"),
        ("AdaptiveAvgPool2d((1, 2, 3))", lambda: nn.AdaptiveAvgPool2d((1, 2, 3)),
            "output_size&(1, 2, 3)"),
        ("AdaptiveAvgPool2d(1)(1-d)", lambda: nn.AdaptiveAvgPool2d(1)(np.ones(3)), "(3,)"),
    ),
    *wrong("MaxPool1d", ("MaxPool1d", "max_pool1d"),
        ("MaxPool1d((2, 2))", lambda: nn.MaxPool1d((2, 2)), "kernel_size&(2, 2)"),
        ("MaxPool1d(2)(4-d)", lambda: nn.MaxPool1d(2)(np.ones((1, 1, 2, 2))), "(1, 1, 2, 2)"),
    ),
    *wrong("AvgPool1d", ("AvgPool1d", "avg_pool1d"),
        ("AvgPool1d('a')", lambda: nn.AvgPool1d("a"), "kernel_size&str"),
        ("AvgPool1d(2, stride=0)", lambda: nn.AvgPool1d(2, stride=0), "stride&0"),
        ("AvgPool1d(2, ceil_mode='no')", lambda: nn.AvgPool1d(2, ceil_mode="no"), "ceil_mode&str"),
    ),
    *wrong("AdaptiveAvgPool1d", ("AdaptiveAvgPool1d", "adaptive_avg_pool1d"),
        ("AdaptiveAvgPool1d((1, 1))", lambda: nn.AdaptiveAvgPool1d((1, 1)), "output_size&(1, 1)"),
        ("AdaptiveAvgPool1d(None)", lambda: nn.AdaptiveAvgPool1d(None), "output_size&None"),
    ),
    # -- issue 13: batch norm (helper block) --
    # -- issue 14: embedding (helper block) --
    *wrong("Embedding", ("Embedding", "embedding"),
        ("Embedding(2.5, 3)", lambda: nn.Embedding(2.5, 3), "num_embeddings&float"),
        ("Embedding(3, -1)", lambda: nn.Embedding(3, -1), "embedding_dim&-1"),
        ("Embedding(padding_idx=3)", lambda: nn.Embedding(3, 2, padding_idx=3), "padding_idx 3"),
        ("Embedding(sparse=True)", lambda: nn.Embedding(3, 2, sparse=True), "sparse"),
        ("Embedding(dtype=int)", lambda: nn.Embedding(3, 2, dtype=int), "dtype"),
        ("Embedding(_weight shape)", lambda: nn.Embedding(3, 2, _weight=np.ones((2, 3))),
            "(2, 3)&(3, 2)"),
        ("Embedding.from_pretrained(1-d)", lambda: nn.Embedding.from_pretrained(np.ones(3)),
            "(3,)"),
        ("Embedding()(floats)", lambda: nn.Embedding(3, 2)(np.ones((2, 3))), "float64"),
        ("Embedding()(list)", lambda: nn.Embedding(3, 2)([[0, 1]]), "list"),
        ("Embedding()(index 3)", lambda: nn.Embedding(3, 2)(np.array([3])), "index 3&3",
            (IndexError,)),
    ),
    # -- issue 14: attention (helper block) --
    *wrong("MultiheadAttention", ("MultiheadAttention",),
        ("MHA(6, 4)", lambda: nn.MultiheadAttention(6, 4), "embed_dim=6&num_heads=4"),
        ("MHA(0, 1)", lambda: nn.MultiheadAttention(0, 1), "embed_dim&0"),
        ("MHA('a', 1)", lambda: nn.MultiheadAttention("a", 1), "embed_dim&str|'a'"),
        ("MHA(dropout=nan)", lambda: nn.MultiheadAttention(4, 2, dropout=nan), "nan"),
        ("MHA(bias='no')", lambda: nn.MultiheadAttention(4, 2, bias="no"), "bias&str|'no'"),
        ("MHA(kdim=2.5)", lambda: nn.MultiheadAttention(4, 2, kdim=2.5), "kdim&float|2.5"),
        ("MHA()(shape)", lambda: nn.MultiheadAttention(4, 2)(*[np.ones((2, 3))] * 3),
            "(2, 3)&embed_dim=4"),
        ("MHA()(4-d)", lambda: nn.MultiheadAttention(4, 2)(*[np.ones((1, 2, 3, 4))] * 3),
            "(1, 2, 3, 4)"),
        ("MHA()(padding shape)", lambda: nn.MultiheadAttention(4, 2)(
            *[np.ones((3, 2, 4))] * 3, key_padding_mask=np.ones((2, 2), bool)),
            "key_padding_mask&(2, 3)&(2, 2)"),
        ("MHA()(mask int)", lambda: nn.MultiheadAttention(4, 2)(
            *[np.ones((3, 4))] * 3, attn_mask=np.ones((3, 3), int)), "attn_mask&int64"),
        ("MHA()(is_causal alone)", lambda: nn.MultiheadAttention(4, 2)(
            *[np.ones((3, 4))] * 3, is_causal=True), "is_causal&attn_mask"),
    ),
    *wrong("TransformerEncoderLayer", ("TransformerEncoderLayer", "MultiheadAttention"),
        ("TEL(activation)", lambda: nn.TransformerEncoderLayer(4, 2, activation="swish"),
            "activation&'swish'"),
        ("TEL(4, 3)", lambda: nn.TransformerEncoderLayer(4, 3), "num_heads=3"),
        ("TEL(norm_first=1)", lambda: nn.TransformerEncoderLayer(4, 2, norm_first=1),
            "norm_first&int"),
        ("TEL()(shape)", lambda: nn.TransformerEncoderLayer(4, 2, 8)(np.ones((3, 2, 5))),
            "(3, 2, 5)&embed_dim=4"),
    ),
    *wrong("TransformerEncoder", ("TransformerEncoder",),
        ("TE('layer')", lambda: nn.TransformerEncoder("layer", 2), "encoder_layer&str"),
        ("TE(num_layers=1.5)", lambda: nn.TransformerEncoder(nn.Linear(2, 2), 1.5),
            "num_layers&float|1.5"),
        ("TE(norm=3)", lambda: nn.TransformerEncoder(nn.Linear(2, 2), 1, norm=3), "norm&int"),
    ),
    *wrong("generate_square_subsequent_mask", ("generate_square_subsequent_mask",),
        ("mask(-1)", lambda: nn.generate_square_subsequent_mask(-1), "sz&-1"),
        ("mask('a')", lambda: nn.generate_square_subsequent_mask("a"), "sz&str|'a'"),
        ("mask(dtype=int)", lambda: nn.generate_square_subsequent_mask(2, int), "dtype|int"),
    ),
    # -- issue 14: recurrent (helper block) --
    *(
        row
        for name, gates in [("RNNCell", 1), ("LSTMCell", 4), ("GRUCell", 3)]
        for cell in [getattr(nn, name)]
        for row in wrong(name, (name,),
            (f"{name}('a', 2)", lambda cell=cell: cell("a", 2), "input_size&str|'a'"),
            (f"{name}(3, 2.5)", lambda cell=cell: cell(3, 2.5), "hidden_size&float|2.5"),
            (f"{name}(3, True)", lambda cell=cell: cell(3, True), "hidden_size&bool"),
            (f"{name}(-1, 2)", lambda cell=cell: cell(-1, 2), "input_size&-1"),
            (f"{name}(bias='no')", lambda cell=cell: cell(3, 2, bias="no"), "bias&str|'no'"),
            (f"{name}(dtype=int32)", lambda cell=cell: cell(3, 2, dtype=np.int32), "int32"),
            (f"{name}(3, 2)(shape (2, 4))", lambda cell=cell: cell(3, 2)(np.ones((2, 4))),
                "(N, 3)&(2, 4)"),
            (f"{name}(3, 2)(3-d)", lambda cell=cell: cell(3, 2)(np.ones((1, 2, 3))),
                "(1, 2, 3)"),
            (f"{name}(3, 2)(x, hx of shape (2, 3))",
                lambda cell=cell, gates=gates: cell(3, 2)(
                    np.ones((2, 3)), (np.ones((2, 3)),) * 2 if gates == 4 else np.ones((2, 3))),
                "(2, 2)&(2, 3)"),
            (f"{name}(3, 2)(x, hx of a batch of 3)",
                lambda cell=cell, gates=gates: cell(3, 2)(
                    np.ones((2, 3)), (np.ones((3, 2)),) * 2 if gates == 4 else np.ones((3, 2))),
                "(2, 2)&(3, 2)"),
            (f"{name}(3, 2)(x, hx list)", lambda cell=cell: cell(3, 2)(np.ones((2, 3)), "h"),
                "str|'h'"),
        )
    ),
    *wrong("RNNCell", ("RNNCell",),
        ("RNNCell(nonlinearity='gelu')", lambda: nn.RNNCell(3, 2, nonlinearity="gelu"),
            "nonlinearity&'gelu'"),
        ("RNNCell(nonlinearity=None)", lambda: nn.RNNCell(3, 2, nonlinearity=None),
            "nonlinearity&None"),
    ),
    *wrong("LSTMCell", ("LSTMCell",),
        ("LSTMCell(3, 2)(x, (h,))", lambda: nn.LSTMCell(3, 2)(np.ones((2, 3)), (np.ones((2, 2)),)),
            "pair&tuple"),
    ),
    *(
        row
        for name, n_states in [("RNN", 1), ("LSTM", 2), ("GRU", 1)]
        for cls in [getattr(nn, name)]
        for row in wrong(name, (name,),
            (f"{name}('a', 2)", lambda cls=cls: cls("a", 2), "input_size&str|'a'"),
            (f"{name}(3, 2.5)", lambda cls=cls: cls(3, 2.5), "hidden_size&float|2.5"),
            (f"{name}(0, 2)", lambda cls=cls: cls(0, 2), "input_size&0"),
            (f"{name}(3, 2, 0)", lambda cls=cls: cls(3, 2, 0), "num_layers&0"),
            (f"{name}(3, 2, True)", lambda cls=cls: cls(3, 2, True), "num_layers&bool"),
            (f"{name}(bias='no')", lambda cls=cls: cls(3, 2, bias="no"), "bias&str|'no'"),
            (f"{name}(batch_first=1)", lambda cls=cls: cls(3, 2, batch_first=1), "batch_first&int"),
            (f"{name}(bidirectional='y')", lambda cls=cls: cls(3, 2, bidirectional="y"),
                "bidirectional&str"),
            (f"{name}(dropout=1.5)", lambda cls=cls: cls(3, 2, 2, dropout=1.5), "dropout&1.5"),
            (f"{name}(dropout=nan)", lambda cls=cls: cls(3, 2, 2, dropout=nan), "dropout&nan"),
            (f"{name}(dropout='a')", lambda cls=cls: cls(3, 2, 2, dropout="a"), "dropout&str"),
            (f"{name}(dtype=int32)", lambda cls=cls: cls(3, 2, dtype=np.int32), "int32"),
            (f"{name}(generator=0)", lambda cls=cls: cls(3, 2, generator=0), "generator&int"),
            (f"{name}(3, 2)(shape (5, 2, 4))", lambda cls=cls: cls(3, 2)(np.ones((5, 2, 4))),
                "(T, N, 3)&(5, 2, 4)"),
            (f"{name}(3, 2)(1-d)", lambda cls=cls: cls(3, 2)(np.ones(3)), "(3,)"),
            (f"{name}(3, 2)(no steps)", lambda cls=cls: cls(3, 2)(np.ones((0, 2, 3))),
                "(0, 2, 3)"),
            (f"{name}(3, 2)(x, hx of shape (2, 2, 2))",
                lambda cls=cls, n=n_states: cls(3, 2)(np.ones((5, 2, 3)),
                    (np.ones((2, 2, 2)),) * 2 if n == 2 else np.ones((2, 2, 2))),
                "(1, 2, 2)&(2, 2, 2)"),
            (f"{name}(3, 2)(x, hx 'h')", lambda cls=cls: cls(3, 2)(np.ones((5, 2, 3)), "h"),
                "str|'h'"),
        )
    ),
    *wrong("RNN", ("RNN",),
        ("RNN(nonlinearity='gelu')", lambda: nn.RNN(3, 2, nonlinearity="gelu"),
            "nonlinearity&'gelu'"),
    ),
    *wrong("LSTM", ("LSTM",),
        ("LSTM(proj_size=1)", lambda: nn.LSTM(3, 2, proj_size=1), "proj_size&1"),
        ("LSTM(proj_size='a')", lambda: nn.LSTM(3, 2, proj_size="a"), "proj_size&str"),
        ("LSTM(3, 2)(x, (h,))", lambda: nn.LSTM(3, 2)(np.ones((5, 2, 3)), (np.ones((1, 2, 2)),)),
            "pair&tuple"),
    ),
    *(
        row
        for name, cls, x in [
            ("BatchNorm1d", nn.BatchNorm1d, np.ones((2, 3))),
            ("BatchNorm2d", nn.BatchNorm2d, np.ones((2, 3, 2, 2))),
        ]
        for row in wrong(name, (name, "batch_norm"),
            (f"{name}('a')", lambda cls=cls: cls("a"), "num_features&str|'a'"),
            (f"{name}(True)", lambda cls=cls: cls(True), "num_features&bool"),
            (f"{name}(-1)", lambda cls=cls: cls(-1), "num_features&-1"),
            (f"{name}(eps=0)", lambda cls=cls: cls(3, eps=0.0), "eps&0.0"),
            (f"{name}(eps='a')", lambda cls=cls: cls(3, eps="a"), "eps&str"),
            (f"{name}(momentum='a')", lambda cls=cls: cls(3, momentum="a"), "momentum&str"),
            (f"{name}(momentum=nan)", lambda cls=cls: cls(3, momentum=nan), "momentum&nan"),
            (f"{name}(affine='no')", lambda cls=cls: cls(3, affine="no"), "affine&str"),
            (f"{name}(track_running_stats=1)",
                lambda cls=cls: cls(3, track_running_stats=1), "track_running_stats&int"),
            (f"{name}(bias='no')", lambda cls=cls: cls(3, bias="no"), "bias&str"),
            (f"{name}(dtype=int32)", lambda cls=cls: cls(3, dtype=np.int32), "int32"),
            (f"{name}(3)(list)", lambda cls=cls: cls(3)([[1.0, 2.0, 3.0]]), "list"),
            (f"{name}(4)(x)", lambda cls=cls, x=x: cls(4)(x), f"4&{x.shape}"),
            (f"{name}(3)(one value per channel)",
                lambda cls=cls, x=x: cls(3)(x[:1, :, :1, :1] if x.ndim == 4 else x[:1]),
                "more than 1 value"),
        )
    ),
    *wrong("BatchNorm1d", ("BatchNorm1d",),
        ("BatchNorm1d(3)(4-d)", lambda: nn.BatchNorm1d(3)(np.ones((2, 3, 2, 2))), "2D or 3D&4D"),
        ("BatchNorm1d(3)(1-d)", lambda: nn.BatchNorm1d(3)(np.ones(3)), "2D or 3D&1D"),
    ),
    *wrong("BatchNorm2d", ("BatchNorm2d",),
        ("BatchNorm2d(3)(3-d)", lambda: nn.BatchNorm2d(3)(np.ones((3, 2, 2))), "4D&3D"),
    ),
    *wrong("GroupNorm", ("GroupNorm", "group_norm"),
        ("GroupNorm(2, 3)", lambda: nn.GroupNorm(2, 3), "num_channels (3)&num_groups (2)"),
        ("GroupNorm(0, 3)", lambda: nn.GroupNorm(0, 3), "num_groups&0"),
        ("GroupNorm('a', 3)", lambda: nn.GroupNorm("a", 3), "num_groups&str"),
        ("GroupNorm(1, 2.0)", lambda: nn.GroupNorm(1, 2.0), "num_channels&float"),
        ("GroupNorm(1, -1)", lambda: nn.GroupNorm(1, -1), "num_channels&-1"),
        ("GroupNorm(eps=0)", lambda: nn.GroupNorm(1, 3, eps=0.0), "eps&0.0"),
        ("GroupNorm(affine='no')", lambda: nn.GroupNorm(1, 3, affine="no"), "affine&str"),
        ("GroupNorm(bias=None)", lambda: nn.GroupNorm(1, 3, bias=None), "bias&None"),
        ("GroupNorm(dtype=int32)", lambda: nn.GroupNorm(1, 3, dtype=np.int32), "int32"),
        ("GroupNorm(1, 3)(list)", lambda: nn.GroupNorm(1, 3)([[1.0, 2.0, 3.0]]), "list"),
        ("GroupNorm(1, 4)(x)", lambda: nn.GroupNorm(1, 4)(np.ones((2, 3))), "4&(2, 3)"),
        ("GroupNorm(3, 3)(one value per group)",
            lambda: nn.GroupNorm(3, 3)(np.ones((1, 3))), "(1, 3)"),
    ),
    *wrong("Flatten", ("Flatten",),
        ("Flatten('a')(x)", lambda: nn.Flatten("a")(np.ones((2, 3))), "str|'a'"),
        ("Flatten(5)(x)", lambda: nn.Flatten(5)(np.ones((2, 3))), "5", (*CLEAR, IndexError)),
    ),
    *wrong("Sequential", ("Sequential",),
        ("Sequential('a')", lambda: nn.Sequential("a"), "str"),
        ("Sequential(nn.ReLU)", lambda: nn.Sequential(nn.ReLU), "type|ReLU"),
    ),
    *wrong("MLP", ("MLP", "Linear"),
        ("MLP(2, None)", lambda: nn.MLP(2, None), "NoneType|None"),
        ("MLP('a', [2])", lambda: nn.MLP("a", [2]), "str|'a'"),
        ("MLP(2, [3, 'a'])", lambda: nn.MLP(2, [3, "a"]), "str|'a'"),
    ),
    *wrong("Module", ("Module", "train", "load_state_dict"),
        ("Module().train('yes')", lambda: nn.Module().train("yes"), "str|'yes'"),
        ("load_state_dict('a')", lambda: layer().load_state_dict("a"), "str"),
        ("load_state_dict(strs)", lambda: layer().load_state_dict({"weight": "a"}), "str|weight"),
    ),
    *wrong("Parameter", ("Parameter", "Value"),
        ("Parameter('a')", lambda: nn.Parameter("a"), "str"),
        ("Parameter(dtype=int32)", lambda: nn.Parameter([1.0], dtype=np.int32), "int32"),
    ),
    *wrong("cross_entropy", ("cross_entropy",),
        ("target floats", lambda: ce(np.array([0.0, 1.0])), "float64"),
        ("target a Value", lambda: ce(Value([0.0, 1.0])), "Value"),
        ("target (2, 1)", lambda: ce(np.zeros((2, 1), int)), "(2, 1)"),
        ("target class 3 of 3", lambda: ce(np.array([0, 3])), "3&classes"),
        ("target class -1", lambda: ce(np.array([0, -1])), "-1"),
        ("batch sizes", lambda: ce(np.array([0])), "2&1"),
        ("input 1-D", lambda: F.cross_entropy(Value(np.zeros(3)), np.array([0])), "(3,)"),
        ("reduction 'avg'", lambda: ce(Y, reduction="avg"), "'avg'"),
        ("reduction None", lambda: ce(Y, reduction=None), "None"),
        ("label_smoothing 'a'", lambda: ce(Y, label_smoothing="a"), "str|'a'"),
        ("label_smoothing None", lambda: ce(Y, label_smoothing=None), "None"),
        ("label_smoothing 1.5", lambda: ce(Y, label_smoothing=1.5), "1.5"),
        ("label_smoothing nan", lambda: ce(Y, label_smoothing=nan), "nan"),
    ),
    *wrong("nll_loss", ("nll_loss",),
        ("target class 3 of 3", lambda: F.nll_loss(logits(), np.array([0, 3])), "3&classes"),
        ("reduction 5", lambda: F.nll_loss(logits(), np.array([0, 1]), reduction=5), "5"),
    ),
    *wrong("mse_loss", ("mse_loss",),
        ("shapes (2, 3) and (3,)", lambda: F.mse_loss(logits(), np.ones(3)), "(2, 3)&(3,)"),
        ("reduction 'avg'", lambda: F.mse_loss(logits(), np.ones((2, 3)), "avg"), "'avg'"),
    ),
    *wrong("binary_cross_entropy", ("binary_cross_entropy",),
        ("p = 1.5", lambda: F.binary_cross_entropy(Value([1.5]), np.array([1.0])), "1.5"),
        ("p = -0.5", lambda: F.binary_cross_entropy(Value([-0.5]), np.array([1.0])), "-0.5"),
    ),
    *wrong("MSELoss", ("MSELoss",),
        ("MSELoss('avg')", lambda: nn.MSELoss("avg"), "'avg'"),
        ("MSELoss(None)", lambda: nn.MSELoss(None), "None"),
    ),
    *wrong("L1Loss", ("L1Loss",), ("L1Loss('avg')", lambda: nn.L1Loss("avg"), "'avg'")),
    *wrong("NLLLoss", ("NLLLoss",), ("NLLLoss(reduction=5)", lambda: nn.NLLLoss(reduction=5), "5")),
    *wrong("BCELoss", ("BCELoss",),
        ("BCELoss('avg')", lambda: nn.BCELoss(reduction="avg"), "'avg'"),
    ),
    *wrong("BCEWithLogitsLoss", ("BCEWithLogitsLoss",),
        ("BCEWithLogitsLoss('avg')", lambda: nn.BCEWithLogitsLoss(reduction="avg"), "'avg'"),
    ),
    *wrong("CrossEntropyLoss", ("CrossEntropyLoss",),
        ("CrossEntropyLoss('avg')", lambda: nn.CrossEntropyLoss(reduction="avg"), "'avg'"),
        ("label_smoothing 'a'", lambda: nn.CrossEntropyLoss(label_smoothing="a"), "str|'a'"),
    ),
    *wrong("SGD", ("SGD",),
        ("SGD(None)", lambda: nn.SGD(None, lr=0.1), "NoneType|None"),
        ("SGD(5)", lambda: nn.SGD(5, lr=0.1), "int|5"),
        ("SGD([array])", lambda: nn.SGD([np.ones(2)], lr=0.1), "ndarray"),
        ("SGD(lr='a')", lambda: nn.SGD(params(), lr="a"), "str|'a'"),
        ("SGD(lr=None)", lambda: nn.SGD(params(), lr=None), "None"),
        ("SGD(lr=-1)", lambda: nn.SGD(params(), lr=-1.0), "-1"),
        ("SGD(lr=nan)", lambda: nn.SGD(params(), lr=nan), "nan"),
        ("SGD(momentum='a')", lambda: nn.SGD(params(), lr=0.1, momentum="a"), "str|'a'"),
    ),
    *wrong("Adam", ("Adam",),
        ("Adam(betas='ab')", lambda: nn.Adam(params(), betas="ab"), "betas"),
        ("Adam(betas=(0.9,))", lambda: nn.Adam(params(), betas=(0.9,)), "betas"),
        ("Adam(betas=(0.9, 1.5))", lambda: nn.Adam(params(), betas=(0.9, 1.5)), "1.5"),
        ("Adam(eps='a')", lambda: nn.Adam(params(), eps="a"), "str|'a'"),
        ("Adam(lr=-1)", lambda: nn.Adam(params(), lr=-1.0), "-1"),
    ),
    *wrong("AdamW", ("AdamW",),
        ("AdamW(weight_decay='a')", lambda: nn.AdamW(params(), weight_decay="a"), "str|'a'"),
        ("AdamW(weight_decay=-1)", lambda: nn.AdamW(params(), weight_decay=-1.0), "-1"),
    ),
    *wrong("StepLR", ("StepLR",),
        ("StepLR(opt, 'a')", lambda: schedulers.StepLR(optimizer(), "a"), "str|'a'"),
        ("StepLR('opt', 2)", lambda: schedulers.StepLR("opt", 2), "str"),
    ),
    *wrong("CosineAnnealingLR", ("CosineAnnealingLR",),
        ("CosineAnnealingLR(opt, 0)", lambda: schedulers.CosineAnnealingLR(optimizer(), 0), "0"),
    ),
    *wrong("LambdaLR", ("LambdaLR",),
        ("LambdaLR(opt, 'a')", lambda: schedulers.LambdaLR(optimizer(), "a"), "str|callable"),
    ),
    *wrong("manual_seed", ("manual_seed",),
        ("manual_seed('a')", lambda: nn.manual_seed("a"), "str|'a'"),
        ("manual_seed(-1)", lambda: nn.manual_seed(-1), "-1"),
        ("manual_seed(1.5)", lambda: nn.manual_seed(1.5), "float|1.5"),
    ),
    *wrong("save", ("save",),
        ("save('a', path)", lambda: save_in_a_temporary_folder("a"), "str"),
        ("save({'w': 'a'}, path)", lambda: save_in_a_temporary_folder({"w": "a"}), "str|'a'"),
        ("save(state, None)", lambda: nn.save({"w": np.ones(2)}, None), "NoneType|None"),
    ),
    *wrong("load", ("load",),
        ("load(None)", lambda: nn.load(None), "NoneType|None"),
        ("load(a text file)", load_a_text_file, "notes.txt|checkpoint"),
    ),
    *wrong("TensorDataset", ("TensorDataset",),
        ("TensorDataset(lengths)", lambda: nn.data.TensorDataset(np.ones(3), np.ones(4)), "(4,)"),
        ("TensorDataset(5)", lambda: nn.data.TensorDataset(np.float64(5.0)), "()|0-d"),
    ),
    *wrong("DataLoader", ("DataLoader",),
        ("DataLoader(batch_size='a')", lambda: loader(batch_size="a"), "'a'"),
        ("DataLoader(batch_size=0)", lambda: loader(batch_size=0), "0"),
        ("DataLoader(batch_size=2.5)", lambda: loader(batch_size=2.5), "2.5"),
    ),
    *wrong("calculate_gain", ("calculate_gain",),
        ("calculate_gain('nonsense')", lambda: nn.init.calculate_gain("nonsense"), "'nonsense'"),
        ("calculate_gain(param='a')", lambda: nn.init.calculate_gain("leaky_relu", "a"), "str|'a'"),
    ),
    *wrong("uniform_", ("uniform_",),
        ("uniform_('a')", lambda: nn.init.uniform_("a"), "str"),
        ("uniform_(array)", lambda: nn.init.uniform_(np.zeros(3)), "ndarray"),
        ("uniform_(v, 'a')", lambda: nn.init.uniform_(Value(np.zeros(3)), "a"), "str|'a'"),
    ),
    *wrong("normal_", ("normal_",),
        ("normal_(v, std='a')", lambda: nn.init.normal_(Value(np.zeros(3)), std="a"), "str|'a'"),
        ("normal_(v, std=-1)", lambda: nn.init.normal_(Value(np.zeros(3)), std=-1.0), "-1"),
    ),
    *wrong("zeros_", ("zeros_",), ("zeros_(None)", lambda: nn.init.zeros_(None), "NoneType|None")),
    *wrong("ones_", ("ones_",), ("ones_('a')", lambda: nn.init.ones_("a"), "str")),
    *wrong("kaiming_uniform_", ("kaiming_uniform_",),
        ("kaiming_uniform_(1-D)", lambda: nn.init.kaiming_uniform_(Value(np.zeros(3))), "(3,)|1"),
        ("kaiming_uniform_(mode='a')", lambda: nn.init.kaiming_uniform_(W(), mode="a"), "'a'"),
    ),
    *wrong("xavier_uniform_", ("xavier_uniform_",),
        ("xavier_uniform_(0-d)", lambda: nn.init.xavier_uniform_(Value(5.0)), "()|0"),
        ("xavier_uniform_('a')", lambda: nn.init.xavier_uniform_("a"), "str"),
    ),
    *wrong("xavier_normal_", ("xavier_normal_",),
        ("xavier_normal_(0-d)", lambda: nn.init.xavier_normal_(Value(5.0)), "()|0"),
        ("xavier_normal_(gain nan)", lambda: nn.init.xavier_normal_(W(), gain=nan), "gain&nan"),
    ),
    # activations
    *wrong("LeakyReLU", ("LeakyReLU",),
        ("LeakyReLU('a')", lambda: nn.LeakyReLU("a"), "negative_slope&str"),
        ("LeakyReLU(True)", lambda: nn.LeakyReLU(True), "negative_slope&bool"),
        ("LeakyReLU(nan)", lambda: nn.LeakyReLU(nan), "negative_slope&nan"),
        ("LeakyReLU(inplace=True)", lambda: nn.LeakyReLU(inplace=True), "inplace"),
        ("LeakyReLU(inplace='no')", lambda: nn.LeakyReLU(inplace="no"), "inplace&str"),
    ),
    *wrong("GELU", ("GELU",),
        ("GELU('erf')", lambda: nn.GELU("erf"), "approximate&'erf'"),
        ("GELU(None)", lambda: nn.GELU(None), "approximate&None"),
    ),
    *wrong("ELU", ("ELU",),
        ("ELU(None)", lambda: nn.ELU(None), "alpha&None"),
        ("ELU(inplace=True)", lambda: nn.ELU(inplace=True), "inplace"),
    ),
    *wrong("SELU", ("SELU",), ("SELU(inplace=True)", lambda: nn.SELU(inplace=True), "inplace")),
    *wrong("SiLU", ("SiLU",), ("SiLU(inplace=True)", lambda: nn.SiLU(inplace=True), "inplace")),
    *wrong("Mish", ("Mish",), ("Mish(inplace=1)", lambda: nn.Mish(inplace=1), "inplace&int")),
    *wrong("ReLU6", ("ReLU6",), ("ReLU6(inplace=True)", lambda: nn.ReLU6(inplace=True), "inplace")),
    *wrong("ReLU", ("ReLU",), ("ReLU(inplace=True)", lambda: nn.ReLU(inplace=True), "inplace")),
    *wrong("Softplus", ("Softplus",),
        ("Softplus('a')", lambda: nn.Softplus("a"), "beta&str"),
        ("Softplus(1, [20])", lambda: nn.Softplus(1.0, [20.0]), "threshold&list"),
    ),
    *wrong("Hardtanh", ("Hardtanh",),
        ("Hardtanh('a')", lambda: nn.Hardtanh("a"), "min_val&str"),
        ("Hardtanh(1, 1)", lambda: nn.Hardtanh(1.0, 1.0), "max_val&min_val"),
        ("Hardtanh(2, 1)", lambda: nn.Hardtanh(2.0, 1.0), "max_val&min_val"),
        ("Hardtanh(inplace=True)", lambda: nn.Hardtanh(inplace=True), "inplace"),
    ),
    *wrong("Softmax", ("Softmax",),
        ("Softmax()", lambda: nn.Softmax(), "dim=None|dim"),
        ("Softmax(1.5)", lambda: nn.Softmax(1.5), "dim&float"),
    ),
    *wrong("Softmax", ("Softmax", "softmax"),  # (the axis is checked by tensorgrad.softmax)
        ("Softmax(dim=5)(v)", lambda: nn.Softmax(dim=5)(np.ones((2, 3))), "5",
            (*CLEAR, IndexError)),
    ),
    *wrong("LogSoftmax", ("LogSoftmax",),
        ("LogSoftmax()", lambda: nn.LogSoftmax(), "dim=None|dim"),
        ("LogSoftmax('a')", lambda: nn.LogSoftmax("a"), "dim&str"),
    ),
    # nn.functional and its losses
    *wrong("cross_entropy", ("cross_entropy",),
        ("weight (2,) for 3 classes", lambda: ce(Y, np.ones(2)), "(2,)&3"),
        ("weight 'a'", lambda: ce(Y, "a"), "str|weight"),
        ("weight requires grad", lambda: ce(Y, Value(np.ones(3))), "weight&grad"),
        ("ignore_index 'a'", lambda: ce(Y, ignore_index="a"), "ignore_index&str"),
        ("ignore_index 1.5", lambda: ce(Y, ignore_index=1.5), "ignore_index&1.5"),
        ("ignore_index True", lambda: ce(Y, ignore_index=True), "ignore_index&bool"),
        ("soft target int", lambda: ce(np.zeros((2, 3), int)), "int64&(2, 3)"),
        ("soft target (2, 4)", lambda: ce(np.zeros((2, 4))), "(2, 4)"),
        ("soft target & ignore_index",
         lambda: ce(np.zeros((2, 3)), ignore_index=0), "ignore_index"),
        ("K-dim target shape",
         lambda: F.cross_entropy(Value(np.zeros((2, 3, 4))), np.zeros((2, 5), int)),
         "(2, 5)&(2, 3, 4)"),
        ("K-dim class 3 of 3",
         lambda: F.cross_entropy(Value(np.zeros((2, 3, 4))), np.full((2, 4), 3)), "3&classes"),
        ("input 0-d", lambda: F.cross_entropy(Value(1.0), np.array(0)), "()"),
    ),
    *wrong("nll_loss", ("nll_loss",),
        ("weight (4,) for 3 classes", lambda: F.nll_loss(logits(), Y, np.ones(4)), "(4,)&3"),
        ("ignore_index None",
         lambda: F.nll_loss(logits(), Y, ignore_index=None), "ignore_index&None"),
        ("soft target", lambda: F.nll_loss(logits(), np.zeros((2, 3))), "float64"),
    ),
    *wrong("binary_cross_entropy", ("binary_cross_entropy",),
        ("weight (3,) for (2,)",
         lambda: F.binary_cross_entropy(Value([0.5, 0.5]), np.ones(2), np.ones(3)), "(3,)&(2,)"),
    ),
    *wrong("binary_cross_entropy_with_logits", ("binary_cross_entropy_with_logits",),
        ("pos_weight (3,) for (2, 2)",
         lambda: F.binary_cross_entropy_with_logits(
             Value(np.zeros((2, 2))), np.ones((2, 2)), pos_weight=np.ones(3)),
         "(3,)&(2, 2)"),
        ("weight 'a'",
         lambda: F.binary_cross_entropy_with_logits(Value([0.0]), np.ones(1), "a"), "weight&str"),
        ("reduction 'avg'",
         lambda: F.binary_cross_entropy_with_logits(Value([0.0]), np.ones(1), reduction="avg"),
         "'avg'"),
    ),
    *wrong("huber_loss", ("huber_loss",),
        ("delta 0", lambda: F.huber_loss(Value([0.0]), np.ones(1), delta=0.0), "delta&0"),
        ("delta 'a'", lambda: F.huber_loss(Value([0.0]), np.ones(1), delta="a"), "delta&str"),
        ("shapes", lambda: F.huber_loss(Value([0.0]), np.ones(2)), "(1,)&(2,)"),
    ),
    *wrong("smooth_l1_loss", ("smooth_l1_loss",),
        ("beta -1", lambda: F.smooth_l1_loss(Value([0.0]), np.ones(1), beta=-1.0), "beta&-1"),
        ("beta nan", lambda: F.smooth_l1_loss(Value([0.0]), np.ones(1), beta=nan), "beta&nan"),
    ),
    *wrong("kl_div", ("kl_div",),
        ("reduction 'avg'", lambda: F.kl_div(Value([0.0]), np.ones(1), "avg"), "'avg'&batchmean"),
        ("log_target 'yes'",
         lambda: F.kl_div(Value([0.0]), np.ones(1), log_target="yes"), "log_target&str"),
    ),
    *wrong("HuberLoss", ("HuberLoss",),
        ("HuberLoss('avg')", lambda: nn.HuberLoss("avg"), "'avg'"),
        ("HuberLoss(delta=-1)", lambda: nn.HuberLoss(delta=-1.0), "delta&-1"),
    ),
    *wrong("SmoothL1Loss", ("SmoothL1Loss",),
        ("SmoothL1Loss('avg')", lambda: nn.SmoothL1Loss("avg"), "'avg'"),
        ("SmoothL1Loss(beta=None)", lambda: nn.SmoothL1Loss(beta=None), "beta&None"),
    ),
    *wrong("KLDivLoss", ("KLDivLoss",),
        ("KLDivLoss('avg')", lambda: nn.KLDivLoss("avg"), "'avg'"),
        ("KLDivLoss(log_target=1)", lambda: nn.KLDivLoss(log_target=1), "log_target&int"),
    ),
    *wrong("CrossEntropyLoss", ("CrossEntropyLoss",),
        ("CrossEntropyLoss('a')", lambda: nn.CrossEntropyLoss("a"), "weight&str"),
        ("ignore_index 2.5", lambda: nn.CrossEntropyLoss(ignore_index=2.5), "ignore_index&2.5"),
    ),
    *wrong("NLLLoss", ("NLLLoss",), ("NLLLoss(weight='a')", lambda: nn.NLLLoss("a"), "weight&str")),
    *wrong("BCEWithLogitsLoss", ("BCEWithLogitsLoss",),
        ("pos_weight 'a'", lambda: nn.BCEWithLogitsLoss(pos_weight="a"), "pos_weight&str"),
    ),
    *wrong("CosineSimilarity", ("CosineSimilarity",),
        ("CosineSimilarity(dim='a')", lambda: nn.CosineSimilarity(dim="a"), "dim&str"),
        ("CosineSimilarity(eps=-1)", lambda: nn.CosineSimilarity(eps=-1.0), "eps&-1"),
    ),
    *wrong("cosine_similarity", ("cosine_similarity",),
        ("shapes (2, 3) and (4,)",
         lambda: F.cosine_similarity(np.ones((2, 3)), np.ones(4)), "(2, 3)&(4,)"),
        ("dim 2 of 2-D",
         lambda: F.cosine_similarity(np.ones((2, 3)), np.ones((2, 3)), dim=2), "2",
         (*CLEAR, IndexError)),
        ("x1 a list", lambda: F.cosine_similarity([1.0], np.ones(1)), "list"),
    ),
    *wrong("softmax", ("softmax",),
        ("no dim", lambda: F.softmax(np.ones(3)), "dim"),
        ("dim 1.5", lambda: F.softmax(np.ones(3), dim=1.5), "float|1.5"),
    ),
    *wrong("log_softmax", ("log_softmax",), ("no dim", lambda: F.log_softmax(np.ones(3)), "dim")),
    *wrong("dropout", ("dropout",),
        ("p 1.5", lambda: F.dropout(np.ones(3), 1.5), "1.5"),
        ("p 'a'", lambda: F.dropout(np.ones(3), "a"), "str|'a'"),
        ("training 'yes'", lambda: F.dropout(np.ones(3), 0.5, "yes"), "training&str"),
        ("generator 5", lambda: F.dropout(np.ones(3), generator=5), "generator|int"),
        ("input a list", lambda: F.dropout([1.0], 0.5), "list"),
        ("inplace=True", lambda: F.dropout(np.ones(3), 0.5, True, True), "inplace=True"),
        ("inplace 'yes'", lambda: F.dropout(np.ones(3), 0.5, inplace="yes"), "inplace&str"),
    ),
    # nn.functional's activations are tensorgrad's: PyTorch's inplace=True is refused there
    *wrong("relu", ("relu",),
        ("inplace=True", lambda: F.relu(Value(np.ones(3)), inplace=True), "inplace=True"),
    ),
    *wrong("leaky_relu", ("leaky_relu",),
        ("inplace=True", lambda: F.leaky_relu(Value(np.ones(3)), 0.2, True), "inplace=True"),
    ),
    *wrong("hardtanh", ("hardtanh",),
        ("inplace 'yes'", lambda: F.hardtanh(np.ones(3), inplace="yes"), "inplace&str"),
    ),
    *wrong("one_hot", ("one_hot",),
        ("floats", lambda: F.one_hot(np.array([0.0, 1.0])), "float64"),
        ("bools", lambda: F.one_hot(np.array([True])), "bool"),
        ("a Value", lambda: F.one_hot(Value([0.0])), "Value"),
        ("negative", lambda: F.one_hot(np.array([0, -1])), "-1"),
        ("class 3 of 3", lambda: F.one_hot(np.array([0, 3]), 3), "3&classes"),
        ("num_classes 'a'", lambda: F.one_hot(np.array([0]), "a"), "num_classes&str"),
        ("empty, -1", lambda: F.one_hot(np.zeros(0, int)), "empty&num_classes"),
    ),
    *wrong("normalize", ("normalize",),
        ("p inf", lambda: F.normalize(np.ones((2, 3)), p=float("inf")), "p&inf"),
        ("p 0.5", lambda: F.normalize(np.ones((2, 3)), p=0.5), "p&0.5"),
        ("eps -1", lambda: F.normalize(np.ones((2, 3)), eps=-1.0), "eps&-1"),
        ("dim 2", lambda: F.normalize(np.ones((2, 3)), dim=2), "2", (*CLEAR, IndexError)),
        ("a str", lambda: F.normalize("abc"), "str"),
    ),
    # modules, containers and nn.utils
    *wrong("ModuleList", ("ModuleList",),
        ("ModuleList([1])", lambda: nn.ModuleList([1]), "int"),
        ("ModuleList(5)", lambda: nn.ModuleList(5), "int|5"),
        ("ModuleList([nn.ReLU])", lambda: nn.ModuleList([nn.ReLU]), "ReLU"),
        ("append('a')", lambda: nn.ModuleList().append("a"), "str"),
        ("insert('a', m)", lambda: nn.ModuleList().insert("a", nn.ReLU()), "str|'a'"),
        ("[3] of 1", lambda: nn.ModuleList([nn.ReLU()])[3], "3", (*CLEAR, IndexError)),
        ("['0']", lambda: nn.ModuleList([nn.ReLU()])["0"], "str"),
        ("+= [5]", lambda: nn.ModuleList().__iadd__([5]), "int"),
    ),
    *wrong("ModuleDict", ("ModuleDict",),
        ("ModuleDict({1: m})", lambda: nn.ModuleDict({1: nn.ReLU()}), "int|1"),
        ("ModuleDict({'a': 5})", lambda: nn.ModuleDict({"a": 5}), "int"),
        ("ModuleDict({'a.b': m})", lambda: nn.ModuleDict({"a.b": nn.ReLU()}), "'a.b'"),
        ("ModuleDict({'': m})", lambda: nn.ModuleDict({"": nn.ReLU()}), "''"),
        ("ModuleDict(5)", lambda: nn.ModuleDict(5), "int|5"),
        ("ModuleDict([('a',)])", lambda: nn.ModuleDict([("a",)]), "pair"),
        ("['x'] missing", lambda: nn.ModuleDict()["x"], "'x'", (*CLEAR, KeyError)),
    ),
    *wrong("Module", ("Linear", "Module"),
        ("register_buffer('weight')", lambda: layer().register_buffer("weight", np.ones(2)),
         "'weight'&already exists"),
        ("register_buffer('a', 'x')", lambda: layer().register_buffer("a", "x"), "str"),
        ("register_buffer('a', Value)", lambda: layer().register_buffer("a", Value(1.0)), "Value"),
        ("register_buffer('a', strs)", lambda: layer().register_buffer("a", np.array(["x"])),
         "<U1"),
        ("register_buffer(1, a)", lambda: layer().register_buffer(1, np.ones(2)), "int"),
        ("register_buffer('a.b', a)", lambda: layer().register_buffer("a.b", np.ones(2)), "'a.b'"),
        ("register_buffer(persistent='no')",
         lambda: layer().register_buffer("a", np.ones(2), persistent="no"), "persistent"),
        ("buffer = 'x'", lambda: (lambda m: (m.register_buffer("a", np.ones(2)),
                                             setattr(m, "a", "x")))(layer()), "str|'a'"),
        ("load_state_dict(buffer shape)",
         lambda: (lambda m: (m.register_buffer("steps", np.zeros(2)),
                             m.load_state_dict({**m.state_dict(), "steps": np.zeros(3)})))(layer()),
         "(3,)&(2,)", WITH_RUNTIME),
        ("load_state_dict(buffer 'a')",
         lambda: (lambda m: (m.register_buffer("steps", np.zeros(2)),
                             m.load_state_dict({**m.state_dict(), "steps": "a"})))(layer()),
         "steps"),
        ("to(int64)", lambda: layer().to(np.int64), "int64"),
        ("to('cuda')", lambda: layer().to("cuda"), "'cuda'"),
        ("to(device=5)", lambda: layer().to(device=5), "int|5"),
        ("apply(5)", lambda: layer().apply(5), "int|5"),
        ("requires_grad_('yes')", lambda: layer().requires_grad_("yes"), "'yes'"),
        ("zero_grad(set_to_none='no')", lambda: layer().zero_grad("no"), "'no'"),
        ("named_parameters(recurse='no')", lambda: list(layer().named_parameters(recurse="no")),
         "recurse"),
        ("named_buffers(prefix=5)", lambda: list(layer().named_buffers(prefix=5)), "prefix"),
        ("named_modules('model')", lambda: list(layer().named_modules("model")), "memo|str"),
    ),
    *wrong("clip_grad_norm_", ("clip_grad_norm_",),
        ("max_norm 'a'", lambda: nn.utils.clip_grad_norm_(params(), "a"), "str|'a'"),
        ("max_norm None", lambda: nn.utils.clip_grad_norm_(params(), None), "None"),
        ("max_norm -1", lambda: nn.utils.clip_grad_norm_(params(), -1.0), "-1"),
        ("max_norm nan", lambda: nn.utils.clip_grad_norm_(params(), nan), "nan"),
        ("norm_type 'two'", lambda: nn.utils.clip_grad_norm_(params(), 1.0, "two"), "'two'"),
        ("norm_type nan", lambda: nn.utils.clip_grad_norm_(params(), 1.0, nan), "nan"),
        ("norm_type True", lambda: nn.utils.clip_grad_norm_(params(), 1.0, True), "bool"),
        ("parameters 5", lambda: nn.utils.clip_grad_norm_(5, 1.0), "int|5"),
        ("parameters [array]", lambda: nn.utils.clip_grad_norm_([np.ones(2)], 1.0), "ndarray"),
        ("error_if_nonfinite 'yes'",
         lambda: nn.utils.clip_grad_norm_(params(), 1.0, error_if_nonfinite="yes"), "'yes'"),
        ("foreach 'yes'", lambda: nn.utils.clip_grad_norm_(params(), 1.0, foreach="yes"), "'yes'"),
    ),
    *wrong("clip_grad_value_", ("clip_grad_value_",),
        ("clip_value 'a'", lambda: nn.utils.clip_grad_value_(params(), "a"), "str|'a'"),
        ("clip_value -1", lambda: nn.utils.clip_grad_value_(params(), -1.0), "-1"),
        ("parameters None", lambda: nn.utils.clip_grad_value_(None, 1.0), "None"),
    ),
    *wrong("parameters_to_vector", ("parameters_to_vector",),
        ("parameters 5", lambda: nn.utils.parameters_to_vector(5), "int|5"),
        ("parameters []", lambda: nn.utils.parameters_to_vector([]), "no parameters"),
        ("parameters ['a']", lambda: nn.utils.parameters_to_vector(["a"]), "str"),
    ),
    *wrong("vector_to_parameters", ("vector_to_parameters",),
        ("vec 'a'", lambda: nn.utils.vector_to_parameters("a", params()), "str"),
        ("vec of 3 for 8", lambda: nn.utils.vector_to_parameters(np.ones(3), params()), "3&8"),
        ("vec 2-D", lambda: nn.utils.vector_to_parameters(np.ones((2, 4)), params()), "(2, 4)"),
        ("parameters 5", lambda: nn.utils.vector_to_parameters(np.ones(3), 5), "int|5"),
    ),
    # optimizers and schedules
    *wrong("RMSprop", ("RMSprop",),
        ("RMSprop(lr=-1)", lambda: nn.RMSprop(params(), lr=-1.0), "-1"),
        ("RMSprop(alpha=1)", lambda: nn.RMSprop(params(), alpha=1.0), "alpha&1.0"),
        ("RMSprop(alpha=-0.1)", lambda: nn.RMSprop(params(), alpha=-0.1), "alpha&-0.1"),
        ("RMSprop(alpha='a')", lambda: nn.RMSprop(params(), alpha="a"), "str|'a'"),
        ("RMSprop(momentum=nan)", lambda: nn.RMSprop(params(), momentum=nan), "nan"),
        ("RMSprop(centered='yes')", lambda: nn.RMSprop(params(), centered="yes"), "'yes'"),
        ("RMSprop(maximize=1)", lambda: nn.RMSprop(params(), maximize=1), "maximize&int"),
    ),
    *wrong("Adagrad", ("Adagrad",),
        ("Adagrad(lr=-1)", lambda: nn.Adagrad(params(), lr=-1.0), "-1"),
        ("Adagrad(lr_decay=-1)", lambda: nn.Adagrad(params(), lr_decay=-1.0), "lr_decay&-1"),
        ("Adagrad(initial_accumulator_value=None)",
         lambda: nn.Adagrad(params(), initial_accumulator_value=None), "None"),
        ("Adagrad(eps=-1)", lambda: nn.Adagrad(params(), eps=-1.0), "epsilon&-1"),
        ("Adagrad(maximize='no')", lambda: nn.Adagrad(params(), maximize="no"), "'no'"),
    ),
    *wrong("MultiStepLR", ("MultiStepLR",),
        ("MultiStepLR(opt, [5, 2])", lambda: schedulers.MultiStepLR(optimizer(), [5, 2]), "[5, 2]"),
        ("MultiStepLR(opt, 5)", lambda: schedulers.MultiStepLR(optimizer(), 5), "int|5"),
        ("MultiStepLR(opt, [1.5])", lambda: schedulers.MultiStepLR(optimizer(), [1.5]), "1.5"),
        ("MultiStepLR(opt, [-1])", lambda: schedulers.MultiStepLR(optimizer(), [-1]), "-1"),
        ("MultiStepLR(gamma='a')", lambda: schedulers.MultiStepLR(optimizer(), [2], "a"), "'a'"),
        ("MultiStepLR(last_epoch=3)",
         lambda: schedulers.MultiStepLR(optimizer(), [2], last_epoch=3), "initial_lr"),
    ),
    *wrong("ExponentialLR", ("ExponentialLR",),
        ("ExponentialLR(opt, 'a')", lambda: schedulers.ExponentialLR(optimizer(), "a"), "'a'"),
        ("ExponentialLR(opt, -1)", lambda: schedulers.ExponentialLR(optimizer(), -1.0), "-1"),
        ("ExponentialLR(last_epoch=-2)",
         lambda: schedulers.ExponentialLR(optimizer(), 0.5, last_epoch=-2), "-2"),
        ("ExponentialLR(last_epoch=1.0)",
         lambda: schedulers.ExponentialLR(optimizer(), 0.5, last_epoch=1.0), "float|1.0"),
    ),
    *wrong("LinearLR", ("LinearLR",),
        ("LinearLR(start_factor=0)", lambda: schedulers.LinearLR(optimizer(), 0.0), "0.0"),
        ("LinearLR(end_factor=2)", lambda: schedulers.LinearLR(optimizer(), 0.5, 2.0), "2.0"),
        ("LinearLR(total_iters=0)",
         lambda: schedulers.LinearLR(optimizer(), total_iters=0), "total_iters&0"),
    ),
    *wrong("OneCycleLR", ("OneCycleLR",),
        ("OneCycleLR(no total_steps)",
         lambda: schedulers.OneCycleLR(optimizer(), 1.0), "total_steps"),
        ("OneCycleLR(total_steps=0)",
         lambda: schedulers.OneCycleLR(optimizer(), 1.0, total_steps=0), "total_steps&0"),
        ("OneCycleLR(max_lr='a')",
         lambda: schedulers.OneCycleLR(optimizer(), "a", total_steps=5), "'a'"),
        ("OneCycleLR(max_lr=[1, 2])",
         lambda: schedulers.OneCycleLR(optimizer(), [1.0, 2.0], total_steps=5), "max_lr&2"),
        ("OneCycleLR(pct_start=2)",
         lambda: schedulers.OneCycleLR(optimizer(), 1.0, 5, pct_start=2.0), "pct_start&2.0"),
        ("OneCycleLR(anneal_strategy='exp')",
         lambda: schedulers.OneCycleLR(optimizer(), 1.0, 5, anneal_strategy="exp"), "'exp'"),
        ("OneCycleLR(Adagrad, cycle_momentum)",
         lambda: schedulers.OneCycleLR(nn.Adagrad(params()), 1.0, 5), "cycle_momentum"),
        ("OneCycleLR(div_factor=0)",
         lambda: schedulers.OneCycleLR(optimizer(), 1.0, 5, div_factor=0), "div_factor&0"),
    ),
    *wrong("ReduceLROnPlateau", ("ReduceLROnPlateau",),
        ("ReduceLROnPlateau(mode='avg')",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), "avg"), "'avg'"),
        ("ReduceLROnPlateau(mode=None)",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), None), "None"),
        ("ReduceLROnPlateau(threshold_mode='x')",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), threshold_mode="x"), "'x'"),
        ("ReduceLROnPlateau(factor=1)",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), factor=1.0), "factor&1.0"),
        ("ReduceLROnPlateau(patience=-1)",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), patience=-1), "patience&-1"),
        ("ReduceLROnPlateau(min_lr=[0, 0])",
         lambda: schedulers.ReduceLROnPlateau(optimizer(), min_lr=[0, 0]), "min_lr&2"),
        ("step('a')", lambda: schedulers.ReduceLROnPlateau(optimizer()).step("a"), "str|'a'"),
        ("step(None)", lambda: schedulers.ReduceLROnPlateau(optimizer()).step(None), "None"),
    ),
    *wrong("SequentialLR", ("SequentialLR",),
        ("SequentialLR(opt, [], [])",
         lambda: schedulers.SequentialLR(optimizer(), [], []), "at least one"),
        ("SequentialLR(opt, ['a'], [])",
         lambda: schedulers.SequentialLR(optimizer(), ["a"], []), "str|'a'"),
        ("SequentialLR(milestones missing)", lambda: sequential([]), "milestone"),
        ("SequentialLR(milestones [3, 3])", lambda: sequential([3, 3], 3), "[3, 3]"),
        ("SequentialLR(another optimizer)", lambda: schedulers.SequentialLR(
            optimizer(), [schedulers.ExponentialLR(optimizer(), 0.5)], []), "optimizer"),
    ),
]
# fmt: on


@pytest.mark.parametrize("case", BAD, ids=[f"{case.op}: {case.label}" for case in BAD])
def test_wrong_calls_are_refused_clearly(case: Bad) -> None:
    refuses(case.call, case.names, case.mentions, case.kinds)


@pytest.mark.parametrize("init", [n for n in nn.init.__all__ if n.endswith("_")])
def test_init_keeps_a_float32_parameter_float32(init: str) -> None:
    p = nn.Parameter(np.zeros((2, 3)), dtype=np.float32)
    with strict():
        getattr(nn.init, init)(p)
    assert p.dtype == np.float32


@pytest.mark.parametrize("make", [nn.SGD, nn.Adam, nn.AdamW, nn.RMSprop, nn.Adagrad])
def test_an_optimizer_step_at_extreme_gradients_stays_finite_and_float32(make: Any) -> None:
    model = nn.MLP(3, [4, 2], dtype=np.float32, generator=rng())
    opt = make(model.parameters(), lr=0.01)
    x = np.array([[1e4, -1e4, 88.0], [-88.0, 17.0, -17.0]], np.float32)
    with strict():
        for _ in range(3):
            opt.zero_grad()
            nn.cross_entropy(model(x), np.array([0, 1])).backward()
            opt.step()
    for p in model.parameters():
        assert p.dtype == np.float32
        assert np.isfinite(p.data).all()


BOOL_FOR_FLOAT: dict[str, Callable[[Any], Any]] = {
    # a call with a float argument; given True or False instead, it must answer as with 1.0
    # or 0.0 (Python's bool is an int), or refuse the bool clearly, naming the argument
    "Dropout(p)": lambda p: nn.Dropout(p, generator=rng())(np.ones((2, 3))),
    "cross_entropy(label_smoothing)": lambda s: ce(Y, label_smoothing=s).item(),
    "SGD(lr)": lambda lr: sgd_step(lr),
    "normal_(std)": lambda std: nn.init.normal_(Value(np.zeros(3)), std=std, generator=rng()),
}


def sgd_step(lr: Any) -> np.ndarray:
    w = nn.Parameter(np.ones(2))
    w.grad = np.ones(2)
    nn.SGD([w], lr=lr).step()
    return w.data


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("call", BOOL_FOR_FLOAT)
def test_a_bool_where_a_float_goes_counts_as_its_number_or_is_refused(
    call: str, flag: bool
) -> None:
    name, argument = re.fullmatch(r"(\w+)\((\w+)\)", call).groups()  # type: ignore[union-attr]
    got = clear_or_result(lambda: BOOL_FOR_FLOAT[call](flag), (name,), (argument, "bool"))
    if got is not None:
        expected = BOOL_FOR_FLOAT[call](float(flag))
        np.testing.assert_array_equal(
            np.asarray(getattr(got, "data", got)), np.asarray(getattr(expected, "data", expected))
        )


# -- every public name has an entry ------------------------------------------------------------

NOT_SWEPT = {
    # public names with nothing of a user's to feed them, and why
    "Dataset": "a Protocol, for type checkers",
    "Optimizer": "the base class of SGD, Adam and AdamW",
    "LRScheduler": "the base class of the schedulers",
    "data": "a module: its names are swept one by one",
    "functional": "a module: its names are swept one by one",
    "init": "a module: its names are swept one by one",
    "optim": "a module: its names are swept one by one",
    "lr_scheduler": "a module: its names are swept one by one",
    # modules, containers and nn.utils
    "utils": "a module: its names are swept one by one",
    "clip_grad": "a module of nn.utils: its names are swept there",
    "convert_parameters": "a module of nn.utils: its names are swept there",
}
MODULES = [nn, F, nn.init, nn.data, nn.optim, nn.optim.lr_scheduler, nn.utils]

# -- issue 12: functional-loss (FUNCTIONS) --
X = np.array([[0.5, -1.0, 2.0], [1e4, -1e4, 0.0]])
FUNCTIONS: dict[str, Callable[[np.ndarray], Any]] = {
    # every other function of nn.functional, a call on a batch (N, 3) of its dtype
    "softmax": lambda x: F.softmax(Value(x), dim=1),
    "log_softmax": lambda x: F.log_softmax(Value(x), dim=1),
    "dropout": lambda x: F.dropout(Value(x), 0.5, generator=rng()),
    "one_hot": lambda x: F.one_hot(np.arange(len(x)), 3).astype(x.dtype),
    "normalize": lambda x: F.normalize(Value(x)),
    "cosine_similarity": lambda x: F.cosine_similarity(Value(x), Value(x[::-1].copy())),
    "pad": lambda x: F.pad(Value(x), (1, 1)),
    # -- issue 13: convolution (helper block) --
    "conv2d": lambda x: F.conv2d(
        Value(x).reshape(-1, 1, 1, 3), np.full((2, 1, 1, 2), 0.5, x.dtype)
    ),
    "conv1d": lambda x: F.conv1d(Value(x).reshape(-1, 1, 3), np.full((2, 1, 2), 0.5, x.dtype)),
    "conv_transpose2d": lambda x: F.conv_transpose2d(
        Value(x).reshape(-1, 1, 1, 3), np.full((1, 2, 1, 2), 0.5, x.dtype), stride=2
    ),
    "conv_transpose1d": lambda x: F.conv_transpose1d(
        Value(x).reshape(-1, 1, 3), np.full((1, 2, 2), 0.5, x.dtype)
    ),
    "unfold": lambda x: F.unfold(Value(x).reshape(-1, 1, 1, 3), (1, 2)),
    "fold": lambda x: F.fold(Value(x).reshape(1, -1, 3), (1, 3), 1),
    # -- issue 13: pooling (helper block) --
    "max_pool2d": lambda x: F.max_pool2d(Value(x[None]), 2, 1, 1),
    "avg_pool2d": lambda x: F.avg_pool2d(Value(x[None]), 2, 1, 1, True, False),
    "adaptive_avg_pool2d": lambda x: F.adaptive_avg_pool2d(Value(x[None]), (1, 2)),
    "max_pool1d": lambda x: F.max_pool1d(Value(x), 2, 1, 1),
    "avg_pool1d": lambda x: F.avg_pool1d(Value(x), 3, 1, 1),
    "adaptive_avg_pool1d": lambda x: F.adaptive_avg_pool1d(Value(x), 2),
    # -- issue 13: batch norm (helper block) --
    # -- issue 14: embedding (helper block) --
    "embedding": lambda x: F.embedding(np.array([[1, 0], [1, 1]]), Value(x), padding_idx=0),
    # -- issue 14: attention (helper block) --
    "scaled_dot_product_attention": lambda x: F.scaled_dot_product_attention(
        Value(x), Value(x), Value(x), dropout_p=0.5, generator=rng()
    ),
    # -- issue 14: recurrent (helper block) --
    "batch_norm": lambda x: F.batch_norm(Value(x), None, None, training=True),
    "group_norm": lambda x: F.group_norm(Value(x), 1),
    "layer_norm": lambda x: F.layer_norm(Value(x), 3),
    **{
        f.__name__: (lambda x, f=f: f(Value(x)))
        for f in (
            F.relu,
            F.tanh,
            F.sigmoid,
            F.leaky_relu,
            F.gelu,
            F.elu,
            F.selu,
            F.silu,
            F.softplus,
            F.hardtanh,
            F.relu6,
            F.mish,
            F.logsigmoid,
            F.softsign,
        )
    },
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_at_extreme_values_is_finite_and_keeps_its_dtype(name: str, dtype: Any) -> None:
    with strict():
        out = FUNCTIONS[name](X.astype(dtype))
        if isinstance(out, Value):
            out.backward(np.ones(out.shape, out.dtype))
    data = np.asarray(getattr(out, "data", out))
    assert data.dtype == dtype
    assert np.isfinite(data).all(), f"{name} = {data!r}"


def test_every_public_name_is_swept() -> None:
    fed = {case.op for case in BAD}
    loss_modules = {loss.module.__name__ for loss in LOSSES.values()}
    assert set(F.__all__) == LOSSES.keys() | FUNCTIONS.keys(), (
        "add each loss of nn.functional to LOSSES, each other function to FUNCTIONS"
    )
    for module in MODULES:
        for name in module.__all__:
            known = name in LAYERS or name in LOSSES or name in loss_modules or name in fed
            known = known or name in FUNCTIONS
            assert known or name in NOT_SWEPT, f"{module.__name__}.{name}: add it to a table"


def test_every_loss_has_its_module_and_wrong_settings() -> None:
    fed = {case.op for case in BAD}
    for loss in LOSSES.values():
        assert loss.module.__name__ in nn.__all__
        assert loss.module.__name__ in fed, f"add a wrong reduction of {loss.module.__name__}"

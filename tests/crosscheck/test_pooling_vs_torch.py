"""The poolings and their layers against PyTorch: max_pool2d (values, indices and gradients,
ties, NaNs, -inf, padding, dilation, ceil_mode), avg_pool2d (every divisor rule),
adaptive_avg_pool2d, the 1-d forms, unbatched and batch-innermost inputs, float64 tight and
float32, second order, and the layers' attributes, repr and results.

One kind of configuration is left out on purpose: a max pooling window that lies in the
padding only (dilation allows it, e.g. kernel 2, dilation 2, padding 1 over one row). PyTorch
gives -inf and an index past the image there, and its backward then writes past the gradient's
memory (it can crash the process); tensorgrad gives the same value and index and no gradient
(``tests/tensorgrad/test_pooling.py`` tests it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, TG, check, check_higher_order
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nn
import tensorgrad as tg

SETTINGS = settings(max_examples=40, deadline=None)
TF = torch.nn.functional


def windows(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> list[list[int]]:
    """The positions each window reads along an axis of ``n`` (as PyTorch counts windows)."""
    top = n + 2 * p - (k - 1) * d - 1
    count = (-(-top // s) if ceil_mode else top // s) + 1
    if ceil_mode and (count - 1) * s >= n + p:
        count -= 1
    return [[o * s - p + j * d for j in range(k)] for o in range(count)]


@st.composite
def cases(draw: st.DrawFn, spatial: int = 2, dilation: bool = True) -> dict[str, Any]:
    """A shape (batch maybe empty, or no batch: unbatched) and arguments that fit it, with
    no window in the padding only."""
    lead = (*draw(st.sampled_from([(), (0,), (1,), (2,)])), draw(st.integers(1, 3)))
    size = tuple(draw(st.integers(1, 6)) for _ in range(spatial))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(spatial))
    stride = draw(st.none() | st.tuples(*(st.integers(1, 3) for _ in range(spatial))))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilations = tuple(draw(st.integers(1, 3)) if dilation else 1 for _ in range(spatial))
    ceil_mode = draw(st.booleans())
    steps = kernel if stride is None else stride
    along = [windows(*a, ceil_mode) for a in zip(size, kernel, steps, padding, dilations)]
    assume(all(along))
    assume(all(any(0 <= i < n for i in w) for n, ws in zip(size, along) for w in ws))
    args = {"kernel_size": kernel, "stride": stride, "padding": padding, "ceil_mode": ceil_mode}
    if dilation:
        args["dilation"] = dilations
    if spatial == 1:
        args = {k: v[0] if isinstance(v, tuple) else v for k, v in args.items()}
    if args["stride"] is None and draw(st.booleans()):
        del args["stride"]  # (the default)
    return {"shape": (*lead, *size), "args": args}


def data(shape: tuple[int, ...], seed: int, ties: bool, dtype: Any = np.float64) -> np.ndarray:
    """Random numbers; rounded to a few integers for ties."""
    x = np.random.default_rng(seed).standard_normal(shape) * (1.5 if ties else 1.0)
    return (np.round(x) if ties else x).astype(dtype)


def pool(name: str, **args: Any) -> Any:
    """``fn(ops, x)`` for :func:`check`: the tensorgrad op or torch's functional one."""

    def fn(ops: Any, x: Any) -> Any:
        f = getattr(tg, name) if ops is TG else getattr(TF, name)
        return f(x, **args)

    return fn


def squared(name: str, **args: Any) -> Any:
    """The pooling, squared: its second derivative runs the pooling's backward again."""
    inner = pool(name, **args)
    return lambda ops, x: inner(ops, x) ** 2


def check_indices(name: str, x: np.ndarray, args: dict[str, Any]) -> None:
    values, indices = getattr(tg, name)(tg.Value(x), return_indices=True, **args)
    expected, expected_indices = getattr(TF, name)(torch.tensor(x), return_indices=True, **args)
    np.testing.assert_array_equal(values.data, expected.numpy())
    np.testing.assert_array_equal(indices, expected_indices.numpy())
    assert indices.dtype == np.int64


# -- max pooling ------------------------------------------------------------------------------


@SETTINGS
@given(case=cases(), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool2d(case: dict[str, Any], seed: int, ties: bool) -> None:
    x = data(case["shape"], seed, ties)
    check(pool("max_pool2d", **case["args"]), x)
    check_indices("max_pool2d", x, case["args"])


@settings(max_examples=25, deadline=None)
@given(case=cases(), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool2d_float32(case: dict[str, Any], seed: int, ties: bool) -> None:
    x = data(case["shape"], seed, ties, np.float32)
    check(pool("max_pool2d", **case["args"]), x, tol=F32)
    check_indices("max_pool2d", x, case["args"])


@SETTINGS
@given(case=cases(spatial=1), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool1d(case: dict[str, Any], seed: int, ties: bool) -> None:
    x = data(case["shape"], seed, ties)
    check(pool("max_pool1d", **case["args"]), x)
    check_indices("max_pool1d", x, case["args"])
    check(pool("max_pool1d", **case["args"]), x.astype(np.float32), tol=F32)


NAN, INF = np.nan, np.inf
SPECIAL = {
    # windows with ties, NaNs (several in a window), -inf and +inf, as PyTorch picks in them
    "ties": np.array([[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]]),
    "nans": np.array([[NAN, 1.0, NAN, 2.0], [3.0, NAN, NAN, NAN], [NAN, 0.0, 1.0, 1.0]]),
    "infinities": np.array([[-INF, -INF, INF, 2.0], [-INF, -INF, INF, INF], [-INF, 0.0, 1.0, 1.0]]),
    "signed zeros": np.array(
        [[-0.0, 0.0, 0.0, -0.0], [0.0, -0.0, -0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    ),
}
SPECIAL_ARGS = [
    {"kernel_size": 2},
    {"kernel_size": 2, "stride": 1},
    {"kernel_size": 3, "stride": 1, "padding": 1},
    {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1), "ceil_mode": True},
    {"kernel_size": 2, "stride": 1, "dilation": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
]


@pytest.mark.parametrize("args", SPECIAL_ARGS)
@pytest.mark.parametrize("name", SPECIAL)
def test_max_pool2d_picks_as_pytorch(name: str, args: dict[str, Any]) -> None:
    """Ties to the first maximum, NaN to the last NaN of the window, padding never."""
    x = np.stack([SPECIAL[name], SPECIAL[name][::-1, ::-1]])[:, None]  # (2, 1, 3, 4)
    check(pool("max_pool2d", **args), x)
    check_indices("max_pool2d", x, args)
    check(pool("max_pool2d", **args), x.astype(np.float32), tol=F32)


@pytest.mark.parametrize("args", SPECIAL_ARGS[:3])
def test_max_pool2d_second_order(args: dict[str, Any]) -> None:
    x = np.random.default_rng(0).permutation(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) / 10.0
    check_higher_order(squared("max_pool2d", **args), x, order=3)


# -- average pooling --------------------------------------------------------------------------


@SETTINGS
@given(
    case=cases(dilation=False),
    count_include_pad=st.booleans(),
    divisor_override=st.none() | st.sampled_from([1, 2, 5, -3]),
    seed=st.integers(0, 2**16),
)
def test_avg_pool2d(
    case: dict[str, Any], count_include_pad: bool, divisor_override: int | None, seed: int
) -> None:
    x = data(case["shape"], seed, False)
    args = {**case["args"], "count_include_pad": count_include_pad}
    if divisor_override is not None:
        args["divisor_override"] = divisor_override
    check(pool("avg_pool2d", **args), x)
    check(pool("avg_pool2d", **args), x.astype(np.float32), tol=F32)


@SETTINGS
@given(
    case=cases(spatial=1, dilation=False),
    count_include_pad=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_avg_pool1d(case: dict[str, Any], count_include_pad: bool, seed: int) -> None:
    x = data(case["shape"], seed, False)
    args = {**case["args"], "count_include_pad": count_include_pad}
    check(pool("avg_pool1d", **args), x)
    check(pool("avg_pool1d", **args), x.astype(np.float32), tol=F32)


@pytest.mark.parametrize(
    "args",
    [
        {"kernel_size": 3, "stride": 1, "padding": 1},
        {"kernel_size": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
        {"kernel_size": (3, 2), "stride": 2, "padding": (1, 0), "divisor_override": 4},
    ],
)
def test_avg_pool2d_second_order(args: dict[str, Any]) -> None:
    x = np.random.default_rng(1).standard_normal((2, 2, 5, 4))
    check_higher_order(squared("avg_pool2d", **args), x, order=3)


def test_avg_pool2d_of_infinities_and_nans() -> None:
    x = np.array([[[[INF, 1.0, -INF, 2.0], [NAN, 0.0, INF, INF], [1.0, 2.0, 3.0, 4.0]]]])
    for args in SPECIAL_ARGS[:4]:
        check(pool("avg_pool2d", **{k: v for k, v in args.items() if k != "dilation"}), x)


# -- adaptive average pooling -----------------------------------------------------------------

sizes = st.integers(1, 8) | st.none()


@SETTINGS
@given(
    lead=st.sampled_from([(), (0,), (1,), (2,)]),
    size=st.tuples(st.integers(1, 7), st.integers(1, 7)),
    out=st.integers(1, 8) | st.tuples(sizes, sizes),
    seed=st.integers(0, 2**16),
)
def test_adaptive_avg_pool2d(
    lead: tuple[int, ...], size: tuple[int, int], out: Any, seed: int
) -> None:
    x = data((*lead, 2, *size), seed, False)
    check(pool("adaptive_avg_pool2d", output_size=out), x)
    check(pool("adaptive_avg_pool2d", output_size=out), x.astype(np.float32), tol=F32)


@SETTINGS
@given(
    lead=st.sampled_from([(), (0,), (2,)]),
    length=st.integers(1, 9),
    out=st.integers(1, 10),
    seed=st.integers(0, 2**16),
)
def test_adaptive_avg_pool1d(lead: tuple[int, ...], length: int, out: int, seed: int) -> None:
    x = data((*lead, 3, length), seed, False)
    check(pool("adaptive_avg_pool1d", output_size=out), x)
    check(pool("adaptive_avg_pool1d", output_size=out), x.astype(np.float32), tol=F32)


@pytest.mark.parametrize("out", [(2, 3), 1, (4, None), 7])
def test_adaptive_avg_pool2d_second_order(out: Any) -> None:
    x = np.random.default_rng(2).standard_normal((2, 2, 5, 6))
    check_higher_order(squared("adaptive_avg_pool2d", output_size=out), x, order=3)


@pytest.mark.parametrize("out", [(2, 3), (3, 2), 1, (None, 3)])
def test_adaptive_avg_pool2d_of_infinities_and_nans(out: Any) -> None:
    x = np.array([[[[INF, 1.0, -INF, 2.0], [NAN, 0.0, INF, INF], [1.0, 2.0, 3.0, 4.0]]]])
    check(pool("adaptive_avg_pool2d", output_size=out), x)


def test_an_output_size_of_zero_gives_the_same_empty_result() -> None:
    x = np.ones((2, 3, 4, 5))
    for out in [0, (0, 2), (3, 0)]:
        ours = tg.adaptive_avg_pool2d(x, out)
        assert ours.shape == tuple(TF.adaptive_avg_pool2d(torch.tensor(x), out).shape)


# -- layouts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        pool("max_pool2d", kernel_size=2),
        pool("max_pool2d", kernel_size=3, stride=1, padding=1),
        pool("avg_pool2d", kernel_size=2),
        pool("avg_pool2d", kernel_size=3, stride=2, padding=1, ceil_mode=True),
        pool("adaptive_avg_pool2d", output_size=(3, 2)),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_batch_innermost_input(fn: Any, dtype: Any) -> None:
    """An (N, C, H, W) view of (C, H, W, N) memory, as conv2d makes it: the same numbers,
    and a result in that layout too."""
    x = data((4, 3, 6, 6), 3, True, dtype)
    view = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    out, _ = check(fn, view, tol=F32 if dtype == np.float32 else F64)
    assert out.data.transpose(1, 2, 3, 0).flags.c_contiguous


def test_the_cnn_step_shape_against_torch() -> None:
    """The benchmark's 2×2 pooling of a conv's output, (64, 16, 28, 28) float32."""
    x = data((64, 16, 28, 28), 4, False, np.float32)
    view = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    check(pool("max_pool2d", kernel_size=2), np.maximum(view, 0), tol=F32)  # (after a ReLU)
    check(pool("avg_pool2d", kernel_size=2), view, tol=F32)


# -- layers -----------------------------------------------------------------------------------

LAYERS = [
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", ((3, 2),), {"stride": [1, 2], "padding": 1, "dilation": 2, "ceil_mode": True}),
    ("MaxPool2d", (3,), {"stride": 2, "padding": (1, 0), "return_indices": True}),
    ("MaxPool1d", (3,), {}),
    ("MaxPool1d", (3, 2, 1, 2, True, True), {}),
    ("AvgPool2d", (3,), {}),
    ("AvgPool2d", ((3, 2), 1, 1, True, False, 2), {}),
    ("AvgPool2d", (2,), {"padding": 1, "count_include_pad": False}),
    ("AvgPool1d", (3,), {}),
    ("AvgPool1d", (3, 2, 1, True, False), {}),
    ("AdaptiveAvgPool2d", (3,), {}),
    ("AdaptiveAvgPool2d", ((None, 2),), {}),
    ("AdaptiveAvgPool2d", ((1, 1),), {}),
    ("AdaptiveAvgPool1d", (4,), {}),
]
ATTRIBUTES = (
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "ceil_mode",
    "return_indices",
    "count_include_pad",
    "divisor_override",
    "output_size",
)


@pytest.mark.parametrize(("name", "args", "kwargs"), LAYERS)
def test_a_layer_as_pytorch(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    for attribute in ATTRIBUTES:
        assert getattr(ours, attribute, None) == getattr(theirs, attribute, None), attribute
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    shape = (2, 3, 7, 6) if name.endswith("2d") else (2, 3, 9)
    x = data(shape, 5, True)
    x_ours, x_theirs = tg.Value(x), torch.tensor(x, requires_grad=True)
    y, expected = ours(x_ours), theirs(x_theirs)
    if kwargs.get("return_indices") or (name == "MaxPool1d" and len(args) == 6):
        (y, indices), (expected, expected_indices) = y, expected
        np.testing.assert_array_equal(indices, expected_indices.numpy())
    np.testing.assert_allclose(y.data, expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(6).standard_normal(y.shape)
    y.backward(g)
    expected.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x_ours.grad, x_theirs.grad.numpy(), rtol=1e-12, atol=1e-14)

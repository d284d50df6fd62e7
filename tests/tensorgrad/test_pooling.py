"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d and their 1-d forms.

Each op is checked three ways: its values (and max pooling's indices) against a plain
reference written here with loops over windows, PyTorch's rules spelled out one element at a
time; its gradients against central differences with :func:`tensorgrad.gradcheck`, first
order and second order through a square (so that the backward's own backward, the node
recorded under create_graph, is exercised); and every wrong call against its message. The
configurations (batch, channels, sizes, kernel, stride, padding, dilation, ceil_mode) come
from hypothesis; max pooling gets distinct values, except in the tests of ties.
``tests/crosscheck/test_pooling_vs_torch.py`` compares all of it with PyTorch itself.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from gradchecks import check
from hostile import strict
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import Value, grad

SETTINGS = settings(max_examples=25, deadline=None)
Pair = tuple[int, int]


# -- the reference: PyTorch's rules, one window at a time -------------------------------------


def windows_along(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> list[list[int]]:
    """The input positions (padding included, so maybe outside 0..n-1) of each window."""
    span = (k - 1) * d + 1
    top = n + 2 * p - span
    count = (-(-top // s) if ceil_mode else top // s) + 1
    if ceil_mode and (count - 1) * s >= n + p:
        count -= 1
    return [[o * s - p + j * d for j in range(k)] for o in range(count)]


def reference_max(
    x: np.ndarray, k: Pair, s: Pair, p: Pair, d: Pair, ceil_mode: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling of (N, C, H, W) as PyTorch's kernel runs it: a running maximum from -inf
    that takes a larger element or any NaN, starting at the window's first element past the
    padding; its values and indices (flat, in the input plane)."""
    n, c, h, w = x.shape
    rows = windows_along(h, k[0], s[0], p[0], d[0], ceil_mode)
    cols = windows_along(w, k[1], s[1], p[1], d[1], ceil_mode)
    values = np.empty((n, c, len(rows), len(cols)), x.dtype)
    indices = np.empty(values.shape, np.int64)
    for b, ch, (y, r), (z, q) in itertools.product(
        range(n), range(c), enumerate(rows), enumerate(cols)
    ):
        inside = [(i, j) for i in r for j in q if 0 <= i < h and 0 <= j < w]
        first_row = next((i for i in r if i >= 0), r[-1])
        first_col = next((j for j in q if j >= 0), q[-1])
        best, at = -math.inf, first_row * w + first_col
        for i, j in inside:
            v = x[b, ch, i, j]
            if v > best or math.isnan(v):
                best, at = v, i * w + j
        values[b, ch, y, z], indices[b, ch, y, z] = best, at
    return values, indices


def reference_max_grad(x: np.ndarray, indices: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Each result's gradient added at the element its index names (if inside the plane)."""
    n, c, h, w = x.shape
    dx = np.zeros((n, c, h * w), g.dtype)
    for b, ch in itertools.product(range(n), range(c)):
        for index, share in zip(indices[b, ch].ravel(), g[b, ch].ravel()):
            if index < h * w:
                dx[b, ch, index] += share
    return dx.reshape(x.shape)


def reference_avg(
    x: np.ndarray,
    k: Pair,
    s: Pair,
    p: Pair,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Average pooling as PyTorch's kernel, and the matrix (output, input) of its weights."""
    h, w = x.shape[2:]
    rows = windows_along(h, k[0], s[0], p[0], 1, ceil_mode)
    cols = windows_along(w, k[1], s[1], p[1], 1, ceil_mode)
    weights = np.zeros((len(rows), len(cols), h, w))
    for (y, r), (z, q) in itertools.product(enumerate(rows), enumerate(cols)):
        # The divisor counts the padding but stops at the padded edge (ceil_mode's overhang).
        pool_rows = min(r[0] + k[0], h + p[0]) - r[0]
        pool_cols = min(q[0] + k[1], w + p[1]) - q[0]
        inside = [(i, j) for i in r for j in q if 0 <= i < h and 0 <= j < w]
        if divisor_override is not None:
            divisor = divisor_override
        else:
            divisor = pool_rows * pool_cols if count_include_pad else len(inside)
        for i, j in inside:
            weights[y, z, i, j] = 1.0 / divisor
    out = np.einsum("yzij,ncij->ncyz", weights, x).astype(x.dtype)
    return out, weights


def reference_adaptive(x: np.ndarray, out: Pair) -> np.ndarray:
    n, c, h, w = x.shape
    result = np.empty((n, c, *out), x.dtype)
    for y, z in itertools.product(range(out[0]), range(out[1])):
        r = slice(y * h // out[0], -(-(y + 1) * h // out[0]))
        q = slice(z * w // out[1], -(-(z + 1) * w // out[1]))
        result[:, :, y, z] = x[:, :, r, q].mean(axis=(2, 3))
    return result


def distinct(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Values at least 0.1 apart, in random order: no ties, no kink within a finite step."""
    size = math.prod(shape)
    return np.random.default_rng(seed).permutation(size).reshape(shape) * 0.1 - size * 0.05


# -- configurations ---------------------------------------------------------------------------


@st.composite
def pool_cases(draw: st.DrawFn, dilation: bool = True, spatial: int = 2) -> dict[str, Any]:
    """A batch (maybe empty), channels, sizes, and PyTorch's arguments that fit them."""
    batch = draw(st.integers(0, 2))
    channels = draw(st.integers(1, 2))
    size = tuple(draw(st.integers(1, 5)) for _ in range(spatial))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    stride = draw(st.none() | st.tuples(*(st.integers(1, 3) for _ in range(spatial))))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilations = tuple(draw(st.integers(1, 2)) if dilation else 1 for _ in range(spatial))
    ceil_mode = draw(st.booleans())
    steps = kernel if stride is None else stride
    along = [
        windows_along(*sizes, ceil_mode) for sizes in zip(size, kernel, steps, padding, dilations)
    ]
    assume(all(along))  # a window fits
    # (and none lies in the padding only: PyTorch's indices would point past the image)
    assume(all(any(0 <= i < n for i in w) for n, ws in zip(size, along) for w in ws))
    return {
        "shape": (batch, channels, *size),
        "kernel_size": kernel,
        "stride": stride,
        "padding": padding,
        "dilation": dilations,
        "ceil_mode": ceil_mode,
    }


def pairs(case: dict[str, Any]) -> tuple[Pair, Pair, Pair, Pair]:
    k = case["kernel_size"]
    s = case["stride"] or k
    return k, s, case["padding"], case["dilation"]


def max_args(case: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in case.items() if key != "shape"}


def avg_args(case: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in max_args(case).items() if key != "dilation"}


# -- max pooling ------------------------------------------------------------------------------


@SETTINGS
@given(case=pool_cases(), seed=st.integers(0, 2**16))
def test_max_pool2d_values_and_indices(case: dict[str, Any], seed: int) -> None:
    x = np.round(np.random.default_rng(seed).standard_normal(case["shape"]))  # many ties
    values, indices = tg.max_pool2d(Value(x), return_indices=True, **max_args(case))
    expected, expected_indices = reference_max(x, *pairs(case), case["ceil_mode"])
    np.testing.assert_array_equal(values.data, expected)
    np.testing.assert_array_equal(indices, expected_indices)
    assert indices.dtype == np.int64
    g = np.random.default_rng(seed + 1).standard_normal(values.shape)
    v = Value(x)
    tg.max_pool2d(v, **max_args(case)).backward(g)
    np.testing.assert_allclose(v.grad, reference_max_grad(x, expected_indices, g), atol=1e-12)


@SETTINGS
@given(case=pool_cases(), seed=st.integers(0, 2**16))
def test_max_pool2d_gradients(case: dict[str, Any], seed: int) -> None:
    x = distinct(case["shape"], seed)
    check(lambda v: tg.max_pool2d(v, **max_args(case)) ** 2, x)


def one_d(case: dict[str, Any]) -> tuple[int, int | None, int, int]:
    """A 1-d case's kernel_size, stride, padding and dilation as ints."""
    stride = case["stride"][0] if case["stride"] else None
    return case["kernel_size"][0], stride, case["padding"][0], case["dilation"][0]


@SETTINGS
@given(case=pool_cases(spatial=1), seed=st.integers(0, 2**16))
def test_max_pool1d(case: dict[str, Any], seed: int) -> None:
    x = np.round(np.random.default_rng(seed).standard_normal(case["shape"]))
    k, s, p, d = one_d(case)
    ceil_mode = case["ceil_mode"]
    values, indices = tg.max_pool1d(Value(x), k, s, p, d, ceil_mode, True)
    expected, expected_indices = reference_max(
        x[:, :, None], (1, k), (1, s or k), (0, p), (1, d), ceil_mode
    )
    np.testing.assert_array_equal(values.data, expected[:, :, 0])
    np.testing.assert_array_equal(indices, expected_indices[:, :, 0])
    check(lambda v: tg.max_pool1d(v, k, s, p, d, ceil_mode) ** 2, distinct(x.shape, seed))


def test_ties_go_to_the_first_maximum_in_row_major_order() -> None:
    x = Value(np.array([[[[1.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 2.0]]]]))
    y, indices = tg.max_pool2d(x, 2, stride=1, return_indices=True)
    np.testing.assert_array_equal(indices, [[[[1, 1], [3, 5]]]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[0.0, 2.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]]])


def test_zeros_after_relu_tie_and_the_first_takes_the_gradient() -> None:
    x = Value(np.zeros((1, 1, 4, 4)))
    tg.max_pool2d(x, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(x.grad[0, 0], expected)


def test_a_nan_is_the_maximum_and_the_last_nan_takes_the_gradient() -> None:
    nan = math.nan
    x = Value(np.array([[[[nan, 1.0, 5.0, nan], [nan, 0.0, 7.0, 1.0]]]]))
    with strict():
        y, indices = tg.max_pool2d(x, 2, return_indices=True)
        y.sum().backward()
    assert np.isnan(y.data).all()
    np.testing.assert_array_equal(indices, [[[[4, 3]]]])
    np.testing.assert_array_equal(x.grad, [[[[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]]])


def test_padding_is_never_the_maximum_even_of_a_window_of_minus_inf() -> None:
    x = Value(np.full((1, 1, 2, 2), -math.inf))
    with strict():
        y, indices = tg.max_pool2d(x, 3, stride=1, padding=1, return_indices=True)
        y.sum().backward()
    assert (y.data == -math.inf).all()
    np.testing.assert_array_equal(indices, [[[[0, 0], [0, 0]]]])  # the first inside
    np.testing.assert_array_equal(x.grad, [[[[4.0, 0.0], [0.0, 0.0]]]])


def test_a_window_in_the_padding_only_is_minus_inf_with_no_gradient() -> None:
    """kernel 2 with dilation 2 and padding 1 over one row: elements -1 and 1, both outside.
    PyTorch gives -inf and an index past the image (its backward writes out of bounds);
    here the index is the same and the gradient goes nowhere."""
    x = Value(np.array([[[[1.0, 2.0, 3.0]]]]))
    y, indices = tg.max_pool2d(
        x, (2, 1), stride=1, padding=(1, 0), dilation=(2, 1), return_indices=True
    )
    assert (y.data == -math.inf).all()
    np.testing.assert_array_equal(indices, [[[[3, 4, 5]]]])
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(x.grad, np.zeros(x.shape))


def test_overlapping_windows_add_their_gradients() -> None:
    x = Value(np.array([[[[0.0, 1.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]]))
    tg.max_pool2d(x, 2, stride=1).sum().backward()
    assert x.grad[0, 0, 1, 1] == 4.0
    assert x.grad.sum() == 4.0


# -- average pooling --------------------------------------------------------------------------


@SETTINGS
@given(
    case=pool_cases(dilation=False),
    count_include_pad=st.booleans(),
    divisor_override=st.none() | st.sampled_from([1, 3, -2]),
    seed=st.integers(0, 2**16),
)
def test_avg_pool2d_values_and_gradients(
    case: dict[str, Any], count_include_pad: bool, divisor_override: int | None, seed: int
) -> None:
    x = np.random.default_rng(seed).standard_normal(case["shape"])
    args = {**avg_args(case), "count_include_pad": count_include_pad}
    args["divisor_override"] = divisor_override
    k, s, p, _ = pairs(case)
    expected, weights = reference_avg(
        x, k, s, p, case["ceil_mode"], count_include_pad, divisor_override
    )
    v = Value(x)
    y = tg.avg_pool2d(v, **args)
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(seed + 1).standard_normal(y.shape)
    y.backward(g)
    np.testing.assert_allclose(v.grad, np.einsum("yzij,ncyz->ncij", weights, g), atol=1e-12)
    check(lambda v: tg.avg_pool2d(v, **args) ** 2, x)


@SETTINGS
@given(
    case=pool_cases(dilation=False, spatial=1),
    count_include_pad=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_avg_pool1d(case: dict[str, Any], count_include_pad: bool, seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal(case["shape"])
    k, s, p, _ = one_d(case)
    args = (k, s, p, case["ceil_mode"], count_include_pad)
    expected, _ = reference_avg(
        x[:, :, None], (1, k), (1, s or k), (0, p), case["ceil_mode"], count_include_pad, None
    )
    np.testing.assert_allclose(tg.avg_pool1d(Value(x), *args).data, expected[:, :, 0], rtol=1e-12)
    check(lambda v: tg.avg_pool1d(v, *args) ** 2, x)


def test_avg_pool2d_divisors_with_padding_and_ceil_mode() -> None:
    x = Value(np.ones((1, 1, 3, 3)))
    # kernel 2, stride 2, padding 1, ceil_mode: windows start at -1, 1 and 3 (the last one
    # starts in the right padding, so it is dropped); the padding counts in the divisor.
    y = tg.avg_pool2d(x, 2, padding=1, ceil_mode=True)
    np.testing.assert_allclose(y.data[0, 0], [[0.25, 0.5], [0.5, 1.0]])
    y = tg.avg_pool2d(x, 2, padding=1, ceil_mode=True, count_include_pad=False)
    np.testing.assert_allclose(y.data[0, 0], np.ones((2, 2)))
    # kernel 2, stride 2, no padding, ceil_mode on 3: the last window overhangs and is
    # divided by its 1 (or 2) elements inside, not by 4
    y = tg.avg_pool2d(x, 2, ceil_mode=True)
    np.testing.assert_allclose(y.data[0, 0], np.ones((2, 2)))
    y = tg.avg_pool2d(x, 2, ceil_mode=True, divisor_override=4)
    np.testing.assert_allclose(y.data[0, 0], [[1.0, 0.5], [0.5, 0.25]])


# -- adaptive average pooling -----------------------------------------------------------------


@SETTINGS
@given(
    shape=st.tuples(st.integers(0, 2), st.integers(1, 2), st.integers(1, 6), st.integers(1, 6)),
    out=st.tuples(st.integers(1, 7), st.integers(1, 7)),
    seed=st.integers(0, 2**16),
)
def test_adaptive_avg_pool2d(shape: tuple[int, ...], out: Pair, seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal(shape)
    y = tg.adaptive_avg_pool2d(Value(x), out)
    np.testing.assert_allclose(y.data, reference_adaptive(x, out), rtol=1e-12, atol=1e-14)
    check(lambda v: tg.adaptive_avg_pool2d(v, out) ** 2, x)


@SETTINGS
@given(
    shape=st.tuples(st.integers(0, 2), st.integers(1, 2), st.integers(1, 7)),
    out=st.integers(1, 8),
    seed=st.integers(0, 2**16),
)
def test_adaptive_avg_pool1d(shape: tuple[int, ...], out: int, seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal(shape)
    y = tg.adaptive_avg_pool1d(Value(x), out)
    expected = reference_adaptive(x[:, :, None], (1, out))[:, :, 0]
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-14)
    check(lambda v: tg.adaptive_avg_pool1d(v, (out,)) ** 2, x)


def test_adaptive_none_keeps_a_size_and_zero_gives_an_empty_result() -> None:
    x = Value(np.arange(12.0).reshape(1, 1, 3, 4))
    assert tg.adaptive_avg_pool2d(x, (None, 2)).shape == (1, 1, 3, 2)
    assert tg.adaptive_avg_pool2d(x, [1, None]).shape == (1, 1, 1, 4)
    empty = tg.adaptive_avg_pool2d(x, (0, 2))
    assert empty.shape == (1, 1, 0, 2)
    empty.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((1, 1, 3, 4)))


@pytest.mark.parametrize(
    "op",
    [
        lambda x: tg.adaptive_avg_pool2d(x, (2, 3)),  # (windows that overlap)
        lambda x: tg.avg_pool2d(x, 2, stride=1, padding=1),
        lambda x: tg.max_pool2d(x, 2, stride=1, padding=1),
    ],
)
def test_an_inf_or_a_nan_stays_in_the_windows_that_read_it(op: Callable[[Any], Any]) -> None:
    x = np.zeros((1, 1, 3, 5))
    x[0, 0, 0, 0], x[0, 0, 2, 4] = math.inf, math.nan
    v = Value(x)
    with strict():
        y = op(v)
        y.backward(np.ones(y.shape))
    reads_inf = op(Value(np.where(np.arange(15).reshape(1, 1, 3, 5) == 0, 1.0, 0.0))).data > 0
    reads_nan = op(Value(np.where(np.arange(15).reshape(1, 1, 3, 5) == 14, 1.0, 0.0))).data > 0
    np.testing.assert_array_equal(np.isnan(y.data), reads_nan)
    np.testing.assert_array_equal(np.isinf(y.data), reads_inf & ~reads_nan)
    assert np.isfinite(v.grad).all()


def test_global_average_pooling() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4, 5, 6))
    y = tg.adaptive_avg_pool2d(Value(x), 1)
    np.testing.assert_allclose(y.data, x.mean(axis=(2, 3), keepdims=True), rtol=1e-14)


# -- every op: shapes, dtypes, layout, the graph ----------------------------------------------

OPS: dict[str, Callable[[Any], Any]] = {
    "max_pool2d": lambda x: tg.max_pool2d(x, 2, stride=1, padding=1),
    "avg_pool2d": lambda x: tg.avg_pool2d(x, (2, 3), stride=2, padding=1, ceil_mode=True),
    "adaptive_avg_pool2d": lambda x: tg.adaptive_avg_pool2d(x, (2, 3)),
    "max_pool2d fast": lambda x: tg.max_pool2d(x, 2),
    "avg_pool2d fast": lambda x: tg.avg_pool2d(x, 2),
    "adaptive_avg_pool2d fast": lambda x: tg.adaptive_avg_pool2d(x, 2),
}
OPS_1D: dict[str, Callable[[Any], Any]] = {
    "max_pool1d": lambda x: tg.max_pool1d(x, 3, stride=2, padding=1, dilation=2),
    "avg_pool1d": lambda x: tg.avg_pool1d(x, 3, stride=2, padding=1),
    "adaptive_avg_pool1d": lambda x: tg.adaptive_avg_pool1d(x, 3),
    "max_pool1d fast": lambda x: tg.max_pool1d(x, 2),
}


@pytest.mark.parametrize("name", [*OPS, *OPS_1D])
def test_an_unbatched_input_gives_the_unbatched_result(name: str) -> None:
    op = {**OPS, **OPS_1D}[name]
    shape = (3, 4, 6) if name in OPS else (3, 8)
    x = distinct(shape, 0)
    v, batched = Value(x), Value(x[None])
    y, expected = op(v), op(batched)
    np.testing.assert_array_equal(y.data, expected.data[0])
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(g)
    expected.backward(g[None])
    np.testing.assert_array_equal(v.grad, batched.grad[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [*OPS, *OPS_1D])
def test_the_dtype_is_kept_in_results_and_gradients(name: str, dtype: Any) -> None:
    op = {**OPS, **OPS_1D}[name]
    shape = (2, 3, 4, 6) if name in OPS else (2, 3, 8)
    x = Value(distinct(shape, 0).astype(dtype))
    with strict():
        y = op(x)
        (y * y).sum().backward()
    assert y.dtype == dtype
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("name", OPS)
def test_a_batch_innermost_input_gives_a_batch_innermost_result(name: str) -> None:
    """The layout of the module's docstring: (C, H, W, N) in memory behind (N, C, H, W)."""
    inner = np.ascontiguousarray(distinct((2, 3, 4, 6), 0).transpose(1, 2, 3, 0))
    x = Value(inner.transpose(3, 0, 1, 2))
    y = OPS[name](x)
    assert y.data.transpose(1, 2, 3, 0).flags.c_contiguous
    # and a gradient in any memory order gives the same result
    g = np.random.default_rng(1).standard_normal(y.shape)
    dx = grad(y, x, np.asfortranarray(g), retain_graph=True)[0].data
    np.testing.assert_array_equal(dx, grad(y, x, np.ascontiguousarray(g))[0].data)


@pytest.mark.parametrize("name", [*OPS, *OPS_1D])
def test_one_node_and_a_third_order_derivative(name: str) -> None:
    op = {**OPS, **OPS_1D}[name]
    x = Value(distinct((2, 2, 4, 6) if name in OPS else (2, 2, 8), 0))
    y = op(x)
    assert y.grad_fn.op == name.split()[0]
    assert y.grad_fn.prev[0] is x.grad_fn or y.grad_fn.prev[0].value() is x
    # y³'s third derivative goes through the backward's node twice
    (g1,) = grad((y**3).sum(), x, create_graph=True)
    (g2,) = grad((g1 * g1).sum(), x, create_graph=True)
    (g3,) = grad(g2.sum(), x)
    assert np.isfinite(g3.data).all()
    assert g3.shape == x.shape


@pytest.mark.parametrize("name", [*OPS, *OPS_1D])
def test_an_empty_batch(name: str) -> None:
    op = {**OPS, **OPS_1D}[name]
    x = Value(np.zeros((0, 2, 4, 6) if name in OPS else (0, 2, 8)))
    y = op(x)
    assert y.shape[:2] == (0, 2)
    y.sum().backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("name", [*OPS, *OPS_1D])
def test_arrays_and_ints_are_constant_inputs(name: str) -> None:
    op = {**OPS, **OPS_1D}[name]
    x = np.arange(48).reshape((2, 2, 3, 4) if name in OPS else (2, 3, 8))
    y = op(x)
    assert y.dtype == np.float64
    assert not y.requires_grad
    np.testing.assert_array_equal(y.data, op(Value(x.astype(np.float64))).data)


@pytest.mark.parametrize("size", [(4, 6), (5, 7)])  # (5, 7): the last row and column unread
@pytest.mark.parametrize("kernel", [2, (2, 3), 1])
def test_the_fast_path_windows_side_by_side(size: Pair, kernel: Any) -> None:
    """kernel == stride, no padding, no dilation: the reshaped view and one broadcast
    product for the backward; ties (zeros) and a NaN too."""
    x = np.round(np.random.default_rng(0).standard_normal((3, 2, *size)))
    x[0, 0, 0, 0] = math.nan
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    v = Value(x)
    with strict():
        y, indices = tg.max_pool2d(v, kernel, return_indices=True)
        g = np.random.default_rng(1).standard_normal(y.shape)
        y.backward(g)
    expected, expected_indices = reference_max(x, k, k, (0, 0), (1, 1), False)
    np.testing.assert_array_equal(y.data, expected)
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_array_equal(v.grad, reference_max_grad(x, expected_indices, g))
    x[0, 0, 0, 0] = 0.5  # (the reference's products would spread a NaN)
    v = Value(x)
    with strict():
        y = tg.avg_pool2d(v, kernel)
        y.backward(g)
    expected, weights = reference_avg(x, k, k, (0, 0), False, True, None)
    np.testing.assert_allclose(y.data, expected, rtol=1e-15)
    np.testing.assert_allclose(v.grad, np.einsum("yzij,ncyz->ncij", weights, g), rtol=1e-15)


# -- errors -----------------------------------------------------------------------------------


def image(*shape: int) -> Value:
    return Value(np.ones(shape))


ERRORS: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (
        lambda: tg.max_pool2d(image(5), 2),
        ValueError,
        r"max_pool2d: expected a 3-d \(C, H, W\) or 4-d \(N, C, H, W\) input, got shape \(5,\)",
    ),
    (
        lambda: tg.avg_pool1d(image(1, 1, 1, 5), 2),
        ValueError,
        r"avg_pool1d: expected a 2-d \(C, L\) or 3-d \(N, C, L\) input, got shape \(1, 1, 1, 5\)",
    ),
    (
        lambda: tg.max_pool2d(image(2, 0, 3, 3), 2),
        ValueError,
        r"max_pool2d: expected \(C, H, W\) sizes above 0 \(only the batch may be empty\), "
        r"got shape \(2, 0, 3, 3\)",
    ),
    (
        lambda: tg.adaptive_avg_pool2d(image(2, 3, 0), 1),
        ValueError,
        r"adaptive_avg_pool2d: .*got shape \(2, 3, 0\)",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 2, 2), 3),
        ValueError,
        r"max_pool2d: kernel_size \(3, 3\) is larger than the padded input \(2, 2\) \(input of "
        r"shape \(1, 1, 2, 2\), padding \(0, 0\)\): no window fits",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, dilation=4),
        ValueError,
        r"max_pool2d: kernel_size \(2, 2\) \(dilated to \(5, 5\)\) is larger than the padded "
        r"input \(4, 4\)",
    ),
    (
        lambda: tg.max_pool1d(image(1, 1, 3), 5),
        ValueError,
        r"max_pool1d: kernel_size 5 is larger than the padded input 3 \(input of shape "
        r"\(1, 1, 3\), padding 0\)",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, padding=2),
        ValueError,
        r"max_pool2d: padding \(2, 2\) is more than half of kernel_size \(2, 2\): pad should "
        r"be at most half of kernel size",
    ),
    (
        lambda: tg.avg_pool1d(image(1, 1, 4), 3, padding=2),
        ValueError,
        r"avg_pool1d: padding 2 is more than half of kernel_size 3",
    ),
    (lambda: tg.max_pool2d(image(1, 1, 4, 4), 0), ValueError, "kernel_size must be at least 1"),
    (lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, 0), ValueError, "stride must be at least 1"),
    (
        lambda: tg.avg_pool2d(image(1, 1, 4, 4), 2, padding=-1),
        ValueError,
        "padding must be at least 0",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, dilation=0),
        ValueError,
        "dilation must be at least 1",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), (2, 2, 2)),
        ValueError,
        r"max_pool2d: kernel_size must be an int or a tuple of 2 ints, got \(2, 2, 2\)",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2.0),
        TypeError,
        "max_pool2d: kernel_size must be an int or a tuple of 2 ints, got float 2.0",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), True),
        TypeError,
        "kernel_size must be an int or a tuple of 2 ints, got bool True",
    ),
    (lambda: tg.max_pool1d(image(1, 1, 4), 2, stride="a"), TypeError, "max_pool1d: stride must be"),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, ceil_mode="yes"),
        TypeError,
        "max_pool2d: ceil_mode must be True or False, got str 'yes'",
    ),
    (
        lambda: tg.max_pool2d(image(1, 1, 4, 4), 2, return_indices=1),
        TypeError,
        "max_pool2d: return_indices must be True or False, got int 1",
    ),
    (
        lambda: tg.avg_pool2d(image(1, 1, 4, 4), 2, count_include_pad=None),
        TypeError,
        "avg_pool2d: count_include_pad must be True or False, got NoneType None",
    ),
    (
        lambda: tg.avg_pool2d(image(1, 1, 4, 4), 2, divisor_override=0),
        ValueError,
        "avg_pool2d: divisor_override must not be 0",
    ),
    (
        lambda: tg.avg_pool2d(image(1, 1, 4, 4), 2, divisor_override=2.5),
        TypeError,
        "avg_pool2d: divisor_override must be an int, got float 2.5",
    ),
    (
        lambda: tg.adaptive_avg_pool2d(image(1, 1, 4, 4), -1),
        ValueError,
        "adaptive_avg_pool2d: output_size must be at least 0, got -1",
    ),
    (
        lambda: tg.adaptive_avg_pool2d(image(1, 1, 4, 4), (2, 2, 2)),
        ValueError,
        r"output_size must be an int or a tuple of 2 ints, got \(2, 2, 2\)",
    ),
    (
        lambda: tg.adaptive_avg_pool2d(image(1, 1, 4, 4), None),
        TypeError,
        "adaptive_avg_pool2d: output_size must be an int or a tuple of 2 ints, got NoneType",
    ),
    (
        lambda: tg.adaptive_avg_pool1d(image(1, 4), 2.0),
        TypeError,
        "adaptive_avg_pool1d: output_size must be an int or a tuple of 1 ints, got float 2.0",
    ),
    (
        lambda: tg.max_pool2d([[[1.0]]], 1),
        TypeError,
        "max_pool2d: expected Values, numpy arrays or numbers, got list",
    ),
    (
        lambda: tg.avg_pool2d(np.ones((1, 1, 2, 2), complex), 1),
        TypeError,
        "avg_pool2d: a Value cannot be combined with a numpy array of dtype complex128",
    ),
]


@pytest.mark.parametrize(("call", "kind", "message"), ERRORS)
def test_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()

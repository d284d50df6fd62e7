"""layer_norm, batch_norm and group_norm: gradients (first and second order) against central
differences, values, running statistics, dtypes, memory layout, errors, one node."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from gradchecks import check
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import Value

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, k=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_gradients_input_weight_bias(shape: tuple[int, ...], k: int, seed: int) -> None:
    k = min(k, len(shape))
    normalized = shape[len(shape) - k :]
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(normalized),
        rng.standard_normal(normalized),
    )
    check(lambda x, w, b: tg.layer_norm(x, normalized, w, b, eps=0.1), x, w, b)


@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_gradients_without_affine(shape: tuple[int, ...], seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal(shape)
    check(lambda x: tg.layer_norm(x, shape[-1], eps=0.1), x)


def test_values() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    y = tg.layer_norm(Value(x), (4, 5)).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5))


def test_float32_kept() -> None:
    x = Value(np.ones((2, 3), np.float32) * np.arange(3, dtype=np.float32), requires_grad=True)
    w = Value(np.ones(3, np.float32), requires_grad=True)
    b = Value(np.zeros(3, np.float32), requires_grad=True)
    y = tg.layer_norm(x, 3, w, b, eps=1e-5)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32


def test_one_node() -> None:
    x = Value(np.ones((2, 3)), requires_grad=True)
    y = tg.layer_norm(x, 3, Value(np.ones(3), requires_grad=True), Value(np.zeros(3)))
    assert y.grad_fn.op == "layer_norm"
    assert y.grad_fn.prev[0] is x.grad_fn or y.grad_fn.prev[0].value() is x


def test_empty_input() -> None:
    x = Value(np.zeros((0, 3)), requires_grad=True)
    y = tg.layer_norm(x, 3)
    y.sum().backward()
    assert y.shape == (0, 3)
    assert x.grad.shape == (0, 3)


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (
            lambda x: tg.layer_norm(x, 4),
            ValueError,
            r"layer_norm: normalized_shape \(4,\) does not match the last dims of input of "
            r"shape \(2, 3\)",
        ),
        (lambda x: tg.layer_norm(x, (1, 2, 3)), ValueError, r"normalized_shape \(1, 2, 3\)"),
        (
            lambda x: tg.layer_norm(x, True),
            TypeError,
            "layer_norm: normalized_shape must be an int, got bool",
        ),
        (lambda x: tg.layer_norm(x, ("a",)), TypeError, "normalized_shape must be an int, got str"),
        (
            lambda x: tg.layer_norm(x, 3, np.ones(2)),
            ValueError,
            r"layer_norm: weight must have shape normalized_shape \(3,\), got shape \(2,\)",
        ),
        (lambda x: tg.layer_norm(x, 3, None, np.ones((1, 3))), ValueError, r"bias .*\(1, 3\)"),
        (
            lambda x: tg.layer_norm(x, 3, "a"),
            TypeError,
            "layer_norm: weight must be a Value or a numpy array, got str",
        ),
        (lambda x: tg.layer_norm(x, 3, np.ones(3, np.float32)), TypeError, "float64 and float32"),
        (
            lambda x: tg.layer_norm(x, 3, eps=0),
            ValueError,
            "layer_norm: eps must be positive, got 0.0",
        ),
        (
            lambda x: tg.layer_norm(x, 3, eps="a"),
            TypeError,
            "layer_norm: eps must be a real number",
        ),
        (lambda x: tg.layer_norm("x", 3), TypeError, "layer_norm: expected Values"),
    ],
)
def test_errors(call, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        call(Value(np.ones((2, 3))))


# -- batch_norm --------------------------------------------------------------------------------

# (N, C, *) inputs: a batch, channels, and zero to two spatial axes.
images = st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.lists(st.integers(1, 3), max_size=2)
).map(lambda t: (t[0], t[1], *t[2]))


def _per_channel_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes), x.var(axis=axes)


def _normalized_per_channel(x: np.ndarray, mean: np.ndarray, var: np.ndarray, eps: float) -> Any:
    shape = (-1,) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)


@settings(max_examples=30, deadline=None)
@given(shape=images, seed=st.integers(0, 2**16), affine=st.integers(0, 2))
def test_batch_norm_training_gradients(shape: tuple[int, ...], seed: int, affine: int) -> None:
    assume(shape[0] * math.prod(shape[2:]) > 1)  # (one value per channel is refused)
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )

    def fn(x: Value, *affine: Value) -> Value:
        # running statistics given: updated at every call, they do not change the gradient
        c = shape[1]
        return tg.batch_norm(x, np.zeros(c), np.ones(c), *affine, training=True, eps=0.1)

    check(fn, x, *(w, b)[:affine])


@settings(max_examples=20, deadline=None)
@given(shape=images, seed=st.integers(0, 2**16))
def test_batch_norm_training_gradients_with_bias_only(shape: tuple[int, ...], seed: int) -> None:
    assume(shape[0] * math.prod(shape[2:]) > 1)
    rng = np.random.default_rng(seed)
    x, b = rng.standard_normal(shape), rng.standard_normal(shape[1])
    check(lambda x, b: tg.batch_norm(x, None, None, None, b, training=True, eps=0.1), x, b)


@settings(max_examples=25, deadline=None)
@given(shape=images, seed=st.integers(0, 2**16), affine=st.integers(0, 2))
def test_batch_norm_eval_gradients(shape: tuple[int, ...], seed: int, affine: int) -> None:
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    mean, var = rng.standard_normal(shape[1]), rng.uniform(0.5, 2.0, shape[1])
    check(lambda x, *affine: tg.batch_norm(x, mean, var, *affine), x, *(w, b)[:affine])


def test_batch_norm_values_training_and_eval() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 2, 5))
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    mean, var = _per_channel_stats(x)
    y = tg.batch_norm(x, None, None, w, b, training=True)
    expected = _normalized_per_channel(x, mean, var, 1e-5) * w.reshape(3, 1, 1) + b.reshape(3, 1, 1)
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-12)
    running_mean, running_var = rng.standard_normal(3), rng.uniform(0.5, 2.0, 3)
    y = tg.batch_norm(x, running_mean, running_var, w, b, training=False, eps=1e-3)
    expected = _normalized_per_channel(x, running_mean, running_var, 1e-3)
    np.testing.assert_allclose(y.data, expected * w.reshape(3, 1, 1) + b.reshape(3, 1, 1))


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (2, 3, 4, 4)])
@pytest.mark.parametrize("momentum", [0.1, 0.5, 1.0, 0.0])
def test_batch_norm_updates_the_running_statistics_in_place(
    shape: tuple[int, ...], momentum: float
) -> None:
    rng = np.random.default_rng(1)
    running_mean, running_var = np.zeros(3), np.ones(3)
    expected_mean, expected_var = np.zeros(3), np.ones(3)
    for step in range(4):
        x = rng.standard_normal(shape) * (step + 1) + step
        tg.batch_norm(x, running_mean, running_var, training=True, momentum=momentum)
        n = x.size // 3
        mean, var = _per_channel_stats(x)
        expected_mean = (1 - momentum) * expected_mean + momentum * mean
        expected_var = (1 - momentum) * expected_var + momentum * var * n / (n - 1)
        np.testing.assert_allclose(running_mean, expected_mean, rtol=1e-12)
        np.testing.assert_allclose(running_var, expected_var, rtol=1e-12)


def test_batch_norm_eval_and_an_empty_batch_leave_the_running_statistics() -> None:
    running_mean, running_var = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    tg.batch_norm(np.ones((3, 2)), running_mean, running_var)
    x = Value(np.zeros((0, 2, 3)), requires_grad=True)
    y = tg.batch_norm(x, running_mean, running_var, training=True)
    y.sum().backward()
    assert y.shape == x.grad.shape == (0, 2, 3)
    np.testing.assert_array_equal(running_mean, [0.5, -1.0])
    np.testing.assert_array_equal(running_var, [2.0, 3.0])


def test_batch_norm_updates_under_no_grad_and_with_nan() -> None:
    running_mean, running_var = np.zeros(2), np.ones(2)
    with tg.no_grad():
        tg.batch_norm(
            np.array([[1.0, np.nan], [3.0, 2.0]]), running_mean, running_var, training=True
        )
    np.testing.assert_allclose(running_mean, [0.2, np.nan])
    np.testing.assert_allclose(running_var, [1.1, np.nan])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_keeps_float32(training: bool) -> None:
    rng = np.random.default_rng(2)
    x = Value(rng.standard_normal((4, 3, 2)).astype(np.float32), requires_grad=True)
    w = Value(np.ones(3, np.float32), requires_grad=True)
    b = Value(np.zeros(3, np.float32), requires_grad=True)
    running_mean, running_var = np.zeros(3, np.float32), np.ones(3, np.float32)
    y = tg.batch_norm(x, running_mean, running_var, w, b, training=training, momentum=0.3)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32
    assert running_mean.dtype == running_var.dtype == np.float32


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_keeps_a_batch_innermost_layout(training: bool) -> None:
    """An (N, C, H, W) view of (C, H, W, N) memory gives a result in the same memory order,
    and the same numbers as the C-ordered input."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 3, 4, 2))
    batch_inner = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    w, b, g = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(x.shape)
    results = []
    for given_ in (x, batch_inner):
        v, wv, bv = Value(given_), Value(w), Value(b)
        y = tg.batch_norm(v, np.zeros(3), np.ones(3), wv, bv, training=training)
        y.backward(g)
        results.append((y.data, v.grad, wv.grad, bv.grad))
    assert results[1][0].transpose(1, 2, 3, 0).flags.c_contiguous
    for ours, expected in zip(results[1], results[0]):
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_batch_norm_is_one_node_and_eval_saves_a_copy_of_the_running_mean() -> None:
    x = Value(np.arange(6.0).reshape(3, 2), requires_grad=True)
    w = Value(np.array([2.0, 3.0]), requires_grad=True)
    running_mean, running_var = np.zeros(2), np.ones(2)
    y = tg.batch_norm(x, running_mean, running_var, w, training=False)
    assert y.grad_fn.op == "batch_norm"
    running_mean += 10.0  # a training step of the layer, before backward
    (gx, gw) = tg.grad((y * y).sum(), [x, w], create_graph=True)
    np.testing.assert_allclose(gw.data, 2 * w.data * (x.data**2).sum(axis=0) / (1 + 1e-5))
    np.testing.assert_allclose(gx.data, 2 * y.data * w.data / np.sqrt(1 + 1e-5))


def test_batch_norm_eval_accepts_eps_zero() -> None:
    y = tg.batch_norm(np.array([[1.0, 4.0]]), np.array([0.0, 0.0]), np.array([1.0, 4.0]), eps=0.0)
    np.testing.assert_array_equal(y.data, [[1.0, 2.0]])


def _m() -> Value:
    return Value(np.arange(6.0).reshape(2, 3))


RM, RV = np.zeros(3), np.ones(3)


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda: tg.batch_norm("x", RM, RV), TypeError, "batch_norm: expected Values"),
        (
            lambda: tg.batch_norm(Value(np.ones(3)), RM, RV),
            ValueError,
            r"batch_norm: expected an input of shape \(N, C, \*\), 2 dims or more, got shape "
            r"\(3,\)",
        ),
        (
            lambda: tg.batch_norm(_m(), np.zeros(4), RV),
            ValueError,
            r"batch_norm: running_mean must have shape \(3,\), one per channel of the input of "
            r"shape \(2, 3\), got shape \(4,\)",
        ),
        (lambda: tg.batch_norm(_m(), RM, np.ones((1, 3))), ValueError, r"running_var.*\(1, 3\)"),
        (
            lambda: tg.batch_norm(_m(), RM.astype(np.float32), RV),
            TypeError,
            "batch_norm: expected input and running_mean to have the same dtype, got float64 "
            "and float32",
        ),
        (
            lambda: tg.batch_norm(_m(), Value(RM), RV),
            TypeError,
            r"batch_norm: running_mean must be a numpy array or None, got Value \(a buffer",
        ),
        (lambda: tg.batch_norm(_m(), RM, [1.0, 1.0, 1.0]), TypeError, "running_var.*got list"),
        (
            lambda: tg.batch_norm(_m(), RM, None, training=True),
            ValueError,
            "batch_norm: running_mean and running_var must both be None or both be arrays, got "
            "ndarray and NoneType",
        ),
        (
            lambda: tg.batch_norm(_m(), None, None),
            ValueError,
            "batch_norm: running_mean and running_var must be given when training=False",
        ),
        (
            lambda: tg.batch_norm(_m(), np.broadcast_to(0.0, (3,)), RV, training=True),
            ValueError,
            "batch_norm: running_mean is read-only, and training=True updates it in place",
        ),
        (
            lambda: tg.batch_norm(np.ones((1, 3)), None, None, training=True),
            ValueError,
            r"batch_norm: Expected more than 1 value per channel when training, got input size "
            r"\(1, 3\)",
        ),
        (
            lambda: tg.batch_norm(np.ones((1, 3, 1, 1)), None, None, training=True),
            ValueError,
            r"more than 1 value per channel .*\(1, 3, 1, 1\)",
        ),
        (
            lambda: tg.batch_norm(_m(), RM, RV, np.ones(2)),
            ValueError,
            r"batch_norm: weight must have shape \(3,\), one per channel .*got shape \(2,\)",
        ),
        (lambda: tg.batch_norm(_m(), RM, RV, None, np.ones(4)), ValueError, r"bias.*\(4,\)"),
        (
            lambda: tg.batch_norm(_m(), RM, RV, np.ones(3, np.float32)),
            TypeError,
            "batch_norm: expected input and weight to have the same dtype, got float64 and float32",
        ),
        (
            lambda: tg.batch_norm(
                np.ones((2, 3), np.int64), *(a.astype(np.float32) for a in (RM, RV))
            ),
            TypeError,
            "expected input and running_mean to have the same dtype, got int64 and float32",
        ),
        (lambda: tg.batch_norm(_m(), RM, RV, "w"), TypeError, "batch_norm: weight must be a"),
        (
            lambda: tg.batch_norm(_m(), RM, RV, training=1),
            TypeError,
            "batch_norm: training must be True or False, got int 1",
        ),
        (
            lambda: tg.batch_norm(_m(), RM, RV, momentum=None),
            TypeError,
            "batch_norm: momentum must be a real number, got NoneType",
        ),
        (
            lambda: tg.batch_norm(_m(), RM, RV, momentum="a"),
            TypeError,
            "batch_norm: momentum must be a real number, got str",
        ),
        (lambda: tg.batch_norm(_m(), RM, RV, momentum=True), TypeError, "momentum.*bool"),
        (
            lambda: tg.batch_norm(_m(), None, None, training=True, eps=0.0),
            ValueError,
            "batch_norm: eps must be positive in training, got 0.0",
        ),
        (
            lambda: tg.batch_norm(_m(), RM, RV, eps=-1e-5),
            ValueError,
            "batch_norm: eps must be non-negative, got -1e-05",
        ),
        (lambda: tg.batch_norm(_m(), RM, RV, eps="a"), TypeError, "batch_norm: eps must be a"),
    ],
)
def test_batch_norm_errors(call, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        call()


# -- group_norm --------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    shape=images,
    groups=st.sampled_from([1, 2, 3]),
    seed=st.integers(0, 2**16),
    affine=st.integers(0, 2),
)
def test_group_norm_gradients(shape: tuple[int, ...], groups: int, seed: int, affine: int) -> None:
    shape = (shape[0], groups * shape[1], *shape[2:])
    assume(math.prod(shape) != groups)  # (one value per group is refused)
    rng = np.random.default_rng(seed)
    x, w, b = (
        rng.standard_normal(shape),
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    check(lambda x, *affine: tg.group_norm(x, groups, *affine, eps=0.1), x, *(w, b)[:affine])


def test_group_norm_values_and_special_cases() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 6, 2, 4))
    w, b = rng.standard_normal(6), rng.standard_normal(6)
    y = tg.group_norm(x, 3, w, b).data
    grouped = x.reshape(3, 3, -1)
    mean = grouped.mean(axis=-1, keepdims=True)
    var = grouped.var(axis=-1, keepdims=True)
    expected = ((grouped - mean) / np.sqrt(var + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(y, expected * w.reshape(6, 1, 1) + b.reshape(6, 1, 1), rtol=1e-12)
    # one group: layer_norm over (C, H, W); a group per channel: instance norm
    np.testing.assert_allclose(
        tg.group_norm(x, 1).data, tg.layer_norm(x, (6, 2, 4)).data, rtol=1e-12, atol=1e-12
    )
    per_channel = x.reshape(18, -1)
    expected = (per_channel - per_channel.mean(-1, keepdims=True)) / np.sqrt(
        per_channel.var(-1, keepdims=True) + 1e-5
    )
    np.testing.assert_allclose(tg.group_norm(x, 6).data, expected.reshape(x.shape), rtol=1e-12)


def test_group_norm_keeps_float32_and_a_batch_innermost_layout() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 6, 3, 3)).astype(np.float32)
    batch_inner = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    v = Value(batch_inner, requires_grad=True)
    w = Value(np.ones(6, np.float32), requires_grad=True)
    y = tg.group_norm(v, 2, w)
    assert y.dtype == np.float32
    assert y.data.transpose(1, 2, 3, 0).flags.c_contiguous
    np.testing.assert_allclose(y.data, tg.group_norm(x, 2, np.ones(6, np.float32)).data, atol=1e-6)
    (y * y).sum().backward()
    assert v.grad.dtype == w.grad.dtype == np.float32
    assert y.grad_fn.op == "group_norm"


def test_group_norm_empty_input() -> None:
    x = Value(np.zeros((0, 4, 3)), requires_grad=True)
    y = tg.group_norm(x, 2)
    y.sum().backward()
    assert y.shape == x.grad.shape == (0, 4, 3)


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda: tg.group_norm("x", 1), TypeError, "group_norm: expected Values"),
        (
            lambda: tg.group_norm(np.ones(4), 1),
            ValueError,
            r"group_norm: expected an input of shape \(N, C, \*\), 2 dims or more, got shape "
            r"\(4,\)",
        ),
        (
            lambda: tg.group_norm(np.ones((2, 3)), 2),
            ValueError,
            r"group_norm: Expected number of channels in input to be divisible by num_groups, "
            r"but got input of shape \(2, 3\) and num_groups=2",
        ),
        (lambda: tg.group_norm(np.ones((2, 4)), 0), ValueError, "num_groups must be a positive"),
        (lambda: tg.group_norm(np.ones((2, 4)), 2.0), TypeError, "num_groups must be an int"),
        (lambda: tg.group_norm(np.ones((2, 4)), True), TypeError, "num_groups.*bool"),
        (
            lambda: tg.group_norm(np.ones((1, 2)), 2),
            ValueError,
            r"group_norm: expected more than 1 value per group, got input of shape \(1, 2\)",
        ),
        (
            lambda: tg.group_norm(np.ones((2, 4)), 2, np.ones(2)),
            ValueError,
            r"group_norm: weight must have shape \(4,\), one per channel of the input of shape "
            r"\(2, 4\), got shape \(2,\)",
        ),
        (
            lambda: tg.group_norm(np.ones((2, 4)), 2, None, np.ones(4, np.float32)),
            TypeError,
            "group_norm: expected input and bias to have the same dtype",
        ),
        (lambda: tg.group_norm(np.ones((2, 4)), 2, eps=0.0), ValueError, "eps must be positive"),
        (lambda: tg.group_norm(np.ones((2, 4)), 2, eps=None), TypeError, "eps must be a real"),
    ],
)
def test_group_norm_errors(call, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        call()

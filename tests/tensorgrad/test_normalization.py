"""layer_norm: gradients (first and second order) against central differences, errors, one node."""

from __future__ import annotations

import numpy as np
import pytest
from gradchecks import check
from hypothesis import given, settings
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

"""scaled_dot_product_attention against PyTorch: values and the gradients of query, key, value
(and of a float mask), float64 tight and float32, second order, over broadcast batch shapes,
L != S, E != Ev, bool and float masks, causal, scale, fully masked rows, empty axes, and
dropout of 0 and 1 (the random draws of other probabilities differ between the libraries)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, TG, Tol, check, check_higher_order
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg

# The gradients add S or L products of float32 roundings; a few more ulps than F32's.
F32_GRADIENTS = Tol(rtol=1e-4, atol=1e-5)
KINDS = ("none", "bool", "float", "float leaf", "causal")


def attention(mask: np.ndarray | None = None, **options: Any) -> Any:
    """``fn(ops, q, k, v[, mask leaf])`` for check: the constant ``mask`` (if any) as each
    library takes it, or a fourth input when a float mask gets a gradient."""

    def fn(ops: Any, q: Any, k: Any, v: Any, *leaf: Any) -> Any:
        if ops is TG:
            given = leaf[0] if leaf else mask
            return tg.scaled_dot_product_attention(q, k, v, given, **options)
        given = leaf[0] if leaf else None if mask is None else torch.from_numpy(mask)
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, given, **options)

    return fn


@st.composite
def problems(draw: st.DrawFn, dtype: Any = np.float64) -> tuple[Any, tuple[np.ndarray, ...]]:
    batches = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=2, max_side=3)
    ).input_shapes
    length, keys, e, ev = (draw(st.integers(1, 4)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    arrays = [
        rng.standard_normal((*batches[0], length, e)).astype(dtype),
        rng.standard_normal((*batches[1], keys, e)).astype(dtype),
        rng.standard_normal((*batches[2], keys, ev)).astype(dtype),
    ]
    # (torch adds the mask to the scores in place: it may not add batch axes that only the
    # value has, which tensorgrad allows)
    target = (*np.broadcast_shapes(*batches[:2]), length, keys)
    cut = draw(st.integers(0, len(target) - 1))
    shape = tuple(n if draw(st.booleans()) else 1 for n in target[cut:])
    kind = draw(st.sampled_from(KINDS))
    options: dict[str, Any] = {"scale": draw(st.sampled_from([None, 0.4, -1.5]))}
    mask = None
    if kind == "bool":
        mask = rng.random(shape) < 0.6  # rows fully masked now and then
    elif kind == "float":
        mask = rng.standard_normal(shape).astype(dtype)
        mask[rng.random(shape) < 0.3] = -np.inf
    elif kind == "float leaf":
        arrays.append(rng.standard_normal(shape).astype(dtype))
    elif kind == "causal":
        options["is_causal"] = True
    return attention(mask, **options), tuple(arrays)


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_float64(problem: tuple[Any, tuple[np.ndarray, ...]]) -> None:
    fn, arrays = problem
    check(fn, *arrays)


@settings(max_examples=30, deadline=None)
@given(problem=problems(np.float32))
def test_float32(problem: tuple[Any, tuple[np.ndarray, ...]]) -> None:
    fn, arrays = problem
    out, _ = check(fn, *arrays, tol=F32, grad_tol=F32_GRADIENTS)
    assert out.dtype == np.float32


@settings(max_examples=20, deadline=None)
@given(problem=problems())
def test_second_order(problem: tuple[Any, tuple[np.ndarray, ...]]) -> None:
    fn, arrays = problem
    with _math_backend():
        check_higher_order(fn, *arrays, tol=Tol(rtol=1e-9, atol=1e-11))


def _math_backend() -> Any:
    """torch's composite implementation: its fused CPU kernel has no second derivative."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    return sdpa_kernel(SDPBackend.MATH)


@pytest.mark.parametrize("kind", ["bool", "float", "float leaf"])
@pytest.mark.parametrize("order", [1, 2])
def test_fully_masked_rows(kind: str, order: int) -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(2, 4, 3), (2, 5, 3), (2, 5, 2)]]
    allowed = rng.random((2, 4, 5)) < 0.5
    allowed[0, 1] = False
    allowed[1, 3] = False
    allowed[1, 0] = True
    mask = (
        allowed
        if kind == "bool"
        else np.where(allowed, rng.standard_normal(allowed.shape), -np.inf)
    )
    if kind == "float leaf":
        arrays.append(mask)
        fn = attention()
    else:
        fn = attention(mask)
    if order == 1:
        out, _ = check(fn, *arrays)
        np.testing.assert_array_equal(out.data[0, 1], 0.0)
    else:
        with _math_backend():
            check_higher_order(fn, *arrays)


@pytest.mark.parametrize(
    "shapes",
    [
        [(3, 4), (0, 4), (0, 2)],  # no keys: zeros
        [(0, 4), (3, 4), (3, 2)],  # no queries
        [(3, 0), (5, 0), (5, 2)],  # E = 0: equal weights
        [(3, 4), (5, 4), (5, 0)],  # Ev = 0
        [(0, 3, 4), (1, 5, 4), (1, 5, 2)],  # an empty batch
    ],
)
def test_empty_axes(shapes: list[tuple[int, ...]]) -> None:
    rng = np.random.default_rng(1)
    check(attention(), *(rng.standard_normal(s) for s in shapes))


def test_causal_with_more_queries_than_keys_and_a_float32_mask() -> None:
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s) for s in [(2, 6, 3), (2, 4, 3), (2, 4, 5)]]
    check(attention(is_causal=True), *arrays)
    check(attention(rng.standard_normal((6, 4)).astype(np.float32)), *arrays)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dropout_of_all_weights(dtype: Any) -> None:
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s).astype(dtype) for s in [(2, 4, 3), (2, 5, 3), (2, 5, 2)]]
    check(attention(dropout_p=1.0), *arrays)
    check(attention(dropout_p=0.0), *arrays, tol=F32 if dtype == np.float32 else Tol(1e-10, 1e-12))


@pytest.mark.parametrize("size", [17.0, 88.0, 1e4])
def test_float32_extremes(size: float) -> None:
    rng = np.random.default_rng(4)
    arrays = [
        (size * rng.choice([-1.0, 1.0], s) + rng.standard_normal(s)).astype(np.float32)
        for s in [(2, 3, 4), (2, 5, 4), (2, 5, 3)]
    ]
    out, _ = check(
        attention(is_causal=True), *arrays, tol=Tol(1e-4, 1e-3), grad_tol=Tol(1e-3, 1e-2)
    )
    assert np.isfinite(out.data).all()

"""layer_norm and nn.LayerNorm against PyTorch: values, gradients of input, weight and bias
(float64 tight, float32), second order, and the module's parameters, state_dict and repr."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, TG, Tol, check, check_higher_order
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import tensorgrad as tg

# The input's gradient is 1/σ times float32 rounding noise where it cancels to 0 (a group of
# one element: torch gives 7.6e-6, tensorgrad 0), and 1/σ is up to 1/√eps ≈ 316.
F32_GRADIENTS = Tol(rtol=1e-4, atol=1e-4)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def layer_norm(normalized: tuple[int, ...], eps: float = 1e-5) -> Any:
    def fn(ops: Any, x: Any, *affine: Any) -> Any:
        f = tg.layer_norm if ops is TG else torch.nn.functional.layer_norm
        return f(x, normalized, *affine, eps=eps)

    return fn


def arrays(shape: tuple[int, ...], k: int, seed: int, dtype: Any) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    normalized = shape[len(shape) - k :]
    return tuple(rng.standard_normal(s).astype(dtype) for s in (shape, normalized, normalized))


@settings(max_examples=25, deadline=None)
@given(shape=shapes, k=st.integers(1, 3), seed=st.integers(0, 2**16), affine=st.integers(0, 2))
def test_layer_norm_float64(shape: tuple[int, ...], k: int, seed: int, affine: int) -> None:
    k = min(k, len(shape))
    x, w, b = arrays(shape, k, seed, np.float64)
    check(layer_norm(shape[len(shape) - k :]), x, *(w, b)[:affine])


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_layer_norm_float32(shape: tuple[int, ...], seed: int) -> None:
    x, w, b = arrays(shape, 1, seed, np.float32)
    check(layer_norm(shape[-1:]), x, w, b, tol=F32, grad_tol=F32_GRADIENTS)


@pytest.mark.parametrize("eps", [1e-5, 0.5])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (5,)])
def test_layer_norm_second_order(shape: tuple[int, ...], eps: float) -> None:
    x, w, b = arrays(shape, len(shape) - 1 or 1, 0, np.float64)
    check_higher_order(layer_norm(shape[len(shape) - len(w.shape) :], eps), x, w, b)
    check_higher_order(layer_norm(shape[-1:], eps), x)


def test_layer_norm_constant_rows_and_large_values() -> None:
    x = np.array([[2.0, 2.0, 2.0], [1e4, -1e4, 17.0]])
    check(layer_norm((3,)), x, np.ones(3), np.zeros(3))
    check(layer_norm((3,)), x.astype(np.float32), tol=F32, grad_tol=F32_GRADIENTS)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((4,), {}),
        (((3, 4),), {"eps": 1e-3}),
        ((4,), {"bias": False}),
        ((4,), {"elementwise_affine": False}),
    ],
)
def test_layer_norm_module(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ours, theirs = (
        nn.LayerNorm(*args, **kwargs),
        torch.nn.LayerNorm(*args, **kwargs, dtype=torch.float64),
    )
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[key].data, value.numpy())
    x = np.random.default_rng(1).standard_normal((2, 3, 4))
    x_ours, x_theirs = tg.Value(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, expected = ours(x_ours), theirs(x_theirs)
    np.testing.assert_allclose(y.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(g)
    expected.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x_ours.grad, x_theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(
            getattr(ours, name).grad, p.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )

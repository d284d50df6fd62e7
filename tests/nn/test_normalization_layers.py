"""nn.LayerNorm: parameters, dtype, forward through one layer_norm node, errors."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from tensorgrad import Value


def test_parameters_start_at_ones_and_zeros() -> None:
    layer = nn.LayerNorm((2, 3))
    assert layer.normalized_shape == (2, 3)
    np.testing.assert_array_equal(layer.weight.data, np.ones((2, 3)))
    np.testing.assert_array_equal(layer.bias.data, np.zeros((2, 3)))
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_without_bias_or_affine() -> None:
    assert nn.LayerNorm(3, bias=False).bias is None
    layer = nn.LayerNorm(3, elementwise_affine=False)
    assert layer.weight is None
    assert layer.bias is None
    assert list(layer.parameters()) == []
    assert repr(layer) == "LayerNorm((3,), eps=1e-05, elementwise_affine=False, bias=False)"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype: type) -> None:
    layer = nn.LayerNorm(3, dtype=dtype)
    x = Value(np.arange(6.0).reshape(2, 3).astype(dtype), requires_grad=True)
    y = layer(x)
    assert y.dtype == dtype == layer.weight.dtype
    (y * y).sum().backward()
    assert x.grad.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == dtype


def test_forward_normalizes_and_is_one_node() -> None:
    layer = nn.LayerNorm(4, eps=1e-12)
    layer.weight.data = np.full(4, 2.0)
    layer.bias.data = np.full(4, 1.0)
    y = layer(np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 8.0]]))
    np.testing.assert_allclose(y.data.mean(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(y.data.std(axis=1), [2.0, 2.0])
    assert y.grad_fn.op == "layer_norm"


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (lambda: nn.LayerNorm("a"), TypeError, "LayerNorm: normalized_shape"),
        (lambda: nn.LayerNorm((2, 2.5)), TypeError, "normalized_shape.*2.5"),
        (lambda: nn.LayerNorm(-1), ValueError, "normalized_shape.*-1"),
        (lambda: nn.LayerNorm(3, eps=0.0), ValueError, "LayerNorm: eps must be positive, got 0.0"),
        (lambda: nn.LayerNorm(3, eps="a"), TypeError, "LayerNorm: eps"),
        (lambda: nn.LayerNorm(3, bias="no"), TypeError, "LayerNorm: bias"),
        (lambda: nn.LayerNorm(3, elementwise_affine=1), TypeError, "elementwise_affine"),
        (lambda: nn.LayerNorm(3, dtype=np.int32), TypeError, "LayerNorm: dtype"),
        (
            lambda: nn.LayerNorm(4)(np.ones((2, 3))),
            ValueError,
            r"LayerNorm\(\(4,\)\): the input's last axes must have shape \(4,\), got an input "
            r"of shape \(2, 3\)",
        ),
        (lambda: nn.LayerNorm(3)([[1.0, 2.0, 3.0]]), TypeError, "LayerNorm: the input"),
    ],
)
def test_errors(make, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        make()

"""The pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and their 1-d forms.

Each is its tensorgrad function with the settings it keeps: the attributes as PyTorch keeps
them, the repr as PyTorch prints it (``tests/crosscheck/test_pooling_vs_torch.py`` compares
both with torch's), the same result and gradient as the function, and its wrong arguments
refused when the layer is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hostile import strict

import nn
import tensorgrad as tg
from tensorgrad import Value

X2 = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
X1 = np.random.default_rng(1).standard_normal((2, 3, 9))

# (layer, the same call of the function, input)
SAME: list[tuple[nn.Module, Callable[[Any], Any], np.ndarray]] = [
    (nn.MaxPool2d(2), lambda x: tg.max_pool2d(x, 2), X2),
    (
        nn.MaxPool2d((3, 2), stride=1, padding=(1, 0), dilation=(1, 2), ceil_mode=True),
        lambda x: tg.max_pool2d(x, (3, 2), 1, (1, 0), (1, 2), True),
        X2,
    ),
    (nn.AvgPool2d(3, stride=2, padding=1), lambda x: tg.avg_pool2d(x, 3, 2, 1), X2),
    (
        nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False, divisor_override=3),
        lambda x: tg.avg_pool2d(x, 2, None, 0, True, False, 3),
        X2,
    ),
    (nn.AdaptiveAvgPool2d((3, None)), lambda x: tg.adaptive_avg_pool2d(x, (3, None)), X2),
    (nn.MaxPool1d(3, 2, 1, 2), lambda x: tg.max_pool1d(x, 3, 2, 1, 2), X1),
    (nn.AvgPool1d(4, 3, 2, True), lambda x: tg.avg_pool1d(x, 4, 3, 2, True), X1),
    (nn.AdaptiveAvgPool1d(4), lambda x: tg.adaptive_avg_pool1d(x, 4), X1),
]


@pytest.mark.parametrize(("layer", "function", "x"), SAME, ids=lambda p: repr(p)[:40])
def test_a_layer_is_its_function(layer: nn.Module, function: Any, x: np.ndarray) -> None:
    v, w = Value(x), Value(x)
    y, expected = layer(v), function(w)
    np.testing.assert_array_equal(y.data, expected.data)
    g = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(g)
    expected.backward(g)
    np.testing.assert_array_equal(v.grad, w.grad)
    # an array is data: the result needs no gradient
    assert not layer(x).requires_grad
    # one sample, unbatched
    np.testing.assert_array_equal(layer(x[0]).data, y.data[0])
    # no parameters, no buffers, nothing that training changes
    assert list(layer.parameters()) == []
    assert layer.state_dict() == {}
    np.testing.assert_array_equal(layer.eval()(x).data, y.data)


@pytest.mark.parametrize(
    "layer", [nn.MaxPool2d(2, return_indices=True), nn.MaxPool1d(2, return_indices=True)]
)
def test_return_indices_gives_the_indices_too(layer: nn.Module) -> None:
    x = X2 if isinstance(layer, nn.MaxPool2d) else X1
    values, indices = layer(x)
    expected, expected_indices = (tg.max_pool2d if x.ndim == 4 else tg.max_pool1d)(
        x, 2, return_indices=True
    )
    np.testing.assert_array_equal(values.data, expected.data)
    np.testing.assert_array_equal(indices, expected_indices)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layer", [layer for layer, _, _ in SAME], ids=lambda p: repr(p)[:40])
def test_a_layer_keeps_the_dtype(layer: nn.Module, dtype: Any) -> None:
    x = Value(
        (
            X2 if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d)) else X1
        ).astype(dtype)
    )
    with strict():
        y = layer(x)
        y.sum().backward()
    assert y.dtype == x.grad.dtype == dtype


def test_attributes_and_repr_as_pytorch() -> None:
    pool = nn.MaxPool2d(2)
    assert (pool.kernel_size, pool.stride, pool.padding, pool.dilation) == (2, 2, 0, 1)
    assert (pool.return_indices, pool.ceil_mode) == (False, False)
    assert (
        repr(pool) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    pool = nn.MaxPool2d((3, 2), stride=[1, 2])  # kept as given, a list too
    assert pool.stride == [1, 2]
    assert repr(pool).startswith("MaxPool2d(kernel_size=(3, 2), stride=[1, 2], padding=0")
    pool = nn.AvgPool2d((3, 2), 1, 1, True, False, 2)
    assert repr(pool) == "AvgPool2d(kernel_size=(3, 2), stride=1, padding=1)"
    assert (pool.ceil_mode, pool.count_include_pad, pool.divisor_override) == (True, False, 2)
    pool = nn.AvgPool1d(3)  # PyTorch's AvgPool1d keeps tuples of one
    assert (pool.kernel_size, pool.stride, pool.padding) == ((3,), (3,), (0,))
    assert repr(pool) == "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"
    assert repr(nn.MaxPool1d(3, 2)) == (
        "MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.AdaptiveAvgPool2d((None, 2))) == "AdaptiveAvgPool2d(output_size=(None, 2))"
    assert repr(nn.AdaptiveAvgPool1d(4)) == "AdaptiveAvgPool1d(output_size=4)"


def test_a_small_cnn_trains() -> None:
    """Pooling between layers: a gradient reaches every parameter, and a step lowers the loss."""
    _ = nn.manual_seed(0)
    model = nn.Sequential(
        _Pointwise(),
        nn.MaxPool2d(2),
        nn.AvgPool2d(2, stride=1, padding=1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(3, 2),
    )
    x = np.random.default_rng(3).standard_normal((4, 1, 6, 6))
    y = np.array([0, 1, 0, 1])
    opt = nn.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.cross_entropy(model(x), y)
        loss.backward()
        losses.append(loss.item())
        opt.step()
    assert all(p.grad is not None and np.isfinite(p.grad).all() for p in model.parameters())
    assert losses[-1] < losses[0]


class _Pointwise(nn.Module):
    """Three channels from one, ``a·x + b`` per channel (a 1×1 convolution, written out)."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Parameter(np.array([1.0, -1.0, 0.5]).reshape(1, 3, 1, 1))
        self.b = nn.Parameter(np.zeros((1, 3, 1, 1)))

    def forward(self, x: Any) -> Value:
        return (x * self.a + self.b).relu()


ERRORS: list[tuple[Callable[[], Any], type[Exception], str]] = [
    (
        lambda: nn.MaxPool2d("a"),
        TypeError,
        "MaxPool2d: kernel_size must be an int or a tuple of 2 ints, got str 'a'",
    ),
    (lambda: nn.MaxPool2d(0), ValueError, "MaxPool2d: kernel_size must be at least 1, got 0"),
    (
        lambda: nn.MaxPool2d(2, stride=(1, 0)),
        ValueError,
        r"MaxPool2d: stride must be at least 1, got \(1, 0\)",
    ),
    (
        lambda: nn.MaxPool2d(2, padding=-1),
        ValueError,
        "MaxPool2d: padding must be at least 0, got -1",
    ),
    (
        lambda: nn.MaxPool2d(2, dilation=1.5),
        TypeError,
        "MaxPool2d: dilation must be an int or a tuple",
    ),
    (
        lambda: nn.MaxPool2d(2, return_indices="no"),
        TypeError,
        "MaxPool2d: return_indices must be True or False",
    ),
    (
        lambda: nn.MaxPool1d((2, 2)),
        ValueError,
        r"MaxPool1d: kernel_size must be an int or a tuple of 1 ints, got \(2, 2\)",
    ),
    (
        lambda: nn.MaxPool1d(2, ceil_mode=1),
        TypeError,
        "MaxPool1d: ceil_mode must be True or False, got int 1",
    ),
    (
        lambda: nn.AvgPool2d(2, count_include_pad="yes"),
        TypeError,
        "AvgPool2d: count_include_pad must be True or False",
    ),
    (
        lambda: nn.AvgPool2d(2, divisor_override=0),
        ValueError,
        "AvgPool2d: divisor_override must not be 0",
    ),
    (
        lambda: nn.AvgPool2d(2, divisor_override=2.0),
        TypeError,
        "AvgPool2d: divisor_override must be an int, got float",
    ),
    (lambda: nn.AvgPool1d(2, stride=0), ValueError, "AvgPool1d: stride must be at least 1, got 0"),
    (
        lambda: nn.AdaptiveAvgPool2d(-1),
        ValueError,
        "AdaptiveAvgPool2d: output_size must be at least 0, got -1",
    ),
    (
        lambda: nn.AdaptiveAvgPool2d((1, "a")),
        TypeError,
        "AdaptiveAvgPool2d: output_size must be an int, got str",
    ),
    (
        lambda: nn.AdaptiveAvgPool1d(None),
        TypeError,
        "AdaptiveAvgPool1d: output_size must be an int or a tuple of 1 ints, got NoneType",
    ),
    (
        lambda: nn.MaxPool2d(2)([[1.0]]),
        TypeError,
        "MaxPool2d: the input must be a Value or a numpy array, got list",
    ),
    (
        lambda: nn.AvgPool2d(2)(np.ones((1, 1, 4, 4), complex)),
        TypeError,
        "AvgPool2d: the input must be an array of real numbers, got dtype complex128",
    ),
    # what depends on the input: at the call, in the function's words
    (
        lambda: nn.MaxPool2d(3)(np.ones((1, 1, 2, 2))),
        ValueError,
        r"max_pool2d: kernel_size \(3, 3\) is larger than the padded input \(2, 2\)",
    ),
    (
        lambda: nn.MaxPool2d(2, padding=2)(np.ones((1, 1, 4, 4))),
        ValueError,
        r"max_pool2d: padding \(2, 2\) is more than half of kernel_size \(2, 2\)",
    ),
    (
        lambda: nn.AvgPool1d(2)(np.ones(4)),
        ValueError,
        r"avg_pool1d: expected a 2-d \(C, L\) or 3-d \(N, C, L\) input, got shape \(4,\)",
    ),
]


@pytest.mark.parametrize(("call", "kind", "message"), ERRORS)
def test_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()

"""nn.LayerNorm, nn.BatchNorm1d, nn.BatchNorm2d and nn.GroupNorm: parameters, buffers and
their state dict, training and evaluation, running statistics, dtype, one node, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
import nn.functional as F  # noqa: N812  (PyTorch's conventional name)
import tensorgrad as tg
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


# -- BatchNorm1d, BatchNorm2d ------------------------------------------------------------------

BATCH_NORMS = [
    (nn.BatchNorm1d, (6, 3)),
    (nn.BatchNorm1d, (4, 3, 5)),
    (nn.BatchNorm2d, (4, 3, 2, 3)),
]


def _stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    axes = (0, *range(2, x.ndim))
    return x.mean(axis=axes), x.var(axis=axes), x.size // x.shape[1]


def _normalized(x: np.ndarray, mean: np.ndarray, var: np.ndarray, eps: float) -> np.ndarray:
    shape = (-1,) + (1,) * (x.ndim - 2)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls", [nn.BatchNorm1d, nn.BatchNorm2d])
def test_batch_norm_starts_as_pytorch(cls: type, dtype: type) -> None:
    layer = cls(3, dtype=dtype)
    np.testing.assert_array_equal(layer.weight.data, np.ones(3))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(3))
    np.testing.assert_array_equal(layer.running_mean, np.zeros(3))
    np.testing.assert_array_equal(layer.running_var, np.ones(3))
    assert layer.weight.dtype == layer.running_mean.dtype == layer.running_var.dtype == dtype
    assert layer.num_batches_tracked.shape == ()
    assert layer.num_batches_tracked.dtype == np.int64
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert [name for name, _ in layer.named_buffers()] == [
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    assert list(layer.state_dict()) == [
        "weight",
        "bias",
        "running_mean",
        "running_var",
        "num_batches_tracked",
    ]
    name = cls.__name__
    assert repr(layer) == (
        f"{name}(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )


@pytest.mark.parametrize("momentum", [0.1, 0.7, None])
@pytest.mark.parametrize(("cls", "shape"), BATCH_NORMS)
def test_batch_norm_running_statistics_over_several_steps(
    cls: type, shape: tuple[int, ...], momentum: float | None
) -> None:
    rng = np.random.default_rng(0)
    layer = cls(3, momentum=momentum, eps=1e-3)
    layer.weight.data = rng.standard_normal(3)
    layer.bias.data = rng.standard_normal(3)
    running_mean, running_var = np.zeros(3), np.ones(3)
    batches = []
    for step in range(1, 5):
        x = rng.standard_normal(shape) * step + step
        batches.append(x)
        y = layer(x)
        mean, var, n = _stats(x)
        expected = _normalized(x, mean, var, 1e-3)
        scale = (-1,) + (1,) * (x.ndim - 2)
        expected = expected * layer.weight.data.reshape(scale) + layer.bias.data.reshape(scale)
        np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
        factor = 1 / step if momentum is None else momentum
        running_mean = (1 - factor) * running_mean + factor * mean
        running_var = (1 - factor) * running_var + factor * var * n / (n - 1)
        np.testing.assert_allclose(layer.running_mean, running_mean, rtol=1e-12)
        np.testing.assert_allclose(layer.running_var, running_var, rtol=1e-12)
        assert int(layer.num_batches_tracked) == step
    if momentum is None:  # the cumulative average of the batches' statistics
        np.testing.assert_allclose(running_mean, np.mean([_stats(b)[0] for b in batches], 0))
    # evaluation: the running statistics normalize, and stay as they are
    layer.eval()
    x = rng.standard_normal(shape)
    y = layer(x)
    expected = _normalized(x, running_mean, running_var, 1e-3)
    scale = (-1,) + (1,) * (x.ndim - 2)
    expected = expected * layer.weight.data.reshape(scale) + layer.bias.data.reshape(scale)
    np.testing.assert_allclose(y.data, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.running_mean, running_mean, rtol=1e-12)
    assert int(layer.num_batches_tracked) == 4


def test_batch_norm_without_running_statistics_uses_the_batch_in_both_modes() -> None:
    layer = nn.BatchNorm1d(3, track_running_stats=False)
    assert layer.running_mean is None
    assert layer.running_var is None
    assert layer.num_batches_tracked is None
    assert list(layer.state_dict()) == ["weight", "bias"]
    x = np.random.default_rng(1).standard_normal((5, 3))
    train = layer(x).data
    np.testing.assert_allclose(layer.eval()(x).data, train)
    mean, var, _ = _stats(x)
    np.testing.assert_allclose(train, _normalized(x, mean, var, 1e-5))


def test_batch_norm_without_affine_or_bias() -> None:
    layer = nn.BatchNorm2d(2, affine=False)
    assert layer.weight is None
    assert layer.bias is None
    assert list(layer.parameters()) == []
    assert list(layer.state_dict()) == ["running_mean", "running_var", "num_batches_tracked"]
    assert "affine=False, bias=False" in repr(layer)
    layer = nn.BatchNorm1d(2, bias=False)
    assert layer.bias is None
    assert layer.weight is not None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_keeps_its_dtype(dtype: type, training: bool) -> None:
    layer = nn.BatchNorm2d(3, dtype=dtype).train(training)
    x = Value(np.random.default_rng(2).standard_normal((2, 3, 2, 2)).astype(dtype))
    y = layer(x)
    assert y.dtype == dtype
    (y * y).sum().backward()
    assert x.grad.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == dtype
    assert layer.running_mean.dtype == layer.running_var.dtype == dtype
    assert y.grad_fn.op == "batch_norm"


def test_batch_norm_to_converts_the_running_statistics_not_the_count() -> None:
    layer = nn.BatchNorm1d(3)
    layer(np.random.default_rng(3).standard_normal((4, 3)))
    layer.to(np.float32)
    assert layer.running_mean.dtype == layer.running_var.dtype == layer.weight.dtype == np.float32
    assert layer.num_batches_tracked.dtype == np.int64
    assert layer(np.ones((2, 3), np.float32)).dtype == np.float32


def test_batch_norm_state_dict_round_trip_with_buffers(tmp_path: Any) -> None:
    rng = np.random.default_rng(4)
    trained = nn.BatchNorm2d(3, momentum=None)
    for _ in range(3):
        trained(rng.standard_normal((4, 3, 2, 2)))
    trained.weight.data = rng.standard_normal(3)
    state = trained.state_dict()
    assert int(state["num_batches_tracked"]) == 3
    fresh = nn.BatchNorm2d(3, momentum=None)
    buffer = fresh.running_mean
    fresh.load_state_dict(state)
    assert fresh.running_mean is buffer  # loaded in place
    nn.save(trained.state_dict(), tmp_path / "bn.npz")
    again = nn.BatchNorm2d(3, momentum=None)
    again.load_state_dict(nn.load(tmp_path / "bn.npz"))
    for other in (fresh, again):
        for key, value in state.items():
            np.testing.assert_array_equal(other.state_dict()[key], value, err_msg=key)
        assert other.num_batches_tracked.dtype == np.int64
    x = rng.standard_normal((2, 3, 2, 2))
    np.testing.assert_array_equal(again.eval()(x).data, trained.eval()(x).data)
    # the cumulative average goes on from the loaded count
    trained.train()(x)
    again.train()(x)
    np.testing.assert_array_equal(again.running_mean, trained.running_mean)


def test_batch_norm_reset() -> None:
    layer = nn.BatchNorm1d(2)
    layer(np.array([[1.0, 2.0], [3.0, 5.0]]))
    layer.weight.data = np.array([3.0, 4.0])
    mean = layer.running_mean
    layer.reset_running_stats()
    assert layer.running_mean is mean
    np.testing.assert_array_equal(layer.running_mean, [0.0, 0.0])
    np.testing.assert_array_equal(layer.running_var, [1.0, 1.0])
    assert int(layer.num_batches_tracked) == 0
    np.testing.assert_array_equal(layer.weight.data, [3.0, 4.0])
    layer.reset_parameters()
    np.testing.assert_array_equal(layer.weight.data, [1.0, 1.0])
    nn.BatchNorm1d(2, affine=False, track_running_stats=False).reset_parameters()


def test_a_refused_batch_is_not_counted() -> None:
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        layer(np.ones((1, 3)))
    assert int(layer.num_batches_tracked) == 0
    np.testing.assert_array_equal(layer.running_mean, np.zeros(3))
    assert layer.eval()(np.ones((1, 3))).shape == (1, 3)  # one sample is fine in evaluation


def test_batch_norm_without_per_channel_state_takes_any_channels() -> None:
    layer = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert layer(np.random.default_rng(5).standard_normal((4, 5))).shape == (4, 5)


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (lambda: nn.BatchNorm1d(2.0), TypeError, "BatchNorm1d: num_features must be"),
        (lambda: nn.BatchNorm1d(True), TypeError, "num_features.*bool"),
        (lambda: nn.BatchNorm2d(-1), ValueError, "BatchNorm2d: num_features.*-1"),
        (lambda: nn.BatchNorm1d(3, eps=0.0), ValueError, "BatchNorm1d: eps must be positive"),
        (lambda: nn.BatchNorm1d(3, eps="a"), TypeError, "BatchNorm1d: eps must be a real"),
        (lambda: nn.BatchNorm1d(3, momentum="a"), TypeError, "momentum must be a real.*'a'"),
        (lambda: nn.BatchNorm1d(3, momentum=float("nan")), ValueError, "momentum.*nan"),
        (lambda: nn.BatchNorm1d(3, affine="no"), TypeError, "BatchNorm1d: affine must be a bool"),
        (lambda: nn.BatchNorm1d(3, track_running_stats=1), TypeError, "track_running_stats"),
        (lambda: nn.BatchNorm1d(3, bias=None), TypeError, "BatchNorm1d: bias must be a bool"),
        (lambda: nn.BatchNorm2d(3, dtype=np.int64), TypeError, "BatchNorm2d: dtype"),
        (
            lambda: nn.BatchNorm1d(3)(np.ones((2, 3, 4, 5))),
            ValueError,
            r"BatchNorm1d: expected 2D or 3D input \(got 4D input\)",
        ),
        (
            lambda: nn.BatchNorm2d(3)(np.ones((3, 4, 4))),
            ValueError,
            r"BatchNorm2d: expected 4D input \(got 3D input\)",
        ),
        (
            lambda: nn.BatchNorm2d(3)(np.ones((2, 4, 4, 4))),
            ValueError,
            r"BatchNorm2d\(3\): expected an input of 3 channels, \(N, 3, \.\.\.\), got an input "
            r"of shape \(2, 4, 4, 4\)",
        ),
        (lambda: nn.BatchNorm1d(3)([[1.0, 2.0, 3.0]]), TypeError, "BatchNorm1d: the input"),
        (
            lambda: nn.BatchNorm1d(3, dtype=np.float32)(np.ones((2, 3))),
            TypeError,
            r"batch_norm: expected input and \w+ to have the same dtype, got float64 and float32",
        ),
    ],
)
def test_batch_norm_errors(make, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        make()


# -- GroupNorm ---------------------------------------------------------------------------------


def test_group_norm_layer() -> None:
    layer = nn.GroupNorm(2, 4, eps=1e-3)
    assert repr(layer) == "GroupNorm(2, 4, eps=0.001, affine=True, bias=True)"
    assert list(layer.state_dict()) == ["weight", "bias"]
    np.testing.assert_array_equal(layer.weight.data, np.ones(4))
    np.testing.assert_array_equal(layer.bias.data, np.zeros(4))
    rng = np.random.default_rng(6)
    layer.weight.data = rng.standard_normal(4)
    layer.bias.data = rng.standard_normal(4)
    x = rng.standard_normal((3, 4, 5))
    y = layer(x)
    assert y.grad_fn.op == "group_norm"
    expected = tg.group_norm(x, 2, layer.weight.data, layer.bias.data, 1e-3).data
    np.testing.assert_array_equal(y.data, expected)
    np.testing.assert_array_equal(layer.eval()(x).data, expected)  # the same in evaluation
    plain = nn.GroupNorm(1, 3, affine=False)
    assert plain.weight is None
    assert plain.bias is None
    assert repr(plain) == "GroupNorm(1, 3, eps=1e-05, affine=False, bias=False)"
    assert nn.GroupNorm(1, 3, bias=False).bias is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_group_norm_keeps_its_dtype(dtype: type) -> None:
    layer = nn.GroupNorm(3, 6, dtype=dtype)
    x = Value(np.random.default_rng(7).standard_normal((2, 6, 2, 2)).astype(dtype))
    y = layer(x)
    (y * y).sum().backward()
    assert y.dtype == x.grad.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == dtype


@pytest.mark.parametrize(
    ("make", "kind", "message"),
    [
        (
            lambda: nn.GroupNorm(2, 3),
            ValueError,
            r"GroupNorm: num_channels \(3\) must be divisible by num_groups \(2\)",
        ),
        (lambda: nn.GroupNorm(0, 3), ValueError, "GroupNorm: num_groups must be a positive int"),
        (lambda: nn.GroupNorm(1.0, 3), TypeError, "GroupNorm: num_groups"),
        (lambda: nn.GroupNorm(1, "3"), TypeError, "GroupNorm: num_channels.*'3'"),
        (lambda: nn.GroupNorm(1, -1), ValueError, "GroupNorm: num_channels.*-1"),
        (lambda: nn.GroupNorm(1, 3, eps=-1.0), ValueError, "GroupNorm: eps must be positive"),
        (lambda: nn.GroupNorm(1, 3, affine="yes"), TypeError, "GroupNorm: affine"),
        (lambda: nn.GroupNorm(1, 3, bias=0), TypeError, "GroupNorm: bias"),
        (lambda: nn.GroupNorm(1, 3, dtype="int8"), TypeError, "GroupNorm: dtype"),
        (
            lambda: nn.GroupNorm(2, 4)(np.ones((2, 6))),
            ValueError,
            r"GroupNorm\(2, 4\): expected an input of 4 channels, \(N, 4, \.\.\.\), got an input "
            r"of shape \(2, 6\)",
        ),
        (lambda: nn.GroupNorm(2, 4)(np.ones(4)), ValueError, r"GroupNorm\(2, 4\).*\(4,\)"),
        (
            lambda: nn.GroupNorm(2, 4, affine=False)(np.ones((2, 3))),
            ValueError,
            "group_norm: Expected number of channels in input to be divisible by num_groups",
        ),
        (lambda: nn.GroupNorm(2, 4)("x"), TypeError, "GroupNorm: the input"),
    ],
)
def test_group_norm_errors(make, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind, match=message):
        make()


def test_functional_names_are_tensorgrads_functions() -> None:
    assert F.batch_norm is tg.batch_norm
    assert F.group_norm is tg.group_norm
    assert F.layer_norm is tg.layer_norm

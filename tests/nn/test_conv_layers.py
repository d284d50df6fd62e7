"""nn.Conv1d, Conv2d, ConvTranspose1d and ConvTranspose2d: shapes, parameters, dtypes,
padding modes, gradients through the layer, state dicts, and every error message."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
import tensorgrad as tg
from tensorgrad import Value


def test_conv2d_shapes_and_parameters() -> None:
    conv = nn.Conv2d(3, 8, (3, 5), stride=2, padding=(1, 2), groups=1)
    assert conv.weight.shape == (8, 3, 3, 5)
    assert conv.bias is not None
    assert conv.bias.shape == (8,)
    assert conv(np.zeros((4, 3, 9, 9))).shape == (4, 8, 5, 5)
    assert conv(np.zeros((3, 9, 9))).shape == (8, 5, 5)  # one image, as PyTorch allows
    assert [name for name, _ in conv.named_parameters()] == ["weight", "bias"]
    assert conv.kernel_size == (3, 5)
    assert conv.stride == (2, 2)
    assert conv.padding == (1, 2)


def test_grouped_and_depthwise() -> None:
    depthwise = nn.Conv2d(4, 4, 3, groups=4, bias=False)
    assert depthwise.weight.shape == (4, 1, 3, 3)
    assert depthwise.bias is None
    x = np.random.default_rng(0).standard_normal((2, 4, 5, 5))
    y = depthwise(x).numpy()
    for c in range(4):  # each channel convolved with its own filter only
        alone = tg.conv2d(x[:, c : c + 1], depthwise.weight.numpy()[c : c + 1]).numpy()
        np.testing.assert_allclose(y[:, c : c + 1], alone)


def test_conv1d_and_transposed_shapes() -> None:
    assert nn.Conv1d(2, 5, 3, padding="same")(np.zeros((3, 2, 7))).shape == (3, 5, 7)
    up = nn.ConvTranspose2d(6, 3, 4, stride=2, padding=1)
    assert up.weight.shape == (6, 3, 4, 4)
    assert up(np.zeros((2, 6, 5, 5))).shape == (2, 3, 10, 10)
    assert nn.ConvTranspose1d(2, 4, 3, stride=2, output_padding=1)(np.zeros((1, 2, 5))).shape == (
        1,
        4,
        12,
    )


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_pad_then_convolve(mode: str) -> None:
    conv = nn.Conv2d(1, 2, 3, padding=1, padding_mode=mode)
    x = np.random.default_rng(1).standard_normal((2, 1, 5, 6))
    padded = nn.functional.pad(Value(x), (1, 1, 1, 1), mode=mode)
    expected = tg.conv2d(padded, conv.weight, conv.bias).numpy()
    np.testing.assert_allclose(conv(x).numpy(), expected)


def test_gradients_reach_every_parameter() -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 2, 3, stride=2), nn.Flatten()
    )
    x = np.random.default_rng(2).standard_normal((3, 1, 7, 7))
    model(x).sum().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert p.grad.shape == p.shape


def test_gradcheck_through_the_layers() -> None:
    rng = np.random.default_rng(3)
    for layer, shape in [
        (nn.Conv2d(2, 3, 2, stride=2, padding=1, padding_mode="reflect"), (2, 2, 4, 5)),
        (nn.ConvTranspose2d(2, 4, 3, stride=2, groups=2), (1, 2, 3, 3)),
        (nn.Conv1d(2, 2, 3, padding="same", padding_mode="circular"), (2, 2, 6)),
    ]:
        tg.gradcheck(layer, Value(rng.standard_normal(shape)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype(dtype: Any) -> None:
    conv = nn.Conv2d(1, 2, 3, dtype=dtype)
    assert conv.weight.dtype == dtype
    y = conv(np.ones((1, 1, 4, 4), dtype))
    assert y.dtype == dtype
    other = np.float64 if dtype == np.float32 else np.float32
    with pytest.raises(TypeError, match="conv2d: expected input and weight to have the same dtype"):
        conv(np.ones((1, 1, 4, 4), other))


def test_state_dict_round_trip(tmp_path: Any) -> None:
    conv = nn.Conv2d(2, 3, 3, generator=np.random.default_rng(4))
    path = tmp_path / "conv.npz"
    nn.save(conv.state_dict(), path)
    other = nn.Conv2d(2, 3, 3, generator=np.random.default_rng(5))
    other.load_state_dict(nn.load(path))
    x = np.ones((1, 2, 4, 4))
    np.testing.assert_array_equal(other(x).numpy(), conv(x).numpy())


def test_the_generator_makes_the_same_layer() -> None:
    a = nn.Conv2d(2, 3, 3, generator=np.random.default_rng(6))
    b = nn.Conv2d(2, 3, 3, generator=np.random.default_rng(6))
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.Conv2d(3, 8, 3, groups=2), ValueError,
         r"Conv2d: in_channels \(3\) must be divisible by groups \(2\)"),
        (lambda: nn.Conv2d(4, 6, 3, groups=4), ValueError,
         r"Conv2d: out_channels \(6\) must be divisible by groups \(4\)"),
        (lambda: nn.Conv2d(0, 8, 3), ValueError, r"in_channels must be a positive int, got 0"),
        (lambda: nn.Conv2d(3.0, 8, 3), TypeError, r"in_channels must be a positive int, got float"),
        (lambda: nn.Conv2d(3, 8, 0), ValueError, r"Conv2d: kernel_size must be at least 1, got 0"),
        (lambda: nn.Conv2d(3, 8, (3, 3, 3)), ValueError,
         r"Conv2d: kernel_size must be an int or a tuple of 2 ints, got \(3, 3, 3\)"),
        (lambda: nn.Conv2d(3, 8, "3"), TypeError, r"kernel_size must be an int .* got str '3'"),
        (lambda: nn.Conv2d(3, 8, 3, stride=0), ValueError, r"Conv2d: stride must be at least 1"),
        (lambda: nn.Conv2d(3, 8, 3, padding=-1), ValueError, r"Conv2d: padding must be at least 0"),
        (lambda: nn.Conv2d(3, 8, 3, padding="full"), ValueError,
         r"Conv2d: padding must be an int or a tuple of ints, 'valid' or 'same', got 'full'"),
        (lambda: nn.Conv2d(3, 8, 3, stride=2, padding="same"), ValueError,
         r"Conv2d: padding='same' is not supported for strided convolutions"),
        (lambda: nn.Conv2d(3, 8, 3, padding_mode="mirror"), ValueError,
         r"Conv2d: padding_mode must be 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'"),
        (lambda: nn.Conv2d(3, 8, 3, bias="no"), TypeError, r"Conv2d: bias must be a bool"),
        (lambda: nn.Conv2d(3, 8, 3, dtype=np.int32), TypeError, r"Conv2d: .*int32"),
        (lambda: nn.Conv1d(3, 8, (3, 3)), ValueError,
         r"Conv1d: kernel_size must be an int or a tuple of 1 ints, got \(3, 3\)"),
        (lambda: nn.ConvTranspose2d(3, 8, 3, padding="same"), ValueError,
         r"ConvTranspose2d: padding must be an int or a tuple of ints, got 'same'"),
        (lambda: nn.ConvTranspose2d(3, 8, 3, padding_mode="reflect"), ValueError,
         r"ConvTranspose2d: padding_mode must be 'zeros', got 'reflect'"),
        (lambda: nn.Conv2d(3, 8, 3)(np.ones((2, 4, 5, 5))), ValueError,
         r"Conv2d\(3, 8, .*\): expected an input of shape \(N, 3, H, W\) or \(3, H, W\), got shape "
         r"\(2, 4, 5, 5\)"),
        (lambda: nn.Conv2d(3, 8, 3)(np.ones((5, 5))), ValueError, r"got shape \(5, 5\)"),
        (lambda: nn.Conv2d(3, 8, 3)([[1.0]]), TypeError,
         r"Conv2d: the input must be a Value or a numpy array, got list"),
        (lambda: nn.Conv1d(3, 8, 3)(np.ones((2, 3, 5, 5))), ValueError,
         r"expected an input of shape \(N, 3, L\) or \(3, L\)"),
        (lambda: nn.Conv2d(3, 8, 5)(np.ones((1, 3, 4, 4))), ValueError,
         r"conv2d: kernel size \(5, 5\) is larger than the padded input \(4, 4\)"),
        (lambda: nn.ConvTranspose2d(3, 8, 3, stride=2)(np.ones((1, 3, 4, 4)), output_size=(12, 9)),
         ValueError, r"requested an output size of \(12, 9\), but valid sizes along axis 0 range "
         r"from 9 to 10"),
        (lambda: nn.ConvTranspose2d(3, 8, 3)(np.ones((1, 3, 4, 4)), output_size=(6,)), ValueError,
         r"output_size must have 2 or 4 elements, got \(6,\)"),
    ],
)  # fmt: skip
def test_errors(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()

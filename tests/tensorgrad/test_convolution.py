"""conv2d, conv1d, conv_transpose2d/1d, unfold and fold: gradients of input, weight and bias
(first and second order) against central differences over hypothesis-chosen geometries, the
values against a direct loop, the memory layout, and every error message."""

from __future__ import annotations

import numpy as np
import pytest
from cases import conv_geometries
from gradchecks import check
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import Value


def _arrays(geo: dict[str, object], transposed: bool = False) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(geo["seed"])  # type: ignore[arg-type]
    c, c_out, groups = geo["c"], geo["c_out"], geo["groups"]
    x = rng.standard_normal((geo["n"], c, *geo["size"]))  # type: ignore[misc]
    if transposed:  # weight (C_in, C_out / groups, k...) and a bias per output channel
        w = rng.standard_normal((c, c_out // groups, *geo["kernel"]))  # type: ignore[operator, misc]
    else:
        w = rng.standard_normal((c_out, c // groups, *geo["kernel"]))  # type: ignore[operator, misc]
    b = rng.standard_normal(w.shape[1] * groups if transposed else c_out)  # type: ignore[operator]
    return x, w, b


@settings(max_examples=30, deadline=None)
@given(geo=conv_geometries())
def test_conv2d_gradients(geo: dict[str, object]) -> None:
    x, w, b = _arrays(geo)
    args = geo["stride"], geo["padding"], geo["dilation"], geo["groups"]
    check(lambda x, w, b: tg.conv2d(x, w, b, *args), x, w, b)


@settings(max_examples=20, deadline=None)
@given(geo=conv_geometries(spatial=1))
def test_conv1d_gradients(geo: dict[str, object]) -> None:
    x, w, b = _arrays(geo)
    args = geo["stride"], geo["padding"], geo["dilation"], geo["groups"]
    check(lambda x, w, b: tg.conv1d(x, w, b, *args), x, w, b)


@settings(max_examples=25, deadline=None)
@given(geo=conv_geometries(), extra=st.integers(0, 1))
def test_conv_transpose2d_gradients(geo: dict[str, object], extra: int) -> None:
    x, w, b = _arrays(geo, transposed=True)
    stride, dilation = geo["stride"], geo["dilation"]
    # output_padding must stay below the stride or the dilation, axis by axis
    out_pad = tuple(extra if max(s, d) > 1 else 0 for s, d in zip(stride, dilation))  # type: ignore[call-overload]
    pads = zip(geo["padding"], dilation, geo["kernel"])  # type: ignore[call-overload]
    padding = tuple(min(p, d * (k - 1) // 2) for p, d, k in pads)
    args = stride, padding, out_pad, geo["groups"], dilation
    check(lambda x, w, b: tg.conv_transpose2d(x, w, b, *args), x, w, b)


@settings(max_examples=15, deadline=None)
@given(geo=conv_geometries(spatial=1))
def test_conv_transpose1d_gradients(geo: dict[str, object]) -> None:
    x, w, b = _arrays(geo, transposed=True)
    padding = min(geo["padding"][0], geo["dilation"][0] * (geo["kernel"][0] - 1) // 2)  # type: ignore[index]
    args = geo["stride"], padding, 0, geo["groups"], geo["dilation"]
    check(lambda x, w, b: tg.conv_transpose1d(x, w, b, *args), x, w, b)


@settings(max_examples=20, deadline=None)
@given(geo=conv_geometries())
def test_unfold_and_fold_gradients(geo: dict[str, object]) -> None:
    x, _, _ = _arrays(geo)
    args = geo["kernel"], geo["dilation"], geo["padding"], geo["stride"]
    check(lambda x: tg.unfold(x, *args), x)
    cols = tg.unfold(x, *args).numpy().copy()
    check(lambda c: tg.fold(c, geo["size"], *args), cols)  # type: ignore[arg-type]


def test_third_order_of_conv2d_and_conv_transpose2d() -> None:
    # The gradient of a gradient of a gradient: each backward under create_graph is made of
    # ops that differentiate again (conv2d, its adjoint, unfold, fold).
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 2, 2, 2))

    def second(conv: object) -> object:
        def fn(x: Value, w: Value) -> Value:
            (gx,) = tg.grad((conv(x, w) ** 2).sum(), (x,), create_graph=True)  # type: ignore[operator]
            (gw,) = tg.grad((gx**2).sum(), (w,), create_graph=True)
            return gw

        return fn

    tg.gradcheck(second(lambda x, w: tg.conv2d(x, w, stride=2, padding=1)), Value(x), Value(w))
    tg.gradcheck(second(lambda x, w: tg.conv_transpose2d(x, w, stride=2)), Value(x), Value(w))


def _direct_conv2d(x: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """The definition, loop by loop: the reference for the values."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, wd = xp.shape
    c_out, _, kh, kw = w.shape
    ho, wo = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, c_out, ho, wo))
    for y in range(ho):
        for z in range(wo):
            window = xp[:, :, y * stride : y * stride + kh, z * stride : z * stride + kw]
            out[:, :, y, z] = np.einsum("nchw,ochw->no", window, w)
    return out


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv2d_is_the_definition(stride: int, padding: int) -> None:
    rng = np.random.default_rng(stride + padding)
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    got = tg.conv2d(x, w, stride=stride, padding=padding).numpy()
    np.testing.assert_allclose(got, _direct_conv2d(x, w, stride, padding), atol=1e-12)


def test_conv2d_is_unfold_then_a_matrix_product() -> None:
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((4, 3, 3, 3))
    cols = tg.unfold(x, 3, padding=1).numpy()  # (2, 27, 25)
    product = (w.reshape(4, -1) @ cols).reshape(2, 4, 5, 5)
    np.testing.assert_allclose(tg.conv2d(x, w, padding=1).numpy(), product, atol=1e-12)


def test_fold_counts_the_windows_that_cover_each_pixel() -> None:
    x = np.ones((1, 1, 4, 4))
    counts = tg.fold(tg.unfold(x, 2), (4, 4), 2).numpy()[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


def test_conv_transpose2d_is_the_adjoint_of_conv2d() -> None:
    # <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>, with output_padding to get x's size back
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 8, 7)), rng.standard_normal((4, 3, 3, 3))
    y = rng.standard_normal(tg.conv2d(x, w, stride=2, padding=1).shape)
    back = tg.conv_transpose2d(y, w, stride=2, padding=1, output_padding=(1, 0)).numpy()
    assert back.shape == x.shape
    lhs = (tg.conv2d(x, w, stride=2, padding=1).numpy() * y).sum()
    np.testing.assert_allclose(lhs, (x * back).sum())


def test_same_padding_keeps_the_size_with_an_even_kernel() -> None:
    x = np.random.default_rng(3).standard_normal((1, 1, 5, 6))
    assert tg.conv2d(x, np.ones((2, 1, 2, 4)), padding="same").shape == (1, 2, 5, 6)
    assert tg.conv2d(x, np.ones((2, 1, 3, 3)), padding="same", dilation=2).shape == (1, 2, 5, 6)
    assert tg.conv2d(x, np.ones((2, 1, 3, 3)), padding="valid").shape == (1, 2, 3, 4)
    assert tg.conv1d(x[0, 0], np.ones((3, 5, 4)), padding="same").shape == (3, 6)


def test_unbatched_inputs_give_unbatched_results() -> None:
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((3, 5, 5)), rng.standard_normal((2, 3, 3, 3))
    np.testing.assert_allclose(tg.conv2d(x, w).numpy(), tg.conv2d(x[None], w).numpy()[0])
    y = rng.standard_normal((3, 4, 4))
    np.testing.assert_allclose(
        tg.conv_transpose2d(y, w[:, :3].swapaxes(0, 1).copy()).numpy(),
        tg.conv_transpose2d(y[None], w[:, :3].swapaxes(0, 1).copy()).numpy()[0],
    )
    assert tg.unfold(x, 2).shape == (12, 16)
    assert tg.fold(tg.unfold(x, 2), 5, 2).shape == (3, 5, 5)
    x_value = Value(x, requires_grad=True)
    tg.conv2d(x_value, w).sum().backward()
    assert x_value.grad.shape == (3, 5, 5)


def test_the_result_is_batch_innermost_in_memory() -> None:
    # The (N, C, H, W) result is a view of a (C, H, W, N) buffer: the next conv2d reads it
    # without a copy (see the module's introduction).
    x = np.random.default_rng(5).standard_normal((4, 2, 6, 6))
    y = tg.conv2d(x, np.ones((3, 2, 3, 3))).numpy()
    assert y.transpose(1, 2, 3, 0).flags.c_contiguous
    z = tg.conv2d(tg.relu(tg.conv2d(x, np.ones((3, 2, 3, 3)))), np.ones((5, 3, 1, 1))).numpy()
    assert z.transpose(1, 2, 3, 0).flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_dtype_is_kept(dtype: type) -> None:
    x = Value(np.ones((2, 1, 4, 4), dtype), requires_grad=True)
    w = Value(np.ones((2, 1, 3, 3), dtype), requires_grad=True)
    b = Value(np.zeros(2, dtype), requires_grad=True)
    y = tg.conv2d(x, w, b, padding=1)
    y.sum().backward()
    assert {y.dtype, x.grad.dtype, w.grad.dtype, b.grad.dtype} == {np.dtype(dtype)}
    t = tg.conv_transpose2d(x, w.numpy().swapaxes(0, 1).copy(), stride=2)
    assert {t.dtype, tg.unfold(x, 2).dtype} == {np.dtype(dtype)}


def test_a_layer_is_one_node() -> None:
    x = Value(np.ones((1, 1, 4, 4)))
    w, b = Value(np.ones((2, 1, 3, 3)), requires_grad=True), Value(np.ones(2), requires_grad=True)
    y = tg.conv2d(x, w, b)
    assert y.grad_fn.op == "conv2d"
    assert {p.op for p in y.grad_fn.prev if p} == {""}  # the leaves w and b, nothing between


x4 = np.ones((2, 3, 5, 5))
w4 = np.ones((4, 3, 3, 3))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: tg.conv2d(x4, np.ones((16, 1, 3, 3))), ValueError,
         r"conv2d: input has 3 channels, weight expects 1 \(weight shape \(16, 1, 3, 3\)"),
        (lambda: tg.conv2d(x4, np.ones((4, 2, 3, 3)), groups=2), ValueError,
         r"conv2d: input has 3 channels, weight expects 2 x groups=2"),
        (lambda: tg.conv2d(np.ones((2, 4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), ValueError,
         r"conv2d: the weight's 3 output channels do not divide by groups=2"),
        (lambda: tg.conv2d(np.ones((5,)), w4), ValueError,
         r"conv2d: expected a 3-d \(C, H, W\) or 4-d \(N, C, H, W\) input, got shape \(5,\)"),
        (lambda: tg.conv2d(x4, np.ones((4, 3, 3))), ValueError,
         r"conv2d: expected a 4-d weight .* got shape \(4, 3, 3\)"),
        (lambda: tg.conv2d(np.ones((1, 3, 2, 2)), w4), ValueError,
         r"conv2d: kernel size \(3, 3\) is larger than the padded input \(2, 2\)"),
        (lambda: tg.conv2d(np.ones((1, 3, 4, 4)), w4, dilation=2), ValueError,
         r"conv2d: kernel size \(3, 3\) \(dilated to \(5, 5\)\) is larger than the padded input "
         r"\(4, 4\)"),
        (lambda: tg.conv2d(x4, w4, stride=0), ValueError,
         r"conv2d: stride must be at least 1, got 0"),
        (lambda: tg.conv2d(x4, w4, stride=(1, 0)), ValueError,
         r"stride must be at least 1, got \(1, 0\)"),
        (lambda: tg.conv2d(x4, w4, dilation=0), ValueError, r"conv2d: dilation must be at least 1"),
        (lambda: tg.conv2d(x4, w4, padding=-1), ValueError, r"conv2d: padding must be at least 0"),
        (lambda: tg.conv2d(x4, w4, padding=(1, 2, 3)), ValueError,
         r"conv2d: padding must be an int or a tuple of 2 ints, got \(1, 2, 3\)"),
        (lambda: tg.conv2d(x4, w4, padding="full"), ValueError,
         r"conv2d: padding must be an int, a tuple of ints, 'valid' or 'same', got 'full'"),
        (lambda: tg.conv2d(x4, w4, stride=2, padding="same"), ValueError,
         r"conv2d: padding='same' is not supported for strided convolutions"),
        (lambda: tg.conv2d(x4, w4, stride=1.5), TypeError,
         r"conv2d: stride must be an int or a tuple of 2 ints, got float 1.5"),
        (lambda: tg.conv2d(x4, w4, stride=True), TypeError,
         r"conv2d: stride must be an int .*bool"),
        (lambda: tg.conv2d(x4, w4, groups=0), ValueError,
         r"conv2d: groups must be at least 1, got 0"),
        (lambda: tg.conv2d(x4, w4, groups=1.0), TypeError, r"conv2d: groups must be an int"),
        (lambda: tg.conv2d(x4, "w"), TypeError,
         r"conv2d: weight must be a Value or a numpy array, got str"),
        (lambda: tg.conv2d(x4, None), TypeError,
         r"conv2d: weight must be a Value or a numpy array, got NoneType"),
        (lambda: tg.conv2d(x4, 2.0), TypeError,
         r"conv2d: weight must be a Value or a numpy array, got float"),
        (lambda: tg.conv2d("x", w4), TypeError,
         r"conv2d: expected Values, numpy arrays or numbers, got str"),
        (lambda: tg.conv2d(x4, w4, np.ones(3)), ValueError,
         r"conv2d: bias must have shape \(4,\), one per output channel, got shape \(3,\)"),
        (lambda: tg.conv2d(x4, w4.astype(np.float32)), TypeError,
         r"conv2d: expected input and weight to have the same dtype, got float64 and float32"),
        (lambda: tg.conv2d(x4.astype(np.float32), w4.astype(np.float32), np.ones(4)), TypeError,
         r"conv2d: expected input and bias to have the same dtype, got float32 and float64"),
        (lambda: tg.conv1d(np.ones((2, 3, 5)), np.ones((4, 3, 3, 3))), ValueError,
         r"conv1d: expected a 3-d weight \(C_out, C_in / groups, k\), got shape \(4, 3, 3, 3\)"),
        (lambda: tg.conv1d(np.ones((2, 3, 5)), np.ones((4, 3, 3)), stride=(1, 1)), ValueError,
         r"conv1d: stride must be an int or a tuple of 1 ints, got \(1, 1\)"),
        (lambda: tg.conv1d(np.ones((2, 3, 2)), np.ones((4, 3, 3))), ValueError,
         r"conv1d: kernel size \(3,\) is larger than the padded input \(2,\)"),
        (lambda: tg.conv1d(x4, np.ones((4, 3, 3))), ValueError,
         r"conv1d: expected a 2-d \(C, L\) or 3-d \(N, C, L\) input, got shape \(2, 3, 5, 5\)"),
        (lambda: tg.conv_transpose2d(x4, np.ones((4, 1, 3, 3))), ValueError,
         r"conv_transpose2d: input has 3 channels, weight expects 4 \(weight shape \(4, 1, 3, 3\)"),
        (lambda: tg.conv_transpose2d(x4, np.ones((3, 1, 3, 3)), output_padding=1), ValueError,
         r"conv_transpose2d: output_padding \(1, 1\) must be smaller than either the stride "
         r"\(1, 1\) or the dilation \(1, 1\)"),
        (lambda: tg.conv_transpose2d(x4, np.ones((3, 1, 3, 3)), padding=4), ValueError,
         r"conv_transpose2d: the output would be empty"),
        (lambda: tg.conv_transpose2d(x4, np.ones((3, 1, 3, 3)), groups=2), ValueError,
         r"conv_transpose2d: the input's 3 channels do not divide by groups=2"),
        (lambda: tg.unfold(np.ones((2, 3)), 2), ValueError,
         r"unfold: expected a 3-d \(C, H, W\) or 4-d \(N, C, H, W\) input, got shape \(2, 3\)"),
        (lambda: tg.unfold(x4, 6), ValueError,
         r"unfold: kernel size \(6, 6\) is larger than the padded input \(5, 5\)"),
        (lambda: tg.unfold(x4, 0), ValueError, r"unfold: kernel_size must be at least 1, got 0"),
        (lambda: tg.unfold(x4, 2, stride=(1, 0)), ValueError,
         r"unfold: stride must be at least 1, got \(1, 0\)"),
        (lambda: tg.fold(np.ones((1, 4, 5)), (3, 3), 2), ValueError,
         r"fold: expected the input's last dim to be the 4 windows \(2 x 2\) that output_size "
         r"\(3, 3\).* got 5"),
        (lambda: tg.fold(np.ones((1, 5, 4)), (3, 3), 2), ValueError,
         r"fold: expected the size of dim -2 of the input \(5\) to divide by the kernel's 2·2 = 4"),
        (lambda: tg.fold(np.ones(4), (3, 3), 2), ValueError,
         r"fold: expected a 2-d .* got shape \(4,\)"),
        (lambda: tg.fold(np.ones((1, 4, 4)), (0, 3), 2), ValueError,
         r"fold: output_size must be at least 1"),
    ],
)  # fmt: skip
def test_errors_name_the_op_the_argument_and_the_shapes(
    call: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]

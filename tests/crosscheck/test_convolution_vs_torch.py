"""conv2d, conv1d, conv_transpose2d/1d, unfold, fold and the nn convolution layers against
PyTorch: values and the gradients of input, weight and bias over hypothesis-chosen geometries
(float64 tight, float32), second and third order, and the layers' initial values, repr,
padding modes and state dicts."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch
from cases import conv_geometries
from crosscheck._torch_helpers import F64, TG, Tol, check, check_higher_order
from hypothesis import given, settings

import nn
import tensorgrad as tg

F = torch.nn.functional
# float32: each output is a sum of up to C·kh·kw products, added in another order by torch
F32_SUMS = Tol(rtol=1e-4, atol=1e-4)


def _arrays(geo: dict[str, Any], dtype: Any, transposed: bool = False) -> list[np.ndarray]:
    rng = np.random.default_rng(geo["seed"])
    c, c_out, groups = geo["c"], geo["c_out"], geo["groups"]
    x = rng.standard_normal((geo["n"], c, *geo["size"]))
    if transposed:
        w = rng.standard_normal((c, c_out // groups, *geo["kernel"]))
    else:
        w = rng.standard_normal((c_out, c // groups, *geo["kernel"]))
    arrays = [x, w] + ([rng.standard_normal(c_out)] if geo["bias"] else [])
    return [a.astype(dtype) for a in arrays]


def _conv(name: str, geo: dict[str, Any]) -> Any:
    def fn(ops: Any, x: Any, w: Any, b: Any = None) -> Any:
        f = getattr(tg if ops is TG else F, name)
        if name.startswith("conv_transpose"):
            args = geo["stride"], geo["padding"], geo["extra"], geo["groups"], geo["dilation"]
        else:
            args = geo["stride"], geo["padding"], geo["dilation"], geo["groups"]
        return f(x, w, b, *args)

    return fn


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=40, deadline=None)
@given(geo=conv_geometries(max_groups=3))
def test_conv2d(geo: dict[str, Any], dtype: Any) -> None:
    tol = F64 if dtype == np.float64 else F32_SUMS
    check(_conv("conv2d", geo), *_arrays(geo, dtype), tol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=25, deadline=None)
@given(geo=conv_geometries(spatial=1, max_groups=3))
def test_conv1d(geo: dict[str, Any], dtype: Any) -> None:
    tol = F64 if dtype == np.float64 else F32_SUMS
    check(_conv("conv1d", geo), *_arrays(geo, dtype), tol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@settings(max_examples=40, deadline=None)
@given(geo=conv_geometries(transposed=True, max_groups=3))
def test_conv_transpose2d(geo: dict[str, Any], dtype: Any) -> None:
    tol = F64 if dtype == np.float64 else F32_SUMS
    check(_conv("conv_transpose2d", geo), *_arrays(geo, dtype, transposed=True), tol=tol)


@settings(max_examples=25, deadline=None)
@given(geo=conv_geometries(spatial=1, transposed=True, max_groups=3))
def test_conv_transpose1d(geo: dict[str, Any]) -> None:
    check(_conv("conv_transpose1d", geo), *_arrays(geo, np.float64, transposed=True), tol=F64)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize(("kernel", "dilation"), [((3, 3), 1), ((2, 4), 1), ((3, 2), (2, 3))])
def test_string_padding(padding: str, kernel: tuple[int, int], dilation: Any) -> None:
    rng = np.random.default_rng(0)
    x, w, b = (
        rng.standard_normal((2, 3, 9, 8)),
        rng.standard_normal((4, 3, *kernel)),
        rng.standard_normal(4),
    )

    def fn(ops: Any, x: Any, w: Any, b: Any) -> Any:
        return (tg if ops is TG else F).conv2d(x, w, b, padding=padding, dilation=dilation)

    with warnings.catch_warnings():  # torch warns of the copy that an even kernel costs it
        warnings.simplefilter("ignore", UserWarning)
        check(fn, x, w, b, tol=F64)


@settings(max_examples=30, deadline=None)
@given(geo=conv_geometries(max_groups=3))
def test_unfold_and_fold(geo: dict[str, Any]) -> None:
    x = _arrays(geo, np.float64)[0]
    args = geo["kernel"], geo["dilation"], geo["padding"], geo["stride"]
    cols, _ = check(lambda ops, x: (tg if ops is TG else F).unfold(x, *args), x, tol=F64)
    size = geo["size"]
    check(lambda ops, c: (tg if ops is TG else F).fold(c, size, *args), cols.numpy(), tol=F64)


def test_unbatched_inputs() -> None:
    rng = np.random.default_rng(1)
    x, w, b = (
        rng.standard_normal((3, 6, 5)),
        rng.standard_normal((4, 3, 3, 2)),
        rng.standard_normal(4),
    )
    check(
        lambda ops, x, w, b: (tg if ops is TG else F).conv2d(x, w, b, padding=1), x, w, b, tol=F64
    )
    check(lambda ops, x: (tg if ops is TG else F).unfold(x, 2), x, tol=F64)
    wt = rng.standard_normal((3, 2, 2, 2))
    check(
        lambda ops, x, w: (tg if ops is TG else F).conv_transpose2d(x, w, stride=2),
        x,
        wt,
        tol=F64,
    )
    check(
        lambda ops, x, w: (tg if ops is TG else F).conv1d(x, w),
        x[0],
        rng.standard_normal((2, 6, 3)),
        tol=F64,
    )


@pytest.mark.parametrize(
    ("name", "extra", "order"),
    # (torch 2.13 itself fails at order 3 through an output_padding: "output_padding is not
    # supported for non-transposed convolutions")
    [("conv2d", (0, 0), 3), ("conv_transpose2d", (0, 0), 3), ("conv_transpose2d", (1, 0), 2)],
)
def test_higher_orders(name: str, extra: tuple[int, int], order: int) -> None:
    geo = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2), "groups": 2, "extra": extra}
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 4, 5, 6)), rng.standard_normal((4, 2, 2, 2))
    b = rng.standard_normal(4)
    conv = _conv(name, geo)
    # conv2d is bilinear: its third derivatives vanish, a squared one's do not
    check_higher_order(lambda ops, x, w, b: conv(ops, x, w, b) ** 2, x, w, b, order=order, tol=F64)


def test_input_gradient_in_any_memory_layout() -> None:
    # The backward reads gradients and inputs whatever their strides: C order, batch
    # innermost (what conv2d itself makes), or a transposed view.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 6, 6))
    for layout in (
        x,
        np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2),
        np.asfortranarray(x),
    ):
        check(
            lambda ops, x, w: (tg if ops is TG else F).conv2d(x, w, padding=1).relu() * 2,
            layout, rng.standard_normal((5, 3, 3, 3)), tol=F64,
        )  # fmt: skip


# -- layers -----------------------------------------------------------------------------------

LAYERS = [
    ("Conv2d", (3, 6, 3), {}),
    ("Conv2d", (4, 6, (3, 2)), {"stride": 2, "padding": (1, 2), "dilation": (2, 1), "groups": 2}),
    ("Conv2d", (2, 4, 3), {"padding": "same", "padding_mode": "reflect", "bias": False}),
    ("Conv2d", (2, 4, (2, 3)), {"padding": "same", "padding_mode": "replicate"}),
    ("Conv2d", (2, 4, 3), {"padding": 2, "padding_mode": "circular", "stride": (1, 2)}),
    ("Conv2d", (2, 4, 3), {"padding": "valid"}),
    ("Conv1d", (3, 6, 3), {"padding": 1, "stride": 2}),
    ("Conv1d", (4, 4, 5), {"padding": "same", "groups": 4, "padding_mode": "circular"}),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ("ConvTranspose2d", (4, 6, (2, 3)), {"groups": 2, "dilation": 2, "bias": False}),
    ("ConvTranspose1d", (3, 2, 4), {"stride": 3, "padding": 1}),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "args", "kwargs"), LAYERS)
def test_layers(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], dtype: Any) -> None:
    ours = getattr(nn, name)(*args, **kwargs, dtype=dtype)
    theirs = getattr(torch.nn, name)(
        *args, **kwargs, dtype=torch.float64 if dtype == np.float64 else torch.float32
    )
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for key, value in ours.state_dict().items():  # the same parameters, then the same numbers
        assert value.shape == tuple(theirs.state_dict()[key].shape), key
    theirs.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in ours.state_dict().items()})
    spatial = (7, 6) if name.endswith("2d") else (9,)
    x = np.random.default_rng(4).standard_normal((2, args[0], *spatial)).astype(dtype)
    tol = F64 if dtype == np.float64 else F32_SUMS

    def fn(ops: Any, x: Any) -> Any:
        return (ours if ops is TG else theirs)(x)

    check(fn, x, tol=tol)
    grads = [p.grad for p in ours.parameters()]
    expected = [p.grad.numpy() for p in theirs.parameters()]
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want, rtol=tol.rtol, atol=tol.atol)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [("Conv2d", (16, 32, 3), {}), ("Conv2d", (6, 12, (3, 5), ), {"groups": 3}),
     ("Conv1d", (8, 4, 7), {}), ("ConvTranspose2d", (16, 32, 3), {"groups": 2})],
)  # fmt: skip
def test_initial_values_have_pytorchs_distribution(name: str, args: Any, kwargs: Any) -> None:
    ours = getattr(nn, name)(*args, **kwargs, generator=np.random.default_rng(0))
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(theirs.weight)
    bound = 1 / np.sqrt(fan_in)  # kaiming_uniform_(a=√5) and the bias: both uniform on ±bound
    for mine, reference in zip(ours.parameters(), theirs.parameters()):
        assert mine.shape == tuple(reference.shape)
        assert np.abs(mine.data).max() <= bound
        assert float(reference.detach().abs().max()) <= bound
    # hundreds of draws: the largest is near the bound, the spread is a uniform's
    assert np.abs(ours.weight.data).max() > 0.95 * bound
    np.testing.assert_allclose(ours.weight.data.std(), bound / np.sqrt(3), rtol=0.1)


def test_conv_transpose2d_output_size() -> None:
    ours = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    theirs = torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1).double()
    theirs.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(5).standard_normal((1, 4, 5, 5))
    for size in [(9, 9), (10, 10), (9, 10), [1, 2, 10, 9]]:
        got = ours(x, output_size=size).numpy()
        want = theirs(torch.from_numpy(x), output_size=list(size)).detach().numpy()
        np.testing.assert_allclose(got, want, atol=1e-12)
    with pytest.raises(ValueError, match=r"valid sizes along axis 0 range from 9 to 10"):
        ours(x, output_size=(11, 9))
    with pytest.raises(Exception):  # noqa: B017, PT011  (torch's own message differs)
        theirs(torch.from_numpy(x), output_size=[11, 9])

"""layer_norm, batch_norm, group_norm and their layers against PyTorch: values, gradients of
input, weight and bias (float64 tight, float32), second order, running statistics (updated in
place, over several steps, momentum 0.1 and None), evaluation, batch-innermost inputs, and the
modules' parameters, buffers, state_dict (a torch one loads) and repr."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import (
    F32,
    F64,
    TG,
    Tol,
    assert_same,
    check,
    check_higher_order,
)
from hypothesis import assume, given, settings
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


# -- batch_norm and group_norm -----------------------------------------------------------------

# (N, C, *) inputs: a batch, channels, and zero to two spatial axes (size-0 batches too).
images = st.tuples(
    st.integers(0, 3), st.integers(1, 3), st.lists(st.integers(1, 3), max_size=2)
).map(lambda t: (t[0], t[1], *t[2]))


def one_value_per_channel(shape: tuple[int, ...]) -> bool:
    return shape[0] * int(np.prod(shape[2:])) == 1


class Running:
    """Running statistics, given as numpy arrays to tensorgrad and as tensors to torch, and
    kept so that the test can compare them after the call."""

    def __init__(self, mean: np.ndarray, var: np.ndarray) -> None:
        self.initial = (mean, var)
        self.tg: tuple[np.ndarray, np.ndarray] | None = None
        self.th: tuple[torch.Tensor, torch.Tensor] | None = None

    def for_(self, ops: Any) -> tuple[Any, Any]:
        mean, var = self.initial
        if ops is TG:
            self.tg = (mean.copy(), var.copy())
            return self.tg
        self.th = (torch.tensor(mean), torch.tensor(var))
        return self.th

    def assert_same(self, tol: Tol = F64) -> None:
        assert self.tg is not None
        assert self.th is not None
        for ours, theirs, name in zip(self.tg, self.th, ("running_mean", "running_var")):
            assert_same(ours, theirs, tol, name)


def batch_norm(running: Running | None, training: bool, momentum: float = 0.1, eps: float = 1e-5):
    def fn(ops: Any, x: Any, *affine: Any) -> Any:
        mean, var = running.for_(ops) if running else (None, None)
        f = tg.batch_norm if ops is TG else torch.nn.functional.batch_norm
        return f(x, mean, var, *affine, training=training, momentum=momentum, eps=eps)

    return fn


def group_norm(groups: int, eps: float = 1e-5):
    def fn(ops: Any, x: Any, *affine: Any) -> Any:
        f = tg.group_norm if ops is TG else torch.nn.functional.group_norm
        return f(x, groups, *affine, eps=eps)

    return fn


def image_arrays(shape: tuple[int, ...], seed: int, dtype: Any) -> tuple[np.ndarray, ...]:
    """An input, weight and bias, and running statistics (a mean and a positive variance)."""
    rng = np.random.default_rng(seed)
    c = shape[1]
    x, w, b, mean = (rng.standard_normal(s).astype(dtype) for s in (shape, c, c, c))
    return x, w, b, mean, rng.uniform(0.5, 2.0, c).astype(dtype)


@settings(max_examples=40, deadline=None)
@given(
    shape=images,
    seed=st.integers(0, 2**16),
    affine=st.integers(0, 2),
    training=st.booleans(),
    tracked=st.booleans(),
    momentum=st.sampled_from([0.1, 0.5, 1.0]),
)
def test_batch_norm_float64(
    shape: tuple[int, ...], seed: int, affine: int, training: bool, tracked: bool, momentum: float
) -> None:
    assume(not (training and one_value_per_channel(shape)))
    x, w, b, mean, var = image_arrays(shape, seed, np.float64)
    running = Running(mean, var) if tracked or not training else None
    check(batch_norm(running, training, momentum), x, *(w, b)[:affine])
    if running is not None:
        running.assert_same()


def test_batch_norm_bias_without_weight() -> None:
    x, _, b, mean, var = image_arrays((4, 3, 5), 0, np.float64)
    for training in (True, False):
        check(
            lambda ops, x, b, t=training: batch_norm(Running(mean, var), t)(ops, x, None, b), x, b
        )


@settings(max_examples=30, deadline=None)
@given(shape=images, seed=st.integers(0, 2**16), training=st.booleans())
def test_batch_norm_float32(shape: tuple[int, ...], seed: int, training: bool) -> None:
    assume(not (training and one_value_per_channel(shape)))
    x, w, b, mean, var = image_arrays(shape, seed, np.float32)
    running = Running(mean, var)
    check(batch_norm(running, training), x, w, b, tol=F32, grad_tol=F32_GRADIENTS)
    running.assert_same(F32)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 4), (2, 3, 2, 3)])
def test_batch_norm_second_order(shape: tuple[int, ...], training: bool) -> None:
    x, w, b, mean, var = image_arrays(shape, 1, np.float64)
    check_higher_order(batch_norm(Running(mean, var), training), x, w, b)
    if training:  # (not training and without weight, the map is affine: no second order)
        check_higher_order(batch_norm(None, training), x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_a_batch_innermost_view(training: bool, dtype: Any) -> None:
    """An (N, C, H, W) view of (C, H, W, N) memory, as conv2d makes them: the same numbers."""
    x, w, b, mean, var = image_arrays((5, 3, 4, 2), 2, dtype)
    view = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    tol, grad_tol = (F32, F32_GRADIENTS) if dtype == np.float32 else (F64, F64)
    running = Running(mean, var)
    out, _ = check(batch_norm(running, training), view, w, b, tol=tol, grad_tol=grad_tol)
    running.assert_same(tol)
    assert out.data.transpose(1, 2, 3, 0).flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_norm_at_extreme_values(dtype: Any) -> None:
    x = np.array(
        [[1e4, 17.0, 0.0, 2.0], [-1e4, -17.0, 0.0, 2.0], [88.0, 1.0, 0.0, 2.0]], dtype
    )  # a constant channel, and channels far from 0
    tol, grad_tol = (F32, Tol(rtol=1e-4, atol=1e-3)) if dtype == np.float32 else (F64, F64)
    running = Running(np.zeros(4, dtype), np.ones(4, dtype))
    check(batch_norm(running, True), x, tol=tol, grad_tol=grad_tol)
    running.assert_same(tol)
    check(batch_norm(Running(np.zeros(4, dtype), np.ones(4, dtype)), False), x, tol=tol)
    check(group_norm(2), x, tol=tol, grad_tol=grad_tol)


@settings(max_examples=30, deadline=None)
@given(
    shape=images,
    groups=st.sampled_from([1, 2, 3]),
    seed=st.integers(0, 2**16),
    affine=st.integers(0, 2),
)
def test_group_norm_float64(shape: tuple[int, ...], groups: int, seed: int, affine: int) -> None:
    shape = (shape[0], groups * shape[1], *shape[2:])
    assume(int(np.prod(shape)) != groups)
    x, w, b, _, _ = image_arrays(shape, seed, np.float64)
    check(group_norm(groups), x, *(w, b)[:affine])


@settings(max_examples=20, deadline=None)
@given(shape=images, groups=st.sampled_from([1, 3]), seed=st.integers(0, 2**16))
def test_group_norm_float32(shape: tuple[int, ...], groups: int, seed: int) -> None:
    shape = (shape[0], groups * shape[1], *shape[2:])
    # Groups of 2 elements or more: in a group of one, x - mean is 0 here and float32 rounding
    # noise in torch, which 1/σ = 1/√eps (316) makes visible (float64 checks them tightly).
    assume(int(np.prod(shape[1:])) > groups)
    x, w, b, _, _ = image_arrays(shape, seed, np.float32)
    check(group_norm(groups), x, w, b, tol=F32, grad_tol=F32_GRADIENTS)


@pytest.mark.parametrize(("shape", "groups"), [((3, 4), 2), ((2, 6, 3), 3), ((2, 4, 2, 2), 1)])
def test_group_norm_second_order(shape: tuple[int, ...], groups: int) -> None:
    x, w, b, _, _ = image_arrays(shape, 3, np.float64)
    check_higher_order(group_norm(groups), x, w, b)
    check_higher_order(group_norm(groups, eps=0.5), x)


# -- the layers --------------------------------------------------------------------------------


def to_torch(ours: nn.Module, theirs: torch.nn.Module) -> None:
    """Load our state dict into torch's module, through numpy."""
    state = {key: torch.from_numpy(np.array(value)) for key, value in ours.state_dict().items()}
    theirs.load_state_dict(state)


def compare_step(ours: nn.Module, theirs: torch.nn.Module, x: np.ndarray, tol: Tol) -> None:
    """One forward and backward of both layers: output, gradients, then the state dict."""
    v, t = tg.Value(x), torch.tensor(x, requires_grad=True)
    y, expected = ours(v), theirs(t)
    assert_same(y.data, expected, tol, "output")
    g = np.random.default_rng(x.size).standard_normal(y.shape).astype(x.dtype)
    y.backward(g)
    expected.backward(torch.from_numpy(g))
    assert_same(v.grad, t.grad, tol, "input gradient")
    for name, p in theirs.named_parameters():
        assert_same(getattr(ours, name).grad, p.grad, tol, f"gradient of {name}")
        getattr(ours, name).zero_grad()
        p.grad = None
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for key, value in ours.state_dict().items():
        assert_same(value, theirs_state[key], tol, key)


BATCH_NORM_LAYERS = [
    ("BatchNorm1d", (6, 3)),
    ("BatchNorm1d", (4, 3, 5)),
    ("BatchNorm2d", (3, 3, 4, 2)),
]
SETTINGS_CASES = [
    {},
    {"momentum": None},
    {"momentum": 0.3, "eps": 1e-3},
    {"affine": False},
    {"bias": False},
    {"track_running_stats": False},
    {"track_running_stats": False, "momentum": None, "affine": False},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", SETTINGS_CASES)
@pytest.mark.parametrize(("name", "shape"), BATCH_NORM_LAYERS)
def test_batch_norm_layers_over_several_steps(
    name: str, shape: tuple[int, ...], kwargs: dict[str, Any], dtype: Any
) -> None:
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    ours = getattr(nn, name)(3, **kwargs, dtype=dtype)
    theirs = getattr(torch.nn, name)(3, **kwargs, dtype=torch_dtype)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    if ours.weight is not None:  # parameters other than the initial ones, the same in both
        ours.weight.data = rng.standard_normal(3).astype(dtype)
        if ours.bias is not None:
            ours.bias.data = rng.standard_normal(3).astype(dtype)
        to_torch(ours, theirs)
    tol = Tol(rtol=1e-4, atol=1e-4) if dtype == np.float32 else F64
    for step in range(1, 5):
        compare_step(ours, theirs, (rng.standard_normal(shape) * step + step).astype(dtype), tol)
    ours.eval()
    theirs.eval()
    for _ in range(2):  # evaluation changes nothing, so twice gives the same again
        compare_step(ours, theirs, rng.standard_normal(shape).astype(dtype), tol)


@pytest.mark.parametrize(("name", "shape"), BATCH_NORM_LAYERS)
def test_batch_norm_loads_a_torch_state_dict(name: str, shape: tuple[int, ...]) -> None:
    theirs = getattr(torch.nn, name)(3, momentum=None, dtype=torch.float64)
    rng = np.random.default_rng(1)
    for _ in range(3):
        theirs(torch.from_numpy(rng.standard_normal(shape)))
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(rng.standard_normal(3)))
    ours = getattr(nn, name)(3, momentum=None)
    ours.load_state_dict({key: value.numpy() for key, value in theirs.state_dict().items()})
    assert int(ours.num_batches_tracked) == 3
    compare_step(ours.eval(), theirs.eval(), rng.standard_normal(shape), F64)
    compare_step(ours.train(), theirs.train(), rng.standard_normal(shape), F64)  # goes on: 1/4


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("args", "kwargs", "shape"),
    [
        ((2, 4), {}, (3, 4)),
        ((3, 6), {"eps": 1e-3}, (2, 6, 5)),
        ((1, 3), {"affine": False}, (2, 3, 2, 2)),
        ((3, 3), {"bias": False}, (2, 3, 4, 1)),
    ],
)
def test_group_norm_layer(
    args: tuple[int, int], kwargs: dict[str, Any], shape: tuple[int, ...], dtype: Any
) -> None:
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    ours, theirs = (
        nn.GroupNorm(*args, **kwargs, dtype=dtype),
        torch.nn.GroupNorm(*args, **kwargs, dtype=torch_dtype),
    )
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(2)
    if ours.weight is not None:
        ours.weight.data = rng.standard_normal(args[1]).astype(dtype)
        to_torch(ours, theirs)
    tol = Tol(rtol=1e-4, atol=1e-4) if dtype == np.float32 else F64
    compare_step(ours, theirs, rng.standard_normal(shape).astype(dtype), tol)

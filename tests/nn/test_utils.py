"""nn.utils: clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    parameters_to_vector,
    vector_to_parameters,
)
from tensorgrad import Value, gradcheck

FLOATS = (np.float32, np.float64)


def with_grads(*grads: Any, dtype: Any = np.float64) -> list[nn.Parameter]:
    out = []
    for grad in grads:
        g = np.asarray(grad, dtype)
        p = nn.Parameter(np.zeros(g.shape, dtype))
        p.grad = g
        out.append(p)
    return out


def reference_norm(grads: list[np.ndarray], p: float) -> float:
    flat = np.concatenate([np.ravel(g).astype(np.float64) for g in grads])
    if p == math.inf:
        return float(np.abs(flat).max())
    return float((np.abs(flat) ** p).sum() ** (1 / p))


grad_arrays = st.lists(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4),
        elements=st.floats(-10, 10),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=30, deadline=None)
@given(
    grads=grad_arrays,
    p=st.sampled_from([1.0, 2.0, 3.0, math.inf, 0.5]),
    max_norm=st.floats(0.0, 20.0),
    dtype=st.sampled_from(FLOATS),
)
def test_clip_grad_norm_scales_by_pytorchs_coefficient(
    grads: list[np.ndarray], p: float, max_norm: float, dtype: Any
) -> None:
    params = with_grads(*grads, dtype=dtype)
    given_ = [g.astype(dtype) for g in grads]
    total = clip_grad_norm_(params, max_norm, norm_type=p)
    expected = reference_norm(given_, p)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert isinstance(total, Value)
    assert total.shape == ()
    assert total.dtype == dtype
    assert not total.requires_grad
    np.testing.assert_allclose(total.item(), expected, rtol=rtol, atol=1e-30)
    coefficient = min(max_norm / (expected + 1e-6), 1.0)
    for param, g in zip(params, given_):
        assert param.grad.dtype == dtype
        np.testing.assert_allclose(param.grad, g * coefficient, rtol=rtol * 10, atol=1e-30)


def test_clip_grad_norm_leaves_small_gradients_and_skips_those_without() -> None:
    small, unused = [*with_grads([0.3, 0.4]), nn.Parameter(np.ones(2))]
    total = clip_grad_norm_([small, unused], max_norm=1.0)
    assert total.item() == pytest.approx(0.5)
    np.testing.assert_allclose(small.grad, [0.3, 0.4])
    assert not unused.has_grad
    assert clip_grad_norm_([unused], 1.0).item() == 0.0  # no gradient at all: a zero norm
    assert clip_grad_norm_([], 1.0).dtype == np.float64


def test_clip_grad_norm_takes_a_single_value_a_generator_and_inf_spelled_as_str() -> None:
    (w,) = with_grads([3.0, -4.0])
    assert clip_grad_norm_(w, 10.0, norm_type="inf").item() == 4.0
    model = nn.Linear(2, 1)
    model(np.ones((1, 2))).sum().backward()
    total = clip_grad_norm_(model.parameters(), 1e-3)
    assert total.item() == pytest.approx(math.sqrt(3))
    norm = math.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
    assert norm == pytest.approx(1e-3, rel=1e-5)


def test_clip_grad_norm_modifies_the_gradient_arrays_in_place() -> None:
    (w,) = with_grads([3.0, 4.0])
    held = w.grad
    clip_grad_norm_([w], 1.0)
    assert held is w.grad
    assert held.tolist() == pytest.approx([0.6, 0.8])


def test_a_parameter_given_twice_is_clipped_once() -> None:
    (w,) = with_grads([3.0, 4.0])
    assert clip_grad_norm_([w, w], 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(w.grad, [0.6, 0.8], rtol=1e-5)


def test_an_empty_generator_warns_as_pytorch() -> None:
    with pytest.warns(UserWarning, match="empty generator"):
        clip_grad_norm_((p for p in []), 1.0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_clip_grad_norm_does_not_overflow_where_the_norm_is_finite(dtype: Any) -> None:
    big = np.finfo(dtype).max / 4
    params = with_grads([big, big], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        total = clip_grad_norm_(params, 1.0)
    assert total.item() == pytest.approx(big * math.sqrt(2), rel=1e-6)
    np.testing.assert_allclose(params[0].grad, [1 / math.sqrt(2)] * 2, rtol=1e-5)
    tiny = with_grads([1e-30, 1e-30], dtype=np.float32)
    assert clip_grad_norm_(tiny, 1.0).item() == pytest.approx(math.sqrt(2) * 1e-30, rel=1e-5)


def test_a_nonfinite_norm_scales_as_pytorch_or_raises_when_asked() -> None:
    params = with_grads([math.inf, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert clip_grad_norm_(params, 1.0).item() == math.inf
    assert np.isnan(params[0].grad[0])  # inf * 0, as in PyTorch
    assert params[0].grad[1] == 0.0
    nans = with_grads([math.nan, 1.0])
    with pytest.raises(
        RuntimeError,
        match=r"^clip_grad_norm_: the total norm of order 2\.0 of the gradients is nan, so it "
        r"cannot be clipped; to scale the gradients by it anyway, pass error_if_nonfinite=False$",
    ):
        clip_grad_norm_(nans, 1.0, error_if_nonfinite=True)
    assert nans[0].grad[1] == 1.0  # left as it was


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda ps: clip_grad_norm_(ps, "1"),
            TypeError,
            r"^clip_grad_norm_: max_norm must be a real number, got str '1'$",
        ),
        (
            lambda ps: clip_grad_norm_(ps, True),
            TypeError,
            r"max_norm must be a real number, got bool",
        ),
        (
            lambda ps: clip_grad_norm_(ps, -1.0),
            ValueError,
            r"^clip_grad_norm_: max_norm must be a number >= 0, got -1\.0$",
        ),
        (lambda ps: clip_grad_norm_(ps, math.nan), ValueError, r"max_norm must be a number >= 0"),
        (
            lambda ps: clip_grad_norm_(ps, 1.0, "fro"),
            TypeError,
            r"^clip_grad_norm_: norm_type must be a real number \(or 'inf'\), got str 'fro'$",
        ),
        (
            lambda ps: clip_grad_norm_(ps, 1.0, math.nan),
            ValueError,
            r"^clip_grad_norm_: norm_type must be a number, got nan$",
        ),
        (
            lambda ps: clip_grad_norm_(ps, 1.0, error_if_nonfinite=1),
            TypeError,
            r"^clip_grad_norm_: error_if_nonfinite must be a bool \(True or False\), got int 1$",
        ),
        (
            lambda ps: clip_grad_norm_(ps, 1.0, foreach="yes"),
            TypeError,
            r"^clip_grad_norm_: foreach must be a bool",
        ),
        (
            lambda ps: clip_grad_norm_(3, 1.0),
            TypeError,
            r"^clip_grad_norm_: parameters must be a Value or an iterable of Values \(such as "
            r"model\.parameters\(\)\), got int 3$",
        ),
        (
            lambda ps: clip_grad_norm_(np.ones(3), 1.0),
            TypeError,
            r"^clip_grad_norm_: parameters must be a Value or an iterable .* got ndarray",
        ),
        (
            lambda ps: clip_grad_norm_([*ps, np.ones(2)], 1.0),
            TypeError,
            r"^clip_grad_norm_: parameters must be Values, but item 1 is ndarray",
        ),
        (
            lambda ps: clip_grad_value_(ps, "a"),
            TypeError,
            r"^clip_grad_value_: clip_value must be a real number, got str 'a'$",
        ),
        (
            lambda ps: clip_grad_value_(ps, -0.5),
            ValueError,
            r"^clip_grad_value_: clip_value must be a number >= 0, got -0\.5$",
        ),
        (
            lambda ps: clip_grad_value_(None, 1.0),
            TypeError,
            r"^clip_grad_value_: parameters must be a Value or an iterable of Values",
        ),
        (lambda ps: clip_grad_value_(ps, 1.0, foreach=0), TypeError, r"foreach must be a bool"),
    ],
)
def test_clipping_refuses_clearly_and_changes_nothing(
    call: Any, error: type[Exception], message: str
) -> None:
    params = with_grads([3.0, 4.0])
    with pytest.raises(error, match=message):
        call(params)
    assert params[0].grad.tolist() == [3.0, 4.0]


def test_a_bound_may_be_a_0d_array_or_infinite() -> None:
    (w,) = with_grads([3.0, 4.0])
    clip_grad_norm_(w, np.array(1.0))
    np.testing.assert_allclose(w.grad, [0.6, 0.8], rtol=1e-5)
    clip_grad_norm_(w, math.inf)
    clip_grad_value_(w, math.inf)
    np.testing.assert_allclose(w.grad, [0.6, 0.8], rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
def test_clip_grad_value_clips_in_place_and_keeps_nan(dtype: Any) -> None:
    a, b = with_grads([-3.0, 0.25, math.nan], [[2.0], [-0.5]], dtype=dtype)
    unused = nn.Parameter(np.ones(1))
    held = a.grad
    assert clip_grad_value_([a, b, unused], 0.5) is None
    assert held is a.grad
    np.testing.assert_array_equal(a.grad, np.array([-0.5, 0.25, math.nan], dtype))
    np.testing.assert_array_equal(b.grad, np.array([[0.5], [-0.5]], dtype))
    assert a.grad.dtype == dtype
    assert not unused.has_grad
    clip_grad_value_(a, 0.0)
    np.testing.assert_array_equal(a.grad[:2], [0.0, 0.0])


def test_parameters_to_vector_and_back() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (13,)
    expected = np.concatenate([p.data.ravel() for p in model.parameters()])
    np.testing.assert_array_equal(vec.data, expected)
    parameters = list(model.parameters())
    vector_to_parameters(np.arange(13.0), model.parameters())
    assert list(model.parameters()) == parameters
    assert model[0].weight.data.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert model[1].bias.data.tolist() == [12.0]
    vector_to_parameters(vec, model.parameters())  # a Value too
    np.testing.assert_array_equal(parameters_to_vector(model.parameters()).data, expected)
    scalar = nn.Parameter(np.array(2.0))
    assert parameters_to_vector(scalar).shape == (1,)


def test_vector_to_parameters_copies_into_each_dtype() -> None:
    w = nn.Parameter(np.zeros((2, 2)), dtype=np.float32)
    b = nn.Parameter(np.zeros(1))
    vec = np.arange(5.0)
    vector_to_parameters(vec, [w, b])
    assert w.dtype == np.float32
    assert b.dtype == np.float64
    vec[...] = -1.0  # no memory shared with the vector
    assert w.data.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert b.data.tolist() == [4.0]


def test_parameters_to_vector_is_differentiable() -> None:
    a = Value(np.array([[1.0, 2.0], [3.0, -1.0]]))
    b = Value(np.array([0.5, -2.0]))
    weights = np.arange(1.0, 7.0)
    (parameters_to_vector([a, b]) * weights).sum().backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(b.grad, [5.0, 6.0])
    assert gradcheck(lambda x, y: (parameters_to_vector([x, y]) ** 2).sum(), a, b)


def test_parameters_to_vector_keeps_float32() -> None:
    w = nn.Parameter(np.ones(2), dtype=np.float32)
    assert parameters_to_vector([w]).dtype == np.float32


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda ps: parameters_to_vector([]),
            ValueError,
            r"^parameters_to_vector: no parameters were given, to make a vector of$",
        ),
        (
            lambda ps: parameters_to_vector(5),
            TypeError,
            r"^parameters_to_vector: parameters must be a Value or an iterable",
        ),
        (
            lambda ps: parameters_to_vector([np.ones(2)]),
            TypeError,
            r"^parameters_to_vector: parameters must be Values, but item 0 is ndarray",
        ),
        (
            lambda ps: vector_to_parameters([1.0, 2.0, 3.0], ps),
            TypeError,
            r"^vector_to_parameters: vec must be a Value or a numpy array of real numbers, got "
            r"list",
        ),
        (
            lambda ps: vector_to_parameters(np.array(["a"]), ps),
            TypeError,
            r"^vector_to_parameters: vec must be a Value or a numpy array",
        ),
        (
            lambda ps: vector_to_parameters(np.ones((1, 3)), ps),
            ValueError,
            r"^vector_to_parameters: vec must be 1-D, got shape \(1, 3\)$",
        ),
        (
            lambda ps: vector_to_parameters(np.ones(4), ps),
            ValueError,
            r"^vector_to_parameters: vec has 4 entries, the parameters 3 together$",
        ),
        (
            lambda ps: vector_to_parameters(np.ones(3), "w"),
            TypeError,
            r"^vector_to_parameters: parameters must be a Value or an iterable .* got str 'w'$",
        ),
    ],
)
def test_vectors_refuse_clearly_and_change_nothing(
    call: Any, error: type[Exception], message: str
) -> None:
    layer = nn.Linear(2, 1)
    before = layer.state_dict()
    with pytest.raises(error, match=message):
        call(list(layer.parameters()))
    for name, array in layer.state_dict().items():
        np.testing.assert_array_equal(array, before[name])

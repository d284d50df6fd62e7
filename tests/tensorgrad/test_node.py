"""The graph's nodes: what a node keeps, whose gradient is kept, and in-place activation backward.

A node keeps only the arrays its backward reads, and refers to its own Value weakly, so an
intermediate result nobody holds dies as soon as it is used, and its gradient is never
stored. relu, tanh and sigmoid compute their operand's gradient in place, in an array that
no one else reads; these tests check that they never overwrite one that someone does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorgrad import Value, grad, gradcheck, linear
from tensorgrad.node import Node

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}
DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda x: (x > 0).astype(float),
    "tanh": lambda x: 1 - np.tanh(x) ** 2,
    "sigmoid": lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
}

# Values away from relu's kink, where central differences are exact enough.
away_from_zero = st.floats(0.1, 2.0) | st.floats(-2.0, -0.1)


def test_a_value_points_to_its_node_and_the_node_back_weakly() -> None:
    x = Value([1.0, -2.0])
    y = x.relu()
    assert isinstance(y.grad_fn, Node)
    assert y.grad_fn.value() is y
    (leaf,) = y.grad_fn.prev  # the leaf got its node when an operation used it
    assert leaf.value() is x
    assert leaf.op == ""
    assert x.grad_fn is None  # as in PyTorch, a leaf has no grad_fn


def test_an_intermediate_nobody_holds_dies_in_the_forward_pass() -> None:
    x = np.arange(6.0).reshape(2, 3) - 2.5
    w = Value(np.linspace(-1.0, 1.0, 12).reshape(4, 3))
    z = linear(x, w)
    z_data = weakref.ref(z.data)  # numpy arrays take weak references
    a = z.relu()
    del z
    assert z_data() is None  # relu's backward reads its result, not its input
    a.sum().backward()
    np.testing.assert_array_equal(w.grad, (a.data > 0).T.astype(float) @ x)


def test_a_node_keeps_the_result_its_backward_reads_until_backward() -> None:
    x = Value([0.5, -1.0, 2.0])
    a = x.exp()
    a_data = weakref.ref(a.data)
    loss = (a * 3.0).sum()
    del a
    assert a_data() is not None  # exp's backward reads it
    loss.backward()
    assert a_data() is None  # the walk let go of it
    np.testing.assert_allclose(x.grad, 3.0 * np.exp([0.5, -1.0, 2.0]))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_a_held_activation_keeps_its_own_gradient(name: str) -> None:
    x = Value([-1.0, 0.5, 2.0])
    a = ACTIVATIONS[name](x)
    c = np.array([1.0, 2.0, 3.0])
    (a * c).sum().backward()
    np.testing.assert_array_equal(a.grad, c)  # not overwritten by the in-place formula
    np.testing.assert_allclose(x.grad, c * DERIVATIVES[name](x.data))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_grad_of_an_activation_and_its_input(name: str) -> None:
    x = Value([-1.0, 0.5, 2.0])
    a = ACTIVATIONS[name](x)
    c = np.array([1.0, 2.0, 3.0])
    ga, gx = grad((a * c).sum(), [a, x])
    np.testing.assert_array_equal(ga.data, c)
    np.testing.assert_allclose(gx.data, c * DERIVATIVES[name](x.data))


def test_activations_do_not_overwrite_a_gradient_they_share() -> None:
    # add hands its gradient, unchanged, to both operands: the same array reaches every
    # activation, and none may scale it for the others.
    x = Value([-1.0, 0.5, 2.0])
    seed = np.array([1.0, -2.0, 3.0])
    (x.relu() + x.tanh() + x.sigmoid()).backward(seed)
    expected = seed * sum(d(x.data) for d in DERIVATIVES.values())
    np.testing.assert_allclose(x.grad, expected)
    np.testing.assert_array_equal(seed, [1.0, -2.0, 3.0])  # the caller's array untouched


def test_retained_graph_through_activations_gives_the_same_gradient_twice() -> None:
    x = Value([-1.0, 0.5, 2.0])
    loss = (x.relu().tanh().sigmoid() * np.array([1.0, 2.0, 3.0])).sum()
    loss.backward(retain_graph=True)
    once = x.grad.copy()
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * once)


@settings(max_examples=40, deadline=None)
@given(
    data=hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), elements=away_from_zero
    ),
    names=st.lists(st.sampled_from(sorted(ACTIVATIONS)), min_size=1, max_size=4),
    keep=st.booleans(),
)
def test_chains_of_activations_against_central_differences(
    data: np.ndarray, names: list[str], keep: bool
) -> None:
    kept: list[Value] = []

    def chain(x: Value) -> Value:
        h = x * 1.5
        for name in names:
            h = ACTIVATIONS[name](h) + h * 0.25  # the sum shares the gradient with h
            if keep:
                kept.append(h)  # a held intermediate: its gradient must survive the walk
        return h

    gradcheck(chain, Value(data))
    if keep:
        # The gradients backward leaves on held intermediates are those grad() computes.
        kept.clear()
        chain(Value(data)).sum().backward()
        stored = [h.grad for h in kept]
        kept.clear()
        expected = grad(chain(Value(data)).sum(), kept)
        for got, want in zip(stored, expected, strict=True):
            np.testing.assert_allclose(got, want.data)


def test_create_graph_through_intermediates_nobody_holds() -> None:
    # Second derivatives need the intermediates as Values; the walk rebuilds the ones that
    # died from the arrays their nodes kept.
    def first_derivative(x0: np.ndarray, hold: bool) -> tuple[np.ndarray, np.ndarray]:
        x = Value(x0)
        held = [x.tanh()] if hold else []
        y = (held[0] if hold else x.tanh()).exp().sum()
        (gx,) = grad(y, x, create_graph=True)
        (hx,) = grad(gx.sum(), x)
        return gx.data, hx.data

    x0 = np.array([0.3, -0.7])
    g_dropped, h_dropped = first_derivative(x0, hold=False)
    g_held, h_held = first_derivative(x0, hold=True)
    np.testing.assert_allclose(g_dropped, g_held)
    np.testing.assert_allclose(h_dropped, h_held)
    eps = 1e-6
    numeric = (first_derivative(x0 + eps, False)[0] - first_derivative(x0 - eps, False)[0]) / (
        2 * eps
    )
    np.testing.assert_allclose(h_dropped, numeric, rtol=1e-6)


def test_a_sum_does_not_keep_an_operand_shaped_like_its_result() -> None:
    # + and - read only their operands' shapes and dtypes: x @ W in x @ W + b is not kept.
    x = np.arange(12.0).reshape(4, 3) - 5.0
    w = Value(np.linspace(-1.0, 1.0, 6).reshape(3, 2))
    b = Value(np.array([0.5, -0.5]))
    p = x @ w
    product = weakref.ref(p.data)
    y = (p - b).relu()
    del p
    assert product() is None
    y.sum().backward()
    mask = (x @ w.data - b.data) > 0
    np.testing.assert_array_equal(b.grad, -mask.sum(axis=0))
    np.testing.assert_array_equal(w.grad, x.T @ mask)


def test_a_sum_of_two_dtypes_gives_each_operand_its_own() -> None:
    a = Value(np.array([1.0, 2.0], dtype=np.float32))
    b = Value(np.array([3.0, 4.0]))
    (a + b).sum().backward()
    (b - a).sum().backward()
    assert a.grad.dtype == np.float32
    assert b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad, [0.0, 0.0])
    np.testing.assert_array_equal(b.grad, [2.0, 2.0])

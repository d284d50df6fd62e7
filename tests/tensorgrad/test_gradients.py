"""Every operation's gradient against central differences, first and second order.

Each test draws shapes (including 0-d, size-1 and size-0 axes, and shapes that broadcast)
and data inside the operation's domain, then checks with :func:`tensorgrad.gradcheck`

* the gradient backward computes, and
* the gradient of that gradient, computed by differentiating the output of
  ``tensorgrad.grad(..., create_graph=True)``: the same backward formulas, run on Values.

Operations with kinks (relu, abs, clip, max, maximum...) get data from a permutation,
so that values are distinct and at least 0.25 apart: no ties, and no value within a
finite-difference step of a kink.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from cases import axes_for
from gradchecks import check
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad

SETTINGS = settings(max_examples=40)

Shape = tuple[int, ...]


# -- strategies -------------------------------------------------------------------------------


def shapes(min_side: int = 0) -> st.SearchStrategy[Shape]:
    return hnp.array_shapes(min_dims=0, max_dims=3, min_side=min_side, max_side=3)


def pairs() -> st.SearchStrategy[tuple[Shape, Shape]]:
    """Two shapes that broadcast together (``(3, 1)`` with ``(1, 4)``, ``()`` with ``(2,)``...)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3
    ).map(lambda s: s.input_shapes)


def arrays(shape: Shape, lo: float = -2.0, hi: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi))


def away_from_zero(shape: Shape, lo: float = 0.3, hi: float = 2.0) -> st.SearchStrategy[Any]:
    """Values with ``lo <= |x| <= hi``."""
    return st.tuples(arrays(shape, lo, hi), hnp.arrays(np.bool_, shape)).map(
        lambda p: np.where(p[1], -p[0], p[0])
    )


@st.composite
def distinct(draw: st.DrawFn, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Arrays whose values, all together, are distinct multiples of 0.25 (offset by 0.01)."""
    sizes = [math.prod(s) for s in shapes]
    order = np.array(draw(st.permutations(range(sum(sizes)))), dtype=np.float64)
    values = (order - sum(sizes) / 2) * 0.25 + 0.01
    return [part.reshape(s) for part, s in zip(np.split(values, np.cumsum(sizes)[:-1]), shapes)]


# -- elementwise, one operand -----------------------------------------------------------------

UNARY_SMOOTH = {
    "neg": (lambda x: -x, -2.0, 2.0),
    "exp": (lambda x: x.exp(), -2.0, 2.0),
    "log": (lambda x: x.log(), 0.2, 3.0),
    "tanh": (lambda x: x.tanh(), -2.0, 2.0),
    "sigmoid": (lambda x: x.sigmoid(), -3.0, 3.0),
    "sqrt": (lambda x: x.sqrt(), 0.2, 3.0),
    "square": (lambda x: x**2, -2.0, 2.0),
    "cube": (lambda x: x**3, -2.0, 2.0),
    "pow -1.5": (lambda x: x**-1.5, 0.3, 2.0),
    "pow 0.5": (lambda x: x**0.5, 0.2, 2.0),
    "rpow": (lambda x: 2.0**x, -2.0, 2.0),
    "add scalar": (lambda x: x + 2, -2.0, 2.0),
    "radd scalar": (lambda x: 2 + x, -2.0, 2.0),
    "sub scalar": (lambda x: x - 2.5, -2.0, 2.0),
    "rsub scalar": (lambda x: 2.5 - x, -2.0, 2.0),
    "mul scalar": (lambda x: x * 3, -2.0, 2.0),
    "rmul scalar": (lambda x: 3 * x, -2.0, 2.0),
    "div scalar": (lambda x: x / 4, -2.0, 2.0),
    "rdiv scalar": (lambda x: 3 / x, 0.3, 2.0),
}


@pytest.mark.parametrize("name", UNARY_SMOOTH)
@SETTINGS
@given(data=st.data())
def test_smooth_unary(name: str, data: st.DataObject) -> None:
    fn, lo, hi = UNARY_SMOOTH[name]
    check(fn, data.draw(shapes().flatmap(lambda s: arrays(s, lo, hi))))


UNARY_KINKED = {
    "relu": lambda x: x.relu(),
    "abs": lambda x: x.abs(),
    "clip": lambda x: x.clip(-0.5, 0.5),
    "clip lo": lambda x: x.clip(lo=0.0),
    "clip hi": lambda x: x.clip(hi=0.0),
}


@pytest.mark.parametrize("name", UNARY_KINKED)
@SETTINGS
@given(data=st.data())
def test_kinked_unary(name: str, data: st.DataObject) -> None:
    (x,) = data.draw(shapes().flatmap(lambda s: distinct([s])))
    check(UNARY_KINKED[name], x)


# -- elementwise, two operands, broadcast -----------------------------------------------------

BINARY_SMOOTH = {
    "add": (lambda a, b: a + b, (-2.0, 2.0), (-2.0, 2.0)),
    "sub": (lambda a, b: a - b, (-2.0, 2.0), (-2.0, 2.0)),
    "mul": (lambda a, b: a * b, (-2.0, 2.0), (-2.0, 2.0)),
    "pow": (lambda a, b: a**b, (0.3, 2.0), (-2.0, 2.0)),
}


@pytest.mark.parametrize("name", BINARY_SMOOTH)
@SETTINGS
@given(shape_pair=pairs(), data=st.data())
@example(shape_pair=((3, 1), (1, 4)), data=None)
@example(shape_pair=((4,), (2, 3, 4)), data=None)
@example(shape_pair=((), (2, 3)), data=None)
@example(shape_pair=((0, 3), (1, 3)), data=None)
def test_smooth_binary(
    name: str, shape_pair: tuple[Shape, Shape], data: st.DataObject | None
) -> None:
    fn, (alo, ahi), (blo, bhi) = BINARY_SMOOTH[name]
    a_shape, b_shape = shape_pair
    if data is None:  # an explicit example: fixed data
        a = np.linspace(alo, ahi, math.prod(a_shape)).reshape(a_shape)
        b = np.linspace(bhi, blo, math.prod(b_shape)).reshape(b_shape)
    else:
        a, b = data.draw(arrays(a_shape, alo, ahi)), data.draw(arrays(b_shape, blo, bhi))
    check(fn, a, b)


@SETTINGS
@given(shape_pair=pairs(), data=st.data())
def test_div(shape_pair: tuple[Shape, Shape], data: st.DataObject) -> None:
    a = data.draw(arrays(shape_pair[0]))
    b = data.draw(away_from_zero(shape_pair[1]))
    check(lambda x, y: x / y, a, b)


@pytest.mark.parametrize("fn", [tg.maximum, tg.minimum], ids=["maximum", "minimum"])
@SETTINGS
@given(shape_pair=pairs(), data=st.data())
def test_maximum_minimum(
    fn: Callable[..., Value], shape_pair: tuple[Shape, Shape], data: st.DataObject
) -> None:
    a, b = data.draw(distinct(shape_pair))
    check(fn, a, b)


def test_maximum_minimum_ties_share_the_gradient() -> None:
    a, b = Value([1.0, 2.0, 3.0]), Value([1.0, 0.0, 5.0])
    (tg.maximum(a, b) + tg.minimum(a, b)).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 1.0, 1.0])
    a.zero_grad()
    tg.maximum(a, 1.0).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0, 1.0])


@SETTINGS
@given(
    shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3),
    data=st.data(),
)
def test_where(shapes3: Any, data: st.DataObject) -> None:
    cond_shape, a_shape, b_shape = shapes3.input_shapes
    mask = data.draw(hnp.arrays(np.bool_, cond_shape))
    check(lambda a, b: tg.where(mask, a, b), data.draw(arrays(a_shape)), data.draw(arrays(b_shape)))


def test_constants_get_no_gradient_and_cost_nothing() -> None:
    w = Value(np.ones((3, 2)))
    x = np.arange(6.0).reshape(2, 3)
    y = x @ w
    assert y.grad_fn.prev[0] is None  # the data is not in the graph
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, x.T @ np.ones((2, 2)))


# -- matrix product ---------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((4, 2, 3), (3, 2)),
    ((2, 3), (4, 3, 2)),
    ((5, 1, 2, 3), (4, 3, 2)),
    ((3,), (2, 3, 4)),
    ((2, 2, 3), (3,)),
    ((0, 3), (3, 2)),
    ((2, 0), (0, 3)),
]


@pytest.mark.parametrize(("a_shape", "b_shape"), MATMUL_SHAPES)
def test_matmul(a_shape: Shape, b_shape: Shape) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    check(lambda x, y: x @ y, a, b)
    np.testing.assert_allclose((Value(a) @ Value(b)).data, a @ b)


def test_matmul_with_constants_on_either_side() -> None:
    w = Value(np.ones((3, 2)))
    (np.ones((4, 3)) @ w).sum().backward()
    np.testing.assert_array_equal(w.grad, np.full((3, 2), 4.0))
    w.zero_grad()
    (w.T @ np.ones(3)).sum().backward()
    np.testing.assert_array_equal(w.grad, np.ones((3, 2)))


# -- linear -----------------------------------------------------------------------------------


@SETTINGS
@given(
    batch=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
    n_in=st.integers(0, 3),
    n_out=st.integers(1, 3),
    bias=st.booleans(),
    data=st.data(),
)
@example(batch=(), n_in=3, n_out=2, bias=True, data=None)  # one sample, 1-D x
@example(batch=(2, 3), n_in=3, n_out=2, bias=True, data=None)  # batches of batches, 3-D x
@example(batch=(0,), n_in=2, n_out=2, bias=True, data=None)  # an empty batch
def test_linear(
    batch: Shape, n_in: int, n_out: int, bias: bool, data: st.DataObject | None
) -> None:
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s) for s in ((*batch, n_in), (n_out, n_in), (n_out,)))
    if bias:
        check(lambda xv, wv, bv: tg.linear(xv, wv, bv), x, w, b)
    else:
        check(lambda xv, wv: tg.linear(xv, wv), x, w)
    # The same value and gradients as the three operations it stands for.
    one = [Value(a) for a in (x, w, b)]
    three = [Value(a) for a in (x, w, b)]
    y1 = tg.linear(one[0], one[1], one[2] if bias else None)
    y2 = three[0] @ three[1].T + (three[2] if bias else 0.0)
    assert y1.shape == y2.shape == (*batch, n_out)
    np.testing.assert_allclose(y1.data, y2.data, rtol=1e-12, atol=1e-12)
    seed = rng.standard_normal(y1.shape)
    y1.backward(seed)
    y2.backward(seed)
    for v1, v2 in zip(one, three):
        np.testing.assert_allclose(v1.grad, v2.grad, rtol=1e-12, atol=1e-12)


def test_linear_is_one_node_and_gives_constants_no_gradient() -> None:
    w, b = Value(np.ones((2, 3))), Value(np.zeros(2))
    x = np.arange(12.0).reshape(4, 3)
    y = tg.linear(x, w, b)
    assert y.grad_fn.op == "linear"
    data, weight, bias = y.grad_fn.prev
    assert data is None  # the data is not in the graph
    assert weight.value() is w
    assert bias.value() is b
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, np.ones((2, 4)) @ x)
    np.testing.assert_array_equal(b.grad, [4.0, 4.0])
    assert tg.linear(x, np.ones((2, 3))).requires_grad is False  # constants only


def test_linear_hessian_vector_product() -> None:
    """H v for L(W) = sum(tanh(linear(x, W, b))²): the gradient of <dL/dW, v>, by create_graph,
    against the central difference of dL/dW along v (H is symmetric)."""
    rng = np.random.default_rng(3)
    x, w, b, v = (rng.standard_normal(s) for s in ((4, 3), (2, 3), (2,), (2, 3)))

    def gradient(weight: Value, create_graph: bool = False) -> Value:
        loss = (tg.linear(x, weight, b).tanh() ** 2).sum()
        (g,) = grad(loss, weight, create_graph=create_graph)
        return g

    weight = Value(w)
    (hv,) = grad((gradient(weight, create_graph=True) * v).sum(), weight)
    eps = 1e-6
    up, down = gradient(Value(w + eps * v)), gradient(Value(w - eps * v))
    np.testing.assert_allclose(hv.data, (up.data - down.data) / (2 * eps), rtol=1e-6, atol=1e-8)


# -- reductions -------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["sum", "mean"])
@SETTINGS
@given(shape=shapes(min_side=1), keepdims=st.booleans(), data=st.data())
def test_sum_mean(op: str, shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    axis = data.draw(axes_for(len(shape)))
    check(lambda x: getattr(x, op)(axis=axis, keepdims=keepdims), data.draw(arrays(shape)))


@SETTINGS
@given(shape=shapes(), keepdims=st.booleans(), data=st.data())
def test_sum_of_empty(shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    axis = data.draw(axes_for(len(shape)))
    x = Value(data.draw(arrays(shape)))
    s = x.sum(axis=axis, keepdims=keepdims)
    np.testing.assert_array_equal(s.data, x.data.sum(axis=axis, keepdims=keepdims))
    check(lambda v: v.sum(axis=axis, keepdims=keepdims), x.data)


@pytest.mark.parametrize("op", ["max", "min"])
@SETTINGS
@given(shape=shapes(min_side=1), keepdims=st.booleans(), data=st.data())
def test_max_min(op: str, shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    axis = data.draw(axes_for(len(shape)))
    (x,) = data.draw(distinct([shape]))
    check(lambda v: getattr(v, op)(axis=axis, keepdims=keepdims), x)


def test_max_splits_the_gradient_among_ties_like_amax() -> None:
    x = Value([[2.0, 2.0, 1.0], [0.0, 3.0, 3.0]])
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    y = Value([1.0, 1.0, 1.0, 0.0])
    y.min().backward()
    np.testing.assert_array_equal(y.grad, [0.0, 0.0, 0.0, 1.0])


def test_argmax() -> None:
    x = Value([[1.0, 9.0], [7.0, 2.0]])
    np.testing.assert_array_equal(x.argmax(axis=-1), [1, 0])
    assert x.argmax() == 1
    assert isinstance(x.argmax(), np.ndarray)


# -- shape ------------------------------------------------------------------------------------


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_reshape_flatten(shape: Shape, data: st.DataObject) -> None:
    x = data.draw(arrays(shape))
    check(lambda v: v.reshape(-1), x)
    check(lambda v: v.reshape(tuple(reversed(shape))), x)
    check(lambda v: v.reshape(1, *shape, 1), x)
    check(lambda v: v.flatten(), x)


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_transpose(shape: Shape, data: st.DataObject) -> None:
    x = data.draw(arrays(shape))
    order = data.draw(st.permutations(range(len(shape))))
    check(lambda v: v.transpose(*order), x)
    check(lambda v: v.transpose(), x)
    check(lambda v: v.T, x)
    if len(shape) >= 2:
        check(lambda v: v.swapaxes(-1, 0), x)


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_squeeze_unsqueeze(shape: Shape, data: st.DataObject) -> None:
    x = data.draw(arrays(shape))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda v: v.unsqueeze(axis), x)
    check(lambda v: v.unsqueeze(axis).squeeze(axis), x)
    check(lambda v: v.squeeze(), x)
    assert Value(x).unsqueeze(axis).shape == np.expand_dims(x, axis).shape


@SETTINGS
@given(shape_pair=pairs(), data=st.data())
def test_broadcast_to(shape_pair: tuple[Shape, Shape], data: st.DataObject) -> None:
    target = np.broadcast_shapes(*shape_pair)
    check(lambda v: v.broadcast_to(target), data.draw(arrays(shape_pair[0])))


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3),
    n=st.integers(1, 3),
    data=st.data(),
)
def test_concatenate_stack(shape: Shape, n: int, data: st.DataObject) -> None:
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    cut = axis % len(shape)
    parts = [data.draw(arrays((*shape[:cut], k, *shape[cut + 1 :]))) for k in sizes]
    check(lambda *vs: tg.concatenate(vs, axis=axis), *parts)
    same = [data.draw(arrays(shape)) for _ in range(n)]
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda *vs: tg.stack(vs, axis=new_axis), *same)


def test_concatenate_with_a_constant() -> None:
    x = Value([1.0, 2.0])
    y = tg.concatenate([x, np.array([5.0])])
    (y * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


# -- indexing ---------------------------------------------------------------------------------

INDICES = {
    "int": 1,
    "negative int": -1,
    "slice": slice(1, None),
    "step": slice(None, None, 2),
    "tuple": (1, slice(0, 2)),
    "none": (None, Ellipsis, 0),
    "ellipsis": (Ellipsis, 1),
    "int array": np.array([0, 2, 0, 0]),
    "int arrays": (np.array([0, 1, 1]), np.array([2, 0, 2])),
    "bool mask": np.array([True, False, True]),
    "mixed": (slice(None), np.array([1, 1])),
    "list": [2, 2],
    "empty": slice(3, 3),
}


@pytest.mark.parametrize("name", INDICES)
def test_getitem(name: str) -> None:
    index = INDICES[name]
    x = np.random.default_rng(0).standard_normal((3, 3))
    check(lambda v: v[index], x)
    np.testing.assert_array_equal(Value(x)[index].data, x[index])


def test_repeated_indices_accumulate() -> None:
    x = Value([1.0, 2.0, 3.0])
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_iteration_gives_differentiable_rows() -> None:
    x = Value([[1.0, 2.0], [3.0, 4.0]])
    total = Value(0.0)
    for row in x:
        total = total + row.sum() * row.sum()
    total.backward()
    np.testing.assert_array_equal(x.grad, [[6.0, 6.0], [14.0, 14.0]])


# -- softmax and friends ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
@SETTINGS
@given(shape=shapes(min_side=1).filter(lambda s: len(s) > 0), data=st.data())
def test_softmax_family(name: str, shape: Shape, data: st.DataObject) -> None:
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    fn = getattr(tg, name)
    check(lambda v: fn(v, axis=axis), data.draw(arrays(shape, -3.0, 3.0)))


def test_logsumexp_keepdims_and_tuple_axes() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    check(lambda v: tg.logsumexp(v, axis=(0, 2), keepdims=True), x)
    expected = np.log(np.exp(x).sum(axis=(0, 2)))
    np.testing.assert_allclose(tg.logsumexp(Value(x), axis=(0, 2)).data, expected)


@pytest.mark.parametrize("scale", [1e3, -1e3, 1e300])
def test_softmax_family_is_stable(scale: float) -> None:
    x = Value([[1.0, -1.0, 0.5], [0.0, 0.0, 0.0]]) * scale
    for out in (tg.softmax(x), tg.log_softmax(x), tg.logsumexp(x)):
        assert np.isfinite(out.data).all()
        out.sum().backward(retain_graph=True)
    p = tg.softmax(x).data
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    np.testing.assert_allclose(tg.log_softmax(x).data[1], np.log(1 / 3))


def test_softmax_family_of_infinite_rows() -> None:
    """As PyTorch: logsumexp of a row of -inf is -inf (the log of an empty sum), of a row
    with +inf is +inf; softmax and log_softmax of a row of -inf are NaN. Finite rows next
    to them are unaffected."""
    x = Value([[-np.inf, -np.inf], [np.inf, 0.0], [0.0, 1.0]])
    with np.errstate(all="ignore"):  # numpy warns about the 0/0 and log(0)
        lse = tg.logsumexp(x).data
        p = tg.softmax(x).data
        log_p = tg.log_softmax(x).data
    assert lse[0] == -np.inf
    assert lse[1] == np.inf
    assert np.isnan(p[0]).all()
    assert np.isnan(log_p[0]).all()
    np.testing.assert_allclose(p[2], np.exp([0.0, 1.0]) / np.exp([0.0, 1.0]).sum())
    np.testing.assert_allclose(lse[2], np.log(1 + np.e))


# -- float32 stays float32 --------------------------------------------------------------------

FLOAT32_CASES = {
    **{name: (fn, lo, hi) for name, (fn, lo, hi) in UNARY_SMOOTH.items()},
    **{name: (fn, 0.3, 2.0) for name, fn in UNARY_KINKED.items()},
    "sum": (lambda x: x.sum(axis=0), -2.0, 2.0),
    "mean": (lambda x: x.mean(), -2.0, 2.0),
    "max": (lambda x: x.max(axis=-1, keepdims=True), -2.0, 2.0),
    "reshape": (lambda x: x.reshape(-1), -2.0, 2.0),
    "transpose": (lambda x: x.T, -2.0, 2.0),
    "getitem": (lambda x: x[np.array([0, 0])], -2.0, 2.0),
    "softmax": (tg.softmax, -2.0, 2.0),
    "log_softmax": (tg.log_softmax, -2.0, 2.0),
    "logsumexp": (tg.logsumexp, -2.0, 2.0),
    "matmul const": (lambda x: x @ np.ones((3, 2), dtype=np.float32), -2.0, 2.0),
    "linear": (lambda x: tg.linear(x, x, x[:, 0]), -2.0, 2.0),
    "linear 1-D": (lambda x: tg.linear(x[0], x, x[:, 0]), -2.0, 2.0),
    "linear const x": (lambda x: tg.linear(np.ones((4, 3), np.float32), x, x[:, 0]), -2.0, 2.0),
    "matmul": (lambda x: x @ x.T, -2.0, 2.0),
    "batched matmul 1-D": (lambda x: x.reshape(2, 1, 3) @ x[0], -2.0, 2.0),
    "sub": (lambda x: x - x[0], -2.0, 2.0),
    "div": (lambda x: x / (x * x + 1.0), -2.0, 2.0),
    "minimum": (lambda x: tg.minimum(x, x.T.sum(axis=1)), -2.0, 2.0),
    "concatenate": (lambda x: tg.concatenate([x, x[:1]]), -2.0, 2.0),
    "swapaxes": (lambda x: x.swapaxes(0, 1), -2.0, 2.0),
    "unsqueeze squeeze": (lambda x: x.unsqueeze(1).squeeze(), -2.0, 2.0),
    "broadcast_to": (lambda x: x.broadcast_to((4, 2, 3)), -2.0, 2.0),
    "mul float64 array": (lambda x: x * np.ones(3), -2.0, 2.0),
    "maximum": (lambda x: tg.maximum(x, 0.5), -2.0, 2.0),
    "where": (lambda x: tg.where(x.data > 0, x, 0.0), -2.0, 2.0),
    "stack": (lambda x: tg.stack([x, x * 2.0]), -2.0, 2.0),
    "pow value": (lambda x: x**x, 0.3, 2.0),
    "broadcast add": (lambda x: x + Value(np.ones((4, 1, 3), dtype=np.float32)), -2.0, 2.0),
}


@pytest.mark.parametrize("name", FLOAT32_CASES)
def test_float32_in_float32_out(name: str) -> None:
    fn, lo, hi = FLOAT32_CASES[name]
    x = Value(np.linspace(lo, hi, 6, dtype=np.float32).reshape(2, 3))
    out = fn(x)
    (out * 1.5).sum().backward()
    assert x.grad.dtype == np.float32
    if name != "mul float64 array":  # numpy promotes float32 with a float64 *array*
        assert out.dtype == np.float32
        assert out.grad.dtype == np.float32


def test_linear_and_matmul_refuse_mixed_dtypes() -> None:
    # As PyTorch: a float32 model given float64 (or int) data must not compute in float64.
    w32 = Value(np.ones((2, 3), np.float32))
    with pytest.raises(
        TypeError,
        match=r"linear: expected bias and weight to have the same dtype, got float64 and float32",
    ):
        tg.linear(np.ones((4, 3), np.float32), w32, Value(np.ones(2)))
    with pytest.raises(
        TypeError,
        match=r"linear: expected input and weight to have the same dtype, got float64 and "
        r"float32 \(shapes \(4, 3\) and \(2, 3\)\); convert one, e.g. input.astype",
    ):
        tg.linear(np.ones((4, 3)), w32)
    with pytest.raises(TypeError, match=r"linear: .* got int64 and float32"):
        tg.linear(np.ones((4, 3), np.int64), w32)
    with pytest.raises(TypeError, match="matmul: expected a and b to have the same dtype"):
        Value(np.ones((4, 2))) @ w32
    with pytest.raises(TypeError, match=r"matmul: .* got float32 and int64"):
        w32.T @ np.ones((2, 2), np.int64)


def test_numpy_scalars_do_not_upcast_float32() -> None:
    x = Value(np.ones(2, np.float32))
    for y in (x * np.float64(2.0), np.sqrt(2.0) + x, x / np.int64(3), x ** np.float64(2)):
        assert y.dtype == np.float32


def test_float32_second_order_stays_float32() -> None:
    x = Value(np.array([0.5, 1.5], dtype=np.float32))
    (g,) = grad((x.tanh() * x).sum(), x, create_graph=True)
    assert g.dtype == np.float32
    (h,) = grad(g.sum(), x)
    assert h.dtype == np.float32

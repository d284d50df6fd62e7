"""scaled_dot_product_attention: gradients (first and second order) against central
differences over broadcast batch shapes and every kind of mask, fully masked rows, dropout,
dtypes, extremes, one node, and every error."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from gradchecks import check
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad

Shape = tuple[int, ...]
MASKS = ("none", "bool", "float", "float value", "causal")


def _reference(q: Any, k: Any, v: Any, bias: Any = None, scale: float | None = None) -> Any:
    """The attention as a chain of tensorgrad's ops (an independent formula)."""
    s = (q @ k.swapaxes(-1, -2)) * (q.shape[-1] ** -0.5 if scale is None else scale)
    if bias is not None:
        s = s + bias
    return tg.softmax(s, -1) @ v


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """Shapes of q, k, v whose batch axes broadcast, L != S and E != Ev allowed, a mask of
    one kind broadcastable to (..., L, S), and maybe a scale."""
    batches = draw(
        hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=2, max_side=2)
    ).input_shapes
    length, keys, e, ev = (draw(st.integers(1, 3)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    q = rng.standard_normal((*batches[0], length, e))
    k = rng.standard_normal((*batches[1], keys, e))
    v = rng.standard_normal((*batches[2], keys, ev))
    target = (*np.broadcast_shapes(*batches), length, keys)
    kind = draw(st.sampled_from(MASKS))
    mask = None
    if kind in ("bool", "float", "float value"):
        cut = draw(st.integers(0, len(target) - 1))
        shape = tuple(n if draw(st.booleans()) else 1 for n in target[cut:])
        if kind == "bool":
            mask = rng.random(shape) < 0.6  # some rows may be fully masked
        else:
            mask = rng.standard_normal(shape)
            # (-inf in a float mask that gets a gradient: in test_a_fully_masked_row_in_gradcheck,
            # since check's second order multiplies each input's sum by 0)
            mask[rng.random(shape) < 0.2] = -np.inf if kind == "float" else -30.0
    scale = draw(st.sampled_from([None, 0.5, -1.3]))
    return {"q": q, "k": k, "v": v, "kind": kind, "mask": mask, "scale": scale}


@settings(max_examples=40, deadline=None)
@given(problem=problems())
def test_gradients(problem: dict[str, Any]) -> None:
    kind, mask, scale = problem["kind"], problem["mask"], problem["scale"]
    causal = kind == "causal"
    arrays = [problem["q"], problem["k"], problem["v"]]
    if kind == "float value":
        arrays.append(mask)  # the mask gets its gradient too

        def fn(*xs: Value) -> Value:
            return tg.scaled_dot_product_attention(*xs[:3], attn_mask=xs[3], scale=scale)
    else:

        def fn(*xs: Value) -> Value:
            return tg.scaled_dot_product_attention(
                *xs, attn_mask=mask, is_causal=causal, scale=scale
            )

    check(fn, *arrays)


@settings(max_examples=20, deadline=None)
@given(problem=problems(), p=st.sampled_from([0.3, 0.7]))
def test_gradients_with_dropout(problem: dict[str, Any], p: float) -> None:
    mask = problem["mask"] if problem["kind"] in ("bool", "float") else None

    def fn(q: Value, k: Value, v: Value) -> Value:
        # a fresh generator at every call: the same weights dropped in every evaluation
        rng = np.random.default_rng(5)
        return tg.scaled_dot_product_attention(q, k, v, mask, p, generator=rng)

    check(fn, problem["q"], problem["k"], problem["v"])


def test_values_against_the_chain_of_ops() -> None:
    rng = np.random.default_rng(0)
    q, k, v = (
        rng.standard_normal((2, 3, 4)),
        rng.standard_normal((5, 4)),
        rng.standard_normal((2, 5, 6)),
    )
    bias = rng.standard_normal((3, 5))
    out = tg.scaled_dot_product_attention(q, k, v, bias, scale=0.3)
    np.testing.assert_allclose(out.data, _reference(Value(q), k, v, bias, 0.3).data, rtol=1e-12)
    allowed = rng.random((2, 3, 5)) < 0.7
    allowed[..., 0] = True
    out = tg.scaled_dot_product_attention(q, k, v, allowed)
    expected = _reference(Value(q), k, v, np.where(allowed, 0.0, -np.inf))
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-12)


def test_causal_is_the_lower_triangle() -> None:
    rng = np.random.default_rng(1)
    q, k, v = rng.standard_normal((4, 2)), rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    out = tg.scaled_dot_product_attention(q, k, v, is_causal=True)
    tri = np.tri(4, 3, dtype=bool)
    np.testing.assert_allclose(out.data, tg.scaled_dot_product_attention(q, k, v, tri).data)
    np.testing.assert_allclose(out.data[0], v[0])  # the first query sees the first key only


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_a_fully_masked_row_gives_zeros_and_zero_gradients(kind: str) -> None:
    rng = np.random.default_rng(2)
    q, k, v = (Value(rng.standard_normal(s), requires_grad=True) for s in [(3, 4), (5, 4), (5, 2)])
    allowed = np.ones((3, 5), bool)
    allowed[1] = False
    allowed[2, :3] = False
    mask = allowed if kind == "bool" else np.where(allowed, 0.0, -np.inf)
    out = tg.scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_array_equal(out.data[1], 0.0)
    assert np.isfinite(out.data).all()
    g = rng.standard_normal(out.shape)
    gq, gk, gv = grad((out * g).sum(), (q, k, v), create_graph=True)
    np.testing.assert_array_equal(gq.data[1], 0.0)
    assert all(np.isfinite(x.data).all() for x in (gq, gk, gv))
    # the other rows are as if the masked keys were not there
    alone = tg.scaled_dot_product_attention(q[2:], k[3:], v[3:])
    np.testing.assert_allclose(out.data[2:], alone.data, rtol=1e-12)
    second = grad((gq * gq).sum() + (gk * gk).sum() + (gv * gv).sum(), (q, k, v))
    assert all(np.isfinite(x.data).all() for x in second)


def test_a_fully_masked_row_in_gradcheck() -> None:
    allowed = np.array([[True, False], [False, False]])
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s) for s in [(2, 3), (2, 3), (2, 2)]]
    check(lambda q, k, v: tg.scaled_dot_product_attention(q, k, v, allowed), *arrays)
    bias = Value(np.where(allowed, 0.5, -np.inf), requires_grad=True)
    q, k, v = (Value(a, requires_grad=True) for a in arrays)
    out = tg.scaled_dot_product_attention(q, k, v, bias)
    grads = grad((out * out).sum(), (q, k, v, bias), create_graph=True)
    sum(((g * g).sum() for g in grads), Value(0.0)).backward()
    np.testing.assert_array_equal(grads[3].data[1], 0.0)
    assert all(np.isfinite(x.grad).all() for x in (q, k, v, bias))


def test_no_keys_no_queries_no_features() -> None:
    rng = np.random.default_rng(4)
    q = Value(rng.standard_normal((2, 3, 4)), requires_grad=True)
    empty_k = Value(np.zeros((2, 0, 4)), requires_grad=True)
    out = tg.scaled_dot_product_attention(q, empty_k, np.zeros((2, 0, 5)))
    np.testing.assert_array_equal(out.data, np.zeros((2, 3, 5)))
    out.sum().backward()
    np.testing.assert_array_equal(q.grad, 0.0)
    assert empty_k.grad.shape == (2, 0, 4)
    out = tg.scaled_dot_product_attention(np.zeros((0, 4)), np.ones((3, 4)), np.ones((3, 2)))
    assert out.shape == (0, 2)
    # E = 0: every score is 0 (and the default scale 1/√0 multiplies nothing)
    v = rng.standard_normal((3, 2))
    out = tg.scaled_dot_product_attention(np.zeros((2, 0)), np.zeros((3, 0)), v)
    np.testing.assert_allclose(out.data, np.broadcast_to(v.mean(axis=0), (2, 2)))


def test_float32_kept_with_a_float32_mask_and_create_graph() -> None:
    rng = np.random.default_rng(5)
    q, k, v = (
        Value(rng.standard_normal(s).astype(np.float32), requires_grad=True)
        for s in [(2, 3, 4), (2, 5, 4), (2, 5, 6)]
    )
    bias = Value(rng.standard_normal((3, 5)).astype(np.float32), requires_grad=True)
    out = tg.scaled_dot_product_attention(q, k, v, bias, 0.2, scale=np.float64(0.5))
    assert out.dtype == np.float32
    grads = grad(out.sum(), (q, k, v, bias), create_graph=True)
    assert all(g.dtype == np.float32 for g in grads)
    sum(((g * g).sum() for g in grads), Value(np.float32(0))).backward()
    assert all(x.grad.dtype == np.float32 for x in (q, k, v, bias))
    causal = tg.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert causal.dtype == np.float32
    allowed = tg.scaled_dot_product_attention(q, k, v, np.ones((3, 5), bool))
    assert allowed.dtype == np.float32


def test_a_float32_mask_with_float64_inputs_is_accepted() -> None:
    q = np.ones((2, 3))
    out = tg.scaled_dot_product_attention(q, q, q, np.zeros((2, 2), np.float32))
    assert out.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [17.0, 88.0, 1e4])
def test_extremes_stay_finite(dtype: type, size: float) -> None:
    rng = np.random.default_rng(6)
    q, k, v = (
        Value((size * rng.choice([-1, 1], s)).astype(dtype), requires_grad=True)
        for s in [(2, 3, 4), (2, 5, 4), (2, 5, 3)]
    )
    out = tg.scaled_dot_product_attention(q, k, v, is_causal=True)
    (out * out).sum().backward()
    assert all(np.isfinite(x).all() for x in (out.data, q.grad, k.grad, v.grad))


def test_nan_in_nan_out_and_inf_mask_nan_without_warning() -> None:
    q = np.array([[np.nan, 1.0], [0.0, 1.0]])
    out = tg.scaled_dot_product_attention(q, np.ones((3, 2)), np.ones((3, 2)))
    assert np.isnan(out.data[0]).all()
    assert not np.isnan(out.data[1]).any()
    bias = np.zeros((2, 3))
    bias[0, 1] = np.inf  # as in PyTorch: NaN, since inf - inf has no value
    out = tg.scaled_dot_product_attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((3, 2)), bias)
    assert np.isnan(out.data[0]).all()
    assert not np.isnan(out.data[1]).any()


def test_dropout() -> None:
    rng = np.random.default_rng(7)
    q, k, v = (Value(rng.standard_normal(s), requires_grad=True) for s in [(4, 3), (6, 3), (6, 2)])
    everything = tg.scaled_dot_product_attention(q, k, v, dropout_p=1.0)
    np.testing.assert_array_equal(everything.data, 0.0)
    a = tg.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=np.random.default_rng(1))
    b = tg.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=np.random.default_rng(1))
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.allclose(a.data, tg.scaled_dot_product_attention(q, k, v).data)
    # the weights kept, scaled by 2: the draw is the mask of (L, S)
    kept = np.random.default_rng(1).random((4, 6)) >= 0.5
    weights = tg.softmax(q.data @ k.data.T / np.sqrt(3), -1).data
    np.testing.assert_allclose(a.data, (weights * kept * 2) @ v.data, rtol=1e-12)
    # backward uses the mask of the forward (not a new draw)
    a.sum().backward()
    np.testing.assert_allclose(v.grad, (weights * kept * 2).T @ np.ones((4, 2)), rtol=1e-12)
    # without a generator: tensorgrad's default one, which manual_seed reseeds
    tg.manual_seed(3)
    c = tg.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    tg.manual_seed(3)
    np.testing.assert_array_equal(
        c.data, tg.scaled_dot_product_attention(q, k, v, dropout_p=0.5).data
    )


def test_one_node() -> None:
    q = Value(np.ones((2, 3)), requires_grad=True)
    out = tg.scaled_dot_product_attention(q, np.ones((4, 3)), np.ones((4, 5)))
    assert out.grad_fn.op == "scaled_dot_product_attention"
    assert out.grad_fn.prev[0] is q.grad_fn or out.grad_fn.prev[0].value() is q


def _sdpa(**kwargs: Any) -> Any:
    args = {"query": np.ones((2, 3, 4)), "key": np.ones((2, 5, 4)), "value": np.ones((2, 5, 6))}
    args.update(kwargs)
    return lambda: tg.scaled_dot_product_attention(**args)


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (_sdpa(query=np.ones(4)), ValueError, r"2 axes or more, got shapes query \(4,\)"),
        (_sdpa(key=np.ones((2, 5, 3))), ValueError, r"same last axis E.*key \(2, 5, 3\)"),
        (_sdpa(value=np.ones((2, 4, 6))), ValueError, r"number of keys S.*value \(2, 4, 6\)"),
        (
            _sdpa(key=np.ones((3, 5, 4)), value=np.ones((3, 5, 6))),
            ValueError,
            r"batch axes .* do not broadcast.*query \(2, 3, 4\), key \(3, 5, 4\)",
        ),
        (
            _sdpa(key=np.ones((2, 5, 4), np.float32)),
            TypeError,
            "one dtype, got float64, float32 and float64",
        ),
        (_sdpa(query="q"), TypeError, "scaled_dot_product_attention: expected Values.*str"),
        (
            _sdpa(attn_mask=np.ones((4, 5), bool)),
            ValueError,
            r"attn_mask of shape \(4, 5\) does not broadcast .* \(2, 3, 5\)",
        ),
        (
            _sdpa(attn_mask=np.ones((7, 2, 3, 5), bool)),
            ValueError,
            r"attn_mask of shape \(7, 2, 3, 5\) does not broadcast",
        ),
        (
            _sdpa(attn_mask=np.ones((3, 5), int)),
            TypeError,
            "attn_mask must be bool or float.*int64",
        ),
        (
            _sdpa(
                query=np.ones((3, 4), np.float32),
                key=np.ones((5, 4), np.float32),
                value=np.ones((5, 6), np.float32),
                attn_mask=np.zeros((3, 5)),
            ),
            TypeError,
            r"query's dtype \(float32\), got float64",
        ),
        (_sdpa(attn_mask=[[True]]), TypeError, "attn_mask must be a Value or a numpy array.*list"),
        (_sdpa(attn_mask=0.0), TypeError, "attn_mask must be a Value or a numpy array.*float"),
        (
            _sdpa(attn_mask=np.ones((3, 5), bool), is_causal=True),
            ValueError,
            "give attn_mask or is_causal=True, not both",
        ),
        (_sdpa(is_causal=1), TypeError, "is_causal must be True or False, got int 1"),
        (_sdpa(dropout_p=1.5), ValueError, r"dropout_p must be in \[0, 1\], got 1.5"),
        (_sdpa(dropout_p=-0.1), ValueError, r"dropout_p must be in \[0, 1\], got -0.1"),
        (_sdpa(dropout_p=True), TypeError, "dropout_p must be a real number, got bool"),
        (_sdpa(dropout_p=float("nan")), ValueError, "dropout_p must be a number, got nan"),
        (_sdpa(scale="2"), TypeError, "scale must be a real number, got str"),
        (_sdpa(scale=float("nan")), ValueError, "scale must be a number, got nan"),
        (_sdpa(generator=0), TypeError, "generator must be a numpy.random.Generator.*int"),
    ],
)
def test_errors(call: Any, kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- attention_weights: the weights alone ----------------------------------------------------


def _query_of_every_batch(problem: dict[str, Any]) -> Any:
    """The query broadcast to the batch of all three inputs, which the mask was drawn for."""
    q, k, v = problem["q"], problem["k"], problem["v"]
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    return np.broadcast_to(q, (*batch, *q.shape[-2:])).copy()


@settings(max_examples=30, deadline=None)
@given(problem=problems())
def test_weights_gradients(problem: dict[str, Any]) -> None:
    kind, mask, scale = problem["kind"], problem["mask"], problem["scale"]
    arrays = [_query_of_every_batch(problem), problem["k"]]
    if kind == "float value":
        arrays.append(mask)

        def fn(*xs: Value) -> Value:
            return tg.attention_weights(xs[0], xs[1], attn_mask=xs[2], scale=scale)
    else:

        def fn(*xs: Value) -> Value:
            return tg.attention_weights(
                *xs, attn_mask=mask, is_causal=kind == "causal", scale=scale
            )

    check(fn, *arrays)


@settings(max_examples=30, deadline=None)
@given(problem=problems())
def test_weights_times_values_is_the_attention(problem: dict[str, Any]) -> None:
    kind, mask, scale = problem["kind"], problem["mask"], problem["scale"]
    q, k, v = _query_of_every_batch(problem), problem["k"], problem["v"]
    options: dict[str, Any] = {"attn_mask": mask, "is_causal": kind == "causal", "scale": scale}
    p = tg.attention_weights(q, k, **options)
    out = tg.scaled_dot_product_attention(q, k, v, **options)
    np.testing.assert_allclose((p @ v).data, out.data, rtol=1e-12, atol=1e-14)
    rows = p.data.sum(axis=-1)
    assert np.all(np.isclose(rows, 1.0) | (rows == 0.0))  # 0: a fully masked query


def test_weights_of_a_fully_masked_row_are_zero_to_every_order() -> None:
    rng = np.random.default_rng(3)
    q, k = (Value(rng.standard_normal(s), requires_grad=True) for s in [(3, 4), (5, 4)])
    allowed = np.ones((3, 5), bool)
    allowed[0] = False
    p = tg.attention_weights(q, k, allowed)
    np.testing.assert_array_equal(p.data[0], 0.0)
    np.testing.assert_allclose(p.data[1:].sum(axis=-1), 1.0)
    gq, gk = grad((p * rng.standard_normal(p.shape)).sum(), (q, k), create_graph=True)
    np.testing.assert_array_equal(gq.data[0], 0.0)
    second = grad((gq * gq).sum() + (gk * gk).sum(), (q, k))
    assert all(np.isfinite(x.data).all() for x in second)


def test_weights_are_one_node_and_keep_float32() -> None:
    q = Value(np.ones((2, 3, 4), np.float32))
    p = tg.attention_weights(q, np.ones((2, 5, 4), np.float32), is_causal=True)
    assert p.dtype == np.float32
    assert p._node is not None
    assert p._node.op == "attention_weights"
    assert all(prev is None or prev.op != "softmax" for prev in p._node.prev)
    p.sum().backward()
    assert q.grad is not None
    assert q.grad.dtype == np.float32


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda: tg.attention_weights(np.ones(3), np.ones((2, 3))), ValueError, r"query \(3,\)"),
        (
            lambda: tg.attention_weights(np.ones((2, 3)), np.ones((2, 4))),
            ValueError,
            r"attention_weights: query and key must have the same last axis E, got shapes "
            r"query \(2, 3\) and key \(2, 4\)",
        ),
        (
            lambda: tg.attention_weights(np.ones((2, 3)), np.ones((2, 3), np.float32)),
            TypeError,
            "attention_weights: expected query and key of one dtype, got float64 and float32",
        ),
        (
            lambda: tg.attention_weights(np.ones((2, 3)), np.ones((4, 3)), np.ones((3, 4), bool)),
            ValueError,
            r"attention_weights: attn_mask of shape \(3, 4\) does not broadcast .* \(2, 4\)",
        ),
        (
            lambda: tg.attention_weights(np.ones((2, 3)), np.ones((2, 3)), scale="a"),
            TypeError,
            "attention_weights: scale",
        ),
        (
            lambda: tg.attention_weights(
                np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 2), bool), is_causal=True
            ),
            ValueError,
            "attention_weights: give attn_mask or is_causal=True, not both",
        ),
    ],
)
def test_weights_errors(call: Any, kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()

"""MultiheadAttention, TransformerEncoderLayer and TransformerEncoder: gradients against
central differences (inputs, float masks, every parameter; second order), the masks (causal:
no position sees the future; padding: a padded batch gives what the unpadded sequences give;
fully masked rows: no NaN), the weights (averaged, per head, after dropout), dropout in
training only, a PyTorch-shaped state dict loading, the layouts, dtypes, the encoder's copies,
and every error, read from its message. (Values against PyTorch: tests/crosscheck.)"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import tensorgrad as tg
from tensorgrad import Value

OPTIONS: list[dict[str, Any]] = [
    {},
    {"batch_first": True},
    {"bias": False},
    {"kdim": 3, "vdim": 5},
    {"add_bias_kv": True, "add_zero_attn": True},
]


def attention(
    options: dict[str, Any], e: int = 4, heads: int = 2, **more: Any
) -> nn.MultiheadAttention:
    layer = nn.MultiheadAttention(e, heads, **options, **more, generator=np.random.default_rng(0))
    for p in layer.parameters():  # (biases off zero, weights larger: every term matters)
        p.data = p.data * 2 + 0.1
    return layer


def shaped(
    layer: nn.MultiheadAttention, length: int, batch: int | None, features: int
) -> tuple[int, ...]:
    if batch is None:
        return (length, features)
    return (batch, length, features) if layer.batch_first else (length, batch, features)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("need_weights", [True, False])
@settings(max_examples=8, deadline=None)
@given(
    length=st.integers(1, 3),
    keys=st.integers(1, 3),
    batch=st.one_of(st.none(), st.integers(1, 2)),
    seed=st.integers(0, 2**16),
)
def test_gradcheck_of_the_inputs_a_float_mask_and_every_parameter(
    options: dict[str, Any],
    need_weights: bool,
    length: int,
    keys: int,
    batch: int | None,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    layer = attention(options)
    q = Value(rng.standard_normal(shaped(layer, length, batch, layer.embed_dim)))
    k = Value(rng.standard_normal(shaped(layer, keys, batch, layer.kdim)))
    v = Value(rng.standard_normal(shaped(layer, keys, batch, layer.vdim)))
    mask = Value(rng.standard_normal((length, keys)))
    parameters = list(layer.parameters())

    def run(q: Value, k: Value, v: Value, mask: Value, *_: Value) -> Value:
        out, weights = layer(q, k, v, attn_mask=mask, need_weights=need_weights)
        flat = [out.reshape(-1)] + ([weights.reshape(-1)] if weights is not None else [])
        return tg.concatenate(flat)

    tg.gradcheck(run, q, k, v, mask, *parameters)


def test_second_order_through_the_attention() -> None:
    rng = np.random.default_rng(1)
    layer = attention({"batch_first": True})
    x = Value(rng.standard_normal((2, 3, 4)))
    padding = np.array([[False, False, True], [False, False, False]])

    def gradients(x: Value, weight: Value) -> Value:
        out, w = layer(x, x, x, key_padding_mask=padding)
        gx, gw = tg.grad((out * out).sum() + (w * w).sum(), [x, weight], create_graph=True)
        return tg.concatenate([gx.reshape(-1), gw.reshape(-1)])

    tg.gradcheck(gradients, x, layer.in_proj_weight)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@settings(max_examples=2, deadline=None)
@given(
    length=st.integers(1, 3),
    batch=st.one_of(st.none(), st.integers(1, 2)),
    masks=st.sampled_from(["none", "causal", "padding"]),
    seed=st.integers(0, 2**16),
)
def test_gradcheck_of_an_encoder(
    norm_first: bool, activation: str, length: int, batch: int | None, masks: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    layer = nn.TransformerEncoderLayer(
        4,
        2,
        6,
        dropout=0.0,
        activation=activation,
        norm_first=norm_first,
        batch_first=True,
        generator=np.random.default_rng(3),
    )
    encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4))
    for p in encoder.parameters():
        p.data = p.data + rng.normal(0, 0.3, p.shape)
    x = Value(rng.standard_normal((length, 4) if batch is None else (batch, length, 4)))
    options: dict[str, Any] = {}
    if masks == "causal":
        options["mask"] = nn.generate_square_subsequent_mask(length)
    elif masks == "padding":
        padding = np.zeros(length if batch is None else (batch, length), bool)
        padding[..., length - 1 :] = length > 1  # (the last position padding, if one is left)
        options["src_key_padding_mask"] = padding
    tg.gradcheck(lambda x, *_: encoder(x, **options), x, *encoder.parameters())


def test_causal_attention_does_not_see_the_future() -> None:
    layer = nn.TransformerEncoderLayer(
        4, 2, 8, dropout=0.0, batch_first=True, generator=np.random.default_rng(4)
    )
    x = Value(np.random.default_rng(4).standard_normal((1, 5, 4)))
    out = layer(x, src_mask=nn.generate_square_subsequent_mask(5), is_causal=True)
    # (weighted: a layer norm's outputs always sum to the sum of its bias)
    (out[0, 2] * np.arange(1.0, 5.0)).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad[0, 3:], 0.0)
    assert np.abs(x.grad[0, :3]).min() > 0


@pytest.mark.parametrize("need_weights", [True, False])
def test_padding_gives_what_the_shorter_sequence_gives(need_weights: bool) -> None:
    layer = attention({"batch_first": True})
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 5, 4))
    padding = np.zeros((2, 5), bool)
    padding[0, 3:] = True
    out, w = layer(x, x, x, key_padding_mask=padding, need_weights=need_weights)
    alone, w_alone = layer(x[:1, :3], x[:1, :3], x[:1, :3], need_weights=need_weights)
    np.testing.assert_allclose(out.data[0, :3], alone.data[0], rtol=1e-12)
    if need_weights:
        np.testing.assert_array_equal(w.data[0, :, 3:], 0.0)
        np.testing.assert_allclose(w.data[0, :, :3][:3], w_alone.data[0], rtol=1e-12)
    float_padding = np.where(padding, -np.inf, 0.0)
    same, _ = layer(x, x, x, key_padding_mask=float_padding, need_weights=need_weights)
    np.testing.assert_array_equal(same.data, out.data)


def test_a_fully_masked_row_is_the_bias_with_zero_weights_and_gradients() -> None:
    layer = attention({})
    x = Value(np.random.default_rng(6).standard_normal((3, 1, 4)))
    mask = np.zeros((3, 3), bool)
    mask[0] = True  # the first query may attend to nothing
    for need_weights in (True, False):
        out, w = layer(x, x, x, attn_mask=mask, need_weights=need_weights)
        np.testing.assert_allclose(out.data[0, 0], layer.out_proj.bias.data)
        assert np.isfinite(out.data).all()
        if w is not None:
            np.testing.assert_array_equal(w.data[0, 0], 0.0)
        (gx,) = tg.grad(out[0].sum(), [x])
        np.testing.assert_array_equal(gx.data, 0.0)


def test_weights_per_head_average_to_the_weights() -> None:
    layer = attention({})
    x = np.random.default_rng(7).standard_normal((3, 2, 4))
    _, mean = layer(x, x, x)
    _, each = layer(x, x, x, average_attn_weights=False)
    assert mean.shape == (2, 3, 3)
    assert each.shape == (2, 2, 3, 3)
    np.testing.assert_allclose(each.data.mean(axis=1), mean.data, rtol=1e-14)
    np.testing.assert_allclose(each.data.sum(axis=-1), 1.0, rtol=1e-14)
    _, one = layer(x[:, 0], x[:, 0], x[:, 0], average_attn_weights=False)  # unbatched
    np.testing.assert_allclose(one.data, each.data[0], rtol=1e-14)


def test_a_mask_per_sequence_and_head() -> None:
    layer = attention({"batch_first": True})
    x = np.random.default_rng(8).standard_normal((2, 3, 4))
    rows = np.zeros((4, 3, 3), bool)  # (N·heads, L, S): sequence 1, head 0 sees key 0 only
    rows[2, :, 1:] = True
    _, w = layer(x, x, x, attn_mask=rows, average_attn_weights=False)
    np.testing.assert_array_equal(w.data[1, 0, :, 0], 1.0)
    assert (w.data[0] > 0).all()
    assert (w.data[1, 1] > 0).all()


def test_dropout_in_training_only_from_the_layers_generator() -> None:
    x = np.random.default_rng(9).standard_normal((4, 2, 8))
    layer = nn.MultiheadAttention(8, 2, dropout=0.5, generator=np.random.default_rng(10))
    _, w1 = layer(x, x, x, average_attn_weights=False)
    assert (w1.data == 0).any()
    kept = w1.data[w1.data > 0]
    assert kept.size
    assert not np.allclose(w1.data.sum(axis=-1), 1.0)
    out1, _ = layer(x, x, x, need_weights=False)
    out2, _ = layer(x, x, x, need_weights=False)
    assert not np.allclose(out1.data, out2.data)
    layer.eval()
    a, wa = layer(x, x, x)
    b, _ = layer(x, x, x, need_weights=False)
    np.testing.assert_allclose(wa.data.sum(axis=-1), 1.0)
    np.testing.assert_allclose(a.data, b.data, rtol=1e-12)


def test_a_pytorch_shaped_state_dict_loads() -> None:
    rng = np.random.default_rng(11)
    shapes = {
        "in_proj_weight": (24, 8),
        "in_proj_bias": (24,),
        "bias_k": (1, 1, 8),
        "bias_v": (1, 1, 8),
        "out_proj.weight": (8, 8),
        "out_proj.bias": (8,),
    }
    layer = nn.MultiheadAttention(8, 2, add_bias_kv=True)
    assert {k: v.shape for k, v in layer.state_dict().items()} == shapes
    state = {k: rng.standard_normal(s) for k, s in shapes.items()}
    result = layer.load_state_dict(state)
    assert not result.missing_keys
    assert not result.unexpected_keys
    np.testing.assert_array_equal(layer.in_proj_weight.data, state["in_proj_weight"])
    separate = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False)
    assert {k: v.shape for k, v in separate.state_dict().items()} == {
        "q_proj_weight": (8, 8),
        "k_proj_weight": (8, 3),
        "v_proj_weight": (8, 5),
        "out_proj.weight": (8, 8),
    }
    encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2)
    names = list(encoder.state_dict())
    assert names[:2] == ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]
    assert names[-2:] == ["layers.1.norm2.weight", "layers.1.norm2.bias"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes_are_kept(dtype: Any) -> None:
    layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, dtype=dtype)
    x = Value(np.ones((2, 3, 8), dtype))
    mask = nn.generate_square_subsequent_mask(3)  # (float64: a constant mask is converted)
    out = layer(x, src_mask=mask, src_key_padding_mask=np.zeros((2, 3), bool))
    assert out.dtype == dtype
    out.sum().backward()
    assert all(p.grad is not None and p.grad.dtype == dtype for p in layer.parameters())


def test_the_encoders_layers_are_copies_that_share_the_generator() -> None:
    rng = np.random.default_rng(12)
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.5, generator=rng)
    encoder = nn.TransformerEncoder(layer, 2)
    first, second = encoder.layers
    assert first.dropout.generator is rng
    assert second.dropout1.generator is rng
    assert first.self_attn.generator is rng
    np.testing.assert_array_equal(first.linear1.weight.data, second.linear1.weight.data)
    assert first.linear1.weight is not second.linear1.weight
    assert "TransformerEncoderLayer(" in repr(encoder)
    assert len(nn.TransformerEncoder(layer, 0).layers) == 0


def test_an_activation_layer_or_function() -> None:
    x = np.random.default_rng(13).standard_normal((3, 1, 4))
    base = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation="gelu")
    by_function = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=tg.gelu)
    by_layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=nn.GELU())
    for other in (by_function, by_layer):
        other.load_state_dict(base.state_dict())
        np.testing.assert_array_equal(other(x).data, base(x).data)
    assert "(activation): GELU" in repr(by_layer)


def test_the_causal_mask_and_its_detection() -> None:
    mask = nn.generate_square_subsequent_mask(3, np.float32)
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(np.isinf(mask), np.triu(np.ones((3, 3), bool), 1))
    assert nn.generate_square_subsequent_mask(0).shape == (0, 0)
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)
    encoder = nn.TransformerEncoder(layer, 1)
    x = np.random.default_rng(14).standard_normal((3, 1, 4))
    # the hint found by the encoder, or given: the same result (the mask is used as given)
    np.testing.assert_array_equal(
        encoder(x, mask=mask.astype(np.float64)).data,
        encoder(x, mask=np.triu(np.ones((3, 3), bool), 1), is_causal=True).data,
    )


def ones(*shape: int) -> np.ndarray:
    return np.ones(shape)


MHA = nn.MultiheadAttention


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (
            lambda: MHA(6, 4),
            ValueError,
            r"embed_dim must be divisible by num_heads, got embed_dim=6 and num_heads=4",
        ),
        (lambda: MHA(0, 1), ValueError, "MultiheadAttention: embed_dim"),
        (lambda: MHA(4, 0), ValueError, "MultiheadAttention: num_heads"),
        (lambda: MHA(4.0, 2), TypeError, "MultiheadAttention: embed_dim"),
        (
            lambda: MHA(4, 2, dropout=1.5),
            ValueError,
            r"MultiheadAttention: the probability p must be in \[0, 1\], got 1.5",
        ),
        (lambda: MHA(4, 2, batch_first=1), TypeError, "MultiheadAttention: batch_first"),
        (lambda: MHA(4, 2, kdim=0), ValueError, "MultiheadAttention: kdim"),
        (lambda: MHA(4, 2, dtype=np.int64), TypeError, "MultiheadAttention"),
        (
            lambda: MHA(4, 2)(ones(3, 4), ones(3, 4), ones(3, 4), need_weights=1),
            TypeError,
            "need_weights",
        ),
        (
            lambda: MHA(4, 2)(ones(2, 3, 4), ones(3, 4), ones(3, 4)),
            ValueError,
            r"expected query, key and value of 3 axes \(L, N, E\) \(batch_first=False\) or of 2 "
            r"axes \(L, E\) unbatched, got shapes query \(2, 3, 4\), key \(3, 4\)",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 2, 5), ones(3, 2, 4), ones(3, 2, 4)),
            ValueError,
            r"the query's last axis must have embed_dim=4 features, got shapes query \(3, 2, 5\)",
        ),
        (
            lambda: MHA(4, 2, kdim=3)(ones(3, 2, 4), ones(3, 2, 4), ones(3, 2, 4)),
            ValueError,
            r"the key's last axis must have kdim=3 features",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 2, 4), ones(3, 2, 4), ones(5, 2, 4)),
            ValueError,
            r"key and value must have the same batch and sequence axes, got shapes .* "
            r"value \(5, 2, 4\)",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 2, 4), ones(3, 1, 4), ones(3, 1, 4)),
            ValueError,
            r"query and key must have the same batch size \(axis 1, batch_first=False\)",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 4), ones(3, 4), ones(3, 4).astype(np.float32)),
            TypeError,
            "the value has dtype float32, the layer's parameters float64",
        ),
        (
            lambda: MHA(4, 2)([[1.0] * 4], ones(1, 4), ones(1, 4)),
            TypeError,
            "MultiheadAttention: the input must be a Value or a numpy array, got list",
        ),
        (
            lambda: MHA(4, 2)(
                ones(3, 2, 4), ones(3, 2, 4), ones(3, 2, 4), attn_mask=np.ones((3, 4), bool)
            ),
            ValueError,
            r"attn_mask must have shape \(L, S\) = \(3, 3\) or \(N·num_heads, L, S\) = "
            r"\(4, 3, 3\), got \(3, 4\)",
        ),
        (
            lambda: MHA(4, 2)(
                ones(3, 4), ones(3, 4), ones(3, 4), attn_mask=np.ones((4, 3, 3), bool)
            ),
            ValueError,
            r"\(num_heads, L, S\) = \(2, 3, 3\), got \(4, 3, 3\)",
        ),
        (
            lambda: MHA(4, 2)(
                ones(3, 2, 4), ones(3, 2, 4), ones(3, 2, 4), key_padding_mask=np.ones((3, 2), bool)
            ),
            ValueError,
            r"key_padding_mask must have shape \(N, S\) = \(2, 3\), got \(3, 2\)",
        ),
        (
            lambda: MHA(4, 2)(
                ones(3, 4), ones(3, 4), ones(3, 4), key_padding_mask=np.ones((1, 3), bool)
            ),
            ValueError,
            r"key_padding_mask must have shape \(S,\) = \(3,\), got \(1, 3\)",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 4), ones(3, 4), ones(3, 4), attn_mask=np.ones((3, 3), int)),
            TypeError,
            "attn_mask must be bool .* or float, got dtype int64",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 4), ones(3, 4), ones(3, 4), attn_mask=[[True]]),
            TypeError,
            "attn_mask must be a Value or a numpy array .* got list",
        ),
        (
            lambda: MHA(4, 2)(
                ones(3, 4), ones(3, 4), ones(3, 4), attn_mask=Value(np.zeros((3, 3), np.float32))
            ),
            TypeError,
            r"attn_mask given as a Value must have the query's dtype \(float64\), got float32",
        ),
        (
            lambda: MHA(4, 2)(ones(3, 4), ones(3, 4), ones(3, 4), is_causal=True),
            ValueError,
            "is_causal=True is a hint that attn_mask is the causal mask, and needs that mask",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 2, activation="tanh"),
            ValueError,
            "TransformerEncoderLayer: activation must be 'relu', 'gelu' or a callable, got 'tanh'",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 2, activation=3),
            TypeError,
            "TransformerEncoderLayer: activation must be .* got int 3",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 2, norm_first="yes"),
            TypeError,
            "TransformerEncoderLayer: norm_first",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 3),
            ValueError,
            "MultiheadAttention: embed_dim must be divisible by num_heads",
        ),
        (lambda: nn.TransformerEncoderLayer(4, 2, layer_norm_eps=0), ValueError, "LayerNorm: eps"),
        (
            lambda: nn.TransformerEncoder("layer", 2),
            TypeError,
            "TransformerEncoder: encoder_layer must be a Module",
        ),
        (
            lambda: nn.TransformerEncoder(nn.Linear(2, 2), -1),
            ValueError,
            "TransformerEncoder: num_layers",
        ),
        (
            lambda: nn.TransformerEncoder(nn.Linear(2, 2), 1, norm=3),
            TypeError,
            "TransformerEncoder: norm must be a Module or None, got int 3",
        ),
        (
            lambda: nn.generate_square_subsequent_mask(-1),
            ValueError,
            "generate_square_subsequent_mask: sz",
        ),
        (
            lambda: nn.generate_square_subsequent_mask(2.0),
            TypeError,
            "generate_square_subsequent_mask: sz",
        ),
    ],
)
def test_errors(call: Any, kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()

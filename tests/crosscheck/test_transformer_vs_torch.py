"""MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch's: a
torch module's state dict loaded into ours, then the outputs, the attention weights and the
gradients of the inputs, of a float mask and of every parameter, in float64 (tight) and
float32; every mask (bool and float attention masks of both shapes, padding masks, causal,
fully masked rows), both layouts, unbatched inputs, kdim/vdim, add_bias_kv, add_zero_attn,
no bias, pre- and post-norm, relu and gelu; the parameters' names, order, shapes and
initial distributions; the causal mask."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, Tol, assert_same, check_module_run

import nn
from tensorgrad import Value

TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}
F32_GRADIENTS = Tol(rtol=2e-4, atol=2e-5)
E, HEADS, N, L, S = 8, 2, 3, 4, 5


def _loaded(ours: Any, theirs: torch.nn.Module) -> None:
    result = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert not result.missing_keys
    assert not result.unexpected_keys
    assert list(ours.state_dict()) == list(theirs.state_dict())


def _leaf(array: np.ndarray) -> tuple[Value, torch.Tensor]:
    return Value(array.copy(), requires_grad=True), torch.tensor(array, requires_grad=True)


ATTENTION_OPTIONS: list[dict[str, Any]] = [
    {},
    {"batch_first": True},
    {"bias": False},
    {"kdim": 6, "vdim": 7},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True},
]
MASKS = [
    "none",
    "bool 2d",
    "float 2d",
    "bool 3d",
    "padding bool",
    "padding float",
    "both",
    "causal",
    "float value",
]


def _masks(
    kind: str, dtype: Any, rng: np.random.Generator, batched: bool, keys: int
) -> dict[str, Any]:
    """The masks of a case, as numpy arrays (True: left out, PyTorch's convention)."""
    n = N if batched else 1
    per_head = (n * HEADS, L, keys) if batched else (HEADS, L, keys)
    if kind == "none":
        return {}
    if kind == "bool 2d":
        mask = rng.random((L, keys)) < 0.3
        mask[:, 0] = False  # (no fully masked row: those are checked apart)
        return {"attn_mask": mask}
    if kind == "float 2d":
        return {"attn_mask": rng.standard_normal((L, keys)).astype(dtype)}
    if kind == "bool 3d":
        mask = rng.random(per_head) < 0.3
        mask[..., 0] = False
        return {"attn_mask": mask}
    if kind in ("padding bool", "padding float", "both"):
        padding = np.zeros((n, keys) if batched else (keys,), bool)
        padding[..., -2:] = True
        if kind == "padding float":
            return {"key_padding_mask": np.where(padding, -np.inf, 0.0).astype(dtype)}
        masks = {"key_padding_mask": padding}
        if kind == "both":
            mask = rng.random((L, keys)) < 0.3
            mask[:, 0] = False
            masks["attn_mask"] = mask
        return masks
    if kind == "causal":
        return {"attn_mask": nn.generate_square_subsequent_mask(L, dtype), "is_causal": True}
    return {"attn_mask": rng.standard_normal((L, keys)).astype(dtype)}  # "float value"


def _inputs(
    options: dict[str, Any],
    dtype: Any,
    rng: np.random.Generator,
    batched: bool,
    self_attention: bool,
):
    kdim, vdim = options.get("kdim", E), options.get("vdim", E)
    first = options.get("batch_first", False)

    def shaped(length: int, features: int) -> tuple[int, ...]:
        if not batched:
            return (length, features)
        return (N, length, features) if first else (length, N, features)

    if self_attention:
        x = rng.standard_normal(shaped(L, E)).astype(dtype)
        return [x]
    return [
        rng.standard_normal(shaped(L, E)).astype(dtype),
        rng.standard_normal(shaped(S, kdim)).astype(dtype),
        rng.standard_normal(shaped(S, vdim)).astype(dtype),
    ]


# (a causal mask is square: self-attention only, so not with kdim and vdim)
CASES = [(o, m) for o in ATTENTION_OPTIONS for m in MASKS if not (m == "causal" and "kdim" in o)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no weights"])
@pytest.mark.parametrize(("options", "mask"), CASES, ids=[f"{o}-{m}" for o, m in CASES])
def test_multihead_attention(
    options: dict[str, Any], mask: str, need_weights: bool, batched: bool, dtype: Any
) -> None:
    rng = np.random.default_rng(len(str(options)) * 100 + MASKS.index(mask) * 2 + batched)
    # (cross-attention, keys of another length, for kdim/vdim and the per-head masks)
    self_attention = "kdim" not in options and mask != "bool 3d"
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(E, HEADS, **options, dtype=TORCH_DTYPES[dtype])
    ours = nn.MultiheadAttention(E, HEADS, **options, dtype=dtype)
    _loaded(ours, theirs)
    arrays = _inputs(options, dtype, rng, batched, self_attention)
    leaves = [_leaf(a) for a in arrays]
    keys = L if self_attention else S
    masks = _masks(mask, dtype, rng, batched, keys)
    ours_masks, theirs_masks = (
        dict(masks),
        {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in masks.items()},
    )
    inputs = [(f"input {k}", a, b) for k, (a, b) in enumerate(leaves)]
    if mask == "float value":
        value, tensor = _leaf(masks["attn_mask"])
        ours_masks["attn_mask"], theirs_masks["attn_mask"] = value, tensor
        inputs.append(("attn_mask", value, tensor))
    ours_args = [a for a, _ in leaves] * (3 if self_attention else 1)
    theirs_args = [b for _, b in leaves] * (3 if self_attention else 1)
    out, weights = ours(*ours_args, need_weights=need_weights, **ours_masks)
    # PyTorch without weights drops a causal mask for its hint, and then does not let the
    # queries see the appended keys (bias_k, zeros), which its path with weights (and ours,
    # with or without) does: compare with that path there.
    extra_keys = options.get("add_bias_kv") or options.get("add_zero_attn")
    theirs_need = need_weights or (mask == "causal" and bool(extra_keys))
    expected, expected_weights = theirs(*theirs_args, need_weights=theirs_need, **theirs_masks)
    outputs, wanted, labels = [out], [expected], ["output"]
    if need_weights:
        outputs.append(weights)
        wanted.append(expected_weights)
        labels.append("weights")
    else:
        assert weights is None
    tol = F64 if dtype == np.float64 else F32
    check_module_run(
        ours,
        theirs,
        outputs,
        wanted,
        labels,
        inputs,
        tol,
        tol if dtype == np.float64 else F32_GRADIENTS,
    )


@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no weights"])
def test_weights_per_head_and_a_fully_masked_row(need_weights: bool) -> None:
    """Per-head weights as PyTorch's; a query whose every key is masked gets the output
    projection's bias and weights 0 here (PyTorch: the same without weights, NaN with)."""
    torch.manual_seed(1)
    theirs = torch.nn.MultiheadAttention(E, HEADS, batch_first=True, dtype=torch.float64)
    torch.nn.init.normal_(theirs.out_proj.bias)
    ours = nn.MultiheadAttention(E, HEADS, batch_first=True)
    _loaded(ours, theirs)
    x = np.random.default_rng(2).standard_normal((N, L, E))
    mask = np.zeros((L, L), bool)
    mask[1] = True  # query 1 may attend to no key
    a, wa = ours(x, x, x, attn_mask=mask, need_weights=need_weights, average_attn_weights=False)
    tx = torch.tensor(x)
    b, wb = theirs(
        tx,
        tx,
        tx,
        attn_mask=torch.tensor(mask),
        need_weights=need_weights,
        average_attn_weights=False,
    )
    rows = [0, 2, 3]
    assert_same(a.data[:, rows], b[:, rows], F64, "the other rows")
    np.testing.assert_allclose(a.data[:, 1], np.broadcast_to(ours.out_proj.bias.data, (N, E)))
    if need_weights:
        assert wa.shape == (N, HEADS, L, L)
        assert_same(wa.data[:, :, rows], wb[:, :, rows], F64, "the weights per head")
        np.testing.assert_array_equal(wa.data[:, :, 1], 0.0)
        assert torch.isnan(wb[:, :, 1]).all()  # PyTorch's (the difference the module documents)
    else:
        assert_same(a.data[:, 1], b[:, 1], F64, "the masked row, without weights")


def test_initial_parameters_are_distributed_as_pytorchs() -> None:
    """Glorot's spread from torch's own fans for the projections and bias_k/bias_v (uniform
    and normal), Linear's default for out_proj.weight, zeros for the biases."""
    ours = nn.MultiheadAttention(64, 4, add_bias_kv=True, generator=np.random.default_rng(0))
    theirs = torch.nn.MultiheadAttention(64, 4, add_bias_kv=True, dtype=torch.float64)
    mine = dict(ours.named_parameters())
    assert [(n, tuple(p.shape)) for n, p in theirs.named_parameters()] == [
        (n, p.shape) for n, p in mine.items()
    ]
    for name in ("in_proj_weight", "bias_k", "bias_v"):
        fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(getattr(theirs, name))
        std = (2 / (fan_in + fan_out)) ** 0.5
        data = mine[name].data
        assert data.std() == pytest.approx(std, rel=0.05 if data.size > 1000 else 0.3), name
        if name == "in_proj_weight":
            assert np.abs(data).max() <= 3**0.5 * std
    bound = 1 / 64**0.5  # kaiming_uniform_(a=√5) of Linear(64, 64)
    assert np.abs(mine["out_proj.weight"].data).max() <= bound
    assert mine["out_proj.weight"].data.std() == pytest.approx(bound / 3**0.5, rel=0.05)
    np.testing.assert_array_equal(mine["in_proj_bias"].data, 0.0)
    np.testing.assert_array_equal(mine["out_proj.bias"].data, 0.0)


ENCODER_OPTIONS: list[dict[str, Any]] = [
    {},
    {"batch_first": True},
    {"norm_first": True},
    {"activation": "gelu", "batch_first": True},
    {"bias": False, "norm_first": True, "batch_first": True},
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mask", ["none", "causal", "padding bool", "both"])
@pytest.mark.parametrize("options", ENCODER_OPTIONS, ids=str)
def test_encoder_layer_and_encoder(options: dict[str, Any], mask: str, dtype: Any) -> None:
    """Two layers in an encoder with a final norm (dropout 0, training mode: PyTorch's
    inference fast path would zero the padded positions)."""
    rng = np.random.default_rng(7)
    torch.manual_seed(3)
    kwargs = {"dim_feedforward": 16, "dropout": 0.0, **options}
    theirs_layer = torch.nn.TransformerEncoderLayer(E, HEADS, **kwargs, dtype=TORCH_DTYPES[dtype])
    norm = torch.nn.LayerNorm(E, dtype=TORCH_DTYPES[dtype])
    theirs = torch.nn.TransformerEncoder(theirs_layer, 2, norm=norm, enable_nested_tensor=False)
    for p in theirs.parameters():  # the copies start alike: make them differ
        torch.nn.init.normal_(p, std=0.3)
    ours_layer = nn.TransformerEncoderLayer(E, HEADS, **kwargs, dtype=dtype)
    ours = nn.TransformerEncoder(ours_layer, 2, norm=nn.LayerNorm(E, dtype=dtype))
    _loaded(ours, theirs)
    first = options.get("batch_first", False)
    x = rng.standard_normal((N, L, E) if first else (L, N, E)).astype(dtype)
    masks: dict[str, Any] = {}
    if mask == "causal":
        masks["mask"] = nn.generate_square_subsequent_mask(L, dtype)
    if mask == "both":  # (bool, as the padding mask: PyTorch warns about a mix)
        masks["mask"] = np.triu(np.ones((L, L), bool), 1)
    if mask in ("padding bool", "both"):
        padding = np.zeros((N, L), bool)
        padding[:, -1] = True
        masks["src_key_padding_mask"] = padding
    value, tensor = _leaf(x)
    out = ours(value, **masks)
    expected = theirs(tensor, **{k: torch.tensor(v) for k, v in masks.items()})
    tol = F64 if dtype == np.float64 else F32
    check_module_run(
        ours,
        theirs,
        [out],
        [expected],
        ["output"],
        [("src", value, tensor)],
        tol,
        tol if dtype == np.float64 else F32_GRADIENTS,
    )


def test_layer_alone_unbatched_and_with_is_causal() -> None:
    torch.manual_seed(4)
    theirs = torch.nn.TransformerEncoderLayer(E, HEADS, 16, dropout=0.0, dtype=torch.float64)
    ours = nn.TransformerEncoderLayer(E, HEADS, 16, dropout=0.0)
    _loaded(ours, theirs)
    x = np.random.default_rng(5).standard_normal((L, E))
    causal = nn.generate_square_subsequent_mask(L)
    value, tensor = _leaf(x)
    out = ours(value, src_mask=causal, is_causal=True)
    expected = theirs(tensor, src_mask=torch.tensor(causal), is_causal=True)
    check_module_run(
        ours, theirs, [out], [expected], ["output"], [("src", value, tensor)], F64, F64
    )


def test_causal_mask_and_the_encoders_copies() -> None:
    np.testing.assert_array_equal(
        nn.generate_square_subsequent_mask(4),
        torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64).numpy(),
    )
    layer = nn.TransformerEncoderLayer(E, HEADS, 16)
    encoder = nn.TransformerEncoder(layer, 3)
    names = [n for n, _ in encoder.named_parameters()]
    theirs = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(E, HEADS, 16), 3, enable_nested_tensor=False
    )
    assert names == [n for n, _ in theirs.named_parameters()]
    first, second = encoder.layers[0], encoder.layers[1]
    np.testing.assert_array_equal(first.linear1.weight.data, second.linear1.weight.data)
    assert first.linear1.weight is not second.linear1.weight
    assert first.linear1.weight is not layer.linear1.weight

"""RNN, LSTM and GRU against PyTorch's: a torch layer's state dict loaded into ours, then a
sequence run from given or zero states, with one or two layers, one or both directions,
batch_first, batched and unbatched; the output, the final states, and the gradients of the
input, of the initial states and of every parameter, in float64 (tight) and float32; the
parameters' names, order, shapes and initial range; the repr; dropout's placement."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, Tol, assert_same, check_module_run
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from tensorgrad import Value

OPTIONS: list[tuple[str, dict[str, Any]]] = [
    (kind, extra | layout)
    for kind, extra in [
        ("RNN", {}),
        ("RNN", {"nonlinearity": "relu"}),
        ("LSTM", {}),
        ("GRU", {}),
    ]
    for layout in [
        {},
        {"num_layers": 2},
        {"bidirectional": True},
        {"num_layers": 2, "bidirectional": True, "batch_first": True},
        {"bias": False, "batch_first": True},
    ]
]
IDS = [f"{kind}{kwargs or ''}" for kind, kwargs in OPTIONS]
TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}
# Several steps and layers of float32 products and sums, with tanh and sigmoid between.
F32_GRADIENTS = Tol(rtol=1e-4, atol=1e-5)


def pair(kind: str, kwargs: dict[str, Any], sizes: tuple[int, int], dtype: Any, seed: int):
    """A torch layer and ours with its parameters, loaded from its state dict."""
    torch.manual_seed(seed)
    theirs = getattr(torch.nn, kind)(*sizes, **kwargs, dtype=TORCH_DTYPES[dtype])
    ours = getattr(nn, kind)(*sizes, **kwargs, dtype=dtype)
    result = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert not result.missing_keys
    assert not result.unexpected_keys
    return ours, theirs


def compare(
    kind: str,
    kwargs: dict[str, Any],
    sizes: tuple[int, int],
    batch: int | None,
    steps: int,
    with_state: bool,
    dtype: Any,
    seed: int,
) -> None:
    """Both layers on one sequence: the output, the final states, and every gradient of a
    random loss of them all."""
    ours, theirs = pair(kind, kwargs, sizes, dtype, seed)
    rng = np.random.default_rng(seed)
    lead = ours.num_layers * (2 if ours.bidirectional else 1)
    if batch is None:
        x_shape, s_shape = (steps, sizes[0]), (lead, sizes[1])
    else:
        x_shape = (batch, steps, sizes[0]) if ours.batch_first else (steps, batch, sizes[0])
        s_shape = (lead, batch, sizes[1])
    x = rng.standard_normal(x_shape).astype(dtype)
    n_states = 2 if kind == "LSTM" else 1
    states = [rng.standard_normal(s_shape).astype(dtype) for _ in range(n_states)]
    x_ours, x_theirs = Value(x), torch.tensor(x, requires_grad=True)
    s_ours = [Value(s) for s in states]
    s_theirs = [torch.tensor(s, requires_grad=True) for s in states]

    def run(layer: Any, x: Any, initial: list[Any]) -> list[Any]:
        hx = None
        if with_state:
            hx = tuple(initial) if n_states == 2 else initial[0]
        output, final = layer(x, hx)
        return [output, *(final if n_states == 2 else (final,))]

    outs_ours, outs_theirs = run(ours, x_ours, s_ours), run(theirs, x_theirs, s_theirs)
    tol = F64 if dtype == np.float64 else F32
    grad_tol = F64 if dtype == np.float64 else F32_GRADIENTS
    inputs = [("the input", x_ours, x_theirs)]
    if with_state:
        inputs += [(f"initial state {k}", a, b) for k, (a, b) in enumerate(zip(s_ours, s_theirs))]
    labels = ["output", *(f"final state {k}" for k in range(len(outs_ours) - 1))]
    check_module_run(ours, theirs, outs_ours, outs_theirs, labels, inputs, tol, grad_tol)


drawn = {
    "sizes": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "batch": st.one_of(st.none(), st.integers(0, 3)),
    "steps": st.integers(1, 4),
    "with_state": st.booleans(),
    "seed": st.integers(0, 2**16),
}


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
@settings(max_examples=10, deadline=None)
@given(**drawn)
def test_layers_float64(kind: str, kwargs: dict[str, Any], **given_: Any) -> None:
    compare(kind, kwargs, dtype=np.float64, **given_)


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
@settings(max_examples=5, deadline=None)
@given(**drawn)
def test_layers_float32(kind: str, kwargs: dict[str, Any], **given_: Any) -> None:
    compare(kind, kwargs, dtype=np.float32, **given_)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_a_longer_sequence_of_larger_layers(kind: str) -> None:
    kwargs = {"num_layers": 2, "bidirectional": True}
    compare(kind, kwargs, (7, 9), batch=5, steps=12, with_state=True, dtype=np.float64, seed=1)
    compare(kind, kwargs, (7, 9), batch=5, steps=12, with_state=False, dtype=np.float32, seed=2)


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
def test_parameters_state_dict_and_repr(kind: str, kwargs: dict[str, Any]) -> None:
    ours, theirs = getattr(nn, kind)(5, 4, **kwargs), getattr(torch.nn, kind)(5, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for key, value in ours.state_dict().items():
        assert value.shape == tuple(theirs_state[key].shape), key
        assert np.abs(value).max() <= 1 / np.sqrt(4), key  # uniform on ±1/√hidden_size
    for attribute in ["input_size", "hidden_size", "num_layers", "bias", "batch_first"]:
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert ours.dropout == theirs.dropout
    assert ours.bidirectional == theirs.bidirectional


def test_repr_with_dropout() -> None:
    ours, theirs = nn.LSTM(3, 4, 3, dropout=0.25), torch.nn.LSTM(3, 4, 3, dropout=0.25)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_dropout_acts_between_layers_only(kind: str) -> None:
    """With p = 1, every layer but the last sees zeros, in both libraries (their masks
    differ, so only p = 0 and p = 1 compare); in evaluation the outputs agree for any p."""
    for p, train in [(1.0, True), (0.5, False)]:
        torch.manual_seed(0)
        theirs = getattr(torch.nn, kind)(3, 4, 3, dropout=p, dtype=torch.float64)
        ours = getattr(nn, kind)(3, 4, 3, dropout=p)
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        ours.train(train)
        theirs.train(train)
        x = np.random.default_rng(0).standard_normal((5, 2, 3))
        a, b = ours(x)[0], theirs(torch.tensor(x))[0]
        assert_same(a.data, b, F64, f"output with dropout={p}, training={train}")

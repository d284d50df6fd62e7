"""RNNCell, LSTMCell and GRUCell against PyTorch's: a torch cell's state dict loaded into
ours, then several steps unrolled from a given or a zero state, batched and unbatched;
every state, and the gradients of every input, of the initial state and of every parameter,
in float64 (tight) and float32; the parameters' names, shapes and initial range; the repr."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, Tol, check_module_run
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from tensorgrad import Value

CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}
OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("RNNCell", {}),
    ("RNNCell", {"nonlinearity": "relu"}),
    ("RNNCell", {"bias": False}),
    ("LSTMCell", {}),
    ("LSTMCell", {"bias": False}),
    ("GRUCell", {}),
    ("GRUCell", {"bias": False}),
]
TORCH_DTYPES = {np.float32: torch.float32, np.float64: torch.float64}
# Three steps of products and sums of float32 rounding, with tanh and sigmoid between them.
F32_GRADIENTS = Tol(rtol=1e-4, atol=1e-5)


def pair(name: str, kwargs: dict[str, Any], sizes: tuple[int, int], dtype: Any, seed: int):
    """A torch cell and ours with its parameters, loaded from its state dict."""
    torch.manual_seed(seed)
    theirs = getattr(torch.nn, name)(*sizes, **kwargs, dtype=TORCH_DTYPES[dtype])
    ours = CELLS[name](*sizes, **kwargs, dtype=dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def compare(
    name: str,
    kwargs: dict[str, Any],
    sizes: tuple[int, int],
    batch: int | None,
    steps: int,
    with_state: bool,
    dtype: Any,
    seed: int,
) -> None:
    """``steps`` steps of both cells: every state, and every gradient of a random loss of
    them all."""
    ours, theirs = pair(name, kwargs, sizes, dtype, seed)
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    xs = rng.standard_normal((steps, *lead, sizes[0])).astype(dtype)
    n_states = 2 if name == "LSTMCell" else 1
    states = [rng.standard_normal((*lead, sizes[1])).astype(dtype) for _ in range(n_states)]
    x_ours, x_theirs = Value(xs), torch.tensor(xs, requires_grad=True)
    s_ours = [Value(s) for s in states]
    s_theirs = [torch.tensor(s, requires_grad=True) for s in states]

    def run(cell: Any, x: Any, initial: list[Any]) -> list[Any]:
        state: Any = None
        if with_state:
            state = tuple(initial) if n_states == 2 else initial[0]
        outs = []
        for t in range(steps):
            state = cell(x[t], state)
            outs.extend(state if n_states == 2 else (state,))
        return outs

    outs_ours, outs_theirs = run(ours, x_ours, s_ours), run(theirs, x_theirs, s_theirs)
    tol = F64 if dtype == np.float64 else F32
    grad_tol = F64 if dtype == np.float64 else F32_GRADIENTS
    inputs = [("the input", x_ours, x_theirs)]
    if with_state:
        inputs += [(f"state {k}", a, b) for k, (a, b) in enumerate(zip(s_ours, s_theirs))]
    labels = [f"state {k}" for k in range(len(outs_ours))]
    check_module_run(ours, theirs, outs_ours, outs_theirs, labels, inputs, tol, grad_tol)


steps_and_shapes = {
    "sizes": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "batch": st.one_of(st.none(), st.integers(0, 3)),
    "steps": st.integers(1, 3),
    "with_state": st.booleans(),
    "seed": st.integers(0, 2**16),
}


@pytest.mark.parametrize(("name", "kwargs"), OPTIONS)
@settings(max_examples=20, deadline=None)
@given(**steps_and_shapes)
def test_cells_unrolled_float64(name: str, kwargs: dict[str, Any], **drawn: Any) -> None:
    compare(name, kwargs, dtype=np.float64, **drawn)


@pytest.mark.parametrize(("name", "kwargs"), OPTIONS)
@settings(max_examples=10, deadline=None)
@given(**steps_and_shapes)
def test_cells_unrolled_float32(name: str, kwargs: dict[str, Any], **drawn: Any) -> None:
    compare(name, kwargs, dtype=np.float32, **drawn)


@pytest.mark.parametrize(("name", "kwargs"), OPTIONS)
def test_a_longer_sequence_of_larger_cells(name: str, kwargs: dict[str, Any]) -> None:
    compare(name, kwargs, (7, 9), batch=5, steps=8, with_state=True, dtype=np.float64, seed=1)
    compare(name, kwargs, (7, 9), batch=5, steps=8, with_state=False, dtype=np.float32, seed=2)


@pytest.mark.parametrize(("name", "kwargs"), OPTIONS)
def test_parameters_state_dict_and_repr(name: str, kwargs: dict[str, Any]) -> None:
    ours, theirs = CELLS[name](5, 4, **kwargs), getattr(torch.nn, name)(5, 4, **kwargs)
    assert repr(ours) == repr(theirs)
    theirs_state = theirs.state_dict()
    assert list(ours.state_dict()) == list(theirs_state)
    for key, value in ours.state_dict().items():
        assert value.shape == tuple(theirs_state[key].shape), key
        assert np.abs(value).max() <= 1 / np.sqrt(4), key  # uniform on ±1/√hidden_size
    assert ours.input_size == theirs.input_size
    assert ours.hidden_size == theirs.hidden_size
    assert ours.bias == theirs.bias


def test_zero_sizes() -> None:
    """An empty hidden state, an empty input, an empty batch, as PyTorch's cells take them."""
    compare("LSTMCell", {}, (3, 0), batch=2, steps=2, with_state=True, dtype=np.float64, seed=0)
    compare("GRUCell", {}, (0, 2), batch=2, steps=2, with_state=False, dtype=np.float64, seed=0)
    compare("RNNCell", {}, (3, 2), batch=0, steps=2, with_state=True, dtype=np.float64, seed=0)

"""RNN, LSTM and GRU over sequences: gradients against central differences (the input, the
initial states and every parameter; several layers, both directions, batch_first,
unbatched; second order), agreement with their cells unrolled by hand, shapes, dropout
between layers (training only, from the layer's generator), dtypes kept, the parameters'
names, order, shapes and initial values, and every error, read from its message."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import tensorgrad as tg
from tensorgrad import Value

KINDS = {
    "RNN": (nn.RNN, nn.RNNCell, 1),
    "LSTM": (nn.LSTM, nn.LSTMCell, 4),
    "GRU": (nn.GRU, nn.GRUCell, 3),
}
OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bias": False, "bidirectional": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"bias": False, "batch_first": True}),
    ("GRU", {}),
    ("GRU", {"num_layers": 2, "batch_first": True, "bidirectional": True}),
    ("GRU", {"bias": False}),
]
IDS = [f"{kind}{kwargs or ''}" for kind, kwargs in OPTIONS]


def make(kind: str, kwargs: dict[str, Any], sizes: tuple[int, int], **more: Any) -> nn.Module:
    # Parameters 2x PyTorch's scale, so that the gates are not all near 1/2 and the
    # state's terms matter.
    layer = KINDS[kind][0](*sizes, **kwargs, **more, generator=np.random.default_rng(0))
    for p in layer.parameters():
        p.data = p.data * 2
    return layer


def n_states(kind: str) -> int:
    return 2 if kind == "LSTM" else 1


def flat(result: tuple[Value, Any]) -> Value:
    """The output and every final state in one Value."""
    output, state = result
    states = state if isinstance(state, tuple) else (state,)
    return tg.concatenate([output.reshape(-1), *(s.reshape(-1) for s in states)])


def as_hx(states: tuple[Any, ...]) -> Any:
    return tuple(states) if len(states) == 2 else states[0]


def state_shape(layer: nn.Module, batch: int | None) -> tuple[int, ...]:
    lead = layer.num_layers * (2 if layer.bidirectional else 1)
    return (lead, layer.hidden_size) if batch is None else (lead, batch, layer.hidden_size)


def input_shape(layer: nn.Module, steps: int, batch: int | None) -> tuple[int, ...]:
    if batch is None:
        return (steps, layer.input_size)
    if layer.batch_first:
        return (batch, steps, layer.input_size)
    return (steps, batch, layer.input_size)


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 3), st.integers(1, 2)),
    batch=st.one_of(st.none(), st.integers(1, 2)),
    steps=st.integers(1, 3),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_gradcheck_of_the_input_the_states_and_every_parameter(
    kind: str,
    kwargs: dict[str, Any],
    sizes: tuple[int, int],
    batch: int | None,
    steps: int,
    with_state: bool,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    layer = make(kind, kwargs, sizes)
    x = Value(rng.standard_normal(input_shape(layer, steps, batch)))
    shape = state_shape(layer, batch)
    states = (
        [Value(rng.standard_normal(shape)) for _ in range(n_states(kind))] if with_state else []
    )
    parameters = list(layer.parameters())
    layers, directions = layer.num_layers, 2 if layer.bidirectional else 1
    assert len(parameters) == layers * directions * (4 if layer.bias else 2)
    n = len(states)
    # (the parameters are inputs too: gradcheck moves their data in place)
    tg.gradcheck(
        lambda x, *rest: flat(layer(x, as_hx(rest[:n]) if n else None)), x, *states, *parameters
    )


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_second_order(kind: str) -> None:
    """The gradient of the input and of a weight, differentiated again (create_graph),
    through two layers in both directions: the tanh/sigmoid networks are smooth."""
    rng = np.random.default_rng(1)
    layer = make(kind, {"num_layers": 2, "bidirectional": True}, (2, 2))
    x = Value(rng.standard_normal((2, 2, 2)))
    states = [Value(rng.standard_normal((4, 2, 2))) for _ in range(n_states(kind))]

    def gradients(x: Value, weight: Value, *state: Value) -> Value:
        out = flat(layer(x, as_hx(state)))
        gx, gw = tg.grad((out * out).sum(), [x, weight], create_graph=True)
        return tg.concatenate([gx.reshape(-1), gw.reshape(-1)])

    tg.gradcheck(gradients, x, layer.weight_hh_l1_reverse, *states)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("with_state", [False, True])
def test_one_layer_is_its_cell_unrolled(kind: str, with_state: bool) -> None:
    """A one-layer, one-direction network steps exactly as its cell, loaded with the same
    weights; the backward direction steps the same cell from the last step to the first."""
    rng = np.random.default_rng(2)
    layer = make(kind, {"bidirectional": True}, (3, 4))
    cell_class = KINDS[kind][1]
    x = rng.standard_normal((5, 2, 3))
    states = [rng.standard_normal((2, 2, 4)) for _ in range(n_states(kind))]
    output, final = layer(x, as_hx(tuple(states)) if with_state else None)
    final = final if isinstance(final, tuple) else (final,)
    for direction, suffix in enumerate(["", "_reverse"]):
        cell = cell_class(3, 4)
        cell.load_state_dict({k: layer.state_dict()[f"{k}_l0{suffix}"] for k in cell.state_dict()})
        state: Any = as_hx(tuple(s[direction] for s in states)) if with_state else None
        for t in range(4, -1, -1) if suffix else range(5):
            state = cell(x[t], state)
            h = state[0] if isinstance(state, tuple) else state
            np.testing.assert_allclose(
                output.data[t, :, direction * 4 : (direction + 1) * 4], h.data, rtol=1e-14
            )
        for k, s in enumerate(state if isinstance(state, tuple) else (state,)):
            np.testing.assert_allclose(final[k].data[direction], s.data, rtol=1e-14)


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
def test_shapes_batch_first_and_unbatched(kind: str, kwargs: dict[str, Any]) -> None:
    """``(T, N, ·)``, ``(N, T, ·)`` with batch_first and ``(T, ·)`` give the same numbers."""
    rng = np.random.default_rng(3)
    layer = make(kind, kwargs, (3, 4))
    d = 2 if layer.bidirectional else 1
    batch_first = layer.batch_first
    x = rng.standard_normal((6, 2, 3))  # (T, N, ·)
    given_ = x.swapaxes(0, 1) if batch_first else x
    output, state = layer(given_)
    expected = (2, 6, d * 4) if batch_first else (6, 2, d * 4)
    assert output.shape == expected
    states = state if isinstance(state, tuple) else (state,)
    assert len(states) == n_states(kind)
    assert all(s.shape == (d * layer.num_layers, 2, 4) for s in states)
    one, one_state = layer(x[:, 1])
    assert one.shape == (6, d * 4)
    by_time = output.data.swapaxes(0, 1) if batch_first else output.data
    np.testing.assert_allclose(one.data, by_time[:, 1], rtol=1e-13, atol=1e-15)
    for a, b in zip(one_state if isinstance(one_state, tuple) else (one_state,), states):
        assert a.shape == (d * layer.num_layers, 4)
        np.testing.assert_allclose(a.data, b.data[:, 1], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_default_states_are_zeros_and_an_empty_batch_works(kind: str) -> None:
    layer = make(kind, {"num_layers": 2}, (3, 4))
    x = np.random.default_rng(4).standard_normal((3, 2, 3))
    zeros = np.zeros((2, 2, 4))
    given_ = layer(x, (zeros, zeros) if kind == "LSTM" else zeros)
    np.testing.assert_array_equal(flat(given_).data, flat(layer(x)).data)
    output, _ = layer(np.ones((3, 0, 3)))
    assert output.shape == (3, 0, 4)


@pytest.mark.parametrize("kind", list(KINDS))
def test_dropout_between_layers_in_training_only(kind: str) -> None:
    cls = KINDS[kind][0]
    x = np.random.default_rng(5).standard_normal((4, 3, 2))

    def run(layer: nn.Module) -> np.ndarray:
        return flat(layer(x)).data

    plain = cls(2, 3, 2, generator=np.random.default_rng(6))
    dropped = cls(2, 3, 2, dropout=0.5, generator=np.random.default_rng(6))
    # In evaluation no dropout: the same numbers as without it.
    np.testing.assert_array_equal(run(dropped.eval()), run(plain))
    dropped.train()
    first, second = run(dropped), run(dropped)
    assert not np.allclose(first, run(plain))
    assert not np.array_equal(first, second)  # a new mask at every call
    # The masks come from the layer's generator: the same seed, the same masks.
    again = cls(2, 3, 2, dropout=0.5, generator=np.random.default_rng(6))
    np.testing.assert_array_equal(run(again), first)
    # p = 1 drops the whole output of layer 0: layer 1 then sees zeros.
    everything = cls(2, 3, 2, dropout=1.0, generator=np.random.default_rng(6))
    output, _ = everything(x)
    top = cls(3, 3, generator=np.random.default_rng(0))
    top.load_state_dict(
        {k.replace("l1", "l0"): v for k, v in everything.state_dict().items() if "l1" in k}
    )
    np.testing.assert_allclose(output.data, top(np.zeros((4, 3, 3)))[0].data, rtol=1e-14)


def test_dropout_with_one_layer_warns_as_pytorch() -> None:
    with pytest.warns(UserWarning, match=r"LSTM: dropout .* num_layers=1 does nothing"):
        nn.LSTM(2, 3, dropout=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(2, 3, 2, dropout=0.2)


@pytest.mark.parametrize(("kind", "kwargs"), OPTIONS, ids=IDS)
def test_float32_stays_float32(kind: str, kwargs: dict[str, Any]) -> None:
    layer = make(kind, kwargs, (3, 4), dtype=np.float32)
    x = Value(np.random.default_rng(6).standard_normal((3, 2, 3)).astype(np.float32))
    out = flat(layer(x))
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32
    for name, p in layer.named_parameters():
        assert p.dtype == np.float32, name
        assert p.grad.dtype == np.float32, name


@pytest.mark.parametrize("kind", list(KINDS))
def test_parameters_names_order_shapes_and_initial_values(kind: str) -> None:
    cls, _, k = KINDS[kind]
    layer = cls(5, 16, 2, bidirectional=True, generator=np.random.default_rng(7))
    shapes = {name: p.shape for name, p in layer.named_parameters()}
    expected: dict[str, tuple[int, ...]] = {}
    for n, fan_in in [(0, 5), (1, 32)]:
        for suffix in ["", "_reverse"]:
            expected |= {
                f"weight_ih_l{n}{suffix}": (k * 16, fan_in),
                f"weight_hh_l{n}{suffix}": (k * 16, 16),
                f"bias_ih_l{n}{suffix}": (k * 16,),
                f"bias_hh_l{n}{suffix}": (k * 16,),
            }
    assert list(shapes.items()) == list(expected.items())  # in PyTorch's order too
    values = np.concatenate([p.data.reshape(-1) for p in layer.parameters()])
    assert np.abs(values).max() <= 0.25  # uniform on ±1/√16
    assert np.abs(values).max() > 0.24  # and not on a smaller range
    assert list(cls(5, 16, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    again = cls(5, 16, 2, bidirectional=True, generator=np.random.default_rng(7))
    np.testing.assert_array_equal(again.weight_hh_l1.data, layer.weight_hh_l1.data)
    again.reset_parameters(np.random.default_rng(8))
    assert not np.array_equal(again.weight_hh_l1.data, layer.weight_hh_l1.data)


def test_attributes_state_dict_round_trip_and_repr(tmp_path: Any) -> None:
    lstm = nn.LSTM(3, 4, 2, generator=np.random.default_rng(9))
    assert (lstm.input_size, lstm.hidden_size, lstm.num_layers) == (3, 4, 2)
    assert (lstm.bias, lstm.batch_first, lstm.dropout, lstm.bidirectional) == (
        True,
        False,
        0.0,
        False,
    )
    assert lstm.proj_size == 0
    nn.save(lstm.state_dict(), tmp_path / "lstm.npz")
    other = nn.LSTM(3, 4, 2, generator=np.random.default_rng(10))
    other.load_state_dict(nn.load(tmp_path / "lstm.npz"))
    x = np.ones((2, 1, 3))
    np.testing.assert_array_equal(flat(other(x)).data, flat(lstm(x)).data)
    assert repr(nn.RNN(3, 4)) == "RNN(3, 4)"
    assert repr(nn.RNN(3, 4, 1, "relu")) == "RNN(3, 4)"  # as PyTorch's, which omits it
    assert nn.RNN(3, 4, 1, "relu").nonlinearity == "relu"
    assert (
        repr(nn.GRU(3, 4, 2, False, True, 0.5, True))
        == "GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    )


F32_LSTM = nn.LSTM(3, 4, dtype=np.float32)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.RNN("3", 4), TypeError, r"RNN: input_size must be .* got str '3'"),
        (lambda: nn.LSTM(3, 4.0), TypeError, r"LSTM: hidden_size must be .* got float"),
        (lambda: nn.GRU(True, 4), TypeError, r"GRU: input_size .* got bool True"),
        (lambda: nn.GRU(0, 4), ValueError, r"GRU: input_size must be a positive int, got 0"),
        (lambda: nn.LSTM(3, 0), ValueError, r"LSTM: hidden_size must be a positive int, got 0"),
        (lambda: nn.RNN(3, 4, 0), ValueError, r"RNN: num_layers must be a positive int, got 0"),
        (lambda: nn.RNN(3, 4, 1.5), TypeError, r"RNN: num_layers must be .* float"),
        (lambda: nn.RNN(3, 4, bias="no"), TypeError, r"RNN: bias must be a bool"),
        (lambda: nn.GRU(3, 4, batch_first=1), TypeError, r"GRU: batch_first must be a bool"),
        (lambda: nn.LSTM(3, 4, bidirectional=None), TypeError, r"LSTM: bidirectional .* None"),
        (lambda: nn.LSTM(3, 4, 2, dropout=1.5), ValueError, r"LSTM: .*dropout.* 1\.5 .*\[0, 1\]"),
        (lambda: nn.LSTM(3, 4, 2, dropout=True), TypeError, r"LSTM: dropout must be a real"),
        (lambda: nn.GRU(3, 4, 2, dropout="a"), TypeError, r"GRU: dropout .* str 'a'"),
        (lambda: nn.LSTM(3, 4, dtype=np.int32), TypeError, r"LSTM: dtype .*int32"),
        (lambda: nn.GRU(3, 4, generator=0), TypeError, r"GRU: generator must be .* int 0"),
        (
            lambda: nn.RNN(3, 4, nonlinearity="sigmoid"),
            ValueError,
            r"RNN: nonlinearity must be 'tanh' or 'relu', got str 'sigmoid'",
        ),
        (lambda: nn.LSTM(3, 4, proj_size=2), ValueError, r"LSTM: proj_size is not supported .* 2"),
        (lambda: nn.LSTM(3, 4, proj_size=-1), ValueError, r"LSTM: proj_size .* -1"),
        (
            lambda: nn.GRU(3, 4)(np.ones((2, 5, 4))),
            ValueError,
            r"GRU\(3, 4\): expected an input of shape \(T, N, 3\) or \(T, 3\), got shape "
            r"\(2, 5, 4\)",
        ),
        (
            lambda: nn.GRU(3, 4, batch_first=True)(np.ones(3)),
            ValueError,
            r"expected an input of shape \(N, T, 3\) or \(T, 3\), got shape \(3,\)",
        ),
        (lambda: nn.RNN(3, 4)(np.ones((1, 1, 1, 3))), ValueError, r"got shape \(1, 1, 1, 3\)"),
        (
            lambda: nn.LSTM(3, 4)(np.ones((0, 2, 3))),
            ValueError,
            r"LSTM\(3, 4\): expected a sequence of 1 step or more, .* shape \(0, 2, 3\)",
        ),
        (lambda: nn.RNN(3, 4)([[1.0, 2.0, 3.0]]), TypeError, r"RNN: the input .* list"),
        (
            lambda: nn.RNN(3, 4, 2)(np.ones((5, 2, 3)), np.ones((1, 2, 4))),
            ValueError,
            r"RNN\(3, 4, num_layers=2\): expected hx of shape \(2, 2, 4\) for an input of "
            r"shape \(5, 2, 3\), got shape \(1, 2, 4\)",
        ),
        (
            lambda: nn.GRU(3, 4, bidirectional=True)(np.ones((5, 3)), np.ones((2, 1, 4))),
            ValueError,
            r"expected hx of shape \(2, 4\) for an input of shape \(5, 3\), got shape \(2, 1, 4\)",
        ),
        (
            lambda: nn.GRU(3, 4, batch_first=True)(np.ones((2, 5, 3)), np.ones((1, 5, 4))),
            ValueError,
            r"expected hx of shape \(1, 2, 4\) for an input of shape \(2, 5, 3\)",
        ),
        (
            lambda: nn.LSTM(3, 4)(np.ones((5, 2, 3)), (np.ones((1, 2, 4)), np.ones((1, 2, 5)))),
            ValueError,
            r"LSTM\(3, 4\): expected hx\[1\] of shape \(1, 2, 4\) .* got shape \(1, 2, 5\)",
        ),
        (
            lambda: nn.LSTM(3, 4)(np.ones((5, 2, 3)), np.ones((1, 2, 4))),
            TypeError,
            r"LSTM\(3, 4\): hx must be a pair \(h, c\), got ndarray",
        ),
        (
            lambda: nn.RNN(3, 4)(np.ones((5, 2, 3)), [[[0.0] * 4] * 2]),
            TypeError,
            r"RNN\(3, 4\): hx must be a Value or a numpy array, got list",
        ),
        (
            lambda: F32_LSTM(np.ones((5, 2, 3))),
            TypeError,
            r"LSTM\(3, 4\): expected the input to have the dtype of the layer's parameters, "
            r"float32, got float64",
        ),
        (
            lambda: F32_LSTM(Value(np.ones((5, 2, 3), np.float32)), (np.ones((1, 2, 4)),) * 2),
            TypeError,
            r"expected hx\[0\] to have the dtype .* float32, got float64",
        ),
        (
            lambda: nn.GRU(3, 4)(np.ones((5, 2, 3), np.int64)),
            TypeError,
            r"GRU\(3, 4\): expected the input .* float64, got int64",
        ),
    ],
)
def test_errors(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()

"""RNNCell, LSTMCell and GRUCell: gradients against central differences (input, state and
every parameter, first and second order, one step and several unrolled), unbatched inputs,
the default zero state, dtypes kept, the parameters' shapes and initial values, and every
error, read from its message."""

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

GATES = {nn.RNNCell: 1, nn.LSTMCell: 4, nn.GRUCell: 3}
CELLS: list[tuple[type[nn.Module], dict[str, Any]]] = [
    (nn.RNNCell, {}),
    (nn.RNNCell, {"nonlinearity": "relu"}),
    (nn.RNNCell, {"bias": False}),
    (nn.LSTMCell, {}),
    (nn.LSTMCell, {"bias": False}),
    (nn.GRUCell, {}),
    (nn.GRUCell, {"bias": False}),
]
IDS = [f"{cls.__name__}{kwargs or ''}" for cls, kwargs in CELLS]


def make(cls: type[nn.Module], kwargs: dict[str, Any], sizes: tuple[int, int], **more: Any):
    # Parameters 3x PyTorch's scale, so that the gates are not all near 1/2 and the
    # state's terms matter.
    cell = cls(*sizes, **kwargs, **more, generator=np.random.default_rng(0))
    for p in cell.parameters():
        p.data = p.data * 3
    return cell


def unroll(cell: nn.Module, xs: Value, state: Any) -> Value:
    """Every state of ``len(xs)`` steps, stacked (h and c for an LSTM)."""
    outs = []
    for t in range(xs.shape[0]):
        state = cell(xs[t], state)
        outs.extend(state if isinstance(state, tuple) else (state,))
    return tg.stack(outs)


def initial(cell: nn.Module, lead: tuple[int, ...], rng: np.random.Generator) -> list[Value]:
    n = 2 if isinstance(cell, nn.LSTMCell) else 1
    return [Value(rng.standard_normal((*lead, cell.hidden_size))) for _ in range(n)]


def as_state(states: tuple[Value, ...]) -> Any:
    return tuple(states) if len(states) == 2 else states[0]


@pytest.mark.parametrize(("cls", "kwargs"), CELLS, ids=IDS)
@settings(max_examples=20, deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    batch=st.one_of(st.none(), st.integers(0, 3)),
    steps=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_gradcheck_of_the_input_the_state_and_every_parameter(
    cls: type[nn.Module],
    kwargs: dict[str, Any],
    sizes: tuple[int, int],
    batch: int | None,
    steps: int,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    cell = make(cls, kwargs, sizes)
    lead = () if batch is None else (batch,)
    xs = Value(rng.standard_normal((steps, *lead, sizes[0])))
    states = initial(cell, lead, rng)
    n = len(states)
    parameters = list(cell.parameters())
    assert len(parameters) == (4 if kwargs.get("bias", True) else 2)
    # (the parameters are inputs too: gradcheck moves their data in place)
    tg.gradcheck(lambda x, *rest: unroll(cell, x, as_state(rest[:n])), xs, *states, *parameters)


@pytest.mark.parametrize(("cls", "kwargs"), CELLS, ids=IDS)
def test_gradcheck_from_the_default_zero_state(cls: type[nn.Module], kwargs: dict[str, Any]):
    cell = make(cls, kwargs, (3, 2))
    xs = Value(np.random.default_rng(1).standard_normal((3, 2, 3)))
    tg.gradcheck(lambda x, *_: unroll(cell, x, None), xs, *cell.parameters())


@pytest.mark.parametrize(("cls", "kwargs"), [c for c in CELLS if c[1] != {"nonlinearity": "relu"}])
def test_second_order(cls: type[nn.Module], kwargs: dict[str, Any]) -> None:
    """The gradient of the input and of ``weight_hh``, differentiated again (create_graph)
    through two steps: the cells are smooth (ReLU's second derivative is 0, left out)."""
    rng = np.random.default_rng(2)
    cell = make(cls, kwargs, (2, 3))
    xs = Value(rng.standard_normal((2, 2, 2)))
    states = initial(cell, (2,), rng)

    def gradients(x: Value, weight: Value, *state: Value) -> Value:
        out = unroll(cell, x, as_state(state))
        gx, gw = tg.grad((out * out).sum(), [x, weight], create_graph=True)
        return tg.concatenate([gx.reshape(-1), gw.reshape(-1)])

    tg.gradcheck(gradients, xs, cell.weight_hh, *states)


@pytest.mark.parametrize(("cls", "kwargs"), CELLS, ids=IDS)
def test_unbatched_is_a_batch_of_one(cls: type[nn.Module], kwargs: dict[str, Any]) -> None:
    rng = np.random.default_rng(3)
    cell = make(cls, kwargs, (3, 4))
    x = rng.standard_normal(3)
    states = [s.data for s in initial(cell, (), rng)]
    one = cell(x, as_state(tuple(states)))
    batch = cell(x[None], as_state(tuple(s[None] for s in states)))
    for a, b in zip(
        one if isinstance(one, tuple) else (one,), batch if isinstance(batch, tuple) else (batch,)
    ):
        assert a.shape == (4,)
        np.testing.assert_allclose(a.data, b.data[0], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(("cls", "kwargs"), CELLS, ids=IDS)
def test_the_default_state_is_zeros(cls: type[nn.Module], kwargs: dict[str, Any]) -> None:
    cell = make(cls, kwargs, (3, 4))
    x = np.random.default_rng(4).standard_normal((2, 3))
    zeros = np.zeros((2, 4))
    given_ = cell(x, (zeros, zeros) if cls is nn.LSTMCell else zeros)
    default = cell(x)
    for a, b in zip(
        given_ if isinstance(given_, tuple) else (given_,),
        default if isinstance(default, tuple) else (default,),
    ):
        np.testing.assert_array_equal(a.data, b.data)


def test_the_equations() -> None:
    """Each cell against its textbook equations, written out in numpy on the cell's weights."""
    rng = np.random.default_rng(5)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))

    def sigmoid(a: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-a))

    def parts(cell: nn.Module, k: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        wi, wh = cell.weight_ih.data, cell.weight_hh.data
        bi, bh = cell.bias_ih.data, cell.bias_hh.data
        rows = [slice(j * 4, (j + 1) * 4) for j in range(k)]
        return [x @ wi[r].T + bi[r] for r in rows], [h @ wh[r].T + bh[r] for r in rows]

    rnn = make(nn.RNNCell, {"nonlinearity": "relu"}, (3, 4))
    (ax,), (ah,) = parts(rnn, 1)
    np.testing.assert_allclose(rnn(x, h).data, np.maximum(ax + ah, 0), rtol=1e-13)

    lstm = make(nn.LSTMCell, {}, (3, 4))
    xs, hs = parts(lstm, 4)
    i, f, g, o = (a + b for a, b in zip(xs, hs))
    c_next = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h_next, c_out = lstm(x, (h, c))
    np.testing.assert_allclose(c_out.data, c_next, rtol=1e-13)
    np.testing.assert_allclose(h_next.data, sigmoid(o) * np.tanh(c_next), rtol=1e-13)

    gru = make(nn.GRUCell, {}, (3, 4))
    (xr, xz, xn), (hr, hz, hn) = parts(gru, 3)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    np.testing.assert_allclose(gru(x, h).data, (1 - z) * n + z * h, rtol=1e-13)


@pytest.mark.parametrize(("cls", "kwargs"), CELLS, ids=IDS)
def test_float32_stays_float32(cls: type[nn.Module], kwargs: dict[str, Any]) -> None:
    cell = make(cls, kwargs, (3, 4), dtype=np.float32)
    xs = Value(np.random.default_rng(6).standard_normal((3, 2, 3)).astype(np.float32))
    out = unroll(cell, xs, None)
    assert out.dtype == np.float32
    out.sum().backward()
    assert xs.grad.dtype == np.float32
    for name, p in cell.named_parameters():
        assert p.dtype == np.float32, name
        assert p.grad.dtype == np.float32, name


@pytest.mark.parametrize("cls", list(GATES))
def test_parameters_shapes_names_and_initial_values(cls: type[nn.Module]) -> None:
    cell = cls(5, 16, generator=np.random.default_rng(7))
    k = GATES[cls]
    shapes = {name: p.shape for name, p in cell.named_parameters()}
    assert shapes == {
        "weight_ih": (k * 16, 5),
        "weight_hh": (k * 16, 16),
        "bias_ih": (k * 16,),
        "bias_hh": (k * 16,),
    }
    for name, p in cell.named_parameters():
        assert np.abs(p.data).max() <= 0.25, name  # uniform on ±1/√16
        assert np.abs(p.data).max() > 0.2, name  # and not on a smaller range
    assert list(cls(5, 16, bias=False).state_dict()) == ["weight_ih", "weight_hh"]
    again = cls(5, 16, generator=np.random.default_rng(7))
    np.testing.assert_array_equal(again.weight_hh.data, cell.weight_hh.data)
    again.reset_parameters(np.random.default_rng(8))
    assert not np.array_equal(again.weight_hh.data, cell.weight_hh.data)


def test_zero_sizes() -> None:
    assert nn.LSTMCell(3, 0)(np.ones((2, 3)))[0].shape == (2, 0)
    assert nn.GRUCell(0, 2)(np.ones((2, 0))).shape == (2, 2)
    assert nn.RNNCell(3, 2)(np.ones((0, 3))).shape == (0, 2)


def test_state_dict_round_trip(tmp_path: Any) -> None:
    cell = nn.LSTMCell(3, 4, generator=np.random.default_rng(9))
    nn.save(cell.state_dict(), tmp_path / "cell.npz")
    other = nn.LSTMCell(3, 4, generator=np.random.default_rng(10))
    other.load_state_dict(nn.load(tmp_path / "cell.npz"))
    x = np.ones((2, 3))
    np.testing.assert_array_equal(other(x)[1].data, cell(x)[1].data)


def test_repr() -> None:
    assert repr(nn.RNNCell(3, 4)) == "RNNCell(3, 4)"
    assert repr(nn.RNNCell(3, 4, False, "relu")) == "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert repr(nn.LSTMCell(3, 4, bias=False)) == "LSTMCell(3, 4, bias=False)"
    assert repr(nn.GRUCell(3, 4)) == "GRUCell(3, 4)"


F32_CELL = nn.LSTMCell(3, 4, dtype=np.float32)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.RNNCell("3", 4), TypeError, r"RNNCell: input_size must be .* got str '3'"),
        (lambda: nn.LSTMCell(3, 4.0), TypeError, r"LSTMCell: hidden_size must be .* got float"),
        (lambda: nn.GRUCell(True, 4), TypeError, r"GRUCell: input_size .* got bool True"),
        (lambda: nn.GRUCell(3, -1), ValueError, r"GRUCell: hidden_size must be .* got -1"),
        (lambda: nn.RNNCell(3, 4, bias="no"), TypeError, r"RNNCell: bias must be a bool"),
        (lambda: nn.LSTMCell(3, 4, dtype=np.int32), TypeError, r"LSTMCell: dtype .*int32"),
        (
            lambda: nn.RNNCell(3, 4, nonlinearity="sigmoid"),
            ValueError,
            r"RNNCell: nonlinearity must be 'tanh' or 'relu', got str 'sigmoid'",
        ),
        (lambda: nn.RNNCell(3, 4, nonlinearity=None), ValueError, r"nonlinearity .* None"),
        (
            lambda: nn.GRUCell(3, 4)(np.ones((2, 5))),
            ValueError,
            r"GRUCell\(3, 4\): expected an input of shape \(N, 3\) or \(3,\), got shape \(2, 5\)",
        ),
        (
            lambda: nn.RNNCell(3, 4)(np.ones((1, 2, 3))),
            ValueError,
            r"RNNCell\(3, 4\): expected an input .* got shape \(1, 2, 3\)",
        ),
        (lambda: nn.RNNCell(3, 4)(np.ones(())), ValueError, r"RNNCell\(3, 4\): .* shape \(\)"),
        (lambda: nn.RNNCell(3, 4)([1.0, 2.0, 3.0]), TypeError, r"RNNCell: the input .* list"),
        (
            lambda: nn.RNNCell(3, 4)(np.ones((2, 3)), np.ones((2, 5))),
            ValueError,
            r"RNNCell\(3, 4\): expected hx of shape \(2, 4\) for an input of shape \(2, 3\), "
            r"got shape \(2, 5\)",
        ),
        (
            lambda: nn.GRUCell(3, 4)(np.ones((2, 3)), np.ones((3, 4))),
            ValueError,
            r"expected hx of shape \(2, 4\) .* got shape \(3, 4\)",
        ),
        (
            lambda: nn.GRUCell(3, 4)(np.ones(3), np.ones((1, 4))),
            ValueError,
            r"GRUCell\(3, 4\): expected hx of shape \(4,\) for an input of shape \(3,\)",
        ),
        (
            lambda: nn.LSTMCell(3, 4)(np.ones((2, 3)), (np.ones((2, 4)), np.ones((2, 5)))),
            ValueError,
            r"LSTMCell\(3, 4\): expected hx\[1\] of shape \(2, 4\) .* got shape \(2, 5\)",
        ),
        (
            lambda: nn.LSTMCell(3, 4)(np.ones((2, 3)), np.ones((2, 4))),
            TypeError,
            r"LSTMCell\(3, 4\): hx must be a pair \(h, c\), got ndarray",
        ),
        (
            lambda: nn.LSTMCell(3, 4)(np.ones((2, 3)), (np.ones((2, 4)),)),
            TypeError,
            r"hx must be a pair \(h, c\), got tuple",
        ),
        (
            lambda: nn.RNNCell(3, 4)(np.ones((2, 3)), [[0.0] * 4] * 2),
            TypeError,
            r"RNNCell\(3, 4\): hx must be a Value or a numpy array, got list",
        ),
        (
            lambda: F32_CELL(np.ones((2, 3))),
            TypeError,
            r"LSTMCell\(3, 4\): expected the input to have the dtype of the cell's parameters, "
            r"float32, got float64",
        ),
        (
            lambda: F32_CELL(Value(np.ones((2, 3), np.float32)), (np.ones((2, 4)),) * 2),
            TypeError,
            r"expected hx\[0\] to have the dtype .* float32, got float64",
        ),
        (
            lambda: nn.GRUCell(3, 4)(np.ones((2, 3), np.int64)),
            TypeError,
            r"GRUCell\(3, 4\): expected the input .* float64, got int64",
        ),
    ],
)
def test_errors(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


# -- the LSTM's fused nodes (see nn.rnn's docstring) -------------------------------------------


def nodes_of(value: Value) -> list[str]:
    """The ops of the graph behind ``value``, each node once (leaves left out)."""
    seen, stack, ops = set(), [value.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if node.op:
            ops.append(node.op)
        stack.extend(node.prev)
    return ops


def test_an_lstm_step_is_three_nodes() -> None:
    cell = nn.LSTMCell(3, 4, generator=np.random.default_rng(0))
    h, c = cell(np.ones((2, 3)))
    assert sorted(nodes_of(h)) == ["gate_inputs", "lstm_cell_state", "lstm_output"]
    assert sorted(nodes_of(c)) == ["gate_inputs", "lstm_cell_state"]


def test_second_order_through_the_cell_state_alone() -> None:
    """Only ``c`` in the graph (constant input, state ``h`` and weights): the output node's
    gates stay arrays while its ``c'`` is a Value under create_graph."""
    rng = np.random.default_rng(5)
    cell = make(nn.LSTMCell, {}, (2, 3))
    for p in cell.parameters():
        p.requires_grad = False
    x, h = rng.standard_normal((2, 2)), rng.standard_normal((2, 3))

    def gradient(c: Value) -> Value:
        h_next, c_next = cell(x, (h, c))
        (gc,) = tg.grad(
            (h_next * h_next).sum() + (c_next * c_next * c_next).sum(), [c], create_graph=True
        )
        return gc

    tg.gradcheck(gradient, Value(rng.standard_normal((2, 3))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_lstm_is_finite_and_quiet_for_huge_pre_activations(dtype: type) -> None:
    """Gates driven to ±1e4 (σ and tanh saturated): finite states and gradients, no numpy
    warning, the dtype kept."""
    cell = nn.LSTMCell(2, 3, dtype=dtype, generator=np.random.default_rng(6))
    for p in cell.parameters():
        p.data = np.sign(p.data) * dtype(1e4)
    x = Value(np.array([[1.0, -1.0], [-1.0, 1.0]], dtype))
    c = Value(np.full((2, 3), 17.0, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h_next, c_next = cell(x, (np.zeros((2, 3), dtype), c))
        (h_next.sum() + c_next.sum()).backward()
    for v in (h_next, c_next, x.grad, c.grad, cell.weight_hh.grad):
        data = v.data if isinstance(v, Value) else v
        assert data.dtype == dtype
        assert np.isfinite(data).all()


def test_a_nan_input_gives_nan_states() -> None:
    cell = nn.LSTMCell(2, 3, generator=np.random.default_rng(7))
    h, c = cell(np.array([[np.nan, 0.0], [0.0, 0.0]]))
    assert np.isnan(h.data[0]).all()
    assert np.isnan(c.data[0]).all()
    assert np.isfinite(h.data[1]).all()
    assert np.isfinite(c.data[1]).all()

"""Layers: shapes, PyTorch's initialisation, gradients (gradcheck) and errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import tensorgrad as tg
from tensorgrad import Value, gradcheck


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def away_from_zero(shape: tuple[int, ...], seed: int = 0) -> Value:
    """Inputs at least 0.1 from 0, where ReLU's kink would spoil finite differences."""
    u = rng(seed).uniform(-1.0, 1.0, shape)
    return Value(np.sign(u) * (0.1 + np.abs(u)))


def check_layer(layer: nn.Module, x: Value) -> None:
    """gradcheck with respect to the input and to every parameter of the layer."""
    params = list(layer.parameters())
    assert gradcheck(lambda x, *ps: layer(x), x, *params)


# -- Linear ---------------------------------------------------------------------------------


def test_linear_computes_x_wt_plus_b() -> None:
    layer = nn.Linear(3, 2, generator=rng())
    x = rng(1).standard_normal((4, 3))
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-15)
    assert layer.weight.shape == (2, 3)
    assert layer.bias is not None
    assert layer.bias.shape == (2,)


@given(
    batch=st.tuples(st.integers(1, 3)) | st.tuples(st.integers(1, 2), st.integers(1, 3)),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    bias=st.booleans(),
)
def test_linear_gradcheck(batch: tuple[int, ...], n_in: int, n_out: int, bias: bool) -> None:
    layer = nn.Linear(n_in, n_out, bias=bias, generator=rng())
    check_layer(layer, Value(rng(1).standard_normal((*batch, n_in))))


def test_linear_without_bias_and_1d_input() -> None:
    layer = nn.Linear(3, 2, bias=False, generator=rng())
    assert layer.bias is None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
    check_layer(layer, Value([1.0, -2.0, 0.5]))


def test_linear_is_one_node_of_the_graph() -> None:
    """The forward is tensorgrad.linear: no transpose node, no separate matmul and add."""
    layer = nn.Linear(3, 2, generator=rng())
    dot = tg.to_dot(layer(np.ones((4, 3))))
    assert dot.count("_op [label=") == 1
    assert '[label="linear"]' in dot


def test_linear_initialisation_is_pytorchs() -> None:
    """Weight and bias uniform on [-1/√in, 1/√in]: mean 0, variance bound²/3."""
    n_in = 50
    layer = nn.Linear(n_in, 400, generator=rng())
    bound = 1 / math.sqrt(n_in)
    for p in (layer.weight.data, layer.bias.data):
        assert np.abs(p).max() <= bound
        assert np.abs(p).max() > 0.95 * bound
    w = layer.weight.data
    assert abs(w.mean()) < 0.01 * bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.03)


def test_linear_is_seeded_by_generator_or_manual_seed() -> None:
    a = nn.Linear(3, 2, generator=rng(5)).weight.data
    b = nn.Linear(3, 2, generator=rng(5)).weight.data
    np.testing.assert_array_equal(a, b)
    nn.manual_seed(123)
    c = nn.MLP(3, [4, 2]).state_dict()
    nn.manual_seed(123)
    d = nn.MLP(3, [4, 2]).state_dict()
    for name in c:
        np.testing.assert_array_equal(c[name], d[name])


def test_linear_dtype_float32() -> None:
    layer = nn.Linear(3, 2, dtype=np.float32, generator=rng())
    assert layer.weight.dtype == np.float32
    assert layer.bias is not None
    assert layer.bias.dtype == np.float32
    assert layer(np.ones((2, 3), np.float32)).dtype == np.float32


def test_linear_with_no_inputs_outputs_its_bias() -> None:
    layer = nn.Linear(0, 3, generator=rng())
    assert layer.weight.shape == (3, 0)
    assert layer(np.zeros((2, 0))).data.tolist() == [[0.0] * 3] * 2  # bias bound 0


def test_linear_errors() -> None:
    layer = nn.Linear(3, 2)
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=3\): the input's last axis must have size 3, got an input "
        r"of shape \(4, 5\)",
    ):
        layer(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"got an input of shape \(\)"):
        layer(Value(1.0))
    with pytest.raises(
        ValueError, match=r"Linear: out_features must be a non-negative int, got -1"
    ):
        nn.Linear(3, -1)
    with pytest.raises(
        TypeError, match=r"Linear: in_features must be a non-negative int, got float 2\.5"
    ):
        nn.Linear(2.5, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Linear: out_features .* got bool True"):
        nn.Linear(2, True)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"in_features": "3"},
            TypeError,
            r"Linear: in_features must be a non-negative int, got str '3'",
        ),
        ({"out_features": None}, TypeError, r"Linear: out_features .* got None"),
        ({"out_features": np.float64(2.0)}, TypeError, r"Linear: out_features .* got float64 "),
        ({"bias": "no"}, TypeError, r"Linear: bias must be a bool \(True or False\), got str 'no'"),
        ({"bias": 1}, TypeError, r"Linear: bias must be a bool .* got int 1"),
        ({"bias": None}, TypeError, r"Linear: bias must be a bool .* got None"),
        ({"dtype": "foo"}, TypeError, r"Linear: dtype must be float32 or float64 .* got 'foo'"),
        (
            {"dtype": int},
            TypeError,
            r"Linear: dtype must be float32 or float64 .* got <class 'int'>",
        ),
        ({"dtype": np.float16}, TypeError, r"Linear: dtype .* got <class 'numpy.float16'>"),
        (
            {"generator": 0},
            TypeError,
            r"Linear: generator must be a numpy.random.Generator or None, got int 0",
        ),
    ],
)
def test_linear_refuses_wrong_arguments(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments = {"in_features": 3, "out_features": 2, **kwargs}
    with pytest.raises(error, match=message):
        nn.Linear(**arguments)


def test_linear_takes_numpy_ints_and_bools_and_dtype_names() -> None:
    layer = nn.Linear(np.int64(3), np.int32(2), bias=np.False_, dtype="float32", generator=rng())
    assert (layer.in_features, layer.out_features, layer.bias) == (3, 2, None)
    assert type(layer.in_features) is int
    assert layer.weight.dtype == np.float32


def test_a_float32_layer_refuses_float64_and_int_inputs_as_pytorch() -> None:
    layer = nn.Linear(3, 2, dtype=np.float32, generator=rng())
    for x, dtype in ((np.ones((2, 3)), "float64"), (np.ones((2, 3), np.int64), "int64")):
        with pytest.raises(
            TypeError,
            match=rf"linear: expected input and weight to have the same dtype, got {dtype} and "
            r"float32",
        ):
            layer(x)
    assert layer(np.ones((2, 3)).astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    "layer",
    [nn.Linear(3, 2), nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Dropout(), nn.Flatten()],
    ids=lambda layer: type(layer).__name__,
)
def test_layers_refuse_what_is_not_a_value_or_an_array(layer: nn.Module) -> None:
    name = type(layer).__name__
    with pytest.raises(
        TypeError, match=rf"{name}: the input must be a Value or a numpy array, got list"
    ):
        layer([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=rf"{name}: the input must be an array of real numbers"):
        layer(np.array(["a", "b", "c"]))


# -- activations, Identity, Flatten -----------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "reference"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.Tanh(), np.tanh),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    ],
)
def test_activation_values_and_gradients(layer: nn.Module, reference: Callable[[Any], Any]) -> None:
    x = away_from_zero((3, 4))
    np.testing.assert_allclose(layer(x).data, reference(x.data), rtol=1e-14)
    np.testing.assert_allclose(layer(x.data).data, reference(x.data), rtol=1e-14)  # arrays too
    assert not layer(x.data).requires_grad
    check_layer(layer, x)
    assert repr(layer) == f"{type(layer).__name__}()"


def test_identity_returns_its_input() -> None:
    x = Value([1.0, 2.0])
    assert nn.Identity()(x) is x
    check_layer(nn.Identity(), x)


@pytest.mark.parametrize(
    ("start", "end", "shape", "expected"),
    [
        (1, -1, (2, 3, 4), (2, 12)),
        (0, -1, (2, 3, 4), (24,)),
        (0, 1, (2, 3, 4), (6, 4)),
        (-2, -1, (2, 3, 4, 5), (2, 3, 20)),
        (1, -1, (0, 3, 4), (0, 12)),
        (0, 0, (), (1,)),
    ],
)
def test_flatten_shapes(
    start: int, end: int, shape: tuple[int, ...], expected: tuple[int, ...]
) -> None:
    layer = nn.Flatten(start, end)
    assert layer(np.zeros(shape)).shape == expected
    assert layer(Value(np.zeros(shape))).shape == expected


def test_flatten_gradient_and_errors() -> None:
    check_layer(nn.Flatten(), Value(rng().standard_normal((2, 3, 2))))
    with pytest.raises(IndexError, match=r"start_dim=3 or end_dim=-1 is out of range for an input"):
        nn.Flatten(3)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="start_dim=2 comes after end_dim=1"):
        nn.Flatten(2, 1)(np.zeros((2, 3, 4)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1",), r"Flatten: start_dim must be an int, got str '1'"),
        ((1.0,), r"Flatten: start_dim must be an int, got float 1\.0"),
        ((True,), r"Flatten: start_dim must be an int, got bool True"),
        ((1, None), r"Flatten: end_dim must be an int, got None"),
    ],
)
def test_flatten_refuses_axes_that_are_not_ints(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        nn.Flatten(*args)


def test_flatten_takes_numpy_ints() -> None:
    layer = nn.Flatten(np.int64(0), np.int8(1))
    assert repr(layer) == "Flatten(start_dim=0, end_dim=1)"
    assert layer(np.zeros((2, 3, 4))).shape == (6, 4)


# -- Dropout ------------------------------------------------------------------------------------


def test_dropout_statistics() -> None:
    p = 0.3
    x = Value(np.ones((200, 500)))
    y = nn.Dropout(p, generator=rng())(x).data
    kept = y != 0
    assert kept.mean() == pytest.approx(1 - p, abs=0.005)  # 100 000 draws: σ ≈ 0.0015
    np.testing.assert_allclose(y[kept], 1 / (1 - p))  # inverted scaling
    assert y.mean() == pytest.approx(1.0, abs=0.01)  # the expectation is unchanged


def test_dropout_gradient_flows_through_kept_elements_only() -> None:
    x = Value(rng().standard_normal((4, 5)))

    def fresh(x: Value) -> Value:  # the same mask at every call
        return nn.Dropout(0.4, generator=rng(3))(x)

    assert gradcheck(fresh, x)
    y = fresh(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, (y.data != 0) / 0.6)


def test_dropout_eval_mode_and_edge_probabilities() -> None:
    x = Value(rng().standard_normal((3, 3)))
    drop = nn.Dropout(0.5)
    assert drop.eval()(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    assert nn.Dropout(0.5, generator=rng())(np.ones(4, np.float32)).dtype == np.float32


def test_dropout_masks_are_seeded() -> None:
    x = np.ones(50)
    nn.manual_seed(7)
    a = nn.Dropout(0.5)(x)
    nn.manual_seed(7)
    b = nn.Dropout(0.5)(x)
    np.testing.assert_array_equal(a, b)
    drop = nn.Dropout(0.5, generator=rng())
    assert (drop(x) != drop(x)).any()  # a new mask at every call


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_bad_probabilities(p: float) -> None:
    with pytest.raises(
        ValueError, match=rf"Dropout: the probability p must be in \[0, 1\], got {p}"
    ):
        nn.Dropout(p)


@pytest.mark.parametrize(
    ("p", "error", "message"),
    [
        ("0.5", TypeError, r"Dropout: p must be a real number, got str '0\.5'"),
        (True, TypeError, r"Dropout: p must be a real number, got bool True"),  # not a probability
        (np.True_, TypeError, r"Dropout: p must be a real number, got bool np.True_"),
        (None, TypeError, r"Dropout: p must be a real number, got None"),
        (float("nan"), ValueError, r"Dropout: Invalid p value: nan \(p must be a finite number\)"),
        (float("inf"), ValueError, r"Dropout: Invalid p value: inf"),
    ],
    ids=repr,
)
def test_dropout_refuses_what_is_not_a_probability(
    p: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.Dropout(p)  # type: ignore[arg-type]


def test_dropout_takes_ints_and_numpy_floats_as_pytorch() -> None:
    assert nn.Dropout(0).p == 0.0
    assert nn.Dropout(1).p == 1.0
    drop = nn.Dropout(np.float32(0.25))
    assert type(drop.p) is float
    assert repr(drop) == "Dropout(p=0.25)"


def test_dropout_refuses_a_wrong_generator_when_made() -> None:
    with pytest.raises(
        TypeError, match=r"Dropout: generator must be a numpy.random.Generator or None, got int 0"
    ):
        nn.Dropout(0.5, generator=0)  # type: ignore[arg-type]


# -- Sequential and MLP -------------------------------------------------------------------------


def test_sequential_applies_layers_in_order() -> None:
    first, second = nn.Linear(3, 4, generator=rng()), nn.Linear(4, 2, generator=rng(1))
    model = nn.Sequential(first, nn.Tanh(), second)
    x = away_from_zero((5, 3))
    expected = second(first(x).tanh()).data
    np.testing.assert_allclose(model(x).data, expected)
    check_layer(model, x)
    assert model[0] is first
    assert model[-1] is second
    assert list(model)[1] is model[1]
    assert isinstance(model[1:], nn.Sequential)
    assert len(model[1:]) == 2
    assert nn.Sequential()(x) is x
    assert model.append(nn.ReLU()) is model
    assert len(model) == 4


def test_sequential_rejects_non_modules() -> None:
    with pytest.raises(TypeError, match="Sequential: argument 1 must be a Module, got ufunc"):
        nn.Sequential(nn.ReLU(), np.tanh)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Sequential\.append: expected a Module, got int"):
        nn.Sequential().append(3)  # type: ignore[arg-type]


def test_mlp_follows_micrograds_convention() -> None:
    model = nn.MLP(2, [16, 16, 1], generator=rng())
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    sizes = [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)]
    assert sizes == [(2, 16), (16, 16), (16, 1)]
    assert len(nn.MLP(3, [2])) == 1


def test_mlp_gradcheck_and_errors() -> None:
    model = nn.MLP(3, [4, 2], generator=rng())
    check_layer(model, Value(rng(1).standard_normal((2, 3))))
    with pytest.raises(ValueError, match="MLP: nouts must list at least one layer size"):
        nn.MLP(3, [])


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (
            (2, 3),
            {},
            TypeError,
            r"MLP: nouts must be a list of layer sizes, such as \[16, 16, 1\], got int 3 "
            r"\(for a single layer, a list of one size: MLP\(nin, \[n_out\]\)\)",
        ),
        ((2, "31"), {}, TypeError, r"MLP: nouts must be a list of layer sizes, .* got str '31'"),
        ((2, np.array(3)), {}, TypeError, r"MLP: nouts must be a list .* got ndarray"),
        ((2.0, [3]), {}, TypeError, r"MLP: nin must be a non-negative int, got float 2\.0"),
        (
            (2, [3, 1.0]),
            {},
            TypeError,
            r"MLP: nouts\[1\] must be a non-negative int, got float 1\.0",
        ),
        ((2, [3, True]), {}, TypeError, r"MLP: nouts\[1\] .* got bool True"),
        ((2, [3, -1]), {}, ValueError, r"MLP: nouts\[1\] must be a non-negative int, got -1"),
        ((-2, [3]), {}, ValueError, r"MLP: nin must be a non-negative int, got -2"),
        ((2, ()), {}, ValueError, r"MLP: nouts must list at least one layer size"),
        ((2, [3]), {"dtype": "x"}, TypeError, r"MLP: dtype must be float32 or float64 .* got 'x'"),
        ((2, [3]), {"generator": 1}, TypeError, r"MLP: generator must be a numpy.random.Generator"),
    ],
)
def test_mlp_names_its_own_wrong_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.MLP(*args, **kwargs)


@pytest.mark.parametrize(
    "nouts", [(4, 1), range(4, 0, -3), np.array([4, 1])], ids=["tuple", "range", "array"]
)
def test_mlp_takes_any_sequence_of_ints(nouts: Any) -> None:
    model = nn.MLP(np.int64(2), nouts, dtype=np.float32, generator=rng())
    sizes = [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)]
    assert sizes == [(2, 4), (4, 1)]
    assert model(np.zeros((3, 2), np.float32)).dtype == np.float32

"""scalargrad.nn: micrograd's Module, Neuron, Layer and MLP, and training them."""

import random
from collections.abc import Callable

import pytest

from scalargrad import Value
from scalargrad.nn import MLP, Layer, Module, Neuron


def test_parameter_counts() -> None:
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337
    assert len(Layer(3, 4).parameters()) == 16
    assert len(Neuron(5).parameters()) == 6
    assert Module().parameters() == []


def test_single_output_is_a_value_and_several_are_a_list() -> None:
    assert isinstance(MLP(2, [4, 1], rng=0)([1.0, 2.0]), Value)
    out = MLP(2, [4, 3], rng=0)([1.0, 2.0])
    assert isinstance(out, list)
    assert len(out) == 3


def test_hidden_layers_use_relu_and_the_output_is_linear() -> None:
    model = MLP(2, [3, 3, 2], rng=0)
    assert [n.nonlin for layer in model.layers for n in layer.neurons] == [True] * 6 + [False] * 2
    assert repr(model.layers[-1].neurons[0]) == "LinearNeuron(3)"
    assert repr(model.layers[0].neurons[0]) == "ReLUNeuron(2)"


def test_neuron_computes_relu_of_weighted_sum() -> None:
    n = Neuron(2, rng=0)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, -2.0, 0.5
    assert n([3.0, 1.0]).data == 1.5
    assert n([0.0, 1.0]).data == 0.0


def test_inputs_may_be_numbers_or_values() -> None:
    model = MLP(2, [4, 1], rng=7)
    x = [Value(0.3), Value(-1.2)]
    y = model(x)
    assert isinstance(y, Value)
    assert y.data == model([0.3, -1.2]).data  # type: ignore[union-attr]
    y.backward()
    assert any(xi.grad != 0.0 for xi in x)


def test_seeded_models_are_reproducible() -> None:
    first = [p.data for p in MLP(2, [8, 1], rng=42).parameters()]
    again = [p.data for p in MLP(2, [8, 1], rng=random.Random(42)).parameters()]
    other = [p.data for p in MLP(2, [8, 1], rng=43).parameters()]
    assert first == again
    assert first != other


def test_random_seed_also_makes_models_reproducible() -> None:
    random.seed(5)
    first = [p.data for p in MLP(2, [8, 1]).parameters()]
    random.seed(5)
    assert [p.data for p in MLP(2, [8, 1]).parameters()] == first


def test_weights_start_uniform_in_minus_one_one_and_biases_at_zero() -> None:
    model = MLP(3, [50, 1], rng=1)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert all(-1.0 <= w <= 1.0 for w in weights)
    assert min(weights) < -0.5 < 0.5 < max(weights)
    assert all(n.b.data == 0.0 for layer in model.layers for n in layer.neurons)


def test_zero_grad() -> None:
    model = MLP(2, [4, 1], rng=0)
    y = model([1.0, -1.0])
    assert isinstance(y, Value)
    (y * y + 1.0).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_a_hidden_layer_of_one_neuron_passes_a_list_on() -> None:
    model = MLP(2, [1, 3], rng=0)
    assert len(model([1.0, 2.0])) == 3  # type: ignore[arg-type]


RNG = r"rng must be a random\.Random, an int seed or None, got str 'seed'"
SIZE = r"must be a non-negative int, got"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Neuron("a"), TypeError, rf"Neuron: nin {SIZE} str 'a'"),
        (lambda: Neuron(2.5), TypeError, rf"Neuron: nin {SIZE} float 2\.5"),
        (lambda: Neuron(True), TypeError, rf"Neuron: nin {SIZE} bool True"),
        (lambda: Neuron(-1), ValueError, rf"Neuron: nin {SIZE} -1"),
        (lambda: Neuron(2, "no"), TypeError, r"Neuron: nonlin must be True or False, got str"),
        (lambda: Neuron(2, rng="seed"), TypeError, rf"Neuron: {RNG}"),
        (lambda: Layer(None, 2), TypeError, rf"Layer: nin {SIZE} None"),
        (lambda: Layer(2, "a"), TypeError, rf"Layer: nout {SIZE} str 'a'"),
        (lambda: Layer(2, -3), ValueError, rf"Layer: nout {SIZE} -3"),
        (lambda: Layer(2, 3, nonlin=1), TypeError, r"Layer: nonlin must be True or False, got int"),
        (lambda: Layer(2, 3, rng="seed"), TypeError, rf"Layer: {RNG}"),
        (lambda: MLP("2", [3]), TypeError, rf"MLP: nin {SIZE} str '2'"),
        (lambda: MLP(2, None), TypeError, r"MLP: nouts must be a list of layer sizes .*, got None"),
        (lambda: MLP(2, 3), TypeError, r"MLP: nouts must be a list of layer sizes .*, got int 3"),
        (lambda: MLP(2, ["a"]), TypeError, rf"MLP: nouts\[0\] {SIZE} str 'a'"),
        (lambda: MLP(2, [3, -1]), ValueError, rf"MLP: nouts\[1\] {SIZE} -1"),
        (lambda: MLP(2, []), ValueError, r"MLP: nouts must list at least one layer size"),
        (lambda: MLP(2, [1], rng="seed"), TypeError, rf"MLP: {RNG}"),
    ],
)
def test_bad_arguments_are_refused_naming_the_class_and_argument(
    make: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


LIST = r"x must be a list of numbers or Values of length 2"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: Neuron(2, rng=0)(None), TypeError, rf"Neuron: {LIST}, got None"),
        (lambda: Neuron(2, rng=0)(Value(1.0)), TypeError, rf"Neuron: {LIST}, got Value\("),
        (lambda: Neuron(2, rng=0)([1.0]), ValueError, rf"Neuron: {LIST}, got a list of length 1"),
        (
            lambda: Neuron(2, rng=0)(["a", 1]),
            TypeError,
            r"Neuron: x\[0\] must be a number or a Value, got str 'a'",
        ),
        (
            lambda: Layer(2, 3, rng=0)([1.0, None]),
            TypeError,
            r"Layer: x\[1\] must be a number or a Value, got None",
        ),
        (lambda: Layer(2, 3, rng=0)(1.0), TypeError, rf"Layer: {LIST}, got float 1\.0"),
        (
            lambda: Layer(2, 3, rng=0)([1.0, 10**400]),
            ValueError,
            r"Layer: x\[1\] is too large for a float",
        ),
        (lambda: MLP(2, [3], rng=0)("ab"), TypeError, rf"MLP: {LIST}, got str 'ab'"),
        (
            lambda: MLP(2, [3], rng=0)([1.0, 2.0, 3.0]),
            ValueError,
            rf"MLP: {LIST}, got a list of length 3",
        ),
        (
            lambda: MLP(2, [3], rng=0)([[1.0], 2.0]),
            TypeError,
            r"MLP: x\[0\] must be a number or a Value, got list",
        ),
    ],
)
def test_bad_inputs_are_refused_naming_the_module_and_what_it_expects(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_mlp_reaches_full_accuracy_on_moons() -> None:
    """micrograd's demo: svm loss + L2, SGD with a decaying rate, on 100 noisy moons."""
    from sklearn.datasets import make_moons

    xs, ys = make_moons(n_samples=100, noise=0.1, random_state=1337)
    points = xs.tolist()
    y = (ys * 2 - 1).tolist()
    model = MLP(2, [16, 16, 1], rng=1337)

    def step() -> tuple[Value, float]:
        scores = [model(row) for row in points]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]  # type: ignore[operator]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)  # type: ignore[union-attr]
        return data_loss + reg_loss, accuracy

    for k in range(100):
        loss, accuracy = step()
        if accuracy == 1.0:
            break
        model.zero_grad()
        loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    assert accuracy == 1.0, f"accuracy {accuracy} after 100 steps"
    assert k < 100


def test_inputs_may_be_any_iterable_of_numbers_but_a_string() -> None:
    np = pytest.importorskip("numpy")
    model = MLP(2, [3, 1], rng=0)
    y = model([0.5, -1.0])
    assert model((0.5, -1.0)).data == model(np.array([0.5, -1.0])).data == y.data  # type: ignore[union-attr]

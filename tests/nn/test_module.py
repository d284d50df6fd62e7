"""Module: finding parameters and sub-modules, modes, zero_grad, calling, and the repr."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import nn
from nn.random import resolve_generator
from tensorgrad import Value


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(2))
        self.fc = nn.Linear(2, 2)

    def forward(self, x: Any) -> Any:
        return self.fc(x) * self.scale


class Zoo(nn.Module):
    """Parameters and modules in every place a module may keep them."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(np.zeros(3))
        self.not_a_parameter = Value(np.zeros(3))  # a plain Value is not a parameter
        self.array = np.zeros(3)
        self.blocks = [Block(), Block()]
        self.pair = (nn.Parameter(np.zeros(1)), nn.ReLU())
        self.heads = {"a": nn.Linear(2, 1, bias=False), "b": [nn.Parameter(np.zeros(2))]}
        self.empty: list[nn.Module] = []


def test_named_parameters_through_attributes_lists_tuples_and_dicts() -> None:
    names = [name for name, _ in Zoo().named_parameters()]
    assert names == [
        "w",
        "pair.0",
        "heads.b.0",
        "blocks.0.scale",
        "blocks.0.fc.weight",
        "blocks.0.fc.bias",
        "blocks.1.scale",
        "blocks.1.fc.weight",
        "blocks.1.fc.bias",
        "heads.a.weight",
    ]
    assert all(isinstance(p, nn.Parameter) for p in Zoo().parameters())


def test_modules_and_children() -> None:
    zoo = Zoo()
    assert [name for name, _ in zoo.named_children()] == [
        "blocks.0",
        "blocks.1",
        "pair.1",
        "heads.a",
    ]
    assert list(zoo.children()) == [zoo.blocks[0], zoo.blocks[1], zoo.pair[1], zoo.heads["a"]]
    assert [name for name, _ in zoo.named_modules()] == [
        "",
        "blocks.0",
        "blocks.0.fc",
        "blocks.1",
        "blocks.1.fc",
        "pair.1",
        "heads.a",
    ]
    assert next(iter(zoo.modules())) is zoo
    assert [name for name, _ in zoo.named_modules(prefix="model")][:2] == [
        "model",
        "model.blocks.0",
    ]


def test_shared_parameters_and_modules_come_once() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3  # model, the Linear once, the ReLU
    tied = nn.Module()
    tied.a = nn.Linear(3, 3)
    tied.b = nn.Linear(3, 3)
    tied.b.weight = tied.a.weight  # weight tying: one parameter, two users
    assert [name for name, _ in tied.named_parameters()] == ["a.weight", "a.bias", "b.bias"]


def test_gradients_of_a_shared_parameter_add_up() -> None:
    shared = nn.Linear(1, 1, bias=False)
    shared.weight.data[...] = 3.0
    model = nn.Sequential(shared, shared)  # y = w (w x) = w² x
    model(np.array([[2.0]])).sum().backward()
    assert shared.weight.grad.tolist() == [[12.0]]  # d(w² x)/dw = 2 w x


def test_train_eval_reach_every_module() -> None:
    zoo = Zoo()
    assert zoo.eval() is zoo
    assert not any(m.training for m in zoo.modules())
    zoo.train()
    assert all(m.training for m in zoo.modules())
    zoo.blocks[0].train(False)
    assert [m.training for m in zoo.modules()] == [True, False, False, True, True, True, True]


def test_zero_grad_and_call() -> None:
    block = Block()
    out = block(np.ones((3, 2)))
    out.sum().backward()
    assert block.scale.grad.any()
    block.zero_grad()
    assert not any(p.grad.any() for p in block.parameters())


def test_a_module_works_without_calling_super_init() -> None:
    class Bare(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(2, 1)

    bare = Bare()
    assert bare.training
    assert [name for name, _ in bare.named_parameters()] == ["fc.weight", "fc.bias"]
    assert not bare.eval().training


def test_forward_must_be_defined() -> None:
    with pytest.raises(NotImplementedError, match=r"Module has no forward\(\)"):
        nn.Module()(np.zeros(2))


def test_repr_prints_the_tree_like_pytorch() -> None:
    model = nn.Sequential(nn.Flatten(), nn.MLP(4, [3, 2]), nn.Dropout(0.25))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  (1): MLP(\n"
        "    (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "    (1): ReLU()\n"
        "    (2): Linear(in_features=3, out_features=2, bias=True)\n"
        "  )\n"
        "  (2): Dropout(p=0.25)\n"
        ")"
    )
    assert repr(Block()) == ("Block(\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)")
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss(reduction='mean', label_smoothing=0.0)"


def test_repr_shows_settings_and_children_together() -> None:
    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self) -> str:
            return "factor=2"

    assert repr(Scaled()) == "Scaled(\n  factor=2\n  (inner): ReLU()\n)"


def test_parameter_is_a_value_with_its_own_repr() -> None:
    p = nn.Parameter([1.0, 2.0], dtype=np.float32)
    assert isinstance(p, Value)
    assert p.dtype == np.float32
    assert p.requires_grad
    assert repr(p) == "Parameter containing:\nValue(data=[1., 2.], grad=[0., 0.], dtype=float32)"
    assert isinstance(p * 2, Value)
    assert not isinstance(p * 2, nn.Parameter)


def test_a_deep_copy_of_a_trained_module_trains_on_its_own() -> None:
    # The pattern of a target network or a weight average: copy, then train one of them.
    model = nn.MLP(2, [3, 1], generator=np.random.default_rng(0))
    x = np.array([[1.0, -1.0], [0.5, 2.0]])
    model(x).sum().backward()  # the parameters now sit in a (freed) graph
    twin = copy.deepcopy(model)
    before = {name: p.data.copy() for name, p in model.named_parameters()}
    optimizer = nn.SGD(twin.parameters(), lr=0.1)
    optimizer.zero_grad()
    twin(x).sum().backward()
    optimizer.step()
    for name, p in model.named_parameters():
        np.testing.assert_array_equal(p.data, before[name])
    changed = [not np.array_equal(p.data, before[n]) for n, p in twin.named_parameters()]
    assert any(changed)
    assert all(isinstance(p, nn.Parameter) for p in twin.parameters())


# -- cycles: every traversal ends, each module and parameter once (as PyTorch's named_modules) --


def linked_pair() -> tuple[nn.Linear, nn.Linear]:
    """Two layers that hold each other: a.b = b, b.a = a."""
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    a.b = b
    b.a = a
    return a, b


def self_holding() -> nn.Linear:
    """A layer that holds itself, directly, in a list, and in a list and a dict that hold
    themselves."""
    layer = nn.Linear(1, 1)
    layer.me = layer
    layer.layers = [layer]
    layer.loop = []
    layer.loop.append(layer.loop)
    layer.table = {"x": nn.Parameter(np.zeros(1))}
    layer.table["self"] = layer.table
    return layer


def test_traversals_of_a_cycle_end_with_pytorchs_results() -> None:
    # PyTorch 2.13 gives these names for the same pair (its named_modules and
    # named_parameters keep a memo; its state_dict, repr and train recurse without end).
    a, b = linked_pair()
    assert [name for name, _ in a.named_modules()] == ["", "b"]
    assert list(a.modules()) == [a, b]
    assert [name for name, _ in a.named_children()] == ["b"]
    assert list(a.children()) == [b]
    assert [name for name, _ in a.named_parameters()] == ["weight", "bias", "b.weight", "b.bias"]
    assert len(list(a.parameters())) == 4
    assert list(a.state_dict()) == ["weight", "bias", "b.weight", "b.bias"]
    assert [name for name, _ in b.named_modules()] == ["", "a"]
    assert a.eval() is a
    assert not a.training
    assert not b.training
    a.train()
    assert b.training
    a(np.ones((1, 2))).sum().backward()
    a.zero_grad()
    assert not any(p.grad.any() for p in a.parameters())
    other, _ = linked_pair()
    other.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(other.b.weight.data, b.weight.data)


def test_traversals_of_a_module_that_holds_itself_end() -> None:
    layer = self_holding()
    # PyTorch: named_children yields the module itself; named_modules skips it (memo).
    assert [name for name, _ in layer.named_children()] == ["me"]
    assert [name for name, _ in layer.named_modules()] == [""]
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias", "table.x"]
    assert list(layer.state_dict()) == ["weight", "bias", "table.x"]
    layer.eval()
    assert not layer.training
    layer.zero_grad()
    layer.load_state_dict(layer.state_dict())


def test_repr_of_a_cycle_ends() -> None:
    a, _ = linked_pair()
    assert repr(a) == (
        "Linear(\n"
        "  in_features=2, out_features=2, bias=True\n"
        "  (b): Linear(\n"
        "    in_features=2, out_features=2, bias=True\n"
        "    (a): Linear(...)\n"
        "  )\n"
        ")"
    )
    assert repr(self_holding()) == (
        "Linear(\n"
        "  in_features=1, out_features=1, bias=True\n"
        "  (me): Linear(...)\n"
        "  (layers.0): Linear(...)\n"
        ")"
    )
    assert repr(a).count("(...)") == 1  # the guard is cleared: a second repr is the same
    assert repr(a) == repr(a)


def test_repr_shows_a_shared_module_each_time_as_pytorch() -> None:
    shared = nn.ReLU()
    assert repr(nn.Sequential(shared, shared)) == "Sequential(\n  (0): ReLU()\n  (1): ReLU()\n)"


def test_sequential_refuses_to_hold_itself() -> None:
    model = nn.Sequential(nn.ReLU())
    with pytest.raises(
        ValueError,
        match=r"^Sequential\.append: cannot append this Sequential to itself, or a module that "
        r"holds it: its forward would call itself without end$",
    ):
        model.append(model)
    holder = nn.Module()
    holder.inner = model
    with pytest.raises(ValueError, match="cannot append this Sequential to itself"):
        model.append(holder)
    assert len(model) == 1


# -- wrong arguments name themselves ------------------------------------------------------------


def test_train_and_named_modules_check_their_arguments() -> None:
    layer = nn.Linear(2, 1)
    with pytest.raises(
        TypeError,
        match=r"^Linear\.train: training mode is expected to be a bool \(True or False\), got "
        r"str 'False'$",
    ):
        layer.train("False")  # type: ignore[arg-type]
    assert layer.training
    layer.train(np.False_)  # a numpy bool is a bool
    assert layer.training is False
    with pytest.raises(TypeError, match=r"^Linear\.named_modules: prefix must be a str, got int"):
        list(layer.named_modules(prefix=5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "strict", "message"),
    [
        (
            [np.zeros((1, 2)), np.zeros(1)],
            True,
            r"^Linear\.load_state_dict: expected a mapping of parameter names to arrays, such as "
            r"state_dict\(\) or nn\.load\(\) returns, got list$",
        ),
        (None, True, r"^Linear\.load_state_dict: expected a mapping .* got NoneType$"),
        (
            {0: np.zeros((1, 2)), "bias": np.zeros(1)},
            True,
            r"^Linear\.load_state_dict: keys must be parameter names \(str\), got int 0$",
        ),
        ({("weight",): np.zeros((1, 2))}, False, r"keys must be parameter names \(str\), got tup"),
        (
            {"weight": "abc", "bias": np.zeros(1)},
            True,
            r"^Linear\.load_state_dict: 'weight' must be an array of numbers, got str of dtype",
        ),
        (
            {"weight": None, "bias": np.zeros(1)},
            True,
            r"'weight' must be an array of numbers, got None$",
        ),
        (
            {"weight": np.zeros((1, 2)), "bias": np.array([object()])},
            False,
            r"'bias' must be an array of numbers, got ndarray of dtype object$",
        ),
        (
            {"weight": [[1.0], [1.0, 2.0]], "bias": np.zeros(1)},
            True,
            r"'weight' must be an array of numbers, got a list that numpy cannot make an array of$",
        ),
        (
            {"weight": np.zeros((1, 2)), "bias": np.zeros(1, dtype=complex)},
            True,
            r"'bias' must be an array of numbers, got ndarray of dtype complex128$",
        ),
        (
            {"weight": np.zeros((1, 2)), "bias": np.zeros(1)},
            "no",
            r"^Linear\.load_state_dict: strict must be a bool, got str$",
        ),
    ],
)
def test_load_state_dict_names_a_bad_key_or_value_and_changes_nothing(
    state: Any, strict: Any, message: str
) -> None:
    layer = nn.Linear(2, 1)
    before = layer.state_dict()
    with pytest.raises(TypeError, match=message):
        layer.load_state_dict(state, strict=strict)
    for name, array in layer.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


@pytest.mark.parametrize(
    ("index", "error", "message"),
    [
        (3, IndexError, r"^Sequential: index 3 is out of range for 2 layers$"),
        (-3, IndexError, r"^Sequential: index -3 is out of range for 2 layers$"),
        ("0", TypeError, r"^Sequential indices must be integers or slices, got str$"),
        (1.0, TypeError, r"^Sequential indices must be integers or slices, got float$"),
        (True, TypeError, r"^Sequential indices must be integers or slices, got bool$"),
    ],
)
def test_sequential_indexing_errors(index: Any, error: type[Exception], message: str) -> None:
    model = nn.Sequential(nn.ReLU(), nn.Tanh())
    with pytest.raises(error, match=message):
        model[index]


def test_sequential_takes_numpy_ints_and_names_a_list_of_layers() -> None:
    model = nn.Sequential(nn.ReLU(), nn.Tanh())
    assert model[np.int64(-1)] is model[1]
    with pytest.raises(
        TypeError,
        match=r"^Sequential: argument 0 must be a Module, got list; pass the layers one by one: "
        r"Sequential\(\*layers\)$",
    ):
        nn.Sequential([nn.ReLU()])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^Sequential: argument 1 must be a Module, got int$"):
        nn.Sequential(nn.ReLU(), 3)  # type: ignore[arg-type]


# -- nn.random: seeds and generators ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (-1, ValueError, r"^manual_seed: seed must be a non-negative integer, got -1$"),
        (np.int64(-5), ValueError, r"^manual_seed: seed must be a non-negative integer, got "),
        (1.5, TypeError, r"^manual_seed: seed must be a non-negative integer, got float 1\.5$"),
        (2.0, TypeError, r"got float 2\.0$"),
        ("0", TypeError, r"^manual_seed: seed must be a non-negative integer, got str '0'$"),
        (True, TypeError, r"^manual_seed: seed must be a non-negative integer, got bool True$"),
        (None, TypeError, r"got NoneType None$"),
    ],
)
def test_manual_seed_refuses_what_is_not_a_non_negative_int(
    seed: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.manual_seed(seed)


def test_manual_seed_takes_numpy_and_large_ints() -> None:
    a = nn.manual_seed(np.int64(3)).random()
    assert nn.manual_seed(3).random() == a
    nn.manual_seed(2**70)  # numpy's generators take any non-negative int


def test_a_generator_must_be_a_generator() -> None:
    with pytest.raises(
        TypeError,
        match=r"^Dropout: generator must be a numpy\.random\.Generator or None, got int 0; to "
        r"seed one, pass numpy\.random\.default_rng\(0\)$",
    ):
        resolve_generator(0, "Dropout")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^generator must be a .* got RandomState"):
        resolve_generator(np.random.RandomState(0))  # type: ignore[arg-type]

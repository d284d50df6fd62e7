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


# -- issue 12: buffers, apply, named_* options, requires_grad_, zero_grad, to() ------------


class Norm(nn.Module):
    """A layer with a parameter, a persistent float buffer, an int one and a non-persistent one."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(np.ones(2))
        self.register_buffer("running_mean", np.zeros(2))
        self.register_buffer("steps", np.array(0))
        self.register_buffer("mask", np.ones(2), persistent=False)
        self.register_buffer("empty", None)

    def forward(self, x: Any) -> Any:
        return (x - self.running_mean) * self.weight * self.mask


def test_buffers_are_state_but_not_parameters() -> None:
    model = nn.Sequential(Norm(), nn.Linear(2, 1))
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "1.weight", "1.bias"]
    assert [name for name, _ in model.named_buffers()] == [
        "0.running_mean",
        "0.steps",
        "0.mask",
    ]
    assert len(list(model.buffers())) == 3
    assert list(model.buffers(recurse=False)) == []
    # PyTorch's order: per module, parameters then persistent buffers; None ones left out
    assert list(model.state_dict()) == [
        "0.weight",
        "0.running_mean",
        "0.steps",
        "1.weight",
        "1.bias",
    ]
    assert model[0].empty is None
    assert model[0].state_dict()["steps"].dtype == np.int64


def test_assigning_to_a_buffer_replaces_it() -> None:
    norm = Norm()
    norm.running_mean = np.full(2, 5.0)
    assert norm.state_dict()["running_mean"].tolist() == [5.0, 5.0]
    norm.empty = np.ones(1)  # None reserved the name
    assert [name for name, _ in norm.named_buffers()][-1] == "empty"
    norm.running_mean = None
    assert "running_mean" not in norm.state_dict()
    with pytest.raises(
        TypeError,
        match=r"^Norm: buffer 'steps' must be a numpy array or None, got str 'a'$",
    ):
        norm.steps = "a"
    assert norm.steps == 0
    norm.steps = nn.Parameter(np.zeros(1))  # a Parameter takes the name over, as in PyTorch
    assert "steps" in dict(norm.named_parameters())
    assert "steps" not in dict(norm.named_buffers())
    del norm.mask
    assert [name for name, _ in norm.named_buffers()] == ["empty"]
    norm.register_buffer("mask", np.zeros(3))  # the name is free again
    assert norm.mask.shape == (3,)


def test_a_read_only_array_becomes_a_writeable_buffer() -> None:
    layer = nn.Linear(2, 2)
    view = np.broadcast_to(np.zeros(1), (2,))
    layer.register_buffer("b", view)
    assert layer.b.flags.writeable
    layer.load_state_dict({**layer.state_dict(), "b": np.ones(2)})
    assert layer.b.tolist() == [1.0, 1.0]
    kept = np.zeros(2)
    layer.register_buffer("c", kept)
    assert layer.c is kept  # not copied, as in PyTorch


def test_load_state_dict_copies_buffers_in_place() -> None:
    a, b = Norm(), Norm()
    a.running_mean[...] = [1.0, 2.0]
    a.steps[...] = 7
    held = b.running_mean
    assert b.load_state_dict(a.state_dict()) == ([], [])
    assert held is b.running_mean
    assert held.tolist() == [1.0, 2.0]
    assert int(b.steps) == 7
    assert b.steps.dtype == np.int64
    state = a.state_dict()
    del state["steps"]
    result = b.load_state_dict(state, strict=False)
    assert result.missing_keys == ["steps"]
    with pytest.raises(RuntimeError, match=r"missing key\(s\) in state_dict: 'steps'"):
        b.load_state_dict(state)


def test_load_state_dict_checks_a_buffer_like_a_parameter() -> None:
    norm = Norm()
    state = norm.state_dict()
    with pytest.raises(
        RuntimeError,
        match=r"size mismatch for 'running_mean': the checkpoint has shape \(3,\), the buffer in "
        r"the model has shape \(2,\)",
    ):
        norm.load_state_dict({**state, "running_mean": np.zeros(3)})
    with pytest.raises(TypeError, match=r"^Norm\.load_state_dict: 'steps' must be an array of"):
        norm.load_state_dict({**state, "steps": "a"})
    with pytest.raises(RuntimeError, match=r"unexpected key\(s\) in state_dict: 'mask'"):
        norm.load_state_dict({**state, "mask": np.ones(2)})  # not persistent: not in the dict
    assert norm.running_mean.tolist() == [0.0, 0.0]


def test_buffers_round_trip_through_save_and_load(tmp_path: Any) -> None:
    model = nn.Sequential(Norm(), nn.Linear(2, 1))
    model[0].running_mean[...] = [3.0, 4.0]
    model[0].steps[...] = 11
    nn.save(model.state_dict(), tmp_path / "model.npz")
    loaded = nn.load(tmp_path / "model.npz")
    assert list(loaded) == list(model.state_dict())
    assert loaded["0.steps"].dtype == np.int64
    other = nn.Sequential(Norm(), nn.Linear(2, 1))
    other.load_state_dict(loaded)
    assert other[0].running_mean.tolist() == [3.0, 4.0]
    assert int(other[0].steps) == 11


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda m: m.register_buffer("weight", np.ones(2)),
            ValueError,
            r"^Norm\.register_buffer: attribute 'weight' already exists",
        ),
        (
            lambda m: m.register_buffer("forward", np.ones(2)),
            ValueError,
            r"attribute 'forward' already exists",
        ),
        (
            lambda m: m.register_buffer(3, np.ones(2)),
            TypeError,
            r"^Norm\.register_buffer: the buffer's name must be a str, got int 3$",
        ),
        (lambda m: m.register_buffer("a.b", np.ones(2)), ValueError, r"name 'a\.b' holds a '\.'"),
        (lambda m: m.register_buffer("", np.ones(2)), ValueError, r"name must not be empty$"),
        (
            lambda m: m.register_buffer("x", [1.0, 2.0]),
            TypeError,
            r"^Norm\.register_buffer: buffer 'x' must be a numpy array or None, got list",
        ),
        (
            lambda m: m.register_buffer("x", Value([1.0])),
            TypeError,
            r"got Value\(.*\); register its array, \.data \(a buffer is not learned\)$",
        ),
        (
            lambda m: m.register_buffer("x", np.array(["a"])),
            TypeError,
            r"buffer 'x' must be an array of numbers \(floats, ints or bools\), got an array of "
            r"dtype <U1$",
        ),
        (
            lambda m: m.register_buffer("x", np.ones(1), persistent="yes"),
            TypeError,
            r"^Norm\.register_buffer: persistent must be a bool \(True or False\), got str 'yes'$",
        ),
    ],
)
def test_register_buffer_refuses_clearly(call: Any, error: type[Exception], message: str) -> None:
    norm = Norm()
    with pytest.raises(error, match=message):
        call(norm)
    assert "x" not in vars(norm)


def test_a_buffer_works_without_super_init() -> None:
    class Bare(nn.Module):
        def __init__(self) -> None:
            self.register_buffer("count", np.zeros(1))

    assert list(Bare().state_dict()) == ["count"]


def test_named_parameters_options() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    model.extra = nn.Parameter(np.zeros(1))  # a Sequential's own attributes are not members
    assert [n for n, _ in model.named_parameters(prefix="net")] == ["net.0.weight", "net.0.bias"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    ]
    assert list(model.parameters(recurse=False)) == []
    assert [n for n, _ in shared.named_parameters(recurse=False)] == ["weight", "bias"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]
    memo = {shared}
    assert [n for n, _ in model.named_modules(memo)] == ["", "1"]
    assert model in memo
    with pytest.raises(
        TypeError,
        match=r"^Sequential\.named_modules: memo must be a set of modules or None, got str "
        r"'net'; give the prefix by name: prefix=\.\.\.$",
    ):
        list(model.named_modules("net"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^Sequential\.named_parameters: recurse must be a bool"):
        list(model.named_parameters(recurse="no"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^Sequential\.named_buffers: prefix must be a str, got"):
        list(model.named_buffers(prefix=None))  # type: ignore[arg-type]


def test_remove_duplicate_false_still_ends_on_a_cycle() -> None:
    a, _ = linked_pair()
    assert [n for n, _ in a.named_modules(remove_duplicate=False)] == ["", "b"]
    layer = self_holding()
    assert [n for n, _ in layer.named_modules(remove_duplicate=False)] == [""]
    assert len(list(layer.named_parameters(remove_duplicate=False))) == 3


def test_apply_visits_children_first_each_once_and_returns_self() -> None:
    inner = nn.Sequential(nn.Linear(1, 1), nn.ReLU())
    model = nn.Sequential(inner, nn.Tanh(), inner)
    order: list[nn.Module] = []
    assert model.apply(order.append) is model
    assert order == [inner[0], inner[1], inner, model[1], model]
    a, b = linked_pair()
    seen: list[nn.Module] = []
    a.apply(seen.append)
    assert seen == [b, a]
    with pytest.raises(TypeError, match=r"^Sequential\.apply: fn must be callable .* got int 3$"):
        model.apply(3)  # type: ignore[arg-type]


def test_apply_initialises_weights() -> None:
    def init(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)

    model = nn.MLP(2, [3, 1]).apply(init)
    assert not any(layer.weight.data.any() for layer in model if isinstance(layer, nn.Linear))


def test_requires_grad_freezes_and_unfreezes() -> None:
    model = nn.MLP(2, [3, 1])
    assert model.requires_grad_(False) is model
    assert not any(p.requires_grad for p in model.parameters())
    model[0].requires_grad_()
    assert [p.requires_grad for p in model.parameters()] == [True, True, False, False]
    with pytest.raises(
        TypeError, match=r"^MLP\.requires_grad_: requires_grad must be a bool .* got int 1$"
    ):
        model.requires_grad_(1)  # type: ignore[arg-type]


def test_zero_grad_set_to_none_or_zeros_in_place() -> None:
    layer = nn.Linear(2, 1)
    layer(np.ones((1, 2))).sum().backward()
    held = layer.weight.grad
    layer.zero_grad(set_to_none=False)
    assert layer.weight.has_grad
    assert held is layer.weight.grad
    assert not held.any()
    layer.zero_grad()
    assert not layer.weight.has_grad
    unused = nn.Linear(2, 1)
    unused.zero_grad(set_to_none=False)  # no gradient: stays without one, as in PyTorch
    assert not unused.weight.has_grad
    with pytest.raises(TypeError, match=r"^Linear\.zero_grad: set_to_none must be a bool"):
        layer.zero_grad("no")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("convert", "dtype"),
    [
        (lambda m: m.to(np.float32), np.float32),
        (lambda m: m.to(dtype="float32"), np.float32),
        (lambda m: m.to("cpu", np.float32), np.float32),
        (lambda m: m.to(np.zeros(1, np.float32)), np.float32),
        (lambda m: m.float(), np.float32),
        (lambda m: m.float().double(), np.float64),
        (lambda m: m.float().to(Value(np.zeros(1))), np.float64),
    ],
)
def test_to_converts_parameters_grads_and_float_buffers_in_place(convert: Any, dtype: Any) -> None:
    model = nn.Sequential(Norm(), nn.Linear(2, 1))
    model(np.ones((1, 2))).sum().backward()
    parameters = list(model.parameters())
    steps = model[0].steps
    assert convert(model) is model
    assert list(model.parameters()) == parameters  # the same objects
    assert all(p.dtype == dtype for p in parameters)
    assert model[1].weight.grad.dtype == dtype
    assert model[1].weight.has_grad
    assert model[0].running_mean.dtype == dtype
    assert model[0].mask.dtype == dtype
    assert model[0].steps is steps  # an int buffer is left as it is
    out = model(np.ones((1, 2), dtype))
    assert out.dtype == dtype


def test_to_keeps_an_optimizer_working() -> None:
    # Made, and stepped, before the conversion: it holds the same Parameter objects after.
    model = nn.MLP(2, [4, 1], generator=np.random.default_rng(0))
    optimizer = nn.Adam(model.parameters(), lr=0.01)

    def step(x: np.ndarray) -> None:
        optimizer.zero_grad()
        model(x).sum().backward()
        optimizer.step()

    step(np.ones((3, 2)))
    model.to(np.float32)
    before = [p.data.copy() for p in model.parameters()]
    for _ in range(2):
        step(np.ones((3, 2), np.float32))
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert all(not np.array_equal(p.data, b) for p, b in zip(model.parameters(), before))
    # What the optimizer remembers keeps its dtype, as in PyTorch (the step still casts).
    assert optimizer.state[model[0].weight]["exp_avg"].dtype == np.float64


def test_to_cpu_and_nothing_change_nothing() -> None:
    layer = nn.Linear(2, 1)
    weight = layer.weight.data
    assert layer.to("cpu") is layer
    assert layer.to() is layer
    assert layer.to(device="cpu:0") is layer
    assert layer.weight.data is weight


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda m: m.to(np.int64),
            TypeError,
            r"^Linear\.to: dtype must be float32 or float64 \(a module's parameters are "
            r"floating-point numbers\), got <class 'numpy\.int64'>$",
        ),
        (lambda m: m.to("float16"), TypeError, r"^Linear\.to: dtype must be .* got 'float16'$"),
        (lambda m: m.to("nonsense"), TypeError, r"got 'nonsense'$"),
        (
            lambda m: m.to("cuda"),
            ValueError,
            r"^Linear\.to: device 'cuda' is not available: tensorgrad runs on the CPU only, "
            r"through numpy \(device='cpu' is accepted, and changes nothing\)$",
        ),
        (lambda m: m.to(device="cpu:1"), ValueError, r"device 'cpu:1' is not available"),
        (lambda m: m.to(device=0), TypeError, r"^Linear\.to: device must be a str such as 'cpu'"),
        (lambda m: m.to(np.float32, np.float64), TypeError, r"^Linear\.to: the dtype is given tw"),
        (lambda m: m.to("cpu", device="cpu"), TypeError, r"the device is given twice"),
        (lambda m: m.to("cpu", np.float32, 1), TypeError, r"takes a device and a dtype at most"),
    ],
)
def test_to_refuses_clearly(call: Any, error: type[Exception], message: str) -> None:
    layer = nn.Linear(2, 1)
    with pytest.raises(error, match=message):
        call(layer)
    assert layer.weight.dtype == np.float64

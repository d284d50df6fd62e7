"""Module: finding parameters and sub-modules, modes, zero_grad, calling, and the repr."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import nn
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

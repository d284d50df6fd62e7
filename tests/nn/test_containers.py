"""ModuleList and ModuleDict: registering their modules, PyTorch's names, list and dict
behaviour, and clear refusals (Sequential's own tests are in test_module.py)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import nn


def kinds(modules: Any) -> list[str]:
    return [type(m).__name__ for m in modules]


class Tower(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
        self.heads = nn.ModuleDict(
            {"cls": nn.Linear(2, 3), "aux": nn.ModuleList([nn.Linear(2, 1)])}
        )

    def forward(self, x: Any) -> Any:
        for block in self.blocks:
            x = block(x).relu()
        return self.heads["cls"](x)


def test_nested_containers_name_their_members_as_pytorch() -> None:
    tower = Tower()
    assert list(tower.state_dict()) == [
        "blocks.0.weight",
        "blocks.0.bias",
        "blocks.1.weight",
        "blocks.1.bias",
        "heads.cls.weight",
        "heads.cls.bias",
        "heads.aux.0.weight",
        "heads.aux.0.bias",
    ]
    assert [n for n, _ in tower.named_modules()] == [
        "",
        "blocks",
        "blocks.0",
        "blocks.1",
        "heads",
        "heads.cls",
        "heads.aux",
        "heads.aux.0",
    ]
    assert tower(np.ones((4, 2))).shape == (4, 3)
    tower.eval()
    assert not tower.heads["aux"][0].training
    twin = copy.deepcopy(tower)
    assert twin.load_state_dict(tower.state_dict()) == ([], [])


def test_module_list_behaves_as_a_list() -> None:
    a, b, c, d = nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.Identity()
    layers = nn.ModuleList([a, b])
    assert len(layers) == 2
    assert layers[0] is a
    assert layers[-1] is b
    assert layers[np.int64(1)] is b
    assert layers.append(c) is layers
    assert layers.extend([d]) is layers
    assert list(layers) == [a, b, c, d]
    sliced = layers[1:3]
    assert isinstance(sliced, nn.ModuleList)
    assert list(sliced) == [b, c]
    layers.insert(0, d)
    layers.insert(-1, a)  # before the last, as list.insert
    assert list(layers) == [d, a, b, c, a, d]
    layers.insert(100, b)  # past the end: at the end, as list.insert
    assert layers[-1] is b
    del layers[0]
    del layers[-2:]
    assert list(layers) == [a, b, c, a]
    layers[1] = d
    assert layers.pop() is a
    assert layers.pop(0) is a
    assert list(layers) == [d, c]
    layers += [a]
    assert list(layers) == [d, c, a]
    joined = layers + nn.ModuleList([b])
    assert list(joined) == [d, c, a, b]
    assert len(layers) == 3
    assert list(nn.ModuleList(nn.Sequential(a, b))) == [a, b]  # any iterable of modules
    assert len(nn.ModuleList()) == 0


def test_module_list_renumbers_names_after_a_change() -> None:
    layers = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(1, 3)])
    del layers[0]
    layers.insert(0, nn.Linear(1, 4))
    shapes = {name: array.shape for name, array in layers.state_dict().items()}
    assert shapes == {
        "0.weight": (4, 1),
        "0.bias": (4,),
        "1.weight": (2, 1),
        "1.bias": (2,),
        "2.weight": (3, 1),
        "2.bias": (3,),
    }


def test_module_list_repr_groups_repeats_as_pytorch() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)])
    assert repr(layers) == (
        "ModuleList(\n"
        "  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n"
        "  (2): ReLU()\n"
        "  (3): Linear(in_features=2, out_features=2, bias=True)\n"
        ")"
    )
    assert repr(nn.ModuleList()) == "ModuleList()"
    nested = nn.ModuleList([nn.Sequential(nn.ReLU()), nn.Sequential(nn.ReLU())])
    assert repr(nested) == "ModuleList(\n  (0-1): 2 x Sequential(\n    (0): ReLU()\n  )\n)"


def test_a_module_list_has_no_forward() -> None:
    with pytest.raises(NotImplementedError, match=r"^ModuleList has no forward\(\)"):
        nn.ModuleList([nn.ReLU()])(np.ones(2))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: nn.ModuleList([nn.ReLU(), 3]),
            TypeError,
            r"^ModuleList\.extend: item 1 must be a Module, got int$",
        ),
        (
            lambda: nn.ModuleList(nn.ReLU()),
            TypeError,
            r"^ModuleList\.extend: expected an iterable of Modules, got ReLU\(\)$",
        ),
        (
            lambda: nn.ModuleList([nn.Linear]),
            TypeError,
            r"^ModuleList\.extend: item 0 must be a Module, got the class Linear itself; make "
            r"one: Linear\(\.\.\.\)$",
        ),
        (
            lambda: nn.ModuleList().append("a"),
            TypeError,
            r"^ModuleList\.append: module must be a Module, got str$",
        ),
        (
            lambda: nn.ModuleList().insert(0, None),
            TypeError,
            r"^ModuleList\.insert: module must be a Module, got NoneType$",
        ),
        (
            lambda: nn.ModuleList().insert(1.0, nn.ReLU()),
            TypeError,
            r"^ModuleList\.insert: index must be an int, got float 1\.0$",
        ),
        (
            lambda: nn.ModuleList([nn.ReLU()])[1],
            IndexError,
            r"^ModuleList: index 1 is out of range for 1 modules$",
        ),
        (
            lambda: nn.ModuleList([nn.ReLU()])[True],
            TypeError,
            r"^ModuleList indices must be integers or slices, got bool$",
        ),
        (
            lambda: nn.ModuleList().pop(),
            IndexError,
            r"^ModuleList\.pop: index -1 is out of range for 0 modules$",
        ),
        (
            lambda: nn.ModuleList([nn.ReLU()]).__setitem__(0, 5),
            TypeError,
            r"^ModuleList\[0\] = \.\.\.: module must be a Module, got int$",
        ),
        (
            lambda: nn.ModuleList([nn.ReLU()]).__setitem__(slice(0, 1), [nn.ReLU()]),
            TypeError,
            r"^ModuleList: assigning to a slice is not supported \(as in PyTorch\)",
        ),
        (
            lambda: nn.ModuleList([nn.ReLU()]).__delitem__(-2),
            IndexError,
            r"^ModuleList: index -2 is out of range",
        ),
    ],
)
def test_module_list_refuses_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_a_failed_extend_adds_nothing() -> None:
    layers = nn.ModuleList([nn.ReLU()])
    with pytest.raises(TypeError):
        layers.extend([nn.Tanh(), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        layers += [nn.Tanh(), 1]  # type: ignore[list-item]
    assert kinds(layers) == ["ReLU"]


def test_module_dict_behaves_as_a_dict() -> None:
    a, b, c = nn.ReLU(), nn.Tanh(), nn.Sigmoid()
    heads = nn.ModuleDict({"a": a, "b": b})
    assert heads["a"] is a
    assert "a" in heads
    assert "z" not in heads
    assert 3 not in heads
    assert list(heads) == ["a", "b"]
    assert list(heads.keys()) == ["a", "b"]
    assert list(heads.values()) == [a, b]
    assert list(heads.items()) == [("a", a), ("b", b)]
    heads["c"] = c
    heads["a"] = c  # replaces, keeps the place
    assert list(heads.items()) == [("a", c), ("b", b), ("c", c)]
    assert heads.pop("b") is b
    del heads["c"]
    assert list(heads) == ["a"]
    heads.update({"x": a})
    heads.update([("y", b)])
    heads.update(nn.ModuleDict({"z": c}))
    assert list(heads) == ["a", "x", "y", "z"]
    assert len(heads) == 4
    heads.clear()
    assert len(heads) == 0
    assert list(nn.ModuleDict([("p", a), ("q", b)])) == ["p", "q"]
    assert list(nn.ModuleDict({"keys": a}).keys()) == ["keys"]  # keys are not attributes
    assert repr(nn.ModuleDict({"act": a})) == "ModuleDict(\n  (act): ReLU()\n)"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda h: h.update({1: nn.ReLU()}),
            TypeError,
            r"^ModuleDict\.update: keys must be str \(module names\), got int 1$",
        ),
        (
            lambda h: h.update({"b": 5}),
            TypeError,
            r"^ModuleDict\.update: 'b' must be a Module, got int$",
        ),
        (
            lambda h: h.update({"b.c": nn.ReLU()}),
            ValueError,
            r"^ModuleDict\.update: the key 'b\.c' must be a non-empty name without '\.'",
        ),
        (lambda h: h.update({"": nn.ReLU()}), ValueError, r"the key '' must be a non-empty name"),
        (
            lambda h: h.update(5),
            TypeError,
            r"^ModuleDict\.update: expected a mapping of names to modules or an iterable of "
            r"\(name, module\) pairs, got int 5$",
        ),
        (lambda h: h.update("ab"), TypeError, r"got str 'ab'$"),
        (
            lambda h: h.update([("b", nn.ReLU(), 1)]),
            ValueError,
            r"^ModuleDict\.update: element 0 must be a \(key, module\) pair, got tuple",
        ),
        (
            lambda h: h.update([nn.ReLU()]),
            TypeError,
            r"^ModuleDict\.update: element 0 must be a \(key, module\) pair, got ReLU\(\)$",
        ),
        (
            lambda h: h["missing"],
            KeyError,
            r"ModuleDict: no module named 'missing' \(the keys: 'a'\)",
        ),
        (lambda h: h[["a"]], KeyError, r"no module named \['a'\]"),
        (lambda h: h.pop("missing"), KeyError, r"no module named 'missing'"),
        (lambda h: h.__delitem__("missing"), KeyError, r"no module named 'missing'"),
        (
            lambda h: h.__setitem__(2, nn.ReLU()),
            TypeError,
            r"^ModuleDict: keys must be str \(module names\), got int 2$",
        ),
        (
            lambda h: h.__setitem__("b", nn.ReLU),
            TypeError,
            r"^ModuleDict\['b'\] = \.\.\.: module must be a Module, got the class ReLU itself",
        ),
    ],
)
def test_module_dict_refuses_clearly_and_changes_nothing(
    call: Any, error: type[Exception], message: str
) -> None:
    heads = nn.ModuleDict({"a": nn.ReLU()})
    with pytest.raises(error, match=message):
        call(heads)
    assert kinds(heads.values()) == ["ReLU"]
    assert list(heads) == ["a"]


def test_a_failed_update_adds_nothing() -> None:
    heads = nn.ModuleDict()
    with pytest.raises(TypeError):
        heads.update({"a": nn.ReLU(), "b": None})  # type: ignore[dict-item]
    assert len(heads) == 0


def test_containers_hold_buffers_and_convert() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers[0].register_buffer("steps", np.array(3))
    layers.register_buffer("scale", np.ones(1))
    assert list(layers.state_dict()) == ["scale", "0.weight", "0.bias", "0.steps"]
    layers.float()
    assert layers[0].weight.dtype == np.float32
    assert layers.scale.dtype == np.float32
    assert layers[0].steps.dtype == np.int64

"""Containers: Sequential (layers applied in turn), ModuleList and ModuleDict (modules held).

A module finds the modules kept in its attributes, lists and dicts by itself (see
:mod:`nn.module`), so these containers are not needed for that. They exist for what a plain
list cannot do: refuse what is not a module as soon as it is put in, be modules themselves
(``model.blocks.train()``, ``model.blocks.parameters()``), and name their members as PyTorch
does, so that a state dict has PyTorch's keys (``blocks.0.weight``, ``heads.cls.bias``).
"""

from __future__ import annotations

import operator
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, overload

import numpy as np

from nn.checks import describe
from nn.module import Module
from nn.parameter import Parameter

__all__ = ["ModuleDict", "ModuleList", "Sequential"]


class Sequential(Module):
    """Apply modules in order, each to the previous one's output, as ``torch.nn.Sequential``.

    The layers are named ``0``, ``1``, ``2``... so a state dict has keys such as
    ``0.weight``: the same as PyTorch's for the same stack of layers.

    Parameters
    ----------
    *modules : Module
        The layers, first to last.

    Raises
    ------
    TypeError
        If an argument is not a Module (such as a list of layers: pass them as
        ``Sequential(*layers)``).

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    >>> model
    Sequential(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=1, bias=True)
    )
    >>> model(np.zeros((5, 2))).shape
    (5, 1)
    >>> len(model), type(model[-1]).__name__
    (3, 'Linear')
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    _not_a_module(f"Sequential: argument {index}", module, "Sequential(*layers)")
                )
        self._layers = list(modules)

    def forward(self, x: Any) -> Any:
        """The output of the last layer."""
        for layer in self._layers:
            x = layer(x)
        return x

    def append(self, module: Module) -> Sequential:
        """Add a layer at the end; returns this Sequential.

        Raises
        ------
        TypeError
            If ``module`` is not a Module.
        ValueError
            If ``module`` is this Sequential or holds it: its forward would call itself
            without end.

        Examples
        --------
        >>> import nn
        >>> len(nn.Sequential(nn.ReLU()).append(nn.Tanh()))
        2
        """
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        if any(inner is self for inner in module.modules()):
            raise ValueError(
                "Sequential.append: cannot append this Sequential to itself, or a module "
                "that holds it: its forward would call itself without end"
            )
        self._layers.append(module)
        return self

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        for index, layer in enumerate(self._layers):
            yield str(index), layer

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Module | Sequential:
        """The layer at ``index`` (negative counts from the end), or a slice as a Sequential.

        Raises
        ------
        TypeError
            If ``index`` is not an int or a slice (a bool, a float, a str).
        IndexError
            If it is out of range, naming it and the number of layers.
        """
        if isinstance(index, slice):
            return Sequential(*self._layers[index])
        return self._layers[_position("Sequential", index, len(self._layers), "layers")]

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers)


class ModuleList(Module):
    """A list of modules, itself a module, as ``torch.nn.ModuleList``.

    The modules are named by their position, ``0``, ``1``..., so a model holding
    ``self.blocks = ModuleList(...)`` has state-dict keys ``blocks.0.weight``,
    ``blocks.1.weight``..., as in PyTorch; after an insertion or a deletion the names follow
    the new positions. It has no ``forward``: iterate over it in yours.

    Parameters
    ----------
    modules : iterable of Module, optional
        The first members.

    Raises
    ------
    TypeError
        If ``modules`` is not an iterable of Modules (naming the first that is not), here
        and wherever a member is put in.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> class Deep(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    ...
    ...     def forward(self, x):
    ...         for layer in self.layers:
    ...             x = layer(x).relu()
    ...         return x
    >>> model = Deep()
    >>> list(model.state_dict())[:3]
    ['layers.0.weight', 'layers.0.bias', 'layers.1.weight']
    >>> model.layers.append(nn.Linear(2, 1))
    ModuleList(
      (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
      (3): Linear(in_features=2, out_features=1, bias=True)
    )
    >>> model(np.ones((4, 2))).shape
    (4, 1)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        self._list: list[Module] = []
        if modules is not None:
            self.extend(modules)

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        for index, module in enumerate(self._list):
            yield str(index), module

    def append(self, module: Module) -> ModuleList:
        """Add a module at the end; returns this ModuleList.

        Raises
        ------
        TypeError
            If ``module`` is not a Module.

        Examples
        --------
        >>> import nn
        >>> len(nn.ModuleList().append(nn.ReLU()))
        1
        """
        self._list.append(_checked_module("ModuleList.append: module", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add the modules of an iterable at the end; returns this ModuleList.

        Every member is checked before any is added.

        Raises
        ------
        TypeError
            If ``modules`` is not iterable, or one of them is not a Module (naming which).

        Examples
        --------
        >>> import nn
        >>> len(nn.ModuleList([nn.ReLU()]).extend([nn.Tanh(), nn.Sigmoid()]))
        3
        """
        self._list.extend(_checked_modules("ModuleList.extend", modules))
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before position ``index``, as ``list.insert``.

        A negative index counts from the end; one past either end puts the module there,
        as a list does (PyTorch's breaks the numbering instead).

        Raises
        ------
        TypeError
            If ``index`` is not an int, or ``module`` not a Module.

        Examples
        --------
        >>> import nn
        >>> layers = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        >>> layers.insert(1, nn.Sigmoid())
        >>> [type(m).__name__ for m in layers]
        ['ReLU', 'Sigmoid', 'Tanh']
        """
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"ModuleList.insert: index must be an int, got {describe(index)}")
        self._list.insert(
            operator.index(index), _checked_module("ModuleList.insert: module", module)
        )

    def pop(self, index: int = -1) -> Module:
        """Remove the module at ``index`` (the last by default) and return it.

        Raises
        ------
        TypeError
            If ``index`` is not an int.
        IndexError
            If it is out of range (or the list is empty).

        Examples
        --------
        >>> import nn
        >>> layers = nn.ModuleList([nn.ReLU(), nn.Tanh()])
        >>> type(layers.pop(0)).__name__, len(layers)
        ('ReLU', 1)
        """
        return self._list.pop(_position("ModuleList.pop", index, len(self._list), "modules"))

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...
    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        """The module at ``index`` (negative counts from the end), or a slice as a ModuleList.

        Raises
        ------
        TypeError
            If ``index`` is not an int or a slice.
        IndexError
            If it is out of range, naming it and the number of modules.
        """
        if isinstance(index, slice):
            return ModuleList(self._list[index])
        return self._list[_position("ModuleList", index, len(self._list), "modules")]

    def __setitem__(self, index: int, module: Module) -> None:
        """Replace the module at ``index``.

        Raises
        ------
        TypeError
            If ``index`` is not an int (a slice is refused, as in PyTorch), or ``module``
            not a Module.
        IndexError
            If ``index`` is out of range.
        """
        given: object = index  # (typed as it should be; checked as it may come)
        if isinstance(given, slice):
            raise TypeError(
                "ModuleList: assigning to a slice is not supported (as in PyTorch); assign "
                "one index at a time"
            )
        position = _position("ModuleList", index, len(self._list), "modules")
        self._list[position] = _checked_module(f"ModuleList[{index}] = ...: module", module)

    def __delitem__(self, index: int | slice) -> None:
        """Remove the module at ``index``, or those of a slice; the others are renumbered."""
        if isinstance(index, slice):
            del self._list[index]
        else:
            del self._list[_position("ModuleList", index, len(self._list), "modules")]

    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """A new ModuleList of this one's modules, then ``other``'s (the modules are shared)."""
        return ModuleList(self._list).extend(other)

    def __repr__(self) -> str:
        # PyTorch's: a run of members that print alike is one line, "(0-2): 3 x Linear(...)".
        if not self._list:
            return "ModuleList()"
        runs: list[tuple[int, int, str]] = []  # first index, last index, the repr
        for index, module in enumerate(self._list):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1] = (runs[-1][0], index, text)
            else:
                runs.append((index, index, text))
        lines = [
            (f"({first}): " if first == last else f"({first}-{last}): {last - first + 1} x ")
            + text.replace("\n", "\n  ")
            for first, last, text in runs
        ]
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules by name, itself a module, as ``torch.nn.ModuleDict``.

    The keys are the names: a model holding ``self.heads = ModuleDict({"cls": ...})`` has
    state-dict keys ``heads.cls.weight``..., as in PyTorch. The order is the order of
    insertion. It has no ``forward``: pick the module you need in yours. Members are reached
    by key (``heads["cls"]``), not as attributes.

    Parameters
    ----------
    modules : mapping or iterable, optional
        The first members, as for :meth:`update`: a mapping of str to Module, or an
        iterable of ``(str, Module)`` pairs.

    Raises
    ------
    TypeError
        If a key is not a str or a value is not a Module, here and wherever a member is put
        in.
    ValueError
        If a key is empty or holds a dot (which state-dict names put between a module
        and its members).

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
    >>> list(heads.state_dict())
    ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
    >>> heads["box"](np.ones((1, 4))).shape
    (1, 2)
    >>> "cls" in heads, len(heads)
    (True, 2)
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        self._dict: dict[str, Module] = {}
        if modules is not None:
            self.update(modules)

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        yield from self._dict.items()

    def __getitem__(self, key: str) -> Module:
        """The module named ``key``.

        Raises
        ------
        KeyError
            If there is none, naming the key and the keys there are.
        """
        try:
            return self._dict[key]
        except (KeyError, TypeError):  # (TypeError: an unhashable key, such as a list)
            keys = ", ".join(map(repr, self._dict)) or "none"
            raise KeyError(f"ModuleDict: no module named {key!r} (the keys: {keys})") from None

    def __setitem__(self, key: str, module: Module) -> None:
        """Put ``module`` under ``key`` (replacing the module there, if any)."""
        self._dict[_checked_key("ModuleDict", key)] = _checked_module(
            f"ModuleDict[{key!r}] = ...: module", module
        )

    def __delitem__(self, key: str) -> None:
        """Remove the module named ``key``; a KeyError if there is none."""
        self.pop(key)

    def __len__(self) -> int:
        return len(self._dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._dict

    def keys(self) -> KeysView[str]:
        """The names, in order.

        Examples
        --------
        >>> import nn
        >>> list(nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()}).keys())
        ['a', 'b']
        """
        return self._dict.keys()

    def values(self) -> ValuesView[Module]:
        """The modules, in order.

        Examples
        --------
        >>> import nn
        >>> [type(m).__name__ for m in nn.ModuleDict({"a": nn.ReLU()}).values()]
        ['ReLU']
        """
        return self._dict.values()

    def items(self) -> ItemsView[str, Module]:
        """The ``(name, module)`` pairs, in order.

        Examples
        --------
        >>> import nn
        >>> [(k, type(m).__name__) for k, m in nn.ModuleDict({"a": nn.ReLU()}).items()]
        [('a', 'ReLU')]
        """
        return self._dict.items()

    def pop(self, key: str) -> Module:
        """Remove the module named ``key`` and return it.

        Raises
        ------
        KeyError
            If there is none, naming the key.

        Examples
        --------
        >>> import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU(), "b": nn.Tanh()})
        >>> type(heads.pop("a")).__name__, list(heads)
        ('ReLU', ['b'])
        """
        module = self[key]
        del self._dict[key]
        return module

    def clear(self) -> None:
        """Remove every module.

        Examples
        --------
        >>> import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU()})
        >>> heads.clear()
        >>> len(heads)
        0
        """
        self._dict.clear()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) modules from a mapping or from ``(key, module)`` pairs.

        The order is that of ``modules``. Every key and module is checked before any is
        added, so a failed update changes nothing.

        Raises
        ------
        TypeError
            If ``modules`` is not a mapping or an iterable of pairs, a key is not a str, or
            a value is not a Module.
        ValueError
            If an element is not a pair, or a key is empty or holds a dot.

        Examples
        --------
        >>> import nn
        >>> heads = nn.ModuleDict({"a": nn.ReLU()})
        >>> heads.update([("b", nn.Tanh()), ("a", nn.Sigmoid())])
        >>> [(k, type(m).__name__) for k, m in heads.items()]
        [('a', 'Sigmoid'), ('b', 'Tanh')]
        """
        where = "ModuleDict.update"
        given: object = modules  # (typed as it should be; checked as it may come)
        pairs: list[tuple[object, object]] = []
        if isinstance(given, (Mapping, ModuleDict)):
            pairs = list(given.items())
        elif isinstance(given, Iterable) and not isinstance(given, (str, bytes)):
            for index, pair in enumerate(given):
                if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                    kind = TypeError if not isinstance(pair, (tuple, list)) else ValueError
                    raise kind(
                        f"{where}: element {index} must be a (key, module) pair, got "
                        f"{describe(pair)}"
                    )
                pairs.append((pair[0], pair[1]))
        else:
            raise TypeError(
                f"{where}: expected a mapping of names to modules or an iterable of (name, "
                f"module) pairs, got {describe(given)}"
            )
        checked = [
            (_checked_key(where, key), _checked_module(f"{where}: {key!r}", module))
            for key, module in pairs
        ]
        self._dict.update(checked)


def _position(owner: str, index: object, length: int, members: str) -> int:
    """``index`` as a position in a container of ``length`` members, or a clear error."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"{owner} indices must be integers or slices, got {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"{owner}: index {index} is out of range for {length} {members}")
    return operator.index(index)


def _not_a_module(what: str, value: object, spread: str = "") -> str:
    """The message for something put in a container that is not a Module.

    ``spread`` is how to pass a list of modules instead, where a list was given.
    """
    if isinstance(value, type) and issubclass(value, Module):
        got = f"the class {value.__name__} itself; make one: {value.__name__}(...)"
    else:
        got = type(value).__name__
        if spread and isinstance(value, (list, tuple)):
            got += f"; pass the layers one by one: {spread}"
    return f"{what} must be a Module, got {got}"


def _checked_module(what: str, value: object) -> Module:
    if not isinstance(value, Module):
        raise TypeError(_not_a_module(what, value))
    return value


def _checked_modules(where: str, modules: object) -> list[Module]:
    if not isinstance(modules, Iterable) or isinstance(modules, (str, bytes)):
        raise TypeError(f"{where}: expected an iterable of Modules, got {describe(modules)}")
    return [_checked_module(f"{where}: item {i}", m) for i, m in enumerate(modules)]


def _checked_key(where: str, key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"{where}: keys must be str (module names), got {describe(key)}")
    if key == "" or "." in key:
        raise ValueError(
            f"{where}: the key {key!r} must be a non-empty name without '.', which "
            f"state-dict names put between a module and its members"
        )
    return key

"""Sequential: layers applied one after the other."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any, overload

import numpy as np

from nn.module import Module
from nn.parameter import Parameter

__all__ = ["Sequential"]


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
                raise TypeError(_not_a_module(index, module))
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
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(
                f"Sequential indices must be integers or slices, got {type(index).__name__}"
            )
        n = len(self._layers)
        if not -n <= index < n:
            raise IndexError(f"Sequential: index {index} is out of range for {n} layers")
        return self._layers[operator.index(index)]

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers)


def _not_a_module(index: int, value: object) -> str:
    """The message for an argument of Sequential that is not a Module."""
    message = f"Sequential: argument {index} must be a Module, got {type(value).__name__}"
    if isinstance(value, (list, tuple)):  # the layers, passed as one argument
        message += "; pass the layers one by one: Sequential(*layers)"
    return message

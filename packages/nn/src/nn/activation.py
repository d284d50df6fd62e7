"""Elementwise nonlinearities as layers: ReLU, Tanh, Sigmoid.

Without a nonlinearity between them, stacked :class:`~nn.Linear` layers collapse into a
single affine map; these put one in. Each calls the tensorgrad operation of the same name.
"""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from nn.functional import as_value
from nn.module import Module
from tensorgrad import Value

__all__ = ["ReLU", "Sigmoid", "Tanh"]


class ReLU(Module):
    """``max(x, 0)`` elementwise (its gradient at 0 is 0, as PyTorch's).

    Examples
    --------
    >>> from nn import ReLU
    >>> from tensorgrad import Value
    >>> ReLU()(Value([-1.0, 2.0])).data
    array([0., 2.])
    """

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """Apply the function."""
        return as_value(x, "ReLU").relu()


class Tanh(Module):
    """``tanh(x)`` elementwise, in ``(-1, 1)``.

    Examples
    --------
    >>> from nn import Tanh
    >>> from tensorgrad import Value
    >>> Tanh()(Value([0.0])).data
    array([0.])
    """

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """Apply the function."""
        return as_value(x, "Tanh").tanh()


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise, in ``(0, 1)``.

    Examples
    --------
    >>> from nn import Sigmoid
    >>> from tensorgrad import Value
    >>> Sigmoid()(Value([0.0])).data
    array([0.5])
    """

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """Apply the function."""
        return as_value(x, "Sigmoid").sigmoid()

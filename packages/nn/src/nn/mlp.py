"""MLP: the multi-layer perceptron of micrograd, built from Linear and ReLU layers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from nn.activation import ReLU
from nn.container import Sequential
from nn.linear import Linear
from nn.module import Module

__all__ = ["MLP"]


class MLP(Sequential):
    """Fully connected layers with ReLU between them and nothing after the last.

    ``MLP(2, [16, 16, 1])`` is ``Sequential(Linear(2, 16), ReLU(), Linear(16, 16), ReLU(),
    Linear(16, 1))``, with micrograd's call signature. The last layer is linear, so its
    outputs are logits (or regression values): give them to a loss such as
    :func:`nn.cross_entropy`, which applies the softmax itself.

    Parameters
    ----------
    nin : int
        The number of input features.
    nouts : sequence of int
        The output size of each layer, first to last.
    dtype : numpy floating dtype, optional
        The dtype of the parameters (float64 by default).
    generator : numpy.random.Generator, optional
        Where to draw the initial weights; by default nn's global generator.

    Raises
    ------
    ValueError
        If ``nouts`` is empty.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import MLP
    >>> model = MLP(2, [16, 16, 1])
    >>> [type(layer).__name__ for layer in model]
    ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']
    >>> model(np.zeros((5, 2))).shape
    (5, 1)
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        if len(nouts) == 0:
            raise ValueError("MLP: nouts must list at least one layer size, got an empty list")
        sizes = [nin, *nouts]
        layers: list[Module] = []
        for k, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            if k > 0:
                layers.append(ReLU())
            layers.append(Linear(n_in, n_out, dtype=dtype, generator=generator))
        super().__init__(*layers)

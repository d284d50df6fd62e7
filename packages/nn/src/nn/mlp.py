"""MLP: the multi-layer perceptron of micrograd, built from Linear and ReLU layers."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from nn.activation import ReLU
from nn.checks import check_dtype, check_int, describe
from nn.container import Sequential
from nn.linear import Linear
from nn.module import Module
from nn.random import resolve_generator

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
        The output size of each layer, first to last: a list, a tuple, a range or a 1-d
        numpy array of ints. For a single layer too: ``MLP(2, [1])``.
    dtype : numpy floating dtype, optional
        The dtype of the parameters (float64 by default).
    generator : numpy.random.Generator, optional
        Where to draw the initial weights; by default nn's global generator.

    Raises
    ------
    TypeError
        If ``nin`` or a size in ``nouts`` is not an int, ``nouts`` is not a sequence (such
        as a single int), or ``dtype`` or ``generator`` has the wrong type; the message
        names the argument (``nouts[1]`` for the second size), its type and its value.
    ValueError
        If ``nouts`` is empty, or a size is negative.

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
        # Every argument is checked here, so that a mistake is named as MLP's argument
        # (nouts[1]) rather than as an argument of the Linear layer it would reach.
        sizes = [check_int("MLP", "nin", nin, minimum=0)]
        for k, size in enumerate(_layer_sizes(nouts)):
            sizes.append(check_int("MLP", f"nouts[{k}]", size, minimum=0))
        if len(sizes) == 1:
            raise ValueError("MLP: nouts must list at least one layer size, got an empty list")
        dtype = check_dtype("MLP", dtype)
        generator = resolve_generator(generator, "MLP")
        layers: list[Module] = []
        for k, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            if k > 0:
                layers.append(ReLU())
            layers.append(Linear(n_in, n_out, dtype=dtype, generator=generator))
        super().__init__(*layers)


def _layer_sizes(nouts: object) -> list[object]:
    """``nouts`` as a list, or a TypeError that shows the expected form."""
    if isinstance(nouts, np.ndarray) and nouts.ndim == 1:
        return list(nouts)
    # A string is a sequence too, of characters.
    if isinstance(nouts, Sequence) and not isinstance(nouts, (str, bytes)):
        return list(nouts)
    raise TypeError(
        f"MLP: nouts must be a list of layer sizes, such as [16, 16, 1], got "
        f"{describe(nouts)} (for a single layer, a list of one size: MLP(nin, [n_out]))"
    )

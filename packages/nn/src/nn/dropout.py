"""Dropout: randomly silence units while training, so that none can be relied on alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from nn.functional import apply_dropout, check_dropout_p, check_input
from nn.module import Module
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.axes import refuse_inplace

__all__ = ["Dropout"]


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    The scaling ("inverted dropout") keeps the expected value of every element unchanged,
    so in evaluation mode (after :meth:`~nn.Module.eval`) the layer simply returns its
    input, and nothing needs rescaling at test time. The gradient flows only through the
    kept elements, scaled the same way.

    The layer of :func:`nn.functional.dropout`, with the same implementation.

    Parameters
    ----------
    p : float, default 0.5
        The probability of zeroing an element, in ``[0, 1]``.
    inplace : bool, default False
        PyTorch's; only False is accepted (tensorgrad never changes a Value in place).
    generator : numpy.random.Generator, optional
        Where to draw the masks; by default nn's global generator (see
        :func:`nn.manual_seed`), read at each call.

    Raises
    ------
    TypeError
        If ``p`` is not a real number (a bool, a string, None), or ``generator`` is not a
        numpy Generator, naming the argument and its type.
    ValueError
        If ``p`` is not in ``[0, 1]`` (NaN is not), or ``inplace`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import Dropout
    >>> from tensorgrad import Value
    >>> drop = Dropout(0.5, generator=np.random.default_rng(0))
    >>> drop(Value(np.ones(6))).data
    array([2., 0., 0., 0., 2., 2.])
    >>> drop.eval()(Value(np.ones(6))).data
    array([1., 1., 1., 1., 1., 1.])
    """

    def __init__(
        self,
        p: float = 0.5,
        inplace: bool = False,
        *,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.p = check_dropout_p(p, "Dropout")  # (an int or a numpy number: as a float)
        refuse_inplace(inplace, "Dropout")
        resolve_generator(generator, "Dropout")  # a wrong generator fails here, not at a call
        self.generator = generator

    def forward(self, x: Value | npt.NDArray[Any]) -> Value | npt.NDArray[Any]:
        """``x`` with a random mask applied in training mode; ``x`` itself in eval mode."""
        x = check_input(x, "Dropout")
        if not self.training:
            return x
        return apply_dropout(x, self.p, self.generator, "Dropout")

    def extra_repr(self) -> str:
        return f"p={self.p}"

"""Flatten: join axes into one, such as an image's rows and columns before a Linear layer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import check_int
from nn.functional import check_input
from nn.module import Module
from tensorgrad import Value

__all__ = ["Flatten"]


class Flatten(Module):
    """Join the axes ``start_dim`` to ``end_dim`` (inclusive) into one, as ``torch.nn.Flatten``.

    By default every axis but the first (the batch): ``(N, 8, 8)`` becomes ``(N, 64)``.
    Works on Values and on numpy arrays (an input batch of data).

    Parameters
    ----------
    start_dim, end_dim : int, default 1 and -1
        The first and last axes to join; negative numbers count from the end.

    Raises
    ------
    TypeError
        If ``start_dim`` or ``end_dim`` is not an int (a bool, a float, a string), naming
        it, its type and its value.
    IndexError
        At a call, if an axis is out of range for the input (as in PyTorch).
    ValueError
        At a call, if ``start_dim`` comes after ``end_dim``.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import Flatten
    >>> from tensorgrad import Value
    >>> Flatten()(np.zeros((5, 8, 8))).shape
    (5, 64)
    >>> Flatten(0, 1)(Value(np.zeros((2, 3, 4)))).shape
    (6, 4)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        # Checked now: which axes exist is only known when an input comes, but an axis that
        # is not an int is a mistake whatever the input.
        self.start_dim = check_int("Flatten", "start_dim", start_dim)
        self.end_dim = check_int("Flatten", "end_dim", end_dim)

    def forward(self, x: Value | npt.NDArray[Any]) -> Value | npt.NDArray[Any]:
        """The input, reshaped (a Value stays a Value, an array an array)."""
        x = check_input(x, "Flatten")
        shape = np.shape(x)
        ndim = max(len(shape), 1)  # a 0-d input flattens to one axis, as in PyTorch
        start, end = self.start_dim, self.end_dim
        if not (-ndim <= start < ndim and -ndim <= end < ndim):
            raise IndexError(
                f"Flatten: start_dim={start} or end_dim={end} is out of range for an input "
                f"of shape {shape} (valid: {-ndim} to {ndim - 1})"
            )
        start, end = start % ndim, end % ndim
        if start > end:
            raise ValueError(
                f"Flatten: start_dim={self.start_dim} comes after end_dim={self.end_dim} "
                f"for an input of shape {shape}"
            )
        return x.reshape(*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

"""Axis and shape arguments, read the way numpy and PyTorch read them, checked once.

Reductions, softmax, shape changes and joins all take an ``axis`` (an int, negative from the
end, a tuple of ints, or None for all axes) or a shape (``f(2, 3)`` or ``f((2, 3))``). These
helpers turn them into one canonical form, with an error that names the op when they do not
fit the Value.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["kept_shape", "normalize_axes", "reduced_count", "shape_arg"]


def normalize_axes(axis: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` as a tuple of non-negative ints, checked against ``ndim`` axes.

    Raises
    ------
    TypeError
        If an axis is not an int.
    numpy.exceptions.AxisError
        If an axis is out of range.
    ValueError
        If an axis is repeated.

    Examples
    --------
    >>> from tensorgrad.axes import normalize_axes
    >>> normalize_axes(-1, 3, "sum"), normalize_axes(None, 2, "sum")
    ((2,), (0, 1))
    >>> normalize_axes((0, -1), 3, "sum")
    (0, 2)
    """
    if axis is None:
        return tuple(range(ndim))
    given = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = []
    for a in given:
        try:
            k = operator.index(a)
        except TypeError:
            raise TypeError(f"{op}: an axis must be an int, got {type(a).__name__}") from None
        if not -ndim <= k < ndim:
            raise np.exceptions.AxisError(
                f"{op}: axis {k} is out of range for {ndim} axes (valid: {-ndim} to {ndim - 1})"
            )
        axes.append(k % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {given}")
    return tuple(axes)


def reduced_count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """How many elements a reduction over ``axes`` combines into each result.

    Examples
    --------
    >>> from tensorgrad.axes import reduced_count
    >>> reduced_count((2, 3, 4), (0, 2))
    8
    """
    return math.prod(shape[a] for a in axes)


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over ``axes`` has with ``keepdims=True``.

    Examples
    --------
    >>> from tensorgrad.axes import kept_shape
    >>> kept_shape((2, 3, 4), (1,))
    (2, 1, 4)
    """
    return tuple(1 if k in axes else n for k, n in enumerate(shape))


def shape_arg(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``, as numpy and PyTorch do.

    Examples
    --------
    >>> from tensorgrad.axes import shape_arg
    >>> shape_arg((2, 3)), shape_arg(((2, 3),))
    ((2, 3), (2, 3))
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape

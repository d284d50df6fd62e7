"""Selection: comparisons (plain boolean arrays, outside the graph) and :func:`where`.

A comparison such as ``x > 0`` has no useful derivative (it is a step), so it gives a numpy
array of bools, not a Value; that mask then picks elements with :func:`where`, whose
gradient goes to the operand each element was taken from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Array, Operand, in_float, like, operand_data, record, type_error
from tensorgrad.tensor import Value

__all__ = ["compare", "where"]


def compare(fn: Callable[[Any, Any], Any], symbol: str, a: Value, b: object) -> Array:
    """``fn(a, b)`` for a comparison ufunc ``fn`` (``np.less``...): a boolean array, no graph.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.select import compare
    >>> compare(np.greater, ">", Value([-1.0, 2.0]), 0)
    array([False,  True])
    """
    b_data = operand_data(b, symbol)
    if b_data is NotImplemented:
        return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
    try:
        return np.asarray(fn(a._data, b_data))
    except ValueError:
        raise ValueError(
            f"{symbol}: shapes {a.shape} and {np.shape(b_data)} cannot be broadcast together"
        ) from None


def where(condition: npt.ArrayLike, a: Operand, b: Operand) -> Value:
    """``a`` where ``condition`` is true and ``b`` elsewhere, all three broadcast together.

    Parameters
    ----------
    condition : array_like of bool
        A boolean array, such as the result of a comparison ``x > 0``.
    a, b : Value, ndarray or number
        Where to take the elements from.

    Examples
    --------
    >>> from tensorgrad import Value, where
    >>> x = Value([-1.0, 2.0])
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    """
    mask = np.asarray(condition)
    if mask.dtype != np.bool_:
        raise TypeError(f"where: the condition must be boolean, got dtype {mask.dtype}")
    a_data, b_data = operand_data(a, "where"), operand_data(b, "where")
    if a_data is NotImplemented or b_data is NotImplemented:
        raise type_error("where", a, b)
    a_data, b_data = in_float(a_data, b_data), in_float(b_data, a_data)
    try:
        data = np.where(mask, a_data, b_data)
    except ValueError:
        raise ValueError(
            f"where: shapes {mask.shape}, {np.shape(a_data)} and {np.shape(b_data)} "
            f"cannot be broadcast together"
        ) from None
    saved = (like(a_data), like(b_data), mask)  # the backward reads their shapes and dtypes
    return record(data, "where", _where_backward, (a, b), saved)


def _where_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d where(m, a, b) = m da + (1 - m) db"""
    mask = saved[2]
    return unbroadcast(g * mask if i == 0 else g * ~mask, saved[i])

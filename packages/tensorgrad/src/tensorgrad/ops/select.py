"""Selection: comparisons (plain boolean arrays, outside the graph), :func:`where`, and the
triangles :func:`tril` and :func:`triu`.

A comparison such as ``x > 0`` has no useful derivative (it is a step), so it gives a numpy
array of bools, not a Value; that mask then picks elements with :func:`where`, whose
gradient goes to the operand each element was taken from. A triangle keeps the elements of
a fixed mask and zeros the others, and its gradient is the same triangle of the result's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import int_arg
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import (
    Array,
    Operand,
    as_value,
    in_float,
    like,
    operand_data,
    plain,
    record,
    type_error,
)
from tensorgrad.tensor import Value

__all__ = ["compare", "tril", "triu", "where"]


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


class _NotGiven:
    """The default of where's ``a`` and ``b``: None cannot be, it is a wrong operand."""


_NOT_GIVEN: Any = _NotGiven()


@overload
def where(condition: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], ...]: ...
@overload
def where(condition: npt.ArrayLike, a: Operand, b: Operand) -> Value: ...
def where(
    condition: npt.ArrayLike, a: Operand = _NOT_GIVEN, b: Operand = _NOT_GIVEN
) -> Value | tuple[npt.NDArray[np.intp], ...]:
    """``a`` where ``condition`` is true and ``b`` elsewhere, all three broadcast together;
    with ``condition`` alone, the indices of its true (nonzero) elements.

    ``a`` and ``b`` may be numbers (``where(x > 0, x, 0.0)``): a number leaves a float32
    Value float32, as in PyTorch. Two numbers, or integer arrays, make a float64 Value
    (PyTorch would make float32, its default dtype, or integers).

    ``where(condition)`` is numpy's ``nonzero`` and PyTorch's one-argument ``where``: a tuple
    of integer arrays, one per axis (one for a 0-d condition, as in PyTorch), outside the
    graph.

    Parameters
    ----------
    condition : array_like of bool
        A boolean array, such as the result of a comparison ``x > 0``; alone, any array of
        numbers (a Value too), whose nonzero elements are found.
    a, b : Value, ndarray or number
        Where to take the elements from.

    Returns
    -------
    Value, or tuple of ndarray
        The selection; with ``condition`` alone, the indices.

    Raises
    ------
    TypeError
        If ``condition`` is not boolean (not numbers, alone), an operand is not a Value, an
        array or a number, or only one of ``a`` and ``b`` is given.
    ValueError
        If the shapes do not broadcast together.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, where
    >>> x = Value([-1.0, 2.0])
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    >>> where(np.array([[True, False], [True, True]]))
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    if a is _NOT_GIVEN and b is _NOT_GIVEN:
        return _nonzero(condition)
    if a is _NOT_GIVEN or b is _NOT_GIVEN:
        raise TypeError(
            "where: give both a and b, where(condition, a, b), or neither, where(condition) "
            "for the indices where it is true"
        )
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
    if data.dtype.kind != "f" or data.dtype.itemsize not in (4, 8):
        data = data.astype(np.float64)  # numbers or int arrays only: a Value holds floats
    saved = (like(a_data), like(b_data), mask)  # the backward reads their shapes and dtypes
    return record(data, "where", _where_backward, (a, b), saved)


def _nonzero(condition: object) -> tuple[npt.NDArray[np.intp], ...]:
    """``where(condition)``: the indices of the nonzero elements, one array per axis."""
    data = np.asarray(plain(condition)) if isinstance(condition, (Value, np.ndarray)) else None
    if data is None:
        try:
            data = np.asarray(condition)
        except ValueError:
            data = np.asarray(None)  # (a ragged list: refused below)
    if data.dtype.kind not in "biuf":
        raise TypeError(
            f"where: the condition must be booleans or numbers, got {type(condition).__name__} "
            f"(numpy dtype {data.dtype})"
        )
    return np.nonzero(data if data.ndim else data.reshape(1))


def _where_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d where(m, a, b) = m da + (1 - m) db

    Ties: the branch not taken gets 0, even where the result's gradient is inf or NaN (not
    ``g * 0``, which would be NaN there), as PyTorch's.
    """
    mask = saved[2] if i == 0 else ~saved[2]
    picked = where(mask, g, 0.0) if isinstance(g, Value) else np.where(mask, g, g.dtype.type(0))
    return unbroadcast(picked, saved[i])


def tril(x: Operand, diagonal: int = 0) -> Value:
    """The lower triangle of ``x``: the elements on and below the ``diagonal``-th diagonal
    kept, the others 0, as PyTorch's ``tril`` (and numpy's), in every matrix of a batch (the
    last two axes).

    ``diagonal=0`` is the main diagonal, ``1`` the one above it, ``-1`` the one below.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, or ``diagonal`` not an int.
    ValueError
        If ``x`` has fewer than two axes.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.ones((2, 3))).tril().data
    array([[1., 0., 0.],
           [1., 1., 0.]])
    """
    x = as_value(x, "tril")
    return _triangle(x, diagonal, "tril")


def triu(x: Operand, diagonal: int = 0) -> Value:
    """The upper triangle of ``x``: the elements on and above the ``diagonal``-th diagonal
    kept, the others 0, as PyTorch's ``triu`` (and numpy's), in every matrix of a batch (the
    last two axes).

    ``diagonal=0`` is the main diagonal, ``1`` the one above it, ``-1`` the one below.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, or ``diagonal`` not an int.
    ValueError
        If ``x`` has fewer than two axes.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.ones((2, 3))).triu(1).data
    array([[0., 1., 1.],
           [0., 0., 1.]])
    """
    x = as_value(x, "triu")
    return _triangle(x, diagonal, "triu")


def _triangle(x: Value, diagonal: int, op: str) -> Value:
    k = int_arg(diagonal, "diagonal", op)
    if x.ndim < 2:
        raise ValueError(
            f"{op}: the input must have at least 2 dimensions (a matrix, or a batch of them), "
            f"got shape {x.shape}"
        )
    rows, cols = x.shape[-2:]
    k = min(max(k, -rows), cols + 1)  # the same triangle, for an arange numpy can make
    lower = np.tri(rows, cols, k if op == "tril" else k - 1, dtype=bool)
    return _kept(x, lower if op == "tril" else ~lower, op)


def _kept(x: Value, keep: Array, op: str) -> Value:
    """``x`` where ``keep`` (a matrix, broadcast over the batch) is true, 0 elsewhere."""
    data = np.where(keep, x._data, np.zeros((), x.dtype))
    return record(data, op, _triangle_backward, (x,), (None, keep, op))


def _triangle_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d tril(x) = tril(dx), and d triu(x) = triu(dx): the result's gradient where x is
    kept, 0 elsewhere"""
    _, keep, op = saved
    if isinstance(g, Value):
        return _kept(g, keep, op)
    return np.where(keep, g, np.zeros((), g.dtype))

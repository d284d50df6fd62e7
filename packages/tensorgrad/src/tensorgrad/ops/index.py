"""Indexing: ``x[index]``, with everything numpy accepts as an index but a Value.

The gradient of ``x[index]`` is zeros of ``x``'s shape with the result's gradient added
back at ``index``; added, not written, so that an element picked twice (``x[[0, 0]]``)
gets both contributions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorgrad.record import plain, record
from tensorgrad.tensor import Value

__all__ = ["getitem"]


def getitem(x: Value, index: Any) -> Value:
    """``x[index]``: ints, slices, None, Ellipsis, and integer or boolean numpy arrays.

    Raises
    ------
    TypeError
        If a part of the index is a Value.
    IndexError
        If the index does not fit ``x``'s shape (naming it).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([1.0, 2.0, 3.0])
    >>> x[[0, 0, 2]].sum().backward()
    >>> x.grad
    array([2., 0., 1.])
    """
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, Value):
            raise TypeError(
                "a Value cannot be used as an index: index with ints, slices, None, "
                "Ellipsis, or integer or boolean numpy arrays"
            )
    try:
        data = x._data[index]
    except IndexError as error:
        raise IndexError(f"index into a Value of shape {x.shape}: {error}") from None
    return record(data, "getitem", _getitem_backward, (x,), (None, index, x._data.shape))


def _getitem_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d x[index] = zeros like x, with dx added at index"""
    _, index, shape = saved
    return _index_add(g, index, shape)


def _index_add(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``: the gradient of ``x[index]``.

    ``np.add.at`` adds once per occurrence, so a repeated index gets every contribution.
    Works on an array, or on a Value as an operation of its own (whose backward is
    indexing again) when the backward pass is recorded.
    """
    data = np.zeros(shape, dtype=g.dtype)
    np.add.at(data, index, plain(g))
    if isinstance(g, Value):
        return record(data, "index_add", _index_add_backward, (g,), (None, index))
    return data


def _index_add_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d index_add(zeros, index, v) = dv taken at index"""
    return g[saved[1]]

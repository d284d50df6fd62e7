"""Reductions: ``sum``, ``mean``, ``max`` and ``min`` over some axes, and ``argmax``.

A reduction's backward spreads the result's gradient back over the elements it combined:
all of them equally for ``sum`` and ``mean``, only the winners for ``max`` and ``min``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import flag, kept_shape, normalize_axes, reduced_count, single_axis, spelling
from tensorgrad.broadcast import broadcast_to
from tensorgrad.record import record
from tensorgrad.tensor import Value

__all__ = ["argmax", "max", "mean", "min", "sum"]

Axis = int | Sequence[int] | None


def sum(
    x: Value,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """Sum over ``axis`` (an int, a tuple of ints, or all axes when None).

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 2.0], [3.0, 4.0]])
    >>> x.sum().data, x.sum(axis=0).data, x.sum(axis=-1, keepdims=True).shape
    (array(10.), array([4., 6.]), (2, 1))
    """
    if dim is not None:
        axis = spelling(axis, dim, None, "axis/dim", "sum")
    if keepdim is not None:
        keepdims = spelling(keepdims, keepdim, False, "keepdims/keepdim", "sum")
    axes = normalize_axes(axis, x.ndim, "sum")
    keepdims = flag(keepdims, "keepdims", "sum")
    data = x._data.sum(axis=axes, keepdims=keepdims)
    return record(data, "sum", _sum_backward, (x,), (None, axes, keepdims, x._data.shape))


def _sum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d sum(x) = the sum's gradient, repeated over the summed axes"""
    _, axes, keepdims, shape = saved
    if not keepdims and g.ndim:  # (a 0-d gradient, of a sum over all axes, broadcasts as is)
        g = g.reshape(kept_shape(shape, axes))
    return broadcast_to(g, shape)


def mean(
    x: Value,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """Mean over ``axis`` (an int, a tuple of ints, or all axes when None).

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1).data
    array([1.5, 3.5])
    """
    if dim is not None:
        axis = spelling(axis, dim, None, "axis/dim", "mean")
    if keepdim is not None:
        keepdims = spelling(keepdims, keepdim, False, "keepdims/keepdim", "mean")
    axes = normalize_axes(axis, x.ndim, "mean")
    keepdims = flag(keepdims, "keepdims", "mean")
    data = x._data.sum(axis=axes, keepdims=keepdims) / reduced_count(x.shape, axes)
    return record(data, "mean", _mean_backward, (x,), (None, axes, keepdims, x._data.shape))


def _mean_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d mean(x) = the mean's gradient / n, repeated over the n elements averaged"""
    _, axes, _, shape = saved
    return _sum_backward(g / reduced_count(shape, axes), out, saved, i)  # spread evenly


def max(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
    """Maximum over ``axis``; tied maxima share the gradient equally (as ``torch.amax``).

    Raises
    ------
    ValueError
        If an axis to reduce over is empty.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 5.0], [5.0, 2.0]])
    >>> m = x.max()
    >>> m.backward()
    >>> x.grad
    array([[0. , 0.5],
           [0.5, 0. ]])
    """
    return _extremum(x, np.max, "max", axis, keepdims)


def min(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
    """Minimum over ``axis``; tied minima share the gradient equally (as ``torch.amin``).

    Raises
    ------
    ValueError
        If an axis to reduce over is empty.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([[1.0, 5.0], [0.0, 2.0]]).min(axis=0).data
    array([0., 2.])
    """
    return _extremum(x, np.min, "min", axis, keepdims)


def _extremum(x: Value, reduce: Callable[..., Any], op: str, axis: Axis, keepdims: bool) -> Value:
    axes = normalize_axes(axis, x.ndim, op)
    keepdims = flag(keepdims, "keepdims", op)
    for a in axes:
        if x.shape[a] == 0:
            raise ValueError(f"{op}: axis {a} of a Value of shape {x.shape} is empty")
    data = reduce(x._data, axis=axes, keepdims=keepdims)
    saved = (x._data, axes, keepdims)
    return record(data, op, _extremum_backward, (x,), saved, keep_output=True)


def _extremum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d max(x) = g, shared among the elements equal to the result (and so for min)

    Ties: tied extrema share the gradient equally (as torch.amax and torch.amin).
    """
    x, axes, keepdims = saved
    if not keepdims:
        kept = kept_shape(x.shape, axes)
        g, out = g.reshape(kept), out.reshape(kept)
    winners = x == out  # every element equal to the extremum shares its gradient
    return g * winners / winners.sum(axis=axes, keepdims=True, dtype=g.dtype)


def argmax(
    x: Value,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> npt.NDArray[np.intp]:
    """Indices of the maxima along ``axis`` (of the flattened array when None); no graph.

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 5.0], [7.0, 2.0]])
    >>> x.argmax(axis=1), x.argmax(dim=0, keepdim=True)
    (array([1, 0]), array([[1, 0]]))
    """
    if dim is not None:
        axis = spelling(axis, dim, None, "axis/dim", "argmax")
    if keepdim is not None:
        keepdims = spelling(keepdims, keepdim, False, "keepdims/keepdim", "argmax")
    keepdims = flag(keepdims, "keepdims", "argmax")
    if axis is not None:
        axes = single_axis(axis, x.ndim, "argmax")
        axis = axes[0] if axes else None  # (a 0-d Value's one element is its own maximum)
    if x.size == 0:
        raise ValueError(f"argmax: a Value of shape {x.shape} has no elements")
    return np.asarray(np.argmax(x._data, axis=axis, keepdims=keepdims))

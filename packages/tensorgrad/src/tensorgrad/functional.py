"""Softmax and its relatives, computed stably: logits of ±1000 give no inf, NaN or warning.

Each is one operation with its own backward, rather than a composition of ``exp``,
``sum`` and ``log``: that is both faster and stable. The trick is the same in all three:
``log(sum(exp(x)))`` equals ``m + log(sum(exp(x - m)))`` for any ``m``, and with ``m`` the
maximum no exponential overflows and the largest one is exactly 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.tensor import Array, Value, _axes, _exp, _kept_shape, _record

__all__ = ["log_softmax", "logsumexp", "softmax"]


def logsumexp(x: Value, axis: int | Sequence[int] = -1, keepdims: bool = False) -> Value:
    """``log(sum(exp(x), axis))``, without overflow.

    Examples
    --------
    >>> logsumexp(Value([1000.0, 1000.0])).item()  # 1000 + log(2)
    1000.6931471805599
    """
    axes = _axes(axis, x.ndim, "logsumexp")
    data = _logsumexp(x.data, axes)
    if not keepdims:
        data = data.squeeze(axis=axes)
    return _record(data, "logsumexp", _logsumexp_backward, (x,), (x.data, axes, keepdims))


def _logsumexp_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    x, axes, keepdims = args
    if not keepdims:
        kept = _kept_shape(x.shape, axes)
        g, out = g.reshape(kept), out.reshape(kept)
    return g * _exp(x - out)  # d logsumexp(x) / dx = softmax(x) = exp(x - logsumexp(x))


def log_softmax(x: Value, axis: int = -1) -> Value:
    """``log(softmax(x, axis))``, computed as ``x - logsumexp(x)`` without overflow.

    Examples
    --------
    >>> log_softmax(Value([0.0, 1000.0, -1000.0])).data
    array([-1000.,     0., -2000.])
    """
    (axis,) = _axes(axis, x.ndim, "log_softmax")
    shifted = x.data - _max(x.data, axis)
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))  # now the result
    return _record(shifted, "log_softmax", _log_softmax_backward, (x,), (x.data, axis))


def _log_softmax_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[1]
    return g - _exp(out) * g.sum(axis=axis, keepdims=True)


def softmax(x: Value, axis: int = -1) -> Value:
    """``exp(x) / sum(exp(x), axis)``: non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> softmax(Value([[1000.0, 1000.0], [0.0, -1000.0]])).data
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    (axis,) = _axes(axis, x.ndim, "softmax")
    e = np.exp(x.data - _max(x.data, axis))
    e /= e.sum(axis=axis, keepdims=True)  # now the result
    return _record(e, "softmax", _softmax_backward, (x,), (x.data, axis))


def _softmax_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[1]
    return out * (g - (g * out).sum(axis=axis, keepdims=True))


# -- helpers ------------------------------------------------------------------------------------


def _max(x: Array, axes: int | tuple[int, ...]) -> Array:
    """The maximum over ``axes`` (kept), or 0 where it is infinite, to shift by safely."""
    if x.size == 0:  # nothing to shift by: an empty sum is 0, in the kept shape
        result: Array = x.sum(axis=axes, keepdims=True)
        return result
    m = x.max(axis=axes, keepdims=True)
    # A row of -inf (or one +inf) would give inf - inf = NaN; such rows need no shift.
    return m if np.isfinite(m).all() else np.where(np.isfinite(m), m, 0)


def _logsumexp(x: Array, axes: tuple[int, ...]) -> Array:
    """``log(sum(exp(x)))`` over ``axes``, kept, shifted by the maximum."""
    m = _max(x, axes)
    result: Array = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
    return result

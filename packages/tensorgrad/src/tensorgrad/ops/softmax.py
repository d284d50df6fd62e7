"""The softmax family: :func:`softmax`, :func:`log_softmax` and :func:`logsumexp`, stable.

Logits of ±1000 give no inf, NaN or warning. The trick is the same in all three:
``log(sum(exp(x)))`` equals ``m + log(sum(exp(x - m)))`` for any ``m``, and with ``m`` the
maximum no exponential overflows and the largest one is exactly 1. Each is one operation
with its closed-form backward rather than a chain of ``exp``, ``sum`` and ``log``: one node
instead of several is faster, and it is what keeps the gradient stable too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.axes import flag, kept_shape, normalize_axes, pytorch_spellings, single_axis
from tensorgrad.record import Array, Operand, as_value, exp_of, record
from tensorgrad.tensor import Value

__all__ = ["log_softmax", "logsumexp", "softmax"]


def logsumexp(
    x: Operand,
    axis: int | Sequence[int] = -1,
    keepdims: bool = False,
    *,
    dim: int | Sequence[int] | None = None,
    keepdim: bool | None = None,
) -> Value:
    """``log(sum(exp(x), axis))``, without overflow.

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``.

    Examples
    --------
    >>> from tensorgrad import Value, logsumexp
    >>> logsumexp(Value([1000.0, 1000.0])).item()  # 1000 + log(2)
    1000.6931471805599

    As in PyTorch, an infinite element makes the result that infinity (-inf for a row of
    -inf, the log of an empty sum, and over an empty axis too), not NaN.
    """
    x = as_value(x, "logsumexp")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("logsumexp", axis, dim, -1, keepdims, keepdim)
    keepdims = flag(keepdims, "keepdims", "logsumexp")
    axes = normalize_axes(axis, x.ndim, "logsumexp")
    data = _logsumexp(x._data, axes)
    if not keepdims:
        data = data.squeeze(axis=axes)
    saved = (x._data, axes, keepdims)
    return record(data, "logsumexp", _logsumexp_backward, (x,), saved, keep_output=True)


def _logsumexp_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d logsumexp(x) = softmax(x) dx = e**(x - out) dx"""
    x, axes, keepdims = saved
    if not keepdims:
        kept = kept_shape(x.shape, axes)
        g, out = g.reshape(kept), out.reshape(kept)
    return g * exp_of(x - out)


def log_softmax(x: Operand, axis: int = -1, *, dim: int | None = None) -> Value:
    """``log(softmax(x, axis))``, computed as ``x - logsumexp(x)`` without overflow.

    Examples
    --------
    >>> from tensorgrad import Value, log_softmax
    >>> log_softmax(Value([0.0, 1000.0, -1000.0])).data
    array([-1000.,     0., -2000.])

    As in PyTorch, a row with an infinite maximum (a +inf, or only -inf) is all NaN.
    """
    x = as_value(x, "log_softmax")
    if dim is not None:  # PyTorch's spelling of axis
        axis, _ = pytorch_spellings("log_softmax", axis, dim, -1)
    axes = single_axis(axis, x.ndim, "log_softmax")
    shifted = x._data - _max(x._data, axes)
    if shifted.size:  # (an empty axis would take log(0) of the kept shape, and warn)
        shifted -= np.log(np.exp(shifted).sum(axis=axes, keepdims=True))  # now the result
    backward = _log_softmax_backward
    return record(shifted, "log_softmax", backward, (x,), (None, axes), keep_output=True)


def _log_softmax_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log_softmax(x) = dx - softmax(x) Σ dx, with softmax(x) = e**out"""
    axes = saved[1]
    return g - exp_of(out) * g.sum(axis=axes, keepdims=True)


def softmax(x: Operand, axis: int = -1, *, dim: int | None = None) -> Value:
    """``exp(x) / sum(exp(x), axis)``: non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> from tensorgrad import Value, softmax
    >>> softmax(Value([[1000.0, 1000.0], [0.0, -1000.0]])).data
    array([[0.5, 0.5],
           [1. , 0. ]])

    As in PyTorch, a row with an infinite maximum (a +inf, or only -inf) is all NaN.
    """
    x = as_value(x, "softmax")
    if dim is not None:  # PyTorch's spelling of axis
        axis, _ = pytorch_spellings("softmax", axis, dim, -1)
    axes = single_axis(axis, x.ndim, "softmax")
    e = np.exp(x._data - _max(x._data, axes))
    e /= e.sum(axis=axes, keepdims=True)  # now the result
    return record(e, "softmax", _softmax_backward, (x,), (None, axes), keep_output=True)


def _softmax_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d softmax(x) = out (dx - Σ out dx), the sums along the axis"""
    axes = saved[1]
    return out * (g - (g * out).sum(axis=axes, keepdims=True))


# -- for the forwards and the formulas -------------------------------------------------------


def _max(x: Array, axes: tuple[int, ...]) -> Array:
    """The maximum over ``axes`` (kept), to shift by.

    Where it is infinite, shifting by it makes the row inf - inf = NaN: softmax and
    log_softmax of a row with a +inf or of -inf only are NaN, as in PyTorch (and numpy
    warns about the inf - inf, as it always does). :func:`_logsumexp` shifts by 0 there.
    """
    if x.size == 0:  # nothing to shift by: an empty sum is 0, in the kept shape
        result: Array = x.sum(axis=axes, keepdims=True)
        return result
    m: Array = x.max(axis=axes, keepdims=True)
    return m


def _logsumexp(x: Array, axes: tuple[int, ...]) -> Array:
    """``log(sum(exp(x)))`` over ``axes``, kept, shifted by the maximum."""
    if x.size == 0:  # the log of an empty sum, without numpy's warning about log(0)
        return np.full(kept_shape(x.shape, axes), -np.inf, dtype=x.dtype)
    m = _max(x, axes)
    if not np.isfinite(m).all():
        # Shifting by an infinite maximum would make the row inf - inf = NaN; by 0, the
        # result is -inf for a row of -inf (the log of an empty sum) and +inf for a row
        # with a +inf, as it should be (and as in PyTorch).
        m = np.where(np.isfinite(m), m, 0)
    result: Array = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
    return result

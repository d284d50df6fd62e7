"""The functions of a network's layers, each one operation with its own backward.

* :func:`linear`, the affine map of a fully connected layer, ``x @ weight.T + bias``;
* :func:`softmax` and its relatives :func:`log_softmax` and :func:`logsumexp`, computed
  stably: logits of ±1000 give no inf, NaN or warning.

Each is one operation rather than a composition of smaller ones (``.T``, ``@`` and ``+``;
``exp``, ``sum`` and ``log``): one node in the graph instead of several is faster, and for
the softmax family it is also what makes them stable. The trick is the same in all three:
``log(sum(exp(x)))`` equals ``m + log(sum(exp(x - m)))`` for any ``m``, and with ``m`` the
maximum no exponential overflows and the largest one is exactly 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.broadcast import unbroadcast
from tensorgrad.tensor import Array, Operand, Value, _axes, _data, _exp, _kept_shape, _record

__all__ = ["linear", "log_softmax", "logsumexp", "softmax"]


def linear(x: Operand, weight: Operand, bias: Operand | None = None) -> Value:
    """``x @ weight.T + bias``, the affine map of a fully connected layer, as one operation.

    As ``torch.nn.functional.linear``, with the weight stored as PyTorch stores it: row
    ``j`` of ``weight`` holds the weights of output ``j``. The result is the same as that
    of ``x @ weight.T + bias``, but it is one node in the graph instead of three, and its
    backward is the three formulas of a layer written out, for ``g`` the gradient of the
    result::

        grad of x      = g @ weight                    (..., in)
        grad of weight = gᵀ x, summed over the batch   (out, in)
        grad of bias   = g, summed over the batch      (out,)

    Parameters
    ----------
    x : Value or ndarray
        The input, of shape ``(..., in_features)``: one sample ``(in_features,)``, a batch
        ``(N, in_features)``, or batches of batches. A numpy array is data, a constant: it
        gets no gradient (and none is computed for it).
    weight : Value or ndarray
        Shape ``(out_features, in_features)``.
    bias : Value or ndarray, optional
        Shape ``(out_features,)``; without it, the map is ``x @ weight.T``.

    Returns
    -------
    Value
        Shape ``(..., out_features)``.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array.
    ValueError
        If ``weight`` is not 2-D, or the shapes do not fit together (naming them).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, linear
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> weight = Value([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])  # 3 inputs, 2 outputs
    >>> bias = Value([0.5, -0.5])
    >>> y = linear(x, weight, bias)
    >>> y.data
    array([[1.5, 4.5]])
    >>> y.sum().backward()
    >>> weight.grad  # each row: x
    array([[1., 2., 3.],
           [1., 2., 3.]])
    >>> bias.grad
    array([1., 1.])
    """
    x_data, w_data = _data(x), _data(weight)
    b_data = None if bias is None else _data(bias)
    if x_data is NotImplemented or w_data is NotImplemented or b_data is NotImplemented:
        named = (("x", x, x_data), ("weight", weight, w_data), ("bias", bias, b_data))
        name, operand = next((n, v) for n, v, d in named if d is NotImplemented)
        raise TypeError(
            f"linear: {name} must be a Value or a numpy array, got {type(operand).__name__}"
        )
    x_shape, w_shape = np.shape(x_data), np.shape(w_data)
    if len(w_shape) != 2:
        raise ValueError(
            f"linear: weight must have shape (out_features, in_features), got shape {w_shape}"
        )
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} and weight of shape {w_shape}: the input's "
            f"last axis must have size in_features = {w_shape[1]}"
        )
    data = np.matmul(x_data, w_data.T)  # a view: BLAS reads the weight transposed, no copy
    if b_data is not None:
        if np.shape(b_data) != w_shape[:1]:
            raise ValueError(
                f"linear: bias of shape {np.shape(b_data)} and weight of shape {w_shape}: "
                f"the bias must have shape ({w_shape[0]},)"
            )
        if b_data.dtype == data.dtype:
            data += b_data  # in place, into the product just made: no temporary
        else:
            data = data + b_data  # numpy's type promotion, as for `x @ weight.T + bias`
    return _record(data, "linear", _linear_backward, (x, weight, bias), (x_data, w_data, b_data))


def _linear_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    x, weight, bias = args
    if i == 0:
        return unbroadcast(g @ weight, x)  # the shapes match: this only matches the dtype
    if i == 2:
        return unbroadcast(g, bias)  # the sum over the batch axes
    if g.ndim != 2:
        # One sample (1-D), or batches of batches: as rows of one batch, so that a single
        # product sums over them all. (The row count is spelled out: -1 is ambiguous when
        # an axis has size 0.)
        rows = math.prod(x.shape[:-1])
        g, x = g.reshape(rows, g.shape[-1]), x.reshape(rows, x.shape[-1])
    return unbroadcast(g.T @ x, weight)  # for the dtype


def logsumexp(x: Value, axis: int | Sequence[int] = -1, keepdims: bool = False) -> Value:
    """``log(sum(exp(x), axis))``, without overflow.

    Examples
    --------
    >>> from tensorgrad import Value, logsumexp
    >>> logsumexp(Value([1000.0, 1000.0])).item()  # 1000 + log(2)
    1000.6931471805599

    As in PyTorch, an infinite element makes the result that infinity (-inf for a row of
    -inf, the log of an empty sum, and over an empty axis too), not NaN.
    """
    axes = _axes(axis, x.ndim, "logsumexp")
    data = _logsumexp(x.data, axes)
    if not keepdims:
        data = data.squeeze(axis=axes)
    args = (x.data, axes, keepdims)
    return _record(data, "logsumexp", _logsumexp_backward, (x,), args, keep_output=True)


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
    >>> from tensorgrad import Value, log_softmax
    >>> log_softmax(Value([0.0, 1000.0, -1000.0])).data
    array([-1000.,     0., -2000.])

    As in PyTorch, a row with an infinite maximum (a +inf, or only -inf) is all NaN.
    """
    (axis,) = _axes(axis, x.ndim, "log_softmax")
    shifted = x.data - _max(x.data, axis)
    if shifted.size:  # (an empty axis would take log(0) of the kept shape, and warn)
        shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))  # now the result
    backward = _log_softmax_backward
    return _record(shifted, "log_softmax", backward, (x,), (None, axis), keep_output=True)


def _log_softmax_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[1]
    return g - _exp(out) * g.sum(axis=axis, keepdims=True)


def softmax(x: Value, axis: int = -1) -> Value:
    """``exp(x) / sum(exp(x), axis)``: non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> from tensorgrad import Value, softmax
    >>> softmax(Value([[1000.0, 1000.0], [0.0, -1000.0]])).data
    array([[0.5, 0.5],
           [1. , 0. ]])

    As in PyTorch, a row with an infinite maximum (a +inf, or only -inf) is all NaN.
    """
    (axis,) = _axes(axis, x.ndim, "softmax")
    e = np.exp(x.data - _max(x.data, axis))
    e /= e.sum(axis=axis, keepdims=True)  # now the result
    return _record(e, "softmax", _softmax_backward, (x,), (None, axis), keep_output=True)


def _softmax_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[1]
    return out * (g - (g * out).sum(axis=axis, keepdims=True))


# -- helpers ------------------------------------------------------------------------------------


def _max(x: Array, axes: int | tuple[int, ...]) -> Array:
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
        return np.full(_kept_shape(x.shape, axes), -np.inf, dtype=x.dtype)
    m = _max(x, axes)
    if not np.isfinite(m).all():
        # Shifting by an infinite maximum would make the row inf - inf = NaN; by 0, the
        # result is -inf for a row of -inf (the log of an empty sum) and +inf for a row
        # with a +inf, as it should be (and as in PyTorch).
        m = np.where(np.isfinite(m), m, 0)
    result: Array = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
    return result

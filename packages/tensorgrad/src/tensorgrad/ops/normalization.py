"""Normalization: :func:`layer_norm`, one node with its closed-form backward.

Normalizing subtracts the mean and divides by the standard deviation of each group of
elements; as a chain of ``mean``, ``-``, ``var``, ``sqrt`` and ``/`` nodes it would keep
several intermediate arrays and walk them all at backward time. The closed form needs the
normalized input ``x̂`` and ``σ`` only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.axes import int_arg, real_arg
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Array, Operand, as_value, like, operand_data, record
from tensorgrad.tensor import Value

__all__ = ["layer_norm"]


def layer_norm(
    input: Operand,
    normalized_shape: int | Sequence[int],
    weight: Value | Array | None = None,
    bias: Value | Array | None = None,
    eps: float = 1e-5,
) -> Value:
    """Normalize over the trailing axes of shape ``normalized_shape``, as
    ``torch.nn.functional.layer_norm``.

    Each group of ``input``'s last ``len(normalized_shape)`` axes becomes
    ``(x - mean) / sqrt(var + eps)`` (the biased variance, divided by the group's size), then
    is scaled by ``weight`` and shifted by ``bias`` elementwise, if given.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(..., *normalized_shape)``.
    normalized_shape : int or sequence of int
        The shape of the trailing axes to normalize over; an int ``n`` means ``(n,)``.
    weight, bias : Value or ndarray, optional
        Shape ``normalized_shape``, of the input's dtype.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.

    Returns
    -------
    Value
        The input's shape and dtype.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array, ``normalized_shape`` holds no ints,
        ``eps`` is not a real number, or ``weight`` or ``bias`` has another dtype.
    ValueError
        If ``normalized_shape`` is not the shape of the input's last axes, ``weight`` or
        ``bias`` is not of shape ``normalized_shape``, or ``eps`` is not positive.

    Examples
    --------
    >>> from tensorgrad import Value, layer_norm
    >>> x = Value([[1.0, 3.0], [2.0, 2.0]])
    >>> layer_norm(x, 2, eps=1e-12).data.round(6)
    array([[-1.,  1.],
           [ 0.,  0.]])
    >>> y = layer_norm(x, (2,), weight=Value([2.0, 1.0]), bias=Value([0.0, 1.0]))
    >>> y.data.round(4)
    array([[-2.,  2.],
           [ 0.,  1.]])
    """
    op = "layer_norm"
    x = as_value(input, op)
    shape = _normalized_shape(normalized_shape)
    k = len(shape)
    if k > x.ndim or x.shape[x.ndim - k :] != shape:
        raise ValueError(
            f"{op}: normalized_shape {shape} does not match the last dims of input of shape "
            f"{x.shape}"
        )
    eps = real_arg(eps, "eps", op)
    if not eps > 0:
        raise ValueError(f"{op}: eps must be positive, got {eps!r}")
    # (an int array's own dtype for the message: as_value made float64 of it)
    given = input.dtype if isinstance(input, np.ndarray) else x.dtype
    w_data = _affine(weight, "weight", shape, x.dtype, given)
    b_data = _affine(bias, "bias", shape, x.dtype, given)
    axes = tuple(range(x.ndim - k, x.ndim))
    x_hat, rstd = _normalized(x._data, axes, eps)
    data = x_hat
    if w_data is not None:
        data = data * w_data
    if b_data is not None:
        data = data + b_data
    saved = (x._data, w_data, like(b_data), axes, eps, x_hat, rstd)
    return record(data, op, _layer_norm_backward, (x, weight, bias), saved)


def _layer_norm_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """With x̂ = (x - μ)/σ, σ = √(var + eps) (μ and the biased var over the normalized axes)
    and ĝ = g·weight (g without a weight):

    dx = (1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), the means over the normalized axes;
    dweight = Σ g·x̂ and dbias = Σ g, the sums over the leading axes.

    (Under create_graph, x̂ and σ are computed again from ``x`` as a Value, so that the
    gradient can be differentiated again with respect to ``x``.)
    """
    x, weight, bias, axes, eps, x_hat, rstd = saved
    if isinstance(x, Value):
        x_hat, rstd = _normalized(x, axes, eps)
    if i == 1:
        return unbroadcast(g * x_hat, weight)
    if i == 2:
        return unbroadcast(g, bias)
    g_hat = g if weight is None else g * weight
    n = _count(x.shape, axes)
    mean_g = g_hat.sum(axis=axes, keepdims=True) / n
    mean_gx = (g_hat * x_hat).sum(axis=axes, keepdims=True) / n
    return rstd * (g_hat - mean_g - x_hat * mean_gx)


# -- for the forward and the formula ---------------------------------------------------------


def _normalized(x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, Any]:
    """``x̂ = (x - μ)/σ`` and ``1/σ`` (kept shape), of an array or a Value: the same formula
    for the forward and for the backward under create_graph."""
    n = _count(x.shape, axes)
    # An infinite element makes its group NaN (inf - inf), as in PyTorch, but without numpy's
    # warning.
    with np.errstate(invalid="ignore"):
        centred = x - x.sum(axis=axes, keepdims=True) / n
        rstd = ((centred * centred).sum(axis=axes, keepdims=True) / n + eps) ** -0.5
        return centred * rstd, rstd


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """The size of each group, at least 1 (an empty group has no elements to divide)."""
    return max(math.prod(shape[a] for a in axes), 1)


def _normalized_shape(normalized_shape: Any) -> tuple[int, ...]:
    op = "layer_norm"
    if isinstance(normalized_shape, (tuple, list)):
        return tuple(int_arg(n, "normalized_shape", op) for n in normalized_shape)
    return (int_arg(normalized_shape, "normalized_shape", op),)


def _affine(
    operand: Any, name: str, shape: tuple[int, ...], dtype: np.dtype[Any], given: np.dtype[Any]
) -> Any:
    """The array of ``weight`` or ``bias`` (None if not given), checked against the input."""
    op = "layer_norm"
    if operand is None:
        return None
    data = operand_data(operand, op)
    if not isinstance(data, np.ndarray):
        raise TypeError(
            f"{op}: {name} must be a Value or a numpy array, got {type(operand).__name__}"
        )
    if data.shape != shape:
        raise ValueError(
            f"{op}: {name} must have shape normalized_shape {shape}, got shape {data.shape}"
        )
    if data.dtype != dtype:  # as PyTorch: no promotion of a float32 model to float64
        raise TypeError(
            f"{op}: expected input and {name} to have the same dtype, got {given} and "
            f"{data.dtype}; convert the input with .astype(np.{data.dtype})"
        )
    return data

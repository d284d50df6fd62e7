"""Elementwise functions of one Value: ``exp``, ``log``, ``sqrt``, ``abs``, ``clip``, a dtype
change, and the activations ``tanh``, ``sigmoid`` and ``relu``.

The derivative of an elementwise function is elementwise too, so each backward is one
product with ``g``. Where the derivative is written with the result (``exp``, ``tanh``,
``sigmoid``, ``relu``, ``sqrt``), the node keeps the result instead of the input, and the
activations compute their backward in place, into the gradient they are given (the walk
hands them one that nobody else reads).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.record import operand_data, plain, record
from tensorgrad.tensor import Value, float_dtype

__all__ = ["abs", "astype", "clip", "exp", "log", "relu", "sigmoid", "sqrt", "tanh"]


def exp(x: Value) -> Value:
    """Exponential, ``e**x``, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.0, 1.0]).exp().data
    array([1.        , 2.71828183])
    """
    return record(np.exp(x._data), "exp", _exp_backward, (x,), (None,), keep_output=True)


def _exp_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d e**x = e**x dx = out dx"""
    return g * out


def log(x: Value) -> Value:
    """Natural logarithm, elementwise (NaN and a numpy warning for negative numbers).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([1.0, np.e]).log().data
    array([0., 1.])
    """
    return record(np.log(x._data), "log", _log_backward, (x,), (x._data,))


def _log_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log(x) = dx / x"""
    return g / saved[0]


def sqrt(x: Value) -> Value:
    """Square root, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([4.0, 9.0]).sqrt().data
    array([2., 3.])
    """
    return record(np.sqrt(x._data), "sqrt", _sqrt_backward, (x,), (None,), keep_output=True)


def _sqrt_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d √x = dx / (2 √x) = dx / (2 out)"""
    return 0.5 * g / out


def abs(x: Value) -> Value:
    """Absolute value, elementwise; its gradient at 0 is 0, and at NaN too (as PyTorch's).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 3.0]).abs().data
    array([2., 3.])
    """
    return record(np.abs(x._data), "abs", _abs_backward, (x,), (x._data,))


def _abs_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d |x| = sign(x) dx

    Ties: 0 at x == 0 (and at NaN), as PyTorch's sgn.
    """
    x = plain(saved[0])
    # The sign of x, 0 at 0 and at NaN as PyTorch's sgn (numpy's sign(NaN) is NaN):
    # the two masks as int8 (0 or 1), subtracted, cost about what np.sign does.
    return g * ((x > 0).view(np.int8) - (x < 0).view(np.int8))


def clip(x: Value, lo: float | None = None, hi: float | None = None) -> Value:
    """Limit the values to ``[lo, hi]``; the gradient passes where ``lo <= x <= hi``.

    As in numpy and PyTorch, bounds with ``lo > hi`` make every element ``hi``; the
    gradient is then 0 everywhere.

    Parameters
    ----------
    x : Value
        The values.
    lo, hi : float, optional
        The bounds; ``None`` leaves that side open.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0).data
    array([0. , 0.5, 1. ])
    """
    if lo is None and hi is None:
        raise ValueError("clip: give at least one of lo and hi")
    lo, hi = _bound(lo, "lo", x), _bound(hi, "hi", x)
    try:
        data = np.clip(x._data, lo, hi)
    except ValueError:
        raise ValueError(
            f"clip: bounds of shapes {np.shape(lo)} and {np.shape(hi)} do not broadcast to "
            f"the Value's shape {x.shape}"
        ) from None
    saved: tuple[Any, ...] = (x._data,)
    if lo is not None and hi is not None:
        crossed = np.greater(lo, hi)
        if crossed.any():
            # Bounds in the wrong order: every element becomes hi, and none lies in
            # [lo, hi], so no gradient passes (as in PyTorch), not even where x == hi.
            saved = (x._data, crossed)
    return record(data, "clip", _clip_backward, (x,), saved, keep_output=True)


def _bound(bound: Any, name: str, x: Value) -> Any:
    """A bound of :func:`clip` as numpy will read it: None, a Python number, or an array in
    ``x``'s dtype (a float64 array of bounds must not turn a float32 ``x`` into float64)."""
    if bound is None:
        return None
    if isinstance(bound, Value):
        raise TypeError(
            f"clip: {name} must be a number or a numpy array, got a Value; bounds get no "
            f"gradient here (tensorgrad.maximum and minimum give one to both operands)"
        )
    data = operand_data(bound, "clip")
    if data is NotImplemented:
        raise TypeError(
            f"clip: {name} must be a number or a numpy array, got {type(bound).__name__} {bound!r}"
        )
    return data.astype(x.dtype, copy=False) if isinstance(data, np.ndarray) else data


def _clip_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d clip(x, lo, hi) = dx where lo <= x <= hi, 0 elsewhere

    Ties: at x == lo or x == hi the gradient passes (as PyTorch's clamp).
    """
    kept = out == saved[0]  # the gradient passes where clipping left x unchanged
    if len(saved) > 1:
        kept = kept & ~saved[1]  # ... and lo <= hi
    return g * kept


def astype(x: Value, dtype: npt.DTypeLike) -> Value:
    """``x`` converted to another floating-point dtype; the gradient converts back.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([1.5]).astype(np.float32).dtype
    dtype('float32')
    """
    target = float_dtype(dtype, "astype")
    return record(x._data.astype(target), "astype", _astype_backward, (x,), (None, x._data.dtype))


def _astype_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d astype(x) = dx, in x's dtype"""
    return g.astype(saved[1])


# -- activations: their backward reads the result, and works in place ----------------------


def tanh(x: Value) -> Value:
    """Hyperbolic tangent, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.0, 1000.0]).tanh().data
    array([0., 1.])
    """
    data = np.tanh(x._data)
    return record(data, "tanh", _tanh_backward, (x,), (None,), keep_output=True, in_place=True)


def _tanh_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d tanh(x) = (1 - tanh²(x)) dx = (1 - out²) dx"""
    g *= 1 - out * out  # in place: see relu
    return g


def sigmoid(x: Value) -> Value:
    """Logistic sigmoid ``1 / (1 + e**-x)``, elementwise, accurate in both tails.

    As in PyTorch, tiny values for very negative ``x`` keep their relative precision
    (``sigmoid(-40)`` is about ``4.2e-18``, not 0), and no ``x`` gives a warning.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-1000.0, 0.0, 1000.0]).sigmoid().data
    array([0. , 0.5, 1. ])
    >>> print(f"{Value(-40.0).sigmoid().item():.6e}")  # about e**-40
    4.248354e-18
    """
    # 1 / (1 + e**-x), as PyTorch computes it: accurate to a few ulps, relative, in
    # both tails (the form 0.5 + 0.5 tanh(x/2) cancels to 0 below x = -37). e**-x
    # overflows to inf for x < -709 (-88 in float32), which gives 0 where the true
    # value is below the smallest normal number, as in PyTorch: not worth a warning.
    data = np.empty_like(x._data)  # `out=` keeps a 0-d result an array
    np.negative(x._data, out=data)
    with np.errstate(over="ignore"):
        np.exp(data, out=data)
    data += 1
    np.reciprocal(data, out=data)
    backward = _sigmoid_backward
    return record(data, "sigmoid", backward, (x,), (None,), keep_output=True, in_place=True)


def _sigmoid_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d σ(x) = σ(x) (1 - σ(x)) dx = out (1 - out) dx"""
    g *= out * (1 - out)  # in place: see relu
    return g


def relu(x: Value) -> Value:
    """Rectified linear unit ``max(x, 0)``, elementwise; its gradient at 0 is 0.

    As in PyTorch, a NaN input gives NaN, and its gradient passes through (1).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 0.0, 3.0]).relu().data
    array([0., 0., 3.])
    """
    data = np.maximum(x._data, 0)
    # The backward reads the result only, so the input's array is not kept for it.
    return record(data, "relu", _relu_backward, (x,), (None,), keep_output=True, in_place=True)


def _relu_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d relu(x) = dx where x > 0, 0 elsewhere

    Ties: 0 at x == 0; a NaN passes its gradient through, as in PyTorch.
    """
    # In place, as a hand-written backward does: the walk hands an in_place formula a
    # gradient that nobody else reads (a copy, if the result's Value is still alive).
    # With create_graph, g is a Value, which has no `*=`: Python then makes `g * mask`.
    # Not `out > 0`: a NaN input passes its gradient through, as in PyTorch (whose
    # mask is `out <= 0`, false for NaN). The result is never negative.
    g *= out != 0
    return g

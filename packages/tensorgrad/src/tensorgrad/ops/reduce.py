"""Reductions and statistics: ``sum mean prod``, ``max min amax amin``, ``var std norm``,
``cumsum cumprod``, ``argmax argmin``, ``all any``.

A reduction's backward spreads the result's gradient back over the elements it combined:
all of them equally for ``sum`` and ``mean``, only the winners for ``max`` and ``min``, each
in proportion to its own part for ``prod``, ``var``, ``std`` and ``norm``.

Every op takes numpy's spellings (``axis``, ``keepdims``) and PyTorch's (``dim``,
``keepdim``), meaning the same (see :func:`tensorgrad.axes.pytorch_spellings`). One name
means two things in the two libraries: ``x.max(axis=...)`` is numpy's, a Value (tied maxima
share the gradient, as ``torch.amax``), while ``x.max(d)`` and ``x.max(dim=d)`` are
PyTorch's, the pair ``(values, indices)`` (the gradient goes to the returned index only, as
``torch.max``): an axis given by position is PyTorch's ``dim``, so that a PyTorch habit such
as ``x.max(1)[0]`` never silently picks a row.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import (
    flag,
    kept_shape,
    normalize_axes,
    pytorch_spellings,
    reduced_count,
    single_axis,
)
from tensorgrad.broadcast import broadcast_to
from tensorgrad.ops.shape import concatenate
from tensorgrad.record import Operand, as_value, like, plain, record
from tensorgrad.tensor import Value

if TYPE_CHECKING:
    import tensorgrad.tensor  # the full name: scalargrad has a Value too (for the docs)

# ValuesIndices is the type of a result, not an op: public, outside __all__ (the op tables)
__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "cumprod",
    "cumsum",
    "max",
    "mean",
    "min",
    "norm",
    "prod",
    "std",
    "sum",
    "var",
]

Axis = int | Sequence[int] | None

# -- sum and mean ---------------------------------------------------------------------------


def sum(
    x: Operand,
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
    x = as_value(x, "sum")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("sum", axis, dim, None, keepdims, keepdim)
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
    x: Operand,
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
    x = as_value(x, "mean")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("mean", axis, dim, None, keepdims, keepdim)
    axes = normalize_axes(axis, x.ndim, "mean")
    keepdims = flag(keepdims, "keepdims", "mean")
    data = x._data.sum(axis=axes, keepdims=keepdims) / reduced_count(x.shape, axes)
    return record(data, "mean", _mean_backward, (x,), (None, axes, keepdims, x._data.shape))


def _mean_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d mean(x) = the mean's gradient / n, repeated over the n elements averaged"""
    _, axes, _, shape = saved
    return _sum_backward(g / reduced_count(shape, axes), out, saved, i)  # spread evenly


# -- prod -----------------------------------------------------------------------------------


def prod(
    x: Operand,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """Product over ``axis`` (an int, a tuple of ints, or all axes when None).

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``; unlike
    ``torch.prod``, a tuple of axes is taken, as numpy's ``prod`` takes it. The gradient of
    an element is the product of the others, computed without dividing by the element,
    so it is right where elements are 0 (see the backward's rule below).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[2.0, 0.0, 3.0], [1.0, 4.0, 5.0]])
    >>> p = x.prod(axis=1)
    >>> p.data
    array([ 0., 20.])
    >>> p.sum().backward()
    >>> x.grad  # the product of the others: 0 * 3, 2 * 3, 2 * 0; then 20 / x
    array([[ 0.,  6.,  0.],
           [20.,  5.,  4.]])
    """
    x = as_value(x, "prod")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("prod", axis, dim, None, keepdims, keepdim)
    axes, keepdims = _reduction(x, axis, keepdims, "prod")
    with np.errstate(over="ignore"):  # an overflowing product is inf, as in PyTorch
        data = np.prod(x._data, axis=axes, keepdims=keepdims)
    return record(data, "prod", _prod_backward, (x,), (x._data, axes, keepdims), keep_output=True)


def _prod_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d prod(x) = Σ_k (the product of the elements other than x_k) dx_k

    Ties: where no element of x is 0 that product is ``prod(x) / x_k``; where one is, it is
    computed without division, as PyTorch's (the product of the elements before x_k times
    that of those after it): the zero's gradient is the product of the others, the other
    elements' gradient 0, and with two zeros or more every gradient is 0. Both formulas are
    exact, so they hold at every order.
    """
    x, axes, keepdims = saved
    if not axes:  # the product of one element (a 0-d Value): the element itself
        return g
    g = _unreduced(g, x.shape, axes, keepdims)
    if (plain(x) != 0).all():
        return g * (_unreduced(out, x.shape, axes, keepdims) / x)  # (g * out may underflow)
    return g * _others(x, axes)


def _others(x: Any, axes: tuple[int, ...]) -> Any:
    """For each element, the product of the other elements of its group over ``axes``.

    Over one axis: the product of those before it times that of those after it. Over more:
    the others along the first axis of the group's products over the rest, times the
    others over the rest (the elements of the group split into those two parts).
    """
    first, rest = axes[0], axes[1:]
    if rest:
        return _others(x.prod(axis=rest, keepdims=True), (first,)) * _others(x, rest)
    after = _flip(_exclusive_cumprod(_flip(x, first), first), first)
    return _exclusive_cumprod(x, first) * after


# -- cumulative sums and products -----------------------------------------------------------


def cumsum(x: Operand, axis: int | None = None, *, dim: int | None = None) -> Value:
    """Cumulative sum along ``axis`` (one int; None: of the flattened Value, as numpy's).

    ``dim`` is PyTorch's spelling of ``axis``; a 0-d Value takes 0 or -1 and is its own
    cumulative sum.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> x.cumsum(dim=1).data
    array([[ 1.,  3.,  6.],
           [ 4.,  9., 15.]])
    >>> x.cumsum().data
    array([ 1.,  3.,  6., 10., 15., 21.])
    """
    x = as_value(x, "cumsum")
    return _scan(x, axis, dim, np.cumsum, "cumsum", _cumsum_backward)


def _cumsum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d cumsum(x)_j = Σ_{k ≤ j} dx_k: x_k's gradient is Σ_{j ≥ k} g_j, g summed from the end"""
    axis = saved[1]
    if axis is None:  # a 0-d Value
        return g
    return _flip(_flip(g, axis).cumsum(axis), axis)


def cumprod(x: Operand, axis: int | None = None, *, dim: int | None = None) -> Value:
    """Cumulative product along ``axis`` (one int; None: of the flattened Value, as numpy's).

    ``dim`` is PyTorch's spelling of ``axis``. Zeros are handled as in PyTorch: the
    gradient is computed without dividing by them (see the backward's rule below).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([2.0, 0.0, 3.0])
    >>> y = x.cumprod(dim=0)
    >>> y.data
    array([2., 0., 0.])
    >>> y.sum().backward()
    >>> x.grad  # d(2 + 2 x1 + 2 x1 x2): x1 = 0 still has its say
    array([1., 8., 0.])
    """
    x = as_value(x, "cumprod")
    return _scan(x, axis, dim, np.cumprod, "cumprod", _cumprod_backward)


def _cumprod_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d cumprod(x)_j = Σ_{k ≤ j} (Π_{i ≤ j, i ≠ k} x_i) dx_k

    Ties: where no element is 0, x_k's gradient is ``(Σ_{j ≥ k} g_j out_j) / x_k``. Where one
    is, no division: it is ``P_k R_k``, with ``P_k`` the product of the elements before x_k
    and ``R_k = g_k + x_{k+1} R_{k+1}`` (from the end), the same numbers as PyTorch's. Both
    are exact formulas, so both hold at every order; the second runs one step per element
    along the axis, only when the axis holds a zero.
    """
    x, axis = saved
    if axis is None:  # a 0-d Value
        return g
    if (plain(x) != 0).all():
        return _flip(_flip(g * out, axis).cumsum(axis), axis) / x
    n = x.shape[axis]
    r = _at(g, axis, n - 1)
    parts = [r]
    for k in range(n - 2, -1, -1):
        r = _at(g, axis, k) + _at(x, axis, k + 1) * r
        parts.append(r)
    return _exclusive_cumprod(x, axis) * _join(parts[::-1], axis)


def _scan(
    x: Value,
    axis: int | None,
    dim: int | None,
    scan: Callable[..., Any],
    op: str,
    backward: Callable[..., Any],
) -> Value:
    """cumsum or cumprod: along one axis, of the flattened Value when None."""
    if dim is not None:
        axis, _ = pytorch_spellings(op, axis, dim)
    if axis is None and x.ndim != 1:
        x = x.reshape(-1)  # numpy's meaning of no axis
    axes = single_axis(0 if axis is None else axis, x.ndim, op)
    if not axes:  # a 0-d Value, given axis 0 or -1
        return record(x._data.copy(), op, backward, (x,), (None, None))
    with np.errstate(over="ignore"):  # an overflowing product is inf, as in PyTorch
        data = scan(x._data, axis=axes[0])
    saved = (x._data if op == "cumprod" else None, axes[0])
    return record(data, op, backward, (x,), saved, keep_output=op == "cumprod")


# -- variance and standard deviation --------------------------------------------------------


def var(
    x: Operand,
    axis: Axis = None,
    *,
    keepdims: bool = False,
    dim: Axis = None,
    keepdim: bool | None = None,
    correction: float | None = None,
    unbiased: bool | None = None,
    ddof: float | None = None,
) -> Value:
    """Variance over ``axis``: ``Σ (x - mean(x))² / (n - correction)``.

    ``correction`` defaults to 1, as PyTorch's (numpy's ``ddof`` defaults to 0: give
    ``ddof=0`` for numpy's numbers). ``unbiased`` is PyTorch's older spelling (True for a
    correction of 1, False for 0) and ``ddof`` numpy's; give at most one of the three.
    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``. Everything
    after ``axis`` is keyword-only: ``x.var(0, True)`` means ``unbiased=True`` in PyTorch and
    ``keepdims=True`` in numpy's order, so it is refused rather than guessed.

    Where ``n <= correction`` the result is NaN (all elements equal, or none) or inf, and so
    is its gradient, as PyTorch's (which warns; no warning here).

    Raises
    ------
    TypeError
        If two of ``correction``, ``unbiased`` and ``ddof`` are given, or one is not a
        number (``unbiased``: not a bool).
    ValueError
        If ``correction`` (or ``ddof``) is not finite.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    >>> x.var(dim=1).data, x.var(axis=1, ddof=0).data
    (array([1., 0.]), array([0.66666667, 0.        ]))
    """
    x = as_value(x, "var")
    return _spread(x, axis, keepdims, dim, keepdim, (correction, unbiased, ddof), "var")


def _var_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d var(x) = 2 (x - mean(x)) / (n - correction) dx

    (With ``n - correction`` taken as 0 where it is negative, as PyTorch's: the gradient is
    then inf or NaN, as the variance is.)
    """
    x, axes, keepdims, correction = saved
    return _var_gradient(_unreduced(g, x.shape, axes, keepdims), x, axes, correction)


def std(
    x: Operand,
    axis: Axis = None,
    *,
    keepdims: bool = False,
    dim: Axis = None,
    keepdim: bool | None = None,
    correction: float | None = None,
    unbiased: bool | None = None,
    ddof: float | None = None,
) -> Value:
    """Standard deviation over ``axis``: the square root of :func:`var`, with its arguments.

    Its gradient where the standard deviation is 0 (all elements of a group equal) is 0, as
    PyTorch's.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 3.0], [2.0, 2.0]])
    >>> s = x.std(dim=1)
    >>> s.data
    array([1.41421356, 0.        ])
    >>> s.sum().backward()
    >>> x.grad
    array([[-0.70710678,  0.70710678],
           [ 0.        ,  0.        ]])
    """
    x = as_value(x, "std")
    return _spread(x, axis, keepdims, dim, keepdim, (correction, unbiased, ddof), "std")


def _std_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d std(x) = d var(x) / (2 std(x))

    Ties: 0 where std(x) == 0 (a kink: the groups whose elements are all equal), as
    PyTorch's.
    """
    x, axes, keepdims, correction = saved
    g, out = (_unreduced(a, x.shape, axes, keepdims) for a in (g, out))
    flat = plain(out) == 0
    g_var = g * ~flat / (2 * out + flat)  # (the division by 1 where std is 0 is masked)
    return _var_gradient(g_var, x, axes, correction)


def _spread(
    x: Value,
    axis: Axis,
    keepdims: bool,
    dim: Axis,
    keepdim: bool | None,
    corrections: tuple[Any, Any, Any],
    op: str,
) -> Value:
    """var or std: one node each, their closed-form gradient."""
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings(op, axis, dim, None, keepdims, keepdim)
    axes, keepdims = _reduction(x, axis, keepdims, op)
    correction = _correction(*corrections, op)
    n = reduced_count(x.shape, axes)
    data = x._data
    # An empty group (0 / 0) and n <= correction give NaN or inf, as in PyTorch, silently.
    with np.errstate(divide="ignore", invalid="ignore"):
        d = data - data.sum(axis=axes, keepdims=True) / n
        result = (d * d).sum(axis=axes, keepdims=keepdims) / (
            n - correction if n > correction else 0
        )
        if op == "std":
            result = np.sqrt(result)
    backward = _std_backward if op == "std" else _var_backward
    saved = (data, axes, keepdims, correction)
    return record(result, op, backward, (x,), saved, keep_output=op == "std")


def _var_gradient(g: Any, x: Any, axes: tuple[int, ...], correction: float) -> Any:
    """``g`` (in the kept shape) times the gradient of the variance, ``2 (x - mean) / dof``."""
    n = reduced_count(x.shape, axes)
    scale = 2.0 / (n - correction) if n > correction else math.inf
    with np.errstate(divide="ignore", invalid="ignore"):  # as in the forward
        return g * scale * (x - x.sum(axis=axes, keepdims=True) / n)


def _correction(correction: Any, unbiased: Any, ddof: Any, op: str) -> float:
    """The one correction that ``correction=``, ``unbiased=`` or ``ddof=`` gives (default 1)."""
    given = {
        name: value
        for name, value in (("correction", correction), ("unbiased", unbiased), ("ddof", ddof))
        if value is not None
    }
    if len(given) > 1:
        names = " and ".join(f"{name}={value!r}" for name, value in given.items())
        raise TypeError(f"{op}: give one of correction=, unbiased= and ddof=, got {names}")
    if not given:
        return 1.0
    ((name, value),) = given.items()
    if name == "unbiased":
        return 1.0 if flag(value, "unbiased", op) else 0.0
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{op}: {name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")
    return float(value)


# -- norm -----------------------------------------------------------------------------------


def norm(
    x: Operand,
    p: float | str = 2,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """The vector ``p``-norm over ``axis`` (all axes when None): ``(Σ |x|^p)^(1/p)``.

    ``p`` is any real number (``p < 1`` too, which gives no norm in the mathematical sense,
    as in PyTorch), ``inf`` (the largest ``|x|``), ``-inf`` (the smallest), ``0`` (how many
    elements are not 0) or ``"fro"`` (2, the Frobenius norm over any axes). The arguments
    are in ``Tensor.norm``'s order, ``(p, dim, keepdim)``, whose default ``"fro"`` gives the
    same numbers as 2 here; ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and
    ``keepdims``. Matrix norms (``"nuc"``, or ``p`` on two axes as ``numpy.linalg.norm``
    reads it) are not provided.

    The gradient follows PyTorch's (``linalg.vector_norm``): 0 where the norm is 0, ``sgn(x)``
    (0 at 0) for ``p = 1``, shared equally among the tied largest ``|x|`` for ``inf``, 0 for
    ``p = 0``.

    Raises
    ------
    TypeError
        If ``p`` is not a number or a string.
    ValueError
        If ``p`` is a string other than ``"fro"``, or NaN; or if ``p`` is negative or
        ``±inf`` and an axis to reduce over is empty (such a norm of no elements has no
        value, as in PyTorch).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[3.0, -4.0], [0.0, 0.0]])
    >>> x.norm(dim=1).data, x.norm(1, dim=1).data, x.norm(float("inf")).data
    (array([5., 0.]), array([7., 0.]), array(4.))
    >>> x.norm(dim=1).sum().backward()
    >>> x.grad  # x / ‖x‖, and 0 where the norm is 0
    array([[ 0.6, -0.8],
           [ 0. ,  0. ]])
    """
    x = as_value(x, "norm")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("norm", axis, dim, None, keepdims, keepdim)
    order = _order(p)
    axes, keepdims = _reduction(x, axis, keepdims, "norm")
    data = x._data
    if (order < 0 or math.isinf(order)) and reduced_count(x.shape, axes) == 0:
        raise ValueError(
            f"norm: the {p} norm over no elements has no value (axes {axes} of a Value of "
            f"shape {x.shape})"
        )
    magnitude = np.abs(data)
    if order == 2:
        result = np.sqrt((data * data).sum(axis=axes, keepdims=keepdims))
    elif order == 1:
        result = magnitude.sum(axis=axes, keepdims=keepdims)
    elif order == math.inf:
        result = magnitude.max(axis=axes, keepdims=keepdims)
    elif order == -math.inf:
        result = magnitude.min(axis=axes, keepdims=keepdims)
    elif order == 0:
        result = (data != 0).sum(axis=axes, keepdims=keepdims, dtype=data.dtype)
    else:
        with np.errstate(divide="ignore"):  # 0 ** -p is inf, and the norm then 0
            result = (magnitude**order).sum(axis=axes, keepdims=keepdims) ** (1 / order)
    saved = (data, axes, keepdims, order)
    return record(result, "norm", _norm_backward, (x,), saved, keep_output=True)


def _norm_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d ‖x‖_p = sgn(x) |x|^(p-1) ‖x‖^(1-p) dx, which is x / ‖x‖ dx for p = 2

    Ties: as PyTorch's. Where ‖x‖ = 0 the gradient is 0; where an element is 0 its
    gradient is 0 (sgn(0) = 0; for p < 1 too, where |x|^(p-1) is infinite there); for
    p = ±inf the gradient goes to the elements of largest (smallest) |x|, shared equally
    among them, with their sign; for p = 0 it is 0.
    """
    x, axes, keepdims, p = saved
    g, out = (_unreduced(a, x.shape, axes, keepdims) for a in (g, out))
    if p == 0:
        return broadcast_to(g * 0.0, x.shape)
    data = plain(x)
    if math.isinf(p):
        winners = np.abs(data) == plain(out)
        with np.errstate(invalid="ignore"):  # a NaN norm has no winners: 0 / 0, NaN
            return (
                g * (_sign(data) * winners) / winners.sum(axis=axes, keepdims=True, dtype=g.dtype)
            )
    zero = plain(out) == 0
    if p == 2:
        return x * (g * ~zero / (out + zero))
    scale = g * ~zero * (out + zero) ** (1 - p)
    if p == 1:
        return _sign(data) * scale
    return _sign(data) * (abs(x) + (data == 0)) ** (p - 1) * scale  # (|0| as 1, masked)


def _order(p: Any) -> float:
    """The norm's ``p`` as a float, ``"fro"`` as 2."""
    if isinstance(p, str):
        if p == "fro":
            return 2.0
        raise ValueError(f"norm: p must be a number or 'fro' (a vector norm), got {p!r}")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"norm: p must be a number or 'fro', got {type(p).__name__} {p!r}")
    if math.isnan(p):
        raise ValueError("norm: p must be a number, got nan")
    return float(p)


def _sign(x: Any) -> Any:
    """sgn(x) of an array as int8: 0 at 0 and at NaN, as PyTorch's ``sgn``."""
    return np.asarray(x > 0).view(np.int8) - np.asarray(x < 0).view(np.int8)


# -- max and min ----------------------------------------------------------------------------


class ValuesIndices(NamedTuple):
    """What ``x.max(dim=...)`` and ``x.min(dim=...)`` give, as PyTorch's (a named tuple).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> values, indices = Value([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    >>> values.data, indices
    (array([5., 7.]), array([1, 0]))
    """

    values: tensorgrad.tensor.Value
    """The extrema, a Value: its gradient goes to the element at ``indices`` only."""
    indices: npt.NDArray[np.intp]
    """Where they are along the axis (the first one, among ties)."""


@overload
def max(
    x: Operand,
    dim: None = None,
    keepdim: bool | None = None,
    *,
    axis: Axis = None,
    keepdims: bool = False,
) -> Value: ...
@overload
def max(
    x: Operand,
    dim: int,
    keepdim: bool | None = None,
    *,
    axis: None = None,
    keepdims: bool = False,
) -> ValuesIndices: ...
def max(
    x: Operand,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: Axis = None,
    keepdims: bool = False,
) -> Value | ValuesIndices:
    """The maximum, as PyTorch's ``max``: of everything, or along ``dim`` with the indices;
    or, with numpy's ``axis=``, over some axes as numpy's ``max``.

    The arguments are PyTorch's, in PyTorch's order, so the spelling says which is meant:

    * ``x.max()``, ``x.max(axis=...)`` (with ``keepdims=``): a Value, as numpy's ``max``
      (and PyTorch's ``amax``); tied maxima share the gradient equally.
    * ``x.max(d)``, ``x.max(dim=d)`` (with ``keepdim=``): :class:`ValuesIndices`,
      ``(values, indices)`` along the one axis ``d``, as ``torch.max(x, d)``. The index is
      that of the first maximum (of the first NaN, where there is one), and the gradient of
      ``values`` goes to that element only, as PyTorch's.

    So ``x.max(1)[0]`` is the maxima, as in PyTorch, never the first row of them.

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
    >>> x.max(dim=0).indices
    array([1, 0])
    >>> values, indices = x.max(1)
    >>> values.data, x.max(axis=1).data
    (array([5., 5.]), array([5., 5.]))
    """
    x = as_value(x, "max")
    if dim is not None:
        return _extremum_along(x, np.argmax, "max", axis, keepdims, dim, keepdim)
    if keepdim is not None:
        axis, keepdims = pytorch_spellings("max", axis, None, None, keepdims, keepdim)
    return _extremum(x, np.max, "max", axis, keepdims)


@overload
def min(
    x: Operand,
    dim: None = None,
    keepdim: bool | None = None,
    *,
    axis: Axis = None,
    keepdims: bool = False,
) -> Value: ...
@overload
def min(
    x: Operand,
    dim: int,
    keepdim: bool | None = None,
    *,
    axis: None = None,
    keepdims: bool = False,
) -> ValuesIndices: ...
def min(
    x: Operand,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: Axis = None,
    keepdims: bool = False,
) -> Value | ValuesIndices:
    """The minimum, as PyTorch's ``min``: of everything, or along ``dim`` with the indices;
    or, with numpy's ``axis=``, over some axes as numpy's ``min`` (the rules of :func:`max`).

    Raises
    ------
    ValueError
        If an axis to reduce over is empty.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 5.0], [0.0, 2.0]])
    >>> x.min(axis=0).data
    array([0., 2.])
    >>> x.min(dim=1).values.data, x.min(1)[1]
    (array([1., 0.]), array([0, 0]))
    """
    x = as_value(x, "min")
    if dim is not None:
        return _extremum_along(x, np.argmin, "min", axis, keepdims, dim, keepdim)
    if keepdim is not None:
        axis, keepdims = pytorch_spellings("min", axis, None, None, keepdims, keepdim)
    return _extremum(x, np.min, "min", axis, keepdims)


def amax(
    x: Operand,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """Maximum over ``axis`` (a Value), as ``torch.amax``: tied maxima share the gradient.

    The same as ``x.max(axis=...)``, under PyTorch's name, with ``dim`` and ``keepdim`` as
    PyTorch's spellings of ``axis`` and ``keepdims``.

    Raises
    ------
    ValueError
        If an axis to reduce over is empty.

    Examples
    --------
    >>> from tensorgrad import Value, amax
    >>> amax(Value([[1.0, 5.0], [7.0, 2.0]]), dim=1).data
    array([5., 7.])
    """
    x = as_value(x, "amax")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("amax", axis, dim, None, keepdims, keepdim)
    return _extremum(x, np.max, "amax", axis, keepdims)


def amin(
    x: Operand,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Value:
    """Minimum over ``axis`` (a Value), as ``torch.amin``: tied minima share the gradient.

    Raises
    ------
    ValueError
        If an axis to reduce over is empty.

    Examples
    --------
    >>> from tensorgrad import Value, amin
    >>> amin(Value([[1.0, 5.0], [7.0, 2.0]]), dim=0, keepdim=True).data
    array([[1., 2.]])
    """
    x = as_value(x, "amin")
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings("amin", axis, dim, None, keepdims, keepdim)
    return _extremum(x, np.min, "amin", axis, keepdims)


def _extremum(x: Value, reduce: Callable[..., Any], op: str, axis: Axis, keepdims: bool) -> Value:
    axes, keepdims = _reduction(x, axis, keepdims, op)
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


def _extremum_along(
    x: Value,
    find: Callable[..., Any],
    op: str,
    axis: Axis,
    keepdims: bool,
    dim: int,
    keepdim: bool | None,
) -> ValuesIndices:
    """PyTorch's ``max(dim)`` and ``min(dim)``: the extrema along one axis, and where they are."""
    axis, keepdims = pytorch_spellings(op, axis, dim, None, keepdims, keepdim)
    axes = single_axis(axis, x.ndim, op)
    keepdims = flag(keepdims, "keepdims", op)
    data = x._data
    if not axes:  # a 0-d Value, given dim 0 or -1: its one element, at index 0
        values = record(data.copy(), op, _picked_backward, (x,), (like(data), axes, True, None))
        return ValuesIndices(values, np.zeros((), np.intp))
    (a,) = axes
    if x.shape[a] == 0:
        raise ValueError(f"{op}: axis {a} of a Value of shape {x.shape} is empty")
    index = find(data, axis=a, keepdims=True)
    picked = np.take_along_axis(data, index, axis=a)
    saved = (like(data), axes, keepdims, index)
    if not keepdims:
        picked, index = picked.squeeze(a), index.squeeze(a)
    return ValuesIndices(record(picked, op, _picked_backward, (x,), saved), index)


def _picked_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d max(x, dim) = g at the returned index, 0 elsewhere (and so for min)

    Ties: the whole gradient goes to the returned index, the first of tied extrema, as
    PyTorch's ``max(dim)`` (where ``amax`` shares it among them).
    """
    x, axes, keepdims, index = saved
    if not axes:
        return g
    (a,) = axes
    g = _unreduced(g, x.shape, axes, keepdims)
    positions = np.arange(x.shape[a]).reshape((-1,) + (1,) * (len(x.shape) - a - 1))
    return g * (positions == index)


# -- indices and truth ----------------------------------------------------------------------


def argmax(
    x: Operand,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> npt.NDArray[np.intp]:
    """Indices of the maxima along ``axis`` (of the flattened array when None); no graph.

    ``dim`` and ``keepdim`` are PyTorch's spellings of ``axis`` and ``keepdims``. Among tied
    maxima the first is taken; a NaN counts as the maximum (as in numpy and PyTorch).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([[1.0, 5.0], [7.0, 2.0]])
    >>> x.argmax(axis=1), x.argmax(dim=0, keepdim=True)
    (array([1, 0]), array([[1, 0]]))
    """
    x = as_value(x, "argmax")
    return _index_of(x, np.argmax, "argmax", axis, keepdims, dim, keepdim)


def argmin(
    x: Operand,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> npt.NDArray[np.intp]:
    """Indices of the minima along ``axis`` (of the flattened array when None); no graph.

    As :func:`argmax`: the first of tied minima; a NaN counts as the minimum.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([[1.0, 5.0], [7.0, 2.0]]).argmin(dim=1)
    array([0, 1])
    """
    x = as_value(x, "argmin")
    return _index_of(x, np.argmin, "argmin", axis, keepdims, dim, keepdim)


def _index_of(
    x: Value,
    find: Callable[..., Any],
    op: str,
    axis: int | None,
    keepdims: bool,
    dim: int | None,
    keepdim: bool | None,
) -> npt.NDArray[np.intp]:
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings(op, axis, dim, None, keepdims, keepdim)
    keepdims = flag(keepdims, "keepdims", op)
    if axis is not None:
        axes = single_axis(axis, x.ndim, op)
        axis = axes[0] if axes else None  # (a 0-d Value's one element is its own extremum)
    if x.size == 0:
        raise ValueError(f"{op}: a Value of shape {x.shape} has no elements")
    return np.asarray(find(x._data, axis=axis, keepdims=keepdims))


def all(
    x: Any,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> npt.NDArray[np.bool_]:
    """Whether every element over ``axis`` is nonzero (NaN counts as nonzero): a numpy bool
    array, outside the graph.

    ``x`` is a Value, a numpy array or a number; ``dim`` and ``keepdim`` are PyTorch's
    spellings of ``axis`` and ``keepdims``. Over no elements the answer is True.

    Examples
    --------
    >>> from tensorgrad import Value, all
    >>> x = Value([[1.0, 0.0], [2.0, 3.0]])
    >>> all(x), x.all(dim=1)
    (array(False), array([False,  True]))
    """
    return _truth(x, np.all, "all", axis, keepdims, dim, keepdim)


def any(
    x: Any,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> npt.NDArray[np.bool_]:
    """Whether some element over ``axis`` is nonzero (NaN counts as nonzero): a numpy bool
    array, outside the graph.

    As :func:`all`; over no elements the answer is False.

    Examples
    --------
    >>> from tensorgrad import Value, any
    >>> any(Value([[1.0, 0.0], [0.0, 0.0]]), axis=1, keepdims=True)
    array([[ True],
           [False]])
    """
    return _truth(x, np.any, "any", axis, keepdims, dim, keepdim)


def _truth(
    x: Any,
    test: Callable[..., Any],
    op: str,
    axis: Axis,
    keepdims: bool,
    dim: Axis,
    keepdim: bool | None,
) -> npt.NDArray[np.bool_]:
    if dim is not None or keepdim is not None:
        axis, keepdims = pytorch_spellings(op, axis, dim, None, keepdims, keepdim)
    data = as_value(x, op)._data
    axes = normalize_axes(axis, data.ndim, op)
    return np.asarray(test(data, axis=axes, keepdims=flag(keepdims, "keepdims", op)))


# -- for the forwards and the formulas ------------------------------------------------------


def _reduction(x: Value, axis: Axis, keepdims: Any, op: str) -> tuple[tuple[int, ...], bool]:
    """The axes and the flag of a reduction of ``x``, checked."""
    return normalize_axes(axis, x.ndim, op), flag(keepdims, "keepdims", op)


def _unreduced(a: Any, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    """A reduction's result or gradient with its reduced axes back, of size 1."""
    return a if keepdims or not a.ndim else a.reshape(kept_shape(shape, axes))


def _flip(a: Any, axis: int) -> Any:
    """``a`` reversed along ``axis`` (an array, or a Value operation)."""
    return a[(slice(None),) * axis + (slice(None, None, -1),)]


def _at(a: Any, axis: int, k: int) -> Any:
    """The slice ``k`` of ``a`` along ``axis``, that axis kept (of size 1)."""
    return a[(slice(None),) * axis + (slice(k, k + 1),)]


def _join(parts: list[Any], axis: int) -> Any:
    """Arrays or Values joined along ``axis``: numpy's concatenate for arrays, else ours."""
    if builtins.any(isinstance(p, Value) for p in parts):
        return concatenate(parts, axis=axis)
    return np.concatenate(parts, axis=axis)


def _exclusive_cumprod(a: Any, axis: int) -> Any:
    """The product of the elements before each along ``axis`` (1 for the first): no division."""
    ones = np.ones(kept_shape(a.shape, (axis,)), a.dtype)
    before = a[(slice(None),) * axis + (slice(None, -1),)]
    return _join([ones, before], axis).cumprod(axis)

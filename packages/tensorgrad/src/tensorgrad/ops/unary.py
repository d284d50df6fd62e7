"""Elementwise functions of one Value: powers and logarithms, trigonometry, ``erf``, rounding,
``clamp``/``clip``, a dtype change, and the activations ``tanh``, ``sigmoid`` and ``relu``.

The derivative of an elementwise function is elementwise too, so each backward is one
product with ``g``. Where the derivative is written with the result (``exp``, ``tanh``,
``sigmoid``, ``relu``, ``sqrt``, ``rsqrt``, ``tan``...), the node keeps the result instead of
the input, and the activations compute their backward in place, into the gradient they are
given (the walk hands them one that nobody else reads). A derivative that needs another
function of the input (``sin``'s is ``cos``) calls that function's op when the formula runs
on Values (under ``create_graph=True``), so it can be differentiated again.

The rounding functions (``sign floor ceil round trunc``) are steps: their gradient is 0, as
in PyTorch, and the result still joins the graph (``floor(x).sum().backward()`` works).

Domains are numpy's and PyTorch's: ``log`` of a negative number is NaN, ``1 / 0`` is inf
(numpy warns where a result is not finite; never where it is); NaN in gives NaN out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad import special
from tensorgrad.axes import int_arg, refuse_inplace
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Array, Operand, as_value, operand_data, plain, record, zeros_of
from tensorgrad.tensor import Value, float_dtype

__all__ = [
    "abs",
    "astype",
    "ceil",
    "clamp",
    "clip",
    "cos",
    "erf",
    "exp",
    "exp2",
    "expm1",
    "floor",
    "log",
    "log1p",
    "log2",
    "reciprocal",
    "relu",
    "round",
    "rsqrt",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
]

_LN2 = math.log(2.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _of(x: Any, op: Callable[[Value], Value], ufunc: Callable[[Any], Any]) -> Any:
    """``op(x)`` for a Value (a formula under ``create_graph``), ``ufunc(x)`` for an array."""
    return op(x) if isinstance(x, Value) else ufunc(x)


def exp(x: Operand) -> Value:
    """Exponential, ``e**x``, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.0, 1.0]).exp().data
    array([1.        , 2.71828183])
    """
    x = as_value(x, "exp")
    return record(np.exp(x._data), "exp", _exp_backward, (x,), (None,), keep_output=True)


def _exp_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d e**x = e**x dx = out dx"""
    return g * out


def log(x: Operand) -> Value:
    """Natural logarithm, elementwise (NaN, and numpy's warning, for negative numbers).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([1.0, np.e]).log().data
    array([0., 1.])
    """
    x = as_value(x, "log")
    data = x._data
    return record(np.log(data), "log", _log_backward, (x,), (data,))


def _log_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log(x) = dx / x"""
    return g / saved[0]


def sqrt(x: Operand) -> Value:
    """Square root, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([4.0, 9.0]).sqrt().data
    array([2., 3.])
    """
    x = as_value(x, "sqrt")
    data = np.sqrt(x._data)
    return record(data, "sqrt", _sqrt_backward, (x,), (None,), keep_output=True)


def _sqrt_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d √x = dx / (2 √x) = dx / (2 out)"""
    return 0.5 * g / out


def abs(x: Operand) -> Value:
    """Absolute value, elementwise; its gradient at 0 is 0, and at NaN too (as PyTorch's).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 3.0]).abs().data
    array([2., 3.])
    """
    x = as_value(x, "abs")
    data = x._data
    return record(np.abs(data), "abs", _abs_backward, (x,), (data,))


def _abs_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d |x| = sign(x) dx

    Ties: 0 at x == 0 (and at NaN), as PyTorch's sgn.
    """
    x = plain(saved[0])
    # The sign of x, 0 at 0 and at NaN as PyTorch's sgn (numpy's sign(NaN) is NaN):
    # the two masks as int8 (0 or 1), subtracted, cost about what np.sign does.
    return g * ((x > 0).view(np.int8) - (x < 0).view(np.int8))


def square(x: Operand) -> Value:
    """``x * x``, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 3.0]).square().data
    array([4., 9.])
    """
    x = as_value(x, "square")
    data = x._data
    return record(np.square(data), "square", _square_backward, (x,), (data,))


def _square_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d x² = 2x dx"""
    return g * (2 * saved[0])


def rsqrt(x: Operand) -> Value:
    """``1 / sqrt(x)``, elementwise (``inf`` at 0 and NaN for negative numbers, as in PyTorch;
    numpy warns there, as for ``log``).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([4.0, 0.25]).rsqrt().data
    array([0.5, 2. ])
    """
    x = as_value(x, "rsqrt")
    data = 1 / np.sqrt(x._data)
    return record(data, "rsqrt", _rsqrt_backward, (x,), (None,), keep_output=True)


def _rsqrt_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d x^(-1/2) = -x^(-3/2) / 2 dx = -out³ / 2 dx"""
    return g * (-0.5 * out * out * out)


def reciprocal(x: Operand) -> Value:
    """``1 / x``, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([2.0, -0.5]).reciprocal().data
    array([ 0.5, -2. ])
    """
    x = as_value(x, "reciprocal")
    data = np.reciprocal(x._data)
    return record(data, "reciprocal", _reciprocal_backward, (x,), (None,), keep_output=True)


def _reciprocal_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (1/x) = -dx / x² = -out² dx"""
    return -g * (out * out)


def log1p(x: Operand) -> Value:
    """``log(1 + x)``, elementwise, accurate for small ``x``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> print(f"{Value(1e-10).log1p().item():.10e}")
    9.9999999995e-11
    """
    x = as_value(x, "log1p")
    data = x._data
    return record(np.log1p(data), "log1p", _log1p_backward, (x,), (data,))


def _log1p_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log(1 + x) = dx / (1 + x)"""
    return g / (1 + saved[0])


def log2(x: Operand) -> Value:
    """Logarithm to base 2, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1.0, 8.0]).log2().data
    array([0., 3.])
    """
    x = as_value(x, "log2")
    data = x._data
    return record(np.log2(data), "log2", _log2_backward, (x,), (data,))


def _log2_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log₂(x) = dx / (x ln 2)"""
    return g / (saved[0] * _LN2)


def expm1(x: Operand) -> Value:
    """``e**x - 1``, elementwise, accurate for small ``x``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> print(f"{Value(1e-10).expm1().item():.6e}")
    1.000000e-10
    """
    x = as_value(x, "expm1")
    data = np.expm1(x._data)
    return record(data, "expm1", _expm1_backward, (x,), (None,), keep_output=True)


def _expm1_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (e**x - 1) = e**x dx = (out + 1) dx"""
    return g * (out + 1)


def exp2(x: Operand) -> Value:
    """``2**x``, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([3.0, -1.0]).exp2().data
    array([8. , 0.5])
    """
    x = as_value(x, "exp2")
    data = np.exp2(x._data)
    return record(data, "exp2", _exp2_backward, (x,), (None,), keep_output=True)


def _exp2_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d 2**x = 2**x ln 2 dx = out ln 2 dx"""
    return g * (out * _LN2)


# -- trigonometry and erf -----------------------------------------------------------------------


def sin(x: Operand) -> Value:
    """Sine, elementwise (radians).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([0.0, np.pi / 2]).sin().data
    array([0., 1.])
    """
    x = as_value(x, "sin")
    data = x._data
    return record(np.sin(data), "sin", _sin_backward, (x,), (data,))


def _sin_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d sin(x) = cos(x) dx"""
    return g * _of(saved[0], cos, np.cos)


def cos(x: Operand) -> Value:
    """Cosine, elementwise (radians).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([0.0, np.pi]).cos().data
    array([ 1., -1.])
    """
    x = as_value(x, "cos")
    data = x._data
    return record(np.cos(data), "cos", _cos_backward, (x,), (data,))


def _cos_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d cos(x) = -sin(x) dx"""
    return -g * _of(saved[0], sin, np.sin)


def tan(x: Operand) -> Value:
    """Tangent, elementwise (radians).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([0.0, np.pi / 4]).tan().data.round(12)
    array([0., 1.])
    """
    x = as_value(x, "tan")
    data = np.tan(x._data)
    return record(data, "tan", _tan_backward, (x,), (None,), keep_output=True)


def _tan_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d tan(x) = (1 + tan²(x)) dx = (1 + out²) dx"""
    return g * (1 + out * out)


def erf(x: Operand) -> Value:
    """The error function ``2/√π ∫₀ˣ e^(-t²) dt``, elementwise (see :func:`tensorgrad.special.erf`).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.0, 1.0]).erf().data
    array([0.        , 0.84270079])
    """
    x = as_value(x, "erf")
    data = x._data
    return record(special.erf(data), "erf", _erf_backward, (x,), (data,))


def _erf_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d erf(x) = 2/√π e^(-x²) dx"""
    x = saved[0]
    with np.errstate(over="ignore"):  # x² = inf for huge x, and e^-inf = 0 is right
        return g * (_TWO_OVER_SQRT_PI * _of(-(x * x), exp, np.exp))


# -- steps: sign and rounding, whose gradient is 0 ----------------------------------------------


def sign(x: Operand) -> Value:
    """The sign of each element: -1, 0 or 1 (NaN for NaN); its gradient is 0.

    PyTorch's ``sign`` gives 0 for NaN; here NaN stays NaN (as numpy's), so that a NaN is never
    hidden.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 0.0, 3.0]).sign().data
    array([-1.,  0.,  1.])
    """
    x = as_value(x, "sign")
    return record(np.sign(x._data), "sign", _step_backward, (x,), (None,))


def floor(x: Operand) -> Value:
    """The largest whole number ``<= x``, elementwise; its gradient is 0.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-1.5, 2.7]).floor().data
    array([-2.,  2.])
    """
    x = as_value(x, "floor")
    return record(np.floor(x._data), "floor", _step_backward, (x,), (None,))


def ceil(x: Operand) -> Value:
    """The smallest whole number ``>= x``, elementwise; its gradient is 0.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-1.5, 2.2]).ceil().data
    array([-1.,  3.])
    """
    x = as_value(x, "ceil")
    return record(np.ceil(x._data), "ceil", _step_backward, (x,), (None,))


def trunc(x: Operand) -> Value:
    """``x`` with its fractional part dropped (rounded toward 0), elementwise; gradient 0.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-1.5, 2.7]).trunc().data
    array([-1.,  2.])
    """
    x = as_value(x, "trunc")
    return record(np.trunc(x._data), "trunc", _step_backward, (x,), (None,))


def round(x: Operand, *, decimals: int = 0) -> Value:
    """Round to ``decimals`` decimal places, halves to even, as ``torch.round``; gradient 0.

    Parameters
    ----------
    x : Value, ndarray or number
        The values.
    decimals : int, default 0
        How many decimal places to keep (negative: round to tens, hundreds...). As in numpy
        and PyTorch, ``x`` is scaled by ``10**decimals``, rounded to a whole number, and
        scaled back.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.5, 1.5, 2.5, -0.5]).round().data
    array([ 0.,  2.,  2., -0.])
    >>> Value([1.2345, 1234.5]).round(decimals=2).tolist()
    [1.23, 1234.5]
    >>> Value([1234.5]).round(decimals=-2).tolist()
    [1200.0]
    """
    x = as_value(x, "round")
    data = x._data
    places = int_arg(decimals, "decimals", "round")
    return record(np.round(data, places), "round", _step_backward, (x,), (None,))


def _step_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d sign(x) = d floor(x) = d ceil(x) = d trunc(x) = d round(x) = 0

    Ties: 0 at the steps too (where the functions jump), as in PyTorch.
    """
    return zeros_of(g)


# -- clamp (clip) ------------------------------------------------------------------------------


def clamp(x: Operand, min: Any = None, max: Any = None) -> Value:
    """Limit the values to ``[min, max]``, as ``torch.clamp``; the bounds may be Values.

    The result has the broadcast shape of ``x`` and the bounds. ``x``'s gradient passes where
    ``min <= x <= max`` (at a tie with a bound too); a Value bound gets the gradient of the
    elements it replaced: ``min`` where ``x < min`` (and ``min < max``), ``max`` where
    ``x > max``, and everywhere if ``min > max``, when every element becomes ``max`` (as in
    numpy and PyTorch). A NaN in ``x`` or a bound gives NaN, and no gradient to anyone.

    Parameters
    ----------
    x : Value, ndarray or number
        The values.
    min, max : number, array or Value, optional
        The bounds; None leaves that side open (one of them must be given). A numpy array of
        bounds is taken in ``x``'s dtype; a Value bound is promoted with ``x`` as in ``x + min``.

    Raises
    ------
    ValueError
        If both bounds are None, or the shapes do not broadcast.
    TypeError
        If a bound is not a number, a numeric array or a Value.

    Examples
    --------
    >>> from tensorgrad import Value, clamp
    >>> x, hi = Value([-2.0, 0.5, 3.0]), Value(1.0)
    >>> y = clamp(x, min=0.0, max=hi)
    >>> y.sum().backward()
    >>> y.data, x.grad, hi.grad
    (array([0. , 0.5, 1. ]), array([0., 1., 0.]), array(1.))
    """
    x = as_value(x, "clamp")
    return _clamp("clamp", x, min, max, ("min", "max"))


def clip(x: Operand, lo: Any = None, hi: Any = None) -> Value:
    """Limit the values to ``[lo, hi]``: numpy's name for :func:`clamp`, and the same op.

    Parameters
    ----------
    x : Value, ndarray or number
        The values.
    lo, hi : number, array or Value, optional
        The bounds (``clamp``'s ``min`` and ``max``); None leaves that side open.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0).data
    array([0. , 0.5, 1. ])
    """
    x = as_value(x, "clip")
    return _clamp("clip", x, lo, hi, ("lo", "hi"))


def _clamp(op: str, x: Value, lo: Any, hi: Any, names: tuple[str, str]) -> Value:
    data = x._data
    if lo is None and hi is None:
        raise ValueError(f"{op}: give at least one of {names[0]} and {names[1]}")
    lo_data, hi_data = _bound(lo, names[0], data, op), _bound(hi, names[1], data, op)
    try:
        out = np.clip(data, lo_data, hi_data)
    except ValueError:
        raise ValueError(
            f"{op}: the Value's shape {x.shape} and the bounds' shapes {np.shape(lo_data)} "
            f"and {np.shape(hi_data)} cannot be broadcast together"
        ) from None
    return record(out, op, _clamp_backward, (x, lo, hi), (data, lo_data, hi_data))


def _bound(bound: Any, name: str, x: Array, op: str) -> Any:
    """A bound as numpy will read it: None, a Python number, a Value's array, or a constant
    array in ``x``'s dtype (a float64 array of bounds must not make a float32 ``x`` float64)."""
    if bound is None:
        return None
    data = operand_data(bound, op)
    if data is NotImplemented:
        raise TypeError(
            f"{op}: {name} must be a number, a numpy array or a Value, "
            f"got {type(bound).__name__} {bound!r}"
        )
    if isinstance(bound, Value) or not isinstance(data, np.ndarray):
        return data
    return data.astype(x.dtype, copy=False)


def _clamp_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d clamp(x, lo, hi) = dx where lo <= x <= hi, d lo where x < lo < hi,
    d hi where x > hi or lo > hi, 0 elsewhere

    Ties: at x == lo or x == hi the gradient goes to x (as PyTorch's clamp); where
    lo == hi > x nobody gets it, as in PyTorch. A NaN anywhere passes no gradient.
    """
    x, lo, hi = plain(saved[0]), plain(saved[1]), plain(saved[2])
    if i == 0:
        passes = True if lo is None else x >= lo
        if hi is not None:
            passes = passes & (x <= hi)
    elif i == 1:
        passes = x < lo
        if hi is not None:
            passes = passes & (lo < hi)
    else:
        passes = x > hi
        if lo is not None:
            passes = passes | (lo > hi)
    return unbroadcast(g * passes, saved[i])


def astype(x: Operand, dtype: npt.DTypeLike) -> Value:
    """``x`` converted to another floating-point dtype; the gradient converts back.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([1.5]).astype(np.float32).dtype
    dtype('float32')
    """
    x = as_value(x, "astype")
    target = float_dtype(dtype, "astype")
    data = x._data
    return record(data.astype(target), "astype", _astype_backward, (x,), (None, data.dtype))


def _astype_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d astype(x) = dx, in x's dtype"""
    return g.astype(saved[1])


# -- activations: their backward reads the result, and works in place ----------------------


def tanh(x: Operand) -> Value:
    """Hyperbolic tangent, elementwise.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([0.0, 1000.0]).tanh().data
    array([0., 1.])
    """
    x = as_value(x, "tanh")
    data = np.tanh(x._data)
    return record(data, "tanh", _tanh_backward, (x,), (None,), keep_output=True, in_place=True)


def _tanh_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d tanh(x) = (1 - tanh²(x)) dx = (1 - out²) dx"""
    g *= 1 - out * out  # in place: see relu
    return g


def sigmoid(x: Operand) -> Value:
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
    x = as_value(x, "sigmoid")
    # 1 / (1 + e**-x), as PyTorch computes it: accurate to a few ulps, relative, in
    # both tails (the form 0.5 + 0.5 tanh(x/2) cancels to 0 below x = -37). e**-x
    # overflows to inf for x < -709 (-88 in float32), which gives 0 where the true
    # value is below the smallest normal number, as in PyTorch: not worth a warning.
    array = x._data
    data = np.empty_like(array)  # `out=` keeps a 0-d result an array
    np.negative(array, out=data)
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


def relu(x: Operand, inplace: bool = False) -> Value:
    """Rectified linear unit ``max(x, 0)``, elementwise; its gradient at 0 is 0.

    As in PyTorch, a NaN input gives NaN, and its gradient passes through (1).
    PyTorch's ``inplace=False`` is accepted; ``inplace=True`` is refused (see
    :func:`~tensorgrad.axes.refuse_inplace`).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([-2.0, 0.0, 3.0]).relu().data
    array([0., 0., 3.])
    """
    if inplace is not False:  # one test on the hot path; refuse_inplace tells why
        refuse_inplace(inplace, "relu")
    x = as_value(x, "relu")
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

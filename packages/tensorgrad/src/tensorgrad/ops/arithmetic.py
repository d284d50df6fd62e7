"""Elementwise arithmetic of two operands, broadcast as numpy does: ``+ - * / **``, ``-x``, and
``//`` and ``%`` (:func:`floor_divide`, :func:`remainder`, and C's :func:`fmod` beside them).

Also :func:`maximum` and :func:`minimum`, the elementwise choice between two operands, and
:func:`lerp`, the linear interpolation between two operands by a third.

Each operand's gradient goes through :func:`~tensorgrad.broadcast.unbroadcast`, which sums it
back to the operand's shape and casts it to the operand's dtype. An operand may be a Value
or a constant (a number or a numpy array, which gets no gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tensorgrad.broadcast import unbroadcast
from tensorgrad.node import BackwardFn
from tensorgrad.record import (
    Array,
    Operand,
    as_value,
    in_float,
    log_of,
    node_of,
    operand_data,
    plain,
    record,
    type_error,
    where_of,
    zeros_of,
)
from tensorgrad.tensor import Value

__all__ = [
    "add",
    "div",
    "floor_divide",
    "fmod",
    "lerp",
    "maximum",
    "minimum",
    "mul",
    "neg",
    "pow",
    "remainder",
    "sub",
]

_BOTH = (True, True)


def _elementwise(
    op: str,
    fn: Callable[[Any, Any], Any],
    backward: BackwardFn,
    a: Any,
    b: Any,
    keep_output: bool = False,
    reads: tuple[bool, bool] = _BOTH,
) -> Value:
    """An elementwise operation of two operands, broadcast; NotImplemented for other types.

    ``reads`` says which operands' arrays the backward reads. Of one it does not read (both,
    for ``+`` and ``-``; ``a`` in ``a / b``) it needs the shape and dtype only (see
    :func:`_shape_of`), so that no array is kept for nothing (``x @ W`` in ``x @ W + b``).
    """
    a_data, b_data = operand_data(a, op), operand_data(b, op)
    if a_data is NotImplemented or b_data is NotImplemented:
        return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
    if type(a) is np.ndarray or type(b) is np.ndarray:  # a constant array: ints take the float
        a_data, b_data = in_float(a_data, b_data), in_float(b_data, a_data)
    try:
        data = fn(a_data, b_data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {np.shape(a_data)} and {np.shape(b_data)} cannot be broadcast together"
        ) from None
    if reads is _BOTH:
        saved = (a_data, b_data)
    else:
        saved = (
            a_data if reads[0] else _shape_of(a, a_data, data),
            b_data if reads[1] else _shape_of(b, b_data, data),
        )
    return record(data, op, backward, (a, b), saved, keep_output=keep_output)


def _shape_of(x: Any, array: Any, result: Array) -> Any:
    """What a backward that reads only ``x``'s shape and dtype saves of it.

    None if it has the result's (the gradient fits as it is) or if ``x`` is a constant (no
    gradient is asked of it); else ``x``'s node, which knows its Value's shape and dtype, as
    a :class:`~tensorgrad.record.Like` would, without making one per operation.
    """
    if not isinstance(x, Value):
        return None
    if array.shape == result.shape and array.dtype == result.dtype:
        return None
    return node_of(x)


def add(a: Operand, b: Operand) -> Value:
    """``a + b``, broadcast.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import add
    >>> add(Value([1.0, 2.0]), 10.0).numpy()
    array([11., 12.])
    """
    return _elementwise("add", np.add, _add_backward, a, b, reads=(False, False))


def _add_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a + b) = da + db"""
    # None: the operand was like the result (see _elementwise), so g fits it as it is.
    return g if saved[i] is None else unbroadcast(g, saved[i])


def sub(a: Operand, b: Operand) -> Value:
    """``a - b``, broadcast.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import sub
    >>> sub(10.0, Value([1.0, 2.0])).numpy()
    array([9., 8.])
    """
    return _elementwise("sub", np.subtract, _sub_backward, a, b, reads=(False, False))


def _sub_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a - b) = da - db"""
    grad = g if i == 0 else -g
    return grad if saved[i] is None else unbroadcast(grad, saved[i])


def mul(a: Operand, b: Operand) -> Value:
    """``a * b``, elementwise and broadcast.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import mul
    >>> mul(Value([1.0, 2.0]), Value([3.0, 4.0])).numpy()
    array([3., 8.])
    """
    return _elementwise("mul", np.multiply, _mul_backward, a, b)


def _mul_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a b) = b da + a db"""
    a, b = saved
    return unbroadcast(g * b, a) if i == 0 else unbroadcast(g * a, b)


def div(a: Operand, b: Operand) -> Value:
    """``a / b``, true division, broadcast.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import div
    >>> div(Value([1.0, 3.0]), 2.0).numpy()
    array([0.5, 1.5])
    """
    reads = (False, True)  # of a, the backward reads the shape only
    return _elementwise("div", np.true_divide, _div_backward, a, b, keep_output=True, reads=reads)


def _div_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a / b) = da / b - (a / b²) db = da / b - (out / b) db"""
    a, b = saved  # (a: its shape and dtype only, or None if the result's)
    if i == 0:
        grad = g / b
        return grad if a is None else unbroadcast(grad, a)
    return unbroadcast(-g * out / b, b)


def pow(a: Operand, b: Operand) -> Value:
    """``a ** b``, broadcast; either may be a Value.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import pow
    >>> pow(Value([2.0, 3.0]), 2).numpy()
    array([4., 9.])
    """
    return _elementwise("pow", np.power, _pow_backward, a, b, keep_output=True)


def _pow_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a**b) = b a**(b-1) da + a**b log(a) db"""
    a, b = saved
    if i == 0:
        # d/da = b a**(b-1), which is 0 where b == 0 (a**0 is the constant 1); but at a
        # base of 0 (or NaN) the formula is 0 * inf = NaN. PyTorch returns 0 there.
        if isinstance(b, (int, float)):  # the common case, x**2: no mask to compute
            if b == 0:
                return zeros_of(g, a)
            return unbroadcast(g * b * a ** (b - 1), a)
        base = a
        zero_exponent = plain(b) == 0
        if zero_exponent.any():
            # Only where the formula fails: elsewhere b == 0 keeps its exact derivative
            # with respect to b (a**-1), which higher-order derivatives need.
            # `not |a| > 0` is true for 0 and for NaN.
            bad = zero_exponent & ~(np.abs(plain(a)) > 0)
            if bad.any():
                base = where_of(bad, 1.0, a)  # 0 * 1**-1 = 0, with no inf on the way
        return unbroadcast(g * b * base ** (b - 1), a)
    # d/db = a**b log(a): at a == 0 that is 0 * -inf = NaN for b >= 0 (and a numpy
    # warning); PyTorch returns 0 there, as the limit from a > 0. For b < 0, a**b is
    # inf and the gradient -inf, as in PyTorch.
    zero_base = plain(a) == 0
    if np.any(zero_base):
        a = where_of(zero_base & (plain(b) >= 0), 1.0, a)  # log(1) = 0
    return unbroadcast(g * out * log_of(a), b)


def neg(x: Operand) -> Value:
    """``-x``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.arithmetic import neg
    >>> neg(Value([1.0, -2.0])).numpy()
    array([-1.,  2.])
    """
    x = as_value(x, "neg")
    return record(np.negative(x._data), "neg", _neg_backward, (x,), (None,))


def _neg_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(-a) = -da"""
    return -g


def maximum(a: Operand, b: Operand) -> Value:
    """Elementwise maximum of ``a`` and ``b``, broadcast; ties share the gradient equally.

    As in PyTorch and ``np.maximum``, a NaN in either operand gives NaN, and then both
    operands get the gradient.

    Examples
    --------
    >>> from tensorgrad import Value, maximum
    >>> x = Value([1.0, 2.0, 3.0])
    >>> y = maximum(x, 2.0)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([2., 2., 3.]), array([0. , 0.5, 1. ]))
    """
    return _named("maximum", np.maximum, _maximum_backward, a, b)


def minimum(a: Operand, b: Operand) -> Value:
    """Elementwise minimum of ``a`` and ``b``, broadcast; ties share the gradient equally.

    A NaN in either operand gives NaN, and both operands get the gradient (as :func:`maximum`).

    Examples
    --------
    >>> from tensorgrad import Value, minimum
    >>> minimum(Value([1.0, 2.0, 3.0]), 2.0).data
    array([1., 2., 2.])
    """
    return _named("minimum", np.minimum, _minimum_backward, a, b)


def _named(
    op: str,
    fn: Callable[[Any, Any], Any],
    backward: BackwardFn,
    a: Operand,
    b: Operand,
    reads: tuple[bool, bool] = _BOTH,
) -> Value:
    """:func:`_elementwise` for an op called by name: a foreign operand is a clear TypeError."""
    result = _elementwise(op, fn, backward, a, b, reads=reads)
    if result is NotImplemented:
        raise type_error(op, a, b)
    return result


# maximum and minimum, as in PyTorch: an operand gets the gradient unless the other one wins
# (is strictly larger, for maximum), and half of it where the two tie. So with a NaN, which
# neither wins against, both get all of it (a mask `x == out` would give both none).


def _maximum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d max(a, b) = da where a > b, db where b > a, (da + db) / 2 where a == b

    Ties: an exact tie shares the gradient equally; with a NaN both operands get all of it.
    """
    x, other = saved[i], saved[1 - i]
    return unbroadcast(g * ~(x < other) - g * 0.5 * (x == other), x)


def _minimum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d min(a, b) = da where a < b, db where b < a, (da + db) / 2 where a == b

    Ties: an exact tie shares the gradient equally; with a NaN both operands get all of it.
    """
    x, other = saved[i], saved[1 - i]
    return unbroadcast(g * ~(x > other) - g * 0.5 * (x == other), x)


# -- // and %: PyTorch's floor_divide and remainder, and fmod ---------------------------------
# (The operators go through these functions, so `v // "a"` says which op refused what, rather
# than handing over to the other operand as + does.)


def floor_divide(a: Operand, b: Operand) -> Value:
    """``a // b``, broadcast: ``floor(a / b)``, as ``torch.floor_divide`` and numpy; gradient 0.

    The result is a step function of both operands, so both gradients are 0 (as for PyTorch's
    ``torch.div(a, b, rounding_mode="floor")``; PyTorch's own ``floor_divide`` refuses to
    differentiate). ``x // 0`` is ``±inf`` (NaN for ``0 // 0``), as in PyTorch.

    Examples
    --------
    >>> from tensorgrad import Value, floor_divide
    >>> floor_divide(Value([7.0, -7.0]), 2.0).data
    array([ 3., -4.])
    >>> (Value([7.0]) // Value([-2.0])).data
    array([-4.])
    """
    return _named("floor_divide", np.floor_divide, _floor_divide_backward, a, b, (False, False))


def _floor_divide_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d floor(a / b) = 0

    Ties: 0 at the steps too (where a / b is a whole number), as PyTorch's floor division.
    """
    x = saved[i]  # the operand's shape and dtype, or None if the result's
    return zeros_of(g, x)


def remainder(a: Operand, b: Operand) -> Value:
    """``a % b``, broadcast: ``a - b * floor(a / b)``, with the sign of ``b`` (Python's rule,
    numpy's and ``torch.remainder``'s).

    The gradients are PyTorch's: 1 for ``a``, ``-floor(a / b)`` for ``b``. ``x % 0`` is NaN.

    Examples
    --------
    >>> from tensorgrad import Value, remainder
    >>> remainder(Value([5.5, -5.5]), 2.0).data
    array([1.5, 0.5])
    >>> (Value([5.5]) % -2.0).data
    array([-0.5])
    """
    return _named("remainder", np.remainder, _remainder_backward, a, b)


def _remainder_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (a % b) = da - floor(a / b) db

    Ties: where a / b is a whole number (the result jumps), the derivative of the side
    where it is continuous, as in PyTorch.
    """
    a, b = saved
    if i == 0:
        return unbroadcast(g, a)
    # floor(a / b) is a step, of derivative 0, so it is a constant for every order.
    return unbroadcast(-g * np.floor_divide(plain(a), plain(b)), b)


def fmod(a: Operand, b: Operand) -> Value:
    """C's remainder ``a - b * trunc(a / b)``, broadcast: the sign of ``a``, as ``torch.fmod``.

    The gradients are PyTorch's: 1 for ``a``, ``-trunc(a / b)`` for ``b``.

    Examples
    --------
    >>> from tensorgrad import Value, fmod
    >>> fmod(Value([5.5, -5.5]), 2.0).data
    array([ 1.5, -1.5])
    """
    return _named("fmod", np.fmod, _fmod_backward, a, b)


def _fmod_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d fmod(a, b) = da - trunc(a / b) db

    Ties: where a / b is a whole number, as :func:`remainder`.
    """
    a, b = saved
    if i == 0:
        return unbroadcast(g, a)
    return unbroadcast(-g * np.trunc(plain(a) / plain(b)), b)


# -- lerp ---------------------------------------------------------------------------------------


def lerp(input: Operand, end: Operand, weight: Operand) -> Value:
    """``input + weight * (end - input)``, broadcast, as ``torch.lerp``: every operand may be a
    Value, and gets its gradient.

    As in PyTorch, for ``|weight| >= 0.5`` the result is computed as
    ``end - (end - input) * (1 - weight)``, so that ``weight = 1`` gives ``end`` exactly.

    Parameters
    ----------
    input, end : Value, array or number
        The two ends.
    weight : Value, array or number
        Where between them: 0 gives ``input``, 1 gives ``end``.

    Raises
    ------
    TypeError
        If an operand is not a Value, a numeric array or a number.
    ValueError
        If the shapes do not broadcast.

    Examples
    --------
    >>> from tensorgrad import Value, lerp
    >>> a, b = Value([0.0, 10.0]), Value([1.0, 20.0])
    >>> y = lerp(a, b, 0.25)
    >>> y.sum().backward()
    >>> y.data, a.grad, b.grad
    (array([ 0.25, 12.5 ]), array([0.75, 0.75]), array([0.25, 0.25]))
    """
    operands = (input, end, weight)
    arrays = [operand_data(x, "lerp") for x in operands]
    if any(x is NotImplemented for x in arrays):
        raise type_error("lerp", *operands)
    floats = [x for x in arrays if type(x) is np.ndarray and x.dtype.kind == "f"]
    if floats:  # int and bool arrays take the float dtype, as in the binary ops
        arrays = [in_float(x, floats[0]) for x in arrays]
    start, stop, w = arrays
    try:
        diff = stop - start
        data = np.where(np.abs(w) < 0.5, start + w * diff, stop - diff * (1 - w))
    except ValueError:
        shapes = " and ".join(str(np.shape(x)) for x in arrays)
        raise ValueError(f"lerp: shapes {shapes} cannot be broadcast together") from None
    return record(data, "lerp", _lerp_backward, operands, tuple(arrays))


def _lerp_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d lerp(a, b, w) = (1 - w) da + w db + (b - a) dw"""
    a, b, w = saved
    if i == 0:
        return unbroadcast(g * (1 - w), a)
    if i == 1:
        return unbroadcast(g * w, b)
    return unbroadcast(g * (b - a), w)

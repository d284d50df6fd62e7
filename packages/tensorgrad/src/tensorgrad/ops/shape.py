"""Shape: the same elements in another arrangement (``reshape``, ``transpose``...), and the
joins ``concatenate`` and ``stack``.

None of these changes a number, so each backward only arranges the gradient back: a
reshape reshapes it back, a permutation applies the inverse permutation, a broadcast sums
(:func:`~tensorgrad.broadcast.unbroadcast`), and a join hands each operand its slice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.axes import normalize_axes, shape_arg, single_axis, spelling
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Array, Operand, like, operand_data, record, type_error
from tensorgrad.tensor import Value

__all__ = [
    "broadcast_to",
    "concatenate",
    "flatten",
    "permute",
    "reshape",
    "squeeze",
    "stack",
    "swapaxes",
    "transpose",
    "unsqueeze",
]


def reshape(x: Value, *shape: int | Sequence[int]) -> Value:
    """The same elements in a new shape: ``reshape(x, 2, 3)``, ``reshape(x, (2, -1))``.

    Raises
    ------
    ValueError
        If the new shape does not hold the same number of elements.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1, 2, 3, 4, 5, 6]).reshape(2, -1).shape
    (2, 3)
    """
    new_shape = shape_arg(shape)
    try:
        data = x._data.reshape(new_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"reshape: cannot reshape a Value of shape {x.shape} into shape {new_shape}"
        ) from None
    return record(data, "reshape", _reshape_backward, (x,), (None, x._data.shape))


def _reshape_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d reshape(x) = reshape(dx): the gradient in x's shape"""
    return g.reshape(saved[1])


def flatten(x: Value, start_dim: int = 0, end_dim: int = -1) -> Value:
    """Merge the axes from ``start_dim`` to ``end_dim`` (both included) into one, as PyTorch's
    ``flatten``: by default all of them, into a 1-D Value.

    Raises
    ------
    TypeError
        If ``start_dim`` or ``end_dim`` is not an int.
    numpy.exceptions.AxisError
        If one is out of range.
    ValueError
        If ``start_dim`` comes after ``end_dim``.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value([[1, 2], [3, 4]]).flatten().data
    array([1., 2., 3., 4.])
    >>> Value(np.zeros((2, 3, 4))).flatten(1).shape, Value(np.zeros((2, 3, 4))).flatten(0, 1).shape
    ((2, 12), (6, 4))
    """
    if start_dim == 0 and end_dim == -1:
        return reshape(x, -1)  # (a 0-d Value too: PyTorch gives it one axis)
    ndim = max(x.ndim, 1)  # a 0-d Value flattens as if it had one axis of size 1, as in PyTorch
    (start,) = single_axis(start_dim, ndim, "flatten")
    (end,) = single_axis(end_dim, ndim, "flatten")
    if start > end:
        raise ValueError(
            f"flatten: start_dim={start_dim} comes after end_dim={end_dim} for a Value of "
            f"shape {x.shape}"
        )
    shape = x.shape or (1,)
    merged = math.prod(shape[start : end + 1])
    return reshape(x, (*shape[:start], merged, *shape[end + 1 :]))


def squeeze(
    x: Value, axis: int | Sequence[int] | None = None, *, dim: int | Sequence[int] | None = None
) -> Value:
    """Remove axes of size 1: all of them, or those given.

    Raises
    ------
    ValueError
        If a given axis does not have size 1.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.zeros((1, 3, 1))).squeeze().shape
    (3,)
    >>> Value(np.zeros((1, 3, 1))).squeeze(0).shape
    (3, 1)
    """
    if dim is not None:  # PyTorch's spelling of axis
        axis = spelling(axis, dim, None, "axis/dim", "squeeze")
    if axis is None:
        axes = tuple(a for a, n in enumerate(x.shape) if n == 1)
    else:
        axes = normalize_axes(axis, x.ndim, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(
                f"squeeze: axis {a} of a Value of shape {x.shape} has size {x.shape[a]}, not 1"
            )
    return reshape(x, tuple(n for a, n in enumerate(x.shape) if a not in axes))


def unsqueeze(x: Value, axis: int | None = None, *, dim: int | None = None) -> Value:
    """Insert an axis of size 1 at position ``axis`` (negative counts from the end).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1.0, 2.0]).unsqueeze(0).shape, Value([1.0, 2.0]).unsqueeze(-1).shape
    ((1, 2), (2, 1))
    """
    if dim is not None:  # PyTorch's spelling of axis
        axis = spelling(axis, dim, None, "axis/dim", "unsqueeze")
    (axis,) = single_axis(axis, x.ndim + 1, "unsqueeze")
    return reshape(x, (*x.shape[:axis], 1, *x.shape[axis:]))


def transpose(x: Value, *axes: int | Sequence[int]) -> Value:
    """Swap two axes, as PyTorch's ``transpose(dim0, dim1)``; or reverse all of them, or put
    three or more in the order given, as numpy's ``transpose(axes)``.

    With exactly two axes the meaning is PyTorch's, on any number of dimensions: numpy's would
    read ``x.transpose(0, 1)`` of a matrix as the identity permutation, and return the matrix
    unchanged, where a learner who knows PyTorch expects its transpose. (On a matrix the two
    readings differ only there: ``transpose(1, 0)`` swaps in both.)

    Raises
    ------
    ValueError
        If three or more ``axes`` are not a permutation of the Value's axes.
    numpy.exceptions.AxisError
        If an axis is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> x = Value(np.zeros((2, 3, 4)))
    >>> x.transpose(0, 1).shape, x.transpose(-1, 0).shape  # PyTorch's: swap two axes
    ((3, 2, 4), (4, 3, 2))
    >>> x.transpose().shape, x.transpose(0, 2, 1).shape, x.transpose((1, 0, 2)).shape
    ((4, 3, 2), (2, 4, 3), (3, 2, 4))
    >>> Value(np.zeros((2, 3))).transpose(0, 1).shape  # numpy would give (2, 3)
    (3, 2)
    """
    if not axes:
        return _permuted(x, tuple(reversed(range(x.ndim))))
    given = shape_arg(axes)
    if len(given) == 2:
        return _swap(x, given[0], given[1], "transpose")
    return _permuted(x, _permutation(x, given, "axes", "transpose"))


def permute(x: Value, *dims: int | Sequence[int]) -> Value:
    """The axes in the order ``dims``, as PyTorch's ``permute`` (numpy's ``transpose(axes)``).

    Raises
    ------
    ValueError
        If ``dims`` is not a permutation of the Value's axes.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.zeros((2, 3, 4))).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    return _permuted(x, _permutation(x, shape_arg(dims), "dims", "permute"))


def _permutation(x: Value, given: tuple[Any, ...], name: str, op: str) -> tuple[int, ...]:
    order = normalize_axes(given, x.ndim, op)
    if len(order) != x.ndim:
        raise ValueError(
            f"{op}: {name} {given} are not a permutation of the {x.ndim} axes of a Value of "
            f"shape {x.shape}"
        )
    return order


def _permuted(x: Value, order: tuple[int, ...]) -> Value:
    data = x._data.transpose(order)
    return record(data, "transpose", _transpose_backward, (x,), (None, order))


def _transpose_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d permute(x, order) = permute(dx, order), so the gradient goes back by the inverse"""
    order = saved[1]
    # Axis k of the result is axis order[k] of x: the gradient goes back by the inverse
    # permutation. A permutation of two axes or fewer (a matrix's .T) is its own inverse.
    if len(order) > 2:
        order = tuple(order.index(k) for k in range(len(order)))
    return g.transpose(order)


def swapaxes(x: Value, axis1: int, axis2: int) -> Value:
    """Exchange two axes.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.zeros((2, 3, 4))).swapaxes(-1, -2).shape
    (2, 4, 3)
    """
    return _swap(x, axis1, axis2, "swapaxes")


def _swap(x: Value, axis1: int, axis2: int, op: str) -> Value:
    a, b = (single_axis(axis, x.ndim, op) for axis in (axis1, axis2))
    if not a or not b:  # a 0-d Value, given axes 0 or -1: nothing to exchange
        return _permuted(x, ())
    order = list(range(x.ndim))
    order[a[0]], order[b[0]] = b[0], a[0]
    return _permuted(x, tuple(order))


def broadcast_to(x: Value, shape: Sequence[int]) -> Value:
    """``x`` repeated along new or size-1 axes to ``shape``, as numpy broadcasts.

    Raises
    ------
    ValueError
        If the shapes are not compatible.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1.0, 2.0]).broadcast_to((3, 2)).shape
    (3, 2)
    """
    target = shape_arg((shape,))
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in target):
        raise TypeError(f"broadcast_to: the shape must be a tuple of ints, got {shape!r}")
    try:
        data = np.broadcast_to(x._data, target)
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast a Value of shape {x.shape} to {target}"
        ) from None
    return record(data, "broadcast_to", _broadcast_to_backward, (x,), (like(x._data),))


def _broadcast_to_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d broadcast(x) = dx summed over the axes broadcasting added"""
    return unbroadcast(g, saved[0])


# -- joins ----------------------------------------------------------------------------------


def concatenate(values: Sequence[Operand], axis: int = 0, *, dim: int | None = None) -> Value:
    """Join Values (and arrays) along an existing axis.

    Raises
    ------
    ValueError
        If ``values`` is empty or the shapes differ outside ``axis``.

    Examples
    --------
    >>> from tensorgrad import Value, concatenate
    >>> a, b = Value([[1.0, 2.0]]), Value([[3.0, 4.0], [5.0, 6.0]])
    >>> concatenate([a, b]).shape, concatenate([a, a], axis=1).shape
    ((3, 2), (1, 4))
    """
    if dim is not None:  # PyTorch's spelling of axis
        axis = spelling(axis, dim, 0, "axis/dim", "concatenate")
    datas = _arrays(values, "concatenate")
    if datas[0].ndim == 0:
        raise ValueError("concatenate: 0-d Values have no axis to join along; use stack")
    (axis,) = single_axis(axis, datas[0].ndim, "concatenate")
    try:
        data = np.concatenate(datas, axis=axis)
    except ValueError:
        shapes = ", ".join(str(d.shape) for d in datas)
        raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}") from None
    saved = (*(like(d) for d in datas), axis)  # the backward reads their shapes and dtypes
    return record(data, "concatenate", _concatenate_backward, tuple(values), saved)


def _concatenate_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d concatenate(a, b, ...) = each operand's slice of the gradient"""
    axis = saved[-1]
    start = sum(arg.shape[axis] for arg in saved[:i])
    part = (slice(None),) * axis + (slice(start, start + saved[i].shape[axis]),)
    return unbroadcast(g[part], saved[i])  # for the dtype: shapes already match


def stack(values: Sequence[Operand], axis: int = 0, *, dim: int | None = None) -> Value:
    """Join Values (and arrays) of the same shape along a new axis.

    Raises
    ------
    ValueError
        If ``values`` is empty or the shapes differ.

    Examples
    --------
    >>> from tensorgrad import Value, stack
    >>> a, b = Value([1.0, 2.0]), Value([3.0, 4.0])
    >>> stack([a, b]).shape, stack([a, b], axis=1).shape
    ((2, 2), (2, 2))
    """
    if dim is not None:  # PyTorch's spelling of axis
        axis = spelling(axis, dim, 0, "axis/dim", "stack")
    datas = _arrays(values, "stack")
    (axis,) = single_axis(axis, np.ndim(datas[0]) + 1, "stack")
    if len({d.shape for d in datas}) > 1:
        shapes = ", ".join(str(d.shape) for d in datas)
        raise ValueError(f"stack: all shapes must be equal, got {shapes}")
    data = np.stack(datas, axis=axis)
    saved = (*(like(d) for d in datas), axis)  # the backward reads their dtypes
    return record(data, "stack", _stack_backward, tuple(values), saved)


def _stack_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d stack(a, b, ...) = each operand's slice of the gradient along the new axis"""
    axis = saved[-1]
    return unbroadcast(g[(slice(None),) * axis + (i,)], saved[i])  # for the dtype


def _arrays(values: Sequence[Operand], op: str) -> list[Array]:
    if not isinstance(values, Sequence):  # (a Value is not one: its rows would be joined)
        raise TypeError(f"{op}: expects a list of Values, got {type(values).__name__}")
    if not values:
        raise ValueError(f"{op}: expects a non-empty list of Values, got an empty one")
    datas = []
    for v in values:
        d = operand_data(v, op)
        if d is NotImplemented:
            raise type_error(op, v)
        datas.append(np.asarray(d))  # (a Python number, or a 0-d Value's array, as 0-d)
    # Numbers and int arrays take the Values' dtype, as in an elementwise op: a float32 Value
    # joined with them stays float32 (numpy would make float64 of them).
    dtypes = [d.dtype for v, d in zip(values, datas) if isinstance(v, Value)]
    if dtypes:
        dtype = np.result_type(*dtypes)
        datas = [
            d if isinstance(v, Value) or (d.dtype.kind == "f" and d.ndim) else d.astype(dtype)
            for v, d in zip(values, datas)
        ]
    return datas

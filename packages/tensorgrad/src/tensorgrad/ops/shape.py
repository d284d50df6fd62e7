"""Shape: the same elements in another arrangement (``reshape``, ``transpose``...), the
joins ``concatenate`` and ``stack``, the builders ``pad``, ``flip``, ``roll``, ``repeat``,
``tile`` and ``repeat_interleave``, and the splits ``split``, ``chunk`` and ``unbind``.

None of these changes a number, so each backward only arranges the gradient back: a
reshape reshapes it back, a permutation applies the inverse permutation, a broadcast sums
(:func:`~tensorgrad.broadcast.unbroadcast`), and a join hands each operand its slice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.axes import (
    int_arg,
    normalize_axes,
    pytorch_spellings,
    shape_arg,
    single_axis,
)
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import (
    Array,
    Operand,
    as_value,
    like,
    operand_data,
    plain,
    record,
    type_error,
)
from tensorgrad.tensor import Value

__all__ = [
    "broadcast_to",
    "chunk",
    "concatenate",
    "flatten",
    "flip",
    "pad",
    "permute",
    "repeat",
    "repeat_interleave",
    "reshape",
    "roll",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "tile",
    "transpose",
    "unbind",
    "unsqueeze",
]


def reshape(x: Operand, *shape: int | Sequence[int]) -> Value:
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
    x = as_value(x, "reshape")
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


def flatten(x: Operand, start_dim: int = 0, end_dim: int = -1) -> Value:
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
    x = as_value(x, "flatten")
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
    x: Operand, axis: int | Sequence[int] | None = None, *, dim: int | Sequence[int] | None = None
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
    x = as_value(x, "squeeze")
    if dim is not None:  # PyTorch's spelling of axis
        axis, _ = pytorch_spellings("squeeze", axis, dim)
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


def unsqueeze(x: Operand, axis: int | None = None, *, dim: int | None = None) -> Value:
    """Insert an axis of size 1 at position ``axis`` (negative counts from the end).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1.0, 2.0]).unsqueeze(0).shape, Value([1.0, 2.0]).unsqueeze(-1).shape
    ((1, 2), (2, 1))
    """
    x = as_value(x, "unsqueeze")
    if dim is not None:  # PyTorch's spelling of axis
        axis, _ = pytorch_spellings("unsqueeze", axis, dim)
    (axis,) = single_axis(axis, x.ndim + 1, "unsqueeze")
    return reshape(x, (*x.shape[:axis], 1, *x.shape[axis:]))


def transpose(x: Operand, *axes: int | Sequence[int]) -> Value:
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
    x = as_value(x, "transpose")
    if not axes:
        return _permuted(x, tuple(reversed(range(x.ndim))))
    given = shape_arg(axes)
    if len(given) == 2:
        return _swap(x, given[0], given[1], "transpose")
    return _permuted(x, _permutation(x, given, "axes", "transpose"))


def permute(x: Operand, *dims: int | Sequence[int]) -> Value:
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
    x = as_value(x, "permute")
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


def swapaxes(x: Operand, axis1: int, axis2: int) -> Value:
    """Exchange two axes.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> Value(np.zeros((2, 3, 4))).swapaxes(-1, -2).shape
    (2, 4, 3)
    """
    x = as_value(x, "swapaxes")
    return _swap(x, axis1, axis2, "swapaxes")


def _swap(x: Value, axis1: int, axis2: int, op: str) -> Value:
    a, b = (single_axis(axis, x.ndim, op) for axis in (axis1, axis2))
    if not a or not b:  # a 0-d Value, given axes 0 or -1: nothing to exchange
        return _permuted(x, ())
    order = list(range(x.ndim))
    order[a[0]], order[b[0]] = b[0], a[0]
    return _permuted(x, tuple(order))


def broadcast_to(x: Operand, shape: Sequence[int]) -> Value:
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
    x = as_value(x, "broadcast_to")
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
        axis, _ = pytorch_spellings("concatenate", axis, dim, 0)
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
        axis, _ = pytorch_spellings("stack", axis, dim, 0)
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


# -- building: padding, flips, rolls and repeats ------------------------------------------------
# Each backward arranges the gradient back, as above; where the forward copied an element to
# several places (a reflected border, a tile, a repeat), the copies' gradients are added up.

_PAD_MODES = ("constant", "reflect", "replicate", "circular")
"""The modes of :func:`pad`, as PyTorch's ``torch.nn.functional.pad`` names them."""


def pad(
    input: Value, pad: Sequence[int], mode: str = "constant", value: float | None = 0.0
) -> Value:
    """Pad (or, with negative sizes, crop) the last axes, as PyTorch's ``nn.functional.pad``.

    ``pad`` lists ``(before, after)`` pairs from the **last axis first**, PyTorch's order:
    ``(left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two, and so
    on (numpy's ``np.pad`` lists the axes first to last, one pair each).

    * ``"constant"`` fills with ``value``; a negative size crops that many elements, as in
      PyTorch.
    * ``"reflect"`` mirrors the elements next to the edge, without repeating the edge:
      ``[1, 2, 3]`` padded by 2 on the left is ``[3, 2, 1, 2, 3]``. Each size must be smaller
      than the axis.
    * ``"replicate"`` repeats the edge element: ``[1, 1, 1, 2, 3]``.
    * ``"circular"`` wraps around: ``[2, 3, 1, 2, 3]``. Each size can be at most the axis's
      size (after any cropping: a negative size crops first, then the rest wraps).

    With the three copying modes a negative size crops too, as PyTorch does. PyTorch accepts
    those modes only on 2-D to 5-D inputs, padding all but the first one or two axes; here
    any axes can be padded.

    Parameters
    ----------
    input : Value, ndarray or number
        What to pad.
    pad : tuple of int
        ``(before, after)`` pairs, last axis first: an even number of sizes, at most two per
        axis.
    mode : {"constant", "reflect", "replicate", "circular"}, default "constant"
        How the new elements are filled.
    value : float, default 0.0
        The fill of ``"constant"`` (None means 0, as in PyTorch); the other modes take none.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``input`` is not a Value or real numbers, a size is not an int, or ``value`` is
        not a number.
    ValueError
        If ``pad`` has an odd length or more than two sizes per axis, ``mode`` is unknown, a
        size is too large for its mode, a crop removes more than the axis has, or a copying
        mode is given a ``value``.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.shape import pad
    >>> x = Value([[1.0, 2.0, 3.0]])
    >>> pad(x, (1, 2)).data
    array([[0., 1., 2., 3., 0., 0.]])
    >>> pad(x, (2, 0), mode="reflect").data
    array([[3., 2., 1., 2., 3.]])
    >>> pad(x, (1, 1, 1, 0), mode="replicate").shape  # the last axis, then the one before
    (2, 5)
    >>> pad(x, (-1, 0)).data  # a negative size crops
    array([[2., 3.]])
    """
    x = as_value(input, "pad")
    sizes = _ints(pad, "pad", "pad")
    if len(sizes) % 2:
        raise ValueError(
            f"pad: pad must hold (before, after) pairs, last axis first: an even number of "
            f"sizes, got {len(sizes)}: {sizes}"
        )
    if len(sizes) > 2 * x.ndim:
        raise ValueError(
            f"pad: pad {sizes} pads {len(sizes) // 2} axes, but the Value of shape {x.shape} "
            f"has {x.ndim}"
        )
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(_PAD_MODES)}; got {mode!r}")
    if value is None:  # PyTorch's default
        value = 0.0
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"pad: value must be a number, got {type(value).__name__} {value!r}")
    widths = [(0, 0)] * x.ndim
    for k in range(len(sizes) // 2):
        widths[x.ndim - 1 - k] = (sizes[2 * k], sizes[2 * k + 1])
    if mode == "constant":
        return _padded(x, tuple(widths), value)
    if value != 0:
        raise ValueError(f"pad: mode {mode!r} copies elements and takes no value, got {value!r}")
    maps = tuple(
        (axis, _source_index(n, before, after, mode, axis))
        for axis, (n, (before, after)) in enumerate(zip(x.shape, widths))
        if before or after
    )
    data = x._data
    for axis, source in maps:
        data = np.take(data, source, axis=axis)
    return record(data, "pad", _pad_backward, (x,), (None, maps, x.shape))


def _pad_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d pad(x) = pad(dx), so each element of x gets the gradients of its copies, added

    (the gradient of a reflected, replicated or wrapped element goes to the element it copies)
    """
    _, maps, shape = saved
    for axis, source in reversed(maps):
        g = _scatter(g, axis, source, shape[axis], "pad")
    return g


def _padded(x: Value, widths: tuple[tuple[int, int], ...], value: float) -> Value:
    """``x`` with ``widths[k] = (before, after)`` elements of ``value`` added on axis k (a
    negative width crops): constant padding, as one node."""
    data = _constant_pad(x._data, widths, value)
    return record(data, "pad", _constant_pad_backward, (x,), (None, widths))


def _constant_pad_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d pad(x, widths) = pad(dx, widths), so the gradient is pad(g, -widths): the added
    elements' gradients dropped, zeros where the forward cropped"""
    back = tuple((-before, -after) for before, after in saved[1])
    return _padded(g, back, 0.0) if isinstance(g, Value) else _constant_pad(g, back, 0.0)


def _constant_pad(data: Array, widths: tuple[tuple[int, int], ...], value: float) -> Array:
    crop = []
    for axis, (n, (before, after)) in enumerate(zip(data.shape, widths)):
        start, stop = max(-before, 0), n - max(-after, 0)
        if stop < start:
            raise ValueError(
                f"pad: the sizes ({before}, {after}) crop {start + n - stop} elements from "
                f"axis {axis} of a Value of shape {data.shape}, which has {n}"
            )
        crop.append(slice(start, stop))
    cropped = data[tuple(crop)]
    grow = [(max(before, 0), max(after, 0)) for before, after in widths]
    if not any(before or after for before, after in grow):
        return cropped
    shape = tuple(n + before + after for n, (before, after) in zip(cropped.shape, grow))
    # (zeros, for the backward's crops, come from calloc's zeroed pages: no pass to fill)
    zero = value == 0 and not np.signbit(value)
    result = np.zeros(shape, data.dtype) if zero else np.full(shape, value, dtype=data.dtype)
    inner = tuple(slice(before, before + n) for n, (before, _) in zip(cropped.shape, grow))
    result[inner] = cropped
    return result


def _source_index(n: int, before: int, after: int, mode: str, axis: int) -> Array:
    """For each element along a padded axis, the index of the element of x it copies."""
    what = f"pad: {mode} padding ({before}, {after}) of axis {axis}, of size {n}"
    if mode == "circular":
        start = max(-before, 0)
        kept = n - start - max(-after, 0)  # the elements left after cropping: those that wrap
        if kept < 0 or max(before, after) > kept:
            raise ValueError(f"{what}: the sizes can be at most the size left after cropping")
        return start + np.arange(-max(before, 0), kept + max(after, 0)) % kept
    if n + before + after <= 0:
        raise ValueError(f"{what}: the result would have no elements")
    position = np.arange(-before, n + after)
    if mode == "replicate":
        if n == 0:
            raise ValueError(f"{what}: an empty axis has no edge element to repeat")
        return np.clip(position, 0, n - 1)
    if before >= n or after >= n:  # reflect
        raise ValueError(f"{what}: each size must be smaller than the axis's size")
    position = np.abs(position)
    return np.where(position > n - 1, 2 * (n - 1) - position, position)


def _take(x: Any, axis: int, index: Array) -> Any:
    """``x``'s elements at ``index`` along ``axis``: an array, or a Value by indexing."""
    if isinstance(x, Value):
        return x[(slice(None),) * axis + (index,)]
    return np.take(x, index, axis=axis)


def _scatter(g: Any, axis: int, index: Array, n: int, op: str) -> Any:
    """The gradient of :func:`_take`: zeros of size ``n`` along ``axis``, with ``g`` added at
    ``index`` (several times where an index repeats); a Value op whose backward is _take.

    The longest run of consecutive indices (the inside of a padded axis) is copied as one
    slice. The rest is added in rounds, one per copy: round r adds, for every element copied
    more than r times, its r-th copy's gradient. Within a round the targets differ, so each
    round is one vectorized ``+=``, and there are as many rounds as an element has copies at
    most (a few for a padded border): many times faster than np.add.at, which adds element by
    element.
    """
    data = plain(g)
    result = np.zeros((*data.shape[:axis], n, *data.shape[axis + 1 :]), dtype=data.dtype)
    lead = (slice(None),) * axis
    rest = np.arange(index.size)
    if index.size > 1:
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(index) != 1) + 1, [index.size]))
        k = int(np.argmax(np.diff(bounds)))
        lo, hi, start = bounds[k], bounds[k + 1], index[bounds[k]]
        target, source = (*lead, slice(start, start + hi - lo)), (*lead, slice(lo, hi))
        result[target] = data[source]
        rest = np.concatenate((rest[:lo], rest[hi:]))
    order = rest[np.argsort(index[rest], kind="stable")]
    ranked = index[order]
    first = np.concatenate(([True], ranked[1:] != ranked[:-1]))[: ranked.size]
    positions = np.arange(ranked.size)
    copy = positions - np.maximum.accumulate(np.where(first, positions, 0))
    for r in range(int(copy.max()) + 1 if copy.size else 0):
        picked = copy == r
        target = (*lead, ranked[picked])
        result[target] += np.take(data, order[picked], axis=axis)
    if isinstance(g, Value):
        return record(result, f"{op}_backward", _scatter_backward, (g,), (None, axis, index))
    return result


def _scatter_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d scatter(v, index) = dv taken at index"""
    return _take(g, saved[1], saved[2])


def flip(x: Operand, dims: int | Sequence[int] | None) -> Value:
    """Reverse the order of the elements along the axes ``dims``, as PyTorch's ``flip``.

    ``Value.flip(*dims)`` takes them one by one too: ``x.flip(0, 1)``. (numpy's ``np.flip``
    reverses every axis when none is given; here the axes must be given.)

    Raises
    ------
    TypeError
        If ``dims`` is not an int or a sequence of ints (None included: numpy would flip
        every axis, PyTorch asks for them).
    ValueError
        If an axis is repeated.
    numpy.exceptions.AxisError
        If an axis is out of range.

    Examples
    --------
    >>> from tensorgrad import Value, flip
    >>> flip(Value([[1.0, 2.0], [3.0, 4.0]]), 1).data
    array([[2., 1.],
           [4., 3.]])
    >>> Value([[1.0, 2.0], [3.0, 4.0]]).flip(0, 1).data
    array([[4., 3.],
           [2., 1.]])
    """
    x = as_value(x, "flip")
    if dims is None:
        raise TypeError("flip: give the axes to reverse, dims (an int or a tuple of ints)")
    axes = normalize_axes(dims, x.ndim, "flip")
    return record(np.flip(x._data, axes), "flip", _flip_backward, (x,), (None, axes))


def _flip_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d flip(x) = flip(dx): the gradient flipped back"""
    return flip(g, saved[1]) if isinstance(g, Value) else np.flip(g, saved[1])


def roll(x: Operand, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Value:
    """Shift the elements along axes, those pushed off the end coming back at the start, as
    PyTorch's ``roll`` (numpy's ``np.roll``).

    Without ``dims`` the Value is rolled as if flattened, by one shift; with ``dims``, axis
    ``dims[k]`` by ``shifts[k]`` (an axis given twice is rolled twice).

    Raises
    ------
    TypeError
        If a shift or an axis is not an int.
    ValueError
        If ``shifts`` and ``dims`` differ in length (or several shifts come without dims).
    numpy.exceptions.AxisError
        If an axis is out of range.

    Examples
    --------
    >>> from tensorgrad import Value, roll
    >>> roll(Value([1.0, 2.0, 3.0, 4.0]), 1).data
    array([4., 1., 2., 3.])
    >>> Value([[1.0, 2.0], [3.0, 4.0]]).roll((1, 1), (0, 1)).data
    array([[4., 3.],
           [2., 1.]])
    """
    x = as_value(x, "roll")
    steps = _ints(shifts, "shifts", "roll")
    if dims is None:
        if len(steps) != 1:
            raise ValueError(
                f"roll: without dims, roll takes one shift (of the flattened Value), got {steps}"
            )
        axes: tuple[int, ...] | None = None
    else:
        given = _ints(dims, "dims", "roll")
        if len(given) != len(steps):
            raise ValueError(
                f"roll: shifts {steps} and dims {given} must have the same length, one shift "
                f"per axis"
            )
        picked = [single_axis(a, x.ndim, "roll") for a in given]
        steps = tuple(s for s, a in zip(steps, picked) if a)  # (a 0-d Value has no axis)
        axes = tuple(a[0] for a in picked if a)
    return record(_rolled(x._data, steps, axes), "roll", _roll_backward, (x,), (None, steps, axes))


def _roll_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d roll(x, s) = roll(dx, s), so the gradient rolls back by -s"""
    back = tuple(-s for s in saved[1])
    axes = saved[2]
    return roll(g, back, axes) if isinstance(g, Value) else _rolled(g, back, axes)


def _rolled(data: Array, steps: tuple[int, ...], axes: tuple[int, ...] | None) -> Array:
    # (np.roll refuses no shifts along no axes, which is all a 0-d Value's dims give)
    return np.roll(data, steps, axes) if steps else data[...]


def repeat(x: Operand, *sizes: int | Sequence[int]) -> Value:
    """The Value tiled ``sizes[k]`` times along axis k, as PyTorch's ``Tensor.repeat``.

    PyTorch's meaning, numpy's ``np.tile``: ``Value([1, 2]).repeat(2)`` is ``[1, 2, 1, 2]``.
    numpy's ``np.repeat`` means something else, each element repeated in place (``[1, 1, 2,
    2]``): that is :func:`repeat_interleave`. Extra sizes add leading axes.

    Raises
    ------
    ValueError
        If there are fewer sizes than axes, or a size is negative.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> Value([1.0, 2.0]).repeat(2).data
    array([1., 2., 1., 2.])
    >>> Value([1.0, 2.0]).repeat(2, 1).data
    array([[1., 2.],
           [1., 2.]])
    """
    x = as_value(x, "repeat")
    reps = _ints(shape_arg(sizes), "sizes", "repeat")
    if len(reps) < x.ndim:
        raise ValueError(
            f"repeat: sizes {reps} are fewer than the {x.ndim} axes of a Value of shape "
            f"{x.shape}: give one per axis (tile pads them with ones in front)"
        )
    return _tiled(x, reps, "repeat")


def tile(x: Operand, *dims: int | Sequence[int]) -> Value:
    """The Value tiled ``dims[k]`` times along axis k, as PyTorch's ``tile`` and numpy's
    ``np.tile``: with fewer ``dims`` than axes, the first axes are tiled once.

    Raises
    ------
    ValueError
        If a count is negative.

    Examples
    --------
    >>> from tensorgrad import Value, tile
    >>> tile(Value([[1.0, 2.0]]), 2).data
    array([[1., 2., 1., 2.]])
    >>> tile(Value([1.0, 2.0]), (2, 1)).shape
    (2, 2)
    """
    x = as_value(x, "tile")
    reps = _ints(shape_arg(dims), "dims", "tile")
    return _tiled(x, (1,) * (x.ndim - len(reps)) + reps, "tile")


def _tiled(x: Value, reps: tuple[int, ...], op: str) -> Value:
    if any(r < 0 for r in reps):
        raise ValueError(f"{op}: the counts {reps} must be 0 or more")
    shape = (1,) * (len(reps) - x.ndim) + x.shape  # extra counts tile new leading axes
    data = np.tile(x._data.reshape(shape), reps)
    return record(data, op, _tiled_backward, (x,), (None, reps, shape, x.shape))


def _tiled_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d tile(x) = tile(dx), so each element of x gets the sum of its copies' gradients"""
    _, reps, shape, x_shape = saved
    pairs = tuple(n for r, size in zip(reps, shape) for n in (r, size))
    copies = tuple(range(0, len(pairs), 2))
    return g.reshape(pairs).sum(axis=copies).reshape(x_shape)


def repeat_interleave(
    x: Operand, repeats: int | Sequence[int] | Array, dim: int | None = None
) -> Value:
    """Each element repeated in place, ``repeats`` times, as PyTorch's ``repeat_interleave``
    (numpy's ``np.repeat``): ``[1, 2]`` with 2 repeats is ``[1, 1, 2, 2]``.

    Parameters
    ----------
    x : Value, ndarray or number
        What to repeat.
    repeats : int or array_like of int
        How many times each element is repeated: one count for all, or a 1-D array or list
        of counts, one per element along ``dim`` (a single count in an array counts for all
        too).
    dim : int, optional
        The axis; without it, the Value is flattened first, as in PyTorch.

    Raises
    ------
    TypeError
        If ``repeats`` is not an int or integers.
    ValueError
        If a count is negative, or there are as many counts as neither 1 nor the axis's size.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, repeat_interleave
    >>> repeat_interleave(Value([1.0, 2.0]), 2).data
    array([1., 1., 2., 2.])
    >>> Value([[1.0, 2.0], [3.0, 4.0]]).repeat_interleave(np.array([1, 2]), dim=0).data
    array([[1., 2.],
           [3., 4.],
           [3., 4.]])
    """
    x = as_value(x, "repeat_interleave")
    if dim is None:
        x = reshape(x, -1)
        dim = 0
    elif x.ndim == 0:
        raise ValueError("repeat_interleave: a 0-d Value has no axis dim; leave dim=None")
    (axis,) = single_axis(dim, x.ndim, "repeat_interleave")
    n = x.shape[axis]
    counts = _counts(repeats, n)
    if counts.ndim == 0:  # one count for every element: the backward reshapes and sums
        r = int(counts)
        data = np.repeat(x._data, r, axis=axis)
        return record(data, "repeat_interleave", _repeat_backward, (x,), (None, axis, n, r))
    source = np.repeat(np.arange(n), counts)
    data = np.take(x._data, source, axis=axis)
    return record(data, "repeat_interleave", _repeat_backward, (x,), (None, axis, n, source))


def _repeat_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d repeat_interleave(x) = repeat_interleave(dx), so each element of x gets the sum of
    its repeats' gradients"""
    _, axis, n, repeats = saved
    if isinstance(repeats, int):
        shape = g.shape
        return g.reshape((*shape[:axis], n, repeats, *shape[axis + 1 :])).sum(axis=axis + 1)
    return _scatter(g, axis, repeats, n, "repeat_interleave")


def _counts(repeats: Any, n: int) -> Array:
    """``repeats`` as a 0-d count or one count per element, checked."""
    op = "repeat_interleave"
    if isinstance(repeats, Value):
        raise TypeError(f"{op}: repeats must be an int or an array of ints, got a Value")
    if isinstance(repeats, (bool, np.bool_)):
        raise TypeError(f"{op}: repeats must be an int or an array of ints, got bool {repeats}")
    counts = np.asarray(repeats) if isinstance(repeats, (list, tuple, np.ndarray)) else None
    if counts is None:
        counts = np.asarray(int_arg(repeats, "repeats", op))
    elif counts.dtype.kind not in "iu" and not (counts.size == 0 and counts.dtype.kind == "f"):
        raise TypeError(f"{op}: repeats must hold ints, got an array of dtype {counts.dtype}")
    if counts.ndim > 1:
        raise ValueError(f"{op}: repeats must be an int or 1-D, got shape {counts.shape}")
    if (counts < 0).any():
        raise ValueError(f"{op}: repeats must be 0 or more, got {counts.tolist()}")
    if counts.ndim == 1 and counts.size == 1:
        counts = counts.reshape(())
    if counts.ndim == 1 and counts.size != n:
        raise ValueError(
            f"{op}: repeats has {counts.size} counts, but the axis has {n} elements (give "
            f"one count per element, or a single one)"
        )
    return counts.astype(np.intp)


# -- splits: pieces along an axis ----------------------------------------------------------------


def split(
    x: Operand, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Value, ...]:
    """Cut the Value along ``dim`` into pieces, with **PyTorch's meaning** of the sizes.

    An int is the size of every piece (the last is smaller if the size does not divide the
    axis); a list gives each piece's size, and must add up to the axis's size. numpy's
    ``np.split(x, 2)`` means something else, *two* equal pieces: that is :func:`chunk` here.

    The pieces are Values of their own; their gradients all go back to ``x``, each into its
    place. However many pieces are used (``sum(x.unbind())`` uses them all), backward costs
    about the size of ``x`` times the logarithm of their number: the pieces are cut from
    halves of halves, so no piece's gradient is spread over a zero array of ``x``'s size.

    Raises
    ------
    TypeError
        If a size is not an int.
    ValueError
        If the Value is 0-d, a size is negative (or 0 for an axis that is not empty), or the
        sizes do not add up to the axis's size.

    Examples
    --------
    >>> from tensorgrad import Value, split
    >>> x = Value([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> [p.tolist() for p in split(x, 2)]
    [[1.0, 2.0], [3.0, 4.0], [5.0]]
    >>> [p.shape for p in x.split([1, 4])]
    [(1,), (4,)]
    """
    x = as_value(x, "split")
    axis = _piece_axis(x, dim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = _ints(split_size_or_sections, "split_size_or_sections", "split")
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ValueError(
                f"split: the sizes {list(sizes)} must be 0 or more and add up to {n}, the size "
                f"of axis {axis} of a Value of shape {x.shape}"
            )
        return _pieces(x, axis, sizes, False, "split")
    size = int_arg(split_size_or_sections, "split_size_or_sections", "split")
    if size < 0 or (size == 0 and n):
        raise ValueError(
            f"split: the size of the pieces must be 1 or more (0 only for an empty axis), got "
            f"{size} for axis {axis} of a Value of shape {x.shape}"
        )
    return _pieces(x, axis, _sizes_of(n, size), False, "split")


def chunk(x: Operand, chunks: int, dim: int = 0) -> tuple[Value, ...]:
    """Cut the Value into ``chunks`` pieces along ``dim``, as PyTorch's ``chunk``.

    PyTorch's rule for the sizes: every piece has ``ceil(size / chunks)`` elements but the
    last, which has what is left, so there may be fewer than ``chunks`` pieces (6 in 4 chunks
    gives three of 2). An empty axis gives ``chunks`` empty pieces. (numpy's
    ``np.array_split`` makes the sizes differ by one at most instead.)

    Raises
    ------
    TypeError
        If ``chunks`` is not an int.
    ValueError
        If ``chunks`` is 0 or less, or the Value is 0-d.

    Examples
    --------
    >>> from tensorgrad import Value, chunk
    >>> [p.tolist() for p in chunk(Value([1.0, 2.0, 3.0, 4.0, 5.0]), 3)]
    [[1.0, 2.0], [3.0, 4.0], [5.0]]
    """
    x = as_value(x, "chunk")
    count = int_arg(chunks, "chunks", "chunk")
    if count <= 0:
        raise ValueError(f"chunk: chunks must be 1 or more, got {count}")
    axis = _piece_axis(x, dim, "chunk")
    n = x.shape[axis]
    sizes = (0,) * count if n == 0 else _sizes_of(n, -(-n // count))
    return _pieces(x, axis, sizes, False, "chunk")


def unbind(x: Operand, dim: int = 0) -> tuple[Value, ...]:
    """The slices of the Value along ``dim``, that axis removed, as PyTorch's ``unbind``
    (what ``tuple(x)`` gives along axis 0).

    Raises
    ------
    ValueError
        If the Value is 0-d.

    Examples
    --------
    >>> from tensorgrad import Value, unbind
    >>> x = Value([[1.0, 2.0], [3.0, 4.0]])
    >>> [p.tolist() for p in unbind(x, 1)]
    [[1.0, 3.0], [2.0, 4.0]]
    >>> sum(x.unbind()).sum().backward()
    >>> x.grad
    array([[1., 1.],
           [1., 1.]])
    """
    x = as_value(x, "unbind")
    axis = _piece_axis(x, dim, "unbind")
    return _pieces(x, axis, (1,) * x.shape[axis], True, "unbind")


def _piece_axis(x: Value, dim: int, op: str) -> int:
    if x.ndim == 0:
        raise ValueError(f"{op}: a 0-d Value has no axis to cut along")
    return single_axis(dim, x.ndim, op)[0]


def _sizes_of(n: int, size: int) -> tuple[int, ...]:
    """Pieces of ``size`` along an axis of ``n``, the last one smaller (one empty for n = 0)."""
    if n == 0:
        return (0,)
    whole, rest = divmod(n, size)
    return (size,) * whole + ((rest,) if rest else ())


def _pieces(x: Value, axis: int, sizes: Sequence[int], drop: bool, op: str) -> tuple[Value, ...]:
    """The pieces of ``sizes`` along ``axis``; ``drop`` removes the axis (pieces of size 1).

    Cut straight from ``x``, k pieces would each send back a gradient of x's size, mostly
    zeros, and backward would add k of them: k times the work of the gradient itself. So
    more than a few pieces are cut from two halves of x, each of those from two halves, and
    so on: each level of halves costs about one gradient of x's size, and there are log2(k).
    """
    starts = [0]
    for s in sizes:
        starts.append(starts[-1] + s)
    result: list[Value | None] = [None] * len(sizes)
    todo = [(x, 0, 0, len(sizes))]  # (a Value, where it starts along the axis, its pieces)
    while todo:
        part, offset, first, last = todo.pop()
        if last - first <= 3:
            for k in range(first, last):
                result[k] = _cut(part, axis, starts[k] - offset, starts[k + 1] - offset, drop, op)
            continue
        middle = (first + last) // 2
        for a, b in ((first, middle), (middle, last)):
            half = _cut(part, axis, starts[a] - offset, starts[b] - offset, False, op)
            todo.append((half, starts[a], a, b))
    return tuple(p for p in result if p is not None)


def _cut(x: Value, axis: int, start: int, stop: int, drop: bool, op: str) -> Value:
    """``x[start:stop]`` along ``axis`` (``x[start]`` if ``drop``): a view, as one node."""
    data = x._data[(slice(None),) * axis + (start if drop else slice(start, stop),)]
    return record(data, op, _cut_backward, (x,), (like(x._data), axis, start, drop))


def _cut_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d x[start:stop] = dx in its place along the axis, zeros elsewhere"""
    x, axis, start, drop = saved
    if drop:
        g = g.reshape((*g.shape[:axis], 1, *g.shape[axis:]))
    widths = [(0, 0)] * len(x.shape)
    widths[axis] = (start, x.shape[axis] - start - g.shape[axis])
    back = tuple(widths)
    return _padded(g, back, 0.0) if isinstance(g, Value) else _constant_pad(g, back, 0.0)


def _ints(arg: Any, name: str, op: str) -> tuple[int, ...]:
    """An int or a sequence of ints, as a tuple of ints (a TypeError naming ``name``)."""
    if isinstance(arg, (list, tuple)):
        return tuple(int_arg(n, f"{name} {tuple(arg)!r}: each", op) for n in arg)
    return (int_arg(arg, name, op),)

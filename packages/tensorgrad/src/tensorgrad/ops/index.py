"""Indexing: ``x[index]``, with everything numpy accepts as an index but a Value; the
gathers (``gather``, ``take_along_axis``, ``index_select``) and the writes out of place
(``scatter``, ``scatter_add``, ``masked_fill``: ``x[index] = src`` on a copy).

The gradient of ``x[index]`` is zeros of ``x``'s shape with the result's gradient added
back at ``index``; added, not written, so that an element picked twice (``x[[0, 0]]``)
gets both contributions. A gather is ``x[index]`` with an index built from its arguments
(one int array per axis), so it shares that backward; a scatter's gradient is the gather
of the result's gradient at the positions written.

A wrong index of ``x[index]`` is explained only after numpy has refused it: a right one (the
common case, in every training step) costs no check beyond numpy's own. The explanation walks
the index part by part, as numpy does, and names the part that is wrong, with the axis it
indexes. (The gathers and scatters check their index up front: their rules are PyTorch's.)
"""

from __future__ import annotations

import math
import operator
import reprlib
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import single_axis
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import (
    Array,
    Operand,
    as_value,
    in_float,
    like,
    operand_data,
    plain,
    record,
    type_error,
)
from tensorgrad.tensor import Value

__all__ = [
    "gather",
    "getitem",
    "index_select",
    "masked_fill",
    "scatter",
    "scatter_add",
    "take_along_axis",
]


def getitem(x: Operand, index: Any) -> Value:
    """``x[index]``, with numpy's meaning of an index (which PyTorch shares).

    An index is one part, or a tuple of parts, each one of: an int (negative from the
    end), a slice, ``None`` (a new axis of size 1), ``...`` (as many ``:`` as needed),
    or an array or (nested) list of ints (picks along one axis) or of bools (a mask over
    as many axes as it has). Unlike PyTorch, a slice may have a negative step, as in numpy.

    Parameters
    ----------
    x : Value, ndarray or number
        The Value to index.
    index : object
        What to take: an int, a slice, None, ``...``, an array or list of ints or of
        bools, or a tuple of them.

    Returns
    -------
    Value
        The part of ``x`` that ``index`` picks.

    Raises
    ------
    TypeError
        If a part of the index is a Value, or a slice has a bound that is not an int.
    IndexError
        If a part of the index is of a type that cannot index (a str, a float, a dict, a
        float array, a list holding one of these: numpy's and PyTorch's kind of error for
        them), or if the index does not fit ``x``'s shape: an int out of bounds (naming it,
        the axis and the axis's size), more axes indexed than ``x`` has, a mask of another
        shape than the axes it covers, index arrays whose shapes do not broadcast together,
        or two Ellipses.
    ValueError
        If a slice's step is zero, or a list of indices is ragged.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([1.0, 2.0, 3.0])
    >>> x[[0, 0, 2]].sum().backward()
    >>> x.grad
    array([2., 0., 1.])
    >>> x[3]
    Traceback (most recent call last):
    ...
    IndexError: index into a Value of shape (3,): index 3 is out of bounds for axis 0 with size 3
    """
    x = as_value(x, "getitem")
    # A Value is refused before numpy sees it: numpy would read it as a sequence of floats
    # (an error), but an empty one as an empty list of ints (a silent empty result). The
    # test is written out for each case, without a loop over a 1-tuple: it runs every time.
    if isinstance(index, tuple):
        for part in index:
            if isinstance(part, Value):
                raise _value_as_index(x, index, part)
    elif isinstance(index, Value):
        raise _value_as_index(x, index, index)
    try:
        data = x._data[index]
    except (IndexError, TypeError, ValueError) as error:
        # numpy's own words do not say which part is wrong (or say "setting an array
        # element with a sequence" for a ragged list): find it, and say that instead.
        raise _explain(x._data.shape, index, error) from None
    saved = (None, _kept(index), x._data.shape)
    return record(data, "getitem", _getitem_backward, (x,), saved)


def _kept(index: Any) -> Any:
    """The index as the backward will read it: an array or list the caller may still change
    is copied (``idx[0] = 2`` after ``y = x[idx]`` would move the gradient, silently)."""
    kind = type(index)
    if kind is np.ndarray:
        return index.copy() if index.flags.writeable else index
    if kind is list:
        return _list_index(index)
    if kind is not tuple:
        return index
    parts = list(index)
    for k, part in enumerate(parts):  # (a loop, not a call per part: this runs per getitem)
        kind = type(part)
        if kind is np.ndarray:
            if part.flags.writeable:
                parts[k] = part.copy()
        elif kind is list:
            parts[k] = _list_index(part)
    return tuple(parts)


def _list_index(part: list[Any]) -> Any:
    """A list numpy has just accepted as an index, as the array it stands for (an empty one:
    of ints, as numpy reads it, not of floats as np.array would make it)."""
    array = np.array(part)
    return array if array.size else array.astype(np.intp)


def _getitem_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d x[index] = zeros like x, with dx added at index"""
    _, index, shape = saved
    return _index_add(g, index, shape)


def _index_add(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``: the gradient of ``x[index]``.

    ``np.add.at`` adds once per occurrence, so a repeated index gets every contribution.
    Works on an array, or on a Value as an operation of its own (whose backward is
    indexing again) when the backward pass is recorded.
    """
    data = np.zeros(shape, dtype=g.dtype)
    np.add.at(data, index, plain(g))
    if isinstance(g, Value):
        return record(data, "index_add", _index_add_backward, (g,), (None, index))
    return data


def _index_add_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d index_add(zeros, index, v) = dv taken at index"""
    return g[saved[1]]


# -- gathers: x[index], with the index built from the arguments (one int array per axis) --------


def gather(x: Operand, dim: int, index: npt.ArrayLike) -> Value:
    """The elements of ``x`` that ``index`` names along ``dim``, as PyTorch's ``gather``: for
    a 3-D ``x`` and ``dim=1``, ``out[i, j, k] = x[i, index[i, j, k], k]``.

    ``index`` has as many axes as ``x`` (a 0-d one counts as 1-D, as in PyTorch) and the
    result has its shape. Along ``dim`` it may be longer than ``x`` (an element picked
    several times); along the other axes it may be shorter, never longer (it then reads
    their first positions only). Unlike numpy's :func:`take_along_axis`, the shapes do not
    broadcast and a negative index is out of bounds, as in PyTorch.

    An element picked several times gets the sum of the gradients of its picks.

    Parameters
    ----------
    x : Value, ndarray or number
        What to pick from.
    dim : int
        The axis along which ``index`` picks (negative from the end).
    index : array_like of int
        A numpy array of any integer dtype, or a (nested) list of ints, each in
        ``[0, x.shape[dim])``.

    Returns
    -------
    Value
        Of ``index``'s shape.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, ``dim`` not an int, or ``index`` not
        integers (floats, bools, a Value...).
    ValueError
        If ``index`` has another number of axes than ``x``, or is longer than ``x`` along an
        axis other than ``dim``.
    IndexError
        If an index is out of bounds (negative, or ``x.shape[dim]`` or more).
    numpy.exceptions.AxisError
        If ``dim`` is out of range.

    Examples
    --------
    >>> from tensorgrad import Value, gather
    >>> x = Value([[1.0, 2.0], [3.0, 4.0]])
    >>> y = gather(x, 1, [[0, 0], [1, 0]])
    >>> y.data
    array([[1., 1.],
           [4., 3.]])
    >>> y.sum().backward()
    >>> x.grad
    array([[2., 0.],
           [1., 1.]])
    """
    x = as_value(x, "gather")
    op = "gather"
    idx = _index_array(index, op, "index")
    shape, index_shape = _as_many_axes(x.shape, idx.shape, op, "index")
    (axis,) = single_axis(dim, len(shape), op)
    for d, (n, k) in enumerate(zip(shape, index_shape)):
        if d != axis and k > n:
            raise ValueError(
                f"gather: index of shape {idx.shape} is longer than the input of shape "
                f"{x.shape} at dimension {d} ({k} > {n}); only dimension {axis}, the one "
                "gathered along, may be longer"
            )
    _in_bounds(idx, shape[axis], axis, op, negative=False)
    parts = _grid(idx.reshape(index_shape), axis, index_shape)
    return _take(x, parts, shape, idx.shape, op)


def take_along_axis(arr: Operand, indices: npt.ArrayLike, axis: int | None = -1) -> Value:
    """The elements of ``arr`` that ``indices`` names along ``axis``, as numpy's
    ``take_along_axis`` (the gather of :func:`gather`, with numpy's rules).

    The two differ in two rules: here the other axes of ``arr`` and ``indices`` broadcast
    together (a size 1 meets any size), and an index may be negative (from the end).
    ``axis=None`` reads ``arr`` flattened, and ``indices`` is then 1-D. Typical use: the
    elements that ``argsort`` or ``argmax(keepdims=True)`` name.

    Parameters
    ----------
    arr : Value, ndarray or number
        What to pick from.
    indices : array_like of int
        A numpy array of any integer dtype, or a (nested) list of ints, each in
        ``[-n, n)`` for ``n = arr.shape[axis]``; as many axes as ``arr``.
    axis : int or None, default -1
        The axis along which ``indices`` picks.

    Returns
    -------
    Value
        Of the broadcast shape of ``arr`` and ``indices``, with ``indices``'s size along
        ``axis``.

    Raises
    ------
    TypeError
        If ``arr`` is not a Value or real numbers, ``axis`` not an int or None, or
        ``indices`` not integers.
    ValueError
        If ``indices`` has another number of axes than ``arr`` (is not 1-D, for
        ``axis=None``), or the shapes do not broadcast apart from ``axis``.
    IndexError
        If an index is out of bounds.
    numpy.exceptions.AxisError
        If ``axis`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, take_along_axis
    >>> x = Value([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    >>> take_along_axis(x, np.argsort(x.data, axis=1), axis=1).data
    array([[1., 2., 3.],
           [0., 4., 5.]])
    >>> take_along_axis(x, [[-1]], axis=1).data
    array([[2.],
           [4.]])
    """
    arr = as_value(arr, "take_along_axis")
    op = "take_along_axis"
    idx = _index_array(indices, op, "indices")
    shape: tuple[int, ...]
    if axis is None:
        if idx.ndim != 1:
            raise ValueError(
                f"take_along_axis: with axis=None (arr flattened), indices must be 1-D, got "
                f"shape {idx.shape}"
            )
        shape, index_shape, along = (arr.size,), idx.shape, 0
    else:
        shape, index_shape = _as_many_axes(arr.shape, idx.shape, op, "indices")
        (along,) = single_axis(axis, len(shape), op)
        for d, (n, k) in enumerate(zip(shape, index_shape)):
            if d != along and n != k and 1 not in (n, k):
                raise ValueError(
                    f"take_along_axis: arr of shape {arr.shape} and indices of shape "
                    f"{idx.shape} do not broadcast at axis {d} ({n} and {k}); they must, "
                    f"apart from axis {along}"
                )
    _in_bounds(idx, shape[along], along, op, negative=True)
    parts = _grid(idx.reshape(index_shape), along, shape)
    out_shape = np.broadcast_shapes(*(p.shape for p in parts)) if idx.ndim else ()
    return _take(arr, parts, shape, out_shape, op)


def index_select(x: Operand, dim: int, index: npt.ArrayLike) -> Value:
    """The slices of ``x`` at the positions ``index`` lists along ``dim``, as PyTorch's
    ``index_select``: ``x[:, index]`` for ``dim=1``.

    A position listed several times gets the sum of the gradients of its copies. As in
    PyTorch, a negative index is out of bounds, and a 0-d ``index`` is a list of one.

    Parameters
    ----------
    x : Value, ndarray or number
        What to select from.
    dim : int
        The axis along which to select (negative from the end).
    index : array_like of int
        A 1-D numpy array of any integer dtype, a list of ints, or one int, each in
        ``[0, x.shape[dim])``.

    Returns
    -------
    Value
        ``x``'s shape with ``len(index)`` along ``dim``.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, ``dim`` not an int, or ``index`` not integers.
    IndexError
        If ``index`` has more than one axis, or an index is out of bounds (for a 0-d ``x``:
        if ``index`` is not one 0).
    numpy.exceptions.AxisError
        If ``dim`` is out of range.

    Examples
    --------
    >>> from tensorgrad import Value, index_select
    >>> x = Value([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> y = index_select(x, 1, [2, 0, 2])
    >>> y.data
    array([[3., 1., 3.],
           [6., 4., 6.]])
    >>> y.sum().backward()
    >>> x.grad
    array([[1., 0., 2.],
           [1., 0., 2.]])
    """
    x = as_value(x, "index_select")
    op = "index_select"
    idx = _index_array(index, op, "index")
    if idx.ndim > 1:
        raise IndexError(f"index_select: index must be 1-D (or one int), got shape {idx.shape}")
    shape = x.shape or (1,)
    (axis,) = single_axis(dim, len(shape), op)
    if not x.ndim and idx.size != 1:
        raise IndexError(
            f"index_select: a 0-d input takes one index, got {idx.size} (shape {idx.shape})"
        )
    _in_bounds(idx, shape[axis], axis, op, negative=False)
    parts = (slice(None),) * axis + (idx.reshape(-1),)
    out_shape = (*x.shape[:axis], idx.size, *x.shape[axis + 1 :]) if x.ndim else ()
    return _take(x, parts, shape, out_shape, op)


def _take(
    x: Value, parts: tuple[Any, ...], shape: tuple[int, ...], out_shape: tuple[int, ...], op: str
) -> Value:
    """``x`` (seen in ``shape``, at least 1-D) indexed with ``parts``, in ``out_shape``: the
    one forward of the gathers."""
    taken = x._data.reshape(shape)[parts]
    saved = (None, parts, shape, taken.shape, x.shape)
    return record(taken.reshape(out_shape), op, _take_backward, (x,), saved)


def _take_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d gather(x, index) = zeros like x, with dx added where index picks (an element picked
    twice gets both): the same for take_along_axis and index_select"""
    _, parts, shape, taken, x_shape = saved
    grad = _index_add(g if g.shape == taken else g.reshape(taken), parts, shape)
    return grad if grad.shape == x_shape else grad.reshape(x_shape)


# -- scatters: x[index] = src (or += src), on a copy of x -------------------------------------


def scatter_add(x: Operand, dim: int, index: npt.ArrayLike, src: Operand) -> Value:
    """``x`` with ``src`` added at the positions that ``index`` names along ``dim``, as
    PyTorch's ``scatter_add`` (out of place): for 2-D and ``dim=0``,
    ``out[index[i, j], j] += src[i, j]``; what lands twice adds up.

    ``index`` has as many axes as ``x`` and ``src`` (a 0-d one counts as 1-D), and is no
    longer than ``src`` along any axis, nor than ``x`` along the axes other than ``dim``
    (the first positions of ``src`` and ``x`` are read, the rest of ``src`` is unused). The
    gradient of ``x`` is the result's; that of ``src`` the result's, gathered at ``index``
    (and 0 where ``src`` is unused: PyTorch refuses to compute it then).

    Parameters
    ----------
    x : Value, ndarray or number
        Where to add.
    dim : int
        The axis along which ``index`` names positions (negative from the end).
    index : array_like of int
        Each in ``[0, x.shape[dim])``.
    src : Value or ndarray
        What to add, of ``x``'s dtype (an integer array is read in it).

    Returns
    -------
    Value
        Of ``x``'s shape and dtype.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, ``src`` not a Value or an array of ``x``'s
        dtype, ``dim`` not an int, or ``index`` not integers.
    ValueError
        If the numbers of axes differ, or ``index`` is longer than ``src`` or ``x`` (apart
        from ``dim``).
    IndexError
        If an index is out of bounds (negative, or ``x.shape[dim]`` or more).
    numpy.exceptions.AxisError
        If ``dim`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, scatter_add
    >>> counts = scatter_add(Value(np.zeros(3)), 0, [0, 2, 2], Value([1.0, 1.0, 1.0]))
    >>> counts.data
    array([1., 0., 2.])
    """
    x = as_value(x, "scatter_add")
    return _scatter(x, dim, index, src, "scatter_add")


def scatter(x: Operand, dim: int, index: npt.ArrayLike, src: Operand) -> Value:
    """``x`` with ``src`` written at the positions that ``index`` names along ``dim``, as
    PyTorch's ``scatter`` (out of place): for 2-D and ``dim=0``,
    ``out[index[i, j], j] = src[i, j]``; ``src`` may be one number, written everywhere
    ``index`` points (``zeros.scatter(1, labels, 1.0)`` makes one-hot rows).

    The shapes follow :func:`scatter_add`'s rules. Where ``index`` names one position twice,
    one of the two writes wins (numpy's last; PyTorch does not say which). The gradient of
    ``x`` is the result's, 0 where written; that of ``src`` the result's, gathered at
    ``index``, as in PyTorch (so both writes to one position get it).

    Parameters
    ----------
    x : Value, ndarray or number
        Where to write.
    dim : int
        The axis along which ``index`` names positions (negative from the end).
    index : array_like of int
        Each in ``[0, x.shape[dim])``.
    src : Value, ndarray or number
        What to write: of ``x``'s dtype (an integer array is read in it), or a number.

    Returns
    -------
    Value
        Of ``x``'s shape and dtype.

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, ``src`` not a Value, an array of ``x``'s dtype or a
        number, ``dim`` not an int, or ``index`` not integers.
    ValueError
        If the numbers of axes differ, ``index`` is longer than ``src`` or ``x`` (apart
        from ``dim``), or a number ``src`` overflows ``x``'s dtype.
    IndexError
        If an index is out of bounds.
    numpy.exceptions.AxisError
        If ``dim`` is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, scatter
    >>> scatter(Value(np.zeros((2, 3))), 1, [[2], [0]], 1.0).data
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    x = as_value(x, "scatter")
    return _scatter(x, dim, index, src, "scatter")


def _scatter(x: Value, dim: int, index: npt.ArrayLike, src: Operand, op: str) -> Value:
    """The one forward of :func:`scatter` and :func:`scatter_add`: checks, then the write."""
    idx = _index_array(index, op, "index")
    shape, index_shape = _as_many_axes(x.shape, idx.shape, op, "index")
    src_data = operand_data(src, op)
    if src_data is NotImplemented:
        raise type_error(op, x, src)
    number = op == "scatter" and type(src_data) is not np.ndarray  # (a 0-d array is a number)
    if isinstance(src, np.ndarray) and not number:
        src_data = src  # a 0-d one too, which operand_data reads as the number it holds
    if number:
        src_data = _fill_value(src_data, x.dtype, "src", op)
        src_shape = index_shape
    elif type(src_data) is not np.ndarray:
        raise TypeError(
            f"scatter_add: src must be a Value or an array, got {type(src).__name__} {src!r}"
        )
    else:
        src_data = in_float(src_data, x._data)
        if src_data.dtype != x.dtype:
            raise TypeError(
                f"{op}: src has dtype {src_data.dtype} and the input {x.dtype}: they must be "
                "the same (as in PyTorch)"
            )
        _, src_shape = _as_many_axes(x.shape, src_data.shape, op, "src")
    (axis,) = single_axis(dim, len(shape), op)
    for d, (n, k, s) in enumerate(zip(shape, index_shape, src_shape)):
        if k > s or (d != axis and k > n):
            raise ValueError(
                f"{op}: index of shape {idx.shape} is longer at dimension {d} than src "
                f"(shape {np.shape(src_data) if not number else '(a number)'}) or than the "
                f"input (shape {x.shape}; only along dimension {axis} may it be longer)"
            )
    _in_bounds(idx, shape[axis], axis, op, negative=False)
    parts = _grid(idx.reshape(index_shape), axis, index_shape)
    # src's part that is read: all of it, or its first positions where index is shorter
    corner = () if src_shape == index_shape else tuple(slice(0, k) for k in index_shape)
    data = x._data.reshape(shape).copy()
    read = src_data if number else src_data.reshape(src_shape)[corner]
    if op == "scatter":
        data[parts] = read
        kept = np.ones(shape, bool)
        kept[parts] = False
        backward = _scatter_backward
    else:
        np.add.at(data, parts, read)
        kept, backward = None, _scatter_add_backward
    saved = (None, None if number else like(src_data), parts, corner, shape, src_shape, kept)
    return record(data.reshape(x.shape), op, backward, (x, src), saved)


def _scatter_add_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d scatter_add(x, index, src) = dx + (dsrc added at index): x gets the result's
    gradient, src that gradient gathered at index"""
    return g if i == 0 else _gathered(g, saved)


def _scatter_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d scatter(x, index, src) = dx where nothing is written + (dsrc written at index): x
    gets the result's gradient with 0 where written, src that gradient gathered at index
    (every write gets it, one that lost to another write to its position too, as in PyTorch)"""
    if i == 1:
        return _gathered(g, saved)
    kept = saved[6]
    return g * (kept if g.shape == kept.shape else kept.reshape(g.shape))


def _gathered(g: Any, saved: tuple[Any, ...]) -> Any:
    """The gradient of a scatter's src: the result's gradient at the positions written (and
    0 for the part of src that is not read)."""
    _, src, parts, corner, shape, src_shape, _ = saved
    grad = (g if g.shape == shape else g.reshape(shape))[parts]
    if corner:
        grad = _index_add(grad, corner, src_shape)
    return grad if grad.shape == src.shape else grad.reshape(src.shape)


# -- masked_fill: x[mask] = value, on a copy of x ---------------------------------------------


def masked_fill(x: Operand, mask: npt.ArrayLike, value: Value | float) -> Value:
    """``x`` with ``value`` wherever ``mask`` is true, as PyTorch's ``masked_fill``: the
    attention mask's ``scores.masked_fill(~allowed, -inf)``.

    ``mask`` and ``x`` broadcast together (as in PyTorch, the result has their broadcast
    shape). ``value`` is a number, or a 0-d Value, which then gets the sum of the result's
    gradient where the mask is true; the result keeps ``x``'s dtype either way.

    Parameters
    ----------
    x : Value, ndarray or number
        What to fill.
    mask : array_like of bool
        Where to put ``value``: a boolean numpy array (the result of a comparison) or list.
    value : float or Value
        A number (``-inf`` too), or a 0-d Value.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``x`` is not a Value or real numbers, ``mask`` not booleans, or ``value`` not a
        number or a Value.
    ValueError
        If ``mask`` does not broadcast with ``x``, ``value`` is a Value of more than one
        element, or a finite number that overflows ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> scores = Value([[0.5, 2.0], [1.0, 3.0]])
    >>> scores.masked_fill(np.triu(np.ones((2, 2), bool), 1), -np.inf).data
    array([[ 0.5, -inf],
           [ 1. ,  3. ]])
    """
    x = as_value(x, "masked_fill")
    op = "masked_fill"
    if isinstance(mask, Value):
        raise TypeError("masked_fill: mask must be booleans (a numpy array or list), got a Value")
    allowed = np.array(mask)  # a copy: a later change of the caller's mask cannot move dx
    if allowed.dtype != np.bool_:
        raise TypeError(
            f"masked_fill: mask must be booleans, got dtype {allowed.dtype} (compare, as in "
            "x > 0, to make one)"
        )
    try:
        np.broadcast_shapes(allowed.shape, x.shape)
    except ValueError:
        raise ValueError(
            f"masked_fill: mask of shape {allowed.shape} does not broadcast with the input "
            f"of shape {x.shape}"
        ) from None
    if isinstance(value, Value):
        if value.ndim:
            raise ValueError(
                f"masked_fill: value must be a number or a 0-d Value, got a Value of shape "
                f"{value.shape}"
            )
        fill: Any = value._data.astype(x.dtype, copy=False)
        saved_value: Any = like(value._data)
    else:
        number = operand_data(value, op)
        if number is NotImplemented or type(number) is np.ndarray:
            raise TypeError(
                f"masked_fill: value must be a number or a 0-d Value, got {type(value).__name__}"
            )
        fill, saved_value = _fill_value(number, x.dtype, "value", op), None
    data = np.where(allowed, fill, x._data)
    saved = (like(x._data), saved_value, allowed)
    return record(data, op, _masked_fill_backward, (x, value), saved)


def _masked_fill_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d masked_fill(x, mask, v) = (1 - mask) dx + sum(mask) dv"""
    mask = saved[2]
    return unbroadcast(g * ~mask if i == 0 else g * mask, saved[i])


# -- the checks of the gathers' and the scatters' arguments ------------------------------------


def _index_array(index: object, op: str, name: str) -> Array:
    """``index`` as an array of ints that its caller can no longer change (as :func:`_kept`
    protects ``x[index]``'s): a writeable array is copied, a list made into a new array."""
    if isinstance(index, np.ndarray):
        array = index.copy() if index.flags.writeable else index
    elif isinstance(index, (list, tuple)) or (
        isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_))
    ):
        try:
            array = np.array(index)
        except ValueError:  # numpy: "setting an array element with a sequence"
            raise ValueError(
                f"{op}: the list {_show(index)} given as {name} is ragged (its rows differ in "
                "length), so it is not one array of indices"
            ) from None
        if not array.size and array.dtype.kind == "f":  # [] is float64 to numpy
            array = array.astype(np.intp)
    else:
        raise TypeError(
            f"{op}: {name} must be an integer numpy array or a list of ints, got {_describe(index)}"
        )
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: {name} must hold integers, got {type(index).__name__} of dtype {array.dtype}"
        )
    return array


def _as_many_axes(
    shape: tuple[int, ...], other: tuple[int, ...], op: str, name: str
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The input's shape and ``name``'s, each at least 1-D (PyTorch reads a 0-d tensor as
    1-D here), checked to have as many axes."""
    lifted, other_lifted = shape or (1,), other or (1,)
    if len(lifted) != len(other_lifted):
        raise ValueError(
            f"{op}: {name} of shape {other} has {len(other)} dimensions and the input, of "
            f"shape {shape}, {len(shape)}: they must have as many"
        )
    return lifted, other_lifted


def _in_bounds(index: Array, size: int, axis: int, op: str, negative: bool) -> None:
    """Refuse an index out of ``[0, size)`` (``[-size, size)`` if ``negative``), by name."""
    if not index.size:
        return
    low, high = int(index.min()), int(index.max())
    bad = high if high >= size else low if low < (-size if negative else 0) else None
    if bad is not None:
        raise IndexError(
            f"{op}: index {bad} is out of bounds for dimension {axis} with size {size}"
        )


def _grid(index: Array, axis: int, sizes: tuple[int, ...]) -> tuple[Array, ...]:
    """One int array per axis, all broadcasting together: ``index`` for ``axis``, and for
    every other axis ``d`` the positions ``0, 1, ... sizes[d] - 1`` laid along it. Indexing
    with them picks, at each position of the result, ``index``'s element along ``axis`` and
    the position itself along the other axes."""
    parts = []
    for d, n in enumerate(sizes):
        if d == axis:
            parts.append(index)
        else:
            along = [1] * len(sizes)
            along[d] = n
            parts.append(np.arange(n).reshape(along))
    return tuple(parts)


def _fill_value(number: Any, dtype: np.dtype[Any], name: str, op: str) -> Array:
    """A number as a 0-d array of ``dtype``; a finite one beyond its range is refused, as
    PyTorch refuses it, rather than made inf (with numpy's overflow warning)."""
    try:
        as_float = float(number)
    except OverflowError:  # an int beyond float64's range
        raise ValueError(
            f"{op}: {name} (an int of {len(str(number))} digits) overflows {dtype}"
        ) from None
    if math.isfinite(as_float) and abs(as_float) > float(np.finfo(dtype).max):
        raise ValueError(f"{op}: {name} {number!r} overflows {dtype}")
    return np.asarray(as_float, dtype)


# -- explaining a wrong index ------------------------------------------------------------------
# Only ever called after numpy refused an index, so none of this costs a right index anything.

_VALID = (
    "only integers, slices (:), Ellipsis (...), None, and integer or boolean arrays or "
    "lists are valid indices"
)


class _WrongIndexError(Exception):
    """What is wrong with an index: the kind of error to raise, what it says, and which
    part of a tuple index is wrong (None: the index as a whole)."""

    def __init__(self, kind: type[Exception], message: str, part: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.part = part


class _Part(NamedTuple):
    """One part of an index, read: what it is and how many of the Value's axes it takes."""

    kind: str  # "int", "ints" (an array or list of ints), "mask", "slice", "new", "..."
    axes: int  # how many axes of the Value it indexes
    shape: tuple[int, ...] = ()  # of an array or list of ints or bools
    low: int | None = None  # the smallest and the largest int, if there are any
    high: int | None = None
    picks: tuple[int, ...] = ()  # the shape of the int arrays numpy makes of it (a mask: one
    # array of its True positions per axis it covers), which must broadcast with the others


def _value_as_index(x: Value, index: Any, value: Value) -> TypeError:
    """The error for a Value in an index (PyTorch takes tensors there; tensorgrad does not)."""
    parts = index if isinstance(index, tuple) else (index,)
    k = next(k for k, part in enumerate(parts) if part is value)
    return TypeError(
        f"{_where(x.shape, index, k)}a Value cannot be used as an index: index with ints, "
        "slices, None, Ellipsis, or integer or boolean numpy arrays or lists"
    )


def _explain(shape: tuple[int, ...], index: Any, error: Exception) -> Exception:
    """The error that says what is wrong with ``index`` for a Value of ``shape``."""
    try:
        _find_the_wrong_part(shape, index)
    except _WrongIndexError as refused:
        return refused.kind(_where(shape, index, refused.part) + refused.message)
    # numpy refused something this walk knows nothing about: pass its words on, with ours.
    kind = type(error) if type(error) in (IndexError, TypeError, ValueError) else IndexError
    return kind(f"{_where(shape, index, None)}numpy refused the index {_show(index)}: {error}")


def _where(shape: tuple[int, ...], index: Any, part: int | None) -> str:
    """The start of every message: the Value's shape, and the wrong part of a tuple index."""
    if part is None or not isinstance(index, tuple):
        return f"index into a Value of shape {shape}: "
    return f"index into a Value of shape {shape}, at position {part} of {_show(index)}: "


def _find_the_wrong_part(shape: tuple[int, ...], index: Any) -> None:
    """Raise :class:`_WrongIndexError` for the first wrong part of ``index``, as numpy reads it."""
    parts = index if isinstance(index, tuple) else (index,)
    read = []
    for k, part in enumerate(parts):  # first what each part is: a wrong type is named first
        try:
            read.append(_read(part))
        except _WrongIndexError as refused:
            refused.part = k
            raise
    ellipses = sum(p.kind == "..." for p in read)
    if ellipses > 1:
        raise _WrongIndexError(
            IndexError,
            f"an index can have one Ellipsis (...) at most, got {ellipses} in {_show(index)}",
        )
    ndim, taken = len(shape), sum(p.axes for p in read)
    if taken > ndim:
        if ndim == 0:
            raise _WrongIndexError(
                IndexError,
                f"a 0-d Value has no axes to index, but the index {_show(index)} indexes "
                f"{taken}: take its number with .item(), or index it with [()] or [...]",
            )
        raise _WrongIndexError(
            IndexError,
            f"too many indices: {_show(index)} indexes {taken} axes, but the Value has {ndim}",
        )
    # The parts before an Ellipsis index the first axes, those after it the last ones.
    axis = 0
    for k, p in enumerate(read):
        if p.kind == "...":
            axis = ndim - sum(later.axes for later in read[k + 1 :])
            continue
        try:
            _fits(p, shape, axis)
        except _WrongIndexError as refused:
            refused.part = k
            raise
        axis += p.axes
    _broadcasts(read, index)


def _read(part: Any) -> _Part:
    """What one part of an index is, or :class:`_WrongIndexError` if it cannot be one."""
    if part is None or isinstance(part, (bool, np.bool_)):
        return _Part("new", 0)  # numpy reads True and False as a 0-d mask: a new axis
    if part is Ellipsis:
        return _Part("...", 0)
    if isinstance(part, slice):
        _check_slice(part)
        return _Part("slice", 1)
    if isinstance(part, np.ndarray):
        if part.dtype.kind == "b":
            return _Part("mask", part.ndim, part.shape, picks=(int(np.count_nonzero(part)),))
        if part.dtype.kind not in "iu":
            raise _WrongIndexError(
                IndexError,
                f"an index array must hold integers or booleans, got an array of dtype "
                f"{part.dtype} and shape {part.shape}",
            )
        low, high = (int(part.min()), int(part.max())) if part.size else (None, None)
        return _Part("ints", 1, part.shape, low, high, part.shape)
    if isinstance(part, (list, tuple)):  # (a tuple only inside the index's tuple)
        return _read_list(part)
    try:
        i = operator.index(part)  # an int, a numpy int, or anything else that says it is one
    except TypeError:
        array = _as_array(part)
        if array is None:
            raise _WrongIndexError(IndexError, f"{_VALID}, got {_describe(part)}") from None
        return _read(array)
    return _Part("int", 1, (), i, i)


def _as_array(part: object) -> np.ndarray[Any, Any] | None:
    """The int or bool array numpy reads another sequence as (a range, an array.array),
    or None if it is no such sequence."""
    if isinstance(part, (str, bytes, dict, set, float, complex)):
        return None
    try:
        array = np.asarray(part)
    except Exception:  # whatever it is, numpy cannot read it as an array
        return None
    return array if array.ndim and array.dtype.kind in "biu" else None


def _check_slice(s: slice) -> None:
    for name in ("start", "stop", "step"):
        bound = getattr(s, name)
        if bound is None:
            continue
        try:
            operator.index(bound)
        except TypeError:
            raise _WrongIndexError(
                TypeError,
                f"a slice's {name} must be an int or None, got {_describe(bound)} in {s!r}",
            ) from None
    if s.step is not None and operator.index(s.step) == 0:
        raise _WrongIndexError(ValueError, f"a slice's step cannot be zero, got {s!r}")


def _read_list(seq: list[Any] | tuple[Any, ...]) -> _Part:
    """A (nested) list of ints or bools, read as the array numpy would make of it."""
    flat: list[Any] = []
    _flatten(seq, flat)
    for item in flat:
        if isinstance(item, (bool, np.bool_)):
            continue
        try:
            operator.index(item)
        except TypeError:
            raise _WrongIndexError(
                IndexError,
                f"a list in an index must hold only ints or only bools, got {_describe(item)} "
                f"in {_show(seq)}",
            ) from None
    try:
        array_shape = np.shape(seq)
    except ValueError:  # numpy: "setting an array element with a sequence"
        raise _WrongIndexError(
            ValueError,
            f"the list {_show(seq)} in the index is ragged (inhomogeneous): its rows differ "
            "in length, so it is not one array of indices",
        ) from None
    if flat and all(isinstance(item, (bool, np.bool_)) for item in flat):
        return _Part("mask", len(array_shape), array_shape, picks=(sum(map(bool, flat)),))
    ints = [operator.index(item) for item in flat]  # (a bool among ints counts as 0 or 1)
    low, high = (min(ints), max(ints)) if ints else (None, None)
    return _Part("ints", 1, array_shape, low, high, array_shape)


def _flatten(seq: Any, into: list[Any]) -> None:
    for item in seq:
        if isinstance(item, (list, tuple)):
            _flatten(item, into)
        elif isinstance(item, np.ndarray) and item.dtype.kind in "biu":
            into.extend(item.ravel().tolist())
        else:
            into.append(item)


def _fits(p: _Part, shape: tuple[int, ...], axis: int) -> None:
    """Refuse an int out of bounds for its axis, or a mask of another shape than its axes."""
    if p.kind in ("int", "ints") and p.low is not None and p.high is not None:
        size = shape[axis]
        bad = p.high if p.high >= size else p.low if p.low < -size else None
        if bad is not None:
            raise _WrongIndexError(
                IndexError, f"index {bad} is out of bounds for axis {axis} with size {size}"
            )
    if p.kind == "mask" and shape[axis : axis + p.axes] != p.shape:
        covered = shape[axis : axis + p.axes]
        axes = f"axis {axis}" if p.axes == 1 else f"axes {axis} to {axis + p.axes - 1}"
        raise _WrongIndexError(
            IndexError,
            f"the boolean index has shape {p.shape}, but it covers {axes}, of shape {covered}",
        )


def _broadcasts(read: list[_Part], index: Any) -> None:
    """Refuse index arrays (and masks, as the arrays of their True positions) whose shapes
    do not broadcast together: numpy picks one element per position of the broadcast."""
    shapes = [p.picks for p in read if p.kind == "ints" or (p.kind == "mask" and p.axes)]
    if len(shapes) < 2:
        return
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        masks = any(p.kind == "mask" for p in read)
        note = ", a boolean index counting as the array of its True positions" if masks else ""
        raise _WrongIndexError(
            IndexError,
            f"the index arrays of {_show(index)} have shapes {listed}{note}, which do not "
            "broadcast together (each picks one element per position of their common shape)",
        ) from None


class _Short(reprlib.Repr):
    """reprlib's short repr, with an array as its dtype and shape (its numbers would take
    lines, and are not what is wrong with it)."""

    def repr_ndarray(self, x: np.ndarray[Any, Any], level: int) -> str:
        return f"array(dtype={x.dtype}, shape={x.shape})"


_short = _Short()  # an index may be a long list or a big array: show its start
_short.maxlist = _short.maxtuple = 8
_short.maxstring = _short.maxother = 40


def _show(obj: object) -> str:
    return _short.repr(obj)


def _describe(obj: object) -> str:
    """The type and the value, ``str 'a'``; just the value if it names its type already."""
    text, name = _show(obj), type(obj).__name__
    return text if text.startswith((name, f"np.{name}")) else f"{name} {text}"

"""Indexing: ``x[index]``, with everything numpy accepts as an index but a Value.

The gradient of ``x[index]`` is zeros of ``x``'s shape with the result's gradient added
back at ``index``; added, not written, so that an element picked twice (``x[[0, 0]]``)
gets both contributions.

A wrong index is explained only after numpy has refused it: a right one (the common case,
in every training step) costs no check beyond numpy's own. The explanation walks the index
part by part, as numpy does, and names the part that is wrong, with the axis it indexes.
"""

from __future__ import annotations

import operator
import reprlib
from typing import Any, NamedTuple

import numpy as np

from tensorgrad.record import plain, record
from tensorgrad.tensor import Value

__all__ = ["getitem"]


def getitem(x: Value, index: Any) -> Value:
    """``x[index]``, with numpy's meaning of an index (which PyTorch shares).

    An index is one part, or a tuple of parts, each one of: an int (negative from the
    end), a slice, ``None`` (a new axis of size 1), ``...`` (as many ``:`` as needed),
    or an array or (nested) list of ints (picks along one axis) or of bools (a mask over
    as many axes as it has). Unlike PyTorch, a slice may have a negative step, as in numpy.

    Parameters
    ----------
    x : Value
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

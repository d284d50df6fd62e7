"""Axis and shape arguments, read the way numpy and PyTorch read them, checked once.

Reductions, softmax, shape changes and joins all take an ``axis`` (an int, negative from the
end, a tuple of ints, or None for all axes) or a shape (``f(2, 3)`` or ``f((2, 3))``). These
helpers turn them into one canonical form, with an error that names the op when they do not
fit the Value.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_device",
    "flag",
    "int_arg",
    "kept_shape",
    "normalize_axes",
    "pair_arg",
    "pytorch_spellings",
    "real_arg",
    "reduced_count",
    "refuse_inplace",
    "shape_arg",
    "single_axis",
    "spelling",
]


def normalize_axes(axis: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` as a tuple of non-negative ints, checked against ``ndim`` axes.

    As in PyTorch, a 0-d Value accepts axis 0 and -1 as if it had one axis of size 1:
    they name no axis of it, so the tuple is empty.

    Raises
    ------
    TypeError
        If an axis is not an int.
    numpy.exceptions.AxisError
        If an axis is out of range.
    ValueError
        If an axis is repeated.

    Examples
    --------
    >>> from tensorgrad.axes import normalize_axes
    >>> normalize_axes(-1, 3, "sum"), normalize_axes(None, 2, "sum")
    ((2,), (0, 1))
    >>> normalize_axes((0, -1), 3, "sum"), normalize_axes(0, 0, "sum")
    ((0, 2), ())
    """
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, in one step
        return (axis + ndim if axis < 0 else axis,)
    if axis is None:
        return tuple(range(ndim))
    given = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = []
    for a in given:
        k = int_arg(a, "an axis", op)
        if ndim == 0 and k in (0, -1):
            continue
        if not -ndim <= k < ndim:
            raise np.exceptions.AxisError(
                f"{op}: axis {k} is out of range for {ndim} axes (valid: {-ndim} to {ndim - 1})"
            )
        axes.append(k % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {given}")
    return tuple(axes)


def single_axis(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis``, one int, as :func:`normalize_axes` gives it: a tuple of that one axis.

    For an op that works along one axis (softmax, argmax, stack...). The tuple is empty
    for a 0-d Value given 0 or -1 (as in PyTorch), and numpy's reductions over no axes
    leave the array as it is, so the op needs no case of its own for it.

    Parameters
    ----------
    axis : int
        The axis given (negative counts from the end).
    ndim : int
        How many axes the Value has.
    op : str
        Who asks, which starts the messages.

    Returns
    -------
    tuple of int
        ``(axis,)``, non-negative; ``()`` for a 0-d Value.

    Raises
    ------
    TypeError
        If ``axis`` is not one int (a tuple, say).
    numpy.exceptions.AxisError
        If it is out of range.

    Examples
    --------
    >>> from tensorgrad.axes import single_axis
    >>> single_axis(-1, 3, "softmax"), single_axis(0, 0, "softmax")
    ((2,), ())
    >>> single_axis((0, 1), 2, "softmax")
    Traceback (most recent call last):
    ...
    TypeError: softmax: axis must be one int, got tuple (0, 1)
    """
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, in one step
        return (axis + ndim if axis < 0 else axis,)
    if axis is None or isinstance(axis, (tuple, list)):  # (None: normalize_axes reads all)
        raise TypeError(f"{op}: axis must be one int, got {type(axis).__name__} {axis!r}")
    return normalize_axes(axis, ndim, op)


def spelling(numpy_value: Any, torch_value: Any, default: Any, names: str, op: str) -> Any:
    """numpy's argument, or PyTorch's spelling of it (``dim`` for ``axis``, ``keepdim`` for
    ``keepdims``), whichever was given; an op calls this only when PyTorch's was.

    Parameters
    ----------
    numpy_value : object
        What the numpy-spelled argument holds (its default if it was not given).
    torch_value : object
        What the PyTorch-spelled one holds (not None).
    default : object
        The numpy-spelled argument's default.
    names : str
        The two spellings, ``"axis/dim"``, for the message.
    op : str
        Who asks, which starts the message.

    Returns
    -------
    object
        ``torch_value``.

    Raises
    ------
    TypeError
        If both were given (the numpy one differs from its default).

    Examples
    --------
    >>> from tensorgrad.axes import spelling
    >>> spelling(None, 0, None, "axis/dim", "sum")
    0
    >>> spelling(1, 0, None, "axis/dim", "sum")
    Traceback (most recent call last):
    ...
    TypeError: sum: give axis= or dim=, not both (got axis=1, dim=0)
    """
    if numpy_value is not default and numpy_value != default:
        numpy_name, torch_name = names.split("/")
        raise TypeError(
            f"{op}: give {numpy_name}= or {torch_name}=, not both "
            f"(got {numpy_name}={numpy_value!r}, {torch_name}={torch_value!r})"
        )
    return torch_value


def pytorch_spellings(
    op: str,
    axis: Any,
    dim: Any,
    default: Any = None,
    keepdims: Any = False,
    keepdim: Any = None,
) -> tuple[Any, Any]:
    """``(axis, keepdims)`` from numpy's spellings or PyTorch's (``dim``, ``keepdim``).

    The one reading of the two spellings, for every op that takes an axis. It is called
    only when ``dim`` or ``keepdim`` was given: the common call, in numpy's spelling, skips
    it at the cost of a test (``if dim is not None or keepdim is not None``), which keeps
    ``sum`` and ``mean`` as fast as before on the training step.

    Parameters
    ----------
    op : str
        Who asks, which starts the messages.
    axis, dim : object
        numpy's and PyTorch's spelling of the axis (``dim`` None if not given).
    default : object, default None
        ``axis``'s default (``-1`` for softmax...).
    keepdims, keepdim : object
        numpy's and PyTorch's spelling of the flag (``keepdim`` None if not given); an op
        without the flag leaves them out.

    Returns
    -------
    tuple
        The axis and the flag, as numpy spells them; still to be checked (by
        :func:`normalize_axes` or :func:`single_axis`, and :func:`flag`).

    Raises
    ------
    TypeError
        If both spellings of one argument were given.

    Examples
    --------
    >>> from tensorgrad.axes import pytorch_spellings
    >>> pytorch_spellings("sum", None, 1, keepdim=True)
    (1, True)
    >>> pytorch_spellings("softmax", -1, 0, -1)
    (0, False)
    >>> pytorch_spellings("sum", 0, 1)
    Traceback (most recent call last):
    ...
    TypeError: sum: give axis= or dim=, not both (got axis=0, dim=1)
    """
    if dim is not None:
        axis = spelling(axis, dim, default, "axis/dim", op)
    if keepdim is not None:
        keepdims = spelling(keepdims, keepdim, False, "keepdims/keepdim", op)
    return axis, keepdims


def flag(value: object, name: str, op: str) -> bool:
    """``value`` as a bool, if it is one (Python's or numpy's); else a TypeError naming it.

    Parameters
    ----------
    value : object
        What was given.
    name : str
        The argument's name (``"keepdims"``).
    op : str
        Who asks, which starts the message.

    Returns
    -------
    bool

    Examples
    --------
    >>> from tensorgrad.axes import flag
    >>> flag(True, "keepdims", "sum")
    True
    >>> flag("yes", "keepdims", "sum")
    Traceback (most recent call last):
    ...
    TypeError: sum: keepdims must be True or False, got str 'yes'
    """
    if type(value) is bool:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"{op}: {name} must be True or False, got {type(value).__name__} {value!r}")


def refuse_inplace(inplace: object, op: str) -> None:
    """Accept PyTorch's ``inplace=False``; refuse ``inplace=True`` with the reason why.

    PyTorch's ``inplace=True`` overwrites the input to save memory. tensorgrad never changes
    a Value in place, since backward may still need the numbers it holds, so every function
    and layer that takes PyTorch's ``inplace`` checks it here: False changes nothing, so that
    PyTorch code runs unchanged.

    Parameters
    ----------
    inplace : object
        What was given; a bool (Python's or numpy's).
    op : str
        Who asks, which starts the message.

    Raises
    ------
    ValueError
        If ``inplace`` is True.
    TypeError
        If it is not a bool (checked by :func:`flag`).

    Examples
    --------
    >>> from tensorgrad.axes import refuse_inplace
    >>> refuse_inplace(False, "relu")
    >>> refuse_inplace(True, "relu")
    Traceback (most recent call last):
    ...
    ValueError: relu: inplace=True is not supported: tensorgrad never changes a Value in place ...
    """
    if flag(inplace, "inplace", op):
        raise ValueError(
            f"{op}: inplace=True is not supported: tensorgrad never changes a Value in "
            f"place (backward may still need its numbers); use inplace=False"
        )


def check_device(device: object, op: str) -> None:
    """Accept PyTorch's ``device=`` for the CPU (the only device there is); refuse any other.

    tensorgrad computes with numpy, on the CPU only. ``None``, ``"cpu"`` and ``"cpu:0"``
    change nothing, so that PyTorch code written for a ``device`` runs; a GPU or any other
    device (``"cuda"``, ``"cuda:0"``, ``"mps"``) is refused rather than ignored.

    Parameters
    ----------
    device : object
        What was given: None or a str.
    op : str
        Who asks, which starts the message.

    Raises
    ------
    TypeError
        If ``device`` is neither None nor a str.
    ValueError
        If it names a device other than the CPU.

    Examples
    --------
    >>> from tensorgrad.axes import check_device
    >>> check_device("cpu", "zeros")
    >>> check_device("cuda", "zeros")
    Traceback (most recent call last):
    ...
    ValueError: zeros: device 'cuda' is not available: tensorgrad runs on the CPU only, ...
    """
    if device is None:
        return
    if not isinstance(device, str):
        raise TypeError(
            f"{op}: device must be a str such as 'cpu', got {type(device).__name__} {device!r}"
        )
    kind, _, index = device.partition(":")
    if kind != "cpu" or index not in ("", "0"):
        raise ValueError(
            f"{op}: device {device!r} is not available: tensorgrad runs on the CPU only, "
            f"through numpy (device='cpu' is accepted, and changes nothing)"
        )


def int_arg(n: Any, name: str, op: str) -> int:
    """``n`` as an int (a numpy integer too); a bool is refused, which ``operator.index``
    would take as 0 or 1.

    For every int argument of tensorgrad's functions: an axis, a size, a bound.

    Parameters
    ----------
    n : object
        What was given.
    name : str
        What it is, for the message (``"an axis"``, ``"size"``).
    op : str
        Who asks, which starts the message.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``n`` is not an int, naming it, its type and its value.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.axes import int_arg
    >>> int_arg(np.int64(2), "an axis", "sum")
    2
    >>> int_arg(True, "an axis", "sum")
    Traceback (most recent call last):
    ...
    TypeError: sum: an axis must be an int, got bool True
    """
    if isinstance(n, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be an int, got bool {n!r}")
    try:
        return operator.index(n)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {type(n).__name__} {n!r}") from None


def pair_arg(value: Any, name: str, op: str, n: int = 2, minimum: int = 0) -> tuple[int, ...]:
    """An int-or-tuple argument of an image op (``kernel_size=3`` or ``(3, 2)``) as ``n`` ints.

    An int stands for the same size along each of the ``n`` spatial axes, as in PyTorch.

    Parameters
    ----------
    value : int or sequence of int
        What was given.
    name : str
        The argument's name, for the message.
    op : str
        Who asks, which starts the message.
    n : int, default 2
        How many spatial axes (1 for ``conv1d``, 2 for ``conv2d``).
    minimum : int, default 0
        The smallest size allowed (1 for a kernel or a stride).

    Returns
    -------
    tuple of int

    Raises
    ------
    TypeError
        If ``value`` is neither an int nor a sequence of ints (a bool, a float...).
    ValueError
        If it holds another number of sizes than ``n``, or a size below ``minimum``.

    Examples
    --------
    >>> from tensorgrad.axes import pair_arg
    >>> pair_arg(3, "kernel_size", "conv2d"), pair_arg([3, 2], "kernel_size", "conv2d")
    ((3, 3), (3, 2))
    >>> pair_arg((0, 1), "stride", "conv2d", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: conv2d: stride must be at least 1, got (0, 1)
    """
    if type(value) is int and value >= minimum:  # the usual case, on every call of a layer
        return (value,) * n
    if isinstance(value, (tuple, list)):
        sizes = tuple(int_arg(v, name, op) for v in value)
        if len(sizes) != n:
            raise ValueError(
                f"{op}: {name} must be an int or a tuple of {n} ints, got {tuple(value)!r}"
            )
    else:
        try:
            sizes = (int_arg(value, name, op),) * n
        except TypeError:
            raise TypeError(
                f"{op}: {name} must be an int or a tuple of {n} ints, got "
                f"{type(value).__name__} {value!r}"
            ) from None
    if min(sizes, default=minimum) < minimum:
        shown = sizes[0] if not isinstance(value, (tuple, list)) else sizes
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {shown!r}")
    return sizes


def real_arg(value: Any, name: str, op: str) -> float:
    """A real-number argument (a slope, a bound, a threshold) as a Python float, which never
    changes a float32 computation's dtype, as a numpy float64 scalar would.

    A bool is refused (``True`` where a slope goes is a mistake, not 1), and so is NaN; an
    infinity is a number (an open bound). A 0-d array counts as its number, as PyTorch takes
    a 0-d tensor; a Value is refused, since it would get no gradient.

    Parameters
    ----------
    value : object
        What was given.
    name : str
        The argument's name (``"negative_slope"``).
    op : str
        Who asks, which starts the message.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number, naming it, its type and its value.
    ValueError
        If it is NaN, or an int too large for a float.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.axes import real_arg
    >>> real_arg(np.float64(0.5), "negative_slope", "leaky_relu"), real_arg(2, "beta", "softplus")
    (0.5, 2.0)
    >>> real_arg(True, "alpha", "elu")
    Traceback (most recent call last):
    ...
    TypeError: elu: alpha must be a real number, got bool True
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        hint = " (it gets no gradient: give a number)" if type(value).__name__ == "Value" else ""
        raise TypeError(
            f"{op}: {name} must be a real number, got {type(value).__name__} {shown}{hint}"
        )
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range
        raise ValueError(f"{op}: {name} is too large for a float, got {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{op}: {name} must be a number, got nan")
    return number


def reduced_count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """How many elements a reduction over ``axes`` combines into each result.

    Examples
    --------
    >>> from tensorgrad.axes import reduced_count
    >>> reduced_count((2, 3, 4), (0, 2))
    8
    """
    return math.prod(shape[a] for a in axes)


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over ``axes`` has with ``keepdims=True``.

    Examples
    --------
    >>> from tensorgrad.axes import kept_shape
    >>> kept_shape((2, 3, 4), (1,))
    (2, 1, 4)
    """
    return tuple(1 if k in axes else n for k, n in enumerate(shape))


def shape_arg(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``, as numpy and PyTorch do.

    Examples
    --------
    >>> from tensorgrad.axes import shape_arg
    >>> shape_arg((2, 3)), shape_arg(((2, 3),))
    ((2, 3), (2, 3))
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape

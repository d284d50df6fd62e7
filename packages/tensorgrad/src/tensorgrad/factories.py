"""Factories: new Values made from a shape, a range or a random generator, as PyTorch makes them.

Before a network can learn, its weights need first values and its inputs need some numbers: a
factory makes a Value from a description instead of from data. The names, arguments and
defaults are PyTorch's (``torch.zeros(2, 3)`` is ``tensorgrad.zeros(2, 3)``):

* filled with one number: :func:`zeros`, :func:`ones`, :func:`full`, :func:`empty`, and their
  ``*_like`` forms (:func:`zeros_like`, :func:`ones_like`, :func:`full_like`), which copy the
  shape and the dtype of a Value or an array;
* ranges and the identity: :func:`arange`, :func:`linspace`, :func:`eye`;
* random: :func:`rand` (uniform on [0, 1)), :func:`randn` (standard normal) and
  :func:`randint`, which gives a plain integer numpy array (an index or a label is not
  something to differentiate, so it is not a Value).

What they share:

* A size is given as ``zeros(2, 3)`` or ``zeros((2, 3))``, as in PyTorch and numpy.
* ``dtype`` is float64 unless you ask for float32 (the two dtypes a Value holds). PyTorch's
  default is float32; here it is float64 because that is what ``Value([1, 2])`` gives, and
  what checks gradients best. ``arange(5)`` is float64 too, where PyTorch's is int64.
* ``device`` is accepted for the CPU only (``device="cpu"`` changes nothing, so that PyTorch
  code runs); tensorgrad computes with numpy, so ``"cuda"`` or ``"mps"`` is refused.
* ``requires_grad`` is False, as in PyTorch: a factory's result is a constant until you say
  it is a parameter (``Value()`` itself defaults to True, to follow the seed examples).
* The random ones draw from ``generator=``, a :class:`numpy.random.Generator`, or from a new
  one made from ``seed=`` (an int: the same seed gives the same numbers); without either
  they draw from :data:`~tensorgrad.factories.default_generator`, made once when the module
  is imported, with a seed from the operating system (so by default each run differs, as in
  PyTorch). The numbers are numpy's: a seed gives other numbers than ``torch.manual_seed``
  with the same seed.

Every argument is checked, so that numpy never answers with its own error: a wrong type is
a TypeError naming the argument and its type, a negative size or an empty range is a
ValueError.

Examples
--------
>>> import tensorgrad as tg
>>> tg.zeros(2, 3).shape
(2, 3)
>>> tg.arange(0, 1, 0.25).data
array([0.  , 0.25, 0.5 , 0.75])
>>> w = tg.randn(3, 2, seed=0, requires_grad=True)
>>> w.shape, w.requires_grad
((3, 2), True)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import check_device, flag, int_arg, shape_arg
from tensorgrad.record import new_value
from tensorgrad.tensor import Array, Value, float_dtype, real_array

__all__ = [
    "arange",
    "default_generator",
    "empty",
    "eye",
    "full",
    "full_like",
    "linspace",
    "manual_seed",
    "ones",
    "ones_like",
    "rand",
    "randint",
    "randn",
    "zeros",
    "zeros_like",
]

default_generator = np.random.default_rng()
"""Where :func:`rand`, :func:`randn` and :func:`randint` draw from when given neither
``generator=`` nor ``seed=``: one :class:`numpy.random.Generator` for the process, seeded
from the operating system when :mod:`tensorgrad.factories` is imported (PyTorch's
counterpart is ``torch.default_generator``). For numbers that repeat, pass ``seed=`` or your
own generator rather than relying on it. :func:`manual_seed` reseeds it in place, and nn draws
from it too."""


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed :data:`~tensorgrad.factories.default_generator` (as ``torch.manual_seed``), in place.

    Every draw that is given neither ``generator=`` nor ``seed=`` comes from that one
    generator: tensorgrad's random factories, and nn's initial weights, dropout masks and
    shuffled batches (:func:`nn.manual_seed` is this function). Reseeding in place, rather than
    making a new generator, means that a reference to ``default_generator`` taken earlier
    draws the new numbers too. The numbers are those of ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    numpy.random.Generator
        ``default_generator``, reseeded.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer (a float, a str, a bool), naming its type.
    ValueError
        If it is negative (numpy's generators take no negative seed).

    Examples
    --------
    >>> import numpy as np
    >>> import tensorgrad as tg
    >>> _ = tg.manual_seed(0)
    >>> a = tg.randn(3)
    >>> _ = tg.manual_seed(0)
    >>> bool((tg.randn(3).data == a.data).all())
    True
    >>> bool((a.data == np.random.default_rng(0).standard_normal(3)).all())
    True
    """
    # A bool is an int to Python, but manual_seed(True) is surely a mistake.
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"manual_seed: seed must be a non-negative integer, got {type(seed).__name__} {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}")
    # default_rng(seed) is a Generator around PCG64(seed): taking that bit generator's state
    # gives the same stream without replacing the object.
    default_generator.bit_generator.state = np.random.PCG64(int(seed)).state
    return default_generator


# -- checking the arguments ------------------------------------------------------------------


def _size(size: tuple[Any, ...], op: str) -> tuple[int, ...]:
    """``size`` (as ``f(2, 3)`` or ``f((2, 3))`` gave it) as a tuple of non-negative ints."""
    if not size:
        # PyTorch refuses a missing size too; numpy would need one as well.
        raise TypeError(f"{op}: size is missing (give {op}(()) for a 0-d Value)")
    dims = shape_arg(size)
    shape = tuple(int_arg(n, "size", op) for n in dims)
    if any(n < 0 for n in shape):
        raise ValueError(f"{op}: size must be non-negative, got {shape}")
    return shape


def _count(n: Any, name: str, op: str) -> int:
    """``n`` as a non-negative int (a length: steps, rows, columns)."""
    k = int_arg(n, name, op)
    if k < 0:
        raise ValueError(f"{op}: {name} must be non-negative, got {k}")
    return k


def _real(x: Any, name: str, op: str) -> float:
    """``x``, a real number (not a bool, not an array, not a Value), as a float."""
    # numbers.Real covers int, float, numpy's ints and floats and Fraction; a bool would be
    # read as 0 or 1 without a word, where PyTorch would make a bool tensor.
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        hint = " (take a number out of it with .item())" if isinstance(x, Value) else ""
        raise TypeError(f"{op}: {name} must be a real number, got {type(x).__name__}{hint}")
    try:
        return float(x)
    except OverflowError:  # an int beyond float64's range
        raise ValueError(
            f"{op}: {name} is too large for a float (an int of {len(str(x))} digits)"
        ) from None


def _fits(x: float, dtype: np.dtype[Any], name: str, op: str) -> None:
    """Refuse a finite ``x`` that ``dtype`` would turn into inf (PyTorch refuses it too)."""
    if math.isfinite(x) and abs(x) > float(np.finfo(dtype).max):
        raise ValueError(f"{op}: {name} {x!r} overflows {dtype}")


def _not_too_large(shape: tuple[int, ...], itemsize: int, op: str) -> None:
    """Refuse a size numpy could not even describe (it would raise its own ValueError)."""
    if math.prod(shape) > np.iinfo(np.intp).max // max(itemsize, 1):
        raise ValueError(f"{op}: size {shape} is too large for one array")


def _shape_and_dtype(
    size: tuple[Any, ...], dtype: npt.DTypeLike | None, device: Any, op: str
) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """The checked device, size and dtype of a factory of ``f(*size, dtype=, device=)``."""
    check_device(device, op)
    return _size(size, op), _dtype(dtype, op)


def _dtype(dtype: npt.DTypeLike | None, op: str) -> np.dtype[Any]:
    """``dtype`` checked by :func:`~tensorgrad.tensor.float_dtype`; float64 when not given."""
    return float_dtype(np.float64 if dtype is None else dtype, op)


def _value(data: Array, requires_grad: Any, op: str) -> Value:
    """A Value around ``data`` itself: the factory made the array, so no copy is needed."""
    return new_value(data, flag(requires_grad, "requires_grad", op))


def resolve_generator(generator: Any, seed: Any, op: str) -> np.random.Generator:
    """The generator a random op draws from: ``generator``, one made from ``seed``, or
    :data:`~tensorgrad.factories.default_generator` (looked up at each call, so that
    :func:`manual_seed` takes effect).

    Internal: public so that the ops that draw (dropout in attention) choose their generator
    as the factories do, but not part of the API (not in ``__all__``).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.factories import default_generator, resolve_generator
    >>> resolve_generator(None, None, "rand") is default_generator
    True
    >>> resolve_generator(None, 0, "rand").random() == np.random.default_rng(0).random()
    True
    """
    if generator is not None and seed is not None:
        raise ValueError(f"{op}: give generator or seed, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"{op}: generator must be a numpy.random.Generator "
                f"(numpy.random.default_rng(seed) makes one), got {type(generator).__name__}"
            )
        return generator
    if seed is not None:
        # numpy takes any non-negative int as a seed; a negative one is its own ValueError.
        return np.random.default_rng(_count(seed, "seed", op))
    return default_generator


def _like(
    input: Any, dtype: npt.DTypeLike | None, op: str
) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """The shape of ``input`` and the dtype of the result: ``dtype`` if given, else the
    input's own float dtype (ints and bools become float64, as in ``Value()``)."""
    if isinstance(input, Value):
        shape, own = input.shape, input.dtype
    else:
        array = real_array(input, f"{op}: input")
        shape, own = array.shape, array.dtype
    if dtype is not None:
        return shape, _dtype(dtype, op)
    return shape, _dtype(own if own.kind == "f" else None, op)


# -- filled with one number ------------------------------------------------------------------


def zeros(
    *size: int | Sequence[int],
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """A Value of zeros, as ``torch.zeros``.

    Parameters
    ----------
    *size : int or sequence of int
        The shape: ``zeros(2, 3)`` or ``zeros((2, 3))``; ``zeros(())`` is 0-d.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size is not an int, or ``dtype`` is not float32 or float64.
    ValueError
        If a size is negative.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.zeros(2, 3).data
    array([[0., 0., 0.],
           [0., 0., 0.]])
    >>> tg.zeros((2,), dtype="float32").dtype
    dtype('float32')
    """
    shape, dt = _shape_and_dtype(size, dtype, device, "zeros")
    _not_too_large(shape, dt.itemsize, "zeros")
    return _value(np.zeros(shape, dt), requires_grad, "zeros")


def ones(
    *size: int | Sequence[int],
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """A Value of ones, as ``torch.ones``.

    Parameters
    ----------
    *size : int or sequence of int
        The shape: ``ones(2, 3)`` or ``ones((2, 3))``.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size is not an int, or ``dtype`` is not float32 or float64.
    ValueError
        If a size is negative.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.ones(3).data
    array([1., 1., 1.])
    """
    shape, dt = _shape_and_dtype(size, dtype, device, "ones")
    _not_too_large(shape, dt.itemsize, "ones")
    return _value(np.ones(shape, dt), requires_grad, "ones")


def full(
    size: int | Sequence[int],
    fill_value: float,
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """A Value of ``size`` with every element ``fill_value``, as ``torch.full``.

    Parameters
    ----------
    size : int or sequence of int
        The shape, one argument as in PyTorch: ``full((2, 3), 0.5)`` (an int is one axis,
        as in numpy).
    fill_value : float
        A real number (an int or a float; NaN and inf are numbers too).
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size is not an int, ``fill_value`` is not a real number (a bool, a string,
        an array, a Value...), or ``dtype`` is not float32 or float64.
    ValueError
        If a size is negative, or a finite ``fill_value`` overflows the dtype.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.full((2, 2), 0.5).data
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    check_device(device, "full")
    shape = _size((size,), "full")
    value = _real(fill_value, "fill_value", "full")
    dt = _dtype(dtype, "full")
    _fits(value, dt, "fill_value", "full")
    _not_too_large(shape, dt.itemsize, "full")
    return _value(np.full(shape, value, dt), requires_grad, "full")


def empty(
    *size: int | Sequence[int],
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """A Value whose elements are not set, as ``torch.empty``: for an array you fill yourself.

    The elements are whatever the memory held (zeros, old numbers, even NaN): the point of
    ``empty`` is to skip the cost of filling. Write every element before you read one, or
    use :func:`zeros`.

    Parameters
    ----------
    *size : int or sequence of int
        The shape: ``empty(2, 3)`` or ``empty((2, 3))``.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size is not an int, or ``dtype`` is not float32 or float64.
    ValueError
        If a size is negative.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> v = tg.empty(2, 3)
    >>> v.data[...] = 7.0  # fill it before reading it
    >>> v.shape, float(v.data.sum())
    ((2, 3), 42.0)
    """
    shape, dt = _shape_and_dtype(size, dtype, device, "empty")
    _not_too_large(shape, dt.itemsize, "empty")
    return _value(np.empty(shape, dt), requires_grad, "empty")


def zeros_like(
    input: Any,  # (PyTorch's name for it)
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """Zeros of the shape of ``input`` (and its dtype), as ``torch.zeros_like``.

    Parameters
    ----------
    input : Value or array_like
        Whose shape to take. Its gradient and its graph are not looked at.
    dtype : dtype, optional
        float32 or float64. Unless given, the dtype of ``input`` if it is float32 or
        float64; float64 for ints and bools, as ``Value()`` converts them.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for the result (not inherited from ``input``,
        as in PyTorch).

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``input`` is not numbers, or the dtype is not float32 or float64 (a float16
        ``input`` needs ``dtype=``).

    Examples
    --------
    >>> import numpy as np
    >>> import tensorgrad as tg
    >>> z = tg.zeros_like(tg.Value(np.ones((2, 2), np.float32)))
    >>> z.shape, z.dtype, z.requires_grad
    ((2, 2), dtype('float32'), False)
    """
    check_device(device, "zeros_like")
    shape, dt = _like(input, dtype, "zeros_like")
    return _value(np.zeros(shape, dt), requires_grad, "zeros_like")


def ones_like(
    input: Any,  # (PyTorch's name for it)
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """Ones of the shape of ``input`` (and its dtype), as ``torch.ones_like``.

    Parameters
    ----------
    input : Value or array_like
        Whose shape to take.
    dtype : dtype, optional
        float32 or float64. Unless given, the dtype of ``input`` if it is float32 or
        float64; float64 for ints and bools.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for the result.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``input`` is not numbers, or the dtype is not float32 or float64.

    Examples
    --------
    >>> import numpy as np
    >>> import tensorgrad as tg
    >>> tg.ones_like(np.arange(3)).data  # ints give float64
    array([1., 1., 1.])
    """
    check_device(device, "ones_like")
    shape, dt = _like(input, dtype, "ones_like")
    return _value(np.ones(shape, dt), requires_grad, "ones_like")


def full_like(
    input: Any,  # (PyTorch's name for it)
    fill_value: float,
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """``fill_value`` in the shape of ``input`` (and its dtype), as ``torch.full_like``.

    Parameters
    ----------
    input : Value or array_like
        Whose shape to take.
    fill_value : float
        A real number.
    dtype : dtype, optional
        float32 or float64. Unless given, the dtype of ``input`` if it is float32 or
        float64; float64 for ints and bools.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for the result.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``input`` is not numbers, ``fill_value`` is not a real number, or the dtype is
        not float32 or float64.
    ValueError
        If a finite ``fill_value`` overflows the dtype.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.full_like(tg.zeros(2), -1.5).data
    array([-1.5, -1.5])
    """
    check_device(device, "full_like")
    shape, dt = _like(input, dtype, "full_like")
    value = _real(fill_value, "fill_value", "full_like")
    _fits(value, dt, "fill_value", "full_like")
    return _value(np.full(shape, value, dt), requires_grad, "full_like")


# -- ranges and the identity -----------------------------------------------------------------


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """Numbers from ``start`` up to (not including) ``end``, ``step`` apart, as ``torch.arange``.

    ``arange(end)`` counts from 0. There are ``ceil((end - start) / step)`` elements, the
    k-th being ``start + k * step`` computed in float64 (then rounded to float32 if asked),
    as PyTorch computes them. A float ``step`` may give one element more or less than you
    expect, because ``end`` itself is rounded: :func:`linspace` is the safer choice there.

    Unlike PyTorch, whose ``arange(5)`` is int64, the result is a Value of floats: use
    ``numpy.arange`` for indices.

    Parameters
    ----------
    start : float
        The first number; the end if ``end`` is not given (then counting from 0).
    end : float, optional
        Where to stop, not included.
    step : float, default 1
        The gap between neighbours, negative to count down; not 0.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value
        1-D.

    Raises
    ------
    TypeError
        If ``start``, ``end`` or ``step`` is not a real number, or ``dtype`` is not
        float32 or float64.
    ValueError
        If one of them is NaN or infinite, ``step`` is 0, or ``step`` points away from
        ``end`` (PyTorch refuses it; numpy would give an empty array).

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.arange(4).data
    array([0., 1., 2., 3.])
    >>> tg.arange(1, 2.5, 0.5).data
    array([1. , 1.5, 2. ])
    >>> tg.arange(3, 0, -1).data
    array([3., 2., 1.])
    """
    check_device(device, "arange")
    first = _real(start, "start", "arange")
    last = _real(end, "end", "arange") if end is not None else None
    gap = _real(step, "step", "arange")
    if last is None:
        first, last = 0.0, first
    dt = _dtype(dtype, "arange")
    if not all(math.isfinite(x) for x in (first, last, gap)):
        raise ValueError(f"arange: start, end and step must be finite, got {first}, {last}, {gap}")
    if gap == 0:
        raise ValueError("arange: step must be nonzero")
    if (gap > 0 and last < first) or (gap < 0 and last > first):
        raise ValueError(
            f"arange: step {gap} points away from end: start {first}, end {last} "
            f"(give a step of the other sign)"
        )
    n = math.ceil((last - first) / gap)
    _not_too_large((n,), dt.itemsize, "arange")
    data = (first + np.arange(n, dtype=np.float64) * gap).astype(dt, copy=False)
    return _value(data, requires_grad, "arange")


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """``steps`` numbers evenly spaced from ``start`` to ``end``, both ends included.

    As ``torch.linspace``, whose argument names these are (numpy's ``num`` is ``steps``).
    The first half is computed from ``start`` and the second half from ``end``, as PyTorch
    does, so both ends are exact and the numbers are symmetric.

    Parameters
    ----------
    start, end : float
        The first and the last number.
    steps : int
        How many numbers (0 gives an empty Value, 1 gives ``[start]``).
    dtype : dtype, optional
        float32 or float64; float64 unless given. The numbers are computed in it, as in PyTorch.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value
        1-D, of ``steps`` elements.

    Raises
    ------
    TypeError
        If ``start`` or ``end`` is not a real number, ``steps`` is not an int, or
        ``dtype`` is not float32 or float64.
    ValueError
        If ``steps`` is negative, or a finite ``start`` or ``end`` overflows the dtype.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.linspace(0, 1, 5).data
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    check_device(device, "linspace")
    first, last = _real(start, "start", "linspace"), _real(end, "end", "linspace")
    n = _count(steps, "steps", "linspace")
    dt = _dtype(dtype, "linspace")
    _fits(first, dt, "start", "linspace")
    _fits(last, dt, "end", "linspace")
    _not_too_large((n,), dt.itemsize, "linspace")
    a, b = dt.type(first), dt.type(last)
    if n <= 1:
        return _value(np.full(n, a, dt), requires_grad, "linspace")
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf is NaN, as in PyTorch
        gap = (b - a) / dt.type(n - 1)
        k = np.arange(n, dtype=dt)
        # PyTorch's formula, in the dtype itself: start + k*gap up to the middle, and
        # end - (n-1-k)*gap after it, so that the last number is `end` exactly.
        data = np.where(k < n // 2, a + gap * k, b - gap * (dt.type(n - 1) - k))
    return _value(data.astype(dt, copy=False), requires_grad, "linspace")


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """The identity matrix: ones on the diagonal, zeros elsewhere, as ``torch.eye``.

    Parameters
    ----------
    n : int
        The number of rows.
    m : int, optional
        The number of columns, ``n`` unless given.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value
        Of shape ``(n, m)``.

    Raises
    ------
    TypeError
        If ``n`` or ``m`` is not an int, or ``dtype`` is not float32 or float64.
    ValueError
        If ``n`` or ``m`` is negative.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> tg.eye(2, 3).data
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    check_device(device, "eye")
    rows = _count(n, "n", "eye")
    cols = rows if m is None else _count(m, "m", "eye")
    dt = _dtype(dtype, "eye")
    _not_too_large((rows, cols), dt.itemsize, "eye")
    return _value(np.eye(rows, cols, dtype=dt), requires_grad, "eye")


# -- random ----------------------------------------------------------------------------------


def rand(
    *size: int | Sequence[int],
    generator: np.random.Generator | None = None,
    seed: int | None = None,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """Numbers drawn uniformly from [0, 1), as ``torch.rand``.

    Parameters
    ----------
    *size : int or sequence of int
        The shape: ``rand(2, 3)`` or ``rand((2, 3))``.
    generator : numpy.random.Generator, optional
        Where to draw from; it advances, as PyTorch's generators do.
    seed : int, optional
        Draw from a new generator made from this seed instead: the same seed gives the
        same numbers. Without ``generator`` or ``seed``,
        :data:`~tensorgrad.factories.default_generator`.
    dtype : dtype, optional
        float32 or float64; float64 unless given (numpy draws float32 numbers directly,
        not float64 ones rounded).
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size or ``seed`` is not an int, ``generator`` is not a
        ``numpy.random.Generator``, or ``dtype`` is not float32 or float64.
    ValueError
        If a size or ``seed`` is negative, or both ``generator`` and ``seed`` are given.

    Examples
    --------
    >>> import numpy as np
    >>> import tensorgrad as tg
    >>> a = tg.rand(2, 3, seed=0)
    >>> b = tg.rand(2, 3, generator=np.random.default_rng(0))
    >>> bool((a.data == b.data).all()), bool(((0 <= a.data) & (a.data < 1)).all())
    (True, True)
    """
    shape, dt = _shape_and_dtype(size, dtype, device, "rand")
    rng = resolve_generator(generator, seed, "rand")
    _not_too_large(shape, dt.itemsize, "rand")
    return _value(rng.random(shape, dtype=dt), requires_grad, "rand")


def randn(
    *size: int | Sequence[int],
    generator: np.random.Generator | None = None,
    seed: int | None = None,
    dtype: npt.DTypeLike | None = None,
    device: str | None = None,
    requires_grad: bool = False,
) -> Value:
    """Numbers drawn from the standard normal distribution, as ``torch.randn``.

    The distribution has mean 0 and variance 1.

    Parameters
    ----------
    *size : int or sequence of int
        The shape: ``randn(2, 3)`` or ``randn((2, 3))``.
    generator : numpy.random.Generator, optional
        Where to draw from; it advances.
    seed : int, optional
        Draw from a new generator made from this seed instead. Without ``generator`` or
        ``seed``, :data:`~tensorgrad.factories.default_generator`.
    dtype : dtype, optional
        float32 or float64; float64 unless given.
    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    requires_grad : bool, default False
        Whether backward computes a gradient for it.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If a size or ``seed`` is not an int, ``generator`` is not a
        ``numpy.random.Generator``, or ``dtype`` is not float32 or float64.
    ValueError
        If a size or ``seed`` is negative, or both ``generator`` and ``seed`` are given.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> w = tg.randn(100, 10, seed=1, requires_grad=True)  # a layer's first weights
    >>> w.shape, w.requires_grad
    ((100, 10), True)
    >>> bool((tg.randn(3, seed=1).data == tg.randn(3, seed=1).data).all())
    True
    """
    shape, dt = _shape_and_dtype(size, dtype, device, "randn")
    rng = resolve_generator(generator, seed, "randn")
    _not_too_large(shape, dt.itemsize, "randn")
    return _value(rng.standard_normal(shape, dtype=dt), requires_grad, "randn")


def randint(
    low: int,
    high: int | Sequence[int] | None = None,
    size: int | Sequence[int] | None = None,
    *,
    generator: np.random.Generator | None = None,
    seed: int | None = None,
    dtype: npt.DTypeLike = np.int64,
    device: str | None = None,
) -> Array:
    """Integers drawn uniformly from ``low`` to ``high - 1``, as ``torch.randint``.

    The result is a plain numpy array of ints, not a Value: random integers serve as
    indices, labels or a permutation, and nothing is differentiated with respect to them.
    As in PyTorch, ``randint(high, size)`` draws from 0 to ``high - 1``.

    Parameters
    ----------
    low : int
        The smallest number that may be drawn (or ``high``, if only two are given).
    high : int
        One more than the largest number that may be drawn; greater than ``low``.
    size : int or sequence of int
        The shape, required as in PyTorch: ``randint(0, 10, (2, 3))``.
    generator : numpy.random.Generator, optional
        Where to draw from; it advances.
    seed : int, optional
        Draw from a new generator made from this seed instead. Without ``generator`` or
        ``seed``, :data:`~tensorgrad.factories.default_generator`.
    dtype : dtype, optional
        An integer dtype; int64 (PyTorch's default too) unless given.

    device : str, optional
        PyTorch's: None, ``"cpu"`` or ``"cpu:0"``, which change nothing (tensorgrad runs on
        the CPU only); any other device is a ValueError, a non-str a TypeError (see
        :func:`~tensorgrad.axes.check_device`).
    Returns
    -------
    numpy.ndarray
        Of ``size`` and ``dtype``.

    Raises
    ------
    TypeError
        If ``low``, ``high``, a size or ``seed`` is not an int, ``size`` is missing,
        ``generator`` is not a ``numpy.random.Generator``, or ``dtype`` is not an integer
        dtype.
    ValueError
        If ``high <= low``, the range does not fit ``dtype``, a size or ``seed`` is
        negative, or both ``generator`` and ``seed`` are given.

    Examples
    --------
    >>> import tensorgrad as tg
    >>> labels = tg.randint(0, 10, (8,), seed=0)
    >>> labels.shape, labels.dtype, bool(((0 <= labels) & (labels < 10)).all())
    ((8,), dtype('int64'), True)
    >>> int(tg.randint(3, (2, 2), seed=0).max()) < 3  # randint(high, size): from 0
    True
    """
    check_device(device, "randint")
    if isinstance(high, (tuple, list)) and size is None:
        low, high, size = 0, low, high  # randint(high, size), PyTorch's other form
    elif high is None:
        low, high = 0, low  # randint(high, size=...)
    if size is None:
        raise TypeError("randint: size is missing (as in PyTorch: randint(low, high, size))")
    lo, hi = int_arg(low, "low", "randint"), int_arg(high, "high", "randint")
    shape = _size((size,), "randint")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"randint: dtype must be an integer dtype, got {dtype!r}") from None
    if dt.kind not in "iu":
        raise TypeError(f"randint: dtype must be an integer dtype (such as int64), got {dt}")
    if hi <= lo:
        raise ValueError(f"randint: high must be greater than low, got low={lo}, high={hi}")
    bounds = np.iinfo(dt)
    if lo < bounds.min or hi - 1 > bounds.max:
        raise ValueError(f"randint: the range from {lo} to {hi - 1} does not fit {dt}")
    rng = resolve_generator(generator, seed, "randint")
    _not_too_large(shape, dt.itemsize, "randint")
    # endpoint=False: `high` excluded, as in PyTorch and Python's range.
    return rng.integers(lo, hi, shape, dtype=dt)

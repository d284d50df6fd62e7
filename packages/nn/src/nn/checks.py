"""Argument checks shared by nn's layers, losses, initialisers, data and optimizers.

Each raises TypeError for a value of the wrong type (naming the owner, the argument, the type
and the value) or ValueError for one out of range, so that a mistake fails where it is made,
in words that say which argument to fix, rather than as a numpy error deep in a step. A bool
is never taken for a number, though Python counts it as an int: ``True`` where a size or a rate
goes is a mistake, not the number 1.

Internal (public so that nn's modules can share them, but not part of the API).
"""

from __future__ import annotations

import math
import numbers
import reprlib
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from tensorgrad.tensor import float_dtype

__all__ = [
    "check_bool",
    "check_dtype",
    "check_in_interval",
    "check_int",
    "check_non_negative",
    "check_number",
    "describe",
]


def describe(value: object) -> str:
    """A value as an error message shows it: its type, then a short repr.

    How every check here names a wrong value.

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    str
        The type's name and the repr, cut to a few dozen characters; only the repr if it
        starts with the type's name (``None``, a Value).

    Examples
    --------
    >>> from nn.checks import describe
    >>> describe("0.1")
    "str '0.1'"
    >>> describe(None)
    'None'
    """
    shown = reprlib.repr(value)
    if value is None or shown.startswith(type(value).__name__):  # "Value(...)" says it
        return shown
    return f"{type(value).__name__} {shown}"


def check_number(owner: str, argument: str, value: object, label: str | None = None) -> float:
    """Raise unless a hyper-parameter is a finite real number; else return it.

    Internal: the check under every numeric hyper-parameter of the optimizers and
    schedulers. An int, a float and a numpy number are real numbers; a bool (which Python
    counts as an int), a string, None, an array or a Value are not.

    Parameters
    ----------
    owner : str
        Who checks (the optimizer's name), which starts the message.
    argument : str
        The argument's name, such as ``"lr"``.
    value : object
        Its value.
    label : str, optional
        How PyTorch's message calls it (``"learning rate"``); ``"<argument> value"`` if
        not given, as in PyTorch's ``"Invalid momentum value: -1"``.

    Returns
    -------
    float or int
        ``value`` itself, now known to be a real number.

    Raises
    ------
    TypeError
        If ``value`` is not a real number, naming the argument and the type.
    ValueError
        If it is NaN or infinite, naming the value.

    Examples
    --------
    >>> from nn.checks import check_number
    >>> check_number("SGD", "dampening", 0.1)
    0.1
    >>> check_number("SGD", "lr", "0.1", "learning rate")
    Traceback (most recent call last):
    ...
    TypeError: SGD: lr must be a real number, got str '0.1'
    >>> check_number("SGD", "dampening", float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: SGD: Invalid dampening value: inf (dampening must be a finite number)
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()  # a 0-d array is the number it holds (PyTorch takes a 0-d lr)
    # bool is an int to Python (and np.bool_ is not a number to numbers.Real): refuse both,
    # since True where a rate goes is a mistake, not the number 1.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {argument} must be a real number, got {describe(value)}")
    # An int is always finite (math.isfinite would overflow on a huge one).
    if not isinstance(value, numbers.Integral) and not math.isfinite(value):
        raise _invalid(owner, argument, value, label, "a finite number")
    return cast(float, value)  # (an int too: numbers.Real, as typing calls it float)


def check_non_negative(owner: str, argument: str, value: object, label: str | None = None) -> None:
    """Raise unless a hyper-parameter is a finite real number ``>= 0``.

    Internal: the check behind the optimizers' ``_check_hyperparameters``. The message is
    PyTorch's (``"Invalid learning rate: -1"``), after the optimizer's name, with the rule.

    Parameters
    ----------
    owner : str
        Who checks (the optimizer's name), which starts the message.
    argument : str
        The argument's name, such as ``"momentum"``.
    value : object
        Its value.
    label : str, optional
        How PyTorch's message calls it, as for :func:`check_number`.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (see :func:`check_number`).
    ValueError
        If it is negative, NaN or infinite, naming the optimizer, the hyper-parameter and
        the value.

    Examples
    --------
    >>> from nn.checks import check_non_negative
    >>> check_non_negative("SGD", "momentum", 0.9)
    >>> check_non_negative("SGD", "momentum", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: SGD: Invalid momentum value: -0.1 (momentum must be a finite number >= 0)
    >>> check_non_negative("Adam", "lr", float("nan"), "learning rate")
    Traceback (most recent call last):
    ...
    ValueError: Adam: Invalid learning rate: nan (lr must be a finite number)
    """
    if check_number(owner, argument, value, label) < 0:
        raise _invalid(owner, argument, value, label, "a finite number >= 0")


def check_in_interval(
    owner: str,
    argument: str,
    value: object,
    low: float,
    high: float,
    *,
    closed_high: bool = False,
    open_low: bool = False,
    label: str | None = None,
) -> float:
    """Raise unless a hyper-parameter is a real number in an interval; else return it.

    Internal: the check of rates and factors bounded on both sides (Adam's betas, RMSprop's
    ``alpha``, a scheduler's factors). The interval is ``[low, high)`` by default;
    ``closed_high`` includes ``high``, ``open_low`` excludes ``low``.

    Parameters
    ----------
    owner : str
        Who checks (the optimizer's name), which starts the message.
    argument : str
        The argument's name, such as ``"alpha"``.
    value : object
        Its value.
    low, high : float
        The bounds.
    closed_high, open_low : bool, default False
        Whether ``high`` is allowed, and whether ``low`` is not.
    label : str, optional
        How PyTorch's message calls it, as for :func:`check_number`.

    Returns
    -------
    float or int
        ``value`` itself.

    Raises
    ------
    TypeError
        If ``value`` is not a real number (see :func:`check_number`).
    ValueError
        If it is outside the interval, NaN or infinite, naming the value and the interval.

    Examples
    --------
    >>> from nn.checks import check_in_interval
    >>> check_in_interval("RMSprop", "alpha", 0.99, 0, 1)
    0.99
    >>> check_in_interval("RMSprop", "alpha", 1.0, 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: RMSprop: Invalid alpha value: 1.0 (alpha must be in [0, 1))
    """
    number = check_number(owner, argument, value, label)
    above_low = number > low if open_low else number >= low
    below_high = number <= high if closed_high else number < high
    if not (above_low and below_high):
        interval = f"{'(' if open_low else '['}{low!r}, {high!r}{']' if closed_high else ')'}"
        raise _invalid(owner, argument, value, label, f"in {interval}")
    return number


def _invalid(owner: str, argument: str, value: object, label: str | None, rule: str) -> ValueError:
    """PyTorch's message for a hyper-parameter out of range (``"Invalid learning rate: -1"``),
    after the owner, then the rule it breaks."""
    return ValueError(
        f"{owner}: Invalid {label or argument + ' value'}: {value!r} ({argument} must be {rule})"
    )


def check_bool(owner: str, argument: str, value: object) -> None:
    """Raise TypeError unless a switch (such as ``nesterov``) is True or False.

    Internal: without it, any non-empty string would switch a feature on.

    Parameters
    ----------
    owner : str
        Who checks (the optimizer's name), which starts the message.
    argument : str
        The argument's name.
    value : object
        Its value; a numpy bool is accepted.

    Raises
    ------
    TypeError
        Naming the argument and the value.

    Examples
    --------
    >>> from nn.checks import check_bool
    >>> check_bool("Adam", "amsgrad", "yes")
    Traceback (most recent call last):
    ...
    TypeError: Adam: amsgrad must be a bool (True or False), got str 'yes'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"{owner}: {argument} must be a bool (True or False), got {describe(value)}"
        )


def check_int(owner: str, argument: str, value: object, minimum: int | None = None) -> int:
    """Raise unless ``value`` is an int (at least ``minimum``, if given); else return it.

    Internal: the check of every size, axis and count that a layer or a loader is given.
    A Python int and a numpy integer are ints; a bool (which Python counts as an int), a
    float (even ``2.0``), a string or None are not.

    Parameters
    ----------
    owner : str
        Who checks (the class or function), which starts the message.
    argument : str
        The argument's name, such as ``"in_features"``.
    value : object
        Its value.
    minimum : int, optional
        The smallest value allowed; no bound if None.

    Returns
    -------
    int
        ``value`` as a Python int (a numpy integer is converted).

    Raises
    ------
    TypeError
        If ``value`` is not an int, naming the argument, the type and the value.
    ValueError
        If it is less than ``minimum``, naming the argument and the value.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.checks import check_int
    >>> check_int("Linear", "in_features", np.int64(3), minimum=0)
    3
    >>> check_int("DataLoader", "batch_size", True, minimum=1)
    Traceback (most recent call last):
    ...
    TypeError: DataLoader: batch_size must be a positive int, got bool True
    >>> check_int("Linear", "out_features", -1, minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: Linear: out_features must be a non-negative int, got -1
    """
    rule = {None: "an int", 0: "a non-negative int", 1: "a positive int"}.get(
        minimum, f"an int >= {minimum}"
    )
    # True where a size goes is a mistake, not the number 1 (and np.bool_ is no Integral).
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {argument} must be {rule}, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{owner}: {argument} must be {rule}, got {value!r}")
    return int(value)


def check_dtype(owner: str, dtype: npt.DTypeLike | None) -> np.dtype[Any]:
    """The dtype of a layer's parameters: float64 for None, else float32 or float64.

    Internal: what the layers' ``dtype=`` arguments go through, so that the message names
    the layer rather than the Value being made.

    Parameters
    ----------
    owner : str
        The layer, which starts the message.
    dtype : dtype or None
        The dtype given: None, or anything numpy reads as a dtype (``np.float32``,
        ``"float32"``).

    Returns
    -------
    numpy.dtype
        float32 or float64.

    Raises
    ------
    TypeError
        If ``dtype`` is not a float32 or float64 dtype (float16, an int type, a string
        numpy does not know), naming it.

    Examples
    --------
    >>> from nn.checks import check_dtype
    >>> check_dtype("Linear", None)
    dtype('float64')
    >>> check_dtype("Linear", int)
    Traceback (most recent call last):
    ...
    TypeError: Linear: dtype must be float32 or float64 (or None for float64), got <class 'int'>
    """
    try:
        return float_dtype(np.float64 if dtype is None else dtype)
    except TypeError:
        raise TypeError(
            f"{owner}: dtype must be float32 or float64 (or None for float64), got {dtype!r}"
        ) from None

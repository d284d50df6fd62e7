"""Switches that every operation reads: grad mode (:class:`no_grad`) and anomaly detection.

Every operation asks, when it runs, whether to record the graph (grad mode) and whether
to check its result for NaN and infinity (anomaly mode). The switches live in their own
module because :mod:`tensorgrad.tensor` reads them in every operation while
:mod:`tensorgrad.autograd` walks the Values that module defines: kept in either one,
they would make the two modules import each other.

Like PyTorch's, the switches are per thread: ``no_grad()`` in one thread does not stop
another thread from recording its graph.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import ParamSpec, TypeVar

import numpy as np

__all__ = ["detect_anomaly", "enable_grad", "is_grad_enabled", "no_grad"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _Modes(threading.local):
    """The current thread's switches; the class attributes are every thread's defaults."""

    grad_enabled = True
    anomaly = False


_modes = _Modes()


def is_grad_enabled() -> bool:
    """Return whether operations currently record the graph for backward.

    Examples
    --------
    >>> from tensorgrad import is_grad_enabled, no_grad
    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _modes.grad_enabled


class _Switch:
    """Set one switch on entering a ``with`` block and restore it on leaving; also a decorator."""

    _name: str
    _value: bool

    def __init__(self) -> None:
        self._saved: list[bool] = []  # a stack, so that one instance may be entered twice

    def __enter__(self) -> None:
        self._saved.append(getattr(_modes, self._name))
        setattr(_modes, self._name, self._value)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        setattr(_modes, self._name, self._saved.pop())

    def __call__(self, func: Callable[_P, _R]) -> Callable[_P, _R]:
        switch = type(self)

        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with switch():  # a fresh switch per call: calls may nest or run in threads
                return func(*args, **kwargs)

        return wrapper


class no_grad(_Switch):  # noqa: N801  (PyTorch's name)
    """Context manager and decorator in which operations record no graph.

    Results computed inside have ``requires_grad=False`` and cannot be backpropagated
    through; use it for evaluation and for updating parameters. Values created inside
    with ``Value(...)`` still require grad, as in PyTorch.

    Examples
    --------
    >>> from tensorgrad import Value, no_grad
    >>> x = Value([1.0, 2.0])
    >>> with no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    >>> @no_grad()
    ... def evaluate(v):
    ...     return v * 2
    >>> evaluate(x).requires_grad
    False
    """

    _name = "grad_enabled"
    _value = False


class enable_grad(_Switch):  # noqa: N801  (PyTorch's name)
    """Context manager and decorator that records the graph again inside :class:`no_grad`.

    Examples
    --------
    >>> from tensorgrad import Value, enable_grad, no_grad
    >>> x = Value([1.0, 2.0])
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    _name = "grad_enabled"
    _value = True


class detect_anomaly(_Switch):  # noqa: N801  (PyTorch's name)
    """Context manager and decorator that stops at the first operation making NaN or infinity.

    Inside it, every operation checks its result, and backward checks every gradient it
    computes; the first one holding NaN or infinity raises a RuntimeError naming the
    operation and the shapes involved. numpy's own warnings about invalid values are
    silenced inside, since the RuntimeError says more. This costs a pass over every
    array, so use it to find the source of a NaN, not for training.

    Examples
    --------
    >>> from tensorgrad import Value, detect_anomaly
    >>> x = Value([1.0, 0.0])
    >>> with detect_anomaly():
    ...     y = x.sqrt()
    ...     y.sum().backward()
    Traceback (most recent call last):
    ...
    RuntimeError: detect_anomaly: the backward of sqrt (output shape (2,)) made nan or inf
    in the gradient of its input 0 (shape (2,))
    """

    _name = "anomaly"
    _value = True

    def __init__(self) -> None:
        super().__init__()
        self._errstates: list[np.errstate] = []

    def __enter__(self) -> None:
        errstate = np.errstate(all="ignore")
        errstate.__enter__()
        self._errstates.append(errstate)
        super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, traceback)
        self._errstates.pop().__exit__(exc_type, exc, traceback)

"""What a clear error is, for the sweeps that feed every public function bad input
(``tests/*/test_hostile_inputs.py``): one of the expected kinds, whose message names the op and
mentions the argument, its type or its value, and is not numpy's or Python's own message."""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CLEAR = (TypeError, ValueError)
AXIS_ERRORS = (*CLEAR, IndexError)  # PyTorch: IndexError "Dimension out of range"
WITH_RUNTIME = (*CLEAR, RuntimeError)  # where PyTorch raises a RuntimeError

RAW = (
    "operands could not be broadcast",
    "unhashable",
    "not iterable",
    "unsupported operand",
    "'memoryview'",
    "too many values to unpack",
    "has no attribute",
    "has no len",
    "not supported between instances",
    "cannot be interpreted as an integer",
    "could not convert",
    "setting an array element with a sequence",
    "did not contain a loop",
)
"""Fragments of numpy's and Python's own messages: a message that contains one and does not
start with the op's name (a wrapper such as ``"Value(): ... could not convert"``) is raw."""


@contextlib.contextmanager
def strict() -> Iterator[None]:
    """Every warning is an error: numpy's RuntimeWarnings ("overflow", "invalid value")."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def names_in(message: str, names: tuple[str, ...]) -> bool:
    """Whether ``message`` has one of ``names`` as a word (``sum`` but not ``cumsum``)."""
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", message) for n in names)


def unclear(error: BaseException, names: tuple[str, ...], mentions: tuple[str, ...], kinds: Any):
    """What keeps ``error`` from being a clear error, or None if it is one.

    ``mentions`` are alternatives; one of them, such as ``"float32&float64"``, may ask for
    several words together.
    """
    text = f"{type(error).__name__}: {error}"
    message = str(error)
    if not isinstance(error, kinds):
        return f"a raw {text}"
    if not names_in(message, names):
        return f"the message names none of {names}: {text}"
    if not any(all(part in message for part in m.split("&")) for m in mentions):
        return f"the message mentions none of {mentions}: {text}"
    if any(f in message for f in RAW) and not message.startswith(names):
        return f"numpy's or Python's own message: {text}"
    return None


def refuses(
    call: Callable[[], Any], names: tuple[str, ...], mentions: tuple[str, ...], kinds: Any = CLEAR
) -> None:
    """``call()`` raises a clear error: one of ``kinds``, naming one of ``names`` and
    mentioning one of ``mentions`` (the argument, its type or its value)."""
    with strict():
        try:
            result = call()
        except Exception as error:
            problem = unclear(error, names, mentions, kinds)
            assert problem is None, problem
            return
    pytest.fail(f"no error: {names[0]} returned {result!r}")


def clear_or_result(
    call: Callable[[], Any], names: tuple[str, ...], mentions: tuple[str, ...], kinds: Any = CLEAR
) -> Any:
    """``call()``'s result; or, if it raised, None after checking that the error is clear.

    For the cases where two answers are right: a correct result, or a clear refusal.
    """
    with strict():
        try:
            return call()
        except Exception as error:
            problem = unclear(error, names, mentions, kinds)
    assert problem is None, problem
    return None

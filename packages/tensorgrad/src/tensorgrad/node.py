"""The graph's nodes: one :class:`Node` per operation, apart from the Values it makes.

A :class:`~tensorgrad.Value` is what the learner holds: an array and its gradient. The
graph behind it is made of nodes, as PyTorch's is (a tensor's ``grad_fn``). A Value points
to its node; a node points to its operands' nodes, but to its own Value only *weakly*.
That split is what lets the memory of a training step stay close to a hand-written one:

* a node keeps only the arrays its backward reads (``saved``, and the result in ``out`` for
  an operation such as ``exp`` or ``relu`` whose derivative is written with it), so the
  result of ``x @ W + b`` dies as soon as nobody but the graph holds it, as it does in
  numpy;
* backward gives a gradient to every Value that is still alive, the inputs and any
  intermediate result the user kept, and simply drops the others': nobody could read
  them;
* an activation's backward (relu, tanh, sigmoid) may then compute its operand's gradient
  in the very array of its own, since that array is no one else's.

A leaf (a Value made from user data) gets its node the first time an operation uses it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import tensorgrad.tensor  # the full name: scalargrad has a Value too (for the docs)

__all__ = ["FREED", "BackwardFn", "Clock", "Node", "clock"]

BackwardFn = Callable[[Any, Any, tuple[Any, ...], int], Any]
"""``(g, out, saved, i) -> gradient of operand i``: arrays in and out, or Values in and out."""


class Clock:
    """How many times a Value's array was replaced or copied on its way out (:attr:`writes`).

    Every node reads it as it is made (its ``stamp``); the walk compares: if the clock has not
    moved since, no saved array can have changed, and the check is skipped. (An instance
    attribute, not a class attribute of Node: changing a class's attribute would make
    Python drop what it learned about the class's other attributes, on every write.)

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.node import clock
    >>> before = clock.writes
    >>> Value([1.0]).data = [2.0]
    >>> clock.writes - before
    1
    """

    __slots__ = ("writes",)

    def __init__(self) -> None:
        self.writes = 0


clock = Clock()
"""The one clock (see :class:`Clock`)."""


class Node:
    """One operation of the graph, with what its backward needs (its ``grad_fn``).

    Parameters
    ----------
    value : Value
        The result; the node refers to it weakly, to hand it its gradient if it is alive.
    op : str
        The operation's name, for messages and drawings ("" for a leaf).
    backward : callable or None
        The gradient formula ``(g, out, saved, i)``; None for a leaf.
    prev : tuple of Node or None
        The operands' nodes; None for a constant operand, which gets no gradient.
    saved : tuple
        What the formula reads: operand arrays (None for one it does not read) and
        parameters such as an axis.
    out : ndarray or None
        The result's array, kept only if the formula reads it.
    in_place : bool
        Whether the formula may overwrite the gradient it is given (see the walk in
        :mod:`tensorgrad.autograd`).

    Attributes
    ----------
    stamp : int
        ``clock.writes`` when the node was made (see :class:`Clock`).
    holds : int
        How many nodes not yet freed saved this node's Value's array for their backward
        (this node too, if it keeps its result). While it is not zero, reading the Value's
        ``.data`` gives the Value a copy if anyone else holds the array (see
        :attr:`tensorgrad.Value.data`). A graph dropped without backward leaves its holds
        counted: that costs a copy at most, never a missed one.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> x = Value([1.0, -2.0])
    >>> node = x.relu().grad_fn
    >>> node.op, node.prev[0].op, node.shape
    ('relu', '', (2,))
    """

    __slots__ = (
        "backward",
        "dtype",
        "holds",
        "in_place",
        "op",
        "out",
        "prev",
        "saved",
        "shape",
        "stamp",
        "value",
    )

    def __init__(
        self,
        value: tensorgrad.tensor.Value,
        op: str = "",
        backward: BackwardFn | None = None,
        prev: tuple[Node | None, ...] = (),
        saved: tuple[Any, ...] = (),
        out: Any = None,
        in_place: bool = False,
    ) -> None:
        self.value: Callable[[], tensorgrad.tensor.Value | None] = weakref.ref(value)
        self.op = op
        self.backward = backward
        self.prev = prev
        self.saved = saved
        self.out = out
        self.in_place = in_place
        self.stamp = clock.writes
        self.holds = 0 if out is None else 1
        data = value._data
        self.shape: tuple[int, ...] = data.shape
        self.dtype: np.dtype[Any] = data.dtype

    @property
    def freed(self) -> bool:
        """Whether a backward without ``retain_graph`` has freed this node's part of the graph.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> y = (Value([1.0]) * 2).sum()
        >>> node = y.grad_fn
        >>> y.backward()
        >>> node.freed
        True
        """
        return self.backward is FREED


def FREED(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:  # noqa: N802
    """The backward of a freed node; the walk refuses a freed graph before calling it.

    Examples
    --------
    >>> from tensorgrad.node import FREED
    >>> FREED(None, None, (), 0)
    Traceback (most recent call last):
      ...
    AssertionError: unreachable: the walk refuses a freed graph
    """
    raise AssertionError("unreachable: the walk refuses a freed graph")

"""Recording: how the result of an operation joins the graph. Every op goes through here.

An operation (``mul``, ``exp``, ``sum``, a learner's own :class:`~tensorgrad.Function`...)
is two functions side by side: a *forward* that computes the result's array with numpy, and
a *backward* that gives the gradient of one operand. The forward ends with :func:`record`,
which wraps the array in a Value and, when gradients are wanted, gives that Value a
:class:`~tensorgrad.node.Node` holding what the backward will read.

Every backward function has the signature ``(g, out, saved, i)``: ``g`` is the gradient of
the result, ``out`` the result (None unless the forward kept it), ``saved`` what the
forward recorded, and ``i`` which operand's gradient to return. Asking for one operand at a
time means that no gradient is computed for a constant: in ``x @ W`` with ``x`` a batch of
data, only ``W``'s is.

One formula serves every order of derivative. Backward functions use only what numpy
arrays and Values both support (arithmetic, ``@``, comparisons, indexing, ``.sum``,
``.reshape``, ``.swapaxes``, ``.astype``, and :mod:`tensorgrad.broadcast`), so:

* normally the graph walk passes plain arrays: the formula is pure numpy, with no graph
  and no overhead;
* with ``create_graph=True`` it passes Values: the same formula then builds a graph of its
  own, and the gradient can be differentiated again.

Inside tensorgrad, the ops read a Value's array as ``x._data``, the array itself: the
Value's class is written across :mod:`tensorgrad.tensor`, this module and :mod:`tensorgrad.ops`.
``x.data`` is the door for everyone else, which hands out a fresh copy when a graph still
holds the array (see :attr:`tensorgrad.Value.data`), so that a write cannot change what
backward will read.
"""

from __future__ import annotations

import threading
from typing import Any, Union

import numpy as np

from tensorgrad.grad_mode import _modes
from tensorgrad.node import BackwardFn, Node
from tensorgrad.tensor import Array, Value, float_dtype

__all__ = [
    "Array",
    "Like",
    "Operand",
    "as_value",
    "exp_of",
    "in_float",
    "like",
    "log_of",
    "new_value",
    "node_of",
    "operand_data",
    "plain",
    "record",
    "revive",
    "type_error",
    "where_of",
    "zeros_of",
]

Operand = Union[Value, Array, float, int]  # noqa: UP007  (a runtime alias: py3.10)
"""What an operation accepts, a Value or a constant (a numpy array or a Python number)."""

_new = object.__new__
_ndarray = np.ndarray


class Like:
    """An operand's shape and dtype, saved for a backward that reads nothing else of it.

    ``x + b`` needs only ``b``'s shape (to sum the gradient back to it, see
    :func:`~tensorgrad.broadcast.unbroadcast`), ``reshape`` only its input's shape: such a node
    keeps a Like instead of the array, so the array is not kept alive for nothing, and a later
    change of its numbers, which cannot change that gradient, is no reason to refuse backward.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.record import Like
    >>> b = Like(np.zeros((3,), np.float32))
    >>> b.shape, b.dtype
    ((3,), dtype('float32'))
    """

    __slots__ = ("dtype", "shape")

    def __init__(self, array: Array) -> None:
        self.shape: tuple[int, ...] = array.shape
        self.dtype: np.dtype[Any] = array.dtype


def like(x: Any) -> Any:
    """:class:`Like` of an array; anything else (a number) unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.record import like
    >>> like(np.zeros((2, 3))).shape, like(2.0)
    ((2, 3), 2.0)
    """
    if type(x) is not _ndarray:
        return x
    result: Like = _new(Like)  # as Like(x), without the call of __init__: it runs per op
    result.shape = x.shape
    result.dtype = x.dtype
    return result


def record(
    data: Any,
    op: str,
    backward: BackwardFn | None,
    operands: tuple[Any, ...],
    saved: tuple[Any, ...],
    *,
    keep_output: bool = False,
    in_place: bool = False,
) -> Value:
    """Make the result of an operation, and its node in the graph if gradients are wanted.

    The graph is recorded only in grad mode, and only if an operand requires grad;
    otherwise the result is a constant Value and the operation costs nothing at backward
    time.

    Parameters
    ----------
    data : ndarray
        The result, computed by the forward.
    op : str
        The operation's name, for messages and drawings.
    backward : callable or None
        The gradient formula ``(g, out, saved, i)``; None for a result outside the graph.
    operands : tuple
        The Values and constants the operation was applied to.
    saved : tuple
        What the backward reads: the operands' arrays, in the order of ``operands`` (None
        for one it does not read, a :class:`Like` for one whose shape and dtype only it
        reads), then any parameter such as an axis.
    keep_output : bool, default False
        Keep the result's array, for a backward that reads it.
    in_place : bool, default False
        The backward may overwrite the gradient it is given.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import record
    >>> def cube(x):  # d(x³) = 3x² dx
    ...     return record(x.numpy() ** 3, "cube", cube_backward, (x,), (x.numpy(),))
    >>> def cube_backward(g, out, saved, i):
    ...     return g * 3 * saved[0] ** 2
    >>> x = Value([1.0, 2.0])
    >>> cube(x).sum().backward()
    >>> x.grad
    array([ 3., 12.])
    """
    if type(data) is not np.ndarray:
        data = np.asarray(data)  # numpy returns scalars, not 0-d arrays, from many ops
    out: Value = _new(Value)
    out._data = data
    out._grad = None
    out._grad_shared = False
    modes = _modes  # one global lookup for both switches: this runs for every operation
    tracked = False
    if modes.grad_enabled:
        prev: list[Node | None] = []  # None for a constant operand: the walk skips it
        base = data.base  # not None for a view, which may be of an operand's array
        i = 0  # (a counter: enumerate() or zip() here costs more than the loop's whole body)
        for x in operands:
            if isinstance(x, Value):
                node = x._node
                if node is None:  # a leaf, used for the first time
                    node = node_of(x)
                held = saved[i]
                if type(held) is not _ndarray:
                    mine = x._data
                    if data is mine or (base is not None and (base is mine or base is mine.base)):
                        # The result is (a view of) x's array: a node that saves the result
                        # saves x's numbers, so this node holds x's array, and a write
                        # through x.data is caught as any other (see Value.data).
                        saved = (*saved[:i], mine, *saved[i + 1 :])
                        held = mine
                if type(held) is _ndarray:
                    node.holds += 1  # the new node will hold x's array: see Value.data
                if x.requires_grad:
                    prev.append(node)
                    tracked = True
                else:
                    prev.append(None)
            else:
                prev.append(None)
            i += 1  # noqa: SIM113
    out.requires_grad = tracked
    if tracked:
        kept = data if keep_output else None
        out._node = Node(out, op, backward, tuple(prev), saved, kept, in_place)
    else:
        out._node = None
    if modes.anomaly and not np.isfinite(data).all():
        shapes = ", ".join(str(np.shape(plain(x))) for x in operands)
        raise RuntimeError(
            f"detect_anomaly: {op} made nan or inf in its output (shape {data.shape}) "
            f"from operands of shapes {shapes}"
        )
    return out


def node_of(value: Value) -> Node:
    """The Value's node; a leaf gets one the first time it is needed.

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import node_of
    >>> x = Value([1.0])
    >>> node_of(x).op, node_of(x) is node_of(x)
    ('', True)
    """
    node = value._node
    if node is None:
        # Under a lock: two threads using a parameter for the first time at once must not
        # give it two leaf nodes (the graph of one would hold arrays the other cannot see).
        with _making_leaf:
            node = value._node
            if node is None:
                node = value._node = Node(value)
    return node


_making_leaf = threading.Lock()


def new_value(data: Array, requires_grad: bool = False) -> Value:
    """A Value around ``data`` itself (not a copy), outside the graph.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.record import new_value
    >>> a = np.zeros(2)
    >>> new_value(a).numpy() is a
    True
    """
    value: Value = _new(Value)
    value._data = data
    value._grad = None
    value._grad_shared = False
    value.requires_grad = requires_grad
    value._node = None
    return value


def revive(node: Node, data: Any) -> Value:
    """A Value for ``node`` whose own Value is gone: its array, saved by a backward, again.

    With ``create_graph=True`` the formulas need the operands as Values that lead back into
    the graph; an intermediate result the user let go is rebuilt this way (PyTorch unpacks
    its saved tensors the same way).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import revive
    >>> x = Value([1.0])
    >>> revive(x.exp().grad_fn.prev[0], x.numpy()) is x  # alive: the Value itself
    True
    """
    alive = node.value()
    if alive is not None:
        return alive
    value = new_value(data, requires_grad=True)
    value._node = node
    return value


def operand_data(x: object, op: str = "") -> Any:
    """The array (or number) behind an operand, or NotImplemented if it is not numeric.

    NotImplemented (for a string, None, a list...) lets an operator hand over to the other
    operand, and then Python says ``unsupported operand type(s)``, as for any class; a named
    op raises :func:`type_error`. A numpy array of another dtype (complex, strings, objects)
    is an error right away, naming ``op``: handed back to numpy, it would only say that a
    Value does not support ufuncs.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import operand_data
    >>> operand_data(Value([1.0])), operand_data(2), operand_data("two")
    (array([1.]), 2, NotImplemented)
    """
    if isinstance(x, Value):
        return x._data
    # A numpy scalar (np.float64(2), what np.sqrt(2) returns) counts as the Python number it
    # holds, as in PyTorch: numpy's rules would let it turn a float32 computation into float64.
    if isinstance(x, (int, float)):
        return float(x) if type(x) is np.float64 else x  # (np.float64 is a float subclass)
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind not in "biuf" or x.dtype.itemsize > 8:
            raise TypeError(
                f"{op}: a Value cannot be combined with a numpy array of dtype {x.dtype}"
            )
        # (a 0-d array too: a number, as PyTorch treats a 0-d tensor in type promotion)
        return x.item() if isinstance(x, np.generic) or x.ndim == 0 else x
    return NotImplemented


def as_value(x: object, op: str) -> Value:
    """The input of an op as a Value: a Value itself, a numpy array or a number as a constant.

    This is the one rule for an op's input (``exp(x)``, ``sum(x)``, ``reshape(x, ...)``...):
    a numpy array or a number is data, a Value that requires no gradient, as it is when it
    is mixed into an expression. Its floats keep their dtype and ints and bools become
    float64, as :class:`~tensorgrad.Value` converts them; the array is not copied.

    Parameters
    ----------
    x : Value, ndarray or number
        The input.
    op : str
        The op's name, for the error.

    Returns
    -------
    Value
        ``x`` itself if it is a Value, else a constant Value around its numbers.

    Raises
    ------
    TypeError
        If ``x`` is neither a Value nor real numbers (a string, None, a list, complex
        numbers, an array of objects or of float16...).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import as_value
    >>> x = Value([1.0])
    >>> as_value(x, "exp") is x
    True
    >>> c = as_value(np.array([1, 2]), "exp")
    >>> c.data, c.requires_grad
    (array([1., 2.]), False)
    >>> as_value("two", "exp")
    Traceback (most recent call last):
      ...
    TypeError: exp: expected Values, numpy arrays or numbers, got str
    """
    if isinstance(x, Value):  # the hot path: one test, nothing else
        return x
    # operand_data refuses arrays of complex numbers, strings or objects, naming op; it gives
    # the number of a 0-d array or a numpy scalar, whose dtype the Value keeps all the same.
    if operand_data(x, op) is NotImplemented:
        raise type_error(op, x)
    data = np.asarray(x)
    if data.dtype.kind in "biu":
        data = data.astype(np.float64)
    else:
        float_dtype(data.dtype, op)  # refuses float16, naming op
    return new_value(data)


def in_float(data: Any, other: Any) -> Any:
    """``data``, an operand's array, in the float dtype of ``other`` if it is an int or bool
    array: as in PyTorch, a float32 Value times an int array stays float32.

    (numpy would make float64 of float32 and int64.) Anything else is returned as it is.

    Parameters
    ----------
    data : ndarray or number
        One operand's array, as :func:`operand_data` gives it.
    other : ndarray or number
        The other operand's.

    Returns
    -------
    ndarray or number

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.record import in_float
    >>> in_float(np.array([1, 2]), np.ones(2, np.float32)).dtype
    dtype('float32')
    >>> in_float(2, np.ones(2, np.float32))
    2
    """
    if type(data) is not _ndarray or type(other) is not _ndarray:
        return data
    return (
        data.astype(other.dtype) if data.dtype.kind in "biu" and other.dtype.kind == "f" else data
    )


def plain(x: Any) -> Any:
    """The numpy array of a Value; anything else unchanged (for masks and signs in formulas).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import plain
    >>> plain(Value([1.0])), plain(2.0)
    (array([1.]), 2.0)
    """
    return x._data if isinstance(x, Value) else x


def exp_of(x: Any) -> Any:
    """``e**x`` of an array or a Value, for the backward formulas (so that create_graph works).

    A Value gets :meth:`Value.exp <tensorgrad.tensor.Value.exp>` (a node in the graph), an
    array or a number ``np.exp`` (the fast path, same dtype); warnings are the caller's to
    silence with ``np.errstate``.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import exp_of
    >>> exp_of(np.zeros(2, np.float32)), exp_of(Value([0.0])).data
    (array([1., 1.], dtype=float32), array([1.]))
    """
    return x.exp() if isinstance(x, Value) else np.exp(x)


def log_of(x: Any) -> Any:
    """``log x`` of an array or a Value, for the backward formulas (so that create_graph works).

    A Value gets :meth:`Value.log <tensorgrad.tensor.Value.log>` (a node in the graph), an
    array or a number ``np.log`` (the fast path, same dtype); ``log 0`` warnings are the
    caller's to silence with ``np.errstate``.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import log_of
    >>> log_of(np.ones(2, np.float32)), log_of(Value([1.0])).data
    (array([0., 0.], dtype=float32), array([0.]))
    """
    return x.log() if isinstance(x, Value) else np.log(x)


def where_of(mask: Any, a: Any, b: Any) -> Any:
    """``a`` where ``mask``, ``b`` elsewhere, of arrays or Values, for the backward formulas.

    If ``a`` or ``b`` is a Value this is :func:`tensorgrad.where` (a node in the graph, so that
    create_graph works), otherwise ``np.where`` of the arrays and numbers (the fast path);
    ``mask`` is a boolean array either way.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import where_of
    >>> mask = np.array([True, False])
    >>> where_of(mask, np.array([1.0, 2.0]), 0.0), where_of(mask, Value([1.0, 2.0]), 0.0).data
    (array([1., 0.]), array([1., 0.]))
    """
    if isinstance(a, Value) or isinstance(b, Value):
        from tensorgrad.ops import select  # (select imports this module)

        return select.where(mask, a, b)
    return np.where(mask, a, b)


def zeros_of(g: Any, x: Any = None) -> Any:
    """Zeros of ``x``'s shape and dtype (``g``'s if ``x`` is None): the gradient of an operand
    that does not change the result.

    ``x`` is an array, a Value or a :class:`Like`; the zeros are a constant Value (no graph,
    no gradient) if the incoming gradient ``g`` is a Value (under create_graph), an array
    otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> from tensorgrad.record import zeros_of
    >>> zeros_of(np.ones(2, np.float32)), zeros_of(Value([1.0]), np.ones((1, 2))).data
    (array([0., 0.], dtype=float32), array([[0., 0.]]))
    """
    if x is None:
        x = g
    zeros = np.zeros(x.shape, dtype=x.dtype)
    return record(zeros, "zeros", None, (), ()) if isinstance(g, Value) else zeros


def type_error(op: str, *operands: object) -> TypeError:
    """The error for operands that are not Values, numpy arrays or numbers.

    Examples
    --------
    >>> from tensorgrad.record import type_error
    >>> print(type_error("where", 1.0, "two"))
    where: expected Values, numpy arrays or numbers, got float and str
    """
    names = " and ".join(
        f"{type(x).__name__} of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        for x in operands
    )
    return TypeError(f"{op}: expected Values, numpy arrays or numbers, got {names}")

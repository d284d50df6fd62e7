"""Backpropagation: walk the graph from the outputs back to the inputs, applying the chain rule.

The graph is the set of Values linked by ``_prev``. :func:`backward` and :func:`grad` both

1. order the nodes so that each comes before every node it was made from (Kahn's
   algorithm with an explicit stack: no recursion, so a chain of a million nodes works);
2. give each output its seed gradient (1 for a one-element output) and go through the
   order, asking each node's backward function for the gradient of each operand and
   adding it to that operand's total;
3. free the graph, unless ``retain_graph`` is true, so that the arrays the backward
   functions kept die as soon as the user lets go of the output.

:func:`backward` then adds every total to the node's ``.grad``; :func:`grad` returns the
totals for the inputs asked for and leaves ``.grad`` alone.

With ``create_graph=True`` the walk hands Values instead of arrays to the backward
functions and turns grad mode on, so the gradients come out as Values with a graph of
their own (see :mod:`tensorgrad.tensor`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.grad_mode import _modes
from tensorgrad.tensor import Value, _plain

__all__ = ["backward", "grad"]


def backward(
    output: Value,
    grad: npt.ArrayLike | Value | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Add the derivative of ``output`` to the ``.grad`` of every node it depends on.

    This is :meth:`Value.backward <tensorgrad.Value.backward>`; see there for the
    parameters.

    Examples
    --------
    >>> x = Value([1.0, 2.0])
    >>> backward((x * x).sum())
    >>> x.grad
    array([2., 4.])
    """
    if not isinstance(output, Value):
        raise TypeError(f"backward: expected a Value, got {type(output).__name__}")
    _check_requires_grad(output, "backward", "the output")
    seed = _seed(output, grad, create_graph, "backward")
    keep = create_graph if retain_graph is None else retain_graph
    totals = _walk((output,), (seed,), keep, create_graph)
    _store(totals)


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: npt.ArrayLike | Value | Sequence[npt.ArrayLike | Value | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Value, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    As ``torch.autograd.grad``. With ``create_graph=True`` the gradients are Values with
    a graph of their own, so they can be differentiated again: second derivatives,
    Hessian-vector products, gradient penalties.

    Parameters
    ----------
    outputs : Value or sequence of Value
        What to differentiate. With several outputs, their gradients add up.
    inputs : Value or sequence of Value
        With respect to what; they must require grad.
    grad_outputs : array or Value, or a list of them (one per output), optional
        The seed for each output, of its shape; None (for all outputs, or in the list)
        stands for 1, which only a one-element output accepts.
    retain_graph : bool, optional
        Keep the graph for another backward; by default, keep it only if ``create_graph``.
    create_graph : bool, default False
        Record the backward pass, so that the results are differentiable.
    allow_unused : bool, default False
        Give zeros for an input the outputs do not depend on, instead of raising.

    Returns
    -------
    tuple of Value
        One gradient per input, of the input's shape and dtype. They require grad only
        with ``create_graph=True``.

    Raises
    ------
    RuntimeError
        If an output or an input does not require grad, if an input was not used
        (without ``allow_unused``), if a seed is missing for an output with several
        elements, or if the graph was freed.

    Examples
    --------
    >>> x = Value(3.0)
    >>> y = x**3
    >>> (dy,) = grad(y, x, create_graph=True)
    >>> dy.item()  # 3 x²
    27.0
    >>> (d2y,) = grad(dy, x)
    >>> d2y.item()  # 6 x
    18.0
    """
    outputs = _as_values(outputs, "outputs")
    inputs = _as_values(inputs, "inputs")
    if grad_outputs is None:
        seeds_given: Sequence[Any] = [None] * len(outputs)
    elif isinstance(grad_outputs, (list, tuple)):
        seeds_given = grad_outputs
    else:
        seeds_given = [grad_outputs]
    if len(seeds_given) != len(outputs):
        raise ValueError(
            f"grad: {len(seeds_given)} grad_outputs for {len(outputs)} outputs; give one each"
        )
    for k, out in enumerate(outputs):
        _check_requires_grad(out, "grad", f"output {k}")
    for k, x in enumerate(inputs):
        _check_requires_grad(x, "grad", f"input {k}")
    seeds = tuple(
        _seed(out, given, create_graph, "grad") for out, given in zip(outputs, seeds_given)
    )
    keep = create_graph if retain_graph is None else retain_graph
    totals = _walk(outputs, seeds, keep, create_graph)
    results = []
    for k, x in enumerate(inputs):
        total = totals.get(x)
        if total is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {k} (shape {x.shape}) was not used to compute the outputs; "
                    f"pass allow_unused=True to get zeros for it"
                )
            total = np.zeros_like(x.data)
        if not isinstance(total, Value):
            # A copy: the walk may hand one array to several nodes.
            total = Value(total, requires_grad=False)
        results.append(total)
    return tuple(results)


# -- the walk ---------------------------------------------------------------------------------


def _walk(
    outputs: Sequence[Value], seeds: Sequence[Any], retain_graph: bool, create_graph: bool
) -> dict[Value, Any]:
    """Backpropagate ``seeds`` from ``outputs``; return every node's total gradient."""
    order = _topological_order(outputs)
    totals: dict[Value, Any] = {}
    for output, seed in zip(outputs, seeds):
        totals[output] = totals[output] + seed if output in totals else seed
    check = _modes.anomaly
    recording = _modes.grad_enabled
    _modes.grad_enabled = create_graph  # the formulas build a graph only if asked to
    out: Any  # the node, or its data
    try:
        for node in order:
            g = totals[node]
            if create_graph:
                out, args = node, _args_as_values(node)
            else:
                out, args = node.data, node._args
            backward = node._backward
            for i, operand in enumerate(node._prev):
                if operand is None:  # a constant: no gradient to compute
                    continue
                grad = backward(g, out, args, i)  # type: ignore[misc]  # interior nodes have one
                if check:
                    _check_finite(grad, node, operand, i)
                totals[operand] = totals[operand] + grad if operand in totals else grad
    finally:
        _modes.grad_enabled = recording
    if not retain_graph:
        for node in order:
            node._prev = ()
            node._args = ()
            node._backward = _freed
    return totals


def _topological_order(outputs: Sequence[Value]) -> list[Value]:
    """The interior (non-leaf) nodes under ``outputs``, each before every node it uses.

    Kahn's algorithm with explicit stacks: first count, for every node, how many of its
    users lie in the graph; then hand out nodes starting at the outputs, releasing a node
    once its last user has been handed out. Leaves have nothing to propagate, so they are
    counted but not listed.
    """
    users: dict[Value, int] = dict.fromkeys(outputs, 0)
    stack = list(users)
    while stack:
        node = stack.pop()
        if node._backward is _freed:
            raise RuntimeError(
                f"Trying to backward through the graph a second time: the graph behind "
                f"{node._op} (shape {node.shape}) was freed by an earlier backward. "
                f"Pass retain_graph=True to that earlier call to keep it."
            )
        for child in node._prev:
            if child is None:
                continue
            if child in users:
                users[child] += 1
            else:
                users[child] = 1
                stack.append(child)
    order: list[Value] = []
    ready = [out for out, count in users.items() if count == 0 and out._backward is not None]
    while ready:
        node = ready.pop()
        order.append(node)
        for child in node._prev:
            if child is None:
                continue
            remaining = users[child] - 1
            users[child] = remaining
            if remaining == 0 and child._backward is not None:
                ready.append(child)
    return order


def _freed(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    """The backward of a node whose graph was freed; the walk stops before calling it."""
    raise AssertionError("unreachable: _topological_order rejects freed nodes")


def _args_as_values(node: Value) -> tuple[Any, ...]:
    """``node._args`` with each operand that takes part in the graph as its Value."""
    prev, args = node._prev, node._args
    operands = tuple(arg if v is None else v for v, arg in zip(prev, args))
    return operands + args[len(prev) :]


def _check_finite(grad: Any, node: Value, operand: Value, i: int) -> None:
    if not np.isfinite(_plain(grad)).all():
        raise RuntimeError(
            f"detect_anomaly: the backward of {node._op} (output shape {node.shape}) made "
            f"nan or inf in the gradient of its input {i} (shape {operand.shape})"
        )


# -- seeds and results ------------------------------------------------------------------------


def _seed(output: Value, given: Any, create_graph: bool, caller: str) -> Any:
    """The gradient to start from at ``output``: ``given``, or 1 for a one-element output."""
    if given is None:
        if output.size != 1:
            raise RuntimeError(
                f"{caller}: grad can be implicitly created only for scalar outputs; this "
                f"output has shape {output.shape}, so pass a gradient of that shape"
            )
        seed = np.ones_like(output.data)
    else:
        try:
            seed = np.array(_plain(given), dtype=output.dtype)  # a copy the walk may own
        except (TypeError, ValueError):
            raise TypeError(
                f"{caller}: the gradient must be an array of numbers, got {type(given).__name__}"
            ) from None
        if seed.shape != output.shape:
            raise ValueError(
                f"{caller}: the gradient has shape {seed.shape} but the output has shape "
                f"{output.shape}; they must match"
            )
        if create_graph and isinstance(given, Value):
            return given if given.dtype == output.dtype else given.astype(output.dtype)
    return Value(seed, requires_grad=False) if create_graph else seed


def _store(totals: dict[Value, Any]) -> None:
    """Add each node's total gradient of this pass to its ``.grad``.

    Arrays are stored without a copy. But the walk may hand one array to several nodes
    (``a + b`` passes its gradient unchanged to both) or a view of it to another
    (``reshape``), so an array whose memory another node's gradient also uses is marked
    shared, as is a read-only one: ``Value.grad`` copies it on first read, and the next
    backward adds to it out of place. So ``x.grad *= 2`` changes x's gradient only.
    """
    first_user: dict[int, Value] = {}  # memory block -> first node whose gradient uses it
    for node, total in totals.items():
        array = total.data if isinstance(total, Value) else total
        if type(array) is not np.ndarray:
            array = np.asarray(array)  # full reductions give numpy scalars
        memory = _memory(array)
        first = first_user.setdefault(id(memory), node)
        shared = first is not node or not array.flags.writeable or isinstance(total, Value)
        if first is not node and first._grad is not None and _memory(first._grad) is memory:
            first._grad_shared = True
        current = node._grad
        if current is None:
            node._grad = array
            node._grad_shared = shared
        elif node._grad_shared:
            node._grad = current + array
            node._grad_shared = False
        else:
            current += array


def _memory(array: npt.NDArray[Any]) -> object:
    """The array that owns ``array``'s memory (numpy points every view at it)."""
    return array if array.base is None else array.base


def _check_requires_grad(value: Value, caller: str, what: str) -> None:
    if not value.requires_grad:
        raise RuntimeError(
            f"{caller}: {what} does not require grad: it was computed from constants only, "
            f"or under no_grad(), or it was created with requires_grad=False"
        )


def _as_values(values: Value | Sequence[Value], name: str) -> tuple[Value, ...]:
    given = (values,) if isinstance(values, Value) else tuple(values)
    for v in given:
        if not isinstance(v, Value):
            raise TypeError(f"grad: {name} must be Values, got {type(v).__name__}")
    if not given:
        raise ValueError(f"grad: {name} is empty")
    return given

"""Backpropagation: walk the graph from the outputs back to the inputs, applying the chain rule.

The graph is the set of :class:`~tensorgrad.node.Node` objects linked by ``prev``, one per
operation (see :mod:`tensorgrad.node`). :func:`backward` and :func:`grad` both

1. count, for every node, how many nodes of the graph use it (an explicit stack: no
   recursion, so a chain of a million nodes works);
2. give each output its seed gradient (1 for a one-element output), then visit the nodes
   in Kahn's order: a node's total gradient is complete once all its users have passed
   their share on, and the node then asks its backward function for the gradient of each
   operand and adds it to that operand's total;
3. free each node's part of the graph right after its visit, unless ``retain_graph`` is
   true, so that arrays only the graph held die during the walk, not after it.

Before a node's formula runs, the walk checks that the arrays the node saved are still
those of its operands' Values (and of its result, if it kept it): an array changed in
place since the forward pass (``w.data[...] = 0``, an optimizer step, ``load_state_dict``)
would make the gradient silently wrong, so backward refuses, naming the operation, as
PyTorch refuses a tensor "modified by an inplace operation". The check costs one integer
comparison per node unless some array was replaced or handed out since the node was made
(see :class:`~tensorgrad.node.Clock` and :attr:`tensorgrad.Value.data`).

:func:`backward` adds each node's total to the ``.grad`` of its Value, if that Value is
still alive (one nobody holds could never be read); :func:`grad` returns the totals for
the inputs asked for and leaves ``.grad`` alone.

With ``create_graph=True`` the walk hands Values instead of arrays to the backward
functions and turns grad mode on, so the gradients come out as Values with a graph of
their own (see :mod:`tensorgrad.record`).

Several threads may backpropagate at once into the same parameters: each walk is the
thread's own, and the additions into a ``.grad`` take a lock (``_store``), so no
gradient is lost, as in PyTorch. The docs' "Threads: what is safe" page has the contract.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from sys import getrefcount
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad.grad_mode import _modes
from tensorgrad.node import FREED, Node, clock
from tensorgrad.record import node_of, plain, revive
from tensorgrad.tensor import Value, real_array

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
    >>> from tensorgrad import Value
    >>> from tensorgrad.autograd import backward
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
    _walk((node_of(output),), (seed,), keep, create_graph)


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
    grad_outputs : array_like, Value or list, optional
        The seed for each output, of its shape: an array or a Value for a single output,
        a list of them (one per output) for several. None (for all outputs, or in the
        list) stands for 1, which only a one-element output accepts.
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
    >>> from tensorgrad import Value, grad
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
    nodes = [node_of(x) for x in inputs]
    totals: dict[Node, Any] = dict.fromkeys(nodes)
    _walk(tuple(node_of(out) for out in outputs), seeds, keep, create_graph, totals)
    results = []
    for k, (x, node) in enumerate(zip(inputs, nodes)):
        total = totals[node]
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
    outputs: Sequence[Node],
    seeds: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    wanted: dict[Node, Any] | None = None,
) -> None:
    """Backpropagate ``seeds`` from ``outputs``, handing each node its total gradient.

    Kahn's algorithm: a node's total is final once every node that uses it has passed its
    share on (``users`` counts, for every node, the users not yet visited), so a node is
    ready when its count reaches zero. Each total then goes to the ``.grad`` of the node's
    Value or, when ``wanted`` is given, only into ``wanted`` for the nodes it lists. The
    memory policy is in the helpers below: which gradient an in-place formula may overwrite
    (:func:`_formula_inputs`), which one is another's too (:func:`_shared`), and freeing
    each node as soon as it is visited (:func:`_free`). The ``.grad`` totals are added in
    at the end, all at once (``_store``).
    """
    users = _count_users(outputs)
    totals = _seed_totals(outputs, seeds)
    ready = [output for output in totals if users[output] == 0]
    check = _modes.anomaly
    recording = _modes.grad_enabled
    _modes.grad_enabled = create_graph  # the formulas build a graph only if asked to
    stored: list[tuple[Value, Any, bool]] = []
    try:
        while ready:
            node = ready.pop()
            g = totals.pop(node)
            if type(g) is not np.ndarray and not create_graph:
                g = np.asarray(g)  # numpy makes scalars of 0-d results; formulas get arrays
            if wanted is None:
                value = node.value()  # None once nobody holds it: its gradient is not kept
                kept = value is not None
            else:
                value, kept = None, node in wanted
            backward = node.backward
            if backward is not None:  # an interior node: pass the gradient on
                if node.stamp != clock.writes:
                    _check_unchanged(node)
                if create_graph or node.in_place:
                    given, out, saved = _formula_inputs(node, g, kept, create_graph)
                else:  # the common case: the formula reads the node's arrays as they are
                    given, out, saved = g, node.out, node.saved
                held = () if retain_graph else node.saved  # arrays whose holds go with the node
                for i, operand in enumerate(node.prev):
                    if operand is None:  # a constant: no gradient to compute
                        continue
                    grad = backward(given, out, saved, i)
                    if check:
                        _check_finite(grad, node, operand, i)
                    if held and type(held[i]) is np.ndarray:
                        operand.holds -= 1  # the node lets go of its operand's array
                    total = totals.get(operand)
                    totals[operand] = grad if total is None else total + grad
                    users[operand] -= 1
                    if not users[operand]:
                        ready.append(operand)
                given = grad = total = None  # (so that _shared counts only who else holds g)
                if not retain_graph:
                    _free(node)  # its arrays die now, not at the end of the walk
            if value is not None:
                shared = create_graph or _shared(g)  # (before the list holds g too)
                stored.append((value, g._data if create_graph else g, shared))
            elif kept and wanted is not None:
                wanted[node] = g
    finally:
        _modes.grad_enabled = recording
    _store(stored)


def _count_users(outputs: Sequence[Node]) -> dict[Node, int]:
    """For every node under ``outputs``, how many of its users lie in the graph.

    An explicit stack, not recursion, so a chain of a million nodes works. Refuses a
    graph that an earlier backward freed.
    """
    users: dict[Node, int] = dict.fromkeys(outputs, 0)
    stack = list(users)
    while stack:
        node = stack.pop()
        if node.backward is FREED:
            raise RuntimeError(
                f"Trying to backward through the graph a second time: the graph behind "
                f"{node.op} (shape {node.shape}) was freed by an earlier backward. "
                f"Pass retain_graph=True to that earlier call to keep it."
            )
        for child in node.prev:
            if child is None:
                continue
            if child in users:
                users[child] += 1
            else:
                users[child] = 1
                stack.append(child)
    return users


def _seed_totals(outputs: Sequence[Node], seeds: Sequence[Any]) -> dict[Node, Any]:
    """Each output's starting gradient; an output given twice gets the sum of its seeds."""
    totals: dict[Node, Any] = {}
    for output, seed in zip(outputs, seeds):
        totals[output] = totals[output] + seed if output in totals else seed
    return totals


def _formula_inputs(node: Node, g: Any, g_kept: bool, create_graph: bool) -> tuple[Any, Any, Any]:
    """What the node's backward is called with, ``(g, out, saved)``, under create_graph or for
    an ``in_place`` formula (otherwise, ``g`` and the node's own arrays).

    With ``create_graph`` the saved arrays come back as Values in the graph. Otherwise the
    node's own arrays, and an ``in_place`` formula (relu's: ``g *= mask``) gets ``g`` itself
    only if nobody else will read it: not the node's Value (``g_kept``), not another node
    (:func:`_shared`). Then it writes its operand's gradient into the very array, as a
    hand-written backward does; otherwise it gets a copy.
    """
    if create_graph:
        return g, _output_as_value(node), _saved_as_values(node)
    if node.in_place and (g_kept or _shared(g, names=2)):  # (the walk's name for g, and ours)
        g = g.copy(order="K")  # (keeping its memory order: it may be a transposed view)
    return g, node.out, node.saved


def _shared(g: Any, names: int = 1) -> bool:
    """Whether anyone but the walk holds the gradient array ``g`` (by ``names`` local names).

    Gradients are handed on without copies: ``+`` passes its ``g`` on unchanged, ``reshape``
    a view of it, and ``.grad`` stores the array itself. So ``g`` may also be another node's
    total, or a Value's ``.grad``, or the base of a view, or a view itself; then nobody may
    change it in place. Python's reference count of the array says whether anyone else holds
    it. A view is taken as shared, unless it is the one way to a fresh buffer that it covers
    exactly: how the image ops hand out their ``(N, C, H, W)`` gradients, transposed views
    of batch-innermost buffers (see :mod:`tensorgrad.ops.convolution`).
    """
    base = g.base
    if base is None:
        return getrefcount(g) > _ALONE + names - 1
    return (
        base.base is not None
        or base.size != g.size
        or not g.flags.writeable
        or getrefcount(base) > _BASE_ALONE
        or getrefcount(g) > _ALONE + names - 1
    )


def _free(node: Node) -> None:
    """Drop the node's links and arrays (its visit is over), so that they die now.

    Each array it saved was counted in its node's ``holds`` (see :attr:`tensorgrad.Value.data`):
    the walk released those of its operands edge by edge; this releases that of its own
    result, if it kept it. A later walk through the node then refuses: its graph was freed.
    """
    if node.out is not None:
        node.holds -= 1
    node.prev = ()
    node.saved = ()
    node.out = None
    node.backward = FREED


def _check_unchanged(node: Node) -> None:
    """Refuse to run ``node``'s formula on arrays changed since the forward pass saved them.

    A Value's array is replaced, not changed in place, when it is handed out through
    ``.data`` while a graph holds it (see :attr:`tensorgrad.Value.data`), or assigned; so
    the node still has the array it computed with, and the Value's array differs from it
    only if it was changed. A Value nobody holds any more cannot have been changed.
    """
    for i, (child, saved) in enumerate(zip(node.prev, node.saved)):
        if child is not None and type(saved) is np.ndarray:
            _compare(node, child.value(), saved, f"operand {i}")
    if node.out is not None:
        _compare(node, node.value(), node.out, "its result")


def _compare(node: Node, value: Value | None, saved: Any, what: str) -> None:
    if value is None:
        return
    current = value._data
    if current is saved or np.array_equal(current, saved, equal_nan=True):
        return
    raise RuntimeError(
        f"{node.op}: {what} (shape {saved.shape}) was changed after {node.op} saved it for "
        f"the backward pass (in place through .data, by an optimizer step or by "
        f"load_state_dict), so the gradient would be wrong. Run the forward pass again "
        f"after changing it."
    )


def _output_as_value(node: Node) -> Value | None:
    """The node's result as a Value in the graph, for a formula that reads it."""
    return None if node.out is None else revive(node, node.out)


def _saved_as_values(node: Node) -> tuple[Any, ...]:
    """``node.saved`` with each operand array that takes part in the graph as a Value."""
    prev, saved = node.prev, node.saved
    operands = tuple(
        revive(child, arg) if child is not None and type(arg) is np.ndarray else arg
        for child, arg in zip(prev, saved)
    )
    return operands + saved[len(prev) :]


def _check_finite(grad: Any, node: Node, operand: Node, i: int) -> None:
    if not np.isfinite(plain(grad)).all():
        raise RuntimeError(
            f"detect_anomaly: the backward of {node.op} (output shape {node.shape}) made "
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
        seed = np.ones(output.shape, output.dtype)
    else:
        raw = real_array(plain(given), f"{caller}: the gradient")
        seed = raw.astype(output.dtype)  # a copy the walk may own
        if seed.shape != output.shape:
            raise ValueError(
                f"{caller}: the gradient has shape {seed.shape} but the output has shape "
                f"{output.shape}; they must match"
            )
        if create_graph and isinstance(given, Value):
            return given if given.dtype == output.dtype else given.astype(output.dtype)
    return Value(seed, requires_grad=False) if create_graph else seed


def _store(stored: list[tuple[Value, Any, bool]]) -> None:
    """Add each Value's gradient array from this pass, ``total``, to its ``.grad``.

    The array is stored without a copy. When it is also another node's gradient
    (``a + b`` hands its gradient unchanged to both operands, ``reshape`` a view of it),
    it is marked ``shared``: ``Value.grad`` copies it on first read, and the next backward
    adds to it out of place, so that ``x.grad *= 2`` changes x's gradient only.
    Otherwise the Value owns it, and later passes add to it in place.

    Under a lock, taken once per backward: two threads' passes may add into one
    parameter's ``.grad`` (numpy's ``+=`` lets go of the interpreter lock while it adds,
    so without the lock one thread's sum could overwrite the other's), as PyTorch's
    accumulation is safe.
    """
    with _accumulating:
        for value, total, shared in stored:
            current = value._grad
            if current is None:
                value._grad = total
                value._grad_shared = shared
            elif value._grad_shared:
                value._grad = current + total
                value._grad_shared = False
            else:
                current += total


_accumulating = threading.Lock()
"""Held while a gradient is added into a ``.grad``: see :func:`_store`."""


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


def _calibrate() -> int:
    array = np.empty(0)  # held by this name only, as the walk's g is by its own
    return getrefcount(array) + 1  # ... and, in _shared, by its parameter too


def _calibrate_base() -> int:
    view = np.empty((1, 2)).T  # a view whose buffer nothing else holds
    base = view.base  # (named, as in _shared)
    return getrefcount(base)


_ALONE = _calibrate()
"""What getrefcount reports in :func:`_shared` for an array nobody else holds."""
_BASE_ALONE = _calibrate_base()
"""What getrefcount reports in :func:`_shared` for the buffer of a view that alone holds it."""

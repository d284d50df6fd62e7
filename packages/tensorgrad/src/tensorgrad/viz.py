"""Graphviz DOT source for the graph behind a :class:`~tensorgrad.Value`.

:func:`to_dot` only writes text, so it needs no graphviz install; render the text with
the ``dot`` program, the ``graphviz`` Python package, or Sphinx's ``graphviz`` directive.
"""

from __future__ import annotations

from collections.abc import Mapping

from tensorgrad.node import Node
from tensorgrad.record import node_of
from tensorgrad.tensor import Value

__all__ = ["to_dot"]


def to_dot(root: Value, labels: Mapping[Value, str] | None = None, rankdir: str = "LR") -> str:
    """Return the DOT source of the graph that computed ``root``.

    Each Value is a box showing its shape and dtype; each operation is an oval between
    its operands and its result. Constants (numbers and arrays) are not drawn.

    Parameters
    ----------
    root : Value
        The output whose graph to draw.
    labels : dict of Value to str, optional
        Names to show in the boxes, such as ``{x: "x", W: "W"}`` (any mapping will do).
    rankdir : {"LR", "TB", "RL", "BT"}, default "LR"
        Direction of the drawing: left to right by default.

    Raises
    ------
    TypeError
        If ``root`` is not a Value, ``labels`` is not a mapping of Values to strings, or
        ``rankdir`` is not a string.
    ValueError
        If ``rankdir`` is not one of the four directions.
    RuntimeError
        If a backward without ``retain_graph=True`` has freed the graph: it no longer
        exists to be drawn. Draw it before the backward, or keep it with
        ``backward(retain_graph=True)``.

    Examples
    --------
    >>> from tensorgrad import Value, to_dot
    >>> x, W = Value([[1.0, 2.0]]), Value([[1.0], [2.0]])
    >>> y = x @ W
    >>> print(to_dot(y, labels={x: "x", W: "W", y: "y"}))
    digraph {
      rankdir=LR;
      node [fontname="Helvetica"];
      v0 [shape=record, label="{ y | (1, 1) float64 }"];
      v0_op [label="matmul"];
      v0_op -> v0;
      v1 -> v0_op;
      v2 -> v0_op;
      v2 [shape=record, label="{ W | (2, 1) float64 }"];
      v1 [shape=record, label="{ x | (1, 2) float64 }"];
    }
    """
    if not isinstance(root, Value):
        raise TypeError(f"to_dot expects a Value, got {type(root).__name__}")
    if not isinstance(rankdir, str):  # (an array would not even answer `in` with a bool)
        raise TypeError(
            f"to_dot: rankdir must be a str, one of 'LR', 'TB', 'RL', 'BT', got "
            f"{type(rankdir).__name__} {rankdir!r}"
        )
    if rankdir not in _RANKDIRS:
        raise ValueError(f"to_dot: rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    labels = _checked_labels(labels)
    # The graph is made of nodes; a root outside it (a constant) is drawn as a box alone.
    start = node_of(root) if root.requires_grad else Node(root)
    names: dict[Node, str] = {}
    for value, text in labels.items():
        if value is root:
            names[start] = text
        elif value._node is not None:  # (a Value without a node is not in the graph)
            names[value._node] = text
    ids: dict[Node, str] = {start: "v0"}
    lines = ["digraph {", f"  rankdir={rankdir};", '  node [fontname="Helvetica"];']
    stack = [start]
    while stack:
        node = stack.pop()
        nid = ids[node]
        name = f"{_escape(names[node])} | " if node in names else ""
        lines.append(
            f'  {nid} [shape=record, label="{{ {name}{_escape(str(node.shape))} {node.dtype} }}"];'
        )
        if node.backward is None:
            continue
        if node.freed:
            # Drawn, the node would look like an input: a graph that silently lost its past.
            raise RuntimeError(
                f"to_dot: the graph behind {node.op} (shape {node.shape}) was freed by a "
                f"backward. Call to_dot before backward, or pass retain_graph=True to "
                f"backward to keep the graph."
            )
        lines.append(f'  {nid}_op [label="{_escape(node.op)}"];')
        lines.append(f"  {nid}_op -> {nid};")
        # `x * x` draws one edge, not two; constants (None) are not drawn.
        for child in dict.fromkeys(c for c in node.prev if c is not None):
            if child not in ids:
                ids[child] = f"v{len(ids)}"
                stack.append(child)
            lines.append(f"  {ids[child]} -> {nid}_op;")
    lines.append("}")
    return "\n".join(lines)


_RANKDIRS = ("LR", "TB", "RL", "BT")


def _checked_labels(labels: object) -> Mapping[Value, str]:
    """``labels`` (an empty mapping for None), if it maps Values to strings."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(
            f"to_dot: labels must be a mapping of Values to str, such as {{x: 'x'}}, got "
            f"{type(labels).__name__}"
        )
    for value, text in labels.items():
        if not isinstance(value, Value):
            raise TypeError(
                f"to_dot: the keys of labels must be Values, got {type(value).__name__} "
                f"{value!r} (labels maps each Value to its name: {{x: 'x'}})"
            )
        if not isinstance(text, str):
            raise TypeError(
                f"to_dot: the names in labels must be str, got {type(text).__name__} "
                f"{text!r} for the Value of shape {value.shape}"
            )
    return labels


def _escape(text: str) -> str:
    for char in '\\"{}|<>':
        text = text.replace(char, "\\" + char)
    return text

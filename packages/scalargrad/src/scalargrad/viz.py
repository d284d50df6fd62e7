"""Graphviz DOT source for the graph behind a :class:`~scalargrad.Value`.

:func:`to_dot` only writes text, so it needs no graphviz install; render the text with
the ``dot`` program, the ``graphviz`` Python package, or Sphinx's ``graphviz`` directive.
"""

from __future__ import annotations

from collections.abc import Mapping

from scalargrad.engine import Value, describe

__all__ = ["to_dot"]

# Operations whose constant stands on the left: `2 - x`, `2 / x`, `2 ** x`.
_CONSTANT_FIRST = {Value._neg_backward, Value._reciprocal_backward, Value._pow_const_base_backward}
_RANKDIRS = ("LR", "TB", "RL", "BT")


def to_dot(root: Value, labels: Mapping[Value, str] | None = None, rankdir: str = "LR") -> str:
    """Return the DOT source of the graph that computed ``root``.

    Each Value is a box showing its ``data`` and ``grad``; each operation is an oval
    between its inputs and its output, showing the op and any constant it used (``·``
    stands for the Value input, as in ``· * 2``).

    Parameters
    ----------
    root : Value
        The output whose graph to draw.
    labels : dict of Value to str, optional
        Names to show in the boxes, such as ``{a: "a", b: "b"}``.
    rankdir : {"LR", "TB", "RL", "BT"}, default "LR"
        Direction of the drawing: left to right by default.

    Raises
    ------
    TypeError
        If ``root`` is not a Value, ``labels`` not a dict of Value to str, or ``rankdir``
        not a str.
    ValueError
        If ``rankdir`` is another string.

    Examples
    --------
    >>> from scalargrad import Value, to_dot
    >>> a, b = Value(2.0), Value(-3.0)
    >>> y = a * b
    >>> print(to_dot(y, labels={a: "a", b: "b", y: "y"}))  # doctest: +ELLIPSIS
    digraph {
      rankdir=LR;
      node [fontname="Helvetica"];
      v0 [shape=record, label="{ y | data -6 | grad 0 }"];
      v0_op [label="*"];
      v0_op -> v0;
    ...
    }
    """
    if not isinstance(root, Value):
        raise TypeError(f"to_dot: root must be a Value, got {describe(root)}")
    if not isinstance(rankdir, str) or rankdir not in _RANKDIRS:
        error = ValueError if isinstance(rankdir, str) else TypeError
        raise error(f"to_dot: rankdir must be one of LR, TB, RL, BT, got {describe(rankdir)}")
    if labels is None:
        labels = {}
    if not isinstance(labels, Mapping):
        raise TypeError(f"to_dot: labels must be a dict of Value to str, got {describe(labels)}")
    for value, name in labels.items():
        # (a reversed {"a": a} would otherwise silently label nothing)
        if not isinstance(value, Value) or not isinstance(name, str):
            raise TypeError(
                f"to_dot: labels must be a dict of Value to str, got an item "
                f"{describe(value)}: {describe(name)}"
            )
    ids: dict[Value, str] = {root: "v0"}
    lines = ["digraph {", f"  rankdir={rankdir};", '  node [fontname="Helvetica"];']
    stack = [root]
    while stack:
        node = stack.pop()
        nid = ids[node]
        name = f"{_escape(labels[node])} | " if node in labels else ""
        fields = f"{name}data {node.data:.4g} | grad {node.grad:.4g}"
        lines.append(f'  {nid} [shape=record, label="{{ {fields} }}"];')
        if not node._prev:
            continue
        lines.append(f'  {nid}_op [label="{_escape(_op_label(node))}"];')
        lines.append(f"  {nid}_op -> {nid};")
        for child in dict.fromkeys(node._prev):  # `a * a` draws one edge, not two
            if child not in ids:
                ids[child] = f"v{len(ids)}"
                stack.append(child)
            lines.append(f"  {ids[child]} -> {nid}_op;")
    lines.append("}")
    return "\n".join(lines)


def _op_label(node: Value) -> str:
    constant = node._ctx
    if not isinstance(constant, (int, float)):
        return node._op
    if node._backward in _CONSTANT_FIRST:
        return f"{constant:g} {node._op} ·"
    return f"· {node._op} {constant:g}"


def _escape(text: str) -> str:
    for char in '\\"{}|<>':
        text = text.replace(char, "\\" + char)
    return text

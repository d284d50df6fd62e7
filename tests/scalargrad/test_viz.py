"""to_dot: DOT source of a graph, checked by the real Graphviz parser."""

import re
import shutil
import subprocess

import pytest

from scalargrad import Value, to_dot

NODE = re.compile(r"^  (v\d+) \[shape=record", re.MULTILINE)
OP = re.compile(r"^  (v\d+)_op \[label=\"([^\"]*)\"\]", re.MULTILINE)


def seed_graph() -> tuple[Value, dict[Value, str]]:
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    d = a * b
    e = d + c
    y = e.tanh()
    y.backward()
    return y, {a: "a", b: "b", c: "c", d: "d", e: "e", y: "y"}


def test_every_value_and_op_appears_once() -> None:
    y, labels = seed_graph()
    dot = to_dot(y, labels=labels)
    assert len(NODE.findall(dot)) == 6
    assert sorted(op for _, op in OP.findall(dot)) == ["*", "+", "tanh"]
    for name in "abcdey":
        assert f"{{ {name} | data " in dot
    assert "{ a | data 2 | grad -0.004023 }" in dot


def test_constants_show_in_the_op_label() -> None:
    x = Value(3.0)
    dot = to_dot((2.0 - x * 0.5) ** 2)
    assert sorted(op for _, op in OP.findall(dot)) == ["2 - ·", "· * 0.5", "· ** 2"]


def test_reused_node_draws_one_edge() -> None:
    a = Value(3.0)
    dot = to_dot(a * a)
    assert dot.count("v1 -> v0_op;") == 1


def test_labels_are_escaped() -> None:
    a = Value(1.0)
    assert r'"{ a\|b\{\} | data 1' in to_dot(a, labels={a: "a|b{}"})


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot program")
def test_graphviz_parses_the_output() -> None:
    y, labels = seed_graph()
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=to_dot(y, labels=labels), capture_output=True, text=True, check=True
    ).stdout
    assert svg.count('class="node"') == 6 + 3  # six Values, three ops


def test_errors() -> None:
    with pytest.raises(TypeError, match="to_dot expects a Value, got float"):
        to_dot(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, RL, BT, got 'XY'"):
        to_dot(Value(1.0), rankdir="XY")

"""to_dot: DOT source of a graph, checked by the real Graphviz parser."""

import re
import shutil
import subprocess

import pytest

from scalargrad import Value, to_dot

A = Value(1.0)
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


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"root": 1.0}, TypeError, r"to_dot: root must be a Value, got float 1\.0"),
        (
            {"rankdir": "XY"},
            ValueError,
            r"to_dot: rankdir must be one of LR, TB, RL, BT, got str 'XY'",
        ),
        ({"rankdir": 5}, TypeError, r"to_dot: rankdir must be one of .*, got int 5"),
        ({"labels": "a"}, TypeError, r"to_dot: labels must be a dict of Value to str, got str 'a'"),
        ({"labels": {"a": A}}, TypeError, r"to_dot: labels .* got an item str 'a': Value\(data"),
        ({"labels": {A: 1}}, TypeError, r"to_dot: labels .* got an item Value\(.*\): int 1"),
    ],
)
def test_errors_name_to_dot_and_the_argument(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        to_dot(**{"root": A, **kwargs})  # type: ignore[arg-type]

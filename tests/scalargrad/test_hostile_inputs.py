"""Hostile inputs for scalargrad: wrong types, NaN, inf and extreme values.

What the sweep guards (issue 11, "Verification"), the same promise as tensorgrad's
(``tests/tensorgrad/test_hostile_inputs.py``) in Python floats:

* A wrong type gets a clear error: a TypeError or ValueError whose message names the op
  and the offending argument or its type; never a raw Python error ("object of type
  'NoneType' has no len()", "'str' object cannot be interpreted as an integer"...). An
  operator given a foreign operand answers as Python does for any class whose operators
  decline it (``unsupported operand type(s) for +: 'Value' and 'str'``), as PyTorch does.
* A NaN in gives NaN out, for every op and through a neuron (relu included), never 0.
* At extreme finite inputs (±1e4, ±88, ±17, and up to e**709 for exp) the value and the
  gradient are finite Python floats.
* Where the math has no finite value (log 0, 1/0, 0**-1, e**1000) scalargrad may raise, as
  Python's math does, or give PyTorch's inf or NaN; a raised error names the op and the
  operand. ZeroDivisionError and OverflowError count as clear there, with such a message.

Tables drive it: :data:`OPS` (one sample call per op and operator of Value), :data:`BAD`
(wrong calls of every public callable) and :data:`DOMAIN` (the ops at the edge of their
domain). The first tests fail when scalargrad gains a public name, a Value method or an
operator that no table knows.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
import pytest
from hostile import CLEAR, unclear
from hypothesis import given, settings
from hypothesis import strategies as st

import scalargrad
import scalargrad.nn
from scalargrad import Value, to_dot, weighted_sum
from scalargrad.nn import MLP, Layer, Neuron

nan, inf = math.nan, math.inf

# -- what a clear error is ---------------------------------------------------------------------

DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError)  # as Python's math raises them


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """``("error", the error)`` or ``("result", the value)``."""
    try:
        return "result", call()
    except Exception as error:
        return "error", error


# -- one sample call per op --------------------------------------------------------------------

REAL = (0.0, -0.0, 17.0, -17.0, 88.0, -88.0, 1e4, -1e4)
POSITIVE = (1e-300, 17.0, 88.0, 1e4)  # log
BELOW_OVERFLOW = (0.0, 17.0, -17.0, 88.0, -88.0, 709.0, -1e4)  # exp: e**709 < 1.8e308


class Op(NamedTuple):
    call: Callable[[Value], Value]
    extremes: tuple[float, ...] = REAL
    lo: float = -3.0


OPS: dict[str, Op] = {
    # Value's methods and operators (its dunders), and weighted_sum
    "tanh": Op(lambda v: v.tanh()),
    "relu": Op(lambda v: v.relu()),
    "sigmoid": Op(lambda v: v.sigmoid()),
    "exp": Op(lambda v: v.exp(), BELOW_OVERFLOW),
    "log": Op(lambda v: v.log(), POSITIVE, lo=0.125),
    "__add__": Op(lambda v: v + 1.5),
    "__radd__": Op(lambda v: 1.5 + v),
    "__sub__": Op(lambda v: v - 1.5),
    "__rsub__": Op(lambda v: 1.5 - v),
    "__neg__": Op(lambda v: -v),
    "__mul__": Op(lambda v: v * v),
    "__rmul__": Op(lambda v: 2.0 * v),
    "__truediv__": Op(lambda v: v / (v * v + 1.0)),
    "__rtruediv__": Op(lambda v: 1.0 / (v * v + 1.0)),
    "__pow__": Op(lambda v: v**2),
    "__rpow__": Op(lambda v: 2.0**v, BELOW_OVERFLOW),
    "weighted_sum": Op(lambda v: weighted_sum([v, v], [2.0, v], bias=v)),
}

VALUE_NAMES = {
    # Value's public names that are not in OPS
    "backward": "takes no arguments",
    "data": "an attribute, set by Value()",
    "grad": "an attribute",
}


def test_every_method_and_operator_of_value_has_a_sample_call() -> None:
    public = {n for n in dir(Value) if not n.startswith("_")}
    known = {n for n in dir(operator) if n.startswith("__") and n.endswith("__")}
    dunders = {n for n in vars(Value) if n in known | {f"__r{n[2:]}" for n in known}}
    dunders -= {"__init__", "__doc__", "__hash__", "__eq__", "__ne__"}  # not operators
    assert public | dunders == (OPS.keys() | VALUE_NAMES.keys()) - {"weighted_sum"}


def test_every_public_name_is_swept() -> None:
    fed = {case.op for case in BAD}
    assert set(scalargrad.__all__) == {"Value", "nn", "to_dot", "weighted_sum"}
    assert {"Value", "to_dot", "weighted_sum"} <= fed
    base = {"Module": "the base class: nothing to feed"}
    assert set(scalargrad.nn.__all__) - base.keys() <= fed, "add wrong calls of it to BAD"


def check_extreme(name: str, x: float) -> None:
    v = Value(x)
    out = OPS[name].call(v)
    out.backward()
    assert type(out.data) is float
    assert math.isfinite(out.data), f"{name}({x}) = {out.data}"
    assert type(v.grad) is float
    assert math.isfinite(v.grad), f"{name}'s gradient at {x} is {v.grad}"


@pytest.mark.parametrize("name", OPS)
def test_every_extreme_value(name: str) -> None:
    for x in OPS[name].extremes:
        check_extreme(name, x)


def floats(extremes: tuple[float, ...], lo: float) -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from(extremes), st.floats(lo, 3.0))


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=20)
@given(data=st.data())
def test_extreme_values_mixed_with_ordinary_ones(name: str, data: Any) -> None:
    check_extreme(name, data.draw(floats(OPS[name].extremes, OPS[name].lo), label="x"))


@pytest.mark.parametrize("name", OPS)
def test_nan_in_gives_nan_out(name: str) -> None:
    v = Value(nan)
    out = OPS[name].call(v)
    assert math.isnan(out.data), f"{name}(nan) = {out.data}"
    out.backward()  # no error; the gradient may be NaN (PyTorch's is, but for relu and +)


def test_relu_passes_the_gradient_of_a_nan_through_as_pytorch() -> None:
    """torch.relu(nan) is nan, with gradient 1 (its mask is ``out <= 0``, false for NaN)."""
    v = Value(nan)
    out = v.relu()
    out.backward()
    assert math.isnan(out.data)
    assert v.grad == 1.0


def test_a_nan_goes_through_a_network() -> None:
    for model in (Neuron(2, rng=0), Layer(2, 1, rng=0), MLP(2, [3, 1], rng=0)):
        out = model([nan, 1.0])
        assert math.isnan(out.data), f"{model!r} turned a NaN input into {out.data}"


@settings(max_examples=20)
@given(x=st.lists(floats(REAL, -3.0), min_size=2, max_size=2))
def test_a_network_at_extreme_inputs_is_finite(x: list[float]) -> None:
    model = MLP(2, [3, 1], rng=0)
    out = model(x)
    out.backward()
    assert math.isfinite(out.data)
    assert all(math.isfinite(p.grad) for p in model.parameters())


ACCEPTED = {
    # numbers Value() takes, and the float it holds
    "bool": (True, 1.0),
    "int": (3, 3.0),
    "np.float32": (np.float32(1.5), 1.5),
    "np.int64": (np.int64(3), 3.0),
    "Fraction": (Fraction(1, 2), 0.5),
    "inf": (inf, inf),
}


@pytest.mark.parametrize("kind", ACCEPTED)
def test_value_takes_real_numbers_as_python_floats(kind: str) -> None:
    given_, expected = ACCEPTED[kind]
    v = Value(given_)
    assert type(v.data) is float
    assert v.data == expected
    assert type((v * np.float64(2.0)).data) is float  # a numpy number stays a constant


# -- wrong calls -------------------------------------------------------------------------------


class Bad(NamedTuple):
    op: str  # a public name of scalargrad or scalargrad.nn
    label: str
    call: Callable[[], Any]
    names: tuple[str, ...]
    mentions: tuple[str, ...]


def wrong(op: str, names: tuple[str, ...], *rows: tuple[str, Callable[[], Any], str]) -> list[Bad]:
    """The wrong calls of one op, a row each: ``(label, call, "mention|or mention")``."""
    return [Bad(op, label, call, names, tuple(m.split("|"))) for label, call, m in rows]


def w() -> list[Value]:
    return [Value(0.5), Value(-1.0)]


# fmt: off
BAD: list[Bad] = [
    *wrong("Value", ("Value",),
        ("Value('a')", lambda: Value("a"), "str"),
        ("Value(None)", lambda: Value(None), "NoneType|None"),
        ("Value([1.0])", lambda: Value([1.0]), "list"),
        ("Value({})", lambda: Value({}), "dict"),
        ("Value(1j)", lambda: Value(1j), "complex"),
        ("Value(array)", lambda: Value(np.array([1.0, 2.0])), "ndarray"),
        ("Value(10**400)", lambda: Value(10**400), "int|too large|1000"),
    ),
    *wrong("weighted_sum", ("weighted_sum",),
        ("weighted_sum(None, None)", lambda: weighted_sum(None, None), "NoneType|None"),
        ("weighted_sum(['a'], [1.0])", lambda: weighted_sum(["a"], [1.0]), "str"),
        ("weighted_sum(w, ['a', 1])", lambda: weighted_sum(w(), ["a", 1.0]), "str"),
        ("weighted_sum(bias='a')", lambda: weighted_sum(w(), [1.0, 2.0], bias="a"), "str"),
        ("weighted_sum(lengths)", lambda: weighted_sum(w(), [1.0]), "2|1"),
    ),
    *wrong("to_dot", ("to_dot",),
        ("to_dot('a')", lambda: to_dot("a"), "str"),
        ("to_dot(labels='a')", lambda: to_dot(Value(1.0) * 2, labels="a"), "str|labels"),
        ("to_dot(rankdir=5)", lambda: to_dot(Value(1.0), rankdir=5), "5"),
    ),
    *wrong("Neuron", ("Neuron", "ReLUNeuron", "LinearNeuron"),  # its repr names its kind
        ("Neuron('a')", lambda: Neuron("a"), "str|'a'"),
        ("Neuron(2.5)", lambda: Neuron(2.5), "float|2.5"),
        ("Neuron(2)(None)", lambda: Neuron(2, rng=0)(None), "NoneType|None"),
        ("Neuron(2)(Value)", lambda: Neuron(2, rng=0)(Value(1.0)), "Value"),
        ("Neuron(2)(['a', 1])", lambda: Neuron(2, rng=0)(["a", 1.0]), "str|'a'"),
        ("Neuron(2)([1.0])", lambda: Neuron(2, rng=0)([1.0]), "1"),
    ),
    *wrong("Layer", ("Layer",),
        ("Layer(2, 'a')", lambda: Layer(2, "a"), "str|'a'"),
        ("Layer(2, 3)([1.0, None])", lambda: Layer(2, 3, rng=0)([1.0, None]), "NoneType|None"),
    ),
    *wrong("MLP", ("MLP",),
        ("MLP(2, None)", lambda: MLP(2, None), "NoneType|None"),
        ("MLP(2, ['a'])", lambda: MLP(2, ["a"]), "str|'a'"),
        ("MLP(2, [3])('ab')", lambda: MLP(2, [3], rng=0)("ab"), "str|'a'"),
        ("MLP(rng='a')", lambda: MLP(2, [3], rng="a"), "str"),
    ),
]
# fmt: on


@pytest.mark.parametrize("case", BAD, ids=[case.label for case in BAD])
def test_wrong_calls_are_refused_clearly(case: Bad) -> None:
    kind, answer = outcome(case.call)
    assert kind == "error", f"no error: {case.label} returned {answer!r}"
    problem = unclear(answer, case.names, case.mentions, CLEAR)
    assert problem is None, problem


OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    # Value's binary operators, on a Value v and a foreign operand o
    "__add__": lambda v, o: v + o,
    "__radd__": lambda v, o: o + v,
    "__sub__": lambda v, o: v - o,
    "__rsub__": lambda v, o: o - v,
    "__mul__": lambda v, o: v * o,
    "__rmul__": lambda v, o: o * v,
    "__truediv__": lambda v, o: v / o,
    "__rtruediv__": lambda v, o: o / v,
    "__pow__": lambda v, o: v**o,
    "__rpow__": lambda v, o: o**v,
}
FOREIGN = {
    "str": "a",
    "None": None,
    "list": [1.0],
    "dict": {"a": 1},
    "complex": 1j,
    "array": np.array([1.0, 2.0]),
}


class Declines:
    """Operators that all decline (NotImplemented), in a class named Value: Python's own
    answer to an operation it cannot do, as scalargrad's should be."""

    __array_ufunc__ = None

    def _declines(self, other: Any) -> Any:
        return NotImplemented


for _dunder in OPERATORS:
    setattr(Declines, _dunder, Declines._declines)
Declines.__name__ = Declines.__qualname__ = "Value"


@pytest.mark.parametrize("foreign", FOREIGN)
@pytest.mark.parametrize("dunder", OPERATORS)
def test_operators_answer_foreign_operands_as_python_does(dunder: str, foreign: str) -> None:
    call, other = OPERATORS[dunder], FOREIGN[foreign]
    if dunder.startswith("__r") and isinstance(other, (str, list)):
        return  # str and list own + and *, and their messages
    ours, python = (
        outcome(lambda: call(Value(2.0), other)),
        outcome(lambda: call(Declines(), other)),
    )
    assert ours[0] == python[0] == "error", f"{ours[1]!r}, where Python says {python[1]!r}"
    assert (type(ours[1]), str(ours[1])) == (type(python[1]), str(python[1]))


# -- at the edge of the domain: a clear error, or PyTorch's inf or NaN ------------------------


class Edge(NamedTuple):
    call: Callable[[], Value]
    names: tuple[str, ...]  # of the op, one of which an error names
    operand: str  # which an error mentions
    torch: float  # PyTorch's value


DOMAIN: dict[str, Edge] = {
    "log(0)": Edge(lambda: Value(0.0).log(), ("log",), "0.0", -inf),
    "log(-1)": Edge(lambda: Value(-1.0).log(), ("log",), "-1.0", nan),
    "1 / 0": Edge(lambda: Value(1.0) / 0.0, ("division", "/"), "0.0", inf),
    "1 / Value(0)": Edge(lambda: Value(1.0) / Value(0.0), ("division", "/"), "0.0", inf),
    "1.0 / Value(0)": Edge(lambda: 1.0 / Value(0.0), ("division", "/"), "0.0", inf),
    "0 ** -1": Edge(lambda: Value(0.0) ** -1, ("power", "**"), "-1", inf),
    "(-8) ** (1/3)": Edge(lambda: Value(-8.0) ** (1 / 3), ("power", "**"), "-8.0", nan),
    "exp(1000)": Edge(lambda: Value(1000.0).exp(), ("exp",), "1000", inf),
    "2 ** 2000": Edge(lambda: 2.0 ** Value(2000.0), ("power", "**"), "2000", inf),
}


@pytest.mark.parametrize("label", DOMAIN)
def test_outside_the_domain_a_clear_error_or_pytorchs_value(label: str) -> None:
    edge = DOMAIN[label]
    kind, answer = outcome(edge.call)
    if kind == "result":
        assert answer.data == edge.torch or (math.isnan(edge.torch) and math.isnan(answer.data))
        return
    problem = unclear(answer, edge.names, (edge.operand,), DOMAIN_ERRORS)
    assert problem is None, problem

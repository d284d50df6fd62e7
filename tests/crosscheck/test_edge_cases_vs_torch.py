"""Values at the edges of each operation's domain, against PyTorch, one explicit case each:
zeros where a formula divides by the base or takes its log, kinks, NaN and ±inf inputs,
bounds in the wrong order, reductions over empty axes.

Where numpy returns inf or NaN it also warns (an error under this repository's pytest
settings) while torch is silent; these cases compare values and gradients only, under
``np.errstate(all="ignore")``. ``test_no_warning_over_an_empty_axis`` checks a warning on
its own, where the result has no inf or NaN at all.

One case goes the other way: torch's higher derivatives of ``x**y`` are wrong at y = 0 and
y = 1; that comparison is an expected failure, and tensorgrad is checked against the
formulas instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from crosscheck._torch_helpers import F64, TG, check, check_higher_order

import tensorgrad
from tensorgrad import Value

inf, nan = np.inf, np.nan

Case = tuple[Callable[..., Any], list[np.ndarray]]


def case(fn: Callable[..., Any], *inputs: list[float]) -> Case:
    return fn, [np.array(x, dtype=np.float64) for x in inputs]


# Cases where tensorgrad and torch agree today: they guard against regressions.
AGREE: dict[str, Case] = {
    "sqrt at 0": case(lambda ops, v: v.sqrt(), [0.0, 1.0]),
    "log at 0": case(lambda ops, v: v.log(), [0.0, 1.0]),
    "log of a negative": case(lambda ops, v: v.log(), [-1.0]),
    "x**-1 at 0": case(lambda ops, v: v**-1, [0.0, 2.0]),
    "x**0.5 at 0": case(lambda ops, v: v**0.5, [0.0, 1.0]),
    "x**1 and x**2 at 0": case(lambda ops, v: v**1 + v**2, [0.0, -1.0]),
    "division by 0": case(lambda ops, a, b: a / b, [1.0, 0.0, -1.0], [0.0, 0.0, 0.0]),
    "exp overflow": case(lambda ops, v: v.exp(), [800.0, -800.0, -inf]),
    "tanh, sigmoid, relu at ±inf": case(
        lambda ops, v: v.tanh() + v.sigmoid() + v.relu() * 0.0, [inf, -inf]
    ),
    "relu and abs at 0": case(lambda ops, v: v.relu() + v.abs(), [0.0, -0.0]),
    "where picks around a NaN": case(
        lambda ops, v: ops.where(np.array([True, False]), v, 0.0), [nan, nan]
    ),
    "max with tied infinities": case(lambda ops, v: ops.max(v), [inf, inf, 1.0]),
    "max with a NaN": case(lambda ops, v: ops.max(v), [1.0, nan]),
    "clip of a NaN": case(lambda ops, v: ops.clip(v, 0.0, 1.0), [nan, 0.5]),
    "softmax, row of -inf": case(lambda ops, v: ops.softmax(v, -1), [[-inf, -inf], [0.0, 1.0]]),
    "log_softmax, row of -inf": case(
        lambda ops, v: ops.log_softmax(v, -1), [[-inf, -inf], [0.0, 1.0]]
    ),
    "logsumexp, row of -inf": case(
        lambda ops, v: ops.logsumexp(v, -1), [[-inf, -inf], [0.0, -inf]]
    ),
    "mean over an empty axis": case(lambda ops, v: ops.mean(v, 1), np.zeros((2, 0)).tolist()),
}

# Cases where tensorgrad once disagreed with torch 2.13.0: each was a finding of this file,
# fixed in tensorgrad and kept here so that it stays fixed.
FIXED: dict[str, Case] = {
    # d(x**0)/dx is 0 everywhere, x = 0 included (not 0 * inf = NaN).
    "x**0 at 0": case(lambda ops, v: v**0 + v**0.0, [0.0, 1.0]),
    # d(a**b)/db = a**b log(a) is 0 where a == 0 and b >= 0, as is d/da at a = 0, b = 0
    # (the same for a number base, ``0.0**x``).
    "a**b at a = 0": case(lambda ops, a, b: a**b, [0.0, 0.0, 2.0], [2.0, 0.0, 1.0]),
    # A NaN input passes its gradient through relu, maximum and minimum (torch's masks test
    # `x <= 0`, `a < b`, false for NaN); abs of a NaN has gradient sgn(NaN) = 0.
    "relu of a NaN": case(lambda ops, v: v.relu(), [nan, 1.0]),
    "maximum with a NaN": case(lambda ops, a, b: ops.maximum(a, b), [1.0, nan], [nan, 0.0]),
    "minimum with a NaN": case(lambda ops, a, b: ops.minimum(a, b), [1.0, nan], [nan, 0.0]),
    "abs of a NaN": case(lambda ops, v: v.abs(), [nan, -1.0]),
    # softmax with a +inf logit: the whole row is NaN.
    "softmax with +inf": case(lambda ops, v: ops.softmax(v, -1), [[inf, 0.0], [0.0, 1.0]]),
    # lo > hi: the values are hi everywhere and the gradient mask `lo <= x <= hi` is empty.
    "clip with lo > hi": case(lambda ops, v: ops.clip(v, 1.0, 0.0), [-1.0, 0.0, 0.5, 1.0, 2.0]),
}


@pytest.mark.parametrize("name", [*AGREE, *FIXED])
def test_edge_case(name: str) -> None:
    fn, inputs = AGREE.get(name) or FIXED[name]
    with np.errstate(all="ignore"):
        check(fn, *inputs, tol=F64)


# Derivatives of higher order at a point where one of the above appears on the way.
HIGHER: dict[str, tuple[Callable[..., Any], list[float], int]] = {
    "x**2, second derivative at 0": (lambda ops, v: v**2, [0.0, 1.0], 2),
    # Differentiating x**2 twice leaves 2 * x**0, whose derivative is NaN at 0 (see "x**0 at
    # 0" above): so x**2's third derivative at 0 is NaN in tensorgrad and 0 in torch.
    "x**2, third derivative at 0": (lambda ops, v: v**2, [0.0, 1.0], 3),
}


@pytest.mark.parametrize("name", HIGHER)
def test_higher_derivative_edge_case(name: str) -> None:
    fn, x, order = HIGHER[name]
    with np.errstate(all="ignore"):
        check_higher_order(fn, np.array(x), order=order)


# torch, not tensorgrad, is wrong here. torch's backward of pow(Tensor, Tensor) for the base
# is ``where(exponent == 0, 0, g * exponent * x**(exponent - 1))``: the constant 0 where the
# exponent is 0 has no derivative with respect to the exponent. Differentiating again, at
# order k the exponent-k+1 == 0 branch drops that term: x**y's d2/dxdy is lost at y = 0 and
# d3/dx2dy at y = 1 (compare pytorch/pytorch#89757). tensorgrad gives the exact values.
TORCH_POW_CASES = [
    pytest.param(0.0, 2, id="second derivatives at y = 0"),
    pytest.param(1.0, 3, id="third derivatives at y = 1"),
]


@pytest.mark.xfail(
    strict=True,
    reason="torch 2.13.0's own bug (tensorgrad is exact, see test_pow_higher_derivatives_exact): "
    "its double backward of pow(Tensor, Tensor) drops the exponent's derivative where "
    "exponent - k == 0",
)
@pytest.mark.parametrize(("y", "order"), TORCH_POW_CASES)
def test_pow_higher_derivatives_vs_torch(y: float, order: int) -> None:
    x = np.array([1.5, 0.7, 1.0])
    check_higher_order(lambda ops, a, b: a**b, x, np.full(3, y), order=order)


@pytest.mark.parametrize(("y", "order"), TORCH_POW_CASES)
def test_pow_higher_derivatives_exact(y: float, order: int) -> None:
    """tensorgrad's derivatives of x**y, up to ``order``, against the formulas."""
    for x in (1.5, 0.7, 1.0):
        log = np.log(x)
        exact = {  # partial derivatives, by the variables differentiated
            "x": y * x ** (y - 1),
            "y": x**y * log,
            "xx": y * (y - 1) * x ** (y - 2),
            "xy": x ** (y - 1) * (1 + y * log),
            "yy": x**y * log**2,
            "xxx": y * (y - 1) * (y - 2) * x ** (y - 3),
            "xxy": x ** (y - 2) * ((2 * y - 1) + y * (y - 1) * log),
            "xyy": x ** (y - 1) * log * (2 + y * log),
            "yyy": x**y * log**3,
        }
        xv, yv = Value(x), Value(y)
        level = {"": xv**yv}
        for _ in range(order):
            deeper = {}
            for name, f in level.items():
                if not f.requires_grad:  # a constant: its derivatives are 0
                    deeper |= {name + "x": Value(0.0), name + "y": Value(0.0)}
                    continue
                dx, dy = tensorgrad.grad(
                    f, [xv, yv], create_graph=True, retain_graph=True, allow_unused=True
                )
                deeper |= {name + "x": dx, name + "y": dy}
            level = deeper
        for name, value in level.items():
            want = exact["".join(sorted(name))]
            np.testing.assert_allclose(value.item(), want, rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize(
    "fn",
    [
        pytest.param(lambda ops, v: ops.log_softmax(v, -1), id="log_softmax"),
        pytest.param(lambda ops, v: ops.logsumexp(v, -1), id="logsumexp"),
    ],
)
def test_no_warning_over_an_empty_axis(fn: Callable[..., Any]) -> None:
    """Over an axis of length 0, torch returns an empty log_softmax and a logsumexp of -inf
    (the log of an empty sum) without a word; tensorgrad's numpy warns about log(0)."""
    x = np.zeros((2, 0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(TG, Value(x))
    assert not caught, [f"{w.category.__name__}: {w.message}" for w in caught]
    with np.errstate(divide="ignore"):
        check(fn, x)  # and the values agree

"""The elementwise ops of issue 12 against PyTorch: ``sin cos tan square rsqrt log1p expm1 log2
exp2 reciprocal erf``, the steps ``sign floor ceil round trunc``, ``//``, ``%``, ``fmod``,
``lerp`` and ``clamp`` with number, array and Value bounds.

Values and gradients, float64 tight and float32, with Values, arrays and numbers as operands
and broadcast shapes; second derivatives for the smooth ones. The ops share their names with
torch's Tensor methods, so each case is written once, ``fn(ops, *inputs)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import (
    F32,
    F64,
    SETTINGS,
    Domain,
    assert_same,
    broadcastable,
    check,
    check_higher_order,
    draw,
    shapes,
)
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg
from tensorgrad import Value

Fn = Callable[..., Any]

ANY = Domain(-3.0, 3.0)
WIDE = Domain(-6.0, 6.0)
POSITIVE = Domain(0.1, 3.0)
ABOVE_MINUS_ONE = Domain(-0.9, 3.0)
NONZERO = Domain(-3.0, 3.0, gap=0.25)
INSIDE_POLES = Domain(-1.4, 1.4)
INTS = Domain(-3.0, 3.0, ints=True)

SMOOTH: dict[str, tuple[Fn, Domain]] = {
    "sin": (lambda ops, x: x.sin(), WIDE),
    "cos": (lambda ops, x: x.cos(), WIDE),
    "tan": (lambda ops, x: x.tan(), INSIDE_POLES),
    "square": (lambda ops, x: x.square(), ANY),
    "rsqrt": (lambda ops, x: x.rsqrt(), POSITIVE),
    "log1p": (lambda ops, x: x.log1p(), ABOVE_MINUS_ONE),
    "expm1": (lambda ops, x: x.expm1(), ANY),
    "log2": (lambda ops, x: x.log2(), POSITIVE),
    "exp2": (lambda ops, x: x.exp2(), ANY),
    "reciprocal": (lambda ops, x: x.reciprocal(), NONZERO),
    "erf": (lambda ops, x: x.erf(), WIDE),
}

STEPS: dict[str, Fn] = {
    "sign": lambda ops, x: x.sign(),
    "floor": lambda ops, x: x.floor(),
    "ceil": lambda ops, x: x.ceil(),
    "trunc": lambda ops, x: x.trunc(),
    "round": lambda ops, x: x.round(),
    "round(decimals=1)": lambda ops, x: x.round(decimals=1),
    "round(decimals=-1)": lambda ops, x: (x * 40).round(decimals=-1),
}


@pytest.mark.parametrize("name", SMOOTH)
@SETTINGS
@given(shape=shapes(), data=st.data())
def test_smooth(name: str, shape: tuple[int, ...], data: st.DataObject) -> None:
    fn, domain = SMOOTH[name]
    (x,) = draw(data, [shape], domain)
    check(fn, x)
    check(fn, x.astype(np.float32), tol=F32)
    check_higher_order(fn, x)


@pytest.mark.parametrize("name", [*STEPS, *SMOOTH])
@pytest.mark.parametrize("domain", [INTS, ANY], ids=["halves and ints", "reals"])
def test_steps_and_ties(name: str, domain: Domain) -> None:
    fn = STEPS[name] if name in STEPS else SMOOTH[name][0]
    x = domain.fixed((4, 5), seed=3) + (0.5 if domain is INTS else 0.0)
    if name in SMOOTH:
        x = np.clip(x, SMOOTH[name][1].lo, SMOOTH[name][1].hi)
    check(fn, x)
    check(fn, x.astype(np.float32), tol=F32)


def test_values_at_the_edges() -> None:
    """inf, NaN, ±0 and the poles, where both give inf or NaN (sign of NaN aside)."""
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1e-300, 40.0, -40.0])
    with np.errstate(all="ignore"):
        for name, (fn, _) in SMOOTH.items():
            out = fn(tg, Value(x)).data
            expected = fn(torch, torch.from_numpy(x))
            assert_same(out, expected, F64, name)
    for name, fn in STEPS.items():
        if name != "sign":
            assert_same(fn(tg, Value(x)).data, fn(torch, torch.from_numpy(x)), F64, name)


def test_sign_of_nan_is_nan_where_pytorch_gives_0() -> None:
    """The one documented difference: tensorgrad keeps the NaN (as numpy)."""
    x = np.array([np.nan, -0.0, 2.0])
    assert torch.sign(torch.from_numpy(x))[0].item() == 0.0
    np.testing.assert_array_equal(Value(x).sign().data, [np.nan, 0.0, 1.0])


# -- binary: // % fmod, on broadcast shapes and every kind of operand -----------------------------


def _tensor(x: Any) -> Any:
    """A number as a 0-d tensor (which, as a number, does not change the other's dtype)."""
    return x if isinstance(x, torch.Tensor) else torch.tensor(x, dtype=torch.float64)


def floor_divide(ops: Any, a: Any, b: Any) -> Any:
    """``a // b``; in PyTorch as ``torch.div(rounding_mode="floor")``: the same values, and a
    gradient (0), where PyTorch's own ``//`` refuses backward."""
    if ops.name == "tensorgrad":
        return a // b
    return torch.div(_tensor(a), _tensor(b), rounding_mode="floor")


def remainder(ops: Any, a: Any, b: Any) -> Any:
    """``a % b``; in PyTorch with a number made a tensor (``number % tensor`` has no backward
    there)."""
    return a % b if ops.name == "tensorgrad" else torch.remainder(_tensor(a), _tensor(b))


def fmod(ops: Any, a: Any, b: Any) -> Any:
    return tg.fmod(a, b) if ops.name == "tensorgrad" else torch.fmod(_tensor(a), _tensor(b))


BINARY: dict[str, Fn] = {"//": floor_divide, "%": remainder, "fmod": fmod}


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(pair=broadcastable(), data=st.data())
def test_binary(name: str, pair: tuple[Any, ...], data: st.DataObject) -> None:
    a, b = draw(data, pair, ANY, NONZERO)
    fn = BINARY[name]
    check(fn, a, b)
    check(fn, a.astype(np.float32), b.astype(np.float32), tol=F32)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", BINARY)
def test_binary_operand_kinds(name: str, dtype: Any) -> None:
    """A Value with a constant array or a number, on either side, in float64 and float32."""
    fn, tol = BINARY[name], F64 if dtype == np.float64 else F32
    x, y = ANY.fixed((3, 4), seed=1).astype(dtype), NONZERO.fixed((4,), seed=2).astype(dtype)
    check(lambda ops, a: fn(ops, a, ops.const(y)), x, tol=tol)
    check(lambda ops, b: fn(ops, ops.const(x), b), y, tol=tol)
    check(lambda ops, a: fn(ops, a, 1.75), x, tol=tol)
    check(lambda ops, b: fn(ops, -2.5, b), y, tol=tol)
    check(lambda ops, a: fn(ops, a, 2), x, tol=tol)


def test_remainders_at_zero_and_at_ties() -> None:
    a = np.array([3.0, -3.0, 0.0, 4.0, -4.0, 5.5, 6.0])
    b = np.array([0.0, 0.0, 0.0, 2.0, 2.0, -2.0, -3.0])
    with np.errstate(all="ignore"):
        for fn in BINARY.values():
            check(fn, a, b)


# -- lerp ------------------------------------------------------------------------------------


@SETTINGS
@given(three=broadcastable(3), data=st.data())
def test_lerp(three: tuple[Any, ...], data: st.DataObject) -> None:
    start, end, weight = draw(data, three, ANY, ANY, Domain(-1.0, 2.0))

    def fn(ops: Any, a: Any, b: Any, w: Any) -> Any:
        return a.lerp(b, w)

    check(fn, start, end, weight)
    check(fn, start.astype(np.float32), end.astype(np.float32), weight.astype(np.float32), tol=F32)
    check_higher_order(fn, start, end, weight)


@pytest.mark.parametrize("weight", [0.0, 0.25, 0.5, 1.0, -0.5, 1.5])
def test_lerp_with_a_number_weight(weight: float) -> None:
    a, b = ANY.fixed((2, 3), seed=1), ANY.fixed((3,), seed=2)
    check(lambda ops, x, y: x.lerp(y, weight), a, b)
    check(lambda ops, x, y: x.lerp(y, weight), a.astype(np.float32), b.astype(np.float32), tol=F32)


# -- clamp -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bounds", [(-1.0, 1.0), (-1.0, None), (None, 0.5), (1.0, -1.0), (1.0, 1.0)], ids=str
)
def test_clamp_number_bounds(bounds: tuple[float | None, float | None]) -> None:
    lo, hi = bounds
    for x in (INTS.fixed((4, 5), seed=1), ANY.fixed((4, 5), seed=2)):
        check(lambda ops, v: v.clamp(lo, hi), x)
        check(lambda ops, v: v.clamp(min=lo, max=hi), x.astype(np.float32), tol=F32)


def clamp_both(ops: Any, v: Any, lo: Any, hi: Any) -> Any:
    """``v.clamp(lo, hi)``. PyTorch's backward fails (``output with shape [] doesn't match the
    broadcast shape [3]``) when one bound broadcasts further than ``v`` with the other does;
    the bounds expanded to the result's shape, with the same gradients, avoid that."""
    if ops.name == "torch":
        shape = torch.broadcast_shapes(v.shape, lo.shape, hi.shape)
        lo, hi = lo.expand(shape), hi.expand(shape)
    return v.clamp(lo, hi)


@pytest.mark.parametrize("sides", ["both", "min", "max"])
@SETTINGS
@given(three=broadcastable(3), data=st.data())
def test_clamp_value_bounds(sides: str, three: tuple[Any, ...], data: st.DataObject) -> None:
    """Ties (ints) and crossed bounds (lo > hi) included: PyTorch's subgradients."""
    x, lo, hi = draw(data, three, INTS)
    if sides == "both":
        check(clamp_both, x, lo, hi)
        check(clamp_both, *(t.astype(np.float32) for t in (x, lo, hi)), tol=F32)
    elif sides == "min":
        check(lambda ops, v, a: v.clamp(min=a), x, lo)
    else:
        check(lambda ops, v, b: v.clamp(max=b), x, hi)


def test_clamp_array_bounds_and_nan() -> None:
    x = np.array([[np.nan, 0.5, 3.0], [-1.0, 2.0, 0.0]])
    lo, hi = np.array([0.0, np.nan, 0.0]), np.array([[1.0], [1.5]])
    check(lambda ops, v: v.clamp(ops.const(lo), ops.const(hi)), x)
    check(lambda ops, v, a: v.clamp(a, ops.const(hi)), x, lo)

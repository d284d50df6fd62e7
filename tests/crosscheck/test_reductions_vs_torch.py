"""The reductions and statistics of issue 12 against PyTorch: ``prod cumsum cumprod var std
norm amax amin``, ``max(dim)``/``min(dim)``, ``argmin``, ``all any``; values and gradients,
in float64 and float32, and derivatives of second order.

Each computation is written once, in PyTorch's spelling (``dim=``, ``keepdim=``,
``correction=``), which tensorgrad accepts too: the same call must mean the same thing. Small
integers as data (:data:`INTS`) make what the rules are about: zeros in products, tied maxima
(``max(dim)`` sends the gradient to the returned index, ``amax`` shares it), groups of equal
elements (``std`` is 0 there, and so is its gradient), zero norms.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import (
    F32,
    SETTINGS,
    TG,
    Domain,
    Shape,
    assert_same,
    axes,
    check,
    check_higher_order,
    draw,
    shapes,
    to_numpy,
)
from hypothesis import given
from hypothesis import strategies as st

from tensorgrad import Value

ANY = Domain(-2.0, 2.0)
AWAY = Domain(-2.0, 2.0, gap=0.3)  # no element near 0, for the second order of norm and prod
INTS = Domain(-2.0, 2.0, ints=True)  # zeros and ties, as often as not
DOMAINS = {"any": Domain(-2.0, 2.0, gap=1e-3), "ints": INTS}  # (gap: no subnormal x, whose
# products underflow in a different order on each side)


def one_dim(ndim: int) -> st.SearchStrategy[int]:
    return st.integers(-max(ndim, 1), max(ndim, 1) - 1)


def as_float32(arrays: list[np.ndarray]) -> list[np.ndarray]:
    return [a.astype(np.float32) for a in arrays]


# -- prod, cumsum, cumprod --------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(max_side=4), keepdim=st.booleans(), data=st.data())
def test_prod(domain: str, shape: Shape, keepdim: bool, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(st.none() | one_dim(len(shape)))
    if dim is None:
        fn = lambda ops, v: v.prod()  # noqa: E731  (torch.prod takes no keepdim without dim)
    else:
        fn = lambda ops, v: v.prod(dim=dim, keepdim=keepdim)  # noqa: E731
    check(fn, x)
    check(fn, *as_float32([x]), tol=F32)


@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(max_side=5), data=st.data())
def test_cumsum_cumprod(domain: str, shape: Shape, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(one_dim(len(shape)))
    for fn in (lambda ops, v: v.cumsum(dim=dim), lambda ops, v: v.cumprod(dim)):
        check(fn, x)
        check(fn, *as_float32([x]), tol=F32)


HIGHER = {
    # (torch's gradient of a group of one element is a constant, which its autograd.grad
    # refuses to differentiate: the second orders are checked on groups of two or more)
    "no zeros": [[2.0, -0.5, 1.5, 0.7, -1.0], [0.5, 3.0, -1.2, 2.0, 1.0]],
    "one zero": [[2.0, 0.0, 1.5, 0.7, -1.0], [0.5, 3.0, -1.2, 2.0, 0.0]],
    "two zeros": [[2.0, 0.0, 1.5, 0.0, -1.0], [0.0, 3.0, 0.0, 2.0, 1.0]],
}


@pytest.mark.parametrize("name", HIGHER)
@pytest.mark.parametrize("dim", [0, 1, -1, None])
def test_prod_cumprod_higher_order(name: str, dim: int | None) -> None:
    x = np.array(HIGHER[name])
    prod = (lambda ops, v: v.prod()) if dim is None else (lambda ops, v: v.prod(dim=dim))
    check_higher_order(prod, x, order=3)
    if dim in (1, -1):  # (along axis 0, of 2, torch's third order refuses a constant)
        check_higher_order(lambda ops, v: v.cumprod(dim), x, order=3)


# -- var and std ------------------------------------------------------------------------------

CORRECTIONS: list[dict[str, Any]] = [
    {},
    {"correction": 0},
    {"correction": 2},
    {"correction": 0.5},
    {"unbiased": False},
]


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("kwargs", CORRECTIONS, ids=str)
@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(min_side=1), keepdim=st.booleans(), data=st.data())
def test_var_std(
    op: str, kwargs: dict[str, Any], domain: str, shape: Shape, keepdim: bool, data: Any
) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(axes(len(shape)))
    reduced = range(len(shape)) if dim is None else [dim] if isinstance(dim, int) else dim
    n = math.prod(shape[a] for a in reduced)
    if n <= float(next(iter(kwargs.values()), 1)):
        return  # NaN or inf, torch warns: see test_var_of_too_few_elements
    fn = lambda ops, v: getattr(v, op)(dim=dim, keepdim=keepdim, **kwargs)  # noqa: E731
    if op == "std" and domain == "any":
        # (a group of equal non-integers: torch's mean rounds, its std is ~1e-24, not 0, and
        # its gradient on the kink not 0; the kink is crosschecked with INTS, exact in both)
        x = np.random.default_rng(data.draw(st.integers(0, 9))).standard_normal(shape)
    check(fn, x)
    if op == "var" or domain == "ints":
        # (float32 groups of equal non-integers: torch's mean rounds, so its std is ~1e-8
        # rather than 0, and its gradient is not 0, on the kink)
        check(fn, *as_float32([x]), tol=F32, grad_tol=type(F32)(rtol=1e-4, atol=1e-5))
    # second order away from the kink (and from tiny groups, where it is ~1/std)
    y = np.random.default_rng(data.draw(st.integers(0, 9))).standard_normal(shape)
    check_higher_order(fn, y)


def test_ddof_is_numpys_spelling_of_correction() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4))
    for ddof in (0, 1, 2):
        v = Value(x)
        out = v.std(1, ddof=ddof)
        out.sum().backward()
        t = torch.tensor(x, requires_grad=True)
        expected = t.std(dim=1, correction=ddof)
        expected.sum().backward()
        assert_same(out.data, expected, type(F32)(rtol=1e-12, atol=1e-12), "std")
        assert_same(v.grad, t.grad, type(F32)(rtol=1e-12, atol=1e-12), "std's gradient")


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize(
    ("x", "kwargs"),
    [
        ([[1.0], [2.0]], {"dim": 1}),
        ([2.0, 2.0], {"correction": 3}),
        ([1.0, 3.0], {"correction": 3}),
        ([1.0, 3.0], {"correction": 2}),
        (np.zeros((0, 3)), {"dim": 0}),
        (5.0, {}),
    ],
    ids=str,
)
def test_var_of_too_few_elements(op: str, x: Any, kwargs: dict[str, Any]) -> None:
    """NaN or inf, value and gradient, as torch's (which warns; tensorgrad does not)."""
    v = Value(np.asarray(x, np.float64))
    out = getattr(v, op)(**kwargs)
    out.backward(np.ones(out.shape))
    t = torch.tensor(np.asarray(x, np.float64), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "degrees of freedom is <= 0"
        expected = getattr(t, op)(**kwargs)
        expected.backward(torch.ones(expected.shape, dtype=torch.float64))
    exact = type(F32)(rtol=0, atol=0)
    assert_same(out.data, expected, exact, op)
    # The same NaN and inf as torch's; where torch's inf has the sign of g alone, ours has
    # that of g (x - mean), as the formula says.
    assert_same(np.abs(v.grad), t.grad.abs(), exact, f"{op}'s gradient")


# -- norm -------------------------------------------------------------------------------------

NORMS: list[float | str] = [2, 1, 3, 0.5, -1.5, math.inf, -math.inf, 0, "fro"]
NORM_DOMAINS = {"any": Domain(-2.0, 2.0, gap=1e-3), "ints": INTS}


@pytest.mark.parametrize("p", NORMS, ids=str)
@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(), keepdim=st.booleans(), data=st.data())
def test_norm(p: float | str, domain: str, shape: Shape, keepdim: bool, data: Any) -> None:
    # (ANY with a gap: below 1e-154 the squares underflow here, and torch's scaled sum does not)
    (x,) = draw(data, [shape], NORM_DOMAINS[domain])
    dim = data.draw(axes(len(shape)))
    reduced = range(len(shape)) if dim is None else [dim] if isinstance(dim, int) else dim
    if (
        not isinstance(p, str)
        and (p < 0 or math.isinf(p))
        and (any(shape[a] == 0 for a in reduced) or math.prod(shape) == 0)
    ):
        return  # refused by both
    if p == "fro" and isinstance(dim, tuple) and len(dim) > 2:
        return  # torch's "fro" takes at most two axes; tensorgrad's is 2 over any axes
    fn = lambda ops, v: v.norm(p, dim=dim, keepdim=keepdim)  # noqa: E731
    check(fn, x)
    check(fn, *as_float32([x]), tol=F32)
    if domain == "any" and p not in (0, 1, math.inf, -math.inf):  # (those are piecewise linear)
        (y,) = draw(data, [shape], AWAY)
        check_higher_order(fn, y)


# -- max, min, amax, amin, argmin -------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(min_side=1), keepdim=st.booleans(), data=st.data())
def test_amax_amin(domain: str, shape: Shape, keepdim: bool, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(axes(len(shape), allow_none=False)) if shape else ()
    for fn in (
        lambda ops, v: v.amax(dim=dim, keepdim=keepdim),
        lambda ops, v: v.amin(dim=dim, keepdim=keepdim),
    ):
        check(fn, x)
        check(fn, *as_float32([x]), tol=F32)


@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(min_side=1), keepdim=st.booleans(), data=st.data())
def test_max_min_with_dim(domain: str, shape: Shape, keepdim: bool, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(one_dim(len(shape)))
    for op in ("max", "min"):
        check(lambda ops, v, op=op: getattr(v, op)(dim=dim, keepdim=keepdim).values, x)
        check(
            lambda ops, v, op=op: getattr(v, op)(dim=dim, keepdim=keepdim)[0],
            *as_float32([x]),
            tol=F32,
        )
        ours = getattr(Value(x), op)(dim=dim, keepdim=keepdim).indices
        theirs = getattr(torch.tensor(x), op)(dim=dim, keepdim=keepdim).indices
        np.testing.assert_array_equal(ours, to_numpy(theirs))
        ours = getattr(Value(x), f"arg{op}")(dim=dim, keepdim=keepdim)
        theirs = getattr(torch.tensor(x), f"arg{op}")(dim=dim, keepdim=keepdim)
        np.testing.assert_array_equal(ours, to_numpy(theirs))


def test_max_with_dim_of_nan() -> None:
    x = np.array([[1.0, math.nan, 3.0, math.nan], [0.0, 2.0, 2.0, -1.0]])
    for op in ("max", "min"):
        ours, theirs = getattr(Value(x), op)(dim=1), getattr(torch.tensor(x), op)(dim=1)
        assert_same(ours.values.data, theirs.values, type(F32)(rtol=0, atol=0), op)
        np.testing.assert_array_equal(ours.indices, to_numpy(theirs.indices))


# -- all and any ------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
@SETTINGS
@given(shape=shapes(), keepdim=st.booleans(), data=st.data())
def test_all_any(domain: str, shape: Shape, keepdim: bool, data: st.DataObject) -> None:
    (x,) = draw(data, [shape], DOMAINS[domain])
    dim = data.draw(axes(len(shape)))
    for op in ("all", "any"):
        ours = getattr(Value(x), op)(dim=dim, keepdim=keepdim)
        t = torch.tensor(x)
        theirs = getattr(t, op)() if dim is None else getattr(t, op)(dim=dim, keepdim=keepdim)
        if dim is None and keepdim:
            theirs = theirs.reshape((1,) * len(shape))
        np.testing.assert_array_equal(ours, to_numpy(theirs))


def test_vocabulary_is_unchanged() -> None:
    """The shared vocabulary's max is still amax (tensorgrad's numpy-spelled max)."""
    x = Value(np.array([[1.0, 1.0]]))
    TG.max(x, axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.5, 0.5]])

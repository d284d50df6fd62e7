"""The reductions and statistics of issue 12: ``prod cumsum cumprod var std norm amax amin``,
``max(dim)``/``min(dim)``, ``argmin``, ``all any``, and :func:`tensorgrad.axes.pytorch_spellings`.

Gradients of first and second order against central differences (:func:`tensorgrad.gradcheck`)
on shapes with 0-d, size-1 and size-0 axes; ``prod`` and ``cumprod`` at points with one and
with two zeros (their gradients are polynomials there, so differences are exact enough);
the kinked ops on distinct data. PyTorch's values and gradients are compared in
``tests/crosscheck/test_reductions_vs_torch.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from cases import axes_for
from gradchecks import check
from hostile import strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad
from tensorgrad.axes import pytorch_spellings
from tensorgrad.record import node_of

SETTINGS = settings(max_examples=25, deadline=None)
Shape = tuple[int, ...]


def shapes(min_side: int = 0) -> st.SearchStrategy[Shape]:
    return hnp.array_shapes(min_dims=0, max_dims=3, min_side=min_side, max_side=3)


def floats(shape: Shape, lo: float = -2.0, hi: float = 2.0) -> st.SearchStrategy[Any]:
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi))


def away_from_zero(shape: Shape) -> st.SearchStrategy[Any]:
    """``0.2 <= |x| <= 2``: the zero-free formulas divide by x, whose second derivative at a
    tiny x (1e-157: x² is subnormal) loses its digits; exact zeros are tested apart."""
    signs = hnp.arrays(np.bool_, shape)
    return st.tuples(floats(shape, 0.2, 2.0), signs).map(lambda p: np.where(p[1], -p[0], p[0]))


@st.composite
def distinct(draw: st.DrawFn, shape: Shape) -> np.ndarray:
    """Distinct values at least 0.25 apart, none within 0.01 of 0: no ties, no kinks."""
    n = math.prod(shape)
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    return ((order - n / 2) * 0.25 + 0.01).reshape(shape)


@st.composite
def one_axis(draw: st.DrawFn, ndim: int) -> int:
    return draw(st.integers(-max(ndim, 1), max(ndim, 1) - 1))


# -- gradients, first and second order --------------------------------------------------------


@SETTINGS
@given(shape=shapes(), keepdims=st.booleans(), data=st.data())
def test_prod(shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    x = data.draw(away_from_zero(shape))
    axis = data.draw(axes_for(len(shape)))
    check(lambda v: v.prod(axis, keepdims), x)


@pytest.mark.parametrize("zeros", [[(0, 1)], [(0, 1), (2, 3)], [(0, 1), (0, 2)], [(1, 0), (1, 1)]])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), (1, 0)])
def test_prod_with_zeros(zeros: list[tuple[int, int]], axis: Any) -> None:
    x = np.random.default_rng(0).uniform(0.5, 2.0, (3, 4))
    for k in zeros:
        x[k] = 0.0
    check(lambda v: v.prod(axis), x)
    v = Value(x)
    with strict():
        v.prod(axis).sum().backward()
    # the exact rule: the product of the other elements of the group
    for index in np.ndindex(x.shape):
        others = x.copy()
        others[index] = 1.0
        group = (
            others
            if axis is None or isinstance(axis, tuple)
            else others[index[0]]
            if axis == 1
            else others[:, index[1]]
        )
        assert v.grad[index] == pytest.approx(np.prod(group), abs=1e-12)


@SETTINGS
@given(shape=shapes(), data=st.data())
def test_cumsum_cumprod(shape: Shape, data: st.DataObject) -> None:
    x = data.draw(away_from_zero(shape))
    axis = data.draw(one_axis(len(shape)))
    check(lambda v: v.cumsum(axis), x)
    check(lambda v: v.cumprod(dim=axis), x)


@pytest.mark.parametrize("zeros", [[1], [1, 3], [0], [4], [0, 4], [2, 2]])
def test_cumprod_with_zeros(zeros: list[int]) -> None:
    x = np.random.default_rng(0).uniform(0.5, 2.0, (5, 3)).T.copy()  # (3, 5), along axis 1
    x[:, zeros] = 0.0
    x[0] = 1.5  # a row without zeros beside rows with them
    check(lambda v: v.cumprod(1), x)
    check(lambda v: v.cumprod(0), x.T.copy())
    with strict():
        v = Value(x)
        v.cumprod(1).backward(np.ones(x.shape))
    expected = [
        [sum(np.prod(np.delete(row[: j + 1], k)) for j in range(k, 5)) for k in range(5)]
        for row in x
    ]
    np.testing.assert_allclose(v.grad, expected, rtol=1e-12, atol=1e-14)


def test_cumsum_and_cumprod_without_axis_flatten_as_numpy() -> None:
    x = np.arange(6.0).reshape(2, 3) + 1
    np.testing.assert_array_equal(Value(x).cumsum().data, np.cumsum(x))
    np.testing.assert_array_equal(tg.cumprod(Value(x)).data, np.cumprod(x))
    check(lambda v: v.cumprod(), x)
    assert Value(2.0).cumsum(0).shape == ()
    assert Value(2.0).cumprod(-1).shape == ()


CORRECTIONS: list[dict[str, Any]] = [
    {},
    {"correction": 0},
    {"correction": 2},
    {"correction": 0.5},
    {"unbiased": False},
    {"unbiased": True},
    {"ddof": 0},
    {"ddof": 1},
]


@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("kwargs", CORRECTIONS, ids=str)
@settings(max_examples=15, deadline=None)
@given(shape=shapes(min_side=1), keepdims=st.booleans(), data=st.data())
def test_var_std(op: str, kwargs: dict[str, Any], shape: Shape, keepdims: bool, data: Any) -> None:
    axis = data.draw(axes_for(len(shape)))
    axes = tg.axes.normalize_axes(axis, len(shape), op)
    n = math.prod(shape[a] for a in axes)
    c = 1 if not kwargs else float(next(iter(kwargs.values())))
    if n <= c:  # no finite result (see test_var_of_too_few_elements)
        return
    x = data.draw(distinct(shape))  # (std has a kink where a group's elements are equal)
    check(lambda v: getattr(v, op)(axis, keepdims=keepdims, **kwargs), x)
    expected = np.var(x, axis=axes, keepdims=keepdims, ddof=c)
    result = getattr(Value(x), op)(axis, keepdims=keepdims, **kwargs).data
    np.testing.assert_allclose(result, expected if op == "var" else np.sqrt(expected))


def test_var_of_too_few_elements_is_nan_or_inf_without_a_warning() -> None:
    """As PyTorch: the divisor max(n - correction, 0); NaN where the sum of squares is 0."""
    with strict():
        x = Value([[1.0], [2.0]])
        v = x.var(dim=1)
        v.sum().backward()
        assert np.isnan(v.data).all()
        assert np.isnan(x.grad).all()
        y = Value([1.0, 3.0])
        assert y.var(correction=3).item() == math.inf  # 2 / max(2 - 3, 0)
        assert np.isnan(Value([2.0, 2.0]).var(correction=2).item())
        empty = Value(np.zeros((0, 3)))
        s = empty.std(axis=0)
        s.sum().backward()
        assert np.isnan(s.data).all()
        assert empty.grad.shape == (0, 3)
        assert np.isnan(Value(5.0).std().item())  # one element, correction 1


def test_std_gradient_where_std_is_zero_is_zero() -> None:
    x = Value([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    with strict():
        x.std(dim=1).sum().backward()
    assert (x.grad[0] == 0).all()
    assert (x.grad[1] != 0).all()
    # and its second order there too
    (g,) = grad(x.std(dim=1).sum(), [x], create_graph=True)
    (h,) = grad((g * np.arange(6.0).reshape(2, 3)).sum(), [x])
    assert np.isfinite(h.data).all()
    assert (h.data[0] == 0).all()


NORMS: list[float | str] = [2, 1, 3, 0.5, -1.5, math.inf, -math.inf, 0, "fro"]


@pytest.mark.parametrize("p", NORMS, ids=str)
@settings(max_examples=20, deadline=None)
@given(shape=shapes(), keepdims=st.booleans(), data=st.data())
def test_norm(p: float | str, shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    axis = data.draw(axes_for(len(shape)))
    axes = tg.axes.normalize_axes(axis, len(shape), "norm")
    empty = any(shape[a] == 0 for a in axes) or math.prod(shape) == 0
    if empty and not isinstance(p, str) and (p < 0 or math.isinf(p)):
        return  # refused, see test_errors
    x = data.draw(distinct(shape))  # no ties for ±inf, no element at 0
    check(lambda v: v.norm(p, axis, keepdims), x)
    order = 2.0 if p == "fro" else float(p)
    a = np.abs(x)
    with np.errstate(divide="ignore"):
        expected = (
            a.max(axis=axes, keepdims=keepdims) if order == math.inf
            else a.min(axis=axes, keepdims=keepdims) if order == -math.inf
            else (a != 0).sum(axis=axes, keepdims=keepdims) if order == 0
            else (a**order).sum(axis=axes, keepdims=keepdims) ** (1 / order)
        )  # fmt: skip
    np.testing.assert_allclose(Value(x).norm(p, axis, keepdims).data, expected)


@pytest.mark.parametrize("p", NORMS, ids=str)
def test_norm_gradient_at_zero_is_zero(p: float | str) -> None:
    """As PyTorch's: 0 where the norm is 0, and 0 at an element that is 0."""
    with strict():
        x = Value(np.zeros((2, 3)))
        x.norm(p, dim=1).sum().backward()
        assert (x.grad == 0).all()
        y = Value([[0.0, 2.0, -2.0]])
        y.norm(p, dim=1).sum().backward()
        assert y.grad[0, 0] == 0
        assert np.isfinite(y.grad).all()


def test_norm_inf_shares_among_ties() -> None:
    x = Value([3.0, -3.0, 1.0])
    x.norm(math.inf).backward()
    np.testing.assert_array_equal(x.grad, [0.5, -0.5, 0.0])


@SETTINGS
@given(shape=shapes(min_side=1), keepdims=st.booleans(), data=st.data())
def test_amax_amin(shape: Shape, keepdims: bool, data: st.DataObject) -> None:
    x = data.draw(distinct(shape))
    axis = data.draw(axes_for(len(shape)))
    check(lambda v: v.amax(axis, keepdims), x)
    check(lambda v: tg.amin(v, dim=axis, keepdim=keepdims), x)


@SETTINGS
@given(shape=shapes(min_side=1), keepdim=st.booleans(), data=st.data())
def test_max_min_with_dim(shape: Shape, keepdim: bool, data: st.DataObject) -> None:
    x = data.draw(distinct(shape))
    dim = data.draw(one_axis(len(shape)))
    check(lambda v: v.max(dim=dim, keepdim=keepdim).values, x)
    check(lambda v: v.min(dim=dim, keepdim=keepdim)[0], x)
    values, indices = Value(x).max(dim=dim, keepdim=keepdim)
    a = dim if x.ndim else None
    np.testing.assert_array_equal(indices, np.argmax(x, axis=a, keepdims=keepdim and x.ndim > 0))
    np.testing.assert_array_equal(values.data, np.max(x, axis=a, keepdims=keepdim and x.ndim > 0))


def test_max_with_dim_sends_the_gradient_to_the_first_tie_and_amax_shares_it() -> None:
    x = Value([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    result = x.max(dim=1)
    assert isinstance(result, tg.ops.reduce.ValuesIndices)
    assert isinstance(x.max(1), tg.ops.reduce.ValuesIndices)  # by position: PyTorch's dim
    assert result.indices.tolist() == [1, 0]
    assert result[1] is result.indices
    result.values.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])
    y = Value(x.data)
    y.amax(dim=1).sum().backward()
    np.testing.assert_array_equal(y.grad, [[0, 0.5, 0.5], [0.5, 0.5, 0]])
    z = Value(x.data)
    z.max(axis=1).sum().backward()  # numpy's spelling: a Value, ties shared
    np.testing.assert_array_equal(z.grad, y.grad)


def test_max_with_dim_of_nan_picks_the_nan_as_torch() -> None:
    values, indices = Value([1.0, math.nan, 3.0]).max(dim=0)
    assert np.isnan(values.item())
    assert indices == 1
    assert Value([1.0, math.nan, 0.0]).min(dim=0).indices == 1


def test_argmin_and_all_any() -> None:
    x = Value([[1.0, 0.0, 2.0], [0.0, 0.0, math.nan]])
    assert x.argmin(dim=1).tolist() == [1, 2]  # the NaN counts as the minimum
    assert x.argmin(axis=0, keepdims=True).tolist() == [[1, 0, 1]]
    assert x.argmin() == 5  # of the flattened Value: the NaN
    assert tg.all(x).dtype == np.bool_
    assert not tg.all(x)
    np.testing.assert_array_equal(x.all(dim=0), [False, False, True])  # NaN is nonzero
    np.testing.assert_array_equal(tg.any(x, axis=1, keepdims=True), [[True], [True]])
    assert tg.all(np.ones((0, 2)))
    assert not tg.any(np.ones((0, 2)))
    assert tg.any(2.0)
    assert x.any(dim=(0, 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "fn",
    [
        lambda v: v.prod(1),
        lambda v: v.cumsum(1),
        lambda v: v.cumprod(0),
        lambda v: v.var(1),
        lambda v: v.std(0),
        lambda v: v.norm(3, 1),
        lambda v: v.norm(),
        lambda v: v.norm(math.inf, 0),
        lambda v: v.norm(0.5),
        lambda v: v.amax(1),
        lambda v: v.max(dim=1).values,
    ],
)
def test_dtype_is_kept(fn: Callable[[Value], Value], dtype: Any) -> None:
    x = Value(np.array([[1.5, 0.0, -2.0], [0.5, 3.0, 1.0]], dtype))
    with strict():
        out = fn(x)
        out.backward(np.ones(out.shape, dtype))
    assert out.dtype == dtype
    assert x.grad.dtype == dtype
    assert np.isfinite(x.grad).all()


def test_each_op_is_one_node() -> None:
    x = Value(np.arange(1.0, 7.0).reshape(2, 3))
    for out in (x.var(1), x.std(), x.norm(3, 1), x.prod(0), x.cumprod(1), x.max(dim=1).values):
        assert out.grad_fn.prev == (node_of(x),)


# -- the spellings ----------------------------------------------------------------------------


def test_pytorch_spellings() -> None:
    assert pytorch_spellings("sum", None, 1, None, False, True) == (1, True)
    assert pytorch_spellings("softmax", -1, 0, -1) == (0, False)
    assert pytorch_spellings("sum", None, None, None, True, None) == (None, True)
    with pytest.raises(TypeError, match=r"sum: give keepdims= or keepdim=, not both"):
        pytorch_spellings("sum", None, None, None, True, False)
    x = Value(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(x.var(dim=1, keepdim=True).data, x.var(1, keepdims=True).data)
    np.testing.assert_array_equal(x.prod(dim=0).data, x.prod(0).data)
    np.testing.assert_array_equal(x.max(keepdim=True).data, [[5.0]])


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (lambda x: x.var(correction=1, unbiased=True), TypeError,
         r"var: give one of .*correction=1 and unbiased=True"),
        (lambda x: x.std(ddof=1, correction=0), TypeError, r"std: give one of .*ddof=1"),
        (lambda x: x.var(unbiased=1), TypeError, r"var: unbiased must be True or False, got int 1"),
        (lambda x: x.var(correction="1"), TypeError,
         r"var: correction must be a number, got str '1'"),
        (lambda x: x.std(ddof=True), TypeError, r"std: ddof must be a number, got bool True"),
        (lambda x: x.var(correction=math.nan), ValueError,
         r"var: correction must be finite, got nan"),
        (lambda x: x.var(0, True), TypeError, r"positional"),
        (lambda x: x.var(True), TypeError, r"var: an axis must be an int, got bool True"),
        (lambda x: tg.var([1.0, 2.0]), TypeError, r"var: expected Values, .* got list"),
        (lambda x: x.norm("nuc"), ValueError, r"norm: p must be a number or 'fro' .*'nuc'"),
        (lambda x: x.norm(None), TypeError, r"norm: p must be a number or 'fro', got NoneType"),
        (lambda x: x.norm(math.nan), ValueError, r"norm: p must be a number, got nan"),
        (lambda x: Value(np.ones((0, 2))).norm(math.inf, 0), ValueError,
         r"norm: the inf norm over no elements .*\(0, 2\)"),
        (lambda x: Value(np.ones((0,))).norm(-2), ValueError,
         r"norm: the -2 norm over no elements"),
        (lambda x: x.norm(2, 0, dim=1), TypeError, r"norm: give axis= or dim=, not both"),
        (lambda x: x.prod(dim=5), np.exceptions.AxisError, r"prod: axis 5 is out of range"),
        (lambda x: x.prod(keepdim="yes"), TypeError, r"prod: keepdims must be True or False"),
        (lambda x: x.cumsum(dim=(0, 1)), TypeError, r"cumsum: axis must be one int, got tuple"),
        (lambda x: x.cumprod(0, dim=1), TypeError, r"cumprod: give axis= or dim=, not both"),
        (lambda x: tg.cumsum(np.ones(2, complex), 0), TypeError, r"cumsum: .*complex128"),
        (lambda x: x.max(dim=(0, 1)), TypeError, r"max: axis must be one int, got tuple"),
        (lambda x: x.min(axis=0, dim=1), TypeError, r"min: give axis= or dim=, not both"),
        (lambda x: x.max(dim=2), np.exceptions.AxisError, r"max: axis 2 is out of range"),
        (lambda x: Value(np.ones((2, 0))).max(dim=1), ValueError,
         r"max: axis 1 of a Value of shape \(2, 0\) is empty"),
        (lambda x: Value(np.ones((2, 0))).amin(), ValueError,
         r"amin: axis 1 of a Value of shape \(2, 0\) is empty"),
        (lambda x: Value(np.ones(0)).argmin(), ValueError,
         r"argmin: a Value of shape \(0,\) has no elements"),
        (lambda x: x.argmin(dim=(0,)), TypeError, r"argmin: axis must be one int"),
        (lambda x: tg.all("yes"), TypeError,
         r"all: expected Values, numpy arrays or numbers, got str"),
        (lambda x: tg.any(x, axis=0, dim=1), TypeError, r"any: give axis= or dim=, not both"),
        (lambda x: x.all(keepdims=1), TypeError, r"all: keepdims must be True or False"),
    ],
)  # fmt: skip
def test_errors(call: Callable[[Value], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call(Value(np.arange(6.0).reshape(2, 3)))

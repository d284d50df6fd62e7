"""Crosscheck: the factories against PyTorch's (``torch.zeros``, ``torch.arange``...).

Deterministic factories give torch's shapes and values, and the dtypes map (float32 to
``torch.float32``, float64 to ``torch.float64``; tensorgrad's default is float64 where
torch's is float32, so each comparison names the dtype). ``arange`` and ``linspace`` give
torch's lengths and endpoints exactly; their inner elements agree to an ulp or two of the
range's magnitude, not bit for bit: torch computes them in blocks of SIMD lanes
(``base + lane * step``, the block's base from the start), tensorgrad as
``start + k * step`` (arange) or from both ends (linspace), so the last bits depend on the
machine's vector width on torch's side. Random factories draw from numpy's generators, so
their numbers differ from torch's for the same seed: only the shape, the dtype, the range
and the distribution's moments are compared.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import SETTINGS
from hypothesis import given
from hypothesis import strategies as st

import tensorgrad as tg

DTYPES = {np.float32: torch.float32, np.float64: torch.float64}
ULPS = 4.0  # of the range's magnitude: see the module docstring


def same(ours: tg.Value, theirs: torch.Tensor) -> None:
    """Same shape, dtype and values (NaN where torch has NaN)."""
    assert ours.shape == tuple(theirs.shape)
    assert DTYPES[ours.dtype.type] == theirs.dtype
    np.testing.assert_array_equal(ours.data, theirs.detach().numpy())
    assert ours.requires_grad == theirs.requires_grad


def close(ours: tg.Value, theirs: torch.Tensor, magnitude: float) -> None:
    """Same shape and dtype; the values within a few ulps of ``magnitude``."""
    assert ours.shape == tuple(theirs.shape)
    assert DTYPES[ours.dtype.type] == theirs.dtype
    atol = ULPS * float(np.finfo(ours.dtype).eps) * max(magnitude, 1.0)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=0, atol=atol)


# -- filled with one number ------------------------------------------------------------------

SIZES = [(), (0,), (3,), (2, 3), (1, 0, 4), (2, 1, 3, 1)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", SIZES, ids=str)
@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_and_ones(name: str, size: tuple[int, ...], dtype: Any) -> None:
    ours, theirs = getattr(tg, name), getattr(torch, name)
    same(ours(size, dtype=dtype), theirs(size, dtype=DTYPES[dtype]))
    if size:  # (both refuse zeros() without a size)
        same(ours(*size, dtype=dtype), theirs(*size, dtype=DTYPES[dtype]))
    grad = ours(size, dtype=dtype, requires_grad=True)
    same(grad, theirs(size, dtype=DTYPES[dtype], requires_grad=True))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", SIZES, ids=str)
def test_empty_shape_and_dtype(size: tuple[int, ...], dtype: Any) -> None:
    ours, theirs = tg.empty(size, dtype=dtype), torch.empty(size, dtype=DTYPES[dtype])
    assert ours.shape == tuple(theirs.shape)
    assert DTYPES[ours.dtype.type] == theirs.dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fill", [0.0, -1.5, 3, 1e30, math.inf, -math.inf, math.nan, 1e-45])
def test_full(fill: float, dtype: Any) -> None:
    same(tg.full((2, 3), fill, dtype=dtype), torch.full((2, 3), fill, dtype=DTYPES[dtype]))


def test_full_refuses_an_overflowing_fill_as_torch_does() -> None:
    with pytest.raises(RuntimeError, match="overflow"):
        torch.full((2,), 1e300, dtype=torch.float32)
    with pytest.raises(ValueError, match="overflows float32"):
        tg.full((2,), 1e300, dtype=np.float32)


@pytest.mark.parametrize("dtype", [*DTYPES, None])
@pytest.mark.parametrize("source", [np.float32, np.float64])
def test_like(source: Any, dtype: Any) -> None:
    x = np.arange(6, dtype=source).reshape(2, 3)
    t = torch.from_numpy(x)
    kw: dict[str, Any] = {} if dtype is None else {"dtype": dtype}
    th: dict[str, Any] = {} if dtype is None else {"dtype": DTYPES[dtype]}
    for v in (x, tg.Value(x)):
        same(tg.zeros_like(v, **kw), torch.zeros_like(t, **th))
        same(tg.ones_like(v, **kw), torch.ones_like(t, **th))
        same(tg.full_like(v, 0.5, **kw), torch.full_like(t, 0.5, **th))
        same(
            tg.zeros_like(v, requires_grad=True, **kw),
            torch.zeros_like(t, requires_grad=True, **th),
        )


# -- ranges and the identity -----------------------------------------------------------------

RANGES = [
    (5,),
    (0,),
    (2.5,),
    (1, 4),
    (5, 5),
    (-3, 3),
    (0, 1, 0.1),
    (0, 1, 0.3),
    (1, 2.5, 0.5),
    (3, 0, -1),
    (10, -10, -0.7),
    (0.1, 1.05, 0.1),
    (-1e6, 1e6, 12345.6),
    (0, 1e-3, 1e-5),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("args", RANGES, ids=str)
def test_arange(args: tuple[float, ...], dtype: Any) -> None:
    ours = tg.arange(*args, dtype=dtype)
    theirs = torch.arange(*args, dtype=DTYPES[dtype])
    close(ours, theirs, max(abs(a) for a in args))
    if theirs.numel():
        assert ours.data[0] == theirs.numpy()[0]  # the start exactly


@SETTINGS
@given(
    start=st.floats(-100, 100),
    step=st.floats(0.01, 5) | st.floats(-5, -0.01),
    count=st.integers(0, 300),
    dtype=st.sampled_from(list(DTYPES)),
)
def test_arange_lengths_and_values(start: float, step: float, count: int, dtype: Any) -> None:
    end = start + step * count + step * 0.5  # half a step past the last element: no ties
    ours, theirs = (
        tg.arange(start, end, step, dtype=dtype),
        torch.arange(start, end, step, dtype=DTYPES[dtype]),
    )
    close(ours, theirs, max(abs(start), abs(end)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "args",
    [(0, 1, 5), (1, 0, 3), (-1, 1, 2), (3, 4, 1), (3, 4, 0), (2, 2, 4), (-7.3, 11.1, 50)],
    ids=str,
)
def test_linspace(args: tuple[float, float, int], dtype: Any) -> None:
    ours = tg.linspace(*args, dtype=dtype)
    theirs = torch.linspace(*args, dtype=DTYPES[dtype])
    close(ours, theirs, max(abs(args[0]), abs(args[1])))


@SETTINGS
@given(
    start=st.floats(-1e3, 1e3),
    end=st.floats(-1e3, 1e3),
    steps=st.integers(0, 300),
    dtype=st.sampled_from(list(DTYPES)),
)
def test_linspace_lengths_endpoints_and_values(
    start: float, end: float, steps: int, dtype: Any
) -> None:
    ours = tg.linspace(start, end, steps, dtype=dtype)
    theirs = torch.linspace(start, end, steps, dtype=DTYPES[dtype])
    close(ours, theirs, max(abs(start), abs(end)))
    if steps:  # both ends exactly
        assert ours.data[0] == theirs.numpy()[0]
        assert ours.data[-1] == theirs.numpy()[-1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nm", [(0,), (1,), (3,), (2, 3), (3, 2), (4, 0)], ids=str)
def test_eye(nm: tuple[int, ...], dtype: Any) -> None:
    same(tg.eye(*nm, dtype=dtype), torch.eye(*nm, dtype=DTYPES[dtype]))


# -- random ----------------------------------------------------------------------------------


def seeded() -> torch.Generator:
    """A seeded torch generator: the moments below are checked on fixed draws, never flaky."""
    return torch.Generator().manual_seed(0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_rand_matches_torch_in_shape_dtype_range_and_moments(dtype: Any) -> None:
    ours, theirs = (
        tg.rand(200, 500, seed=0, dtype=dtype),
        torch.rand(200, 500, dtype=DTYPES[dtype], generator=seeded()),
    )
    assert ours.shape == tuple(theirs.shape)
    assert DTYPES[ours.dtype.type] == theirs.dtype
    for x in (ours.data, theirs.numpy()):
        assert x.min() >= 0.0
        assert x.max() < 1.0
        assert abs(x.mean() - 0.5) < 0.005
        assert abs(x.var() - 1 / 12) < 0.002


@pytest.mark.parametrize("dtype", DTYPES)
def test_randn_matches_torch_in_shape_dtype_and_moments(dtype: Any) -> None:
    ours = tg.randn(200, 500, seed=0, dtype=dtype)
    theirs = torch.randn(200, 500, dtype=DTYPES[dtype], generator=seeded())
    assert ours.shape == tuple(theirs.shape)
    assert DTYPES[ours.dtype.type] == theirs.dtype
    for x in (ours.data.astype(np.float64), theirs.numpy().astype(np.float64)):
        assert abs(x.mean()) < 0.01
        assert abs(x.std() - 1.0) < 0.01
        assert abs(((x - x.mean()) ** 3).mean()) < 0.05  # symmetric
        assert abs((x**4).mean() - 3.0) < 0.15  # a normal's fourth moment


@pytest.mark.parametrize(("low", "high"), [(0, 10), (-5, 5), (3, 4), (0, 2**40)])
def test_randint_matches_torch_in_shape_dtype_and_range(low: int, high: int) -> None:
    ours, theirs = (
        tg.randint(low, high, (50, 40), seed=0),
        torch.randint(low, high, (50, 40), generator=seeded()),
    )
    assert ours.shape == tuple(theirs.shape)
    assert ours.dtype == np.int64
    assert theirs.dtype == torch.int64
    for x in (ours, theirs.numpy()):
        assert x.min() >= low
        assert x.max() < high
    if high - low <= 10:  # every value drawn, as torch draws them
        assert set(np.unique(ours).tolist()) == set(np.unique(theirs.numpy()).tolist())
    # the two-argument form means the same in both
    assert tg.randint(7, (3, 2), seed=0).shape == tuple(torch.randint(7, (3, 2)).shape)

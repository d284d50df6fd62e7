"""Matrix products in every case numpy has, and the reductions sum/mean/max/min, against
PyTorch: value, and gradient with a random cotangent, in float64.

Sums and products add in different orders on each side (numpy's pairwise sums and BLAS
against torch's kernels); with axes of at most 4 elements of order 1 the results stay
within ~1e-14, far inside ``F64``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import (
    SETTINGS,
    TG,
    TH,
    Domain,
    axes,
    broadcastable,
    check,
    draw,
    shapes,
    torch_dims,
)
from hypothesis import assume, given
from hypothesis import strategies as st

from tensorgrad import Value

Shape = tuple[int, ...]

ANY = Domain(-2.0, 2.0)
INTS = Domain(-2.0, 2.0, ints=True)  # ties for max and min

# -- matmul -----------------------------------------------------------------------------------

sides = st.integers(0, 4)  # 0 included: empty products give zeros (inner) or empty results
MATMUL_KINDS = [
    "1-D @ 1-D",
    "1-D @ 2-D",
    "2-D @ 1-D",
    "2-D @ 2-D",
    "N-D @ N-D",
    "1-D @ N-D",
    "N-D @ 1-D",
]


@st.composite
def matmul_shapes(draw_: st.DrawFn, kind: str) -> tuple[Shape, Shape]:
    """Operand shapes for ``kind``; N-D operands get batch axes that broadcast together."""
    n, k, m = draw_(sides), draw_(sides), draw_(sides)
    batch_a, batch_b = draw_(broadcastable(num_shapes=2, max_dims=3, max_side=3))
    left, right = kind.split(" @ ")
    a = {"1-D": (k,), "2-D": (n, k), "N-D": (*batch_a, n, k)}[left]
    b = {"1-D": (k,), "2-D": (k, m), "N-D": (*batch_b, k, m)}[right]
    if kind == "N-D @ N-D":
        # At least one batch axis somewhere, so this is not just 2-D @ 2-D again.
        assume(batch_a or batch_b)
    return a, b


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@SETTINGS
@given(data=st.data())
def test_matmul(kind: str, data: st.DataObject) -> None:
    shape_pair = data.draw(matmul_shapes(kind))
    a, b = draw(data, shape_pair, ANY)
    check(lambda ops, x, y: x @ y, a, b)


@pytest.mark.parametrize(
    "shape_pair",
    [
        ((2, 1, 3, 4), (5, 4, 2)),  # batch axes (2, 1) and (5,) broadcast to (2, 5)
        ((3, 4), (2, 4, 5)),  # a matrix against a stack
        ((1, 2, 3), (4, 1, 3, 2)),
        ((4,), (2, 3, 4, 5)),
        ((2, 3, 4, 5), (5,)),
    ],
    ids=str,
)
def test_matmul_broadcast_batches(shape_pair: tuple[Shape, Shape]) -> None:
    a, b = draw(None, shape_pair, ANY)
    check(lambda ops, x, y: x @ y, a, b)


@pytest.mark.parametrize("side", ["value @ array", "array @ value"])
@SETTINGS
@given(data=st.data())
def test_matmul_with_a_constant(side: str, data: st.DataObject) -> None:
    """``x @ W`` with a constant batch ``x``: only the Value gets a gradient."""
    a, b = draw(data, data.draw(matmul_shapes("N-D @ N-D")), ANY)
    if side == "value @ array":
        check(lambda ops, v: v @ ops.const(b), a)
    else:
        check(lambda ops, v: ops.const(a) @ v, b)


# -- reductions -------------------------------------------------------------------------------


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean"])
@SETTINGS
@given(shape=shapes(max_dims=4), data=st.data())
def test_sum_mean(name: str, keepdims: bool, shape: Shape, data: st.DataObject) -> None:
    axis = data.draw(axes(len(shape)))
    (x,) = draw(data, [shape], ANY)
    reduced = [shape[a] for a in torch_dims(axis, len(shape))]
    if name == "mean" and 0 in reduced:
        # The mean of nothing: NaN in both (numpy also warns about dividing by 0, torch not).
        with np.errstate(divide="ignore", invalid="ignore"):
            check(lambda ops, v: ops.mean(v, axis, keepdims), x)
        return
    check(lambda ops, v: getattr(ops, name)(v, axis, keepdims), x)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("domain", [ANY, INTS], ids=["distinct", "ties"])
@SETTINGS
@given(shape=shapes(max_dims=4, min_side=1), data=st.data())
def test_max_min(
    name: str, domain: Domain, keepdims: bool, shape: Shape, data: st.DataObject
) -> None:
    """With whole numbers in [-2, 2] most reductions have ties: as ``torch.amax`` does, the
    tied elements share the gradient equally."""
    axis = data.draw(axes(len(shape)))
    (x,) = draw(data, [shape], domain)
    check(lambda ops, v: getattr(ops, name)(v, axis, keepdims), x)


@pytest.mark.parametrize("name", ["max", "min"])
@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3).filter(lambda s: 0 in s), data=st.data())
def test_max_min_of_nothing_raises_in_both(name: str, shape: Shape, data: st.DataObject) -> None:
    """A maximum over an empty axis does not exist: both libraries refuse."""
    axis = shape.index(0)
    x = np.zeros(shape)
    with pytest.raises(ValueError, match=f"{name}: axis {axis}"):
        getattr(TG, name)(Value(x), axis)
    with pytest.raises((IndexError, RuntimeError)):
        getattr(TH, name)(torch.tensor(x), axis)


@pytest.mark.parametrize("domain", [ANY, INTS], ids=["distinct", "ties"])
@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_argmax(domain: Domain, shape: Shape, data: st.DataObject) -> None:
    """No graph; with ties, both return the first maximum."""
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    (x,) = draw(data, [shape], domain)
    got: Any = TG.argmax(Value(x), axis)
    want = TH.argmax(torch.tensor(x), axis).numpy()
    np.testing.assert_array_equal(got, want)

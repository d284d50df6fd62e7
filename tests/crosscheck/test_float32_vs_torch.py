"""float32 against torch's float32: the same dtype for every output and every gradient, and
values within ``F32`` (rtol 1e-5, about 100 ulps: the two sides round differently).

Python numbers never upcast (in numpy 2 and in torch alike); a float32 and a float64 array
of at least one axis give float64, and each gradient keeps its input's dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from crosscheck._torch_helpers import F32, SETTINGS, Domain, check, draw
from hypothesis import given
from hypothesis import strategies as st

Shape = tuple[int, ...]

ANY = Domain(-3.0, 3.0)
NONZERO = Domain(-3.0, 3.0, gap=0.25)
POSITIVE = Domain(0.1, 3.0)
INTS = Domain(-2.0, 2.0, ints=True)
HUGE = Domain(-1000.0, 1000.0)

OPS: dict[str, tuple[Callable[..., Any], list[Shape], list[Domain]]] = {
    # name: (fn(ops, *inputs), input shapes, input domains)
    "arithmetic, broadcast": (
        lambda ops, a, b: (a + b) * a - b / 2.5 + 1.5 - a / (b * b + 1.0),
        [(3, 1), (1, 4)],
        [ANY],
    ),
    "division": (lambda ops, a, b: a / b, [(2, 3), (3,)], [ANY, NONZERO]),
    "powers": (lambda ops, a, b: a**b + a**2 + a**-0.5 + 2.0**b, [(2, 3), (3,)], [POSITIVE, ANY]),
    "exp, log, sqrt": (lambda ops, x: x.exp() + x.log() * x.sqrt(), [(2, 3)], [POSITIVE]),
    "tanh, sigmoid": (lambda ops, x: x.tanh() * x.sigmoid(), [(2, 3)], [ANY]),
    "relu, abs, clip": (
        lambda ops, x: x.relu() + x.abs() * ops.clip(x, -1.0, 1.0),
        [(4, 3)],
        [INTS],
    ),
    "maximum, minimum, where": (
        lambda ops, a, b: (
            ops.maximum(a, b) * ops.minimum(a, 0.5) + ops.where(ops.to_numpy(a) > 0, a, b)
        ),
        [(3, 4), (4,)],
        [INTS],
    ),
    "matmul": (lambda ops, a, b: a @ b, [(2, 1, 3, 4), (3, 4, 2)], [ANY]),
    "matmul of vectors": (lambda ops, a, b: (a @ b) * (b @ a.T), [(4, 3), (3,)], [ANY]),
    "sum, mean": (
        lambda ops, x: ops.sum(x, (0, -1), keepdims=True) * ops.mean(x, 1, keepdims=True),
        [(2, 3, 4)],
        [ANY],
    ),
    "max, min with ties": (
        lambda ops, x: ops.max(x, -1) * ops.min(x, (0, 2)),
        [(3, 4, 3)],
        [INTS],
    ),
    "softmax family": (
        lambda ops, x: (
            ops.softmax(x, -1) * ops.log_softmax(x, 0) + ops.logsumexp(x, -1, keepdims=True)
        ),
        [(3, 4)],
        [ANY],
    ),
    # One at a time at ±1e3: a product of log-probabilities of -1000 with probabilities
    # would cancel ~1000 down to ~1 in its gradient, leaving float32's rounding of 1000.
    "softmax at ±1e3": (lambda ops, x: ops.softmax(x, -1), [(3, 4)], [HUGE]),
    "log_softmax at ±1e3": (lambda ops, x: ops.log_softmax(x, 0), [(3, 4)], [HUGE]),
    "logsumexp at ±1e3": (lambda ops, x: ops.logsumexp(x, (0, 1)), [(3, 4)], [HUGE]),
    "shape operations": (
        lambda ops, x, y: (
            ops.stack([ops.reshape(x, (3, 2)), ops.swapaxes(ops.concatenate([y, y], 0), 0, 1)], 0)
            * ops.broadcast_to(ops.unsqueeze(ops.flatten(ops.squeeze(x[:, :1], 1)), 0), (3, 2))
        ),
        [(2, 3), (1, 3)],
        [ANY],
    ),
    "indexing": (
        lambda ops, x: (
            ops.index(x, (np.array([0, 2, 2, 0]), slice(1, None)))
            * ops.index(x, (None, Ellipsis, 0)).sum()
        ),
        [(3, 4)],
        [ANY],
    ),
}


@pytest.mark.parametrize("name", OPS)
@SETTINGS
@given(data=st.data())
def test_float32(name: str, data: st.DataObject) -> None:
    fn, shapes, domains = OPS[name]
    arrays = [a.astype(np.float32) for a in draw(data, shapes, *domains)]
    check(fn, *arrays, tol=F32)


@SETTINGS
@given(data=st.data())
def test_float32_with_float64(data: st.DataObject) -> None:
    """Both of at least one axis: float64 out, each gradient in its own input's dtype."""
    a, b = draw(data, [(3, 1), (4,)], ANY)
    check(lambda ops, x, y: x * y + x.exp(), a.astype(np.float32), b, tol=F32)


def test_log_softmax_float32_large_equal_logits() -> None:
    """Three equal logits of 1000: each log-probability is -log(3) = -1.0986123 in float32.

    torch subtracts the maximum first, ``(x - m) - log(sum(exp(x - m)))``, where ``x - m`` is
    exact. ``x - (m + log(sum(...)))`` would round ``m + log(...)`` to float32's spacing at
    1000 (6e-5) and give -1.0986328, with the error passed on to the gradient.
    """
    check(lambda ops, v: ops.log_softmax(v, -1), np.full((2, 3), 1000.0, np.float32), tol=F32)

"""Derivatives of derivatives, and ``tensorgrad.grad``'s API, against ``torch.autograd.grad``.

Each composite runs ``grad(..., create_graph=True)`` on both sides, compares the gradients,
then differentiates a random projection of them (a Hessian-vector product) and compares
again; the smooth ones go on to third derivatives. This exercises every backward formula
on Values instead of arrays (tensorgrad's "one formula for every order").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F64, SETTINGS, Domain, assert_same, check_higher_order, draw
from hypothesis import given, settings
from hypothesis import strategies as st

import tensorgrad
from tensorgrad import Value

Shape = tuple[int, ...]

# Away from 0: at an exact 0, the derivative of ``x**0`` (which differentiating ``x**2``
# twice produces) is NaN in tensorgrad and 0 in torch, a discrepancy checked on its own in
# test_edge_cases_vs_torch.py; here it would hide everything else these composites check.
ANY = Domain(-2.0, 2.0, gap=0.1)
POSITIVE = Domain(0.2, 2.0)
EXPONENT = Domain(1.1, 2.5)

ONEHOT = np.eye(3)[[0, 2, 2, 1]]  # targets of a batch of 4, 3 classes
MASK = np.array([[True, False, True, False], [False, True, True, True], [True, True, False, False]])
REPEATS = np.array([0, 2, 2, 1, 0, 0])


def cross_entropy(ops: Any, x: Any, w: Any) -> Any:
    logp = ops.log_softmax(x @ w, -1)
    return -(logp * ops.const(ONEHOT)).sum() / 4.0


def kinks(ops: Any, x: Any, y: Any) -> Any:
    """Piecewise functions: their masks are constants, on both sides, at every order."""
    return (
        ops.maximum(x, y) * x * y
        + ops.minimum(x, 0.5) * y * y
        + ops.where(MASK, x * x, y**3)
        + ops.clip(x, -0.5, 0.5) * y
        + x.abs() * x
        + x.relu() * y * y
    )


COMPOSITES: dict[str, tuple[Callable[..., Any], list[Shape], list[Domain], int]] = {
    # name: (fn(ops, *inputs), input shapes, input domains, highest order to compare)
    "tanh layer": (
        lambda ops, x, w, b: (1.5 + (x @ w + b).tanh()) ** 2,  # the base is never 0
        [(4, 3), (3, 2), (2,)],
        [ANY],
        3,
    ),
    "cross-entropy": (cross_entropy, [(4, 5), (5, 3)], [ANY], 3),
    "logsumexp of a broadcast product": (
        lambda ops, x, y: ops.logsumexp(x * y, 0) * ops.logsumexp(x - y, (0, 1)),
        [(3, 1), (1, 4)],
        [ANY],
        3,
    ),
    "softmax": (
        lambda ops, x: ops.softmax(x, -1) ** 2 + ops.softmax(x, 0) * x,
        [(3, 4)],
        [ANY],
        3,
    ),
    "smooth elementwise": (
        lambda ops, x, y: (x.sigmoid() * y.exp() / (1.0 + x * x)).sqrt() + (x * y).tanh(),
        [(2, 3), (3,)],
        [ANY],
        3,
    ),
    # The exponent stays away from 0 and 1: there torch's own higher derivatives of x**y are
    # wrong (test_edge_cases_vs_torch.py, test_pow_higher_derivatives_*); 2 is fine to order 3.
    "powers": (
        lambda ops, x, y: x**y + x**3 + 2.0**y + x**-0.5,
        [(2, 3), (2, 1)],
        [POSITIVE, EXPONENT],
        3,
    ),
    "log and division": (
        lambda ops, x, y: ops.mean(x.log() / (y * y + 1.0), 0) - 1.0 / x.sum(),
        [(3, 2), (2,)],
        [POSITIVE, ANY],
        3,
    ),
    "kinks": (kinks, [(3, 4), (3, 4)], [ANY], 2),
    "max, min, sum, mean": (
        lambda ops, x, y: (
            ops.max(x * y, 1) ** 2
            + ops.min(x * x, (0, 1), keepdims=True) * ops.sum(y, -1)
            + ops.mean(x * y * y, 0, keepdims=True).sum()
        ),
        [(3, 4), (3, 4)],
        [ANY],
        2,
    ),
    "indexing with repeats": (
        lambda ops, x: (
            ops.index(x, REPEATS) ** 3
            + ops.index(x, (slice(1, None), None, 0)).sum() * x[0, 0]
            + ops.sum(ops.index(x, MASK[:, :2]) ** 2)
        ),
        [(3, 2)],
        [ANY],
        3,
    ),
    "shape operations": (
        lambda ops, x, y: (
            (ops.reshape(ops.concatenate([x, ops.transpose(y)], 0), (2, -1)) ** 2).sum(0)
            * ops.sum(ops.stack([x, ops.swapaxes(y, 0, 1)], -1), (1, 2)).mean()
            + ops.broadcast_to(ops.unsqueeze(ops.squeeze(x[:1], 0), 0), (3, 3)).sum() * y[0, 0]
        ),
        [(2, 3), (3, 2)],
        [ANY],
        3,
    ),
    "batched matmul": (
        lambda ops, x, w, v: ((x @ w).tanh() @ v) * (v @ v),
        [(2, 3, 4), (4, 2), (2,)],
        [ANY],
        3,
    ),
}


@pytest.mark.parametrize("name", COMPOSITES)
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_higher_derivatives(name: str, data: st.DataObject) -> None:
    fn, shapes, domains, order = COMPOSITES[name]
    arrays = draw(data, shapes, *domains)
    check_higher_order(fn, *arrays, order=order)


# -- the grad function's API, as torch.autograd.grad ------------------------------------------


@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_grad_of_several_outputs(data: st.DataObject) -> None:
    """Several outputs with their own seeds (one of them None for a scalar): the gradients
    add up; an input the outputs do not use gets zeros (torch: None) with allow_unused."""
    x, y, unused = draw(data, [(3,), (2, 3), (2,)], ANY)
    g1 = np.random.default_rng(1).standard_normal((2, 3))
    vx, vy, vu = Value(x), Value(y), Value(unused)
    tx, ty, tu = (torch.tensor(a, requires_grad=True) for a in (x, y, unused))
    got = tensorgrad.grad(
        [vx * vy, (vx.exp() * vy).sum()], [vx, vy, vu], [g1, None], allow_unused=True
    )
    want = torch.autograd.grad(
        [tx * ty, (tx.exp() * ty).sum()],
        [tx, ty, tu],
        [torch.from_numpy(g1), None],
        allow_unused=True,
    )
    for k, (a, b) in enumerate(zip(got, want)):
        expected = torch.zeros(2, dtype=torch.float64) if b is None else b
        assert_same(a.data, expected, F64, f"gradient of input {k}")
    # grad() leaves .grad alone, as torch does.
    assert not vx.grad.any()
    assert tx.grad is None


def test_retain_graph_then_backward_twice() -> None:
    """With retain_graph=True a second backward adds the same gradient again, in both."""
    x = np.array([0.5, -1.0, 2.0])
    vx, tx = Value(x), torch.tensor(x, requires_grad=True)
    vy, ty = (vx.tanh() * vx).sum(), (tx.tanh() * tx).sum()
    vy.backward(retain_graph=True)
    ty.backward(retain_graph=True)
    vy.backward()
    ty.backward()
    assert_same(vx.grad, tx.grad, F64, "gradient after two backward passes")


def test_no_grad() -> None:
    """Under no_grad nothing is recorded, in both: outputs do not require grad."""
    x = np.array([0.5, -1.0, 2.0])
    vx, tx = Value(x), torch.tensor(x, requires_grad=True)
    with tensorgrad.no_grad(), torch.no_grad():
        vy, ty = (vx * vx).exp().sum(), (tx * tx).exp().sum()
    assert_same(vy.data, ty, F64, "value under no_grad")
    assert not vy.requires_grad
    assert not ty.requires_grad

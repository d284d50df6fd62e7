"""tensorgrad.Function against torch.autograd.Function: the same op, written the same way."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad
from tensorgrad import Function, Value


class Swish(Function):
    """x σ(βx), β broadcast over the batch, its backward in Value operations."""

    @staticmethod
    def forward(ctx: Any, x: Any, beta: Any) -> Any:
        ctx.save_for_backward(x, beta)
        return x / (1 + np.exp(-beta * x))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, beta = ctx.saved_tensors
        s = 1 / (1 + (-beta * x).exp())
        ds = s * (1 - s)
        return g * (s + beta * x * ds), g * x * x * ds


class TorchSwish(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x, beta)
        return x * torch.sigmoid(beta * x)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x, beta = ctx.saved_tensors
        s = torch.sigmoid(beta * x)
        ds = s * (1 - s)
        # PyTorch sums a gradient of the result's shape back to beta's too.
        return g * (s + beta * x * ds), g * x * x * ds


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(np.float64, (4, 3), elements=st.floats(-3, 3)),
    hnp.arrays(np.float64, (3,), elements=st.floats(0.2, 2)),
)
def test_a_function_matches_pytorchs_first_and_second_derivatives(x: Any, beta: Any) -> None:
    weights = np.random.default_rng(0).standard_normal((4, 3))
    tx, tb = (torch.tensor(a, requires_grad=True) for a in (x, beta))
    vx, vb = Value(x), Value(beta)

    ty = TorchSwish.apply(tx, tb)
    vy = Swish.apply(vx, vb)
    np.testing.assert_allclose(vy.data, ty.detach().numpy(), rtol=1e-12, atol=1e-14)

    tgx, tgb = torch.autograd.grad((ty * torch.tensor(weights)).sum(), (tx, tb), create_graph=True)
    vgx, vgb = tensorgrad.grad((vy * weights).sum(), [vx, vb], create_graph=True)
    np.testing.assert_allclose(vgx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(vgb.data, tgb.detach().numpy(), rtol=1e-10, atol=1e-12)

    t2x, t2b = torch.autograd.grad(tgx.sum() + tgb.sum(), (tx, tb))
    v2x, v2b = tensorgrad.grad(vgx.sum() + vgb.sum(), [vx, vb])
    np.testing.assert_allclose(v2x.data, t2x.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(v2b.data, t2b.numpy(), rtol=1e-9, atol=1e-11)

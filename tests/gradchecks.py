"""The gradient check the tensorgrad tests share: first and second order against central
differences, with :func:`tensorgrad.gradcheck`.

The second order is checked on ``sum_k <w_k, d<u, fn(xs)>/dx_k>`` for fixed random ``u`` and
``w_k``: the gradients computed under ``create_graph``, whose own gradient holds ``fn``'s second
derivatives, so the backward formulas are checked as they run on Values. Two families check
differently, for reasons of their own: ``tests/tensorgrad/test_gather_scatter.py`` (through a
square: its ops are linear) and ``tests/tensorgrad/test_shape_building.py`` (with respect to
``u`` too: its ops are linear in each operand).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tensorgrad import Value, grad, gradcheck


def fixed_weights(shape: tuple[int, ...], seed: int) -> np.ndarray:
    """Standard normal numbers of ``shape``, the same for the same seed."""
    return np.random.default_rng(seed).standard_normal(shape)


def check(fn: Callable[..., Value], *arrays: np.ndarray, second: bool = True) -> None:
    """First- (and, with ``second``, second-) order gradients of ``fn`` at ``arrays`` against
    central differences."""
    inputs = [Value(a) for a in arrays]
    gradcheck(fn, *inputs)
    if not second:
        return

    def weighted_gradients(*xs: Value) -> Value:
        """``sum_k <w_k, d<u, fn(xs)>/dx_k>``: its gradient holds second derivatives of fn."""
        out = fn(*xs)
        seed = fixed_weights(out.shape, 1)
        grads = grad((out * seed).sum(), xs, create_graph=True, allow_unused=True)
        # `0 * x.sum()` keeps every input in the graph, even where the gradient is constant.
        total = sum((x.sum() * 0 for x in xs), start=Value(0.0, requires_grad=False))
        for g, x in zip(grads, xs):
            total = total + (g * fixed_weights(x.shape, 2)).sum()
        return total

    gradcheck(weighted_gradients, *inputs)

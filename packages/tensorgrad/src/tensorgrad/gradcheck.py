"""Check backward against finite differences, as ``torch.autograd.gradcheck`` does.

The derivative of ``f`` at ``x`` in direction ``e`` is about ``(f(x + εe) - f(x - εe)) / 2ε``,
with an error of order ``ε²``: in float64 and with ``ε = 1e-6`` that is good to about
eight digits, enough to catch any wrong formula. A non-scalar output is first reduced to
a scalar with fixed random weights, ``sum(w * f(x))``, so that one backward pass checks
every element of every input (a wrong gradient for any output element would almost
surely change the weighted sum).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tensorgrad.autograd import grad
from tensorgrad.tensor import Value

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when backward and finite differences disagree.

    Examples
    --------
    >>> from tensorgrad import GradcheckError
    >>> issubclass(GradcheckError, RuntimeError)
    True
    """


def gradcheck(
    fn: Callable[..., Value],
    *inputs: Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Compare the gradients backward computes for ``fn(*inputs)`` with central differences.

    Every input that requires grad is checked, element by element: backward's value
    ``a`` and the finite difference ``n`` must satisfy ``|a - n| <= atol + rtol * |n|``.
    ``fn`` may itself call :func:`tensorgrad.grad` with ``create_graph=True``, which
    checks second derivatives.

    Parameters
    ----------
    fn : callable
        Takes the inputs, returns a Value.
    *inputs : Value
        Float64 Values (finite differences in float32 are too coarse to mean anything).
    eps : float, default 1e-6
        The step of the central differences.
    atol, rtol : float
        The absolute and relative tolerances.

    Returns
    -------
    bool
        True, if the check passes.

    Raises
    ------
    GradcheckError
        Naming the input, the index and both values of the worst mismatch.
    TypeError
        If an input is not a float64 Value, or ``fn`` does not return a Value.

    Examples
    --------
    >>> from tensorgrad import Value, gradcheck
    >>> x = Value([0.5, -1.0])
    >>> gradcheck(lambda v: (v * v).tanh(), x)
    True
    """
    for k, x in enumerate(inputs):
        if not isinstance(x, Value) or x.dtype != np.float64:
            what = f"dtype {x.dtype}" if isinstance(x, Value) else type(x).__name__
            raise TypeError(f"gradcheck: input {k} must be a float64 Value, got {what}")
    checked = [k for k, x in enumerate(inputs) if x.requires_grad]
    if not checked:
        return True
    out = fn(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}")
    weights = np.random.default_rng(0).standard_normal(out.shape)

    def objective() -> float:
        # Grad mode stays on: fn may itself compute gradients (to check second derivatives).
        return float((fn(*inputs).data * weights).sum())

    analytic = grad((out * weights).sum(), [inputs[k] for k in checked], allow_unused=True)
    for k, a in zip(checked, analytic):
        _compare(k, a.data, _numeric_gradient(objective, inputs[k], eps), atol, rtol)
    return True


def _numeric_gradient(objective: Callable[[], float], x: Value, eps: float) -> Any:
    """Central differences of ``objective`` with respect to each element of ``x``.

    Each change goes through ``x.data`` afresh: an alias kept across the calls of
    ``objective`` could stop being x's array (see :attr:`tensorgrad.Value.data`).
    """
    numeric = np.zeros_like(x.data)
    for index in np.ndindex(x.shape):
        saved = x.data[index]
        x.data[index] = saved + eps
        above = objective()
        x.data[index] = saved - eps
        below = objective()
        x.data[index] = saved
        numeric[index] = (above - below) / (2 * eps)
    return numeric


def _compare(k: int, analytic: Any, numeric: Any, atol: float, rtol: float) -> None:
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    excess = np.where(np.isnan(excess), np.inf, excess)  # a NaN on either side is a mismatch
    if excess.size == 0 or excess.max() <= 0:
        return
    index = tuple(int(j) for j in np.unravel_index(excess.argmax(), excess.shape))
    raise GradcheckError(
        f"gradcheck: the gradient of input {k} at index {index} is {float(analytic[index])!r} "
        f"by backward but {float(numeric[index])!r} by finite differences "
        f"(atol={atol}, rtol={rtol})"
    )

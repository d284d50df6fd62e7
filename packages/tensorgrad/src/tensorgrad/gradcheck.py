"""Check backward against finite differences, as ``torch.autograd.gradcheck`` does.

The derivative of ``f`` at ``x`` in direction ``e`` is about ``(f(x + εe) - f(x - εe)) / 2ε``,
with an error of order ``ε²``: in float64 and with ``ε = 1e-6`` that is good to about
eight digits, enough to catch any wrong formula. A non-scalar output is first reduced to
a scalar with fixed random weights, ``sum(w * f(x))``, so that one backward pass checks
every element of every input (a wrong gradient for any output element would almost
surely change the weighted sum).
"""

from __future__ import annotations

import math
import numbers
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
        Takes the inputs, returns a Value (of the same shape at every call).
    *inputs : Value
        Float64 Values, given one by one (``gradcheck(fn, x, y)``, where PyTorch takes
        the tuple ``(x, y)``). Float32 is refused, not warned about as PyTorch does: its
        finite differences are too coarse to mean anything, so the check would fail on a
        right gradient. Inputs with ``requires_grad=False`` are passed to ``fn`` but not
        checked.
    eps : float, default 1e-6
        The step of the central differences: a finite number above 0.
    atol, rtol : float, default 1e-5 and 1e-3
        The absolute and relative tolerances: finite numbers, 0 or above.

    Returns
    -------
    bool
        True, if the check passes.

    Raises
    ------
    GradcheckError
        Naming the input, the index and both values of the worst mismatch.
    TypeError
        If ``fn`` is not callable, an input is not a float64 Value, ``eps``, ``atol`` or
        ``rtol`` is not a real number, or ``fn`` does not return a Value.
    ValueError
        If ``eps`` is not above 0, ``atol`` or ``rtol`` is below 0, one of them is not
        finite, no input requires grad, or ``fn`` returns Values of different shapes from
        one call to the next.

    Examples
    --------
    >>> from tensorgrad import Value, gradcheck
    >>> x = Value([0.5, -1.0])
    >>> gradcheck(lambda v: (v * v).tanh(), x)
    True
    >>> gradcheck(lambda v: v * 2, x, eps=0)
    Traceback (most recent call last):
    ...
    ValueError: gradcheck: eps must be a finite number above 0, got 0
    """
    if not callable(fn):
        raise TypeError(
            f"gradcheck: fn must be callable (the function to check), got "
            f"{type(fn).__name__} {fn!r}: call gradcheck(fn, *inputs)"
        )
    for k, x in enumerate(inputs):
        if not isinstance(x, Value) or x.dtype != np.float64:
            raise TypeError(f"gradcheck: input {k} must be a float64 Value, got {_kind(x)}")
    eps = _tolerance(eps, "eps", above_zero=True)
    atol = _tolerance(atol, "atol", above_zero=False)
    rtol = _tolerance(rtol, "rtol", above_zero=False)
    checked = [k for k, x in enumerate(inputs) if x.requires_grad]
    if not checked:  # (as PyTorch: a check of nothing would pass, and prove nothing)
        raise ValueError(
            f"gradcheck: expects at least one input that requires grad, got {len(inputs)} "
            f"input(s) and none requires grad"
        )
    out = _output(fn(*inputs), None)
    weights = np.random.default_rng(0).standard_normal(out.shape)

    def objective() -> float:
        # Grad mode stays on: fn may itself compute gradients (to check second derivatives).
        return float((_output(fn(*inputs), out.shape).data * weights).sum())

    if out.requires_grad:
        wanted = [inputs[k] for k in checked]
        analytic = [a.data for a in grad((out * weights).sum(), wanted, allow_unused=True)]
        note = ""
    else:
        # No graph leads back to the inputs (detached, under no_grad, or made of constants):
        # backward gives them no gradient, which is right only if fn does not depend on them.
        analytic = [np.zeros_like(inputs[k].data) for k in checked]
        note = " (fn's output does not require grad: it is detached or made under no_grad)"
    for k, a in zip(checked, analytic):
        _compare(k, a, _numeric_gradient(objective, inputs[k], eps), atol, rtol, note)
    return True


def _kind(x: object) -> str:
    """What an input is instead of a float64 Value, with a hint for PyTorch's spelling."""
    if isinstance(x, Value):
        return f"dtype {x.dtype}"
    if isinstance(x, (tuple, list)) and any(isinstance(v, Value) for v in x):
        return (
            f"{type(x).__name__} of Values: pass the inputs one by one, gradcheck(fn, x, y), "
            "not as PyTorch's tuple gradcheck(fn, (x, y))"
        )
    return type(x).__name__


def _tolerance(value: object, name: str, above_zero: bool) -> float:
    """``value`` as a float, if it is a finite real number above (or at least) 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"gradcheck: {name} must be a real number, got {type(value).__name__} {value!r}"
        )
    number = float(value)
    if not math.isfinite(number) or number < 0 or (above_zero and number == 0):
        bound = "above 0" if above_zero else "0 or above"
        raise ValueError(f"gradcheck: {name} must be a finite number {bound}, got {value!r}")
    return number


def _output(out: object, shape: tuple[int, ...] | None) -> Value:
    """``fn``'s result, if it is a Value (of ``shape``, if given: the first call's)."""
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}")
    if shape is not None and out.shape != shape:
        # (Data-dependent output such as x[x > 0], whose size changed when an input moved.)
        raise ValueError(
            f"gradcheck: fn returned a Value of shape {shape}, then one of shape {out.shape} "
            "when an input was moved by eps: its output must keep one shape"
        )
    return out


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


def _compare(k: int, analytic: Any, numeric: Any, atol: float, rtol: float, note: str) -> None:
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    excess = np.where(np.isnan(excess), np.inf, excess)  # a NaN on either side is a mismatch
    if excess.size == 0 or excess.max() <= 0:
        return
    index = tuple(int(j) for j in np.unravel_index(excess.argmax(), excess.shape))
    raise GradcheckError(
        f"gradcheck: the gradient of input {k} at index {index} is {float(analytic[index])!r} "
        f"by backward{note} but {float(numeric[index])!r} by finite differences "
        f"(atol={atol}, rtol={rtol})"
    )

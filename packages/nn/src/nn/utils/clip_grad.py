"""Gradient clipping, as ``torch.nn.utils``: scale or cut the gradients before a step.

Both functions change the ``.grad`` arrays of the parameters in place, between
``loss.backward()`` and ``optimizer.step()``. A parameter without a gradient (one the loss
did not use, see :attr:`tensorgrad.Value.has_grad`) is skipped, as in PyTorch. Gradients
keep their dtype: float32 gradients stay float32.
"""

from __future__ import annotations

import math
import numbers
import types
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import check_bool, describe
from nn.parameter import parameter_list
from tensorgrad import Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]

Array = npt.NDArray[Any]
Parameters = Value | Iterable[Value]


def clip_grad_norm_(
    parameters: Parameters,
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Value:
    """Scale the gradients down so that their total norm is at most ``max_norm``; in place.

    The total norm is the ``norm_type``-norm of all the gradients together, as if they
    were one vector (computed, as PyTorch does, as the norm of each gradient's norm). Every
    gradient is then multiplied by PyTorch's ``min(max_norm / (total_norm + 1e-6), 1)``:
    unchanged when the norm is small enough, scaled to a norm just under ``max_norm``
    otherwise.

    Parameters
    ----------
    parameters : Value or iterable of Value
        Such as ``model.parameters()``; those without a gradient are skipped.
    max_norm : float
        The largest total norm allowed (``>= 0``; ``inf`` clips nothing).
    norm_type : float or "inf", default 2.0
        The ``p`` of the p-norm: ``2.0`` (Euclidean), ``1.0``, ``float("inf")`` or
        ``"inf"`` (the largest absolute value), or any other number, as PyTorch's
        ``vector_norm`` takes it.
    error_if_nonfinite : bool, default False
        Raise, leaving the gradients as they are, if the total norm is NaN or infinite.
        (By default they are scaled by it anyway, as in PyTorch: to zeros, or NaN.)
    foreach : bool or None, default None
        Accepted for PyTorch's signature; numpy has a single implementation.

    Returns
    -------
    Value
        The total norm of the gradients before clipping, a 0-d Value (no gradient) in the
        gradients' dtype; float64 zero if no parameter has a gradient.

    Raises
    ------
    TypeError
        If ``parameters`` is not a Value or an iterable of Values, ``max_norm`` or
        ``norm_type`` is not a real number, or a switch is not a bool.
    ValueError
        If ``max_norm`` is negative or NaN, or ``norm_type`` is NaN.
    RuntimeError
        If ``error_if_nonfinite`` and the total norm is NaN or infinite.

    Notes
    -----
    Where PyTorch's float32 sum of squares overflows (gradients near ``1e20``) and gives an
    infinite norm (so the gradients become zeros), the norm is computed again here with the
    gradient scaled by its largest entry, and is the finite number it should be. A
    parameter given twice counts once.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> w = nn.Parameter(np.zeros(2))
    >>> w.grad = np.array([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    Value(data=5.0, grad=0.0, requires_grad=False)
    >>> w.grad.round(6)
    array([0.6, 0.8])
    """
    where = "clip_grad_norm_"
    generator = isinstance(parameters, types.GeneratorType)
    values = _unique(parameter_list(where, parameters))
    limit = _bound(where, "max_norm", max_norm)
    p = _norm_type(where, norm_type)
    check_bool(where, "error_if_nonfinite", error_if_nonfinite)
    _check_foreach(where, foreach)
    if generator and not values:
        warnings.warn(
            "clip_grad_norm_: parameters is an empty generator, no gradient clipping will "
            "occur (was it used up already?)",
            stacklevel=2,
        )
    grads = [value.grad for value in values if value.has_grad]
    norms = [_vector_norm(grad, p) for grad in grads if grad.size]
    total = _vector_norm(np.array(norms), p) if norms else np.float64(0.0)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {p} of the gradients is {total}, "
            f"so it cannot be clipped; to scale the gradients by it anyway, pass "
            f"error_if_nonfinite=False"
        )
    if grads:
        with np.errstate(invalid="ignore"):  # (an infinite norm: inf * 0 where asked for)
            # (total's dtype: a Python number does not widen a float32 norm)
            coefficient = np.minimum(limit / (total + 1e-6), 1.0)
            for grad in grads:
                grad *= coefficient  # each Value's own array (see Value.grad): in place
    return Value(total, requires_grad=False)


def clip_grad_value_(
    parameters: Parameters, clip_value: float, foreach: bool | None = None
) -> None:
    """Clip every gradient entry into ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    parameters : Value or iterable of Value
        Such as ``model.parameters()``; those without a gradient are skipped.
    clip_value : float
        The largest absolute value left (``>= 0``). A NaN gradient entry stays NaN.
    foreach : bool or None, default None
        Accepted for PyTorch's signature; numpy has a single implementation.

    Raises
    ------
    TypeError
        If ``parameters`` is not a Value or an iterable of Values, ``clip_value`` is not a
        real number, or ``foreach`` is not a bool or None.
    ValueError
        If ``clip_value`` is negative or NaN (PyTorch would set every entry to it).

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> w = nn.Parameter(np.zeros(3))
    >>> w.grad = np.array([-5.0, 0.5, 2.0])
    >>> nn.utils.clip_grad_value_(w, 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ])
    """
    where = "clip_grad_value_"
    values = _unique(parameter_list(where, parameters))
    limit = _bound(where, "clip_value", clip_value)
    _check_foreach(where, foreach)
    for value in values:
        if value.has_grad:
            grad = value.grad
            np.clip(grad, -limit, limit, out=grad)


def _unique(values: list[Value]) -> list[Value]:
    """Each Value once: a gradient given twice must not be scaled twice."""
    return list({id(value): value for value in values}.values())


def _vector_norm(x: Array, p: float) -> Any:
    """The ``p``-norm of ``x`` as one vector, in ``x``'s dtype, without a false overflow."""
    flat = x.ravel()
    with np.errstate(all="ignore"):  # 0 ** -1 for a negative p: inf, as the math has it
        norm = np.linalg.norm(flat, ord=p)
        if 0 < p < math.inf and not 0 < norm < math.inf:
            # The sum of powers over- or underflowed, or the entries are zero, inf or NaN:
            # scaled by its largest entry, a finite vector has a finite, exact norm.
            peak = np.max(np.abs(flat))
            if 0 < peak < math.inf:
                norm = peak * np.linalg.norm(flat / peak, ord=p)
    return norm


def _bound(where: str, name: str, value: object) -> float:
    """A bound (``max_norm``, ``clip_value``): a real number, ``>= 0``, perhaps ``inf``."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value.item()  # a 0-d array is its number, as a 0-d tensor is to PyTorch
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got {describe(value)}")
    number = float(value)
    if not number >= 0:  # NaN too
        raise ValueError(f"{where}: {name} must be a number >= 0, got {value!r}")
    return number


def _norm_type(where: str, value: object) -> float:
    if isinstance(value, str) and value.strip().lower() in ("inf", "-inf"):
        return float(value)  # PyTorch's spelling of the infinity norm
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where}: norm_type must be a real number (or 'inf'), got {describe(value)}"
        )
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{where}: norm_type must be a number, got {value!r}")
    return number


def _check_foreach(where: str, foreach: object) -> None:
    if foreach is not None:
        check_bool(where, "foreach", foreach)

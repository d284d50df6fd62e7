"""Activation functions beyond ``relu``, ``tanh`` and ``sigmoid``, as PyTorch's
``torch.nn.functional`` has them: ``leaky_relu``, ``gelu``, ``elu``, ``selu``, ``silu``,
``softplus``, ``hardtanh``, ``relu6``, ``mish``, ``logsigmoid`` and ``softsign``.

Each is one node with its closed-form derivative, not a chain of elementwise nodes: ``gelu``
written as ``0.5 * x * (1 + erf(x / √2))`` would make five nodes and keep four arrays for
backward, where one node keeps ``x``.

The formulas, the constants and the gradients at the kinks are PyTorch's (its
``tools/autograd/derivatives.yaml`` and the CPU kernels behind it), and every function is
written to stay finite in both tails, in float32 as in float64: ``softplus(1e4)`` is ``1e4``
and ``logsigmoid(-1e4)`` is ``-1e4``, without an overflowing ``exp``.

The backward formulas compute their derivative from ``x`` with tensorgrad's own functions
(:func:`~tensorgrad.ops.unary.sigmoid`, ``tanh``, ``exp``, ``erf``...): on arrays they give
arrays, and under ``create_graph=True``, where ``x`` arrives as a Value, the same line
builds a graph, so every activation can be differentiated again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from tensorgrad import special
from tensorgrad.axes import real_arg, refuse_inplace
from tensorgrad.ops import unary
from tensorgrad.record import Operand, as_value, new_value, plain, record, where_of
from tensorgrad.tensor import Value

__all__ = [
    "elu",
    "gelu",
    "hardtanh",
    "leaky_relu",
    "logsigmoid",
    "mish",
    "relu6",
    "selu",
    "silu",
    "softplus",
    "softsign",
]

# selu's constants (Klambauer et al., 2017), to the digits PyTorch writes them with
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)  # the standard normal density at 0
_TANH_BETA = math.sqrt(2.0 / math.pi)  # gelu's tanh approximation, as PyTorch's kBeta
_TANH_KAPPA = 0.044715  # ... and its kKappa


# -- piecewise linear: leaky_relu, hardtanh, relu6 --------------------------------------------


def leaky_relu(x: Operand, negative_slope: float = 0.01, inplace: bool = False) -> Value:
    """``x`` where ``x > 0``, ``negative_slope * x`` elsewhere, elementwise.

    Parameters
    ----------
    x : Value, ndarray or number
        The input (an array or a number is a constant).
    negative_slope : float, default 0.01
        The slope for ``x <= 0``; any real number, as in PyTorch.
    inplace : bool, default False
        PyTorch's; only False is accepted (see :func:`~tensorgrad.axes.refuse_inplace`).

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or ``negative_slope`` is not a real number (a bool, a
        string, a Value, an array of several numbers).
    ValueError
        If ``negative_slope`` is NaN, or ``inplace`` is True.

    Examples
    --------
    >>> from tensorgrad import Value, leaky_relu
    >>> x = Value([-2.0, 0.0, 3.0])
    >>> y = leaky_relu(x, 0.1)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-0.2,  0. ,  3. ]), array([0.1, 0.1, 1. ]))
    """
    refuse_inplace(inplace, "leaky_relu")
    x = as_value(x, "leaky_relu")
    slope = real_arg(negative_slope, "negative_slope", "leaky_relu")
    a = x._data
    data = np.where(a > 0, a, a * slope)
    return record(data, "leaky_relu", _leaky_relu_backward, (x,), (a, slope))


def _leaky_relu_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d leaky_relu(x) = dx where x > 0, negative_slope dx elsewhere

    Ties: at x == 0 the gradient is negative_slope, and at NaN too (PyTorch's ``x > 0``).
    """
    x, slope = saved
    return where_of(plain(x) > 0, g, g * slope)


def hardtanh(
    x: Operand, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Value:
    """``x`` limited to ``[min_val, max_val]``, elementwise.

    As PyTorch's: the gradient is 0 at the bounds themselves (where
    :func:`~tensorgrad.ops.unary.clip` passes it), and passes through a NaN.

    Parameters
    ----------
    x : Value, ndarray or number
        The input.
    min_val, max_val : float, default -1.0 and 1.0
        The bounds; infinite bounds leave that side open.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or a bound is not a real number.
    ValueError
        If ``min_val > max_val`` (as PyTorch's), a bound is NaN, or ``inplace`` is True.

    Examples
    --------
    >>> from tensorgrad import Value, hardtanh
    >>> x = Value([-2.0, -1.0, 0.5, 3.0])
    >>> y = hardtanh(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-1. , -1. ,  0.5,  1. ]), array([0., 0., 1., 0.]))
    """
    refuse_inplace(inplace, "hardtanh")
    return _hardtanh(x, min_val, max_val, "hardtanh")


def relu6(x: Operand, inplace: bool = False) -> Value:
    """``min(max(x, 0), 6)``, elementwise: :func:`hardtanh` with bounds 0 and 6, as in PyTorch.

    The gradient is 0 at 0 and at 6, and passes through a NaN.
    PyTorch's ``inplace=False`` is accepted; ``inplace=True`` is refused (see
    :func:`~tensorgrad.axes.refuse_inplace`).

    Examples
    --------
    >>> from tensorgrad import Value, relu6
    >>> relu6(Value([-1.0, 3.0, 7.0])).data
    array([0., 3., 6.])
    """
    refuse_inplace(inplace, "relu6")
    return _hardtanh(x, 0.0, 6.0, "relu6")


def _hardtanh(x: Operand, min_val: Any, max_val: Any, op: str) -> Value:
    x = as_value(x, op)
    lo, hi = real_arg(min_val, "min_val", op), real_arg(max_val, "max_val", op)
    if lo > hi:
        raise ValueError(f"{op}: min_val ({lo!r}) cannot be greater than max_val ({hi!r})")
    data = np.clip(x._data, lo, hi)
    return record(data, op, _hardtanh_backward, (x,), (x._data, lo, hi))


def _hardtanh_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d hardtanh(x) = dx where min_val < x < max_val, 0 elsewhere (relu6: bounds 0 and 6)

    Ties: 0 at x == min_val and at x == max_val; a NaN passes its gradient through (PyTorch's
    mask is ``x <= min_val or x >= max_val``, false for NaN).
    """
    x, lo, hi = saved
    a = plain(x)
    return g * ~((a <= lo) | (a >= hi))


# -- exponential: elu, selu ---------------------------------------------------------------------


def elu(x: Operand, alpha: float = 1.0, inplace: bool = False) -> Value:
    """``x`` where ``x > 0``, ``alpha * (exp(x) - 1)`` elsewhere, elementwise.

    Parameters
    ----------
    x : Value, ndarray or number
        The input.
    alpha : float, default 1.0
        The value the function tends to, negated, as ``x`` goes to ``-inf``.
    inplace : bool, default False
        PyTorch's; only False is accepted (see :func:`~tensorgrad.axes.refuse_inplace`).

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or ``alpha`` is not a real number.
    ValueError
        If ``alpha`` is NaN, or ``inplace`` is True.

    Examples
    --------
    >>> from tensorgrad import Value, elu
    >>> x = Value([-1000.0, 0.0, 2.0])
    >>> y = elu(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-1.,  0.,  2.]), array([0., 1., 1.]))
    """
    refuse_inplace(inplace, "elu")
    return _elu(x, real_arg(alpha, "alpha", "elu"), 1.0, "elu")


def selu(x: Operand, inplace: bool = False) -> Value:
    """Scaled ELU: ``scale * elu(x, alpha)``, elementwise (Klambauer et al., 2017), with
    PyTorch's constants ``alpha = 1.6732632423543772848170429916717`` and
    ``scale = 1.0507009873554804934193349852946``.

    The constants make the activations of a deep network of ``selu`` layers keep mean 0
    and variance 1 (with weights of variance ``1 / fan_in``). At 0 the gradient is the
    left side's, ``alpha * scale``, as in PyTorch.
    PyTorch's ``inplace=False`` is accepted; ``inplace=True`` is refused (see
    :func:`~tensorgrad.axes.refuse_inplace`).

    Examples
    --------
    >>> from tensorgrad import Value, selu
    >>> selu(Value([0.0, 1.0])).data
    array([0.       , 1.05070099])
    """
    refuse_inplace(inplace, "selu")
    return _elu(x, _SELU_ALPHA, _SELU_SCALE, "selu")


def _elu(x: Operand, alpha: float, scale: float, op: str) -> Value:
    x = as_value(x, op)
    a = x._data
    # expm1 of min(x, 0): the branch for x <= 0 never overflows, and is accurate near 0.
    negative = np.expm1(np.minimum(a, 0)) * (alpha * scale)
    data = np.where(a <= 0, negative, a * scale)
    return record(data, op, _elu_backward, (x,), (a, alpha, scale))


def _elu_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (scale elu(x, alpha)) = scale dx where x > 0, alpha scale e**x dx elsewhere
    (elu: scale 1; selu: PyTorch's constants)

    Ties: at x == 0 the gradient is the left side's, alpha * scale (PyTorch's ``x <= 0``);
    a NaN takes the right side's, scale.
    """
    x, alpha, scale = saved
    left = plain(x) <= 0
    exp_x = _on(unary.exp, where_of(left, x, 0.0))  # e**x on the left, 1 (unused) on the right
    return where_of(left, g * (exp_x * (alpha * scale)), g * scale)


# -- smooth: silu, softplus, logsigmoid, mish, softsign -----------------------------------------


def silu(x: Operand, inplace: bool = False) -> Value:
    """``x * sigmoid(x)`` (the sigmoid linear unit, or swish), elementwise.

    PyTorch's ``inplace=False`` is accepted; ``inplace=True`` is refused (see
    :func:`~tensorgrad.axes.refuse_inplace`).

    Examples
    --------
    >>> from tensorgrad import Value, silu
    >>> x = Value([-1e4, 0.0, 1e4])
    >>> y = silu(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([   -0.,     0., 10000.]), array([-0. ,  0.5,  1. ]))
    """
    refuse_inplace(inplace, "silu")
    x = as_value(x, "silu")
    a = x._data
    data = a * _on(unary.sigmoid, a)
    return record(data, "silu", _silu_backward, (x,), (a,))


def _silu_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d silu(x) = σ(x) (1 + x (1 - σ(x))) dx"""
    x = saved[0]
    s = _on(unary.sigmoid, x)
    return g * (s * (1 + x * (1 - s)))


def softplus(x: Operand, beta: float = 1.0, threshold: float = 20.0) -> Value:
    """``log(1 + exp(beta * x)) / beta``, elementwise; ``x`` itself where ``beta * x > threshold``.

    A smooth :func:`~tensorgrad.ops.unary.relu`. As in PyTorch, above the threshold the
    function is taken as linear (the two differ by less than ``exp(-threshold) / beta``).
    Below it the logarithm is computed as ``max(z, 0) + log1p(exp(-|z|))`` with
    ``z = beta * x``, which never overflows.

    Parameters
    ----------
    x : Value, ndarray or number
        The input.
    beta : float, default 1.0
        The sharpness; any real number, as in PyTorch (0 gives ``inf``).
    threshold : float, default 20.0
        Where the linear part starts, in terms of ``beta * x``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or ``beta`` or ``threshold`` is not a real number.
    ValueError
        If ``beta`` or ``threshold`` is NaN.

    Examples
    --------
    >>> from tensorgrad import Value, softplus
    >>> x = Value([-1e4, 0.0, 1e4])
    >>> y = softplus(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([0.00000000e+00, 6.93147181e-01, 1.00000000e+04]), array([0. , 0.5, 1. ]))
    """
    x = as_value(x, "softplus")
    b = real_arg(beta, "beta", "softplus")
    t = real_arg(threshold, "threshold", "softplus")
    a = x._data
    # beta x may overflow to ±inf (float32's 3e38 times 2): then the linear part or 0 is
    # right. beta = 0 makes log(2) / 0 = inf, as in PyTorch.
    with np.errstate(over="ignore", divide="ignore"):
        z = a * b
        soft = _softplus_array(z) / b
    data = np.where(z > t, a, soft)
    return record(data, "softplus", _softplus_backward, (x,), (a, b, t))


def _softplus_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d softplus(x) = σ(beta x) dx where beta x <= threshold, dx elsewhere

    Ties: at beta * x == threshold the gradient is σ(threshold), the smooth side's, as in
    PyTorch (whose second derivative is 0 there; this one's is the smooth side's).
    """
    x, beta, threshold = saved
    with np.errstate(over="ignore"):  # beta x = ±inf: σ is 1 or 0, as it should be
        linear = plain(x) * beta > threshold
        return where_of(linear, g, g * _on(unary.sigmoid, x * beta))


def logsigmoid(x: Operand) -> Value:
    """``log(sigmoid(x))`` elementwise, computed as ``min(x, 0) - log1p(exp(-|x|))``.

    Accurate and finite in both tails: ``logsigmoid(-1e4)`` is ``-1e4``, not ``-inf``.

    Examples
    --------
    >>> from tensorgrad import Value, logsigmoid
    >>> x = Value([-1e4, 0.0, 1e4])
    >>> y = logsigmoid(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-1.00000000e+04, -6.93147181e-01, -0.00000000e+00]), array([1. , 0.5, 0. ]))
    """
    x = as_value(x, "logsigmoid")
    a = x._data
    data = -_softplus_array(-a)  # log σ(x) = -log(1 + e**-x)
    return record(data, "logsigmoid", _logsigmoid_backward, (x,), (a,))


def _logsigmoid_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d log σ(x) = (1 - σ(x)) dx = σ(-x) dx"""
    return g * _on(unary.sigmoid, -saved[0])


def mish(x: Operand, inplace: bool = False) -> Value:
    """``x * tanh(softplus(x))`` (Misra, 2019), elementwise.

    PyTorch's ``inplace=False`` is accepted; ``inplace=True`` is refused (see
    :func:`~tensorgrad.axes.refuse_inplace`).

    Examples
    --------
    >>> from tensorgrad import Value, mish
    >>> mish(Value([-1e4, 0.0, 1.0, 1e4])).data
    array([-0.00000000e+00,  0.00000000e+00,  8.65098388e-01,  1.00000000e+04])
    """
    refuse_inplace(inplace, "mish")
    x = as_value(x, "mish")
    a = x._data
    data = a * np.tanh(_softplus_array(a))
    return record(data, "mish", _mish_backward, (x,), (a,))


def _mish_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d mish(x) = (t + x σ(x) (1 - t²)) dx, with t = tanh(softplus(x))"""
    x = saved[0]
    t = _on(_tanh_softplus, x)
    return g * (t + x * _on(unary.sigmoid, x) * (1 - t * t))


def _tanh_softplus(x: Value) -> Value:
    """``tanh(softplus(x))`` with no linear part (threshold inf), for mish's derivative."""
    return unary.tanh(softplus(x, threshold=math.inf))


def softsign(x: Operand) -> Value:
    """``x / (1 + |x|)``, elementwise, in ``(-1, 1)``.

    Examples
    --------
    >>> from tensorgrad import Value, softsign
    >>> x = Value([-3.0, 0.0, 1.0])
    >>> y = softsign(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-0.75,  0.  ,  0.5 ]), array([0.0625, 1.    , 0.25  ]))
    """
    x = as_value(x, "softsign")
    a = x._data
    data = a / (1 + np.abs(a))
    return record(data, "softsign", _softsign_backward, (x,), (a,))


def _softsign_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d softsign(x) = dx / (1 + |x|)²"""
    d = 1 + abs(saved[0])
    return g / d / d  # (not / d**2, which overflows in float32 from |x| = 2e19 on)


# -- gelu -------------------------------------------------------------------------------------


def gelu(x: Operand, approximate: str = "none") -> Value:
    """Gaussian error linear unit ``x Φ(x)``, elementwise (Hendrycks and Gimpel, 2016).

    ``Φ`` is the standard normal distribution function, ``Φ(x) = (1 + erf(x / √2)) / 2``.
    With ``approximate="tanh"`` it is PyTorch's approximation
    ``0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))``.

    Parameters
    ----------
    x : Value, ndarray or number
        The input.
    approximate : {"none", "tanh"}, default "none"
        The exact function, or the tanh approximation.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or ``approximate`` is not a string.
    ValueError
        If ``approximate`` is another string.

    Examples
    --------
    >>> from tensorgrad import Value, gelu
    >>> x = Value([-1.0, 0.0, 1.0])
    >>> y = gelu(x)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([-0.15865525,  0.        ,  0.84134475]), array([-0.08331547,  0.5       ,  1.08331547]))
    >>> gelu(x, approximate="tanh").data
    array([-0.15880801,  0.        ,  0.84119199])
    """
    x = as_value(x, "gelu")
    if not isinstance(approximate, str):
        raise TypeError(
            f"gelu: approximate must be a string, 'none' or 'tanh', got "
            f"{type(approximate).__name__} {approximate!r}"
        )
    a = x._data
    if approximate == "none":
        data = a * 0.5 * (1 + special.erf(a * _SQRT1_2))
        return record(data, "gelu", _gelu_backward, (x,), (a,))
    if approximate == "tanh":
        with np.errstate(over="ignore"):  # x³ of |x| > 7e12 in float32 is inf: tanh is ±1
            inner = (a + _TANH_KAPPA * (a * a * a)) * _TANH_BETA
        data = 0.5 * a * (1 + np.tanh(inner))
        return record(data, "gelu", _gelu_tanh_backward, (x,), (a,))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _gelu_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (x Φ(x)) = (Φ(x) + x φ(x)) dx, with φ(x) = e**(-x²/2) / √(2π)"""
    x = saved[0]
    cdf = 0.5 * (1 + _on(unary.erf, x * _SQRT1_2))
    with np.errstate(over="ignore"):  # x² overflows float32 from |x| = 2e19: φ(x) is 0
        pdf = _on(unary.exp, x * x * -0.5) * _INV_SQRT_2PI
    return g * (cdf + x * pdf)


def _gelu_tanh_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (x (1 + tanh(u)) / 2) = ((1 + t) / 2 + x (1 - t²) u' / 2) dx,
    with u = √(2/π) (x + 0.044715 x³), u' = √(2/π) (1 + 3 · 0.044715 x²) and t = tanh(u)"""
    x = saved[0]
    with np.errstate(over="ignore"):  # x³ overflows float32 from |x| = 7e12: t is ±1
        t = _on(unary.tanh, (x + x * x * x * _TANH_KAPPA) * _TANH_BETA)
    # Where |x| >= 1e10, 1 - t² is exactly 0 and x² may overflow float32 (0 * inf is NaN,
    # PyTorch's answer there): u' is taken at 0 instead, which changes nothing else.
    moderate = x * (abs(plain(x)) < 1e10)
    du = (1 + moderate * moderate * (3 * _TANH_KAPPA)) * _TANH_BETA
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


# -- for the forwards and the formulas ----------------------------------------------------------


def _softplus_array(z: Any) -> Any:
    """``log(1 + e**z)`` of an array, as ``max(z, 0) + log1p(e**-|z|)``: no overflow."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _on(fn: Callable[[Value], Value], x: Any) -> Any:
    """``fn``, one of tensorgrad's functions of a Value, on ``x``: an array for an array,
    outside the graph (the fast path), a Value in the graph for a Value (create_graph)."""
    if isinstance(x, Value):
        return fn(x)
    return fn(new_value(x))._data

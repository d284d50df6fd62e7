"""Special functions on numpy arrays, for the ops that need them (numpy itself has none).

:func:`erf` follows W. J. Cody, "Rational Chebyshev approximations for the error
function", *Mathematics of Computation* 23 (1969), 631-637: three rational approximations,
each near-minimax in relative error on its interval, with the coefficients of the paper's
double-precision tables:

* ``|x| <= 0.46875``: ``erf(x) = x R1(x²)``, a ratio of two polynomials of degree 4 in x²;
* ``0.46875 < |x| <= 4``: ``erfc(x) = exp(-x²) R2(x)``, degree 8 over degree 8;
* ``|x| > 4``: ``erfc(x) = exp(-x²) / x (1/√π + R3(1/x²) / x²)``, degree 5 over degree 5.

On the two outer intervals ``erf = 1 - erfc`` with the sign of ``x``. ``exp(-x²)`` is
computed as ``exp(-s²) exp(-(x - s)(x + s))`` with ``s`` the value of ``x`` cut to a
multiple of 1/16, so that the rounding of ``x²`` is not magnified by the exponential.
The arithmetic is float64 throughout (float32 and float16 inputs are computed in float64
and rounded once at the end); against ``math.erf`` the error is a few units in the
last place.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["erf"]

# Cody (1969), the |x| <= 0.46875 approximation: x P(t) / Q(t) with t = x², P and Q of degree 4
# (each tuple has the constant term first).
_SMALL_NUM = (
    3.20937758913846947e03,
    3.77485237685302021e02,
    1.13864154151050156e02,
    3.16112374387056560e00,
    1.85777706184603153e-1,
)
_SMALL_DEN = (
    2.84423683343917062e03,
    1.28261652607737228e03,
    2.44024637934444173e02,
    2.36012909523441209e01,
    1.0,
)
# 0.46875 < |x| <= 4: erfc(x) exp(x²) as a ratio of polynomials in x (constant term first).
_MIDDLE_NUM = (
    1.23033935479799725e03,
    2.05107837782607147e03,
    1.71204761263407058e03,
    8.81952221241769090e02,
    2.98635138197400131e02,
    6.61191906371416295e01,
    8.88314979438837594e00,
    5.64188496988670089e-1,
    2.15311535474403846e-8,
)
_MIDDLE_DEN = (
    1.23033935480374942e03,
    3.43936767414372164e03,
    4.36261909014324716e03,
    3.29079923573345963e03,
    1.62138957456669019e03,
    5.37181101862009858e02,
    1.17693950891312499e02,
    1.57449261107098347e01,
    1.0,
)
# |x| > 4: the correction R3(t), t = 1/x², to the asymptotic 1/√π.
_LARGE_NUM = (
    -6.58749161529837803e-4,
    -1.60837851487422766e-2,
    -1.25781726111229246e-1,
    -3.60344899949804439e-1,
    -3.05326634961232344e-1,
    -1.63153871373020978e-2,
)
_LARGE_DEN = (
    2.33520497626869185e-3,
    6.05183413124413191e-2,
    5.27905102951428412e-1,
    1.87295284992346725e00,
    2.56852019228982242e00,
    1.0,
)
_INV_SQRT_PI = 5.6418958354775628695e-1
_SMALL_END = 0.46875
_MIDDLE_END = 4.0
# Beyond this, erfc(x) < 2**-60 and 1 - erfc rounds to 1 in float64.
_SATURATED = 6.0


def _poly(coefficients: tuple[float, ...], t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Horner's rule, constant term first."""
    result = np.full_like(t, coefficients[-1])
    for c in coefficients[-2::-1]:
        result = result * t + c
    return result


def _exp_minus_square(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """exp(-y²) without the relative error of rounding y² first (y >= 0, finite)."""
    s = np.trunc(y * 16.0) / 16.0
    return np.exp(-s * s) * np.exp(-(y - s) * (y + s))


def erf(a: NDArray[Any]) -> NDArray[Any]:
    """The error function, elementwise: ``erf(x) = 2/√π ∫₀ˣ exp(-t²) dt``.

    Parameters
    ----------
    a : ndarray
        Real numbers; a float array keeps its dtype (computed in float64), anything else
        (ints, bools) gives float64.

    Returns
    -------
    ndarray
        ``erf(a)``, same shape; ``erf(±inf) = ±1``, ``erf(-0.0) = -0.0``, NaN stays NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.special import erf
    >>> erf(np.array([0.0, 0.5, -1.0, np.inf]))
    array([ 0.        ,  0.52049988, -0.84270079,  1.        ])
    >>> erf(np.array([1.0], np.float32)).dtype
    dtype('float32')
    """
    a = np.asarray(a)
    dtype = a.dtype if np.issubdtype(a.dtype, np.floating) else np.dtype(np.float64)
    x = a.astype(np.float64)
    y = np.abs(x)
    result = np.empty_like(x)

    small = y <= _SMALL_END
    xs = x[small]
    t = xs * xs
    result[small] = xs * _poly(_SMALL_NUM, t) / _poly(_SMALL_DEN, t)

    middle = (y > _SMALL_END) & (y <= _MIDDLE_END)
    ym = y[middle]
    erfc_middle = _exp_minus_square(ym) * _poly(_MIDDLE_NUM, ym) / _poly(_MIDDLE_DEN, ym)
    result[middle] = np.copysign(1.0 - erfc_middle, x[middle])

    large = (y > _MIDDLE_END) & (y < _SATURATED)
    yl = y[large]
    t = 1.0 / (yl * yl)
    correction = t * _poly(_LARGE_NUM, t) / _poly(_LARGE_DEN, t)
    erfc_large = _exp_minus_square(yl) * (_INV_SQRT_PI + correction) / yl
    result[large] = np.copysign(1.0 - erfc_large, x[large])

    saturated = y >= _SATURATED  # includes ±inf; NaN compares False everywhere above
    result[saturated] = np.copysign(1.0, x[saturated])
    nan = np.isnan(x)
    result[nan] = x[nan]
    return result.astype(dtype, copy=False)

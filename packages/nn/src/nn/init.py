"""Initial values for parameters, drawn in place, with the formulas of ``torch.nn.init``.

Each function fills ``tensor.data`` in place (so whoever holds the parameter sees the new
values) and returns the tensor. The random ones take a ``generator=``, a
:class:`numpy.random.Generator`; without one they draw from nn's global generator (see
:func:`nn.manual_seed`).

Why the scales: a layer ``y = x Wᵀ`` with ``fan_in`` inputs multiplies the variance of
its input by about ``fan_in · Var(W)``. Keeping that product near 1 (times a *gain* that
makes up for what the nonlinearity removes) keeps signals from vanishing or exploding
through many layers. A uniform distribution on ``[-a, a]`` has variance ``a² / 3``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nn.random import resolve_generator
from tensorgrad import Value

__all__ = [
    "calculate_gain",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_uniform_",
    "zeros_",
]

_LINEAR_GAINS = {"linear": 1.0, "identity": 1.0, "sigmoid": 1.0}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps the variance of signals through a nonlinearity (PyTorch's).

    ``linear``, ``identity`` and ``sigmoid``: 1; ``tanh``: 5/3; ``relu``: √2;
    ``leaky_relu`` with negative slope ``param`` (default 0.01): √(2 / (1 + param²)).

    Raises
    ------
    ValueError
        For another nonlinearity, naming it.

    Examples
    --------
    >>> from nn.init import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    """
    if nonlinearity in _LINEAR_GAINS:
        return _LINEAR_GAINS[nonlinearity]
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
        f"'linear', 'identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu'"
    )


def uniform_(
    tensor: Value, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Value:
    """Fill with numbers drawn uniformly from ``[a, b)``.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import uniform_
    >>> from tensorgrad import Value
    >>> w = uniform_(Value(np.zeros(1000)), -1, 1, generator=np.random.default_rng(0))
    >>> bool((w.data >= -1).all() and (w.data < 1).all())
    True
    """
    return _fill(tensor, resolve_generator(generator).uniform(a, b, tensor.shape))


def normal_(
    tensor: Value,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Value:
    """Fill with numbers drawn from the normal distribution N(mean, std²).

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import normal_
    >>> from tensorgrad import Value
    >>> w = normal_(Value(np.zeros(10_000)), 3.0, 0.5, generator=np.random.default_rng(0))
    >>> round(float(w.data.mean()), 1), round(float(w.data.std()), 1)
    (3.0, 0.5)
    """
    return _fill(tensor, resolve_generator(generator).normal(mean, std, tensor.shape))


def zeros_(tensor: Value) -> Value:
    """Fill with zeros.

    Examples
    --------
    >>> from nn.init import zeros_
    >>> from tensorgrad import Value
    >>> zeros_(Value([1.0, 2.0])).data
    array([0., 0.])
    """
    return _fill(tensor, 0.0)


def ones_(tensor: Value) -> Value:
    """Fill with ones.

    Examples
    --------
    >>> from nn.init import ones_
    >>> from tensorgrad import Value
    >>> ones_(Value([5.0, 2.0])).data
    array([1., 1.])
    """
    return _fill(tensor, 1.0)


def kaiming_uniform_(
    tensor: Value,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Value:
    """He initialisation: uniform on ``[-bound, bound]``, ``bound = gain · √(3 / fan)``.

    For a weight of shape ``(out, in)``, ``fan`` is ``in`` (``mode="fan_in"``, which keeps
    the forward signal's variance) or ``out`` (``"fan_out"``, the backward gradient's).
    ``gain = calculate_gain(nonlinearity, a)``. ``nn.Linear`` uses ``a=√5``, which gives
    ``bound = 1 / √in``.

    Raises
    ------
    ValueError
        If the tensor has fewer than 2 axes, or ``mode`` is not one of the two.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from nn.init import kaiming_uniform_
    >>> from tensorgrad import Value
    >>> w = Value(np.zeros((100, 25)))
    >>> _ = kaiming_uniform_(w, a=math.sqrt(5), generator=np.random.default_rng(0))
    >>> bool(np.abs(w.data).max() <= 1 / math.sqrt(25))
    True
    """
    fan_in, fan_out = _fans(tensor, "kaiming_uniform_")
    if tensor.size == 0:
        return tensor  # nothing to fill, and a fan of 0 would divide by zero
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming_uniform_: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = fan_in if mode == "fan_in" else fan_out
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, generator)


def xavier_uniform_(
    tensor: Value, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Value:
    """Glorot initialisation: uniform on ``[-a, a]``, ``a = gain · √(6 / (fan_in + fan_out))``.

    A compromise between keeping the forward signal's variance (``fan_in``) and the
    backward gradient's (``fan_out``); suited to tanh and sigmoid layers.

    Raises
    ------
    ValueError
        If the tensor has fewer than 2 axes.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import xavier_uniform_
    >>> from tensorgrad import Value
    >>> w = xavier_uniform_(Value(np.zeros((3, 3))), generator=np.random.default_rng(0))
    >>> bool(np.abs(w.data).max() <= 1.0)
    True
    """
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    if tensor.size == 0:
        return tensor  # nothing to fill, and fans of 0 would divide by zero
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def _fans(tensor: Value, caller: str) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight ``(out, in, *kernel)``, as PyTorch counts them."""
    if tensor.ndim < 2:
        raise ValueError(
            f"{caller}: fan in and fan out need a tensor of at least 2 axes, got shape "
            f"{tensor.shape}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fill(tensor: Value, values: npt.ArrayLike) -> Value:
    tensor.data[...] = values  # in place, converted to the tensor's dtype
    return tensor

"""Initial values for parameters, drawn in place, with the formulas of ``torch.nn.init``.

Each function fills ``tensor.data`` in place (so whoever holds the parameter sees the new
values) and returns the tensor. The random ones take a ``generator=``, a
:class:`numpy.random.Generator`; without one they draw from nn's global generator (see
:func:`nn.manual_seed`).

Why the scales: a layer ``y = x Wᵀ`` with ``fan_in`` inputs multiplies the variance of
its input by about ``fan_in · Var(W)``. Keeping that product near 1 (times a *gain* that
makes up for what the nonlinearity removes) keeps signals from vanishing or exploding
through many layers. A uniform distribution on ``[-a, a]`` has variance ``a² / 3``.

Every argument is checked before anything is drawn: a tensor that is not a Value, a
number that is not a finite real number (a bool, a string, NaN), a name that is not one of
PyTorch's, or a generator that is not a numpy Generator raises an error that names the
function and the argument, and leaves the tensor as it was.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nn.checks import check_number, describe
from nn.random import resolve_generator
from tensorgrad import Value

__all__ = [
    "calculate_gain",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

# PyTorch's gain of 1: the layers that are linear (no nonlinearity to make up for), and
# the sigmoid, whose slope near 0 is small but whose output is not centred.
_GAIN_ONE = (
    "linear",
    "identity",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)
_NONLINEARITIES = (*_GAIN_ONE, "tanh", "relu", "leaky_relu", "selu")
_MODES = ("fan_in", "fan_out")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps the variance of signals through a nonlinearity (PyTorch's).

    ``linear``, ``identity``, the convolutions (``conv2d``...) and ``sigmoid``: 1;
    ``tanh``: 5/3; ``relu``: √2; ``selu``: 3/4; ``leaky_relu`` with negative slope
    ``param`` (default 0.01): √(2 / (1 + param²)).

    Parameters
    ----------
    nonlinearity : str
        The name of the function, as above.
    param : float, optional
        The negative slope of ``leaky_relu``; ignored by the others, but checked.

    Returns
    -------
    float
        The gain.

    Raises
    ------
    TypeError
        If ``nonlinearity`` is not a str, or ``param`` is not None or a real number.
    ValueError
        For another nonlinearity (PyTorch's "Unsupported nonlinearity"), or a ``param``
        that is NaN or infinite.

    Examples
    --------
    >>> from nn.init import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("gelu")
    Traceback (most recent call last):
    ...
    ValueError: calculate_gain: Unsupported nonlinearity 'gelu'; use one of 'linear', ...
    """
    return _gain("calculate_gain", nonlinearity, param, "param")


def uniform_(
    tensor: Value, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Value:
    """Fill with numbers drawn uniformly from ``[a, b)``.

    Parameters
    ----------
    tensor : Value
        The tensor to fill, in place.
    a, b : float, default 0 and 1
        The bounds, finite, with ``a <= b`` (``a == b`` fills with ``a``), within the range
        of the tensor's dtype.
    generator : numpy.random.Generator, optional
        Where to draw from; by default nn's global generator.

    Returns
    -------
    Value
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value, ``a`` or ``b`` is not a real number (a bool, a
        string), or ``generator`` is not a numpy Generator.
    ValueError
        If ``a`` or ``b`` is NaN or infinite, ``a > b``, or the range does not fit in the
        tensor's dtype (``b - a`` must be a finite number of it).

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import uniform_
    >>> from tensorgrad import Value
    >>> w = uniform_(Value(np.zeros(1000)), -1, 1, generator=np.random.default_rng(0))
    >>> bool((w.data >= -1).all() and (w.data < 1).all())
    True
    >>> uniform_(w, 1, 0)
    Traceback (most recent call last):
    ...
    ValueError: uniform_: expects to return a [a, b) range, but found a=1 > b=0
    """
    tensor = _check_tensor("uniform_", tensor)
    low, high = _real("uniform_", "a", a), _real("uniform_", "b", b)
    if low > high:
        raise ValueError(f"uniform_: expects to return a [a, b) range, but found a={a!r} > b={b!r}")
    return _fill_uniform("uniform_", tensor, low, high, resolve_generator(generator, "uniform_"))


def normal_(
    tensor: Value,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Value:
    """Fill with numbers drawn from the normal distribution N(mean, std²).

    Parameters
    ----------
    tensor : Value
        The tensor to fill, in place.
    mean : float, default 0
        The mean, a finite number.
    std : float, default 1
        The standard deviation, a finite number ``>= 0`` (0 fills with ``mean``).
    generator : numpy.random.Generator, optional
        Where to draw from; by default nn's global generator.

    Returns
    -------
    Value
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value, ``mean`` or ``std`` is not a real number, or
        ``generator`` is not a numpy Generator.
    ValueError
        If ``mean`` or ``std`` is NaN or infinite, ``std`` is negative, or a number drawn
        is too large for the tensor's dtype (the tensor is then left as it was).

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import normal_
    >>> from tensorgrad import Value
    >>> w = normal_(Value(np.zeros(10_000)), 3.0, 0.5, generator=np.random.default_rng(0))
    >>> round(float(w.data.mean()), 1), round(float(w.data.std()), 1)
    (3.0, 0.5)
    >>> normal_(w, std=-1)
    Traceback (most recent call last):
    ...
    ValueError: normal_: expects std >= 0.0, but found std -1
    """
    tensor = _check_tensor("normal_", tensor)
    center, spread = _real("normal_", "mean", mean), _real("normal_", "std", std)
    if spread < 0:
        raise ValueError(f"normal_: expects std >= 0.0, but found std {std!r}")
    drawn = resolve_generator(generator, "normal_").normal(center, spread, tensor.shape)
    return _fill("normal_", tensor, drawn)


def zeros_(tensor: Value) -> Value:
    """Fill with zeros.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value.

    Examples
    --------
    >>> from nn.init import zeros_
    >>> from tensorgrad import Value
    >>> zeros_(Value([1.0, 2.0])).data
    array([0., 0.])
    """
    return _fill("zeros_", _check_tensor("zeros_", tensor), 0.0)


def ones_(tensor: Value) -> Value:
    """Fill with ones.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value.

    Examples
    --------
    >>> from nn.init import ones_
    >>> from tensorgrad import Value
    >>> ones_(Value([5.0, 2.0])).data
    array([1., 1.])
    """
    return _fill("ones_", _check_tensor("ones_", tensor), 1.0)


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

    Parameters
    ----------
    tensor : Value
        The weight to fill, in place, of at least 2 axes.
    a : float, default 0
        The negative slope of ``leaky_relu`` (checked for the others too).
    mode : {"fan_in", "fan_out"}
        Which fan keeps its variance.
    nonlinearity : str, default "leaky_relu"
        A name that :func:`calculate_gain` knows.
    generator : numpy.random.Generator, optional
        Where to draw from; by default nn's global generator.

    Returns
    -------
    Value
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value, ``a`` is not a real number, ``mode`` or
        ``nonlinearity`` is not a str, or ``generator`` is not a numpy Generator.
    ValueError
        If the tensor has fewer than 2 axes, ``a`` is NaN or infinite, or ``mode`` or
        ``nonlinearity`` is not one of PyTorch's names.

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
    caller = "kaiming_uniform_"
    tensor = _check_tensor(caller, tensor)
    fan_in, fan_out = _fans(tensor, caller)
    # a is the slope of leaky_relu only, but it is checked whatever the nonlinearity.
    gain = _gain(caller, nonlinearity, a, "a")
    if not isinstance(mode, str):
        raise TypeError(f"{caller}: mode must be 'fan_in' or 'fan_out', got {describe(mode)}")
    if mode not in _MODES:
        raise ValueError(f"{caller}: Mode {mode!r} not supported, please use one of {list(_MODES)}")
    generator = resolve_generator(generator, caller)  # before the return, for every tensor
    if tensor.size == 0:
        return tensor  # nothing to fill, and a fan of 0 would divide by zero
    bound = gain * math.sqrt(3.0 / (fan_in if mode == "fan_in" else fan_out))
    return _fill_uniform(caller, tensor, -bound, bound, generator)


def xavier_uniform_(
    tensor: Value, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Value:
    """Glorot initialisation: uniform on ``[-a, a]``, ``a = gain · √(6 / (fan_in + fan_out))``.

    A compromise between keeping the forward signal's variance (``fan_in``) and the
    backward gradient's (``fan_out``); suited to tanh and sigmoid layers.

    Parameters
    ----------
    tensor : Value
        The weight to fill, in place, of at least 2 axes.
    gain : float, default 1
        A finite number ``>= 0``, such as ``calculate_gain("tanh")``.
    generator : numpy.random.Generator, optional
        Where to draw from; by default nn's global generator.

    Returns
    -------
    Value
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value, ``gain`` is not a real number, or ``generator`` is
        not a numpy Generator.
    ValueError
        If the tensor has fewer than 2 axes, or ``gain`` is negative, NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import xavier_uniform_
    >>> from tensorgrad import Value
    >>> w = xavier_uniform_(Value(np.zeros((3, 3))), generator=np.random.default_rng(0))
    >>> bool(np.abs(w.data).max() <= 1.0)
    True
    """
    caller = "xavier_uniform_"
    tensor, std, generator = _xavier(caller, tensor, gain, generator)
    if tensor.size == 0:
        return tensor
    bound = math.sqrt(3.0) * std  # (a uniform on [-a, a] has variance a² / 3)
    return _fill_uniform(caller, tensor, -bound, bound, generator)


def xavier_normal_(
    tensor: Value, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Value:
    """Glorot initialisation, normal: N(0, std²) with ``std = gain · √(2 / (fan_in + fan_out))``.

    The variance of :func:`xavier_uniform_`, from a normal distribution.

    Parameters
    ----------
    tensor : Value
        The weight to fill, in place, of at least 2 axes.
    gain : float, default 1
        A finite number ``>= 0``.
    generator : numpy.random.Generator, optional
        Where to draw from; by default nn's global generator.

    Returns
    -------
    Value
        ``tensor`` itself.

    Raises
    ------
    TypeError
        If ``tensor`` is not a Value, ``gain`` is not a real number, or ``generator`` is
        not a numpy Generator.
    ValueError
        If the tensor has fewer than 2 axes, or ``gain`` is negative, NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.init import xavier_normal_
    >>> from tensorgrad import Value
    >>> w = xavier_normal_(Value(np.zeros((200, 300))), generator=np.random.default_rng(0))
    >>> round(float(w.data.std()), 3)  # √(2 / 500)
    0.063
    """
    caller = "xavier_normal_"
    tensor, std, generator = _xavier(caller, tensor, gain, generator)
    if tensor.size == 0:
        return tensor
    return _fill(caller, tensor, generator.normal(0.0, std, tensor.shape))


def _xavier(
    caller: str, tensor: object, gain: object, generator: np.random.Generator | None
) -> tuple[Value, float, np.random.Generator]:
    """The checked tensor, Glorot's standard deviation for it, and the generator."""
    tensor = _check_tensor(caller, tensor)
    fan_in, fan_out = _fans(tensor, caller)
    scale = _real(caller, "gain", gain)
    if scale < 0:  # the range [-a, a] would be empty (PyTorch then fails in uniform_)
        raise ValueError(f"{caller}: gain must be >= 0, got {gain!r}")
    rng = resolve_generator(generator, caller)  # before any return, for every tensor
    # (an empty tensor has nothing to fill, and fans of 0 would divide by zero)
    std = scale * math.sqrt(2.0 / (fan_in + fan_out)) if tensor.size else 0.0
    return tensor, std, rng


def _gain(caller: str, nonlinearity: object, param: object, argument: str) -> float:
    """:func:`calculate_gain`, with errors that name ``caller`` and its ``argument``."""
    if not isinstance(nonlinearity, str):
        raise TypeError(
            f"{caller}: nonlinearity must be a str, such as 'relu', got {describe(nonlinearity)}"
        )
    slope = 0.01 if param is None else _real(caller, argument, param)
    if nonlinearity in _GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        # slope * slope, not slope**2: a huge slope gives inf (and a gain of 0), not an
        # OverflowError.
        return math.sqrt(2.0 / (1 + slope * slope))
    if nonlinearity == "selu":
        return 3.0 / 4
    names = ", ".join(repr(name) for name in _NONLINEARITIES)
    raise ValueError(f"{caller}: Unsupported nonlinearity {nonlinearity!r}; use one of {names}")


def _real(caller: str, argument: str, value: object) -> float:
    """``value`` as a float, once :func:`check_number` has found it a finite real number."""
    number = check_number(caller, argument, value)
    try:
        return float(number)
    except OverflowError:  # an int beyond the largest float
        raise ValueError(
            f"{caller}: {argument} must be a finite number, got an int too large for a float"
        ) from None


def _check_tensor(caller: str, tensor: object) -> Value:
    """``tensor`` itself if it is a Value; the functions fill its ``.data`` in place."""
    if not isinstance(tensor, Value):
        raise TypeError(
            f"{caller}: tensor must be a Value (such as a layer's weight), got {describe(tensor)}"
        )
    return tensor


def _fans(tensor: Value, caller: str) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight ``(out, in, *kernel)``, as PyTorch counts them."""
    if tensor.ndim < 2:
        raise ValueError(
            f"{caller}: fan in and fan out need a tensor of at least 2 axes, got shape "
            f"{tensor.shape}"
        )
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fill_uniform(
    caller: str, tensor: Value, low: float, high: float, generator: np.random.Generator
) -> Value:
    """Fill ``tensor`` uniformly on ``[low, high)``, if its dtype can hold the range."""
    # As PyTorch: numbers the dtype cannot hold would be stored as infinities, and numpy
    # cannot draw from a range wider than the largest float.
    largest = float(np.finfo(tensor.dtype).max)
    if not (-largest <= low and high <= largest and math.isfinite(high - low)):
        raise ValueError(
            f"{caller}: the range [{low:g}, {high:g}) does not fit in the tensor's dtype "
            f"{tensor.dtype} (bounds and width at most {largest:.4g})"
        )
    return _fill(caller, tensor, generator.uniform(low, high, tensor.shape))


def _fill(caller: str, tensor: Value, values: npt.ArrayLike) -> Value:
    """Copy ``values`` into ``tensor.data``, in place, converted to the tensor's dtype."""
    try:
        # A float64 number beyond float32's range would become inf without a word. The
        # cast is made apart, so that a failed one leaves the tensor as it was.
        with np.errstate(over="raise"):
            converted = np.asarray(values, dtype=tensor.dtype)
    except FloatingPointError:
        raise ValueError(
            f"{caller}: a number drawn is too large for the tensor's dtype {tensor.dtype}; "
            f"the tensor is left as it was"
        ) from None
    tensor.data[...] = converted
    return tensor

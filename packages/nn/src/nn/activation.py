"""Elementwise nonlinearities as layers: ReLU, Tanh, Sigmoid, the activations of
:mod:`tensorgrad.ops.activation` (LeakyReLU, GELU, ELU, SELU, SiLU, Softplus, Hardtanh, ReLU6,
Mish, LogSigmoid, Softsign), and Softmax and LogSoftmax along one axis.

Without a nonlinearity between them, stacked :class:`~nn.Linear` layers collapse into a
single affine map; these put one in. Each calls the tensorgrad function of the same name,
with the constructor's arguments, which are PyTorch's and are checked when the layer is made.

PyTorch's ``inplace=True`` (overwrite the input to save memory) is refused: tensorgrad never
changes a Value in place, since backward may still need the numbers it holds. ``inplace=False``
is accepted, so that PyTorch code runs unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy.typing as npt

from nn.checks import check_int, describe
from nn.functional import as_value
from nn.module import Module
from tensorgrad import Value
from tensorgrad.axes import real_arg, refuse_inplace
from tensorgrad.ops import activation, softmax, unary

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
]

Input = Value | npt.NDArray[Any]


class _Elementwise(Module):
    """A layer that calls one tensorgrad function on its input, with the settings it keeps.

    A subclass names the function (``_function``) and the attributes its ``__init__`` sets
    (``_arguments``), in the order the function takes them after the input; forward passes
    them, and extra_repr shows them.
    """

    _function: ClassVar[Callable[..., Value]]
    _arguments: ClassVar[tuple[str, ...]] = ()

    def forward(self, x: Input) -> Value:
        """Apply the function."""
        settings = (getattr(self, name) for name in self._arguments)
        return self._function(as_value(x, type(self).__name__), *settings)

    def extra_repr(self) -> str:
        """The arguments, as PyTorch shows them: a string quoted, a number as printed.

        Examples
        --------
        >>> from nn import Hardtanh
        >>> Hardtanh(0, 2).extra_repr()
        'min_val=0.0, max_val=2.0'
        """
        shown = []
        for name in self._arguments:
            value = getattr(self, name)
            shown.append(f"{name}={value!r}" if isinstance(value, str) else f"{name}={value}")
        return ", ".join(shown)


class _InplaceElementwise(_Elementwise):
    """An elementwise layer whose only argument is PyTorch's ``inplace``, which must be False."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        refuse_inplace(inplace, type(self).__name__)


class ReLU(_InplaceElementwise):
    """``max(x, 0)`` elementwise (its gradient at 0 is 0, as PyTorch's).

    Parameters
    ----------
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Examples
    --------
    >>> from nn import ReLU
    >>> from tensorgrad import Value
    >>> ReLU()(Value([-1.0, 2.0])).data
    array([0., 2.])
    """

    _function = staticmethod(unary.relu)


class Tanh(_Elementwise):
    """``tanh(x)`` elementwise, in ``(-1, 1)``.

    Examples
    --------
    >>> from nn import Tanh
    >>> from tensorgrad import Value
    >>> Tanh()(Value([0.0])).data
    array([0.])
    """

    _function = staticmethod(unary.tanh)


class Sigmoid(_Elementwise):
    """``1 / (1 + exp(-x))`` elementwise, in ``(0, 1)``.

    Examples
    --------
    >>> from nn import Sigmoid
    >>> from tensorgrad import Value
    >>> Sigmoid()(Value([0.0])).data
    array([0.5])
    """

    _function = staticmethod(unary.sigmoid)


class LeakyReLU(_Elementwise):
    """:func:`tensorgrad.leaky_relu`: ``x`` where ``x > 0``, ``negative_slope * x`` elsewhere.

    Parameters
    ----------
    negative_slope : float, default 0.01
        The slope for ``x <= 0`` (its gradient at 0, as PyTorch's).
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Raises
    ------
    TypeError
        If ``negative_slope`` is not a real number (a bool, a string...).
    ValueError
        If it is NaN, or ``inplace`` is True.

    Examples
    --------
    >>> from nn import LeakyReLU
    >>> from tensorgrad import Value
    >>> layer = LeakyReLU(0.1)
    >>> layer, layer(Value([-2.0, 3.0])).data
    (LeakyReLU(negative_slope=0.1), array([-0.2,  3. ]))
    """

    _function = staticmethod(activation.leaky_relu)
    _arguments = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = real_arg(negative_slope, "negative_slope", "LeakyReLU")
        refuse_inplace(inplace, "LeakyReLU")


class GELU(_Elementwise):
    """:func:`tensorgrad.gelu`: ``x Φ(x)``, with ``Φ`` the standard normal distribution.

    Parameters
    ----------
    approximate : {"none", "tanh"}, default "none"
        The exact function, or PyTorch's tanh approximation.

    Raises
    ------
    TypeError
        If ``approximate`` is not a string.
    ValueError
        If it is another string.

    Examples
    --------
    >>> from nn import GELU
    >>> from tensorgrad import Value
    >>> GELU(), GELU("tanh")(Value([1.0])).data
    (GELU(approximate='none'), array([0.84119199]))
    """

    _function = staticmethod(activation.gelu)
    _arguments = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if not isinstance(approximate, str) or approximate not in ("none", "tanh"):
            error = ValueError if isinstance(approximate, str) else TypeError
            raise error(f"GELU: approximate must be 'none' or 'tanh', got {describe(approximate)}")
        self.approximate = approximate


class ELU(_Elementwise):
    """:func:`tensorgrad.elu`: ``x`` where ``x > 0``, ``alpha * (exp(x) - 1)`` elsewhere.

    Parameters
    ----------
    alpha : float, default 1.0
        The value the function tends to, negated, as ``x`` goes to ``-inf``.
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Raises
    ------
    TypeError
        If ``alpha`` is not a real number.
    ValueError
        If it is NaN, or ``inplace`` is True.

    Examples
    --------
    >>> from nn import ELU
    >>> from tensorgrad import Value
    >>> ELU(), ELU(2.0)(Value([-1000.0, 3.0])).data
    (ELU(alpha=1.0), array([-2.,  3.]))
    """

    _function = staticmethod(activation.elu)
    _arguments = ("alpha",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = real_arg(alpha, "alpha", "ELU")
        refuse_inplace(inplace, "ELU")


class SELU(_InplaceElementwise):
    """:func:`tensorgrad.selu`: the scaled ELU of self-normalising networks.

    Parameters
    ----------
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Examples
    --------
    >>> from nn import SELU
    >>> from tensorgrad import Value
    >>> SELU(), SELU()(Value([1.0])).data
    (SELU(), array([1.05070099]))
    """

    _function = staticmethod(activation.selu)


class SiLU(_InplaceElementwise):
    """:func:`tensorgrad.silu`: ``x * sigmoid(x)`` (also called swish).

    Parameters
    ----------
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Examples
    --------
    >>> from nn import SiLU
    >>> from tensorgrad import Value
    >>> SiLU()(Value([0.0, 1.0])).data
    array([0.        , 0.73105858])
    """

    _function = staticmethod(activation.silu)


class Softplus(_Elementwise):
    """:func:`tensorgrad.softplus`: ``log(1 + exp(beta * x)) / beta``, linear above a threshold.

    Parameters
    ----------
    beta : float, default 1.0
        The sharpness.
    threshold : float, default 20.0
        Where the function is taken as linear, in terms of ``beta * x``.

    Raises
    ------
    TypeError
        If ``beta`` or ``threshold`` is not a real number.
    ValueError
        If one is NaN.

    Examples
    --------
    >>> from nn import Softplus
    >>> from tensorgrad import Value
    >>> Softplus(), Softplus(2.0)(Value([0.0])).data
    (Softplus(beta=1.0, threshold=20.0), array([0.34657359]))
    """

    _function = staticmethod(activation.softplus)
    _arguments = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = real_arg(beta, "beta", "Softplus")
        self.threshold = real_arg(threshold, "threshold", "Softplus")


class Hardtanh(_Elementwise):
    """:func:`tensorgrad.hardtanh`: ``x`` limited to ``[min_val, max_val]``.

    Parameters
    ----------
    min_val, max_val : float, default -1.0 and 1.0
        The bounds; ``max_val`` must be greater than ``min_val``, as in PyTorch's layer.
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Raises
    ------
    TypeError
        If a bound is not a real number.
    ValueError
        If a bound is NaN, ``max_val <= min_val``, or ``inplace`` is True.

    Examples
    --------
    >>> from nn import Hardtanh
    >>> from tensorgrad import Value
    >>> Hardtanh(), Hardtanh(-2.0, 2.0)(Value([-3.0, 0.5, 3.0])).data
    (Hardtanh(min_val=-1.0, max_val=1.0), array([-2. ,  0.5,  2. ]))
    """

    _function = staticmethod(activation.hardtanh)
    _arguments = ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val = real_arg(min_val, "min_val", "Hardtanh")
        self.max_val = real_arg(max_val, "max_val", "Hardtanh")
        if self.max_val <= self.min_val:  # (the function allows equal bounds; the layer not)
            raise ValueError(
                f"Hardtanh: max_val ({self.max_val}) must be greater than min_val ({self.min_val})"
            )
        refuse_inplace(inplace, "Hardtanh")


class ReLU6(_InplaceElementwise):
    """:func:`tensorgrad.relu6`: ``min(max(x, 0), 6)``.

    Parameters
    ----------
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Examples
    --------
    >>> from nn import ReLU6
    >>> from tensorgrad import Value
    >>> ReLU6()(Value([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """

    _function = staticmethod(activation.relu6)


class Mish(_InplaceElementwise):
    """:func:`tensorgrad.mish`: ``x * tanh(softplus(x))``.

    Parameters
    ----------
    inplace : bool, default False
        PyTorch's; only False is accepted (see :mod:`nn.activation`).

    Examples
    --------
    >>> from nn import Mish
    >>> from tensorgrad import Value
    >>> Mish()(Value([0.0, 1.0])).data
    array([0.        , 0.86509839])
    """

    _function = staticmethod(activation.mish)


class LogSigmoid(_Elementwise):
    """:func:`tensorgrad.logsigmoid`: ``log(sigmoid(x))``, finite in both tails.

    Examples
    --------
    >>> from nn import LogSigmoid
    >>> from tensorgrad import Value
    >>> LogSigmoid()(Value([-1e4, 0.0])).data
    array([-1.00000000e+04, -6.93147181e-01])
    """

    _function = staticmethod(activation.logsigmoid)


class Softsign(_Elementwise):
    """:func:`tensorgrad.softsign`: ``x / (1 + |x|)``.

    Examples
    --------
    >>> from nn import Softsign
    >>> from tensorgrad import Value
    >>> Softsign()(Value([-3.0, 1.0])).data
    array([-0.75,  0.5 ])
    """

    _function = staticmethod(activation.softsign)


class _AlongDim(_Elementwise):
    """Softmax or LogSoftmax: a layer along one axis, ``dim``, an int. PyTorch's ``dim=None``
    picks one from the input's number of axes, a choice it deprecates; here it is refused
    when the layer is made."""

    _arguments = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        owner = type(self).__name__
        if dim is None:
            raise ValueError(
                f"{owner}: give dim=, the axis to normalise along (PyTorch's implicit choice "
                f"for dim=None is deprecated, and refused here); for a batch of rows, dim=-1"
            )
        self.dim = check_int(owner, "dim", dim)


class Softmax(_AlongDim):
    """:func:`tensorgrad.softmax` along ``dim``: non-negative, summing to 1 along it.

    Parameters
    ----------
    dim : int
        The axis (negative counts from the end). It has to be given: PyTorch's ``dim=None``
        (an axis guessed from the input's number of axes, with a deprecation warning) is
        refused when the layer is made.

    Raises
    ------
    ValueError
        If ``dim`` is None.
    TypeError
        If it is not an int.

    Examples
    --------
    >>> from nn import Softmax
    >>> from tensorgrad import Value
    >>> layer = Softmax(dim=-1)
    >>> layer, layer(Value([[0.0, 0.0], [1000.0, 0.0]])).data
    (Softmax(dim=-1), array([[0.5, 0.5],
           [1. , 0. ]]))
    """

    _function = staticmethod(softmax.softmax)


class LogSoftmax(_AlongDim):
    """:func:`tensorgrad.log_softmax` along ``dim``: ``log(softmax(x))`` without overflow.

    Parameters
    ----------
    dim : int
        The axis (negative counts from the end); it has to be given, as for
        :class:`Softmax`.

    Raises
    ------
    ValueError
        If ``dim`` is None.
    TypeError
        If it is not an int.

    Examples
    --------
    >>> from nn import LogSoftmax
    >>> from tensorgrad import Value
    >>> layer = LogSoftmax(dim=1)
    >>> layer, layer(Value([[0.0, 1000.0]])).data
    (LogSoftmax(dim=1), array([[-1000.,     0.]]))
    """

    _function = staticmethod(softmax.log_softmax)

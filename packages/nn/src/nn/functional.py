"""``torch.nn.functional``: losses, and the functions a layer is made of.

**Losses.** Each takes predictions and targets and returns a Value. It first computes one
number per element (or per sample), then *reduces* them as ``reduction`` says: ``"mean"``
(the default), ``"sum"``, or ``"none"`` (keep them all). The predictions are Values (or
arrays); the targets are data: numpy arrays, or Values when a gradient should flow into
them too (regression losses, soft targets, binary cross-entropy).

The classification losses take raw scores, *logits*, rather than probabilities when they
can: ``log_softmax`` and ``log(1 + e^x)`` computed from logits stay finite where
``log(softmax(x))`` and ``log(sigmoid(x))`` would overflow or give ``log(0)``.

**Functions.** :func:`softmax` and :func:`log_softmax` (``dim`` required), :func:`dropout`,
:func:`one_hot`, :func:`normalize`, :func:`cosine_similarity`, and tensorgrad's activations
(``relu``, ``tanh``, ``sigmoid``, ``leaky_relu``, ``gelu``, ``elu``, ``selu``, ``silu``,
``softplus``, ``hardtanh``, ``relu6``, ``mish``, ``logsigmoid``, ``softsign``), ``pad``, the
convolutions ``conv1d``, ``conv2d``, ``conv_transpose1d``, ``conv_transpose2d``, ``unfold``
and ``fold``, the normalizations ``batch_norm``, ``group_norm`` and ``layer_norm``, the
poolings ``max_pool1d``, ``max_pool2d``, ``avg_pool1d``, ``avg_pool2d``,
``adaptive_avg_pool1d`` and ``adaptive_avg_pool2d``, and ``scaled_dot_product_attention``,
the lookup ``embedding``, the very same functions, under PyTorch's names.

As in PyTorch, every argument after ``weight`` of :func:`cross_entropy`, :func:`nll_loss`
and the binary cross-entropies is keyword-only here: PyTorch's positional order has the
deprecated ``size_average`` and ``reduce`` in between, so a positional call would mean
something else in each library.

Internal (public so that other nn modules and the tests can use them, but not part of the
API): ``apply_dropout``, ``as_value``, ``as_weight``, ``check_bound``, ``check_dropout_p``,
``check_input``, ``check_label_smoothing``, ``check_reduction`` and ``row_indices``.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn.checks import check_bool, check_int, check_number, describe
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.axes import refuse_inplace, single_axis
from tensorgrad.broadcast import broadcast_to, unbroadcast
from tensorgrad.ops.activation import (
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
)
from tensorgrad.ops.attention import scaled_dot_product_attention
from tensorgrad.ops.convolution import (
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    fold,
    unfold,
)
from tensorgrad.ops.embedding import embedding
from tensorgrad.ops.normalization import batch_norm, group_norm, layer_norm
from tensorgrad.ops.pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from tensorgrad.ops.shape import pad
from tensorgrad.ops.unary import relu, sigmoid, tanh
from tensorgrad.record import exp_of, log_of, new_value, operand_data, plain, record
from tensorgrad.tensor import real_array

# The user-facing API; the internal helpers (see the module's docstring) are not in it.
__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "fold",
    "gelu",
    "group_norm",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "log_softmax",
    "logsigmoid",
    "max_pool1d",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "relu",
    "relu6",
    "scaled_dot_product_attention",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
    "unfold",
]

Array = npt.NDArray[Any]
Input = Value | Array
_REDUCTIONS = ("mean", "sum", "none")
_KL_REDUCTIONS = ("mean", "sum", "none", "batchmean")


# -- softmax, dropout, one_hot, normalize, cosine_similarity -----------------------------------


def softmax(input: Input, dim: int | None = None) -> Value:
    """``exp(x) / sum(exp(x))`` along ``dim``, as ``torch.nn.functional.softmax``.

    ``dim`` is required: PyTorch's choice of an axis when it is left out is deprecated
    (and guesses wrong for a batch of one sample), so here it is an error. The op is
    :func:`tensorgrad.softmax`, one node, stable for logits of ±1e3.

    Parameters
    ----------
    input : Value or ndarray
        An array is data: the result is a Value that does not require grad.
    dim : int
        The axis whose entries sum to 1 (negative counts from the end).

    Returns
    -------
    Value
        The input's shape and dtype.

    Raises
    ------
    TypeError
        If ``dim`` is not given (or not an int).
    ValueError
        If ``dim`` is out of range for the input.

    Examples
    --------
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.softmax(Value([[0.0, 0.0], [1000.0, 0.0]]), dim=1).data
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    return tensorgrad.softmax(input, dim=_required_dim(dim, "softmax"))


def log_softmax(input: Input, dim: int | None = None) -> Value:
    """``log(softmax(x))`` along ``dim``, computed without overflow; ``dim`` required.

    See :func:`softmax`; the op is :func:`tensorgrad.log_softmax`.

    Parameters
    ----------
    input : Value or ndarray
    dim : int

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``dim`` is not given (or not an int).
    ValueError
        If ``dim`` is out of range for the input.

    Examples
    --------
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.log_softmax(Value([0.0, 1000.0]), dim=0).data
    array([-1000.,     0.])
    """
    return tensorgrad.log_softmax(input, dim=_required_dim(dim, "log_softmax"))


def _required_dim(dim: int | None, op: str) -> int:
    if dim is None:
        raise TypeError(
            f"{op}: dim is required, the axis to normalise along (e.g. {op}(x, dim=-1)); "
            f"PyTorch's implicit choice of dim is deprecated"
        )
    return dim


def dropout(
    input: Input,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    *,
    generator: np.random.Generator | None = None,
) -> Value | Array:
    """In training, zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    The function behind :class:`~nn.Dropout`, as ``torch.nn.functional.dropout``; with
    ``training=False`` it returns ``input`` itself.

    Parameters
    ----------
    input : Value or ndarray
    p : float, default 0.5
        The probability of zeroing an element, in ``[0, 1]``.
    training : bool, default True
    inplace : bool, default False
        PyTorch's; only False is accepted (see :func:`~tensorgrad.axes.refuse_inplace`).
    generator : numpy.random.Generator, optional
        Where to draw the mask; by default nn's global generator (see :func:`nn.manual_seed`).

    Raises
    ------
    TypeError
        If ``p`` is not a real number, ``training`` not a bool, or ``generator`` not a
        numpy Generator.
    ValueError
        If ``p`` is outside ``[0, 1]`` (or NaN), or ``inplace`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.dropout(Value(np.ones(6)), 0.5, generator=np.random.default_rng(0)).data
    array([2., 0., 0., 0., 2., 2.])
    >>> F.dropout(Value(np.ones(2)), 0.5, training=False).data
    array([1., 1.])
    """
    probability = check_dropout_p(p, "dropout")
    check_bool("dropout", "training", training)
    refuse_inplace(inplace, "dropout")
    x: Value | Array = check_input(input, "dropout")
    if not training:
        resolve_generator(generator, "dropout")  # a wrong generator fails in eval mode too
        return x
    return apply_dropout(x, probability, generator, "dropout")


def check_dropout_p(p: object, op: str) -> float:
    """``p`` as a float if it is a probability in ``[0, 1]``; else a clear error.

    Internal: :func:`dropout` and :class:`~nn.Dropout` check their ``p`` with it.

    Parameters
    ----------
    p : object
        What was given.
    op : str
        Who asks, which starts the message.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``p`` is not a real number (a bool, a string, None).
    ValueError
        If it is outside ``[0, 1]``, or NaN.

    Examples
    --------
    >>> from nn.functional import check_dropout_p
    >>> check_dropout_p(1, "Dropout")
    1.0
    >>> check_dropout_p(1.5, "Dropout")
    Traceback (most recent call last):
    ...
    ValueError: Dropout: the probability p must be in [0, 1], got 1.5
    """
    # A bool is not a probability, and NaN would pass the comparison below: check_number
    # refuses both, with a string or None.
    value = check_number(op, "p", p)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{op}: the probability p must be in [0, 1], got {p!r}")
    return float(value)


def apply_dropout(
    x: Value | Array, p: float, generator: np.random.Generator | None, op: str
) -> Value | Array:
    """``x`` times a random mask of 0 and ``1/(1-p)``: the one implementation of dropout.

    Internal: :func:`dropout` and :class:`~nn.Dropout` (in training mode) call it, with
    ``p`` already checked.

    Parameters
    ----------
    x : Value or ndarray
    p : float
        In ``[0, 1]``.
    generator : numpy.random.Generator or None
        None for nn's global generator.
    op : str
        Who asks, for the message about a wrong generator.

    Returns
    -------
    Value or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from nn.functional import apply_dropout
    >>> apply_dropout(np.ones(4), 0.5, np.random.default_rng(0), "Dropout")
    array([2., 0., 0., 0.])
    """
    rng = resolve_generator(generator, op)
    if p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0  # every element dropped (and 1/(1-p) would divide by zero)
    keep = rng.random(np.shape(x)) >= p
    return x * (keep.astype(x.dtype) / (1.0 - p))


def one_hot(tensor: npt.ArrayLike, num_classes: int = -1) -> Array:
    """Class indices ``(*)`` as rows of zeros with a one at the class: ``(*, num_classes)``.

    As ``torch.nn.functional.one_hot``: the result is an int64 array (data, not a Value),
    and ``num_classes=-1`` takes one more than the largest index.

    Parameters
    ----------
    tensor : array_like of int
        The class indices, all ``>= 0``.
    num_classes : int, default -1

    Raises
    ------
    TypeError
        If the indices are not integers (floats, bools, a Value), or ``num_classes`` is
        not an int.
    ValueError
        If an index is negative or ``>= num_classes`` (naming it and the number of
        classes), or ``num_classes`` is -1 for an empty array.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import functional as F
    >>> F.one_hot(np.array([0, 2]))
    array([[1, 0, 0],
           [0, 0, 1]])
    >>> F.one_hot([1], num_classes=2).dtype
    dtype('int64')
    """
    if isinstance(tensor, Value):
        raise TypeError(
            "one_hot: tensor must be an array of integer class indices, not a Value "
            "(a Value holds floats)"
        )
    classes = real_array(tensor, "one_hot: tensor")
    if classes.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot: tensor must hold integer class indices, got dtype {classes.dtype}"
        )
    n = check_int("one_hot", "num_classes", num_classes, minimum=-1)
    if classes.size and classes.min() < 0:
        raise ValueError(
            f"one_hot: class values must be non-negative, got {classes[classes < 0].flat[0]}"
        )
    if n == -1:
        if not classes.size:
            raise ValueError(
                "one_hot: cannot infer the number of classes from an empty array; give num_classes"
            )
        n = int(classes.max()) + 1
    elif classes.size and classes.max() >= n:
        bad = classes[classes >= n].flat[0]
        valid = f"valid: 0 to {n - 1}" if n else "none is valid"
        raise ValueError(f"one_hot: class value {bad} is out of range for {n} classes ({valid})")
    result = np.zeros((*classes.shape, n), np.int64)
    np.put_along_axis(result, classes[..., None].astype(np.intp), 1, axis=-1)
    return result


def normalize(input: Input, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Value:
    """``x / max(‖x‖_p, eps)`` along ``dim``: unit vectors, as ``torch.nn.functional.normalize``.

    One node, whose backward is the closed form below (it differentiates again). Where the
    norm is below ``eps`` (a zero vector), the result is ``x / eps`` and the norm gets no
    gradient, as ``clamp_min`` gives none in PyTorch.

    Parameters
    ----------
    input : Value or ndarray
    p : float, default 2
        The norm's exponent, a finite number ``>= 1``.
    dim : int, default 1
    eps : float, default 1e-12
        ``>= 0``.

    Raises
    ------
    TypeError
        If ``p`` or ``eps`` is not a real number, or ``dim`` not an int.
    ValueError
        If ``p`` is below 1 or infinite, ``eps`` negative, or ``dim`` out of range.

    Examples
    --------
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.normalize(Value([[3.0, 4.0], [0.0, 0.0]])).data
    array([[0.6, 0.8],
           [0. , 0. ]])
    >>> F.normalize(Value([[3.0, -1.0]]), p=1).data
    array([[ 0.75, -0.25]])
    """
    x = as_value(input, "normalize")
    exponent = check_number("normalize", "p", p)
    if exponent < 1:
        raise ValueError(f"normalize: p must be a finite number >= 1 (a norm), got {p!r}")
    floor = check_bound("normalize", "eps", eps, positive=False)
    axes = single_axis(dim, x.ndim, "normalize")
    data = x._data
    result = data / np.maximum(_p_norm(data, exponent, axes), floor)
    saved = (data, float(exponent), axes, floor)
    return record(result, "normalize", _normalize_backward, (x,), saved)


def _normalize_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d (x / c) = dx / c - x Σ(x' dx) ..., with c = max(‖x‖, eps): gᵢ/c - Σⱼ gⱼxⱼ/c² ∂‖x‖/∂xᵢ

    Ties: where ‖x‖ < eps the norm gets no gradient (PyTorch's clamp_min); ∂‖x‖/∂x is 0 at
    a zero vector.
    """
    x, p, axes, eps = saved
    norm = _p_norm(x, p, axes)
    unclamped = (plain(norm) >= eps).astype(plain(norm).dtype)
    c = norm.clip(eps)
    along = (g * x).sum(axis=axes, keepdims=True)
    return g / c - along / (c * c) * unclamped * _p_norm_gradient(x, norm, p)


def _p_norm(x: Any, p: float, axes: tuple[int, ...]) -> Any:
    """‖x‖_p along ``axes``, kept (array or Value)."""
    if p == 2:
        return (x * x).sum(axis=axes, keepdims=True) ** 0.5
    return (abs(x) ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)


def _p_norm_gradient(x: Any, norm: Any, p: float) -> Any:
    """∂‖x‖_p/∂x = sign(x) |x|^(p-1) / ‖x‖^(p-1), 0 for a zero vector (array or Value)."""
    safe = norm + (plain(norm) == 0)  # a zero vector: 0 / 1 rather than 0 / 0
    if p == 2:
        return x / safe
    sign = np.sign(plain(x))
    if p == 1:
        return sign
    return sign * abs(x) ** (p - 1) / safe ** (p - 1)


def cosine_similarity(x1: Input, x2: Input, dim: int = 1, eps: float = 1e-8) -> Value:
    """``Σ x1 x2 / (max(‖x1‖, eps) max(‖x2‖, eps))`` along ``dim``, as PyTorch's.

    ``x1`` and ``x2`` broadcast together first; ``dim`` is an axis of the broadcast shape,
    and the result has that shape without it. As in PyTorch each norm is clamped at
    ``eps`` on its own (a zero vector has similarity 0 with anything), the vectors are
    divided by their norms before the sum (so the result stays in ``[-1, 1]``), and the
    clamp is not differentiated: the norm's own gradient flows through it. One node.

    Parameters
    ----------
    x1, x2 : Value or ndarray
        Of shapes that broadcast together.
    dim : int, default 1
        The axis of the vectors, in the broadcast shape.
    eps : float, default 1e-8
        The floor of each norm, ``>= 0``.

    Returns
    -------
    Value
        The broadcast shape without ``dim``.

    Raises
    ------
    ValueError
        If the shapes do not broadcast (naming both), or ``eps`` is negative.
    TypeError
        If an input is not a Value or an array, or ``dim`` is not an int.

    Examples
    --------
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.cosine_similarity(Value([[1.0, 0.0], [1.0, 1.0]]), Value([[2.0, 0.0]])).data
    array([1.        , 0.70710678])
    """
    a, b = as_value(x1, "cosine_similarity"), as_value(x2, "cosine_similarity")
    floor = check_bound("cosine_similarity", "eps", eps, positive=False)
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"cosine_similarity: x1 shape {a.shape} and x2 shape {b.shape} do not broadcast"
        ) from None
    axes = single_axis(dim, len(shape), "cosine_similarity")
    similarity, _, _ = _cosine(a._data, b._data, shape, axes, floor)
    result = similarity.reshape(tuple(n for k, n in enumerate(shape) if k not in axes))
    saved = (a._data, b._data, shape, axes, floor)
    return record(result, "cosine_similarity", _cosine_backward, (a, b), saved)


def _cosine(a: Any, b: Any, shape: tuple[int, ...], axes: tuple[int, ...], eps: float) -> Any:
    """(similarity kept, each vector's norm, each clamped norm) of broadcast ``a`` and ``b``."""
    a, b = broadcast_to(a, shape), broadcast_to(b, shape)
    norms = _p_norm(a, 2, axes), _p_norm(b, 2, axes)
    # PyTorch clamps the norms without recording it: the value is clamped, the gradient
    # is the norm's. Adding the clamp as a constant does the same, for arrays and Values.
    clamped = tuple(n + (np.maximum(plain(n), eps) - plain(n)) for n in norms)
    similarity = ((a / clamped[0]) * (b / clamped[1])).sum(axis=axes, keepdims=True)
    return similarity, norms, clamped


def _cosine_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d cos = x2 / (c1 c2) dx1 - cos x1 / (c1 ‖x1‖) dx1 (and the same with 1 and 2 swapped)

    Ties: a zero vector's norm has gradient 0 (as PyTorch's norm); the clamps at eps are
    not differentiated.
    """
    x1, x2, shape, axes, eps = saved
    similarity, norms, clamped = _cosine(x1, x2, shape, axes, eps)
    g = g.reshape(similarity.shape)
    mine, other = (x1, x2) if i == 0 else (x2, x1)
    mine, other = broadcast_to(mine, shape), broadcast_to(other, shape)
    norm, clamp = norms[i], clamped[i]
    safe = norm + (plain(norm) == 0)  # a zero vector's norm has gradient 0, not 0/0
    grad = g * (other / (clamped[0] * clamped[1]) - similarity / clamp * mine / safe)
    return unbroadcast(grad, saved[i])


def check_bound(op: str, name: str, value: object, *, positive: bool) -> float:
    """``value`` as a float if it is a finite number ``> 0`` (``positive``) or ``>= 0``.

    Internal: huber's ``delta``, smooth L1's ``beta`` and the ``eps`` of the functions
    here are checked with it, and the loss modules check their settings with it when made.

    Parameters
    ----------
    op : str
        Who asks, which starts the message.
    name : str
        The argument.
    value : object
        What was given.
    positive : bool
        Whether 0 is refused too.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If it is not a real number.
    ValueError
        If it is out of range, infinite or NaN.

    Examples
    --------
    >>> from nn.functional import check_bound
    >>> check_bound("HuberLoss", "delta", 2, positive=True)
    2.0
    >>> check_bound("HuberLoss", "delta", 0.0, positive=True)
    Traceback (most recent call last):
    ...
    ValueError: HuberLoss: delta must be a number > 0, got 0.0
    """
    number = check_number(op, name, value)
    if number < 0 or (positive and number == 0):
        raise ValueError(
            f"{op}: {name} must be a number {'>' if positive else '>='} 0, got {value!r}"
        )
    return float(number)


# -- regression losses ---------------------------------------------------------------------------


def mse_loss(input: Input, target: Input, reduction: str = "mean") -> Value:
    """Mean squared error: ``(input - target)²`` per element, reduced.

    Raises
    ------
    ValueError
        If the shapes differ (naming both: broadcasting ``(N, 1)`` against ``(N,)`` would
        silently compare every prediction with every target), or for an unknown reduction.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import mse_loss
    >>> from tensorgrad import Value
    >>> mse_loss(Value([1.0, 2.0]), np.array([1.0, 4.0])).item()
    2.0
    """
    check_reduction(reduction, "mse_loss")
    x, y = _pair("mse_loss", input, target)
    diff = x - y
    return _reduce(diff * diff, reduction)


def l1_loss(input: Input, target: Input, reduction: str = "mean") -> Value:
    """Mean absolute error: ``|input - target|`` per element, reduced.

    Raises
    ------
    ValueError
        If the shapes differ, or for an unknown reduction.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import l1_loss
    >>> from tensorgrad import Value
    >>> l1_loss(Value([1.0, 2.0]), np.array([1.0, 4.0]), reduction="sum").item()
    2.0
    """
    check_reduction(reduction, "l1_loss")
    x, y = _pair("l1_loss", input, target)
    return _reduce((x - y).abs(), reduction)


def huber_loss(input: Input, target: Input, reduction: str = "mean", delta: float = 1.0) -> Value:
    """Huber loss: ``½d²`` for ``|d| < delta``, else ``delta (|d| - ½delta)``; d = input - target.

    Quadratic near 0 and linear beyond ``delta``, so that outliers pull with a bounded
    force: the gradient is ``clip(d, -delta, delta)``. One node for every element, then
    the reduction.

    Parameters
    ----------
    input : Value or ndarray
    target : Value or array_like
        Of the input's shape; a Value gets a gradient too.
    reduction : {"mean", "sum", "none"}, default "mean"
    delta : float, default 1
        Where the loss turns linear, ``> 0``.

    Raises
    ------
    ValueError
        If ``delta`` is not positive, the shapes differ, or the reduction is unknown.
    TypeError
        If ``delta`` is not a real number.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.huber_loss(Value([0.5, 3.0]), np.zeros(2), reduction="none").data
    array([0.125, 2.5  ])
    """
    check_reduction(reduction, "huber_loss")
    bound = check_bound("huber_loss", "delta", delta, positive=True)
    x, y = _pair("huber_loss", input, target)
    return _reduce(_huber("huber_loss", x, y, bound), reduction)


def smooth_l1_loss(
    input: Input, target: Input, reduction: str = "mean", beta: float = 1.0
) -> Value:
    """Smooth L1: ``½d²/beta`` where ``|d| < beta``, else ``|d| - ½beta``: Huber's loss / beta.

    Its gradient is ``clip(d / beta, -1, 1)``. With ``beta = 0`` it is :func:`l1_loss`, as
    in PyTorch.

    Parameters
    ----------
    input : Value or ndarray
    target : Value or array_like
        Of the input's shape; a Value gets a gradient too.
    reduction : {"mean", "sum", "none"}, default "mean"
    beta : float, default 1
        Where the loss turns linear, ``>= 0``.

    Raises
    ------
    ValueError
        If ``beta`` is negative, the shapes differ, or the reduction is unknown.
    TypeError
        If ``beta`` is not a real number.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> F.smooth_l1_loss(Value([0.5, 3.0]), np.zeros(2), reduction="none").data
    array([0.125, 2.5  ])
    """
    check_reduction(reduction, "smooth_l1_loss")
    bound = check_bound("smooth_l1_loss", "beta", beta, positive=False)
    x, y = _pair("smooth_l1_loss", input, target)
    if bound == 0:
        return _reduce((x - y).abs(), reduction)
    return _reduce(_huber("smooth_l1_loss", x, y, bound), reduction)


def _huber(op: str, x: Value, y: Value | Array, bound: float) -> Value:
    """Huber's loss (``op`` "huber_loss") or smooth L1 (Huber's / bound), per element."""
    d = operand_data(x) - plain(y)
    size = np.abs(d)
    if op == "huber_loss":
        loss = np.where(size < bound, 0.5 * d * d, bound * (size - 0.5 * bound))
    else:
        loss = np.where(size < bound, 0.5 * d * d / bound, size - 0.5 * bound)
    saved = (operand_data(x), plain(y), bound, op == "huber_loss")
    return record(loss, op, _huber_backward, (x, y), saved)


def _huber_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d huber = clip(d, -δ, δ) dd, d smooth_l1 = clip(d / β, -1, 1) dd, with d = x - y

    Ties: at |d| = δ both pieces have the same value and slope; the second derivative
    (1 inside, 0 outside) is clip's at its bounds.
    """
    x, y, bound, huber = saved
    d = x - y
    slope = d.clip(-bound, bound) if huber else (d / bound).clip(-1.0, 1.0)
    return g * slope if i == 0 else -(g * slope)


def kl_div(input: Input, target: Input, reduction: str = "mean", log_target: bool = False) -> Value:
    """The Kullback-Leibler divergence of ``target`` from the log-probabilities ``input``.

    Per element ``target (log target - input)`` (0 where ``target`` is 0), or with
    ``log_target=True`` (the target given as log-probabilities too)
    ``e^target (target - input)``, as ``torch.nn.functional.kl_div``.

    ``reduction="batchmean"`` (the sum over a sample's classes, averaged over the batch:
    the KL divergence itself) is what to use. ``"mean"``, the default as in PyTorch,
    divides the sum by the number of *elements*, not of samples; PyTorch gives the same
    value with a warning that it will change, here the value comes without a warning and
    this note is the warning.

    The gradient for the input is ``-target`` (``-e^target``); for a target that requires
    grad it is ``log target + 1 - input`` (``e^target (target - input + 1)``), ``-inf``
    where a target is 0 (PyTorch gives NaN there).

    Parameters
    ----------
    input : Value or ndarray
        Log-probabilities.
    target : Value or array_like
        Probabilities (log-probabilities if ``log_target``), of the input's shape.
    reduction : {"mean", "batchmean", "sum", "none"}, default "mean"
    log_target : bool, default False

    Raises
    ------
    ValueError
        If the shapes differ or the reduction is not one of "mean", "batchmean", "sum",
        "none".
    TypeError
        If ``log_target`` is not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import functional as F
    >>> from tensorgrad import Value
    >>> log_q = Value(np.log([[0.5, 0.5]]))
    >>> round(F.kl_div(log_q, np.array([[0.9, 0.1]]), reduction="batchmean").item(), 4)
    0.3681
    """
    check_reduction(reduction, "kl_div", _KL_REDUCTIONS)
    check_bool("kl_div", "log_target", log_target)
    x, t = _pair("kl_div", input, target)
    x_data, t_data = operand_data(x), plain(t)
    if log_target:
        loss = np.exp(t_data) * (t_data - x_data)
    else:
        # t log t is 0 at t = 0 (xlogy, as PyTorch); log of a negative target is NaN
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = np.where(t_data == 0, 0.0, t_data * np.log(t_data)) - t_data * x_data
        loss = loss.astype(x_data.dtype, copy=False)
    pointwise = record(loss, "kl_div", _kl_div_backward, (x, t), (x_data, t_data, log_target))
    if reduction != "batchmean":
        return _reduce(pointwise, reduction)
    total = pointwise.sum()
    if x.ndim == 0:
        return total
    return total * (1.0 / x.shape[0] if x.shape[0] else math.nan)


def _kl_div_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d t(log t - x) = -t dx + (log t + 1 - x) dt; d eᵗ(t - x) = -eᵗ dx + eᵗ(t - x + 1) dt"""
    x, t, log_target = saved
    if log_target:
        e = exp_of(t)
        return -(g * e) if i == 0 else g * e * (t - x + 1)
    if i == 0:
        return -(g * t)
    with np.errstate(divide="ignore"):  # log 0 = -inf: the slope of t log t at 0
        return g * (log_of(t) + 1 - x)


# -- cross-entropy and nll -----------------------------------------------------------------------


def cross_entropy(
    input: Input,
    target: npt.ArrayLike | Value,
    weight: npt.ArrayLike | Value | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Value:
    """The cross-entropy of logits against class indices or class probabilities.

    The input holds unnormalised scores (logits) with the classes on axis 1: shape
    ``(N, C)``, ``(C,)`` for one sample, or ``(N, C, d1, ...)`` (a class per position, as
    for sequences and images). The target is either

    * **class indices**, integers of shape ``(N,)``, ``()`` or ``(N, d1, ...)``: the loss of
      a sample is ``-w[y] log softmax(input)[y]``; or
    * **class probabilities**, floats of the input's own shape (as PyTorch decides): the
      loss is ``-Σ_c w[c] p[c] log softmax(input)[c]``.

    ``weight`` (one per class) scales each term. ``"mean"`` is PyTorch's: with class
    indices the weighted mean, the sum divided by the sum of the weights of the targets
    counted; with probabilities the sum divided by the number of samples (positions).
    Targets equal to ``ignore_index`` count in neither (all ignored: the mean is NaN, as
    in PyTorch). ``label_smoothing = ε`` mixes the target with the uniform distribution:
    ``(1 - ε)`` of it plus ``ε / C`` for every class.

    One node with its closed-form gradient, ``(softmax(x) Σ_c a - a)`` per sample where
    ``a`` are the coefficients of the log-probabilities in the loss (``softmax - one-hot``
    in the plain case); it differentiates again. Stable for logits as large as ±1e3.

    Parameters
    ----------
    input : Value or ndarray
        Logits, shape ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
    target : array_like of int, or Value or ndarray
        Class indices (integers), or class probabilities: floats (an array or a Value) of
        the input's shape.
    weight : array_like, optional
        ``(C,)``: a weight per class (data: it gets no gradient).
    ignore_index : int, default -100
        A class index whose targets are left out (class-index targets only).
    reduction : {"mean", "sum", "none"}
    label_smoothing : float, default 0
        In ``[0, 1]``.

    Raises
    ------
    TypeError
        If the targets are neither integers nor floats of the input's shape, or an
        argument has the wrong type (naming it).
    ValueError
        If the shapes do not fit (naming both), a class index is out of range (naming it
        and the number of classes), ``weight`` has not one element per class,
        ``ignore_index`` is given with probabilities, ``label_smoothing`` is outside
        ``[0, 1]``, or the reduction is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import cross_entropy
    >>> from tensorgrad import Value
    >>> logits = Value([[2.0, 0.0, 0.0], [0.0, 1000.0, 0.0]])
    >>> loss = cross_entropy(logits, np.array([0, 1]))
    >>> round(loss.item(), 4)
    0.1198
    >>> loss.backward()
    >>> logits.grad.round(3)  # (softmax - one-hot) / N
    array([[-0.107,  0.053,  0.053],
           [ 0.   ,  0.   ,  0.   ]])
    >>> round(cross_entropy(logits, np.array([0, -100])).item(), 4)  # the second ignored
    0.2395
    >>> soft = np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]])
    >>> round(cross_entropy(logits, soft, weight=np.array([1.0, 2.0, 1.0])).item(), 4)
    1.1797
    """
    check_reduction(reduction, "cross_entropy")
    check_label_smoothing(label_smoothing, "cross_entropy")
    x = as_value(input, "cross_entropy")
    smoothing = float(label_smoothing)
    return _class_loss("cross_entropy", x, target, weight, ignore_index, reduction, smoothing)


def nll_loss(
    input: Input,
    target: npt.ArrayLike,
    weight: npt.ArrayLike | Value | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Value:
    """The negative log-likelihood of log-probabilities at class indices.

    The loss of a sample is ``-w[y] input[y]``; give it ``log_softmax`` of logits (which
    is what :func:`cross_entropy` does, in one step). Shapes, ``weight``, ``ignore_index``
    and the weighted mean are as in :func:`cross_entropy` with class indices.

    Parameters
    ----------
    input : Value or ndarray
        Log-probabilities, shape ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``.
    target : array_like of int
        Class indices, shape ``(N,)``, ``()`` or ``(N, d1, ...)``.
    weight : array_like, optional
        ``(C,)``: a weight per class (data: it gets no gradient).
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"

    Raises
    ------
    TypeError, ValueError
        As :func:`cross_entropy`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import nll_loss
    >>> from tensorgrad import Value
    >>> log_probs = Value(np.log([[0.5, 0.5], [0.1, 0.9]]))
    >>> round(nll_loss(log_probs, np.array([0, 1])).item(), 4)  # -(log 0.5 + log 0.9) / 2
    0.3993
    >>> round(nll_loss(log_probs, np.array([0, 1]), np.array([3.0, 1.0])).item(), 4)
    0.5462
    """
    check_reduction(reduction, "nll_loss")
    x = as_value(input, "nll_loss")
    return _class_loss("nll_loss", x, target, weight, ignore_index, reduction, None)


class _Targets:
    """What a classification loss's backward needs to know of its targets.

    The loss is ``-Σ_c a[i, c] log p[i, c]`` summed over the samples ``i`` (the rows),
    then reduced; ``a`` is built from these parts when the gradient is asked for, not in
    the forward pass.
    """

    __slots__ = (
        "classes",
        "n_classes",
        "per_row",
        "reduction",
        "shape",
        "smoothing",
        "total",
        "valid",
        "weight",
    )

    def __init__(self, shape: tuple[int, ...], reduction: str, smoothing: float) -> None:
        self.shape = shape
        self.n_classes = shape[0] if len(shape) == 1 else shape[1]
        self.reduction = reduction
        self.smoothing = smoothing
        self.weight: Array | None = None  # (C,)
        self.classes: Array | None = None  # (M,), class-index targets (ignored ones at 0)
        self.per_row: Array | None = None  # (M,), w[y], 0 where ignored; None for all 1
        self.valid: Array | None = None  # (M,), float 0 where ignored; None if none is
        self.total = 0.0  # what "mean" divides by

    def coefficients(self, soft: Any, dtype: Any) -> Any:
        """``a``, ``(M, C)``: of the soft targets (array or Value), or of the classes."""
        eps, c = self.smoothing, self.n_classes
        if self.classes is None:
            a = soft * (1.0 - eps) + eps / c if eps else soft
            return a if self.weight is None else a * self.weight
        m = len(self.classes)
        a = np.zeros((m, c), dtype)
        a[row_indices(m), self.classes] = (
            (1.0 - eps) if self.per_row is None else (self.per_row * (1.0 - eps))
        )
        if eps:
            spread = np.full(c, eps / c, dtype) if self.weight is None else self.weight * (eps / c)
            a += spread if self.valid is None else self.valid[:, None] * spread
        return a

    def scale(self, g: Any) -> Any:
        """The gradient of the loss per row, ``(M, 1)`` or a scalar, from the output's."""
        if self.reduction == "none":
            return g.reshape(-1, 1)
        if self.reduction == "sum":
            return g
        return g / self.total if self.total else g * 0.0  # (nothing counted: no gradient)


def _class_loss(
    op: str,
    x: Value,
    target: Any,
    weight: Any,
    ignore_index: Any,
    reduction: str,
    smoothing: float | None,
) -> Value:
    """cross_entropy (``smoothing`` a float) or nll_loss (``smoothing`` None), one node."""
    ignore = check_int(op, "ignore_index", ignore_index)
    shape = x.shape
    if not shape:
        raise ValueError(
            f"{op}: input must have the classes on an axis: shape (C,), (N, C) or "
            f"(N, C, d1, ...), got shape ()"
        )
    logits = smoothing is not None
    spec = _Targets(shape, reduction, smoothing or 0.0)
    spec.weight = _class_weight(op, weight, spec.n_classes, x.dtype)
    scores = _to_rows(x._data, shape)
    # (log_softmax on a constant Value: the op's numerics, without a node of its own)
    log_p = operand_data(tensorgrad.log_softmax(new_value(scores), axis=-1)) if logits else scores
    t_data = None
    if logits and _is_soft(target, shape):
        _, t = _pair(op, x, target)
        t_data = plain(t)
        if ignore >= 0:
            raise ValueError(
                f"{op}: ignore_index is for class-index targets, not class probabilities "
                f"(got ignore_index={ignore})"
            )
        losses = -(log_p * spec.coefficients(_to_rows(t_data, shape), x.dtype)).sum(axis=1)
        spec.total = float(len(losses))
        operands: tuple[Any, ...] = (x, t)
    else:
        losses = _picked_losses(op, spec, log_p, target, ignore)
        operands = (x,)
    if reduction == "none":
        result: Any = losses.reshape(() if len(shape) == 1 else (shape[0], *shape[2:]))
    elif reduction == "sum":
        result = losses.sum()
    else:
        result = losses.sum() / spec.total if spec.total else np.asarray(np.nan, x.dtype)
    backward = _cross_entropy_backward if logits else _nll_backward
    return record(result, op, backward, operands, (x._data, t_data, log_p, spec))


def _picked_losses(op: str, spec: _Targets, log_p: Array, target: Any, ignore: int) -> Array:
    """``-w[y] log p[y]`` per row (+ the smoothing term), after checking the classes."""
    classes = _class_indices(op, spec.shape, target)
    m, c = classes.size, spec.n_classes
    y = classes.reshape(m)
    ignored = None
    if m:
        lo, hi = y.min(), y.max()
        if lo <= ignore <= hi:
            ignored = y == ignore
            if not ignored.any():
                ignored = None
        if lo < 0 or hi >= c:
            bad = (y < 0) | (y >= c)
            if ignored is not None:
                bad &= ~ignored
            if bad.any():
                raise _out_of_range(op, y[bad][0], c)
    if ignored is not None:
        y = np.where(ignored, 0, y)
    picked = log_p[row_indices(m), y]
    w = spec.weight
    spec.classes = y
    if w is None and ignored is None:
        losses = -picked
        spec.total = float(m)
    else:
        per_row = np.ones(m, log_p.dtype) if w is None else w[y]
        if ignored is not None:
            per_row = np.where(ignored, 0, per_row).astype(log_p.dtype, copy=False)
            spec.valid = (~ignored).astype(log_p.dtype)
        spec.per_row = per_row
        losses = -(picked * per_row)
        if ignored is not None:
            losses = np.where(ignored, 0, losses).astype(log_p.dtype, copy=False)
        spec.total = float(per_row.sum())
    if spec.smoothing:
        # PyTorch's smoothing term, -Σ_c w[c] log p[c], left out where the target is ignored
        smooth = -(log_p.sum(axis=1) if w is None else (log_p * w).sum(axis=1))
        if ignored is not None:
            smooth = np.where(ignored, 0, smooth).astype(log_p.dtype, copy=False)
        eps = spec.smoothing
        losses = losses * (1.0 - eps) + smooth * (eps / c)
    return losses


def _cross_entropy_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d -Σ a log softmax(x) = (softmax(x) Σ_c a - a) dx - Σ (1 - ε) w log softmax(x) dt

    per sample, where a are the coefficients of the log-probabilities (see _Targets).
    """
    x, t, log_p, spec = saved
    shape = spec.shape
    scale = spec.scale(g)
    if isinstance(x, Value):  # differentiable again: softmax of x as a Value
        rows = _to_rows(x, shape)
        p: Any = tensorgrad.softmax(rows, axis=-1)
        if i == 1:
            log_p = tensorgrad.log_softmax(rows, axis=-1)
    else:
        p = np.exp(log_p) if i == 0 else None
    if i == 1:
        w = (1.0 - spec.smoothing) if spec.weight is None else spec.weight * (1.0 - spec.smoothing)
        return _from_rows(-(log_p * w) * scale, shape)
    soft = None if t is None else _to_rows(t, shape)
    a = spec.coefficients(soft, log_p.dtype)
    if spec.classes is not None and spec.per_row is None and not spec.smoothing:
        grad = p - a  # Σ_c a = 1 for every row
    else:
        grad = p * a.sum(axis=1, keepdims=True) - a
    return _from_rows(grad * scale, shape)


def _nll_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d -Σ a x = -a dx (a: w[y] at each target's class, see _Targets)"""
    spec = saved[3]
    return _from_rows(-spec.coefficients(None, saved[2].dtype) * spec.scale(g), spec.shape)


def _to_rows(a: Any, shape: tuple[int, ...]) -> Any:
    """``(N, C, d1, ...)`` (or ``(C,)``) as ``(M, C)``, a row per sample and position."""
    if len(shape) == 2:
        return a
    if len(shape) == 1:
        return a.reshape(1, shape[0])
    n, c, d = shape[0], shape[1], math.prod(shape[2:])
    return a.reshape(n, c, d).swapaxes(1, 2).reshape(n * d, c)


def _from_rows(a: Any, shape: tuple[int, ...]) -> Any:
    """The inverse of :func:`_to_rows`."""
    if len(shape) == 2:
        return a
    if len(shape) == 1:
        return a.reshape(shape)
    n, c, d = shape[0], shape[1], math.prod(shape[2:])
    return a.reshape(n, d, c).swapaxes(1, 2).reshape(shape)


def _is_soft(target: Any, shape: tuple[int, ...]) -> bool:
    """Whether ``target`` holds class probabilities: floats of the input's shape (PyTorch's
    rule); integers of that shape are an error, not indices."""
    if isinstance(target, Value):
        return target.shape == shape
    if not isinstance(target, np.ndarray):
        return False  # (a list is read as indices, or refused, by _class_indices)
    if target.shape != shape:
        return False
    if target.dtype.kind != "f":
        raise TypeError(
            f"cross_entropy: targets of the input's shape {shape} are class probabilities "
            f"and must be floats, got dtype {target.dtype}"
        )
    return True


def _class_indices(caller: str, shape: tuple[int, ...], target: Any) -> Array:
    """``target`` as an integer array of the shape the input's classes call for."""
    if isinstance(target, Value):
        raise TypeError(
            f"{caller}: targets must be a numpy array of integer class indices, not a Value"
            + (
                f" (class probabilities: a Value of the input's shape {shape})"
                if caller == "cross_entropy"
                else ""
            )
        )
    classes = real_array(target, f"{caller}: the target")
    if classes.dtype.kind not in "iu":
        soft = (
            f", or class probabilities as floats of the input's shape {shape}"
            if caller == "cross_entropy"
            else ""
        )
        raise TypeError(
            f"{caller}: targets must be integer class indices, got an array of dtype "
            f"{classes.dtype} (shape {classes.shape}); pass labels as integers "
            f"(e.g. y.astype(np.int64)){soft}"
        )
    expected = () if len(shape) == 1 else (shape[0], *shape[2:])
    if classes.shape != expected:
        if classes.ndim == len(expected) >= 1 and classes.shape[1:] == expected[1:]:
            raise ValueError(
                f"{caller}: input batch size {shape[0]} does not match target batch size "
                f"{classes.shape[0]}"
            )
        wanted = {0: "()", 1: "(N,)"}.get(len(expected), "(N, d1, ...)")
        per = {0: "for the one sample", 1: "per row of the input"}.get(
            len(expected), "per position of the input"
        )
        raise ValueError(
            f"{caller}: targets must have shape {wanted}, one class index {per}, got target "
            f"shape {classes.shape} for input shape {shape} (expected {expected})"
        )
    return classes


def _out_of_range(caller: str, bad: Any, n_classes: int) -> ValueError:
    return ValueError(
        f"{caller}: target class index {bad} is out of range for {n_classes} classes "
        f"(valid: 0 to {n_classes - 1})"
    )


def _class_weight(op: str, weight: Any, n_classes: int, dtype: Any) -> Array | None:
    """``weight`` as an array ``(C,)`` in the input's dtype, or None."""
    w = as_weight(op, "weight", weight)
    if w is None:
        return None
    if w.shape != (n_classes,):
        raise ValueError(
            f"{op}: weight must have shape (C,) = ({n_classes},), one weight per class, "
            f"got shape {w.shape}"
        )
    return w.astype(dtype, copy=False)


def _elementwise_weight(op: str, name: str, weight: Any, x: Value) -> Array | None:
    """``weight`` (or ``pos_weight``) as an array that broadcasts to the input, or None."""
    w = as_weight(op, name, weight)
    if w is None:
        return None
    try:
        fits = np.broadcast_shapes(w.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: {name} of shape {w.shape} does not broadcast to the input's shape {x.shape}"
        )
    return w.astype(x.dtype, copy=False)


def as_weight(op: str, name: str, weight: object) -> Array | None:
    """A loss's ``weight`` (or ``pos_weight``) as an array of real numbers, or None.

    Internal: the losses check their weights with it, and the loss modules when they are
    made. A weight is data, as in PyTorch: a Value is taken for its array, unless it
    requires grad (its gradient would be silently dropped).

    Parameters
    ----------
    op : str
        Who asks, which starts the message.
    name : str
        The argument, ``"weight"`` or ``"pos_weight"``.
    weight : array_like, Value or None

    Returns
    -------
    ndarray or None

    Raises
    ------
    TypeError
        If it is not real numbers, or a Value that requires grad.

    Examples
    --------
    >>> from nn.functional import as_weight
    >>> as_weight("nll_loss", "weight", [1, 2])
    array([1, 2])
    >>> as_weight("nll_loss", "weight", "a")
    Traceback (most recent call last):
    ...
    TypeError: nll_loss: weight must be an array of real numbers, got str (numpy dtype <U1)
    """
    if weight is None:
        return None
    if isinstance(weight, Value):
        if weight.requires_grad:
            raise TypeError(
                f"{op}: {name} is data and gets no gradient: pass a Value that does not "
                f"require grad, or its .data"
            )
        return np.asarray(operand_data(weight))
    if isinstance(weight, (bool, np.bool_)) or (
        isinstance(weight, np.ndarray) and weight.dtype.kind == "b"
    ):
        raise TypeError(f"{op}: {name} must be an array of real numbers, got {describe(weight)}")
    return real_array(weight, f"{op}: {name}")


# -- binary cross-entropy ------------------------------------------------------------------------


def binary_cross_entropy_with_logits(
    input: Input,
    target: Input,
    weight: npt.ArrayLike | Value | None = None,
    *,
    reduction: str = "mean",
    pos_weight: npt.ArrayLike | Value | None = None,
) -> Value:
    """Binary cross-entropy of logits ``x`` against targets ``y`` in ``[0, 1]``.

    The loss per element is ``-[y log σ(x) + (1 - y) log(1 - σ(x))]``, which simplifies
    to ``log(1 + eˣ) - x·y``, computed stably as ``max(x, 0) + log(1 + e^-|x|) - x·y``:
    no exponential of a large number is ever taken. ``pos_weight`` (broadcast along the
    last axis, one per class) weighs the positive term: the loss is then PyTorch's
    ``(1 - y) x + (1 + (pos_weight - 1) y) softplus(-x)``, and ``weight`` (broadcast to the
    input) scales every element. One node, whose gradient is ``σ(x) - y`` without weights,
    ``(1 + (pw - 1) y) σ(x) - pw·y`` with them (and ``-x + (pw - 1) softplus(-x)`` for a
    target that requires grad), finite for every finite ``x``, in float32 too.

    Parameters
    ----------
    input : Value or ndarray
        Logits.
    target : Value or array_like
        Of the input's shape, in ``[0, 1]``; a Value gets a gradient too.
    weight : array_like, optional
        Broadcast to the input (data).
    reduction : {"mean", "sum", "none"}, default "mean"
    pos_weight : array_like, optional
        The weight of the positive term, broadcast to the input (data).

    Raises
    ------
    ValueError
        If the shapes differ, a weight does not broadcast to the input, or the reduction
        is unknown.
    TypeError
        If the input, the target or a weight is not numbers, or the target is a Value of
        another dtype than the input.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import binary_cross_entropy_with_logits
    >>> from tensorgrad import Value
    >>> x = Value([0.0, 1000.0, -1000.0])
    >>> binary_cross_entropy_with_logits(x, np.array([1.0, 1.0, 1.0]), reduction="none").data
    array([6.93147181e-01, 0.00000000e+00, 1.00000000e+03])
    >>> bool(binary_cross_entropy_with_logits(
    ...     Value([0.0]), np.array([1.0]), pos_weight=np.array([3.0])
    ... ).item() == 3 * np.log(2))  # the positive term weighs 3 times
    True
    """
    op = "binary_cross_entropy_with_logits"
    check_reduction(reduction, op)
    x, y = _pair(op, input, target)
    w = _elementwise_weight(op, "weight", weight, x)
    pw = _elementwise_weight(op, "pos_weight", pos_weight, x)
    x_data, y_data = operand_data(x), plain(y)
    softplus_of_minus = _softplus_of_minus(x_data)
    if pw is None:
        loss = (1 - y_data) * x_data + softplus_of_minus
    else:
        loss = (1 - y_data) * x_data + ((pw - 1) * y_data + 1) * softplus_of_minus
    if w is not None:
        loss = loss * w
    saved = (x_data, y_data, w, pw)
    return _reduce(record(loss, "bce_with_logits", _bce_logits_backward, (x, y), saved), reduction)


def _bce_logits_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d[(1 - y) x + l softplus(-x)] = (l σ(x) - pw y) dx + ((pw - 1) softplus(-x) - x) dy

    with l = 1 + (pw - 1) y (pw = 1 without pos_weight); all times weight.
    """
    x, y, w, pw = saved
    if i == 1:
        slope = -x if pw is None else (pw - 1) * _softplus_of_minus(x) - x
    elif pw is None:
        slope = _sigmoid(x) - y
    else:
        slope = ((pw - 1) * y + 1) * _sigmoid(x) - pw * y
    return g * slope if w is None else g * slope * w


def _softplus_of_minus(x: Any) -> Any:
    """``log(1 + e^-x)``, stably, of an array or a Value.

    A Value's is ``-logsigmoid(x)``, one smooth node: written with relu and abs, its
    derivative at ``x = 0`` would be relu's and abs's there, 0 instead of -1/2.
    """
    if isinstance(x, Value):
        return -logsigmoid(x)
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))


def binary_cross_entropy(
    input: Input,
    target: Input,
    weight: npt.ArrayLike | Value | None = None,
    *,
    reduction: str = "mean",
) -> Value:
    """Binary cross-entropy of probabilities ``p`` against targets ``y`` in ``[0, 1]``.

    The loss per element is ``-[y log p + (1 - y) log(1 - p)]``, each log clamped at
    -100 as in PyTorch, so that ``p = 0`` or ``1`` gives a large finite loss; ``weight``
    (broadcast to the input) scales it. The gradient is PyTorch's too,
    ``(p - y) / max(p (1 - p), 1e-12)``: finite at ``p = 0`` and ``1`` (where the
    derivative of the clamped logs would be 1/0), in float32 as in float64. Prefer
    :func:`binary_cross_entropy_with_logits` on the logits: it is exact everywhere.

    Parameters
    ----------
    input : Value or ndarray
        Probabilities in ``[0, 1]``.
    target : Value or array_like
        Of the input's shape, in ``[0, 1]``; a Value gets a gradient too.
    weight : array_like, optional
        Broadcast to the input (data).
    reduction : {"mean", "sum", "none"}, default "mean"

    Raises
    ------
    ValueError
        If a probability is outside ``[0, 1]`` or NaN, the shapes differ, the weight does
        not broadcast to the input, or the reduction is unknown.
    TypeError
        As :func:`binary_cross_entropy_with_logits`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import binary_cross_entropy
    >>> from tensorgrad import Value
    >>> p = Value([0.5, 0.9])
    >>> round(binary_cross_entropy(p, np.array([1.0, 1.0])).item(), 4)
    0.3993
    >>> p = Value([1.0, 0.0], dtype=np.float32)  # certain, and wrong: the logs are clamped
    >>> loss = binary_cross_entropy(p, np.array([0.0, 1.0]))
    >>> loss.backward()
    >>> loss.item(), p.grad
    (100.0, array([ 5.e+11, -5.e+11], dtype=float32))
    """
    check_reduction(reduction, "binary_cross_entropy")
    p, y = _pair("binary_cross_entropy", input, target)
    w = _elementwise_weight("binary_cross_entropy", "weight", weight, p)
    p_data, y_data = operand_data(p), plain(y)
    if not ((p_data >= 0) & (p_data <= 1)).all():  # (NaN fails both comparisons)
        bad = p_data[~((p_data >= 0) & (p_data <= 1))][0]
        raise ValueError(
            f"binary_cross_entropy: all elements of input should be probabilities in [0, 1], "
            f"got {bad}; for logits use binary_cross_entropy_with_logits"
        )
    log_p, log_not_p = _clamped_log(p_data), _clamped_log(1 - p_data)
    loss = -(y_data * log_p + (1 - y_data) * log_not_p)
    if w is not None:
        loss = loss * w
    saved = (p_data, y_data, w)
    return _reduce(record(loss, "bce", _bce_backward, (p, y), saved), reduction)


def _bce_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d -w[y log p + (1 - y) log(1 - p)] = w (p - y) / (p (1 - p)) dp + w (log(1 - p) - log p) dy

    Ties: at p = 0 or 1 the denominator is 1e-12, as in PyTorch (not 0).
    """
    p, y, w = saved
    if i == 1:
        slope = _clamped_log(1 - p) - _clamped_log(p)
    else:
        slope = (p - y) / (p * (1 - p)).clip(_BCE_EPSILON)
    return g * slope if w is None else g * slope * w


_BCE_EPSILON = 1e-12  # PyTorch's floor for p (1 - p) in binary_cross_entropy's gradient


def _clamped_log(p: Any) -> Any:
    """``max(log p, -100)``, as PyTorch's binary cross-entropy takes it (array or Value)."""
    with np.errstate(divide="ignore"):  # log(0) is -inf, then -100
        return log_of(p).clip(-100.0)


def _sigmoid(x: Any) -> Any:
    """σ(x) of an array or a Value (for the formulas)."""
    if isinstance(x, Value):
        return x.sigmoid()
    with np.errstate(over="ignore"):  # e**-x is inf for x < -709: σ is then 0, as it should be
        return 1 / (1 + np.exp(-x))


# -- helpers ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def row_indices(n: int) -> Array:
    """``0, 1, ..., n - 1``: the row of each target, as a shared read-only array.

    Internal: :func:`nll_loss` and :func:`cross_entropy` index ``log_probs[rows, classes]``
    with it. Made once per batch size (a training loop asks for the same one every step),
    read-only since it is shared.

    Parameters
    ----------
    n : int
        The batch size.

    Returns
    -------
    ndarray of int
        ``np.arange(n)``, not writeable; the same array for the same ``n``.

    Examples
    --------
    >>> from nn.functional import row_indices
    >>> row_indices(3)
    array([0, 1, 2])
    >>> row_indices(3) is row_indices(3), row_indices(3).flags.writeable
    (True, False)
    """
    rows = np.arange(n)
    rows.flags.writeable = False
    return rows


def _reduce(loss: Value, reduction: str) -> Value:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def check_reduction(reduction: object, op: str, allowed: tuple[str, ...] = _REDUCTIONS) -> None:
    """Raise unless ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"`` (or one of ``allowed``).

    Internal: every loss function checks its argument with it, and every loss module
    (:mod:`nn.loss`) checks its setting when it is made.

    Parameters
    ----------
    reduction : str
        The reduction asked for.
    op : str
        The loss, which starts the message.
    allowed : tuple of str, default ("mean", "sum", "none")
        The reductions the loss knows (:func:`kl_div` adds "batchmean").

    Raises
    ------
    TypeError
        If it is not a string, naming its type.
    ValueError
        For another string, naming it.

    Examples
    --------
    >>> from nn.functional import check_reduction
    >>> check_reduction("sum", "mse_loss")
    >>> check_reduction("avg", "mse_loss")
    Traceback (most recent call last):
    ...
    ValueError: mse_loss: reduction must be 'mean', 'sum' or 'none', got 'avg'
    """
    if isinstance(reduction, str) and reduction in allowed:
        return
    names = ", ".join(repr(r) for r in allowed[:-1]) + f" or {allowed[-1]!r}"
    if not isinstance(reduction, str):
        raise TypeError(
            f"{op}: reduction must be {names}, got {type(reduction).__name__} {reduction!r}"
        )
    raise ValueError(f"{op}: reduction must be {names}, got {reduction!r}")


def check_label_smoothing(label_smoothing: object, op: str) -> None:
    """Raise unless ``label_smoothing`` is a real number in ``[0, 1]``.

    Internal: :func:`cross_entropy` checks its argument with it, and
    :class:`~nn.CrossEntropyLoss` its setting when it is made.

    Parameters
    ----------
    label_smoothing : object
        What was given.
    op : str
        Who asks, which starts the message.

    Raises
    ------
    TypeError
        If it is not a real number (a bool, a string).
    ValueError
        If it is outside ``[0, 1]``, or NaN.

    Examples
    --------
    >>> from nn.functional import check_label_smoothing
    >>> check_label_smoothing(0.1, "cross_entropy")
    >>> check_label_smoothing(1.5, "cross_entropy")
    Traceback (most recent call last):
    ...
    ValueError: cross_entropy: label_smoothing must be in [0, 1], got 1.5
    """
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(
            f"{op}: label_smoothing must be a float in [0, 1], got "
            f"{type(label_smoothing).__name__} {label_smoothing!r}"
        )
    if not 0.0 <= float(label_smoothing) <= 1.0:  # (NaN fails it too)
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing!r}")


def _pair(caller: str, input: Input, target: Input) -> tuple[Value, Value | Array]:
    """The input as a Value and the target in the input's dtype, of the same shape.

    A target that is data (an array, a number, a list) is converted to the input's dtype:
    the loss of a float32 model stays float32 when its targets come as float64 or ints
    (as most datasets give them). A target Value, which may require grad, must have the
    input's dtype already: converting it would be a silent copy in the graph.
    """
    x = as_value(input, caller)
    if isinstance(target, Value):
        if target.dtype != x.dtype:
            raise TypeError(
                f"{caller}: expected input and target to have the same dtype, got "
                f"{x.dtype} and {target.dtype}; convert one with .astype()"
            )
        y: Value | Array = target
    else:
        y = real_array(target, f"{caller}: the target").astype(x.dtype, copy=False)
    if x.shape != y.shape:
        raise ValueError(
            f"{caller}: input shape {x.shape} and target shape {y.shape} "
            f"differ; reshape one to the other (e.g. target.reshape(input.shape))"
        )
    return x, y


def as_value(x: Input, op: str) -> Value:
    """``x`` as a Value; a numpy array becomes a constant one.

    Internal: how the losses and the activation layers (:mod:`nn.activation`) accept
    arrays as well as Values.

    Parameters
    ----------
    x : Value or ndarray
        A Value, returned as it is, or an array, wrapped with ``requires_grad=False`` (no
        gradient is computed for data).
    op : str
        Who asks, for the error message.

    Returns
    -------
    Value

    Raises
    ------
    TypeError
        If ``x`` is neither (see :func:`check_input`).

    Examples
    --------
    >>> import numpy as np
    >>> from nn.functional import as_value
    >>> from tensorgrad import Value
    >>> x = Value([1.0, 2.0])
    >>> as_value(x, "ReLU") is x
    True
    >>> as_value(np.array([1.0, 2.0]), "ReLU").requires_grad
    False
    """
    if isinstance(x, Value):
        return x
    return Value(check_input(x, op), requires_grad=False)


def check_input(x: Any, op: str) -> Any:
    """``x`` itself if it is a Value or a numpy array of real numbers; else a TypeError.

    Internal: every layer and loss checks its input with it (directly or through
    :func:`as_value`), so that a list or a string gets a message that names the layer, as
    PyTorch's "argument 'input' must be Tensor, not list" does.

    Parameters
    ----------
    x : object
        The input given.
    op : str
        The layer or function, for the message.

    Returns
    -------
    Value or ndarray
        ``x``, unchanged.

    Examples
    --------
    >>> from nn.functional import check_input
    >>> check_input([1.0, 2.0], "Linear")
    Traceback (most recent call last):
    ...
    TypeError: Linear: the input must be a Value or a numpy array, got list
    """
    if isinstance(x, Value):
        return x
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{op}: the input must be a Value or a numpy array, got {type(x).__name__}")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{op}: the input must be an array of real numbers, got dtype {x.dtype}")
    return x

"""Loss functions, as ``torch.nn.functional``: each takes predictions and targets, returns a Value.

Every loss first computes one number per element (or per sample), then *reduces* them
as ``reduction`` says: ``"mean"`` (the default), ``"sum"``, or ``"none"`` (keep them all).
The predictions are Values (or arrays); the targets are data: numpy arrays, or Values
when a gradient should flow into them too (regression losses only).

The classification losses take raw scores, *logits*, rather than probabilities when they
can: ``log_softmax`` and ``log(1 + e^x)`` computed from logits stay finite where
``log(softmax(x))`` and ``log(sigmoid(x))`` would overflow or give ``log(0)``.

Internal (public so that other nn modules and the tests can use them, but not part of the
API): ``as_value``, ``check_input``, ``check_label_smoothing``, ``check_reduction`` and
``row_indices``.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from tensorgrad import Value
from tensorgrad.record import operand_data, plain, record
from tensorgrad.tensor import real_array

# The user-facing API; as_value, check_input, check_reduction and row_indices are internal.
__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_loss",
    "mse_loss",
    "nll_loss",
]

Array = npt.NDArray[Any]
Input = Value | Array
_REDUCTIONS = ("mean", "sum", "none")


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


def cross_entropy(
    input: Input,
    target: npt.ArrayLike,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Value:
    """The cross-entropy of logits ``(N, C)`` against class indices ``(N,)``.

    For sample ``i`` the loss is ``-log softmax(input[i])[target[i]]``: minus the log of
    the probability the model gives to the right class. It is computed as
    ``nll_loss(log_softmax(input), target)``, stable for logits as large as ±1e3.

    With ``label_smoothing = ε``, the target is the mixture ``(1 - ε)`` one-hot plus
    ``ε`` uniform over the ``C`` classes, so the loss becomes
    ``(1 - ε) · nll + ε · mean_c(-log softmax(input[i])[c])``, as in PyTorch.

    Parameters
    ----------
    input : Value or ndarray
        Logits (unnormalised scores), shape ``(N, C)``.
    target : array_like of int
        Class indices in ``[0, C)``, shape ``(N,)``.
    reduction : {"mean", "sum", "none"}
    label_smoothing : float, default 0
        In ``[0, 1]``.

    Raises
    ------
    TypeError
        If the targets are not integers (float targets, such as probabilities or one-hot
        rows, are not supported: pass class indices).
    ValueError
        If ``input`` is not 2-D, the batch sizes differ (naming both), a class index is
        out of range (naming it and the number of classes), ``label_smoothing`` is outside
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
    """
    check_reduction(reduction, "cross_entropy")
    check_label_smoothing(label_smoothing, "cross_entropy")
    log_probs = tensorgrad.log_softmax(_scores("cross_entropy", input), axis=-1)
    if label_smoothing == 0.0:
        return _nll("cross_entropy", log_probs, target, reduction)
    nll = _nll("cross_entropy", log_probs, target, "none")
    uniform = log_probs.sum(axis=-1) * (-1.0 / log_probs.shape[-1])
    return _reduce(nll * (1.0 - label_smoothing) + uniform * label_smoothing, reduction)


def nll_loss(input: Input, target: npt.ArrayLike, reduction: str = "mean") -> Value:
    """The negative log-likelihood of log-probabilities ``(N, C)`` at class indices ``(N,)``.

    The loss of sample ``i`` is ``-input[i, target[i]]``. Give it ``log_softmax`` of
    logits (which is what :func:`cross_entropy` does).

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
    """
    check_reduction(reduction, "nll_loss")
    return _nll("nll_loss", _scores("nll_loss", input), target, reduction)


def binary_cross_entropy_with_logits(input: Input, target: Input, reduction: str = "mean") -> Value:
    """Binary cross-entropy of logits ``x`` against targets ``y`` in ``[0, 1]``.

    The loss per element is ``-[y log σ(x) + (1 - y) log(1 - σ(x))]``, which simplifies
    to ``log(1 + eˣ) - x·y``, computed stably as ``max(x, 0) + log(1 + e^-|x|) - x·y``:
    no exponential of a large number is ever taken. One node, whose gradient is
    ``σ(x) - y`` (and ``-x`` for a target that requires grad), finite for every finite
    ``x``, in float32 too.

    Raises
    ------
    ValueError
        If the shapes differ, or for an unknown reduction.
    TypeError
        If the input or the target is not numbers, or the target is a Value of another
        dtype than the input.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import binary_cross_entropy_with_logits
    >>> from tensorgrad import Value
    >>> x = Value([0.0, 1000.0, -1000.0])
    >>> binary_cross_entropy_with_logits(x, np.array([1.0, 1.0, 1.0]), "none").data
    array([6.93147181e-01, 0.00000000e+00, 1.00000000e+03])
    """
    check_reduction(reduction, "binary_cross_entropy_with_logits")
    x, y = _pair("binary_cross_entropy_with_logits", input, target)
    x_data, y_data = operand_data(x), plain(y)
    loss = np.maximum(x_data, 0) - x_data * y_data + np.log1p(np.exp(-np.abs(x_data)))
    saved = (x_data, y_data)
    return _reduce(record(loss, "bce_with_logits", _bce_logits_backward, (x, y), saved), reduction)


def _bce_logits_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d[log(1 + eˣ) - x·y] = (σ(x) - y) dx - x dy"""
    x, y = saved
    if i == 1:
        return -g * x
    return g * (_sigmoid(x) - y)


def binary_cross_entropy(input: Input, target: Input, reduction: str = "mean") -> Value:
    """Binary cross-entropy of probabilities ``p`` against targets ``y`` in ``[0, 1]``.

    The loss per element is ``-[y log p + (1 - y) log(1 - p)]``, each log clamped at
    -100 as in PyTorch, so that ``p = 0`` or ``1`` gives a large finite loss. The gradient
    is PyTorch's too, ``(p - y) / max(p (1 - p), 1e-12)``: finite at ``p = 0`` and ``1``
    (where the derivative of the clamped logs would be 1/0), in float32 as in float64.
    Prefer :func:`binary_cross_entropy_with_logits` on the logits: it is exact everywhere.

    Raises
    ------
    ValueError
        If a probability is outside ``[0, 1]`` or NaN, the shapes differ, or the reduction
        is unknown.
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
    p_data, y_data = operand_data(p), plain(y)
    if not ((p_data >= 0) & (p_data <= 1)).all():  # (NaN fails both comparisons)
        bad = p_data[~((p_data >= 0) & (p_data <= 1))][0]
        raise ValueError(
            f"binary_cross_entropy: all elements of input should be probabilities in [0, 1], "
            f"got {bad}; for logits use binary_cross_entropy_with_logits"
        )
    log_p, log_not_p = _clamped_log(p_data), _clamped_log(1 - p_data)
    loss = -(y_data * log_p + (1 - y_data) * log_not_p)
    saved = (p_data, y_data)
    return _reduce(record(loss, "bce", _bce_backward, (p, y), saved), reduction)


def _bce_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d -[y log p + (1 - y) log(1 - p)] = (p - y) / (p (1 - p)) dp + (log(1 - p) - log p) dy

    Ties: at p = 0 or 1 the denominator is 1e-12, as in PyTorch (not 0).
    """
    p, y = saved
    if i == 1:
        return g * (_clamped_log(1 - p) - _clamped_log(p))
    return g * (p - y) / (p * (1 - p)).clip(_BCE_EPSILON)


_BCE_EPSILON = 1e-12  # PyTorch's floor for p (1 - p) in binary_cross_entropy's gradient


def _clamped_log(p: Any) -> Any:
    """``max(log p, -100)``, as PyTorch's binary cross-entropy takes it (array or Value)."""
    with np.errstate(divide="ignore"):  # log(0) is -inf, then -100
        return (p.log() if isinstance(p, Value) else np.log(p)).clip(-100.0)


def _sigmoid(x: Any) -> Any:
    """σ(x) of an array or a Value (for the formulas)."""
    if isinstance(x, Value):
        return x.sigmoid()
    with np.errstate(over="ignore"):  # e**-x is inf for x < -709: σ is then 0, as it should be
        return 1 / (1 + np.exp(-x))


# -- helpers ----------------------------------------------------------------------------------


def _nll(caller: str, log_probs: Value, target: npt.ArrayLike, reduction: str) -> Value:
    """``-log_probs[i, target[i]]`` per sample, reduced, after checking the targets."""
    classes = _class_indices(caller, log_probs.shape, target)
    n = len(classes)
    try:
        picked = log_probs[row_indices(n), classes]
    except IndexError:
        # numpy's indexing has checked that no class index is >= C (negative ones, which
        # it would count from the end, were refused before): say it in our words.
        raise _out_of_range(caller, classes, log_probs.shape[1]) from None
    if reduction == "none":
        return -picked
    if reduction == "sum":
        return -picked.sum()
    # -mean as one multiplication; an empty batch has no mean (NaN, as in PyTorch)
    return picked.sum() * (-1.0 / n if n else math.nan)


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


def _class_indices(caller: str, shape: tuple[int, ...], target: npt.ArrayLike) -> Array:
    """``target`` as an integer array ``(N,)`` of classes, none negative; else a clear error.

    That no class is ``>= C`` is checked by the indexing in :func:`_nll`.
    """
    if isinstance(target, Value):
        raise TypeError(
            f"{caller}: targets must be a numpy array of integer class indices, not a Value"
        )
    classes = np.asarray(target)
    if classes.dtype.kind not in "iu":
        raise TypeError(
            f"{caller}: targets must be integer class indices, got an array of dtype "
            f"{classes.dtype}; pass labels as integers (e.g. y.astype(np.int64)), "
            f"not probabilities or one-hot rows"
        )
    if len(shape) != 2:
        raise ValueError(
            f"{caller}: input must have shape (N, C), a batch of N rows of C class scores, "
            f"got shape {shape}"
        )
    if classes.ndim != 1:
        raise ValueError(
            f"{caller}: targets must have shape (N,), one class index per row of the input, "
            f"got target shape {classes.shape} for input shape {shape}"
        )
    if len(classes) != shape[0]:
        raise ValueError(
            f"{caller}: input batch size {shape[0]} does not match target batch size {len(classes)}"
        )
    if classes.size and classes.min() < 0:
        raise _out_of_range(caller, classes, shape[1])
    return classes


def _out_of_range(caller: str, classes: Array, n_classes: int) -> ValueError:
    bad = classes[(classes < 0) | (classes >= n_classes)][0]
    return ValueError(
        f"{caller}: target class index {bad} is out of range for {n_classes} classes "
        f"(valid: 0 to {n_classes - 1})"
    )


def _reduce(loss: Value, reduction: str) -> Value:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def check_reduction(reduction: object, op: str) -> None:
    """Raise unless ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``.

    Internal: every loss function checks its argument with it, and every loss module
    (:mod:`nn.loss`) checks its setting when it is made.

    Parameters
    ----------
    reduction : str
        The reduction asked for.
    op : str
        The loss, which starts the message.

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
    if not isinstance(reduction, str):
        raise TypeError(
            f"{op}: reduction must be 'mean', 'sum' or 'none', got "
            f"{type(reduction).__name__} {reduction!r}"
        )
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


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


def _scores(caller: str, input: Input) -> Value:
    """The predictions of a loss, as a Value of floats."""
    return as_value(input, caller)


def _pair(caller: str, input: Input, target: Input) -> tuple[Value, Value | Array]:
    """The input as a Value and the target in the input's dtype, of the same shape.

    A target that is data (an array, a number, a list) is converted to the input's dtype:
    the loss of a float32 model stays float32 when its targets come as float64 or ints
    (as most datasets give them). A target Value, which may require grad, must have the
    input's dtype already: converting it would be a silent copy in the graph.
    """
    x = _scores(caller, input)
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

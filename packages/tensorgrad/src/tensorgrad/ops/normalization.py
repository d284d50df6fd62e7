"""Normalization: :func:`layer_norm`, :func:`batch_norm` and :func:`group_norm`, each one node
with its closed-form backward.

Normalizing subtracts the mean and divides by the standard deviation of each group of
elements; as a chain of ``mean``, ``-``, ``var``, ``sqrt`` and ``/`` nodes it would keep
several intermediate arrays and walk them all at backward time. The closed form needs the
normalized input ``x̂`` and ``σ`` only. The three ops differ in which elements form a group
(the last axes of a sample; a channel over the batch and every position; a few channels of
one sample), and share one formula for ``x̂`` and one for its gradient.

Images come as ``(N, C, H, W)`` views whose memory may hold the batch innermost, as conv2d
makes them (``(C, H, W, N)``): the statistics are reductions over axes of the array as it is
given, and every result comes from ufuncs, which keep their input's memory order, so that a
normalization between two convolutions copies nothing into another order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tensorgrad.axes import flag, int_arg, real_arg
from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Array, Operand, as_value, like, operand_data, record
from tensorgrad.tensor import Value

__all__ = ["batch_norm", "group_norm", "layer_norm"]


def layer_norm(
    input: Operand,
    normalized_shape: int | Sequence[int],
    weight: Value | Array | None = None,
    bias: Value | Array | None = None,
    eps: float = 1e-5,
) -> Value:
    """Normalize over the trailing axes of shape ``normalized_shape``, as
    ``torch.nn.functional.layer_norm``.

    Each group of ``input``'s last ``len(normalized_shape)`` axes becomes
    ``(x - mean) / sqrt(var + eps)`` (the biased variance, divided by the group's size), then
    is scaled by ``weight`` and shifted by ``bias`` elementwise, if given.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(..., *normalized_shape)``.
    normalized_shape : int or sequence of int
        The shape of the trailing axes to normalize over; an int ``n`` means ``(n,)``.
    weight, bias : Value or ndarray, optional
        Shape ``normalized_shape``, of the input's dtype.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.

    Returns
    -------
    Value
        The input's shape and dtype.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array, ``normalized_shape`` holds no ints,
        ``eps`` is not a real number, or ``weight`` or ``bias`` has another dtype.
    ValueError
        If ``normalized_shape`` is not the shape of the input's last axes, ``weight`` or
        ``bias`` is not of shape ``normalized_shape``, or ``eps`` is not positive.

    Examples
    --------
    >>> from tensorgrad import Value, layer_norm
    >>> x = Value([[1.0, 3.0], [2.0, 2.0]])
    >>> layer_norm(x, 2, eps=1e-12).data.round(6)
    array([[-1.,  1.],
           [ 0.,  0.]])
    >>> y = layer_norm(x, (2,), weight=Value([2.0, 1.0]), bias=Value([0.0, 1.0]))
    >>> y.data.round(4)
    array([[-2.,  2.],
           [ 0.,  1.]])
    """
    op = "layer_norm"
    x = as_value(input, op)
    shape = _normalized_shape(normalized_shape)
    k = len(shape)
    if k > x.ndim or x.shape[x.ndim - k :] != shape:
        raise ValueError(
            f"{op}: normalized_shape {shape} does not match the last dims of input of shape "
            f"{x.shape}"
        )
    eps = _positive_eps(eps, op)
    expected = f"normalized_shape {shape}"
    w_data = _affine(weight, "weight", shape, expected, x, input, op)
    b_data = _affine(bias, "bias", shape, expected, x, input, op)
    axes = tuple(range(x.ndim - k, x.ndim))
    x_hat, rstd = _normalized(x._data, axes, eps)
    data = x_hat
    if w_data is not None:
        data = data * w_data
    if b_data is not None:
        data = data + b_data
    saved = (x._data, w_data, like(b_data), axes, eps, x_hat, rstd)
    return record(data, op, _layer_norm_backward, (x, weight, bias), saved)


def _layer_norm_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """With x̂ = (x - μ)/σ, σ = √(var + eps) (μ and the biased var over the normalized axes)
    and ĝ = g·weight (g without a weight):

    dx = (1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), the means over the normalized axes;
    dweight = Σ g·x̂ and dbias = Σ g, the sums over the leading axes.

    (Under create_graph, x̂ and σ are computed again from ``x`` as a Value, so that the
    gradient can be differentiated again with respect to ``x``.)
    """
    x, weight, bias, axes, eps, x_hat, rstd = saved
    if isinstance(x, Value):
        x_hat, rstd = _normalized(x, axes, eps)
    if i == 1:
        return unbroadcast(g * x_hat, weight)
    if i == 2:
        return unbroadcast(g, bias)
    g_hat = g if weight is None else g * weight
    return _normalized_gradient(g_hat, x_hat, rstd, axes)


def batch_norm(
    input: Operand,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Value | Array | None = None,
    bias: Value | Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Value:
    """Normalize each channel over the batch and every position, as
    ``torch.nn.functional.batch_norm``.

    The statistics of channel ``c`` are taken over every element ``input[:, c, ...]``. With
    ``training=True`` each element becomes ``(x - mean) / sqrt(var + eps)`` with the batch's
    mean and biased variance, and the running statistics, if given, are updated **in
    place**: ``running = (1 - momentum) * running + momentum * batch``, with the batch's
    *unbiased* variance for ``running_var`` (an empty batch leaves them as they are). With
    ``training=False`` the running statistics normalize instead (and are not changed). Then
    each channel is scaled by ``weight`` and shifted by ``bias``, if given.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C)``, ``(N, C, L)``, ``(N, C, H, W)`` or any ``(N, C, *)``.
    running_mean, running_var : ndarray or None
        Shape ``(C,)``, of the input's dtype: arrays (buffers), outside the graph. Both
        None, or both arrays; needed when ``training`` is False.
    weight, bias : Value or ndarray, optional
        Shape ``(C,)``, of the input's dtype.
    training : bool, default False
        Normalize with the batch's statistics (and update the running ones), or with the
        running ones.
    momentum : float, default 0.1
        The weight of the batch in the update of the running statistics. (The cumulative
        average of PyTorch's ``momentum=None`` is the layer's: see
        :class:`nn.BatchNorm1d`.)
    eps : float, default 1e-5
        Added to the variance; positive in training, non-negative otherwise.

    Returns
    -------
    Value
        The input's shape, dtype and memory order.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array (a running statistic must be a numpy
        array), ``training`` is not a bool, ``momentum`` or ``eps`` is not a real number,
        or a running statistic, ``weight`` or ``bias`` has another dtype than the input.
    ValueError
        If the input has fewer than 2 dims, a running statistic, ``weight`` or ``bias`` is
        not of shape ``(C,)``, only one running statistic is given, none is given when not
        training, a running statistic is read-only in training, ``eps`` is out of range, or
        a channel has a single value in training.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, batch_norm
    >>> x = Value([[1.0, 10.0], [3.0, 30.0]])
    >>> mean, var = np.zeros(2), np.ones(2)
    >>> batch_norm(x, mean, var, training=True, eps=1e-12).data
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> mean, var  # 0.9·old + 0.1·batch, the batch's variance unbiased
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    >>> mean, var = np.array([2.0, 20.0]), np.array([4.0, 100.0])
    >>> batch_norm(x, mean, var, bias=np.array([0.0, 1.0]), eps=0.0).data  # not training
    array([[-0.5,  0. ],
           [ 0.5,  2. ]])
    """
    op = "batch_norm"
    x = as_value(input, op)
    if x.ndim < 2:
        raise ValueError(
            f"{op}: expected an input of shape (N, C, *), 2 dims or more, got shape {x.shape}"
        )
    training = flag(training, "training", op)
    momentum = real_arg(momentum, "momentum", op)
    eps = real_arg(eps, "eps", op)
    if training and not eps > 0:
        raise ValueError(f"{op}: eps must be positive in training, got {eps!r}")
    if eps < 0:
        raise ValueError(f"{op}: eps must be non-negative, got {eps!r}")
    axes = _channel_axes(x.ndim)
    n = math.prod(x.shape[a] for a in axes)
    if training and n == 1:
        raise ValueError(
            f"{op}: Expected more than 1 value per channel when training, got input size {x.shape}"
        )
    channels = (x.shape[1],)
    expected = f"{channels}, one per channel of the input of shape {x.shape}"
    mean_data = _running(running_mean, "running_mean", channels, expected, x, input, training)
    var_data = _running(running_var, "running_var", channels, expected, x, input, training)
    if (mean_data is None) != (var_data is None):
        raise ValueError(
            f"{op}: running_mean and running_var must both be None or both be arrays, got "
            f"{type(running_mean).__name__} and {type(running_var).__name__}"
        )
    if not training and mean_data is None:
        raise ValueError(
            f"{op}: running_mean and running_var must be given when training=False (they "
            f"are the statistics to normalize with)"
        )
    w_data = _affine(weight, "weight", channels, expected, x, input, op)
    b_data = _affine(bias, "bias", channels, expected, x, input, op)
    if training:
        mean, centred, var = _moments(x._data, axes)
        rstd = (var + eps) ** -0.5
        x_hat = centred * rstd
        if mean_data is not None and var_data is not None and n > 0:
            _update(mean_data, mean, momentum)
            _update(var_data, var * (n / (n - 1)), momentum)
        running = None
    else:
        # A copy: an update of the buffer before backward must not change the gradient.
        running = _per_channel(mean_data, x.ndim).copy()
        with np.errstate(divide="ignore", invalid="ignore"):  # (a variance of 0 with eps 0)
            rstd = (_per_channel(var_data, x.ndim) + eps) ** -0.5
            x_hat = (x._data - running) * rstd
    data = x_hat
    if w_data is not None:
        data = data * _per_channel(w_data, x.ndim)
    if b_data is not None:
        data = data + _per_channel(b_data, x.ndim)
    saved = (x._data, w_data, like(b_data), axes, eps, x_hat, rstd, running)
    return record(data, op, _batch_norm_backward, (x, weight, bias), saved)


def _batch_norm_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """With x̂ = (x - μ)/σ, σ = √(var + eps) per channel and ĝ = g·weight (g without a weight):

    training: dx = (1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), the means over every axis but the
    channels (μ and the biased var are the batch's); otherwise dx = ĝ/σ, since the
    running μ and σ do not depend on x;
    dweight = Σ g·x̂ and dbias = Σ g, the sums over every axis but the channels.

    (Under create_graph, x̂ and σ are computed again from ``x`` as a Value, so that the
    gradient can be differentiated again with respect to ``x``.)
    """
    x, weight, _, axes, eps, x_hat, rstd, running = saved
    if isinstance(x, Value) and running is None:
        x_hat, rstd = _normalized(x, axes, eps)
    elif isinstance(x, Value):
        x_hat = (x - running) * rstd
    if i > 0:
        return (g * x_hat if i == 1 else g).sum(axis=axes)
    g_hat = g if weight is None else g * _per_channel(weight, x.ndim)
    if running is not None:
        return g_hat * rstd
    return _normalized_gradient(g_hat, x_hat, rstd, axes)


def group_norm(
    input: Operand,
    num_groups: int,
    weight: Value | Array | None = None,
    bias: Value | Array | None = None,
    eps: float = 1e-5,
) -> Value:
    """Normalize each group of channels of each sample, as ``torch.nn.functional.group_norm``.

    The ``C`` channels are split into ``num_groups`` groups of ``C / num_groups``
    consecutive channels; the elements of one group of one sample (over its channels and
    every position) become ``(x - mean) / sqrt(var + eps)``, with the biased variance. Then
    each channel is scaled by ``weight`` and shifted by ``bias``, if given. One group is
    layer normalization over ``(C, *)``; ``C`` groups are instance normalization.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, *)``.
    num_groups : int
        How many groups; it divides ``C``.
    weight, bias : Value or ndarray, optional
        Shape ``(C,)``, of the input's dtype.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.

    Returns
    -------
    Value
        The input's shape, dtype and memory order.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array, ``num_groups`` is not an int,
        ``eps`` is not a real number, or ``weight`` or ``bias`` has another dtype.
    ValueError
        If the input has fewer than 2 dims, ``num_groups`` is not positive or does not
        divide ``C``, the input holds one value per group (as PyTorch refuses it),
        ``weight`` or ``bias`` is not of shape ``(C,)``, or ``eps`` is not positive.

    Examples
    --------
    >>> from tensorgrad import Value, group_norm
    >>> x = Value([[1.0, 3.0, 10.0, 10.0]])
    >>> group_norm(x, 2, eps=1e-12).data
    array([[-1.,  1.,  0.,  0.]])
    >>> group_norm(x, 1, weight=Value([1.0, 1.0, 2.0, 2.0])).data.round(3)
    array([[-1.231, -0.739,  1.969,  1.969]])
    """
    op = "group_norm"
    x = as_value(input, op)
    if x.ndim < 2:
        raise ValueError(
            f"{op}: expected an input of shape (N, C, *), 2 dims or more, got shape {x.shape}"
        )
    groups = int_arg(num_groups, "num_groups", op)
    if groups < 1:
        raise ValueError(f"{op}: num_groups must be a positive int, got {groups}")
    if x.shape[1] % groups:
        raise ValueError(
            f"{op}: Expected number of channels in input to be divisible by num_groups, but "
            f"got input of shape {x.shape} and num_groups={groups}"
        )
    if x.size == groups:  # PyTorch's test: one value per group, in a batch of one sample
        raise ValueError(
            f"{op}: expected more than 1 value per group, got input of shape {x.shape} and "
            f"num_groups={groups}"
        )
    eps = _positive_eps(eps, op)
    channels = (x.shape[1],)
    expected = f"{channels}, one per channel of the input of shape {x.shape}"
    w_data = _affine(weight, "weight", channels, expected, x, input, op)
    b_data = _affine(bias, "bias", channels, expected, x, input, op)
    # Splitting the channel axis in two is a view whatever the memory order.
    view, axes = _grouped(x.shape, groups)
    x_hat, rstd = _normalized(x._data.reshape(view), axes, eps)
    x_hat = x_hat.reshape(x.shape)
    data = x_hat
    if w_data is not None:
        data = data * _per_channel(w_data, x.ndim)
    if b_data is not None:
        data = data + _per_channel(b_data, x.ndim)
    saved = (x._data, w_data, like(b_data), groups, eps, x_hat, rstd)
    return record(data, op, _group_norm_backward, (x, weight, bias), saved)


def _group_norm_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """With x̂ = (x - μ)/σ, σ = √(var + eps) (μ and the biased var over each group of
    channels of a sample) and ĝ = g·weight (g without a weight):

    dx = (1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)), the means over each group;
    dweight = Σ g·x̂ and dbias = Σ g, the sums over every axis but the channels.

    (Under create_graph, x̂ and σ are computed again from ``x`` as a Value, so that the
    gradient can be differentiated again with respect to ``x``.)
    """
    x, weight, _, groups, eps, x_hat, rstd = saved
    view, axes = _grouped(x.shape, groups)
    if isinstance(x, Value):
        x_hat, rstd = _normalized(x.reshape(view), axes, eps)
        x_hat = x_hat.reshape(x.shape)
    if i > 0:
        return (g * x_hat if i == 1 else g).sum(axis=_channel_axes(x.ndim))
    g_hat = g if weight is None else g * _per_channel(weight, x.ndim)
    dx = _normalized_gradient(g_hat.reshape(view), x_hat.reshape(view), rstd, axes)
    return dx.reshape(x.shape)


# -- for the forwards and the formulas -------------------------------------------------------


def _moments(x: Any, axes: tuple[int, ...]) -> tuple[Any, Any, Any]:
    """The mean over ``axes`` (kept shape), ``x`` minus it, and the biased variance, of an
    array or a Value."""
    n = _count(x.shape, axes)
    # An infinite element makes its group NaN (inf - inf), as in PyTorch, but without numpy's
    # warning.
    with np.errstate(invalid="ignore"):
        mean = x.sum(axis=axes, keepdims=True) / n
        centred = x - mean
        return mean, centred, (centred * centred).sum(axis=axes, keepdims=True) / n


def _normalized(x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, Any]:
    """``x̂ = (x - μ)/σ`` and ``1/σ`` (kept shape), of an array or a Value: the same formula
    for the forward and for the backward under create_graph."""
    _, centred, var = _moments(x, axes)
    rstd = (var + eps) ** -0.5
    return centred * rstd, rstd


def _normalized_gradient(g_hat: Any, x_hat: Any, rstd: Any, axes: tuple[int, ...]) -> Any:
    """The gradient of ``x`` from ``ĝ``, that of ``x̂ = (x - μ)/σ`` with μ and σ over ``axes``:
    ``(1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂))``, of arrays or Values."""
    n = _count(x_hat.shape, axes)
    mean_g = g_hat.sum(axis=axes, keepdims=True) / n
    mean_gx = (g_hat * x_hat).sum(axis=axes, keepdims=True) / n
    return rstd * (g_hat - mean_g - x_hat * mean_gx)


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """The size of each group, at least 1 (an empty group has no elements to divide)."""
    return max(math.prod(shape[a] for a in axes), 1)


def _channel_axes(ndim: int) -> tuple[int, ...]:
    """Every axis of an ``(N, C, *)`` input but the channels'."""
    return (0, *range(2, ndim))


def _per_channel(a: Any, ndim: int) -> Any:
    """A ``(C,)`` array or Value shaped ``(C, 1, ...)``, to broadcast over ``(N, C, *)``."""
    return a.reshape(a.shape + (1,) * (ndim - 2))


def _grouped(shape: tuple[int, ...], groups: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The shape ``(N, G, C/G, *)`` of an ``(N, C, *)`` input split into groups of channels,
    and the axes of one group."""
    view = (shape[0], groups, shape[1] // groups, *shape[2:])
    return view, tuple(range(2, len(view)))


def _update(running: Array, batch: Array, momentum: float) -> None:
    """``running = (1 - momentum)·running + momentum·batch``, in place, as PyTorch's buffers."""
    running *= 1.0 - momentum
    running += momentum * batch.reshape(running.shape)


def _normalized_shape(normalized_shape: Any) -> tuple[int, ...]:
    op = "layer_norm"
    if isinstance(normalized_shape, (tuple, list)):
        return tuple(int_arg(n, "normalized_shape", op) for n in normalized_shape)
    return (int_arg(normalized_shape, "normalized_shape", op),)


def _positive_eps(eps: Any, op: str) -> float:
    number = real_arg(eps, "eps", op)
    if not number > 0:
        raise ValueError(f"{op}: eps must be positive, got {number!r}")
    return number


def _affine(
    operand: Any, name: str, shape: tuple[int, ...], expected: str, x: Value, given: Any, op: str
) -> Any:
    """The array of ``weight`` or ``bias`` (None if not given), checked against the input
    ``x`` (``given`` as the caller gave it)."""
    if operand is None:
        return None
    data = operand_data(operand, op)
    if not isinstance(data, np.ndarray):
        raise TypeError(
            f"{op}: {name} must be a Value or a numpy array, got {type(operand).__name__}"
        )
    return _checked(data, name, shape, expected, x, given, op)


def _running(
    array: Any,
    name: str,
    shape: tuple[int, ...],
    expected: str,
    x: Value,
    given: Any,
    training: bool,
) -> Array | None:
    """A running statistic of batch_norm (None if not given), checked against the input."""
    op = "batch_norm"
    if array is None:
        return None
    if not isinstance(array, np.ndarray):
        hint = " (a buffer outside the graph: give its array)" if isinstance(array, Value) else ""
        raise TypeError(
            f"{op}: {name} must be a numpy array or None, got {type(array).__name__}{hint}"
        )
    if training and not array.flags.writeable:
        raise ValueError(
            f"{op}: {name} is read-only, and training=True updates it in place; give a "
            f"writeable array (a copy)"
        )
    return _checked(array, name, shape, expected, x, given, op)


def _checked(
    data: Array, name: str, shape: tuple[int, ...], expected: str, x: Value, given: Any, op: str
) -> Array:
    """``data`` if it has ``shape`` and the input's dtype; else the error saying which."""
    if data.shape != shape:
        raise ValueError(f"{op}: {name} must have shape {expected}, got shape {data.shape}")
    if data.dtype != x.dtype:  # as PyTorch: no promotion of a float32 model to float64
        # (an int array's own dtype for the message: as_value made float64 of it)
        dtype = given.dtype if isinstance(given, np.ndarray) else x.dtype
        raise TypeError(
            f"{op}: expected input and {name} to have the same dtype, got {dtype} and "
            f"{data.dtype}; convert the input with .astype(np.{data.dtype})"
        )
    return data

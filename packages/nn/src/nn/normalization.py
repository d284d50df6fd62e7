"""Normalization layers: :class:`LayerNorm`, :class:`BatchNorm1d`, :class:`BatchNorm2d` and
:class:`GroupNorm`, each one node of :mod:`tensorgrad.ops.normalization` per call.

Batch normalization, like dropout, differs in training and in evaluation (see
:meth:`Module.train <nn.Module.train>`): in training it normalizes with the statistics of the
batch and updates its running statistics, buffers in its state dict; in evaluation it
normalizes with those.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn.checks import check_bool, check_dtype, check_int, check_number
from nn.functional import check_input
from nn.module import Module
from nn.parameter import Parameter
from tensorgrad import Value

__all__ = ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm"]


class LayerNorm(Module):
    """Normalize each sample over its last axes, then scale and shift, as ``torch.nn.LayerNorm``.

    The forward pass is :func:`tensorgrad.layer_norm`: one node in the graph per layer. Each
    group of the input's last ``len(normalized_shape)`` axes becomes
    ``(x - mean) / sqrt(var + eps) * weight + bias``, with the biased variance.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The shape of the trailing axes to normalize over; an int ``n`` means ``(n,)``.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.
    elementwise_affine : bool, default True
        Whether to learn ``weight`` and ``bias``; without, both are None.
    bias : bool, default True
        Whether to learn ``bias`` (when ``elementwise_affine``).
    dtype : dtype, optional
        The dtype of the parameters, float32 or float64 (the default, as tensorgrad's).
        Inputs should have the same dtype.

    Raises
    ------
    TypeError
        If ``normalized_shape`` holds no ints, ``eps`` is not a real number,
        ``elementwise_affine`` or ``bias`` is not a bool, or ``dtype`` is not float32 or
        float64; the message names the argument, its type and its value.
    ValueError
        If a size in ``normalized_shape`` is negative or ``eps`` is not positive; at a call,
        if the input's last axes do not have the shape ``normalized_shape``.

    Attributes
    ----------
    weight : Parameter or None
        Shape ``normalized_shape``, starting at ones.
    bias : Parameter or None
        Shape ``normalized_shape``, starting at zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import LayerNorm
    >>> layer = LayerNorm(4)
    >>> layer
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    >>> y = layer(np.array([[1.0, 2.0, 3.0, 4.0]]))
    >>> y.data.mean().round(6), y.data.std().round(4)
    (np.float64(0.0), np.float64(1.0))
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        owner = "LayerNorm"
        sizes: tuple[Any, ...] = (
            tuple(normalized_shape)
            if isinstance(normalized_shape, (tuple, list))
            else (normalized_shape,)
        )
        self.normalized_shape = tuple(
            check_int(owner, "normalized_shape", n, minimum=0) for n in sizes
        )
        self.eps = _positive_eps(owner, eps)
        check_bool(owner, "elementwise_affine", elementwise_affine)
        check_bool(owner, "bias", bias)
        self.elementwise_affine = bool(elementwise_affine)
        dtype = check_dtype(owner, dtype)
        shape = self.normalized_shape
        self.weight, self.bias = _affine(shape, dtype, elementwise_affine, bias)

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """The input normalized over its last axes, of the same shape."""
        x = check_input(x, "LayerNorm")
        shape, k = np.shape(x), len(self.normalized_shape)
        if k > len(shape) or shape[len(shape) - k :] != self.normalized_shape:
            # tensorgrad.layer_norm's message would not name the layer.
            raise ValueError(
                f"LayerNorm({self.normalized_shape}): the input's last axes must have shape "
                f"{self.normalized_shape}, got an input of shape {shape}"
            )
        return tensorgrad.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class _BatchNorm(Module):
    """What :class:`BatchNorm1d` and :class:`BatchNorm2d` share: all but the input's dims.

    (PyTorch's ``_BatchNorm`` too; its arguments are theirs.)
    """

    _input_dims: tuple[int, ...] = ()  # the number of dims a subclass takes
    # Buffers (register_buffer sets them), None without track_running_stats.
    running_mean: npt.NDArray[Any] | None
    running_var: npt.NDArray[Any] | None
    num_batches_tracked: npt.NDArray[np.int64] | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.num_features = check_int(owner, "num_features", num_features, minimum=0)
        self.eps = _positive_eps(owner, eps)
        self.momentum = None if momentum is None else check_number(owner, "momentum", momentum)
        for name, value in [
            ("affine", affine),
            ("track_running_stats", track_running_stats),
            ("bias", bias),
        ]:
            check_bool(owner, name, value)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        dtype = check_dtype(owner, dtype)
        n = self.num_features
        self.weight, self.bias = _affine(n, dtype, affine, bias)
        tracked = self.track_running_stats
        self.register_buffer("running_mean", np.zeros(n, dtype) if tracked else None)
        self.register_buffer("running_var", np.ones(n, dtype) if tracked else None)
        self.register_buffer("num_batches_tracked", np.array(0, np.int64) if tracked else None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batch tracked: as the layer was made.

        In place, as PyTorch's method does, so that whatever holds the buffers sees it.

        Examples
        --------
        >>> import numpy as np
        >>> from nn import BatchNorm1d
        >>> layer = BatchNorm1d(2)
        >>> _ = layer(np.array([[1.0, 2.0], [3.0, 6.0]]))
        >>> layer.running_mean, int(layer.num_batches_tracked)
        (array([0.2, 0.4]), 1)
        >>> layer.reset_running_stats()
        >>> layer.running_mean, int(layer.num_batches_tracked)
        (array([0., 0.]), 0)
        """
        if self.running_mean is not None:
            self.running_mean[...] = 0
        if self.running_var is not None:
            self.running_var[...] = 1
        if self.num_batches_tracked is not None:
            self.num_batches_tracked[...] = 0

    def reset_parameters(self) -> None:
        """The running statistics reset, the weight ones and the bias zeros, in place.

        Examples
        --------
        >>> from nn import BatchNorm2d
        >>> layer = BatchNorm2d(2)
        >>> layer.weight.data = layer.weight.data * 3
        >>> layer.reset_parameters()
        >>> layer.weight.data
        array([1., 1.])
        """
        self.reset_running_stats()
        if self.weight is not None:
            self.weight.data[...] = 1
        if self.bias is not None:
            self.bias.data[...] = 0

    def forward(self, input: Value | npt.NDArray[Any]) -> Value:
        """The input normalized per channel, of the same shape (see the class)."""
        owner = type(self).__name__
        x = check_input(input, owner)
        shape = np.shape(x)
        if len(shape) not in self._input_dims:
            dims = " or ".join(f"{d}D" for d in self._input_dims)
            raise ValueError(f"{owner}: expected {dims} input (got {len(shape)}D input)")
        # (as PyTorch's: a layer with nothing per channel takes any number of channels)
        per_channel = self.weight is not None or self.running_mean is not None
        if per_channel and shape[1] != self.num_features:
            raise ValueError(
                f"{owner}({self.num_features}): expected an input of {self.num_features} "
                f"channels, (N, {self.num_features}, ...), got an input of shape {shape}"
            )
        tracking = self.training and self.track_running_stats
        counter = self.num_batches_tracked if tracking else None
        if self.momentum is not None:
            momentum = self.momentum
        elif counter is not None:  # the cumulative average: this batch counts 1/(n + 1)
            momentum = 1.0 / float(counter + 1)
        else:
            momentum = 0.0
        # Batch statistics in training, and in evaluation without running statistics; the
        # running ones are updated only when tracked, in training.
        batch_statistics = self.training or (self.running_mean is None and self.running_var is None)
        keep_running = not self.training or self.track_running_stats
        out = tensorgrad.batch_norm(
            x,
            self.running_mean if keep_running else None,
            self.running_var if keep_running else None,
            self.weight,
            self.bias,
            batch_statistics,
            momentum,
            self.eps,
        )
        if counter is not None:  # counted once the batch went through (not if it failed)
            counter += 1
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


_BATCH_NORM_DOC = """Normalize each channel over the batch{where}, then scale and shift, as
    ``torch.nn.{name}``.

    The forward pass is :func:`tensorgrad.batch_norm`: one node in the graph per layer. In
    training (:meth:`~nn.Module.train`, the default) each channel ``c`` of the batch becomes
    ``(x - mean) / sqrt(var + eps) * weight[c] + bias[c]``, with the batch's mean and biased
    variance over {axes}; the running statistics are updated in place,
    ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased), and
    ``num_batches_tracked`` counts the batches. In evaluation (:meth:`~nn.Module.eval`) the
    running statistics normalize instead, so that a sample's output does not depend on the
    rest of its batch. Without ``track_running_stats`` the batch's statistics normalize in
    both modes.

    Parameters
    ----------
    num_features : int
        The number of channels ``C``.
    eps : float, default 1e-5
        Added to the variance, so that a constant channel does not divide by 0.
    momentum : float or None, default 0.1
        The weight of each batch in the running statistics; None for their cumulative
        average (each of the ``num_batches_tracked`` batches weighs the same).
    affine : bool, default True
        Whether to learn ``weight`` and ``bias``; without, both are None.
    track_running_stats : bool, default True
        Whether to keep running statistics (buffers); without, they are None.
    bias : bool, default True
        Whether to learn ``bias`` (when ``affine``).
    dtype : dtype, optional
        The dtype of the parameters and running statistics, float32 or float64 (the
        default, as tensorgrad's). Inputs should have the same dtype.

    Raises
    ------
    TypeError
        If ``num_features`` is not an int, ``eps`` or ``momentum`` is not a real number
        (``momentum`` may be None), ``affine``, ``track_running_stats`` or ``bias`` is not a
        bool, or ``dtype`` is not float32 or float64; the message names the argument, its
        type and its value.
    ValueError
        If ``num_features`` is negative or ``eps`` is not positive; at a call, if the input
        is not {dims}, has another number of channels, or has a single value per channel in
        training.

    Attributes
    ----------
    weight : Parameter or None
        Shape ``(num_features,)``, starting at ones.
    bias : Parameter or None
        Shape ``(num_features,)``, starting at zeros.
    running_mean, running_var : ndarray or None
        Buffers of shape ``(num_features,)``, starting at zeros and ones.
    num_batches_tracked : ndarray or None
        A 0-d int64 buffer, the number of batches seen in training.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import {name}
    >>> layer = {name}(2)
    >>> layer
    {name}(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    >>> list(layer.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    >>> x = np.arange(8.0).reshape({example})
    >>> y = layer(x)  # training: the batch's statistics
    >>> y.data.mean(axis={reduced}).round(6), y.data.std(axis={reduced}).round(4)
    (array([0., 0.]), array([1., 1.]))
    >>> layer.running_mean
    array({running})
    >>> layer.eval()(x).data.shape  # evaluation: the running statistics
    {shape}
    """


class BatchNorm1d(_BatchNorm):
    __doc__ = _BATCH_NORM_DOC.format(
        name="BatchNorm1d",
        where=" (and every position of a sequence)",
        axes="the batch (and the length)",
        dims="2-d ``(N, C)`` or 3-d ``(N, C, L)``",
        example="4, 2",
        reduced="0",
        running="[0.3, 0.4]",
        shape="(4, 2)",
    )
    _input_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    __doc__ = _BATCH_NORM_DOC.format(
        name="BatchNorm2d",
        where=" and every pixel",
        axes="the batch, the height and the width",
        dims="4-d ``(N, C, H, W)``",
        example="2, 2, 2, 1",
        reduced="(0, 2, 3)",
        running="[0.25, 0.45]",
        shape="(2, 2, 2, 1)",
    )
    _input_dims = (4,)


class GroupNorm(Module):
    """Normalize each group of channels of each sample, then scale and shift per channel,
    as ``torch.nn.GroupNorm``.

    The forward pass is :func:`tensorgrad.group_norm`: one node in the graph per layer. The
    ``num_channels`` channels are split into ``num_groups`` groups of consecutive channels;
    each group of each sample (its channels at every position) becomes
    ``(x - mean) / sqrt(var + eps)``, with the biased variance, then channel ``c`` is scaled
    by ``weight[c]`` and shifted by ``bias[c]``. The statistics are the sample's own, in
    training and in evaluation alike.

    Parameters
    ----------
    num_groups : int
        How many groups; it divides ``num_channels``.
    num_channels : int
        The number of channels ``C`` of the input ``(N, C, *)``.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.
    affine : bool, default True
        Whether to learn ``weight`` and ``bias``; without, both are None.
    bias : bool, default True
        Whether to learn ``bias`` (when ``affine``).
    dtype : dtype, optional
        The dtype of the parameters, float32 or float64 (the default, as tensorgrad's).
        Inputs should have the same dtype.

    Raises
    ------
    TypeError
        If ``num_groups`` or ``num_channels`` is not an int, ``eps`` is not a real number,
        ``affine`` or ``bias`` is not a bool, or ``dtype`` is not float32 or float64.
    ValueError
        If ``num_groups`` is not positive, ``num_channels`` is negative or not divisible
        by ``num_groups``, or ``eps`` is not positive; at a call, if the input does not
        have ``num_channels`` channels (when ``affine``).

    Attributes
    ----------
    weight : Parameter or None
        Shape ``(num_channels,)``, starting at ones.
    bias : Parameter or None
        Shape ``(num_channels,)``, starting at zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import GroupNorm
    >>> layer = GroupNorm(2, 4)
    >>> layer
    GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
    >>> y = layer(np.array([[1.0, 3.0, 5.0, 9.0]]))
    >>> y.data.round(4)
    array([[-1.,  1., -1.,  1.]])
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        bias: bool = True,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        owner = "GroupNorm"
        self.num_groups = check_int(owner, "num_groups", num_groups, minimum=1)
        self.num_channels = check_int(owner, "num_channels", num_channels, minimum=0)
        if self.num_channels % self.num_groups:
            raise ValueError(
                f"{owner}: num_channels ({self.num_channels}) must be divisible by "
                f"num_groups ({self.num_groups})"
            )
        self.eps = _positive_eps(owner, eps)
        check_bool(owner, "affine", affine)
        check_bool(owner, "bias", bias)
        self.affine = bool(affine)
        dtype = check_dtype(owner, dtype)
        n = self.num_channels
        self.weight, self.bias = _affine(n, dtype, affine, bias)

    def forward(self, input: Value | npt.NDArray[Any]) -> Value:
        """The input normalized per group of channels, of the same shape."""
        x = check_input(input, "GroupNorm")
        shape = np.shape(x)
        if self.weight is not None and (len(shape) < 2 or shape[1] != self.num_channels):
            # tensorgrad.group_norm's message would not name the layer.
            raise ValueError(
                f"GroupNorm({self.num_groups}, {self.num_channels}): expected an input of "
                f"{self.num_channels} channels, (N, {self.num_channels}, ...), got an input of "
                f"shape {shape}"
            )
        return tensorgrad.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


def _positive_eps(owner: str, eps: object) -> float:
    """``eps`` as a number, refused unless positive (checked when the layer is made)."""
    value = check_number(owner, "eps", eps)
    if not value > 0:
        raise ValueError(f"{owner}: eps must be positive, got {eps!r}")
    return value


def _affine(
    shape: int | tuple[int, ...], dtype: np.dtype[Any], weight: bool, bias: bool
) -> tuple[Parameter | None, Parameter | None]:
    """The learned scale (ones) and shift (zeros) of a normalization layer, or None each."""
    scale = Parameter(np.ones(shape, dtype)) if weight else None
    return scale, Parameter(np.zeros(shape, dtype)) if weight and bias else None

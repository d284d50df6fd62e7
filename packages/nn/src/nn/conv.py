"""Convolution layers: :class:`Conv1d`, :class:`Conv2d`, :class:`ConvTranspose1d` and
:class:`ConvTranspose2d`, on :func:`tensorgrad.conv2d` and its relatives.

Each layer holds its filters and calls one op; what it adds is PyTorch's bookkeeping: the
arguments kept as tuples, the initial values, ``padding_mode`` and the repr.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn import init
from nn.checks import check_bool, check_dtype, check_int
from nn.functional import check_input
from nn.module import Module
from nn.parameter import Parameter
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.axes import pair_arg
from tensorgrad.ops.shape import pad
from tensorgrad.record import as_value

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the four layers share: checks, parameters, initial values and the repr."""

    _spatial = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
        groups: int,
        bias: bool,
        padding_mode: str,
        output_padding: Any,
        dtype: npt.DTypeLike | None,
        generator: np.random.Generator | None,
    ) -> None:
        super().__init__()
        name, n = type(self).__name__, self._spatial
        self.in_channels = check_int(name, "in_channels", in_channels, minimum=1)
        self.out_channels = check_int(name, "out_channels", out_channels, minimum=1)
        self.groups = check_int(name, "groups", groups, minimum=1)
        for argument, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % self.groups:
                raise ValueError(
                    f"{name}: {argument} ({channels}) must be divisible by groups ({self.groups})"
                )
        self.kernel_size = pair_arg(kernel_size, "kernel_size", name, n=n, minimum=1)
        self.stride = pair_arg(stride, "stride", name, n=n, minimum=1)
        self.dilation = pair_arg(dilation, "dilation", name, n=n, minimum=1)
        self.output_padding = pair_arg(output_padding, "output_padding", name, n=n)
        self.padding: tuple[int, ...] | str
        if isinstance(padding, str):
            if padding not in ("same", "valid") or self._transposed:
                allowed = "an int or a tuple of ints" + (
                    "" if self._transposed else ", 'valid' or 'same'"
                )
                raise ValueError(f"{name}: padding must be {allowed}, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(
                    f"{name}: padding='same' is not supported for strided convolutions"
                )
            self.padding = padding
        else:
            self.padding = pair_arg(padding, "padding", name, n=n)
        if padding_mode not in _PADDING_MODES or (self._transposed and padding_mode != "zeros"):
            allowed = "'zeros'" if self._transposed else ", ".join(map(repr, _PADDING_MODES))
            raise ValueError(f"{name}: padding_mode must be {allowed}, got {padding_mode!r}")
        self.padding_mode = padding_mode
        check_bool(name, "bias", bias)
        dtype = check_dtype(name, dtype)
        generator = resolve_generator(generator, name)
        if self._transposed:  # the weight of the conv2d this layer is the adjoint of
            shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty(self.out_channels, dtype=dtype)) if bias else None
        # PyTorch's default: kaiming_uniform_(a=√5), i.e. uniform on ±1/√fan_in, fan_in the
        # numbers one output reads (C_in/groups·kh·kw; C_out/groups·kh·kw when transposed).
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in = shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound, generator)

    def _check_input(self, x: Any) -> Value | npt.NDArray[Any]:
        x = check_input(x, type(self).__name__)
        n = self._spatial
        if x.ndim not in (n + 1, n + 2) or x.shape[-n - 1] != self.in_channels:
            dims = "L" if n == 1 else "H, W"
            raise ValueError(
                f"{self}: expected an input of shape (N, {self.in_channels}, {dims}) or "
                f"({self.in_channels}, {dims}), got shape {x.shape}"
            )
        return x  # type: ignore[no-any-return]

    def extra_repr(self) -> str:
        n = self._spatial
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * n:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class _Conv(_ConvNd):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | str = 0,
        dilation: int | tuple[int, ...] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, 0, dtype, generator,
        )  # fmt: skip

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """The convolution of ``x`` with the layer's filters."""
        x = self._check_input(x)
        padding: tuple[int, ...] | str | int = self.padding
        if self.padding_mode != "zeros":
            # Padded in that mode by nn.functional.pad, then convolved without padding.
            x = pad(as_value(x, type(self).__name__), self._pads(), self.padding_mode)
            padding = 0
        conv: Any = tensorgrad.conv1d if self._spatial == 1 else tensorgrad.conv2d
        out: Value = conv(
            x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups
        )
        return out

    def _pads(self) -> list[int]:
        """The padding in ``pad``'s order (last axis first, before and after)."""
        if self.padding == "valid":
            return [0, 0] * self._spatial
        pads: list[int] = []
        for axis in reversed(range(self._spatial)):
            if isinstance(self.padding, str):  # "same"
                total = self.dilation[axis] * (self.kernel_size[axis] - 1)
                pads += [total // 2, total - total // 2]
            else:
                pads += [self.padding[axis]] * 2
        return pads


class Conv2d(_Conv):
    """A 2-d convolution layer, as ``torch.nn.Conv2d``: ``C_out`` learned filters of shape
    ``(C_in / groups, kh, kw)`` slid over the input, one output channel each.

    The forward pass is :func:`tensorgrad.conv2d`: one node in the graph per layer.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output.
    kernel_size : int or tuple of int
        The filters' height and width.
    stride, dilation : int or tuple of int, default 1
    padding : int, tuple of int, "valid" or "same", default 0
    groups : int, default 1
        Independent groups of channels; both channel counts must divide by it
        (``groups=in_channels`` is a depthwise convolution).
    bias : bool, default True
    padding_mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
        What the padding holds; other than zeros, the input is padded with
        :func:`nn.functional.pad` first.
    dtype : dtype, optional
        float32 or float64 (the default).
    generator : numpy.random.Generator, optional
        Where to draw the initial values; by default nn's global generator.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels / groups, kh, kw)``, uniform on ``±1/√fan_in``
        with ``fan_in = in_channels / groups · kh · kw`` (PyTorch's
        ``kaiming_uniform_(a=√5)``).
    bias : Parameter or None
        Shape ``(out_channels,)``, uniform on ``±1/√fan_in``.

    Raises
    ------
    TypeError
        If a size is not an int (or pair of ints), ``bias`` is not a bool or ``dtype`` is
        not float32 or float64, naming the argument.
    ValueError
        If a size is out of range, a channel count does not divide by ``groups``, or
        ``padding`` or ``padding_mode`` is unknown; at a call, if the input does not have
        ``in_channels`` channels.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> conv = nn.Conv2d(1, 16, 3, padding=1)
    >>> conv
    Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv(np.zeros((64, 1, 8, 8))).shape
    (64, 16, 8, 8)
    """

    _spatial = 2


class Conv1d(_Conv):
    """A 1-d convolution layer, as ``torch.nn.Conv1d``, on inputs ``(N, C_in, L)``.

    The forward pass is :func:`tensorgrad.conv1d`. The arguments are those of
    :class:`Conv2d`, single ints (or 1-tuples).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
    stride, dilation : int, default 1
    padding : int, "valid" or "same", default 0
    groups : int, default 1
    bias : bool, default True
    padding_mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
    dtype : dtype, optional
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_channels, in_channels / groups, k)``.
    bias : Parameter or None
        Shape ``(out_channels,)``.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> conv = nn.Conv1d(4, 8, 3, padding="same")
    >>> conv
    Conv1d(4, 8, kernel_size=(3,), stride=(1,), padding=same)
    >>> conv(np.zeros((2, 4, 10))).shape
    (2, 8, 10)
    """

    _spatial = 1


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] = 0,
        output_padding: int | tuple[int, ...] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, ...] = 1,
        padding_mode: str = "zeros",
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, output_padding, dtype, generator,
        )  # fmt: skip

    def forward(
        self, x: Value | npt.NDArray[Any], output_size: Sequence[int] | None = None
    ) -> Value:
        """The transposed convolution of ``x``; ``output_size`` (the spatial sizes, or the
        whole shape) picks the output padding, as in PyTorch."""
        x = self._check_input(x)
        extra = self.output_padding if output_size is None else self._output_padding(x, output_size)
        conv: Any = (
            tensorgrad.conv_transpose1d if self._spatial == 1 else tensorgrad.conv_transpose2d
        )
        out: Value = conv(
            x, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation
        )
        return out

    def _output_padding(self, x: Any, output_size: Sequence[int]) -> tuple[int, ...]:
        """The output padding that gives ``output_size``; each size between the smallest
        output and that plus the stride minus one can be reached."""
        name, n = str(self), self._spatial
        if not isinstance(output_size, (tuple, list)) or len(output_size) not in (n, x.ndim):
            raise ValueError(
                f"{name}: output_size must have {n} or {x.ndim} elements, got {output_size!r}"
            )
        sizes = [check_int(name, "output_size", s, minimum=0) for s in output_size[-n:]]
        extra = []
        for axis, size in enumerate(sizes):
            k, s, d = self.kernel_size[axis], self.stride[axis], self.dilation[axis]
            p = self.padding[axis]
            smallest = (x.shape[axis - n] - 1) * s - 2 * p + d * (k - 1) + 1
            if not smallest <= size < smallest + s:
                raise ValueError(
                    f"{name}: requested an output size of {tuple(sizes)}, but valid sizes "
                    f"along axis {axis} range from {smallest} to {smallest + s - 1} for an "
                    f"input of shape {x.shape}"
                )
            extra.append(size - smallest)
        return tuple(extra)


class ConvTranspose2d(_ConvTranspose):
    """A 2-d transposed convolution layer, as ``torch.nn.ConvTranspose2d``: the adjoint of
    :class:`Conv2d`, which spreads each input pixel over a window of the output
    (upsampling, with ``stride > 1``).

    The forward pass is :func:`tensorgrad.conv_transpose2d`. Note PyTorch's order of the
    arguments: ``output_padding``, ``groups`` and ``bias`` come before ``dilation``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
    stride, dilation : int or tuple of int, default 1
    padding : int or tuple of int, default 0
    output_padding : int or tuple of int, default 0
        Extra rows and columns of output, less than the stride or the dilation; or give
        ``output_size`` to the call.
    groups : int, default 1
    bias : bool, default True
    padding_mode : {"zeros"}
        The only mode PyTorch's transposed convolutions take.
    dtype : dtype, optional
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight : Parameter
        Shape ``(in_channels, out_channels / groups, kh, kw)``, uniform on ``±1/√fan_in``
        with ``fan_in = out_channels / groups · kh · kw``, as PyTorch.
    bias : Parameter or None
        Shape ``(out_channels,)``.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> up = nn.ConvTranspose2d(16, 8, 2, stride=2)
    >>> up
    ConvTranspose2d(16, 8, kernel_size=(2, 2), stride=(2, 2))
    >>> up(np.zeros((4, 16, 7, 7))).shape
    (4, 8, 14, 14)
    >>> down = nn.Conv2d(8, 16, 3, stride=2, padding=1)
    >>> x = np.zeros((1, 8, 14, 14))
    >>> nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)(down(x), output_size=x.shape).shape
    (1, 8, 14, 14)
    """

    _spatial = 2


class ConvTranspose1d(_ConvTranspose):
    """A 1-d transposed convolution layer, as ``torch.nn.ConvTranspose1d``, on inputs
    ``(N, C_in, L)``: the adjoint of :class:`Conv1d`.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int
    stride, dilation : int, default 1
    padding, output_padding : int, default 0
    groups : int, default 1
    bias : bool, default True
    padding_mode : {"zeros"}
    dtype : dtype, optional
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight : Parameter
        Shape ``(in_channels, out_channels / groups, k)``.
    bias : Parameter or None
        Shape ``(out_channels,)``.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> nn.ConvTranspose1d(4, 2, 3, stride=2)(np.zeros((1, 4, 5))).shape
    (1, 2, 11)
    """

    _spatial = 1

"""Pooling layers: :class:`MaxPool2d`, :class:`AvgPool2d`, :class:`AdaptiveAvgPool2d` and their
1-d forms :class:`MaxPool1d`, :class:`AvgPool1d`, :class:`AdaptiveAvgPool1d`, as PyTorch's.

Each calls the function of :mod:`tensorgrad.ops.pooling` of the same name with the
constructor's arguments, which it keeps as PyTorch keeps them (``MaxPool2d(2).stride`` is
``2``, ``AvgPool1d(3).kernel_size`` is ``(3,)``), so that ``repr`` reads the same. Their types
and ranges are checked when the layer is made; what depends on the input (a kernel larger
than the image, a padding more than half the kernel) when it is called. None has parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy.typing as npt

from nn.functional import as_value
from nn.module import Module
from tensorgrad import Value
from tensorgrad.axes import flag, int_arg, pair_arg
from tensorgrad.ops import pooling

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "MaxPool1d",
    "MaxPool2d",
]

Input = Value | npt.NDArray[Any]
Size = int | Sequence[int]


class _Pooling(Module):
    """A layer that calls one pooling function with the settings it keeps.

    A subclass names the function (``_function``), the attributes its ``__init__`` sets in
    the order the function takes them after the input (``_arguments``), and those that
    ``extra_repr`` shows, as PyTorch's (``_shown``).
    """

    _function: ClassVar[Callable[..., Any]]
    _arguments: ClassVar[tuple[str, ...]]
    _shown: ClassVar[tuple[str, ...]]
    _spatial: ClassVar[int]

    def _pool(self, x: Input) -> Any:
        settings = (getattr(self, name) for name in self._arguments)
        return self._function(as_value(x, type(self).__name__), *settings)

    def _size(self, value: Any, name: str, minimum: int) -> Any:
        """``value`` itself, once checked to be an int or a tuple of ints of the layer's
        spatial axes, at least ``minimum``."""
        pair_arg(value, name, type(self).__name__, n=self._spatial, minimum=minimum)
        return value

    def extra_repr(self) -> str:
        """The settings PyTorch shows, as it shows them.

        Examples
        --------
        >>> from nn import MaxPool2d
        >>> MaxPool2d((3, 2), stride=1).extra_repr()
        'kernel_size=(3, 2), stride=1, padding=0, dilation=1, ceil_mode=False'
        """
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._shown)


class _MaxPooling(_Pooling):
    _arguments = ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
    _shown = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.kernel_size = self._size(kernel_size, "kernel_size", 1)
        self.stride = kernel_size if stride is None else self._size(stride, "stride", 1)
        self.padding = self._size(padding, "padding", 0)
        self.dilation = self._size(dilation, "dilation", 1)
        self.return_indices = flag(return_indices, "return_indices", owner)
        self.ceil_mode = flag(ceil_mode, "ceil_mode", owner)


class MaxPool2d(_MaxPooling):
    """The maximum of each window of each channel, as ``torch.nn.MaxPool2d``.

    The layer of :func:`tensorgrad.max_pool2d` (see it for the windows, the padding with
    -inf, ``ceil_mode``, and the gradient at ties: the first maximum of a window takes it).

    Parameters
    ----------
    kernel_size : int or tuple of int
        The window's size.
    stride : int or tuple of int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int or tuple of int, default 0
        Elements of -inf added on each side, at most half the kernel.
    dilation : int or tuple of int, default 1
        The spacing of the elements of a window.
    return_indices : bool, default False
        Also return where each maximum is, as PyTorch's indices.
    ceil_mode : bool, default False
        Round the number of windows up rather than down.

    Raises
    ------
    TypeError
        If a size is not an int or a pair of ints, or a flag is not a bool.
    ValueError
        If a size is below 1 (0 for padding); at a call, as :func:`tensorgrad.max_pool2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import MaxPool2d
    >>> pool = MaxPool2d(2)
    >>> pool
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4)).data
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """

    _function = staticmethod(pooling.max_pool2d)
    _spatial = 2

    def forward(self, x: Input) -> Value | tuple[Value, npt.NDArray[Any]]:
        """``(N, C, H, W)`` (or ``(C, H, W)``) to ``(N, C, Ho, Wo)``; with ``return_indices``,
        also the indices."""
        out: Value | tuple[Value, npt.NDArray[Any]] = self._pool(x)
        return out


class MaxPool1d(_MaxPooling):
    """The maximum of each window along the last axis, as ``torch.nn.MaxPool1d``.

    The layer of :func:`tensorgrad.max_pool1d`.

    Parameters
    ----------
    kernel_size : int
        The window's length.
    stride : int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int, default 0
        Elements of -inf added on each side, at most half the kernel.
    dilation : int, default 1
        The spacing of the elements of a window.
    return_indices : bool, default False
        Also return where each maximum is, as PyTorch's indices.
    ceil_mode : bool, default False
        Round the number of windows up rather than down.

    Raises
    ------
    TypeError
        If a size is not an int, or a flag is not a bool.
    ValueError
        If a size is below 1 (0 for padding); at a call, as :func:`tensorgrad.max_pool1d`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import MaxPool1d
    >>> MaxPool1d(3, stride=1)(np.array([[[1.0, 3.0, 2.0, 0.0]]])).data
    array([[[3., 3.]]])
    """

    _function = staticmethod(pooling.max_pool1d)
    _spatial = 1

    def forward(self, x: Input) -> Value | tuple[Value, npt.NDArray[Any]]:
        """``(N, C, L)`` (or ``(C, L)``) to ``(N, C, Lo)``; with ``return_indices``, also the
        indices."""
        out: Value | tuple[Value, npt.NDArray[Any]] = self._pool(x)
        return out


class AvgPool2d(_Pooling):
    """The mean of each window of each channel, as ``torch.nn.AvgPool2d``.

    The layer of :func:`tensorgrad.avg_pool2d` (see it for the divisor of each window).

    Parameters
    ----------
    kernel_size : int or tuple of int
        The window's size.
    stride : int or tuple of int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int or tuple of int, default 0
        Zeros added on each side, at most half the kernel.
    ceil_mode : bool, default False
        Round the number of windows up rather than down.
    count_include_pad : bool, default True
        Whether the padding zeros count in the divisor.
    divisor_override : int, optional
        Divide every sum by this (not 0) instead.

    Raises
    ------
    TypeError
        If a size is not an int or a pair of ints, a flag is not a bool, or
        ``divisor_override`` is not an int or None.
    ValueError
        If a size is below 1 (0 for padding), ``divisor_override`` is 0; at a call, as
        :func:`tensorgrad.avg_pool2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import AvgPool2d
    >>> pool = AvgPool2d(2)
    >>> pool
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4)).data
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    """

    _function = staticmethod(pooling.avg_pool2d)
    _arguments = (
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override",
    )
    _shown = ("kernel_size", "stride", "padding")
    _spatial = 2

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        owner = "AvgPool2d"
        self.kernel_size = self._size(kernel_size, "kernel_size", 1)
        self.stride = kernel_size if stride is None else self._size(stride, "stride", 1)
        self.padding = self._size(padding, "padding", 0)
        self.ceil_mode = flag(ceil_mode, "ceil_mode", owner)
        self.count_include_pad = flag(count_include_pad, "count_include_pad", owner)
        if divisor_override is None:
            divisor = None
        else:
            divisor = int_arg(divisor_override, "divisor_override", owner)
        if divisor == 0:
            raise ValueError(f"{owner}: divisor_override must not be 0")
        self.divisor_override = divisor_override

    def forward(self, x: Input) -> Value:
        """``(N, C, H, W)`` (or ``(C, H, W)``) to ``(N, C, Ho, Wo)``."""
        out: Value = self._pool(x)
        return out


class AvgPool1d(_Pooling):
    """The mean of each window along the last axis, as ``torch.nn.AvgPool1d``.

    The layer of :func:`tensorgrad.avg_pool1d`. As PyTorch's, it keeps its sizes as tuples
    of one int (``AvgPool1d(3).kernel_size == (3,)``).

    Parameters
    ----------
    kernel_size : int
        The window's length.
    stride : int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int, default 0
        Zeros added on each side, at most half the kernel.
    ceil_mode : bool, default False
        Round the number of windows up rather than down.
    count_include_pad : bool, default True
        Whether the padding zeros count in the divisor.

    Raises
    ------
    TypeError
        If a size is not an int, or a flag is not a bool.
    ValueError
        If a size is below 1 (0 for padding); at a call, as :func:`tensorgrad.avg_pool1d`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import AvgPool1d
    >>> pool = AvgPool1d(2)
    >>> pool
    AvgPool1d(kernel_size=(2,), stride=(2,), padding=(0,))
    >>> pool(np.array([[[1.0, 3.0, 2.0, 6.0]]])).data
    array([[[2., 4.]]])
    """

    _function = staticmethod(pooling.avg_pool1d)
    _arguments = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad")
    _shown = ("kernel_size", "stride", "padding")
    _spatial = 1

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__()
        owner = "AvgPool1d"
        self.kernel_size = pair_arg(kernel_size, "kernel_size", owner, n=1, minimum=1)
        steps = kernel_size if stride is None else stride
        self.stride = pair_arg(steps, "stride", owner, n=1, minimum=1)
        self.padding = pair_arg(padding, "padding", owner, n=1, minimum=0)
        self.ceil_mode = flag(ceil_mode, "ceil_mode", owner)
        self.count_include_pad = flag(count_include_pad, "count_include_pad", owner)

    def forward(self, x: Input) -> Value:
        """``(N, C, L)`` (or ``(C, L)``) to ``(N, C, Lo)``."""
        out: Value = self._pool(x)
        return out


class _AdaptivePooling(_Pooling):
    _arguments = ("output_size",)
    _shown = ("output_size",)

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        # (None in a pair keeps the input's size: any size, for the check)
        given = output_size
        if self._spatial == 2 and isinstance(output_size, (tuple, list)):
            given = tuple(0 if n is None else n for n in output_size)
        pair_arg(given, "output_size", type(self).__name__, n=self._spatial, minimum=0)
        self.output_size = output_size

    def forward(self, x: Input) -> Value:
        """The input pooled to ``output_size``."""
        out: Value = self._pool(x)
        return out


class AdaptiveAvgPool2d(_AdaptivePooling):
    """Average pooling to a given output size, as ``torch.nn.AdaptiveAvgPool2d``.

    The layer of :func:`tensorgrad.adaptive_avg_pool2d`; ``AdaptiveAvgPool2d(1)`` is global
    average pooling.

    Parameters
    ----------
    output_size : int or tuple of int or None
        ``(Ho, Wo)``; one int for both; None keeps the input's size along that axis.

    Raises
    ------
    TypeError
        If ``output_size`` is not an int or a pair of ints (or None).
    ValueError
        If a size is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import AdaptiveAvgPool2d
    >>> pool = AdaptiveAvgPool2d((1, None))
    >>> pool
    AdaptiveAvgPool2d(output_size=(1, None))
    >>> pool(np.arange(6.0).reshape(1, 1, 2, 3)).data
    array([[[[1.5, 2.5, 3.5]]]])
    """

    _function = staticmethod(pooling.adaptive_avg_pool2d)
    _spatial = 2

    def __init__(self, output_size: int | Sequence[int | None]) -> None:
        super().__init__(output_size)


class AdaptiveAvgPool1d(_AdaptivePooling):
    """Average pooling to a given length, as ``torch.nn.AdaptiveAvgPool1d``.

    The layer of :func:`tensorgrad.adaptive_avg_pool1d`.

    Parameters
    ----------
    output_size : int
        ``Lo`` (or a tuple of one int).

    Raises
    ------
    TypeError
        If ``output_size`` is not an int.
    ValueError
        If it is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import AdaptiveAvgPool1d
    >>> AdaptiveAvgPool1d(2)(np.array([[[1.0, 3.0, 2.0, 6.0]]])).data
    array([[[2., 4.]]])
    """

    _function = staticmethod(pooling.adaptive_avg_pool1d)
    _spatial = 1

    def __init__(self, output_size: int | Sequence[int]) -> None:
        super().__init__(output_size)

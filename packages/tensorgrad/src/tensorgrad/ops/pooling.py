"""Pooling: :func:`max_pool2d`, :func:`avg_pool2d`, :func:`adaptive_avg_pool2d` and their 1-d
forms :func:`max_pool1d`, :func:`avg_pool1d`, :func:`adaptive_avg_pool1d`, as PyTorch's.

A pooling slides a window over each channel of an image and keeps one number per window:
the largest (max pooling) or the mean (average pooling). Each op is one node whose backward
hands every window's gradient back to the elements the window read: all of them, divided
by the divisor, for the average; the one element it picked for the maximum. Windows that
overlap (a stride smaller than the kernel) read some elements several times, and such an
element gets the **sum** of what every window gives back.

**How the windows are cut.** One kernel offset ``(i, j)`` of every window at once is a
strided view of the (padded) image, so an op loops over the ``kh·kw`` offsets, never over
windows. In the common case (2×2 windows at stride 2, no padding) the image is rather
*reshaped* to ``(C, Ho, kh, Wo, kw, N)``: the offsets are then axes of it, and the backward
is one broadcast product reshaped back, without a loop or a zero-filled buffer.

**Memory layout.** The user sees PyTorch's ``(N, C, H, W)``; inside, an image is the
batch-innermost view ``(C, H, W, N)``, which numpy gives for free (a transpose), and each
result is built contiguous in that order and handed back as its ``(N, C, Ho, Wo)`` view.
After a conv2d, which makes its results so, the reshape above copies nothing, each offset's
view is runs of ``N`` contiguous numbers, and the next layer reads the result as it is.

A 1-d pooling of ``(N, C, L)`` is the 2-d one of ``(N, C, 1, L)``; an unbatched ``(C, H, W)``
or ``(C, L)`` input, which PyTorch accepts, gives an unbatched result.

Every backward is linear in the gradient ``g`` (a fixed map of it: which elements each window
reads, and by how much): under ``create_graph`` it is recorded as a node of its own whose
backward is that map's adjoint (gathering each window's share back, as the forward does),
so that the gradient can be differentiated again, to any order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

from tensorgrad.axes import flag, int_arg, pair_arg
from tensorgrad.record import Array, Operand, as_value, like, plain, record
from tensorgrad.tensor import Value

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "max_pool1d",
    "max_pool2d",
]

Size = int | Sequence[int]
"""A size of each spatial axis: one int for all, or one per axis (PyTorch's int or tuple)."""


# -- max pooling ------------------------------------------------------------------------------


@overload
def max_pool2d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Value: ...
@overload
def max_pool2d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    return_indices: Literal[True],
) -> tuple[Value, Array]: ...
@overload
def max_pool2d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Value, Array]: ...
def max_pool2d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Value | tuple[Value, Array]:
    """The maximum of each window of each channel, as ``torch.nn.functional.max_pool2d``.

    A window of ``kernel_size`` elements (``dilation`` apart) starts every ``stride``
    elements of the input padded with ``padding`` elements of -inf on each side (never the
    maximum). The gradient of each result goes to the one element that window picked: the
    first maximum in the window's row-major order, or its last NaN if it holds one (a NaN
    is the maximum), as in PyTorch.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, H, W)``, or ``(C, H, W)`` for one image.
    kernel_size : int or tuple of int
        The window's size, ``(kh, kw)``; one int for both.
    stride : int or tuple of int, optional
        How far apart the windows start; ``kernel_size`` if None (windows side by side).
    padding : int or tuple of int, default 0
        Elements of -inf added on each side, at most half the (dilated) kernel.
    dilation : int or tuple of int, default 1
        The spacing of the elements of a window (2: every other element).
    ceil_mode : bool, default False
        Round the number of windows up rather than down: the last window may go past the
        padded edge, as long as it starts inside the input or its left padding.
    return_indices : bool, default False
        Also return where each maximum is, as PyTorch's indices.

    Returns
    -------
    Value or tuple of Value and ndarray
        Shape ``(N, C, Ho, Wo)`` (``(C, Ho, Wo)`` for one image) with
        ``Ho = floor((H + 2·ph - dh·(kh - 1) - 1) / sh) + 1`` (``ceil`` in ceil mode) and
        the same for ``Wo``; the input's dtype. With ``return_indices``, also the int64
        array of the same shape that gives, for each result, the flat index ``h·W + w`` of
        its element in its input plane.

    Raises
    ------
    TypeError
        If the input is not a Value or an array of numbers, a size is not an int or a pair
        of ints, or ``ceil_mode`` or ``return_indices`` is not a bool.
    ValueError
        If the input is not 3-d or 4-d, or empty but for the batch; a size is below 1 (0
        for padding); the padding is more than half the dilated kernel; or the kernel is
        larger than the padded input (no window fits).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, max_pool2d
    >>> x = Value(np.array([[[[1.0, 2.0, 5.0, 0.0],
    ...                       [4.0, 3.0, 1.0, 1.0]]]]))
    >>> y = max_pool2d(x, 2)
    >>> y.data
    array([[[[4., 5.]]]])
    >>> y.sum().backward()
    >>> x.grad
    array([[[[0., 0., 1., 0.],
             [1., 0., 0., 0.]]]])
    >>> max_pool2d(x, 2, return_indices=True)[1]
    array([[[[4, 2]]]])
    """
    return _max_pool(
        input, "max_pool2d", 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


@overload
def max_pool1d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Value: ...
@overload
def max_pool1d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    return_indices: Literal[True],
) -> tuple[Value, Array]: ...
@overload
def max_pool1d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Value, Array]: ...
def max_pool1d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Value | tuple[Value, Array]:
    """The maximum of each window along the last axis, as ``torch.nn.functional.max_pool1d``.

    :func:`max_pool2d` of the input seen as ``(N, C, 1, L)``: the same windows, ties, NaNs
    and arguments, with one int (or a tuple of one) for each size.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, L)``, or ``(C, L)`` for one sequence.
    kernel_size : int
        The window's length.
    stride : int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int, default 0
        Elements of -inf added on each side, at most half the dilated kernel.
    dilation : int, default 1
        The spacing of the elements of a window.
    ceil_mode : bool, default False
        Round the number of windows up rather than down (see :func:`max_pool2d`).
    return_indices : bool, default False
        Also return the index along ``L`` of each maximum, as PyTorch's indices.

    Returns
    -------
    Value or tuple of Value and ndarray
        Shape ``(N, C, Lo)`` (``(C, Lo)`` for one sequence); with ``return_indices``, also
        the int64 indices of the same shape.

    Raises
    ------
    TypeError
        As :func:`max_pool2d`.
    ValueError
        As :func:`max_pool2d`, for a 2-d or 3-d input.

    Examples
    --------
    >>> from tensorgrad import Value, max_pool1d
    >>> x = Value([[1.0, 3.0, 2.0, 2.0, 0.0]])
    >>> max_pool1d(x, 2, stride=1).data
    array([[3., 3., 2., 2.]])
    >>> max_pool1d(x, 3, stride=2, return_indices=True)[1]
    array([[1, 2]])
    """
    return _max_pool(
        input, "max_pool1d", 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _max_pool(
    input: Operand,
    op: str,
    spatial: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: Any,
    return_indices: Any,
) -> Value | tuple[Value, Array]:
    x = _image(input, op, spatial)
    windows = _Windows(op, x.shape, spatial, kernel_size, stride, padding, dilation, ceil_mode)
    return_indices = flag(return_indices, "return_indices", op)
    views = windows.views(windows.to_inner(x._data), -np.inf)
    best = views[0].copy()
    for view in views[1:]:
        np.maximum(best, view, out=best)  # (a NaN wins: numpy's maximum propagates it)
    picked = windows.picked(views, best)
    saved = (like(x._data), windows, picked)
    out = record(windows.to_outer(best), op, _max_pool_backward, (x,), saved)
    if return_indices:
        return out, windows.to_outer(windows.indices(picked))
    return out


def _max_pool_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d max_pool(x) = g at the element each window picked, 0 elsewhere (an element picked by
    several overlapping windows gets the sum)

    Ties: the whole gradient goes to the first maximum of the window, in the window's
    row-major order; in a window with NaNs, to the last NaN, which is the result (as
    PyTorch's kernel, whose running maximum takes any NaN it meets).
    """
    windows: _Windows = saved[1]
    picked: Array = saved[2]

    def to_picked(gt: Array) -> Array:
        return windows.spread(gt, picked)

    def from_picked(wt: Array) -> Array:
        return windows.gather(wt, picked)

    return _linear(g, windows.on_outer(to_picked), windows.on_outer(from_picked), windows.op)


# -- average pooling --------------------------------------------------------------------------


def avg_pool2d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Value:
    """The mean of each window of each channel, as ``torch.nn.functional.avg_pool2d``.

    Each window's sum is divided by PyTorch's divisor: ``divisor_override`` if given; else
    the number of the window's elements inside the padded input (padding zeros count, but
    not the part of a ceil-mode window past the padded edge) if ``count_include_pad``;
    else the number of its elements inside the input itself. The gradient of each result
    is spread over its window, divided by the same divisor.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, H, W)``, or ``(C, H, W)`` for one image.
    kernel_size : int or tuple of int
        The window's size, ``(kh, kw)``; one int for both.
    stride : int or tuple of int, optional
        How far apart the windows start; ``kernel_size`` if None.
    padding : int or tuple of int, default 0
        Zeros added on each side, at most half the kernel.
    ceil_mode : bool, default False
        Round the number of windows up rather than down (see :func:`max_pool2d`).
    count_include_pad : bool, default True
        Whether the padding zeros count in the divisor.
    divisor_override : int, optional
        Divide every sum by this (not 0) instead.

    Returns
    -------
    Value
        Shape ``(N, C, Ho, Wo)`` (``(C, Ho, Wo)`` for one image), the input's dtype.

    Raises
    ------
    TypeError
        If the input is not a Value or an array of numbers, a size is not an int or a pair
        of ints, a flag is not a bool, or ``divisor_override`` is not an int or None.
    ValueError
        As :func:`max_pool2d`, and if ``divisor_override`` is 0.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, avg_pool2d
    >>> x = Value(np.arange(8.0).reshape(1, 1, 2, 4))
    >>> y = avg_pool2d(x, 2)
    >>> y.data
    array([[[[2.5, 4.5]]]])
    >>> y.sum().backward()
    >>> x.grad
    array([[[[0.25, 0.25, 0.25, 0.25],
             [0.25, 0.25, 0.25, 0.25]]]])
    >>> avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False).data[0, 0, 0]
    array([0. , 0.5, 1.5, 2.5, 3. ])
    """
    return _avg_pool(
        input,
        "avg_pool2d",
        2,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool1d(
    input: Operand,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Value:
    """The mean of each window along the last axis, as ``torch.nn.functional.avg_pool1d``.

    :func:`avg_pool2d` of the input seen as ``(N, C, 1, L)``, with the same divisor rules;
    PyTorch's avg_pool1d has no ``divisor_override``, and neither has this one.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, L)``, or ``(C, L)`` for one sequence.
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

    Returns
    -------
    Value
        Shape ``(N, C, Lo)`` (``(C, Lo)`` for one sequence), the input's dtype.

    Raises
    ------
    TypeError
        As :func:`avg_pool2d`.
    ValueError
        As :func:`avg_pool2d`, for a 2-d or 3-d input.

    Examples
    --------
    >>> from tensorgrad import Value, avg_pool1d
    >>> x = Value([[1.0, 3.0, 2.0, 6.0]])
    >>> avg_pool1d(x, 2).data
    array([[2., 4.]])
    >>> avg_pool1d(x, 3, stride=2, padding=1).data  # padding zeros count: (0 + 1 + 3) / 3
    array([[1.33333333, 3.66666667]])
    """
    return _avg_pool(
        input, "avg_pool1d", 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


def _avg_pool(
    input: Operand,
    op: str,
    spatial: int,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: Any,
    count_include_pad: Any,
    divisor_override: Any,
) -> Value:
    x = _image(input, op, spatial)
    windows = _Windows(op, x.shape, spatial, kernel_size, stride, padding, 1, ceil_mode)
    include_pad = flag(count_include_pad, "count_include_pad", op)
    if divisor_override is None:
        divisor = windows.divisors(include_pad, x.dtype)
    else:
        divisor = int_arg(divisor_override, "divisor_override", op)
        if divisor == 0:
            raise ValueError(f"{op}: divisor_override must not be 0")
    return _averaged(x, windows, divisor)


def _averaged(x: Value, windows: _Windows, divisor: Any) -> Value:
    """The node of an average pooling: each window's sum divided by ``divisor`` (a number,
    or an array of one divisor per window, shaped (Ho, Wo, 1))."""
    data = windows.to_outer(windows.gather(windows.to_inner(x._data)) / divisor)
    saved = (like(x._data), windows, divisor)
    return record(data, windows.op, _avg_pool_backward, (x,), saved)


def _avg_pool_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d avg_pool(x) = g / divisor, at every element of its window (an element read by
    several overlapping windows gets the sum)"""
    windows: _Windows = saved[1]
    divisor: Array | int = saved[2]

    def to_windows(gt: Array) -> Array:
        return windows.spread(gt / divisor)

    def from_windows(wt: Array) -> Array:
        return windows.gather(wt) / divisor

    return _linear(g, windows.on_outer(to_windows), windows.on_outer(from_windows), windows.op)


# -- adaptive average pooling -----------------------------------------------------------------


def adaptive_avg_pool2d(input: Operand, output_size: int | Sequence[int | None]) -> Value:
    """Average pooling to a given output size, as ``torch.nn.functional.adaptive_avg_pool2d``.

    Result ``(i, j)`` is the mean of rows ``floor(i·H/Ho)`` to ``ceil((i+1)·H/Ho)`` (the end
    excluded) and of the columns likewise: windows that cover the input, of sizes that may
    differ by one, and overlap where ``Ho`` does not divide ``H``. When it does (``H = 28``
    to ``Ho = 7``, or ``Ho = 1``: global average pooling), this is :func:`avg_pool2d` with
    ``kernel_size = stride = H/Ho``. The gradient of each result is spread over its window,
    divided by the window's size.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, H, W)``, or ``(C, H, W)`` for one image.
    output_size : int or tuple of int or None
        ``(Ho, Wo)``; one int for both; None keeps the input's size along that axis.

    Returns
    -------
    Value
        Shape ``(N, C, Ho, Wo)`` (``(C, Ho, Wo)`` for one image), the input's dtype. A size
        of 0 gives an empty result, as in PyTorch.

    Raises
    ------
    TypeError
        If the input is not a Value or an array of numbers, or ``output_size`` is not an int
        or a pair of ints (or None).
    ValueError
        If the input is not 3-d or 4-d, or empty but for the batch, or a size is negative.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, adaptive_avg_pool2d
    >>> x = Value(np.arange(6.0).reshape(1, 1, 2, 3))
    >>> adaptive_avg_pool2d(x, 1).data  # the mean of each channel
    array([[[[2.5]]]])
    >>> adaptive_avg_pool2d(x, (1, 2)).data  # columns 0-1 and 1-2
    array([[[[2., 3.]]]])
    >>> adaptive_avg_pool2d(x, (None, 1)).data[0, 0]
    array([[1.],
           [4.]])
    """
    return _adaptive_avg_pool(input, "adaptive_avg_pool2d", 2, output_size)


def adaptive_avg_pool1d(input: Operand, output_size: int | Sequence[int]) -> Value:
    """Average pooling to a given length, as ``torch.nn.functional.adaptive_avg_pool1d``.

    :func:`adaptive_avg_pool2d` of the input seen as ``(N, C, 1, L)``: result ``i`` is the
    mean of elements ``floor(i·L/Lo)`` to ``ceil((i+1)·L/Lo)`` (the end excluded).

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, L)``, or ``(C, L)`` for one sequence.
    output_size : int
        ``Lo`` (or a tuple of one int).

    Returns
    -------
    Value
        Shape ``(N, C, Lo)`` (``(C, Lo)`` for one sequence), the input's dtype.

    Raises
    ------
    TypeError
        As :func:`adaptive_avg_pool2d`.
    ValueError
        As :func:`adaptive_avg_pool2d`, for a 2-d or 3-d input.

    Examples
    --------
    >>> from tensorgrad import Value, adaptive_avg_pool1d
    >>> x = Value([[1.0, 2.0, 4.0, 8.0, 16.0]])
    >>> adaptive_avg_pool1d(x, 2).data  # elements 0-2 and 2-4
    array([[2.33333333, 9.33333333]])
    """
    return _adaptive_avg_pool(input, "adaptive_avg_pool1d", 1, output_size)


def _adaptive_avg_pool(input: Operand, op: str, spatial: int, output_size: Any) -> Value:
    x = _image(input, op, spatial)
    size = x.shape[-spatial:]
    if spatial == 2 and isinstance(output_size, (tuple, list)) and len(output_size) == 2:
        output_size = tuple(n if s is None else s for s, n in zip(output_size, size))
    out = pair_arg(output_size, "output_size", op, n=spatial, minimum=0)
    if all(m and n % m == 0 for n, m in zip(size, out)):
        kernel = tuple(n // m for n, m in zip(size, out))
        windows = _Windows(op, x.shape, spatial, kernel, kernel, 0, 1, False)
        return _averaged(x, windows, math.prod(kernel))
    spans = [_spans(n, m) for n, m in zip(size, out)]
    if spatial == 1:
        spans.insert(0, _spans(1, 1))  # (the one row of the (C, 1, L, N) view)
    rows, columns = spans
    heights, widths = ([r.stop - r.start for r in axis] for axis in spans)
    divisor = np.multiply.outer(heights, widths)[..., None].astype(x.dtype)  # (Ho, Wo, 1)
    layout = _Layout(op, x.shape, spatial)
    data = _span_sums(layout.to_inner(x._data), rows, columns) / divisor
    inner = (1, size[0]) if spatial == 1 else (size[0], size[1])
    saved = (like(x._data), layout, rows, columns, divisor, inner)
    return record(layout.to_outer(data), op, _adaptive_avg_pool_backward, (x,), saved)


def _adaptive_avg_pool_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d adaptive_avg_pool(x) = g / (the window's size), at every element of its window (an
    element in several overlapping windows gets the sum)"""
    layout: _Layout = saved[1]
    rows: list[slice]
    columns: list[slice]
    divisor: Array
    size: tuple[int, int]
    rows, columns, divisor, size = saved[2:]

    def to_windows(gt: Array) -> Array:
        return _span_spread(gt / divisor, rows, columns, size)

    def from_windows(wt: Array) -> Array:
        return _span_sums(wt, rows, columns) / divisor

    return _linear(g, layout.on_outer(to_windows), layout.on_outer(from_windows), layout.op)


def _spans(n: int, m: int) -> list[slice]:
    """PyTorch's adaptive windows of ``n`` elements to ``m``: window ``i`` covers elements
    ``floor(i·n/m)`` to ``ceil((i+1)·n/m)``, the end excluded."""
    return [slice(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]


def _span_sums(at: Array, rows: list[slice], columns: list[slice]) -> Array:
    """The sum of each window of ``at`` (C, H, W, N) whose rows and columns are given: (C, Ho,
    Wo, N). One sum of a slice per row of windows, then per column, so that the work grows
    with Ho + Wo, not Ho·Wo (and an inf stays in the windows that read it)."""
    c, _, w, n = at.shape
    by_rows = np.empty((c, len(rows), w, n), at.dtype)
    sums = np.empty((c, len(rows), len(columns), n), at.dtype)
    with np.errstate(invalid="ignore"):  # (inf + -inf: NaN, as the math has it)
        for i, r in enumerate(rows):
            at[:, r].sum(axis=1, out=by_rows[:, i])
        for j, q in enumerate(columns):
            by_rows[:, :, q].sum(axis=2, out=sums[:, :, j])
    return sums


def _span_spread(
    gt: Array, rows: list[slice], columns: list[slice], size: tuple[int, int]
) -> Array:
    """The adjoint of :func:`_span_sums`: each window's ``gt`` (C, Ho, Wo, N) added at every
    element of the window, (C, H, W, N)."""
    c, ho, _, n = gt.shape
    by_columns = np.zeros((c, ho, size[1], n), gt.dtype)
    spread = np.zeros((c, *size, n), gt.dtype)
    with np.errstate(invalid="ignore"):
        for j, q in enumerate(columns):
            by_columns[:, :, q] += gt[:, :, j, None]
        for i, r in enumerate(rows):
            spread[:, r] += by_columns[:, i, None]
    return spread


# -- where the windows lie --------------------------------------------------------------------


class _Layout:
    """How the arrays of a pooling's input (and of its result) of the user's shape, (N, C,
    H, W), (C, H, W), (N, C, L) or (C, L), are seen batch-innermost: (C, H, W, N), with
    H = 1 for a 1-d pooling and N = 1 for an unbatched input."""

    __slots__ = ("batched", "op", "spatial")

    def __init__(self, op: str, shape: tuple[int, ...], spatial: int) -> None:
        self.op, self.spatial = op, spatial
        self.batched = len(shape) == spatial + 2

    def __repr__(self) -> str:
        return f"{self.spatial}-d {'batch' if self.batched else 'one input'}"

    def to_inner(self, a: Array) -> Array:
        """An array of the user's shape as its (C, H, W, N) view; free, and contiguous if it
        was made by :meth:`to_outer`."""
        a = a.transpose(*range(1, a.ndim), 0) if self.batched else a[..., None]
        return a[:, None] if self.spatial == 1 else a

    def to_outer(self, at: Array) -> Array:
        """The inverse of :meth:`to_inner`: a (C, H, W, N) array as the user's shape."""
        if self.spatial == 1:
            at = at[:, 0]
        return at.transpose(at.ndim - 1, *range(at.ndim - 1)) if self.batched else at[..., 0]

    def on_outer(self, f: Callable[[Array], Array]) -> Callable[[Array], Array]:
        """``f`` of (C, H, W, N) arrays as a function of arrays of the user's shapes."""

        def outer(a: Array) -> Array:
            return self.to_outer(f(self.to_inner(a)))

        return outer


class _Windows(_Layout):
    """Where the windows of one pooling lie in the batch-innermost view (C, H, W, N) of its
    input, checked against PyTorch's rules; the node keeps it for the backward.

    A 1-d pooling is a 2-d one with windows of one row: ``(1, k)`` over ``(C, 1, L, N)``.
    """

    __slots__ = (
        "dilation",
        "fast",
        "kernel",
        "out",
        "padded",
        "padding",
        "positions",
        "size",
        "stride",
    )

    def __init__(
        self,
        op: str,
        shape: tuple[int, ...],
        spatial: int,
        kernel_size: Any,
        stride: Any,
        padding: Any,
        dilation: Any,
        ceil_mode: Any,
    ) -> None:
        super().__init__(op, shape, spatial)
        kernel = pair_arg(kernel_size, "kernel_size", op, n=spatial, minimum=1)
        steps = kernel if stride is None else pair_arg(stride, "stride", op, spatial, minimum=1)
        pads = pair_arg(padding, "padding", op, n=spatial, minimum=0)
        spacing = pair_arg(dilation, "dilation", op, n=spatial, minimum=1)
        ceil = flag(ceil_mode, "ceil_mode", op)
        if any(p > k // 2 for p, k in zip(pads, kernel)):
            raise ValueError(
                f"{op}: padding {self._shown(pads)} is more than half of kernel_size "
                f"{self._shown(kernel)}: pad should be at most half of kernel size"
            )
        spans = tuple((k - 1) * d + 1 for k, d in zip(kernel, spacing))
        size = shape[len(shape) - spatial :]
        out = tuple(_count(*sizes, ceil) for sizes in zip(size, spans, steps, pads))
        if min(out) < 1:
            padded = tuple(n + 2 * p for n, p in zip(size, pads))
            span = f" (dilated to {self._shown(spans)})" if spans != kernel else ""
            raise ValueError(
                f"{op}: kernel_size {self._shown(kernel)}{span} is larger than the padded "
                f"input {self._shown(padded)} (input of shape {shape}, padding "
                f"{self._shown(pads)}): no window fits"
            )

        def two(t: tuple[int, ...], fill: int) -> tuple[int, int]:
            return (fill, t[0]) if spatial == 1 else (t[0], t[1])

        self.kernel, self.stride = two(kernel, 1), two(steps, 1)
        self.padding, self.dilation = two(pads, 0), two(spacing, 1)
        self.size, self.out = two(size, 1), two(out, 1)
        # The padded image reaches the input's far edge and the last window's last element.
        self.padded = tuple(
            max(p + n, (o - 1) * s + (k - 1) * d + 1)
            for n, p, o, s, k, d in zip(
                self.size, self.padding, self.out, self.stride, self.kernel, self.dilation
            )
        )
        self.positions: tuple[Array, Array] | None = None  # made when needed: see _where
        (kh, kw), (ho, wo), (h, w) = self.kernel, self.out, self.size
        self.fast = (
            self.stride == self.kernel
            and self.padding == (0, 0)
            and self.dilation == (1, 1)
            and ho * kh <= h
            and wo * kw <= w
        )

    def __repr__(self) -> str:
        (kh, kw), (sh, sw) = self.kernel, self.stride
        return f"{kh}×{kw} windows, stride {sh}×{sw}"

    def _shown(self, pair: tuple[int, ...]) -> Any:
        """A size as the user gives it: one int for a 1-d pooling, a pair for a 2-d one."""
        return pair[-1] if self.spatial == 1 else pair

    # -- the windows

    def views(self, at: Array, fill: float) -> list[Array]:
        """For each kernel offset, in the window's row-major order, the (C, Ho, Wo, N) view
        of that offset's element in every window of ``at`` padded with ``fill``."""
        (kh, kw), (ho, wo) = self.kernel, self.out
        if self.fast:
            c, _, _, n = at.shape
            blocks = at[:, : ho * kh, : wo * kw].reshape(c, ho, kh, wo, kw, n)
            return [blocks[:, :, i, :, j] for i in range(kh) for j in range(kw)]
        padded = self._padded(at, fill)
        return [padded[:, rows, columns] for rows, columns in self._slices()]

    def gather(self, at: Array, picked: Array | None = None) -> Array:
        """The sum of each window of ``at`` (C, H, W, N), or of its ``picked`` elements only:
        (C, Ho, Wo, N)."""
        views = self.views(at, 0.0)
        kw = self.kernel[1]
        total = np.zeros(views[0].shape, at.dtype)
        with np.errstate(invalid="ignore"):  # (inf + -inf: NaN, as the math has it)
            for k, view in enumerate(views):
                total += view if picked is None else _masked(picked[:, :, k // kw, :, k % kw], view)
        return total

    def spread(self, gt: Array, picked: Array | None = None) -> Array:
        """The adjoint of :meth:`gather`: each window's ``gt`` (C, Ho, Wo, N) added at every
        element of the window (or at its ``picked`` ones only), (C, H, W, N)."""
        (kh, kw), (ho, wo), (h, w) = self.kernel, self.out, self.size
        c, _, _, n = gt.shape
        if self.fast:
            # In the picks' memory order first (a gradient that came through a reshape, from
            # Flatten, is in C order): a product of two orders would read one with strides.
            blocks = np.ascontiguousarray(gt)[:, :, None, :, None]
            if picked is None:
                shares = np.broadcast_to(blocks, (c, ho, kh, wo, kw, n))
            else:
                shares = _masked(picked, blocks)
            spread = shares.reshape(c, ho * kh, wo * kw, n)
            if (ho * kh, wo * kw) == (h, w):
                return spread
            full = np.zeros((c, h, w, n), gt.dtype)  # the rows and columns no window reads
            full[:, : ho * kh, : wo * kw] = spread
            return full
        padded = np.zeros((c, *self.padded, n), gt.dtype)
        with np.errstate(invalid="ignore"):
            for k, (rows, columns) in enumerate(self._slices()):
                share = gt if picked is None else _masked(picked[:, :, k // kw, :, k % kw], gt)
                padded[:, rows, columns] += share
        (top, left) = self.padding
        return padded[:, top : top + h, left : left + w]

    def picked(self, views: list[Array], best: Array) -> Array:
        """Which element each window picks, as PyTorch's max pooling: the first that equals
        the window's maximum ``best`` (padding never), or the last NaN of a window with NaNs.

        A boolean array (C, Ho, kh, Wo, kw, N), True at ``[c, y, i, x, j, n]`` if window
        ``(y, x)`` picks its element at kernel offset ``(i, j)``. An empty window (in the
        padding only, which dilation allows) picks none.
        """
        (kh, kw), (ho, wo) = self.kernel, self.out
        c, _, _, n = best.shape
        picked = np.empty((c, ho, kh, wo, kw, n), bool)
        taken = None  # the windows whose pick is made, once the first offset has been seen
        last = len(views) - 1
        for k, view in enumerate(views):
            slot = picked[:, :, k // kw, :, k % kw]
            hit = np.equal(view, best, out=slot if taken is None else None)
            inside = None if self.fast else self._inside(k)
            if inside is not None:
                hit &= inside  # (-inf padding equals a maximum of -inf)
            if taken is None:
                taken = hit.copy() if last else hit
                continue
            np.greater(hit, taken, out=slot)  # hit and not taken
            if k < last:
                taken |= hit
        if np.isnan(best).any():  # no element equals a NaN maximum: pick the last NaN
            later = np.zeros(best.shape, bool)
            for k in reversed(range(len(views))):
                nan = np.isnan(views[k])
                picked[:, :, k // kw, :, k % kw] |= nan > later
                later |= nan
        return picked

    def indices(self, picked: Array) -> Array:
        """PyTorch's indices of max pooling, (C, Ho, Wo, N) int64: the flat index ``h·W + w``
        in its input plane of the element each window picked (of its first element inside
        the image, past the padding, for an empty window, which PyTorch points past the
        input)."""
        rows, columns = self._where()  # (Ho, kh) and (Wo, kw)
        width = self.size[1]
        flat = rows[:, :, None, None] * width + columns[None, None, :, :]  # (Ho, kh, Wo, kw)
        found: Array = np.einsum("chiwjn,hiwj->chwn", picked, flat.astype(np.int64))
        first = [
            at[:, 0] + np.maximum(-at[:, 0] + d - 1, 0) // d * d
            for at, d in zip(self._where(), self.dilation)
        ]
        start = first[0][:, None] * width + first[1][None, :]
        empty = ~picked.any(axis=(2, 4))
        return np.where(empty, start[..., None], found).astype(np.int64)

    def divisors(self, count_include_pad: bool, dtype: Any) -> Any:
        """PyTorch's divisor of each window of an average pooling: its elements inside the
        padded input (``count_include_pad``) or inside the input, (Ho, Wo, 1) in ``dtype``;
        or the one number ``kh·kw`` when every window lies inside the input."""
        if self.fast:
            return self.kernel[0] * self.kernel[1]
        counts = []
        for at, n, p, k in zip(self._where(), self.size, self.padding, self.kernel):
            starts = at[:, 0]
            ends = np.minimum(starts + k, n + p)
            if count_include_pad:
                counts.append(ends - starts)
            else:
                counts.append(np.minimum(ends, n) - np.maximum(starts, 0))
        return (counts[0][:, None] * counts[1][None, :])[..., None].astype(dtype)

    def _padded(self, at: Array, fill: float) -> Array:
        """``at`` contiguous in (C, H, W, N) order, inside ``fill`` up to the padded size."""
        (h, w), (top, left) = self.size, self.padding
        if self.padded == (h, w):  # (then no padding either)
            return np.ascontiguousarray(at)
        c, _, _, n = at.shape
        padded = np.full((c, *self.padded, n), fill, at.dtype)
        padded[:, top : top + h, left : left + w] = at
        return padded

    def _slices(self) -> list[tuple[slice, slice]]:
        """The rows and columns of the padded image that each kernel offset reads."""
        (kh, kw), (sh, sw), (dh, dw), (ho, wo) = self.kernel, self.stride, self.dilation, self.out
        return [
            (
                slice(i * dh, i * dh + (ho - 1) * sh + 1, sh),
                slice(j * dw, j * dw + (wo - 1) * sw + 1, sw),
            )
            for i in range(kh)
            for j in range(kw)
        ]

    def _where(self) -> tuple[Array, Array]:
        """Each window's element at each kernel offset, along each axis: (Ho, kh) and (Wo, kw)
        arrays of positions in the input (negative in the padding)."""
        if self.positions is None:
            self.positions = tuple(  # type: ignore[assignment]
                np.arange(o)[:, None] * s - p + np.arange(k)[None, :] * d
                for o, s, p, k, d in zip(
                    self.out, self.stride, self.padding, self.kernel, self.dilation
                )
            )
        return self.positions  # type: ignore[return-value]

    def _inside(self, k: int) -> Array | None:
        """Which windows have their element at kernel offset ``k`` inside the image, (Ho, Wo,
        1); None if all do."""
        if self.padding == (0, 0) and self.padded == self.size:  # (every window inside)
            return None
        kw = self.kernel[1]
        (rows, columns), (h, w) = self._where(), self.size
        row, column = rows[:, k // kw], columns[:, k % kw]
        in_rows, in_columns = (row >= 0) & (row < h), (column >= 0) & (column < w)
        if in_rows.all() and in_columns.all():
            return None
        return (in_rows[:, None] & in_columns[None, :])[..., None]


def _count(n: int, span: int, stride: int, pad: int, ceil_mode: bool) -> int:
    """How many windows fit along an axis, as PyTorch counts them."""
    count = (n + 2 * pad - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (count - 1) * stride >= n + pad:  # the last window must start inside
        count -= 1
    return count


# -- helpers ----------------------------------------------------------------------------------


def _image(input: Operand, op: str, spatial: int) -> Value:
    """The input of a pooling as a Value, checked: (N, C, *S) or (C, *S), with ``spatial``
    axes S, and nothing empty but the batch (PyTorch's rule)."""
    x = as_value(input, op)
    names = "H, W" if spatial == 2 else "L"
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(
            f"{op}: expected a {spatial + 1}-d (C, {names}) or {spatial + 2}-d (N, C, {names}) "
            f"input, got shape {x.shape}"
        )
    if 0 in x.shape[x.ndim - spatial - 1 :]:
        raise ValueError(
            f"{op}: expected (C, {names}) sizes above 0 (only the batch may be empty), got "
            f"shape {x.shape}"
        )
    return x


def _masked(mask: Array, a: Array) -> Array:
    """``a`` where ``mask``, 0 elsewhere (``a`` broadcast to the mask's shape): a product,
    unless ``a`` holds an inf or a NaN, which times 0 would be NaN."""
    if np.isfinite(a).all():
        return mask * a
    return np.where(mask, a, 0.0).astype(a.dtype, copy=False)


def _linear(
    g: Any, apply: Callable[[Array], Array], adjoint: Callable[[Array], Array], op: str
) -> Any:
    """``apply(g)``, a linear map of the gradient ``g``: an array; or, under create_graph (``g``
    a Value), a node of its own whose backward is ``adjoint``, so that it can be
    differentiated again."""
    data = apply(plain(g))
    if isinstance(g, Value):
        return record(data, f"{op}_backward", _adjoint_backward, (g,), (None, adjoint, apply, op))
    return data


def _adjoint_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d A(v) = Aᵀ(dv), for a linear map A: the adjoint of a pooling's backward gathers each
    window's share back, as the pooling itself does"""
    _, adjoint, apply, op = saved
    return _linear(g, adjoint, apply, op)

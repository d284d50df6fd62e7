"""Convolution: :func:`conv2d` and :func:`conv1d`, their adjoint :func:`conv_transpose2d`,
and the sliding windows underneath, :func:`unfold` and :func:`fold`.

A convolution slides a small filter over the image and takes, at each position, the dot
product of the filter with the window of pixels under it. Written as loops over positions
it would be slow in Python; written as *im2col* it is one matrix product:

1. :func:`unfold` copies every window into a column: for an input of ``C`` channels and a
   ``kh × kw`` kernel, each of the ``L`` window positions gives a column of ``C·kh·kw``
   numbers (numpy makes the windows as a strided view of the padded image, without a loop);
2. the filters, flattened to rows of ``C·kh·kw`` numbers, multiply those columns: ``W @ cols``
   gives every filter at every position at once, and BLAS does the work.

The backward reverses both steps. The gradient of the columns is ``Wᵀ @ g``; each column is
then added back where its window came from, which is :func:`fold`. Windows overlap (a 3×3
kernel at stride 1 reads each pixel up to 9 times), so a pixel's gradient is the **sum** of
what every window that read it gives back: the same rule as for any value used more than
once. That ``fold`` is also :func:`conv_transpose2d` (the adjoint of ``conv2d``, "a
convolution run backwards", which upsamples), and the filters' gradient is
``g @ colsᵀ``, summed over the batch.

**Memory layout.** The user sees PyTorch's ``(N, C, H, W)``; inside, the arrays are kept
*batch innermost*, ``(C, H, W, N)`` in memory, and handed out as the ``(N, C, H, W)`` view
of that buffer (a transpose in numpy costs nothing). Then one window of every image of the
batch is one contiguous run, im2col is one large matrix product ``(C_out, C·kh·kw) @ (C·kh·kw,
L·N)`` rather than ``N`` small ones, and the result comes out already in the layout that
the next layer (ReLU, pooling, another convolution) reads fastest. With it a CNN's training
step here is faster than PyTorch's on the CPU (``benchmarks/cnn_step.py``, in ``nox -s bench``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tensorgrad.axes import pair_arg
from tensorgrad.record import Array, Operand, as_value, like, operand_data, record
from tensorgrad.tensor import Value

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "fold", "unfold"]


class _Geometry(NamedTuple):
    """Where the windows of a convolution lie, for the forward and every backward.

    ``size`` is the image the windows are cut from (conv2d's input, conv_transpose2d's
    output) and ``windows`` how many positions there are along each axis.
    """

    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: tuple[int, int, int, int]  # top, bottom, left, right
    size: tuple[int, int]
    windows: tuple[int, int]
    groups: int
    spatial: int  # 1 for conv1d's (N, C, L), 2 for conv2d's (N, C, H, W)
    batched: bool  # False for an unbatched (C, H, W) or (C, L) input, as PyTorch allows


# -- the arrays: im2col, col2im and the matrix products, batch innermost -----------------------


def _im2col(xt: Array, geo: _Geometry) -> Array:
    """The windows of ``xt`` (C, H, W, N) as an array (C, kh, kw, Ho, Wo, N).

    Element ``[c, i, j, y, x, n]`` is the pixel that kernel offset ``(i, j)`` reads at window
    ``(y, x)``: ``padded[c, y·sh + i·dh, x·sw + j·dw, n]``. The strided view makes every
    window without a loop; the copy lays the columns out for the matrix product.
    """
    padded = _padded(xt, geo)
    c, _, _, n = padded.shape
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.windows
    s_c, s_h, s_w, s_n = padded.strides
    # (np.ndarray on the padded buffer is numpy's as_strided, without its checks' cost)
    windows = np.ndarray(
        (c, kh, kw, ho, wo, n),
        padded.dtype,
        padded,
        strides=(s_c, s_h * dh, s_w * dw, s_h * sh, s_w * sw, s_n),
    )
    return np.ascontiguousarray(windows)


def _padded(xt: Array, geo: _Geometry) -> Array:
    """``xt`` with its padding of zeros, contiguous in (C, H, W, N) order."""
    top, bottom, left, right = geo.padding
    if not (top or bottom or left or right):
        return np.ascontiguousarray(xt)  # (free for the output of a layer before)
    c, h, w, n = xt.shape
    padded = np.zeros((c, h + top + bottom, w + left + right, n), xt.dtype)
    padded[:, top : top + h, left : left + w] = xt
    return padded


def _col2im(cols: Array, geo: _Geometry) -> Array:
    """The adjoint of :func:`_im2col`: each window's values added back where the window
    was cut from, (C, kh, kw, Ho, Wo, N) to (C, H, W, N).

    A pixel read by several windows receives the sum of what each gives back; what fell on
    the padding is dropped. (Written into the image itself rather than into a padded one
    cropped after, so that the gradient is a whole, contiguous array.)
    """
    c, kh, kw, _, _, n = cols.shape
    image = np.zeros((c, *geo.size, n), cols.dtype)
    along_columns = [_reads(j, 1, geo) for j in range(kw)]
    for i in range(kh):
        rows, y = _reads(i, 0, geo)
        for j, (columns, x) in enumerate(along_columns):
            image[:, rows, columns] += cols[:, i, j, y, x]
    return image


def _reads(offset: int, axis: int, geo: _Geometry) -> tuple[slice, slice]:
    """Along ``axis``, which pixels kernel offset ``offset`` reads, and in which windows:
    window ``y`` reads pixel ``y·stride + offset·dilation - padding``, when that is inside
    the image (not padding)."""
    stride, size, windows = geo.stride[axis], geo.size[axis], geo.windows[axis]
    start = offset * geo.dilation[axis] - geo.padding[2 * axis]  # (the pixel of window 0)
    first = max(0, -(start // stride))  # the first window whose pixel is >= 0 (-(a//b): ceil)
    last = min(windows - 1, (size - 1 - start) // stride)
    if last < first:
        return slice(0, 0), slice(0, 0)
    pixels = slice(start + first * stride, start + last * stride + 1, stride)
    return pixels, slice(first, last + 1)


def _convolve(xt: Array, weight: Array, geo: _Geometry) -> tuple[Array, Array]:
    """``conv2d`` on arrays: ``xt`` (C, H, W, N) and ``weight`` (C_out, C/groups, kh, kw)
    give (C_out, Ho, Wo, N), and the columns, which the filters' gradient reads again."""
    cols = _im2col(xt, geo)
    out = _grouped(weight, geo.groups) @ _grouped_columns(cols, geo.groups)
    return out.reshape(weight.shape[0], *cols.shape[3:]), cols


def _convolve_adjoint(gt: Array, weight: Array, geo: _Geometry) -> Array:
    """The adjoint of :func:`_convolve` in its input: (C_out, Ho, Wo, N) to (C, H, W, N).

    ``cols = Wᵀ @ g``, then each column goes back to its window (:func:`_col2im`).
    """
    groups = geo.groups
    cols = _grouped(weight, groups).swapaxes(1, 2) @ _grouped_columns(gt, groups)
    channels = weight.shape[1] * groups
    return _col2im(cols.reshape(channels, *geo.kernel, *gt.shape[1:]), geo)


def _filter_gradient(gt: Array, cols: Array, geo: _Geometry, shape: tuple[int, ...]) -> Any:
    """The gradient of the filters: ``g @ colsᵀ``, summed over positions and the batch."""
    groups = geo.groups
    grad = _grouped_columns(gt, groups) @ _grouped_columns(cols, groups).swapaxes(1, 2)
    return grad.reshape(shape)


def _grouped(weight: Array, groups: int) -> Array:
    """The filters as ``groups`` matrices of rows, (groups, C_out/groups, C/groups·kh·kw)."""
    return weight.reshape(groups, weight.shape[0] // groups, -1)


def _grouped_columns(a: Array, groups: int) -> Array:
    """Columns (C, kh, kw, Ho, Wo, N) or a gradient (C_out, Ho, Wo, N) as ``groups``
    matrices with one column per window and image, (groups, rows, Ho·Wo·N)."""
    positions = a.shape[-3] * a.shape[-2] * a.shape[-1]
    return a.reshape(groups, -1, positions)


# -- shapes: PyTorch's views to the batch-innermost arrays and back ---------------------------


def _images(a: Any, geo: _Geometry) -> Any:
    """An input or gradient of the user's shape as (N, C, H, W): one axis added for 1-d,
    one for an unbatched input. Arrays and Values alike (for the create_graph path)."""
    if geo.spatial == 1:
        a = a[..., None, :]
    return a if geo.batched else a[None]


def _user_shape(a: Any, geo: _Geometry) -> Any:
    """The inverse of :func:`_images`."""
    if not geo.batched:
        a = a[0]
    return a[..., 0, :] if geo.spatial == 1 else a


def _filters(weight: Any, geo: _Geometry) -> Any:
    """A weight (C_out, C/groups, k) of conv1d as conv2d's (C_out, C/groups, 1, k)."""
    return weight[:, :, None, :] if geo.spatial == 1 else weight


def _inner(a: Array) -> Any:
    """An array (N, C, H, W) as the (C, H, W, N) it is in memory (free when it came from an
    op of this module); a copy is made only where a reshape needs one."""
    return a.transpose(1, 2, 3, 0)


def _outer(a: Array) -> Any:
    """The (N, C, H, W) view of a (C, H, W, N) array."""
    return a.transpose(3, 0, 1, 2)


# -- conv2d and conv1d ------------------------------------------------------------------------


def conv2d(
    input: Operand,
    weight: Value | Array,
    bias: Value | Array | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Value:
    """The 2-d convolution (a cross-correlation, as in every deep-learning library) of
    ``input`` with the filters ``weight``, as ``torch.nn.functional.conv2d``.

    ``out[n, o, y, x] = bias[o] + Σ_{c,i,j} weight[o, c, i, j] ·
    padded[n, c, y·sh + i·dh, x·sw + j·dw]``, over the input channels ``c`` of ``o``'s group.
    One node: im2col and one matrix product (see the module's introduction).

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, H, W)``, or ``(C, H, W)`` for one image.
    weight : Value or ndarray
        Shape ``(C_out, C / groups, kh, kw)``, of the input's dtype.
    bias : Value or ndarray, optional
        Shape ``(C_out,)``.
    stride, dilation : int or tuple of int, default 1
        The step between windows; the step between the pixels a kernel reads.
    padding : int, tuple of int, "valid" or "same", default 0
        Zeros added on both sides of each spatial axis; "valid" is 0, "same" pads so that
        the output has the input's size (stride 1 only; an odd total puts the extra row at
        the bottom and the extra column at the right, as PyTorch).
    groups : int, default 1
        Split the channels into ``groups`` independent convolutions; ``C`` and ``C_out``
        must both divide by it.

    Returns
    -------
    Value
        Shape ``(N, C_out, Ho, Wo)`` with ``Ho = (H + 2·ph - dh·(kh - 1) - 1) // sh + 1``
        (likewise ``Wo``).

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array, the weight or bias has another dtype
        than the input, or an argument is not an int (or pair of ints).
    ValueError
        If the shapes disagree (named, with what was expected), the kernel is larger than
        the padded input, a stride, dilation or group count is below 1, or a padding is
        negative or an unknown string.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, conv2d
    >>> image = Value(np.arange(16.0).reshape(1, 1, 4, 4))
    >>> edge = np.array([[[[1.0, -1.0]]]])  # (C_out, C, kh, kw) = (1, 1, 1, 2)
    >>> conv2d(image, edge).shape
    (1, 1, 4, 3)
    >>> conv2d(image, edge).data[0, 0, 0]
    array([-1., -1., -1.])
    >>> y = conv2d(image, np.ones((2, 1, 3, 3)), padding=1)
    >>> y.shape, y.data[0, 0, 0, 0]
    ((1, 2, 4, 4), np.float64(10.0))
    """
    return _conv_call("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(
    input: Operand,
    weight: Value | Array,
    bias: Value | Array | None = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] | str = 0,
    dilation: int | tuple[int] = 1,
    groups: int = 1,
) -> Value:
    """The 1-d convolution of ``input`` ``(N, C, L)`` with ``weight`` ``(C_out, C / groups,
    k)``, as ``torch.nn.functional.conv1d``.

    The same as :func:`conv2d` on images of height 1 (and computed so, in one node); the
    arguments are single ints (or 1-tuples).

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, L)``, or ``(C, L)`` for one sequence.
    weight : Value or ndarray
        Shape ``(C_out, C / groups, k)``, of the input's dtype.
    bias : Value or ndarray, optional
        Shape ``(C_out,)``.
    stride, dilation : int, default 1
    padding : int, "valid" or "same", default 0
    groups : int, default 1

    Returns
    -------
    Value
        Shape ``(N, C_out, Lo)``, ``Lo = (L + 2·padding - dilation·(k - 1) - 1) // stride + 1``.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, conv1d
    >>> signal = Value([[[0.0, 1.0, 4.0, 9.0]]])
    >>> conv1d(signal, np.array([[[-1.0, 1.0]]])).data  # differences
    array([[[1., 3., 5.]]])
    """
    return _conv_call("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def _conv_call(
    op: str,
    spatial: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
) -> Value:
    x = as_value(input, op)
    w = _operand(weight, "weight", op)
    given = _dtype_given(input, x)
    _same_dtype(x, w, "weight", op, given)
    geo = _conv_geometry(op, spatial, x, w, stride, padding, dilation, groups)
    b = _bias(bias, w.shape[0], x, op, given)
    return _conv_node(x, w, b, geo, op)


def _conv_node(x: Value, w: Value, b: Value | None, geo: _Geometry, op: str) -> Value:
    filters = _filters(w._data, geo)
    out, cols = _convolve(_inner(_images(x._data, geo)), filters, geo)
    if b is not None:
        out += b._data[:, None, None, None]
    data = _user_shape(_outer(out), geo)
    saved = (x._data, w._data, None if b is None else like(b._data), geo, cols, op)
    return record(data, op, _conv_backward, (x, w, b), saved)


def _conv_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """With ``cols`` the input's windows (im2col) and ``W`` the filters as rows:

    dinput = fold(Wᵀ g) = conv_transpose2d(g, W) (each window's share added back);
    dweight = g colsᵀ, summed over the batch; dbias = Σ g over all but the channel axis.

    (Under create_graph the same, with conv_transpose2d and unfold as ops in the graph.)
    """
    x, w, _, geo, cols, op = saved
    g4 = _images(g, geo)
    if i == 2:
        return g4.sum(axis=(0, 2, 3))
    filters = _filters(w, geo)
    if isinstance(g, Value):
        if i == 0:
            return _user_shape(_transposed_node(g4, filters, None, geo, op + " backward"), geo)
        return _filter_gradient_of_values(_images(x, geo), g4, geo).reshape(w.shape)
    gt = _inner(g4)
    if i == 0:
        return _user_shape(_outer(_convolve_adjoint(gt, filters, geo)), geo)
    return _filter_gradient(gt, cols, geo, w.shape)


def _filter_gradient_of_values(x4: Any, g4: Value, geo: _Geometry) -> Value:
    """The filters' gradient under create_graph, written with ops of the graph: ``g`` times
    the unfolded input, summed over the batch, (C_out, C/groups·kh·kw)."""
    windows = _unfold_node(as_value(x4, "conv2d backward"), geo)  # (N, C·kh·kw, L)
    n, groups = g4.shape[0], geo.groups
    per_group = g4.reshape(n, groups, g4.shape[1] // groups, -1)
    cols = windows.reshape(n, groups, windows.shape[1] // groups, -1)
    return (per_group @ cols.swapaxes(2, 3)).sum(axis=0)


# -- conv_transpose2d and conv_transpose1d: the adjoint ---------------------------------------


def conv_transpose2d(
    input: Operand,
    weight: Value | Array,
    bias: Value | Array | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> Value:
    """The transposed convolution, as ``torch.nn.functional.conv_transpose2d``: the adjoint
    of :func:`conv2d`, which spreads each input pixel over a window of the output.

    ``conv_transpose2d(g, W)`` is the gradient that ``conv2d(·, W)`` sends back to its
    input: ``Wᵀ g`` gives one column per input pixel, and each column is added into its
    window of the output (overlaps add up). With stride 2 it doubles an image's size, the
    usual upsampling step of a decoder. Note PyTorch's order of the arguments:
    ``output_padding`` and ``groups`` come before ``dilation``.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C_in, H, W)``, or ``(C_in, H, W)``.
    weight : Value or ndarray
        Shape ``(C_in, C_out / groups, kh, kw)``: the weight of the conv2d it is the
        adjoint of.
    bias : Value or ndarray, optional
        Shape ``(C_out,)``.
    stride, dilation : int or tuple of int, default 1
    padding : int or tuple of int, default 0
        ``dilation·(k - 1) - padding`` zeros of implicit padding on each side of the output;
        that is, the padding of the conv2d it is the adjoint of.
    output_padding : int or tuple of int, default 0
        Extra rows and columns at the bottom and right of the output, to pick one of the
        sizes that a strided conv2d maps to the same size; less than the stride or the
        dilation.
    groups : int, default 1

    Returns
    -------
    Value
        Shape ``(N, C_out, Ho, Wo)`` with ``Ho = (H - 1)·sh - 2·ph + dh·(kh - 1) + oph + 1``.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d`; also if ``output_padding`` is not less than the stride or the
        dilation, or the output would be empty.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, conv_transpose2d
    >>> x = Value([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> conv_transpose2d(x, np.ones((1, 1, 2, 2)), stride=2).data[0, 0]  # each pixel, 2x2
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    return _transposed_call(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def conv_transpose1d(
    input: Operand,
    weight: Value | Array,
    bias: Value | Array | None = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] = 0,
    output_padding: int | tuple[int] = 0,
    groups: int = 1,
    dilation: int | tuple[int] = 1,
) -> Value:
    """The transposed 1-d convolution, as ``torch.nn.functional.conv_transpose1d``: the
    adjoint of :func:`conv1d`.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C_in, L)``, or ``(C_in, L)``.
    weight : Value or ndarray
        Shape ``(C_in, C_out / groups, k)``.
    bias : Value or ndarray, optional
        Shape ``(C_out,)``.
    stride, padding, output_padding, groups, dilation : int
        As :func:`conv_transpose2d`, along the one axis.

    Returns
    -------
    Value
        Shape ``(N, C_out, Lo)``, ``Lo = (L - 1)·stride - 2·padding + dilation·(k - 1) +
        output_padding + 1``.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv_transpose2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, conv_transpose1d
    >>> conv_transpose1d(Value([[[1.0, 2.0]]]), np.array([[[1.0, 1.0, 1.0]]])).data
    array([[[1., 3., 3., 2.]]])
    """
    return _transposed_call(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def _transposed_call(
    op: str,
    spatial: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
) -> Value:
    y = as_value(input, op)
    w = _operand(weight, "weight", op)
    given = _dtype_given(input, y)
    _same_dtype(y, w, "weight", op, given)
    geo = _transposed_geometry(op, spatial, y, w, stride, padding, output_padding, groups, dilation)
    b = _bias(bias, w.shape[1] * geo.groups, y, op, given)
    out: Value = _user_shape(_transposed_node(_images(y, geo), _filters(w, geo), b, geo, op), geo)
    return out


def _transposed_node(y4: Any, w4: Any, b: Value | None, geo: _Geometry, op: str) -> Value:
    """The adjoint as a node, on (N, C_in, H, W) and a conv2d weight: the forward of
    conv_transpose2d and the input's gradient of conv2d under create_graph."""
    y4, w4 = as_value(y4, op), as_value(w4, op)
    out = _convolve_adjoint(_inner(y4._data), w4._data, geo)
    if b is not None:
        out += b._data[:, None, None, None]
    saved = (y4._data, w4._data, None if b is None else like(b._data), geo, op)
    return record(_outer(out), op, _transposed_backward, (y4, w4, b), saved)


def _transposed_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """The adjoint's adjoint is the convolution itself:

    dinput = conv2d(g, W) (cut to the input's size); dweight = input · unfold(g)ᵀ, summed
    over the batch; dbias = Σ g over all but the channel axis.
    """
    y4, w4, _, geo, op = saved
    if i == 2:
        return g.sum(axis=(0, 2, 3))
    if isinstance(g, Value):
        if i == 0:
            images = geo._replace(spatial=2, batched=True)  # (the node's operands are 4-d)
            return _conv_node(g, as_value(w4, op), None, images, op + " backward")
        return _filter_gradient_of_values(g, y4, geo).reshape(w4.shape)
    cols = _im2col(_inner(g), geo)
    if i == 0:
        grad = _grouped(w4, geo.groups) @ _grouped_columns(cols, geo.groups)
        return _outer(grad.reshape(w4.shape[0], *cols.shape[3:]))
    return _filter_gradient(_inner(y4), cols, geo, w4.shape)


# -- unfold and fold --------------------------------------------------------------------------


def unfold(
    input: Operand,
    kernel_size: int | tuple[int, int],
    dilation: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
) -> Value:
    """Every sliding window of ``input`` as a column, as ``torch.nn.functional.unfold``
    (im2col).

    Window ``l`` (counted row by row) of image ``n`` becomes ``out[n, :, l]``, its
    ``C·kh·kw`` pixels in the order channel, kernel row, kernel column. Then a convolution
    is a matrix product: ``conv2d(x, w)`` equals ``w.reshape(C_out, -1) @ unfold(x, k)``,
    reshaped to the output's size.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C, H, W)``, or ``(C, H, W)``.
    kernel_size : int or tuple of int
    dilation, stride : int or tuple of int, default 1
    padding : int or tuple of int, default 0

    Returns
    -------
    Value
        Shape ``(N, C·kh·kw, L)``, ``L = Ho·Wo`` the number of windows.

    Raises
    ------
    TypeError, ValueError
        For a wrong operand or argument, naming it, and for a kernel larger than the
        padded input.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, unfold
    >>> x = Value(np.arange(9.0).reshape(1, 1, 3, 3))
    >>> unfold(x, 2).data  # 4 windows of 2x2, one per column
    array([[[0., 1., 3., 4.],
            [1., 2., 4., 5.],
            [3., 4., 6., 7.],
            [4., 5., 7., 8.]]])
    """
    op = "unfold"
    x = as_value(input, op)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{op}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {x.shape}"
        )
    geo = _window_geometry(op, x.ndim == 4, x.shape[-2:], kernel_size, dilation, padding, stride)
    if x.ndim == 3:
        return _unfold_node(x[None], geo)[0]
    return _unfold_node(x, geo)


def _unfold_node(x4: Value, geo: _Geometry) -> Value:
    cols = _im2col(_inner(x4._data), geo)  # (C, kh, kw, Ho, Wo, N)
    c, n = cols.shape[0], cols.shape[-1]
    data = cols.reshape(c * geo.kernel[0] * geo.kernel[1], -1, n).transpose(2, 0, 1)
    return record(data, "unfold", _unfold_backward, (x4,), (like(x4._data), geo))


def _unfold_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d unfold(x) = unfold(dx): unfold is linear, so its backward is its adjoint, fold,
    which adds each column back into its window (overlaps add up)."""
    _, geo = saved
    if isinstance(g, Value):
        return _fold_node(g, geo)
    return _outer(_col2im(_columns(g, geo), geo))


def _columns(g: Array, geo: _Geometry) -> Any:
    """An unfolded (N, C·kh·kw, L) array as im2col's (C, kh, kw, Ho, Wo, N)."""
    n = g.shape[0]
    return g.transpose(1, 2, 0).reshape(-1, *geo.kernel, *geo.windows, n)


def fold(
    input: Operand,
    output_size: int | tuple[int, int],
    kernel_size: int | tuple[int, int],
    dilation: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
) -> Value:
    """Add columns back into the windows they would come from, as
    ``torch.nn.functional.fold`` (col2im): the adjoint of :func:`unfold`.

    Where windows overlap, their values add up: ``fold(unfold(x))`` is ``x`` times the
    number of windows that cover each pixel.

    Parameters
    ----------
    input : Value, ndarray or number
        Shape ``(N, C·kh·kw, L)``, or ``(C·kh·kw, L)``, with ``L`` the number of windows
        that fit in ``output_size``.
    output_size : int or tuple of int
        The image's ``(H, W)``.
    kernel_size : int or tuple of int
    dilation, stride : int or tuple of int, default 1
    padding : int or tuple of int, default 0

    Returns
    -------
    Value
        Shape ``(N, C, H, W)``.

    Raises
    ------
    TypeError, ValueError
        For a wrong operand or argument; if the input's size does not divide by
        ``kh·kw`` or its ``L`` is not the number of windows of ``output_size``.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import fold
    >>> fold(np.ones((1, 4, 4)), (3, 3), 2).data[0, 0]  # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    op = "fold"
    cols = as_value(input, op)
    if cols.ndim not in (2, 3):
        raise ValueError(
            f"{op}: expected a 2-d (C·kh·kw, L) or 3-d (N, C·kh·kw, L) input, got shape "
            f"{cols.shape}"
        )
    size = pair_arg(output_size, "output_size", op, minimum=1)
    geo = _window_geometry(op, cols.ndim == 3, size, kernel_size, dilation, padding, stride)
    kernel = geo.kernel
    rows, positions = cols.shape[-2:]
    if rows % (kernel[0] * kernel[1]):
        raise ValueError(
            f"{op}: expected the size of dim -2 of the input ({rows}) to divide by the kernel's "
            f"{kernel[0]}·{kernel[1]} = {kernel[0] * kernel[1]} (input shape {cols.shape})"
        )
    windows = geo.windows[0] * geo.windows[1]
    if positions != windows:
        raise ValueError(
            f"{op}: expected the input's last dim to be the {windows} windows "
            f"({geo.windows[0]} x {geo.windows[1]}) that output_size {size}, kernel_size "
            f"{kernel}, dilation, padding and stride give, got {positions} (input shape "
            f"{cols.shape})"
        )
    if cols.ndim == 2:
        return _fold_node(cols[None], geo)[0]
    return _fold_node(cols, geo)


def _fold_node(cols: Value, geo: _Geometry) -> Value:
    data = _outer(_col2im(_columns(cols._data, geo), geo))
    return record(data, "fold", _fold_backward, (cols,), (like(cols._data), geo))


def _fold_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d fold(c) = fold(dc): its backward is its adjoint, unfold (each window's pixels read
    back into its column)."""
    _, geo = saved
    if isinstance(g, Value):
        return _unfold_node(g, geo)
    cols = _im2col(_inner(g), geo)
    return cols.reshape(
        cols.shape[0] * geo.kernel[0] * geo.kernel[1], -1, cols.shape[-1]
    ).transpose(2, 0, 1)


# -- arguments and their checks ---------------------------------------------------------------


def _operand(x: Any, name: str, op: str) -> Value:
    """A weight or a bias: a Value or an array (a number has no shape to check)."""
    if x is None or not isinstance(operand_data(x, op), np.ndarray):
        raise TypeError(f"{op}: {name} must be a Value or a numpy array, got {type(x).__name__}")
    return as_value(x, op)


def _bias(bias: Any, channels: int, x: Value, op: str, given: np.dtype[Any]) -> Value | None:
    if bias is None:
        return None
    b = _operand(bias, "bias", op)
    if b.shape != (channels,):
        raise ValueError(
            f"{op}: bias must have shape ({channels},), one per output channel, got shape {b.shape}"
        )
    _same_dtype(x, b, "bias", op, given)
    return b


def _dtype_given(input: Any, x: Value) -> np.dtype[Any]:
    """The dtype of the input as given (an int array's, which the Value made float64)."""
    return input.dtype if isinstance(input, np.ndarray) else x.dtype


def _same_dtype(x: Value, other: Value, name: str, op: str, given: np.dtype[Any]) -> None:
    """``given`` is the dtype of the input as the user gave it, for the message: an int
    array became float64 in the Value."""
    if other.dtype != x.dtype:  # as PyTorch: no promotion of a float32 model to float64
        raise TypeError(
            f"{op}: expected input and {name} to have the same dtype, got {given} and "
            f"{other.dtype}; convert the input with .astype(np.{other.dtype})"
        )


def _checked_dims(op: str, spatial: int, x: Value, w: Value, weight: str, groups: Any) -> int:
    """Check the number of dims of the input and the weight (named as ``weight`` begins its
    shape); the number of groups."""
    dims = "(N, C, L)" if spatial == 1 else "(N, C, H, W)"
    one = "(C, L)" if spatial == 1 else "(C, H, W)"
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ValueError(
            f"{op}: expected a {spatial + 1}-d {one} or {spatial + 2}-d {dims} input, got "
            f"shape {x.shape}"
        )
    if w.ndim != spatial + 2:
        raise ValueError(
            f"{op}: expected a {spatial + 2}-d weight {weight}, "
            f"{'k' if spatial == 1 else 'kh, kw'}), got shape {w.shape}"
        )
    return _groups(groups, op)


def _conv_geometry(
    op: str, spatial: int, x: Value, w: Value, stride: Any, padding: Any, dilation: Any, groups: Any
) -> _Geometry:
    groups = _checked_dims(op, spatial, x, w, "(C_out, C_in / groups", groups)
    channels = x.shape[-spatial - 1]
    if w.shape[0] % groups:
        raise ValueError(
            f"{op}: the weight's {w.shape[0]} output channels do not divide by groups={groups} "
            f"(weight shape {w.shape})"
        )
    if w.shape[1] * groups != channels:
        expects = w.shape[1] if groups == 1 else f"{w.shape[1]} x groups={groups}"
        raise ValueError(
            f"{op}: input has {channels} channels, weight expects {expects} (weight shape "
            f"{w.shape}, input shape {x.shape})"
        )
    kernel = tuple(w.shape[2:])
    size = tuple(x.shape[-spatial:])
    strides = _spatial(stride, "stride", op, spatial, 1)
    dilations = _spatial(dilation, "dilation", op, spatial, 1)
    if isinstance(padding, str):
        pads = _string_padding(padding, strides, dilations, kernel, op)
    else:
        pairs = _spatial(padding, "padding", op, spatial, 0)
        pads = tuple(p for p in pairs for _ in range(2))
    if spatial == 1:
        kernel, size, pads = (1, *kernel), (1, *size), (0, 0, *pads)
    return _geometry(
        op, spatial, x.ndim == spatial + 2, size, kernel, strides, pads, dilations, groups
    )


def _transposed_geometry(
    op: str,
    spatial: int,
    y: Value,
    w: Value,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
) -> _Geometry:
    groups = _checked_dims(op, spatial, y, w, "(C_in, C_out / groups", groups)
    channels = y.shape[-spatial - 1]
    if w.shape[0] != channels:
        raise ValueError(
            f"{op}: input has {channels} channels, weight expects {w.shape[0]} (weight shape "
            f"{w.shape}, input shape {y.shape})"
        )
    if channels % groups:
        raise ValueError(f"{op}: the input's {channels} channels do not divide by groups={groups}")
    strides = pair_arg(stride, "stride", op, n=spatial, minimum=1)
    dilations = pair_arg(dilation, "dilation", op, n=spatial, minimum=1)
    pads = pair_arg(padding, "padding", op, n=spatial)
    extra = pair_arg(output_padding, "output_padding", op, n=spatial)
    kernel = tuple(w.shape[2:])
    windows = tuple(y.shape[-spatial:])
    size = []
    for n, k, s, d, p, e in zip(windows, kernel, strides, dilations, pads, extra):
        if e >= s and e >= d:
            raise ValueError(
                f"{op}: output_padding {tuple(extra)} must be smaller than either the stride "
                f"{tuple(strides)} or the dilation {tuple(dilations)}"
            )
        size.append((n - 1) * s - 2 * p + d * (k - 1) + e + 1)
    if min(size) < 1:
        raise ValueError(
            f"{op}: the output would be empty: size {tuple(size)} from an input of shape "
            f"{y.shape} with kernel {kernel}, stride {strides}, padding {pads}, dilation "
            f"{dilations} and output_padding {extra}"
        )
    padding4 = tuple(p for p in pads for _ in range(2))
    if spatial == 1:  # in conv2d's terms: an image of height 1
        kernel, strides, dilations = (1, *kernel), (1, *strides), (1, *dilations)
        size, windows, padding4 = [1, *size], (1, *windows), (0, 0, *padding4)
    top, bottom, left, right = padding4
    return _Geometry(
        _two(kernel),
        _two(strides),
        _two(dilations),
        (top, bottom, left, right),
        _two(size),
        _two(windows),
        groups,
        spatial,
        y.ndim == spatial + 2,
    )


def _window_geometry(
    op: str,
    batched: bool,
    size: tuple[int, ...],
    kernel_size: Any,
    dilation: Any,
    padding: Any,
    stride: Any,
) -> _Geometry:
    """The geometry of unfold and fold, from their arguments."""
    kernel = pair_arg(kernel_size, "kernel_size", op, minimum=1)
    dilations = pair_arg(dilation, "dilation", op, minimum=1)
    pads = pair_arg(padding, "padding", op)
    strides = pair_arg(stride, "stride", op, minimum=1)
    padding4 = (pads[0], pads[0], pads[1], pads[1])
    return _geometry(op, 2, batched, size, kernel, strides, padding4, dilations, 1)


def _geometry(
    op: str,
    spatial: int,
    batched: bool,
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    padding: tuple[int, ...],
    dilations: tuple[int, ...],
    groups: int,
) -> _Geometry:
    """The geometry of windows cut from an image of ``size``; checks that they fit."""
    top, bottom, left, right = padding
    padded = (size[0] + top + bottom, size[1] + left + right)
    reach = tuple(d * (k - 1) + 1 for d, k in zip(dilations, kernel))
    if reach[0] > padded[0] or reach[1] > padded[1]:
        shown = slice(2 - spatial, 2)
        dilated = "" if reach == tuple(kernel) else f" (dilated to {reach[shown]})"
        raise ValueError(
            f"{op}: kernel size {tuple(kernel)[shown]}{dilated} is larger than the padded input "
            f"{padded[shown]}"
        )
    windows = tuple((p - r) // s + 1 for p, r, s in zip(padded, reach, strides))
    return _Geometry(
        _two(kernel),
        _two(strides),
        _two(dilations),
        (top, bottom, left, right),
        _two(size),
        _two(windows),
        groups,
        spatial,
        batched,
    )


def _two(sizes: Any) -> tuple[int, int]:
    return (int(sizes[0]), int(sizes[1]))


def _spatial(value: Any, name: str, op: str, spatial: int, minimum: int) -> tuple[int, ...]:
    """An int-or-tuple argument for ``spatial`` axes; for conv1d, (1, s) in conv2d's terms
    where the height needs one (stride, dilation)."""
    sizes = pair_arg(value, name, op, n=spatial, minimum=minimum)
    if spatial == 1 and name in ("stride", "dilation"):
        return (1, *sizes)
    return sizes


def _groups(groups: Any, op: str) -> int:
    return pair_arg(groups, "groups", op, n=1, minimum=1)[0]


def _string_padding(
    padding: str,
    strides: tuple[int, ...],
    dilations: tuple[int, ...],
    kernel: tuple[int, ...],
    op: str,
) -> tuple[int, ...]:
    """PyTorch's ``padding="valid"`` (none) and ``"same"`` (the output keeps the input's
    size: ``dilation·(k - 1)`` in all, the odd one at the end)."""
    if padding == "valid":
        return (0, 0) * len(kernel)
    if padding != "same":
        raise ValueError(
            f"{op}: padding must be an int, a tuple of ints, 'valid' or 'same', got {padding!r}"
        )
    if any(s != 1 for s in strides):
        raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
    pads: list[int] = []
    for d, k in zip(dilations[-len(kernel) :], kernel):
        total = d * (k - 1)
        pads += [total // 2, total - total // 2]
    return tuple(pads)

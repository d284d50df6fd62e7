"""Linear algebra: the matrix product ``a @ b``, and :func:`linear`, a layer's affine map.

For ``C = A B`` and ``G`` the gradient of ``C``, the chain rule gives ``dA = G Bᵀ`` and
``dB = Aᵀ G``: the shapes say it too, as each gradient has its operand's shape.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tensorgrad.broadcast import unbroadcast
from tensorgrad.record import Operand, like, operand_data, record
from tensorgrad.tensor import Value

__all__ = ["linear", "matmul"]


def matmul(a: Operand, b: Operand) -> Value:
    """The matrix product ``a @ b``, as ``np.matmul``: batch axes broadcast, 1-D operands allowed.

    Raises
    ------
    ValueError
        If an operand is 0-d, the inner dimensions differ, or the batch axes do not
        broadcast (naming both shapes).

    Examples
    --------
    >>> from tensorgrad import Value
    >>> from tensorgrad.ops.linalg import matmul
    >>> matmul(Value([[1.0, 2.0]]), Value([[3.0], [4.0]])).numpy()
    array([[11.]])
    """
    a_data, b_data = operand_data(a, "matmul"), operand_data(b, "matmul")
    if a_data is NotImplemented or b_data is NotImplemented:
        return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
    a_shape, b_shape = getattr(a_data, "shape", ()), getattr(b_data, "shape", ())
    if not a_shape or not b_shape:
        raise ValueError(f"matmul: {a_shape} @ {b_shape}: a 0-d operand has no matrix axes")
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if a_shape[-1] != inner_b:
        raise ValueError(
            f"matmul: {a_shape} @ {b_shape}: inner dimensions {a_shape[-1]} and {inner_b} differ"
        )
    if a_data.dtype is not b_data.dtype and a_data.dtype != b_data.dtype:
        raise _dtype_error("matmul", ("a", a_data), ("b", b_data))
    try:
        data = np.matmul(a_data, b_data)
    except ValueError:
        raise ValueError(
            f"matmul: {a_shape} @ {b_shape}: batch dimensions {a_shape[:-2]} and "
            f"{b_shape[:-2]} cannot be broadcast together"
        ) from None
    return record(data, "matmul", _matmul_backward, (a, b), (a_data, b_data))


def _matmul_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(A B) = dA B + A dB, so the gradient of A is G Bᵀ and that of B is Aᵀ G"""
    a, b = saved
    # numpy multiplies a 1-D left operand as a row (1, n) and a 1-D right operand as a
    # column (n, 1), then drops that axis from the result. Put the axes back, so that only
    # the matrix case remains: dA = G Bᵀ, dB = Aᵀ G, summed over broadcast batch axes.
    if b.ndim == 1:
        b = b.reshape(-1, 1)
        g = g.reshape(*g.shape, 1)
    if a.ndim == 1:
        a = a.reshape(1, -1)
        g = g.reshape(*g.shape[:-1], 1, g.shape[-1])
    if i == 0:
        grad = unbroadcast(g @ b.swapaxes(-1, -2), a)
    else:
        grad = unbroadcast(a.swapaxes(-1, -2) @ g, b)
    shape = saved[i].shape
    return grad if grad.shape == shape else grad.reshape(shape)


def linear(x: Operand, weight: Operand, bias: Operand | None = None) -> Value:
    """``x @ weight.T + bias``, the affine map of a fully connected layer, as one operation.

    As ``torch.nn.functional.linear``, with the weight stored as PyTorch stores it: row
    ``j`` of ``weight`` holds the weights of output ``j``. The result is the same as that
    of ``x @ weight.T + bias``, but it is one node in the graph instead of three, and its
    backward is the three formulas of a layer written out, for ``g`` the gradient of the
    result::

        grad of x      = g @ weight                    (..., in)
        grad of weight = gᵀ x, summed over the batch   (out, in)
        grad of bias   = g, summed over the batch      (out,)

    Parameters
    ----------
    x : Value or ndarray
        The input, of shape ``(..., in_features)``: one sample ``(in_features,)``, a batch
        ``(N, in_features)``, or batches of batches. A numpy array is data, a constant: it
        gets no gradient (and none is computed for it).
    weight : Value or ndarray
        Shape ``(out_features, in_features)``.
    bias : Value or ndarray, optional
        Shape ``(out_features,)``; without it, the map is ``x @ weight.T``.

    Returns
    -------
    Value
        Shape ``(..., out_features)``.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array.
    ValueError
        If ``weight`` is not 2-D, or the shapes do not fit together (naming them).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, linear
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> weight = Value([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])  # 3 inputs, 2 outputs
    >>> bias = Value([0.5, -0.5])
    >>> y = linear(x, weight, bias)
    >>> y.data
    array([[1.5, 4.5]])
    >>> y.sum().backward()
    >>> weight.grad  # each row: x
    array([[1., 2., 3.],
           [1., 2., 3.]])
    >>> bias.grad
    array([1., 1.])
    """
    x_data, w_data = operand_data(x, "linear"), operand_data(weight, "linear")
    b_data = None if bias is None else operand_data(bias, "linear")
    if x_data is NotImplemented or w_data is NotImplemented or b_data is NotImplemented:
        named = (("x", x, x_data), ("weight", weight, w_data), ("bias", bias, b_data))
        name, operand = next((n, v) for n, v, d in named if d is NotImplemented)
        raise TypeError(
            f"linear: {name} must be a Value or a numpy array, got {type(operand).__name__}"
        )
    x_shape, w_shape = np.shape(x_data), np.shape(w_data)
    if len(w_shape) != 2:
        raise ValueError(
            f"linear: weight must have shape (out_features, in_features), got shape {w_shape}"
        )
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} and weight of shape {w_shape}: the input's "
            f"last axis must have size in_features = {w_shape[1]}"
        )
    dtype = w_data.dtype
    if x_data.dtype is not dtype and x_data.dtype != dtype:
        raise _dtype_error("linear", ("input", x_data), ("weight", w_data))
    data = np.matmul(x_data, w_data.T)  # a view: BLAS reads the weight transposed, no copy
    if b_data is not None:
        if np.shape(b_data) != w_shape[:1]:
            raise ValueError(
                f"linear: bias of shape {np.shape(b_data)} and weight of shape {w_shape}: "
                f"the bias must have shape ({w_shape[0]},)"
            )
        if b_data.dtype is not dtype and b_data.dtype != dtype:
            raise _dtype_error("linear", ("bias", b_data), ("weight", w_data))
        data += b_data  # in place, into the product just made: no temporary
    saved = (x_data, w_data, like(b_data))  # of the bias, its gradient reads the shape only
    return record(data, "linear", _linear_backward, (x, weight, bias), saved)


def _linear_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(x Wᵀ + b) = dx Wᵀ + x dWᵀ + db, so x gets g W, W gets gᵀ x and b gets g, summed
    over the batch"""
    x, weight, bias = saved
    if i == 0:
        return unbroadcast(g @ weight, x)  # the shapes match: this only matches the dtype
    if i == 2:
        return unbroadcast(g, bias)  # the sum over the batch axes
    if g.ndim != 2:
        # One sample (1-D), or batches of batches: as rows of one batch, so that a single
        # product sums over them all. (The row count is spelled out: -1 is ambiguous when
        # an axis has size 0.)
        rows = math.prod(x.shape[:-1])
        g, x = g.reshape(rows, g.shape[-1]), x.reshape(rows, x.shape[-1])
    return unbroadcast(g.T @ x, weight)  # for the dtype


def _dtype_error(op: str, *operands: tuple[str, Any]) -> TypeError:
    # As PyTorch, which refuses to multiply matrices of two dtypes rather than promote:
    # a float32 model given float64 (or int) data would otherwise compute in float64.
    (a, a_data), (b, b_data) = operands
    if a_data.dtype.kind == "f" and b_data.dtype.kind != "f":
        hint = f"convert {b} with .astype(np.{a_data.dtype})"
    elif b_data.dtype.kind == "f" and a_data.dtype.kind != "f":
        hint = f"convert {a} with .astype(np.{b_data.dtype})"
    else:  # two float dtypes
        hint = f"convert one, e.g. {a}.astype(np.{b_data.dtype})"
    return TypeError(
        f"{op}: expected {a} and {b} to have the same dtype, got {a_data.dtype} and "
        f"{b_data.dtype} (shapes {a_data.shape} and {b_data.shape}); {hint}"
    )

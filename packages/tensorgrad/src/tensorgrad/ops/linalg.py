"""Linear algebra: the matrix product ``a @ b``, :func:`linear`, a layer's affine map, the
outer product of two vectors and :func:`einsum`.

For ``C = A B`` and ``G`` the gradient of ``C``, the chain rule gives ``dA = G Bᵀ`` and
``dB = Aᵀ G``: the shapes say it too, as each gradient has its operand's shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from tensorgrad.broadcast import broadcast_to, unbroadcast
from tensorgrad.record import Array, Operand, in_float, like, operand_data, record
from tensorgrad.tensor import Value

__all__ = ["einsum", "linear", "matmul", "outer"]


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
    data = _rows_times(x_data, w_data.T)  # a view: BLAS reads the weight transposed, no copy
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
        # (the shapes match: unbroadcast only matches the dtype)
        return unbroadcast(g @ weight if isinstance(g, Value) else _rows_times(g, weight), x)
    if i == 2:
        return unbroadcast(g, bias)  # the sum over the batch axes
    if g.ndim != 2:
        # One sample (1-D), or batches of batches: as rows of one batch, so that a single
        # product sums over them all. (The row count is spelled out: -1 is ambiguous when
        # an axis has size 0.)
        rows = math.prod(x.shape[:-1])
        g, x = g.reshape(rows, g.shape[-1]), x.reshape(rows, x.shape[-1])
    return unbroadcast(g.T @ x, weight)  # for the dtype


def _rows_times(a: Array, b: Array) -> Array:
    """``a @ b`` for ``a`` of shape ``(..., k)`` and a matrix ``b``, as one product of rows.

    numpy's ``matmul`` multiplies a stack ``(N, L, k)`` one ``(L, k)`` matrix at a time:
    ``N`` small products, which run about 1.5x slower than the one ``(N·L, k)`` product they
    make together (32x32 rows of 64 by 64x256, float32: 720 µs against 450).
    """
    if a.ndim <= 2:
        result: Array = np.matmul(a, b)
        return result
    rows = math.prod(a.shape[:-1])  # (-1 is ambiguous when an axis has size 0)
    product: Array = np.matmul(a.reshape(rows, a.shape[-1]), b)
    return product.reshape(*a.shape[:-1], b.shape[-1])


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


# -- products of vectors and of named axes --------------------------------------------------------


def outer(a: Operand, b: Operand) -> Value:
    """The outer product of two vectors, ``a[i] * b[j]``, as PyTorch's ``outer``.

    Raises
    ------
    TypeError
        If an operand is not a Value or a numpy array.
    ValueError
        If an operand is not 1-D.

    Examples
    --------
    >>> from tensorgrad import Value, outer
    >>> outer(Value([1.0, 2.0]), Value([1.0, 10.0, 100.0])).data
    array([[  1.,  10., 100.],
           [  2.,  20., 200.]])
    """
    datas = []
    for name, operand in (("a", a), ("b", b)):
        data = _array_of(operand, name, "outer")
        if data.ndim != 1:
            raise ValueError(f"outer: {name} must be 1-D, got shape {data.shape}")
        datas.append(data)
    a_data, b_data = in_float(datas[0], datas[1]), in_float(datas[1], datas[0])
    data = np.multiply.outer(a_data, b_data)
    if data.dtype.kind != "f":
        raise TypeError(
            f"outer: one operand at least must hold floats, got {a_data.dtype} and {b_data.dtype}"
        )
    return record(data, "outer", _outer_backward, (a, b), (a_data, b_data))


def _outer_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(a bᵀ) = da bᵀ + a dbᵀ, so the gradient of a is G b and that of b is Gᵀ a"""
    a, b = saved
    return unbroadcast(g @ b, a) if i == 0 else unbroadcast(a @ g, b)  # (for the dtypes)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _EinsumSpec(NamedTuple):
    """An einsum equation, read against its operands' shapes: one letter per axis, explicit.

    Attributes
    ----------
    inputs : tuple of str
        Each operand's letters, one per axis: an ellipsis spelled out as letters of its own,
        and a broadcast axis of size 1 (where another operand has that letter larger) given a
        letter of its own, summed away as an axis of size 1.
    output : str
        The result's letters.
    sizes : dict
        Each letter's size.

    Examples
    --------
    >>> from tensorgrad.ops.linalg import _read_einsum
    >>> _read_einsum("ij,jk", [(2, 3), (3, 4)]).output  # implicit: the letters used once
    'ik'
    >>> spec = _read_einsum("...i,i->...", [(5, 2, 3), (3,)])  # the ellipsis: Y and Z
    >>> spec.inputs, spec.output, spec.equation
    (('YZi', 'i'), 'YZ', 'YZi,i->YZ')
    """

    inputs: tuple[str, ...]
    output: str
    sizes: dict[str, int]

    @property
    def equation(self) -> str:
        """The equation as numpy spells it: ``"ij,jk->ik"``."""
        return ",".join(self.inputs) + "->" + self.output


def _read_einsum(equation: str, shapes: Sequence[tuple[int, ...]]) -> _EinsumSpec:
    """Read an einsum ``equation`` against the operands' ``shapes``: see :class:`_EinsumSpec`.

    Raises
    ------
    ValueError
        If the equation does not fit the operands: naming the operand, its shape, the letter
        and the sizes that disagree.

    Examples
    --------
    >>> from tensorgrad.ops.linalg import _read_einsum
    >>> _read_einsum("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]).sizes
    {'b': 2, 'i': 3, 'j': 4, 'k': 5}
    """
    text = equation.replace(" ", "")
    left, arrow, right = text.partition("->")
    terms = left.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: the equation {equation!r} has {len(terms)} operand(s), but "
            f"{len(shapes)} were given"
        )
    for term in (*terms, right):
        bad = set(term.replace("...", "")) - set(_LETTERS)
        if bad or term.count("...") > 1:
            raise ValueError(
                f"einsum: {equation!r}: subscripts are letters a-z and A-Z, with one ellipsis "
                f"(...) at most per operand; got {term!r}"
            )
    fresh = iter(c for c in _LETTERS[::-1] if c not in text)
    ellipsis = ""  # the letters of the axes that the ellipses stand for
    spelled = []
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term.replace("...", ""))
        if len(shape) < named or ("..." not in term and len(shape) != named):
            raise ValueError(
                f"einsum: operand {k} has shape {shape}, but {term!r} names {named} axes"
            )
        if "..." in term:
            covered = len(shape) - named
            while len(ellipsis) < covered:
                ellipsis = _fresh(fresh, equation) + ellipsis
            term = term.replace("...", ellipsis[len(ellipsis) - covered :])
        spelled.append(term)
    if not arrow:  # numpy's and PyTorch's implicit output: the ellipsis, then once-used letters
        once = sorted(c for c in set("".join(terms)) if c.isalpha() and left.count(c) == 1)
        right = "..." + "".join(once)
    output = right.replace("...", ellipsis)
    sizes: dict[str, int] = {}
    for k, (term, shape) in enumerate(zip(spelled, shapes)):
        for c, n in zip(term, shape):
            before = sizes.get(c)
            if before is None or before == 1:
                sizes[c] = n
                continue
            if n in (1, before):  # a size 1 broadcasts, as in PyTorch
                continue
            raise ValueError(
                f"einsum: {equation!r}: subscript {c!r} has size {n} in operand {k} (shape "
                f"{shape}), which does not broadcast with size {sizes[c]} before"
            )
    inputs = []
    for k, (term, shape) in enumerate(zip(spelled, shapes)):
        letters = list(term)
        for position, (c, n) in enumerate(zip(term, shape)):
            if n == 1 and sizes[c] != 1:  # broadcast: an axis of size 1 of its own
                if term.count(c) > 1:
                    raise ValueError(
                        f"einsum: {equation!r}: the repeated subscript {c!r} of operand {k} "
                        f"(shape {shape}) has size 1 where it has size {sizes[c]} elsewhere: "
                        f"a diagonal does not broadcast"
                    )
                letters[position] = _fresh(fresh, equation)
                sizes[letters[position]] = 1
        inputs.append("".join(letters))
    if len(set(output)) != len(output) or set(output) - sizes.keys():
        raise ValueError(
            f"einsum: {equation!r}: each output subscript must appear once in the output and "
            f"in some operand, got {right!r}"
        )
    return _EinsumSpec(tuple(inputs), output, sizes)


def _fresh(fresh: Iterator[str], equation: str) -> str:
    try:
        return next(fresh)
    except StopIteration:
        raise ValueError(
            f"einsum: {equation!r} needs more than the 52 letters a-z, A-Z for its axes"
        ) from None


def einsum(equation: str, *operands: Operand | Sequence[Operand]) -> Value:
    """Einstein summation, as PyTorch's ``einsum`` (numpy's ``np.einsum``): the operands'
    axes named by letters, products over letters shared, sums over letters not in the output.

    ``einsum("ij,jk->ik", a, b)`` is ``a @ b``, ``einsum("ii->", a)`` the trace,
    ``einsum("bij,bj->bi", a, v)`` a batch of matrix-vector products.

    What is supported, forward and backward, at every order (each operand's gradient is
    another einsum, of the result's gradient with the other operands):

    * any number of operands (given one by one, or as one list, as PyTorch takes them);
    * letters a-z and A-Z; spaces are ignored;
    * an output given after ``->``, or left implicit (numpy's and PyTorch's rule: the
      letters used once, in alphabetical order, after the ellipsis's axes);
    * a letter in one operand only and not in the output (summed away: its gradient is
      broadcast back along it);
    * a letter repeated in one operand (a diagonal, ``"ii->i"``; its gradient lands on the
      diagonal, zeros elsewhere);
    * ``...`` for batch axes (at most one per operand), and axes of size 1 broadcast against
      the same letter's size elsewhere, as in PyTorch.

    Not supported: numpy's sublist form (``einsum(a, [0, 1], b, [1, 2])``) and its ``out=``.
    The order of the contractions is chosen by ``np.einsum(optimize=True)`` for three
    operands or more, and for two whose product is large enough to gain from BLAS.

    Raises
    ------
    TypeError
        If ``equation`` is not a str, an operand is not a Value or a numpy array, or the
        operands' dtypes differ (PyTorch refuses that too: convert one).
    ValueError
        If the equation does not fit the operands (their number, their axes, sizes that
        disagree for a letter), naming the operand and its shape.

    Examples
    --------
    >>> from tensorgrad import Value, einsum
    >>> a = Value([[1.0, 2.0], [3.0, 4.0]])
    >>> einsum("ij,jk->ik", a, a).data
    array([[ 7., 10.],
           [15., 22.]])
    >>> t = einsum("ii", a)  # the trace
    >>> t.backward()
    >>> t.item(), a.grad.tolist()
    (5.0, [[1.0, 0.0], [0.0, 1.0]])
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a str, got {type(equation).__name__}")
    given: tuple[Any, ...] = operands
    if len(given) == 1 and isinstance(given[0], (list, tuple)):
        given = tuple(given[0])  # einsum(equation, [a, b]), as PyTorch takes it too
    if not given:
        raise ValueError(f"einsum: {equation!r} was given no operands")
    datas: list[Array] = []
    for k, operand in enumerate(given):
        data = _array_of(operand, f"operand {k}", "einsum")
        if datas and data.dtype != datas[0].dtype:
            raise _dtype_error("einsum", ("operand 0", datas[0]), (f"operand {k}", data))
        datas.append(data)
    if datas[0].dtype.kind != "f":
        raise TypeError(f"einsum: the operands must hold floats, got dtype {datas[0].dtype}")
    spec = _read_einsum(equation, [d.shape for d in datas])
    data = _contract(spec.equation, datas)
    return record(data, "einsum", _einsum_backward, given, (*datas, spec))


def _einsum_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d einsum(..., xᵢ, ...) = einsum(..., dxᵢ, ...), so the gradient of xᵢ is the einsum of
    g with the other operands, into xᵢ's letters

    A letter that only xᵢ has (summed away) is not in that einsum: its gradient is broadcast
    along it. A letter xᵢ repeats (a diagonal) gets new letters tied to it by identity
    matrices, so the gradient lands on the diagonal.
    """
    spec: _EinsumSpec = saved[-1]
    term = spec.inputs[i]
    others = [(t, saved[k]) for k, t in enumerate(spec.inputs) if k != i]
    letters = iter(c for c in _LETTERS if c not in spec.sizes)
    target, ties = "", []
    for c in term:
        if c in target:  # a repeat: a new letter, tied to c by an identity matrix
            new = next(letters)
            ties.append(c + new)
            c = new
        target += c
    known = set(spec.output).union(*(t for t, _ in others), *ties)
    reduced = "".join(c for c in target if c in known)
    terms = [spec.output, *(t for t, _ in others), *ties]
    eyes = [np.eye(spec.sizes[tie[0]], dtype=g.dtype) for tie in ties]
    equation = ",".join(terms) + "->" + reduced
    grad: Any
    if isinstance(g, Value):
        grad = einsum(equation, g, *(d for _, d in others), *eyes)
    else:
        grad = _contract(equation, [g, *(d for _, d in others), *eyes])
    shape = saved[i].shape
    if reduced != target:
        grad = grad.reshape(tuple(n if c in known else 1 for c, n in zip(target, shape)))
        grad = broadcast_to(grad, shape)
    return grad


def _array_of(operand: Operand, name: str, op: str) -> Array:
    """The array of a Value or a numpy array (a 0-d one too, which operand_data would make a
    number of); a TypeError naming ``name`` for anything else."""
    data = operand_data(operand, op)  # (which refuses complex, str and object arrays)
    if isinstance(operand, np.ndarray):
        data = operand
    if data is NotImplemented or not isinstance(data, np.ndarray):
        raise TypeError(
            f"{op}: {name} must be a Value or a numpy array, got {type(operand).__name__}"
        )
    return data


def _contract(equation: str, datas: Sequence[Array]) -> Array:
    # optimize=True costs a path search (tens of microseconds): worth it with three operands
    # or more, and with two large ones, which it hands to BLAS (tensordot).
    large = len(datas) > 2 or (len(datas) == 2 and min(d.size for d in datas) > 1000)
    result: Array = np.asarray(np.einsum(equation, *datas, optimize=large))
    return result

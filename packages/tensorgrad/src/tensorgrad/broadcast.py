"""Broadcasting, undone: the one place where a gradient is summed back to an operand's shape.

When numpy broadcasts ``a + b`` with ``a.shape == (3, 1)`` and ``b.shape == (4,)``, each
element of ``a`` is used four times and each element of ``b`` three times, in a result of
shape ``(3, 4)``. By the chain rule, an element used several times receives the sum of
the gradients of all its uses. So the gradient of an operand is the result's gradient
summed over

* the leading axes the operand did not have (``b`` had no axis 0), and
* the axes where the operand had size 1 and the result did not (``a``'s axis 1).

Every operation with several operands (``+ - * / **``, ``@``, ``where``, ``maximum``,
``concatenate``...) passes each operand's gradient through :func:`unbroadcast`, which also
casts it to the operand's dtype (``float32 * float64`` gives a float64 result, but the
float32 operand's gradient must be float32). :func:`broadcast_to` goes the other way, for
the backward of reductions such as ``sum``.

Both functions take either a numpy array or a :class:`~tensorgrad.Value` and use only
what both provide (``.shape``, ``.dtype``, ``.sum``, ``.reshape``, ``.astype``), so the
same code computes plain gradients and, under ``create_graph=True``, differentiable ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["broadcast_to", "unbroadcast"]


def unbroadcast(grad: Any, operand: Any) -> Any:
    """Sum ``grad`` over the axes that broadcasting added to ``operand``; match its dtype.

    Parameters
    ----------
    grad : ndarray or Value
        The gradient of a result that ``operand`` was broadcast into.
    operand : ndarray or Value
        The operand whose gradient is wanted; only its ``shape`` and ``dtype`` are read.

    Returns
    -------
    ndarray or Value
        The gradient with ``operand``'s shape and dtype; ``grad`` itself when it already
        has both, so that the common case costs nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.broadcast import unbroadcast
    >>> g = np.ones((2, 3, 4))
    >>> unbroadcast(g, np.zeros((3, 1))).tolist()
    [[8.0], [8.0], [8.0]]
    >>> unbroadcast(g, np.zeros((2, 3, 4))) is g
    True
    """
    shape = operand.shape
    if grad.shape != shape:
        lead = grad.ndim - len(shape)
        if grad.shape[lead:] == shape:  # only leading axes were added, as for a bias
            grad = grad.sum(axis=0 if lead == 1 else tuple(range(lead)))
        else:
            axes = (
                *range(lead),
                *(lead + k for k, n in enumerate(shape) if n == 1 and grad.shape[lead + k] != 1),
            )
            grad = grad.sum(axis=axes).reshape(shape)  # the summed size-1 axes come back
    if grad.dtype != operand.dtype:
        grad = grad.astype(operand.dtype)
    return grad


def broadcast_to(grad: Any, shape: tuple[int, ...]) -> Any:
    """Repeat ``grad`` along the axes it lacks, up to ``shape``: an array, or a Value operation.

    For an array the result is a new array. ``np.broadcast_to`` would give a view without
    copying, but builds it in Python at a cost of several microseconds, more than filling
    the small arrays that gradients of reductions usually are (a loss over a batch); and
    every later formula reads the gradient in full anyway.

    Parameters
    ----------
    grad : ndarray or Value
        An array whose shape broadcasts to ``shape``.
    shape : tuple of int
        The shape wanted.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.broadcast import broadcast_to
    >>> broadcast_to(np.array([1.0, 2.0]), (2, 2)).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    if isinstance(grad, (np.ndarray, np.generic)):
        return np.full(shape, grad, dtype=grad.dtype)
    return grad.broadcast_to(shape)

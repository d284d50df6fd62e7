"""Parameters: the Values a :class:`~nn.Module` learns.

A :class:`Parameter` is a tensorgrad :class:`~tensorgrad.Value` with one extra meaning:
when a module holds it, :meth:`Module.parameters <nn.Module.parameters>` finds it, so an
optimizer updates it and ``state_dict`` saves it. Other Values a module happens to hold
(a constant mask, a cached result) are not parameters.
"""

from __future__ import annotations

from tensorgrad import Value

__all__ = ["Parameter"]


class Parameter(Value):
    """A Value that a module registers as one of its learnable parameters.

    It is a :class:`tensorgrad.Value` in every respect (same constructor, same operations);
    only its type marks it as a parameter. The data is copied.

    Parameters
    ----------
    data : array_like
        The initial values.
    dtype : numpy floating dtype, optional
        Convert the data to this dtype, such as ``np.float32``.
    requires_grad : bool, default True
        Whether backward computes a gradient for it (a frozen parameter has False).

    Examples
    --------
    >>> import numpy as np
    >>> from nn import Parameter
    >>> w = Parameter(np.ones((2, 3)))
    >>> w.shape, w.requires_grad
    ((2, 3), True)
    >>> (w * 2).sum().backward()
    >>> w.grad
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

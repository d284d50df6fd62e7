"""Parameters: the Values a :class:`~nn.Module` learns.

A :class:`Parameter` is a tensorgrad :class:`~tensorgrad.Value` with one extra meaning:
when a module holds it, :meth:`Module.parameters <nn.Module.parameters>` finds it, so an
optimizer updates it and ``state_dict`` saves it. Other Values a module happens to hold
(a constant mask, a cached result) are not parameters.

Internal (public so that other nn modules can import it, but not part of the API):
``parameter_list``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nn.checks import describe
from tensorgrad import Value

__all__ = ["Parameter"]  # the user-facing API; parameter_list is internal


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


def parameter_list(owner: str, parameters: object) -> list[Value]:
    """``parameters`` as a list of Values: one Value, or an iterable of them.

    Internal (public so that :mod:`nn.utils`'s functions share it): how the functions that
    take ``model.parameters()`` read it, PyTorch's way, where a single tensor is accepted
    too. A generator is read once, here.

    Parameters
    ----------
    owner : str
        Who asks, for the messages.
    parameters : Value or iterable of Value
        What was given.

    Returns
    -------
    list of Value

    Raises
    ------
    TypeError
        If ``parameters`` is neither, naming the first item that is not a Value.

    Examples
    --------
    >>> import nn
    >>> from nn.parameter import parameter_list
    >>> len(parameter_list("clip_grad_norm_", nn.Linear(2, 1).parameters()))
    2
    >>> parameter_list("clip_grad_norm_", 5)
    Traceback (most recent call last):
    ...
    TypeError: clip_grad_norm_: parameters must be a Value or an iterable of Values ..., got int 5
    """
    if isinstance(parameters, Value):
        return [parameters]
    if not isinstance(parameters, Iterable) or isinstance(parameters, (str, bytes, np.ndarray)):
        raise TypeError(
            f"{owner}: parameters must be a Value or an iterable of Values (such as "
            f"model.parameters()), got {describe(parameters)}"
        )
    values = list(parameters)
    for index, value in enumerate(values):
        if not isinstance(value, Value):
            raise TypeError(
                f"{owner}: parameters must be Values, but item {index} is {describe(value)}"
            )
    return values

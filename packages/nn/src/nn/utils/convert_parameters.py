"""Parameters as one flat vector and back, as ``torch.nn.utils``.

For the methods that see a model's parameters as a single vector of numbers (a line
search, an evolution strategy, a second-order method): :func:`~nn.utils.parameters_to_vector`
lines them up, :func:`~nn.utils.vector_to_parameters` puts a vector back into them. The order
is the order of the parameters given, each flattened in row-major (C) order, as PyTorch's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import describe
from nn.parameter import parameter_list
from tensorgrad import Value, concatenate

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Value | Iterable[Value]) -> Value:
    """All the parameters, flattened and joined into one 1-D Value.

    As in PyTorch, the vector is computed from the parameters: it is part of the graph, so
    a function of it has gradients with respect to them.

    Parameters
    ----------
    parameters : Value or iterable of Value
        Such as ``model.parameters()``.

    Returns
    -------
    Value
        Of shape ``(n,)``, ``n`` the total number of entries; its dtype is the parameters'
        (float64 if they mix float32 and float64).

    Raises
    ------
    TypeError
        If ``parameters`` is not a Value or an iterable of Values.
    ValueError
        If there are no parameters (PyTorch: "expected a non-empty list of Tensors").

    Examples
    --------
    >>> import nn
    >>> layer = nn.Linear(3, 2)
    >>> nn.utils.parameters_to_vector(layer.parameters()).shape
    (8,)
    """
    values = parameter_list("parameters_to_vector", parameters)
    if not values:
        raise ValueError("parameters_to_vector: no parameters were given, to make a vector of")
    return concatenate([value.reshape(-1) for value in values])


def vector_to_parameters(
    vec: Value | npt.NDArray[Any], parameters: Value | Iterable[Value]
) -> None:
    """Copy the entries of a 1-D ``vec`` into the parameters, in order: the inverse of
    :func:`~nn.utils.parameters_to_vector`.

    Each parameter gets the next ``p.size`` entries, reshaped to its shape and converted to
    its dtype (a float32 parameter stays float32). The parameters are the same objects
    afterwards (an optimizer keeps working), with new arrays: unlike PyTorch's, they do not
    share memory with ``vec``. No graph is recorded.

    Parameters
    ----------
    vec : Value or ndarray
        1-D, with exactly as many entries as the parameters together.
    parameters : Value or iterable of Value
        Such as ``model.parameters()``.

    Raises
    ------
    TypeError
        If ``vec`` is not a Value or an array of real numbers, or ``parameters`` is not a
        Value or an iterable of Values.
    ValueError
        If ``vec`` is not 1-D, or its size is not the parameters' total (PyTorch ignores
        extra entries without a word).

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> layer = nn.Linear(2, 1)
    >>> nn.utils.vector_to_parameters(np.array([1.0, 2.0, 3.0]), layer.parameters())
    >>> layer.weight.data, layer.bias.data
    (array([[1., 2.]]), array([3.]))
    """
    where = "vector_to_parameters"
    if isinstance(vec, Value):
        data = vec.data
    elif isinstance(vec, np.ndarray) and vec.dtype.kind in "biuf":
        data = vec
    else:
        raise TypeError(
            f"{where}: vec must be a Value or a numpy array of real numbers, got {describe(vec)}"
        )
    values = parameter_list(where, parameters)
    if data.ndim != 1:
        raise ValueError(f"{where}: vec must be 1-D, got shape {data.shape}")
    total = sum(value.size for value in values)
    if data.size != total:
        raise ValueError(f"{where}: vec has {data.size} entries, the parameters {total} together")
    start = 0
    for value in values:
        stop = start + value.size
        value.data = data[start:stop].reshape(value.shape).astype(value.dtype)  # a copy
        start = stop

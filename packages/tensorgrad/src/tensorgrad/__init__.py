"""tensorgrad: reverse-mode automatic differentiation on numpy arrays.

A :class:`Value` (also called :data:`Tensor`) wraps a numpy array and remembers the
operations that produced it; ``backward()`` then fills ``.grad`` of every Value of the
graph that is still held, undoing numpy's broadcasting on the way. Numbers and numpy
arrays mixed into an expression are constants and get no gradient.

Examples
--------
>>> import numpy as np
>>> from tensorgrad import Value
>>> x = Value(np.array([[1.0, 2.0, 3.0]]))
>>> W = Value(np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]))
>>> b = Value(np.array([[0.5, -0.5]]))
>>> z = (x @ W + b).relu()
>>> z.sum().backward()
>>> z.data
array([[1.9, 2.7]])
>>> x.grad
array([[0.5, 0.7, 0.9]])
"""

# isort: off
from tensorgrad.tensor import Tensor, Value  # first: every other module imports Value
# isort: on

from tensorgrad.autograd import grad
from tensorgrad.factories import (
    arange,
    empty,
    eye,
    full,
    full_like,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    zeros,
    zeros_like,
)
from tensorgrad.function import Context, Function, once_differentiable
from tensorgrad.grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from tensorgrad.gradcheck import GradcheckError, gradcheck
from tensorgrad.ops.arithmetic import maximum, minimum
from tensorgrad.ops.linalg import linear
from tensorgrad.ops.select import where
from tensorgrad.ops.shape import concatenate, stack
from tensorgrad.ops.softmax import log_softmax, logsumexp, softmax
from tensorgrad.viz import to_dot

__all__ = [
    "Context",
    "Function",
    "GradcheckError",
    "Tensor",
    "Value",
    "arange",
    "cat",
    "concatenate",
    "detect_anomaly",
    "empty",
    "enable_grad",
    "eye",
    "full",
    "full_like",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "linear",
    "linspace",
    "log_softmax",
    "logsumexp",
    "manual_seed",
    "maximum",
    "minimum",
    "no_grad",
    "once_differentiable",
    "ones",
    "ones_like",
    "rand",
    "randint",
    "randn",
    "softmax",
    "stack",
    "to_dot",
    "where",
    "zeros",
    "zeros_like",
]
cat = concatenate
"""PyTorch's name for :func:`concatenate` (``torch.cat``)."""

__version__ = "0.1.0"

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
from tensorgrad.ops.activation import (
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    logsigmoid,
    mish,
    relu6,
    selu,
    silu,
    softplus,
    softsign,
)
from tensorgrad.ops.arithmetic import (
    floor_divide,
    fmod,
    lerp,
    maximum,
    minimum,
    remainder,
)
from tensorgrad.ops.attention import attention_weights, scaled_dot_product_attention
from tensorgrad.ops.convolution import (
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    fold,
    unfold,
)
from tensorgrad.ops.embedding import embedding
from tensorgrad.ops.index import (
    gather,
    index_select,
    masked_fill,
    scatter,
    scatter_add,
    take_along_axis,
)
from tensorgrad.ops.linalg import einsum, linear, outer
from tensorgrad.ops.normalization import batch_norm, group_norm, layer_norm
from tensorgrad.ops.pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from tensorgrad.ops.reduce import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    cumprod,
    cumsum,
    norm,
    prod,
    std,
    var,
)
from tensorgrad.ops.select import tril, triu, where
from tensorgrad.ops.shape import (
    chunk,
    concatenate,
    flip,
    repeat_interleave,
    roll,
    split,
    stack,
    tile,
    unbind,
)
from tensorgrad.ops.softmax import log_softmax, logsumexp, softmax
from tensorgrad.ops.unary import (
    abs,
    ceil,
    clamp,
    clip,
    cos,
    erf,
    exp,
    exp2,
    expm1,
    floor,
    log,
    log1p,
    log2,
    reciprocal,
    relu,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    tan,
    tanh,
    trunc,
)
from tensorgrad.viz import to_dot

__all__ = [
    "Context",
    "Function",
    "GradcheckError",
    "Tensor",
    "Value",
    "abs",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "all",
    "amax",
    "amin",
    "any",
    "arange",
    "argmax",
    "argmin",
    "attention_weights",
    "avg_pool1d",
    "avg_pool2d",
    "batch_norm",
    "cat",
    "ceil",
    "chunk",
    "clamp",
    "clip",
    "concatenate",
    "conv1d",
    "conv2d",
    "conv_transpose1d",
    "conv_transpose2d",
    "cos",
    "cumprod",
    "cumsum",
    "detect_anomaly",
    "einsum",
    "elu",
    "embedding",
    "empty",
    "enable_grad",
    "erf",
    "exp",
    "exp2",
    "expm1",
    "eye",
    "flip",
    "floor",
    "floor_divide",
    "fmod",
    "fold",
    "full",
    "full_like",
    "gather",
    "gelu",
    "grad",
    "gradcheck",
    "group_norm",
    "hardtanh",
    "index_select",
    "is_grad_enabled",
    "layer_norm",
    "leaky_relu",
    "lerp",
    "linear",
    "linspace",
    "log",
    "log1p",
    "log2",
    "log_softmax",
    "logsigmoid",
    "logsumexp",
    "manual_seed",
    "masked_fill",
    "max_pool1d",
    "max_pool2d",
    "maximum",
    "minimum",
    "mish",
    "no_grad",
    "norm",
    "once_differentiable",
    "ones",
    "ones_like",
    "outer",
    "prod",
    "rand",
    "randint",
    "randn",
    "reciprocal",
    "relu",
    "relu6",
    "remainder",
    "repeat_interleave",
    "roll",
    "round",
    "rsqrt",
    "scaled_dot_product_attention",
    "scatter",
    "scatter_add",
    "selu",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "softmax",
    "softplus",
    "softsign",
    "split",
    "sqrt",
    "square",
    "stack",
    "std",
    "take_along_axis",
    "tan",
    "tanh",
    "tile",
    "to_dot",
    "tril",
    "triu",
    "trunc",
    "unbind",
    "unfold",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
cat = concatenate
"""PyTorch's name for :func:`concatenate` (``torch.cat``)."""

__version__ = "0.2.0"

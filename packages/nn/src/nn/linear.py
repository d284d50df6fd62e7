"""The affine layer ``y = x Wᵀ + b``, and the layer that does nothing."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn import init
from nn.checks import check_bool, check_dtype, check_int
from nn.functional import check_input
from nn.module import Module
from nn.parameter import Parameter
from nn.random import resolve_generator
from tensorgrad import Value

__all__ = ["Identity", "Linear"]


class Linear(Module):
    """Apply ``y = x Wᵀ + b`` to the last axis of ``x``, as ``torch.nn.Linear``.

    The forward pass is :func:`tensorgrad.linear`: one node in the graph per layer.

    ``W`` has shape ``(out_features, in_features)``: row ``j`` holds the weights of output
    unit ``j``. Both ``W`` and ``b`` start uniform on ``[-1/√in, 1/√in]``, PyTorch's default
    (``kaiming_uniform_(W, a=√5)`` for the weight), which keeps the variance of the
    outputs near a third of the inputs'.

    Parameters
    ----------
    in_features, out_features : int
        The sizes of each input and each output sample.
    bias : bool, default True
        Whether to learn ``b``; without it, ``bias`` is None.
    dtype : dtype, optional
        The dtype of the parameters, a numpy floating-point type: float64 by default, as
        tensorgrad's; ``np.float32`` is faster. Inputs should have the same dtype.
    generator : numpy.random.Generator, optional
        Where to draw the initial values; by default nn's global generator
        (see :func:`nn.manual_seed`).

    Raises
    ------
    TypeError
        If ``in_features`` or ``out_features`` is not an int (a bool is not one), ``bias``
        is not a bool, ``dtype`` is not float32 or float64, or ``generator`` is not a
        numpy Generator; the message names the argument, its type and its value.
    ValueError
        If ``in_features`` or ``out_features`` is negative.

    Attributes
    ----------
    weight : Parameter
        Shape ``(out_features, in_features)``.
    bias : Parameter or None
        Shape ``(out_features,)``.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import Linear
    >>> layer = Linear(3, 2)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.in_features = check_int("Linear", "in_features", in_features, minimum=0)
        self.out_features = check_int("Linear", "out_features", out_features, minimum=0)
        # bias="no" is truthy: without the check it would silently add a bias.
        check_bool("Linear", "bias", bias)
        dtype = check_dtype("Linear", dtype)
        generator = resolve_generator(generator, "Linear")  # before init names its own caller
        # Made in their dtype: np.empty's leftover bytes, cast from float64 to float32, could
        # overflow (with a warning) before init overwrites them.
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype=dtype)) if bias else None
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """``x @ W.T + b`` for ``x`` of shape ``(..., in_features)``."""
        x = check_input(x, "Linear")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            # tensorgrad.linear's message would be about shapes; this one names the layer.
            raise ValueError(
                f"Linear(in_features={self.in_features}): the input's last axis must have "
                f"size {self.in_features}, got an input of shape {x.shape}"
            )
        return tensorgrad.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Return the input unchanged: a placeholder where a layer is optional.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import Identity
    >>> x = np.ones(3)
    >>> Identity()(x) is x
    True
    """

    def forward(self, x: Any) -> Any:
        """``x`` itself."""
        return x

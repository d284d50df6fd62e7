"""Normalization layers: :class:`LayerNorm`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn.checks import check_bool, check_dtype, check_int, check_number
from nn.functional import check_input
from nn.module import Module
from nn.parameter import Parameter
from tensorgrad import Value

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Normalize each sample over its last axes, then scale and shift, as ``torch.nn.LayerNorm``.

    The forward pass is :func:`tensorgrad.layer_norm`: one node in the graph per layer. Each
    group of the input's last ``len(normalized_shape)`` axes becomes
    ``(x - mean) / sqrt(var + eps) * weight + bias``, with the biased variance.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The shape of the trailing axes to normalize over; an int ``n`` means ``(n,)``.
    eps : float, default 1e-5
        Added to the variance, so that a constant group does not divide by 0.
    elementwise_affine : bool, default True
        Whether to learn ``weight`` and ``bias``; without, both are None.
    bias : bool, default True
        Whether to learn ``bias`` (when ``elementwise_affine``).
    dtype : dtype, optional
        The dtype of the parameters, float32 or float64 (the default, as tensorgrad's).
        Inputs should have the same dtype.

    Raises
    ------
    TypeError
        If ``normalized_shape`` holds no ints, ``eps`` is not a real number,
        ``elementwise_affine`` or ``bias`` is not a bool, or ``dtype`` is not float32 or
        float64; the message names the argument, its type and its value.
    ValueError
        If a size in ``normalized_shape`` is negative or ``eps`` is not positive; at a call,
        if the input's last axes do not have the shape ``normalized_shape``.

    Attributes
    ----------
    weight : Parameter or None
        Shape ``normalized_shape``, starting at ones.
    bias : Parameter or None
        Shape ``normalized_shape``, starting at zeros.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import LayerNorm
    >>> layer = LayerNorm(4)
    >>> layer
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    >>> y = layer(np.array([[1.0, 2.0, 3.0, 4.0]]))
    >>> y.data.mean().round(6), y.data.std().round(4)
    (np.float64(0.0), np.float64(1.0))
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        super().__init__()
        owner = "LayerNorm"
        sizes: tuple[Any, ...] = (
            tuple(normalized_shape)
            if isinstance(normalized_shape, (tuple, list))
            else (normalized_shape,)
        )
        self.normalized_shape = tuple(
            check_int(owner, "normalized_shape", n, minimum=0) for n in sizes
        )
        self.eps = check_number(owner, "eps", eps)
        if not self.eps > 0:
            raise ValueError(f"{owner}: eps must be positive, got {eps!r}")
        check_bool(owner, "elementwise_affine", elementwise_affine)
        check_bool(owner, "bias", bias)
        self.elementwise_affine = bool(elementwise_affine)
        dtype = check_dtype(owner, dtype)
        shape = self.normalized_shape
        self.weight = Parameter(np.ones(shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(shape, dtype)) if elementwise_affine and bias else None

    def forward(self, x: Value | npt.NDArray[Any]) -> Value:
        """The input normalized over its last axes, of the same shape."""
        x = check_input(x, "LayerNorm")
        shape, k = np.shape(x), len(self.normalized_shape)
        if k > len(shape) or shape[len(shape) - k :] != self.normalized_shape:
            # tensorgrad.layer_norm's message would not name the layer.
            raise ValueError(
                f"LayerNorm({self.normalized_shape}): the input's last axes must have shape "
                f"{self.normalized_shape}, got an input of shape {shape}"
            )
        return tensorgrad.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )

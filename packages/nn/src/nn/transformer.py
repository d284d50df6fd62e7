"""The transformer's encoder, as PyTorch's: :class:`TransformerEncoderLayer` (self-attention
and a feed-forward network, each wrapped in a residual connection and a layer norm) and
:class:`TransformerEncoder` (layers in turn), with :func:`generate_square_subsequent_mask`.

One layer, for ``x`` of shape ``(N, L, d_model)`` (or ``(L, N, d_model)``)::

    post-norm (default, the 2017 paper's):    pre-norm (``norm_first=True``):
    x = norm1(x + attention(x))               x = x + attention(norm1(x))
    x = norm2(x + feed_forward(x))            x = x + feed_forward(norm2(x))

    attention(x)    = dropout1(self_attn(x, x, x))      (MultiheadAttention, no weights)
    feed_forward(x) = dropout2(linear2(dropout(activation(linear1(x)))))

The residual path ``x + ...`` lets the gradient reach the first layers unchanged, whatever
the blocks do; pre-norm keeps that path free of normalizations too, which makes deep stacks
train without a learning-rate warm-up, while post-norm needs one. Every piece is a layer of
its own (:class:`~nn.MultiheadAttention`, :class:`~nn.Linear`, :class:`~nn.LayerNorm`,
:class:`~nn.Dropout`), under PyTorch's names, so a state dict of PyTorch's loads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn.attention import MultiheadAttention
from nn.checks import check_bool, check_dtype, check_int, describe
from nn.container import ModuleList
from nn.dropout import Dropout
from nn.functional import check_input
from nn.linear import Linear
from nn.module import Module
from nn.normalization import LayerNorm
from tensorgrad import Value

__all__ = ["TransformerEncoder", "TransformerEncoderLayer", "generate_square_subsequent_mask"]

Input = Value | npt.NDArray[Any]
_ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": tensorgrad.relu,
    "gelu": tensorgrad.gelu,
}


def generate_square_subsequent_mask(
    sz: int, dtype: npt.DTypeLike | None = None
) -> npt.NDArray[Any]:
    """The causal mask of a sequence of ``sz``: 0 where query ``i`` may see key ``j ≤ i``,
    ``-inf`` above the diagonal, as ``torch.nn.Transformer.generate_square_subsequent_mask``.

    Parameters
    ----------
    sz : int
        The sequence's length.
    dtype : dtype, optional
        float64 by default, or float32.

    Returns
    -------
    ndarray
        ``(sz, sz)``, a float mask for ``attn_mask``/``mask`` (added to the scores).

    Raises
    ------
    TypeError
        If ``sz`` is not an int or ``dtype`` not float32 or float64.
    ValueError
        If ``sz`` is negative.

    Examples
    --------
    >>> from nn import generate_square_subsequent_mask
    >>> generate_square_subsequent_mask(3)
    array([[  0., -inf, -inf],
           [  0.,   0., -inf],
           [  0.,   0.,   0.]])
    """
    owner = "generate_square_subsequent_mask"
    size = check_int(owner, "sz", sz, minimum=0)
    mask = np.zeros((size, size), check_dtype(owner, dtype))
    mask[np.triu_indices(size, 1)] = -np.inf
    return mask


class TransformerEncoderLayer(Module):
    """Self-attention, then a feed-forward network, each with a residual connection and a
    layer norm, as ``torch.nn.TransformerEncoderLayer`` (see the module's introduction).

    Parameters
    ----------
    d_model : int
        The size of each position's vector.
    nhead : int
        The attention's heads; it must divide ``d_model``.
    dim_feedforward : int, default 2048
        The feed-forward network's hidden size.
    dropout : float, default 0.1
        The probability of every dropout of the layer (attention weights included), in
        training mode.
    activation : {"relu", "gelu"} or callable, default "relu"
        The feed-forward network's nonlinearity: a name, a function of a Value (such as
        :func:`tensorgrad.gelu`) or a layer (such as ``nn.GELU("tanh")``).
    layer_norm_eps : float, default 1e-5
        The layer norms' ``eps``.
    batch_first : bool, default False
        Inputs and outputs ``(N, L, d_model)`` instead of ``(L, N, d_model)``.
    norm_first : bool, default False
        Normalize before each block (pre-norm) instead of after the residual sum.
    bias : bool, default True
        Biases in the linear layers, the attention and the layer norms.
    dtype : dtype, optional
        The parameters' dtype, float64 by default.
    generator : numpy.random.Generator, optional
        Where to draw the initial values and the dropout masks; by default nn's global
        generator.

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range (see
        :class:`~nn.MultiheadAttention`, :class:`~nn.Linear`, :class:`~nn.LayerNorm`), or
        ``activation`` is neither "relu", "gelu" nor callable.

    Attributes
    ----------
    self_attn : MultiheadAttention
    linear1, linear2 : Linear
        ``d_model → dim_feedforward → d_model``.
    norm1, norm2 : LayerNorm
    dropout, dropout1, dropout2 : Dropout
        After the activation, the attention and the feed-forward network.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    >>> x = np.random.default_rng(0).standard_normal((3, 5, 8))
    >>> layer(x).shape
    (3, 5, 8)
    >>> causal = nn.generate_square_subsequent_mask(5)
    >>> layer.eval()(x, src_mask=causal, is_causal=True).shape
    (3, 5, 8)
    >>> list(layer.state_dict())[:3]
    ['self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight']
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Value], Value] = "relu",
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        owner = "TransformerEncoderLayer"
        check_bool(owner, "norm_first", norm_first)
        options: dict[str, Any] = {"dtype": dtype, "generator": generator}
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout, bias, batch_first=batch_first, **options
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias, **options)
        self.dropout = Dropout(dropout, generator=generator)
        self.linear2 = Linear(dim_feedforward, d_model, bias, **options)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout, generator=generator)
        self.dropout2 = Dropout(dropout, generator=generator)
        if isinstance(activation, str):
            if activation not in _ACTIVATIONS:
                raise ValueError(
                    f"{owner}: activation must be 'relu', 'gelu' or a callable, got {activation!r}"
                )
            self.activation: Callable[[Value], Value] = _ACTIVATIONS[activation]
        elif callable(activation):
            self.activation = activation  # (a layer, such as GELU(), becomes a sub-module)
        else:
            raise TypeError(
                f"{owner}: activation must be 'relu', 'gelu' or a callable, got "
                f"{describe(activation)}"
            )

    def forward(
        self,
        src: Input,
        src_mask: Input | None = None,
        src_key_padding_mask: Input | None = None,
        is_causal: bool = False,
    ) -> Value:
        """The layer applied to ``src``; its output has ``src``'s shape.

        Parameters
        ----------
        src : Value or ndarray
            ``(L, N, d_model)``, ``(N, L, d_model)`` with ``batch_first``, or ``(L, d_model)``.
        src_mask : Value or ndarray, optional
            The attention's ``attn_mask``: ``(L, L)`` or ``(N·nhead, L, L)``, bool (True: may
            not attend) or float (added).
        src_key_padding_mask : Value or ndarray, optional
            ``(N, L)``: True (or ``-inf``) for the positions that are padding.
        is_causal : bool, default False
            The hint that ``src_mask`` is the causal mask (which must be given).

        Returns
        -------
        Value
        """
        x = check_input(src, "TransformerEncoderLayer")
        if self.norm_first:
            x = x + self._attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            out: Value = x + self._feed_forward(self.norm2(x))
            return out
        x = self.norm1(x + self._attention(x, src_mask, src_key_padding_mask, is_causal))
        result: Value = self.norm2(x + self._feed_forward(x))
        return result

    def _attention(self, x: Value, mask: Any, padding: Any, is_causal: bool) -> Value:
        out, _ = self.self_attn(
            x, x, x, padding, need_weights=False, attn_mask=mask, is_causal=is_causal
        )
        return self.dropout1(out)  # type: ignore[no-any-return]

    def _feed_forward(self, x: Value) -> Value:
        hidden = self.dropout(self.activation(self.linear1(x)))
        return self.dropout2(self.linear2(hidden))  # type: ignore[no-any-return]


class TransformerEncoder(Module):
    """``num_layers`` copies of a :class:`TransformerEncoderLayer`, applied in turn, then an
    optional norm, as ``torch.nn.TransformerEncoder``.

    As PyTorch's, the layers are deep copies of ``encoder_layer``: they start with the same
    weights (and learn apart).

    Parameters
    ----------
    encoder_layer : TransformerEncoderLayer
        The layer to copy (any Module whose forward takes PyTorch's layer arguments).
    num_layers : int
        How many copies.
    norm : Module, optional
        Applied to the last layer's output (a :class:`~nn.LayerNorm`, for pre-norm layers).
    enable_nested_tensor, mask_check : bool, default True
        PyTorch's switches of its inference fast path, accepted and unused: every position
        is computed here (PyTorch's fast path gives 0 at the padded ones).

    Raises
    ------
    TypeError
        If ``encoder_layer`` or ``norm`` is not a Module, ``num_layers`` not an int.
    ValueError
        If ``num_layers`` is negative.

    Attributes
    ----------
    layers : ModuleList
    num_layers : int
    norm : Module or None

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    >>> encoder = nn.TransformerEncoder(layer, num_layers=2)
    >>> x = np.random.default_rng(0).standard_normal((3, 5, 8))
    >>> encoder(x).shape
    (3, 5, 8)
    >>> padding = np.array([[False, False, False, True, True]] * 3)
    >>> encoder(x, src_key_padding_mask=padding).shape
    (3, 5, 8)
    >>> len(list(encoder.parameters()))
    24
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        owner = "TransformerEncoder"
        if not isinstance(encoder_layer, Module):
            raise TypeError(
                f"{owner}: encoder_layer must be a Module (a TransformerEncoderLayer), got "
                f"{describe(encoder_layer)}"
            )
        if norm is not None and not isinstance(norm, Module):
            raise TypeError(f"{owner}: norm must be a Module or None, got {describe(norm)}")
        self.num_layers = check_int(owner, "num_layers", num_layers, minimum=0)
        check_bool(owner, "enable_nested_tensor", enable_nested_tensor)
        check_bool(owner, "mask_check", mask_check)
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check
        # The copies share the layer's random generators (copied, they would all draw the
        # same dropout masks).
        shared = {
            id(g): g
            for m in encoder_layer.modules()
            if isinstance(g := getattr(m, "generator", None), np.random.Generator)
        }
        self.layers = ModuleList(
            [copy.deepcopy(encoder_layer, dict(shared)) for _ in range(self.num_layers)]
        )
        self.norm = norm

    def forward(
        self,
        src: Input,
        mask: Input | None = None,
        src_key_padding_mask: Input | None = None,
        is_causal: bool | None = None,
    ) -> Value:
        """Every layer in turn, then the norm.

        Parameters
        ----------
        src : Value or ndarray
            As :meth:`TransformerEncoderLayer.forward`.
        mask : Value or ndarray, optional
            The attention mask of every layer.
        src_key_padding_mask : Value or ndarray, optional
            ``(N, L)``: True for the padding.
        is_causal : bool, optional
            The hint that ``mask`` is causal; by default, whether it is.

        Returns
        -------
        Value
        """
        if is_causal is None:
            is_causal = mask is not None and _is_causal(mask)
        x = check_input(src, "TransformerEncoder")
        for layer in self.layers:
            x = layer(
                x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal
            )
        out: Value = x if self.norm is None else self.norm(x)
        return out


def _is_causal(mask: Any) -> bool:
    """Whether ``mask`` is :func:`generate_square_subsequent_mask` of its size (bool: its
    upper triangle True)."""
    data = mask._data if isinstance(mask, Value) else np.asarray(mask)
    if data.ndim != 2 or data.shape[0] != data.shape[1]:
        return False
    above = np.triu(np.ones(data.shape, bool), 1)
    if data.dtype == bool:
        return bool(np.array_equal(data, above))
    return bool(np.all(data[above] == -np.inf) and np.all(data[~above] == 0))

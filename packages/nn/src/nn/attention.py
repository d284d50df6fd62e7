"""Multi-head attention, as ``torch.nn.MultiheadAttention``: several attentions side by side,
each on its own learned projections of the inputs.

For ``embed_dim`` ``E`` cut into ``h`` heads of ``d = E / h`` features::

    Q = query W_qᵀ + b_q,   K = key W_kᵀ + b_k,   V = value W_vᵀ + b_v     (E features each)
    head_j = softmax(Q_j K_jᵀ / √d + mask) V_j        Q_j: the j-th d features of Q
    out = [head_1 … head_h] W_oᵀ + b_o                  (``out_proj``)

Each head compares queries and keys in a space of its own, so one head can follow, say,
the previous token while another follows a matching bracket; the output projection mixes
what the heads found. A head is :func:`tensorgrad.scaled_dot_product_attention` (one node
with its closed-form backward); the projections are :func:`tensorgrad.linear`; cutting into
heads is a reshape and a transpose, which cost nothing in the backward pass.

PyTorch's conventions, kept so that its code and its state dicts carry over:

* the weights of ``Q``, ``K`` and ``V`` are stacked into ``in_proj_weight`` ``(3E, E)`` (and
  ``in_proj_bias`` ``(3E,)``), unless keys or values have other sizes (``kdim``, ``vdim``):
  then ``q_proj_weight``, ``k_proj_weight`` and ``v_proj_weight``;
* inputs are ``(L, N, E)``, sequence first, unless ``batch_first=True`` (``(N, L, E)``);
* **a bool mask here says which keys to leave out** (True: masked), in ``attn_mask`` and
  ``key_padding_mask`` alike: the opposite of :func:`tensorgrad.scaled_dot_product_attention`,
  whose True means "takes part". A float mask is added to the scores in both.
* ``need_weights=True`` (the default) also returns the attention weights, averaged over the
  heads unless ``average_attn_weights=False``. :class:`~nn.TransformerEncoderLayer` asks
  for none, which is faster.

One difference: a query whose every key is masked gets weights 0 and the output
projection's bias, with ``need_weights`` or without. PyTorch gives that without weights;
with them (its slower path) its row becomes NaN, which here it never does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn import init
from nn.checks import check_bool, check_dtype, check_int, describe
from nn.functional import apply_dropout, as_value, check_dropout_p, check_input
from nn.linear import Linear
from nn.module import Module
from nn.parameter import Parameter
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.ops.shape import pad
from tensorgrad.record import operand_data

__all__ = ["MultiheadAttention"]

Input = Value | npt.NDArray[Any]
_OWNER = "MultiheadAttention"


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads and learned projections, as
    ``torch.nn.MultiheadAttention`` (see the module's introduction for the formulas).

    Parameters
    ----------
    embed_dim : int
        ``E``, the size of each query and of the output.
    num_heads : int
        ``h``; it must divide ``embed_dim``.
    dropout : float, default 0.0
        The probability of dropping each attention weight, in training mode.
    bias : bool, default True
        Whether the input and output projections have biases.
    add_bias_kv : bool, default False
        Append one learned key and value (``bias_k``, ``bias_v``) to every sequence of keys.
    add_zero_attn : bool, default False
        Append a key and a value of zeros to every head's keys.
    kdim, vdim : int, optional
        The sizes of the keys and values; ``embed_dim`` by default.
    batch_first : bool, default False
        Inputs and outputs ``(N, L, E)`` instead of ``(L, N, E)``.
    dtype : dtype, optional
        The parameters' dtype, float64 by default; inputs must have it.
    generator : numpy.random.Generator, optional
        Where to draw the initial values and the dropout masks; by default nn's global
        generator (see :func:`nn.manual_seed`).

    Raises
    ------
    TypeError
        If a size is not an int, a flag not a bool, ``dropout`` not a real number, ``dtype``
        not float32 or float64, or ``generator`` not a numpy Generator.
    ValueError
        If a size is below 1, ``num_heads`` does not divide ``embed_dim``, or ``dropout``
        is outside ``[0, 1]``.

    Attributes
    ----------
    in_proj_weight : Parameter or None
        ``(3E, E)``, the rows of ``W_q``, ``W_k``, ``W_v`` in turn (None with ``kdim`` or
        ``vdim``). Glorot-uniform, as PyTorch.
    q_proj_weight, k_proj_weight, v_proj_weight : Parameter or None
        ``(E, E)``, ``(E, kdim)``, ``(E, vdim)``, only with ``kdim`` or ``vdim``.
    in_proj_bias : Parameter or None
        ``(3E,)``, zeros at first.
    out_proj : Linear
        ``E → E``; its bias starts at zero.
    bias_k, bias_v : Parameter or None
        ``(1, 1, E)`` with ``add_bias_kv``, Glorot-normal.
    head_dim : int
        ``E // num_heads``.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> attention = nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = np.random.default_rng(0).standard_normal((3, 5, 8))  # 3 sequences of 5
    >>> out, weights = attention(x, x, x)
    >>> out.shape, weights.shape  # weights averaged over the heads
    ((3, 5, 8), (3, 5, 5))
    >>> padding = np.array([[False] * 4 + [True]] * 3)  # the last key of each is padding
    >>> _, weights = attention(x, x, x, key_padding_mask=padding)
    >>> weights.data[..., -1].max()
    np.float64(0.0)
    >>> list(attention.state_dict())
    ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        e = check_int(_OWNER, "embed_dim", embed_dim, minimum=1)
        heads = check_int(_OWNER, "num_heads", num_heads, minimum=1)
        if e % heads:
            raise ValueError(
                f"{_OWNER}: embed_dim must be divisible by num_heads, got embed_dim={e} and "
                f"num_heads={heads}"
            )
        self.embed_dim, self.num_heads, self.head_dim = e, heads, e // heads
        self.kdim = e if kdim is None else check_int(_OWNER, "kdim", kdim, minimum=1)
        self.vdim = e if vdim is None else check_int(_OWNER, "vdim", vdim, minimum=1)
        self.dropout = check_dropout_p(dropout, _OWNER)
        for name, flag in [
            ("bias", bias),
            ("add_bias_kv", add_bias_kv),
            ("add_zero_attn", add_zero_attn),
            ("batch_first", batch_first),
        ]:
            check_bool(_OWNER, name, flag)
        self.add_zero_attn, self.batch_first = add_zero_attn, batch_first
        dtype = check_dtype(_OWNER, dtype)
        rng = resolve_generator(generator, _OWNER)
        self.generator = generator
        self._qkv_same_embed_dim = self.kdim == e and self.vdim == e

        def weight(*shape: int) -> Parameter:
            return Parameter(np.zeros(shape, dtype))

        # In PyTorch's order of registration, which is its state dict's.
        self.in_proj_weight = weight(3 * e, e) if self._qkv_same_embed_dim else None
        separate = not self._qkv_same_embed_dim
        self.q_proj_weight = weight(e, e) if separate else None
        self.k_proj_weight = weight(e, self.kdim) if separate else None
        self.v_proj_weight = weight(e, self.vdim) if separate else None
        self.in_proj_bias = weight(3 * e) if bias else None
        self.out_proj = Linear(e, e, bias, dtype=dtype, generator=rng)
        self.bias_k = weight(1, 1, e) if add_bias_kv else None
        self.bias_v = weight(1, 1, e) if add_bias_kv else None
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w, generator=rng)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b, generator=rng)

    def forward(
        self,
        query: Input,
        key: Input,
        value: Input,
        key_padding_mask: Input | None = None,
        need_weights: bool = True,
        attn_mask: Input | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Value, Value | None]:
        """Attend from ``query`` to ``key``/``value``; return the output and the weights.

        Parameters
        ----------
        query : Value or ndarray
            ``(L, N, E)`` (``(N, L, E)`` with ``batch_first``), or ``(L, E)`` unbatched.
        key, value : Value or ndarray
            ``(S, N, kdim)`` and ``(S, N, vdim)`` (batch first likewise), or unbatched.
        key_padding_mask : Value or ndarray, optional
            ``(N, S)`` (``(S,)`` unbatched): bool, True for a key to leave out (padding), or
            float, added to every query's scores of that key.
        need_weights : bool, default True
            Also return the attention weights.
        attn_mask : Value or ndarray, optional
            ``(L, S)``, or ``(N·num_heads, L, S)`` for a mask per sequence and head
            (``(num_heads, L, S)`` unbatched): bool, True where a query may **not** attend
            to a key, or float, added to the scores (a Value gets its gradient).
        average_attn_weights : bool, default True
            Average the weights over the heads.
        is_causal : bool, default False
            PyTorch's hint that ``attn_mask`` is the causal mask; it needs that mask (see
            :func:`nn.generate_square_subsequent_mask`), which is then used as given.

        Returns
        -------
        tuple of Value
            The output, shaped as the query (``E`` features); and the weights, ``(N, L, S)``
            averaged or ``(N, num_heads, L, S)`` (no ``N`` unbatched), or None without
            ``need_weights``. The weights are those the values were averaged with: after
            dropout, in training.

        Raises
        ------
        TypeError
            If an input is not a Value or an array or has another dtype than the
            parameters, a mask is neither bool nor float of the query's dtype, or a flag is
            not a bool.
        ValueError
            If the inputs' numbers of axes, batch sizes, lengths or features disagree with
            each other or with the layer, a mask has the wrong shape, or ``is_causal`` is
            True without ``attn_mask``.
        """
        given = [check_input(x, _OWNER) for x in (query, key, value)]
        for name, flag in [
            ("need_weights", need_weights),
            ("average_attn_weights", average_attn_weights),
            ("is_causal", is_causal),
        ]:
            check_bool(_OWNER, name, flag)
        batched = self._check_inputs(*given)
        q_in, k_in, v_in = (as_value(x, _OWNER) for x in given)
        if is_causal and attn_mask is None:
            raise ValueError(
                f"{_OWNER}: is_causal=True is a hint that attn_mask is the causal mask, and needs "
                "that mask: give attn_mask=nn.generate_square_subsequent_mask(L)"
            )
        if not batched:  # one sequence: a batch of one, in the layout the layer expects
            axis = 0 if self.batch_first else 1
            q_in, k_in, v_in = (x.unsqueeze(axis) for x in (q_in, k_in, v_in))
        batch_axis = 0 if self.batch_first else 1
        n, length, keys = (
            q_in.shape[batch_axis],
            q_in.shape[1 - batch_axis],
            k_in.shape[1 - batch_axis],
        )
        heads = self.num_heads
        mask = self._merged_mask(attn_mask, key_padding_mask, q_in.dtype, batched, n, length, keys)
        q, k, v = self._projected(q_in, k_in, v_in)
        if self.bias_k is not None and self.bias_v is not None:
            k, v = (self._appended(x, b, n) for x, b in ((k, self.bias_k), (v, self.bias_v)))
            mask = _one_more_key(mask)
        # (L, N, E) or (N, L, E) -> (N, h, L, d): the heads become a batch axis
        to_heads = (0, 2, 1, 3) if self.batch_first else (1, 2, 0, 3)
        q, k, v = (
            x.reshape(*x.shape[:2], heads, self.head_dim).permute(to_heads) for x in (q, k, v)
        )
        if self.add_zero_attn:
            zeros = np.zeros((n, heads, 1, self.head_dim), q.dtype)
            k, v = (tensorgrad.concatenate([x, zeros], axis=2) for x in (k, v))
            mask = _one_more_key(mask)
        p_drop = self.dropout if self.training else 0.0
        weights: Value | None = None
        if need_weights:
            weights = tensorgrad.attention_weights(q, k, mask)
            if p_drop:
                weights = apply_dropout(weights, p_drop, self.generator, _OWNER)  # type: ignore[assignment]
            heads_out = weights @ v
        else:
            heads_out = tensorgrad.scaled_dot_product_attention(
                q, k, v, mask, p_drop, generator=resolve_generator(self.generator, _OWNER)
            )
        # (N, h, L, d) -> back to the query's layout, the heads side by side
        merged = heads_out.permute((0, 2, 1, 3) if self.batch_first else (2, 0, 1, 3))
        out = self.out_proj(merged.reshape(*merged.shape[:2], self.embed_dim))
        if weights is not None and average_attn_weights:
            weights = weights.mean(axis=1)
        if not batched:
            out = out.squeeze(batch_axis)
            weights = None if weights is None else weights.squeeze(0)
        return out, weights

    def _check_inputs(self, q: Input, k: Input, v: Input) -> bool:
        """Whether the inputs are batched, once their shapes fit each other and the layer."""
        shapes = f"query {q.shape}, key {k.shape} and value {v.shape}"
        if q.ndim not in (2, 3) or k.ndim != q.ndim or v.ndim != q.ndim:
            layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
            raise ValueError(
                f"{_OWNER}: expected query, key and value of 3 axes {layout} (batch_first="
                f"{self.batch_first}) or of 2 axes (L, E) unbatched, got shapes {shapes}"
            )
        for x, name, size in [
            (q, "query", self.embed_dim),
            (k, "key", self.kdim),
            (v, "value", self.vdim),
        ]:
            if x.shape[-1] != size:
                argument = {"query": "embed_dim", "key": "kdim", "value": "vdim"}[name]
                raise ValueError(
                    f"{_OWNER}: the {name}'s last axis must have {argument}={size} features, got "
                    f"shapes {shapes}"
                )
            if x.dtype != self.out_proj.weight.dtype:
                raise TypeError(
                    f"{_OWNER}: the {name} has dtype {x.dtype}, the layer's parameters "
                    f"{self.out_proj.weight.dtype} (make the layer with dtype=, or convert the "
                    "input)"
                )
        if k.shape[:-1] != v.shape[:-1]:
            raise ValueError(
                f"{_OWNER}: key and value must have the same batch and sequence axes, got shapes "
                f"{shapes}"
            )
        if q.ndim == 3:
            axis = 0 if self.batch_first else 1
            if q.shape[axis] != k.shape[axis]:
                raise ValueError(
                    f"{_OWNER}: query and key must have the same batch size (axis {axis}, "
                    f"batch_first={self.batch_first}), got shapes {shapes}"
                )
        return q.ndim == 3

    def _projected(self, q: Value, k: Value, v: Value) -> tuple[Value, Value, Value]:
        """``Q``, ``K``, ``V``: one :func:`tensorgrad.linear` each, on its rows of the weights.

        (PyTorch makes self-attention's three one product of ``(3E, E)``; here the pieces of
        that product would each send back a gradient of its full size in the backward pass,
        while pieces of the weights send back gradients of the weights' size, far smaller.)
        """
        if self.in_proj_weight is not None:
            weights: tuple[Value, ...] = tensorgrad.chunk(self.in_proj_weight, 3)
        else:
            weights = tuple(
                w
                for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
                if w is not None
            )
        biases: tuple[Value | None, ...] = (
            (None, None, None)
            if self.in_proj_bias is None
            else tensorgrad.chunk(self.in_proj_bias, 3)
        )
        return (
            tensorgrad.linear(q, weights[0], biases[0]),
            tensorgrad.linear(k, weights[1], biases[1]),
            tensorgrad.linear(v, weights[2], biases[2]),
        )

    def _appended(self, x: Value, extra: Value, n: int) -> Value:
        """``x`` (keys or values, projected) with ``extra`` ``(1, 1, E)`` as one more step of
        every sequence."""
        if self.batch_first:
            return tensorgrad.concatenate([x, extra.broadcast_to((n, 1, self.embed_dim))], axis=1)
        return tensorgrad.concatenate([x, extra.broadcast_to((1, n, self.embed_dim))], axis=0)

    def _merged_mask(
        self,
        attn_mask: Any,
        key_padding_mask: Any,
        dtype: np.dtype[Any],
        batched: bool,
        n: int,
        length: int,
        keys: int,
    ) -> Value | npt.NDArray[Any] | None:
        """The two masks as one float mask to add to the scores, broadcastable to ``(N, h,
        L, S)`` (``-inf`` for a bool True), or None."""
        heads = self.num_heads
        merged: Any = None
        if attn_mask is not None:
            mask = _additive(attn_mask, "attn_mask", dtype)
            if mask.ndim == 2 and mask.shape == (length, keys):
                merged = mask
            elif mask.ndim == 3 and mask.shape == ((n if batched else 1) * heads, length, keys):
                merged = mask.reshape(n, heads, length, keys)
            else:
                rows = (n if batched else 1) * heads
                form = "N·num_heads" if batched else "num_heads"
                per_head = f"({form}, L, S) = ({rows}, {length}, {keys})"
                raise ValueError(
                    f"{_OWNER}: attn_mask must have shape (L, S) = ({length}, {keys}) or "
                    f"{per_head}, got {mask.shape}"
                )
        if key_padding_mask is not None:
            padding = _additive(key_padding_mask, "key_padding_mask", dtype)
            expected = (n, keys) if batched else (keys,)
            if padding.shape != expected:
                form = "(N, S)" if batched else "(S,)"
                raise ValueError(
                    f"{_OWNER}: key_padding_mask must have shape {form} = {expected}, got "
                    f"{padding.shape}"
                )
            padding = padding.reshape(n, 1, 1, keys)
            merged = padding if merged is None else merged + padding
        return merged  # type: ignore[no-any-return]


def _additive(mask: Any, name: str, dtype: np.dtype[Any]) -> Any:
    """A mask as the float to add to the scores: a bool True becomes ``-inf`` (left out)."""
    data = operand_data(mask, _OWNER)
    if not isinstance(data, np.ndarray):
        raise TypeError(
            f"{_OWNER}: {name} must be a Value or a numpy array (bool or float), got "
            f"{describe(mask)}"
        )
    if data.dtype == bool:
        return np.where(data, -np.inf, 0.0).astype(dtype)
    if data.dtype.kind != "f":
        raise TypeError(
            f"{_OWNER}: {name} must be bool (True: left out) or float, got dtype {data.dtype}"
        )
    if isinstance(mask, Value):
        if mask.dtype != dtype:  # (converting it would cut its gradient's way back)
            raise TypeError(
                f"{_OWNER}: {name} given as a Value must have the query's dtype ({dtype}), "
                f"got {mask.dtype}"
            )
        return mask
    return data.astype(dtype, copy=False)  # (0 and -inf, as a rule: nothing lost in float32)


def _one_more_key(mask: Any) -> Any:
    """The mask with a column of 0 for one more key, which every query may attend to."""
    if mask is None:
        return None
    return pad(mask, (0, 1))

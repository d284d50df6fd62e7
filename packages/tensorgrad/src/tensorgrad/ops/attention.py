"""Attention: :func:`scaled_dot_product_attention`, one node with its closed-form backward.

Each query asks every key how well it matches (a dot product, scaled), the scores of a query
become weights that sum to 1 (a softmax over the keys), and the answer is the weighted mean
of the values::

    S = Q Kᵀ · scale + mask        (..., L, S)
    P = softmax(S)                 along the keys
    out = P V                      (..., L, Ev)

As a chain of ``@``, ``+``, ``softmax`` and ``@`` nodes it would keep the scores, the weights
and two matrix products' operands; the closed form needs only ``Q``, ``K``, ``V`` and ``P``
(see ``_attention_backward`` in the source). A mask of ``-inf`` removes a key from a
query's softmax; a query whose every key is masked attends to nothing, and its output and
gradients are 0, as in PyTorch (not the NaN of ``0 / 0``).

:func:`attention_weights` is the first half alone, ``P``, for who wants to look at it (or
train it): :class:`nn.MultiheadAttention` with ``need_weights=True`` multiplies it by the
values itself. It is one node too, whose backward is the second half of the one above.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tensorgrad import factories
from tensorgrad.axes import flag, real_arg
from tensorgrad.broadcast import unbroadcast
from tensorgrad.ops.softmax import softmax
from tensorgrad.record import Array, Operand, as_value, operand_data, record, where_of
from tensorgrad.tensor import Value

__all__ = ["attention_weights", "scaled_dot_product_attention"]

_OP = "scaled_dot_product_attention"
_WEIGHTS = "attention_weights"


def scaled_dot_product_attention(
    query: Operand,
    key: Operand,
    value: Operand,
    attn_mask: Value | Array | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    *,
    generator: np.random.Generator | None = None,
) -> Value:
    """``softmax(query keyᵀ · scale + mask) value``, as
    ``torch.nn.functional.scaled_dot_product_attention``.

    One node (see the module's introduction). The batch axes ``...`` of the three inputs
    broadcast against each other, as in a matrix product.

    Parameters
    ----------
    query : Value, ndarray
        Shape ``(..., L, E)``: ``L`` queries of size ``E``.
    key : Value, ndarray
        Shape ``(..., S, E)``: ``S`` keys.
    value : Value, ndarray
        Shape ``(..., S, Ev)``: one value per key. The three have one dtype.
    attn_mask : Value or ndarray, optional
        Broadcastable to ``(..., L, S)``. A bool mask says which keys each query may attend
        to (True: it takes part, PyTorch's convention); a float mask (of the query's dtype,
        or float32) is added to the scores, and a Value gets its gradient.
    dropout_p : float, default 0.0
        The probability of dropping each attention weight (in ``[0, 1]``); the weights kept
        are scaled by ``1/(1 - dropout_p)``. As in PyTorch there is no ``training`` switch
        here: a layer passes 0 when it evaluates.
    is_causal : bool, default False
        Mask out the keys after each query's position: the lower-triangular ``(L, S)`` mask
        (query ``i`` sees keys ``0..i``). Not with ``attn_mask``.
    scale : float, optional
        The factor of the scores; ``1/√E`` by default.
    generator : numpy.random.Generator, optional
        Where to draw the dropout mask; by default
        :data:`~tensorgrad.factories.default_generator`.

    Returns
    -------
    Value
        Shape ``(..., L, Ev)``, the batch axes broadcast.

    Raises
    ------
    TypeError
        If an input is not a Value or an array, the three have different dtypes, the mask is
        not bool or float (or is float64 for a float32 query), ``is_causal`` is not a bool,
        ``scale`` or ``dropout_p`` not a real number, or ``generator`` not a numpy Generator.
    ValueError
        If an input has fewer than 2 axes, the sizes ``E`` or ``S`` disagree, the batch
        axes do not broadcast, the mask does not broadcast to ``(..., L, S)``, both
        ``attn_mask`` and ``is_causal`` are given, ``dropout_p`` is outside ``[0, 1]`` or
        ``scale`` is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, scaled_dot_product_attention
    >>> q = Value([[1.0, 0.0], [0.0, 1.0]])  # (L, E) = (2, 2)
    >>> k = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # (S, E) = (3, 2)
    >>> v = np.array([[1.0], [2.0], [3.0]])  # (S, Ev) = (3, 1)
    >>> scaled_dot_product_attention(q, k, v, scale=0.0).data  # equal weights: the mean
    array([[2.],
           [2.]])
    >>> scaled_dot_product_attention(q, k, v, is_causal=True).data[0]  # sees key 0 only
    array([1.])
    """
    q, k, v = (as_value(x, _OP) for x in (query, key, value))
    batch, length, keys = _checked_shapes(_OP, q, k, v)
    causal = flag(is_causal, "is_causal", _OP)
    mask, bias = _mask(_OP, attn_mask, causal, q, (*batch, length, keys))
    p_drop = real_arg(dropout_p, "dropout_p", _OP)
    if not 0.0 <= p_drop <= 1.0:
        raise ValueError(f"{_OP}: dropout_p must be in [0, 1], got {dropout_p!r}")
    rng = factories.resolve_generator(generator, None, _OP)
    factor = _factor(_OP, scale, q)
    added = bias if mask is None else mask._data
    p, live = _weights(q._data, k._data, added, factor)
    drop = None if p_drop == 0.0 else _dropout_mask(p, p_drop, rng)
    out = (p if drop is None else p * drop) @ v._data
    saved = (q._data, k._data, v._data, None if mask is None else mask._data)
    extra = (bias, factor, p, drop, live, [None])  # (the last: the backward's memo)
    return record(out, _OP, _attention_backward, (q, k, v, mask), saved + extra)


def _attention_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """dV = (P ⊙ D)ᵀ g, dQ = dS K · scale, dK = dSᵀ Q · scale, dmask = dS, with
    dS = P ⊙ (dP − rowsum(dP ⊙ P)) and dP = (g Vᵀ) ⊙ D (P the weights, D the dropout mask)

    Derivation (δ for a small change, d for a gradient): ``out = (P ⊙ D) V`` is a matrix
    product, ``δout = (P ⊙ D) δV + (δP ⊙ D) V``, so the gradient of ``V`` is ``(P ⊙ D)ᵀ g``
    and that of ``P`` is ``(g Vᵀ) ⊙ D`` (``D`` is 0 or ``1/(1 - p)``, all 1 without
    dropout). Each row of ``P`` is the softmax of the row of ``S``:
    ``δP_ij = P_ij (δS_ij − Σ_k P_ik δS_ik)``, a symmetric map whose adjoint is the ``dS`` above.
    ``S = Q Kᵀ · scale + mask`` is a product again: ``dQ = dS K · scale``,
    ``dK = dSᵀ Q · scale``, and the mask's gradient is ``dS`` itself. Each is summed over the
    batch axes it was broadcast along.

    A fully masked query has ``P = 0``, so its ``dS`` and every gradient it sends are 0.
    Under create_graph, ``P`` is computed again from ``Q`` and ``K`` with tensorgrad's ops, so
    that the gradient is differentiable again.
    """
    q, k, v, mask, bias, scale, p, drop, live, memo = saved
    # The operands' gradients share P (a Value, under create_graph) and dS: the first call
    # for a given g computes them, the next ones find them in memo. (One tuple, replaced
    # whole: two threads at one retained graph at worst compute them twice.)
    entry = memo[0]
    if entry is None or entry[0] is not g:
        if isinstance(q, Value) or isinstance(k, Value) or isinstance(mask, Value):
            p = _weights_of_values(q, k, mask if bias is None else bias, scale, live)
        entry = (g, p, None)
    p, ds = entry[1], entry[2]
    if i == 2:
        memo[0] = entry
        return unbroadcast((p if drop is None else p * drop).swapaxes(-1, -2) @ g, v)
    if ds is None:
        dp = g @ v.swapaxes(-1, -2)
        if drop is not None:
            dp = dp * drop
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
        entry = (g, p, ds)
    memo[0] = entry
    return _scores_backward(ds, q, k, mask, scale, min(i, 2))  # (v, operand 2, returned above)


def attention_weights(
    query: Operand,
    key: Operand,
    attn_mask: Value | Array | None = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> Value:
    """The weights ``P = softmax(query keyᵀ · scale + mask)`` along the keys, each row summing
    to 1: what :func:`scaled_dot_product_attention` averages the values with.

    PyTorch has no such function (its ``MultiheadAttention`` computes the weights inline);
    here it is one node, with the masks, causal option and scale of
    :func:`scaled_dot_product_attention`. A query whose every key is masked gets weights 0
    (PyTorch's ``softmax`` of such a row is NaN). ``P @ value`` is the attention's output.

    Parameters
    ----------
    query : Value, ndarray
        Shape ``(..., L, E)``.
    key : Value, ndarray
        Shape ``(..., S, E)``, of the query's dtype.
    attn_mask : Value or ndarray, optional
        Broadcastable to ``(..., L, S)``: bool (True: the key takes part) or float (added to
        the scores; a Value gets its gradient).
    is_causal : bool, default False
        Query ``i`` sees keys ``0..i`` only. Not with ``attn_mask``.
    scale : float, optional
        The factor of the scores; ``1/√E`` by default.

    Returns
    -------
    Value
        Shape ``(..., L, S)``, the batch axes broadcast.

    Raises
    ------
    TypeError, ValueError
        As :func:`scaled_dot_product_attention`, for the same arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value, attention_weights
    >>> q = Value([[0.0, 0.0], [1.0, 0.0]])
    >>> k = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> attention_weights(q, k, scale=1.0).data.round(3)  # a zero query weighs keys alike
    array([[0.5  , 0.5  ],
           [0.731, 0.269]])
    >>> attention_weights(q, k, is_causal=True).data  # query 0 sees key 0 only
    array([[1.        , 0.        ],
           [0.66976155, 0.33023845]])
    """
    q, k = as_value(query, _WEIGHTS), as_value(key, _WEIGHTS)
    batch, length, keys = _checked_shapes(_WEIGHTS, q, k)
    causal = flag(is_causal, "is_causal", _WEIGHTS)
    mask, bias = _mask(_WEIGHTS, attn_mask, causal, q, (*batch, length, keys))
    factor = _factor(_WEIGHTS, scale, q)
    p, _ = _weights(q._data, k._data, bias if mask is None else mask._data, factor)
    saved = (q._data, k._data, None if mask is None else mask._data, factor)
    return record(p, _WEIGHTS, _attention_weights_backward, (q, k, mask), saved, keep_output=True)


def _attention_weights_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """dQ = dS K · scale, dK = dSᵀ Q · scale, dmask = dS, with dS = P ⊙ (g − rowsum(g ⊙ P))

    The softmax's adjoint, then the product's (see :func:`_attention_backward`). A fully
    masked row has ``P = 0``, so its ``dS`` is 0. ``out`` is ``P``, which the walk gives as a
    Value under create_graph: the same formula then records its own graph.
    """
    q, k, mask, scale = saved
    ds = out * (g - (g * out).sum(axis=-1, keepdims=True))
    return _scores_backward(ds, q, k, mask, scale, i)


def _scores_backward(ds: Any, q: Any, k: Any, mask: Any, scale: float, i: int) -> Any:
    """The gradient of operand ``i`` (0 query, 1 key, 2 mask) of ``S = Q Kᵀ · scale + mask``,
    given ``dS``, each summed over the batch axes it was broadcast along."""
    if i == 2:
        return unbroadcast(ds, mask)
    if i == 0:
        return unbroadcast((ds @ k) * scale, q)
    return unbroadcast((ds.swapaxes(-1, -2) @ q) * scale, k)


# -- the weights --------------------------------------------------------------------------------


def _weights(q: Array, k: Array, bias: Array | None, scale: float) -> tuple[Array, Array | None]:
    """``P = softmax(q kᵀ · scale + bias)`` along the keys, and which queries have a key left
    (None if all do).

    A query whose scores are all ``-inf`` gets weights 0: its maximum is replaced by 0 (so
    that no ``-inf - -inf`` is taken) and its sum by 1. A ``+inf`` score makes its row NaN,
    as in PyTorch, without numpy's warning.
    """
    s: Array = (q * scale) @ k.swapaxes(-1, -2)  # (q scaled first: no 0·inf when E is 0)
    if bias is not None:
        s = s + bias
    if s.shape[-1] == 0:  # no keys: the weights are empty and the output 0
        return s, None
    top = s.max(axis=-1, keepdims=True)
    dead = top == -np.inf
    anyone_dead = bool(dead.any())
    if anyone_dead:
        top[dead] = 0.0
    with np.errstate(invalid="ignore"):  # inf - inf, where a score is +inf: NaN is the answer
        s -= top
    np.exp(s, out=s)
    total = s.sum(axis=-1, keepdims=True)
    if anyone_dead:
        total[dead] = 1.0
    s /= total
    return s, (~dead if anyone_dead else None)


def _weights_of_values(q: Any, k: Any, bias: Any, scale: float, live: Array | None) -> Any:
    """:func:`_weights` written with tensorgrad's ops, for create_graph: the fully masked
    queries (``live`` False) get a mask of 0 instead of ``-inf`` and their weights are
    multiplied by 0, so that no NaN enters the graph."""
    s = (q * scale) @ k.swapaxes(-1, -2)
    if bias is not None:
        s = s + (bias if live is None else where_of(live, bias, 0.0))
    p = softmax(s, -1)
    return p if live is None else p * live.astype(p.dtype)


def _dropout_mask(p: Array, p_drop: float, rng: np.random.Generator) -> Array:
    """0 for each weight dropped, ``1/(1 - p_drop)`` for each kept, of ``p``'s dtype."""
    if p_drop == 1.0:  # every weight dropped (and 1/(1-p) would divide by zero)
        return np.zeros(p.shape, p.dtype)
    keep = rng.random(p.shape, dtype=p.dtype) >= p_drop
    mask: Array = keep.astype(p.dtype) / (1.0 - p_drop)
    return mask


# -- checks ----------------------------------------------------------------------------------


def _checked_shapes(
    op: str, q: Value, k: Value, v: Value | None = None
) -> tuple[tuple[int, ...], int, int]:
    """The broadcast batch shape, ``L`` and ``S``, once the shapes and dtypes agree (``v``
    None: query and key only)."""
    given = (q, k) if v is None else (q, k, v)
    if v is None:
        shapes, names = f"query {q.shape} and key {k.shape}", "query and key"
        expected = "query (..., L, E) and key (..., S, E)"
    else:
        shapes, names = (
            f"query {q.shape}, key {k.shape} and value {v.shape}",
            "query, key and value",
        )
        expected = "query (..., L, E), key (..., S, E) and value (..., S, Ev)"
    if any(x.ndim < 2 for x in given):
        raise ValueError(f"{op}: expected {expected} of 2 axes or more, got shapes {shapes}")
    if any(x.dtype != q.dtype for x in given):
        *first, last = (str(x.dtype) for x in given)
        raise TypeError(f"{op}: expected {names} of one dtype, got {', '.join(first)} and {last}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{op}: query and key must have the same last axis E, got shapes {shapes}")
    if v is not None and k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"{op}: key and value must have the same number of keys S (axis -2), got "
            f"shapes {shapes}"
        )
    try:
        batch = np.broadcast_shapes(*(x.shape[:-2] for x in given))
    except ValueError:
        raise ValueError(
            f"{op}: the batch axes (all but the last two) do not broadcast, got shapes {shapes}"
        ) from None
    return batch, q.shape[-2], k.shape[-2]


def _factor(op: str, scale: object, q: Value) -> float:
    """The scores' factor: ``scale``, checked, or ``1/√E``."""
    if scale is None:
        e = q.shape[-1]
        return 1.0 / math.sqrt(e) if e else math.inf  # (no scores to scale when E is 0)
    return real_arg(scale, "scale", op)


def _mask(
    op: str, attn_mask: Any, causal: bool, q: Value, target: tuple[int, ...]
) -> tuple[Value | None, Array | None]:
    """The mask as an operand (a float mask given as a Value, which may get a gradient) or
    as a constant to add to the scores (0 where a key takes part, ``-inf`` where not)."""
    if attn_mask is None:
        if not causal:
            return None, None
        length, keys = target[-2:]
        return None, _additive(np.tri(length, keys, dtype=bool), q.dtype)
    if causal:
        raise ValueError(
            f"{op}: give attn_mask or is_causal=True, not both (the causal mask is a mask too)"
        )
    data = operand_data(attn_mask, op)
    if not isinstance(data, np.ndarray):
        raise TypeError(
            f"{op}: attn_mask must be a Value or a numpy array (bool or float), got "
            f"{type(attn_mask).__name__}"
        )
    if data.dtype != bool and data.dtype not in (q.dtype, np.float32):
        raise TypeError(
            f"{op}: attn_mask must be bool or float of the query's dtype ({q.dtype}), got "
            f"{data.dtype}"
        )
    try:
        fits = np.broadcast_shapes(data.shape, target) == target
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{op}: attn_mask of shape {data.shape} does not broadcast to the scores' shape "
            f"(..., L, S) = {target}"
        )
    if isinstance(attn_mask, Value):
        return attn_mask, None
    return None, _additive(data, q.dtype) if data.dtype == bool else data


def _additive(allowed: Array, dtype: np.dtype[Any]) -> Array:
    """A bool mask as the float mask to add: 0 where True, ``-inf`` where False."""
    bias = np.zeros(allowed.shape, dtype)
    bias[~allowed] = -np.inf
    return bias

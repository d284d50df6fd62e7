"""Recurrent cells: :class:`RNNCell`, :class:`LSTMCell` and :class:`GRUCell`, one time step
each, as PyTorch's, composed of tensorgrad ops.

A cell reads the input ``x`` of one step and the state ``h`` the last step left, and gives
the next state. For ``σ`` the sigmoid and ``⊙`` the elementwise product:

* **RNNCell** (Elman): ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or ReLU).
* **LSTMCell**: a cell state ``c`` beside ``h``, and four gates::

      i = σ(W_ii x + b_ii + W_hi h + b_hi)     input gate: how much of g to write
      f = σ(W_if x + b_if + W_hf h + b_hf)     forget gate: how much of c to keep
      g = tanh(W_ig x + b_ig + W_hg h + b_hg)  the candidate to write
      o = σ(W_io x + b_io + W_ho h + b_ho)     output gate: how much of c to show
      c' = f ⊙ c + i ⊙ g
      h' = o ⊙ tanh(c')

  The gradient reaches old steps through ``c' = f ⊙ c + ...``, a sum scaled by ``f``
  rather than squashed by a ``tanh`` at every step: that is what lets an LSTM remember.
* **GRUCell**: two gates and no cell state::

      r = σ(W_ir x + b_ir + W_hr h + b_hr)           reset gate: how much of h the candidate sees
      z = σ(W_iz x + b_iz + W_hz h + b_hz)           update gate: how much of h to keep
      n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  the candidate
      h' = (1 - z) ⊙ n + z ⊙ h

  (``r`` multiplies ``W_hn h + b_hn``, bias included, as in PyTorch and cuDNN; the original
  paper multiplies ``h`` before the product.)

Why the gates are one matrix: every gate is an affine map of the same ``x`` and the same
``h``, so their weights are stacked, in PyTorch's order (``i, f, g, o``; ``r, z, n``), into
``weight_ih`` of shape ``(gates·hidden_size, input_size)`` and ``weight_hh`` of shape
``(gates·hidden_size, hidden_size)``: a step's maps are two large matrix products (which BLAS
runs far faster than eight small ones), and a state dict of PyTorch's cells loads as it is.

How a step is recorded. The time loop runs in Python, so an LSTM's step costs mostly what
its nodes cost (each one's bookkeeping, forward and backward), not the arithmetic. So the
RNN and the LSTM make their gates' pre-activations ``W_ih x + b_ih + W_hh h + b_hh`` as one
node (its backward is the two products of each map, as :func:`tensorgrad.linear`'s), and
the LSTM's gate math is two nodes with closed-form backwards: ``c' = σ(f) ⊙ c + σ(i) ⊙
tanh(g)`` and ``h' = σ(o) ⊙ tanh(c')`` (two, because a node has one result and the next
step reads ``c'`` and ``h'`` apart). An LSTM step is three nodes, where chunk, sigmoid,
tanh, products and sums made some fifteen; under ``create_graph=True`` their backwards
compute the gates again from the graph's Values, so the gradient can be differentiated
again. The GRU keeps tensorgrad's ops: two :func:`tensorgrad.linear` nodes (``r`` scales
``W_hn h + b_hn`` alone) whose results :func:`tensorgrad.chunk` cuts into the gates.

:class:`RNN`, :class:`LSTM` and :class:`GRU` run a cell over a whole sequence ``(T, N,
input_size)``, layer after layer, in one direction or both, as PyTorch's, with the same step
function as the cells (one private function per kind, which both call). Each step reads its
own input ``x_t``: a view of an array, a piece (:meth:`tensorgrad.Value.unbind`) of a Value.
(Making ``W_ih x + b_ih`` of all ``T`` steps in one product and cutting it into steps was
slower: the pieces' backward pads their gradients to the whole sequence's size, and that
costs more than ``T`` smaller products.) The states of every step are stacked once, at the
end of each direction.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

import tensorgrad
from nn import init
from nn.checks import check_bool, check_dtype, check_in_interval, check_int, describe
from nn.functional import apply_dropout, as_value, check_input
from nn.module import Module
from nn.parameter import Parameter
from nn.random import resolve_generator
from tensorgrad import Value
from tensorgrad.record import like, new_value, plain, record, zeros_of

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

Array = Value | npt.NDArray[Any]

_NONLINEARITIES = ("tanh", "relu")


def _check_nonlinearity(owner: str, nonlinearity: object) -> str:
    # Checked when made (PyTorch's cell only raises at the first call).
    if not isinstance(nonlinearity, str) or nonlinearity not in _NONLINEARITIES:
        raise ValueError(
            f"{owner}: nonlinearity must be 'tanh' or 'relu', got {describe(nonlinearity)}"
        )
    return nonlinearity


# -- the steps: one formula per kind of cell, which the cells and the sequence layers step with.
# Each takes one step's input x (N, input_size), the states the last step left, and the
# weights (weight_ih, weight_hh, bias_ih, bias_hh), and gives the next states.

Weights = tuple[Value, Value, Value | None, Value | None]


def _rnn_step(x: Array, state: tuple[Array, ...], weights: Weights, nonlinearity: str) -> Value:
    """``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or ReLU)."""
    pre = _gate_inputs(x, state[0], *weights)
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _lstm_step(x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, Value]:
    """``(h', c')`` from the gates ``i, f, g, o`` and the cell state ``c``."""
    pre = _gate_inputs(x, state[0], *weights)
    c_next = _lstm_cell_state(pre, state[1])
    return _lstm_output(pre, c_next), c_next


def _gru_step(x: Array, state: tuple[Array, ...], weights: Weights) -> Value:
    """``h'`` from the gates ``r, z`` and the candidate ``n``."""
    weight_ih, weight_hh, bias_ih, bias_hh = weights
    h = state[0]
    # Both maps apart: r scales W_hn h + b_hn alone.
    x_r, x_z, x_n = tensorgrad.linear(x, weight_ih, bias_ih).chunk(3, -1)
    h_r, h_z, h_n = tensorgrad.linear(h, weight_hh, bias_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)  # (1 - z) n + z h, with one product fewer


def _gate_inputs(
    x: Array,
    h: Array,
    weight_ih: Value,
    weight_hh: Value,
    bias_ih: Value | None,
    bias_hh: Value | None,
) -> Value:
    """``W_ih x + b_ih + W_hh h + b_hh``, the gates' pre-activations of a step (N, gates·H),
    one node (RNN and LSTM sum the two maps; a GRU keeps them apart)."""
    x_data, h_data = plain(x), plain(h)
    data = x_data @ weight_ih._data.T
    data += h_data @ weight_hh._data.T
    biases = [b for b in (bias_ih, bias_hh) if b is not None]
    for bias in biases:
        data += bias._data
    shape = like(biases[0]._data) if biases else None  # a bias's gradient reads its shape only
    saved = (x_data, h_data, weight_ih._data, weight_hh._data, shape, shape)
    operands = (x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    return record(data, "gate_inputs", _gate_inputs_backward, operands, saved)


def _gate_inputs_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d(W_ih x + b_ih + W_hh h + b_hh) = W_ih dx + dW_ih x + db_ih + W_hh dh + dW_hh h
    + db_hh, so x gets g W_ih, h gets g W_hh, W_ih gets gᵀ x, W_hh gets gᵀ h, and each bias
    g summed over the batch"""
    if i < 2:  # x, h
        return g @ saved[2 + i]
    if i < 4:  # weight_ih, weight_hh
        return g.T @ saved[i - 2]
    return g.sum(0)


# The LSTM's gate math as two nodes (see the module's docstring for why). Both read the
# pre-activations pre = [i f g o] (..., 4H) whole: their gradients are pre's four blocks,
# zeros where a node has no gate, rather than four pieces each padded to pre's size.


def _lstm_cell_state(pre: Value, c: Array) -> Value:
    """``c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)`` from the pre-activations (..., 4H), one node."""
    p, c_data = pre._data, plain(c)
    s_if, cand = _gate(p, 0, 2, tensorgrad.sigmoid), _gate(p, 2, 1, tensorgrad.tanh)
    hidden = cand.shape[-1]
    data = s_if[..., hidden:] * c_data + s_if[..., :hidden] * cand
    saved = (p, c_data, s_if, cand)
    return record(data, "lstm_cell_state", _lstm_cell_state_backward, (pre, c), saved)


def _lstm_cell_state_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d c' = σ(f) dc + c σ(f)(1 - σ(f)) df + tanh(g) σ(i)(1 - σ(i)) di
    + σ(i)(1 - tanh²(g)) dg, and nothing of do

    (Under create_graph the gates are computed again from ``pre`` as a Value, so that the
    gradient can be differentiated again.)
    """
    pre, c, s_if, cand = saved
    if isinstance(pre, Value):
        s_if, cand = _gate(pre, 0, 2, tensorgrad.sigmoid), _gate(pre, 2, 1, tensorgrad.tanh)
    hidden = cand.shape[-1]
    if i == 1:
        return g * s_if[..., hidden:]
    d_if = _joined([g * cand, g * c]) * (s_if * (1 - s_if))
    return _joined([d_if, g * s_if[..., :hidden] * (1 - cand * cand), zeros_of(g)])


def _lstm_output(pre: Value, c_next: Value) -> Value:
    """``h' = σ(o) ⊙ tanh(c')`` from the pre-activations (..., 4H) and ``c'``, one node."""
    p, c_data = pre._data, c_next._data
    s_o, shown = _gate(p, 3, 1, tensorgrad.sigmoid), np.tanh(c_data)
    saved = (p, c_data, s_o, shown)
    return record(s_o * shown, "lstm_output", _lstm_output_backward, (pre, c_next), saved)


def _lstm_output_backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d h' = tanh(c') σ(o)(1 - σ(o)) do + σ(o)(1 - tanh²(c')) dc', and nothing of di, df, dg

    (Under create_graph, σ(o) and tanh(c') are computed again from Values, as in
    :func:`_lstm_cell_state_backward`.)
    """
    pre, c_next, s_o, shown = saved
    if isinstance(pre, Value):
        s_o = _gate(pre, 3, 1, tensorgrad.sigmoid)
    if isinstance(c_next, Value):
        shown = c_next.tanh()
    if i == 1:
        return g * s_o * (1 - shown * shown)
    zeros = np.zeros((*g.shape[:-1], 3 * g.shape[-1]), plain(g).dtype)
    return _joined([zeros, g * shown * (s_o * (1 - s_o))])


def _gate(pre: Any, first: int, count: int, fn: Any) -> Any:
    """``fn`` (tensorgrad's sigmoid or tanh) of ``count`` gates of ``pre`` from gate
    ``first``: an array of an array (outside the graph), a Value in the graph of a Value."""
    hidden = pre.shape[-1] // 4
    part = pre[..., first * hidden : (first + count) * hidden]
    return fn(part) if isinstance(part, Value) else fn(new_value(part))._data


def _joined(parts: list[Any]) -> Any:
    """The parts side by side along the last axis: a Value if one is (create_graph)."""
    if any(isinstance(part, Value) for part in parts):
        return tensorgrad.concatenate(parts, -1)
    return np.concatenate(parts, -1)


class _Recurrent(Module):
    """What the cells and the sequence layers share: the initial values, and the checks of
    the states and of the dtypes."""

    _gates = 1  # how many blocks of hidden_size rows the weights stack
    _n_states = 1  # h; an LSTM has (h, c)
    _kind = "cell"  # for the messages
    hidden_size: int

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        """Draw every parameter again, uniformly on ``±1/√hidden_size``, as PyTorch.

        Parameters
        ----------
        generator : numpy.random.Generator, optional
            Where to draw from; by default nn's global generator.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> cell = nn.GRUCell(2, 4)
        >>> cell.reset_parameters(np.random.default_rng(0))
        >>> bool((abs(cell.weight_hh.data) <= 0.5).all())
        True
        """
        generator = resolve_generator(generator, type(self).__name__)
        bound = 1 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for parameter in self.parameters():
            init.uniform_(parameter, -bound, bound, generator)

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        """The next states from one step's input (N, input_size) and the last states."""
        raise NotImplementedError  # pragma: no cover  (every subclass gives its own)

    def _dtype(self) -> np.dtype[Any]:
        return next(self.parameters()).dtype

    def _check_dtype(self, x: Array, what: str) -> None:
        # As PyTorch, which refuses rather than promote: a float32 cell given float64 (or
        # int) data would otherwise step in float64.
        dtype = self._dtype()
        if x.dtype != dtype:
            raise TypeError(
                f"{self}: expected {what} to have the dtype of the {self._kind}'s parameters, "
                f"{dtype}, got {x.dtype}; convert it with .astype(np.{dtype})"
            )

    def _states(self, hx: Any, shape: tuple[int, ...], input_shape: Any) -> tuple[Array, ...]:
        """The state ``hx`` (a pair ``(h, c)`` for an LSTM) if it has ``shape``, fitting an
        input of ``input_shape``, and the parameters' dtype; zeros if it is None."""
        if hx is None:
            return (np.zeros(shape, self._dtype()),) * self._n_states
        if self._n_states == 1:
            return (self._state(hx, shape, input_shape, "hx"),)
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"{self}: hx must be a pair (h, c), got {describe(hx)}")
        return tuple(self._state(s, shape, input_shape, f"hx[{k}]") for k, s in enumerate(hx))

    def _state(self, hx: Any, shape: tuple[int, ...], input_shape: Any, what: str) -> Array:
        if not isinstance(hx, (Value, np.ndarray)):
            raise TypeError(f"{self}: {what} must be a Value or a numpy array, got {describe(hx)}")
        if hx.shape != shape:
            raise ValueError(
                f"{self}: expected {what} of shape {shape} for an input of shape "
                f"{input_shape}, got shape {hx.shape}"
            )
        self._check_dtype(hx, what)
        return hx


class _CellBase(_Recurrent):
    """What the three cells share: the parameters, the check of the input, the two affine
    maps, and the repr."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        dtype: npt.DTypeLike | None,
        generator: np.random.Generator | None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.input_size = check_int(name, "input_size", input_size, minimum=0)
        self.hidden_size = check_int(name, "hidden_size", hidden_size, minimum=0)
        check_bool(name, "bias", bias)
        self.bias = bool(bias)
        dtype = check_dtype(name, dtype)
        generator = resolve_generator(generator, name)
        rows = self._gates * self.hidden_size
        self.weight_ih = Parameter(np.empty((rows, self.input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((rows, self.hidden_size), dtype=dtype))
        self.bias_ih = Parameter(np.empty(rows, dtype=dtype)) if bias else None
        self.bias_hh = Parameter(np.empty(rows, dtype=dtype)) if bias else None
        self.reset_parameters(generator)

    def _step(self, input: Array, hx: Any) -> tuple[Value, ...]:
        """The next states of the input ``x``, ``(N, input_size)`` or ``(input_size,)``,
        and the states ``hx`` (checked): the cell's :meth:`_gate_step` on a batch (of one
        row for one sample)."""
        x = check_input(input, type(self).__name__)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self}: expected an input of shape (N, {self.input_size}) or "
                f"({self.input_size},), got shape {x.shape}"
            )
        self._check_dtype(x, "the input")
        shape = (*x.shape[:-1], self.hidden_size)
        states = self._states(hx, shape, x.shape)
        weights = (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if x.ndim == 2:
            return self._gate_step(x, states, weights)
        rows = tuple(s.reshape(1, -1) for s in states)
        return tuple(s.reshape(shape) for s in self._gate_step(x.reshape(1, -1), rows, weights))

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        return text + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """An Elman recurrent cell, as ``torch.nn.RNNCell``:
    ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)``, or ReLU in place of tanh.

    Parameters
    ----------
    input_size : int
        The features of the input ``x``.
    hidden_size : int
        The features of the state ``h``.
    bias : bool, default True
        Whether to learn ``bias_ih`` and ``bias_hh``.
    nonlinearity : {"tanh", "relu"}, default "tanh"
    dtype : dtype, optional
        The dtype of the parameters, float32 or float64 (the default). Inputs and states
        must have the same.
    generator : numpy.random.Generator, optional
        Where to draw the initial values; by default nn's global generator.

    Attributes
    ----------
    weight_ih : Parameter
        Shape ``(hidden_size, input_size)``.
    weight_hh : Parameter
        Shape ``(hidden_size, hidden_size)``.
    bias_ih, bias_hh : Parameter or None
        Shape ``(hidden_size,)``. Every parameter starts uniform on ``±1/√hidden_size``.

    Raises
    ------
    TypeError
        If a size is not an int, ``bias`` not a bool, or ``dtype`` not float32 or float64;
        at a call, if the input or the state is not an array of the parameters' dtype.
    ValueError
        If a size is negative or ``nonlinearity`` unknown; at a call, if the input is not
        ``(N, input_size)`` or ``(input_size,)``, or the state does not fit it.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> cell = nn.RNNCell(3, 5, nonlinearity="relu")
    >>> cell
    RNNCell(3, 5, nonlinearity=relu)
    >>> h = None  # zeros
    >>> for x in np.ones((4, 2, 3)):  # 4 steps of a batch of 2
    ...     h = cell(x, h)
    >>> h.shape
    (2, 5)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        self.nonlinearity = _check_nonlinearity("RNNCell", nonlinearity)
        super().__init__(input_size, hidden_size, bias, dtype, generator)

    def forward(self, input: Array, hx: Array | None = None) -> Value:
        """The next state ``h'``, of shape ``(N, hidden_size)`` (or ``(hidden_size,)``), from
        the input and the state ``hx`` (zeros if None)."""
        (h,) = self._step(input, hx)
        return h

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return (_rnn_step(x, state, weights, self.nonlinearity),)

    def extra_repr(self) -> str:
        text = super().extra_repr()
        return text if self.nonlinearity == "tanh" else f"{text}, nonlinearity={self.nonlinearity}"


class LSTMCell(_CellBase):
    """A long short-term memory cell, as ``torch.nn.LSTMCell``: the state is a pair
    ``(h, c)``, and four gates decide what the cell state ``c`` forgets, what it writes and
    what ``h`` shows of it (see :mod:`nn.rnn`).

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool, default True
    dtype : dtype, optional
        float32 or float64 (the default).
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight_ih : Parameter
        Shape ``(4·hidden_size, input_size)``: the gates ``i, f, g, o`` stacked.
    weight_hh : Parameter
        Shape ``(4·hidden_size, hidden_size)``.
    bias_ih, bias_hh : Parameter or None
        Shape ``(4·hidden_size,)``. Every parameter starts uniform on ``±1/√hidden_size``.

    Raises
    ------
    TypeError
        As :class:`RNNCell`; and if the state is not a pair ``(h, c)``.
    ValueError
        As :class:`RNNCell`.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> cell = nn.LSTMCell(3, 5)
    >>> cell
    LSTMCell(3, 5)
    >>> cell.weight_ih.shape
    (20, 3)
    >>> h, c = cell(np.ones((2, 3)))  # from zeros
    >>> h, c = cell(np.ones((2, 3)), (h, c))
    >>> h.shape, c.shape
    ((2, 5), (2, 5))
    """

    _gates = 4
    _n_states = 2

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, dtype, generator)

    def forward(
        self,
        input: Array,
        hx: tuple[Array, Array] | None = None,
    ) -> tuple[Value, Value]:
        """The next state ``(h', c')``, each of shape ``(N, hidden_size)`` (or
        ``(hidden_size,)``), from the input and the state ``hx = (h, c)`` (zeros if None)."""
        h, c = self._step(input, hx)
        return h, c

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return _lstm_step(x, state, weights)


class GRUCell(_CellBase):
    """A gated recurrent unit, as ``torch.nn.GRUCell``: a reset gate and an update gate
    mix the state with a candidate (see :mod:`nn.rnn`), in PyTorch's form
    ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``.

    Parameters
    ----------
    input_size, hidden_size : int
    bias : bool, default True
    dtype : dtype, optional
        float32 or float64 (the default).
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight_ih : Parameter
        Shape ``(3·hidden_size, input_size)``: the gates ``r, z, n`` stacked.
    weight_hh : Parameter
        Shape ``(3·hidden_size, hidden_size)``.
    bias_ih, bias_hh : Parameter or None
        Shape ``(3·hidden_size,)``. Every parameter starts uniform on ``±1/√hidden_size``.

    Raises
    ------
    TypeError
        As :class:`RNNCell`.
    ValueError
        As :class:`RNNCell`.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> cell = nn.GRUCell(3, 5, bias=False)
    >>> cell
    GRUCell(3, 5, bias=False)
    >>> cell(np.ones(3)).shape  # one sample, unbatched
    (5,)
    """

    _gates = 3

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, dtype, generator)

    def forward(self, input: Array, hx: Array | None = None) -> Value:
        """The next state ``h'``, of shape ``(N, hidden_size)`` (or ``(hidden_size,)``), from
        the input and the state ``hx`` (zeros if None)."""
        (h,) = self._step(input, hx)
        return h

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return (_gru_step(x, state, weights),)


class _SequenceBase(_Recurrent):
    """What RNN, LSTM and GRU share: the parameters of every layer and direction, in
    PyTorch's names and order, the checks, the loop over layers, directions and steps, and
    the repr. A subclass gives its cell's step, :meth:`_gate_step`."""

    _kind = "layer"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        bias: bool,
        batch_first: bool,
        dropout: float,
        bidirectional: bool,
        dtype: npt.DTypeLike | None,
        generator: np.random.Generator | None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        # Sizes of at least 1, as PyTorch's (its cells take 0, its sequence layers do not).
        self.input_size = check_int(name, "input_size", input_size, minimum=1)
        self.hidden_size = check_int(name, "hidden_size", hidden_size, minimum=1)
        self.num_layers = check_int(name, "num_layers", num_layers, minimum=1)
        for argument, value in [
            ("bias", bias),
            ("batch_first", batch_first),
            ("bidirectional", bidirectional),
        ]:
            check_bool(name, argument, value)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.bidirectional = bool(bidirectional)
        self.dropout = float(check_in_interval(name, "dropout", dropout, 0, 1, closed_high=True))
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(
                f"{name}: dropout acts after every layer but the last, so dropout="
                f"{dropout} with num_layers=1 does nothing",
                stacklevel=3,
            )
        dtype = check_dtype(name, dtype)
        resolve_generator(generator, name)  # a wrong generator fails here, not at a call
        self.generator = generator
        rows = self._gates * self.hidden_size
        for layer in range(self.num_layers):
            fan_in = self.input_size if layer == 0 else self._directions * self.hidden_size
            for suffix in self._suffixes:
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (rows, fan_in),
                    "weight_hh": (rows, self.hidden_size),
                }
                if self.bias:
                    shapes.update(bias_ih=(rows,), bias_hh=(rows,))
                for kind, shape in shapes.items():
                    setattr(self, f"{kind}_l{layer}{suffix}", Parameter(np.empty(shape, dtype)))
        self.reset_parameters(generator)

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse")[: self._directions]

    def _run(self, input: Array, hx: Any) -> tuple[Value, tuple[Value, ...]]:
        """The output and the final states of every layer and direction."""
        name = type(self).__name__
        x = check_input(input, name)
        lead = "(N, T" if self.batch_first else "(T, N"
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self}: expected an input of shape {lead}, {self.input_size}) or "
                f"(T, {self.input_size}), got shape {x.shape}"
            )
        self._check_dtype(x, "the input")
        batched = x.ndim == 3
        if not batched:
            x = x.reshape(x.shape[0], 1, x.shape[1])
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        steps, batch = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(
                f"{self}: expected a sequence of 1 step or more, got an input of shape "
                f"{input.shape}"
            )
        layers = self.num_layers * self._directions
        shape = (layers, batch, self.hidden_size) if batched else (layers, self.hidden_size)
        initial = self._states(hx, shape, input.shape)
        if not batched:
            initial = tuple(s.reshape(layers, 1, self.hidden_size) for s in initial)
        finals: list[tuple[Array, ...]] = []
        for layer in range(self.num_layers):
            # Each step's input: a view of a constant's, a node of a Value's (cut once for
            # both directions).
            steps_of = x.unbind(0) if isinstance(x, Value) else x
            outputs = []
            for suffix in self._suffixes:
                weights: Weights = (
                    getattr(self, f"weight_ih_l{layer}{suffix}"),
                    getattr(self, f"weight_hh_l{layer}{suffix}"),
                    getattr(self, f"bias_ih_l{layer}{suffix}", None),
                    getattr(self, f"bias_hh_l{layer}{suffix}", None),
                )
                state = tuple(s[len(finals)] for s in initial)
                hs = []
                for t in range(steps - 1, -1, -1) if suffix else range(steps):
                    state = self._gate_step(steps_of[t], state, weights)
                    hs.append(state[0])
                finals.append(state)
                outputs.append(tensorgrad.stack(hs[::-1] if suffix else hs))
            out = outputs[0] if len(outputs) == 1 else tensorgrad.concatenate(outputs, -1)
            if self.training and self.dropout and layer < self.num_layers - 1:
                out = as_value(apply_dropout(out, self.dropout, self.generator, name), name)
            x = out
        last = tuple(tensorgrad.stack([f[k] for f in finals]) for k in range(self._n_states))
        if not batched:
            return out.reshape(steps, -1), tuple(s.reshape(shape) for s in last)
        return (out.swapaxes(0, 1) if self.batch_first else out), last

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(_SequenceBase):
    """An Elman recurrent network over a sequence, as ``torch.nn.RNN``: for every layer
    and every step ``t``, ``h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`` (or ReLU),
    with :class:`RNNCell`'s formula.

    Parameters
    ----------
    input_size : int
        The features of the input at each step.
    hidden_size : int
        The features of the state ``h``.
    num_layers : int, default 1
        How many layers are stacked: layer ``k > 0`` reads the outputs of layer ``k - 1``.
    nonlinearity : {"tanh", "relu"}, default "tanh"
    bias : bool, default True
        Whether to learn the biases ``bias_ih_l<k>`` and ``bias_hh_l<k>``.
    batch_first : bool, default False
        Whether the input and the output are ``(N, T, features)`` rather than
        ``(T, N, features)`` (the states stay ``(layers, N, hidden_size)``).
    dropout : float, default 0.0
        In training, dropout with this probability on the outputs of every layer but the
        last (a warning with ``num_layers=1``, where it does nothing, as PyTorch).
    bidirectional : bool, default False
        Whether every layer also runs from the last step to the first, its outputs joined
        to the forward direction's along the features (``D = 2``).
    dtype : dtype, optional
        The dtype of the parameters, float32 or float64 (the default). Inputs and states
        must have the same.
    generator : numpy.random.Generator, optional
        Where to draw the initial values and the dropout masks; by default nn's global
        generator.

    Attributes
    ----------
    weight_ih_l<k>, weight_hh_l<k> : Parameter
        Layer ``k``'s weights, of shapes ``(gates·hidden_size, input_size)`` for ``k = 0``,
        ``(gates·hidden_size, D·hidden_size)`` above, and ``(gates·hidden_size,
        hidden_size)``; ``gates`` is 1 (4 for an LSTM, 3 for a GRU, stacked as in their
        cells).
    bias_ih_l<k>, bias_hh_l<k> : Parameter
        Shape ``(gates·hidden_size,)``, if ``bias``.
    weight_ih_l<k>_reverse, ... : Parameter
        The backward direction's, if ``bidirectional``. Every parameter starts uniform on
        ``±1/√hidden_size``; they are registered in PyTorch's order, so that PyTorch's
        state dict loads.

    Raises
    ------
    TypeError
        If a size is not an int, ``bias``, ``batch_first`` or ``bidirectional`` not a bool,
        ``dropout`` not a number, or ``dtype`` not float32 or float64; at a call, if the
        input or a state is not an array of the parameters' dtype.
    ValueError
        If a size is below 1, ``dropout`` outside ``[0, 1]`` or ``nonlinearity`` unknown; at
        a call, if the input is not 3-D (or 2-D, unbatched) with ``input_size`` features and
        1 step or more, or a state does not fit it.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> rnn = nn.RNN(3, 5, num_layers=2, nonlinearity="relu")
    >>> rnn
    RNN(3, 5, num_layers=2)
    >>> output, h_n = rnn(np.ones((4, 2, 3)))  # 4 steps of a batch of 2
    >>> output.shape, h_n.shape
    ((4, 2, 5), (2, 2, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        self.nonlinearity = _check_nonlinearity("RNN", nonlinearity)
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            dtype,
            generator,
        )

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return (_rnn_step(x, state, weights, self.nonlinearity),)

    def forward(self, input: Array, hx: Array | None = None) -> tuple[Value, Value]:
        """The output and the final state ``(output, h_n)``.

        Parameters
        ----------
        input : Value or ndarray
            ``(T, N, input_size)``, ``(N, T, input_size)`` with ``batch_first``, or one
            sequence ``(T, input_size)``.
        hx : Value or ndarray, optional
            The initial state of every layer and direction, ``(D·num_layers, N,
            hidden_size)`` (``(D·num_layers, hidden_size)`` for one sequence); zeros if None.

        Returns
        -------
        output : Value
            The last layer's state at every step, ``(T, N, D·hidden_size)`` (or as the
            input is laid out), the two directions side by side.
        h_n : Value
            The state after the last step of every layer and direction, shaped as ``hx``
            (the backward direction's last step is the first one).

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> rnn = nn.RNN(3, 4, bidirectional=True, batch_first=True)
        >>> output, h_n = rnn(np.ones((2, 6, 3)))
        >>> output.shape, h_n.shape
        ((2, 6, 8), (2, 2, 4))
        """
        output, (h_n,) = self._run(input, hx)
        return output, h_n


class LSTM(_SequenceBase):
    """A long short-term memory network over a sequence, as ``torch.nn.LSTM``, each step
    with :class:`LSTMCell`'s gates (see :mod:`nn.rnn`).

    Parameters
    ----------
    input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        As :class:`RNN`.
    proj_size : int, default 0
        PyTorch's projection of ``h``; only 0 (no projection) is supported.
    dtype : dtype, optional
        float32 or float64 (the default).
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>, ..._reverse : Parameter
        As :class:`RNN`'s, with 4 gates ``i, f, g, o`` stacked: ``weight_ih_l0`` has shape
        ``(4·hidden_size, input_size)``.

    Raises
    ------
    TypeError
        As :class:`RNN`; and if the state is not a pair ``(h_0, c_0)``.
    ValueError
        As :class:`RNN`; and if ``proj_size`` is not 0.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> lstm = nn.LSTM(3, 5, num_layers=2, dropout=0.5)
    >>> lstm
    LSTM(3, 5, num_layers=2, dropout=0.5)
    >>> lstm.weight_ih_l0.shape, lstm.weight_ih_l1.shape
    ((20, 3), (20, 5))
    >>> output, (h_n, c_n) = lstm.eval()(np.ones((4, 2, 3)))
    >>> output.shape, h_n.shape, c_n.shape
    ((4, 2, 5), (2, 2, 5), (2, 2, 5))
    """

    _gates = 4
    _n_states = 2

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        if check_int("LSTM", "proj_size", proj_size, minimum=0):
            raise ValueError(
                f"LSTM: proj_size is not supported (only 0, no projection), got {proj_size}"
            )
        self.proj_size = 0
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            dtype,
            generator,
        )

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return _lstm_step(x, state, weights)

    def forward(
        self, input: Array, hx: tuple[Array, Array] | None = None
    ) -> tuple[Value, tuple[Value, Value]]:
        """The output and the final states ``(output, (h_n, c_n))``.

        Parameters
        ----------
        input : Value or ndarray
            As :meth:`RNN.forward`.
        hx : tuple of Value or ndarray, optional
            The initial states ``(h_0, c_0)``, each shaped as :meth:`RNN.forward`'s ``hx``;
            zeros if None.

        Returns
        -------
        output : Value
            As :meth:`RNN.forward`'s: the last layer's ``h`` at every step.
        (h_n, c_n) : tuple of Value
            The states ``h`` and ``c`` after the last step, shaped as ``h_0``.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> lstm = nn.LSTM(3, 4)
        >>> h_0 = c_0 = np.zeros((1, 4))  # one sequence, unbatched
        >>> output, (h_n, c_n) = lstm(np.ones((6, 3)), (h_0, c_0))
        >>> output.shape, h_n.shape
        ((6, 4), (1, 4))
        """
        output, (h_n, c_n) = self._run(input, hx)
        return output, (h_n, c_n)


class GRU(_SequenceBase):
    """A gated recurrent network over a sequence, as ``torch.nn.GRU``, each step with
    :class:`GRUCell`'s gates (see :mod:`nn.rnn`).

    Parameters
    ----------
    input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        As :class:`RNN`.
    dtype : dtype, optional
        float32 or float64 (the default).
    generator : numpy.random.Generator, optional

    Attributes
    ----------
    weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>, ..._reverse : Parameter
        As :class:`RNN`'s, with 3 gates ``r, z, n`` stacked: ``weight_ih_l0`` has shape
        ``(3·hidden_size, input_size)``.

    Raises
    ------
    TypeError
        As :class:`RNN`.
    ValueError
        As :class:`RNN`.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> gru = nn.GRU(3, 4, bias=False, bidirectional=True)
    >>> gru
    GRU(3, 4, bias=False, bidirectional=True)
    >>> [name for name, _ in gru.named_parameters()]
    ['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse']
    """

    _gates = 3

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: npt.DTypeLike | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            dtype,
            generator,
        )

    def _gate_step(self, x: Array, state: tuple[Array, ...], weights: Weights) -> tuple[Value, ...]:
        return (_gru_step(x, state, weights),)

    def forward(self, input: Array, hx: Array | None = None) -> tuple[Value, Value]:
        """The output and the final state ``(output, h_n)``, as :meth:`RNN.forward`.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> output, h_n = nn.GRU(3, 4, num_layers=3)(np.ones((5, 2, 3)))
        >>> output.shape, h_n.shape
        ((5, 2, 4), (3, 2, 4))
        """
        output, (h_n,) = self._run(input, hx)
        return output, h_n

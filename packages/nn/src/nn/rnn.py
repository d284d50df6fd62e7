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
``(gates·hidden_size, hidden_size)``. Each step is then two :func:`tensorgrad.linear` nodes
(one large matrix product each, which BLAS runs far faster than four small ones) whose
result is cut into the gates with :func:`tensorgrad.chunk`; and a state dict of PyTorch's
cells loads as it is. A step is some fifteen nodes of tensorgrad ops (an LSTM), each with its
own backward: no fused cell op.

:class:`RNN`, :class:`LSTM` and :class:`GRU` run a cell over a whole sequence ``(T, N,
input_size)``, layer after layer, in one direction or both, as PyTorch's. They step with the
same gate formulas as the cells (one private function per kind, which both call), but
compute the input's affine map ``W_ih x + b_ih`` of all ``T`` steps at once, one
:func:`tensorgrad.linear` over the whole sequence: only ``W_hh h + b_hh`` depends on the
previous step, so only it stays inside the time loop. The states of every step are stacked
once, at the end of each direction.
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


# -- the gates: one formula per kind of cell, which the cells and the sequence layers step with.
# Each takes the two affine maps, from_x = W_ih x + b_ih and from_h = W_hh h + b_hh, already
# made (the sequence layers make the first for every step at once).


def _rnn_gates(from_x: Value, from_h: Value, nonlinearity: str) -> Value:
    """``h' = tanh(from_x + from_h)`` (or ReLU)."""
    pre = from_x + from_h
    return pre.tanh() if nonlinearity == "tanh" else pre.relu()


def _lstm_gates(from_x: Value, from_h: Value, c: Array) -> tuple[Value, Value]:
    """``(h', c')`` from the gates ``i, f, g, o`` and the cell state ``c``."""
    i, f, g, o = (from_x + from_h).chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_next.tanh(), c_next


def _gru_gates(from_x: Value, from_h: Value, h: Array) -> Value:
    """``h'`` from the gates ``r, z`` and the candidate ``n``."""
    x_r, x_z, x_n = from_x.chunk(3, -1)
    h_r, h_z, h_n = from_h.chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)  # (1 - z) n + z h, with one product fewer


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

    def _step(self, input: Array, hx: Any) -> tuple[Value, Value, tuple[Array, ...]]:
        """The gates' pre-activations ``W_ih x + b_ih`` and ``W_hh h + b_hh`` of the input
        ``x``, ``(N, input_size)`` or ``(input_size,)``, and the states (checked)."""
        x = check_input(input, type(self).__name__)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self}: expected an input of shape (N, {self.input_size}) or "
                f"({self.input_size},), got shape {x.shape}"
            )
        self._check_dtype(x, "the input")
        states = self._states(hx, (*x.shape[:-1], self.hidden_size), x.shape)
        from_x = tensorgrad.linear(x, self.weight_ih, self.bias_ih)
        return from_x, tensorgrad.linear(states[0], self.weight_hh, self.bias_hh), states

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
        from_x, from_h, _ = self._step(input, hx)
        return _rnn_gates(from_x, from_h, self.nonlinearity)

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
        from_x, from_h, (_, c) = self._step(input, hx)
        return _lstm_gates(from_x, from_h, c)


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
        from_x, from_h, (h,) = self._step(input, hx)
        return _gru_gates(from_x, from_h, h)


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

    def _gate_step(
        self, from_x: Value, from_h: Value, state: tuple[Array, ...]
    ) -> tuple[Value, ...]:
        raise NotImplementedError  # pragma: no cover  (every subclass gives its own)

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
            outputs = []
            for suffix in self._suffixes:
                w_ih, w_hh = (
                    getattr(self, f"{w}_l{layer}{suffix}") for w in ("weight_ih", "weight_hh")
                )
                b_ih, b_hh = (
                    getattr(self, f"{b}_l{layer}{suffix}", None) for b in ("bias_ih", "bias_hh")
                )
                # Every step's input map at once: one product of (T·N, in) by the weights.
                from_x = tensorgrad.linear(x, w_ih, b_ih).unbind(0)
                state = tuple(s[len(finals)] for s in initial)
                hs = []
                for t in range(steps - 1, -1, -1) if suffix else range(steps):
                    from_h = tensorgrad.linear(state[0], w_hh, b_hh)
                    state = self._gate_step(from_x[t], from_h, state)
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

    def _gate_step(
        self, from_x: Value, from_h: Value, state: tuple[Array, ...]
    ) -> tuple[Value, ...]:
        return (_rnn_gates(from_x, from_h, self.nonlinearity),)

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

    def _gate_step(
        self, from_x: Value, from_h: Value, state: tuple[Array, ...]
    ) -> tuple[Value, ...]:
        return _lstm_gates(from_x, from_h, state[1])

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

    def _gate_step(
        self, from_x: Value, from_h: Value, state: tuple[Array, ...]
    ) -> tuple[Value, ...]:
        return (_gru_gates(from_x, from_h, state[0]),)

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

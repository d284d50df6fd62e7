"""A tiny neural-network library on :class:`~scalargrad.Value`, with micrograd's API.

A :class:`Neuron` computes ``relu(w · x + b)`` (or ``w · x + b`` when ``nonlin=False``),
a :class:`Layer` is a list of neurons that see the same inputs, and an :class:`MLP`
chains layers: ReLU on every hidden layer, a linear output layer.

Weights start uniform in ``[-1, 1]`` and biases at 0, as in micrograd. Pass ``rng``
(an ``int`` seed or a :class:`random.Random`) for a reproducible network; without it
the weights come from the :mod:`random` module, so ``random.seed(n)`` also works.

Every argument is checked when a module is made, and the inputs once per call (an MLP
checks them for its first layer only), so that a mistake is named where it is made.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from numbers import Integral

from scalargrad.engine import Number, Value, as_list, as_values, describe, weighted_sum_of_values

__all__ = ["MLP", "Layer", "Module", "Neuron"]

Rng = random.Random | int | None
"""A random source: a :class:`random.Random`, an ``int`` seed, or ``None`` for :mod:`random`."""


def _as_rng(rng: object, owner: str) -> random.Random | None:
    if rng is None or isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(
        f"{owner}: rng must be a random.Random, an int seed or None, got {describe(rng)}"
    )


def _size(owner: str, argument: str, value: object) -> int:
    """``value`` as an int, if it is one and ``>= 0``; else a clear error."""
    # True where a size goes is a mistake, not the number 1 (Python counts bool as an int).
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{owner}: {argument} must be a non-negative int, got {describe(value)}")
    if value < 0:
        raise ValueError(f"{owner}: {argument} must be a non-negative int, got {value!r}")
    return int(value)


def _flag(owner: str, argument: str, value: object) -> bool:
    if not isinstance(value, bool):  # else any non-empty string would switch it on
        raise TypeError(f"{owner}: {argument} must be True or False, got {describe(value)}")
    return value


class Module:
    """Base class of everything with parameters.

    Examples
    --------
    >>> from scalargrad.nn import MLP
    >>> model = MLP(2, [3, 1], rng=0)
    >>> model.zero_grad()
    >>> all(p.grad == 0.0 for p in model.parameters())
    True
    """

    def parameters(self) -> list[Value]:
        """All the trainable Values of this module (none for the base class)."""
        return []

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to 0.0.

        ``backward`` adds to ``.grad``, so call this before each training step.
        """
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One neuron: ``relu(w · x + b)``, or ``w · x + b`` when ``nonlin=False``.

    Parameters
    ----------
    nin : int
        Number of inputs.
    nonlin : bool, default True
        Apply ReLU to the output.
    rng : random.Random, int or None
        Source of the initial weights (uniform in ``[-1, 1]``); the bias starts at 0.

    Raises
    ------
    TypeError
        If ``nin`` is not an int (a bool is not one), ``nonlin`` not a bool or ``rng`` of
        another type; when called, if the input is not a list of numbers or Values.
    ValueError
        If ``nin`` is negative; when called, if the input's length is not ``nin``.

    Examples
    --------
    >>> from scalargrad.nn import Neuron
    >>> n = Neuron(2, nonlin=False, rng=0)
    >>> len(n.parameters())
    3
    >>> n([1.0, 2.0]).data == n.w[0].data + 2.0 * n.w[1].data
    True
    >>> n([1.0, "2"])
    Traceback (most recent call last):
    ...
    TypeError: Neuron: x[1] must be a number or a Value, got str '2'
    """

    def __init__(self, nin: int, nonlin: bool = True, *, rng: Rng = None) -> None:
        nin = _size("Neuron", "nin", nin)
        self.nonlin = _flag("Neuron", "nonlin", nonlin)
        r = _as_rng(rng, "Neuron")
        uniform = random.uniform if r is None else r.uniform
        self.w = [Value(uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        return self._forward(as_values(x, "Neuron", "x", len(self.w)))

    def _forward(self, xs: Sequence[Value]) -> Value:
        act = weighted_sum_of_values(self.w, xs, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons that all read the same ``nin`` inputs.

    Calling a layer returns a list of ``nout`` Values, or a single Value when
    ``nout == 1``.

    Parameters
    ----------
    nin : int
        Number of inputs.
    nout : int
        Number of neurons, hence of outputs.
    nonlin : bool, default True
        Passed to every :class:`Neuron`.
    rng : random.Random, int or None
        Source of the initial weights.

    Raises
    ------
    TypeError
        If ``nin`` or ``nout`` is not an int (a bool is not one), ``nonlin`` not a bool or
        ``rng`` of another type; when called, if the input is not a list of numbers or Values.
    ValueError
        If ``nin`` or ``nout`` is negative; when called, if the input's length is not ``nin``.

    Examples
    --------
    >>> from scalargrad.nn import Layer
    >>> layer = Layer(3, 2, rng=0)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    >>> layer([1.0, 2.0])
    Traceback (most recent call last):
    ...
    ValueError: Layer: x must be a list of numbers or Values of length 3, got a list of length 2
    """

    def __init__(self, nin: int, nout: int, *, nonlin: bool = True, rng: Rng = None) -> None:
        self.nin = _size("Layer", "nin", nin)
        nout = _size("Layer", "nout", nout)
        nonlin = _flag("Layer", "nonlin", nonlin)
        r = _as_rng(rng, "Layer")
        self.neurons = [Neuron(self.nin, nonlin, rng=r) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        out = self._forward(as_values(x, "Layer", "x", self.nin))
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: list[Value]) -> list[Value]:
        # The inputs were checked and made Values once, by the caller, not once per neuron.
        return [n._forward(xs) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: ReLU hidden layers and a linear output layer.

    Parameters
    ----------
    nin : int
        Number of inputs.
    nouts : sequence of int
        Size of each layer; the last is the number of outputs. A single output is
        returned as a Value, several as a list.
    rng : random.Random, int or None
        Source of the initial weights: pass a seed for a reproducible network.

    Raises
    ------
    TypeError
        If ``nin`` or a size in ``nouts`` is not an int (a bool is not one), ``nouts`` is
        not a list, or ``rng`` has another type; when called, if the input is not a list of
        numbers or Values.
    ValueError
        If ``nouts`` is empty or a size is negative; when called, if the input's length is
        not ``nin``.

    Examples
    --------
    >>> from scalargrad.nn import MLP
    >>> model = MLP(2, [16, 16, 1], rng=1337)
    >>> len(model.parameters())
    337
    >>> model([0.5, -1.0])  # doctest: +ELLIPSIS
    Value(data=..., grad=0.0)
    """

    def __init__(self, nin: int, nouts: Sequence[int], *, rng: Rng = None) -> None:
        # Checked here, so that a mistake is named as MLP's argument, not a Layer's.
        self.nin = _size("MLP", "nin", nin)
        sizes = [self.nin]
        for k, size in enumerate(as_list(nouts, "MLP", "nouts", "layer sizes (ints)")):
            sizes.append(_size("MLP", f"nouts[{k}]", size))
        if len(sizes) == 1:
            raise ValueError("MLP: nouts must list at least one layer size, got an empty list")
        r = _as_rng(rng, "MLP")
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, rng=r) for i in range(last + 1)
        ]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        out = as_values(x, "MLP", "x", self.nin)
        for layer in self.layers:
            out = layer._forward(out)  # a list, even of one Value, for the next layer
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

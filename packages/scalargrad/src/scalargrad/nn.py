"""A tiny neural-network library on :class:`~scalargrad.Value`, with micrograd's API.

A :class:`Neuron` computes ``relu(w · x + b)`` (or ``w · x + b`` when ``nonlin=False``),
a :class:`Layer` is a list of neurons that see the same inputs, and an :class:`MLP`
chains layers: ReLU on every hidden layer, a linear output layer.

Weights start uniform in ``[-1, 1]`` and biases at 0, as in micrograd. Pass ``rng``
(an ``int`` seed or a :class:`random.Random`) for a reproducible network; without it
the weights come from the :mod:`random` module, so ``random.seed(n)`` also works.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from scalargrad.engine import Number, Value, _as_values, _weighted_sum

__all__ = ["MLP", "Layer", "Module", "Neuron"]

Rng = random.Random | int | None
"""A random source: a :class:`random.Random`, an ``int`` seed, or ``None`` for :mod:`random`."""


def _as_rng(rng: Rng) -> random.Random | None:
    if rng is None or isinstance(rng, random.Random):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return random.Random(rng)
    raise TypeError(f"rng must be a random.Random, an int seed or None, got {type(rng).__name__}")


def _inputs(x: Sequence[Value | Number], n: int, owner: Module) -> list[Value]:
    """The ``n`` inputs of ``owner`` as Values (numbers become constant leaves)."""
    if not hasattr(x, "__len__") or len(x) != n:
        got = f"{len(x)} inputs" if hasattr(x, "__len__") else type(x).__name__
        raise ValueError(f"{owner!r} expects a sequence of {n} inputs, got {got}")
    return _as_values(x)


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

    Examples
    --------
    >>> from scalargrad.nn import Neuron
    >>> n = Neuron(2, nonlin=False, rng=0)
    >>> len(n.parameters())
    3
    >>> n([1.0, 2.0]).data == n.w[0].data + 2.0 * n.w[1].data
    True
    """

    def __init__(self, nin: int, nonlin: bool = True, *, rng: Rng = None) -> None:
        r = _as_rng(rng)
        uniform = random.uniform if r is None else r.uniform
        self.w = [Value(uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        return self._forward(_inputs(x, len(self.w), self))

    def _forward(self, xs: Sequence[Value]) -> Value:
        act = _weighted_sum(self.w, xs, self.b)
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

    Examples
    --------
    >>> from scalargrad.nn import Layer
    >>> layer = Layer(3, 2, rng=0)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    """

    def __init__(self, nin: int, nout: int, *, nonlin: bool = True, rng: Rng = None) -> None:
        r = _as_rng(rng)
        self.nin = nin
        self.neurons = [Neuron(nin, nonlin, rng=r) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        # Check and convert the inputs once here rather than once per neuron.
        xs = _inputs(x, self.nin, self)
        out = [n._forward(xs) for n in self.neurons]
        return out[0] if len(out) == 1 else out

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
        r = _as_rng(rng)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, rng=r) for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        out: Value | Sequence[Value | Number] = x
        for layer in self.layers:
            out = layer(out)  # type: ignore[arg-type]  # a hidden layer returns a list
        return out  # type: ignore[return-value]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

"""The random numbers of nn: one global numpy Generator, or one you pass in.

Everything random in nn (initial weights, dropout masks, shuffled batches) draws from a
:class:`numpy.random.Generator`. Each such function or class takes a ``generator=``
argument; without one it uses nn's global generator, which :func:`manual_seed` resets.
So a script that starts with ``nn.manual_seed(0)`` builds the same model and trains it
the same way on every run, as ``torch.manual_seed`` does.

Internal (public so that other nn modules can import it, but not part of the API):
``resolve_generator``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed"]  # the user-facing API; resolve_generator is internal

_global = np.random.default_rng()  # unseeded until manual_seed, as in PyTorch


def manual_seed(seed: int) -> np.random.Generator:
    """Reset nn's global random generator to a fixed seed, for reproducible runs.

    Parameters
    ----------
    seed : int
        A non-negative integer.

    Returns
    -------
    numpy.random.Generator
        The new global generator.

    Examples
    --------
    >>> import nn
    >>> _ = nn.manual_seed(0)
    >>> a = nn.Linear(2, 1).weight.data.copy()
    >>> _ = nn.manual_seed(0)
    >>> bool((nn.Linear(2, 1).weight.data == a).all())
    True
    """
    global _global
    _global = np.random.default_rng(seed)
    return _global


def resolve_generator(generator: np.random.Generator | None) -> np.random.Generator:
    """The generator to draw from: the one given, or else the global one.

    Internal: what every ``generator=`` argument of nn goes through. The global generator
    is looked up at each call, so a later :func:`manual_seed` takes effect.

    Parameters
    ----------
    generator : numpy.random.Generator or None
        The generator a caller passed, or None for nn's global generator.

    Returns
    -------
    numpy.random.Generator
        ``generator`` itself if given, else the current global generator.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> from nn.random import resolve_generator
    >>> rng = np.random.default_rng(0)
    >>> resolve_generator(rng) is rng
    True
    >>> seeded = nn.manual_seed(0)
    >>> resolve_generator(None) is seeded
    True
    """
    return _global if generator is None else generator

"""The random numbers of nn: one global numpy Generator, or one you pass in.

Everything random in nn (initial weights, dropout masks, shuffled batches) draws from a
:class:`numpy.random.Generator`. Each such function or class takes a ``generator=``
argument; without one it uses nn's global generator, which :func:`manual_seed` resets.
So a script that starts with ``nn.manual_seed(0)`` builds the same model and trains it
the same way on every run, as ``torch.manual_seed`` does.
"""

from __future__ import annotations

import numpy as np

__all__ = ["manual_seed"]

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


def _generator(generator: np.random.Generator | None) -> np.random.Generator:
    """The generator to draw from: the one given, or else the global one."""
    return _global if generator is None else generator

"""The random numbers of nn: one global numpy Generator, or one you pass in.

Everything random in nn (initial weights, dropout masks, shuffled batches) draws from a
:class:`numpy.random.Generator`. Each such function or class takes a ``generator=``
argument; without one it uses the global generator,
:data:`tensorgrad.factories.default_generator` (tensorgrad's random factories draw from it too),
which :func:`manual_seed` reseeds.
So a script that starts with ``nn.manual_seed(0)`` builds the same model and trains it
the same way on every run, as ``torch.manual_seed`` does.

Internal (public so that other nn modules can import it, but not part of the API):
``resolve_generator``.
"""

from __future__ import annotations

import numpy as np

from tensorgrad import factories

__all__ = ["manual_seed"]  # the user-facing API; resolve_generator is internal


# One global generator for nn and tensorgrad, so that one call seeds every draw (two
# generators seeded alike would give the init and the factories the same numbers).
manual_seed = factories.manual_seed


def resolve_generator(
    generator: np.random.Generator | None, caller: str = ""
) -> np.random.Generator:
    """The generator to draw from: the one given, or else the global one.

    Internal: what every ``generator=`` argument of nn goes through. The global generator
    is looked up at each call, so a later :func:`manual_seed` takes effect.

    Parameters
    ----------
    generator : numpy.random.Generator or None
        The generator a caller passed, or None for the global generator.
    caller : str, optional
        The function or class that takes ``generator=``, to start the message of an error.

    Returns
    -------
    numpy.random.Generator
        ``generator`` itself if given, else the current global generator.

    Raises
    ------
    TypeError
        If ``generator`` is something else, such as a seed or a legacy
        ``numpy.random.RandomState`` (which draws other numbers for the same calls).

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
    >>> resolve_generator(0, "Dropout")
    Traceback (most recent call last):
    ...
    TypeError: Dropout: generator must be a numpy.random.Generator or None, got int 0; ...
    """
    if generator is None:
        return factories.default_generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"{caller + ': ' if caller else ''}generator must be a numpy.random.Generator or "
            f"None, got "
            f"{type(generator).__name__} {generator!r}; to seed one, pass "
            f"numpy.random.default_rng(0)"
        )
    return generator

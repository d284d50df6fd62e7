"""Similarities between vectors, as modules: :class:`CosineSimilarity`."""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from nn import functional as F  # noqa: N812  (PyTorch's conventional name)
from nn.checks import check_int
from nn.module import Module
from tensorgrad import Value

__all__ = ["CosineSimilarity"]


class CosineSimilarity(Module):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``; see
    :func:`nn.functional.cosine_similarity`.

    Parameters
    ----------
    dim : int, default 1
    eps : float, default 1e-8
        The floor of each norm.

    Raises
    ------
    TypeError
        If ``dim`` is not an int or ``eps`` not a real number.
    ValueError
        If ``eps`` is negative.

    Examples
    --------
    >>> from nn import CosineSimilarity
    >>> from tensorgrad import Value
    >>> CosineSimilarity(dim=0)(Value([1.0, 0.0]), Value([1.0, 1.0])).item()
    0.7071067811865475
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = check_int("CosineSimilarity", "dim", dim)
        self.eps = F.check_bound("CosineSimilarity", "eps", eps, positive=False)

    def forward(self, x1: Value | npt.NDArray[Any], x2: Value | npt.NDArray[Any]) -> Value:
        """The similarities."""
        return F.cosine_similarity(x1, x2, self.dim, self.eps)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, eps={self.eps}"

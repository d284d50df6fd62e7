"""Loss functions as modules, as ``torch.nn.MSELoss`` and friends.

Each holds its settings (``reduction``, ...) and calls the function of the same name in
:mod:`nn.functional`: ``nn.CrossEntropyLoss()(logits, y)`` is
``nn.functional.cross_entropy(logits, y)``. The settings are checked when the module is
made, so a wrong one fails there, not at the first call.
"""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from nn import functional as F  # noqa: N812  (PyTorch's conventional name)
from nn.module import Module
from tensorgrad import Value

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
]

Input = Value | npt.NDArray[Any]


class _Loss(Module):
    """A loss module: holds the reduction, checked when the module is made.

    Raises
    ------
    TypeError
        If ``reduction`` is not a str.
    ValueError
        If it is not ``"mean"``, ``"sum"`` or ``"none"``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F.check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error; see :func:`nn.functional.mse_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import MSELoss
    >>> from tensorgrad import Value
    >>> MSELoss()(Value([1.0, 2.0]), np.array([1.0, 4.0])).item()
    2.0
    """

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error; see :func:`nn.functional.l1_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import L1Loss
    >>> from tensorgrad import Value
    >>> L1Loss()(Value([1.0, 2.0]), np.array([1.0, 4.0])).item()
    1.0
    """

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against class indices; see :func:`nn.functional.cross_entropy`.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float, default 0
        In ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``reduction`` is not a str or ``label_smoothing`` not a real number (a str, a
        bool, None), naming its type.
    ValueError
        If the reduction is unknown or ``label_smoothing`` is outside ``[0, 1]`` (or NaN).

    Examples
    --------
    >>> import numpy as np
    >>> from nn import CrossEntropyLoss
    >>> from tensorgrad import Value
    >>> loss_fn = CrossEntropyLoss(label_smoothing=0.1)
    >>> loss_fn
    CrossEntropyLoss(reduction='mean', label_smoothing=0.1)
    >>> round(loss_fn(Value([[0.0, 0.0]]), np.array([1])).item(), 4)  # log 2
    0.6931
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        F.check_label_smoothing(label_smoothing, "CrossEntropyLoss")
        self.label_smoothing = label_smoothing

    def forward(self, input: Input, target: npt.ArrayLike) -> Value:
        """The loss."""
        return F.cross_entropy(input, target, self.reduction, self.label_smoothing)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, label_smoothing={self.label_smoothing}"


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities; see :func:`nn.functional.nll_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import NLLLoss
    >>> from tensorgrad import Value
    >>> NLLLoss()(Value([[-1.0, -2.0]]), np.array([1])).item()
    2.0
    """

    def forward(self, input: Input, target: npt.ArrayLike) -> Value:
        """The loss."""
        return F.nll_loss(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits; see :func:`nn.functional.binary_cross_entropy_with_logits`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import BCEWithLogitsLoss
    >>> from tensorgrad import Value
    >>> round(BCEWithLogitsLoss()(Value([0.0]), np.array([1.0])).item(), 4)  # log 2
    0.6931
    """

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.binary_cross_entropy_with_logits(input, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities; see :func:`nn.functional.binary_cross_entropy`.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import BCELoss
    >>> from tensorgrad import Value
    >>> round(BCELoss()(Value([0.5]), np.array([1.0])).item(), 4)  # log 2
    0.6931
    """

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.binary_cross_entropy(input, target, self.reduction)

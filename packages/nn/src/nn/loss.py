"""Loss functions as modules, as ``torch.nn.MSELoss`` and friends.

Each holds its settings (``reduction``, ...) and calls the function of the same name in
:mod:`nn.functional`: ``nn.CrossEntropyLoss()(logits, y)`` is
``nn.functional.cross_entropy(logits, y)``. The settings are checked when the module is
made, so a wrong one fails there, not at the first call.

As in PyTorch, a ``weight`` (and ``pos_weight``) is a *buffer* (see
:meth:`~nn.Module.register_buffer`): in the state dict, converted by ``.to(dtype)``, never
a parameter. Every argument after ``weight`` is keyword-only (see :mod:`nn.functional`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from nn import functional as F  # noqa: N812  (PyTorch's conventional name)
from nn.checks import check_bool, check_int
from nn.module import Module
from tensorgrad import Value

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
    "SmoothL1Loss",
]

Input = Value | npt.NDArray[Any]
Weight = npt.ArrayLike | Value | None


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


class _WeightedLoss(_Loss):
    """A loss module with a ``weight`` buffer (None, or an array checked when made).

    Raises
    ------
    TypeError
        If ``weight`` is not an array of real numbers (or a Value that requires grad).
    """

    weight: npt.NDArray[Any] | None  # (a buffer)

    def __init__(self, weight: Weight = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(type(self).__name__, "weight", weight))


def _buffer(owner: str, name: str, weight: Weight) -> npt.NDArray[Any] | None:
    """A weight as the array a buffer holds (a copy of a Value's), or None."""
    array = F.as_weight(owner, name, weight)
    return None if array is None else np.array(array)


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


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or probabilities; see
    :func:`nn.functional.cross_entropy`.

    Parameters
    ----------
    weight : array_like, optional
        ``(C,)``, one weight per class; kept as the buffer ``weight``.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float, default 0
        In ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``weight`` is not numbers, ``ignore_index`` not an int, ``reduction`` not a str
        or ``label_smoothing`` not a real number (a str, a bool, None), naming its type.
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
    >>> CrossEntropyLoss(np.array([1.0, 3.0]), ignore_index=0).state_dict()
    {'weight': array([1., 3.])}
    """

    def __init__(
        self,
        weight: Weight = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = check_int("CrossEntropyLoss", "ignore_index", ignore_index)
        F.check_label_smoothing(label_smoothing, "CrossEntropyLoss")
        self.label_smoothing = label_smoothing

    def forward(self, input: Input, target: npt.ArrayLike | Value) -> Value:
        """The loss."""
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def extra_repr(self) -> str:
        ignore = "" if self.ignore_index == -100 else f", ignore_index={self.ignore_index}"
        return f"{super().extra_repr()}{ignore}, label_smoothing={self.label_smoothing}"


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities; see :func:`nn.functional.nll_loss`.

    Parameters
    ----------
    weight : array_like, optional
        ``(C,)``; kept as the buffer ``weight``.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"

    Examples
    --------
    >>> import numpy as np
    >>> from nn import NLLLoss
    >>> from tensorgrad import Value
    >>> NLLLoss()(Value([[-1.0, -2.0]]), np.array([1])).item()
    2.0
    >>> NLLLoss(ignore_index=1)(Value([[-1.0, -2.0], [-3.0, -4.0]]), np.array([1, 0])).item()
    3.0
    """

    def __init__(
        self, weight: Weight = None, *, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = check_int("NLLLoss", "ignore_index", ignore_index)

    def forward(self, input: Input, target: npt.ArrayLike) -> Value:
        """The loss."""
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )

    def extra_repr(self) -> str:
        ignore = "" if self.ignore_index == -100 else f", ignore_index={self.ignore_index}"
        return f"{super().extra_repr()}{ignore}"


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of logits; see :func:`nn.functional.binary_cross_entropy_with_logits`.

    Parameters
    ----------
    weight : array_like, optional
        Broadcast to the input; kept as the buffer ``weight``.
    reduction : {"mean", "sum", "none"}, default "mean"
    pos_weight : array_like, optional
        The weight of the positive term, one per class (broadcast along the last axis);
        kept as the buffer ``pos_weight``.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import BCEWithLogitsLoss
    >>> from tensorgrad import Value
    >>> round(BCEWithLogitsLoss()(Value([0.0]), np.array([1.0])).item(), 4)  # log 2
    0.6931
    >>> loss_fn = BCEWithLogitsLoss(pos_weight=np.array([2.0]))
    >>> round(loss_fn(Value([0.0]), np.array([1.0])).item(), 4)  # 2 log 2
    1.3863
    """

    pos_weight: npt.NDArray[Any] | None  # (a buffer)

    def __init__(
        self, weight: Weight = None, *, reduction: str = "mean", pos_weight: Weight = None
    ) -> None:
        super().__init__(weight, reduction)
        self.register_buffer("pos_weight", _buffer("BCEWithLogitsLoss", "pos_weight", pos_weight))

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities; see :func:`nn.functional.binary_cross_entropy`.

    Parameters
    ----------
    weight : array_like, optional
        Broadcast to the input; kept as the buffer ``weight``.
    reduction : {"mean", "sum", "none"}, default "mean"

    Examples
    --------
    >>> import numpy as np
    >>> from nn import BCELoss
    >>> from tensorgrad import Value
    >>> round(BCELoss()(Value([0.5]), np.array([1.0])).item(), 4)  # log 2
    0.6931
    """

    def __init__(self, weight: Weight = None, *, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber's loss, quadratic within ``delta`` and linear beyond; see
    :func:`nn.functional.huber_loss`.

    Raises
    ------
    TypeError, ValueError
        For a wrong reduction, or a ``delta`` that is not a positive number.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import HuberLoss
    >>> from tensorgrad import Value
    >>> HuberLoss(delta=0.5)(Value([2.0]), np.array([0.0])).item()  # 0.5 (2 - 0.25)
    0.875
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = F.check_bound("HuberLoss", "delta", delta, positive=True)

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, delta={self.delta}"


class SmoothL1Loss(_Loss):
    """Smooth L1, Huber's loss divided by ``beta``; see :func:`nn.functional.smooth_l1_loss`.

    Raises
    ------
    TypeError, ValueError
        For a wrong reduction, or a ``beta`` that is not a number ``>= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import SmoothL1Loss
    >>> from tensorgrad import Value
    >>> SmoothL1Loss(beta=0.5)(Value([2.0]), np.array([0.0])).item()  # 2 - 0.25
    1.75
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = F.check_bound("SmoothL1Loss", "beta", beta, positive=False)

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, beta={self.beta}"


class KLDivLoss(Module):
    """The Kullback-Leibler divergence; see :func:`nn.functional.kl_div` (and its note on
    ``"mean"``: use ``reduction="batchmean"``).

    Raises
    ------
    TypeError, ValueError
        For a reduction that is not "mean", "batchmean", "sum" or "none", or a
        ``log_target`` that is not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> from nn import KLDivLoss
    >>> from tensorgrad import Value
    >>> loss_fn = KLDivLoss(reduction="batchmean", log_target=True)
    >>> loss_fn(Value(np.log([[0.5, 0.5]])), np.log([[0.5, 0.5]])).item()
    0.0
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__()
        F.check_reduction(reduction, "KLDivLoss", ("mean", "sum", "none", "batchmean"))
        check_bool("KLDivLoss", "log_target", log_target)
        self.reduction = reduction
        self.log_target = bool(log_target)

    def forward(self, input: Input, target: Input) -> Value:
        """The loss."""
        return F.kl_div(input, target, self.reduction, self.log_target)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}, log_target={self.log_target}"

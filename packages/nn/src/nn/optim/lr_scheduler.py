"""Learning-rate schedules: set each group's ``lr`` once per epoch, as ``torch.optim.lr_scheduler``.

A scheduler wraps an optimizer. Making it records each group's ``initial_lr``; each
call to :meth:`~LRScheduler.step` (usually once per epoch, after the optimizer's steps)
advances ``last_epoch`` and writes the new learning rates into ``optimizer.param_groups``.
Like PyTorch's, the rules are written as updates of the current rate ("chainable"), so
two schedulers on one optimizer compose; each docstring also gives the closed form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from nn.optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "LRScheduler", "LambdaLR", "StepLR"]


class LRScheduler:
    """Base class: ``base_lrs``, ``last_epoch``, and :meth:`step`; a subclass gives the rule.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import StepLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
    >>> StepLR(opt, step_size=1).base_lrs
    [0.1]
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got {optimizer!r}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self._last_lr: list[float] = []
        self.step()  # epoch 0: sets the rates the schedule starts from

    def step(self) -> None:
        """Advance one epoch and set each group's learning rate.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> scheduler = StepLR(opt, step_size=2, gamma=0.5)
        >>> for epoch in range(4):
        ...     print(epoch, scheduler.get_last_lr())
        ...     scheduler.step()
        0 [1.0]
        1 [1.0]
        2 [0.5]
        3 [0.5]
        """
        self.last_epoch += 1
        self._last_lr = self._next_lrs()
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group, as set by the last :meth:`step`.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import LambdaLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
        >>> LambdaLR(opt, lambda epoch: 0.5).get_last_lr()
        [0.05]
        """
        return list(self._last_lr)

    def _next_lrs(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} does not define _next_lrs()")

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's position and settings (not the optimizer, nor any function).

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
        >>> StepLR(opt, step_size=3).state_dict()["last_epoch"]
        0
        """
        return {
            key: list(value) if isinstance(value, list) else value
            for key, value in vars(self).items()
            if key not in ("optimizer", "lr_lambdas")
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
        >>> scheduler = StepLR(opt, step_size=3)
        >>> scheduler.load_state_dict({"last_epoch": 7})
        >>> scheduler.last_epoch
        7
        """
        vars(self).update(state_dict)


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr = initial_lr · gamma ** (epoch // step_size)``.

    Raises
    ------
    ValueError
        If ``step_size`` is not a positive int.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import StepLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = StepLR(opt, step_size=1, gamma=0.1)
    >>> scheduler.step()
    >>> opt.param_groups[0]["lr"]
    0.1
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the initial rate down to ``eta_min`` over ``T_max`` epochs.

    Closed form: ``lr = eta_min + (initial_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2``;
    after ``T_max`` epochs the cosine goes on, back up (as in PyTorch: stop stepping, or
    make ``T_max`` the number of epochs).

    Raises
    ------
    ValueError
        If ``T_max`` is not a positive int.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import CosineAnnealingLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = CosineAnnealingLR(opt, T_max=2)
    >>> scheduler.step()
    >>> round(opt.param_groups[0]["lr"], 6)
    0.5
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        if not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        t, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if t == 0:
            return self._current_lrs()
        if (t - 1 - period) % (2 * period) == 0:
            # The bottom of the cosine: the ratio below would be 0/0 there.
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / period)) / 2
                for lr, base in zip(self._current_lrs(), self.base_lrs)
            ]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]


class LambdaLR(LRScheduler):
    """Set the learning rate to ``initial_lr · lr_lambda(epoch)``.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : function or list of functions
        ``epoch -> factor``; one for all groups, or one per group.

    Raises
    ------
    ValueError
        If a list of functions does not have one per group.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import LambdaLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = LambdaLR(opt, lambda epoch: 0.5**epoch)
    >>> scheduler.step(); scheduler.step()
    >>> opt.param_groups[0]["lr"]
    0.25
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
    ) -> None:
        n_groups = len(optimizer.param_groups)
        if callable(lr_lambda):
            self.lr_lambdas = [lr_lambda] * n_groups
        else:
            self.lr_lambdas = list(lr_lambda)
            if len(self.lr_lambdas) != n_groups:
                raise ValueError(
                    f"LambdaLR: expected {n_groups} lr_lambdas (one per parameter group), "
                    f"got {len(self.lr_lambdas)}"
                )
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        return [base * f(self.last_epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]

"""Learning-rate schedules: set each group's ``lr`` once per epoch, as ``torch.optim.lr_scheduler``.

A scheduler wraps an optimizer. Making it records each group's ``initial_lr``; each
call to :meth:`~LRScheduler.step` (usually once per epoch, after the optimizer's steps)
advances ``last_epoch`` and writes the new learning rates into ``optimizer.param_groups``.
Like PyTorch's, the rules are written as updates of the current rate ("chainable"), so
two schedulers on one optimizer compose; each docstring also gives the closed form.

Every argument is checked when the scheduler is made (and again when
:meth:`~LRScheduler.load_state_dict` loads settings), so a wrong one fails there, naming
it, rather than at some later epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nn.checks import check_int, check_non_negative, describe
from nn.optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "LRScheduler", "LambdaLR", "StepLR"]


class LRScheduler:
    """Base class: ``base_lrs``, ``last_epoch``, and :meth:`step`; a subclass gives the rule.

    Raises
    ------
    TypeError
        If ``optimizer`` is not an :class:`~nn.optim.Optimizer`.
    ValueError
        If a parameter group of the optimizer has no ``"lr"``.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import StepLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
    >>> StepLR(opt, step_size=1).base_lrs
    [0.1]
    """

    def __init__(self, optimizer: Optimizer) -> None:
        _check_optimizer(type(self).__name__, optimizer)
        self._check_settings(type(self).__name__)  # a subclass has set its arguments
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

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved (all of it, or some of its keys).

        The loaded settings are checked as the constructor checks them; a failed load
        leaves the scheduler as it was.

        Raises
        ------
        TypeError
            If ``state_dict`` is not a dict, or a setting has the wrong type.
        ValueError
            If it has a key this scheduler does not save (such as another scheduler's
            setting, or an optimizer's ``"param_groups"``), or a setting is out of range.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
        >>> scheduler = StepLR(opt, step_size=3)
        >>> scheduler.load_state_dict({"last_epoch": 7})
        >>> scheduler.last_epoch
        7
        >>> scheduler.load_state_dict({"T_max": 10})
        Traceback (most recent call last):
        ...
        ValueError: StepLR.load_state_dict: unexpected key(s) 'T_max'; StepLR saves 'step_size', ...
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{where}: expected a dict, as state_dict() returns, got {describe(state_dict)}"
            )
        saved = self.state_dict()
        unexpected = [key for key in state_dict if key not in saved]
        if unexpected:
            raise ValueError(
                f"{where}: unexpected key(s) {', '.join(map(repr, unexpected))}; "
                f"{type(self).__name__} saves {', '.join(map(repr, saved))}"
            )
        vars(self).update(state_dict)
        try:
            self._check_state(where)
        except (TypeError, ValueError):
            vars(self).update(saved)  # as it was
            raise

    def _check_settings(self, owner: str) -> None:
        """Raise TypeError or ValueError naming a bad argument; each scheduler checks its own.

        Called by the constructor, before it changes anything, and by
        :meth:`load_state_dict`.
        """

    def _check_state(self, owner: str) -> None:
        """Raise TypeError or ValueError naming a bad loaded setting, the subclass's too."""
        self._check_settings(owner)
        check_int(owner, "last_epoch", self.last_epoch, minimum=-1)
        n_groups = len(self.optimizer.param_groups)
        for key in ("base_lrs", "_last_lr"):
            lrs = getattr(self, key)
            if not isinstance(lrs, list) or len(lrs) != n_groups:
                raise ValueError(
                    f"{owner}: {key} must be a list of {n_groups} learning rates (one per "
                    f"parameter group), got {describe(lrs)}"
                )
            for k, lr in enumerate(lrs):
                check_non_negative(owner, f"{key}[{k}]", lr, "learning rate")


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr = initial_lr · gamma ** (epoch // step_size)``.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        How many epochs between two decays; at least 1.
    gamma : float, default 0.1
        The factor, ``>= 0``.

    Raises
    ------
    TypeError
        If ``optimizer`` is not an Optimizer, ``step_size`` is not an int (a bool, a float)
        or ``gamma`` not a real number, naming it and its type.
    ValueError
        If ``step_size`` is less than 1 or ``gamma`` is negative, NaN or infinite.

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
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer)

    def _check_settings(self, owner: str) -> None:
        check_int(owner, "step_size", self.step_size, minimum=1)
        check_non_negative(owner, "gamma", self.gamma)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the initial rate down to ``eta_min`` over ``T_max`` epochs.

    Closed form: ``lr = eta_min + (initial_lr - eta_min) · (1 + cos(π · epoch / T_max)) / 2``;
    after ``T_max`` epochs the cosine goes on, back up (as in PyTorch: stop stepping, or
    make ``T_max`` the number of epochs).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        The number of epochs from the initial rate to ``eta_min``; at least 1.
    eta_min : float, default 0
        The lowest rate, ``>= 0``.

    Raises
    ------
    TypeError
        If ``optimizer`` is not an Optimizer, ``T_max`` is not an int (a bool, a float) or
        ``eta_min`` not a real number, naming it and its type.
    ValueError
        If ``T_max`` is less than 1 or ``eta_min`` is negative, NaN or infinite.

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
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer)

    def _check_settings(self, owner: str) -> None:
        check_int(owner, "T_max", self.T_max, minimum=1)
        check_non_negative(owner, "eta_min", self.eta_min)

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
    TypeError
        If ``optimizer`` is not an Optimizer, ``lr_lambda`` is neither a function nor a
        list or tuple of functions, or a function returns something else than a real
        number (naming the group, the epoch and what it returned).
    ValueError
        If a list of functions does not have one per group, or a function returns a
        negative, NaN or infinite factor (a negative rate would climb the loss).

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
        _check_optimizer("LambdaLR", optimizer)  # before its groups are counted
        n_groups = len(optimizer.param_groups)
        if callable(lr_lambda):
            self.lr_lambdas = [lr_lambda] * n_groups
        elif isinstance(lr_lambda, (list, tuple)):
            self.lr_lambdas = list(lr_lambda)
            if len(self.lr_lambdas) != n_groups:
                raise ValueError(
                    f"LambdaLR: expected {n_groups} lr_lambdas (one per parameter group), "
                    f"got {len(self.lr_lambdas)}"
                )
            for k, f in enumerate(self.lr_lambdas):
                if not callable(f):
                    raise TypeError(
                        f"LambdaLR: lr_lambda[{k}] must be a function of the epoch, got "
                        f"{describe(f)}"
                    )
        else:
            raise TypeError(
                f"LambdaLR: lr_lambda must be a function of the epoch or a list of them "
                f"(one per parameter group), got {describe(lr_lambda)}"
            )
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        lrs = []
        for k, (base, f) in enumerate(zip(self.base_lrs, self.lr_lambdas)):
            factor = f(self.last_epoch)
            what = f"lr_lambda({self.last_epoch}) for parameter group {k}"
            check_non_negative("LambdaLR", what, factor, "factor")
            lrs.append(base * factor)
        return lrs


def _check_optimizer(owner: str, optimizer: object) -> None:
    """Raise unless ``optimizer`` is an Optimizer whose every group has a learning rate."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: optimizer must be an Optimizer, got {describe(optimizer)}")
    for k, group in enumerate(optimizer.param_groups):
        if "lr" not in group:
            raise ValueError(f"{owner}: parameter group {k} of the optimizer has no 'lr'")

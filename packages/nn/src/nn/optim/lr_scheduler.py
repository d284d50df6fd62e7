"""Learning-rate schedules: set each group's ``lr`` once per epoch, as ``torch.optim.lr_scheduler``.

A scheduler wraps an optimizer. Making it records each group's ``initial_lr``; each
call to :meth:`~LRScheduler.step` (usually once per epoch, after the optimizer's steps)
advances ``last_epoch`` and writes the new learning rates into ``optimizer.param_groups``.
Like PyTorch's, the rules are written as updates of the current rate ("chainable"), so
two schedulers on one optimizer compose; each docstring also gives the closed form, which
:class:`SequentialLR` uses when it hands over to the next schedule.

``last_epoch`` (``-1``, the default, starts a schedule) resumes one, as in PyTorch: the
scheduler then takes each group's ``initial_lr`` as saved by the optimizer's state dict,
moves to epoch ``last_epoch + 1`` and applies that epoch's update to the current rates.
To resume a run exactly, prefer :meth:`~LRScheduler.load_state_dict`.

Every argument is checked when the scheduler is made (and again when
:meth:`~LRScheduler.load_state_dict` loads settings), so a wrong one fails there, naming
it, rather than at some later epoch. A step that fails (such as :class:`OneCycleLR`
stepped past its end) changes nothing.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import numpy as np

from nn.checks import (
    check_bool,
    check_in_interval,
    check_int,
    check_non_negative,
    check_number,
    describe,
)
from nn.optim.optimizer import Optimizer
from tensorgrad import Value

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


class LRScheduler:
    """Base class: ``base_lrs``, ``last_epoch``, and :meth:`step`; a subclass gives the rule.

    Parameters
    ----------
    optimizer : Optimizer
    last_epoch : int, default -1
        The index of the last epoch done: -1 starts the schedule; another value resumes it
        (which needs each group's ``initial_lr``, as an optimizer's state dict saved
        during a schedule has).

    Raises
    ------
    TypeError
        If ``optimizer`` is not an :class:`~nn.optim.Optimizer`, or ``last_epoch`` not an
        int.
    ValueError
        If a parameter group of the optimizer has no ``"lr"``, ``last_epoch`` is less than
        -1, or it is not -1 and a group has no ``"initial_lr"`` (PyTorch raises a
        KeyError there).

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import StepLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1)
    >>> StepLR(opt, step_size=1).base_lrs
    [0.1]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        _check_optimizer(name, optimizer)
        last_epoch = check_int(name, "last_epoch", last_epoch, minimum=-1)
        self._check_settings(name)  # a subclass has set its arguments
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            _check_resumable(name, optimizer, last_epoch, ("initial_lr",))
        self.optimizer = optimizer
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self._initial_step()

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
        self._advance(self.last_epoch + 1, self._next_lrs)

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

    def _initial_step(self) -> None:
        """The step the constructor takes (PyTorch's ``_initial_step``)."""
        self._advance(self.last_epoch + 1, self._initial_lrs)

    def _restart(self) -> None:
        """Jump to epoch 0 with the closed form, as :class:`SequentialLR` does at a milestone."""
        self._advance(0, self._closed_form_lrs)

    def _advance(self, epoch: int, rule: Callable[[], list[float]]) -> None:
        """Move to ``epoch`` and set the rates ``rule`` gives there; nothing changes if it fails."""
        before = self.last_epoch
        self.last_epoch = epoch
        try:
            lrs = rule()
        except Exception:
            self.last_epoch = before
            raise
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def _next_lrs(self) -> list[float]:
        """The learning rates for epoch ``last_epoch``, from the current ones."""
        raise NotImplementedError(f"{type(self).__name__} does not define _next_lrs()")

    def _initial_lrs(self) -> list[float]:
        """The rates the constructor sets; those of :meth:`_next_lrs` unless PyTorch differs."""
        return self._next_lrs()

    def _closed_form_lrs(self) -> list[float]:
        """The rates at ``last_epoch`` from ``base_lrs``; those of :meth:`_next_lrs` if none."""
        return self._next_lrs()

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
            key: _copy(value)
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
        saved = self.state_dict()
        _check_keys(where, state_dict, saved, type(self).__name__)
        vars(self).update({key: _copy(value) for key, value in state_dict.items()})
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
            if key not in vars(self):  # (ReduceLROnPlateau and SequentialLR have no base_lrs)
                continue
            lrs = getattr(self, key)
            if not isinstance(lrs, list) or len(lrs) != n_groups:
                raise ValueError(
                    f"{owner}: {key} must be a list of {n_groups} learning rates (one per "
                    f"parameter group), got {describe(lrs)}"
                )
            for k, lr in enumerate(lrs):
                if key == "base_lrs":
                    check_non_negative(owner, f"{key}[{k}]", lr, "learning rate")
                else:  # a record of the last rates, which OneCycleLR may take below 0
                    check_number(owner, f"{key}[{k}]", lr, "learning rate")


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
    last_epoch : int, default -1
        See :class:`LRScheduler`.

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

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check_settings(self, owner: str) -> None:
        check_int(owner, "step_size", self.step_size, minimum=1)
        check_non_negative(owner, "gamma", self.gamma)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lrs(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each of the epochs ``milestones``.

    Closed form: ``lr = initial_lr · gamma ** (number of milestones <= epoch)``. As in
    PyTorch, the milestones are kept as a ``collections.Counter`` (an epoch listed twice
    multiplies by ``gamma²``).

    Parameters
    ----------
    optimizer : Optimizer
    milestones : sequence of int
        Epochs ``>= 0``, in increasing order (PyTorch asks for this too, without checking).
    gamma : float, default 0.1
        The factor, ``>= 0``.
    last_epoch : int, default -1
        See :class:`LRScheduler`.

    Raises
    ------
    TypeError
        If ``milestones`` is not a list or tuple of ints, or ``gamma`` not a real number.
    ValueError
        If a milestone is negative, they decrease, or ``gamma`` is negative, NaN or
        infinite.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import MultiStepLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> for epoch in range(4):
    ...     print(epoch, scheduler.get_last_lr())
    ...     scheduler.step()
    0 [1.0]
    1 [0.5]
    2 [0.5]
    3 [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Sequence[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(_milestone_list("MultiStepLR", milestones, strictly=False))
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check_settings(self, owner: str) -> None:
        if not isinstance(self.milestones, Counter):
            raise TypeError(
                f"{owner}: milestones must be a Counter of epochs (as state_dict() saves "
                f"them), got {describe(self.milestones)}"
            )
        for epoch, count in self.milestones.items():
            check_int(owner, "a milestone", epoch, minimum=0)
            check_int(owner, f"the count of milestone {epoch}", count, minimum=1)
        check_non_negative(owner, "gamma", self.gamma)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def _closed_form_lrs(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch.

    Closed form: ``lr = initial_lr · gamma ** epoch``.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The factor, ``>= 0``.
    last_epoch : int, default -1
        See :class:`LRScheduler`; resuming keeps the current rates at first.

    Raises
    ------
    TypeError
        If ``gamma`` is not a real number.
    ValueError
        If ``gamma`` is negative, NaN or infinite.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import ExponentialLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = ExponentialLR(opt, gamma=0.5)
    >>> scheduler.step(); scheduler.step()
    >>> scheduler.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check_settings(self, owner: str) -> None:
        check_non_negative(owner, "gamma", self.gamma)

    def _initial_lrs(self) -> list[float]:
        return self._current_lrs()

    def _next_lrs(self) -> list[float]:
        return [lr * self.gamma for lr in self._current_lrs()]

    def _closed_form_lrs(self) -> list[float]:
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to ``end_factor``.

    Closed form: ``lr = initial_lr · (start_factor + (end_factor - start_factor) ·
    min(epoch, total_iters) / total_iters)``; a warm-up with the defaults.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, optional
        The factor at epoch 0, in ``(0, 1]``; 1/3 by default.
    end_factor : float, default 1.0
        The factor from epoch ``total_iters`` on, in ``[0, 1]``.
    total_iters : int, default 5
        How many epochs the change takes; at least 1.
    last_epoch : int, default -1
        See :class:`LRScheduler`; resuming keeps the current rates at first.

    Raises
    ------
    TypeError
        If a factor is not a real number or ``total_iters`` not an int.
    ValueError
        If a factor is outside its interval or ``total_iters`` is less than 1 (PyTorch
        takes 0, and then divides by it).

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import LinearLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(scheduler.get_last_lr()[0], 6))
    ...     scheduler.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _check_settings(self, owner: str) -> None:
        check_in_interval(
            owner, "start_factor", self.start_factor, 0, 1, open_low=True, closed_high=True
        )
        check_in_interval(owner, "end_factor", self.end_factor, 0, 1, closed_high=True)
        check_int(owner, "total_iters", self.total_iters, minimum=1)

    def _initial_lrs(self) -> list[float]:
        return self._next_lrs() if self.last_epoch == 0 else self._current_lrs()

    def _next_lrs(self) -> list[float]:
        start, end, t = self.start_factor, self.end_factor, self.last_epoch
        if t == 0:
            return [lr * start for lr in self._current_lrs()]
        if t > self.total_iters:
            return self._current_lrs()
        # The ratio of two consecutive factors of the closed form.
        ratio = 1.0 + (end - start) / (self.total_iters * start + (t - 1) * (end - start))
        return [lr * ratio for lr in self._current_lrs()]

    def _closed_form_lrs(self) -> list[float]:
        start, end = self.start_factor, self.end_factor
        done = min(self.total_iters, self.last_epoch)
        return [base * (start + (end - start) * done / self.total_iters) for base in self.base_lrs]


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
    last_epoch : int, default -1
        See :class:`LRScheduler`; resuming keeps the current rates at first.

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

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: int,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _check_settings(self, owner: str) -> None:
        check_int(owner, "T_max", self.T_max, minimum=1)
        check_non_negative(owner, "eta_min", self.eta_min)

    def _initial_lrs(self) -> list[float]:
        return self._current_lrs()

    def _next_lrs(self) -> list[float]:
        t, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        if (t - 1 - period) % (2 * period) == 0:
            # The bottom of the cosine: the ratio below would be 0/0 there.
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / period)) / 2
                for lr, base in zip(self._current_lrs(), self.base_lrs)
            ]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _closed_form_lrs(self) -> list[float]:
        t, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        return [
            eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / period)) / 2
            for base in self.base_lrs
        ]


class LambdaLR(LRScheduler):
    """Set the learning rate to ``initial_lr · lr_lambda(epoch)``.

    Parameters
    ----------
    optimizer : Optimizer
    lr_lambda : function or list of functions
        ``epoch -> factor``; one for all groups, or one per group.
    last_epoch : int, default -1
        See :class:`LRScheduler`.

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
        last_epoch: int = -1,
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
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        lrs = []
        for k, (base, f) in enumerate(zip(self.base_lrs, self.lr_lambdas)):
            factor = f(self.last_epoch)
            what = f"lr_lambda({self.last_epoch}) for parameter group {k}"
            check_non_negative("LambdaLR", what, factor, "factor")
            lrs.append(base * factor)
        return lrs


class OneCycleLR(LRScheduler):
    """The 1cycle policy: up from ``max_lr / div_factor`` to ``max_lr``, then down far below.

    Stepped once per batch (``total_steps`` times in all), as ``torch.optim.lr_scheduler.
    OneCycleLR``. Per group, with ``initial_lr = max_lr / div_factor`` and ``min_lr =
    initial_lr / final_div_factor``, the rate anneals (by half a cosine, or linearly):

    * from ``initial_lr`` to ``max_lr`` over the first ``pct_start · total_steps - 1`` steps,
      then from ``max_lr`` down to ``min_lr`` until step ``total_steps - 1``;
    * or, with ``three_phase``, up to ``max_lr``, back to ``initial_lr`` at step
      ``2 · pct_start · total_steps - 2``, then down to ``min_lr``.

    With ``cycle_momentum`` the momentum (SGD's and RMSprop's ``momentum``, Adam's first
    beta) moves the other way, from ``max_momentum`` down to ``base_momentum`` and back
    (in the third phase it stays at ``max_momentum``). The groups keep ``initial_lr``,
    ``max_lr``, ``min_lr`` and, with momentum, ``max_momentum`` and ``base_momentum``, as in
    PyTorch, so that an optimizer's state dict resumes the cycle.

    As in PyTorch, ``total_steps + 1`` rates are defined (epochs 0 to ``total_steps``): the
    last, set after the last optimizer step, goes on past ``min_lr`` (below 0 with the
    linear strategy); a step beyond raises. Where a phase has no length (``pct_start=1``),
    its rate is its end's, where PyTorch divides by zero.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        The peak rate, ``>= 0``; one for all groups, or one per group.
    total_steps : int, optional
        The number of steps of the cycle; else ``epochs · steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
        Give both instead of ``total_steps``.
    pct_start : float, default 0.3
        The fraction of the steps spent going up, in ``[0, 1]``.
    anneal_strategy : {"cos", "linear"}, default "cos"
    cycle_momentum : bool, default True
        Cycle the momentum too; the optimizer must have one (``momentum`` or ``betas``).
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
        The momentum's ends, ``>= 0`` (in ``[0, 1)`` for Adam's betas).
    div_factor : float, default 25
        ``initial_lr = max_lr / div_factor``; ``> 0``.
    final_div_factor : float, default 1e4
        ``min_lr = initial_lr / final_div_factor``; ``> 0``.
    three_phase : bool, default False
    last_epoch : int, default -1
        See :class:`LRScheduler`; resuming needs the groups' ``initial_lr``, ``max_lr``,
        ``min_lr`` (and momenta), as the optimizer's state dict saves them.

    Raises
    ------
    TypeError
        If an argument has the wrong type (naming it).
    ValueError
        If neither ``total_steps`` nor both ``epochs`` and ``steps_per_epoch`` are given,
        an argument is out of range, a list does not have one value per group, the
        optimizer has no momentum to cycle, or (in :meth:`~LRScheduler.step`) the cycle
        is over.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import OneCycleLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=0.1, momentum=0.9)
    >>> scheduler = OneCycleLR(
    ...     opt, max_lr=1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear"
    ... )
    >>> for step in range(5):
    ...     group = opt.param_groups[0]
    ...     print(step, round(group["lr"], 4), round(group["momentum"], 4))
    ...     opt.step()
    ...     scheduler.step()
    0 0.04 0.95
    1 1.0 0.85
    2 0.6667 0.8833
    3 0.3333 0.9167
    4 0.0 0.95
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | Sequence[float] = 0.85,
        max_momentum: float | Sequence[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        last_epoch = check_int(name, "last_epoch", last_epoch, minimum=-1)
        if total_steps is not None:
            self.total_steps = check_int(name, "total_steps", total_steps, minimum=1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = check_int(name, "epochs", epochs, minimum=1) * check_int(
                name, "steps_per_epoch", steps_per_epoch, minimum=1
            )
        else:
            raise ValueError(
                f"{name}: give total_steps, or both epochs and steps_per_epoch; got "
                f"total_steps=None, epochs={epochs!r} and steps_per_epoch={steps_per_epoch!r}"
            )
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.three_phase = three_phase
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        self._check_settings(name)
        n_groups = len(optimizer.param_groups)
        max_lrs = _per_group(name, "max_lr", max_lr, n_groups)
        check_in_interval(name, "div_factor", div_factor, 0, math.inf, open_low=True)
        check_in_interval(name, "final_div_factor", final_div_factor, 0, math.inf, open_low=True)
        momenta: list[tuple[float, float]] = []
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(
                    f"{name}: cycle_momentum=True needs an optimizer with a momentum or betas, "
                    f"and {type(optimizer).__name__} has neither; pass cycle_momentum=False"
                )
            momenta = list(
                zip(
                    self._momenta(name, "max_momentum", max_momentum, n_groups),
                    self._momenta(name, "base_momentum", base_momentum, n_groups),
                )
            )
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
            for group, (top, bottom) in zip(optimizer.param_groups, momenta):
                self._set_momentum(group, top)
                group["max_momentum"] = top
                group["base_momentum"] = bottom
        else:
            needed: tuple[str, ...] = ("initial_lr", "max_lr", "min_lr")
            if self.cycle_momentum:
                needed += ("max_momentum", "base_momentum")
            _check_resumable(name, optimizer, last_epoch, needed)
        super().__init__(optimizer, last_epoch)

    def _momenta(self, owner: str, argument: str, value: object, n_groups: int) -> list[float]:
        momenta = _per_group(owner, argument, value, n_groups)
        if self.use_beta1:  # Adam's first beta: in [0, 1), as Adam checks it
            for k, m in enumerate(momenta):
                check_in_interval(owner, f"{argument} for parameter group {k}", m, 0, 1)
        return momenta

    def _set_momentum(self, group: dict[str, Any], momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def _check_settings(self, owner: str) -> None:
        check_int(owner, "total_steps", self.total_steps, minimum=1)
        check_in_interval(owner, "pct_start", self.pct_start, 0, 1, closed_high=True)
        _check_choice(owner, "anneal_strategy", self.anneal_strategy, ("cos", "linear"))
        check_bool(owner, "three_phase", self.three_phase)
        check_bool(owner, "cycle_momentum", self.cycle_momentum)
        check_bool(owner, "use_beta1", self.use_beta1)

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        """Each phase's last step, and the group keys of its start and end rates and momenta."""
        up = float(self.pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        if self.three_phase:
            down = float(2 * self.pct_start * self.total_steps) - 2
            return [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (down, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (last, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        return [
            (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (last, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ]

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _next_lrs(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: Tried to step {step} times. The specified number of total "
                f"steps is {self.total_steps} (a cycle has total_steps steps: make it the "
                f"number of optimizer steps, or stop stepping the scheduler)"
            )
        phases = self._phases()
        lrs, momenta = [], []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for k, (end_step, lr0, lr1, m0, m1) in enumerate(phases):
                if step <= end_step or k == len(phases) - 1:
                    length = end_step - start_step
                    pct = (step - start_step) / length if length != 0 else 1.0
                    lrs.append(self._anneal(group[lr0], group[lr1], pct))
                    if self.cycle_momentum:
                        momenta.append(self._anneal(group[m0], group[m1], pct))
                    break
                start_step = end_step
        for group, momentum in zip(self.optimizer.param_groups, momenta):
            self._set_momentum(group, momentum)
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric has stopped improving.

    Call ``scheduler.step(metric)`` after each evaluation (of a validation loss, say). A
    value *improves* on the best so far when it is lower (``mode="min"``) or higher
    (``"max"``) by more than ``threshold``: relatively (``best · (1 ∓ threshold)``,
    ``threshold_mode="rel"``) or absolutely (``best ∓ threshold``, ``"abs"``). After more
    than ``patience`` epochs without improvement, each group's rate becomes
    ``max(lr · factor, min_lr)`` (unless that changes it by ``eps`` or less), and the next
    ``cooldown`` epochs do not count. As in PyTorch, a NaN metric never improves, and the
    scheduler keeps no ``base_lrs`` nor ``initial_lr``.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {"min", "max"}, default "min"
    factor : float, default 0.1
        In ``[0, 1)`` (PyTorch only asks ``< 1``).
    patience : int, default 10
        How many epochs without improvement to wait; ``>= 0``.
    threshold : float, default 1e-4
        What counts as an improvement; ``>= 0``.
    threshold_mode : {"rel", "abs"}, default "rel"
    cooldown : int, default 0
        Epochs to wait after a reduction before counting again; ``>= 0``.
    min_lr : float or list of float, default 0
        The lowest rate, for all groups or per group; ``>= 0``.
    eps : float, default 1e-8
        Smaller changes of a rate are not made; ``>= 0``.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or (in :meth:`step`) the metric is not a number.
    ValueError
        If an argument is out of range, a mode is not one of its choices, or ``min_lr``
        does not have one value per group.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import ReduceLROnPlateau
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> scheduler = ReduceLROnPlateau(opt, patience=1, factor=0.5)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 1.0]:
    ...     scheduler.step(loss)
    ...     print(scheduler.get_last_lr())
    [1.0]
    [1.0]
    [1.0]
    [0.5]
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0,
        eps: float = 1e-8,
    ) -> None:
        name = "ReduceLROnPlateau"
        _check_optimizer(name, optimizer)
        n_groups = len(optimizer.param_groups)
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr: float | None = None
            self.min_lrs = _per_group(name, "min_lr", min_lr, n_groups)
        else:
            self.default_min_lr = cast(float, min_lr)
            self.min_lrs = [self.default_min_lr] * n_groups
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self._check_settings(name)
        self.optimizer = optimizer
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self.best = math.inf if mode == "min" else -math.inf
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """Whether the epochs after a reduction are still being ignored.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import ReduceLROnPlateau
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> ReduceLROnPlateau(opt).in_cooldown
        False
        """
        return self.cooldown_counter > 0

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Record one epoch's metric, and reduce the rates if it has stopped improving.

        Parameters
        ----------
        metrics : float
            The metric: a real number, or a 0-d or one-element array or Value.

        Raises
        ------
        TypeError
            If ``metrics`` is not a number (naming its type).
        RuntimeError
            If a reduction is due, ``min_lr`` was a list, and the optimizer has gained a
            parameter group since (as PyTorch; set ``scheduler.min_lrs`` to fix it).

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import ReduceLROnPlateau
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> scheduler = ReduceLROnPlateau(opt, mode="max", patience=0)
        >>> scheduler.step(0.5); scheduler.step(0.4)  # accuracy went down
        >>> scheduler.get_last_lr()
        [0.1]
        """
        current = _metric(metrics)
        best, bad, cooldown = self.best, self.num_bad_epochs, self.cooldown_counter
        if self._is_better(current, best):
            best, bad = current, 0
        else:
            bad += 1
        if cooldown > 0:
            cooldown -= 1
            bad = 0  # epochs in cooldown do not count
        if bad > self.patience:
            self._reduce_lrs()
            cooldown, bad = self.cooldown, 0
        self.last_epoch += 1
        self.best, self.num_bad_epochs, self.cooldown_counter = best, bad, cooldown
        self._last_lr = self._current_lrs()

    def _reduce_lrs(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimizer has {len(groups)} parameter groups, "
                    f"and min_lr gave {len(self.min_lrs)} values (was a group added since?); "
                    f"set scheduler.min_lrs to a list of {len(groups)}"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def _is_better(self, current: float, best: float) -> bool:
        sign = 1.0 if self.mode == "max" else -1.0
        if self.threshold_mode == "rel":
            return sign * current > sign * best * (1.0 + sign * self.threshold)
        return sign * current > sign * (best + sign * self.threshold)

    def _check_settings(self, owner: str) -> None:
        _check_choice(owner, "mode", self.mode, ("min", "max"))
        _check_choice(owner, "threshold_mode", self.threshold_mode, ("rel", "abs"))
        check_in_interval(owner, "factor", self.factor, 0, 1)
        check_int(owner, "patience", self.patience, minimum=0)
        check_int(owner, "cooldown", self.cooldown, minimum=0)
        check_non_negative(owner, "threshold", self.threshold)
        check_non_negative(owner, "eps", self.eps)
        if self.default_min_lr is not None:
            check_non_negative(owner, "min_lr", self.default_min_lr)
        if not isinstance(self.min_lrs, list):
            raise TypeError(f"{owner}: min_lrs must be a list, got {describe(self.min_lrs)}")
        for k, min_lr in enumerate(self.min_lrs):
            check_non_negative(owner, f"min_lr for parameter group {k}", min_lr)

    def _check_state(self, owner: str) -> None:
        super()._check_state(owner)
        check_int(owner, "num_bad_epochs", self.num_bad_epochs, minimum=0)
        check_int(owner, "cooldown_counter", self.cooldown_counter, minimum=0)
        best: object = self.best
        if isinstance(best, (bool, np.bool_)) or not isinstance(best, numbers.Real):
            raise TypeError(f"{owner}: best must be a real number, got {describe(best)}")


class SequentialLR(LRScheduler):
    """Run schedulers one after the other, switching at the epochs ``milestones``.

    The usual use is a warm-up: ``SequentialLR(opt, [LinearLR(opt, ...),
    CosineAnnealingLR(opt, ...)], milestones=[5])``. PyTorch's semantics, quirks included:

    * Making it sets every group's rate back to ``initial_lr`` and restarts the first
      scheduler (the other schedulers' own first steps are undone).
    * At a milestone the next scheduler starts over from epoch 0 with its *closed form*,
      from ``initial_lr``: whatever rate the previous scheduler had reached is dropped
      (a warm-up that does not end at ``initial_lr`` jumps there).
    * Between milestones, the current scheduler's :meth:`~LRScheduler.step` runs as usual.
    * ``last_epoch`` only sets the counter of the sequence, not its schedulers' positions;
      resume with :meth:`load_state_dict`, which also restores every scheduler.

    Parameters
    ----------
    optimizer : Optimizer
    schedulers : list of LRScheduler
        At least one, all of ``optimizer``; not a ReduceLROnPlateau (whose ``step`` needs
        the metric) nor a SequentialLR.
    milestones : list of int
        The epochs at which the next scheduler takes over: one fewer than the schedulers,
        increasing, ``>= 0``.
    last_epoch : int, default -1

    Raises
    ------
    TypeError
        If ``schedulers`` is not a list of schedulers or ``milestones`` not a list of ints.
    ValueError
        If there is no scheduler, one belongs to another optimizer or is not allowed, or
        the milestones are not one fewer than the schedulers or not increasing.

    Examples
    --------
    >>> import nn
    >>> from nn.optim.lr_scheduler import ExponentialLR, LinearLR, SequentialLR
    >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    >>> warm_up = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> scheduler = SequentialLR(opt, [warm_up, decay], milestones=[2])
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(scheduler.get_last_lr()[0])
    ...     scheduler.step()
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        name = "SequentialLR"
        _check_optimizer(name, optimizer)
        last_epoch = check_int(name, "last_epoch", last_epoch, minimum=-1)
        if not isinstance(schedulers, (list, tuple)):
            raise TypeError(
                f"{name}: schedulers must be a list of schedulers, got {describe(schedulers)}"
            )
        if not schedulers:
            raise ValueError(f"{name}: expects at least one scheduler, got an empty list")
        for k, scheduler in enumerate(schedulers):
            if not isinstance(scheduler, LRScheduler):
                raise TypeError(
                    f"{name}: schedulers[{k}] must be a scheduler, got {describe(scheduler)}"
                )
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"{name}: schedulers[{k}] is a ReduceLROnPlateau, which cannot be "
                    f"sequenced: its step needs the metric"
                )
            if isinstance(scheduler, SequentialLR):
                raise ValueError(
                    f"{name}: schedulers[{k}] is a SequentialLR; list its schedulers and "
                    f"milestones in this one instead"
                )
            if scheduler.optimizer is not optimizer:
                raise ValueError(
                    f"{name}: schedulers[{k}] ({type(scheduler).__name__}) belongs to another "
                    f"optimizer than the one given; all must belong to the same"
                )
        self._milestones = _milestone_list(name, milestones, strictly=True)
        self._schedulers = list(schedulers)
        self._check_settings(name)
        self.optimizer = optimizer
        self.last_epoch = last_epoch + 1
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            scheduler.last_epoch -= 1  # undo its first step; the first one starts again
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _check_settings(self, owner: str) -> None:
        n = len(self._schedulers)
        if len(self._milestones) != n - 1:
            raise ValueError(
                f"{owner}: expects one milestone fewer than schedulers; got {n} schedulers "
                f"and {len(self._milestones)} milestones {self._milestones!r}"
            )
        _milestone_list(owner, self._milestones, strictly=True)

    def step(self) -> None:
        """Advance one epoch: step the current scheduler, or start the next at its milestone.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import ExponentialLR, SequentialLR, StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> first, then = ExponentialLR(opt, gamma=0.1), StepLR(opt, step_size=1, gamma=0.5)
        >>> scheduler = SequentialLR(opt, [first, then], milestones=[1])
        >>> scheduler.step()  # StepLR starts at epoch 0: back to initial_lr
        >>> scheduler.get_last_lr()
        [1.0]
        """
        epoch = self.last_epoch + 1
        index = bisect_right(self._milestones, epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == epoch:
            scheduler._restart()
        else:
            scheduler.step()
        self.last_epoch = epoch
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """The sequence's position, with each scheduler's state dict under ``"_schedulers"``.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import ExponentialLR, SequentialLR, StepLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> both = [ExponentialLR(opt, gamma=0.9), StepLR(opt, step_size=2)]
        >>> sorted(SequentialLR(opt, both, milestones=[3]).state_dict())
        ['_last_lr', '_milestones', '_schedulers', 'last_epoch']
        """
        saved = {
            key: _copy(value)
            for key, value in vars(self).items()
            if key not in ("optimizer", "_schedulers")
        }
        saved["_schedulers"] = [scheduler.state_dict() for scheduler in self._schedulers]
        return saved

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the sequence and each of its schedulers; a failed load changes none.

        Raises
        ------
        TypeError
            If ``state_dict`` or a part of it has the wrong type.
        ValueError
            If it has unexpected keys, another number of schedulers, or a bad setting.

        Examples
        --------
        >>> import nn
        >>> from nn.optim.lr_scheduler import ExponentialLR, SequentialLR
        >>> opt = nn.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
        >>> scheduler = SequentialLR(opt, [ExponentialLR(opt, gamma=0.9)], milestones=[])
        >>> scheduler.load_state_dict({"last_epoch": 4})
        >>> scheduler.last_epoch
        4
        """
        where = "SequentialLR.load_state_dict"
        saved = self.state_dict()
        _check_keys(where, state_dict, saved, "SequentialLR")
        states = state_dict.get("_schedulers", saved["_schedulers"])
        if not isinstance(states, (list, tuple)) or len(states) != len(self._schedulers):
            raise ValueError(
                f"{where}: '_schedulers' must be a list of {len(self._schedulers)} state dicts "
                f"(one per scheduler), got {describe(states)}"
            )
        try:
            for k, (scheduler, state) in enumerate(zip(self._schedulers, states)):
                try:
                    scheduler.load_state_dict(state)
                except (TypeError, ValueError) as error:
                    raise type(error)(f"{where}: scheduler {k}: {error}") from None
            own = {key: _copy(value) for key, value in state_dict.items() if key != "_schedulers"}
            vars(self).update(own)
            self._check_state(where)
        except (TypeError, ValueError):
            for scheduler, state in zip(self._schedulers, saved["_schedulers"]):
                scheduler.load_state_dict(state)
            vars(self).update({k: v for k, v in saved.items() if k != "_schedulers"})
            raise


def _check_optimizer(owner: str, optimizer: object) -> None:
    """Raise unless ``optimizer`` is an Optimizer whose every group has a learning rate."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: optimizer must be an Optimizer, got {describe(optimizer)}")
    for k, group in enumerate(optimizer.param_groups):
        if "lr" not in group:
            raise ValueError(f"{owner}: parameter group {k} of the optimizer has no 'lr'")


def _check_resumable(
    owner: str, optimizer: Optimizer, last_epoch: int, keys: tuple[str, ...]
) -> None:
    """Raise unless every group has what resuming at ``last_epoch`` reads (``initial_lr``...)."""
    for k, group in enumerate(optimizer.param_groups):
        lacking = [key for key in keys if key not in group]
        if lacking:
            raise ValueError(
                f"{owner}: last_epoch={last_epoch} resumes a schedule, which needs "
                f"{', '.join(map(repr, lacking))} in every parameter group, and group {k} "
                f"has none: load the optimizer's state dict saved during the schedule first, "
                f"or leave last_epoch at -1 to start a new one"
            )


def _check_keys(where: str, state_dict: object, saved: Mapping[str, Any], owner: str) -> None:
    """Raise unless ``state_dict`` is a dict whose keys are among those ``saved`` has."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"{where}: expected a dict, as state_dict() returns, got {describe(state_dict)}"
        )
    unexpected = [key for key in state_dict if key not in saved]
    if unexpected:
        raise ValueError(
            f"{where}: unexpected key(s) {', '.join(map(repr, unexpected))}; "
            f"{owner} saves {', '.join(map(repr, saved))}"
        )


def _check_choice(owner: str, argument: str, value: object, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"{owner}: {argument} must be one of {', '.join(map(repr, choices))}, got "
            f"{describe(value)}"
        )
    if value not in choices:
        raise ValueError(
            f"{owner}: {argument} must be one of {', '.join(map(repr, choices))}, got {value!r}"
        )


def _milestone_list(owner: str, milestones: object, strictly: bool) -> list[int]:
    """The milestones as a list of ints >= 0 in (strictly, if asked) increasing order."""
    if not isinstance(milestones, (list, tuple, range)):
        raise TypeError(
            f"{owner}: milestones must be a list of epochs (ints), got {describe(milestones)}"
        )
    epochs = [check_int(owner, f"milestones[{k}]", m, minimum=0) for k, m in enumerate(milestones)]
    for k in range(1, len(epochs)):
        if epochs[k] < epochs[k - 1] or (strictly and epochs[k] == epochs[k - 1]):
            raise ValueError(
                f"{owner}: milestones must be {'strictly ' if strictly else ''}increasing, got "
                f"{epochs!r} (milestones[{k}] = {epochs[k]} after {epochs[k - 1]})"
            )
    return epochs


def _per_group(owner: str, argument: str, value: object, n_groups: int) -> list[float]:
    """One number >= 0 per parameter group: ``value`` repeated, or its list checked."""
    values = list(value) if isinstance(value, (list, tuple)) else [value] * n_groups
    if len(values) != n_groups:
        raise ValueError(
            f"{owner}: {argument} must be a number or a list of {n_groups} (one per parameter "
            f"group), got {len(values)} values {values!r}"
        )
    for k, v in enumerate(values):
        listed = isinstance(value, (list, tuple))
        check_non_negative(owner, f"{argument}[{k}]" if listed else argument, v)
    return cast(list[float], values)


def _metric(metrics: object) -> float:
    """ReduceLROnPlateau's metric as a float: a number, or a one-element array or Value."""
    data = metrics.data if isinstance(metrics, Value) else metrics
    if isinstance(data, np.ndarray) and data.size == 1 and data.dtype.kind in "iuf":
        data = data.item()
    if isinstance(data, (bool, np.bool_)) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"ReduceLROnPlateau.step: metrics must be a real number (such as the validation "
            f"loss), got {describe(metrics)}"
        )
    return float(data)


def _copy(value: Any) -> Any:
    """A copy of the lists, tuples and dicts (a Counter too) in a state; the rest as it is."""
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return type(value)({k: _copy(v) for k, v in value.items()})
    return value

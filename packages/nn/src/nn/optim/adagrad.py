"""Adagrad: steps divided by the root of the sum of all squared gradients so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nn.checks import check_bool, check_non_negative
from nn.optim.optimizer import Optimizer, ParamGroup, Params, StateSpec, step_gradients
from tensorgrad import Value

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad, step for step as ``torch.optim.Adagrad``.

    For each parameter ``p`` with gradient ``g``, step ``t`` (from 1) does::

        g ← -g                                     (if maximize)
        g ← g + weight_decay · p                   (if weight_decay ≠ 0)
        s ← s + g²                                 the sum of squared gradients
        p ← p - lr / (1 + (t - 1) · lr_decay) · g / (√s + eps)

    Coordinates with large gradients so far take small steps. The state is ``step`` and
    ``sum`` (s, which starts at ``initial_accumulator_value``), in the parameter's dtype.
    As in PyTorch, every parameter has its state from the start (so
    :meth:`~nn.optim.Optimizer.state_dict` lists them all), and a parameter group added
    later gets its state when it is added.

    Parameters
    ----------
    params : iterable of Value, or of dicts
        The parameters, or parameter groups (see :class:`~nn.optim.Optimizer`).
    lr : float, default 1e-2
        The learning rate.
    lr_decay : float, default 0
        Divides the learning rate by ``1 + (t - 1) · lr_decay`` at step ``t``.
    weight_decay : float, default 0
        An L2 penalty, added to the gradient.
    initial_accumulator_value : float, default 0
        Where the sum of squared gradients starts.
    eps : float, default 1e-10
        Added to the root, to keep the division finite.
    maximize : bool, default False
        Climb the objective instead of descending it.

    Raises
    ------
    TypeError
        If ``lr``, ``lr_decay``, ``weight_decay``, ``initial_accumulator_value`` or ``eps``
        is not a real number, or ``maximize`` is not a bool, naming it and its type.
    ValueError
        If one of them is negative, NaN or infinite, naming the value. The same checks run
        on a group that :meth:`~nn.optim.Optimizer.add_param_group` adds or
        :meth:`~nn.optim.Optimizer.load_state_dict` loads.

    Examples
    --------
    >>> from nn import Adagrad
    >>> from tensorgrad import Value
    >>> x = Value([1.0, -2.0])
    >>> opt = Adagrad([x], lr=0.1)
    >>> (x * x).sum().backward()
    >>> opt.step()
    >>> x.data  # the first step is lr per coordinate: g / √(g²)
    array([ 0.9, -1.9])
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters, and give each its starting state.

        Examples
        --------
        >>> import nn
        >>> opt = nn.Adagrad(nn.Linear(2, 2).parameters(), initial_accumulator_value=0.1)
        >>> layer = nn.Linear(2, 1)
        >>> opt.add_param_group({"params": layer.parameters(), "lr": 0.5})
        >>> opt.state[layer.bias]
        {'step': 0, 'sum': array([0.1])}
        """
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.state[p] = _initial_state(p, group)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        super()._check_hyperparameters(group)
        name = type(self).__name__
        check_non_negative(name, "lr_decay", group["lr_decay"])
        check_non_negative(name, "weight_decay", group["weight_decay"])
        check_non_negative(name, "initial_accumulator_value", group["initial_accumulator_value"])
        check_non_negative(name, "eps", group["eps"], "epsilon value")
        check_bool(name, "maximize", group["maximize"])

    def _state_spec(self, group: ParamGroup) -> StateSpec:
        return {"step": "count", "sum": "array"}

    def step(self) -> None:
        """Update every parameter that has a gradient (``p.has_grad``) from its ``.grad``.

        Examples
        --------
        >>> import nn
        >>> from tensorgrad import Value
        >>> x = Value([3.0])
        >>> opt = nn.Adagrad([x], lr=1.0, lr_decay=1.0)
        >>> for _ in range(2):
        ...     opt.zero_grad()
        ...     x.sum().backward()  # gradient 1: steps of lr / (1 + (t - 1) lr_decay) / √t
        ...     opt.step()
        >>> round(float(x.data[0]), 6)  # 3 - 1 - 1 / (2 √2)
        1.646447
        """
        for group in self.param_groups:
            lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
            for p, grad in step_gradients(
                group["params"], weight_decay=group["weight_decay"], maximize=group["maximize"]
            ):
                # (A state dict loaded without an entry for p leaves it none yet.)
                state = self.state.get(p) or self.state.setdefault(p, _initial_state(p, group))
                state["step"] += 1
                clr = lr / (1 + (state["step"] - 1) * lr_decay)
                state_sum = state["sum"]
                state_sum += grad * grad
                std = np.sqrt(state_sum)
                std += eps
                p.data += (-clr * grad) / std


def _initial_state(p: Value, group: ParamGroup) -> dict[str, Any]:
    return {"step": 0, "sum": np.full_like(p.data, group["initial_accumulator_value"])}

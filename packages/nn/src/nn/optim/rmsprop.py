"""RMSprop: steps divided by a running root mean square of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.checks import check_bool, check_in_interval, check_non_negative
from nn.optim.optimizer import Optimizer, ParamGroup, Params, StateSpec, step_gradients

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop, step for step as ``torch.optim.RMSprop``.

    For each parameter ``p`` with gradient ``g``, one :meth:`step` does::

        g ← -g                                     (if maximize)
        g ← g + weight_decay · p                   (if weight_decay ≠ 0)
        v ← α v + (1 - α) g²                       running mean of the squared gradient
        m ← α m + (1 - α) g                        (if centered) running mean of the gradient
        d ← √(v - m²) + eps  (centered)  or  √v + eps
        b ← momentum · b + g / d;  p ← p - lr · b  (if momentum > 0)
        p ← p - lr · g / d                         (otherwise)

    The state is ``step``, ``square_avg`` (v), and ``momentum_buffer`` (b, with momentum)
    and ``grad_avg`` (m, centered), as in PyTorch, in the parameter's dtype. The updates
    are PyTorch's, in its order of operations, so that float32 runs agree too.

    One difference: with ``centered``, ``v - m²`` (a variance, never negative) may round to
    a tiny negative number after many steps of an almost constant gradient, where PyTorch's
    square root gives NaN; here it is taken as 0.

    Parameters
    ----------
    params : iterable of Value, or of dicts
        The parameters, or parameter groups (see :class:`~nn.optim.Optimizer`).
    lr : float, default 1e-2
        The learning rate.
    alpha : float, default 0.99
        The decay rate of the running means, in ``[0, 1)`` (PyTorch only asks ``>= 0``:
        with ``alpha >= 1`` the mean never learns, or goes negative and its root NaN).
    eps : float, default 1e-8
        Added to the root, to keep the division finite.
    weight_decay : float, default 0
        An L2 penalty, added to the gradient.
    momentum : float, default 0
        The momentum of the scaled steps.
    centered : bool, default False
        Divide by an estimate of the gradient's standard deviation instead of its root
        mean square.
    maximize : bool, default False
        Climb the objective instead of descending it.

    Raises
    ------
    TypeError
        If ``lr``, ``alpha``, ``eps``, ``weight_decay`` or ``momentum`` is not a real
        number, or ``centered`` or ``maximize`` is not a bool, naming it and its type.
    ValueError
        If ``lr``, ``eps``, ``weight_decay`` or ``momentum`` is negative, NaN or infinite,
        or ``alpha`` is outside ``[0, 1)``, naming the value. The same checks run on a
        group that :meth:`~nn.optim.Optimizer.add_param_group` adds or
        :meth:`~nn.optim.Optimizer.load_state_dict` loads.

    Examples
    --------
    >>> from nn import RMSprop
    >>> from tensorgrad import Value
    >>> x = Value([1.0, -2.0])
    >>> opt = RMSprop([x], lr=0.01, alpha=0.99)
    >>> (x * x).sum().backward()
    >>> opt.step()
    >>> x.data  # the first step is lr / √(1 - α) = 0.1 per coordinate
    array([ 0.9, -1.9])
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        super()._check_hyperparameters(group)
        name = type(self).__name__
        check_non_negative(name, "eps", group["eps"], "epsilon value")
        check_non_negative(name, "momentum", group["momentum"])
        check_non_negative(name, "weight_decay", group["weight_decay"])
        check_in_interval(name, "alpha", group["alpha"], 0, 1)
        check_bool(name, "centered", group["centered"])
        check_bool(name, "maximize", group["maximize"])

    def _state_spec(self, group: ParamGroup) -> StateSpec:
        # Optional, as Adam's max_exp_avg_sq: momentum and centered may be switched on or off
        # between steps, and step() makes a missing buffer.
        return {
            "step": "count",
            "square_avg": "array",
            "momentum_buffer": "optional array",
            "grad_avg": "optional array",
        }

    def step(self) -> None:
        """Update every parameter that has a gradient (``p.has_grad``) from its ``.grad``.

        Examples
        --------
        >>> import nn
        >>> from tensorgrad import Value
        >>> x = Value([3.0])
        >>> opt = nn.RMSprop([x], lr=0.1, momentum=0.5, centered=True)
        >>> x.sum().backward()
        >>> opt.step()
        >>> sorted(opt.state[x])
        ['grad_avg', 'momentum_buffer', 'square_avg', 'step']
        """
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            momentum = group["momentum"]
            for p, grad in step_gradients(
                group["params"], weight_decay=group["weight_decay"], maximize=group["maximize"]
            ):
                state = self.state.setdefault(p, {})
                if not state:
                    state["step"] = 0
                    state["square_avg"] = np.zeros_like(p.data)
                if momentum > 0 and "momentum_buffer" not in state:
                    state["momentum_buffer"] = np.zeros_like(p.data)
                if group["centered"] and "grad_avg" not in state:
                    state["grad_avg"] = np.zeros_like(p.data)
                state["step"] += 1
                square_avg = state["square_avg"]
                square_avg *= alpha
                square_avg += (1 - alpha) * grad * grad
                if group["centered"]:
                    grad_avg = state["grad_avg"]
                    _lerp(grad_avg, grad, 1 - alpha)
                    avg = np.sqrt(np.maximum(square_avg - grad_avg * grad_avg, 0))
                else:
                    avg = np.sqrt(square_avg)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]
                    buf *= momentum
                    buf += grad / avg
                    p.data -= lr * buf
                else:
                    p.data += (-lr * grad) / avg


def _lerp(start: np.ndarray[Any, Any], end: np.ndarray[Any, Any], weight: float) -> None:
    """``start ← start + weight · (end - start)``, in place, as ``torch.lerp_`` rounds it.

    PyTorch moves from the nearer end (from ``end`` when ``weight >= 0.5``), which rounds
    differently; the weight is first rounded to the arrays' dtype, as PyTorch does.
    """
    w = start.dtype.type(weight)
    if abs(w) < 0.5:
        start += w * (end - start)
    else:
        start -= end
        start *= 1 - w
        start += end

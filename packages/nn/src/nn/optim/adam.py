"""Adam and AdamW: steps scaled by running averages of the gradient and of its square."""

from __future__ import annotations

import math

import numpy as np

from nn.checks import check_bool, check_in_interval, check_non_negative, describe
from nn.optim.optimizer import Optimizer, ParamGroup, Params, StateSpec, step_gradients

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam, step for step as ``torch.optim.Adam``.

    For each parameter ``p`` with gradient ``g``, step ``t`` (from 1) does::

        g ← g + weight_decay · p      (L2 penalty; AdamW instead does p ← p · (1 - lr · wd))
        m ← m + (1 - β₁) (g - m)                   running mean of the gradient
        v ← β₂ v + (1 - β₂) g²                     running mean of its square
        v̂ ← max(v̂, v)  (amsgrad)  or  v
        p ← p - lr / (1 - β₁ᵗ) · m / (√v̂ / √(1 - β₂ᵗ) + eps)

    Dividing by ``1 - βᵗ`` undoes the bias of ``m`` and ``v`` towards their zero start.
    Each coordinate thus moves by about ``lr``, whatever the scale of its gradient. The
    state is ``step``, ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad,
    ``max_exp_avg_sq``.

    Parameters
    ----------
    params : iterable of Value, or of dicts
        The parameters, or parameter groups (see :class:`~nn.optim.Optimizer`).
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        The decay rates of the two running means, each in ``[0, 1)``.
    eps : float, default 1e-8
        Keeps the division finite.
    weight_decay : float, default 0
    amsgrad : bool, default False
        Divide by the largest ``v`` so far (the AMSGrad variant).
    decoupled_weight_decay : bool, default False
        Shrink the parameters directly instead of adding to the gradient: AdamW.

    Raises
    ------
    TypeError
        If ``lr``, ``eps``, ``weight_decay`` or a beta is not a real number, ``betas`` is
        not a pair (a tuple or list of two), or ``amsgrad`` or ``decoupled_weight_decay``
        is not a bool, naming it and its type.
    ValueError
        If ``lr``, ``eps`` or ``weight_decay`` is negative, NaN or infinite, ``betas`` does
        not have two values, or a beta is outside ``[0, 1)``, naming the value. The same
        checks run on a group that :meth:`~nn.optim.Optimizer.add_param_group` adds or
        :meth:`~nn.optim.Optimizer.load_state_dict` loads.

    Examples
    --------
    >>> from nn import Adam
    >>> from tensorgrad import Value
    >>> x = Value([1.0, -2.0])
    >>> opt = Adam([x], lr=0.1)
    >>> (x * x).sum().backward()
    >>> opt.step()
    >>> x.data  # each coordinate moved by lr
    array([ 0.9, -1.9])
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        super()._check_hyperparameters(group)
        name = type(self).__name__
        check_non_negative(name, "eps", group["eps"], "epsilon value")
        check_non_negative(name, "weight_decay", group["weight_decay"])
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)):
            raise TypeError(
                f"{name}: betas must be a pair of floats, such as (0.9, 0.999), got "
                f"{describe(betas)}"
            )
        if len(betas) != 2:
            raise ValueError(
                f"{name}: betas must be a pair of floats, such as (0.9, 0.999), got "
                f"{len(betas)} values: {betas!r}"
            )
        for k, beta in enumerate(betas):
            check_in_interval(name, f"betas[{k}]", beta, 0, 1, label=f"beta parameter at index {k}")
        check_bool(name, "amsgrad", group["amsgrad"])
        check_bool(name, "decoupled_weight_decay", group["decoupled_weight_decay"])

    def _state_spec(self, group: ParamGroup) -> StateSpec:
        # Optional either way: without amsgrad, a state may hold the maximum from steps taken
        # with it; with it, a state saved before it was switched on has none yet (step makes it).
        return {
            "step": "count",
            "exp_avg": "array",
            "exp_avg_sq": "array",
            "max_exp_avg_sq": "optional array",
        }

    def step(self) -> None:
        """Update every parameter that has a gradient (``p.has_grad``) from its ``.grad``."""
        for group in self.param_groups:
            lr = group["lr"]
            beta1, beta2 = group["betas"]
            eps = group["eps"]
            weight_decay = group["weight_decay"]
            amsgrad = group["amsgrad"]
            decoupled = group["decoupled_weight_decay"]
            for p, grad in step_gradients(
                group["params"], weight_decay=0.0 if decoupled else weight_decay
            ):
                state = self.state.get(p)
                if state is None:
                    state = self.state[p] = {
                        "step": 0,
                        "exp_avg": np.zeros_like(p.data),
                        "exp_avg_sq": np.zeros_like(p.data),
                    }
                if amsgrad and "max_exp_avg_sq" not in state:
                    # Made here, not only at the first step, so that amsgrad may be switched
                    # on in a group that has stepped already.
                    state["max_exp_avg_sq"] = np.zeros_like(p.data)
                state["step"] += 1
                t = state["step"]
                if decoupled and weight_decay != 0:
                    p.data *= 1 - lr * weight_decay
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg += (1 - beta1) * (grad - exp_avg)
                exp_avg_sq *= beta2
                exp_avg_sq += (1 - beta2) * grad * grad
                v_hat = exp_avg_sq
                if amsgrad:
                    v_hat = state["max_exp_avg_sq"]
                    np.maximum(v_hat, exp_avg_sq, out=v_hat)
                denom = np.sqrt(v_hat)
                denom /= math.sqrt(1 - beta2**t)
                denom += eps
                update = (lr / (1 - beta1**t)) * exp_avg
                update /= denom
                p.data -= update


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    The same as ``Adam(..., decoupled_weight_decay=True)``: each step first shrinks the
    parameters, ``p ← p · (1 - lr · weight_decay)``, instead of adding ``weight_decay · p``
    to the gradient, where Adam's scaling would weaken the decay of parameters with large
    gradients. Note the default ``weight_decay=0.01``.

    Examples
    --------
    >>> from nn import AdamW
    >>> from tensorgrad import Value
    >>> x = Value([1.0])
    >>> opt = AdamW([x], lr=0.1, weight_decay=0.5)
    >>> (x * 0).sum().backward()  # a zero gradient: only the decay acts
    >>> opt.step()
    >>> x.data
    array([0.95])
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True)

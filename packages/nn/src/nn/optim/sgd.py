"""Stochastic gradient descent, with momentum, dampening, weight decay and Nesterov momentum."""

from __future__ import annotations

from nn.checks import check_bool, check_non_negative, check_number
from nn.optim.optimizer import Optimizer, ParamGroup, Params, StateSpec, step_gradients

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, step for step as ``torch.optim.SGD``.

    For each parameter ``p`` with gradient ``g``, one :meth:`step` does::

        g ← g + weight_decay · p                          (if weight_decay ≠ 0)
        b ← g  at the first step,  else  momentum · b + (1 - dampening) · g
        g ← g + momentum · b  (nesterov)  or  b             (if momentum ≠ 0)
        p ← p - lr · g

    The momentum buffer ``b`` is ``state[p]["momentum_buffer"]``; ``p.data`` is updated
    in place, and ``p.grad`` is left as it was.

    Parameters
    ----------
    params : iterable of Value, or of dicts
        The parameters, or parameter groups (see :class:`~nn.optim.Optimizer`).
    lr : float, default 1e-3
        The learning rate.
    momentum : float, default 0
        How much of the previous update to keep (0.9 is common).
    dampening : float, default 0
        How much to damp the gradient's contribution to the momentum buffer.
    weight_decay : float, default 0
        An L2 penalty: ``weight_decay / 2 · ‖p‖²`` is added to the loss.
    nesterov : bool, default False
        Use Nesterov momentum (needs a momentum and zero dampening).

    Raises
    ------
    TypeError
        If ``lr``, ``momentum``, ``dampening`` or ``weight_decay`` is not a real number (a
        string, None, a bool...), or ``nesterov`` is not a bool, naming it and its type.
    ValueError
        If ``lr``, ``momentum`` or ``weight_decay`` is negative, any of the four is NaN or
        infinite (naming the value), or ``nesterov`` is set without momentum or with
        dampening. The same checks run on a group that
        :meth:`~nn.optim.Optimizer.add_param_group` adds or
        :meth:`~nn.optim.Optimizer.load_state_dict` loads.

    Examples
    --------
    >>> from nn import SGD
    >>> from tensorgrad import Value
    >>> x = Value([1.0, -2.0])
    >>> opt = SGD([x], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (x * x).sum().backward()  # gradient 2x
    ...     opt.step()
    >>> x.data
    array([ 0.46, -0.92])
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
        }
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        super()._check_hyperparameters(group)
        name = type(self).__name__
        check_non_negative(name, "momentum", group["momentum"])
        check_number(name, "dampening", group["dampening"])  # PyTorch sets it no range
        check_non_negative(name, "weight_decay", group["weight_decay"])
        check_bool(name, "nesterov", group["nesterov"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{name}: Nesterov momentum requires a momentum and zero dampening, got "
                f"momentum={group['momentum']!r} and dampening={group['dampening']!r}"
            )

    def _state_spec(self, group: ParamGroup) -> StateSpec:
        # A parameter has state once a step with momentum has made its buffer.
        return {"momentum_buffer": "array"}

    def step(self) -> None:
        """Update every parameter that has a gradient (``p.has_grad``) from its ``.grad``."""
        for group in self.param_groups:
            lr = group["lr"]
            momentum = group["momentum"]
            dampening = group["dampening"]
            for p, d_p in step_gradients(group["params"], weight_decay=group["weight_decay"]):
                if momentum != 0:
                    state = self.state.setdefault(p, {})
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        # A copy: d_p may be p.grad itself, which the buffer must not alias.
                        buf = state["momentum_buffer"] = d_p.copy()
                    else:
                        buf *= momentum
                        buf += d_p if dampening == 0 else (1 - dampening) * d_p
                    d_p = d_p + momentum * buf if group["nesterov"] else buf
                p.data -= lr * d_p

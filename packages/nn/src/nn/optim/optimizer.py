"""The base class of optimizers: parameter groups, per-parameter state, saving and loading.

An optimizer holds *parameter groups*: lists of parameters that share hyper-parameters
(a learning rate, a momentum...). ``SGD(model.parameters(), lr=0.1)`` makes one group;
passing a list of dicts, such as ``[{"params": body}, {"params": head, "lr": 0.01}]``,
makes several, each dict's settings overriding the defaults. Whatever an optimizer
remembers between steps for a parameter (a momentum buffer, running averages) lives in
``state[parameter]``, a dict, as in ``torch.optim``.

Internal (public so that the optimizers' modules can import it, but not part of the API):
``check_non_negative``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from tensorgrad import Value

__all__ = ["Optimizer"]  # the user-facing API; check_non_negative is internal

ParamGroup = dict[str, Any]
Params = Iterable[Value] | Iterable[Mapping[str, Any]]


class Optimizer:
    """Base class: holds the groups and the state; a subclass defines :meth:`step`.

    Parameters
    ----------
    params : iterable of Value, or of dicts
        The parameters to optimize (such as ``model.parameters()``), or parameter groups:
        dicts with a ``"params"`` key and any hyper-parameters to override.
    defaults : dict
        The hyper-parameters of a group that does not set them.

    Attributes
    ----------
    param_groups : list of dict
        Each group's ``"params"`` list and hyper-parameters; change ``group["lr"]`` to
        change the learning rate (which is what schedulers do).
    state : dict
        Per parameter, what the optimizer remembers between steps.

    Raises
    ------
    ValueError
        If there are no parameters, a parameter appears twice, or a hyper-parameter is
        invalid (naming its value).
    TypeError
        If a parameter is not a Value.

    Examples
    --------
    >>> import nn
    >>> model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> opt = nn.SGD([{"params": model[0].parameters()},
    ...               {"params": model[2].parameters(), "lr": 0.01}], lr=0.1)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.01]
    """

    def __init__(self, params: Params, defaults: Mapping[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Value, dict[str, Any]] = {}
        self.param_groups: list[ParamGroup] = []
        if isinstance(params, Value):  # iterating it would give its rows, silently
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Values or dicts, "
                f"got a single Value of shape {params.shape}; put it in a list"
            )
        given: list[Any] = list(params)
        if not given:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        groups = given if isinstance(given[0], Mapping) else [{"params": given}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters, with its own hyper-parameters (such as a new layer's).

        Examples
        --------
        >>> import nn
        >>> opt = nn.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
        >>> opt.add_param_group({"params": nn.Linear(2, 1).parameters(), "lr": 0.5})
        >>> len(opt.param_groups)
        2
        """
        name = type(self).__name__
        if not isinstance(param_group, Mapping) or "params" not in param_group:
            raise TypeError(f"{name}: a parameter group is a dict with a 'params' key")
        given = param_group["params"]
        params = [given] if isinstance(given, Value) else list(given)
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"{name}: can only optimize Values, got {type(p).__name__}")
            if id(p) in taken:
                raise ValueError(
                    f"{name}: a parameter of shape {p.shape} appears more than once in the "
                    f"parameter groups"
                )
            taken.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        self._check_hyperparameters(group)
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        """Raise ValueError naming a bad hyper-parameter of ``group``; a subclass adds its own."""
        check_non_negative(type(self).__name__, "learning rate", group["lr"])

    def step(self) -> None:
        """Update every parameter from its gradient; each optimizer defines it.

        Examples
        --------
        >>> import nn
        >>> nn.optim.Optimizer(nn.Linear(1, 1).parameters(), {"lr": 0.1}).step()
        Traceback (most recent call last):
        ...
        NotImplementedError: Optimizer does not define step()
        """
        raise NotImplementedError(f"{type(self).__name__} does not define step()")

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter, before the next backward.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> opt = nn.SGD(layer.parameters(), lr=0.1)
        >>> layer(np.ones((1, 2))).sum().backward()
        >>> opt.zero_grad()
        >>> layer.bias.grad
        array([0.])
        """
        for group in self.param_groups:
            for p in group["params"]:
                p.zero_grad()

    def state_dict(self) -> dict[str, Any]:
        """The hyper-parameters and state, as copies, with parameters as indices.

        The layout is PyTorch's: ``{"state": {index: {...}}, "param_groups": [{...,
        "params": [indices]}]}``, parameters numbered in the order of the groups.

        Examples
        --------
        >>> import nn
        >>> opt = nn.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9)
        >>> opt.state_dict()["param_groups"][0]["params"]
        [0, 1]
        """
        index = {id(p): k for k, p in enumerate(self._all_params())}
        state = {
            index[id(p)]: {key: _copy(value) for key, value in values.items()}
            for p, values in self.state.items()
        }
        groups = [
            {
                **{key: _copy(value) for key, value in group.items() if key != "params"},
                "params": [index[id(p)] for p in group["params"]],
            }
            for group in self.param_groups
        ]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state saved by :meth:`state_dict`.

        The optimizer must have the same groups, of the same sizes, as the one saved.
        Arrays are copied and converted to each parameter's dtype.

        Raises
        ------
        ValueError
            If the groups or their sizes differ, or a saved array's shape differs from
            its parameter's (naming both).

        Examples
        --------
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> saved = nn.SGD(layer.parameters(), lr=0.5).state_dict()
        >>> opt = nn.SGD(layer.parameters(), lr=0.1)
        >>> opt.load_state_dict(saved)
        >>> opt.param_groups[0]["lr"]
        0.5
        """
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the saved state has {len(saved_groups)} parameter "
                f"groups, this optimizer has {len(self.param_groups)}"
            )
        for k, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {k} has {len(saved['params'])} "
                    f"parameters in the saved state, {len(group['params'])} here"
                )
        params = dict(enumerate(self._all_params()))
        state: dict[Value, dict[str, Any]] = {}
        for index, values in state_dict["state"].items():
            p = params[int(index)]
            state[p] = {}
            for key, value in values.items():
                if isinstance(value, np.ndarray):
                    if value.shape != p.shape:
                        raise ValueError(
                            f"{name}.load_state_dict: state {key!r} of parameter {index} has "
                            f"shape {value.shape} in the saved state, but the parameter has "
                            f"shape {p.shape}"
                        )
                    value = value.astype(p.dtype)  # a copy, as the parameter's dtype
                state[p][key] = value
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({key: _copy(v) for key, v in saved.items() if key != "params"})
        self.state = state

    def _all_params(self) -> list[Value]:
        return [p for group in self.param_groups for p in group["params"]]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for k, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {k}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join([*lines, ")"])


def check_non_negative(optimizer: str, what: str, value: float) -> None:
    """Raise ValueError unless a hyper-parameter is ``>= 0`` (NaN is refused too).

    Internal: the check behind the optimizers' ``_check_hyperparameters``.

    Parameters
    ----------
    optimizer : str
        The optimizer's name, which starts the message.
    what : str
        The hyper-parameter's name, such as ``"momentum"``.
    value : float
        Its value.

    Raises
    ------
    ValueError
        If ``value`` is negative or NaN, naming the optimizer, the hyper-parameter and
        the value.

    Examples
    --------
    >>> from nn.optim.optimizer import check_non_negative
    >>> check_non_negative("SGD", "momentum", 0.9)
    >>> check_non_negative("SGD", "momentum", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: SGD: invalid momentum -0.1: it must be >= 0
    >>> check_non_negative("Adam", "eps", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: Adam: invalid eps nan: it must be >= 0
    """
    if not value >= 0.0:  # written so that NaN fails too
        raise ValueError(f"{optimizer}: invalid {what} {value!r}: it must be >= 0")


def _copy(value: Any) -> Any:
    """A copy of an array (or a list or tuple of numbers); other values as they are."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(value)
    return value

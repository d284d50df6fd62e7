"""The base class of optimizers: parameter groups, per-parameter state, saving and loading.

An optimizer holds *parameter groups*: lists of parameters that share hyper-parameters
(a learning rate, a momentum...). ``SGD(model.parameters(), lr=0.1)`` makes one group;
passing a list of dicts, such as ``[{"params": body}, {"params": head, "lr": 0.01}]``,
makes several, each dict's settings overriding the defaults. Whatever an optimizer
remembers between steps for a parameter (a momentum buffer, running averages) lives in
``state[parameter]``, a dict, as in ``torch.optim``.

Every hyper-parameter is checked when a group is made (by the constructor or
:meth:`~Optimizer.add_param_group`) and when one is loaded, so a wrong value fails there,
with a message naming it, rather than as a numpy error in the middle of a step.

The argument checks themselves live in :mod:`nn.checks`, shared with the layers.
"""

from __future__ import annotations

import numbers
import reprlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from nn.checks import check_non_negative, describe
from tensorgrad import Value

__all__ = ["Optimizer"]

ParamGroup = dict[str, Any]
Params = Iterable[Value] | Iterable[Mapping[str, Any]]
# What a parameter's state entry is, as an optimizer's _state_spec declares it.
StateSpec = dict[str, str]


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
    TypeError
        If ``params`` is not an iterable of Values or of dicts (a single Value, a dict, a
        set, a number), a parameter is not a Value, or a hyper-parameter has the wrong type
        (naming it and its type).
    ValueError
        If there are no parameters, a parameter appears twice, or a hyper-parameter is out
        of range (naming its value).

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
        name = type(self).__name__
        if not isinstance(defaults, Mapping):
            raise TypeError(f"{name}: defaults must be a dict, got {describe(defaults)}")
        self.defaults = dict(defaults)
        self.state: dict[Value, dict[str, Any]] = {}
        self.param_groups: list[ParamGroup] = []
        given = _as_list(f"{name}: params", params, "Values or dicts")
        if not given:
            raise ValueError(f"{name}: got an empty list of parameters")
        groups = given if isinstance(given[0], Mapping) else [{"params": given}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters, with its own hyper-parameters (such as a new layer's).

        Raises
        ------
        TypeError
            If ``param_group`` is not a dict, its ``"params"`` are not Values, or a
            hyper-parameter has the wrong type.
        ValueError
            If it has no ``"params"``, a parameter is already in a group, or a
            hyper-parameter is out of range. The optimizer is left as it was.

        Examples
        --------
        >>> import nn
        >>> opt = nn.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
        >>> opt.add_param_group({"params": nn.Linear(2, 1).parameters(), "lr": 0.5})
        >>> len(opt.param_groups)
        2
        """
        name = type(self).__name__
        if not isinstance(param_group, Mapping):
            raise TypeError(
                f"{name}: a parameter group must be a dict with a 'params' key, "
                f"got {describe(param_group)}"
            )
        if "params" not in param_group:
            raise ValueError(
                f"{name}: a parameter group must have a 'params' key; this one has "
                f"{_keys(param_group)}"
            )
        given = param_group["params"]
        params = [given] if isinstance(given, Value) else _as_list(f"{name}: 'params'", given)
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        for p in params:
            if not isinstance(p, Value):
                raise TypeError(f"{name}: can only optimize Values, got {describe(p)}")
            if id(p) in taken:
                raise ValueError(
                    f"{name}: a parameter of shape {p.shape} appears more than once in the "
                    f"parameter groups"
                )
            taken.add(id(p))
        group = {**self.defaults, **param_group, "params": params}
        self._check_hyperparameters(group)  # before appending: a bad group leaves no trace
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: ParamGroup) -> None:
        """Raise TypeError or ValueError naming a bad hyper-parameter of ``group``.

        A subclass checks its own after calling this one (which checks ``lr``, if any).
        """
        if "lr" in group:
            check_non_negative(type(self).__name__, "lr", group["lr"], "learning rate")

    def _state_spec(self, group: ParamGroup) -> StateSpec | None:
        """What ``state[p]`` holds for a parameter of ``group``, for :meth:`load_state_dict`.

        Each entry's name and kind: ``"array"`` (of the parameter's shape) or ``"count"``
        (an int >= 0), which a state must have, or ``"optional array"``, which it may have.
        None, here, for an optimizer that does not say: any entries are then accepted, and
        those that are arrays must have the parameter's shape.
        """
        return None

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
        Loaded hyper-parameters are checked as the constructor checks them, and each
        parameter's state as the optimizer keeps it (its entries, their shapes), so that
        another optimizer's state dict is refused when it is loaded, not at the next step.
        Everything is checked before anything changes: a failed load leaves the optimizer
        as it was. Arrays are copied and converted to each parameter's dtype.

        Raises
        ------
        TypeError
            If ``state_dict`` or a part of it has the wrong type (naming the part and the
            type): not a dict, groups that are not dicts with a ``"params"`` list of ints,
            state that is not arrays of numbers.
        ValueError
            If it lacks ``"state"`` or
            ``"param_groups"``, has another number of groups or groups of other sizes,
            lacks a hyper-parameter or has an invalid one, has state for a parameter no
            group lists, or a parameter's state has other entries than this optimizer
            keeps or arrays of another shape than the parameter's (naming both shapes).

        Examples
        --------
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> saved = nn.SGD(layer.parameters(), lr=0.5).state_dict()
        >>> opt = nn.SGD(layer.parameters(), lr=0.1)
        >>> opt.load_state_dict(saved)
        >>> opt.param_groups[0]["lr"]
        0.5
        >>> nn.Adam(layer.parameters()).load_state_dict(saved)
        Traceback (most recent call last):
        ...
        ValueError: Adam.load_state_dict: parameter group 0 has no 'betas', 'eps', ...
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{where}: expected a dict, as state_dict() returns, got {describe(state_dict)}"
            )
        lacking = [key for key in ("state", "param_groups") if key not in state_dict]
        if lacking:
            raise ValueError(
                f"{where}: the state dict has no {' and no '.join(map(repr, lacking))} key; "
                f"its keys are {_keys(state_dict)} (an optimizer's state dict has 'state' "
                f"and 'param_groups': is this a model's?)"
            )
        groups, params = self._load_groups(where, state_dict["param_groups"])
        state = self._load_state(where, state_dict["state"], params)
        # Everything checked: now change the optimizer, keeping its group dicts.
        for group, new in zip(self.param_groups, groups):
            group.update(new)
        self.state = state

    def _load_groups(
        self, where: str, saved_groups: Any
    ) -> tuple[list[ParamGroup], dict[int, tuple[Value, ParamGroup]]]:
        """The checked groups of a state dict, and its parameter indices.

        The groups are this optimizer's parameters with the saved settings. As in PyTorch,
        the k-th index a saved group lists stands for the k-th parameter of the group: the
        second result maps each index to its parameter and new group.
        """
        if not isinstance(saved_groups, (list, tuple)):
            raise TypeError(
                f"{where}: 'param_groups' must be a list of dicts, got {describe(saved_groups)}"
            )
        for k, saved in enumerate(saved_groups):
            if not isinstance(saved, Mapping) or not isinstance(saved.get("params"), list):
                raise TypeError(
                    f"{where}: parameter group {k} must be a dict with a 'params' list of "
                    f"indices, got {describe(saved)}"
                )
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: loaded state dict has a different number of parameter groups: "
                f"{len(saved_groups)}, and this optimizer has {len(self.param_groups)}"
            )
        groups = []
        params: dict[int, tuple[Value, ParamGroup]] = {}
        for k, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where}: loaded state dict contains a parameter group that doesn't "
                    f"match the size of optimizer's group: group {k} has "
                    f"{len(saved['params'])} parameters in the state dict, "
                    f"{len(group['params'])} in this optimizer"
                )
            lacking = [key for key in self.defaults if key not in saved]
            if lacking:
                raise ValueError(
                    f"{where}: parameter group {k} has no {', '.join(map(repr, lacking))}, "
                    f"which {type(self).__name__} needs; it has {_keys(saved)} (is it "
                    f"another optimizer's state dict?)"
                )
            new = {key: _copy(value) for key, value in saved.items() if key != "params"}
            new = {**group, **new, "params": group["params"]}
            try:
                self._check_hyperparameters(new)
            except (TypeError, ValueError) as error:  # say where the bad value came from
                raise type(error)(f"{where}: parameter group {k}: {error}") from None
            groups.append(new)
            for index, p in zip(saved["params"], group["params"]):
                if isinstance(index, bool) or not isinstance(index, numbers.Integral):
                    raise TypeError(
                        f"{where}: parameter group {k} lists {describe(index)}; its 'params' "
                        f"must be parameter indices (ints)"
                    )
                if int(index) in params:
                    raise ValueError(
                        f"{where}: parameter index {index} is listed more than once in the "
                        f"parameter groups"
                    )
                params[int(index)] = p, new
        return groups, params

    def _load_state(
        self, where: str, saved_state: Any, params: dict[int, tuple[Value, ParamGroup]]
    ) -> dict[Value, dict[str, Any]]:
        """The checked per-parameter state of a state dict, keyed by this optimizer's params."""
        if not isinstance(saved_state, Mapping):
            raise TypeError(
                f"{where}: 'state' must be a dict of parameter index to dict, got "
                f"{describe(saved_state)}"
            )
        state: dict[Value, dict[str, Any]] = {}
        for index, values in saved_state.items():
            if isinstance(index, str) and index.isdigit():
                index = int(index)  # a state dict written out as JSON has its keys as strings
            if isinstance(index, bool) or index not in params:
                raise ValueError(
                    f"{where}: the state has an entry for parameter {index!r}, which no "
                    f"parameter group lists (they list {_keys(params)})"
                )
            p, group = params[index]
            if not isinstance(values, Mapping):
                raise TypeError(
                    f"{where}: the state of parameter {index} must be a dict, got "
                    f"{describe(values)}"
                )
            state[p] = self._load_entries(f"{where}: parameter {index}", values, p, group)
        return state

    def _load_entries(
        self, where: str, values: Mapping[str, Any], p: Value, group: ParamGroup
    ) -> dict[str, Any]:
        """One parameter's checked state, arrays copied to the parameter's dtype."""
        spec = self._state_spec(group)
        if spec is not None:
            required = [key for key, kind in spec.items() if not kind.startswith("optional")]
            if any(key not in values for key in required) or any(k not in spec for k in values):
                raise ValueError(
                    f"{where}: its state has {_keys(values) or 'no entries'}, but "
                    f"{type(self).__name__} keeps {_keys(required)} for a parameter of this "
                    f"group (is it another optimizer's state, or saved with other settings?)"
                )
        entries: dict[str, Any] = {}
        for key, value in values.items():
            kind = spec[key].removeprefix("optional ") if spec is not None else ""
            if kind == "array" or (kind == "" and isinstance(value, np.ndarray)):
                if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
                    raise TypeError(
                        f"{where}: state {key!r} must be an array of numbers, got {describe(value)}"
                    )
                if value.shape != p.shape:
                    raise ValueError(
                        f"{where}: state {key!r} has shape {value.shape} in the state dict, "
                        f"but the parameter has shape {p.shape}"
                    )
                value = value.astype(p.dtype)  # a copy, as the parameter's dtype
            elif kind == "count":
                if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                    raise TypeError(f"{where}: state {key!r} must be an int, got {describe(value)}")
                if value < 0:
                    raise ValueError(f"{where}: state {key!r} must be >= 0, got {value!r}")
                value = int(value)
            else:
                value = _copy(value)
            entries[key] = value
        return entries

    def _all_params(self) -> list[Value]:
        return [p for group in self.param_groups for p in group["params"]]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for k, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {k}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join([*lines, ")"])


def step_gradients(
    params: Iterable[Value], *, weight_decay: float = 0.0, maximize: bool = False
) -> Iterator[tuple[Value, npt.NDArray[Any]]]:
    """Each parameter that has a gradient, with the gradient its step follows.

    Internal: the loop of every optimizer's :meth:`~Optimizer.step`. A parameter the loss
    did not use (``p.has_grad`` False) is skipped, as PyTorch skips it. The gradient is
    negated if ``maximize``, then gets the L2 penalty ``weight_decay · p`` added, in
    PyTorch's order. Without either, it is ``p.grad`` itself, not a copy.

    Parameters
    ----------
    params : iterable of Value
        A group's ``"params"``.
    weight_decay : float, default 0
        The group's L2 penalty; 0 for an optimizer that decays the parameter itself
        (AdamW's decoupled decay).
    maximize : bool, default False
        The group's ``maximize``, for an optimizer that has the option.

    Yields
    ------
    tuple of (Value, ndarray)
        The parameter and the gradient.

    Examples
    --------
    >>> from nn.optim.optimizer import step_gradients
    >>> from tensorgrad import Value
    >>> x, unused = Value([1.0, 2.0]), Value([3.0])
    >>> (x * x).sum().backward()
    >>> steps = step_gradients([x, unused], weight_decay=0.5, maximize=True)
    >>> [(p is x, grad) for p, grad in steps]  # -2x + 0.5x
    [(True, array([-1.5, -3. ]))]
    """
    for p in params:
        if not p.has_grad:
            continue
        grad = -p.grad if maximize else p.grad
        if weight_decay != 0:
            grad = grad + weight_decay * p.data
        yield p, grad


def _as_list(what: str, values: object, items: str = "Values") -> list[Any]:
    """``values`` as a list, or a TypeError saying why it cannot be one."""
    if isinstance(values, Value):  # iterating it would give its rows, silently
        raise TypeError(
            f"{what} must be an iterable of {items}, got a single Value of shape "
            f"{values.shape}; put it in a list"
        )
    if isinstance(values, Mapping):  # iterating it would give its keys
        raise TypeError(
            f"{what} must be an iterable of {items}, got a dict; to pass one parameter "
            f"group, put it in a list: [{{'params': ...}}]"
        )
    if isinstance(values, (set, frozenset)):
        # As PyTorch: a set's order changes between runs, and state_dict numbers the
        # parameters in order.
        raise TypeError(
            f"{what}: parameters must be in an ordered collection, such as a list, not a set"
        )
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be an iterable of {items}, got {describe(values)}")
    return list(values)


def _keys(mapping: Iterable[Any]) -> str:
    """The first keys of a dict, for a message: ``'a', 'b', 'c', ...``."""
    keys = list(mapping)
    shown = ", ".join(reprlib.repr(key) for key in keys[:6])
    return shown + (", ..." if len(keys) > 6 else "")


def _copy(value: Any) -> Any:
    """A copy of an array (or a list or tuple of numbers); other values as they are."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(value)
    return value

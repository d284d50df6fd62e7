"""The base class of every layer and model: finding parameters, modes, saving and loading.

A :class:`Module` is a plain Python object. It needs no registration call: its
parameters are the :class:`~nn.Parameter` objects it holds in its attributes, directly or
inside lists, tuples and dicts, plus those of the modules it holds the same way. An
attribute ``fc = Linear(...)`` gives the names ``fc.weight`` and ``fc.bias``; a list
``blocks = [...]`` gives ``blocks.0.weight``, ``blocks.1.weight``...; a dict gives
``heads.<key>.weight``. These names are the keys of :meth:`Module.state_dict`.

Modules may refer to each other in a cycle (``a.b = b; b.a = a``, or a module that keeps
itself in a list): every traversal, and the repr, still ends. As in PyTorch's
``named_modules``, each module and each parameter comes once, the first time it is met.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from nn.parameter import Parameter
from tensorgrad import Value

__all__ = ["Module"]

Array = npt.NDArray[Any]

# Per thread, the ids of the modules whose repr is being built: a module met again while
# its own repr is being built is inside itself (a cycle), and is not printed again.
_printing = threading.local()


class _IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (with ``strict=False``)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _forward_unimplemented(self: Module, *args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError(
        f"{type(self).__name__} has no forward(): define forward(self, ...) in the class"
    )


class Module:
    """Base class for layers and models, as ``torch.nn.Module``.

    Subclass it, create parameters and sub-modules in ``__init__`` (after calling
    ``super().__init__()``), and define ``forward``. Calling the module calls ``forward``.

    Attributes
    ----------
    training : bool
        True in training mode (the default), False in evaluation mode; layers such as
        :class:`~nn.Dropout` behave differently. Set by :meth:`train` and :meth:`eval`.

    Examples
    --------
    >>> import numpy as np
    >>> import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = nn.Parameter(np.ones(3))
    ...         self.shift = nn.Parameter(np.zeros(3))
    ...
    ...     def forward(self, x):
    ...         return x * self.scale + self.shift
    >>> class Model(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.blocks = [Affine(), Affine()]
    ...
    ...     def forward(self, x):
    ...         for block in self.blocks:
    ...             x = block(x)
    ...         return x
    >>> model = Model()
    >>> [name for name, _ in model.named_parameters()]
    ['blocks.0.scale', 'blocks.0.shift', 'blocks.1.scale', 'blocks.1.shift']
    >>> model(np.array([1.0, 2.0, 3.0])).data
    array([1., 2., 3.])
    """

    training: bool = True  # a class default, so it holds even without super().__init__()
    # Declared as an attribute, not a method, so that each subclass may give forward the
    # signature that suits it (PyTorch does the same).
    forward: Callable[..., Any] = _forward_unimplemented

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- finding parameters and sub-modules ---------------------------------------------

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Every parameter of this module and its sub-modules, with its dotted name.

        A parameter held in several places (weight sharing) comes once, under the first
        name it is found at. The order is this module's own parameters first, in the order
        of its attributes, then each sub-module's, depth first (the order of PyTorch).

        Examples
        --------
        >>> import nn
        >>> [name for name, p in nn.Linear(3, 2).named_parameters()]
        ['weight', 'bias']
        """
        seen: set[int] = set()
        for prefix, module in self.named_modules():
            for name, member in module._members():
                if isinstance(member, Parameter) and id(member) not in seen:
                    seen.add(id(member))
                    yield (f"{prefix}.{name}" if prefix else name), member

    def parameters(self) -> Iterator[Parameter]:
        """Every parameter of this module and its sub-modules, each once.

        Examples
        --------
        >>> import nn
        >>> [p.shape for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, parameter in self.named_parameters():
            yield parameter

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, depth first, each once, with its name.

        This module itself comes first, named ``prefix`` (``""`` by default). A module met
        again (shared, or in a cycle) is not visited again, as in PyTorch.

        Raises
        ------
        TypeError
            If ``prefix`` is not a str.

        Examples
        --------
        >>> import nn
        >>> [name for name, _ in nn.MLP(2, [3, 1]).named_modules()]
        ['', '0', '1', '2']
        """
        if not isinstance(prefix, str):
            raise TypeError(
                f"{type(self).__name__}.named_modules: prefix must be a str, got "
                f"{type(prefix).__name__} {prefix!r}"
            )
        seen: set[int] = set()
        # Explicit stack rather than recursion; children are pushed in reverse so that
        # they come out in their natural order.
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = list(module.named_children())
            for child_name, child in reversed(children):
                stack.append((f"{name}.{child_name}" if name else child_name, child))

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, depth first, each once.

        Examples
        --------
        >>> import nn
        >>> [type(m).__name__ for m in nn.MLP(2, [3, 1]).modules()]
        ['MLP', 'Linear', 'ReLU', 'Linear']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules this module holds directly (not their sub-modules), with names.

        Examples
        --------
        >>> import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
        """
        seen: set[int] = set()
        for name, member in self._members():
            if isinstance(member, Module) and id(member) not in seen:
                seen.add(id(member))
                yield name, member

    def children(self) -> Iterator[Module]:
        """The modules this module holds directly (not their sub-modules).

        Examples
        --------
        >>> import nn
        >>> [type(m).__name__ for m in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()]
        ['Linear', 'ReLU']
        """
        for _, module in self.named_children():
            yield module

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        """The parameters and modules this module holds directly, with their local names.

        They are looked for in the attributes, and inside the lists, tuples and dicts there
        (at any depth). A container such as :class:`~nn.Sequential` overrides this.
        """
        for name, value in vars(self).items():
            yield from _find_members(name, value)

    # -- modes and gradients --------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Put this module and all its sub-modules in training mode (or, with False, eval).

        Returns
        -------
        Module
            This module, so that ``model = Model().train()`` works.

        Raises
        ------
        TypeError
            If ``mode`` is not a bool (``train("False")`` would switch training on).

        Examples
        --------
        >>> import nn
        >>> model = nn.Sequential(nn.Dropout(0.5))
        >>> model.train(False)[0].training
        False
        """
        if not isinstance(mode, (bool, np.bool_)):
            raise TypeError(
                f"{type(self).__name__}.train: training mode is expected to be a bool (True "
                f"or False), got {type(mode).__name__} {mode!r}"
            )
        for module in self.modules():
            module.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Put this module and all its sub-modules in evaluation mode: ``train(False)``.

        Examples
        --------
        >>> import nn
        >>> nn.Dropout(0.5).eval().training
        False
        """
        return self.train(False)

    def zero_grad(self) -> None:
        """Reset the gradient of every parameter (see :meth:`tensorgrad.Value.zero_grad`).

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer(np.ones((1, 2))).sum().backward()
        >>> layer.zero_grad()
        >>> layer.bias.grad
        array([0.])
        """
        for parameter in self.parameters():
            parameter.zero_grad()

    # -- saving and loading -----------------------------------------------------------------

    def state_dict(self) -> dict[str, Array]:
        """A copy of every parameter's data, by name: what :func:`nn.save` writes.

        Examples
        --------
        >>> import nn
        >>> {name: array.shape for name, array in nn.Linear(3, 2).state_dict().items()}
        {'weight': (2, 3), 'bias': (2,)}
        """
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(
        self, state_dict: Mapping[str, npt.ArrayLike], strict: bool = True
    ) -> _IncompatibleKeys:
        """Copy arrays into the parameters of the same names, as ``torch``'s method does.

        Every check runs before anything is copied, so a failed load leaves the module as
        it was. Values are converted to each parameter's dtype.

        Parameters
        ----------
        state_dict : mapping of str to array
            Such as :meth:`state_dict` or :func:`nn.load` returns (Values are accepted too).
        strict : bool, default True
            Require the keys to be exactly the module's parameter names. With False,
            missing and unexpected keys are skipped and reported in the result.

        Returns
        -------
        named tuple ``(missing_keys, unexpected_keys)``
            The parameter names that got no array, and the keys that matched no parameter.

        Raises
        ------
        RuntimeError
            Naming every missing and unexpected key (if ``strict``) and every shape that
            differs, with the checkpoint's shape and the model's.
        TypeError
            If ``state_dict`` is not a mapping, a key is not a str, a value is not an array
            of numbers (a string, None, an object or ragged array), naming the key, or
            ``strict`` is not a bool.

        Examples
        --------
        >>> import nn
        >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
        >>> b.load_state_dict(a.state_dict())
        _IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight.data == b.weight.data).all())
        True
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"{where}: expected a mapping of parameter names to arrays, such as "
                f"state_dict() or nn.load() returns, got {type(state_dict).__name__}"
            )
        if not isinstance(strict, (bool, np.bool_)):
            raise TypeError(f"{where}: strict must be a bool, got {type(strict).__name__}")
        for name in state_dict:
            if not isinstance(name, str):
                raise TypeError(
                    f"{where}: keys must be parameter names (str), got "
                    f"{type(name).__name__} {name!r}"
                )
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        errors = []
        if strict and missing:
            errors.append("missing key(s) in state_dict: " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            errors.append("unexpected key(s) in state_dict: " + ", ".join(map(repr, unexpected)))
        arrays = {}
        for name, value in state_dict.items():
            if name not in own:
                continue
            arrays[name] = array = _as_number_array(where, name, value)
            if array.shape != own[name].shape:
                errors.append(
                    f"size mismatch for {name!r}: the checkpoint has shape {array.shape}, "
                    f"the parameter in the model has shape {own[name].shape}"
                )
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for name, array in arrays.items():
            # In place: optimizers and other modules that hold the parameter keep seeing it.
            own[name].data[...] = array
        return _IncompatibleKeys(missing, unexpected)

    # -- printing ---------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The settings shown between the parentheses of the repr; override it in a layer.

        Examples
        --------
        >>> import nn
        >>> nn.Linear(3, 2).extra_repr()
        'in_features=3, out_features=2, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        # PyTorch's layout: settings on the first line, then one indented line per child.
        # Every child is shown, a shared one each time it is held, as PyTorch does.
        if not hasattr(_printing, "ids"):
            _printing.ids = set()
        printing: set[int] = _printing.ids
        if id(self) in printing:  # printed further up: a cycle, which would never end
            return f"{type(self).__name__}(...)"
        printing.add(id(self))
        try:
            extra = self.extra_repr()
            children = [
                f"({name}): " + repr(child).replace("\n", "\n  ")
                for name, child in self._members()
                if isinstance(child, Module)
            ]
        finally:
            printing.discard(id(self))
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = ([extra] if extra else []) + children
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


def _find_members(
    name: str, value: object, enclosing: frozenset[int] = frozenset()
) -> Iterator[tuple[str, Parameter | Module]]:
    """The parameters and modules in ``value``, looking inside lists, tuples and dicts.

    ``enclosing`` holds the ids of the containers being looked inside: one met again is
    inside itself (``items.append(items)``), and looking into it again would never end.
    """
    if isinstance(value, (Parameter, Module)):
        yield name, value
    elif isinstance(value, (list, tuple, dict)) and id(value) not in enclosing:
        inside = enclosing | {id(value)}
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from _find_members(f"{name}.{key}", item, inside)


def _as_number_array(where: str, name: str, value: object) -> Array:
    """A state dict's value as an array of numbers, or a TypeError naming its key."""
    data = value.data if isinstance(value, Value) else value
    try:
        array = np.asarray(data)
    except (TypeError, ValueError):  # such as a ragged list, of rows of different lengths
        raise TypeError(
            f"{where}: {name!r} must be an array of numbers, got a {type(value).__name__} "
            f"that numpy cannot make an array of"
        ) from None
    if array.dtype.kind not in "biuf":  # bools, ints, floats; not strings, objects, None
        got = "None" if value is None else f"{type(value).__name__} of dtype {array.dtype}"
        raise TypeError(f"{where}: {name!r} must be an array of numbers, got {got}")
    return array

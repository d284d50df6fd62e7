"""The base class of every layer and model: finding parameters, modes, saving and loading.

A :class:`Module` is a plain Python object. It needs no registration call: its
parameters are the :class:`~nn.Parameter` objects it holds in its attributes, directly or
inside lists, tuples and dicts, plus those of the modules it holds the same way. An
attribute ``fc = Linear(...)`` gives the names ``fc.weight`` and ``fc.bias``; a list
``blocks = [...]`` gives ``blocks.0.weight``, ``blocks.1.weight``...; a dict gives
``heads.<key>.weight``. These names are the keys of :meth:`Module.state_dict`.

Buffers are the other part of a module's state: arrays that are not learned (a running
mean, a step count), declared with :meth:`Module.register_buffer`. They are attributes like
any other, but they are no parameters; persistent ones are saved and loaded with the
parameters, and floating-point ones follow the module's dtype in :meth:`Module.to`.

Modules may refer to each other in a cycle (``a.b = b; b.a = a``, or a module that keeps
itself in a list): every traversal, and the repr, still ends. As in PyTorch's
``named_modules``, each module and each parameter comes once, the first time it is met.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from nn.checks import check_bool, describe
from nn.parameter import Parameter
from tensorgrad import Value
from tensorgrad.axes import check_device
from tensorgrad.tensor import float_dtype

__all__ = ["Module"]

Array = npt.NDArray[Any]
_Member = Parameter | Array  # what a state dict's entry comes from
_M = TypeVar("_M", bound="Module")

# The device names PyTorch knows: to("cuda") is told that there is only the CPU here,
# rather than taken for a dtype.
_DEVICE_TYPES = frozenset({"cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "hpu", "mtia"})

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

    def __setattr__(self, name: str, value: Any) -> None:
        # A registered buffer stays one when assigned an array or None, as in PyTorch; a
        # Parameter or a Module put in its place takes it over (and it stops being a buffer).
        buffers = self.__dict__.get("_buffer_names")
        if buffers is not None and name in buffers:
            if isinstance(value, (Parameter, Module)):
                del buffers[name]
            else:
                value = _checked_buffer(f"{type(self).__name__}: buffer {name!r}", value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        self.__dict__.get("_buffer_names", {}).pop(name, None)

    # -- finding parameters, buffers and sub-modules --------------------------------------

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every parameter of this module and its sub-modules, with its dotted name.

        A parameter held in several places (weight sharing) comes once, under the first
        name it is found at. The order is this module's own parameters first, in the order
        of its attributes, then each sub-module's, depth first (the order of PyTorch).

        Parameters
        ----------
        prefix : str, default ""
            Put before every name, with a dot (``prefix="model"`` gives ``model.weight``).
        recurse : bool, default True
            With False, only the parameters this module holds itself, not its sub-modules'.
        remove_duplicate : bool, default True
            With False, a shared parameter comes under every name it has.

        Raises
        ------
        TypeError
            If ``prefix`` is not a str, or ``recurse`` or ``remove_duplicate`` not a bool.

        Examples
        --------
        >>> import nn
        >>> [name for name, p in nn.Linear(3, 2).named_parameters()]
        ['weight', 'bias']
        >>> model = nn.Sequential(nn.Linear(3, 2))
        >>> [name for name, p in model.named_parameters(prefix="net")]
        ['net.0.weight', 'net.0.bias']
        >>> list(model.named_parameters(recurse=False))
        []
        """
        own = _own_parameters
        yield from self._named_members("named_parameters", own, prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter of this module and its sub-modules, each once.

        Parameters
        ----------
        recurse : bool, default True
            With False, only the parameters this module holds itself.

        Examples
        --------
        >>> import nn
        >>> [p.shape for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, parameter in self._named_members("parameters", _own_parameters, "", recurse):
            yield parameter

    def register_buffer(self, name: str, tensor: Array | None, persistent: bool = True) -> None:
        """Keep an array in this module that is part of its state but is not learned.

        A buffer (such as a running mean) is an attribute: ``module.<name>`` reads it, and
        assigning an array (or None) to ``module.<name>`` replaces it, as in PyTorch. It is no
        parameter (an optimizer never sees it, it gets no gradient), but a persistent one is
        in :meth:`state_dict` and :meth:`load_state_dict`, and a floating-point one follows
        the module's dtype in :meth:`to`. The array is kept as it is, not copied.

        Parameters
        ----------
        name : str
            The attribute's name: not empty, without a dot, and not already an attribute
            of the module (registering a buffer again under its name replaces it).
        tensor : ndarray or None
            An array of numbers (floats, ints or bools). None reserves the name: the buffer
            is then left out of :meth:`buffers` and :meth:`state_dict`.
        persistent : bool, default True
            With False, the buffer is left out of :meth:`state_dict` (something that can be
            computed again, such as a causal mask).

        Raises
        ------
        TypeError
            If ``name`` is not a str, ``tensor`` is not a numpy array of numbers or None
            (a Value: register its ``.data``), or ``persistent`` is not a bool.
        ValueError
            If ``name`` is empty, holds a dot, or is the name of another attribute
            (``"attribute 'x' already exists"``).

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 2)
        >>> layer.register_buffer("running_mean", np.zeros(2))
        >>> list(layer.state_dict())
        ['weight', 'bias', 'running_mean']
        >>> layer.running_mean = np.ones(2)  # still the buffer
        >>> layer.state_dict()["running_mean"]
        array([1., 1.])
        >>> [name for name, _ in layer.named_parameters()]
        ['weight', 'bias']
        """
        where = f"{type(self).__name__}.register_buffer"
        if not isinstance(name, str):
            raise TypeError(f"{where}: the buffer's name must be a str, got {describe(name)}")
        if "." in name:
            raise ValueError(
                f"{where}: the buffer's name {name!r} holds a '.', which state-dict names "
                f"use between a module and its members"
            )
        if name == "":
            raise ValueError(f"{where}: the buffer's name must not be empty")
        buffers: dict[str, bool] = self.__dict__.setdefault("_buffer_names", {})
        if name not in buffers and hasattr(self, name):
            raise ValueError(
                f"{where}: attribute {name!r} already exists; give the buffer another name "
                f"(or delete the attribute first)"
            )
        array = _checked_buffer(f"{where}: buffer {name!r}", tensor)
        check_bool(where, "persistent", persistent)
        buffers[name] = bool(persistent)
        object.__setattr__(self, name, array)

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Array]]:
        """Every buffer of this module and its sub-modules (not None ones), with its name.

        In the order of :meth:`named_modules`, each module's buffers in the order they were
        registered; persistent or not. The arguments are those of :meth:`named_parameters`
        (an array held as a buffer in several modules comes once, unless
        ``remove_duplicate=False``).

        Raises
        ------
        TypeError
            If ``prefix`` is not a str, or ``recurse`` or ``remove_duplicate`` not a bool.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 2))
        >>> model[0].register_buffer("steps", np.array(0))
        >>> [(name, int(array)) for name, array in model.named_buffers()]
        [('0.steps', 0)]
        """
        own = _own_buffers
        yield from self._named_members("named_buffers", own, prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Array]:
        """Every buffer of this module and its sub-modules, each once.

        Parameters
        ----------
        recurse : bool, default True
            With False, only this module's own buffers.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 2)
        >>> layer.register_buffer("mask", np.ones(2), persistent=False)
        >>> list(layer.buffers())
        [array([1., 1.])]
        """
        for _, buffer in self._named_members("buffers", _own_buffers, "", recurse):
            yield buffer

    def _named_members(
        self,
        caller: str,
        own: Callable[[Module], Iterator[tuple[str, _Member]]],
        prefix: str,
        recurse: bool,
        remove_duplicate: bool = True,
    ) -> Iterator[tuple[str, Any]]:
        """What ``own`` finds in each module (this one only, unless ``recurse``), named."""
        where = f"{type(self).__name__}.{caller}"
        check_bool(where, "recurse", recurse)
        check_bool(where, "remove_duplicate", remove_duplicate)
        _checked_prefix(where, prefix)
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = iter([(prefix, self)])
        seen: set[int] = set()
        for module_prefix, module in modules:
            for name, member in own(module):
                if remove_duplicate:
                    if id(member) in seen:
                        continue
                    seen.add(id(member))
                yield (f"{module_prefix}.{name}" if module_prefix else name), member

    def named_modules(
        self,
        memo: set[Module] | None = None,
        prefix: str = "",
        remove_duplicate: bool = True,
    ) -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, depth first, each once, with its name.

        This module itself comes first, named ``prefix`` (``""`` by default). A module met
        again (shared, or in a cycle) is not visited again, as in PyTorch.

        Parameters
        ----------
        memo : set of Module, optional
            Modules to leave out (with their sub-modules, unless reached otherwise); each
            module yielded is added to it (unless ``remove_duplicate`` is False), as in
            PyTorch.
        prefix : str, default ""
            The name of this module, put before every other name with a dot.
        remove_duplicate : bool, default True
            With False, a shared module comes under every name it has. A module inside
            itself (a cycle) is still not entered again, so the walk ends (PyTorch's would
            not).

        Raises
        ------
        TypeError
            If ``memo`` is not a set or None, ``prefix`` is not a str, or
            ``remove_duplicate`` is not a bool.

        Examples
        --------
        >>> import nn
        >>> [name for name, _ in nn.MLP(2, [3, 1]).named_modules()]
        ['', '0', '1', '2']
        >>> relu = nn.ReLU()
        >>> twice = nn.Sequential(relu, relu)
        >>> [name for name, _ in twice.named_modules(remove_duplicate=False)]
        ['', '0', '1']
        """
        where = f"{type(self).__name__}.named_modules"
        if memo is not None and not isinstance(memo, set):
            raise TypeError(_not_a_memo(where, memo))
        _checked_prefix(where, prefix)
        check_bool(where, "remove_duplicate", remove_duplicate)
        if memo is None:
            memo = set()
        # Explicit stack rather than recursion; children are pushed in reverse so that
        # they come out in their natural order. Each entry carries the ids of the modules
        # above it, so that a cycle ends even when duplicates are kept.
        stack: list[tuple[str, Module, frozenset[int]]] = [(prefix, self, frozenset())]
        while stack:
            name, module, above = stack.pop()
            if module in memo or id(module) in above:
                continue
            if remove_duplicate:
                memo.add(module)
            yield name, module
            inside = above | {id(module)} if not remove_duplicate else above
            # Every place a child is held (not named_children, which keeps the first), as
            # PyTorch's walk over _modules: the memo drops the repeats unless asked not to.
            children = [(n, m) for n, m in module._members() if isinstance(m, Module)]
            for child_name, child in reversed(children):
                stack.append((f"{name}.{child_name}" if name else child_name, child, inside))

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

    def apply(self: _M, fn: Callable[[Module], object]) -> _M:
        """Call ``fn`` on every sub-module, then on this module, as ``torch``'s ``apply``.

        The order is PyTorch's: each child's whole subtree (children first) before the next
        child, this module last, so ``apply`` is the place to initialise weights. A module
        held in several places (or in a cycle) gets ``fn`` once, where PyTorch would call it
        at each place (or never end).

        Parameters
        ----------
        fn : callable
            Called with each module; what it returns is ignored.

        Returns
        -------
        Module
            This module.

        Raises
        ------
        TypeError
            If ``fn`` is not callable.

        Examples
        --------
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()))
        >>> seen = []
        >>> model.apply(lambda m: seen.append(type(m).__name__)) is model
        True
        >>> seen
        ['Linear', 'ReLU', 'Sequential', 'Sequential']
        """
        if not callable(fn):
            raise TypeError(
                f"{type(self).__name__}.apply: fn must be callable (it is called with each "
                f"module), got {describe(fn)}"
            )
        # Depth first, without recursion: a module is called when its last child is done.
        seen = {id(self)}
        stack: list[tuple[Module, Iterator[Module]]] = [(self, self.children())]
        while stack:
            module, pending = stack[-1]
            for child in pending:
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, child.children()))
                    break
            else:
                stack.pop()
                fn(module)
        return self

    # -- modes, gradients and dtypes --------------------------------------------------------

    def train(self: _M, mode: bool = True) -> _M:
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

    def eval(self: _M) -> _M:
        """Put this module and all its sub-modules in evaluation mode: ``train(False)``.

        Examples
        --------
        >>> import nn
        >>> nn.Dropout(0.5).eval().training
        False
        """
        return self.train(False)

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        """Switch gradients on (or, with False, off) for every parameter; returns this module.

        With False, the parameters are frozen: backward computes no gradient for them, and
        an optimizer leaves them alone (they have none), as when fine-tuning only a head.

        Raises
        ------
        TypeError
            If ``requires_grad`` is not a bool.

        Examples
        --------
        >>> import nn
        >>> layer = nn.Linear(2, 1).requires_grad_(False)
        >>> [p.requires_grad for p in layer.parameters()]
        [False, False]
        """
        check_bool(f"{type(self).__name__}.requires_grad_", "requires_grad", requires_grad)
        for parameter in self.parameters():
            parameter.requires_grad = bool(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradient of every parameter, before the next backward.

        Parameters
        ----------
        set_to_none : bool, default True
            As in PyTorch: drop each gradient (it reads as zeros, and
            :attr:`~tensorgrad.Value.has_grad` is False, so an optimizer skips the
            parameter until backward gives it one). With False, a gradient there is set to
            zeros in place, and still counts as one.

        Raises
        ------
        TypeError
            If ``set_to_none`` is not a bool.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer(np.ones((1, 2))).sum().backward()
        >>> layer.zero_grad()
        >>> layer.bias.grad, layer.bias.has_grad
        (array([0.]), False)
        """
        check_bool(f"{type(self).__name__}.zero_grad", "set_to_none", set_to_none)
        for parameter in self.parameters():
            if set_to_none:
                parameter.zero_grad()
            elif parameter.has_grad:
                parameter.grad[...] = 0

    def to(self: _M, *args: Any, device: str | None = None, dtype: Any = None) -> _M:
        """Convert the floating-point parameters and buffers to ``dtype``, in place.

        As ``torch``'s ``Module.to``: ``model.to(np.float32)``, ``model.to(dtype=...)``,
        ``model.to(other)`` for the dtype of a Value or array ``other``, and
        ``model.to("cpu")`` or ``model.to("cpu", np.float32)``. Every parameter keeps its
        identity (its array and its gradient are converted, the Parameter object stays), so
        an optimizer made before the conversion still updates the model; what it remembers
        between steps (a momentum) stays in the old dtype until it is made again, as in
        PyTorch. Buffers of ints or bools are left as they are; floating-point ones are
        replaced by converted copies.

        Parameters
        ----------
        *args : dtype, "cpu", Value or array
            A dtype, a device, or both (device first), as PyTorch takes them.
        device : str, optional
            ``"cpu"`` (or ``"cpu:0"``), the only device there is here: accepted, so that
            PyTorch code written for a ``device`` runs, and changes nothing.
        dtype : dtype, optional
            float32 or float64.

        Returns
        -------
        Module
            This module, converted.

        Raises
        ------
        TypeError
            If ``dtype`` is not float32 or float64 (PyTorch too takes only floating-point
            dtypes), or an argument is of no kind ``to`` takes.
        ValueError
            If a device other than the CPU is asked for (``"cuda"``, ``"mps"``).

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> weight = layer.weight
        >>> layer.to(np.float32).weight.dtype
        dtype('float32')
        >>> layer.weight is weight
        True
        >>> layer.to("cpu").double().weight.dtype
        dtype('float64')
        """
        where = f"{type(self).__name__}.to"
        if len(args) > 2:
            raise TypeError(
                f"{where}: takes a device and a dtype at most, got {len(args)} positional arguments"
            )
        for arg in args:
            if isinstance(arg, str) and _is_device(arg):
                if device is not None:
                    raise TypeError(f"{where}: the device is given twice")
                device = arg
            elif dtype is None:
                dtype = arg.dtype if isinstance(arg, (Value, np.ndarray)) else arg
            else:
                raise TypeError(f"{where}: the dtype is given twice ({dtype!r} and {arg!r})")
        check_device(device, where)
        if dtype is not None:
            self._convert(where, dtype)
        return self

    def double(self: _M) -> _M:
        """Convert the floating-point parameters and buffers to float64: ``to(np.float64)``.

        Examples
        --------
        >>> import numpy as np
        >>> import nn
        >>> nn.Linear(2, 1, dtype=np.float32).double().bias.dtype
        dtype('float64')
        """
        self._convert(f"{type(self).__name__}.double", np.float64)
        return self

    def float(self: _M) -> _M:
        """Convert the floating-point parameters and buffers to float32: ``to(np.float32)``.

        Examples
        --------
        >>> import nn
        >>> nn.Linear(2, 1).float().bias.dtype
        dtype('float32')
        """
        self._convert(f"{type(self).__name__}.float", np.float32)
        return self

    def _convert(self, where: str, dtype: Any) -> None:
        try:
            target = float_dtype(dtype, where)
        except TypeError:
            raise TypeError(
                f"{where}: dtype must be float32 or float64 (a module's parameters are "
                f"floating-point numbers), got {dtype!r}"
            ) from None
        for parameter in self.parameters():
            if parameter.dtype != target:
                grad = parameter.grad.astype(target) if parameter.has_grad else None
                parameter.data = parameter.data.astype(target)  # (drops the old gradient)
                if grad is not None:
                    parameter.grad = grad
        for module in self.modules():
            for name, buffer in list(_own_buffers(module)):
                if buffer.dtype.kind == "f" and buffer.dtype != target:
                    setattr(module, name, buffer.astype(target))

    # -- saving and loading -----------------------------------------------------------------

    def state_dict(self) -> dict[str, Array]:
        """A copy of every parameter and persistent buffer, by name: what :func:`nn.save` writes.

        In PyTorch's order: for each module of :meth:`named_modules`, its parameters, then
        its persistent buffers. A parameter or buffer held in several places comes once,
        under its first name (where PyTorch repeats it under each).

        Examples
        --------
        >>> import nn
        >>> {name: array.shape for name, array in nn.Linear(3, 2).state_dict().items()}
        {'weight': (2, 3), 'bias': (2,)}
        """
        return {name: _array_of(member).copy() for name, member in self._state_members()}

    def _state_members(self) -> Iterator[tuple[str, Parameter | Array]]:
        seen: set[int] = set()
        for prefix, module in self.named_modules():
            for name, member in _own_state(module):
                if id(member) not in seen:
                    seen.add(id(member))
                    yield (f"{prefix}.{name}" if prefix else name), member

    def load_state_dict(
        self, state_dict: Mapping[str, npt.ArrayLike], strict: bool = True
    ) -> _IncompatibleKeys:
        """Copy arrays into the parameters and buffers of the same names, as ``torch``'s method.

        Every check runs before anything is copied, so a failed load leaves the module as
        it was. Values are converted to each parameter's (or buffer's) dtype and copied
        into it in place, so that an optimizer, or anything else that holds a parameter or
        a buffer, sees the loaded values.

        Parameters
        ----------
        state_dict : mapping of str to array
            Such as :meth:`state_dict` or :func:`nn.load` returns (Values are accepted too).
        strict : bool, default True
            Require the keys to be exactly the module's parameter and persistent buffer
            names. With False, missing and unexpected keys are skipped and reported in the
            result.

        Returns
        -------
        missing_keys : list of str
            The names of parameters and buffers that got no array.
        unexpected_keys : list of str
            The keys of ``state_dict`` that matched nothing. The two come as one named
            tuple, as in PyTorch: ``result.missing_keys``, ``result.unexpected_keys``.

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
        own = dict(self._state_members())
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
                kind = "parameter" if isinstance(own[name], Parameter) else "buffer"
                errors.append(
                    f"size mismatch for {name!r}: the checkpoint has shape {array.shape}, "
                    f"the {kind} in the model has shape {own[name].shape}"
                )
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for name, array in arrays.items():
            # In place: optimizers and other modules that hold the parameter keep seeing it
            # (buffers are writeable: see _checked_buffer).
            _array_of(own[name])[...] = array
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


def _own_parameters(module: Module) -> Iterator[tuple[str, Parameter]]:
    """The parameters ``module`` holds itself (not its sub-modules'), with local names."""
    for name, member in module._members():
        if isinstance(member, Parameter):
            yield name, member


def _own_buffers(module: Module) -> Iterator[tuple[str, Array]]:
    """The buffers ``module`` registered (not None ones), in the order they were."""
    attributes = vars(module)
    for name in attributes.get("_buffer_names", ()):
        array = attributes.get(name)
        if array is not None:
            yield name, array


def _own_state(module: Module) -> Iterator[tuple[str, _Member]]:
    """What ``module``'s own part of a state dict comes from: parameters, persistent buffers."""
    yield from _own_parameters(module)
    persistent = vars(module).get("_buffer_names", {})
    for name, array in _own_buffers(module):
        if persistent[name]:
            yield name, array


def _array_of(member: _Member) -> Array:
    return member.data if isinstance(member, Parameter) else member


def _checked_buffer(where: str, value: object) -> Array | None:
    """``value`` as a buffer: a numpy array of numbers, or None; else a TypeError."""
    if value is None:
        return None
    if not isinstance(value, np.ndarray):
        hint = (
            "; register its array, .data (a buffer is not learned)"
            if isinstance(value, Value)
            else ""
        )
        raise TypeError(f"{where} must be a numpy array or None, got {describe(value)}{hint}")
    if value.dtype.kind not in "biuf":
        raise TypeError(
            f"{where} must be an array of numbers (floats, ints or bools), got an array of "
            f"dtype {value.dtype}"
        )
    # load_state_dict copies into a buffer in place: a read-only array (a broadcast view,
    # say) is kept as a copy that can be written.
    return value if value.flags.writeable else value.copy()


def _checked_prefix(where: str, prefix: object) -> str:
    if not isinstance(prefix, str):
        raise TypeError(f"{where}: prefix must be a str, got {describe(prefix)}")
    return prefix


def _is_device(text: str) -> bool:
    return text.partition(":")[0] in _DEVICE_TYPES


def _not_a_memo(where: str, memo: object) -> str:
    # named_modules("model") was this library's call for a prefix before memo came first.
    hint = "; give the prefix by name: prefix=..." if isinstance(memo, str) else ""
    return f"{where}: memo must be a set of modules or None, got {describe(memo)}{hint}"

"""Your own operation: :class:`Function`, the counterpart of ``torch.autograd.Function``.

A learner writes an op as PyTorch has them written: a class with a ``forward`` that
computes the result from numpy arrays, and a ``backward`` that turns the result's gradient
into one gradient per input, with a context object ``ctx`` to carry what backward needs::

    class Swish(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x / (1 + np.exp(-x))

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            s = 1 / (1 + (-x).exp())
            return g * (s + x * s * (1 - s))

``Swish.apply(v)`` then runs it on Values. It is no second mechanism: ``apply`` ends with
:func:`tensorgrad.record.record`, as every built-in op does, so the node, the walk, the
in-place check, ``no_grad``, :func:`~tensorgrad.gradcheck` and ``create_graph`` treat it
as they treat ``mul``. The built-in ops skip the class only to save a call per op, and ask
their backward for one operand's gradient at a time.

The differences from PyTorch's Function, each for this engine's sake:

* ``forward`` receives the arrays of its Value inputs (other arguments as they are), and
  returns one array: the forward is plain numpy, with no graph to think about.
* ``backward`` receives ``g`` and the saved arrays as Values, as PyTorch's receives tensors:
  written with their operations (``*``, ``@``, ``.exp()``, ``.sum()``...), the same lines
  give a plain gradient in a normal backward (no graph is recorded then) and a
  differentiable one under ``create_graph=True``. A backward that needs numpy functions
  is marked :func:`once_differentiable`: it then receives arrays.
* A gradient shaped like the result is summed back to its input's shape, as PyTorch does
  when the shapes broadcast; ``None`` means zero.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from tensorgrad.broadcast import unbroadcast
from tensorgrad.grad_mode import _modes, no_grad
from tensorgrad.record import Array, Like, new_value, plain, record
from tensorgrad.tensor import Value

__all__ = ["Context", "Function", "once_differentiable"]

_Backward = TypeVar("_Backward", bound=Callable[..., Any])


class Context:
    """What a :class:`Function`'s forward leaves for its backward (``ctx``).

    Set any attribute on it in ``forward`` (``ctx.alpha = alpha``) and read it in
    ``backward``; save arrays with :meth:`save_for_backward`.

    Attributes
    ----------
    needs_input_grad : tuple of bool
        For each argument of ``apply``, whether its gradient is wanted: backward may skip
        the others (return None for them).

    Examples
    --------
    >>> from tensorgrad import Context
    >>> ctx = Context((True, False))
    >>> ctx.needs_input_grad
    (True, False)
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self.to_save: tuple[Any, ...] = ()
        # Set by Function.apply and the node's backward:
        self._inputs: tuple[Like, ...] = ()  # each input's shape and dtype
        self._sources: tuple[int | str, ...] = ()  # where each saved array comes from
        self._unpacked: tuple[Any, ...] | None = None  # saved_tensors during backward
        self._grads: tuple[Any, ...] = ()  # backward's answer ...
        self._answered: Any = None  # ... for this g

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep ``arrays`` (inputs, the result, or arrays computed in forward) for backward.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Context
        >>> ctx = Context((True,))
        >>> ctx.save_for_backward(np.ones(2))
        >>> ctx.to_save
        (array([1., 1.]),)
        """
        self.to_save = arrays

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What :meth:`save_for_backward` kept: arrays, or Values in the graph under create_graph.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Context
        >>> ctx = Context((True,))
        >>> ctx.save_for_backward(np.ones(1))
        >>> ctx.saved_tensors
        (array([1.]),)
        """
        return self.to_save if self._unpacked is None else self._unpacked


class Function:
    """Base class of an operation defined by its ``forward`` and ``backward``.

    Subclass it with two static methods, then call ``YourFunction.apply(*args)``:

    ``forward(ctx, *args) -> ndarray``
        The result, computed from the inputs' arrays (a Value argument arrives as its
        array; numbers and other arguments as they are).
    ``backward(ctx, g) -> gradient or tuple of gradients``
        One gradient per argument of ``apply`` (None for one that needs none, or that is
        not a Value), each of the input's shape or of the result's shape (then summed
        back, as broadcasting is undone). A single gradient may be returned bare.

    Examples
    --------
    A straight-through estimator: rounds in the forward pass, lets the gradient through
    unchanged in the backward pass.

    >>> import numpy as np
    >>> from tensorgrad import Function, Value
    >>> class RoundST(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         return np.round(x)
    ...
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         return g
    >>> x = Value([0.4, 1.6])
    >>> y = RoundST.apply(x)
    >>> (y * y).sum().backward()
    >>> y.data, x.grad
    (array([0., 2.]), array([0., 4.]))
    """

    @staticmethod
    def forward(ctx: Context, *args: Any) -> Any:
        """Compute the result from the inputs' arrays; save what backward needs on ``ctx``.

        Examples
        --------
        >>> from tensorgrad import Context, Function
        >>> Function.forward(Context(()))
        Traceback (most recent call last):
          ...
        NotImplementedError: Function.forward: a Function subclass defines its forward
        """
        raise NotImplementedError("Function.forward: a Function subclass defines its forward")

    @staticmethod
    def backward(ctx: Context, g: Any) -> Any:
        """The gradient of each input, from the gradient ``g`` of the result.

        Examples
        --------
        >>> from tensorgrad import Context, Function
        >>> Function.backward(Context(()), None)
        Traceback (most recent call last):
          ...
        NotImplementedError: Function.backward: a Function subclass defines its backward
        """
        raise NotImplementedError("Function.backward: a Function subclass defines its backward")

    @classmethod
    def apply(cls, *args: Any) -> Value:
        """Run the op on ``args`` (Values and constants) and record it in the graph.

        Raises
        ------
        TypeError
            If ``forward`` does not return a float array.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Function, Value
        >>> class Cube(Function):  # d(x³) = 3x² dx
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x**3
        ...
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return g * 3 * x**2
        >>> x = Value([1.0, 2.0])
        >>> Cube.apply(x).sum().backward()
        >>> x.grad
        array([ 3., 12.])
        """
        grad_wanted = _modes.grad_enabled
        ctx = Context(tuple(grad_wanted and isinstance(a, Value) and a.requires_grad for a in args))
        arrays = tuple(a._data if isinstance(a, Value) else a for a in args)
        with no_grad():
            data = _result_array(cls, cls.forward(ctx, *arrays))
        ctx._inputs = tuple(Like(np.asarray(a)) for a in arrays)
        # A saved input is recorded in its operand's place, and the result as the kept
        # output: the graph then checks them for changes and, under create_graph, brings
        # them back as Values in the graph. `_sources` says where each saved array is.
        positions = {id(a): j for j, a in enumerate(arrays) if isinstance(a, np.ndarray)}
        ctx._sources = tuple(
            "out" if s is data else positions.get(id(s), "own") for s in ctx.to_save
        )
        saved: list[Any] = [None] * len(arrays)
        for source in ctx._sources:
            if isinstance(source, int):
                saved[source] = arrays[source]
        keep = "out" in ctx._sources
        return record(data, cls.__name__, _backward, args, (*saved, cls, ctx), keep_output=keep)


def once_differentiable(backward: _Backward) -> _Backward:
    """Mark a :class:`Function`'s backward as computing plain arrays only.

    Its gradients are then correct for a first derivative, always; under
    ``create_graph=True`` they still come out, as Values whose own backward raises a clear
    error instead of a silently wrong second derivative (as PyTorch's decorator of the
    same name).

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Function, Value, grad, once_differentiable
    >>> class Sin(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return np.sin(x)
    ...
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * np.cos(x)
    >>> x = Value(0.0)
    >>> (dx,) = grad(Sin.apply(x), x, create_graph=True)
    >>> dx.item()
    1.0
    >>> grad(dx, x)
    Traceback (most recent call last):
      ...
    RuntimeError: Sin: its backward is marked once_differentiable: ...
    """

    @functools.wraps(backward)
    def wrapper(ctx: Context, g: Any) -> Any:
        return backward(ctx, g)

    wrapper.once_differentiable = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


# -- the node's backward: one formula for every Function -----------------------------------


def _backward(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """d F(x, ...) = what F.backward returns, summed back to each input's shape

    The walk asks for one operand's gradient at a time; a Function's backward gives all of
    them at once, so it runs on the first request of a visit and the others read its answer.
    """
    *operands, cls, ctx = saved
    if ctx._answered is not g:
        ctx._grads = _run(cls, ctx, g, out, operands)
        ctx._answered = g
    grad = ctx._grads[i]
    meta = ctx._inputs[i]
    if grad is None:
        zeros = np.zeros(meta.shape, dtype=meta.dtype)
        return new_value(zeros) if isinstance(g, Value) else zeros
    return unbroadcast(grad, meta)


def _run(
    cls: type[Function], ctx: Context, g: Any, out: Any, operands: list[Any]
) -> tuple[Any, ...]:
    """Call ``cls.backward`` with ``g`` and the saved arrays, and check its answer.

    Under create_graph, ``g`` and the saved inputs and result come as Values in the graph.
    In a normal backward they come as arrays; they are given to ``cls.backward`` as Values
    all the same (grad mode is off during the walk, so nothing is recorded), and its
    answer goes back as arrays. A once-differentiable backward gets arrays either way.
    """
    twice = isinstance(g, Value)  # under create_graph: the gradients must be differentiable
    plain_only = getattr(cls.backward, "once_differentiable", False)
    unpacked = []
    for s, source in zip(ctx.to_save, ctx._sources):
        if isinstance(source, int):
            unpacked.append(operands[source])
        elif source == "out":
            unpacked.append(out)
        else:
            if twice and not plain_only:
                raise RuntimeError(
                    f"{cls.__name__}: it saved an array that is neither an input nor its "
                    f"result, which create_graph=True cannot differentiate through (the "
                    f"second derivative would be wrong). Compute it in backward from the "
                    f"saved inputs, or mark the backward @once_differentiable."
                )
            unpacked.append(s)
    if plain_only:
        given = plain(g)
        unpacked = [plain(u) for u in unpacked]
    else:
        given = g if twice else new_value(g)
        unpacked = [u if isinstance(u, Value) else new_value(u) for u in unpacked]
    ctx._unpacked = tuple(unpacked)
    try:
        answer = cls.backward(ctx, given)
    except TypeError as error:
        if plain_only:
            raise
        raise TypeError(
            f"{cls.__name__}.backward failed on Values ({error}). Its g and saved_tensors "
            f"are Values: write it with their operations (x.exp(), x * y, @, .sum()...), "
            f"or mark it @once_differentiable to get numpy arrays (first derivatives only)."
        ) from error
    finally:
        ctx._unpacked = None
    grads = answer if isinstance(answer, tuple) else (answer,)
    if len(grads) != len(ctx._inputs):
        raise RuntimeError(
            f"{cls.__name__}.backward returned {len(grads)} gradients for "
            f"{len(ctx._inputs)} inputs of apply; return one per input (None for one that "
            f"needs none)"
        )
    for k, (grad, meta) in enumerate(zip(grads, ctx._inputs)):
        if grad is not None and not _fits(np.shape(plain(grad)), meta.shape):
            raise RuntimeError(
                f"{cls.__name__}.backward: the gradient of input {k} has shape "
                f"{np.shape(plain(grad))}, which does not fit the input's shape {meta.shape}"
            )
    if not twice:
        return tuple(None if grad is None else np.asarray(plain(grad)) for grad in grads)
    if plain_only:
        links = (g, *(o for o in operands if isinstance(o, Value)))
        return tuple(None if grad is None else _refusing(cls, grad, links) for grad in grads)
    return grads


def _fits(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """Whether a gradient of ``grad_shape`` is one of ``shape``, or of a result it was
    broadcast into (to be summed back)."""
    if grad_shape == shape:
        return True
    try:
        return np.broadcast_shapes(grad_shape, shape) == grad_shape
    except ValueError:
        return False


def _refusing(cls: type[Function], grad: Any, links: tuple[Value, ...]) -> Value:
    """``grad`` as a Value of the graph (after ``links``) whose own backward refuses to run."""
    saved = (*(None for _ in links), cls)
    return record(np.asarray(plain(grad)), cls.__name__, _refuse, links, saved)


def _refuse(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
    """A once-differentiable Function's gradient cannot be differentiated again."""
    raise RuntimeError(
        f"{saved[-1].__name__}: its backward is marked once_differentiable: its gradient "
        f"cannot be differentiated again. Write the backward with Value operations to get "
        f"second derivatives."
    )


def _result_array(cls: type[Function], result: Any) -> Array:
    data = np.asarray(result) if isinstance(result, (int, float, np.generic)) else result
    if not isinstance(data, np.ndarray) or data.dtype.kind != "f":
        what = f"dtype {data.dtype}" if isinstance(data, np.ndarray) else type(result).__name__
        raise TypeError(f"{cls.__name__}.forward must return a float numpy array, got {what}")
    return data

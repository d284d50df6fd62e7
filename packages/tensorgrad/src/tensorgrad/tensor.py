"""The :class:`Value` itself: an array, its gradient, and the door to the graph.

A Value wraps a numpy array (:attr:`~Value.data`) and, once backward has run, its gradient
(:attr:`~Value.grad`). This module holds what a Value *is*: its description (shape, dtype),
its gradient and how it accumulates, copies, conversions, and :meth:`~Value.backward`. Its
operators and methods (``+``, ``@``, ``.exp()``, ``.sum()``...) are one-line hand-offs to the
operations, each in the module of its family under :mod:`tensorgrad.ops`, where its forward
and its backward sit side by side; :mod:`tensorgrad.record` is how an operation's result
joins the graph, and :mod:`tensorgrad.autograd` walks it.

Why a Value looks the way it does (a training step costs little more than the same step
written by hand in numpy):

* ``__slots__``: a Value is a small fixed record, cheap to build.
* Numbers and numpy arrays mixed into an expression are constants: they are stored as
  they are, never wrapped, and get no gradient.
* Backward stores gradients without copying them; a gradient that is also another
  Value's is copied on first read (see :attr:`Value.grad`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from sys import getrefcount
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from tensorgrad.axes import flag, shape_arg
from tensorgrad.node import Node, clock

if TYPE_CHECKING:
    from tensorgrad.ops.reduce import ValuesIndices
    from tensorgrad.record import Operand

__all__ = ["Tensor", "Value"]

Array = npt.NDArray[Any]


class Value:
    """A numpy array that remembers how it was computed, so gradients can flow back to it.

    After :meth:`backward`, the gradient of this Value is in :attr:`grad`.

    Parameters
    ----------
    data : array_like
        A number, a (nested) list of numbers, or a numpy array; it is copied. Float
        arrays keep their dtype; ints, bools and lists become float64.
    dtype : dtype, optional
        Convert the data to this dtype, which must be a numpy floating-point type such
        as ``np.float32``.
    requires_grad : bool, default True
        Whether backward computes a gradient for this Value. Data you only feed in can
        simply stay a numpy array, which is a constant.

    Attributes
    ----------
    requires_grad : bool
        Whether gradients flow to this Value. Results of operations require grad when an
        operand does and grad mode is on (see :class:`tensorgrad.no_grad`).

    Raises
    ------
    TypeError
        If ``data`` is not numeric (a string, ``None``, an object, complex numbers...) or
        ``dtype`` is not a floating-point type.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad import Value
    >>> x = Value(np.array([[1.0, 2.0, 3.0]]))
    >>> W = Value(np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]))
    >>> z = (x @ W).relu()
    >>> z.sum().backward()
    >>> W.grad
    array([[1., 1.],
           [2., 2.],
           [3., 3.]])
    """

    __slots__ = (
        "__weakref__",
        "_data",
        "_grad",
        "_grad_shared",
        "_node",
        "requires_grad",
    )

    # numpy must hand `array * value` over to Value.__rmul__ instead of looping over it.
    __array_ufunc__ = None

    requires_grad: bool
    _data: Array  # the array itself, as the ops read it (see the `data` property)
    _grad: Array | None
    _grad_shared: bool
    _node: Node | None  # where it sits in the graph; None outside it

    def __init__(
        self,
        data: npt.ArrayLike | Value,
        dtype: npt.DTypeLike | None = None,
        requires_grad: bool = True,
    ) -> None:
        self._data = _float_array(data, dtype)
        # Checked: bool("no") would be True.
        self.requires_grad = flag(requires_grad, "requires_grad", "Value()")
        self._grad = None
        self._grad_shared = False
        self._node = None  # a leaf gets its node when an operation first uses it

    # -- the array ----------------------------------------------------------------------

    @property
    def data(self) -> Array:
        """The array computed by the forward pass, not a copy (changing one changes the other).

        A node of the graph may have saved this very array for its backward (``x * w``
        saves both). Changing it in place before that backward runs would make the gradient
        wrong without a word, so while a graph still holds the array, reading ``data`` first
        gives the Value a fresh copy of it: what you change is the Value's new array, the
        graph keeps the one it computed with, and backward then refuses, naming the
        operation, if the two differ (as PyTorch refuses a tensor "modified by an inplace
        operation"). Reading alone costs that one copy, and nothing else. Once backward has
        freed the graph, ``data`` is the array itself again, at no cost. A view of the array
        in the graph (``x.reshape(...)``, ``x.T``, ``x[1:]``...) shares its numbers, so its
        node counts as holding the array too.

        Two things the graph cannot see, as PyTorch cannot see writes through ``.data`` or
        into a numpy array behind ``from_numpy``: writes into a numpy array you passed in
        as a constant, and writes through an array you took out of ``data`` *before* the
        forward pass (hold the Value, not its array). Such an alias also stops being the
        Value's array when ``data`` hands out a copy; a graph dropped without backward (an
        evaluation outside :class:`~tensorgrad.no_grad`) keeps counting as a holder.

        Assigning an array (``w.data = new``) replaces it as :class:`Value` would convert it:
        floats keep their dtype, ints and bools become float64. A gradient of another shape
        or dtype than the new array is dropped.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
        >>> y = (x * w).sum()  # the graph saved w's array
        >>> w.data[...] = 100.0  # changes w's copy, not what the graph saved
        >>> y.backward()
        Traceback (most recent call last):
          ...
        RuntimeError: mul: operand 1 (shape (2,)) was changed after mul saved it ...
        """
        array = self._data
        node = self._node
        if node is not None and node.holds and getrefcount(array) > _ALONE:
            # A node may hold the array, and someone does: a copy for the Value, from now on.
            array = self._data = array.copy()
            clock.writes += 1
        return array

    @data.setter
    def data(self, array: npt.ArrayLike) -> None:
        if array is self._data:
            # `p.data -= step`: numpy changed the array the getter handed out, in place,
            # and gives it back. No graph holds it, or the getter would have handed out a copy.
            return
        if type(array) is np.ndarray and array.dtype.kind == "f":
            new = array  # the common case, an optimizer's `p.data -= step`: nothing to convert
        else:
            new = _float_array(array, None, copy=False, what="Value.data =")
        old = self._data
        if self._grad is not None and (new.shape != old.shape or new.dtype != old.dtype):
            self._grad = None  # a gradient of the old array no longer fits
        self._data = new
        clock.writes += 1

    # -- the array's description ------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``data``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2, 3]]).shape
        (1, 3)
        """
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of axes of ``data``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2, 3]]).ndim
        2
        """
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        """The dtype of ``data`` (and of ``grad``).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1, 2]).dtype
        dtype('float64')
        """
        return self._data.dtype

    @property
    def size(self) -> int:
        """The number of elements of ``data``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2, 3]]).size
        3
        """
        return self._data.size

    @property
    def grad(self) -> Array:
        """The gradient accumulated by backward, as an array like ``data`` (zeros until then).

        The derivative of the output that :meth:`backward` was called on with respect to
        this Value, of the same shape and dtype as ``data``. Gradients *accumulate* over
        calls to :meth:`backward`: call :meth:`zero_grad` between steps. Assign ``None``
        (or call :meth:`zero_grad`) to reset it, or an array of the same shape to set it.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([1.0, 2.0])
        >>> x.grad
        array([0., 0.])
        >>> (x * x).sum().backward()
        >>> x.grad
        array([2., 4.])
        """
        grad = self._grad
        if grad is None:
            # Zeros to read, not kept: the Value still has no gradient (see has_grad).
            return np.zeros_like(self._data)
        if self._grad_shared:
            # Backward stores gradients without copying, so one array may be the gradient
            # of several nodes: copy it on first read, so that `x.grad *= 2` changes only x's.
            grad = self._grad = grad.copy()
            self._grad_shared = False
        return grad

    @grad.setter
    def grad(self, value: npt.ArrayLike | None) -> None:
        if value is None:
            self._grad = None
            return
        given = value._data if isinstance(value, Value) else value
        grad = real_array(given, "Value.grad =: the gradient").astype(self.dtype, copy=False)
        if grad.shape != self.shape:
            raise ValueError(
                f"Value.grad =: grad of shape {grad.shape} does not match the Value's shape "
                f"{self.shape}"
            )
        self._grad = grad
        # A read-only array (a broadcast view, say) is read and added to as a shared one:
        # copied on first read, replaced rather than added to in place by backward.
        self._grad_shared = not grad.flags.writeable

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d Value")
        return self.shape[0]

    def __iter__(self) -> Iterator[Value]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d Value")
        return (self[k] for k in range(self.shape[0]))

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(
                f"the truth value of a Value of shape {self.shape} is ambiguous; "
                f"use (v > 0).any() or .all()"
            )
        return bool(self._data)

    def __repr__(self) -> str:
        grad = self._grad if self._grad is not None else np.zeros_like(self._data)
        extras = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        if not self.requires_grad:
            extras += ", requires_grad=False"
        if self.ndim == 0:
            return f"Value(data={self._data.item()!r}, grad={grad.item()!r}{extras})"
        data_text = np.array2string(self._data, separator=", ", prefix="Value(data=")
        grad_text = np.array2string(grad, separator=", ", prefix="      grad=")
        sep = ",\n      " if "\n" in data_text else ", "
        return f"Value(data={data_text}{sep}grad={grad_text}{extras})"

    # -- copies (copy.copy, copy.deepcopy, pickle) --------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # The node refers back to this Value, so a copy must not share it: a copy is a new
        # leaf. As in PyTorch, only leaves can be copied; a result would lose its graph.
        node = self._node
        if node is not None and node.backward is not None:
            raise RuntimeError(
                f"Only Values created by the user (graph leaves) can be copied or pickled; "
                f"this one was computed by {node.op} (shape {self.shape}). "
                f"Copy its detach() instead."
            )
        return {"data": self.data, "requires_grad": self.requires_grad, "grad": self._grad}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._data = state["data"]
        self.requires_grad = state["requires_grad"]
        self._grad = state["grad"]
        self._grad_shared = self._grad is not None  # a shallow copy's is the original's array
        self._node = None

    # -- conversions ------------------------------------------------------------------

    def item(self) -> float:
        """The single element of a one-element Value, as a Python float.

        Raises
        ------
        ValueError
            If the Value has more than one element.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[2.5]]).item()
        2.5
        """
        if self.size != 1:
            raise ValueError(
                f"item(): only a Value with one element converts to a Python number, "
                f"this one has shape {self.shape}"
            )
        return float(self._data.item())

    def __float__(self) -> float:
        """``float(v)``: :meth:`item`, as for a PyTorch tensor.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> float(Value([2.5]))
        2.5
        """
        return self.item()

    def __int__(self) -> int:
        """``int(v)``: the one element, truncated toward 0, as ``int(tensor)``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> int(Value(-2.7))
        -2
        """
        return int(self.item())

    def tolist(self) -> Any:
        """The data as (nested) Python lists of floats; a 0-d Value gives a float.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2]]).tolist(), Value(3.0).tolist()
        ([[1.0, 2.0]], 3.0)
        """
        return self._data.tolist()

    def numel(self) -> int:
        """How many elements there are: :attr:`size`, PyTorch's ``numel()``.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value(np.zeros((2, 3))).numel()
        6
        """
        return self._data.size

    def numpy(self) -> Array:
        """The data as a numpy array: :attr:`data` (not a copy: changing one changes the other).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1, 2]).numpy()
        array([1., 2.])
        """
        return self.data

    def detach(self) -> Value:
        """A new Value with the same data, outside the graph (``requires_grad=False``).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([1.0])
        >>> (x * 2).detach().requires_grad
        False
        """
        return record.new_value(self.data)  # through the door: it shares what you may change

    def astype(self, dtype: npt.DTypeLike) -> Value:
        return unary.astype(self, dtype)

    @property
    def has_grad(self) -> bool:
        """Whether backward has given this Value a gradient since it was made or last reset.

        :attr:`grad` reads as zeros either way; this tells "no gradient yet" (PyTorch's
        ``p.grad is None``) from a gradient that is zero. Optimizers skip a parameter that
        has none, as PyTorch's do: a parameter the loss did not use is left alone, even by
        weight decay and momentum. Assigning an array to ``grad`` gives one; assigning
        ``None`` or calling :meth:`zero_grad` takes it away.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x, unused = Value([1.0, 2.0]), Value([3.0])
        >>> (x * x).sum().backward()
        >>> x.has_grad, unused.has_grad
        (True, False)
        >>> unused.grad  # reads as zeros all the same
        array([0.])
        """
        return self._grad is not None

    @property
    def grad_fn(self) -> Node | None:
        """The node of the operation that computed this Value; None for a leaf or a constant.

        As PyTorch's ``grad_fn``: ``grad_fn.op`` names the operation, ``grad_fn.prev`` holds
        its operands' nodes (a leaf's node there, where PyTorch shows an ``AccumulateGrad``).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([1.0, 2.0])
        >>> (x * 2).grad_fn.op, x.grad_fn
        ('mul', None)
        """
        node = self._node
        return None if node is None or node.backward is None else node

    @property
    def is_leaf(self) -> bool:
        """Whether this Value was made by the user (or is a constant) rather than by an operation.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([1.0])
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    def zero_grad(self) -> None:
        """Reset the gradient to zeros (it is freed, and reads as zeros until backward).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([3.0])
        >>> (x * x).backward()
        >>> x.zero_grad()
        >>> x.grad
        array([0.])
        """
        self._grad = None
        self._grad_shared = False

    def backward(
        self,
        grad: npt.ArrayLike | Value | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Add the derivative of this Value to the ``.grad`` of every node it depends on.

        Every Value of the graph that is still alive gets its ``.grad``: the inputs, and
        any intermediate result you kept a name for. (An intermediate nobody holds any
        more gets none, since no one could read it, as in PyTorch.) The graph is walked
        once, outputs before inputs, without recursion.

        Parameters
        ----------
        grad : array_like, optional
            The gradient of some final result with respect to this Value, of this Value's
            shape. May be left out when this Value has a single element: it is then 1.
        retain_graph : bool, optional
            Keep the graph, so that backward can run through it again. By default the
            graph is freed (as in PyTorch), unless ``create_graph`` is true.
        create_graph : bool, default False
            Record the backward pass itself as a graph. ``.grad`` still receives plain
            arrays; to get the gradients as Values that can be differentiated again, use
            :func:`tensorgrad.grad` with ``create_graph=True``.

        Raises
        ------
        RuntimeError
            If this Value does not require grad, if ``grad`` is left out for a Value with
            several elements, or if the graph was freed by an earlier backward.
        ValueError
            If ``grad`` does not have this Value's shape.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> x = Value([1.0, 2.0, 3.0])
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        array([2., 4., 6.])
        >>> z = x * 3
        >>> z.backward(np.array([1.0, 0.0, 1.0]))
        >>> x.grad  # gradients accumulate
        array([5., 4., 9.])
        """
        autograd.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    # -- operators and methods: each hands over to its op, in tensorgrad/ops/<family>.py ----
    # (A named method's docstring is its op's: see _METHODS at the end of this module.)

    # comparisons: plain boolean arrays, outside the graph (ops/select.py)

    def __lt__(self, other: Operand) -> Array:
        return select.compare(np.less, "<", self, other)

    def __le__(self, other: Operand) -> Array:
        return select.compare(np.less_equal, "<=", self, other)

    def __gt__(self, other: Operand) -> Array:
        return select.compare(np.greater, ">", self, other)

    def __ge__(self, other: Operand) -> Array:
        return select.compare(np.greater_equal, ">=", self, other)

    def __eq__(self, other: object) -> Array:  # type: ignore[override]  # elementwise, as numpy
        return select.compare(np.equal, "==", self, other)

    def __ne__(self, other: object) -> Array:  # type: ignore[override]  # elementwise, as numpy
        return select.compare(np.not_equal, "!=", self, other)

    # The graph walk keys dicts by node, and __eq__ above is elementwise: hash by identity.
    __hash__ = object.__hash__

    # arithmetic, broadcast as numpy does (ops/arithmetic.py); NotImplemented lets Python
    # try the other operand

    def __add__(self, other: Operand) -> Value:
        return arithmetic.add(self, other)

    def __radd__(self, other: Operand) -> Value:
        return arithmetic.add(other, self)

    def __sub__(self, other: Operand) -> Value:
        return arithmetic.sub(self, other)

    def __rsub__(self, other: Operand) -> Value:
        return arithmetic.sub(other, self)

    def __mul__(self, other: Operand) -> Value:
        return arithmetic.mul(self, other)

    def __rmul__(self, other: Operand) -> Value:
        return arithmetic.mul(other, self)

    def __truediv__(self, other: Operand) -> Value:
        return arithmetic.div(self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return arithmetic.div(other, self)

    def __pow__(self, other: Operand) -> Value:
        return arithmetic.pow(self, other)

    def __rpow__(self, other: Operand) -> Value:
        return arithmetic.pow(other, self)

    # (// and % raise a clear TypeError for a foreign operand, rather than NotImplemented)

    def __floordiv__(self, other: Operand) -> Value:
        return arithmetic.floor_divide(self, other)

    def __rfloordiv__(self, other: Operand) -> Value:
        return arithmetic.floor_divide(other, self)

    def __mod__(self, other: Operand) -> Value:
        return arithmetic.remainder(self, other)

    def __rmod__(self, other: Operand) -> Value:
        return arithmetic.remainder(other, self)

    def __neg__(self) -> Value:
        return arithmetic.neg(self)

    def __abs__(self) -> Value:
        return unary.abs(self)

    # matrix product (ops/linalg.py)

    def __matmul__(self, other: Operand) -> Value:
        return linalg.matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Value:
        return linalg.matmul(other, self)

    def outer(self, vec2: Operand) -> Value:
        return linalg.outer(self, vec2)

    # elementwise functions (ops/unary.py)

    def exp(self) -> Value:
        return unary.exp(self)

    def log(self) -> Value:
        return unary.log(self)

    def tanh(self) -> Value:
        return unary.tanh(self)

    def sigmoid(self) -> Value:
        return unary.sigmoid(self)

    def relu(self) -> Value:
        return unary.relu(self)

    def sqrt(self) -> Value:
        return unary.sqrt(self)

    def abs(self) -> Value:
        return unary.abs(self)

    def clip(self, lo: Operand | None = None, hi: Operand | None = None) -> Value:
        return unary.clip(self, lo, hi)

    def clamp(self, min: Operand | None = None, max: Operand | None = None) -> Value:
        return unary.clamp(self, min, max)

    def square(self) -> Value:
        return unary.square(self)

    def rsqrt(self) -> Value:
        return unary.rsqrt(self)

    def reciprocal(self) -> Value:
        return unary.reciprocal(self)

    def log1p(self) -> Value:
        return unary.log1p(self)

    def log2(self) -> Value:
        return unary.log2(self)

    def expm1(self) -> Value:
        return unary.expm1(self)

    def exp2(self) -> Value:
        return unary.exp2(self)

    def sin(self) -> Value:
        return unary.sin(self)

    def cos(self) -> Value:
        return unary.cos(self)

    def tan(self) -> Value:
        return unary.tan(self)

    def erf(self) -> Value:
        return unary.erf(self)

    def sign(self) -> Value:
        return unary.sign(self)

    def floor(self) -> Value:
        return unary.floor(self)

    def ceil(self) -> Value:
        return unary.ceil(self)

    def trunc(self) -> Value:
        return unary.trunc(self)

    def round(self, *, decimals: int = 0) -> Value:
        return unary.round(self, decimals=decimals)

    # elementwise functions of two or three operands (ops/arithmetic.py)

    def floor_divide(self, other: Operand) -> Value:
        return arithmetic.floor_divide(self, other)

    def remainder(self, other: Operand) -> Value:
        return arithmetic.remainder(self, other)

    def fmod(self, other: Operand) -> Value:
        return arithmetic.fmod(self, other)

    def lerp(self, end: Operand, weight: Operand) -> Value:
        return arithmetic.lerp(self, end, weight)

    # reductions (ops/reduce.py)

    def sum(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.sum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.mean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    @overload
    def max(
        self,
        dim: None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
    ) -> Value: ...
    @overload
    def max(
        self,
        dim: int,
        keepdim: bool | None = None,
        *,
        axis: None = None,
        keepdims: bool = False,
    ) -> ValuesIndices: ...
    def max(
        self,
        dim: int | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
    ) -> Value | ValuesIndices:
        return reduce.max(self, dim, keepdim, axis=axis, keepdims=keepdims)  # type: ignore[arg-type]

    @overload
    def min(
        self,
        dim: None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
    ) -> Value: ...
    @overload
    def min(
        self,
        dim: int,
        keepdim: bool | None = None,
        *,
        axis: None = None,
        keepdims: bool = False,
    ) -> ValuesIndices: ...
    def min(
        self,
        dim: int | None = None,
        keepdim: bool | None = None,
        *,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
    ) -> Value | ValuesIndices:
        return reduce.min(self, dim, keepdim, axis=axis, keepdims=keepdims)  # type: ignore[arg-type]

    def amax(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def cumsum(self, axis: int | None = None, *, dim: int | None = None) -> Value:
        return reduce.cumsum(self, axis, dim=dim)

    def cumprod(self, axis: int | None = None, *, dim: int | None = None) -> Value:
        return reduce.cumprod(self, axis, dim=dim)

    def var(
        self,
        axis: int | Sequence[int] | None = None,
        *,
        keepdims: bool = False,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        correction: float | None = None,
        unbiased: bool | None = None,
        ddof: float | None = None,
    ) -> Value:
        return reduce.var(
            self,
            axis,
            keepdims=keepdims,
            dim=dim,
            keepdim=keepdim,
            correction=correction,
            unbiased=unbiased,
            ddof=ddof,
        )

    def std(
        self,
        axis: int | Sequence[int] | None = None,
        *,
        keepdims: bool = False,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
        correction: float | None = None,
        unbiased: bool | None = None,
        ddof: float | None = None,
    ) -> Value:
        return reduce.std(
            self,
            axis,
            keepdims=keepdims,
            dim=dim,
            keepdim=keepdim,
            correction=correction,
            unbiased=unbiased,
            ddof=ddof,
        )

    def norm(
        self,
        p: float | str = 2,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return reduce.norm(self, p, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> npt.NDArray[np.intp]:
        return reduce.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> npt.NDArray[np.intp]:
        return reduce.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def all(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> npt.NDArray[np.bool_]:
        return reduce.all(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def any(
        self,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> npt.NDArray[np.bool_]:
        return reduce.any(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # the softmax family (ops/softmax.py)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Value:
        return softmax_ops.softmax(self, axis, dim=dim)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Value:
        return softmax_ops.log_softmax(self, axis, dim=dim)

    def logsumexp(
        self,
        axis: int | Sequence[int] = -1,
        keepdims: bool = False,
        *,
        dim: int | Sequence[int] | None = None,
        keepdim: bool | None = None,
    ) -> Value:
        return softmax_ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # shape (ops/shape.py)

    def reshape(self, *shape: int | Sequence[int]) -> Value:
        return shape_ops.reshape(self, *shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Value:
        return shape_ops.flatten(self, start_dim, end_dim)

    def view(self, *shape: int | Sequence[int]) -> Value:
        """PyTorch's name for :meth:`reshape` (which never needs a copy here: numpy reshapes).

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value(np.zeros(6)).view(2, 3).shape
        (2, 3)
        """
        return shape_ops.reshape(self, *shape)

    def squeeze(
        self, axis: int | Sequence[int] | None = None, *, dim: int | Sequence[int] | None = None
    ) -> Value:
        return shape_ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Value:
        return shape_ops.unsqueeze(self, axis, dim=dim)

    def transpose(self, *axes: int | Sequence[int]) -> Value:
        return shape_ops.transpose(self, *axes)

    def permute(self, *dims: int | Sequence[int]) -> Value:
        return shape_ops.permute(self, *dims)

    @property
    def T(self) -> Value:  # noqa: N802  (numpy's and PyTorch's name)
        """The Value with its axes reversed (the transpose of a matrix).

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value(np.zeros((2, 3))).T.shape
        (3, 2)
        """
        return shape_ops.transpose(self)

    def swapaxes(self, axis1: int, axis2: int) -> Value:
        return shape_ops.swapaxes(self, axis1, axis2)

    def broadcast_to(self, shape: Sequence[int]) -> Value:
        return shape_ops.broadcast_to(self, shape)

    def expand(self, *sizes: int | Sequence[int]) -> Value:
        """PyTorch's ``expand``: :meth:`broadcast_to` the sizes given, where -1 keeps an axis's
        own size (new axes go in front, as in broadcasting).

        Raises
        ------
        ValueError
            If -1 is given for a new axis, or the sizes do not broadcast from the Value's.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1.0], [2.0]]).expand(2, 3).shape, Value([[1.0], [2.0]]).expand(4, -1, 3).shape
        ((2, 3), (4, 2, 3))
        """
        target = list(shape_arg(sizes))
        new = len(target) - self.ndim
        for k, n in enumerate(target):
            if n == -1:
                if k < new:
                    raise ValueError(
                        f"expand: -1 is not allowed for the new axis {k} (sizes {tuple(target)} "
                        f"for a Value of shape {self.shape})"
                    )
                target[k] = self.shape[k - new]
        return shape_ops.broadcast_to(self, tuple(target))

    def flip(self, *dims: int | Sequence[int]) -> Value:
        return shape_ops.flip(self, shape_arg(dims) if dims else None)

    def roll(self, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None) -> Value:
        return shape_ops.roll(self, shifts, dims)

    def repeat(self, *sizes: int | Sequence[int]) -> Value:
        return shape_ops.repeat(self, *sizes)

    def tile(self, *dims: int | Sequence[int]) -> Value:
        return shape_ops.tile(self, *dims)

    def repeat_interleave(
        self, repeats: int | Sequence[int] | Array, dim: int | None = None
    ) -> Value:
        return shape_ops.repeat_interleave(self, repeats, dim)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Value, ...]:
        return shape_ops.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Value, ...]:
        return shape_ops.chunk(self, chunks, dim)

    def unbind(self, dim: int = 0) -> tuple[Value, ...]:
        return shape_ops.unbind(self, dim)

    # indexing (ops/index.py)

    def __getitem__(self, index: Any) -> Value:
        return index_ops.getitem(self, index)

    def gather(self, dim: int, index: npt.ArrayLike) -> Value:
        return index_ops.gather(self, dim, index)

    def index_select(self, dim: int, index: npt.ArrayLike) -> Value:
        return index_ops.index_select(self, dim, index)

    def scatter(self, dim: int, index: npt.ArrayLike, src: Operand) -> Value:
        return index_ops.scatter(self, dim, index, src)

    def scatter_add(self, dim: int, index: npt.ArrayLike, src: Operand) -> Value:
        return index_ops.scatter_add(self, dim, index, src)

    def masked_fill(self, mask: npt.ArrayLike, value: Value | float) -> Value:
        return index_ops.masked_fill(self, mask, value)

    # selection by a mask (ops/select.py)

    def where(self, condition: npt.ArrayLike, other: Operand) -> Value:
        """PyTorch's ``x.where(condition, other)``: :func:`~tensorgrad.where` ``(condition,
        x, other)``, the Value where ``condition`` is true and ``other`` elsewhere.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([-1.0, 2.0])
        >>> x.where(x > 0, 0.0).data
        array([0., 2.])
        """
        return select.where(condition, self, other)

    def tril(self, diagonal: int = 0) -> Value:
        return select.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Value:
        return select.triu(self, diagonal)


Tensor = Value
"""PyTorch's name for the same class."""


def float_dtype(dtype: npt.DTypeLike, op: str = "Value()") -> np.dtype[Any]:
    """``dtype`` as a numpy dtype, which must be float32 or float64 (what a Value holds).

    float16 is refused rather than half-supported: numpy computes it slowly, in float32
    inside each op, and its range ends at 65504, so a loss or a softmax overflows where
    float32 is fine. numpy's longdouble has no counterpart in PyTorch.

    Raises
    ------
    TypeError
        If ``dtype`` is not float32 or float64.

    Examples
    --------
    >>> import numpy as np
    >>> from tensorgrad.tensor import float_dtype
    >>> float_dtype(np.float32)
    dtype('float32')
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: dtype must be float32 or float64, got {dtype!r}") from None
    if resolved.kind != "f":
        raise TypeError(
            f"{op}: a Value holds floating-point numbers; dtype {resolved} is not one "
            f"(float32 or float64)"
        )
    if resolved.itemsize not in (4, 8):
        raise TypeError(
            f"{op}: a Value holds float32 or float64 numbers; {resolved} is not supported "
            f"(convert it with .astype(np.float32))"
        )
    return resolved


def real_array(x: object, what: str) -> Array:
    """``x`` as a numpy array of real numbers (bools, ints or floats), or a TypeError.

    For what a Value takes in as it is given, a gradient or a target: a string, an object,
    a ragged list or complex numbers are refused by name (numpy would drop an imaginary
    part with only a warning, and take strings as an array of them).

    Parameters
    ----------
    x : object
        What was given.
    what : str
        What it is, for the message (``"backward: the gradient"``).

    Raises
    ------
    TypeError
        If ``x`` is not real numbers, naming ``what``, its type and its numpy dtype.

    Examples
    --------
    >>> from tensorgrad.tensor import real_array
    >>> real_array([1, 2], "the target")
    array([1, 2])
    >>> real_array([1j], "the target")
    Traceback (most recent call last):
    ...
    TypeError: the target must be an array of real numbers, got list (numpy dtype complex128)
    """
    try:
        array = np.asarray(x)
    except (TypeError, ValueError):
        array = np.asarray(None)  # (a ragged list and the like: refused below)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{what} must be an array of real numbers, got {type(x).__name__} "
            f"(numpy dtype {array.dtype})"
        )
    return array


def _float_array(
    data: object, dtype: npt.DTypeLike | None, copy: bool = True, what: str = "Value()"
) -> Array:
    """``data`` as a float array: float dtypes are kept, ints and bools become float64.

    ``copy=False`` (for ``w.data = array``, ``what`` then says so in the errors) keeps a float
    array as it is, as PyTorch's ``w.data = t`` shares ``t``.
    """
    if isinstance(data, Value):
        data = data._data
    target = None if dtype is None else float_dtype(dtype, what)
    try:
        array = np.array(data, dtype=target) if copy else np.asarray(data, dtype=target)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{what} needs numbers, a list of numbers or a numpy array, "
            f"got {type(data).__name__}: {error}"
        ) from None
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(
            f"{what} needs numbers, a list of numbers or a numpy array, "
            f"got {type(data).__name__} (numpy dtype {array.dtype})"
        )
    if array.dtype.itemsize not in (4, 8):
        raise TypeError(
            f"{what}: a Value holds float32 or float64 numbers; {array.dtype} is not supported "
            f"(convert the array with .astype(np.float32))"
        )
    return array


def _references(value: Value) -> int:
    array = value._data  # as in Value.data: a local name, then getrefcount's argument
    return getrefcount(array)


_ALONE = _references(Value(0.0))
"""What getrefcount reports in ``Value.data`` for an array that only its Value holds."""

# The ops' modules import Value from here, so they come after it; the methods above read
# them at call time.
from tensorgrad import autograd, record  # noqa: E402
from tensorgrad.ops import arithmetic, linalg, reduce, select, unary  # noqa: E402
from tensorgrad.ops import index as index_ops  # noqa: E402
from tensorgrad.ops import shape as shape_ops  # noqa: E402
from tensorgrad.ops import softmax as softmax_ops  # noqa: E402

_METHODS = {
    "astype": unary.astype,
    "exp": unary.exp,
    "log": unary.log,
    "tanh": unary.tanh,
    "sigmoid": unary.sigmoid,
    "relu": unary.relu,
    "sqrt": unary.sqrt,
    "abs": unary.abs,
    "clip": unary.clip,
    "clamp": unary.clamp,
    "square": unary.square,
    "rsqrt": unary.rsqrt,
    "reciprocal": unary.reciprocal,
    "log1p": unary.log1p,
    "log2": unary.log2,
    "expm1": unary.expm1,
    "exp2": unary.exp2,
    "sin": unary.sin,
    "cos": unary.cos,
    "tan": unary.tan,
    "erf": unary.erf,
    "sign": unary.sign,
    "floor": unary.floor,
    "ceil": unary.ceil,
    "trunc": unary.trunc,
    "round": unary.round,
    "floor_divide": arithmetic.floor_divide,
    "remainder": arithmetic.remainder,
    "fmod": arithmetic.fmod,
    "lerp": arithmetic.lerp,
    "sum": reduce.sum,
    "mean": reduce.mean,
    "max": reduce.max,
    "min": reduce.min,
    "argmax": reduce.argmax,
    "argmin": reduce.argmin,
    "amax": reduce.amax,
    "amin": reduce.amin,
    "prod": reduce.prod,
    "cumsum": reduce.cumsum,
    "cumprod": reduce.cumprod,
    "var": reduce.var,
    "std": reduce.std,
    "norm": reduce.norm,
    "all": reduce.all,
    "any": reduce.any,
    "softmax": softmax_ops.softmax,
    "log_softmax": softmax_ops.log_softmax,
    "logsumexp": softmax_ops.logsumexp,
    "reshape": shape_ops.reshape,
    "flatten": shape_ops.flatten,
    "squeeze": shape_ops.squeeze,
    "unsqueeze": shape_ops.unsqueeze,
    "transpose": shape_ops.transpose,
    "permute": shape_ops.permute,
    "swapaxes": shape_ops.swapaxes,
    "broadcast_to": shape_ops.broadcast_to,
    "flip": shape_ops.flip,
    "roll": shape_ops.roll,
    "repeat": shape_ops.repeat,
    "tile": shape_ops.tile,
    "repeat_interleave": shape_ops.repeat_interleave,
    "split": shape_ops.split,
    "chunk": shape_ops.chunk,
    "unbind": shape_ops.unbind,
    "outer": linalg.outer,
    "gather": index_ops.gather,
    "index_select": index_ops.index_select,
    "scatter": index_ops.scatter,
    "scatter_add": index_ops.scatter_add,
    "masked_fill": index_ops.masked_fill,
    "tril": select.tril,
    "triu": select.triu,
}
"""The methods that are their op: ``x.exp()`` is ``ops.unary.exp(x)``, documented there once."""

for _name, _op in _METHODS.items():
    getattr(Value, _name).__doc__ = _op.__doc__

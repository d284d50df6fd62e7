"""The tensor autograd engine: :class:`Value`, its operations, and their gradients.

A :class:`Value` wraps a numpy array. Every operation comes as a pair, side by side:

* a *forward* method (or function) computes the result with numpy and, when gradients are
  wanted, gives it a :class:`~tensorgrad.node.Node` recording what the gradient will
  need: the operands' nodes, what the backward reads (the operands' arrays, or None for
  one it does not read, then any parameter such as an axis, and the result itself if it
  asks to keep it), and the operation's backward function;
* right below it, its *backward* function ``_<op>_backward`` returns the gradient of one
  operand: a ``@staticmethod`` of :class:`Value` (``Value._mul_backward``) for a method,
  a module-level function for a function such as :func:`where`.

Every backward function has the signature ``(g, out, args, i)``: ``g`` is the gradient of
the result, ``out`` the result (None unless the forward kept it), ``args`` what the forward
recorded, and ``i`` which operand's gradient to return. Asking for one operand at a time
means that no gradient is computed for a constant: in ``x @ W`` with ``x`` a batch of
data, only ``W``'s is.

One formula serves every order of derivative. Backward functions use only what numpy
arrays and Values both support (arithmetic, ``@``, comparisons, indexing, ``.sum``,
``.reshape``, ``.swapaxes``, ``.astype``, and :mod:`tensorgrad.broadcast`), so:

* normally the graph walk passes plain arrays: the formula is pure numpy, with no graph
  and no overhead;
* with ``create_graph=True`` it passes Values: the same formula then builds a graph of its
  own, and the gradient can be differentiated again.

Why the engine looks the way it does (a training step costs little more than the same
step written by hand in numpy):

* ``__slots__``: a Value and a node are small fixed records, cheap to build.
* A node keeps only what its backward reads, and the walk drops the gradient of a Value
  nobody holds, so a step's memory is what a hand-written one needs (:mod:`tensorgrad.node`).
* One plain backward function per operation, shared by all its nodes, instead of a
  closure per node.
* Numbers and numpy arrays mixed into an expression are constants: they are stored as
  they are, never wrapped, and get no gradient.
* :func:`~tensorgrad.broadcast.unbroadcast` returns its input untouched when no
  broadcasting happened, which is the common case.
* Operations that are one formula get one node: ``mean`` is not ``sum`` then ``/``, and
  ``log_softmax`` is not ``exp``, ``sum``, ``log`` and ``-``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from tensorgrad.broadcast import broadcast_to, unbroadcast
from tensorgrad.grad_mode import _modes
from tensorgrad.node import BackwardFn, Node

__all__ = ["Tensor", "Value", "concatenate", "maximum", "minimum", "stack", "where"]

Array = npt.NDArray[Any]
Operand = Union["Value", Array, float, int]
"""What an operation accepts: a Value, or a constant (a numpy array or a Python number)."""


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
    data : ndarray
        The array computed by the forward pass.
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

    __slots__ = ("__weakref__", "_grad", "_grad_shared", "_node", "data", "requires_grad")

    # numpy must hand `array * value` over to Value.__rmul__ instead of looping over it.
    __array_ufunc__ = None

    data: Array
    requires_grad: bool
    _grad: Array | None
    _grad_shared: bool
    _node: Node | None  # where it sits in the graph; None outside it

    def __init__(
        self,
        data: npt.ArrayLike | Value,
        dtype: npt.DTypeLike | None = None,
        requires_grad: bool = True,
    ) -> None:
        self.data = _float_array(data, dtype)
        self.requires_grad = bool(requires_grad)
        self._grad = None
        self._grad_shared = False
        self._node = None  # a leaf gets its node when an operation first uses it

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
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of axes of ``data``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2, 3]]).ndim
        2
        """
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        """The dtype of ``data`` (and of ``grad``).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1, 2]).dtype
        dtype('float64')
        """
        return self.data.dtype

    @property
    def size(self) -> int:
        """The number of elements of ``data``.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2, 3]]).size
        3
        """
        return self.data.size

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
            return np.zeros_like(self.data)
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
        grad = np.asarray(value, dtype=self.dtype)
        if grad.shape != self.shape:
            raise ValueError(
                f"grad of shape {grad.shape} does not match the Value's shape {self.shape}"
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
        return bool(self.data)

    def __repr__(self) -> str:
        grad = self._grad if self._grad is not None else np.zeros_like(self.data)
        extras = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        if not self.requires_grad:
            extras += ", requires_grad=False"
        if self.ndim == 0:
            return f"Value(data={self.data.item()!r}, grad={grad.item()!r}{extras})"
        data_text = np.array2string(self.data, separator=", ", prefix="Value(data=")
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
        self.data = state["data"]
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
        return float(self.data.item())

    def numpy(self) -> Array:
        """The data as a numpy array (not a copy: changing one changes the other).

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
        return _record(self.data, "detach", None, (), ())

    def astype(self, dtype: npt.DTypeLike) -> Value:
        """This Value converted to another floating-point dtype; the gradient converts back.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value([1.5]).astype(np.float32)
        Value(data=[1.5], grad=[0.], dtype=float32)
        """
        target = _float_dtype(dtype)
        return _record(
            self.data.astype(target), "astype", Value._astype_backward, (self,), (self.data,)
        )

    @staticmethod
    def _astype_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return g.astype(args[0].dtype)

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
        # autograd.py walks Values, so it imports this module: import it at call time.
        from tensorgrad.autograd import backward

        backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    # -- comparisons: plain boolean arrays, outside the graph --------------------------

    def __lt__(self, other: Operand) -> Array:
        return _compare(np.less, "<", self, other)

    def __le__(self, other: Operand) -> Array:
        return _compare(np.less_equal, "<=", self, other)

    def __gt__(self, other: Operand) -> Array:
        return _compare(np.greater, ">", self, other)

    def __ge__(self, other: Operand) -> Array:
        return _compare(np.greater_equal, ">=", self, other)

    def __eq__(self, other: object) -> Array:  # type: ignore[override]  # elementwise, as numpy
        return _compare(np.equal, "==", self, other)

    def __ne__(self, other: object) -> Array:  # type: ignore[override]  # elementwise, as numpy
        return _compare(np.not_equal, "!=", self, other)

    # The graph walk keys dicts by node, and __eq__ above is elementwise: hash by identity.
    __hash__ = object.__hash__

    # -- elementwise arithmetic, broadcast as numpy does -------------------------------
    # d(a+b) = da + db,  d(a-b) = da - db,  d(a*b) = b da + a db,  d(a/b) = da/b - a/b² db,
    # d(a**b) = b a**(b-1) da + a**b log(a) db,  d(-a) = -da

    def __add__(self, other: Operand) -> Value:
        return _binary("add", np.add, Value._add_backward, self, other, shapes_only=True)

    def __radd__(self, other: Operand) -> Value:
        return _binary("add", np.add, Value._add_backward, other, self, shapes_only=True)

    @staticmethod
    def _add_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        # None: the operand was like the result (see _binary), so g fits it as it is.
        return g if args[i] is None else unbroadcast(g, args[i])

    def __sub__(self, other: Operand) -> Value:
        return _binary("sub", np.subtract, Value._sub_backward, self, other, shapes_only=True)

    def __rsub__(self, other: Operand) -> Value:
        return _binary("sub", np.subtract, Value._sub_backward, other, self, shapes_only=True)

    @staticmethod
    def _sub_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        grad = g if i == 0 else -g
        return grad if args[i] is None else unbroadcast(grad, args[i])

    def __mul__(self, other: Operand) -> Value:
        return _binary("mul", np.multiply, Value._mul_backward, self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _binary("mul", np.multiply, Value._mul_backward, other, self)

    @staticmethod
    def _mul_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        a, b = args
        return unbroadcast(g * b, a) if i == 0 else unbroadcast(g * a, b)

    def __truediv__(self, other: Operand) -> Value:
        return _binary("div", np.true_divide, Value._div_backward, self, other, keep_output=True)

    def __rtruediv__(self, other: Operand) -> Value:
        return _binary("div", np.true_divide, Value._div_backward, other, self, keep_output=True)

    @staticmethod
    def _div_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        a, b = args
        # d(a/b)/db = -a/b² = -out/b
        return unbroadcast(g / b, a) if i == 0 else unbroadcast(-g * out / b, b)

    def __pow__(self, other: Operand) -> Value:
        return _binary("pow", np.power, Value._pow_backward, self, other, keep_output=True)

    def __rpow__(self, other: Operand) -> Value:
        return _binary("pow", np.power, Value._pow_backward, other, self, keep_output=True)

    @staticmethod
    def _pow_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        a, b = args
        if i == 0:
            # d/da = b a**(b-1), which is 0 where b == 0 (a**0 is the constant 1); but at a
            # base of 0 (or NaN) the formula is 0 * inf = NaN. PyTorch returns 0 there.
            if isinstance(b, (int, float)):  # the common case, x**2: no mask to compute
                if b == 0:
                    return _zeros(g, a)
                return unbroadcast(g * b * a ** (b - 1), a)
            base = a
            zero_exponent = _plain(b) == 0
            if zero_exponent.any():
                # Only where the formula fails: elsewhere b == 0 keeps its exact derivative
                # with respect to b (a**-1), which higher-order derivatives need.
                # `not |a| > 0` is true for 0 and for NaN.
                bad = zero_exponent & ~(np.abs(_plain(a)) > 0)
                if bad.any():
                    base = _where(bad, 1.0, a)  # 0 * 1**-1 = 0, with no inf on the way
            return unbroadcast(g * b * base ** (b - 1), a)
        # d/db = a**b log(a): at a == 0 that is 0 * -inf = NaN for b >= 0 (and a numpy
        # warning); PyTorch returns 0 there, as the limit from a > 0. For b < 0, a**b is
        # inf and the gradient -inf, as in PyTorch.
        zero_base = _plain(a) == 0
        if np.any(zero_base):
            a = _where(zero_base & (_plain(b) >= 0), 1.0, a)  # log(1) = 0
        return unbroadcast(g * out * _log(a), b)

    def __neg__(self) -> Value:
        return _record(np.negative(self.data), "neg", Value._neg_backward, (self,), (self.data,))

    @staticmethod
    def _neg_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return -g

    def __abs__(self) -> Value:
        return self.abs()

    # -- matrix product -----------------------------------------------------------------

    def __matmul__(self, other: Operand) -> Value:
        return Value._matmul(self, other)

    def __rmatmul__(self, other: Operand) -> Value:
        return Value._matmul(other, self)

    @staticmethod
    def _matmul(a: Operand, b: Operand) -> Value:
        a_data, b_data = _data(a), _data(b)
        if a_data is NotImplemented or b_data is NotImplemented:
            return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
        a_shape, b_shape = getattr(a_data, "shape", ()), getattr(b_data, "shape", ())
        if not a_shape or not b_shape:
            raise ValueError(f"matmul: {a_shape} @ {b_shape}: a 0-d operand has no matrix axes")
        inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
        if a_shape[-1] != inner_b:
            raise ValueError(
                f"matmul: {a_shape} @ {b_shape}: inner dimensions {a_shape[-1]} and "
                f"{inner_b} differ"
            )
        try:
            data = np.matmul(a_data, b_data)
        except ValueError:
            raise ValueError(
                f"matmul: {a_shape} @ {b_shape}: batch dimensions {a_shape[:-2]} and "
                f"{b_shape[:-2]} cannot be broadcast together"
            ) from None
        return _record(data, "matmul", Value._matmul_backward, (a, b), (a_data, b_data))

    @staticmethod
    def _matmul_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        a, b = args
        # numpy multiplies a 1-D left operand as a row (1, n) and a 1-D right operand as a
        # column (n, 1), then drops that axis from the result. Put the axes back, so that only
        # the matrix case remains: dA = G Bᵀ, dB = Aᵀ G, summed over broadcast batch axes.
        if b.ndim == 1:
            b = b.reshape(-1, 1)
            g = g.reshape(*g.shape, 1)
        if a.ndim == 1:
            a = a.reshape(1, -1)
            g = g.reshape(*g.shape[:-1], 1, g.shape[-1])
        if i == 0:
            grad = unbroadcast(g @ b.swapaxes(-1, -2), a)
        else:
            grad = unbroadcast(a.swapaxes(-1, -2) @ g, b)
        shape = args[i].shape
        return grad if grad.shape == shape else grad.reshape(shape)

    # -- elementwise functions ----------------------------------------------------------

    def exp(self) -> Value:
        """Exponential, ``e**x``, elementwise.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([0.0, 1.0]).exp().data
        array([1.        , 2.71828183])
        """
        return _record(
            np.exp(self.data), "exp", Value._exp_backward, (self,), (None,), keep_output=True
        )

    @staticmethod
    def _exp_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return g * out

    def log(self) -> Value:
        """Natural logarithm, elementwise (NaN and a numpy warning for negative numbers).

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value([1.0, np.e]).log().data
        array([0., 1.])
        """
        return _record(np.log(self.data), "log", Value._log_backward, (self,), (self.data,))

    @staticmethod
    def _log_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return g / args[0]

    def tanh(self) -> Value:
        """Hyperbolic tangent, elementwise.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([0.0, 1000.0]).tanh().data
        array([0., 1.])
        """
        data = np.tanh(self.data)
        return _record(
            data, "tanh", Value._tanh_backward, (self,), (None,), keep_output=True, in_place=True
        )

    @staticmethod
    def _tanh_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        g *= 1 - out * out  # in place: see relu
        return g

    def sigmoid(self) -> Value:
        """Logistic sigmoid ``1 / (1 + e**-x)``, elementwise, accurate in both tails.

        As in PyTorch, tiny values for very negative ``x`` keep their relative precision
        (``sigmoid(-40)`` is about ``4.2e-18``, not 0), and no ``x`` gives a warning.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([-1000.0, 0.0, 1000.0]).sigmoid().data
        array([0. , 0.5, 1. ])
        >>> print(f"{Value(-40.0).sigmoid().item():.6e}")  # about e**-40
        4.248354e-18
        """
        # 1 / (1 + e**-x), as PyTorch computes it: accurate to a few ulps, relative, in
        # both tails (the form 0.5 + 0.5 tanh(x/2) cancels to 0 below x = -37). e**-x
        # overflows to inf for x < -709 (-88 in float32), which gives 0 where the true
        # value is below the smallest normal number, as in PyTorch: not worth a warning.
        data = np.empty_like(self.data)  # `out=` keeps a 0-d result an array
        np.negative(self.data, out=data)
        with np.errstate(over="ignore"):
            np.exp(data, out=data)
        data += 1
        np.reciprocal(data, out=data)
        return _record(
            data,
            "sigmoid",
            Value._sigmoid_backward,
            (self,),
            (None,),
            keep_output=True,
            in_place=True,
        )

    @staticmethod
    def _sigmoid_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        g *= out * (1 - out)  # in place: see relu
        return g

    def relu(self) -> Value:
        """Rectified linear unit ``max(x, 0)``, elementwise; its gradient at 0 is 0.

        As in PyTorch, a NaN input gives NaN, and its gradient passes through (1).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([-2.0, 0.0, 3.0]).relu().data
        array([0., 0., 3.])
        """
        data = np.maximum(self.data, 0)
        # The backward reads the result only, so the input's array is not kept for it.
        return _record(
            data, "relu", Value._relu_backward, (self,), (None,), keep_output=True, in_place=True
        )

    @staticmethod
    def _relu_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        # In place, as a hand-written backward does: the walk hands an in_place formula a
        # gradient that nobody else reads (a copy, if the result's Value is still alive).
        # With create_graph, g is a Value, which has no `*=`: Python then makes `g * mask`.
        # Not `out > 0`: a NaN input passes its gradient through, as in PyTorch (whose
        # mask is `out <= 0`, false for NaN). The result is never negative.
        g *= out != 0
        return g

    def sqrt(self) -> Value:
        """Square root, elementwise.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([4.0, 9.0]).sqrt().data
        array([2., 3.])
        """
        return _record(
            np.sqrt(self.data), "sqrt", Value._sqrt_backward, (self,), (None,), keep_output=True
        )

    @staticmethod
    def _sqrt_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return 0.5 * g / out

    def abs(self) -> Value:
        """Absolute value, elementwise; its gradient at 0 is 0, and at NaN too (as PyTorch's).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([-2.0, 3.0]).abs().data
        array([2., 3.])
        """
        return _record(np.abs(self.data), "abs", Value._abs_backward, (self,), (self.data,))

    @staticmethod
    def _abs_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        x = _plain(args[0])
        # The sign of x, 0 at 0 and at NaN as PyTorch's sgn (numpy's sign(NaN) is NaN):
        # the two masks as int8 (0 or 1), subtracted, cost about what np.sign does.
        return g * ((x > 0).view(np.int8) - (x < 0).view(np.int8))

    def clip(self, lo: float | None = None, hi: float | None = None) -> Value:
        """Limit the values to ``[lo, hi]``; the gradient passes where ``lo <= x <= hi``.

        As in numpy and PyTorch, bounds with ``lo > hi`` make every element ``hi``; the
        gradient is then 0 everywhere.

        Parameters
        ----------
        lo, hi : float, optional
            The bounds; ``None`` leaves that side open.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([-2.0, 0.5, 3.0]).clip(0.0, 1.0).data
        array([0. , 0.5, 1. ])
        """
        if lo is None and hi is None:
            raise ValueError("clip: give at least one of lo and hi")
        data = np.clip(self.data, lo, hi)
        if lo is not None and hi is not None:
            crossed = np.greater(lo, hi)
            if crossed.any():
                # Bounds in the wrong order: every element becomes hi, and none lies in
                # [lo, hi], so no gradient passes (as in PyTorch), not even where x == hi.
                args = (self.data, crossed)
                return _record(data, "clip", Value._clip_backward, (self,), args, keep_output=True)
        return _record(data, "clip", Value._clip_backward, (self,), (self.data,), keep_output=True)

    @staticmethod
    def _clip_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        kept = out == args[0]  # the gradient passes where clipping left x unchanged
        if len(args) > 1:
            kept = kept & ~args[1]  # ... and lo <= hi
        return g * kept

    # -- reductions -----------------------------------------------------------------------

    def sum(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Value:
        """Sum over ``axis`` (an int, a tuple of ints, or all axes when None).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([[1.0, 2.0], [3.0, 4.0]])
        >>> x.sum().data, x.sum(axis=0).data, x.sum(axis=-1, keepdims=True).shape
        (array(10.), array([4., 6.]), (2, 1))
        """
        axes = _axes(axis, self.ndim, "sum")
        data = self.data.sum(axis=axes, keepdims=keepdims)
        return _record(data, "sum", Value._sum_backward, (self,), (self.data, axes, keepdims))

    @staticmethod
    def _sum_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        x, axes, keepdims = args
        if not keepdims and g.ndim:  # (a 0-d gradient, of a sum over all axes, broadcasts as is)
            g = g.reshape(_kept_shape(x.shape, axes))
        return broadcast_to(g, x.shape)

    def mean(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Value:
        """Mean over ``axis`` (an int, a tuple of ints, or all axes when None).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1).data
        array([1.5, 3.5])
        """
        axes = _axes(axis, self.ndim, "mean")
        data = self.data.sum(axis=axes, keepdims=keepdims) / _count(self.shape, axes)
        return _record(data, "mean", Value._mean_backward, (self,), (self.data, axes, keepdims))

    @staticmethod
    def _mean_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        x, axes, _ = args
        return Value._sum_backward(g / _count(x.shape, axes), out, args, i)  # spread evenly

    def max(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Value:
        """Maximum over ``axis``; tied maxima share the gradient equally (as ``torch.amax``).

        Raises
        ------
        ValueError
            If an axis to reduce over is empty.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> x = Value([[1.0, 5.0], [5.0, 2.0]])
        >>> m = x.max()
        >>> m.backward()
        >>> x.grad
        array([[0. , 0.5],
               [0.5, 0. ]])
        """
        return self._extremum(np.max, "max", axis, keepdims)

    def min(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Value:
        """Minimum over ``axis``; tied minima share the gradient equally (as ``torch.amin``).

        Raises
        ------
        ValueError
            If an axis to reduce over is empty.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1.0, 5.0], [0.0, 2.0]]).min(axis=0).data
        array([0., 2.])
        """
        return self._extremum(np.min, "min", axis, keepdims)

    def _extremum(
        self,
        reduce: Callable[..., Any],
        op: str,
        axis: int | Sequence[int] | None,
        keepdims: bool,
    ) -> Value:
        axes = _axes(axis, self.ndim, op)
        for a in axes:
            if self.shape[a] == 0:
                raise ValueError(f"{op}: axis {a} of a Value of shape {self.shape} is empty")
        data = reduce(self.data, axis=axes, keepdims=keepdims)
        args = (self.data, axes, keepdims)
        return _record(data, op, Value._extremum_backward, (self,), args, keep_output=True)

    @staticmethod
    def _extremum_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        x, axes, keepdims = args
        if not keepdims:
            kept = _kept_shape(x.shape, axes)
            g, out = g.reshape(kept), out.reshape(kept)
        winners = x == out  # every element equal to the extremum shares its gradient
        return g * winners / winners.sum(axis=axes, keepdims=True, dtype=g.dtype)

    def argmax(self, axis: int | None = None) -> npt.NDArray[np.intp]:
        """Indices of the maxima along ``axis`` (of the flattened array when None); no graph.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1.0, 5.0], [7.0, 2.0]]).argmax(axis=1)
        array([1, 0])
        """
        if axis is not None:
            (axis,) = _axes(axis, self.ndim, "argmax")
        if self.size == 0:
            raise ValueError(f"argmax: a Value of shape {self.shape} has no elements")
        return np.asarray(self.data.argmax(axis=axis))

    # -- shape -------------------------------------------------------------------------------

    def reshape(self, *shape: int | Sequence[int]) -> Value:
        """The same elements in a new shape: ``x.reshape(2, 3)``, ``x.reshape((2, -1))``.

        Raises
        ------
        ValueError
            If the new shape does not hold the same number of elements.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1, 2, 3, 4, 5, 6]).reshape(2, -1).shape
        (2, 3)
        """
        new_shape = _shape_arg(shape)
        try:
            data = self.data.reshape(new_shape)
        except (TypeError, ValueError):
            raise ValueError(
                f"reshape: cannot reshape a Value of shape {self.shape} into shape {new_shape}"
            ) from None
        return _record(data, "reshape", Value._reshape_backward, (self,), (self.data,))

    @staticmethod
    def _reshape_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return g.reshape(args[0].shape)

    def flatten(self) -> Value:
        """The elements as a 1-D Value.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([[1, 2], [3, 4]]).flatten().data
        array([1., 2., 3., 4.])
        """
        return self.reshape(-1)

    def squeeze(self, axis: int | Sequence[int] | None = None) -> Value:
        """Remove axes of size 1: all of them, or those given.

        Raises
        ------
        ValueError
            If a given axis does not have size 1.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value(np.zeros((1, 3, 1))).squeeze().shape
        (3,)
        >>> Value(np.zeros((1, 3, 1))).squeeze(0).shape
        (3, 1)
        """
        if axis is None:
            axes = tuple(a for a, n in enumerate(self.shape) if n == 1)
        else:
            axes = _axes(axis, self.ndim, "squeeze")
        for a in axes:
            if self.shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} of a Value of shape {self.shape} has size "
                    f"{self.shape[a]}, not 1"
                )
        return self.reshape(tuple(n for a, n in enumerate(self.shape) if a not in axes))

    def unsqueeze(self, axis: int) -> Value:
        """Insert an axis of size 1 at position ``axis`` (negative counts from the end).

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1.0, 2.0]).unsqueeze(0).shape, Value([1.0, 2.0]).unsqueeze(-1).shape
        ((1, 2), (2, 1))
        """
        (axis,) = _axes(axis, self.ndim + 1, "unsqueeze")
        return self.reshape((*self.shape[:axis], 1, *self.shape[axis:]))

    def transpose(self, *axes: int | Sequence[int]) -> Value:
        """Permute the axes: reverse them, or put them in the order given.

        Raises
        ------
        ValueError
            If ``axes`` is not a permutation of the Value's axes.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> x = Value(np.zeros((2, 3, 4)))
        >>> x.transpose().shape, x.transpose(0, 2, 1).shape, x.transpose((1, 0, 2)).shape
        ((4, 3, 2), (2, 4, 3), (3, 2, 4))
        """
        if not axes:
            return self._permute(tuple(reversed(range(self.ndim))))
        order = _axes(_shape_arg(axes), self.ndim, "transpose")
        if len(order) != self.ndim:
            raise ValueError(
                f"transpose: axes {_shape_arg(axes)} are not a permutation of the "
                f"{self.ndim} axes of a Value of shape {self.shape}"
            )
        return self._permute(order)

    def _permute(self, order: tuple[int, ...]) -> Value:
        """The axes in ``order``, a permutation already checked."""
        data = self.data.transpose(order)
        return _record(data, "transpose", Value._transpose_backward, (self,), (self.data, order))

    @staticmethod
    def _transpose_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        order = args[1]
        # Axis k of the result is axis order[k] of x: the gradient goes back by the inverse
        # permutation. A permutation of two axes or fewer (a matrix's .T) is its own inverse.
        if len(order) > 2:
            order = tuple(order.index(k) for k in range(len(order)))
        return g.transpose(order)

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
        return self.transpose()

    def swapaxes(self, axis1: int, axis2: int) -> Value:
        """Exchange two axes.

        Examples
        --------
        >>> import numpy as np
        >>> from tensorgrad import Value
        >>> Value(np.zeros((2, 3, 4))).swapaxes(-1, -2).shape
        (2, 4, 3)
        """
        a, b = (_axes(axis, self.ndim, "swapaxes")[0] for axis in (axis1, axis2))
        order = list(range(self.ndim))
        order[a], order[b] = b, a
        return self._permute(tuple(order))

    def broadcast_to(self, shape: Sequence[int]) -> Value:
        """This Value repeated along new or size-1 axes to ``shape``, as numpy broadcasts.

        Raises
        ------
        ValueError
            If the shapes are not compatible.

        Examples
        --------
        >>> from tensorgrad import Value
        >>> Value([1.0, 2.0]).broadcast_to((3, 2)).shape
        (3, 2)
        """
        target = _shape_arg((shape,))
        try:
            data = np.broadcast_to(self.data, target)
        except ValueError:
            raise ValueError(
                f"broadcast_to: cannot broadcast a Value of shape {self.shape} to {target}"
            ) from None
        return _record(data, "broadcast_to", Value._broadcast_to_backward, (self,), (self.data,))

    @staticmethod
    def _broadcast_to_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        return unbroadcast(g, args[0])

    # -- indexing ----------------------------------------------------------------------------

    def __getitem__(self, index: Any) -> Value:
        parts = index if isinstance(index, tuple) else (index,)
        for part in parts:
            if isinstance(part, Value):
                raise TypeError(
                    "a Value cannot be used as an index: index with ints, slices, None, "
                    "Ellipsis, or integer or boolean numpy arrays"
                )
        try:
            data = self.data[index]
        except IndexError as error:
            raise IndexError(f"index into a Value of shape {self.shape}: {error}") from None
        return _record(data, "getitem", Value._getitem_backward, (self,), (self.data, index))

    @staticmethod
    def _getitem_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
        x, index = args
        return _index_add(g, index, x.shape)


Tensor = Value
"""PyTorch's name for the same class."""


# -- functions of several Values -------------------------------------------------------------


def maximum(a: Operand, b: Operand) -> Value:
    """Elementwise maximum of ``a`` and ``b``, broadcast; ties share the gradient equally.

    As in PyTorch and ``np.maximum``, a NaN in either operand gives NaN, and then both
    operands get the gradient.

    Examples
    --------
    >>> from tensorgrad import Value, maximum
    >>> x = Value([1.0, 2.0, 3.0])
    >>> y = maximum(x, 2.0)
    >>> y.sum().backward()
    >>> y.data, x.grad
    (array([2., 2., 3.]), array([0. , 0.5, 1. ]))
    """
    return _pick("maximum", np.maximum, _maximum_backward, a, b)


def minimum(a: Operand, b: Operand) -> Value:
    """Elementwise minimum of ``a`` and ``b``, broadcast; ties share the gradient equally.

    A NaN in either operand gives NaN, and both operands get the gradient (as :func:`maximum`).

    Examples
    --------
    >>> from tensorgrad import Value, minimum
    >>> minimum(Value([1.0, 2.0, 3.0]), 2.0).data
    array([1., 2., 2.])
    """
    return _pick("minimum", np.minimum, _minimum_backward, a, b)


def _pick(
    op: str, fn: Callable[[Any, Any], Any], backward: BackwardFn, a: Operand, b: Operand
) -> Value:
    result = _binary(op, fn, backward, a, b)
    if result is NotImplemented:
        raise _type_error(op, a, b)
    return result


# maximum and minimum, as in PyTorch: an operand gets the gradient unless the other one wins
# (is strictly larger, for maximum), and half of it where the two tie. So with a NaN, which
# neither wins against, both get all of it (a mask `x == out` would give both none).


def _maximum_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    x, other = args[i], args[1 - i]
    return unbroadcast(g * ~(x < other) - g * 0.5 * (x == other), x)


def _minimum_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    x, other = args[i], args[1 - i]
    return unbroadcast(g * ~(x > other) - g * 0.5 * (x == other), x)


def where(condition: npt.ArrayLike, a: Operand, b: Operand) -> Value:
    """``a`` where ``condition`` is true and ``b`` elsewhere, all three broadcast together.

    Parameters
    ----------
    condition : array_like of bool
        A boolean array, such as the result of a comparison ``x > 0``.
    a, b : Value, ndarray or number
        Where to take the elements from.

    Examples
    --------
    >>> from tensorgrad import Value, where
    >>> x = Value([-1.0, 2.0])
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    """
    mask = np.asarray(condition)
    if mask.dtype != np.bool_:
        raise TypeError(f"where: the condition must be boolean, got dtype {mask.dtype}")
    a_data, b_data = _data(a), _data(b)
    if a_data is NotImplemented or b_data is NotImplemented:
        raise _type_error("where", a, b)
    try:
        data = np.where(mask, a_data, b_data)
    except ValueError:
        raise ValueError(
            f"where: shapes {mask.shape}, {np.shape(a_data)} and {np.shape(b_data)} "
            f"cannot be broadcast together"
        ) from None
    return _record(data, "where", _where_backward, (a, b), (a_data, b_data, mask))


def _where_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    mask = args[2]
    return unbroadcast(g * mask if i == 0 else g * ~mask, args[i])


def concatenate(values: Sequence[Operand], axis: int = 0) -> Value:
    """Join Values (and arrays) along an existing axis.

    Raises
    ------
    ValueError
        If ``values`` is empty or the shapes differ outside ``axis``.

    Examples
    --------
    >>> from tensorgrad import Value, concatenate
    >>> a, b = Value([[1.0, 2.0]]), Value([[3.0, 4.0], [5.0, 6.0]])
    >>> concatenate([a, b]).shape, concatenate([a, a], axis=1).shape
    ((3, 2), (1, 4))
    """
    datas = _arrays(values, "concatenate")
    (axis,) = _axes(axis, datas[0].ndim, "concatenate")
    try:
        data = np.concatenate(datas, axis=axis)
    except ValueError:
        shapes = ", ".join(str(d.shape) for d in datas)
        raise ValueError(f"concatenate: cannot join shapes {shapes} along axis {axis}") from None
    return _record(data, "concatenate", _concatenate_backward, tuple(values), (*datas, axis))


def _concatenate_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[-1]
    start = sum(arg.shape[axis] for arg in args[:i])
    part = (slice(None),) * axis + (slice(start, start + args[i].shape[axis]),)
    return unbroadcast(g[part], args[i])  # for the dtype: shapes already match


def stack(values: Sequence[Operand], axis: int = 0) -> Value:
    """Join Values (and arrays) of the same shape along a new axis.

    Raises
    ------
    ValueError
        If ``values`` is empty or the shapes differ.

    Examples
    --------
    >>> from tensorgrad import Value, stack
    >>> a, b = Value([1.0, 2.0]), Value([3.0, 4.0])
    >>> stack([a, b]).shape, stack([a, b], axis=1).shape
    ((2, 2), (2, 2))
    """
    datas = _arrays(values, "stack")
    (axis,) = _axes(axis, datas[0].ndim + 1, "stack")
    if len({d.shape for d in datas}) > 1:
        shapes = ", ".join(str(d.shape) for d in datas)
        raise ValueError(f"stack: all shapes must be equal, got {shapes}")
    data = np.stack(datas, axis=axis)
    return _record(data, "stack", _stack_backward, tuple(values), (*datas, axis))


def _stack_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    axis = args[-1]
    return unbroadcast(g[(slice(None),) * axis + (i,)], args[i])  # for the dtype


# -- helpers -----------------------------------------------------------------------------------

_new_value = object.__new__


def _record(
    data: Any,
    op: str,
    backward: BackwardFn | None,
    operands: tuple[Any, ...],
    args: tuple[Any, ...],
    *,
    keep_output: bool = False,
    in_place: bool = False,
) -> Value:
    """Make the result of an operation, and its node in the graph if gradients are wanted.

    ``operands`` are the Values and constants the operation was applied to, and ``args``
    what its backward reads: the operands' arrays (None for one it does not read), then
    any parameter such as an axis. ``keep_output`` keeps the result's array for a backward
    that reads it; ``in_place`` says that the backward may overwrite the gradient it is
    given. The graph is recorded only in grad mode, and only if an operand requires grad;
    otherwise the result is a constant Value and the operation costs nothing at backward
    time.
    """
    if type(data) is not np.ndarray:
        data = np.asarray(data)  # numpy returns scalars, not 0-d arrays, from many ops
    out: Value = _new_value(Value)
    out.data = data
    out._grad = None
    out._grad_shared = False
    modes = _modes  # one global lookup for both switches: this runs for every operation
    tracked = False
    if modes.grad_enabled:
        prev: list[Node | None] = []  # None for a constant operand: the walk skips it
        for x in operands:
            if isinstance(x, Value) and x.requires_grad:
                prev.append(_node_of(x))
                tracked = True
            else:
                prev.append(None)
    out.requires_grad = tracked
    if tracked:
        kept = data if keep_output else None
        out._node = Node(out, op, backward, tuple(prev), args, kept, in_place)
    else:
        out._node = None
    if modes.anomaly and not np.isfinite(data).all():
        shapes = ", ".join(str(np.shape(_plain(x))) for x in operands)
        raise RuntimeError(
            f"detect_anomaly: {op} made nan or inf in its output (shape {data.shape}) "
            f"from operands of shapes {shapes}"
        )
    return out


def _node_of(value: Value) -> Node:
    """The Value's node; a leaf gets one the first time it is needed."""
    node = value._node
    if node is None:
        node = value._node = Node(value)
    return node


def _revive(node: Node, data: Any) -> Value:
    """A Value for ``node`` whose own Value is gone: its array, saved by a backward, again.

    With ``create_graph=True`` the formulas need the operands as Values that lead back into
    the graph; an intermediate result the user let go is rebuilt this way (PyTorch unpacks
    its saved tensors the same way).
    """
    alive = node.value()
    if alive is not None:
        return alive
    value: Value = _new_value(Value)
    value.data = data
    value._grad = None
    value._grad_shared = False
    value.requires_grad = True
    value._node = node
    return value


def _binary(
    op: str,
    fn: Callable[[Any, Any], Any],
    backward: BackwardFn,
    a: Any,
    b: Any,
    keep_output: bool = False,
    shapes_only: bool = False,
) -> Value:
    """An elementwise operation of two operands, broadcast; NotImplemented for other types.

    ``shapes_only`` is for a backward that reads only its operands' shapes and dtypes (that of
    ``+`` and ``-``): an operand of the result's shape and dtype is then recorded as None, so
    that its array is not kept for nothing (``x @ W`` in ``x @ W + b``).
    """
    a_data, b_data = _data(a), _data(b)
    if a_data is NotImplemented or b_data is NotImplemented:
        return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
    try:
        data = fn(a_data, b_data)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {np.shape(a_data)} and {np.shape(b_data)} cannot be broadcast together"
        ) from None
    if shapes_only:
        args = (_unless_like(a_data, data), _unless_like(b_data, data))
    else:
        args = (a_data, b_data)
    return _record(data, op, backward, (a, b), args, keep_output=keep_output)


def _unless_like(operand: Any, result: Array) -> Any:
    """None if ``operand`` is an array of ``result``'s shape and dtype, else ``operand``."""
    if type(operand) is np.ndarray and operand.shape == result.shape:
        return None if operand.dtype == result.dtype else operand
    return operand


def _compare(fn: Callable[[Any, Any], Any], symbol: str, a: Value, b: object) -> Array:
    b_data = _data(b)
    if b_data is NotImplemented:
        return NotImplemented  # type: ignore[no-any-return]  # lets Python try the other operand
    try:
        return np.asarray(fn(a.data, b_data))
    except ValueError:
        raise ValueError(
            f"{symbol}: shapes {a.shape} and {np.shape(b_data)} cannot be broadcast together"
        ) from None


def _data(x: object) -> Any:
    """The array (or number) behind an operand, or NotImplemented if it is not numeric.

    A numpy array of another dtype (complex, strings, objects) is an error right away:
    handed back to numpy, it would only say that a Value does not support ufuncs.
    """
    if isinstance(x, Value):
        return x.data
    if isinstance(x, (int, float)):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"a Value cannot be combined with a numpy array of dtype {x.dtype}")
        return x
    return NotImplemented


def _type_error(op: str, a: object, b: object) -> TypeError:
    return TypeError(
        f"{op}: expected Values, numpy arrays or numbers, "
        f"got {type(a).__name__} and {type(b).__name__}"
    )


def _arrays(values: Sequence[Operand], op: str) -> list[Array]:
    if not isinstance(values, Sequence) or not values:
        raise ValueError(f"{op}: expects a non-empty list of Values")
    datas = []
    for v in values:
        d = _data(v)
        if d is NotImplemented or np.ndim(d) == 0:
            raise TypeError(f"{op}: expects Values or arrays of at least 1 axis, got {v!r}")
        datas.append(d)
    return datas


def _plain(x: Any) -> Any:
    """The numpy data of a Value; anything else unchanged (for masks and signs)."""
    return x.data if isinstance(x, Value) else x


def _log(x: Any) -> Any:
    """Natural logarithm of an array or a Value (for backward formulas)."""
    return x.log() if isinstance(x, Value) else np.log(x)


def _exp(x: Any) -> Any:
    """Exponential of an array or a Value (for backward formulas)."""
    return x.exp() if isinstance(x, Value) else np.exp(x)


def _where(mask: Any, a: Any, b: Any) -> Any:
    """``a`` where ``mask``, ``b`` elsewhere; a Value if either is one (for backward formulas)."""
    if isinstance(a, Value) or isinstance(b, Value):
        return where(mask, a, b)
    return np.where(mask, a, b)


def _zeros(g: Any, x: Any) -> Any:
    """Zeros of ``x``'s shape and dtype, as a constant Value if ``g`` is a Value.

    The gradient of an operand ``x`` that does not change the result (for backward
    formulas, where ``g`` is the gradient of the result).
    """
    zeros = np.zeros(x.shape, dtype=x.dtype)
    if isinstance(g, Value):
        return _record(zeros, "zeros", None, (), ())
    return zeros


def _index_add(g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index``: the gradient of ``x[index]``.

    ``np.add.at`` adds once per occurrence, so a repeated index gets every contribution.
    Works on an array, or on a Value as an operation of its own (whose backward is
    indexing again) when the backward pass is recorded.
    """
    data = np.zeros(shape, dtype=g.dtype)
    np.add.at(data, index, _plain(g))
    if isinstance(g, Value):
        return _record(data, "index_add", _index_add_backward, (g,), (g.data, index))
    return data


def _index_add_backward(g: Any, out: Any, args: tuple[Any, ...], i: int) -> Any:
    return g[args[1]]


def _float_dtype(dtype: npt.DTypeLike) -> np.dtype[Any]:
    resolved = np.dtype(dtype)
    if resolved.kind != "f":
        raise TypeError(f"a Value holds floating-point numbers; dtype {resolved} is not one")
    return resolved


def _float_array(data: object, dtype: npt.DTypeLike | None) -> Array:
    """Copy ``data`` into a float array: float dtypes are kept, ints and bools become float64."""
    if isinstance(data, Value):
        data = data.data
    target = None if dtype is None else _float_dtype(dtype)
    try:
        array = np.array(data, dtype=target)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"Value() needs numbers, a list of numbers or a numpy array, "
            f"got {type(data).__name__}: {error}"
        ) from None
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(
            f"Value() needs numbers, a list of numbers or a numpy array, "
            f"got {type(data).__name__} (numpy dtype {array.dtype})"
        )
    return array


def _axes(axis: int | Sequence[int] | None, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` as a tuple of non-negative ints, checked against ``ndim`` axes."""
    if axis is None:
        return tuple(range(ndim))
    given = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = []
    for a in given:
        try:
            k = operator.index(a)
        except TypeError:
            raise TypeError(f"{op}: an axis must be an int, got {type(a).__name__}") from None
        if not -ndim <= k < ndim:
            raise np.exceptions.AxisError(
                f"{op}: axis {k} is out of range for {ndim} axes (valid: {-ndim} to {ndim - 1})"
            )
        axes.append(k % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {given}")
    return tuple(axes)


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    """How many elements a reduction over ``axes`` combines into each result."""
    return math.prod(shape[a] for a in axes)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over ``axes`` has with ``keepdims=True``."""
    return tuple(1 if k in axes else n for k, n in enumerate(shape))


def _shape_arg(shape: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``, as numpy and PyTorch do."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape

"""The scalar autograd engine: :class:`Value`, its operations, and ``backward``.

Every operation comes as a pair that sits side by side in this file:

* a *forward* method computes the result and records how it was made: the inputs it
  came from (``_prev``), the name of the operation (``_op``), any constant it used
  (``_ctx``) and the function that undoes it (``_backward``);
* right below it, a *backward* function (a static method named ``_<op>_backward``)
  applies the chain rule once: it reads the output's gradient and adds each input's
  share to that input's ``.grad``.

``backward()`` then only has to visit the graph so that every node is processed after
all the nodes that use it, and call each node's backward function once.

Why the engine looks the way it does (it is about ten times faster than micrograd):

* ``__slots__``: a node is a small fixed record, not a dict, so it is smaller and
  faster to build.
* One plain function per operation, shared by all the nodes it made, instead of a
  fresh closure per node (which would also tie every node into a reference cycle that
  only the garbage collector can free).
* A number mixed into an expression (``x * 2``) is kept as a constant in ``_ctx``
  instead of becoming a node of its own; a neuron's ``w1*x1 + ... + wn*xn + b`` is one
  node (:func:`weighted_sum`) instead of ``2n`` nodes.
* The graph is ordered with an explicit stack, never with recursion, so a chain of a
  million nodes is as easy as a chain of ten.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable, Iterable, Sequence
from numbers import Real

__all__ = ["Value", "weighted_sum"]

Number = int | float
"""A plain Python number: it enters an expression as a constant, with no gradient."""

_BackwardFn = Callable[["Value"], None]


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back to it.

    Parameters
    ----------
    data : int or float
        The number to wrap. Ints and bools become floats.

    Attributes
    ----------
    data : float
        The value computed by the forward pass.
    grad : float
        The derivative of the output that :meth:`backward` was called on with respect
        to this value; ``0.0`` until then. Gradients *accumulate* over several calls to
        :meth:`backward`; set ``grad = 0.0`` (or call :meth:`scalargrad.nn.Module.zero_grad`)
        between training steps.

    Raises
    ------
    TypeError
        If ``data`` is not a real number (a string, ``None``, a list, a complex...).
    ValueError
        If ``data`` is too large for a float, such as ``10**400``.

    Examples
    --------
    >>> from scalargrad import Value
    >>> a = Value(2.0)
    >>> b = Value(-3.0)
    >>> y = (a * b + 10.0).tanh()
    >>> y.backward()
    >>> round(a.grad, 6), round(b.grad, 6)
    (-0.004023, 0.002682)
    """

    __slots__ = ("data", "grad", "_prev", "_op", "_ctx", "_backward")

    # numpy defers to Value's reflected operators (np.float64(2) * Value(3) is a Value).
    __array_ufunc__ = None

    data: float
    grad: float
    _prev: tuple[Value, ...]
    _op: str
    _ctx: object
    _backward: _BackwardFn | None

    def __init__(self, data: Number) -> None:
        if type(data) is not float:
            data = _as_float(data)
        self.data = data
        self.grad = 0.0
        self._prev = ()
        self._op = ""
        self._ctx = None
        self._backward = None

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # -- addition and subtraction -------------------------------------------------
    # d(a + b)/da = 1 and d(a + b)/db = 1: the gradient passes through unchanged,
    # whatever the number of Values added (constants are simply not in _prev).

    def __add__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _result(self.data + other.data, (self, other), "+", Value._add_backward)
        if (c := _constant(other)) is not None:
            return _result(self.data + c, (self,), "+", Value._add_backward, c)
        return NotImplemented

    __radd__ = __add__

    @staticmethod
    def _add_backward(out: Value) -> None:
        for v in out._prev:
            v.grad += out.grad

    def __sub__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _result(self.data - other.data, (self, other), "-", Value._sub_backward)
        if (c := _constant(other)) is not None:
            return _result(self.data - c, (self,), "-", Value._add_backward, c)
        return NotImplemented

    @staticmethod
    def _sub_backward(out: Value) -> None:
        a, b = out._prev
        a.grad += out.grad
        b.grad -= out.grad

    def __rsub__(self, other: Number) -> Value:
        if (c := _constant(other)) is not None:
            return _result(c - self.data, (self,), "-", Value._neg_backward, c)
        return NotImplemented

    def __neg__(self) -> Value:
        return _result(-self.data, (self,), "neg", Value._neg_backward)

    @staticmethod
    def _neg_backward(out: Value) -> None:
        (a,) = out._prev
        a.grad -= out.grad

    # -- multiplication and division ------------------------------------------------

    def __mul__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _result(self.data * other.data, (self, other), "*", Value._mul_backward)
        if (c := _constant(other)) is not None:
            return _result(self.data * c, (self,), "*", Value._scale_backward, c)
        return NotImplemented

    __rmul__ = __mul__

    @staticmethod
    def _mul_backward(out: Value) -> None:
        # out = a * b: d/da = b, d/db = a
        a, b = out._prev
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    @staticmethod
    def _scale_backward(out: Value) -> None:
        (a,) = out._prev
        a.grad += out._ctx * out.grad  # type: ignore[operator]  # _ctx is the constant factor

    def __truediv__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            _check_divisor(self.data, other.data)
            return _result(self.data / other.data, (self, other), "/", Value._div_backward)
        if (c := _constant(other)) is not None:
            _check_divisor(self.data, c)
            return _result(self.data / c, (self,), "/", Value._div_const_backward, c)
        return NotImplemented

    @staticmethod
    def _div_backward(out: Value) -> None:
        # out = a / b: d/da = 1/b, d/db = -a/b**2 = -out/b
        a, b = out._prev
        a.grad += out.grad / b.data
        b.grad -= out.grad * out.data / b.data

    @staticmethod
    def _div_const_backward(out: Value) -> None:
        (a,) = out._prev
        a.grad += out.grad / out._ctx  # type: ignore[operator]  # _ctx is the constant divisor

    def __rtruediv__(self, other: Number) -> Value:
        if (c := _constant(other)) is not None:
            _check_divisor(c, self.data)
            return _result(c / self.data, (self,), "/", Value._reciprocal_backward, c)
        return NotImplemented

    @staticmethod
    def _reciprocal_backward(out: Value) -> None:
        # out = c / b: d/db = -c/b**2 = -out/b
        (b,) = out._prev
        b.grad -= out.grad * out.data / b.data

    # -- powers -----------------------------------------------------------------------

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            data = _power(self.data, other.data)
            return _result(data, (self, other), "**", Value._pow_backward)
        if (c := _constant(other)) is not None:
            data = _power(self.data, c)
            return _result(data, (self,), "**", Value._pow_const_exponent_backward, c)
        return NotImplemented

    @staticmethod
    def _pow_backward(out: Value) -> None:
        a, b = out._prev
        a.grad += _power_derivative(a.data, b.data, out.data) * out.grad
        b.grad += out.data * _log_of_base(a.data, out.data) * out.grad

    @staticmethod
    def _pow_const_exponent_backward(out: Value) -> None:
        # out = a**n: d/da = n * a**(n-1)
        (a,) = out._prev
        n: float = out._ctx  # type: ignore[assignment]
        a.grad += _power_derivative(a.data, n, out.data) * out.grad

    def __rpow__(self, other: Number) -> Value:
        if (c := _constant(other)) is not None:
            data = _power(c, self.data)
            return _result(data, (self,), "**", Value._pow_const_base_backward, c)
        return NotImplemented

    @staticmethod
    def _pow_const_base_backward(out: Value) -> None:
        # out = c**b: d/db = c**b * log(c)
        (b,) = out._prev
        b.grad += out.data * _log_of_base(out._ctx, out.data) * out.grad  # type: ignore[arg-type]

    # -- elementary functions -----------------------------------------------------------

    def tanh(self) -> Value:
        """Hyperbolic tangent; safe for any input (``Value(1000.0).tanh()`` is 1.0).

        Examples
        --------
        >>> from scalargrad import Value
        >>> y = Value(0.5).tanh()
        >>> round(y.data, 6)
        0.462117
        """
        return _result(math.tanh(self.data), (self,), "tanh", Value._tanh_backward)

    @staticmethod
    def _tanh_backward(out: Value) -> None:
        # d tanh(a)/da = 1 - tanh(a)**2, and tanh(a) is out.data
        (a,) = out._prev
        a.grad += (1.0 - out.data * out.data) * out.grad

    def relu(self) -> Value:
        """Rectified linear unit, ``max(0, x)``; its gradient at 0 is taken as 0.

        As in PyTorch (and tensorgrad), NaN gives NaN, and passes its gradient through.

        Examples
        --------
        >>> from scalargrad import Value
        >>> Value(-2.0).relu(), Value(3.0).relu()
        (Value(data=0.0, grad=0.0), Value(data=3.0, grad=0.0))
        >>> Value(float("nan")).relu()
        Value(data=nan, grad=0.0)
        """
        # `<= 0`, not `> 0`: every comparison with NaN is false, and NaN must stay NaN.
        data = 0.0 if self.data <= 0.0 else self.data
        return _result(data, (self,), "relu", Value._relu_backward)

    @staticmethod
    def _relu_backward(out: Value) -> None:
        if not out.data <= 0.0:  # (NaN included: its gradient passes, as in PyTorch)
            out._prev[0].grad += out.grad

    def exp(self) -> Value:
        """Exponential, ``e**x``.

        Raises
        ------
        OverflowError
            If the result is too large for a float (``x`` above about 709.78).

        Examples
        --------
        >>> from scalargrad import Value
        >>> Value(0.0).exp()
        Value(data=1.0, grad=0.0)
        """
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data!r}) is too large for a float") from None
        return _result(data, (self,), "exp", Value._exp_backward)

    @staticmethod
    def _exp_backward(out: Value) -> None:
        (a,) = out._prev
        a.grad += out.data * out.grad

    def log(self) -> Value:
        """Natural logarithm.

        NaN gives NaN, as in ``math.log`` and PyTorch, with a NaN gradient.

        Raises
        ------
        ValueError
            If ``data <= 0``: the logarithm is defined for positive numbers only.

        Examples
        --------
        >>> from scalargrad import Value
        >>> Value(1.0).log()
        Value(data=0.0, grad=0.0)
        >>> Value(float("nan")).log()
        Value(data=nan, grad=0.0)
        """
        # `<= 0`, not `not > 0`: every comparison with NaN is false, and NaN must stay NaN.
        if self.data <= 0.0:
            raise ValueError(
                f"log is defined for positive numbers only, got Value(data={self.data!r})"
            )
        return _result(math.log(self.data), (self,), "log", Value._log_backward)

    @staticmethod
    def _log_backward(out: Value) -> None:
        (a,) = out._prev
        a.grad += out.grad / a.data

    def sigmoid(self) -> Value:
        """Logistic sigmoid, ``1 / (1 + e**-x)``, computed without overflow for any ``x``.

        Examples
        --------
        >>> from scalargrad import Value
        >>> Value(0.0).sigmoid()
        Value(data=0.5, grad=0.0)
        >>> Value(-1000.0).sigmoid().data
        0.0
        """
        x = self.data
        # e**-x overflows for very negative x, so there use the equal form e**x / (1 + e**x).
        if x >= 0.0:
            data = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            data = e / (1.0 + e)
        return _result(data, (self,), "sigmoid", Value._sigmoid_backward)

    @staticmethod
    def _sigmoid_backward(out: Value) -> None:
        # d sigmoid(a)/da = sigmoid(a) * (1 - sigmoid(a))
        (a,) = out._prev
        a.grad += out.data * (1.0 - out.data) * out.grad

    # -- backpropagation ------------------------------------------------------------------

    def backward(self) -> None:
        """Add the derivative of this value to the ``.grad`` of every node it depends on.

        The graph is walked once, outputs before inputs, without recursion, so chains of
        millions of nodes work. The graph is kept: ``backward`` may be called again, and
        each call *adds* to ``.grad`` (of every node, this one included), as in micrograd
        and PyTorch. Reset gradients to ``0.0`` before each training step, for instance
        with :meth:`scalargrad.nn.Module.zero_grad`.

        Examples
        --------
        >>> from scalargrad import Value
        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> x.grad
        6.0
        >>> y.backward()  # a second call accumulates
        >>> x.grad
        12.0
        """
        nodes = _topological_order(self)
        # Each backward function reads its output's .grad as "the gradient of this pass",
        # so gradients left by an earlier call are set aside and added back at the end.
        earlier = [(node, node.grad) for node in nodes if node.grad]
        for node, _ in earlier:
            node.grad = 0.0
        self.grad += 1.0
        # Outputs before inputs: a node passes its gradient on only once all its users
        # have added their share to it.
        for node in reversed(nodes):
            node._backward(node)  # type: ignore[misc]  # every interior node has one
        for node, grad in earlier:
            node.grad += grad


def weighted_sum(
    weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value | Number = 0.0
) -> Value:
    """A neuron's sum of weights times inputs, plus a bias, as a single node.

    ``bias + weights[0] * inputs[0] + ... + weights[n-1] * inputs[n-1]`` is what a
    neuron computes. Built from ``*`` and ``+`` it would take ``2n``
    nodes; as one node its forward and backward are a single loop each, which is most of
    why :mod:`scalargrad.nn` is fast.

    Parameters
    ----------
    weights : sequence of Value
        The weights ``w_i``.
    inputs : sequence of Value or number
        The inputs ``x_i``, as many as there are weights. Numbers are constants.
    bias : Value or number, default 0.0
        Added to the sum.

    Raises
    ------
    TypeError
        If ``weights`` or ``inputs`` is not a list, a weight is not a Value, or an input or
        the bias is neither a Value nor a number; the message names the argument
        (``inputs[1]``) and its type.
    ValueError
        If ``weights`` and ``inputs`` differ in length, or a number is too large for a float.

    Examples
    --------
    >>> from scalargrad import Value, weighted_sum
    >>> w = [Value(2.0), Value(-1.0)]
    >>> y = weighted_sum(w, [3.0, 4.0], bias=Value(0.5))
    >>> y
    Value(data=2.5, grad=0.0)
    >>> y.backward()
    >>> [wi.grad for wi in w]
    [3.0, 4.0]
    """
    ws: list[Value] = []
    for k, w in enumerate(as_list(weights, "weighted_sum", "weights", "Values")):
        if not isinstance(w, Value):  # a number as a weight would silently get no gradient
            raise TypeError(f"weighted_sum: weights[{k}] must be a Value, got {describe(w)}")
        ws.append(w)
    # Numbers become constant leaves, so that the backward loop needs no type tests.
    xs = as_values(inputs, "weighted_sum", "inputs")
    if len(ws) != len(xs):
        raise ValueError(f"weighted_sum: {len(ws)} weights but {len(xs)} inputs")
    return weighted_sum_of_values(ws, xs, _as_value(bias, "weighted_sum", "bias"))


def weighted_sum_of_values(weights: Sequence[Value], inputs: Sequence[Value], bias: Value) -> Value:
    """:func:`weighted_sum` without its checks, for callers that pass only Values.

    Internal (public so that :mod:`scalargrad.nn` can use it, but not part of the API):
    :class:`scalargrad.nn.Layer` checks its inputs once and then calls this for each of
    its neurons, which saves a loop over the inputs per neuron.

    Parameters
    ----------
    weights, inputs : sequence of Value
        Of the same length.
    bias : Value

    Returns
    -------
    Value
        ``bias + Σ weights[i] * inputs[i]``, one node.

    Examples
    --------
    >>> from scalargrad import Value
    >>> from scalargrad.engine import weighted_sum_of_values
    >>> weighted_sum_of_values([Value(2.0)], [Value(3.0)], Value(1.0)).data
    7.0
    """
    data = bias.data
    for w, x in zip(weights, inputs):
        data += w.data * x.data
    return _result(data, (*weights, *inputs, bias), "Σw·x+b", _weighted_sum_backward)


def _weighted_sum_backward(out: Value) -> None:
    # out = b + w1*x1 + ... + wn*xn, with _prev = (w1..wn, x1..xn, b):
    # d/dwi = xi, d/dxi = wi, d/db = 1
    g = out.grad
    prev = out._prev
    n = len(prev) // 2
    for w, x in zip(prev[:n], prev[n:-1]):
        w.grad += x.data * g
        x.grad += w.data * g
    prev[-1].grad += g


# -- helpers ------------------------------------------------------------------------------

_new_node = object.__new__


def _result(
    data: float, prev: tuple[Value, ...], op: str, backward: _BackwardFn, ctx: object = None
) -> Value:
    """Make the output node of an operation (skipping ``__init__``'s input checks)."""
    out: Value = _new_node(Value)
    out.data = data
    out.grad = 0.0
    out._prev = prev
    out._op = op
    out._ctx = ctx
    out._backward = backward
    return out


def _constant(x: object) -> float | None:
    """A number mixed into an expression, as a plain float; None if ``x`` is no number.

    numpy scalars count as numbers too, but are turned into floats so that ``.data``
    stays a plain float.
    """
    if type(x) is float:
        return x
    if isinstance(x, Real):
        try:  # (not through _float: a try costs nothing, a call does, in every `x * 2`)
            return float(x)
        except OverflowError:
            raise _too_large(x, "Value", "a number in an operation") from None
    return None


def _float(x: Real, owner: str, argument: str) -> float:
    """``float(x)``, with a clear error for an int (or a Fraction) beyond float's range."""
    try:
        return float(x)
    except OverflowError:
        raise _too_large(x, owner, argument) from None


def _too_large(x: Real, owner: str, argument: str) -> ValueError:
    return ValueError(
        f"{owner}: {argument} is too large for a float (at most about 1.8e308), got {describe(x)}"
    )


def _as_float(data: object) -> float:
    if not isinstance(data, Real):
        raise TypeError(f"Value() needs a real number (int or float), got {describe(data)}")
    return _float(data, "Value()", "data")


def describe(x: object) -> str:
    """``x`` as an error message shows it: its type and a short repr (``str 'a'``, ``None``).

    Internal, as :func:`as_list` and :func:`as_values`: the checks that :mod:`scalargrad.nn`
    and :mod:`scalargrad.viz` share with this module.

    Parameters
    ----------
    x : object

    Returns
    -------
    str

    Examples
    --------
    >>> from scalargrad.engine import describe
    >>> describe("a"), describe(None)
    ("str 'a'", 'None')
    """
    try:
        shown = reprlib.repr(x)
    except ValueError:  # Python refuses to write out an int of more than 4300 digits
        shown = "..."
    if x is None or shown.startswith(type(x).__name__):  # "Value(data=...)" says its type
        return shown
    return f"{type(x).__name__} {shown}"


def as_list(xs: object, owner: str, argument: str, what: str) -> list[object]:
    """``xs`` as a list, if it is one, a tuple, or any other iterable but a string.

    Parameters
    ----------
    xs : object
        What was given.
    owner, argument : str
        Who asks and for which argument, for the message.
    what : str
        What the list should hold, for the message (``"ints"``).

    Returns
    -------
    list

    Raises
    ------
    TypeError
        If ``xs`` is not such an iterable.

    Examples
    --------
    >>> from scalargrad.engine import as_list
    >>> as_list((1, 2), "MLP", "nouts", "ints")
    [1, 2]
    >>> as_list("ab", "MLP", "nouts", "ints")
    Traceback (most recent call last):
    ...
    TypeError: MLP: nouts must be a list of ints, got str 'ab'
    """
    # A str is iterable too, but as one-letter strings: never meant as a list of numbers.
    if isinstance(xs, Iterable) and not isinstance(xs, (str, bytes)):
        try:
            return list(xs)
        except TypeError:  # a 0-d numpy array is iterable in name only
            pass
    raise TypeError(f"{owner}: {argument} must be a list of {what}, got {describe(xs)}")


def _as_value(x: object, owner: str, argument: str) -> Value:
    """``x`` if it is a Value, a constant leaf if it is a number, else a clear error."""
    if isinstance(x, Value):
        return x
    if not isinstance(x, Real):
        raise TypeError(f"{owner}: {argument} must be a number or a Value, got {describe(x)}")
    return Value(_float(x, owner, argument))


def as_values(xs: object, owner: str, argument: str, n: int | None = None) -> list[Value]:
    """``xs`` as a list of Values (of length ``n``, if given); numbers become constant leaves.

    The check of every list of inputs: what is wrong is named as ``argument`` of ``owner``.

    Parameters
    ----------
    xs : object
        What was given.
    owner, argument : str
        Who asks and for which argument, for the messages.
    n : int, optional
        The length it must have.

    Returns
    -------
    list of Value

    Raises
    ------
    TypeError
        If ``xs`` is not a list, or an item is neither a number nor a Value.
    ValueError
        If it has another length than ``n``, or a number is too large for a float.

    Examples
    --------
    >>> from scalargrad.engine import as_values
    >>> as_values([1.0, 2], "Neuron", "x", n=2)
    [Value(data=1.0, grad=0.0), Value(data=2.0, grad=0.0)]
    >>> as_values([1.0, "a"], "Neuron", "x")
    Traceback (most recent call last):
    ...
    TypeError: Neuron: x[1] must be a number or a Value, got str 'a'
    """
    what = "numbers or Values" if n is None else f"numbers or Values of length {n}"
    items = as_list(xs, owner, argument, what)
    if n is not None and len(items) != n:
        raise ValueError(
            f"{owner}: {argument} must be a list of {what}, got a list of length {len(items)}"
        )
    return [
        x if isinstance(x, Value) else _as_value(x, owner, f"{argument}[{k}]")
        for k, x in enumerate(items)
    ]


def _check_divisor(numerator: float, divisor: float) -> None:
    if divisor == 0.0:
        raise ZeroDivisionError(f"division by zero in Value division: {numerator!r} / 0.0")


def _power(base: float, exponent: float) -> float:
    try:
        result: float | complex = base**exponent
    except ZeroDivisionError:
        raise ZeroDivisionError(
            f"power: 0.0 cannot be raised to a negative power ({base!r} ** {exponent!r})"
        ) from None
    except OverflowError:
        raise OverflowError(f"power: {base!r} ** {exponent!r} is too large for a float") from None
    if isinstance(result, complex):
        raise ValueError(
            f"power: a negative base needs an integer exponent for a real result, "
            f"got {base!r} ** {exponent!r}"
        )
    return result


def _power_derivative(base: float, exponent: float, result: float) -> float:
    """``d(base**exponent)/d(base) = exponent * base**(exponent - 1)``, with its limits."""
    if exponent == 0.0:
        return 0.0
    if base == 0.0 and exponent < 1.0:
        return math.inf  # x**n with 0 < n < 1 has a vertical tangent at 0
    try:
        derivative: float = exponent * base ** (exponent - 1.0)
    except OverflowError:  # too large for a float (1e-200 ** -2): n * a**n / a is the same,
        derivative = exponent * result / base  # and gives ±inf, with its sign, as `/` does
    return derivative


def _log_of_base(base: float, result: float) -> float:
    """``log(base)`` as needed by ``d(base**b)/db = base**b * log(base)``."""
    if result == 0.0:
        return 0.0  # 0**b is 0 for every b > 0: a flat function of b
    if math.isnan(result):
        return result  # NaN in (base or exponent), NaN out, even for a base <= 0
    if base <= 0.0:
        raise ValueError(
            f"power backward: the gradient of c**x with respect to x needs a positive base c, "
            f"got c={base!r}"
        )
    return math.log(base)


def _topological_order(root: Value) -> list[Value]:
    """The interior (non-leaf) nodes under ``root``, each listed after all of its inputs.

    This is the order of a depth-first search that lists a node on its way *out*
    (post-order), run with an explicit stack instead of recursion. The first time a node
    is popped, it goes back on the stack under a ``None`` marker, with its inputs above
    the marker; when the marker surfaces again, every input has been listed, so the node
    can follow. Leaves have nothing to propagate and are never listed.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root] if root._prev else []
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())  # type: ignore[arg-type]  # below a marker lies a node
            continue
        if node in visited:
            continue  # reached again by another path after it was pushed
        visited.add(node)
        stack.append(node)
        stack.append(None)
        for child in node._prev:
            if child._prev and child not in visited:
                stack.append(child)
    return order

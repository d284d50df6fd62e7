"""Run one computation in tensorgrad and in PyTorch, and compare the values and the gradients.

Shared by every crosscheck module (tensorgrad's ops now, the nn package's later). Import
it as ``from crosscheck._torch_helpers import ...`` (``tests/`` is on pytest's path).

The parts:

* :data:`TG` and :data:`TH`: the same small vocabulary of functions, spelled for tensorgrad
  and for PyTorch (``ops.max`` is ``torch.amax``, ``ops.clip`` is ``torch.clamp``, ``axis``
  becomes ``dim``...). A test writes its computation once, as ``fn(ops, *inputs)``, using
  operators, the methods both libraries share (``.exp() .log() .tanh() .sigmoid() .sqrt()
  .abs() .relu()``) and ``ops.<name>`` for the rest; the one place where names are mapped
  is this file.
* :func:`check`: makes tensorgrad Values and torch leaf tensors from the same numpy arrays,
  runs ``fn`` with each, compares the outputs (shape, dtype, values, requires_grad), calls
  backward in both with the same random cotangent, and compares every input's gradient.
* :func:`check_module_run`: the outputs of a module of ours and of PyTorch's with the same
  parameters, then, after one backward of a random loss of them all, the gradients of the
  inputs and of every parameter, by name.
* :func:`check_higher_order`: the same for derivatives of derivatives, computed with
  ``tensorgrad.grad(create_graph=True)`` and ``torch.autograd.grad(create_graph=True)``.
* :class:`Tol`: the tolerances, and why (:data:`F64`, :data:`F32`).
* hypothesis strategies: :func:`shapes`, :func:`broadcastable`, :class:`Domain` (where an
  operand's elements come from), :func:`axes` (``tests/cases.py``'s ``axes_for``, which the
  tensorgrad tests share), and :func:`draw` (hypothesis data, or fixed data for an explicit
  ``@example``).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from cases import axes_for as axes  # (the tensorgrad tests draw axes with it too)
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad
from tensorgrad import Value

__all__ = [
    "F32",
    "F64",
    "SETTINGS",
    "TG",
    "TH",
    "Domain",
    "Tol",
    "assert_same",
    "axes",
    "broadcastable",
    "check",
    "check_higher_order",
    "check_module_run",
    "cotangent",
    "draw",
    "shapes",
    "to_numpy",
    "torch_dims",
    "torch_index",
]

Shape = tuple[int, ...]
Axis = int | tuple[int, ...] | None

SETTINGS = settings(max_examples=30, deadline=None)
"""Few examples per test keep the whole session short; each test still sees shapes with
0-d, size-1 and size-0 axes, because hypothesis tries the small cases first."""


# -- tolerances -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tol:
    """``|actual - expected| <= atol + rtol * |expected|``, elementwise (NaNs must match)."""

    rtol: float
    atol: float


F64 = Tol(rtol=1e-10, atol=1e-12)
"""Float64, same formula on both sides. The libraries still differ by a few ulps: their
``exp``, ``log``, ``tanh`` come from different math libraries, and sums and matrix products
add in different orders (pairwise in numpy, blocked and vectorized in torch). The inputs are
of order 1 and the tests' axes short, so those differences stay below ~1e-14 absolute; 1e-10
relative (and 1e-12 absolute, for results that cancel to about 0) is still tight enough that
any wrong formula, wrong sign, dropped broadcast axis or misplaced factor fails."""

F32 = Tol(rtol=1e-5, atol=1e-6)
"""Float32 (eps 1.2e-7): the same few-ulp differences, about 100 ulps of room."""


# -- one vocabulary, two spellings ------------------------------------------------------------


def torch_dims(axis: Axis, ndim: int) -> tuple[int, ...]:
    """A tensorgrad/numpy ``axis`` (None, int or tuple) as the tuple ``dim`` torch takes.

    None becomes every axis, spelled out: ``torch.amax(x, dim=())`` also reduces everything,
    but ``torch.sum(x, dim=())`` is deprecated.
    """
    if axis is None:
        return tuple(range(ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def torch_index(index: Any) -> Any:
    """A numpy index as torch takes it: int and bool arrays become tensors, the rest stays."""
    if isinstance(index, tuple):
        return tuple(torch_index(part) for part in index)
    if isinstance(index, np.ndarray):
        return torch.from_numpy(index.copy())
    return index


class TensorgradOps:
    """The crosscheck vocabulary, spelled with tensorgrad (numpy names, ``axis``)."""

    name = "tensorgrad"

    @staticmethod
    def const(a: np.ndarray) -> Any:
        """A constant operand: tensorgrad takes numpy arrays as they are."""
        return a

    @staticmethod
    def to_numpy(x: Any) -> np.ndarray:
        return np.asarray(x.data if isinstance(x, Value) else x)

    maximum = staticmethod(tensorgrad.maximum)
    minimum = staticmethod(tensorgrad.minimum)
    where = staticmethod(tensorgrad.where)
    concatenate = staticmethod(tensorgrad.concatenate)
    stack = staticmethod(tensorgrad.stack)

    @staticmethod
    def clip(x: Value, lo: float | None, hi: float | None) -> Value:
        return x.clip(lo, hi)

    @staticmethod
    def sum(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
        return x.mean(axis=axis, keepdims=keepdims)

    @staticmethod
    def max(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
        return x.max(axis=axis, keepdims=keepdims)

    @staticmethod
    def min(x: Value, axis: Axis = None, keepdims: bool = False) -> Value:
        return x.min(axis=axis, keepdims=keepdims)

    @staticmethod
    def argmax(x: Value, axis: int | None = None) -> np.ndarray:
        return x.argmax(axis)

    @staticmethod
    def softmax(x: Value, axis: int = -1) -> Value:
        return tensorgrad.softmax(x, axis=axis)

    @staticmethod
    def log_softmax(x: Value, axis: int = -1) -> Value:
        return tensorgrad.log_softmax(x, axis=axis)

    @staticmethod
    def logsumexp(x: Value, axis: Axis = -1, keepdims: bool = False) -> Value:
        return tensorgrad.logsumexp(x, axis=axis, keepdims=keepdims)  # type: ignore[arg-type]

    @staticmethod
    def reshape(x: Value, shape: Shape) -> Value:
        return x.reshape(shape)

    @staticmethod
    def transpose(x: Value, order: Sequence[int] | None = None) -> Value:
        return x.transpose() if order is None else x.transpose(*order)

    @staticmethod
    def T(x: Value) -> Value:  # noqa: N802  (the attribute's name)
        return x.T

    @staticmethod
    def swapaxes(x: Value, a: int, b: int) -> Value:
        return x.swapaxes(a, b)

    @staticmethod
    def flatten(x: Value) -> Value:
        return x.flatten()

    @staticmethod
    def squeeze(x: Value, axis: Axis = None) -> Value:
        return x.squeeze(axis)

    @staticmethod
    def unsqueeze(x: Value, axis: int) -> Value:
        return x.unsqueeze(axis)

    @staticmethod
    def broadcast_to(x: Value, shape: Shape) -> Value:
        return x.broadcast_to(shape)

    @staticmethod
    def astype(x: Value, dtype: type[np.floating[Any]]) -> Value:
        return x.astype(dtype)

    @staticmethod
    def index(x: Value, index: Any) -> Value:
        return x[index]


class TorchOps:
    """The crosscheck vocabulary, spelled with PyTorch (``dim``, ``amax``, ``clamp``...)."""

    name = "torch"

    @staticmethod
    def const(a: np.ndarray) -> torch.Tensor:
        """A constant operand: a tensor that does not require grad."""
        return torch.from_numpy(np.array(a))

    @staticmethod
    def to_numpy(x: Any) -> np.ndarray:
        return to_numpy(x)

    @staticmethod
    def maximum(a: Any, b: Any) -> torch.Tensor:
        return torch.maximum(*_tensors(a, b))

    @staticmethod
    def minimum(a: Any, b: Any) -> torch.Tensor:
        return torch.minimum(*_tensors(a, b))

    @staticmethod
    def where(condition: Any, a: Any, b: Any) -> torch.Tensor:
        # torch.where takes Python numbers for a and b, like numpy; the condition as a tensor.
        return torch.where(torch.as_tensor(np.asarray(condition)), a, b)

    @staticmethod
    def concatenate(xs: Sequence[torch.Tensor], axis: int = 0) -> torch.Tensor:
        return torch.cat(list(xs), dim=axis)

    @staticmethod
    def stack(xs: Sequence[torch.Tensor], axis: int = 0) -> torch.Tensor:
        return torch.stack(list(xs), dim=axis)

    @staticmethod
    def clip(x: torch.Tensor, lo: float | None, hi: float | None) -> torch.Tensor:
        return torch.clamp(x, lo, hi)

    @staticmethod
    def sum(x: torch.Tensor, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
        return torch.sum(x, dim=torch_dims(axis, x.ndim), keepdim=keepdims)

    @staticmethod
    def mean(x: torch.Tensor, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
        return torch.mean(x, dim=torch_dims(axis, x.ndim), keepdim=keepdims)

    @staticmethod
    def max(x: torch.Tensor, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
        # amax, not max: torch.max(x, dim) sends the whole gradient to one of tied maxima,
        # amax shares it among them, as tensorgrad's max does.
        return torch.amax(x, dim=torch_dims(axis, x.ndim), keepdim=keepdims)

    @staticmethod
    def min(x: torch.Tensor, axis: Axis = None, keepdims: bool = False) -> torch.Tensor:
        return torch.amin(x, dim=torch_dims(axis, x.ndim), keepdim=keepdims)

    @staticmethod
    def argmax(x: torch.Tensor, axis: int | None = None) -> torch.Tensor:
        return torch.argmax(x, dim=axis)

    @staticmethod
    def softmax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
        return torch.softmax(x, dim=axis)

    @staticmethod
    def log_softmax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
        return torch.log_softmax(x, dim=axis)

    @staticmethod
    def logsumexp(x: torch.Tensor, axis: Axis = -1, keepdims: bool = False) -> torch.Tensor:
        return torch.logsumexp(x, dim=torch_dims(axis, x.ndim), keepdim=keepdims)

    @staticmethod
    def reshape(x: torch.Tensor, shape: Shape) -> torch.Tensor:
        return x.reshape(shape)

    @staticmethod
    def transpose(x: torch.Tensor, order: Sequence[int] | None = None) -> torch.Tensor:
        # tensorgrad's transpose of two axes is torch.transpose, which swaps them; of all the
        # axes, or of three or more, numpy's transpose(axes), which is torch's permute.
        if order is not None and len(order) == 2:
            return x.transpose(*order)
        return x.permute(tuple(reversed(range(x.ndim))) if order is None else tuple(order))

    @staticmethod
    def T(x: torch.Tensor) -> torch.Tensor:  # noqa: N802  (the attribute's name)
        return x.permute(tuple(reversed(range(x.ndim))))  # Tensor.T warns for ndim != 2

    @staticmethod
    def swapaxes(x: torch.Tensor, a: int, b: int) -> torch.Tensor:
        return torch.swapaxes(x, a, b)

    @staticmethod
    def flatten(x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(x)

    @staticmethod
    def squeeze(x: torch.Tensor, axis: Axis = None) -> torch.Tensor:
        return torch.squeeze(x) if axis is None else torch.squeeze(x, torch_dims(axis, x.ndim))

    @staticmethod
    def unsqueeze(x: torch.Tensor, axis: int) -> torch.Tensor:
        return torch.unsqueeze(x, axis)

    @staticmethod
    def broadcast_to(x: torch.Tensor, shape: Shape) -> torch.Tensor:
        return torch.broadcast_to(x, shape)

    @staticmethod
    def astype(x: torch.Tensor, dtype: type[np.floating[Any]]) -> torch.Tensor:
        return x.to({np.float32: torch.float32, np.float64: torch.float64}[dtype])

    @staticmethod
    def index(x: torch.Tensor, index: Any) -> torch.Tensor:
        return x[torch_index(index)]


TG = TensorgradOps()
TH = TorchOps()


def _tensors(*xs: Any) -> list[torch.Tensor]:
    """Python numbers as 0-d tensors (torch.maximum takes tensors only)."""
    return [x if isinstance(x, torch.Tensor) else torch.tensor(x, dtype=torch.float64) for x in xs]


# -- comparing --------------------------------------------------------------------------------


def to_numpy(x: Any) -> np.ndarray:
    """A tensor's values as a numpy array (anything else through np.asarray)."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def assert_same(actual: Any, expected: Any, tol: Tol, what: str) -> None:
    """tensorgrad's ``actual`` matches torch's ``expected``: shape, dtype, then values."""
    actual, expected = np.asarray(actual), to_numpy(expected)
    assert actual.shape == expected.shape, (
        f"{what}: shape {actual.shape} in tensorgrad, {expected.shape} in torch"
    )
    assert actual.dtype == expected.dtype, (
        f"{what}: dtype {actual.dtype} in tensorgrad, {expected.dtype} in torch"
    )
    np.testing.assert_allclose(
        actual, expected, rtol=tol.rtol, atol=tol.atol, equal_nan=True, err_msg=what
    )


def cotangent(shape: Shape, dtype: Any, seed: int = 0) -> np.ndarray:
    """The random gradient ``g`` both sides backpropagate, ``y.backward(g)``.

    Random rather than ones, so that a backward that permutes, drops or duplicates output
    elements cannot hide behind equal weights.
    """
    return np.asarray(np.random.default_rng(seed).standard_normal(shape), dtype=dtype)


def _leaves(arrays: Sequence[np.ndarray]) -> tuple[list[Value], list[torch.Tensor]]:
    values = [Value(a) for a in arrays]
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    return values, tensors


def _grad_or_zeros(grad: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    """torch leaves ``.grad`` (or a result of autograd.grad) None where tensorgrad has zeros."""
    return torch.zeros_like(like) if grad is None else grad


Fn = Callable[..., Any]


def check(
    fn: Fn,
    *arrays: np.ndarray,
    tol: Tol = F64,
    grad_tol: Tol | None = None,
    seed: int = 0,
) -> tuple[Any, torch.Tensor]:
    """Compare ``fn(TG, *values)`` with ``fn(TH, *tensors)``: output, then every gradient.

    Parameters
    ----------
    fn : callable
        ``fn(ops, *inputs)``, written with :data:`TG`/:data:`TH`'s vocabulary; it returns
        one Value (one tensor).
    *arrays : ndarray
        The inputs, one leaf each side (float64 or float32 arrays; torch keeps the dtype).
    tol, grad_tol : Tol
        For the output and for the gradients (``grad_tol`` defaults to ``tol``).
    seed : int
        Of the random cotangent that both outputs are backpropagated with.

    Returns
    -------
    (Value, Tensor)
        Both outputs, for further checks.
    """
    values, tensors = _leaves(arrays)
    out, expected = fn(TG, *values), fn(TH, *tensors)
    assert_same(out.data, expected, tol, "forward value")
    assert out.requires_grad == expected.requires_grad, "requires_grad of the output"
    if not expected.requires_grad:
        return out, expected
    g = cotangent(out.shape, out.dtype, seed)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for k, (v, t) in enumerate(zip(values, tensors)):
        assert_same(v.grad, _grad_or_zeros(t.grad, t), grad_tol or tol, f"gradient of input {k}")
    return out, expected


def check_higher_order(
    fn: Fn, *arrays: np.ndarray, order: int = 2, tol: Tol = F64, seed: int = 0
) -> None:
    """Compare derivatives up to ``order``, taken by ``grad(..., create_graph=True)``.

    The first step differentiates ``fn``'s output with a random cotangent. Each next step
    differentiates the random projection ``sum_k <w_k, grad_k>`` of the previous gradients
    (a Hessian-vector product at order 2), so one backward checks every element.
    """
    values, tensors = _leaves(arrays)
    out, expected = fn(TG, *values), fn(TH, *tensors)
    assert_same(out.data, expected, tol, "forward value")
    for n in range(1, order + 1):
        last = n == order
        g = cotangent(out.shape, out.dtype, seed + n)
        grads = tensorgrad.grad(out, values, g, create_graph=not last, allow_unused=True)
        torch_grads = torch.autograd.grad(
            expected, tensors, torch.from_numpy(g), create_graph=not last, allow_unused=True
        )
        torch_grads = tuple(_grad_or_zeros(t, x) for t, x in zip(torch_grads, tensors))
        for k, (a, b) in enumerate(zip(grads, torch_grads)):
            assert_same(a.data, b, tol, f"order-{n} derivative, input {k}")
        if not last:
            weights = [
                cotangent(x.shape, x.dtype, 100 * seed + 10 * n + k) for k, x in enumerate(arrays)
            ]
            # Sum the terms without a starting 0, which could change the dtype.
            out = functools.reduce(operator.add, [(a * w).sum() for a, w in zip(grads, weights)])
            expected = functools.reduce(
                operator.add,
                [(b * torch.from_numpy(w)).sum() for b, w in zip(torch_grads, weights)],
            )


# -- hypothesis strategies --------------------------------------------------------------------


def shapes(
    min_dims: int = 0, max_dims: int = 3, min_side: int = 0, max_side: int = 4
) -> st.SearchStrategy[Shape]:
    """Array shapes, including 0-d, size-1 and (with ``min_side=0``) size-0 axes."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcastable(
    num_shapes: int = 2, min_dims: int = 0, max_dims: int = 4, min_side: int = 0, max_side: int = 4
) -> st.SearchStrategy[tuple[Shape, ...]]:
    """Shapes that broadcast together: ``(3, 1)`` with ``(1, 4)``, ``(4,)`` with ``(2, 3, 4)``..."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes,
        min_dims=min_dims,
        max_dims=max_dims,
        min_side=min_side,
        max_side=max_side,
    ).map(lambda s: s.input_shapes)


@dataclass(frozen=True)
class Domain:
    """Where an operand's elements come from.

    Floats in ``[lo, hi]``, those with ``|x| < gap`` pushed out to ``±gap`` (away from a
    pole such as a divisor's 0); or, with ``ints=True``, whole numbers in ``[lo, hi]``, which
    make ties (for max, maximum, clip bounds, relu's kink) as often as not.
    """

    lo: float = -3.0
    hi: float = 3.0
    gap: float = 0.0
    ints: bool = False

    def elements(self) -> st.SearchStrategy[float]:
        if self.ints:
            return st.integers(int(self.lo), int(self.hi)).map(float)
        floats = st.floats(self.lo, self.hi, allow_nan=False, allow_infinity=False)
        if self.gap:
            gap = self.gap
            return floats.map(lambda x: x if abs(x) >= gap else (gap if x >= 0 else -gap))
        return floats

    def arrays(self, shape: Shape) -> st.SearchStrategy[np.ndarray]:
        return hnp.arrays(np.float64, shape, elements=self.elements())

    def fixed(self, shape: Shape, seed: int = 0) -> np.ndarray:
        """Reproducible data of ``shape`` in this domain, for explicit ``@example`` cases."""
        rng = np.random.default_rng(seed)
        if self.ints:
            return rng.integers(int(self.lo), int(self.hi) + 1, size=shape).astype(np.float64)
        x = rng.uniform(self.lo, self.hi, size=shape)
        if self.gap:
            x = np.where(np.abs(x) < self.gap, np.where(x >= 0, self.gap, -self.gap), x)
        return x


def draw(data: st.DataObject | None, shape_list: Sequence[Shape], *domains: Domain) -> list[Any]:
    """One array per shape, from the matching domain (the last one repeats).

    With ``data`` None (an explicit ``@example(..., data=None)``), fixed data instead.
    """
    chosen = [domains[min(k, len(domains) - 1)] for k in range(len(shape_list))]
    if data is None:
        return [d.fixed(s, seed=k) for k, (s, d) in enumerate(zip(shape_list, chosen))]
    return [data.draw(d.arrays(s)) for s, d in zip(shape_list, chosen)]


def check_module_run(
    ours: Any,
    theirs: torch.nn.Module,
    outputs: Sequence[Any],
    expected: Sequence[torch.Tensor],
    labels: Sequence[str],
    inputs: Sequence[tuple[str, Value, torch.Tensor]],
    tol: Tol,
    grad_tol: Tol,
) -> None:
    """Compare the ``outputs`` of the module ``ours`` with ``expected``, theirs (each labelled
    in ``labels``); backpropagate ``sum_k <g_k, output_k>`` for random ``g_k`` through both;
    compare the gradients of the ``inputs`` (``(label, Value, leaf tensor)``) and of every
    parameter of both modules, which must have the same names in the same order."""
    loss_ours: Any = 0.0
    loss_theirs: Any = 0.0
    for k, (a, b, label) in enumerate(zip(outputs, expected, labels, strict=True)):
        assert a.dtype == np.dtype(str(b.dtype).removeprefix("torch.")), label
        assert_same(a.data, b, tol, label)
        g = cotangent(a.shape, a.dtype, seed=k)
        loss_ours = loss_ours + (a * g).sum()
        loss_theirs = loss_theirs + (b * torch.from_numpy(g)).sum()
    loss_ours.backward()
    loss_theirs.backward()
    for label, value, tensor in inputs:
        assert_same(value.grad, tensor.grad, grad_tol, f"gradient of {label}")
    theirs_params = dict(theirs.named_parameters())
    assert [name for name, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        assert p.grad.dtype == p.dtype
        assert_same(p.grad, theirs_params[name].grad, grad_tol, name)

"""Hostile inputs for tensorgrad: wrong types, wrong dtypes, NaN, inf and extreme values.

What the sweep guards (issue 11, "Verification"): whatever a learner hands to a public
function or method of tensorgrad, the answer is one of two things.

* A clear error: a TypeError or ValueError (IndexError for an index or an axis out of
  range, RuntimeError where PyTorch raises one) whose message names the op and the
  offending argument, its type or its value. Never a raw error from numpy or Python
  (AttributeError, KeyError, numpy's broadcast and ufunc messages, "too many values to
  unpack", "not iterable"...), and never a numpy RuntimeWarning.
* A correct result: NaN wherever an input's NaN reaches (never 0 instead), finite where
  the math is finite (at ±1e4, ±88 and ±17 too, in float32 as in float64), and in the
  input's dtype: float32 stays float32, and so does its gradient.

Tables drive the sweep, so that every op is fed the same way:

* :data:`OPS`, one sample call per op of :mod:`tensorgrad.ops` (the idea of the op index,
  ``docs/_ext/op_index.py``): on it run the extreme-value, NaN, dtype and float16 sweeps.
* :data:`BAD`, the wrong arguments each op must refuse: generated for every op that takes
  an axis (:data:`AXIS_OPS`, :data:`ONE_AXIS_OPS`), written out for the rest.
* :data:`OPERATORS`, every operator of Value, fed operands of foreign types.

The first tests fail when tensorgrad gains a public name, a Value method, an operator or an
op that no table knows: a new op cannot skip the sweep. Values are checked against PyTorch
itself in ``tests/crosscheck/test_float32_extremes_vs_torch.py``; here PyTorch is the
reference for behaviour only (dim 0 and -1 on a 0-d Value, the dtypes of mixed operations).
"""

from __future__ import annotations

import importlib
import inspect
import math
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pytest
from hostile import (
    AXIS_ERRORS,
    CLEAR,
    WITH_RUNTIME,
    clear_or_result,
    refuses,
    strict,
    unclear,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
import tensorgrad.ops
from tensorgrad import Value
from tensorgrad.ops.shape import permute

nan = math.nan

# -- one sample call per op --------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """Where an op's math is finite: the extreme values there, and a range of ordinary ones."""

    extremes: tuple[float, ...]
    lo: float = -3.0
    hi: float = 3.0

    def ordinary(self, dtype: Any) -> st.SearchStrategy[float]:
        return st.floats(self.lo, self.hi, width=np.finfo(dtype).bits)

    def extreme(self, dtype: Any) -> st.SearchStrategy[float]:
        """Extreme values (as ``dtype`` holds them) and ordinary ones."""
        exact = [float(np.dtype(dtype).type(e)) for e in self.extremes]
        return st.one_of(st.sampled_from(exact), self.ordinary(dtype))

    def ordinary_or_nan(self, dtype: Any) -> st.SearchStrategy[float]:
        return st.one_of(self.ordinary(dtype), st.just(nan))


REAL = Domain((0.0, -0.0, 17.0, -17.0, 88.0, -88.0, 1e4, -1e4))
POSITIVE = Domain((1e-30, 17.0, 88.0, 1e4), lo=0.125, hi=3.0)  # log, sqrt
BELOW_OVERFLOW = Domain((0.0, 17.0, -17.0, 88.0, -88.0, -1e4))  # exp: e**88 < float32's max


def rows(a: Any) -> Any:
    """An array or Value as rows of its last axis (a 0-d one as one row of one element)."""
    return a.reshape(-1, a.shape[-1] if a.ndim else 1)


# How NaN goes through an op. Each rule asserts on the result, and returns where the input's
# gradient must stay finite (None: not checked, the gradient of every element may be NaN).


def same(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """Elementwise: NaN exactly where the input is NaN, every other element untouched."""
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x), err_msg="where the result is NaN")
    return ~np.isnan(x)


def by_row(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """Along rows (softmax): a row with a NaN is all NaN, the other rows are untouched."""
    bad = np.isnan(rows(x)).any(axis=-1, keepdims=True)
    np.testing.assert_array_equal(np.isnan(out), np.broadcast_to(bad, out.shape))
    return ~np.broadcast_to(bad, rows(x).shape).reshape(x.shape)


def reduced(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """A reduction of everything: NaN if any input is NaN."""
    assert bool(np.isnan(out)) == bool(np.isnan(x).any())
    return None


def moved(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """A shape op, an index or a join: every NaN is moved (or repeated), none made or lost."""
    assert np.isnan(out).sum() == np.isnan(x).sum() * (out.size // x.size)
    return np.ones(x.shape, bool)  # the gradient of a rearrangement reads no input element


def spread(x: np.ndarray, out: np.ndarray) -> np.ndarray | None:
    """A product (matmul, linear): a NaN spreads over what it is multiplied into."""
    assert bool(np.isnan(out).any()) == bool(np.isnan(x).any())
    return None


@dataclass(frozen=True)
class Op:
    """How the sweeps call an op on a Value ``v``; ``nan`` is None for a result that is not
    a float Value (argmax's indices, a comparison's bools)."""

    call: Callable[[Value], Any]
    domain: Domain = REAL
    nan: Callable[[np.ndarray, np.ndarray], np.ndarray | None] | None = same


def _linear(v: Value) -> Value:
    weight, bias = np.full((2, 1), 0.5, v.dtype), np.zeros(2, v.dtype)
    return tg.linear(v.reshape(-1, 1), weight, bias)


OPS: dict[str, Op] = {
    # "module.name" for every name in the __all__ of every module in tensorgrad.ops.__all__
    "arithmetic.add": Op(lambda v: v + 1.5),
    "arithmetic.sub": Op(lambda v: 1.5 - v),
    "arithmetic.mul": Op(lambda v: v * v),
    "arithmetic.div": Op(lambda v: v / (v * v + 1.0)),
    "arithmetic.pow": Op(lambda v: v**2),
    "arithmetic.neg": Op(lambda v: -v),
    "arithmetic.maximum": Op(lambda v: tg.maximum(v, 0.5)),
    "arithmetic.minimum": Op(lambda v: tg.minimum(0.5, v)),
    "unary.abs": Op(lambda v: abs(v)),
    "unary.astype": Op(lambda v: v.astype(np.float64).astype(v.dtype)),
    "unary.clip": Op(lambda v: v.clip(-1.0, 1.0)),
    "unary.exp": Op(lambda v: v.exp(), BELOW_OVERFLOW),
    "unary.log": Op(lambda v: v.log(), POSITIVE),
    "unary.sqrt": Op(lambda v: v.sqrt(), POSITIVE),
    "unary.relu": Op(lambda v: v.relu()),
    "unary.sigmoid": Op(lambda v: v.sigmoid()),
    "unary.tanh": Op(lambda v: v.tanh()),
    "reduce.sum": Op(lambda v: v.sum(), nan=reduced),
    "reduce.mean": Op(lambda v: v.mean(), nan=reduced),
    "reduce.max": Op(lambda v: v.max(), nan=reduced),
    "reduce.min": Op(lambda v: v.min(), nan=reduced),
    "reduce.argmax": Op(lambda v: v.argmax(), nan=None),
    "linalg.matmul": Op(lambda v: v.reshape(-1, 1) @ v.reshape(1, -1), nan=spread),
    "linalg.linear": Op(_linear, nan=spread),
    "shape.reshape": Op(lambda v: v.reshape(-1), nan=moved),
    "shape.flatten": Op(lambda v: v.flatten(), nan=moved),
    "shape.squeeze": Op(lambda v: v.squeeze(), nan=moved),
    "shape.unsqueeze": Op(lambda v: v.unsqueeze(0), nan=moved),
    "shape.transpose": Op(lambda v: v.T, nan=moved),
    "shape.permute": Op(lambda v: permute(v, tuple(reversed(range(v.ndim)))), nan=moved),
    "shape.swapaxes": Op(lambda v: v.reshape(1, -1).swapaxes(0, -1), nan=moved),
    "shape.broadcast_to": Op(lambda v: v.broadcast_to((2, *v.shape)), nan=moved),
    "shape.concatenate": Op(lambda v: tg.concatenate([rows(v), rows(v)]), nan=moved),
    "shape.stack": Op(lambda v: tg.stack([v, v]), nan=moved),
    "index.getitem": Op(lambda v: v[None, ...], nan=moved),
    "select.compare": Op(lambda v: v > 0.5, nan=None),
    "select.where": Op(lambda v: tg.where(v > 0, v, -v)),  # |v|; NaN > 0 picks -NaN
    "softmax.softmax": Op(lambda v: tg.softmax(rows(v)), nan=by_row),
    "softmax.log_softmax": Op(lambda v: tg.log_softmax(rows(v)), nan=by_row),
    "softmax.logsumexp": Op(lambda v: tg.logsumexp(v.reshape(-1), axis=0), nan=reduced),
    # normalization
    "normalization.layer_norm": Op(lambda v: tg.layer_norm(rows(v), rows(v).shape[-1]), nan=by_row),
    # -- issue 13: convolution (helper block) --
    "convolution.conv2d": Op(
        lambda v: tg.conv2d(v.reshape(1, 1, 1, -1), np.full((2, 1, 1, 1), 0.5, v.dtype)),
        nan=spread,
    ),
    "convolution.conv1d": Op(
        lambda v: tg.conv1d(v.reshape(1, 1, -1), np.full((2, 1, 1), 0.5, v.dtype)), nan=spread
    ),
    "convolution.conv_transpose2d": Op(
        lambda v: tg.conv_transpose2d(v.reshape(1, 1, 1, -1), np.full((1, 2, 1, 3), 0.5, v.dtype)),
        nan=spread,
    ),
    "convolution.conv_transpose1d": Op(
        lambda v: tg.conv_transpose1d(
            v.reshape(1, 1, -1), np.full((1, 1, 2), 0.5, v.dtype), stride=2
        ),
        nan=spread,
    ),
    "convolution.unfold": Op(lambda v: tg.unfold(v.reshape(1, 1, 1, -1), (1, 1)), nan=moved),
    "convolution.fold": Op(lambda v: tg.fold(v.reshape(1, 1, -1), (1, v.size), 1), nan=moved),
    # -- issue 13: pooling (helper block) --
    # (windows of 2 or 3 along a row, padded so that one element is enough)
    "pooling.max_pool2d": Op(
        lambda v: tg.max_pool2d(v.reshape(1, 1, 1, -1), (1, 2), 1, (0, 1)), nan=spread
    ),
    "pooling.avg_pool2d": Op(
        lambda v: tg.avg_pool2d(v.reshape(1, 1, 1, -1), (1, 3), 1, (0, 1)), nan=spread
    ),
    "pooling.adaptive_avg_pool2d": Op(
        lambda v: tg.adaptive_avg_pool2d(v.reshape(1, 1, 1, -1), (1, 2)), nan=spread
    ),
    "pooling.max_pool1d": Op(lambda v: tg.max_pool1d(v.reshape(1, -1), 2, 1, 1), nan=spread),
    "pooling.avg_pool1d": Op(
        lambda v: tg.avg_pool1d(v.reshape(1, 1, -1), 3, 1, 1, count_include_pad=False),
        nan=spread,
    ),
    "pooling.adaptive_avg_pool1d": Op(
        lambda v: tg.adaptive_avg_pool1d(v.reshape(1, -1), 2), nan=spread
    ),
    # -- issue 13: batch norm (helper block) --
    # -- issue 14: embedding (helper block) --
    # (the Value is the table's one row, looked up twice)
    "embedding.embedding": Op(
        lambda v: tg.embedding(np.array([0, 0]), v.reshape(1, -1)), nan=moved
    ),
    # -- issue 14: attention (helper block) --
    "attention.attention_weights": Op(
        lambda v: tg.attention_weights(rows(v), rows(v), is_causal=True), nan=spread
    ),
    "attention.scaled_dot_product_attention": Op(
        lambda v: tg.scaled_dot_product_attention(rows(v), rows(v), rows(v), is_causal=True),
        nan=spread,
    ),
    # -- issue 14: recurrent (helper block) --
    "normalization.batch_norm": Op(
        lambda v: tg.batch_norm(
            rows(v), np.zeros(rows(v).shape[1], v.dtype), np.ones(rows(v).shape[1], v.dtype)
        ).reshape(v.shape)  # (not training: elementwise, with the running statistics)
    ),
    # training: a channel per row, each row given twice so that it has 2 values or more
    "normalization.batch_norm(training=True)": Op(
        lambda v: (
            tg.batch_norm(tg.concatenate([rows(v), rows(v)], axis=1).T, None, None, training=True).T
        ),
        nan=by_row,
    ),
    "normalization.group_norm": Op(
        lambda v: tg.group_norm(tg.concatenate([rows(v), rows(v)], axis=1), 1), nan=by_row
    ),
    # elementwise functions
    "unary.square": Op(lambda v: v.square()),
    "unary.rsqrt": Op(lambda v: v.rsqrt(), Domain((1e-6, 17.0, 88.0, 1e4), lo=0.125)),
    "unary.reciprocal": Op(lambda v: v.reciprocal(), Domain((17.0, -17.0, 1e4, -1e4), lo=0.125)),
    "unary.log1p": Op(lambda v: v.log1p(), Domain((0.0, -0.5, 17.0, 88.0, 1e4), lo=-0.5)),
    "unary.log2": Op(lambda v: v.log2(), POSITIVE),
    "unary.expm1": Op(lambda v: v.expm1(), BELOW_OVERFLOW),
    "unary.exp2": Op(lambda v: v.exp2(), BELOW_OVERFLOW),
    "unary.sin": Op(lambda v: tg.sin(v)),
    "unary.cos": Op(lambda v: v.cos()),
    "unary.tan": Op(lambda v: v.tan()),
    "unary.erf": Op(lambda v: tg.erf(v)),
    "unary.sign": Op(lambda v: v.sign()),
    "unary.floor": Op(lambda v: v.floor()),
    "unary.ceil": Op(lambda v: v.ceil()),
    "unary.trunc": Op(lambda v: v.trunc()),
    "unary.round": Op(lambda v: v.round(decimals=1)),
    "unary.clamp": Op(lambda v: tg.clamp(v, min=-1.0, max=Value(np.array(1.0, v.dtype)))),
    "arithmetic.floor_divide": Op(lambda v: v // 1.5),
    "arithmetic.remainder": Op(lambda v: v % 1.5),
    "arithmetic.fmod": Op(lambda v: tg.fmod(v, -1.5)),
    "arithmetic.lerp": Op(lambda v: tg.lerp(v, 1.5, v * 0.25)),
    # activations
    "activation.leaky_relu": Op(lambda v: tg.leaky_relu(v, 0.1)),
    "activation.gelu": Op(lambda v: tg.gelu(v)),
    "activation.elu": Op(lambda v: tg.elu(v, 0.5)),
    "activation.selu": Op(lambda v: tg.selu(v)),
    "activation.silu": Op(lambda v: tg.silu(v)),
    "activation.softplus": Op(lambda v: tg.softplus(v, 2.0, 10.0)),
    "activation.hardtanh": Op(lambda v: tg.hardtanh(v, -0.5, 2.0)),
    "activation.relu6": Op(lambda v: tg.relu6(v)),
    "activation.mish": Op(lambda v: tg.mish(v)),
    "activation.logsigmoid": Op(lambda v: tg.logsigmoid(v)),
    "activation.softsign": Op(lambda v: tg.softsign(v)),
    # reductions and statistics
    "reduce.prod": Op(lambda v: v.prod(), nan=reduced),
    "reduce.cumsum": Op(lambda v: v.cumsum(), nan=spread),
    "reduce.cumprod": Op(lambda v: tg.cumprod(v), nan=spread),
    "reduce.var": Op(lambda v: v.var(correction=0), nan=reduced),  # (n = 1 of a 0-d v: NaN)
    "reduce.std": Op(lambda v: tg.std(v, ddof=0), nan=reduced),
    "reduce.norm": Op(lambda v: v.norm(), nan=reduced),
    "reduce.amax": Op(lambda v: v.amax(), nan=reduced),
    "reduce.amin": Op(lambda v: tg.amin(v), nan=reduced),
    "reduce.argmin": Op(lambda v: v.argmin(), nan=None),
    "reduce.all": Op(lambda v: v.all(), nan=None),
    "reduce.any": Op(lambda v: tg.any(v), nan=None),
    "reduce.max(dim=)": Op(lambda v: rows(v).max(dim=-1, keepdim=True).values, nan=by_row),
    # gathers, scatters and masks
    "index.gather": Op(lambda v: tg.gather(v.reshape(-1), 0, np.arange(v.size)[::-1]), nan=moved),
    "index.take_along_axis": Op(
        lambda v: tg.take_along_axis(v.reshape(-1), -1 - np.arange(v.size), 0), nan=moved
    ),
    "index.index_select": Op(
        lambda v: tg.index_select(v.reshape(-1), 0, np.arange(v.size)[::-1]), nan=moved
    ),
    "index.scatter_add": Op(
        lambda v: tg.scatter_add(
            tg.zeros(v.size, dtype=v.dtype), 0, np.arange(v.size)[::-1], v.reshape(-1)
        ),
        nan=moved,
    ),
    "index.scatter": Op(
        lambda v: tg.scatter(
            tg.zeros(v.size, dtype=v.dtype), 0, np.arange(v.size)[::-1], v.reshape(-1)
        ),
        nan=moved,
    ),
    "index.masked_fill": Op(lambda v: v.masked_fill(v > 0, 0.5)),  # NaN > 0 keeps the NaN
    "select.tril": Op(lambda v: tg.tril(v.reshape(-1, 1)), nan=moved),  # keeps every element
    "select.triu": Op(lambda v: tg.triu(v.reshape(1, -1)), nan=moved),
    # building, splitting, outer and einsum
    "shape.pad": Op(
        lambda v: tg.ops.shape.pad(v.reshape(1, -1), (0, 0, 1, 1), "replicate"), nan=moved
    ),
    "shape.flip": Op(lambda v: tg.flip(v, tuple(range(v.ndim))), nan=moved),
    "shape.roll": Op(lambda v: v.roll(1), nan=moved),
    "shape.repeat": Op(lambda v: v.repeat(2, *(1,) * v.ndim), nan=moved),
    "shape.tile": Op(lambda v: tg.tile(v, 2), nan=moved),
    "shape.repeat_interleave": Op(lambda v: v.repeat_interleave(2), nan=moved),
    "shape.split": Op(lambda v: tg.concatenate(v.reshape(-1).split(1)), nan=moved),
    "shape.chunk": Op(lambda v: tg.concatenate(tg.chunk(v.reshape(-1), 2)), nan=moved),
    "shape.unbind": Op(lambda v: tg.stack(v.reshape(-1).unbind()), nan=moved),
    "linalg.outer": Op(lambda v: tg.outer(v.reshape(-1), v.reshape(-1)), nan=spread),
    "linalg.einsum": Op(lambda v: tg.einsum("...,...->...", v, v)),  # v * v
}

F32 = np.float32
FLOATS = (np.float32, np.float64)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3)
SWEEP = settings(max_examples=12)


def arrays(elements: Callable[[Any], st.SearchStrategy[float]]) -> st.SearchStrategy[np.ndarray]:
    """float32 and float64 arrays of 0 to 2 axes, whose elements are ``elements(dtype)``."""
    return st.sampled_from(FLOATS).flatmap(
        lambda dtype: hnp.arrays(dtype, SHAPES, elements=elements(dtype))
    )


def ones_like(out: Value) -> np.ndarray:
    """The cotangent of ones (``out.sum().backward()`` could overflow in the added sum)."""
    return np.ones(out.shape, out.dtype)


# -- every public name has an entry ------------------------------------------------------------


def op_keys() -> dict[str, Callable[..., Any]]:
    """Every op of :mod:`tensorgrad.ops` as ``{"module.name": function}``."""
    ops = {}
    for module_name in tg.ops.__all__:
        module = importlib.import_module(f"tensorgrad.ops.{module_name}")
        ops.update({f"{module_name}.{name}": getattr(module, name) for name in module.__all__})
    return ops


NOT_SWEPT = {
    # public names of tensorgrad with no data to feed them, and why
    "Context": "made by Function.apply for a custom op's forward, never by a user",
    "Function": "a base class: a subclass's apply runs the ops swept here",
    "GradcheckError": "an exception class",
    "Tensor": "the same class as Value",
    "detect_anomaly": "a context manager without arguments",
    "enable_grad": "a context manager without arguments",
    "no_grad": "a context manager without arguments",
    "is_grad_enabled": "takes no arguments",
    "once_differentiable": "a decorator of a backward method",
}

VALUE_NAMES = {
    # Value's public names that are not one of its ops' methods: where the sweep feeds them
    "backward": "backward",
    "data": "Value.data =",
    "grad": "grad =",
    "item": "item",
    "detach": "takes no arguments",
    "numpy": "takes no arguments",
    "tolist": "takes no arguments",
    "view": "reshape's PyTorch name: swept as reshape",
    "expand": "broadcast_to's PyTorch name: swept as broadcast_to",
    "numel": "takes no arguments",
    "zero_grad": "takes no arguments",
    "dtype": "a description",
    "ndim": "a description",
    "shape": "a description",
    "size": "a description",
    "grad_fn": "a description",
    "has_grad": "a description",
    "is_leaf": "a description",
    "requires_grad": "a flag, set by Value(requires_grad=...)",
}

NO_ARGUMENTS = {
    # ops whose arguments besides the Value are not a user's to get wrong
}


def test_every_op_has_a_sample_call() -> None:
    ops = op_keys()
    assert not ops.keys() - OPS.keys(), "add a sample call to OPS for each of these ops"
    # a key "module.op(...)" sweeps another form of an op, such as max(dim=)
    swept = {key.split("(")[0] for key in OPS}
    assert not swept - ops.keys(), "OPS has sample calls for ops that no longer exist"


def test_every_op_with_arguments_has_bad_ones() -> None:
    fed = {case.op for case in BAD} | {op for op, _, _ in OPERATORS.values()}
    missing = [
        key
        for key, fn in op_keys().items()
        if len(inspect.signature(fn).parameters) > 1 and key not in fed | NO_ARGUMENTS.keys()
    ]
    assert not missing, "add wrong arguments to BAD for each of these ops"


def test_every_public_name_is_swept() -> None:
    by_function = {fn: key for key, fn in op_keys().items()}
    fed = {case.op for case in BAD}
    for name in tg.__all__:
        swept = by_function.get(getattr(tg, name)) in OPS or name in fed
        assert swept or name in NOT_SWEPT, f"tensorgrad.{name}: add it to BAD or NOT_SWEPT"


def test_every_value_method_is_swept() -> None:
    ops = {key.split(".")[1] for key in OPS} | {"T"}  # .T is transpose
    for name in (n for n in dir(Value) if not n.startswith("_")):
        assert name in ops or name in VALUE_NAMES, f"Value.{name}: add it to OPS or VALUE_NAMES"
    assert {VALUE_NAMES[n] for n in ("backward", "data", "grad", "item")} <= {c.op for c in BAD}


def operator_dunders() -> set[str]:
    """Value's operators: its methods named as one of the operator module's, or reflected."""
    known = {n for n in dir(operator) if n.startswith("__") and n.endswith("__")}
    reflected = {f"__r{n[2:]}" for n in known}
    plain = {"__init__", "__getitem__", "__doc__", "__hash__"}  # not operators, or swept in BAD
    return {n for n in vars(Value) if n in known | reflected} - plain


def test_every_operator_is_swept() -> None:
    unary = {"__neg__": "arithmetic.neg", "__abs__": "unary.abs"}  # swept through OPS
    assert operator_dunders() == OPERATORS.keys() | unary.keys()


# -- extreme values: finite where the math is, in the input's dtype ----------------------------


def check_extremes(key: str, x: np.ndarray) -> None:
    """OPS[key] on ``x``: a finite result and a finite gradient, both in ``x``'s dtype."""
    with strict():
        v = Value(x)
        out = OPS[key].call(v)
        if not isinstance(out, Value):  # indices or bools, outside the graph
            assert np.asarray(out).dtype.kind in "bi"
            return
        assert out.dtype == x.dtype, f"{key}: a {x.dtype} input gave a {out.dtype} result"
        assert np.isfinite(out.data).all(), f"{key}({x!r}) = {out.data!r}"
        out.backward(ones_like(out))
        assert v.grad.dtype == x.dtype, f"{key}: the gradient of {x.dtype} is {v.grad.dtype}"
        assert np.isfinite(v.grad).all(), f"{key}: gradient {v.grad!r} at {x!r}"


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("key", sorted(OPS))
def test_every_extreme_value_at_once(key: str, dtype: Any) -> None:
    extremes = np.array(OPS[key].domain.extremes, dtype)
    for x in (extremes, extremes.reshape(-1, 1), extremes[:1].reshape(())):
        check_extremes(key, x)


@pytest.mark.parametrize("key", sorted(OPS))
@SWEEP
@given(data=st.data())
def test_extreme_values_mixed_with_ordinary_ones(key: str, data: Any) -> None:
    check_extremes(key, data.draw(arrays(OPS[key].domain.extreme), label="x"))


# -- NaN in is NaN out -------------------------------------------------------------------------


@st.composite
def with_nan(draw: st.DrawFn, domain: Domain) -> np.ndarray:
    """An array of ordinary values of ``domain`` with one NaN or more."""
    x = draw(arrays(domain.ordinary_or_nan))
    x.flat[draw(st.integers(0, x.size - 1))] = nan
    return x


@pytest.mark.parametrize("key", sorted(k for k, op in OPS.items() if op.nan))
@SWEEP
@given(data=st.data())
def test_nan_in_gives_nan_out(key: str, data: Any) -> None:
    op = OPS[key]
    x = data.draw(with_nan(op.domain), label="x")
    with strict():
        v = Value(x)
        out = op.call(v)
        finite = op.nan(x, out.data)  # type: ignore[misc]
        if finite is None:
            return
        out.backward(ones_like(out))
        assert np.isfinite(v.grad[finite]).all(), f"{key}: a NaN spread to the gradient {v.grad!r}"


# -- dtypes ------------------------------------------------------------------------------------

CONSTANTS = {
    # constants that PyTorch mixes into a float32 computation without changing its dtype
    "int": 2,
    "float": 2.0,
    "bool": True,
    "np.float64": np.float64(2.0),  # a subclass of Python's float
    "np.int64": np.int64(2),
    "int array": np.array([2, 3]),
    "bool array": np.array([True, True]),
    "float16 array": np.array([2.0, 3.0], np.float16),
}

WITH_CONSTANT: dict[str, Callable[[Value, Any], Any]] = {
    "v + c": lambda v, c: v + c,
    "c + v": lambda v, c: c + v,
    "v - c": lambda v, c: v - c,
    "c - v": lambda v, c: c - v,
    "v * c": lambda v, c: v * c,
    "v / c": lambda v, c: v / c,
    "c / v": lambda v, c: c / v,
    "v ** c": lambda v, c: v**c,
    "c ** v": lambda v, c: c**v,
    "maximum(v, c)": lambda v, c: tg.maximum(v, c),
    "minimum(c, v)": lambda v, c: tg.minimum(c, v),
    "where(m, v, c)": lambda v, c: tg.where(np.array([True, False]), v, c),
    "where(m, c, v)": lambda v, c: tg.where(np.array([True, False]), c, v),
    "v.clip(c)": lambda v, c: v.clip(c),
    "v.clip(None, c)": lambda v, c: v.clip(None, c),
}


SYMBOL_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "@": "matmul"}


def op_names(expression: str) -> tuple[str, ...]:
    """The op's names a message may use, read off an expression: ``("**", "pow")`` for
    ``"v ** c"``, ``("clip",)`` for ``"v.clip(c)"``."""
    found = re.findall(r"[a-z_]{2,}(?=\()|[-+*/@]+", expression)
    return (*found, *(SYMBOL_NAMES[f] for f in found if f in SYMBOL_NAMES))


@pytest.mark.parametrize("constant", CONSTANTS)
@pytest.mark.parametrize("expression", WITH_CONSTANT)
def test_a_constant_keeps_float32_float32(expression: str, constant: str) -> None:
    """As in PyTorch: a number, or an int, bool or float16 array, mixed into a float32
    computation leaves it float32 (numpy would make ``float32 * int64 array`` and
    ``* np.int64(2)`` float64). An array may be refused instead, clearly; a number not."""
    c = CONSTANTS[constant]
    v = Value(np.array([1.5, 2.5], np.float32))
    refusable = CLEAR if isinstance(c, np.ndarray) else ()
    mentions = (str(np.asarray(c).dtype),)
    call = WITH_CONSTANT[expression]
    out = clear_or_result(lambda: call(v, c), op_names(expression), mentions, refusable)
    if out is None:
        return
    assert out.dtype == np.float32, f"{expression} with c = {constant}: {out.dtype}"
    with strict():
        out.backward(ones_like(out))
    assert v.grad.dtype == np.float32


PAIRS: dict[str, Callable[[Value, Value], Value]] = {
    # op name -> the op on a float32 and a float64 Value (or the other way round)
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: tg.maximum(a, b),
    "minimum": lambda a, b: tg.minimum(a, b),
    "where": lambda a, b: tg.where(np.array([[True, False]]), a, b),
    "concatenate": lambda a, b: tg.concatenate([a, b]),
    "stack": lambda a, b: tg.stack([a, b]),
    "matmul": lambda a, b: a @ b.T,
    "linear": lambda a, b: tg.linear(a, b),
}
REFUSED_BY_TORCH = {"matmul", "linear"}  # "mat1 and mat2 must have the same dtype"


@pytest.mark.parametrize("dtypes", [(np.float32, np.float64), (np.float64, np.float32)])
@pytest.mark.parametrize("name", PAIRS)
def test_mixed_float_dtypes_promote_and_each_gradient_keeps_its_own(
    name: str, dtypes: tuple[Any, Any]
) -> None:
    """float32 with float64 is float64, as in numpy and PyTorch (whose matmul and linear
    refuse it instead, which is right too if the message names both dtypes)."""
    a = Value(np.array([[1.5, 2.5]], dtypes[0]))
    b = Value(np.array([[0.5, 1.25]], dtypes[1]))
    refusable = WITH_RUNTIME if name in REFUSED_BY_TORCH else ()
    out = clear_or_result(lambda: PAIRS[name](a, b), (name,), ("float32&float64",), refusable)
    if out is None:
        return
    assert out.dtype == np.float64, f"{name}: float32 with float64 gave {out.dtype}"
    with strict():
        out.backward(ones_like(out))
    assert (a.grad.dtype, b.grad.dtype) == (a.dtype, b.dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_a_backward_seed_of_another_dtype_leaves_the_gradient_in_the_input_dtype(
    dtype: Any,
) -> None:
    """As PyTorch, which casts ``g`` in ``y.backward(g)`` to ``y``'s dtype."""
    other = np.float64 if dtype == np.float32 else np.float32
    x = Value(np.array([1.0, -2.0], dtype))
    with strict():
        (x * 3.0).backward(np.ones(2, other))
    assert x.grad.dtype == dtype


@pytest.mark.parametrize("key", sorted(k for k, op in OPS.items() if op.nan))
def test_float16_is_refused_at_value_or_kept_all_through(key: str) -> None:
    """Two choices are right: a clear TypeError when a float16 Value is made (Value(),
    ``dtype=`` and astype alike), or float16 results and gradients from every op."""
    a = np.array([0.5, -1.5, 2.0], np.float16)
    try:
        v = Value(a)
    except TypeError:
        refuses(lambda: Value(a), ("Value",), ("float16",), TypeError)
        refuses(lambda: Value([1.0], dtype=np.float16), ("Value",), ("float16",), TypeError)
        refuses(lambda: Value([1.0]).astype(np.float16), ("astype",), ("float16",), TypeError)
        return
    with strict():
        out = OPS[key].call(v)
        assert out.dtype == np.float16
        out.backward(ones_like(out))
    assert v.grad.dtype == np.float16


# -- wrong arguments ---------------------------------------------------------------------------


class Bad(NamedTuple):
    """A wrong call: ``call()`` must raise a clear error (see :func:`refuses`)."""

    op: str  # a key of OPS, a public name of tensorgrad, or one of VALUE_NAMES' values
    label: str
    call: Callable[[], Any]
    names: tuple[str, ...]  # one of them names the op in the message
    mentions: tuple[str, ...]  # one of them names the wrong argument, its type or its value
    kinds: Any = CLEAR


def wrong(op: str, names: tuple[str, ...], *rows: tuple[Any, ...]) -> list[Bad]:
    """The wrong calls of one op, a row each: ``(label, call, "mention|or mention"[, kinds])``."""
    return [
        Bad(op, label, call, names, tuple(mentions.split("|")), *kinds)
        for label, call, mentions, *kinds in rows
    ]


IMAGE = np.ones((1, 1, 3, 3))  # (N, C, H, W), and a 1x1 filter: the wrong calls of conv2d
POINT = np.ones((1, 1, 1, 1))


def m() -> Value:
    """A fresh (2, 3) Value: the operand of the wrong calls."""
    return Value(np.arange(6.0).reshape(2, 3) + 0.5)


AXIS_OPS: dict[str, Callable[..., Any]] = {
    # ops that take an int or a tuple of ints (and reduce or squeeze over them)
    "reduce.sum": lambda v, axis, **kw: v.sum(axis, **kw),
    "reduce.mean": lambda v, axis, **kw: v.mean(axis, **kw),
    "reduce.max": lambda v, axis, **kw: v.max(axis=axis, **kw),
    "reduce.min": lambda v, axis, **kw: v.min(axis=axis, **kw),
    "softmax.logsumexp": lambda v, axis, **kw: tg.logsumexp(v, axis, **kw),
    "reduce.prod": lambda v, axis, **kw: v.prod(axis, **kw),
    "reduce.var": lambda v, axis, **kw: v.var(axis, **kw),
    "reduce.std": lambda v, axis, **kw: tg.std(v, axis, **kw),
    "reduce.norm": lambda v, axis, **kw: v.norm(2, axis, **kw),
    "reduce.amax": lambda v, axis, **kw: v.amax(axis, **kw),
    "reduce.amin": lambda v, axis, **kw: tg.amin(v, axis, **kw),
    "reduce.all": lambda v, axis, **kw: v.all(axis, **kw),
    "reduce.any": lambda v, axis, **kw: tg.any(v, axis, **kw),
    "shape.squeeze": lambda v, axis: v.squeeze(axis),
}
ONE_AXIS_OPS: dict[str, Callable[..., Any]] = {
    # ops that take a single int axis (PyTorch: "argument 'dim' must be int, not tuple")
    "reduce.argmax": lambda v, axis: v.argmax(axis),
    "reduce.argmin": lambda v, axis: tg.argmin(v, axis),
    "reduce.cumsum": lambda v, axis: v.cumsum(axis),
    "reduce.cumprod": lambda v, axis: tg.cumprod(v, dim=axis),
    "softmax.softmax": lambda v, axis: tg.softmax(v, axis),
    "softmax.log_softmax": lambda v, axis: tg.log_softmax(v, axis),
    "shape.unsqueeze": lambda v, axis: v.unsqueeze(axis),
    "shape.swapaxes": lambda v, axis: v.swapaxes(axis, 0),
    "shape.concatenate": lambda v, axis: tg.concatenate([v, v], axis),
    "shape.stack": lambda v, axis: tg.stack([v, v], axis),
}
KEEPDIMS_OPS = ["reduce.sum", "reduce.mean", "reduce.max", "reduce.min", "softmax.logsumexp"]
KEEPDIMS_OPS += [
    f"reduce.{name}" for name in ("prod", "var", "std", "norm", "amax", "amin", "all", "any")
]

WRONG_AXES = [  # (axis, what the message mentions, error kinds), for every axis op
    ("a", "str|'a'", CLEAR),
    (1.5, "float|1.5", CLEAR),
    (Value(0.0), "Value", CLEAR),
    (5, "5", AXIS_ERRORS),
    (-5, "-5", AXIS_ERRORS),
]
WRONG_TUPLES = [  # for the ops that take a tuple of axes
    ((0, 0), "repeated|(0, 0)", CLEAR),
    ((0, (1,)), "tuple|(1,)", CLEAR),
    (["a"], "str|'a'", CLEAR),
]
WRONG_SINGLE = [((0, 1), "tuple|(0, 1)", CLEAR)]  # a tuple where one axis goes


def axis_cases() -> Iterator[Bad]:
    """Every wrong axis for every axis op, and ``keepdims="yes"`` for every reduction."""
    for key, call in {**AXIS_OPS, **ONE_AXIS_OPS}.items():
        name = key.split(".")[1]
        extra = WRONG_TUPLES if key in AXIS_OPS else WRONG_SINGLE
        for axis, mentions, kinds in WRONG_AXES + extra:
            row = (f"{name}(axis={axis!r})", lambda c=call, a=axis: c(m(), a), mentions, kinds)
            yield from wrong(key, (name,), row)
    for key in KEEPDIMS_OPS:
        name, call = key.split(".")[1], AXIS_OPS[key]
        row = (f'{name}(keepdims="yes")', lambda c=call: c(m(), 0, keepdims="yes"), "keepdims")
        yield from wrong(key, (name,), row)


W = np.ones((2, 3))  # a weight for linear: 3 inputs, 2 outputs
INDEX_ERRORS = (IndexError, TypeError)  # PyTorch's, for a wrong index and a wrong type
RAGGED = (*INDEX_ERRORS, ValueError)

# fmt: off
BAD: list[Bad] = [
    *axis_cases(),
    *wrong("Value", ("Value",),
        ("Value('a')", lambda: Value("a"), "str"),
        ("Value(None)", lambda: Value(None), "NoneType|None"),
        ("Value(['a', 'b'])", lambda: Value(["a", "b"]), "str|list"),
        ("Value(dict)", lambda: Value({"a": 1.0}), "dict"),
        ("Value(set)", lambda: Value({1.0, 2.0}), "set"),
        ("Value(1j)", lambda: Value(1j), "complex"),
        ("Value(complex array)", lambda: Value(np.array([1j])), "complex"),
        ("Value(object array)", lambda: Value(np.array([1.0, None])), "object"),
        ("Value(str array)", lambda: Value(np.array(["1.0"])), "<U3|str"),
        ("Value(ragged list)", lambda: Value([[1.0], [1.0, 2.0]]), "inhomogeneous|ragged|list"),
        ("Value(dtype=int32)", lambda: Value([1.0], dtype=np.int32), "int32"),
        ("Value(dtype=complex)", lambda: Value([1.0], dtype=complex), "complex"),
        ("Value(dtype='nonsense')", lambda: Value([1.0], dtype="nonsense"), "nonsense"),
    ),
    *wrong("Value", ("Value", "requires_grad"),
        ("Value(requires_grad='no')", lambda: Value([1.0], requires_grad="no"), "str|'no'"),
    ),
    *wrong("Value.data =", ("Value.data",),
        ("data = 'a'", lambda: setattr(m(), "data", "a"), "str"),
        ("data = None", lambda: setattr(m(), "data", None), "NoneType|None"),
    ),
    *wrong("grad =", ("grad",),
        ("grad = 'a'", lambda: setattr(m(), "grad", "a"), "str|'a'"),
        ("grad = complex", lambda: setattr(m(), "grad", np.full((2, 3), 1j)), "complex"),
        ("grad = shape (3,)", lambda: setattr(m(), "grad", np.ones(3)), "(3,)"),
    ),
    *wrong("item", ("item",),
        ("item() of 6 elements", lambda: m().item(), "(2, 3)"),
    ),
    *wrong("backward", ("backward",),
        ("backward('a')", lambda: (m() * 2).backward("a"), "str|'a'"),
        ("backward() of 6", lambda: (m() * 2).backward(), "(2, 3)|scalar", WITH_RUNTIME),
        ("backward(shape (5,))", lambda: (m() * 2).backward(np.ones(5)), "(5,)"),
        ("backward(complex)", lambda: (m() * 2).backward(np.full((2, 3), 1j)), "complex"),
    ),
    *wrong("unary.clip", ("clip",),
        ("clip('a')", lambda: m().clip("a", 1.0), "str|'a'"),
        ("clip(hi='a')", lambda: m().clip(None, "a"), "str|'a'"),
        ("clip(1j)", lambda: m().clip(1j), "complex"),
        ("clip(str array)", lambda: m().clip(np.array(["a"])), "<U1|str"),
        ("clip(None, None)", lambda: m().clip(None, None), "lo|hi"),
        ("clip(bounds of shape (4,))", lambda: m().clip(np.zeros(4)), "(4,)"),
    ),
    *wrong("unary.astype", ("astype",),
        ("astype(int32)", lambda: m().astype(np.int32), "int32"),
        ("astype(complex)", lambda: m().astype(complex), "complex"),
        ("astype('nonsense')", lambda: m().astype("nonsense"), "nonsense"),
    ),
    *wrong("arithmetic.maximum", ("maximum",),
        ("maximum(v, 'a')", lambda: tg.maximum(m(), "a"), "str"),
        ("maximum(v, complex)", lambda: tg.maximum(m(), np.array([1j])), "complex"),
        ("maximum(shapes)", lambda: tg.maximum(m(), np.ones(4)), "(2, 3)"),
    ),
    *wrong("arithmetic.minimum", ("minimum",),
        ("minimum(None, v)", lambda: tg.minimum(None, m()), "NoneType"),
    ),
    *wrong("arithmetic.add", ("add", "+"),
        ("v + shape (4,)", lambda: m() + np.ones(4), "(2, 3)"),
    ),
    *wrong("arithmetic.mul", ("mul", "*"),
        ("v * shape (3, 2)", lambda: m() * Value(np.ones((3, 2))), "(2, 3)"),
    ),
    *wrong("linalg.matmul", ("matmul", "@"),
        ("v @ 2.0", lambda: m() @ 2.0, "0-d|()"),
        ("(2, 3) @ (2, 3)", lambda: m() @ m(), "(2, 3)"),
    ),
    *wrong("linalg.linear", ("linear",),
        ("linear(list)", lambda: tg.linear([[1.0, 2.0, 3.0]], W), "list"),
        ("linear(weight='a')", lambda: tg.linear(m(), "a"), "str"),
        ("linear(bias='a')", lambda: tg.linear(m(), W, "a"), "str"),
        ("linear(complex)", lambda: tg.linear(np.full((1, 3), 1j), W), "complex"),
        ("linear(weight 1-D)", lambda: tg.linear(m(), np.ones(3)), "(3,)"),
        ("linear(in_features)", lambda: tg.linear(m(), np.ones((2, 4))), "(2, 4)"),
        ("linear(bias shape)", lambda: tg.linear(m(), W, np.ones(3)), "(3,)"),
    ),
    *wrong("shape.reshape", ("reshape",),
        ("reshape('a')", lambda: m().reshape("a"), "str|'a'"),
        ("reshape(2.5)", lambda: m().reshape(2.5), "float|2.5"),
        ("reshape(None)", lambda: m().reshape(None), "None"),
        ("reshape(Value)", lambda: m().reshape(Value(6.0)), "Value"),
        ("reshape(4)", lambda: m().reshape(4), "(4,)"),
    ),
    *wrong("shape.permute", ("permute",),
        ("permute('a')", lambda: m().permute("a"), "str"),
        ("permute(0)", lambda: m().permute(0), "(0,)"),
        ("permute(0, 5)", lambda: m().permute(0, 5), "5", AXIS_ERRORS),
    ),
    *wrong("shape.flatten", ("flatten",),
        ("flatten('a')", lambda: m().flatten("a"), "str"),
        ("flatten(0, 5)", lambda: m().flatten(0, 5), "5", AXIS_ERRORS),
        ("flatten(1, 0)", lambda: m().flatten(1, 0), "start_dim=1"),
    ),
    *wrong("shape.transpose", ("transpose",),
        ("transpose('a')", lambda: m().transpose("a"), "str|'a'"),
        ("transpose(0, 5)", lambda: m().transpose(0, 5), "5", AXIS_ERRORS),
        ("transpose(0, 1, 2)", lambda: m().transpose(0, 1, 2), "(0, 1, 2)|2", AXIS_ERRORS),
    ),
    *wrong("shape.broadcast_to", ("broadcast_to",),
        ("broadcast_to('a')", lambda: m().broadcast_to("a"), "str|'a'"),
        ("broadcast_to(None)", lambda: m().broadcast_to(None), "None"),
        ("broadcast_to((2, -1))", lambda: m().broadcast_to((2, -1)), "-1"),
        ("broadcast_to((3, 2))", lambda: m().broadcast_to((3, 2)), "(3, 2)"),
    ),
    *wrong("shape.squeeze", ("squeeze",),
        ("squeeze(an axis of size 2)", lambda: m().squeeze(0), "(2, 3)"),
    ),
    *wrong("shape.swapaxes", ("swapaxes",),
        ("swapaxes(0, 'a')", lambda: m().swapaxes(0, "a"), "str|'a'"),
    ),
    *wrong("shape.concatenate", ("concatenate",),
        ("concatenate(v)", lambda: tg.concatenate(m()), "Value"),
        ("concatenate(None)", lambda: tg.concatenate(None), "None"),
        ("concatenate('ab')", lambda: tg.concatenate("ab"), "str|'a'"),
        ("concatenate([])", lambda: tg.concatenate([]), "empty"),
        ("concatenate([v, 'a'])", lambda: tg.concatenate([m(), "a"]), "str|'a'"),
        ("concatenate([v, strs])", lambda: tg.concatenate([m(), np.full((1, 3), "a")]), "<U1|str"),
        ("concatenate(0-d)", lambda: tg.concatenate([Value(1.0), Value(2.0)]), "0-d|zero-d|()"),
        ("concatenate(shapes)", lambda: tg.concatenate([m(), Value(np.ones(3))]), "(2, 3)"),
    ),
    *wrong("shape.stack", ("stack",),
        ("stack(v)", lambda: tg.stack(m()), "Value"),
        ("stack([v, None])", lambda: tg.stack([m(), None]), "None"),
        ("stack(shapes)", lambda: tg.stack([m(), Value(np.ones(3))]), "(2, 3)"),
    ),
    *wrong("index.getitem", ("index",),
        ("v['a']", lambda: m()["a"], "str|'a'", INDEX_ERRORS),
        ("v[1.5]", lambda: m()[1.5], "float|1.5", INDEX_ERRORS),
        ("v[dict]", lambda: m()[{"a": 1}], "dict", INDEX_ERRORS),
        ("v[[0, 'a']]", lambda: m()[[0, "a"]], "str|'a'", INDEX_ERRORS),
        ("v[ragged]", lambda: m()[[[0, 1], [0]]], "ragged|inhomogeneous|[[0, 1], [0]]", RAGGED),
        ("v[float array]", lambda: m()[np.array([0.5])], "float64", INDEX_ERRORS),
        ("v[Value]", lambda: m()[Value(0.0)], "Value", INDEX_ERRORS),
        ("v[5]", lambda: m()[5], "5", IndexError),
        ("0-d[0]", lambda: Value(2.0)[0], "0-d|0-dim|()", IndexError),
        ("v[mask of shape (3,)]", lambda: m()[np.ones(3, bool)], "(3,)|(2, 3)", IndexError),
    ),
    *wrong("select.where", ("where",),
        ("where('a', v, 0)", lambda: tg.where("a", m(), 0.0), "<U1|str"),
        ("where(None, v, 0)", lambda: tg.where(None, m(), 0.0), "None|object"),
        ("where(floats, v, 0)", lambda: tg.where(np.ones(3), m(), 0.0), "float64"),
        ("where(c, 'a', v)", lambda: tg.where(np.ones(3, bool), "a", m()), "str"),
        ("where(c, v, strs)", lambda: tg.where(np.ones(3, bool), m(), np.array(["a"])), "<U1|str"),
        ("where(shapes)", lambda: tg.where(np.ones(4, bool), m(), 0.0), "(4,)"),
    ),
    *wrong("grad", ("grad",),
        ("grad('a', v)", lambda: tg.grad("a", m()), "str"),
        ("grad(y, 'a')", lambda: tg.grad(m().sum(), "a"), "str"),
        ("grad(y, [v, None])", lambda: tg.grad(m().sum(), [m(), None]), "NoneType|None"),
        ("grad(y, v, 'a')", lambda: (lambda v: tg.grad(v.sum(), v, "a"))(m()), "str|'a'"),
    ),
    *wrong("gradcheck", ("gradcheck",),
        ("gradcheck(f, 'a')", lambda: tg.gradcheck(lambda v: v, "a"), "str"),
        ("gradcheck('f', v)", lambda: tg.gradcheck("f", m()), "str|callable"),
        ("gradcheck(float32)", lambda: tg.gradcheck(abs, Value(np.ones(2, F32))), "float32"),
    ),
    *wrong("to_dot", ("to_dot",),
        ("to_dot('a')", lambda: tg.to_dot("a"), "str"),
        ("to_dot(rankdir=5)", lambda: tg.to_dot(m(), rankdir=5), "5"),
    ),
    # PyTorch's device=: the CPU is accepted, any other device refused (axes.check_device)
    *wrong("zeros", ("zeros",),
        ("zeros(device=cuda)", lambda: tg.zeros(2, device="cuda"), "device&cuda"),
    ),
    *wrong("ones", ("ones",), ("ones(device=mps)", lambda: tg.ones(2, device="mps"), "device&mps")),
    *wrong("empty", ("empty",),
        ("empty(device=cuda:0)", lambda: tg.empty(2, device="cuda:0"), "device&cuda:0"),
    ),
    *wrong("full", ("full",),
        ("full(device=cpu:1)", lambda: tg.full(2, 0.5, device="cpu:1"), "device&cpu:1"),
    ),
    *wrong("zeros_like", ("zeros_like",),
        ("zeros_like(device=cuda)", lambda: tg.zeros_like(m(), device="cuda"), "device&cuda"),
    ),
    *wrong("ones_like", ("ones_like",),
        ("ones_like(device=mps)", lambda: tg.ones_like(m(), device="mps"), "device&mps"),
    ),
    *wrong("full_like", ("full_like",),
        (
            "full_like(device=cuda:0)",
            lambda: tg.full_like(m(), 1.0, device="cuda:0"),
            "device&cuda:0",
        ),
    ),
    *wrong("arange", ("arange",),
        ("arange(device=cpu:1)", lambda: tg.arange(3, device="cpu:1"), "device&cpu:1"),
    ),
    *wrong("linspace", ("linspace",),
        ("linspace(device=cuda)", lambda: tg.linspace(0, 1, 3, device="cuda"), "device&cuda"),
    ),
    *wrong("eye", ("eye",), ("eye(device=mps)", lambda: tg.eye(2, device="mps"), "device&mps")),
    *wrong("rand", ("rand",),
        ("rand(device=cuda:0)", lambda: tg.rand(2, device="cuda:0"), "device&cuda:0"),
    ),
    *wrong("randn", ("randn",),
        ("randn(device=cpu:1)", lambda: tg.randn(2, device="cpu:1"), "device&cpu:1"),
    ),
    *wrong("randint", ("randint",),
        ("randint(device=cuda)", lambda: tg.randint(0, 3, (2,), device="cuda"), "device&cuda"),
    ),
    *wrong("zeros", ("zeros",),
        ("zeros(device=0)", lambda: tg.zeros(2, device=0), "device&int"),
        ("zeros(2, 'cpu')", lambda: tg.zeros(2, "cpu"), "str|'cpu'"),
    ),
    # the factories (tensorgrad.factories): sizes, dtypes, fill values, ranges and generators
    *wrong("zeros", ("zeros",),
        ("zeros()", lambda: tg.zeros(), "size"),
        ("zeros('a')", lambda: tg.zeros("a"), "str|'a'"),
        ("zeros(2.5)", lambda: tg.zeros(2.5), "float|2.5"),
        ("zeros(None)", lambda: tg.zeros(None), "NoneType|None"),
        ("zeros(True)", lambda: tg.zeros(True), "bool"),
        ("zeros(Value)", lambda: tg.zeros(Value(2.0)), "Value"),
        ("zeros(2, -1)", lambda: tg.zeros(2, -1), "-1"),
        ("zeros(dtype=int32)", lambda: tg.zeros(2, dtype=np.int32), "int32"),
        ("zeros(dtype='nonsense')", lambda: tg.zeros(2, dtype="nonsense"), "nonsense"),
        ("zeros(requires_grad='no')", lambda: tg.zeros(2, requires_grad="no"), "str|'no'"),
    ),
    *wrong("ones", ("ones",),
        ("ones((2, 'a'))", lambda: tg.ones((2, "a")), "str|'a'"),
        ("ones(-3)", lambda: tg.ones(-3), "-3"),
        ("ones(dtype=float16)", lambda: tg.ones(2, dtype=np.float16), "float16"),
    ),
    *wrong("empty", ("empty",),
        ("empty(-1)", lambda: tg.empty(-1), "-1"),
        ("empty(dtype=complex)", lambda: tg.empty(2, dtype=complex), "complex"),
    ),
    *wrong("full", ("full",),
        ("full('a', 1.0)", lambda: tg.full("a", 1.0), "str|'a'"),
        ("full((2,), 'a')", lambda: tg.full((2,), "a"), "str"),
        ("full((2,), None)", lambda: tg.full((2,), None), "NoneType"),
        ("full((2,), 1j)", lambda: tg.full((2,), 1j), "complex"),
        ("full((2,), Value)", lambda: tg.full((2,), Value(1.0)), "Value"),
        ("full(1e300 in float32)", lambda: tg.full((2,), 1e300, dtype=F32), "float32"),
    ),
    *wrong("zeros_like", ("zeros_like",),
        ("zeros_like('a')", lambda: tg.zeros_like("a"), "str"),
        ("zeros_like(None)", lambda: tg.zeros_like(None), "NoneType"),
        ("zeros_like(float16)", lambda: tg.zeros_like(np.ones(2, np.float16)), "float16"),
        ("zeros_like(dtype=int)", lambda: tg.zeros_like(m(), dtype=int), "int64"),
    ),
    *wrong("ones_like", ("ones_like",),
        ("ones_like([1j])", lambda: tg.ones_like([1j]), "complex"),
        ("ones_like(requires_grad='no')", lambda: tg.ones_like(m(), requires_grad="no"), "str"),
    ),
    *wrong("full_like", ("full_like",),
        ("full_like(v, 'a')", lambda: tg.full_like(m(), "a"), "str"),
        ("full_like('a', 1.0)", lambda: tg.full_like("a", 1.0), "str"),
    ),
    *wrong("arange", ("arange",),
        ("arange('a')", lambda: tg.arange("a"), "str"),
        ("arange(0, None, 1)", lambda: tg.arange(0, 5, None), "NoneType"),
        ("arange(0, 1, 0)", lambda: tg.arange(0, 1, 0), "step"),
        ("arange(5, 0)", lambda: tg.arange(5, 0), "step"),
        ("arange(0, inf)", lambda: tg.arange(0, math.inf), "inf"),
        ("arange(dtype=int8)", lambda: tg.arange(3, dtype=np.int8), "int8"),
    ),
    *wrong("linspace", ("linspace",),
        ("linspace(0, 1, -1)", lambda: tg.linspace(0, 1, -1), "-1"),
        ("linspace(0, 1, 2.5)", lambda: tg.linspace(0, 1, 2.5), "float|2.5"),
        ("linspace('a', 1, 3)", lambda: tg.linspace("a", 1, 3), "str"),
    ),
    *wrong("eye", ("eye",),
        ("eye(-1)", lambda: tg.eye(-1), "-1"),
        ("eye(2.0)", lambda: tg.eye(2.0), "float|2.0"),
        ("eye(2, 'a')", lambda: tg.eye(2, "a"), "str|'a'"),
    ),
    *wrong("rand", ("rand",),
        ("rand(-2)", lambda: tg.rand(-2), "-2"),
        ("rand(generator=0)", lambda: tg.rand(2, generator=0), "int|Generator"),
        ("rand(seed=-1)", lambda: tg.rand(2, seed=-1), "-1"),
        ("rand(seed=1.5)", lambda: tg.rand(2, seed=1.5), "float|1.5"),
        ("rand(seed and generator)",
            lambda: tg.rand(2, seed=1, generator=np.random.default_rng()), "seed&generator"),
        ("rand(dtype=int64)", lambda: tg.rand(2, dtype=np.int64), "int64"),
    ),
    *wrong("randn", ("randn",),
        ("randn('a')", lambda: tg.randn("a"), "str|'a'"),
        ("randn(RandomState)",
            lambda: tg.randn(2, generator=np.random.RandomState(0)), "RandomState"),
    ),
    *wrong("randint", ("randint",),
        ("randint(5, 5, (2,))", lambda: tg.randint(5, 5, (2,)), "low=5|high=5"),
        ("randint(0, 5)", lambda: tg.randint(0, 5), "size"),
        ("randint(0.5, 5, (2,))", lambda: tg.randint(0.5, 5, (2,)), "float|0.5"),
        ("randint(0, 5, 'a')", lambda: tg.randint(0, 5, "a"), "str|'a'"),
        ("randint(0, 5, (-1,))", lambda: tg.randint(0, 5, (-1,)), "-1"),
        ("randint(dtype=float64)", lambda: tg.randint(0, 5, (2,), dtype=np.float64), "float64"),
        ("randint(0, 300 in int8)", lambda: tg.randint(0, 300, (2,), dtype=np.int8), "int8"),
        ("randint(generator='a')", lambda: tg.randint(0, 5, (2,), generator="a"), "str"),
    ),
    *wrong("manual_seed", ("manual_seed",),
        ("manual_seed(-1)", lambda: tg.manual_seed(-1), "-1"),
        ("manual_seed(1.5)", lambda: tg.manual_seed(1.5), "float|1.5"),
        ("manual_seed(True)", lambda: tg.manual_seed(True), "bool"),
    ),
    # elementwise functions
    *wrong("unary.sin", ("sin",),
        ("sin('a')", lambda: tg.sin("a"), "str"),
        ("sin(complex array)", lambda: tg.sin(np.ones(2, complex)), "complex128"),
        ("sin(None)", lambda: tg.sin(None), "NoneType"),
    ),
    *wrong("unary.exp", ("exp",),
        ("exp(list)", lambda: tg.exp([1.0]), "list"),
    ),
    *wrong("unary.round", ("round",),
        ("round(decimals=1.5)", lambda: m().round(decimals=1.5), "float|1.5"),
        ("round(decimals='a')", lambda: m().round(decimals="a"), "str|'a'"),
        ("round(decimals=True)", lambda: m().round(decimals=True), "bool"),
        ("round(decimals=Value)", lambda: m().round(decimals=Value(1.0)), "Value"),
    ),
    *wrong("unary.clamp", ("clamp",),
        ("clamp()", lambda: m().clamp(), "min|max"),
        ("clamp('a')", lambda: m().clamp("a"), "str|'a'"),
        ("clamp(max=None)", lambda: tg.clamp(m(), max=[1.0]), "list"),
        ("clamp(complex array)", lambda: m().clamp(np.array([1j])), "complex"),
        ("clamp(Value of shape (4,))", lambda: m().clamp(Value(np.zeros(4))), "(4,)"),
        ("clamp(str)", lambda: tg.clamp("a", 0.0), "str"),
    ),
    *wrong("arithmetic.fmod", ("fmod",),
        ("fmod(v, 'a')", lambda: tg.fmod(m(), "a"), "str"),
        ("fmod(complex, v)", lambda: tg.fmod(np.array([1j]), m()), "complex"),
        ("fmod(shapes)", lambda: m().fmod(np.ones(4)), "(2, 3)"),
    ),
    *wrong("arithmetic.floor_divide", ("floor_divide",),
        ("floor_divide(shapes)", lambda: tg.floor_divide(m(), np.ones(4)), "(2, 3)"),
        ("floor_divide(None, v)", lambda: tg.floor_divide(None, m()), "NoneType"),
    ),
    *wrong("arithmetic.remainder", ("remainder", "%"),
        ("v % shape (4,)", lambda: m() % np.ones(4), "(2, 3)"),
    ),
    *wrong("arithmetic.lerp", ("lerp",),
        ("lerp(v, 'a', 0.5)", lambda: tg.lerp(m(), "a", 0.5), "str"),
        ("lerp(v, v, None)", lambda: tg.lerp(m(), m(), None), "NoneType"),
        ("lerp(v, v, complex)", lambda: m().lerp(m(), 1j), "complex"),
        ("lerp(shapes)", lambda: tg.lerp(m(), np.ones(4), 0.5), "(2, 3)&(4,)"),
    ),
    # normalization
    *wrong("normalization.layer_norm", ("layer_norm",),
        ("layer_norm(list)", lambda: tg.layer_norm([[1.0, 2.0, 3.0]], 3), "list"),
        ("layer_norm(v, 'a')", lambda: tg.layer_norm(m(), "a"), "normalized_shape&str"),
        ("layer_norm(v, True)", lambda: tg.layer_norm(m(), True), "normalized_shape&bool"),
        ("layer_norm(v, 3.0)", lambda: tg.layer_norm(m(), 3.0), "normalized_shape&float"),
        ("layer_norm(v, (4,))", lambda: tg.layer_norm(m(), (4,)), "(4,)&(2, 3)"),
        ("layer_norm(v, (1, 2, 3))", lambda: tg.layer_norm(m(), (1, 2, 3)), "(1, 2, 3)&(2, 3)"),
        ("layer_norm(weight='a')", lambda: tg.layer_norm(m(), 3, "a"), "weight&str"),
        ("layer_norm(weight shape)", lambda: tg.layer_norm(m(), 3, np.ones(2)), "weight&(2,)"),
        ("layer_norm(bias shape)", lambda: tg.layer_norm(m(), 3, None, np.ones(4)), "bias&(4,)"),
        ("layer_norm(weight float32)",
            lambda: tg.layer_norm(m(), 3, np.ones(3, np.float32)), "weight&float32"),
        ("layer_norm(eps='a')", lambda: tg.layer_norm(m(), 3, eps="a"), "eps&str"),
        ("layer_norm(eps=0)", lambda: tg.layer_norm(m(), 3, eps=0.0), "eps&0.0"),
        ("layer_norm(eps=-1)", lambda: tg.layer_norm(m(), 3, eps=-1.0), "eps&-1.0"),
        ("layer_norm(eps=nan)", lambda: tg.layer_norm(m(), 3, eps=nan), "eps&nan"),
    ),
    # -- issue 13: convolution (helper block) --
    *wrong("convolution.conv2d", ("conv2d",),
        ("conv2d(list)", lambda: tg.conv2d([[[[1.0]]]], POINT), "list"),
        ("conv2d(w='a')", lambda: tg.conv2d(IMAGE, "a"), "weight&str"),
        ("conv2d(channels)", lambda: tg.conv2d(np.ones((1, 3, 3, 3)), np.ones((16, 1, 3, 3))),
            "3 channels&(16, 1, 3, 3)"),
        ("conv2d(2-d input)", lambda: tg.conv2d(m(), POINT), "(2, 3)"),
        ("conv2d(kernel too big)", lambda: tg.conv2d(np.ones((1, 1, 2, 2)), IMAGE),
            "(3, 3)&(2, 2)"),
        ("conv2d(stride=0)", lambda: tg.conv2d(IMAGE, POINT, stride=0),
            "stride&0"),
        ("conv2d(stride=1.5)",
            lambda: tg.conv2d(IMAGE, POINT, stride=1.5), "stride&float"),
        ("conv2d(padding='full')",
            lambda: tg.conv2d(IMAGE, POINT, padding="full"),
            "padding&'full'"),
        ("conv2d(groups=True)",
            lambda: tg.conv2d(IMAGE, POINT, groups=True), "groups&bool"),
        ("conv2d(bias shape)",
            lambda: tg.conv2d(IMAGE, np.ones((2, 1, 1, 1)), np.ones(3)), "bias&(3,)"),
        ("conv2d(weight float32)",
            lambda: tg.conv2d(IMAGE, POINT.astype(np.float32)),
            "weight&float32"),
        ("conv2d(complex)", lambda: tg.conv2d(np.ones((1, 1, 3, 3), complex), POINT),
            "complex"),
    ),
    *wrong("convolution.conv1d", ("conv1d",),
        ("conv1d(4-d)", lambda: tg.conv1d(IMAGE, np.ones((1, 1, 1))), "(1, 1, 3, 3)"),
        ("conv1d(weight 4-d)", lambda: tg.conv1d(np.ones((1, 1, 3)), POINT),
            "weight&(1, 1, 1, 1)"),
        ("conv1d(stride pair)",
            lambda: tg.conv1d(np.ones((1, 1, 3)), np.ones((1, 1, 1)), stride=(1, 1)),
            "stride&(1, 1)"),
    ),
    *wrong("convolution.conv_transpose2d", ("conv_transpose2d",),
        ("conv_transpose2d(channels)",
            lambda: tg.conv_transpose2d(np.ones((1, 3, 3, 3)), IMAGE),
            "3 channels&(1, 1, 3, 3)"),
        ("conv_transpose2d(output_padding)",
            lambda: tg.conv_transpose2d(IMAGE, IMAGE, output_padding=1),
            "output_padding&(1, 1)"),
        ("conv_transpose2d(empty)",
            lambda: tg.conv_transpose2d(POINT, POINT, padding=1),
            "empty"),
    ),
    *wrong("convolution.conv_transpose1d", ("conv_transpose1d",),
        ("conv_transpose1d(2-d weight)",
            lambda: tg.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1))), "weight&(1, 1)"),
    ),
    *wrong("convolution.unfold", ("unfold",),
        ("unfold(2-d)", lambda: tg.unfold(m(), 1), "(2, 3)"),
        ("unfold(kernel 0)", lambda: tg.unfold(IMAGE, 0), "kernel_size&0"),
        ("unfold(kernel 'a')", lambda: tg.unfold(IMAGE, "a"), "kernel_size&str"),
        ("unfold(kernel too big)", lambda: tg.unfold(IMAGE, 4), "(4, 4)&(3, 3)"),
    ),
    *wrong("convolution.fold", ("fold",),
        ("fold(windows)", lambda: tg.fold(np.ones((1, 4, 5)), (3, 3), 2), "5&4 windows"),
        ("fold(rows)", lambda: tg.fold(np.ones((1, 5, 4)), (3, 3), 2), "(5)&kernel"),
        ("fold(1-d)", lambda: tg.fold(np.ones(4), (3, 3), 2), "(4,)"),
        ("fold(output_size)", lambda: tg.fold(np.ones((1, 4, 4)), "a", 2), "output_size&str"),
    ),
    # -- issue 13: pooling (helper block) --
    *wrong("pooling.max_pool2d", ("max_pool2d",),
        ("max_pool2d(list)", lambda: tg.max_pool2d([[[1.0]]], 1), "list"),
        ("max_pool2d(complex)", lambda: tg.max_pool2d(np.ones((1, 1, 2, 2), complex), 1),
            "complex"),
        ("max_pool2d(2-d)", lambda: tg.max_pool2d(m(), 1), "(2, 3)"),
        ("max_pool2d(no channels)", lambda: tg.max_pool2d(np.ones((1, 0, 2, 2)), 1),
            "(1, 0, 2, 2)"),
        ("max_pool2d(kernel 0)", lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 0), "kernel_size&0"),
        ("max_pool2d(kernel 'a')", lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), "a"),
            "kernel_size&str"),
        ("max_pool2d(kernel 2.0)", lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 2.0),
            "kernel_size&float"),
        ("max_pool2d(kernel True)", lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), True),
            "kernel_size&bool"),
        ("max_pool2d(kernel too big)", lambda: tg.max_pool2d(np.ones((1, 1, 2, 2)), 3),
            "(3, 3)&(2, 2)"),
        ("max_pool2d(padding 2 of 2)", lambda: tg.max_pool2d(np.ones((1, 1, 4, 4)), 2, padding=2),
            "padding&(2, 2)"),
        ("max_pool2d(stride 0)", lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 2, 0), "stride&0"),
        ("max_pool2d(dilation (1, 0))",
            lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 2, dilation=(1, 0)), "dilation&(1, 0)"),
        ("max_pool2d(ceil_mode 'yes')",
            lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 2, ceil_mode="yes"), "ceil_mode&str"),
        ("max_pool2d(return_indices None)",
            lambda: tg.max_pool2d(np.ones((1, 1, 3, 3)), 2, return_indices=None),
            "return_indices&None"),
    ),
    *wrong("pooling.avg_pool2d", ("avg_pool2d",),
        ("avg_pool2d(5-d)", lambda: tg.avg_pool2d(np.ones((1, 1, 1, 2, 2)), 1), "(1, 1, 1, 2, 2)"),
        ("avg_pool2d(kernel (2, 2, 2))", lambda: tg.avg_pool2d(np.ones((1, 1, 3, 3)), (2, 2, 2)),
            "kernel_size&(2, 2, 2)"),
        ("avg_pool2d(divisor_override 0)",
            lambda: tg.avg_pool2d(np.ones((1, 1, 3, 3)), 2, divisor_override=0),
            "divisor_override&0"),
        ("avg_pool2d(divisor_override 1.5)",
            lambda: tg.avg_pool2d(np.ones((1, 1, 3, 3)), 2, divisor_override=1.5),
            "divisor_override&float"),
        ("avg_pool2d(count_include_pad 'no')",
            lambda: tg.avg_pool2d(np.ones((1, 1, 3, 3)), 2, count_include_pad="no"),
            "count_include_pad&str"),
    ),
    *wrong("pooling.adaptive_avg_pool2d", ("adaptive_avg_pool2d",),
        ("adaptive_avg_pool2d(1-d)", lambda: tg.adaptive_avg_pool2d(np.ones(3), 1), "(3,)"),
        ("adaptive_avg_pool2d(-1)", lambda: tg.adaptive_avg_pool2d(np.ones((1, 2, 2)), -1),
            "output_size&-1"),
        ("adaptive_avg_pool2d('a')", lambda: tg.adaptive_avg_pool2d(np.ones((1, 2, 2)), "a"),
            "output_size&str"),
        ("adaptive_avg_pool2d((1, 2, 3))",
            lambda: tg.adaptive_avg_pool2d(np.ones((1, 2, 2)), (1, 2, 3)), "output_size&(1, 2, 3)"),
    ),
    *wrong("pooling.max_pool1d", ("max_pool1d",),
        ("max_pool1d(4-d)", lambda: tg.max_pool1d(np.ones((1, 1, 3, 3)), 1), "(1, 1, 3, 3)"),
        ("max_pool1d(kernel pair)", lambda: tg.max_pool1d(np.ones((1, 1, 3)), (1, 1)),
            "kernel_size&(1, 1)"),
        ("max_pool1d(kernel too big)", lambda: tg.max_pool1d(np.ones((1, 1, 3)), 4),
            "kernel_size 4&3"),
    ),
    *wrong("pooling.avg_pool1d", ("avg_pool1d",),
        ("avg_pool1d(str)", lambda: tg.avg_pool1d("abc", 1), "str"),
        ("avg_pool1d(padding 2 of 3)", lambda: tg.avg_pool1d(np.ones((1, 1, 5)), 3, padding=2),
            "padding 2"),
    ),
    *wrong("pooling.adaptive_avg_pool1d", ("adaptive_avg_pool1d",),
        ("adaptive_avg_pool1d(pair)", lambda: tg.adaptive_avg_pool1d(np.ones((1, 3)), (1, 1)),
            "output_size&(1, 1)"),
        ("adaptive_avg_pool1d(None)", lambda: tg.adaptive_avg_pool1d(np.ones((1, 3)), None),
            "output_size&None"),
    ),
    # -- issue 13: batch norm (helper block) --
    # -- issue 14: embedding (helper block) --
    *wrong("embedding.embedding", ("embedding",),
        ("embedding(float indices)", lambda: tg.embedding(np.array([0.0]), m()), "float64"),
        ("embedding(Value indices)", lambda: tg.embedding(m(), m()), "Value"),
        ("embedding(list indices)", lambda: tg.embedding([0], m()), "list"),
        ("embedding(index 2 of 2)", lambda: tg.embedding(np.array([2]), m()), "index 2&2",
            (IndexError,)),
        ("embedding(index -1)", lambda: tg.embedding(np.array([-1]), m()), "index -1",
            (IndexError,)),
        ("embedding(1-d weight)", lambda: tg.embedding(np.array([0]), np.ones(3)), "(3,)"),
        ("embedding(str weight)", lambda: tg.embedding(np.array([0]), "w"), "str"),
        ("embedding(padding_idx 2 of 2)", lambda: tg.embedding(np.array([0]), m(), 2),
            "padding_idx 2"),
        ("embedding(padding_idx 0.5)", lambda: tg.embedding(np.array([0]), m(), 0.5),
            "padding_idx&float"),
        ("embedding(sparse)", lambda: tg.embedding(np.array([0]), m(), sparse=True), "sparse"),
        ("embedding(max_norm str)", lambda: tg.embedding(np.array([0]), m(), max_norm="1"),
            "max_norm&str"),
        ("embedding(scale_grad_by_freq 1)",
            lambda: tg.embedding(np.array([0]), m(), scale_grad_by_freq=1),
            "scale_grad_by_freq&int"),
    ),
    # -- issue 14: attention (helper block) --
    *wrong("attention.attention_weights", ("attention_weights",),
        ("weights(1-d)", lambda: tg.attention_weights(np.ones(3), m()), "(3,)"),
        ("weights(E)", lambda: tg.attention_weights(m(), m().T), "(2, 3)&(3, 2)"),
        ("weights(dtypes)", lambda: tg.attention_weights(m(), m().astype(np.float32)),
            "float64&float32"),
        ("weights(str)", lambda: tg.attention_weights(m(), "k"), "str"),
        ("weights(mask shape)", lambda: tg.attention_weights(m(), m(), np.ones((3, 2), bool)),
            "attn_mask&(3, 2)"),
        ("weights(mask int)", lambda: tg.attention_weights(m(), m(), np.ones((2, 2), int)),
            "attn_mask&int64"),
        ("weights(is_causal 1)", lambda: tg.attention_weights(m(), m(), is_causal=1),
            "is_causal&int"),
        ("weights(scale nan)", lambda: tg.attention_weights(m(), m(), scale=nan), "scale&nan"),
    ),
    *wrong("attention.scaled_dot_product_attention", ("scaled_dot_product_attention",),
        ("sdpa(1-d)", lambda: tg.scaled_dot_product_attention(np.ones(3), m(), m()), "(3,)"),
        ("sdpa(E)", lambda: tg.scaled_dot_product_attention(m(), m().T, m()), "(2, 3)&(3, 2)"),
        ("sdpa(S)", lambda: tg.scaled_dot_product_attention(m(), m(), np.ones((3, 3))),
            "(2, 3)&(3, 3)"),
        ("sdpa(batch)",
            lambda: tg.scaled_dot_product_attention(np.ones((2, 2, 3)), np.ones((3, 2, 3)), m()),
            "(2, 2, 3)&(3, 2, 3)"),
        ("sdpa(dtypes)", lambda: tg.scaled_dot_product_attention(m(), m().astype(np.float32), m()),
            "float64&float32"),
        ("sdpa(str)", lambda: tg.scaled_dot_product_attention("q", m(), m()), "str"),
        ("sdpa(mask shape)",
            lambda: tg.scaled_dot_product_attention(m(), m(), m(), np.ones((3, 2), bool)),
            "attn_mask&(3, 2)"),
        ("sdpa(mask int)",
            lambda: tg.scaled_dot_product_attention(m(), m(), m(), np.ones((2, 2), int)),
            "attn_mask&int64"),
        ("sdpa(mask float64 for float32)",
            lambda: tg.scaled_dot_product_attention(
                *(m().astype(np.float32) for _ in range(3)), np.zeros((2, 2))
            ),
            "attn_mask&float64"),
        ("sdpa(mask list)", lambda: tg.scaled_dot_product_attention(m(), m(), m(), [[True]]),
            "attn_mask&list"),
        ("sdpa(mask and causal)",
            lambda: tg.scaled_dot_product_attention(
                m(), m(), m(), np.ones((2, 2), bool), is_causal=True
            ),
            "attn_mask&is_causal"),
        ("sdpa(is_causal 1)", lambda: tg.scaled_dot_product_attention(m(), m(), m(), is_causal=1),
            "is_causal&int"),
        ("sdpa(dropout_p 1.5)", lambda: tg.scaled_dot_product_attention(m(), m(), m(), None, 1.5),
            "dropout_p&1.5"),
        ("sdpa(dropout_p -0.5)",
            lambda: tg.scaled_dot_product_attention(m(), m(), m(), None, -0.5), "dropout_p&-0.5"),
        ("sdpa(dropout_p None)",
            lambda: tg.scaled_dot_product_attention(m(), m(), m(), None, None), "dropout_p&None"),
        ("sdpa(scale 'a')", lambda: tg.scaled_dot_product_attention(m(), m(), m(), scale="a"),
            "scale&str"),
        ("sdpa(scale nan)", lambda: tg.scaled_dot_product_attention(m(), m(), m(), scale=nan),
            "scale&nan"),
        ("sdpa(generator 0)",
            lambda: tg.scaled_dot_product_attention(m(), m(), m(), None, 0.5, generator=0),
            "generator&int"),
    ),
    # -- issue 14: recurrent (helper block) --
    *wrong("normalization.batch_norm", ("batch_norm",),
        ("batch_norm(list)", lambda: tg.batch_norm([[1.0, 2.0, 3.0]], None, None, training=True),
            "list"),
        ("batch_norm(1-d)", lambda: tg.batch_norm(np.ones(3), None, None, training=True), "(3,)"),
        ("batch_norm(running_mean shape)",
            lambda: tg.batch_norm(m(), np.zeros(4), np.ones(4)), "running_mean&(4,)&(2, 3)"),
        ("batch_norm(running_var float32)",
            lambda: tg.batch_norm(m(), np.zeros(3), np.ones(3, np.float32)),
            "running_var&float32"),
        ("batch_norm(running_mean Value)",
            lambda: tg.batch_norm(m(), Value(np.zeros(3)), np.ones(3)), "running_mean&Value"),
        ("batch_norm(running_var 'a')",
            lambda: tg.batch_norm(m(), np.zeros(3), "a"), "running_var&str"),
        ("batch_norm(one running statistic)",
            lambda: tg.batch_norm(m(), np.zeros(3), None, training=True), "running_var"),
        ("batch_norm(eval without running statistics)",
            lambda: tg.batch_norm(m(), None, None), "running_mean"),
        ("batch_norm(one value per channel)",
            lambda: tg.batch_norm(m()[:1], None, None, training=True), "(1, 3)"),
        ("batch_norm(weight shape)",
            lambda: tg.batch_norm(m(), None, None, np.ones(2), training=True), "weight&(2,)"),
        ("batch_norm(bias float32)",
            lambda: tg.batch_norm(m(), None, None, None, np.ones(3, np.float32), training=True),
            "bias&float32"),
        ("batch_norm(weight 'a')",
            lambda: tg.batch_norm(m(), None, None, "a", training=True), "weight&str"),
        ("batch_norm(training='yes')",
            lambda: tg.batch_norm(m(), None, None, training="yes"), "training&str"),
        ("batch_norm(momentum='a')",
            lambda: tg.batch_norm(m(), None, None, training=True, momentum="a"), "momentum&str"),
        ("batch_norm(momentum=None)",
            lambda: tg.batch_norm(m(), None, None, training=True, momentum=None),
            "momentum&None"),
        ("batch_norm(eps=0, training)",
            lambda: tg.batch_norm(m(), None, None, training=True, eps=0.0), "eps&0.0"),
        ("batch_norm(eps=-1)",
            lambda: tg.batch_norm(m(), np.zeros(3), np.ones(3), eps=-1.0), "eps&-1.0"),
        ("batch_norm(eps=nan)",
            lambda: tg.batch_norm(m(), None, None, training=True, eps=nan), "eps&nan"),
    ),
    *wrong("normalization.group_norm", ("group_norm",),
        ("group_norm(list)", lambda: tg.group_norm([[1.0, 2.0, 3.0]], 1), "list"),
        ("group_norm(1-d)", lambda: tg.group_norm(np.ones(3), 1), "(3,)"),
        ("group_norm(v, 2)", lambda: tg.group_norm(m(), 2), "num_groups=2&(2, 3)"),
        ("group_norm(v, 0)", lambda: tg.group_norm(m(), 0), "num_groups&0"),
        ("group_norm(v, 'a')", lambda: tg.group_norm(m(), "a"), "num_groups&str"),
        ("group_norm(v, True)", lambda: tg.group_norm(m(), True), "num_groups&bool"),
        ("group_norm(v, 1.0)", lambda: tg.group_norm(m(), 1.0), "num_groups&float"),
        ("group_norm(one value per group)", lambda: tg.group_norm(m()[:1], 3), "(1, 3)"),
        ("group_norm(weight shape)", lambda: tg.group_norm(m(), 1, np.ones(2)), "weight&(2,)"),
        ("group_norm(bias float32)",
            lambda: tg.group_norm(m(), 1, None, np.ones(3, np.float32)), "bias&float32"),
        ("group_norm(weight 'a')", lambda: tg.group_norm(m(), 1, "a"), "weight&str"),
        ("group_norm(eps=0)", lambda: tg.group_norm(m(), 1, eps=0.0), "eps&0.0"),
        ("group_norm(eps='a')", lambda: tg.group_norm(m(), 1, eps="a"), "eps&str"),
    ),
    # activations
    *wrong("activation.leaky_relu", ("leaky_relu",),
        ("leaky_relu('a')", lambda: tg.leaky_relu("a"), "str"),
        ("leaky_relu(v, 'a')", lambda: tg.leaky_relu(m(), "a"), "negative_slope&str"),
        ("leaky_relu(v, True)", lambda: tg.leaky_relu(m(), True), "negative_slope&bool"),
        ("leaky_relu(v, None)", lambda: tg.leaky_relu(m(), None), "negative_slope&None"),
        ("leaky_relu(v, Value)", lambda: tg.leaky_relu(m(), Value(0.1)), "negative_slope&Value"),
        ("leaky_relu(v, nan)", lambda: tg.leaky_relu(m(), nan), "negative_slope&nan"),
        ("leaky_relu(v, array)", lambda: tg.leaky_relu(m(), np.ones(2)), "negative_slope&ndarray"),
    ),
    *wrong("activation.gelu", ("gelu",),
        ("gelu(None)", lambda: tg.gelu(None), "NoneType"),
        ("gelu(str array)", lambda: tg.gelu(np.array(["a"])), "<U1|str"),
        ("gelu(approximate='erf')", lambda: tg.gelu(m(), approximate="erf"), "approximate&'erf'"),
        ("gelu(approximate=True)", lambda: tg.gelu(m(), approximate=True), "approximate&bool"),
    ),
    *wrong("activation.elu", ("elu",),
        ("elu(complex)", lambda: tg.elu(np.array([1j])), "complex"),
        ("elu(v, 'a')", lambda: tg.elu(m(), "a"), "alpha&str"),
        ("elu(v, 1j)", lambda: tg.elu(m(), 1j), "alpha&complex"),
    ),
    *wrong("activation.softplus", ("softplus",),
        ("softplus([1.0])", lambda: tg.softplus([1.0]), "list"),
        ("softplus(v, 'a')", lambda: tg.softplus(m(), "a"), "beta&str"),
        ("softplus(v, 1, None)", lambda: tg.softplus(m(), 1.0, None), "threshold&None"),
        ("softplus(v, nan)", lambda: tg.softplus(m(), nan), "beta&nan"),
    ),
    *wrong("activation.hardtanh", ("hardtanh",),
        ("hardtanh(v, 'a')", lambda: tg.hardtanh(m(), "a"), "min_val&str"),
        ("hardtanh(v, 0, [1])", lambda: tg.hardtanh(m(), 0.0, [1.0]), "max_val&list"),
        ("hardtanh(v, 2, 1)", lambda: tg.hardtanh(m(), 2.0, 1.0), "min_val&max_val"),
        ("hardtanh(v, nan)", lambda: tg.hardtanh(m(), nan), "min_val&nan"),
    ),
    *wrong("activation.relu6", ("relu6",), ("relu6('a')", lambda: tg.relu6("a"), "str")),
    *wrong("activation.selu", ("selu",), ("selu(None)", lambda: tg.selu(None), "NoneType")),
    *wrong("activation.silu", ("silu",), ("silu({})", lambda: tg.silu({}), "dict")),
    *wrong("activation.mish", ("mish",), ("mish(1j)", lambda: tg.mish(1j), "complex")),
    # PyTorch's inplace=: False is accepted, True refused (tensorgrad.axes.refuse_inplace)
    *wrong("unary.relu", ("relu",),
        ("relu(inplace=True)", lambda: tg.relu(m(), inplace=True), "inplace=True"),
    ),
    *wrong("activation.leaky_relu", ("leaky_relu",),
        ("leaky_relu(inplace=True)", lambda: tg.leaky_relu(m(), 0.2, inplace=True), "inplace=True"),
    ),
    *wrong("activation.elu", ("elu",),
        ("elu(inplace=True)", lambda: tg.elu(m(), 1.0, True), "inplace=True"),
    ),
    *wrong("activation.selu", ("selu",),
        ("selu(inplace=True)", lambda: tg.selu(m(), inplace=True), "inplace=True"),
    ),
    *wrong("activation.silu", ("silu",),
        ("silu(inplace=True)", lambda: tg.silu(m(), inplace=True), "inplace=True"),
    ),
    *wrong("activation.hardtanh", ("hardtanh",),
        ("hardtanh(inplace=True)", lambda: tg.hardtanh(m(), -1.0, 1.0, True), "inplace=True"),
    ),
    *wrong("activation.relu6", ("relu6",),
        ("relu6(inplace=True)", lambda: tg.relu6(m(), inplace=True), "inplace=True"),
    ),
    *wrong("activation.mish", ("mish",),
        ("mish(inplace=True)", lambda: tg.mish(m(), inplace=True), "inplace=True"),
    ),
    *wrong("unary.relu", ("relu",),
        ("relu(inplace='yes')", lambda: tg.relu(m(), inplace="yes"), "inplace&str"),
        ("relu(inplace=0)", lambda: tg.relu(m(), inplace=0), "inplace&int"),
    ),
    *wrong("activation.logsigmoid", ("logsigmoid",),
        ("logsigmoid('a')", lambda: tg.logsigmoid("a"), "str"),
    ),
    *wrong("activation.softsign", ("softsign",),
        ("softsign(object array)", lambda: tg.softsign(np.array([1.0, None])), "object"),
    ),
    # reductions and statistics
    *wrong("reduce.var", ("var",),
        ("var(correction and unbiased)",
            lambda: m().var(correction=1, unbiased=True), "correction=1&unbiased=True"),
        ("var(ddof and correction)", lambda: m().var(ddof=0, correction=1), "ddof=0"),
        ("var(correction='a')", lambda: m().var(correction="a"), "str|'a'"),
        ("var(correction=True)", lambda: m().var(correction=True), "bool|True"),
        ("var(correction=inf)", lambda: m().var(correction=math.inf), "inf"),
        ("var(unbiased='yes')", lambda: m().var(unbiased="yes"), "str|'yes'"),
        ("var(0, True)", lambda: m().var(0, True), "positional|argument"),
        ("var(True)", lambda: m().var(True), "bool|True"),
        ("var(list)", lambda: tg.var([1.0, 2.0]), "list"),
        ("var(axis=0, dim=1)", lambda: m().var(0, dim=1), "axis=0"),
    ),
    *wrong("reduce.std", ("std",),
        ("std(ddof=None, unbiased=1)", lambda: m().std(unbiased=1), "int|1"),
        ("std('a')", lambda: tg.std("a"), "str"),
    ),
    *wrong("reduce.norm", ("norm",),
        ("norm('nuc')", lambda: m().norm("nuc"), "'nuc'"),
        ("norm(None)", lambda: m().norm(None), "NoneType|None"),
        ("norm(True)", lambda: m().norm(True), "bool|True"),
        ("norm(nan)", lambda: m().norm(math.nan), "nan"),
        ("norm(inf) of nothing", lambda: Value(np.ones((0, 2))).norm(math.inf, 0), "(0, 2)"),
        ("norm(-1) of nothing", lambda: Value(np.ones(0)).norm(-1), "(0,)"),
    ),
    *wrong("reduce.prod", ("prod",),
        ("prod(list)", lambda: tg.prod([1.0, 2.0]), "list"),
        ("prod(axis=0, dim=0)", lambda: m().prod(1, dim=0), "axis=1"),
    ),
    *wrong("reduce.cumsum", ("cumsum",),
        ("cumsum(axis=0, dim=1)", lambda: m().cumsum(0, dim=1), "axis=0"),
        ("cumsum(str)", lambda: tg.cumsum("2", 0), "str"),
    ),
    *wrong("reduce.amax", ("amax",),
        ("amax of nothing", lambda: Value(np.ones((2, 0))).amax(), "(2, 0)"),
    ),
    *wrong("reduce.argmin", ("argmin",),
        ("argmin of nothing", lambda: Value(np.ones(0)).argmin(), "(0,)"),
    ),
    *wrong("reduce.all", ("all",),
        ("all('a')", lambda: tg.all("a"), "str"),
        ("all(complex array)", lambda: tg.all(np.array([1j])), "complex"),
    ),
    *wrong("reduce.max(dim=)", ("max", "min"),
        ("max(dim=(0, 1))", lambda: m().max(dim=(0, 1)), "tuple|(0, 1)"),
        ("max(dim='a')", lambda: m().max(dim="a"), "str|'a'"),
        ("max(dim=5)", lambda: m().max(dim=5), "5", AXIS_ERRORS),
        ("max(axis=0, dim=1)", lambda: m().max(axis=0, dim=1), "axis=0"),
        ("max((0, 1))", lambda: m().max((0, 1)), "tuple|(0, 1)"),
        ("min(dim=0, keepdim='yes')", lambda: m().min(dim=0, keepdim="yes"), "str|'yes'"),
        ("min(dim=1) of nothing", lambda: Value(np.ones((2, 0))).min(dim=1), "(2, 0)"),
    ),
    # gathers, scatters and masks
    *wrong("index.gather", ("gather",),
        ("gather('a', 0, index)", lambda: tg.gather("a", 0, [0]), "str"),
        ("gather(dim='a')", lambda: m().gather("a", [[0]]), "str|'a'"),
        ("gather(dim=2)", lambda: m().gather(2, [[0]]), "2", AXIS_ERRORS),
        ("gather(index='a')", lambda: m().gather(1, "a"), "str|'a'"),
        ("gather(float index)", lambda: m().gather(1, [[0.5]]), "float64"),
        ("gather(bool index)", lambda: m().gather(1, np.array([[True]])), "bool"),
        ("gather(Value index)", lambda: m().gather(1, Value([[0.0]])), "Value"),
        ("gather(ragged index)", lambda: m().gather(1, [[0, 1], [0]]), "ragged"),
        ("gather(1-D index)", lambda: m().gather(1, [0, 1]), "(2,)"),
        ("gather(index longer)", lambda: m().gather(1, [[0]] * 3), "(3, 1)"),
        ("gather(index 3)", lambda: m().gather(1, [[3]]), "index 3&size 3", IndexError),
        ("gather(index -1)", lambda: m().gather(1, [[-1]]), "index -1", IndexError),
    ),
    *wrong("index.take_along_axis", ("take_along_axis",),
        ("take_along_axis(float)", lambda: tg.take_along_axis(m(), [[0.5]], 1), "float64"),
        ("take_along_axis(1-D)", lambda: tg.take_along_axis(m(), [0], 1), "(1,)"),
        ("take_along_axis(shapes)",
            lambda: tg.take_along_axis(m(), np.zeros((3, 1), int), 1), "(3, 1)"),
        ("take_along_axis(3)", lambda: tg.take_along_axis(m(), [[3]], 1), "index 3", IndexError),
        ("take_along_axis(-4)", lambda: tg.take_along_axis(m(), [[-4]], 1), "-4", IndexError),
        ("take_along_axis(None, 2-D)", lambda: tg.take_along_axis(m(), [[0]], None), "(1, 1)"),
        ("take_along_axis(axis=1.5)", lambda: tg.take_along_axis(m(), [[0]], 1.5), "float|1.5"),
    ),
    *wrong("index.index_select", ("index_select",),
        ("index_select(2-D)", lambda: m().index_select(0, [[0]]), "(1, 1)", IndexError),
        ("index_select(2)", lambda: m().index_select(0, [2]), "index 2", IndexError),
        ("index_select(-1)", lambda: m().index_select(0, [-1]), "index -1", IndexError),
        ("index_select(float)", lambda: m().index_select(0, [0.0]), "float64"),
        ("index_select(dim=5)", lambda: m().index_select(5, [0]), "5", AXIS_ERRORS),
        ("index_select(0-d, 2)", lambda: Value(1.0).index_select(0, [0, 0]), "0-d", IndexError),
    ),
    *wrong("index.scatter_add", ("scatter_add",),
        ("scatter_add(src=1.0)", lambda: m().scatter_add(0, [[0]], 1.0), "float"),
        ("scatter_add(src='a')", lambda: m().scatter_add(0, [[0]], "a"), "str"),
        ("scatter_add(float32 src)",
            lambda: m().scatter_add(0, [[0]], np.ones((1, 1), F32)), "float32"),
        ("scatter_add(index longer)",
            lambda: m().scatter_add(0, [[0, 0]], np.ones((1, 1))), "(1, 2)"),
        ("scatter_add(index 2)",
            lambda: m().scatter_add(0, [[2]], np.ones((1, 1))), "index 2", IndexError),
        ("scatter_add(1-D index)", lambda: m().scatter_add(0, [0], np.ones((1, 1))), "(1,)"),
        ("scatter_add(1-D src)", lambda: m().scatter_add(0, [[0]], np.ones(1)), "(1,)"),
    ),
    *wrong("index.scatter", ("scatter",),
        ("scatter(1e300 in float32)",
            lambda: Value(np.ones((2, 3), F32)).scatter(0, [[0]], 1e300), "1e+300&float32"),
        ("scatter(src=None)", lambda: m().scatter(0, [[0]], None), "NoneType"),
        ("scatter(index -1)", lambda: m().scatter(0, [[-1]], 1.0), "index -1", IndexError),
    ),
    *wrong("index.masked_fill", ("masked_fill",),
        ("masked_fill(float mask)", lambda: m().masked_fill([1.0, 0.0, 1.0], 0.0), "float64"),
        ("masked_fill(Value mask)", lambda: m().masked_fill(Value([1.0]), 0.0), "Value"),
        ("masked_fill(mask shape)", lambda: m().masked_fill(np.ones(4, bool), 0.0), "(4,)"),
        ("masked_fill(value of shape (2,))",
            lambda: m().masked_fill(np.ones(3, bool), Value([1.0, 2.0])), "(2,)"),
        ("masked_fill(value='a')", lambda: m().masked_fill(np.ones(3, bool), "a"), "str"),
        ("masked_fill(value=array)",
            lambda: m().masked_fill(np.ones(3, bool), np.ones(3)), "ndarray"),
        ("masked_fill(1e300 in float32)",
            lambda: Value(np.ones(3, F32)).masked_fill(np.ones(3, bool), 1e300), "1e+300"),
    ),
    *wrong("select.tril", ("tril",),
        ("tril(1-D)", lambda: Value([1.0, 2.0]).tril(), "(2,)"),
        ("tril(diagonal=1.5)", lambda: m().tril(1.5), "float|1.5"),
        ("tril(diagonal=True)", lambda: m().tril(True), "bool"),
        ("tril('a')", lambda: tg.tril("a"), "str"),
    ),
    *wrong("select.triu", ("triu",),
        ("triu(0-d)", lambda: Value(1.0).triu(), "()"),
        ("triu(diagonal='a')", lambda: m().triu("a"), "str|'a'"),
    ),
    *wrong("select.where", ("where",),
        ("where(c, v)", lambda: tg.where(np.ones(3, bool), m()), "a and b|both"),
        ("where('a')", lambda: tg.where("a"), "<U1|str"),
        ("where(None)", lambda: tg.where(None), "None|object"),
    ),
    # building, splitting, outer and einsum
    *wrong("shape.pad", ("pad",),
        ("pad(list)", lambda: tg.ops.shape.pad([1.0], (1, 1)), "list"),
        ("pad('a')", lambda: tg.ops.shape.pad(m(), "a"), "str|'a'"),
        ("pad((1.5, 1))", lambda: tg.ops.shape.pad(m(), (1.5, 1)), "float|1.5"),
        ("pad((1,))", lambda: tg.ops.shape.pad(m(), (1,)), "(1,)|even"),
        ("pad(6 sizes)", lambda: tg.ops.shape.pad(m(), (1,) * 6), "(2, 3)"),
        ("pad(mode='wrap')", lambda: tg.ops.shape.pad(m(), (1, 1), "wrap"), "'wrap'"),
        ("pad(mode=None)", lambda: tg.ops.shape.pad(m(), (1, 1), None), "None"),
        ("pad(value='a')", lambda: tg.ops.shape.pad(m(), (1, 1), value="a"), "str|'a'"),
        ("pad(value=Value)", lambda: tg.ops.shape.pad(m(), (1, 1), value=Value(1.0)), "Value"),
        ("pad(reflect, value=1)", lambda: tg.ops.shape.pad(m(), (1, 1), "reflect", 1.0), "1.0"),
        ("pad(reflect 3 of 3)", lambda: tg.ops.shape.pad(m(), (3, 0), "reflect"), "(3, 0)"),
        ("pad(circular 4 of 3)", lambda: tg.ops.shape.pad(m(), (0, 4), "circular"), "(0, 4)"),
        ("pad(crop 4 of 3)", lambda: tg.ops.shape.pad(m(), (-2, -2)), "(-2, -2)"),
    ),
    *wrong("shape.flip", ("flip",),
        ("flip('a')", lambda: tg.flip(m(), "a"), "str|'a'"),
        ("flip(None)", lambda: tg.flip(m(), None), "None|dims"),
        ("flip(1.5)", lambda: tg.flip(m(), 1.5), "float|1.5"),
        ("flip((0, 0))", lambda: tg.flip(m(), (0, 0)), "repeated|(0, 0)"),
        ("flip(5)", lambda: tg.flip(m(), 5), "5", AXIS_ERRORS),
        ("flip(list)", lambda: tg.flip([1.0], 0), "list"),
    ),
    *wrong("shape.roll", ("roll",),
        ("roll('a')", lambda: m().roll("a"), "str|'a'"),
        ("roll(1.5)", lambda: m().roll(1.5), "float|1.5"),
        ("roll((1, 1))", lambda: m().roll((1, 1)), "(1, 1)"),
        ("roll(1, (0, 1))", lambda: m().roll(1, (0, 1)), "(0, 1)"),
        ("roll(1, 'a')", lambda: m().roll(1, "a"), "str|'a'"),
        ("roll(1, 5)", lambda: m().roll(1, 5), "5", AXIS_ERRORS),
    ),
    *wrong("shape.repeat", ("repeat",),
        ("repeat(2)", lambda: m().repeat(2), "(2,)"),
        ("repeat('a', 1)", lambda: m().repeat("a", 1), "str|'a'"),
        ("repeat(2, -1)", lambda: m().repeat(2, -1), "-1"),
        ("repeat(2.0, 1)", lambda: m().repeat(2.0, 1), "float|2.0"),
    ),
    *wrong("shape.tile", ("tile",),
        ("tile('a')", lambda: tg.tile(m(), "a"), "str|'a'"),
        ("tile(-1)", lambda: tg.tile(m(), -1), "-1"),
        ("tile(None)", lambda: tg.tile(m(), None), "None"),
    ),
    *wrong("shape.repeat_interleave", ("repeat_interleave",),
        ("repeat_interleave('a')", lambda: m().repeat_interleave("a"), "str|'a'"),
        ("repeat_interleave(-1)", lambda: m().repeat_interleave(-1), "-1"),
        ("repeat_interleave(1.5)", lambda: m().repeat_interleave(1.5), "float|1.5"),
        ("repeat_interleave([1.0])", lambda: m().repeat_interleave([1.0]), "float64"),
        ("repeat_interleave(3 counts, dim=0)",
         lambda: m().repeat_interleave([1, 2, 3], 0), "3 counts|(2, 3)"),
        ("repeat_interleave(2, dim=5)", lambda: m().repeat_interleave(2, 5), "5", AXIS_ERRORS),
        ("repeat_interleave(Value)", lambda: m().repeat_interleave(Value(2.0)), "Value"),
    ),
    *wrong("shape.split", ("split",),
        ("split('a')", lambda: m().split("a"), "str|'a'"),
        ("split(0)", lambda: m().split(0), "0"),
        ("split([1, 2])", lambda: m().split([1, 2]), "[1, 2]"),
        ("split([1.0, 1])", lambda: m().split([1.0, 1]), "float|1.0"),
        ("split(1, dim=5)", lambda: m().split(1, 5), "5", AXIS_ERRORS),
        ("split(0-d)", lambda: Value(1.0).split(1), "0-d"),
    ),
    *wrong("shape.chunk", ("chunk",),
        ("chunk(0)", lambda: m().chunk(0), "0"),
        ("chunk('a')", lambda: m().chunk("a"), "str|'a'"),
        ("chunk(2, dim=(0,))", lambda: m().chunk(2, (0,)), "tuple|(0,)"),
    ),
    *wrong("shape.unbind", ("unbind",),
        ("unbind('a')", lambda: m().unbind("a"), "str|'a'"),
        ("unbind(5)", lambda: m().unbind(5), "5", AXIS_ERRORS),
        ("unbind(0-d)", lambda: Value(1.0).unbind(), "0-d"),
    ),
    *wrong("linalg.outer", ("outer",),
        ("outer(2-D)", lambda: tg.outer(m(), m()), "(2, 3)"),
        ("outer(v, 'a')", lambda: tg.outer(Value([1.0]), "a"), "str"),
        ("outer(v, 2.0)", lambda: Value([1.0]).outer(2.0), "float"),
        ("outer(v, complex)", lambda: tg.outer(Value([1.0]), np.array([1j])), "complex"),
    ),
    *wrong("linalg.einsum", ("einsum",),
        ("einsum(5, v)", lambda: tg.einsum(5, m()), "int"),
        ("einsum('ij', v, v)", lambda: tg.einsum("ij", m(), m()), "1 operand|2 were given"),
        ("einsum('i', v)", lambda: tg.einsum("i", m()), "(2, 3)"),
        ("einsum('ij,jk')", lambda: tg.einsum("ij,jk", m(), m()), "'j'&(2, 3)"),
        ("einsum('i#')", lambda: tg.einsum("i#", m()), "'i#'"),
        ("einsum('ij->k')", lambda: tg.einsum("ij->k", m()), "'k'"),
        ("einsum(v, 'a')", lambda: tg.einsum("ij,j", m(), "a"), "str"),
        ("einsum(float32, float64)",
         lambda: tg.einsum("ij,ij", m(), np.ones((2, 3), np.float32)), "float32&float64"),
        ("einsum(int array)", lambda: tg.einsum("ij,ij", m(), np.ones((2, 3), int)), "int64"),
        ("einsum(complex)", lambda: tg.einsum("i", np.array([1j])), "complex"),
        ("einsum()", lambda: tg.einsum("i"), "no operands"),
    ),
]
# fmt: on


@pytest.mark.parametrize("case", BAD, ids=[case.label for case in BAD])
def test_wrong_arguments_are_refused_clearly(case: Bad) -> None:
    refuses(case.call, case.names, case.mentions, case.kinds)


# -- operators with operands of foreign types --------------------------------------------------

OPERATORS: dict[str, tuple[str, str, Callable[[Any, Any], Any]]] = {
    # dunder -> (op key, symbol, the operation on a Value v and a foreign operand o)
    "__add__": ("arithmetic.add", "+", lambda v, o: v + o),
    "__radd__": ("arithmetic.add", "+", lambda v, o: o + v),
    "__sub__": ("arithmetic.sub", "-", lambda v, o: v - o),
    "__rsub__": ("arithmetic.sub", "-", lambda v, o: o - v),
    "__mul__": ("arithmetic.mul", "*", lambda v, o: v * o),
    "__rmul__": ("arithmetic.mul", "*", lambda v, o: o * v),
    "__truediv__": ("arithmetic.div", "/", lambda v, o: v / o),
    "__rtruediv__": ("arithmetic.div", "/", lambda v, o: o / v),
    "__pow__": ("arithmetic.pow", "**", lambda v, o: v**o),
    "__rpow__": ("arithmetic.pow", "**", lambda v, o: o**v),
    "__floordiv__": ("arithmetic.floor_divide", "//", lambda v, o: v // o),
    "__rfloordiv__": ("arithmetic.floor_divide", "//", lambda v, o: o // v),
    "__mod__": ("arithmetic.remainder", "%", lambda v, o: v % o),
    "__rmod__": ("arithmetic.remainder", "%", lambda v, o: o % v),
    "__matmul__": ("linalg.matmul", "@", lambda v, o: v @ o),
    "__rmatmul__": ("linalg.matmul", "@", lambda v, o: o @ v),
    "__lt__": ("select.compare", "<", lambda v, o: v < o),
    "__le__": ("select.compare", "<=", lambda v, o: v <= o),
    "__gt__": ("select.compare", ">", lambda v, o: v > o),
    "__ge__": ("select.compare", ">=", lambda v, o: v >= o),
    "__eq__": ("select.compare", "==", lambda v, o: v == o),
    "__ne__": ("select.compare", "!=", lambda v, o: v != o),
}

FOREIGN = {
    # operand -> what a message about it mentions; sequences only on the right (on the left,
    # str and list answer + and * themselves, with Python's messages)
    "str": ("a", ("str",)),
    "list of str": (["a"], ("list",)),
    "None": (None, ("NoneType",)),
    "dict": ({"a": 1}, ("dict",)),
    "complex": (1j, ("complex",)),
    "complex array": (np.array([1j, 2j, 3j]), ("complex",)),
    "str array": (np.array(["a", "b", "c"]), ("<U1", "str")),
    "object array": (np.array([1.0, None, 2.0]), ("object",)),
}


class Declines:
    """A class whose operators all decline (return NotImplemented), named Value: what Python
    itself says about an operation it cannot do is what it says about this class."""

    __array_ufunc__ = None  # numpy declines too, rather than making an object array

    def _declines(self, other: Any) -> Any:
        return NotImplemented


for _dunder in OPERATORS:
    setattr(Declines, _dunder, Declines._declines)
Declines.__name__ = Declines.__qualname__ = "Value"


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """``("error", message)`` or ``("result", value)``, for comparing two calls."""
    try:
        return "result", call()
    except TypeError as error:
        return "error", str(error)


@pytest.mark.parametrize("foreign", FOREIGN)
@pytest.mark.parametrize("dunder", OPERATORS)
def test_operators_refuse_foreign_operands_as_python_does(dunder: str, foreign: str) -> None:
    """Either Python's own answer, as for any class whose operators decline a type (so that
    the other operand may answer: PyTorch says ``unsupported operand type(s) for +: 'Tensor'
    and 'str'``; ``==`` is False), or a clear TypeError naming the op and the type."""
    key, symbol, call = OPERATORS[dunder]
    other, mentions = FOREIGN[foreign]
    if dunder.startswith("__r") and isinstance(other, (str, list)):
        return  # str and list own + and *, and their messages
    with strict():
        python = outcome(lambda: call(Declines(), other))
        try:
            ours = outcome(lambda: call(m(), other))
        except Exception as error:
            pytest.fail(f"a raw {type(error).__name__}: {error}")
    if ours[0] == "result" and python[0] == "result":
        assert np.array_equal(ours[1], python[1]), f"{ours[1]!r}, where Python says {python[1]!r}"
        return
    if ours == python:
        return
    assert ours[0] == "error", f"returned {ours[1]!r}, where Python says {python[1]!r}"
    names = (key.split(".")[1], symbol)
    problem = unclear(TypeError(ours[1]), names, mentions, TypeError)
    assert problem is None, f"{problem} (Python would say {python[1]!r})"


# -- 0-d Values: PyTorch takes dim 0 and -1 ----------------------------------------------------

ZERO_D: dict[str, tuple[Callable[[Value, int], Any], float, float | None]] = {
    # op key -> (the call with an axis, its value at Value(2.0), its gradient there)
    "reduce.sum": (lambda v, axis: v.sum(axis), 2.0, 1.0),
    "reduce.mean": (lambda v, axis: v.mean(axis), 2.0, 1.0),
    "reduce.max": (lambda v, axis: v.max(axis=axis), 2.0, 1.0),
    "reduce.min": (lambda v, axis: v.min(axis=axis), 2.0, 1.0),
    "reduce.max(dim=)": (lambda v, axis: v.max(axis).values, 2.0, 1.0),
    "reduce.sum keepdims": (lambda v, axis: v.sum(axis, keepdims=True), 2.0, 1.0),
    "reduce.max keepdims": (lambda v, axis: v.max(axis=axis, keepdims=True), 2.0, 1.0),
    "softmax.logsumexp": (lambda v, axis: tg.logsumexp(v, axis), 2.0, 1.0),
    "softmax.logsumexp keepdims": (
        lambda v, axis: tg.logsumexp(v, axis, keepdims=True),
        2.0,
        1.0,
    ),
    "softmax.softmax": (lambda v, axis: tg.softmax(v, axis), 1.0, 0.0),
    "softmax.log_softmax": (lambda v, axis: tg.log_softmax(v, axis), 0.0, 0.0),
    "reduce.argmax": (lambda v, axis: v.argmax(axis), 0, None),
    "shape.squeeze": (lambda v, axis: v.squeeze(axis), 2.0, 1.0),
    "shape.swapaxes": (lambda v, axis: v.swapaxes(axis, axis), 2.0, 1.0),
    "shape.transpose": (lambda v, axis: v.transpose(axis, 0), 2.0, 1.0),  # two axes: a swap
}


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("key", ZERO_D)
def test_dim_0_and_minus_1_of_a_0d_value_work_as_in_pytorch(key: str, axis: int) -> None:
    call, value, gradient = ZERO_D[key]
    for dtype in FLOATS:
        v = Value(np.array(2.0, dtype))
        with strict():
            out = call(v, axis)
            assert np.shape(out) == (), f"{key} of a 0-d Value has shape {np.shape(out)}"
            if gradient is None:
                assert out == value
                continue
            assert out.item() == pytest.approx(value)
            assert out.dtype == dtype
            out.backward()
        assert v.grad.item() == pytest.approx(gradient)
        assert v.grad.dtype == dtype


# -- clip with a Value as a bound --------------------------------------------------------------


@pytest.mark.parametrize("side", ["lo", "hi"])
def test_clip_takes_a_value_bound_with_its_gradient_or_refuses_it(side: str) -> None:
    """PyTorch's clamp takes tensor bounds and differentiates them; refusing is right too."""
    x = Value([-1.0, 0.5, 2.0])
    bound = Value(0.0 if side == "lo" else 1.0)
    bounds = (bound, None) if side == "lo" else (None, bound)
    out = clear_or_result(lambda: x.clip(*bounds), ("clip",), ("Value",))
    if out is None:
        return
    with strict():
        out.backward(np.ones(3))
    clipped = x.data < 0.0 if side == "lo" else x.data > 1.0
    expected = np.clip(x.data, 0.0, None) if side == "lo" else np.clip(x.data, None, 1.0)
    np.testing.assert_array_equal(out.data, expected)
    np.testing.assert_array_equal(x.grad, ~clipped)
    assert bound.grad.item() == clipped.sum(), "the bound's gradient: 1 per element it clipped"

"""nn.functional of issue 12: gradients against central differences, and documented choices.

Every loss option and function is checked with :func:`tensorgrad.gradcheck`, first order and,
where the formula is smooth, second order (the gradient computed with
``create_graph=True``, differentiated again), over shapes and values drawn by hypothesis:
class-index and class-probability targets, K-dim inputs ``(N, C, d1, ...)``, ``weight``,
``ignore_index`` and ``label_smoothing`` combined, the binary cross-entropies' ``weight``
and ``pos_weight``, Huber and smooth L1, ``kl_div``, ``normalize``, ``cosine_similarity``,
``softmax``/``log_softmax`` and ``dropout``. Kinks are avoided as in
``tests/tensorgrad/test_gradients.py``: distinct data, away from every kink.

The values against PyTorch are in ``tests/crosscheck/test_losses_vs_torch.py``; the plain
losses (no weight, no ignore_index, 2-D) and their errors in ``tests/nn/test_losses.py``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from nn import functional as F  # noqa: N812  (PyTorch's conventional name)
from tensorgrad import Value, grad, gradcheck
from tensorgrad.ops import activation, unary
from tensorgrad.ops import shape as shape_ops

SETTINGS = settings(max_examples=25)
REDUCTIONS = ["mean", "sum", "none"]

Shape = tuple[int, ...]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def check(fn: Callable[..., Value], *inputs: Value, second: bool = True) -> None:
    """First- (and second-) order gradients of ``fn`` at ``inputs`` against finite differences.

    The second order differentiates ``Σ_k <w_k, ∂<u, fn>/∂x_k>`` (fixed random ``u``,
    ``w_k``): the same backward formulas, run on Values.
    """
    assert gradcheck(fn, *inputs)
    if not second:
        return
    wanted = [x for x in inputs if x.requires_grad]

    def weighted_gradients(*xs: Value) -> Value:
        out = fn(*xs)
        seed = rng(1).standard_normal(out.shape)
        mine = [x for x in xs if x.requires_grad]
        grads = grad((out * seed).sum(), mine, create_graph=True, allow_unused=True)
        # `0 * x.sum()` keeps every input in the graph, even where the gradient is constant
        total = sum((x.sum() * 0 for x in mine), start=Value(0.0, requires_grad=False))
        for k, (g, x) in enumerate(zip(grads, mine)):
            total = total + (g * rng(2 + k).standard_normal(x.shape)).sum()
        return total

    assert wanted
    assert gradcheck(weighted_gradients, *inputs)


@contextmanager
def strict() -> Iterator[None]:
    """numpy's warnings (not underflow, silent by default) and Python's are errors."""
    with np.errstate(divide="raise", over="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def uniform(draw: st.DrawFn, shape: Shape, lo: float, hi: float) -> np.ndarray:
    return np.asarray(draw(hnp.arrays(np.float64, shape, elements=st.floats(lo, hi))))


def away_from_zero(draw: st.DrawFn, shape: Shape, lo: float = 0.3, hi: float = 2.0) -> Any:
    """Values with ``lo <= |x| <= hi``."""
    size = uniform(draw, shape, lo, hi)
    return np.where(draw(hnp.arrays(np.bool_, shape)), -size, size)


def distinct(draw: st.DrawFn, shape: Shape) -> np.ndarray:
    """Distinct multiples of 0.25 offset by 0.01: no two within a finite-difference step of
    each other, and none within 0.01 of a multiple of 0.25 (where the kinks are put)."""
    n = math.prod(shape)
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    return ((order - n / 2) * 0.25 + 0.01).reshape(shape)


# -- cross-entropy and nll: class indices -------------------------------------------------------


@st.composite
def class_shapes(draw: st.DrawFn, min_batch: int = 0) -> Shape:
    """``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``."""
    c = draw(st.integers(1, 4))
    kind = draw(st.sampled_from(["one sample", "batch", "K-dim"]))
    if kind == "one sample":
        return (c,)
    n = draw(st.integers(min_batch, 3))
    if kind == "batch":
        return (n, c)
    return (n, c, *draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))


def n_classes(shape: Shape) -> int:
    return shape[0] if len(shape) == 1 else shape[1]


def target_shape(shape: Shape) -> Shape:
    return () if len(shape) == 1 else (shape[0], *shape[2:])


def as_rows(a: np.ndarray) -> np.ndarray:
    """``(N, C, d1, ...)`` or ``(C,)`` as ``(M, C)``, the classes last."""
    return a.reshape(1, -1) if a.ndim == 1 else np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


@st.composite
def class_problems(draw: st.DrawFn) -> dict[str, Any]:
    """Logits, class-index targets and every option: weight, ignore_index, smoothing."""
    shape = draw(class_shapes())
    c = n_classes(shape)
    y = np.asarray(draw(hnp.arrays(np.int64, target_shape(shape), elements=st.integers(0, c - 1))))
    ignore = draw(st.sampled_from(["none", "a class", "-100 entries"]))
    ignore_index = -100
    if ignore == "a class":
        ignore_index = draw(st.integers(0, c - 1))
    elif ignore == "-100 entries":
        y = np.where(draw(hnp.arrays(np.bool_, y.shape)), -100, y)
    weighted = draw(st.booleans())
    return {
        "x": uniform(draw, shape, -3.0, 3.0),
        "y": y,
        "weight": uniform(draw, (c,), 0.5, 2.0) if weighted else None,
        "ignore_index": ignore_index,
        "reduction": draw(st.sampled_from(REDUCTIONS)),
        "label_smoothing": draw(st.sampled_from([0.0, 0.3, 1.0])),
    }


def counted(problem: dict[str, Any]) -> bool:
    """Whether a target is left once the ignored ones are out (else "mean" is NaN)."""
    return bool((problem["y"] != problem["ignore_index"]).any())


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss], ids=["cross_entropy", "nll"])
@SETTINGS
@given(problem=class_problems())
def test_class_index_losses_with_every_option(
    loss: Callable[..., Value], problem: dict[str, Any]
) -> None:
    x, y, w = problem["x"], problem["y"], problem["weight"]
    reduction = problem["reduction"]
    if reduction == "mean" and not counted(problem):
        reduction = "sum"  # (NaN, whose finite differences mean nothing: tested below)
    options: dict[str, Any] = {"ignore_index": problem["ignore_index"], "reduction": reduction}
    if loss is F.cross_entropy:
        options["label_smoothing"] = problem["label_smoothing"]

    def fn(v: Value) -> Value:
        return loss(v, y, w, **options)

    # cross_entropy is smooth in the logits; nll_loss is linear (its second order is 0)
    check(fn, Value(x))
    # K-dim is a loss per position: the same as the 2-D loss of the positions as rows
    flat = dict(options, reduction="none")
    per_position = loss(Value(x), y, w, **flat).data
    as_2d = loss(Value(as_rows(x)), y.reshape(-1), w, **flat).data
    np.testing.assert_allclose(per_position.reshape(-1), as_2d, rtol=1e-13, atol=1e-15)
    assert per_position.shape == y.shape


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss], ids=["cross_entropy", "nll"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 3), (4,)], ids=str)
def test_every_target_ignored(
    loss: Callable[..., Value], reduction: str, weighted: bool, shape: Shape
) -> None:
    """As PyTorch: "mean" is NaN (0 / 0, without a warning), "sum" 0, "none" zeros, and
    the gradient is 0 everywhere (not NaN), to the second order too."""
    x = Value(rng(1).standard_normal(shape))
    y = np.full(target_shape(shape), 2)
    w = rng(2).uniform(0.5, 2.0, 4) if weighted else None
    kwargs: dict[str, Any] = {"ignore_index": 2, "reduction": reduction}
    if loss is F.cross_entropy:
        kwargs["label_smoothing"] = 0.2
    with strict():
        out = loss(x, y, w, **kwargs)
        if reduction == "mean":
            assert np.isnan(out.item())
        else:
            np.testing.assert_array_equal(out.data, np.zeros(y.shape))
        (g,) = grad(out.sum(), [x], create_graph=True)
    np.testing.assert_array_equal(g.data, np.zeros(shape))
    (gg,) = grad(g.sum() + (x * 0).sum(), [x])
    np.testing.assert_array_equal(gg.data, np.zeros(shape))


def test_the_weighted_mean_divides_by_the_weights_of_the_targets_counted() -> None:
    log_p = np.log(rng(3).dirichlet(np.ones(3), 4))
    y = np.array([0, 2, 1, 2])
    w = np.array([1.0, 2.0, 4.0])
    picked = -log_p[np.arange(4), y] * w[y]
    assert np.isclose(F.nll_loss(log_p, y, w).item(), picked.sum() / w[y].sum())
    assert np.isclose(F.nll_loss(log_p, y, w, reduction="sum").item(), picked.sum())
    kept = y != 2
    assert np.isclose(
        F.nll_loss(log_p, y, w, ignore_index=2).item(), picked[kept].sum() / w[y][kept].sum()
    )
    np.testing.assert_allclose(
        F.nll_loss(log_p, y, w, ignore_index=2, reduction="none").data, np.where(kept, picked, 0)
    )


def test_label_smoothing_with_weight_and_ignore_index_is_pytorchs_formula() -> None:
    """Per counted row ``(1 - ε) w[y] (-log p[y]) + ε/C Σ_c w[c] (-log p[c])``; the mean
    divides by the weights of the targets counted; an ignored row counts nowhere."""
    z = rng(4).standard_normal((4, 3))
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    y = np.array([0, 2, 1, 2])
    w = np.array([1.0, 2.0, 4.0])
    eps = 0.3
    rows = (1 - eps) * w[y] * -log_p[np.arange(4), y] + eps / 3 * (w * -log_p).sum(axis=1)
    kept = y != 1
    options: dict[str, Any] = {"ignore_index": 1, "label_smoothing": eps}
    got = F.cross_entropy(z, y, w, reduction="none", **options)
    np.testing.assert_allclose(got.data, np.where(kept, rows, 0.0), rtol=1e-13)
    mean = F.cross_entropy(z, y, w, **options).item()
    assert np.isclose(mean, rows[kept].sum() / w[y][kept].sum())


def test_one_sample_is_a_batch_of_one() -> None:
    z = rng(5).standard_normal(4)
    w = np.array([1.0, 2.0, 0.5, 1.0])
    for reduction in REDUCTIONS:
        one = F.cross_entropy(Value(z), np.array(2), w, reduction=reduction, label_smoothing=0.1)
        batch = F.cross_entropy(z[None], np.array([2]), w, reduction=reduction, label_smoothing=0.1)
        assert one.shape == ()
        assert np.isclose(one.item(), batch.data.sum())


# -- cross-entropy: class probabilities ---------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_cross_entropy_with_soft_targets_and_every_option(data: st.DataObject) -> None:
    shape = data.draw(class_shapes(min_batch=1))
    c = n_classes(shape)
    logits = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3.0, 3.0)))
    probs = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    weighted = data.draw(st.booleans())
    w = np.linspace(0.5, 2.0, c) if weighted else None
    reduction = data.draw(st.sampled_from(REDUCTIONS))
    smoothing = data.draw(st.sampled_from([0.0, 0.3, 1.0]))

    def fn(v: Value, p: Value) -> Value:
        return F.cross_entropy(v, p, w, reduction=reduction, label_smoothing=smoothing)

    # with respect to the logits and to the probabilities (a Value that requires grad)
    check(fn, Value(logits), Value(probs))


def test_soft_targets_mean_divides_by_the_number_of_positions_not_the_weights() -> None:
    z = rng(6).standard_normal((2, 3, 4))
    p = rng(7).dirichlet(np.ones(3), (2, 4)).transpose(0, 2, 1)  # (N, C, d): sum 1 over C
    w = np.array([1.0, 3.0, 0.5])
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    per_position = -(w[:, None] * p * log_p).sum(axis=1)
    got = F.cross_entropy(z, p, w, reduction="none")
    np.testing.assert_allclose(got.data, per_position, rtol=1e-13)
    assert np.isclose(F.cross_entropy(z, p, w).item(), per_position.sum() / 8)


def test_soft_targets_errors() -> None:
    z = Value(np.zeros((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"^cross_entropy: ignore_index is for class-index targets, not class "
        r"probabilities \(got ignore_index=0\)$",
    ):
        F.cross_entropy(z, np.full((2, 3), 1 / 3), ignore_index=0)
    with pytest.raises(
        TypeError,
        match=r"^cross_entropy: targets of the input's shape \(2, 3\) are class probabilities "
        r"and must be floats, got dtype int64$",
    ):
        F.cross_entropy(z, np.zeros((2, 3), np.int64))
    with pytest.raises(
        TypeError, match=r"^cross_entropy: expected input and target to have the same dtype"
    ):
        F.cross_entropy(z, Value(np.zeros((2, 3)), dtype=np.float32))
    # floats of another shape are not probabilities: they are refused as class indices
    with pytest.raises(
        TypeError,
        match=r"cross_entropy: targets must be integer class indices, got an array of dtype "
        r"float64 \(shape \(2, 4\)\).*or class probabilities as floats of the input's shape",
    ):
        F.cross_entropy(z, np.zeros((2, 4)))


def test_class_index_option_errors() -> None:
    z = Value(np.zeros((2, 3, 4)))
    with pytest.raises(
        ValueError,
        match=r"^nll_loss: weight must have shape \(C,\) = \(3,\), one weight per class, "
        r"got shape \(4,\)$",
    ):
        F.nll_loss(z, np.zeros((2, 4), int), np.ones(4))
    with pytest.raises(
        ValueError, match=r"^cross_entropy: input batch size 2 does not match target batch size 3$"
    ):
        F.cross_entropy(z, np.zeros((3, 4), int))
    with pytest.raises(
        ValueError,
        match=r"^cross_entropy: targets must have shape \(N, d1, \.\.\.\), one class index per "
        r"position of the input, got target shape \(2, 5\) for input shape \(2, 3, 4\) "
        r"\(expected \(2, 4\)\)$",
    ):
        F.cross_entropy(z, np.zeros((2, 5), int))
    y = np.zeros((2, 4), int)
    y[1, 2] = 3
    with pytest.raises(
        ValueError,
        match=r"^cross_entropy: target class index 3 is out of range for 3 classes "
        r"\(valid: 0 to 2\)$",
    ):
        F.cross_entropy(z, y)
    y[1, 2] = -100  # ignored: not out of range
    assert np.isfinite(F.cross_entropy(z, y).item())
    with pytest.raises(TypeError, match=r"^cross_entropy: weight is data and gets no gradient"):
        F.cross_entropy(z, y, Value(np.ones(3)))
    # a weight Value that does not require grad is taken for its array
    w = Value(np.array([1.0, 2.0, 3.0]), requires_grad=False)
    assert F.cross_entropy(z, y, w).item() == F.cross_entropy(z, y, w.data).item()


# -- binary cross-entropies: weight, pos_weight -------------------------------------------------


@st.composite
def shape_and_weight(draw: st.DrawFn) -> tuple[Shape, Shape]:
    """An input shape, and a weight shape that broadcasts to it (not beyond it)."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3))
    w = draw(hnp.broadcastable_shapes(shape, min_dims=0, max_dims=len(shape), min_side=1))
    return shape, tuple(
        1 if side != shape[len(shape) - len(w) + k] else side for k, side in enumerate(w)
    )


@SETTINGS
@given(shapes=shape_and_weight(), data=st.data())
def test_binary_cross_entropy_with_weight(shapes: tuple[Shape, Shape], data: st.DataObject) -> None:
    shape, w_shape = shapes
    p = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.05, 0.95)))
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    w = data.draw(hnp.arrays(np.float64, w_shape, elements=st.floats(0.5, 2.0)))
    reduction = data.draw(st.sampled_from(REDUCTIONS))

    def fn(a: Value, b: Value) -> Value:
        return F.binary_cross_entropy(a, b, w, reduction=reduction)

    check(fn, Value(p), Value(y))
    unweighted = F.binary_cross_entropy(p, y, reduction="none").data
    got = F.binary_cross_entropy(p, y, w, reduction="none").data
    np.testing.assert_allclose(got, unweighted * w, rtol=1e-14)


@SETTINGS
@given(shapes=shape_and_weight(), data=st.data())
def test_binary_cross_entropy_with_logits_with_weight_and_pos_weight(
    shapes: tuple[Shape, Shape], data: st.DataObject
) -> None:
    shape, w_shape = shapes
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-4.0, 4.0)))
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    w = data.draw(hnp.arrays(np.float64, w_shape, elements=st.floats(0.5, 2.0)))
    pw_shape = shape[-1:] if data.draw(st.booleans()) else w_shape  # one per class, or any
    pw = data.draw(hnp.arrays(np.float64, pw_shape, elements=st.floats(0.2, 3.0)))
    weight = w if data.draw(st.booleans()) else None
    reduction = data.draw(st.sampled_from(REDUCTIONS))

    def fn(a: Value, b: Value) -> Value:
        return F.binary_cross_entropy_with_logits(a, b, weight, reduction=reduction, pos_weight=pw)

    check(fn, Value(x), Value(y))
    # PyTorch's loss: -weight [pw y log σ(x) + (1 - y) log(1 - σ(x))]
    log_sig, log_not = -np.logaddexp(0, -x), -np.logaddexp(0, x)
    expected = -(pw * y * log_sig + (1 - y) * log_not) * (1.0 if weight is None else weight)
    got = F.binary_cross_entropy_with_logits(x, y, weight, reduction="none", pos_weight=pw)
    np.testing.assert_allclose(got.data, expected, rtol=1e-12, atol=1e-14)


def test_pos_weight_stays_finite_at_large_logits() -> None:
    with strict():
        x = Value(np.array([1e4, -1e4, 88.0, -88.0], np.float32))
        loss = F.binary_cross_entropy_with_logits(
            x, np.array([1.0, 1.0, 0.0, 0.0]), reduction="sum", pos_weight=np.array([3.0])
        )
        loss.backward()
    assert loss.dtype == np.float32
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(loss.item(), 3 * 1e4 + 88.0, rtol=1e-6)
    np.testing.assert_allclose(x.grad, [0.0, -3.0, 1.0, 0.0], atol=1e-6)


# -- Huber and smooth L1 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "option", "bound"),
    [
        (F.huber_loss, "delta", 1.0),
        (F.huber_loss, "delta", 0.5),
        (F.huber_loss, "delta", 1.7),
        (F.smooth_l1_loss, "beta", 1.0),
        (F.smooth_l1_loss, "beta", 0.5),
        (F.smooth_l1_loss, "beta", 0.0),
    ],
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3), data=st.data())
def test_huber_and_smooth_l1(
    loss: Callable[..., Value],
    option: str,
    bound: float,
    reduction: str,
    shape: Shape,
    data: st.DataObject,
) -> None:
    if reduction == "mean" and not math.prod(shape):
        reduction = "sum"  # (the mean of nothing is NaN)
    # d = x - y: distinct, 0.01 or more away from ±bound (and from 0, beta = 0's kink)
    gaps = distinct(data.draw, shape)
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-2.0, 2.0)))

    def fn(a: Value, b: Value) -> Value:
        return loss(a, b, reduction=reduction, **{option: bound})

    check(fn, Value(y + gaps), Value(y))


def test_smooth_l1_is_huber_over_beta_and_l1_at_beta_0() -> None:
    x, y = rng(8).standard_normal(12) * 2, rng(9).standard_normal(12)
    for beta in (0.3, 1.0, 2.5):
        np.testing.assert_allclose(
            F.huber_loss(x, y, "none", beta).data,
            beta * F.smooth_l1_loss(x, y, "none", beta).data,
            rtol=1e-14,
        )
    v, u = Value(x), Value(x)
    F.smooth_l1_loss(v, y, "sum", 0.0).backward()
    F.l1_loss(u, y, "sum").backward()
    np.testing.assert_array_equal(v.grad, u.grad)
    np.testing.assert_array_equal(v.grad, np.sign(x - y))


def test_huber_gradient_is_the_clipped_difference() -> None:
    x = Value([-3.0, -0.5, 0.25, 2.0])
    F.huber_loss(x, np.zeros(4), "sum", delta=1.0).backward()
    np.testing.assert_array_equal(x.grad, [-1.0, -0.5, 0.25, 1.0])


# -- kl_div ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), data=st.data())
def test_kl_div(reduction: str, log_target: bool, shape: Shape, data: st.DataObject) -> None:
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3.0, 0.0)))
    lo = -3.0 if log_target else 0.05  # (t log t is smooth for t > 0)
    t = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(lo, 1.0)))

    def fn(a: Value, b: Value) -> Value:
        return F.kl_div(a, b, reduction, log_target)

    check(fn, Value(x), Value(t))


def test_kl_div_reductions_and_zero_targets() -> None:
    x = np.log(rng(10).dirichlet(np.ones(4), 3))
    q = rng(11).dirichlet(np.ones(4), 3)
    q[0, 1] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q == 0, 0.0, q * (np.log(q) - x))
    with strict():  # no warning for "mean" (the docstring's note is the warning)
        np.testing.assert_allclose(F.kl_div(x, q, "none").data, terms, rtol=1e-14)
        assert np.isclose(F.kl_div(x, q).item(), terms.sum() / 12)  # over the elements
        assert np.isclose(F.kl_div(x, q, "batchmean").item(), terms.sum() / 3)
        assert np.isclose(F.kl_div(x, q, "sum").item(), terms.sum())
        log_q = np.log(q + 0.1)
        assert np.isclose(
            F.kl_div(x, log_q, "batchmean", log_target=True).item(),
            (np.exp(log_q) * (log_q - x)).sum() / 3,
        )
    # 0-d: batchmean is the sum (no batch axis to divide by)
    assert F.kl_div(Value(-1.0), np.array(0.5), "batchmean").item() == 0.5 * (np.log(0.5) + 1)
    assert np.isnan(F.kl_div(np.zeros((0, 3)), np.zeros((0, 3)), "batchmean").item())


def test_kl_div_gradient_of_a_zero_target_is_minus_inf() -> None:
    """The slope of t log t at t = 0 (PyTorch gives NaN there: documented)."""
    t = Value([0.0, 0.5])
    x = Value(np.log([0.5, 0.5]))
    with np.errstate(divide="raise"):  # no warning escapes
        F.kl_div(x, t, "sum").backward()
    assert t.grad[0] == -np.inf
    assert np.isclose(t.grad[1], np.log(0.5) + 1 - x.data[1])
    np.testing.assert_array_equal(x.grad, -t.data)


# -- normalize, cosine_similarity ------------------------------------------------------------


@st.composite
def shape_and_dim(draw: st.DrawFn, min_side: int = 1) -> tuple[Shape, int]:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=3))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
@SETTINGS
@given(shape_dim=shape_and_dim(), data=st.data())
def test_normalize(p: float, shape_dim: tuple[Shape, int], data: st.DataObject) -> None:
    shape, dim = shape_dim
    values = away_from_zero(data.draw, shape)  # norms >= 0.3, far above eps
    out = F.normalize(values, p, dim)
    norm = (np.abs(values) ** p).sum(axis=dim, keepdims=True) ** (1 / p)
    np.testing.assert_allclose(out.data, values / norm, rtol=1e-13)
    check(lambda v: F.normalize(v, p, dim), Value(values))


def test_normalize_below_eps_divides_by_eps_and_the_norm_gets_no_gradient() -> None:
    """As PyTorch's ``x / norm.clamp_min(eps)``: a zero vector stays zero, its gradient
    is ``g / eps``; a small one is ``x / eps``, with the same gradient."""
    x = Value([[0.0, 0.0], [3e-4, -4e-4], [3.0, 4.0]])
    out = F.normalize(x, eps=1e-3)
    np.testing.assert_allclose(out.data, [[0.0, 0.0], [0.3, -0.4], [0.6, 0.8]])
    g = rng(12).standard_normal((3, 2))
    out.backward(g)
    np.testing.assert_allclose(x.grad[:2], g[:2] / 1e-3)
    assert gradcheck(lambda v: F.normalize(v, eps=1e-3), Value([[3e-4, -4e-4]]), eps=1e-8)


@st.composite
def broadcast_pair_and_dim(draw: st.DrawFn) -> tuple[Shape, Shape, int]:
    shapes = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=1, max_dims=3, min_side=1, max_side=3
        )
    )
    ndim = len(shapes.result_shape)
    return (*shapes.input_shapes, draw(st.integers(-ndim, ndim - 1)))


@SETTINGS
@given(shapes=broadcast_pair_and_dim(), data=st.data())
def test_cosine_similarity_broadcasts(
    shapes: tuple[Shape, Shape, int], data: st.DataObject
) -> None:
    a_shape, b_shape, dim = shapes
    a, b = away_from_zero(data.draw, a_shape), away_from_zero(data.draw, b_shape)
    out = F.cosine_similarity(a, b, dim)
    a_full, b_full = np.broadcast_arrays(a, b)
    expected = (a_full * b_full).sum(axis=dim) / (
        np.linalg.norm(a_full, axis=dim) * np.linalg.norm(b_full, axis=dim)
    )
    np.testing.assert_allclose(out.data, expected, rtol=1e-13)
    check(lambda u, v: F.cosine_similarity(u, v, dim), Value(a), Value(b))


def test_cosine_similarity_of_a_zero_vector_is_zero() -> None:
    x1, x2 = Value([[0.0, 0.0], [1.0, 1.0]]), Value([[1.0, 2.0], [2.0, 2.0]])
    out = F.cosine_similarity(x1, x2)
    np.testing.assert_allclose(out.data, [0.0, 1.0])
    out.sum().backward()
    # the zero vector's norm has gradient 0: x1's gradient is x2 / (eps ‖x2‖), finite
    np.testing.assert_allclose(x1.grad[0], x2.data[0] / (1e-8 * np.sqrt(5)))
    np.testing.assert_allclose(x2.grad[0], [0.0, 0.0])
    module = nn.CosineSimilarity(dim=0, eps=1e-6)
    assert module.dim == 0
    assert module.eps == 1e-6
    assert repr(module) == "CosineSimilarity(dim=0, eps=1e-06)"
    np.testing.assert_array_equal(module(x1, x2).data, F.cosine_similarity(x1, x2, 0, 1e-6).data)


# -- softmax, log_softmax, the re-exported activations ---------------------------------------


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax], ids=["softmax", "log_softmax"])
@SETTINGS
@given(shape_dim=shape_and_dim(min_side=0), data=st.data())
def test_softmax_and_log_softmax_along_dim(
    fn: Callable[..., Value], shape_dim: tuple[Shape, int], data: st.DataObject
) -> None:
    shape, dim = shape_dim
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3.0, 3.0)))
    out = fn(Value(x), dim=dim)
    e = np.exp(x - x.max(axis=dim, keepdims=True)) if x.size else x
    soft = e / e.sum(axis=dim, keepdims=True) if x.size else x
    np.testing.assert_allclose(out.data, soft if fn is F.softmax else np.log(soft), rtol=1e-13)
    check(lambda v: fn(v, dim), Value(x))


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax], ids=["softmax", "log_softmax"])
def test_softmax_requires_dim(fn: Callable[..., Value]) -> None:
    name = fn.__name__
    with pytest.raises(
        TypeError,
        match=rf"^{name}: dim is required, the axis to normalise along \(e\.g\. {name}\(x, "
        r"dim=-1\)\); PyTorch's implicit choice of dim is deprecated$",
    ):
        fn(Value([1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"{name}"):
        fn(Value([1.0, 2.0]), dim=1)
    assert fn(np.array([[1.0, 2.0]]), dim=1).requires_grad is False  # arrays are data


@pytest.mark.parametrize(
    "name",
    [
        "relu",
        "tanh",
        "sigmoid",
        "leaky_relu",
        "gelu",
        "elu",
        "selu",
        "silu",
        "softplus",
        "hardtanh",
        "relu6",
        "mish",
        "logsigmoid",
        "softsign",
        "pad",
    ],
)
def test_the_activations_and_pad_are_tensorgrads_own(name: str) -> None:
    home = {"relu": unary, "tanh": unary, "sigmoid": unary, "pad": shape_ops}.get(name, activation)
    assert getattr(F, name) is getattr(home, name)
    assert name in F.__all__


# -- dropout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_gradient_is_the_mask_over_1_minus_p(p: float, dtype: Any) -> None:
    x = Value(rng(13).uniform(0.5, 1.5, (40, 30)).astype(dtype))
    out = F.dropout(x, p, generator=rng(14))
    assert out.dtype == dtype
    mask = out.data / x.data
    scale = 1 / (1 - p)
    np.testing.assert_allclose(mask[mask != 0], scale, rtol=1e-6)
    assert abs((mask == 0).mean() - p) < 0.05  # about p of them dropped
    g = rng(15).standard_normal(x.shape).astype(dtype)
    out.backward(g)
    assert x.grad.dtype == dtype
    np.testing.assert_allclose(x.grad, g * mask, rtol=1e-6)
    # a fresh generator at every call: the same mask, and gradcheck to the second order
    check(lambda v: F.dropout(v, p, generator=rng(16)), Value(rng(17).standard_normal((3, 4))))


def test_dropout_with_a_generator_is_reproducible_and_shared_with_the_module() -> None:
    x = Value(np.ones((5, 6)))
    first, again = F.dropout(x, 0.5, generator=rng(3)), F.dropout(x, 0.5, generator=rng(3))
    np.testing.assert_array_equal(first.data, again.data)
    layer = nn.Dropout(0.5, generator=rng(3))
    np.testing.assert_array_equal(layer(x).data, first.data)  # one implementation
    generator = rng(3)
    one, two = F.dropout(x, 0.5, generator=generator), F.dropout(x, 0.5, generator=generator)
    assert not np.array_equal(one.data, two.data)  # the generator moves on
    nn.manual_seed(7)
    seeded = F.dropout(x, 0.5).data
    nn.manual_seed(7)
    np.testing.assert_array_equal(F.dropout(x, 0.5).data, seeded)  # nn's global generator


def test_dropout_in_eval_mode_and_at_p_0_and_1() -> None:
    x = Value(rng(18).standard_normal((3, 4)))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 1.0, training=False) is x
    kept = F.dropout(x, 0.0, generator=rng())
    np.testing.assert_array_equal(kept.data, x.data)
    dropped = F.dropout(x, 1.0, generator=rng())
    np.testing.assert_array_equal(dropped.data, np.zeros((3, 4)))
    x32 = Value(np.array([1.0, np.nan], np.float32))
    out = F.dropout(x32, 1.0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, [0.0, np.nan])  # NaN in, NaN out (as PyTorch)
    out.backward(np.ones(2, np.float32))
    np.testing.assert_array_equal(x32.grad, [0.0, 0.0])
    array = np.ones(4)
    assert isinstance(F.dropout(array, 0.5, generator=rng()), np.ndarray)  # data stays data
    assert F.dropout(array, training=False) is array


def test_dropout_errors() -> None:
    with pytest.raises(
        ValueError, match=r"^dropout: the probability p must be in \[0, 1\], got 1\.5$"
    ):
        F.dropout(np.ones(3), 1.5)
    with pytest.raises(
        ValueError, match=r"^dropout: the probability p must be in \[0, 1\], got -0\.1$"
    ):
        F.dropout(np.ones(3), -0.1)
    with pytest.raises(TypeError, match=r"^dropout: p "):
        F.dropout(np.ones(3), True)
    with pytest.raises(TypeError, match=r"^dropout: training "):
        F.dropout(np.ones(3), 0.5, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^dropout: .*generator"):
        F.dropout(np.ones(3), 0.5, training=False, generator=5)  # type: ignore[arg-type]


# -- one_hot ---------------------------------------------------------------------------------


def test_one_hot() -> None:
    y = np.array([[0, 3], [2, 1]], np.uint8)
    out = F.one_hot(y)
    assert out.shape == (2, 2, 4)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, np.eye(4, dtype=np.int64)[y])
    np.testing.assert_array_equal(F.one_hot(np.array(2), 3), [0, 0, 1])  # 0-d: (C,)
    assert F.one_hot([1, 0], num_classes=5).shape == (2, 5)  # a list of ints
    assert F.one_hot(np.zeros((0, 2), int), 3).shape == (0, 2, 3)
    assert F.one_hot(np.zeros(2, int), 0 + 1).tolist() == [[1], [1]]


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (
            lambda: F.one_hot(np.array([0.0, 1.0])),
            TypeError,
            r"^one_hot: tensor must hold integer class indices, got dtype float64$",
        ),
        (
            lambda: F.one_hot(np.array([True, False])),
            TypeError,
            r"^one_hot: tensor must hold integer class indices, got dtype bool$",
        ),
        (
            lambda: F.one_hot(Value([0.0])),
            TypeError,
            r"^one_hot: tensor must be an array of integer class indices, not a Value",
        ),
        (
            lambda: F.one_hot(np.array([0, -2, -1])),
            ValueError,
            r"^one_hot: class values must be non-negative, got -2$",
        ),
        (
            lambda: F.one_hot(np.array([0, 3, 4]), 3),
            ValueError,
            r"^one_hot: class value 3 is out of range for 3 classes \(valid: 0 to 2\)$",
        ),
        (
            lambda: F.one_hot(np.zeros(0, int)),
            ValueError,
            r"^one_hot: cannot infer the number of classes from an empty array; give num_classes$",
        ),
        (
            lambda: F.one_hot(np.array([0]), 0),
            ValueError,
            r"^one_hot: class value 0 is out of range for 0 classes \(none is valid\)$",
        ),
        (lambda: F.one_hot(np.array([0]), 2.0), TypeError, r"^one_hot: num_classes "),
        (lambda: F.one_hot(np.array([0]), -2), ValueError, r"^one_hot: num_classes .*-2"),
        (lambda: F.one_hot("abc"), TypeError, r"^one_hot: tensor"),
    ],
    ids=[
        "floats",
        "bools",
        "Value",
        "negative",
        "too large",
        "empty",
        "n 0",
        "float n",
        "n -2",
        "str",
    ],
)
def test_one_hot_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- PyTorch's inplace= ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("relu", lambda x, **kw: F.relu(x, **kw)),
        ("leaky_relu", lambda x, **kw: F.leaky_relu(x, 0.2, **kw)),
        ("elu", lambda x, **kw: F.elu(x, 0.5, **kw)),
        ("selu", lambda x, **kw: F.selu(x, **kw)),
        ("silu", lambda x, **kw: F.silu(x, **kw)),
        ("hardtanh", lambda x, **kw: F.hardtanh(x, -0.5, 0.5, **kw)),
        ("relu6", lambda x, **kw: F.relu6(x, **kw)),
        ("mish", lambda x, **kw: F.mish(x, **kw)),
        ("dropout", lambda x, **kw: F.dropout(x, 0.5, **kw, generator=np.random.default_rng(0))),
    ],
)
def test_inplace_false_is_accepted_and_true_refused(name: str, call: Callable[..., Any]) -> None:
    x = Value(np.linspace(-2.0, 7.0, 10))
    np.testing.assert_array_equal(call(x, inplace=False).data, call(x).data)
    with pytest.raises(
        ValueError,
        match=rf"^{name}: inplace=True is not supported: tensorgrad never changes a Value in "
        r"place \(backward may still need its numbers\); use inplace=False$",
    ):
        call(x, inplace=True)
    with pytest.raises(TypeError, match=rf"^{name}: inplace must be True or False, got str 'yes'$"):
        call(x, inplace="yes")


def test_relu_inplace_false_equals_relu_and_keeps_its_gradient() -> None:
    x = Value([-1.0, 0.0, 2.0])
    y = F.relu(x, inplace=False)
    np.testing.assert_array_equal(y.data, F.relu(x).data)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(F.relu(x, np.False_).data, [0.0, 0.0, 2.0])

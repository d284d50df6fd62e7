"""Losses: values against numpy formulas, gradients (gradcheck), stability, and every error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import functional as F  # noqa: N812  (PyTorch's conventional name)
from tensorgrad import Value, gradcheck

REDUCTIONS = ["mean", "sum", "none"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def reduce(per_element: Any, reduction: str) -> Any:
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](per_element)


def log_softmax(z: Any) -> Any:
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


LOGITS = rng().standard_normal((5, 4))
CLASSES = np.array([0, 3, 1, 1, 2])
PROBS = rng(1).uniform(0.05, 0.95, (3, 4))
BINARY = rng(2).uniform(0.0, 1.0, (3, 4))


# -- regression losses -------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("loss", "per_element"),
    [(F.mse_loss, lambda d: d * d), (F.l1_loss, np.abs)],
)
def test_regression_losses(
    loss: Callable[..., Value], per_element: Callable[[Any], Any], reduction: str
) -> None:
    x, y = rng().standard_normal((3, 4)), rng(1).standard_normal((3, 4))
    got = loss(Value(x), y, reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(per_element(x - y), reduction), rtol=1e-14)
    # with respect to the input, and to the target when it is a Value too
    assert gradcheck(lambda a, b: loss(a, b, reduction=reduction), Value(x), Value(y))


# -- cross-entropy and nll ------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_values(reduction: str) -> None:
    per_sample = -log_softmax(LOGITS)[np.arange(5), CLASSES]
    got = F.cross_entropy(Value(LOGITS), CLASSES, reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(per_sample, reduction), rtol=1e-14)
    assert gradcheck(lambda z: F.cross_entropy(z, CLASSES, reduction=reduction), Value(LOGITS))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("epsilon", [0.1, 1.0])
def test_cross_entropy_label_smoothing(epsilon: float, reduction: str) -> None:
    """The target is (1 - ε) one-hot + ε uniform: the loss is its cross-entropy."""
    target = (1 - epsilon) * np.eye(4)[CLASSES] + epsilon / 4
    per_sample = -(target * log_softmax(LOGITS)).sum(axis=1)
    got = F.cross_entropy(Value(LOGITS), CLASSES, reduction=reduction, label_smoothing=epsilon)
    np.testing.assert_allclose(got.data, reduce(per_sample, reduction), rtol=1e-13)
    options: dict[str, Any] = {"reduction": reduction, "label_smoothing": epsilon}
    assert gradcheck(lambda z: F.cross_entropy(z, CLASSES, **options), Value(LOGITS))


def test_cross_entropy_gradient_is_softmax_minus_one_hot() -> None:
    z = Value(LOGITS)
    F.cross_entropy(z, CLASSES).backward()
    softmax = np.exp(log_softmax(LOGITS))
    np.testing.assert_allclose(z.grad, (softmax - np.eye(4)[CLASSES]) / 5, rtol=1e-13)


def test_cross_entropy_is_stable_for_huge_logits() -> None:
    z = Value([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [1e3, 1e3, 1e3]])
    loss = F.cross_entropy(z, np.array([1, 2, 0]), reduction="none")
    np.testing.assert_allclose(
        loss.data, [2000.0, np.log1p(np.exp(1.0)), np.log(3.0)], rtol=1e-14, atol=1e-12
    )
    loss.sum().backward()
    assert np.isfinite(z.grad).all()
    assert F.cross_entropy(Value([[1e3, 0.0]]), np.array([0])).item() == 0.0


def test_cross_entropy_accepts_arrays_lists_and_unsigned_targets() -> None:
    expected = F.cross_entropy(Value(LOGITS), CLASSES).item()
    assert F.cross_entropy(LOGITS, CLASSES.tolist()).item() == expected
    assert F.cross_entropy(Value(LOGITS), CLASSES.astype(np.uint8)).item() == expected
    assert F.cross_entropy(LOGITS.astype(np.float32), CLASSES).dtype == np.float32


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss(reduction: str) -> None:
    log_probs = log_softmax(LOGITS)
    got = F.nll_loss(Value(log_probs), CLASSES, reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(-log_probs[np.arange(5), CLASSES], reduction))
    assert gradcheck(lambda a: F.nll_loss(a, CLASSES, reduction=reduction), Value(log_probs))


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_class_target_errors(loss: Callable[..., Value]) -> None:
    name = loss.__name__
    z = Value(LOGITS)
    with pytest.raises(
        TypeError,
        match=rf"{name}: targets must be integer class indices, got an array of dtype float64",
    ):
        loss(z, CLASSES.astype(float))
    with pytest.raises(TypeError, match=rf"{name}: .*got an array of dtype bool"):
        loss(z, CLASSES > 1)
    with pytest.raises(
        TypeError,
        match=rf"{name}: targets must be a numpy array of integer class indices, not a Value",
    ):
        loss(z, Value(CLASSES))
    with pytest.raises(
        ValueError,
        match=rf"{name}: target class index 4 is out of range for 4 classes \(valid: 0 to 3\)",
    ):
        loss(z, np.array([0, 4, 1, 1, 2]))
    with pytest.raises(ValueError, match=r"target class index -1 is out of range for 4 classes"):
        loss(z, np.array([0, 1, -1, 1, 2]))
    with pytest.raises(
        ValueError, match=rf"{name}: input batch size 5 does not match target batch size 3"
    ):
        loss(z, np.array([0, 1, 2]))
    with pytest.raises(
        ValueError,
        match=rf"{name}: targets must have shape \(N,\), one class index per row of the input, "
        r"got target shape \(5, 1\) for input shape \(5, 4\)",
    ):
        loss(z, CLASSES.reshape(5, 1))
    with pytest.raises(
        ValueError,
        match=rf"{name}: targets must have shape \(\), one class index for the one sample, "
        r"got target shape \(1,\) for input shape \(4,\)",
    ):
        loss(Value(LOGITS[0]), np.array([1]))
    with pytest.raises(ValueError, match=rf"{name}: input must have the classes on an axis"):
        loss(Value(1.0), np.array(0))


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize(
    ("targets", "bad"),
    [([0, 9, 4, 1, 5], 9), ([0, 1, 2, 3, -9], -9), ([0, 1, -4, 3, 7], -4), ([4, 0, 0, 0, 0], 4)],
)
def test_every_out_of_range_class_is_named(
    targets: list[int], bad: int, label_smoothing: float
) -> None:
    """Too large (caught by the indexing) or negative (checked first, since numpy would
    count it from the end), with or without label smoothing, unsigned dtypes too."""
    message = rf"cross_entropy: target class index {bad} is out of range for 4 classes"
    with pytest.raises(ValueError, match=message):
        F.cross_entropy(Value(LOGITS), np.array(targets), label_smoothing=label_smoothing)
    if bad > 0:
        with pytest.raises(ValueError, match=message):
            F.cross_entropy(Value(LOGITS), np.array(targets).clip(0).astype(np.uint16))


def test_the_shared_row_indices_are_read_only() -> None:
    """nll caches arange(N) per batch size: no caller can change the one the next step uses."""
    loss = F.cross_entropy(Value(LOGITS), CLASSES, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, -log_softmax(LOGITS)[np.arange(5), CLASSES])
    assert F.row_indices(5).flags.writeable is False
    assert F.row_indices(5) is F.row_indices(5)


def test_cross_entropy_of_an_empty_batch() -> None:
    empty = Value(np.zeros((0, 3)))
    assert np.isnan(F.cross_entropy(empty, np.zeros(0, int)).item())  # as PyTorch, no warning
    assert F.cross_entropy(empty, np.zeros(0, int), reduction="sum").item() == 0.0


def test_cross_entropy_setting_errors() -> None:
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1\.5"):
        F.cross_entropy(Value(LOGITS), CLASSES, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got nan"):
        F.cross_entropy(Value(LOGITS), CLASSES, label_smoothing=float("nan"))
    with pytest.raises(
        TypeError, match=r"cross_entropy: label_smoothing must be a float in \[0, 1\], got str"
    ):
        F.cross_entropy(Value(LOGITS), CLASSES, label_smoothing="0.1")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^mse_loss: reduction must be 'mean', 'sum' or 'none', got list \['sum'\]"
    ):
        F.mse_loss(Value(PROBS), BINARY, reduction=["sum"])  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^cross_entropy: reduction must be 'mean', 'sum' or 'none', got 'avg'"
    ):
        F.cross_entropy(Value(LOGITS), CLASSES, reduction="avg")


# -- binary cross-entropy ------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction: str) -> None:
    x = rng(3).standard_normal((3, 4)) * 3
    p = 1 / (1 + np.exp(-x))
    per_element = -(BINARY * np.log(p) + (1 - BINARY) * np.log(1 - p))
    got = F.binary_cross_entropy_with_logits(Value(x), BINARY, reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(per_element, reduction), rtol=1e-12)
    fn = F.binary_cross_entropy_with_logits
    assert gradcheck(lambda a, b: fn(a, b, reduction=reduction), Value(x), Value(BINARY))


def test_binary_cross_entropy_with_logits_is_stable_and_exact_at_zero() -> None:
    x = Value([1000.0, -1000.0, 0.0, 40.0])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(loss.data, [1000.0, 0.0, np.log(2.0), 0.0], atol=1e-15)
    loss.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0, 0.0, -0.5, 0.0], atol=1e-15)  # σ(x) - y


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction: str) -> None:
    per_element = -(BINARY * np.log(PROBS) + (1 - BINARY) * np.log(1 - PROBS))
    got = F.binary_cross_entropy(Value(PROBS), BINARY, reduction=reduction)
    np.testing.assert_allclose(got.data, reduce(per_element, reduction), rtol=1e-14)
    fn = F.binary_cross_entropy
    assert gradcheck(lambda a, b: fn(a, b, reduction=reduction), Value(PROBS), Value(BINARY))


def test_binary_cross_entropy_clamps_the_log_at_minus_100() -> None:
    loss = F.binary_cross_entropy(
        Value([0.0, 1.0, 1.0]), np.array([1.0, 0.0, 1.0]), reduction="none"
    )
    np.testing.assert_allclose(loss.data, [100.0, 100.0, 0.0])


@pytest.mark.parametrize(
    "loss", [F.binary_cross_entropy, F.binary_cross_entropy_with_logits], ids=["bce", "logits"]
)
def test_binary_cross_entropy_second_derivatives(loss: Callable[..., Value]) -> None:
    # One node each, whose backward is written with Value operations: it differentiates again.
    x = (
        Value(PROBS)
        if loss is F.binary_cross_entropy
        else Value(rng(4).standard_normal(PROBS.shape))
    )
    y = Value(BINARY * 0.8 + 0.1)

    def first(a: Value, b: Value) -> Value:
        ga, gb = tg.grad(loss(a, b, reduction="sum"), (a, b), create_graph=True)
        return (ga * ga).sum() + (ga * gb).sum()

    assert gradcheck(first, x, y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_at_certain_predictions_is_finite(dtype: type) -> None:
    # float32 used to give NaN here: the clamped logs' derivative 1/e^-100 overflowed
    p = Value([1.0, 0.0, 1.0, 0.0], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_array_equal(loss.data, [100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    assert p.grad.dtype == dtype
    np.testing.assert_allclose(p.grad, [1e12, -1e12, 0.0, 0.0])  # PyTorch's (p - y) / 1e-12
    x = Value([17.0, -17.0, 100.0, -100.0, 1e4], dtype=dtype)
    t = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
    through_sigmoid = F.binary_cross_entropy(x.sigmoid(), t, reduction="sum")
    through_sigmoid.backward()
    assert np.isfinite(x.grad).all()
    logits = Value(x.data)
    with_logits = F.binary_cross_entropy_with_logits(logits, t, reduction="none")
    np.testing.assert_allclose(with_logits.data, [17.0, 17.0, 100.0, 100.0, 1e4], rtol=1e-6)
    with_logits.sum().backward()
    np.testing.assert_allclose(logits.grad, [1.0, -1.0, 1.0, -1.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize(
    "loss",
    [F.mse_loss, F.l1_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits],
    ids=lambda f: f.__name__,
)
def test_a_float32_loss_stays_float32_with_float64_or_int_targets(
    loss: Callable[..., Value],
) -> None:
    p = Value(PROBS, dtype=np.float32)
    for target in (BINARY, BINARY.astype(np.int64), BINARY.tolist()):
        out = loss(p, target)
        assert out.dtype == np.float32
        out.backward()
        assert p.grad.dtype == np.float32
    with pytest.raises(
        TypeError,
        match=rf"{loss.__name__}: expected input and target to have the same dtype, "
        r"got float32 and float64",
    ):
        loss(p, Value(BINARY))
    with pytest.raises(
        TypeError, match=rf"{loss.__name__}: the target must be an array of real numbers, got str"
    ):
        loss(p, "ones")
    with pytest.raises(
        TypeError, match=rf"{loss.__name__}: the input must be a Value or a numpy array, got list"
    ):
        loss(PROBS.tolist(), BINARY)


def test_binary_cross_entropy_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: all elements of input should be probabilities in \[0, 1\], "
        r"got -0\.5",
    ):
        F.binary_cross_entropy(Value([-0.5, 2.0]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"should be probabilities in \[0, 1\], got nan"):
        F.binary_cross_entropy(Value([0.5, np.nan]), np.array([1.0, 0.0]))
    for fn in (F.binary_cross_entropy, F.binary_cross_entropy_with_logits, F.mse_loss, F.l1_loss):
        with pytest.raises(
            ValueError, match=rf"{fn.__name__}: input shape \(4, 1\) and target shape \(4,\) differ"
        ):
            fn(Value(np.full((4, 1), 0.5)), np.ones(4))


# -- the modules and the top-level names ------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "function", "args"),
    [
        (nn.MSELoss, F.mse_loss, (PROBS, BINARY)),
        (nn.L1Loss, F.l1_loss, (PROBS, BINARY)),
        (nn.CrossEntropyLoss, F.cross_entropy, (LOGITS, CLASSES)),
        (nn.NLLLoss, F.nll_loss, (log_softmax(LOGITS), CLASSES)),
        (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, (LOGITS[:3], BINARY[:, :4])),
        (nn.BCELoss, F.binary_cross_entropy, (PROBS, BINARY)),
    ],
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_modules_call_their_function(
    module: type[nn.Module], function: Callable[..., Value], args: tuple[Any, Any], reduction: str
) -> None:
    x, y = args
    got = module(reduction=reduction)(Value(x), y)
    np.testing.assert_array_equal(got.data, function(Value(x), y, reduction=reduction).data)
    assert getattr(nn, function.__name__) is function
    assert f"reduction='{reduction}'" in repr(module(reduction=reduction))


def test_loss_module_checks_the_reduction_when_made() -> None:
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none', got 'max'"):
        nn.MSELoss(reduction="max")
    loss = nn.CrossEntropyLoss(label_smoothing=0.2)
    expected = F.cross_entropy(LOGITS, CLASSES, label_smoothing=0.2).item()
    assert loss(Value(LOGITS), CLASSES).item() == expected

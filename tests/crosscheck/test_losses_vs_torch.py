"""nn.functional's losses and functions of issue 12 against torch.nn.functional: values,
input gradients (and soft-target gradients), float64 tight and float32, every option."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, assert_same, check_higher_order, cotangent

import nn
import nn.functional as F  # noqa: N812  (PyTorch's conventional name)
from tensorgrad import Value

TF = torch.nn.functional
DTYPES = [np.float64, np.float32]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def tensor(a: Any, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a), requires_grad=grad)


def compare(
    ours: Any, theirs: Any, inputs: list[np.ndarray], grads: list[bool], dtype: Any
) -> None:
    """ours(*Values-or-arrays) against theirs(*tensors): value, then the gradients asked for."""
    tol = F64 if dtype == np.float64 else F32
    vs = [Value(a) if g else a for a, g in zip(inputs, grads)]
    ts = [tensor(a, g) for a, g in zip(inputs, grads)]
    out, expected = ours(*vs), theirs(*ts)
    assert_same(out.data, expected, tol, "value")
    g = cotangent(out.shape, out.dtype)
    out.backward(g)
    expected.backward(torch.from_numpy(g))
    for k, (v, t, wanted) in enumerate(zip(vs, ts, grads)):
        if wanted:
            assert_same(v.grad, t.grad, tol, f"gradient of input {k}")


SHAPES = [(5, 4), (4,), (3, 4, 2), (2, 3, 2, 2)]


def class_targets(shape: tuple[int, ...], seed: int, ignore: int | None) -> np.ndarray:
    c = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else (shape[0], *shape[2:])
    y = rng(seed).integers(0, c, target_shape)
    if ignore is not None and y.size > 1:
        y.flat[0] = ignore
    return np.asarray(y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [None, 1, -100])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cross_entropy_and_nll_with_class_indices(
    shape: tuple[int, ...],
    ignore: int | None,
    weighted: bool,
    smoothing: float,
    reduction: str,
    dtype: Any,
) -> None:
    c = shape[0] if len(shape) == 1 else shape[1]
    x = (rng(1).standard_normal(shape) * 3).astype(dtype)
    y = class_targets(shape, 2, ignore)
    w = rng(3).uniform(0.5, 2.0, c).astype(dtype) if weighted else None
    index = -100 if ignore is None else ignore
    kw = {"ignore_index": index, "reduction": reduction}
    tw = None if w is None else tensor(w)
    compare(
        lambda v: F.cross_entropy(v, y, w, label_smoothing=smoothing, **kw),
        lambda t: TF.cross_entropy(t, tensor(y), tw, label_smoothing=smoothing, **kw),
        [x],
        [True],
        dtype,
    )
    compare(
        lambda v: F.nll_loss(v, y, w, **kw),
        lambda t: TF.nll_loss(t, tensor(y), tw, **kw),
        [x],
        [True],
        dtype,
    )
    module = nn.CrossEntropyLoss(w, label_smoothing=smoothing, **kw)
    reference = torch.nn.CrossEntropyLoss(tw, label_smoothing=smoothing, **kw)
    tol = F64 if dtype == np.float64 else F32
    assert_same(module(x, y).data, reference(tensor(x), tensor(y)), tol, "module")
    assert_same(
        nn.NLLLoss(w, **kw)(x, y).data, torch.nn.NLLLoss(tw, **kw)(tensor(x), tensor(y)), tol, "NLL"
    )


def test_every_target_ignored_gives_nan_and_zero_gradients() -> None:
    x = rng().standard_normal((3, 4))
    y = np.full(3, -100)
    v, t = Value(x), tensor(x, True)
    ours, theirs = F.cross_entropy(v, y), TF.cross_entropy(t, tensor(y))
    assert np.isnan(ours.item())
    assert torch.isnan(theirs)
    ours.backward()
    theirs.backward()
    assert_same(v.grad, t.grad, F64, "gradient")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cross_entropy_with_probabilities(
    shape: tuple[int, ...], weighted: bool, smoothing: float, reduction: str, dtype: Any
) -> None:
    c = shape[0] if len(shape) == 1 else shape[1]
    x = (rng(1).standard_normal(shape) * 3).astype(dtype)
    p = rng(2).uniform(0, 1, shape).astype(dtype)
    w = rng(3).uniform(0.5, 2.0, c).astype(dtype) if weighted else None
    tw = None if w is None else tensor(w)
    compare(
        lambda v, q: F.cross_entropy(v, q, w, reduction=reduction, label_smoothing=smoothing),
        lambda t, q: TF.cross_entropy(t, q, tw, reduction=reduction, label_smoothing=smoothing),
        [x, p],
        [True, True],
        dtype,
    )


def test_cross_entropy_second_order() -> None:
    x = rng(1).standard_normal((3, 4, 2))
    y = class_targets((3, 4, 2), 2, 1)
    w = rng(3).uniform(0.5, 2.0, 4)

    def fn(ops: Any, v: Any) -> Any:
        if isinstance(v, Value):
            return F.cross_entropy(v, y, w, ignore_index=1, label_smoothing=0.1)
        return TF.cross_entropy(v, tensor(y), tensor(w), ignore_index=1, label_smoothing=0.1)

    check_higher_order(fn, x, order=2)
    p = rng(4).uniform(0, 1, (3, 4))

    def soft(ops: Any, v: Any, q: Any) -> Any:
        f = F.cross_entropy if isinstance(v, Value) else TF.cross_entropy
        return f(v, q, reduction="sum")

    check_higher_order(soft, rng(5).standard_normal((3, 4)), p, order=2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos", [False, True])
def test_binary_cross_entropy_with_weights(
    pos: bool, weighted: bool, reduction: str, dtype: Any
) -> None:
    x = (rng(1).standard_normal((4, 3)) * 4).astype(dtype)
    y = rng(2).uniform(0, 1, (4, 3)).astype(dtype)
    w = rng(3).uniform(0.5, 2.0, (4, 1)).astype(dtype) if weighted else None
    pw = rng(4).uniform(0.5, 3.0, 3).astype(dtype) if pos else None
    tw, tpw = (None if w is None else tensor(w)), (None if pw is None else tensor(pw))
    compare(
        lambda v, t: F.binary_cross_entropy_with_logits(
            v, t, w, reduction=reduction, pos_weight=pw
        ),
        lambda v, t: TF.binary_cross_entropy_with_logits(
            v, t, tw, reduction=reduction, pos_weight=tpw
        ),
        [x, y],
        [True, True],
        dtype,
    )
    p = rng(5).uniform(0.05, 0.95, (4, 3)).astype(dtype)
    compare(
        lambda v, t: F.binary_cross_entropy(v, t, w, reduction=reduction),
        lambda v, t: TF.binary_cross_entropy(v, t, tw, reduction=reduction),
        [p, y],
        [True, True],
        dtype,
    )
    tol = F64 if dtype == np.float64 else F32
    module = nn.BCEWithLogitsLoss(w, reduction=reduction, pos_weight=pw)
    reference = torch.nn.BCEWithLogitsLoss(tw, reduction=reduction, pos_weight=tpw)
    assert_same(module(x, y).data, reference(tensor(x), tensor(y)), tol, "module")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    ("name", "option", "values"),
    [("huber_loss", "delta", [1.0, 0.3, 2.5]), ("smooth_l1_loss", "beta", [1.0, 0.3, 0.0])],
)
def test_huber_and_smooth_l1(
    name: str, option: str, values: list[float], reduction: str, dtype: Any
) -> None:
    x = (rng(1).standard_normal((4, 3)) * 2).astype(dtype)
    y = rng(2).standard_normal((4, 3)).astype(dtype)
    ours, theirs = getattr(F, name), getattr(TF, name)
    for bound in values:
        kw = {option: bound, "reduction": reduction}
        compare(
            lambda v, t, kw=kw: ours(v, t, **kw),
            lambda v, t, kw=kw: theirs(v, t, **kw),
            [x, y],
            [True, True],
            dtype,
        )
    module = {"huber_loss": nn.HuberLoss, "smooth_l1_loss": nn.SmoothL1Loss}[name]
    reference = {"huber_loss": torch.nn.HuberLoss, "smooth_l1_loss": torch.nn.SmoothL1Loss}[name]
    tol = F64 if dtype == np.float64 else F32
    assert_same(
        module(reduction, values[1])(x, y).data,
        reference(reduction=reduction, **{option: values[1]})(tensor(x), tensor(y)),
        tol,
        "module",
    )


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")  # torch's, not ours
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(log_target: bool, reduction: str, dtype: Any) -> None:
    x = np.log(rng(1).dirichlet(np.ones(4), 3)).astype(dtype)
    q = rng(2).dirichlet(np.ones(4), 3).astype(dtype)
    q[0, 0] = 0.0  # a zero probability: its term is 0
    t = np.log(q + 0.1).astype(dtype) if log_target else q
    grads = [True, log_target]  # (the target's gradient at 0 is NaN in torch, -inf here)
    compare(
        lambda v, s: F.kl_div(v, s, reduction, log_target),
        lambda v, s: TF.kl_div(v, s, reduction=reduction, log_target=log_target),
        [x, t],
        grads,
        dtype,
    )
    tol = F64 if dtype == np.float64 else F32
    assert_same(
        nn.KLDivLoss(reduction, log_target)(x, t).data,
        torch.nn.KLDivLoss(reduction=reduction, log_target=log_target)(tensor(x), tensor(t)),
        tol,
        "module",
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("shapes", "dim"),
    [(((4, 3), (4, 3)), 1), (((4, 3), (3,)), -1), (((2, 1, 3), (4, 3)), 0), (((5,), (5,)), 0)],
)
def test_cosine_similarity(shapes: tuple[tuple[int, ...], ...], dim: int, dtype: Any) -> None:
    a = rng(1).standard_normal(shapes[0]).astype(dtype)
    b = rng(2).standard_normal(shapes[1]).astype(dtype)
    if a.ndim == 2:
        a[0] = 0.0  # a zero vector: similarity 0, and the clamp's gradient rule
        a[1] *= 1e-9  # below eps: clamped
    compare(
        lambda u, v: F.cosine_similarity(u, v, dim),
        lambda u, v: TF.cosine_similarity(u, v, dim),
        [a, b],
        [True, True],
        dtype,
    )
    tol = F64 if dtype == np.float64 else F32
    assert_same(
        nn.CosineSimilarity(dim)(a, b).data,
        torch.nn.CosineSimilarity(dim)(tensor(a), tensor(b)),
        tol,
        "module",
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("p", "dim"), [(2.0, 1), (1.0, 0), (3.0, -1), (2.0, 0)])
def test_normalize(p: float, dim: int, dtype: Any) -> None:
    x = rng(1).standard_normal((4, 3)).astype(dtype)
    x[0] = 0.0  # a zero vector (row): divided by eps
    compare(
        lambda v: F.normalize(v, p, dim),
        lambda t: TF.normalize(t, p, dim),
        [x],
        [True],
        dtype,
    )


def test_normalize_and_cosine_second_order() -> None:
    x = rng(1).standard_normal((3, 4))
    y = rng(2).standard_normal((3, 4))
    check_higher_order(
        lambda ops, v: (F.normalize if isinstance(v, Value) else TF.normalize)(v, 3.0, 1), x
    )
    check_higher_order(
        lambda ops, u, v: (F.cosine_similarity if isinstance(u, Value) else TF.cosine_similarity)(
            u, v
        ),
        x,
        y,
    )


def test_one_hot_and_softmax() -> None:
    y = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(y), TF.one_hot(tensor(y)).numpy())
    np.testing.assert_array_equal(F.one_hot(y, 6), TF.one_hot(tensor(y), 6).numpy())
    assert F.one_hot(y).dtype == TF.one_hot(tensor(y)).numpy().dtype
    x = rng(1).standard_normal((3, 4))
    for ours, theirs in ((F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)):
        for dim in (0, 1, -1):
            compare(
                lambda v, f=ours, d=dim: f(v, dim=d),
                lambda t, f=theirs, d=dim: f(t, dim=d),
                [x],
                [True],
                np.float64,
            )


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("gelu", {"approximate": "tanh"}),
        ("leaky_relu", {"negative_slope": 0.2}),
        ("softplus", {"beta": 2.0, "threshold": 5.0}),
        ("elu", {"alpha": 0.5}),
        ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
        ("selu", {}),
        ("silu", {}),
        ("mish", {}),
        ("relu6", {}),
        ("logsigmoid", {}),
        ("softsign", {}),
        ("relu", {}),
        ("tanh", {}),
        ("sigmoid", {}),
    ],
)
def test_activations_under_torch_names(name: str, kwargs: dict[str, Any]) -> None:
    x = rng(1).standard_normal((3, 4)) * 3
    compare(
        lambda v: getattr(F, name)(v, **kwargs),
        lambda t: (
            getattr(TF, name)(t, **kwargs)
            if name not in ("tanh", "sigmoid")
            else getattr(torch, name)(t)
        ),
        [x],
        [True],
        np.float64,
    )
    padded = F.pad(Value(x), (1, 2))
    assert_same(padded.data, TF.pad(tensor(x), (1, 2)), F64, "pad")

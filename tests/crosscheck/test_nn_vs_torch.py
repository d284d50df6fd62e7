"""nn against torch.nn and torch.optim: every layer, loss, optimizer option and scheduler.

Each test builds the same thing on both sides from the same numpy arrays (PyTorch's
weights are copied into nn's through ``load_state_dict``, whose keys match), runs it on
random inputs, and compares values and gradients in float64 (``F64``). Optimizers are
driven by the same random gradients, set directly on ``.grad``, so that any difference
comes from the update rule alone. Runs in ``nox -s crosscheck``, where torch is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F64, SETTINGS, assert_same, cotangent
from hypothesis import given
from hypothesis import strategies as st

import nn
from tensorgrad import Value


@pytest.fixture(autouse=True)
def _float64_by_default() -> Iterator[None]:
    """torch's layers made here are float64, as nn's are by default; for this file only (a
    default dtype set at import would reach every other crosscheck file)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def copy_weights(ours: nn.Module, theirs: torch.nn.Module) -> None:
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def compare_module(ours: nn.Module, theirs: torch.nn.Module, x: np.ndarray) -> None:
    """Same output, and the same gradients of the input and of every parameter."""
    copy_weights(ours, theirs)
    xv, xt = Value(x), torch.tensor(x, requires_grad=True)
    yv, yt = ours(xv), theirs(xt)
    assert_same(yv.data, yt, F64, "output")
    g = cotangent(yv.shape, yv.dtype)
    yv.backward(g)
    yt.backward(torch.from_numpy(g))
    assert_same(xv.grad, xt.grad, F64, "input gradient")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_same(p.grad, theirs_params[name].grad, F64, f"gradient of {name}")


# -- layers -------------------------------------------------------------------------------------


@SETTINGS
@given(
    batch=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    n_in=st.integers(1, 5),
    n_out=st.integers(1, 5),
    bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_linear(batch: list[int], n_in: int, n_out: int, bias: bool, seed: int) -> None:
    x = rng(seed).standard_normal((*batch, n_in))
    compare_module(nn.Linear(n_in, n_out, bias), torch.nn.Linear(n_in, n_out, bias), x)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.Identity(), torch.nn.Identity()),
        (nn.Flatten(), torch.nn.Flatten()),
        (nn.Flatten(0, -2), torch.nn.Flatten(0, -2)),
        (nn.Dropout(0.3).eval(), torch.nn.Dropout(0.3).eval()),
    ],
)
def test_parameterless_layers(ours: nn.Module, theirs: torch.nn.Module) -> None:
    x = rng(0).standard_normal((3, 2, 4)) * 3
    x[0, 0, :2] = 0.0  # ReLU's kink: both give the gradient 0 there
    compare_module(ours, theirs, x)


def test_dropout_in_training_keeps_scaled_elements_like_pytorch() -> None:
    x = rng(0).standard_normal((100, 100))
    ours = nn.Dropout(0.4, generator=rng(1))(Value(x)).data
    theirs = torch.nn.Dropout(0.4)(torch.from_numpy(x)).numpy()
    for y in (ours, theirs):
        kept = y != 0
        np.testing.assert_allclose(y[kept], x[kept] / 0.6, rtol=1e-15)
        assert abs(kept.mean() - 0.6) < 0.02


def test_mlp_and_sequential_load_pytorch_weights_and_agree() -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(4, 8),
        torch.nn.ReLU(),
        torch.nn.Linear(8, 8),
        torch.nn.ReLU(),
        torch.nn.Linear(8, 3),
    )
    x = rng(0).standard_normal((5, 4))
    compare_module(nn.MLP(4, [8, 8, 3]), theirs, x)
    ours = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Flatten(), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.Linear(8, 3)
    )
    compare_module(ours, theirs, x)
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize(
    ("nonlinearity", "param"),
    [
        ("linear", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("leaky_relu", 5**0.5),
    ],
)
def test_calculate_gain(nonlinearity: str, param: float | None) -> None:
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


def test_linear_initial_bounds_match_pytorch() -> None:
    """Both draw uniformly on the same interval: compare the extremes of many draws."""
    ours = nn.Linear(64, 2000, generator=rng(0))
    theirs = torch.nn.Linear(64, 2000)
    for name, p in ours.named_parameters():
        ours_max = np.abs(p.data).max()
        theirs_max = theirs.state_dict()[name].abs().max().item()
        assert ours_max == pytest.approx(theirs_max, rel=0.01)


# -- losses ---------------------------------------------------------------------------------------

REDUCTION = st.sampled_from(["mean", "sum", "none"])


def compare_loss(
    ours: Callable[..., Value],
    theirs: Callable[..., torch.Tensor],
    x: np.ndarray,
    target: np.ndarray,
    target_requires_grad: bool,
    **kwargs: Any,
) -> None:
    xv, xt = Value(x), torch.tensor(x, requires_grad=True)
    if target_requires_grad:
        tv, tt = Value(target), torch.tensor(target, requires_grad=True)
    else:
        tv, tt = target, torch.from_numpy(target)
    lv, lt = ours(xv, tv, **kwargs), theirs(xt, tt, **kwargs)
    assert_same(lv.data, lt, F64, "loss")
    g = cotangent(lv.shape, lv.dtype)
    lv.backward(g)
    lt.backward(torch.from_numpy(g))
    assert_same(xv.grad, xt.grad, F64, "input gradient")
    if target_requires_grad:
        assert isinstance(tv, Value)
        assert_same(tv.grad, tt.grad, F64, "target gradient")


@SETTINGS
@given(
    n=st.integers(1, 6),
    classes=st.integers(1, 5),
    scale=st.sampled_from([1.0, 10.0, 1e3]),
    reduction=REDUCTION,
    label_smoothing=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy(
    n: int, classes: int, scale: float, reduction: str, label_smoothing: float, seed: int
) -> None:
    logits = rng(seed).standard_normal((n, classes)) * scale
    target = rng(seed + 1).integers(0, classes, n)
    compare_loss(
        nn.functional.cross_entropy,
        torch.nn.functional.cross_entropy,
        logits,
        target,
        False,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    module = nn.CrossEntropyLoss(reduction=reduction, label_smoothing=label_smoothing)
    reference = torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=label_smoothing)
    assert_same(
        module(logits, target).data,
        reference(torch.from_numpy(logits), torch.from_numpy(target)),
        F64,
        "module",
    )


@SETTINGS
@given(n=st.integers(1, 6), classes=st.integers(1, 5), reduction=REDUCTION, seed=st.integers(0, 99))
def test_nll_loss(n: int, classes: int, reduction: str, seed: int) -> None:
    log_probs = np.log(rng(seed).dirichlet(np.ones(classes), n))
    target = rng(seed + 1).integers(0, classes, n)
    compare_loss(
        nn.functional.nll_loss,
        torch.nn.functional.nll_loss,
        log_probs,
        target,
        False,
        reduction=reduction,
    )


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    reduction=REDUCTION,
    name=st.sampled_from(["mse_loss", "l1_loss", "binary_cross_entropy_with_logits"]),
    scale=st.sampled_from([1.0, 30.0, 1e3]),
    seed=st.integers(0, 2**16),
)
def test_elementwise_losses(
    shape: tuple[int, ...], reduction: str, name: str, scale: float, seed: int
) -> None:
    x = rng(seed).standard_normal(shape) * scale
    target = rng(seed + 1).uniform(0, 1, shape)
    ours, theirs = getattr(nn.functional, name), getattr(torch.nn.functional, name)
    compare_loss(ours, theirs, x, target, True, reduction=reduction)


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    reduction=REDUCTION,
    seed=st.integers(0, 2**16),
)
def test_binary_cross_entropy(shape: tuple[int, ...], reduction: str, seed: int) -> None:
    p = rng(seed).uniform(0.01, 0.99, shape)
    target = rng(seed + 1).uniform(0, 1, shape)
    compare_loss(
        nn.functional.binary_cross_entropy,
        torch.nn.functional.binary_cross_entropy,
        p,
        target,
        True,
        reduction=reduction,
    )


def test_binary_cross_entropy_clamps_like_pytorch() -> None:
    p, target = np.array([0.0, 1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.5])
    ours = nn.functional.binary_cross_entropy(Value(p), target, reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(
        torch.from_numpy(p), torch.from_numpy(target), reduction="none"
    )
    assert_same(ours.data, theirs, F64, "clamped loss")


@pytest.mark.parametrize(
    ("ours", "theirs", "classes"),
    [
        (nn.MSELoss, torch.nn.MSELoss, False),
        (nn.L1Loss, torch.nn.L1Loss, False),
        (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, False),
        (nn.BCELoss, torch.nn.BCELoss, False),
        (nn.NLLLoss, torch.nn.NLLLoss, True),
    ],
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_modules(ours: Any, theirs: Any, classes: bool, reduction: str) -> None:
    x = rng(0).uniform(0.05, 0.95, (4, 3))
    target = rng(1).integers(0, 3, 4) if classes else rng(1).uniform(0, 1, (4, 3))
    got = ours(reduction=reduction)(x, target).data
    expected = theirs(reduction=reduction)(torch.from_numpy(x), torch.from_numpy(target))
    assert_same(got, expected, F64, ours.__name__)


# -- optimizers -----------------------------------------------------------------------------------

SHAPES = [(3,), (2, 4)]


def compare_optimizer(ours: Callable[..., Any], theirs: Callable[..., Any], seed: int) -> None:
    """Five steps with the same random gradients; both must end at the same parameters.

    Now and then a parameter has no gradient (``grad`` None), as when the loss did not use
    it: both optimizers must then leave it and its state alone.
    """
    starts = [rng(seed + k).standard_normal(shape) for k, shape in enumerate(SHAPES)]
    ours_params = [nn.Parameter(a) for a in starts]
    theirs_params = [torch.tensor(a, requires_grad=True) for a in starts]
    opt_ours, opt_theirs = ours(ours_params), theirs(theirs_params)
    for step in range(5):
        for k, (p, q) in enumerate(zip(ours_params, theirs_params)):
            if (step + k) % 3 == 2:
                p.grad, q.grad = None, None
                continue
            g = rng(1000 * seed + 10 * step + k).standard_normal(p.shape)
            p.grad = g
            q.grad = torch.from_numpy(g.copy())
        opt_ours.step()
        opt_theirs.step()
    for k, (p, q) in enumerate(zip(ours_params, theirs_params)):
        assert_same(p.data, q, F64, f"parameter {k}")


@SETTINGS
@given(
    lr=st.sampled_from([0.01, 0.1, 1.0]),
    momentum=st.sampled_from([0.0, 0.5, 0.9]),
    dampening=st.sampled_from([0.0, 0.3]),
    weight_decay=st.sampled_from([0.0, 0.1]),
    nesterov=st.booleans(),
    seed=st.integers(0, 999),
)
def test_sgd(
    lr: float, momentum: float, dampening: float, weight_decay: float, nesterov: bool, seed: int
) -> None:
    if nesterov and (momentum == 0 or dampening != 0):
        dampening, momentum = 0.0, momentum or 0.9
    kwargs = {
        "lr": lr,
        "momentum": momentum,
        "dampening": dampening,
        "weight_decay": weight_decay,
        "nesterov": nesterov,
    }
    compare_optimizer(
        lambda ps: nn.SGD(ps, **kwargs), lambda ps: torch.optim.SGD(ps, **kwargs), seed
    )


@SETTINGS
@given(
    name=st.sampled_from(["Adam", "AdamW"]),
    lr=st.sampled_from([1e-3, 0.1]),
    betas=st.sampled_from([(0.9, 0.999), (0.5, 0.6), (0.0, 0.9)]),
    eps=st.sampled_from([1e-8, 1e-3]),
    weight_decay=st.sampled_from([0.0, 0.01, 0.5]),
    amsgrad=st.booleans(),
    seed=st.integers(0, 999),
)
def test_adam(
    name: str,
    lr: float,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    seed: int,
) -> None:
    kwargs = {
        "lr": lr,
        "betas": betas,
        "eps": eps,
        "weight_decay": weight_decay,
        "amsgrad": amsgrad,
    }
    compare_optimizer(
        lambda ps: getattr(nn, name)(ps, **kwargs),
        lambda ps: getattr(torch.optim, name)(ps, **kwargs),
        seed,
    )


def test_param_groups() -> None:
    def groups(ps: list[Any]) -> list[dict[str, Any]]:
        return [{"params": ps[:1], "lr": 0.05}, {"params": ps[1:], "momentum": 0.9}]

    compare_optimizer(
        lambda ps: nn.SGD(groups(ps), lr=0.1), lambda ps: torch.optim.SGD(groups(ps), lr=0.1), 0
    )


# -- schedulers -----------------------------------------------------------------------------------


def compare_scheduler(ours: Callable[..., Any], theirs: Callable[..., Any], epochs: int) -> None:
    ours_opt = nn.SGD(
        [{"params": [nn.Parameter([0.0])]}, {"params": [nn.Parameter([0.0])], "lr": 0.3}], lr=1.0
    )
    theirs_opt = torch.optim.SGD(
        [
            {"params": [torch.zeros(1, requires_grad=True)]},
            {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.3},
        ],
        lr=1.0,
    )
    s_ours, s_theirs = ours(ours_opt), theirs(theirs_opt)
    for epoch in range(epochs):
        theirs_opt.step()
        np.testing.assert_allclose(
            s_ours.get_last_lr(), s_theirs.get_last_lr(), rtol=1e-13, err_msg=f"epoch {epoch}"
        )
        s_ours.step()
        s_theirs.step()


@SETTINGS
@given(step_size=st.integers(1, 5), gamma=st.sampled_from([0.1, 0.5, 0.9]))
def test_step_lr(step_size: int, gamma: float) -> None:
    compare_scheduler(
        lambda o: nn.optim.lr_scheduler.StepLR(o, step_size, gamma),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma),
        20,
    )


@SETTINGS
@given(t_max=st.integers(1, 7), eta_min=st.sampled_from([0.0, 0.01, 0.2]))
def test_cosine_annealing_lr(t_max: int, eta_min: float) -> None:
    compare_scheduler(
        lambda o: nn.optim.lr_scheduler.CosineAnnealingLR(o, t_max, eta_min),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, t_max, eta_min),
        3 * t_max + 2,  # beyond T_max, where the cosine goes back up
    )


def test_lambda_lr() -> None:
    lambdas = [lambda e: 0.95**e, lambda e: 1.0 / (1 + e)]
    compare_scheduler(
        lambda o: nn.optim.lr_scheduler.LambdaLR(o, lambdas),
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambdas),
        12,
    )


# -- data -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "batch_size", "drop_last"), [(10, 3, False), (10, 3, True), (4, 5, False)]
)
def test_data_loader_batches_in_order_like_pytorch(
    n: int, batch_size: int, drop_last: bool
) -> None:
    x, y = rng(0).standard_normal((n, 2)), np.arange(n)
    ours = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size,
        drop_last=drop_last,
    )
    assert len(ours) == len(theirs)
    for (xo, yo), (xt, yt) in zip(ours, theirs, strict=True):
        assert_same(xo, xt, F64, "x batch")
        assert_same(yo, yt, F64, "y batch")

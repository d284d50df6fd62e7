"""RMSprop, Adagrad and the learning-rate schedulers against torch.optim, step by step.

Optimizers: every combination of their options, 30 steps driven by the same random
gradients (set on ``.grad``; now and then a parameter has none), in float64 (``F64``) and
float32 (``F32``: the same formulas in the same order, so float32 agrees to a few ulps);
and a run saved with ``state_dict`` mid-way and resumed in a new optimizer, which must go on
exactly as the uninterrupted run (and as torch's). Schedulers: the learning rate of two
parameter groups after every step (and OneCycleLR's momentum), for each option; a scripted
metric sequence for ReduceLROnPlateau; ``last_epoch`` resumes and ``state_dict`` round trips.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, assert_same

import nn
from nn.optim import lr_scheduler as ours_sched

theirs_sched = torch.optim.lr_scheduler
SHAPES = [(3,), (2, 4), ()]
STEPS = 30


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def gradients(dtype: Any, seed: int) -> list[list[np.ndarray | None]]:
    """Per step, each parameter's gradient (None now and then: the loss did not use it)."""
    r = rng(seed)
    return [
        [
            None if (step + k) % 7 == 3 else r.standard_normal(shape).astype(dtype)
            for k, shape in enumerate(SHAPES)
        ]
        for step in range(STEPS)
    ]


def starts(dtype: Any, seed: int) -> list[np.ndarray]:
    return [rng(seed + k).standard_normal(s).astype(dtype) for k, s in enumerate(SHAPES)]


def run_ours(opt: nn.optim.Optimizer, params: list[nn.Parameter], grads: list[Any]) -> None:
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else g.copy()
        opt.step()


def run_theirs(opt: torch.optim.Optimizer, params: list[torch.Tensor], grads: list[Any]) -> None:
    for step_grads in grads:
        for q, g in zip(params, step_grads):
            q.grad = None if g is None else torch.from_numpy(g.copy())
        opt.step()


def compare(name: str, kwargs: dict[str, Any], dtype: Any, seed: int = 0) -> None:
    tol = F64 if dtype == np.float64 else F32
    begin, grads = starts(dtype, seed), gradients(dtype, seed + 100)
    ours = [nn.Parameter(a, dtype=dtype) for a in begin]
    theirs = [torch.tensor(a, requires_grad=True) for a in begin]
    opt_ours = getattr(nn.optim, name)(ours, **kwargs)
    opt_theirs = getattr(torch.optim, name)(theirs, **kwargs)
    run_ours(opt_ours, ours, grads)
    run_theirs(opt_theirs, theirs, grads)
    for k, (p, q) in enumerate(zip(ours, theirs)):
        assert_same(p.data, q, tol, f"{name}({kwargs}) parameter {k}")
        state, their_state = opt_ours.state[p], opt_theirs.state[q]
        assert set(state) == set(their_state), f"state entries of parameter {k}"
        for key, value in state.items():
            expected = their_state[key]
            if key == "step":
                assert value == int(expected.item())
            else:
                assert_same(value, expected, tol, f"{name}({kwargs}) state {key!r} of {k}")


RMSPROP = [
    {
        "lr": lr,
        "alpha": alpha,
        "eps": eps,
        "weight_decay": wd,
        "momentum": momentum,
        "centered": centered,
        "maximize": maximize,
    }
    for lr, alpha, eps, wd, momentum, centered, maximize in itertools.product(
        [0.01], [0.99, 0.3], [1e-8, 1e-3], [0.0, 0.1], [0.0, 0.9], [False, True], [False, True]
    )
]
ADAGRAD = [
    {
        "lr": lr,
        "lr_decay": lr_decay,
        "weight_decay": wd,
        "initial_accumulator_value": initial,
        "eps": eps,
        "maximize": maximize,
    }
    for lr, lr_decay, wd, initial, eps, maximize in itertools.product(
        [0.1], [0.0, 0.05], [0.0, 0.1], [0.0, 0.5], [1e-10, 1e-3], [False, True]
    )
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", RMSPROP, ids=str)
def test_rmsprop(kwargs: dict[str, Any], dtype: Any) -> None:
    compare("RMSprop", kwargs, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", ADAGRAD, ids=str)
def test_adagrad(kwargs: dict[str, Any], dtype: Any) -> None:
    compare("Adagrad", kwargs, dtype)


def test_defaults_and_param_groups() -> None:
    for name in ("RMSprop", "Adagrad"):
        compare(name, {}, np.float64, seed=3)
    begin, grads = starts(np.float64, 5), gradients(np.float64, 6)
    ours = [nn.Parameter(a) for a in begin]
    theirs = [torch.tensor(a, requires_grad=True) for a in begin]

    def groups(ps: list[Any]) -> list[dict[str, Any]]:
        return [{"params": ps[:1], "lr": 0.05, "centered": True}, {"params": ps[1:]}]

    opt_ours = nn.RMSprop(groups(ours), lr=0.01, momentum=0.5)
    opt_theirs = torch.optim.RMSprop(groups(theirs), lr=0.01, momentum=0.5)
    run_ours(opt_ours, ours, grads)
    run_theirs(opt_theirs, theirs, grads)
    for p, q in zip(ours, theirs):
        assert_same(p.data, q, F64, "RMSprop groups")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}),
        ("Adagrad", {"lr_decay": 0.05, "initial_accumulator_value": 0.2}),
    ],
)
def test_state_dict_round_trip_mid_run(name: str, kwargs: dict[str, Any]) -> None:
    begin, grads = starts(np.float32, 7), gradients(np.float32, 8)
    ours = [nn.Parameter(a, dtype=np.float32) for a in begin]
    theirs = [torch.tensor(a, requires_grad=True) for a in begin]
    opt_ours = getattr(nn.optim, name)(ours, lr=0.05, **kwargs)
    opt_theirs = getattr(torch.optim, name)(theirs, lr=0.05, **kwargs)
    run_ours(opt_ours, ours, grads[:12])
    run_theirs(opt_theirs, theirs, grads[:12])
    saved, their_saved = opt_ours.state_dict(), opt_theirs.state_dict()
    assert saved["state"].keys() == their_saved["state"].keys()
    for index, entries in saved["state"].items():
        assert entries.keys() == their_saved["state"][index].keys()
    assert set(saved["param_groups"][0]) <= set(their_saved["param_groups"][0])
    # A new optimizer, from the saved state, goes on as the uninterrupted run of torch.
    resumed = [nn.Parameter(p.data.copy(), dtype=np.float32) for p in ours]
    opt_resumed = getattr(nn.optim, name)(resumed, lr=1.0)
    opt_resumed.load_state_dict(saved)
    run_ours(opt_resumed, resumed, grads[12:])
    run_ours(opt_ours, ours, grads[12:])
    run_theirs(opt_theirs, theirs, grads[12:])
    for p, r, q in zip(ours, resumed, theirs):
        np.testing.assert_array_equal(r.data, p.data)
        assert_same(r.data, q, F32, f"{name} resumed")


# -- schedulers -----------------------------------------------------------------------------------


def optimizers(kind: str = "SGD") -> tuple[nn.optim.Optimizer, torch.optim.Optimizer]:
    """nn's and torch's optimizer over two groups (lr 1.0 and 0.3)."""
    a, b = nn.Parameter([0.0]), nn.Parameter([0.0])
    c, d = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    extra = {"momentum": 0.9} if kind == "SGD" else {}
    return (
        getattr(nn.optim, kind)([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=1.0, **extra),
        getattr(torch.optim, kind)([{"params": [c]}, {"params": [d], "lr": 0.3}], lr=1.0, **extra),
    )


def momenta(opt: Any) -> list[float]:
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def compare_schedules(
    ours: Any, theirs: Any, opt_ours: Any, opt_theirs: Any, epochs: int, momentum: bool = False
) -> None:
    for epoch in range(epochs):
        if epoch > 0:
            opt_theirs.step()  # (torch warns if its scheduler steps first)
            ours.step()
            theirs.step()
        np.testing.assert_allclose(
            ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-13, atol=1e-15, err_msg=f"{epoch}"
        )
        their_lrs = [g["lr"] for g in opt_theirs.param_groups]
        np.testing.assert_allclose([g["lr"] for g in opt_ours.param_groups], their_lrs, 1e-13)
        if momentum:
            np.testing.assert_allclose(momenta(opt_ours), momenta(opt_theirs), rtol=1e-13)


def schedules(
    make: Callable[[Any, Any], Any], epochs: int, kind: str = "SGD", momentum: bool = False
) -> None:
    """The schedule made by ``make(module, optimizer)`` for nn and for torch, epoch by epoch."""
    opt_ours, opt_theirs = optimizers(kind)
    ours, theirs = make(ours_sched, opt_ours), make(theirs_sched, opt_theirs)
    compare_schedules(ours, theirs, opt_ours, opt_theirs, epochs, momentum)


@pytest.mark.parametrize(
    ("milestones", "gamma"), [([3, 7, 8], 0.5), ([0, 2, 2, 5], 0.1), ([], 0.3), ([25], 0.9)]
)
def test_multistep_lr(milestones: list[int], gamma: float) -> None:
    schedules(lambda s, o: s.MultiStepLR(o, milestones, gamma), 26)


@pytest.mark.parametrize("gamma", [0.9, 0.5, 1.0, 0.0])
def test_exponential_lr(gamma: float) -> None:
    schedules(lambda s, o: s.ExponentialLR(o, gamma), 26)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 7},
        {"start_factor": 1.0, "end_factor": 0.0, "total_iters": 4},
        {"start_factor": 0.5, "total_iters": 1},
    ],
)
def test_linear_lr(kwargs: dict[str, Any]) -> None:
    schedules(lambda s, o: s.LinearLR(o, **kwargs), 26)


ONE_CYCLE = [
    {"max_lr": 1.0, "total_steps": 30},
    {"max_lr": [0.5, 2.0], "total_steps": 26, "anneal_strategy": "linear"},
    {"max_lr": 1.0, "epochs": 5, "steps_per_epoch": 6, "three_phase": True},
    {"max_lr": 0.1, "total_steps": 27, "pct_start": 0.5, "three_phase": True,
     "anneal_strategy": "linear", "div_factor": 10.0, "final_div_factor": 100.0},
    {"max_lr": 1.0, "total_steps": 25, "base_momentum": [0.8, 0.7], "max_momentum": 0.99},
    {"max_lr": 1.0, "total_steps": 25, "cycle_momentum": False, "pct_start": 0.0},
    {"max_lr": 1.0, "total_steps": 25, "pct_start": 1.0, "anneal_strategy": "linear"},
]  # fmt: skip


@pytest.mark.parametrize("kind", ["SGD", "Adam", "RMSprop"])
@pytest.mark.parametrize("kwargs", ONE_CYCLE, ids=str)
def test_one_cycle_lr(kwargs: dict[str, Any], kind: str) -> None:
    total = kwargs.get("total_steps") or kwargs["epochs"] * kwargs["steps_per_epoch"]
    cycle = kwargs.get("cycle_momentum", True)
    # pct_start=1: torch divides by zero at step total_steps; compare the steps before it.
    epochs = total if kwargs.get("pct_start") == 1.0 else total + 1
    schedules(lambda s, o: s.OneCycleLR(o, **kwargs), epochs, kind, momentum=cycle)


def test_one_cycle_lr_past_the_end_raises_as_torch() -> None:
    opt_ours, opt_theirs = optimizers()
    ours = ours_sched.OneCycleLR(opt_ours, 1.0, total_steps=3)
    theirs = theirs_sched.OneCycleLR(opt_theirs, 1.0, total_steps=3)
    for _ in range(3):
        opt_theirs.step()
        ours.step()
        theirs.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        theirs.step()
    with pytest.raises(ValueError, match=r"^OneCycleLR: Tried to step 4 times\. The specified"):
        ours.step()
    assert ours.last_epoch == 3  # unchanged (torch's has moved on to 4)


METRICS = [5.0, 4.0, 4.0, 3.9999, 4.0, 3.0, 3.0, 3.0, 3.0, 2.9, 3.5, 2.0, 2.0, 2.0, 2.0, 2.0,
           2.0, 1.0, math.nan, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]  # fmt: skip


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"patience": 1, "factor": 0.5},
        {"patience": 0, "cooldown": 2, "factor": 0.5, "threshold": 0.1},
        {"patience": 2, "cooldown": 1, "min_lr": [0.2, 0.01], "factor": 0.3},
        {"patience": 0, "min_lr": 0.1, "eps": 0.05, "factor": 0.9, "threshold": 0.0},
    ],
)
def test_reduce_lr_on_plateau(mode: str, threshold_mode: str, kwargs: dict[str, Any]) -> None:
    opt_ours, opt_theirs = optimizers()
    args = {"mode": mode, "threshold_mode": threshold_mode, **kwargs}
    ours = ours_sched.ReduceLROnPlateau(opt_ours, **args)
    theirs = theirs_sched.ReduceLROnPlateau(opt_theirs, **args)
    sign = 1.0 if mode == "min" else -1.0
    for epoch, metric in enumerate(METRICS):
        ours.step(sign * metric)
        theirs.step(sign * metric)
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-15)
        for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
            assert getattr(ours, key) == getattr(theirs, key) or (
                math.isnan(getattr(ours, key)) and math.isnan(getattr(theirs, key))
            ), f"{key} at epoch {epoch}"


@pytest.mark.parametrize(
    "make",
    [
        lambda s, o: [s.LinearLR(o, start_factor=0.1, total_iters=5), s.CosineAnnealingLR(o, 20)],
        lambda s, o: [s.LinearLR(o, 0.5, 0.8, 4), s.ExponentialLR(o, 0.9), s.StepLR(o, 3, 0.5)],
        lambda s, o: [s.ExponentialLR(o, 0.5), s.MultiStepLR(o, [0, 2, 6], 0.5)],
        lambda s, o: [s.ConstantLR(o) if s is theirs_sched else s.LambdaLR(o, lambda e: 1 / 3)],
    ],
)
@pytest.mark.parametrize("milestones", [[4, 9], [0, 12], [1, 2]])
def test_sequential_lr(make: Callable[[Any, Any], list[Any]], milestones: list[int]) -> None:
    opt_ours, opt_theirs = optimizers()
    ours_list, theirs_list = make(ours_sched, opt_ours), make(theirs_sched, opt_theirs)
    n = len(ours_list) - 1
    if n == 0:  # a LambdaLR factor of 1/3 is ConstantLR's until its end at epoch 5
        ours = ours_sched.SequentialLR(opt_ours, ours_list, [])
        theirs = theirs_sched.SequentialLR(opt_theirs, theirs_list, [])
        compare_schedules(ours, theirs, opt_ours, opt_theirs, 5)
        return
    ours = ours_sched.SequentialLR(opt_ours, ours_list, milestones[:n])
    theirs = theirs_sched.SequentialLR(opt_theirs, theirs_list, milestones[:n])
    compare_schedules(ours, theirs, opt_ours, opt_theirs, 26)


RESUMABLE = [
    lambda s, o, e: s.StepLR(o, 3, 0.5, last_epoch=e),
    lambda s, o, e: s.MultiStepLR(o, [2, 5, 9], 0.5, last_epoch=e),
    lambda s, o, e: s.ExponentialLR(o, 0.9, last_epoch=e),
    lambda s, o, e: s.LinearLR(o, 0.25, 1.0, 6, last_epoch=e),
    lambda s, o, e: s.CosineAnnealingLR(o, 7, 0.01, last_epoch=e),
    lambda s, o, e: s.LambdaLR(o, lambda k: 0.9**k, last_epoch=e),
    lambda s, o, e: s.OneCycleLR(o, 1.0, total_steps=40, last_epoch=e),
]


@pytest.mark.parametrize("make", RESUMABLE)
@pytest.mark.parametrize("last_epoch", [0, 2, 5])
def test_last_epoch_resumes_as_torch(make: Callable[..., Any], last_epoch: int) -> None:
    # The optimizer as a checkpoint left it: a first scheduler ran, and the rates moved on.
    opt_ours, opt_theirs = optimizers()
    make(ours_sched, opt_ours, -1)
    make(theirs_sched, opt_theirs, -1)
    for k, (g, h) in enumerate(zip(opt_ours.param_groups, opt_theirs.param_groups)):
        g["lr"] = h["lr"] = 0.5 / (k + 1)
    ours = make(ours_sched, opt_ours, last_epoch)
    theirs = make(theirs_sched, opt_theirs, last_epoch)
    compare_schedules(ours, theirs, opt_ours, opt_theirs, 25)


@pytest.mark.parametrize("make", [*RESUMABLE, None])
def test_state_dict_round_trip_mid_run_gives_the_same_schedule(make: Any) -> None:
    def build(s: Any, o: Any) -> Any:
        if make is None:
            return s.SequentialLR(o, [s.LinearLR(o, 0.2, total_iters=4), s.StepLR(o, 2)], [5])
        return make(s, o, -1)

    opt_ours, opt_theirs = optimizers()
    ours, theirs = build(ours_sched, opt_ours), build(theirs_sched, opt_theirs)
    for _ in range(7):
        opt_theirs.step()
        ours.step()
        theirs.step()
    saved, lr_groups = ours.state_dict(), [dict(g) for g in opt_ours.state_dict()["param_groups"]]
    # A new optimizer and scheduler, restored from the two state dicts, go on as torch's.
    opt_new, _ = optimizers()
    resumed = build(ours_sched, opt_new)
    opt_new.load_state_dict({"state": {}, "param_groups": lr_groups})
    resumed.load_state_dict(saved)
    compare_schedules(resumed, theirs, opt_new, opt_theirs, 18)

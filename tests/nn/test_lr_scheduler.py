"""Learning-rate schedulers against PyTorch's own sequences, and their errors.

The sequences were computed ONCE with PyTorch 2.13.0 by the ``lrs`` function of the
script in ``test_optim.py``'s docstring (the script's last lines, from ``def lrs``, print
them); :func:`lrs` below runs the same schedule on nn's optimizer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from nn.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LRScheduler, StepLR
from tensorgrad import Value

STEP_LR = [
    [1.0, 0.5],
    [1.0, 0.5],
    [1.0, 0.5],
    [0.5, 0.25],
    [0.5, 0.25],
    [0.5, 0.25],
    [0.25, 0.125],
    [0.25, 0.125],
    [0.25, 0.125],
    [0.125, 0.0625],
    [0.125, 0.0625],
]
COSINE = [
    [1.0, 0.5],
    [0.855017856687341, 0.4282411613907041],
    [0.505, 0.255],
    [0.15498214331265903, 0.08175883860929586],
    [0.01, 0.01],
    [0.15498214331265897, 0.08175883860929584],
    [0.5050000000000001, 0.255],
    [0.8550178566873414, 0.42824116139070423],
    [1.0000000000000004, 0.5000000000000001],
    [0.8550178566873415, 0.4282411613907043],
    [0.5050000000000003, 0.2550000000000001],
]
LAMBDA = [
    [1.0, 0.5],
    [0.9, 0.25],
    [0.81, 0.16666666666666666],
    [0.7290000000000001, 0.125],
    [0.6561, 0.1],
    [0.5904900000000001, 0.08333333333333333],
    [0.531441, 0.07142857142857142],
    [0.4782969000000001, 0.0625],
    [0.4304672100000001, 0.05555555555555555],
    [0.3874204890000001, 0.05],
    [0.3486784401000001, 0.045454545454545456],
]


def lrs(make: Callable[[nn.optim.Optimizer], LRScheduler], epochs: int = 10) -> list[list[float]]:
    a, b = nn.Parameter([0.0]), nn.Parameter([0.0])
    opt = nn.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
    scheduler = make(opt)
    out = [scheduler.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        scheduler.step()
        out.append(scheduler.get_last_lr())
        assert [group["lr"] for group in opt.param_groups] == out[-1]
    return out


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda o: StepLR(o, step_size=3, gamma=0.5), STEP_LR),
        (lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.01), COSINE),  # past T_max too
        (lambda o: LambdaLR(o, [lambda e: 0.9**e, lambda e: 1 / (e + 1)]), LAMBDA),
    ],
)
def test_schedule_matches_pytorch(
    make: Callable[[nn.optim.Optimizer], LRScheduler], expected: list[list[float]]
) -> None:
    np.testing.assert_allclose(lrs(make), expected, rtol=1e-14, atol=0.0)


def test_cosine_follows_its_closed_form() -> None:
    lr0, eta_min, period = 1.0, 0.01, 4
    closed = [eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * t / period)) / 2 for t in range(9)]
    got = [row[0] for row in lrs(lambda o: CosineAnnealingLR(o, period, eta_min), epochs=8)]
    np.testing.assert_allclose(got, closed, rtol=1e-12)


def test_one_lambda_serves_every_group_and_state_dict_round_trips() -> None:
    a, b = nn.Parameter([0.0]), nn.Parameter([0.0])
    opt = nn.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
    scheduler = LambdaLR(opt, lambda epoch: 0.5**epoch)
    scheduler.step()
    assert scheduler.get_last_lr() == [0.5, 0.25]
    saved = scheduler.state_dict()
    assert saved["last_epoch"] == 1
    assert saved["base_lrs"] == [1.0, 0.5]
    assert "optimizer" not in saved
    assert "lr_lambdas" not in saved
    other = LambdaLR(opt, lambda epoch: 0.5**epoch)
    other.load_state_dict(saved)
    other.step()
    assert other.get_last_lr() == [0.25, 0.125]


def test_scheduler_errors() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    with pytest.raises(ValueError, match=r"LambdaLR: expected 1 lr_lambdas \(one per parameter"):
        LambdaLR(opt, [lambda e: 1.0, lambda e: 1.0])
    with pytest.raises(NotImplementedError, match="LRScheduler does not define _next_lrs"):
        LRScheduler(opt)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: StepLR(o, step_size=0), ValueError, r"^StepLR: step_size must be a positive "),
        (
            lambda o: StepLR(o, step_size=-3),
            ValueError,
            r"step_size must be a positive int, got -3",
        ),
        (lambda o: StepLR(o, 1.5), TypeError, r"^StepLR: step_size must be a positive int, got f"),
        (lambda o: StepLR(o, True), TypeError, r"^StepLR: step_size must be a positive int, got b"),
        (lambda o: StepLR(o, "2"), TypeError, r"StepLR: step_size must be a positive int, got str"),
        (lambda o: StepLR(o, 1, gamma="0.1"), TypeError, r"^StepLR: gamma must be a real number,"),
        (lambda o: StepLR(o, 1, gamma=None), TypeError, r"^StepLR: gamma must be a real number, g"),
        (lambda o: StepLR(o, 1, gamma=-0.5), ValueError, r"^StepLR: Invalid gamma value: -0\.5 \("),
        (lambda o: StepLR(o, 1, gamma=float("nan")), ValueError, r"Invalid gamma value: nan"),
        (lambda o: CosineAnnealingLR(o, 0), ValueError, r"^CosineAnnealingLR: T_max must be a pos"),
        (lambda o: CosineAnnealingLR(o, 2.5), TypeError, r"T_max must be a positive int, got flo"),
        (lambda o: CosineAnnealingLR(o, 2, eta_min="0"), TypeError, r"eta_min must be a real num"),
        (lambda o: CosineAnnealingLR(o, 2, eta_min=-1), ValueError, r"Invalid eta_min value: -1"),
        (
            lambda o: LambdaLR(o, 0.5),
            TypeError,
            r"^LambdaLR: lr_lambda must be a function of the epoch or a list of them \(one per "
            r"parameter group\), got float 0\.5$",
        ),
        (lambda o: LambdaLR(o, [0.5]), TypeError, r"^LambdaLR: lr_lambda\[0\] must be a function"),
        (
            lambda o: LambdaLR(o, lambda e: "1"),
            TypeError,
            r"^LambdaLR: lr_lambda\(0\) for parameter group 0 must be a real number, got str '1'$",
        ),
        (
            lambda o: LambdaLR(o, lambda e: -1.0),
            ValueError,
            r"^LambdaLR: Invalid factor: -1\.0 \(lr_lambda\(0\) for parameter group 0 must be a "
            r"finite number >= 0\)$",
        ),
    ],
)
def test_bad_arguments_are_named_at_construction(
    make: Callable[[nn.optim.Optimizer], LRScheduler], error: type[Exception], message: str
) -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    with pytest.raises(error, match=message):
        make(opt)
    assert opt.param_groups[0]["lr"] == 1.0


def test_int_like_arguments_are_accepted() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    assert StepLR(opt, np.int64(2), gamma=1).step_size == 2
    assert CosineAnnealingLR(opt, np.int32(3), eta_min=np.float32(0.0)).T_max == 3


@pytest.mark.parametrize("make", [StepLR, CosineAnnealingLR, LambdaLR])
def test_the_optimizer_must_be_an_optimizer(make: Callable[..., LRScheduler]) -> None:
    name = make.__name__
    with pytest.raises(
        TypeError, match=rf"^{name}: optimizer must be an Optimizer, got str 'sgd'$"
    ):
        make("sgd", 1)
    group_without_lr = nn.optim.Optimizer([nn.Parameter([0.0])], {})
    with pytest.raises(
        ValueError, match=rf"^{name}: parameter group 0 of the optimizer has no 'lr'$"
    ):
        make(group_without_lr, 1)


@pytest.mark.parametrize(
    ("state", "error", "message"),
    [
        ([1], TypeError, r"^StepLR\.load_state_dict: expected a dict, as state_dict\(\) returns"),
        (
            {"T_max": 4},
            ValueError,
            r"^StepLR\.load_state_dict: unexpected key\(s\) 'T_max'; StepLR saves 'step_size', ",
        ),
        ({"step_size": 0}, ValueError, r"^StepLR\.load_state_dict: step_size must be a positive"),
        ({"gamma": "x"}, TypeError, r"^StepLR\.load_state_dict: gamma must be a real number"),
        ({"last_epoch": "3"}, TypeError, r"last_epoch must be an int >= -1, got str '3'$"),
        ({"last_epoch": -2}, ValueError, r"last_epoch must be an int >= -1, got -2$"),
        (
            {"base_lrs": [1.0, 0.5]},
            ValueError,
            r"base_lrs must be a list of 1 learning rates \(one per parameter group\), got list",
        ),
        ({"base_lrs": ["1"]}, TypeError, r"base_lrs\[0\] must be a real number, got str '1'"),
        ({"_last_lr": [float("nan")]}, ValueError, r"Invalid learning rate: nan \(_last_lr\[0\]"),
    ],
)
def test_load_state_dict_checks_and_changes_nothing_on_error(
    state: object, error: type[Exception], message: str
) -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    scheduler = StepLR(opt, step_size=2)
    before = scheduler.state_dict()
    with pytest.raises(error, match=message):
        scheduler.load_state_dict(state)  # type: ignore[arg-type]
    assert scheduler.state_dict() == before


def test_load_state_dict_refuses_an_optimizers_state() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    scheduler = CosineAnnealingLR(opt, T_max=3)
    with pytest.raises(
        ValueError,
        match=r"^CosineAnnealingLR\.load_state_dict: unexpected key\(s\) 'state', "
        r"'param_groups'",
    ):
        scheduler.load_state_dict(opt.state_dict())


# -- MultiStepLR, ExponentialLR, LinearLR, OneCycleLR, ReduceLROnPlateau, SequentialLR -------------
# (tests/crosscheck/test_optim_sched_vs_torch.py compares every one with PyTorch, step by step)

S = nn.optim.lr_scheduler


def first_group(make: Callable[[nn.optim.Optimizer], LRScheduler], epochs: int) -> list[float]:
    return [row[0] for row in lrs(make, epochs)]


@pytest.mark.parametrize(
    ("make", "closed_form"),
    [
        (
            lambda o: S.MultiStepLR(o, [2, 5, 5], 0.5),
            lambda t: 0.5 ** sum(m <= t for m in [2, 5, 5]),
        ),
        (lambda o: S.ExponentialLR(o, 0.8), lambda t: 0.8**t),
        (lambda o: S.LinearLR(o, 0.2, 0.6, 4), lambda t: 0.2 + 0.4 * min(t, 4) / 4),
        (lambda o: S.LinearLR(o), lambda t: 1 / 3 + 2 / 3 * min(t, 5) / 5),
    ],
)
def test_chainable_rules_follow_their_closed_forms(make: Any, closed_form: Any) -> None:
    np.testing.assert_allclose(first_group(make, 10), [closed_form(t) for t in range(11)], 1e-14)


def test_one_cycle_lr_goes_up_then_down_and_cycles_the_momentum() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=0.1, momentum=0.9)
    scheduler = S.OneCycleLR(opt, max_lr=2.0, total_steps=11, pct_start=0.2, div_factor=4.0)
    group = opt.param_groups[0]
    assert (group["initial_lr"], group["max_lr"], group["min_lr"]) == (0.5, 2.0, 0.5e-4)
    seen = []
    for _ in range(11):
        seen.append((group["lr"], group["momentum"]))
        opt.step()
        scheduler.step()
    (lr0, m0), (lr_top, m_top), (lr_end, m_end) = seen[0], seen[1], seen[10]
    assert m_top == pytest.approx(0.85 + 0.1 * (1 + np.cos(np.pi / 1.2)) / 2)
    assert (lr0, m0) == (0.5, 0.95)
    assert lr_top == pytest.approx(0.5 + (2.0 - 0.5) * (1 - np.cos(np.pi / 1.2)) / 2)
    assert (lr_end, m_end) == (pytest.approx(0.5e-4), pytest.approx(0.95))
    adam = nn.Adam([nn.Parameter([0.0])], betas=(0.5, 0.7))
    S.OneCycleLR(adam, max_lr=1.0, epochs=2, steps_per_epoch=3, base_momentum=0.6)
    assert adam.param_groups[0]["betas"] == (0.95, 0.7)
    with pytest.raises(ValueError, match=r"^OneCycleLR: Tried to step 12 times\. The specified"):
        scheduler.step()
    assert scheduler.last_epoch == 11


def test_one_cycle_lr_zero_length_phase_ends_at_its_end_value() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=0.1)
    scheduler = S.OneCycleLR(opt, 1.0, total_steps=4, pct_start=1.0, cycle_momentum=False)
    for _ in range(4):
        scheduler.step()  # PyTorch divides by zero at this last step
    assert scheduler.get_last_lr() == [opt.param_groups[0]["min_lr"]]


def test_reduce_lr_on_plateau_with_patience_cooldown_threshold_and_min_lr() -> None:
    opt = nn.SGD([{"params": [nn.Parameter([0.0])]}, {"params": [nn.Parameter([0.0])]}], lr=1.0)
    scheduler = S.ReduceLROnPlateau(
        opt, patience=1, cooldown=1, factor=0.5, threshold=0.1, min_lr=[0.3, 0.0]
    )
    metrics = [10.0, 9.5, 9.5, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, "end"]
    seen = []
    for metric in metrics[:-1]:
        scheduler.step(np.float32(metric) if metric == 8.0 else Value(metric))
        seen.append(scheduler.get_last_lr())
    # 9.5 is not 10% better than 10: bad epochs 1, 2 -> halve, then a cooldown epoch, ...
    assert seen == [
        [1.0, 1.0], [1.0, 1.0], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5],
        [0.3, 0.25], [0.3, 0.25], [0.3, 0.25], [0.3, 0.125],
    ]  # fmt: skip
    assert scheduler.best == 8.0
    maximize = S.ReduceLROnPlateau(opt, mode="max", patience=0, threshold_mode="abs", threshold=1)
    maximize.step(1.0)
    maximize.step(1.5)  # not more than 1 better
    np.testing.assert_allclose(maximize.get_last_lr(), [0.03, 0.0125], rtol=1e-14)
    maximize.step(float("nan"))  # a NaN never improves, as in PyTorch
    assert maximize.num_bad_epochs == 0
    np.testing.assert_allclose(maximize.get_last_lr(), [0.003, 0.00125], rtol=1e-14)


def test_reduce_lr_on_plateau_state_dict_and_a_group_added_later() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    scheduler = S.ReduceLROnPlateau(opt, patience=0, min_lr=[0.0])
    scheduler.step(1.0)
    saved = scheduler.state_dict()
    assert {"best", "num_bad_epochs", "cooldown_counter", "min_lrs", "mode"} <= set(saved)
    other = S.ReduceLROnPlateau(opt)
    other.load_state_dict(saved)
    other.step(2.0)
    assert other.get_last_lr() == [0.1]
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau\.load_state_dict: best must be a real"):
        other.load_state_dict({"best": "x"})
    opt.add_param_group({"params": [nn.Parameter([0.0])], "lr": 1.0})
    with pytest.raises(RuntimeError, match=r"^ReduceLROnPlateau: the optimizer has 2 parameter"):
        other.step(3.0)
    assert other.last_epoch == 2  # the failed step changed nothing


def test_sequential_lr_hands_over_at_milestones_from_the_closed_form() -> None:
    def make(o: nn.optim.Optimizer) -> LRScheduler:
        warm = S.LinearLR(o, start_factor=0.25, total_iters=4)
        return S.SequentialLR(o, [warm, S.StepLR(o, 2, 0.5), S.ExponentialLR(o, 0.5)], [2, 5])

    # The warm-up stops half-way (0.625): at epoch 2 StepLR starts over from initial_lr.
    assert first_group(make, 7) == [0.25, 0.4375, 1.0, 1.0, 0.5, 1.0, 0.5, 0.25]
    a = nn.Parameter([0.0])
    opt = nn.SGD([a], lr=1.0)
    scheduler = make(opt)
    for _ in range(3):
        scheduler.step()
    saved = scheduler.state_dict()
    assert [s["last_epoch"] for s in saved["_schedulers"]] == [1, 1, -1]
    new_opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    again = make(new_opt)
    new_opt.load_state_dict(opt.state_dict())  # the rates, as a checkpoint holds them
    again.load_state_dict(saved)
    again.step()
    scheduler.step()
    assert again.get_last_lr() == scheduler.get_last_lr() == [0.5]
    before = again.state_dict()
    with pytest.raises(ValueError, match=r"^SequentialLR\.load_state_dict: scheduler 1: StepLR"):
        again.load_state_dict({**saved, "_schedulers": [{}, {"step_size": 0}, {}]})
    assert again.state_dict() == before


def test_last_epoch_resumes_and_needs_initial_lr() -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    with pytest.raises(
        ValueError,
        match=r"^ExponentialLR: last_epoch=4 resumes a schedule, which needs 'initial_lr' in every "
        r"parameter group, and group 0 has none: load the optimizer's state dict",
    ):
        S.ExponentialLR(opt, 0.5, last_epoch=4)
    opt.param_groups[0]["initial_lr"] = 2.0
    scheduler = S.ExponentialLR(opt, 0.5, last_epoch=4)  # keeps the current rate at first
    assert (scheduler.last_epoch, scheduler.get_last_lr(), scheduler.base_lrs) == (5, [1.0], [2.0])
    scheduler.step()
    assert scheduler.get_last_lr() == [0.5]
    step = StepLR(opt, 3, 0.1, last_epoch=2)  # epoch 3 is a decay: PyTorch applies it
    assert step.get_last_lr() == [pytest.approx(0.05)]
    with pytest.raises(ValueError, match=r"OneCycleLR: last_epoch=3 .* 'max_lr', 'min_lr'"):
        S.OneCycleLR(opt, 1.0, total_steps=10, last_epoch=3)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: S.MultiStepLR(o, [3, 1]), ValueError, r"^MultiStepLR: milestones must be incr"),
        (lambda o: S.MultiStepLR(o, "12"), TypeError, r"milestones must be a list of epochs"),
        (lambda o: S.MultiStepLR(o, [True]), TypeError, r"milestones\[0\] must be a non-negative"),
        (lambda o: S.ExponentialLR(o, None), TypeError, r"^ExponentialLR: gamma must be a real"),
        (lambda o: S.LinearLR(o, 1.5), ValueError, r"start_factor must be in \(0, 1\]\)$"),
        (lambda o: S.LinearLR(o, 0.5, -0.1), ValueError, r"end_factor must be in \[0, 1\]\)$"),
        (lambda o: S.LinearLR(o, total_iters=2.0), TypeError, r"total_iters must be a positive"),
        (lambda o: S.OneCycleLR(o, 1.0), ValueError, r"^OneCycleLR: give total_steps, or both"),
        (lambda o: S.OneCycleLR(o, 1.0, epochs=2), ValueError, r"steps_per_epoch=None$"),
        (lambda o: S.OneCycleLR(o, 1.0, 5, pct_start=-0.1), ValueError, r"pct_start value: -0"),
        (lambda o: S.OneCycleLR(o, [1.0, 2.0], 5), ValueError, r"max_lr must be a number or a"),
        (lambda o: S.OneCycleLR(o, -1.0, 5), ValueError, r"Invalid max_lr value: -1\.0"),
        (lambda o: S.OneCycleLR(o, 1.0, 5, anneal_strategy=1), TypeError, r"anneal_strategy m"),
        (lambda o: S.OneCycleLR(o, 1.0, 5, three_phase="no"), TypeError, r"three_phase must be"),
        (lambda o: S.OneCycleLR(o, 1.0, 5, final_div_factor=0), ValueError, r"final_div_factor"),
        (lambda o: S.ReduceLROnPlateau(o, "low"), ValueError, r"mode must be one of 'min', 'max'"),
        (lambda o: S.ReduceLROnPlateau(o, factor=-0.5), ValueError, r"Invalid factor value: -0"),
        (lambda o: S.ReduceLROnPlateau(o, cooldown=1.5), TypeError, r"cooldown must be a non-n"),
        (lambda o: S.ReduceLROnPlateau(o, threshold=-1), ValueError, r"Invalid threshold value"),
        (lambda o: S.ReduceLROnPlateau(o, min_lr=-1), ValueError, r"Invalid min_lr value: -1"),
        (lambda o: S.SequentialLR(o, "ab", []), TypeError, r"^SequentialLR: schedulers must be"),
        (
            lambda o: S.SequentialLR(o, [S.ReduceLROnPlateau(o)], []),
            ValueError,
            r"schedulers\[0\] is a ReduceLROnPlateau, which cannot be sequenced",
        ),
        (
            lambda o: S.SequentialLR(o, [S.SequentialLR(o, [S.StepLR(o, 1)], [])], []),
            ValueError,
            r"schedulers\[0\] is a SequentialLR",
        ),
        (
            lambda o: S.SequentialLR(o, [S.StepLR(o, 1), S.StepLR(o, 2)], [2, 4]),
            ValueError,
            r"one milestone fewer than schedulers; got 2 schedulers and 2 milestones \[2, 4\]",
        ),
    ],
)
def test_new_schedulers_name_bad_arguments(make: Any, error: Any, message: str) -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0)
    with pytest.raises(error, match=message):
        make(opt)


def test_one_cycle_needs_a_momentum_to_cycle_and_takes_none_when_told() -> None:
    adagrad = nn.Adagrad([nn.Parameter([0.0])])
    with pytest.raises(ValueError, match=r"cycle_momentum=True needs an optimizer with a momentum"):
        S.OneCycleLR(adagrad, 1.0, total_steps=3)
    S.OneCycleLR(adagrad, 1.0, total_steps=3, cycle_momentum=False)
    adam = nn.Adam([nn.Parameter([0.0])])
    with pytest.raises(ValueError, match=r"Invalid max_momentum for parameter group 0 value: 1\.5"):
        S.OneCycleLR(adam, 1.0, total_steps=3, max_momentum=1.5)
    with pytest.raises(TypeError, match=r"^ReduceLROnPlateau\.step: metrics must be a real number"):
        S.ReduceLROnPlateau(adam).step([1.0, 2.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda o: S.MultiStepLR(o, [2, 4]),
        lambda o: S.ExponentialLR(o, 0.9),
        lambda o: S.LinearLR(o, 0.2),
        lambda o: S.OneCycleLR(o, 1.0, total_steps=12, three_phase=True),
        lambda o: CosineAnnealingLR(o, 4),
    ],
)
def test_new_state_dicts_round_trip_and_are_copies(make: Any) -> None:
    opt = nn.SGD([nn.Parameter([0.0])], lr=1.0, momentum=0.9)
    scheduler = make(opt)
    for _ in range(3):
        scheduler.step()
    saved = scheduler.state_dict()
    expected = [(scheduler.step(), scheduler.get_last_lr())[1] for _ in range(5)]
    again = make(nn.SGD([nn.Parameter([0.0])], lr=1.0, momentum=0.9))
    again.optimizer.param_groups[0].update(
        {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    )
    again.optimizer.param_groups[0]["lr"] = saved["_last_lr"][0]
    again.load_state_dict(saved)
    got = [(again.step(), again.get_last_lr())[1] for _ in range(5)]
    assert got[-1] == expected[-1]
    for value in saved.values():
        if isinstance(value, list):
            value.clear()  # the saved lists are copies
    assert again.state_dict() != saved

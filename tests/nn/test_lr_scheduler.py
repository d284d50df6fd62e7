"""Learning-rate schedulers against PyTorch's own sequences, and their errors.

The sequences were computed ONCE with PyTorch 2.13.0 by the ``lrs`` function of the
script in ``test_optim.py``'s docstring (the script's last lines, from ``def lrs``, print
them); :func:`lrs` below runs the same schedule on nn's optimizer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nn
from nn.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LRScheduler, StepLR

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
        ({"_last_lr": [-1.0]}, ValueError, r"Invalid learning rate: -1\.0 \(_last_lr\[0\] must"),
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

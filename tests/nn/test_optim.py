"""Optimizers against PyTorch's own trajectories, hyper-parameter checks, groups and state.

The reference numbers below were computed ONCE with PyTorch 2.13.0 (CPU, float64) by the
script that follows, and pasted here (``TRAJECTORIES`` from its first lines of output,
``SGD_GROUPS`` and ``ADAM_GROUPS`` from the two after; it also printed
``# amsgrad differs: True``, so the amsgrad cases test something). The tests do not need
torch. Each trajectory is the parameter after each step on
``sum(w (p - c)²) + 0.05 sum(p⁴)``, starting from ``P0``.
``tests/crosscheck/test_nn_vs_torch.py`` re-runs such comparisons live, on random inputs.
The script::

    import torch
    torch.set_default_dtype(torch.float64)
    P0, W, C = [0.5, -1.5, 2.0], [1.0, 2.0, 0.5], [1.0, -1.0, 0.5]
    def loss_fn(p):  # sum(w (p - c)^2) + 0.05 sum(p^4)
        return (torch.tensor(W) * (p - torch.tensor(C)) ** 2).sum() + 0.05 * (p**4).sum()
    def trajectory(make, steps=6):
        p = torch.tensor(P0, requires_grad=True)
        opt = make([p])
        out = []
        for _ in range(steps):
            opt.zero_grad()
            loss_fn(p).backward()
            opt.step()
            out.append(p.tolist())
        return out
    CONFIGS = {
        "SGD": [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, dampening=0.3),
                dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
                dict(lr=0.1, weight_decay=0.5)],
        "Adam": [dict(lr=0.1), dict(lr=0.1, betas=(0.8, 0.6), amsgrad=True),
                 dict(lr=0.05, eps=1e-3, weight_decay=0.3),
                 dict(lr=0.05, betas=(0.5, 0.9), weight_decay=0.3, amsgrad=True)],
        "AdamW": [dict(lr=0.1), dict(lr=0.1, betas=(0.8, 0.6), weight_decay=0.5, amsgrad=True)],
    }
    for name, configs in CONFIGS.items():
        for kw in configs:
            steps = trajectory(lambda ps: getattr(torch.optim, name)(ps, **kw))
            print(f"    ({name!r}, {kw!r}, {steps!r}),")
    # amsgrad must matter in the configs above: compare with amsgrad off
    a = trajectory(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.8, 0.6), amsgrad=True))
    b = trajectory(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.8, 0.6)))
    print("# amsgrad differs:", a != b)

    def group_trajectory(make, steps=4):
        a = torch.tensor(P0, requires_grad=True)
        b = torch.tensor([-v for v in P0], requires_grad=True)
        opt = make(a, b)
        out = []
        for _ in range(steps):
            opt.zero_grad()
            (loss_fn(a) + loss_fn(b)).backward()
            opt.step()
            out.append([a.tolist(), b.tolist()])
        return out
    print("SGD groups", group_trajectory(lambda a, b: torch.optim.SGD(
        [{"params": [a], "lr": 0.1}, {"params": [b], "momentum": 0.9, "nesterov": True}], lr=0.05)))
    print("Adam groups", group_trajectory(lambda a, b: torch.optim.Adam(
        [{"params": [a]}, {"params": [b], "lr": 0.01, "amsgrad": True}], lr=0.1)))

    def lrs(make, epochs=10):
        a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
        scheduler = make(opt)
        out = [scheduler.get_last_lr()]
        for _ in range(epochs):
            opt.step()
            scheduler.step()
            out.append(scheduler.get_last_lr())
        return out
    S = torch.optim.lr_scheduler
    print("StepLR", lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5)))
    print("Cosine", lrs(lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.01)))
    print("Lambda", lrs(lambda o: S.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1 / (e + 1)])))
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import nn
from tensorgrad import Value

nan = math.nan

P0, W, C = [0.5, -1.5, 2.0], np.array([1.0, 2.0, 0.5]), np.array([1.0, -1.0, 0.5])
RTOL, ATOL = 1e-12, 0.0  # they agree to within 1e-14: the same formulas, in the same order

# (optimizer, keyword arguments, the parameter after each step), printed by the script above.
TRAJECTORIES: list[tuple[str, dict[str, Any], list[list[float]]]] = [
    (
        "SGD",
        {"lr": 0.1},
        [
            [0.5975, -1.2325, 1.69],
            [0.6737337753125, -1.1020552634375, 1.47446382],
            [0.7328706332733371, -1.0344636669721898, 1.3129064666570571],
            [0.7784240195818268, -0.9985382968240039, 1.186354068277184],
            [0.813305589095104, -0.9792105521528524, 1.0843243135463063],
            [0.8398849916850909, -0.9687479457984949, 1.0003937960754252],
        ],
    ),
    (
        "SGD",
        {"lr": 0.1, "momentum": 0.9},
        [
            [0.5975, -1.2325, 1.69],
            [0.7614837753125, -0.8613052634374999, 1.1954638199999998],
            [0.9479413758562202, -0.5699287648298993, 0.6466653222799255],
            [1.1091286742839945, -0.4760159386359661, 0.1326717432427629],
            [1.205083251087018, -0.5989307994010413, -0.29323635742209053],
            [1.2154246640316535, -0.8656849079317389, -0.596725718692982],
        ],
    ),
    (
        "SGD",
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
        [
            [0.5975, -1.2325, 1.69],
            [0.7386136427187501, -0.90043868440625, 1.2601246739999998],
            [0.8965687005953461, -0.6192397374190589, 0.7920145754348242],
            [1.0431189229220432, -0.4694492258956203, 0.3433189792155487],
            [1.1530872685417912, -0.4817435642599059, -0.05010591404972061],
            [1.209162368902337, -0.6363550493114233, -0.36567914286043335],
        ],
    ),
    (
        "SGD",
        {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1},
        [
            [0.58325, -1.24575, 1.703],
            [0.6790443643645938, -1.0208693759130312, 1.384899993314],
            [0.7722848058171032, -0.8648826146205381, 1.0849483451526956],
            [0.8521689599311065, -0.7852403678805716, 0.8217741487440442],
            [0.9124340578373316, -0.7700739726712144, 0.6028445496149487],
            [0.9510555835474008, -0.7982164673248652, 0.42967339831462065],
        ],
    ),
    (
        "SGD",
        {"lr": 0.1, "weight_decay": 0.5},
        [
            [0.5725, -1.1575, 1.59],
            [0.6256221909375, -1.0056084853125, 1.32110642],
            [0.6643192335811515, -0.9327462669683648, 1.126825330446546],
            [0.6923758773165757, -0.8967803707976882, 0.9791861323285371],
            [0.7126436247133486, -0.8788051188207964, 0.8635312318527603],
            [0.7272442413715996, -0.8697688189599416, 0.7711230808182099],
        ],
    ),
    (
        "Adam",
        {"lr": 0.1},
        [
            [0.599999998974359, -1.4000000003738318, 1.9000000003225808],
            [0.6985637547432018, -1.3011551210783783, 1.800446791030334],
            [0.7938776279534167, -1.2046312613899455, 1.7016613140766306],
            [0.883079711859595, -1.111981441961538, 1.6039763928084683],
            [0.9620869655521714, -1.025173259678194, 1.5077315851113509],
            [1.026139522986796, -0.9465079118513909, 1.4132676283303849],
        ],
    ),
    (
        "Adam",
        {"lr": 0.1, "betas": (0.8, 0.6), "amsgrad": True},
        [
            [0.599999998974359, -1.4000000003738318, 1.9000000003225805],
            [0.7010086766630368, -1.299035903050769, 1.7993641591202723],
            [0.7953801571245438, -1.2016685493507577, 1.6976626901348024],
            [0.875555056699584, -1.114516441562212, 1.5978880001847862],
            [0.9383764723891838, -1.0403721931096181, 1.502750018741196],
            [0.983291375128083, -0.9800003646443988, 1.4135301961894728],
        ],
    ),
    (
        "Adam",
        {"lr": 0.05, "eps": 0.001, "weight_decay": 0.3},
        [
            [0.5499394673123487, -1.4500159948816378, 1.9500135098621993],
            [0.5995034467232642, -1.40020984861619, 1.9001089118275758],
            [0.6483212278936497, -1.350722287659421, 1.8503423223215731],
            [0.6958937250376458, -1.3017129517005048, 1.8007707936864972],
            [0.7415644213897029, -1.2533617083125248, 1.7514519987907657],
            [0.7845038567568194, -1.2058695188433433, 1.7024439035452945],
        ],
    ),
    (
        "Adam",
        {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.3, "amsgrad": True},
        [
            [0.5499999993939394, -1.45000000016, 1.9500000001351352],
            [0.5987024861148633, -1.4007149778960593, 1.9003701885919169],
            [0.6450645221977656, -1.3526132520655911, 1.8513216582872392],
            [0.6879831690055545, -1.3061092611536, 1.8030168782313583],
            [0.7261375684722774, -1.2615456432299905, 1.7555662198796564],
            [0.7579393895395905, -1.219191935309648, 1.7090336615527773],
        ],
    ),
    (
        "AdamW",
        {"lr": 0.1},
        [
            [0.599499998974359, -1.3985000003738317, 1.8980000003225808],
            [0.6974767569976358, -1.2982850848739955, 1.7965611025858959],
            [0.7921443012076257, -1.200553550591671, 1.6960122460921458],
            [0.8806975052211742, -1.106904428086967, 1.5966938645439064],
            [0.9591460981955736, -1.0193634343509956, 1.4989524533926666],
            [1.02283253050981, -0.9402915047040528, 1.4031347443880835],
        ],
    ),
    (
        "AdamW",
        {"lr": 0.1, "betas": (0.8, 0.6), "weight_decay": 0.5, "amsgrad": True},
        [
            [0.5749999989743589, -1.3250000003738316, 1.8000000003225805],
            [0.6471353034045909, -1.1579310172763173, 1.6090204330893614],
            [0.714387190051563, -1.0143191644223557, 1.4302377067226026],
            [0.7705232982710736, -0.8989997166124635, 1.268216832669151],
            [0.8133894344412371, -0.8116249805127871, 1.123921450751111],
            [0.8430650699650523, -0.7495410410502412, 0.9967424811054464],
        ],
    ),
]
SGD_GROUPS = [
    [[0.5975, -1.2325, 1.69], [-0.212625, 0.48587499999999983, -1.6105]],
    [
        [0.6737337753125, -1.1020552634375, 1.47446382],
        [0.1404688902869512, -0.5132743514003069, -1.164586263205125],
    ],
    [
        [0.7328706332733371, -1.0344636669721898, 1.3129064666570571],
        [0.5122888769698969, -1.3264054638919593, -0.7076850589966582],
    ],
    [
        [0.7784240195818268, -0.9985382968240039, 1.186354068277184],
        [0.8597046677271939, -1.8034571195799127, -0.2641316157207126],
    ],
]
ADAM_GROUPS = [
    [
        [0.599999998974359, -1.4000000003738318, 1.9000000003225808],
        [-0.4900000000330579, 1.4900000000093676, -1.9900000000243903],
    ],
    [
        [0.6985637547432018, -1.3011551210783783, 1.800446791030334],
        [-0.4800019200982744, 1.480001338877993, -1.980002248962748],
    ],
    [
        [0.7938776279534167, -1.2046312613899455, 1.7016613140766306],
        [-0.4700070465197466, 1.4700049086003426, -1.97000824336276],
    ],
    [
        [0.883079711859595, -1.111981441961538, 1.6039763928084683],
        [-0.46001666661258434, 1.4600115980740656, -1.9600194728151392],
    ],
]


def loss_fn(p: Value) -> Value:
    return (W * (p - C) ** 2).sum() + 0.05 * (p**4).sum()


def trajectory(opt: nn.optim.Optimizer, params: list[Value], steps: int) -> list[Any]:
    out = []
    for _ in range(steps):
        opt.zero_grad()
        sum((loss_fn(p) for p in params[1:]), loss_fn(params[0])).backward()
        opt.step()
        out.append(
            [p.data.tolist() for p in params] if len(params) > 1 else params[0].data.tolist()
        )
    return out


@pytest.mark.parametrize(("name", "kwargs", "expected"), TRAJECTORIES)
def test_trajectory_matches_pytorch(name: str, kwargs: dict[str, Any], expected: list[Any]) -> None:
    p = nn.Parameter(P0)
    opt = getattr(nn.optim, name)([p], **kwargs)
    np.testing.assert_allclose(trajectory(opt, [p], 6), expected, rtol=RTOL, atol=ATOL)


def test_param_groups_match_pytorch() -> None:
    a, b = nn.Parameter(P0), nn.Parameter([-v for v in P0])
    sgd = nn.SGD(
        [{"params": [a], "lr": 0.1}, {"params": [b], "momentum": 0.9, "nesterov": True}], lr=0.05
    )
    np.testing.assert_allclose(trajectory(sgd, [a, b], 4), SGD_GROUPS, rtol=RTOL, atol=ATOL)
    a, b = nn.Parameter(P0), nn.Parameter([-v for v in P0])
    adam = nn.Adam([{"params": [a]}, {"params": [b], "lr": 0.01, "amsgrad": True}], lr=0.1)
    np.testing.assert_allclose(trajectory(adam, [a, b], 4), ADAM_GROUPS, rtol=RTOL, atol=ATOL)


# -- hyper-parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # PyTorch's wording ("Invalid learning rate: -0.1"), after the class, with the rule.
        (lambda ps: nn.SGD(ps, lr=-0.1), r"^SGD: Invalid learning rate: -0\.1 \(lr must be a "),
        (lambda ps: nn.SGD(ps, lr=-1), r"^SGD: Invalid learning rate: -1 \(lr must be a finite"),
        (lambda ps: nn.SGD(ps, lr=float("nan")), r"SGD: Invalid learning rate: nan \(lr must"),
        (lambda ps: nn.SGD(ps, lr=float("inf")), r"SGD: Invalid learning rate: inf"),
        (lambda ps: nn.SGD(ps, momentum=-0.5), r"SGD: Invalid momentum value: -0\.5"),
        (lambda ps: nn.SGD(ps, dampening=float("nan")), r"SGD: Invalid dampening value: nan"),
        (lambda ps: nn.SGD(ps, weight_decay=-1), r"SGD: Invalid weight_decay value: -1"),
        (lambda ps: nn.SGD(ps, nesterov=True), r"Nesterov momentum requires a momentum and zero"),
        (
            lambda ps: nn.SGD(ps, momentum=0.9, dampening=0.1, nesterov=True),
            r"zero dampening, got momentum=0\.9 and dampening=0\.1",
        ),
        (lambda ps: nn.Adam(ps, lr=-1e-3), r"^Adam: Invalid learning rate: -0\.001"),
        (
            lambda ps: nn.Adam(ps, betas=(1.0, 0.999)),
            r"^Adam: Invalid beta parameter at index 0: 1\.0 \(betas\[0\] must be in \[0, 1\)\)",
        ),
        (lambda ps: nn.Adam(ps, betas=(0.9, -0.1)), r"Invalid beta parameter at index 1: -0\.1"),
        (lambda ps: nn.Adam(ps, betas=(0.9,)), r"Adam: betas must be a pair .* got 1 values"),
        (lambda ps: nn.Adam(ps, eps=-1e-8), r"^Adam: Invalid epsilon value: -1e-08 \(eps must"),
        (lambda ps: nn.AdamW(ps, weight_decay=-0.01), r"^AdamW: Invalid weight_decay value"),
        (lambda ps: nn.SGD([{"params": ps, "lr": -2.0}], lr=0.1), r"Invalid learning rate: -2"),
    ],
)
def test_bad_hyperparameters_name_the_value(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make([nn.Parameter(P0)])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ps: nn.SGD(ps, lr="0.1"), r"^SGD: lr must be a real number, got str '0\.1'$"),
        (lambda ps: nn.SGD(ps, lr=None), r"^SGD: lr must be a real number, got None$"),
        (lambda ps: nn.SGD(ps, lr=True), r"^SGD: lr must be a real number, got bool True$"),
        (lambda ps: nn.SGD(ps, lr=[0.1]), r"SGD: lr must be a real number, got list \[0\.1\]"),
        (lambda ps: nn.SGD(ps, lr=Value(0.1)), r"SGD: lr must be a real number, got Value\("),
        (lambda ps: nn.SGD(ps, momentum="0.9"), r"SGD: momentum must be a real number, got str"),
        (lambda ps: nn.SGD(ps, dampening=None), r"SGD: dampening must be a real number"),
        (lambda ps: nn.SGD(ps, weight_decay=False), r"SGD: weight_decay must be a real number"),
        (
            lambda ps: nn.SGD(ps, momentum=0.9, nesterov="yes"),
            r"^SGD: nesterov must be a bool \(True or False\), got str 'yes'$",
        ),
        (
            lambda ps: nn.Adam(ps, betas=0.9),
            r"^Adam: betas must be a pair of floats, such as \(0\.9, 0\.999\), got float 0\.9$",
        ),
        (lambda ps: nn.Adam(ps, betas=None), r"Adam: betas must be a pair of floats.* got None"),
        (lambda ps: nn.Adam(ps, betas=("a", 0.9)), r"Adam: betas\[0\] must be a real number"),
        (lambda ps: nn.Adam(ps, betas=(0.9, None)), r"Adam: betas\[1\] must be a real number"),
        (lambda ps: nn.Adam(ps, eps="1e-8"), r"^Adam: eps must be a real number, got str"),
        (lambda ps: nn.Adam(ps, amsgrad=1), r"^Adam: amsgrad must be a bool .* got int 1$"),
        (lambda ps: nn.Adam(ps, decoupled_weight_decay="no"), r"decoupled_weight_decay must be"),
        (lambda ps: nn.AdamW(ps, lr="1e-3"), r"^AdamW: lr must be a real number, got str"),
        (lambda ps: nn.AdamW(ps, weight_decay=None), r"^AdamW: weight_decay must be a real"),
    ],
)
def test_hyperparameters_of_the_wrong_type_name_it(make: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        make([nn.Parameter(P0)])


def test_hyperparameters_take_ints_and_numpy_numbers() -> None:
    p = nn.Parameter(P0)
    opt = nn.SGD([p], lr=np.float32(0.5), momentum=np.float64(0.5), weight_decay=0)
    assert opt.param_groups[0]["lr"] == 0.5
    nn.Adam([nn.Parameter(P0)], lr=1, betas=[np.float32(0.5), 0], eps=0, amsgrad=np.True_)
    nn.SGD([nn.Parameter(P0)], lr=10**400)  # a huge int is finite: no overflow in the check


def test_add_param_group_checks_the_group_and_leaves_no_trace() -> None:
    opt = nn.Adam([nn.Parameter(P0)], lr=0.1)
    bad_groups: list[tuple[Any, type[Exception], str]] = [
        ({"params": [nn.Parameter(P0)], "lr": "0.1"}, TypeError, r"Adam: lr must be a real"),
        ({"params": [nn.Parameter(P0)], "betas": 0.9}, TypeError, r"Adam: betas must be a pair"),
        ({"params": [nn.Parameter(P0)], "lr": -1}, ValueError, r"Invalid learning rate: -1"),
        ({"params": [nn.Parameter(P0)], "betas": (1, 0)}, ValueError, r"beta parameter at index 0"),
        ({"params": [nn.Parameter(P0)], "amsgrad": "x"}, TypeError, r"amsgrad must be a bool"),
        ([nn.Parameter(P0)], TypeError, r"^Adam: a parameter group must be a dict with a 'params'"),
        ({"lr": 0.1}, ValueError, r"^Adam: a parameter group must have a 'params' key; this one "),
        ({"params": 5}, TypeError, r"^Adam: 'params' must be an iterable of Values, got int 5$"),
        ({"params": {nn.Parameter(P0)}}, TypeError, r"ordered collection, such as a list"),
        ({"params": ["w"]}, TypeError, r"^Adam: can only optimize Values, got str 'w'$"),
    ]
    for group, error, message in bad_groups:
        with pytest.raises(error, match=message):
            opt.add_param_group(group)
    assert len(opt.param_groups) == 1


def test_bad_parameter_lists() -> None:
    p = nn.Parameter(P0)
    with pytest.raises(TypeError, match=r"SGD: params must be an iterable .* got a single Value"):
        nn.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="SGD: got an empty list of parameters"):
        nn.SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: can only optimize Values, got ndarray array\("):
        nn.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match=r"shape \(3,\) appears more than once"):
        nn.SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match="appears more than once"):
        nn.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="a parameter group must have a 'params' key"):
        nn.SGD([{"lr": 0.1}], lr=0.1)
    with pytest.raises(
        TypeError, match=r"^SGD: params must be an iterable of Values or dicts, got int"
    ):
        nn.SGD(5, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got str 'w'"):
        nn.SGD("w", lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got a dict; to pass one parameter group, put it in a"):
        nn.SGD({"params": [p]}, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^SGD: params: parameters must be in an ordered coll"):
        nn.SGD({p}, lr=0.1)
    with pytest.raises(TypeError, match=r"^Optimizer: defaults must be a dict, got float 0\.1$"):
        nn.optim.Optimizer([p], 0.1)  # type: ignore[arg-type]


def test_groups_take_defaults_and_add_param_group() -> None:
    a, b, c = nn.Parameter(P0), nn.Parameter(P0), nn.Parameter(P0)
    opt = nn.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": [c], "momentum": 0.0})
    settings = [(g["lr"], g["momentum"], len(g["params"])) for g in opt.param_groups]
    assert settings == [(0.1, 0.9, 1), (0.5, 0.9, 1), (0.1, 0.0, 1)]
    assert "Parameter Group 1\n    dampening: 0.0\n    lr: 0.5" in repr(opt)


def test_step_is_not_defined_by_the_base_class() -> None:
    opt = nn.optim.Optimizer([nn.Parameter(P0)], {"lr": 0.1})
    with pytest.raises(NotImplementedError, match="Optimizer does not define step"):
        opt.step()


# -- what a step touches ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda ps: nn.Adam(ps, lr=0.1, amsgrad=True),
        lambda ps: nn.AdamW(ps, lr=0.1),
    ],
)
def test_step_keeps_grad_dtype_and_frozen_parameters(make: Any) -> None:
    p = nn.Parameter(P0, dtype=np.float32)
    frozen = nn.Parameter(P0, requires_grad=False)
    opt = make([p, frozen])
    for _ in range(2):
        opt.zero_grad()
        loss_fn(p).backward()
        grad = p.grad.copy()
        opt.step()
        np.testing.assert_array_equal(p.grad, grad)  # the gradient is left as it was
    assert p.data.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))
    assert frozen.data.tolist() == P0
    assert frozen not in opt.state


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda ps: nn.Adam(ps, lr=0.1, weight_decay=0.1),
        lambda ps: nn.AdamW(ps, lr=0.1),
    ],
)
def test_step_skips_parameters_the_loss_did_not_use(make: Any) -> None:
    # As PyTorch skips a parameter whose grad is None: no weight decay, no momentum, no
    # Adam moments for it, even after it was used in an earlier step.
    p, unused = nn.Parameter(P0), nn.Parameter(P0)
    opt = make([p, unused])
    opt.zero_grad()
    loss_fn(p).backward()
    opt.step()
    assert unused.data.tolist() == P0
    assert unused not in opt.state
    opt.zero_grad()
    (loss_fn(p) + loss_fn(unused)).backward()
    opt.step()
    after_use = unused.data.copy()
    state = {k: np.copy(v) for k, v in opt.state[unused].items()}
    opt.zero_grad()
    loss_fn(p).backward()
    opt.step()
    np.testing.assert_array_equal(unused.data, after_use)
    for key, value in opt.state[unused].items():
        np.testing.assert_array_equal(value, state[key])


def test_zero_grad_resets_every_group() -> None:
    a, b = nn.Parameter(P0), nn.Parameter(P0)
    opt = nn.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    (loss_fn(a) + loss_fn(b)).backward()
    opt.zero_grad()
    assert not a.grad.any()
    assert not b.grad.any()


# -- saving and restoring -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: nn.Adam(ps, lr=0.1, amsgrad=True),
    ],
)
def test_state_dict_resumes_the_same_trajectory(make: Any) -> None:
    p = nn.Parameter(P0)
    opt = make([p])
    trajectory(opt, [p], 3)
    saved = opt.state_dict()
    saved_p = p.data.copy()
    expected = trajectory(opt, [p], 3)

    q = nn.Parameter(saved_p)
    resumed = make([q])
    resumed.load_state_dict(saved)
    np.testing.assert_array_equal(trajectory(resumed, [q], 3), expected)


def test_state_dict_is_a_copy_in_pytorch_layout() -> None:
    p = nn.Parameter(P0)
    opt = nn.SGD([p], lr=0.1, momentum=0.9)
    trajectory(opt, [p], 1)
    saved = opt.state_dict()
    assert saved["param_groups"] == [
        {
            "lr": 0.1,
            "momentum": 0.9,
            "dampening": 0.0,
            "weight_decay": 0.0,
            "nesterov": False,
            "params": [0],
        }
    ]
    assert list(saved) == ["state", "param_groups"]  # PyTorch's layout
    saved["state"][0]["momentum_buffer"][:] = 0
    assert opt.state[p]["momentum_buffer"].any()


def stepped(make: Any, *shapes: tuple[int, ...]) -> nn.optim.Optimizer:
    """An optimizer over parameters of these shapes, after one step (so it has state)."""
    params = [nn.Parameter(np.ones(shape)) for shape in shapes]
    opt = make(params)
    sum(((p * p).sum() for p in params[1:]), (params[0] * params[0]).sum()).backward()
    opt.step()
    return opt


def sgd(params: Any) -> nn.optim.Optimizer:
    return nn.SGD(params, lr=0.1, momentum=0.9)


def adam(params: Any) -> nn.optim.Optimizer:
    return nn.Adam(params, lr=0.1, amsgrad=True)


def test_load_state_dict_checks_the_groups() -> None:
    saved = stepped(adam, (3,)).state_dict()
    p, q = nn.Parameter(P0), nn.Parameter([1.0, 2.0])
    with pytest.raises(
        ValueError,
        match=r"^Adam\.load_state_dict: loaded state dict has a different number of parameter "
        r"groups: 1, and this optimizer has 2$",
    ):
        nn.Adam([{"params": [p]}, {"params": [q]}]).load_state_dict(saved)
    with pytest.raises(
        ValueError,
        match=r"^Adam\.load_state_dict: loaded state dict contains a parameter group that "
        r"doesn't match the size of optimizer's group: group 0 has 1 parameters in the state "
        r"dict, 2 in this optimizer$",
    ):
        nn.Adam([p, q]).load_state_dict(saved)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda sd: sd.pop("param_groups"), ValueError, r"has no 'param_groups' key; its keys"),
        (lambda sd: sd.update(param_groups={}), TypeError, r"'param_groups' must be a list of di"),
        (lambda sd: sd.update(param_groups=[0.1]), TypeError, r"group 0 must be a dict with a 'p"),
        (lambda sd: sd["param_groups"][0].pop("params"), TypeError, r"with a 'params' list of"),
        (lambda sd: sd["param_groups"][0].update(params=["w", 1]), TypeError, r"lists str 'w'"),
        (lambda sd: sd["param_groups"][0].update(params=[True, 1]), TypeError, r"lists bool True"),
        (
            lambda sd: sd["param_groups"][0].pop("betas"),
            ValueError,
            r"^Adam\.load_state_dict: parameter group 0 has no 'betas', which Adam needs; it has "
            r"'lr', .* \(is it another optimizer's state dict\?\)$",
        ),
        (
            lambda sd: sd["param_groups"][0].update(lr="0.1"),
            TypeError,
            r"^Adam\.load_state_dict: parameter group 0: Adam: lr must be a real number, got str",
        ),
        (
            lambda sd: sd["param_groups"][0].update(betas=(0.9, 1.5)),
            ValueError,
            r"^Adam\.load_state_dict: parameter group 0: Adam: Invalid beta parameter at index 1",
        ),
        (lambda sd: sd.pop("state"), ValueError, r"^Adam\.load_state_dict: the state dict has no "),
        (lambda sd: sd.update(state=[]), TypeError, r"'state' must be a dict of parameter index"),
        (
            lambda sd: sd["state"].update({7: sd["state"][0]}),
            ValueError,
            r"^Adam\.load_state_dict: the state has an entry for parameter 7, which no parameter "
            r"group lists \(they list 0, 1\)$",
        ),
        (lambda sd: sd["state"].update({0: None}), TypeError, r"the state of parameter 0 must be"),
        (
            lambda sd: sd["state"][1].pop("exp_avg"),
            ValueError,
            r"^Adam\.load_state_dict: parameter 1: its state has 'step', 'exp_avg_sq', "
            r"'max_exp_avg_sq', but Adam keeps 'step', 'exp_avg', 'exp_avg_sq' "
            r"for a parameter of this group",
        ),
        (lambda sd: sd["state"][0].update(momentum_buffer=np.zeros(3)), ValueError, r"state has"),
        (
            lambda sd: sd["state"][1].update(exp_avg=np.zeros(3)),
            ValueError,
            r"^Adam\.load_state_dict: parameter 1: state 'exp_avg' has shape \(3,\) in the state "
            r"dict, but the parameter has shape \(2,\)$",
        ),
        (
            lambda sd: sd["state"][0].update(exp_avg=[1.0, 2.0, 3.0]),
            TypeError,
            r"parameter 0: state 'exp_avg' must be an array of numbers, got list",
        ),
        (
            lambda sd: sd["state"][0].update(exp_avg=np.array(["a", "b", "c"])),
            TypeError,
            r"state 'exp_avg' must be an array of numbers, got ndarray",
        ),
        (lambda sd: sd["state"][0].update(step=1.0), TypeError, r"state 'step' must be an int, go"),
        (lambda sd: sd["state"][0].update(step=-1), ValueError, r"state 'step' must be >= 0, got"),
    ],
)
def test_load_state_dict_names_what_is_wrong_and_changes_nothing(
    change: Any, error: type[Exception], message: str
) -> None:
    opt = stepped(adam, (3,), (2,))
    before = opt.state_dict()
    saved = opt.state_dict()
    change(saved)
    with pytest.raises(error, match=message):
        opt.load_state_dict(saved)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, values in before["state"].items():
        for key, value in values.items():
            np.testing.assert_array_equal(after["state"][index][key], value)


def test_load_state_dict_refuses_what_is_not_an_optimizer_state_dict() -> None:
    opt = nn.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    with pytest.raises(
        TypeError, match=r"^SGD\.load_state_dict: expected a dict, as state_dict\(\) returns, got"
    ):
        opt.load_state_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"^SGD\.load_state_dict: the state dict has no 'state' and no 'param_groups' key; "
        r"its keys are 'weight', 'bias' .*is this a model's\?\)$",
    ):
        opt.load_state_dict(nn.Linear(2, 1).state_dict())


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (sgd, adam),
        (adam, sgd),
        (lambda ps: nn.SGD(ps, lr=0.1), adam),  # no momentum: an empty state, still refused
    ],
)
def test_another_optimizers_state_is_refused_at_load(source: Any, target: Any) -> None:
    # (Adam's and AdamW's state dicts have the same entries: as in PyTorch, each loads the other's.)
    saved = stepped(source, (3,)).state_dict()
    opt = target([nn.Parameter(P0)])
    loader = type(opt).__name__
    with pytest.raises(ValueError, match=rf"^{loader}\.load_state_dict: parameter group 0 has no"):
        opt.load_state_dict(saved)


def test_sgd_state_entries_are_checked_without_the_class_name() -> None:
    opt = stepped(sgd, (3,))
    saved = stepped(adam, (3,)).state_dict()
    saved["param_groups"] = opt.state_dict()["param_groups"]  # SGD's settings, Adam's state
    with pytest.raises(
        ValueError,
        match=r"^SGD\.load_state_dict: parameter 0: its state has 'step', 'exp_avg', .* but SGD "
        r"keeps 'momentum_buffer' for a parameter of this group \(is it another optimizer's",
    ):
        opt.load_state_dict(saved)


def test_load_state_dict_maps_indices_as_pytorch_and_converts() -> None:
    # As PyTorch: the k-th index a saved group lists is the k-th parameter of the group,
    # whatever the numbers (a state dict made by hand may number from 10).
    opt = stepped(adam, (3,), (2,))
    saved = opt.state_dict()
    saved["param_groups"][0]["params"] = [10, 11]
    saved["state"] = {10 + k: values for k, values in saved["state"].items()}
    saved["state"][10]["step"] = np.int64(5)
    saved["state"][11]["exp_avg"] = saved["state"][11]["exp_avg"].astype(np.float32)
    a, b = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(2))
    resumed = nn.Adam([a, b], lr=0.1, amsgrad=True)
    resumed.load_state_dict(saved)
    assert resumed.state[a]["step"] == 5
    assert type(resumed.state[a]["step"]) is int
    assert resumed.state[b]["exp_avg"].dtype == np.float64  # the parameter's dtype
    saved["param_groups"][0]["params"] = [10, 10]
    with pytest.raises(ValueError, match=r"parameter index 10 is listed more than once"):
        resumed.load_state_dict(saved)


def test_amsgrad_may_be_switched_on_and_off_between_steps() -> None:
    p = nn.Parameter(P0)
    opt = stepped(lambda ps: nn.Adam(ps, lr=0.1), (3,))
    opt.param_groups[0]["amsgrad"] = True  # its state has no maximum yet: the step makes one
    opt.zero_grad()
    sum(((q * q).sum() for q in opt.param_groups[0]["params"]), Value(0.0)).backward()
    opt.step()
    opt.param_groups[0]["amsgrad"] = False  # the maximum stays: a state dict may carry it
    saved = opt.state_dict()
    assert "max_exp_avg_sq" in saved["state"][0]
    nn.Adam([nn.Parameter(np.ones(3))], lr=0.1).load_state_dict(saved)
    del saved["state"][0]["max_exp_avg_sq"]
    saved["param_groups"][0]["amsgrad"] = True  # switched on after the save: the step makes one
    again = nn.Adam([p], lr=0.1)
    again.load_state_dict(again.state_dict())  # its own state dict loads, whatever amsgrad says
    again.load_state_dict(saved)
    (p * p).sum().backward()
    again.step()
    assert "max_exp_avg_sq" in again.state[p]


def test_assigning_data_of_another_shape_drops_the_gradient() -> None:
    w = nn.Parameter(np.ones(3))
    (w * 2).sum().backward()
    w.data = np.ones(4)  # the old gradient no longer fits: it goes, as a step would not use it
    assert not w.has_grad
    assert w.grad.shape == (4,)
    nn.SGD([w], lr=0.1).step()  # skips w, which has no gradient: no broadcast error
    np.testing.assert_array_equal(w.data, np.ones(4))


def test_a_0d_array_learning_rate_and_json_state_keys_are_accepted() -> None:
    p = nn.Parameter(np.ones(3))
    opt = nn.SGD([p], lr=np.array(0.1), momentum=0.9)
    (p * p).sum().backward()
    opt.step()
    saved = opt.state_dict()
    saved["state"] = {str(k): v for k, v in saved["state"].items()}  # as JSON writes them
    opt.load_state_dict(saved)
    assert "momentum_buffer" in opt.state[p]


# -- RMSprop and Adagrad ------------------------------------------------------------------------


def test_rmsprop_and_adagrad_first_steps_by_hand() -> None:
    g = np.array([2.0, -4.0, 0.5])
    p = nn.Parameter([1.0, 1.0, 1.0])
    p.grad = g.copy()
    nn.RMSprop([p], lr=0.1, alpha=0.75, eps=0.0).step()  # v = (1 - α) g²: a step of lr/√(1-α)
    np.testing.assert_allclose(p.data, 1 - 0.1 * np.sign(g) / np.sqrt(0.25), rtol=1e-15)
    p = nn.Parameter([1.0, 1.0, 1.0])
    p.grad = g.copy()
    opt = nn.RMSprop([p], lr=0.1, alpha=0.75, eps=0.0, centered=True)
    opt.step()  # v - m² = 0.25 g² - 0.0625 g²
    np.testing.assert_allclose(p.data, 1 - 0.1 * np.sign(g) / np.sqrt(0.1875), rtol=1e-15)
    np.testing.assert_allclose(opt.state[p]["grad_avg"], 0.25 * g, rtol=1e-15)
    p = nn.Parameter([1.0, 1.0, 1.0])
    opt = nn.Adagrad([p], lr=0.5, lr_decay=1.0, initial_accumulator_value=1.0, eps=0.0)
    for t in (1, 2):
        p.grad = g.copy()
        before = p.data.copy()
        opt.step()
        clr = 0.5 / (1 + (t - 1) * 1.0)
        np.testing.assert_allclose(before - p.data, clr * g / np.sqrt(1 + t * g * g), rtol=1e-14)
    assert opt.state[p]["step"] == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda ps, m: nn.RMSprop(ps, lr=0.01, momentum=0.5, centered=True, maximize=m),
        lambda ps, m: nn.Adagrad(ps, lr=0.1, lr_decay=0.1, weight_decay=0.0, maximize=m),
    ],
)
def test_maximize_climbs_what_minimize_descends(make: Any) -> None:
    p, q = nn.Parameter(P0), nn.Parameter(P0)
    down, up = make([p], False), make([q], True)
    for _ in range(5):
        down.zero_grad()
        up.zero_grad()
        loss_fn(p).backward()
        (-loss_fn(q)).backward()
        down.step()
        up.step()
    np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nn.RMSprop(ps, lr=0.01, momentum=0.9, centered=True, weight_decay=0.1),
        lambda ps: nn.Adagrad(ps, lr=0.1, weight_decay=0.1, initial_accumulator_value=0.1),
    ],
)
def test_new_optimizers_keep_float32_resume_and_skip_unused(make: Any) -> None:
    p = nn.Parameter(P0, dtype=np.float32)
    opt = make([p])
    trajectory(opt, [p], 3)
    assert p.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[p].values() if isinstance(v, np.ndarray))
    saved, start = opt.state_dict(), p.data.copy()
    expected = trajectory(opt, [p], 3)
    q = nn.Parameter(start, dtype=np.float32)
    resumed = make([q])
    resumed.load_state_dict(saved)
    np.testing.assert_array_equal(trajectory(resumed, [q], 3), expected)
    unused = nn.Parameter(P0)
    opt = make([p, unused])
    trajectory(opt, [p], 2)
    assert unused.data.tolist() == P0


def test_rmsprop_state_follows_its_options_and_centered_never_gives_nan() -> None:
    p = nn.Parameter([1.0])
    opt = nn.RMSprop([p], lr=1e-3)
    p.grad = np.array([1.0])
    opt.step()
    assert sorted(opt.state[p]) == ["square_avg", "step"]
    opt.param_groups[0]["momentum"] = 0.9
    opt.param_groups[0]["centered"] = True
    opt.step()  # switched on between steps: the buffers start at zero, as PyTorch's would
    assert sorted(opt.state[p]) == ["grad_avg", "momentum_buffer", "square_avg", "step"]
    q = nn.Parameter(np.full(64, 3.0, np.float32))
    opt = nn.RMSprop([q], lr=1e-6, alpha=0.5, centered=True, eps=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(60):  # a constant gradient: v - m² rounds to about 0, maybe below
            q.grad = np.full(64, 0.1, np.float32)
            opt.step()
    assert np.isfinite(q.data).all()


def test_adagrad_has_state_from_the_start_as_pytorch() -> None:
    a, b = nn.Parameter([1.0, 2.0]), nn.Parameter(np.zeros((2, 2), np.float32))
    opt = nn.Adagrad([a], initial_accumulator_value=0.5)
    assert opt.state_dict()["state"] == {0: {"step": 0, "sum": pytest.approx([0.5, 0.5])}}
    opt.add_param_group({"params": [b], "initial_accumulator_value": 0.25})
    assert opt.state[b]["sum"].dtype == np.float32
    np.testing.assert_array_equal(opt.state[b]["sum"], np.full((2, 2), 0.25))
    opt.load_state_dict({"state": {}, "param_groups": opt.state_dict()["param_groups"]})
    a.grad = np.ones(2)
    opt.step()  # a state dict without a's state: it starts again
    assert opt.state[a]["step"] == 1


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda ps: nn.RMSprop(ps, lr=-0.1), ValueError, r"^RMSprop: Invalid learning rate: -0\.1"),
        (lambda ps: nn.RMSprop(ps, alpha=1.0), ValueError, r"^RMSprop: Invalid alpha value: 1\.0 "),
        (lambda ps: nn.RMSprop(ps, alpha=-0.5), ValueError, r"alpha must be in \[0, 1\)\)$"),
        (lambda ps: nn.RMSprop(ps, eps=-1), ValueError, r"^RMSprop: Invalid epsilon value: -1"),
        (lambda ps: nn.RMSprop(ps, momentum=-1), ValueError, r"Invalid momentum value: -1"),
        (lambda ps: nn.RMSprop(ps, weight_decay=nan), ValueError, r"Invalid weight_decay value"),
        (lambda ps: nn.RMSprop(ps, alpha="0.9"), TypeError, r"^RMSprop: alpha must be a real"),
        (lambda ps: nn.RMSprop(ps, centered=1), TypeError, r"^RMSprop: centered must be a bool"),
        (lambda ps: nn.RMSprop(ps, maximize="no"), TypeError, r"^RMSprop: maximize must be a bo"),
        (lambda ps: nn.Adagrad(ps, lr=-1), ValueError, r"^Adagrad: Invalid learning rate: -1 "),
        (lambda ps: nn.Adagrad(ps, lr_decay=-1), ValueError, r"^Adagrad: Invalid lr_decay value"),
        (lambda ps: nn.Adagrad(ps, weight_decay=-1), ValueError, r"Invalid weight_decay value"),
        (
            lambda ps: nn.Adagrad(ps, initial_accumulator_value=-0.1),
            ValueError,
            r"^Adagrad: Invalid initial_accumulator_value value: -0\.1",
        ),
        (lambda ps: nn.Adagrad(ps, eps=None), TypeError, r"^Adagrad: eps must be a real number"),
        (lambda ps: nn.Adagrad(ps, maximize=None), TypeError, r"^Adagrad: maximize must be a bo"),
        (
            lambda ps: nn.Adagrad([{"params": ps, "lr_decay": "x"}]),
            TypeError,
            r"^Adagrad: lr_decay must be a real number, got str 'x'$",
        ),
    ],
)
def test_rmsprop_and_adagrad_check_their_options(make: Any, error: Any, message: str) -> None:
    with pytest.raises(error, match=message):
        make([nn.Parameter(P0)])


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (adam, lambda ps: nn.RMSprop(ps)),
        (lambda ps: nn.RMSprop(ps, momentum=0.5), lambda ps: nn.Adagrad(ps)),
        (lambda ps: nn.Adagrad(ps), lambda ps: nn.RMSprop(ps)),
    ],
)
def test_the_new_optimizers_refuse_another_optimizers_state(source: Any, target: Any) -> None:
    saved = stepped(source, (2,)).state_dict()
    opt = stepped(target, (2,))
    before = opt.state_dict()
    with pytest.raises(ValueError, match="load_state_dict: "):
        opt.load_state_dict(saved)
    assert opt.state_dict()["param_groups"] == before["param_groups"]

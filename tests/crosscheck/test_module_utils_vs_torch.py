"""Module features, containers and nn.utils against torch.nn: state-dict names and order
with buffers in nested containers, apply's order, to(), the containers' repr, and the
results of clip_grad_norm_, clip_grad_value_ and the parameter vectors on the same
gradients (float64 tight, float32 too)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from crosscheck._torch_helpers import F32, F64, assert_same

import nn
from tensorgrad import Value

TOL = {np.float32: F32, np.float64: F64}
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}


# -- the same model on both sides: buffers in nested containers -------------------------------


class OursNorm(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(np.ones(3))
        self.register_buffer("running_mean", np.zeros(3))
        self.register_buffer("num_batches_tracked", np.array(0))
        self.register_buffer("mask", np.ones(3), persistent=False)


class TheirNorm(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
        self.register_buffer("running_mean", torch.zeros(3, dtype=torch.float64))
        self.register_buffer("num_batches_tracked", torch.tensor(0))
        self.register_buffer("mask", torch.ones(3, dtype=torch.float64), persistent=False)


def ours_model() -> nn.Module:
    model = nn.Module()
    model.stem = nn.Linear(2, 3)
    model.blocks = nn.ModuleList([nn.Sequential(nn.Linear(3, 3), OursNorm()), OursNorm()])
    model.heads = nn.ModuleDict(
        {"cls": nn.Linear(3, 4), "aux": nn.ModuleList([OursNorm(), nn.Linear(3, 1)])}
    )
    model.register_buffer("scale", np.ones(1))
    return model


def their_model() -> torch.nn.Module:
    model = torch.nn.Module()
    model.stem = torch.nn.Linear(2, 3, dtype=torch.float64)
    model.blocks = torch.nn.ModuleList(
        [torch.nn.Sequential(torch.nn.Linear(3, 3, dtype=torch.float64), TheirNorm()), TheirNorm()]
    )
    model.heads = torch.nn.ModuleDict(
        {
            "cls": torch.nn.Linear(3, 4, dtype=torch.float64),
            "aux": torch.nn.ModuleList([TheirNorm(), torch.nn.Linear(3, 1, dtype=torch.float64)]),
        }
    )
    model.register_buffer("scale", torch.ones(1, dtype=torch.float64))
    return model


def test_state_dict_names_and_order_with_buffers_in_nested_containers() -> None:
    ours, theirs = ours_model(), their_model()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_buffers(prefix="m", recurse=False)] == [
        n for n, _ in theirs.named_buffers(prefix="m", recurse=False)
    ]


def test_a_torch_state_dict_with_buffers_loads() -> None:
    ours, theirs = ours_model(), their_model()
    with torch.no_grad():
        for buffer in theirs.buffers():
            buffer.add_(torch.arange(buffer.numel()).reshape(buffer.shape).to(buffer.dtype) + 1)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert ours.load_state_dict(state) == ([], [])
    for name, array in ours.state_dict().items():
        assert_same(array, theirs.state_dict()[name], F64, name)


def test_shared_modules_and_duplicates_as_torch() -> None:
    shared = nn.Linear(2, 2)
    ours = nn.Sequential(shared, nn.ReLU(), shared)
    tshared = torch.nn.Linear(2, 2)
    theirs = torch.nn.Sequential(tshared, torch.nn.ReLU(), tshared)
    for remove in (True, False):
        assert [n for n, _ in ours.named_modules(remove_duplicate=remove)] == [
            n for n, _ in theirs.named_modules(remove_duplicate=remove)
        ]
        assert [n for n, _ in ours.named_parameters(remove_duplicate=remove)] == [
            n for n, _ in theirs.named_parameters(remove_duplicate=remove)
        ]


def test_apply_order_as_torch() -> None:
    def tree(lib: Any) -> Any:
        return lib.Sequential(
            lib.Linear(1, 1), lib.Sequential(lib.ReLU(), lib.Sequential(lib.Tanh())), lib.Sigmoid()
        )

    ours: list[str] = []
    theirs: list[str] = []
    tree(nn).apply(lambda m: ours.append(type(m).__name__))
    tree(torch.nn).apply(lambda m: theirs.append(type(m).__name__))
    assert ours == theirs


def test_module_list_repr_as_torch() -> None:
    def layers(lib: Any) -> Any:
        return lib.ModuleList(
            [lib.Linear(2, 2), lib.Linear(2, 2), lib.ReLU(), lib.Sequential(lib.Tanh())]
        )

    assert repr(layers(nn)) == repr(layers(torch.nn))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())
    assert repr(nn.ModuleDict({"a": nn.ReLU()})) == repr(
        torch.nn.ModuleDict({"a": torch.nn.ReLU()})
    )


@pytest.mark.parametrize(
    ("ours_to", "theirs_to"),
    [
        (lambda m: m.to(np.float32), lambda m: m.to(torch.float32)),
        (lambda m: m.float(), lambda m: m.float()),
        (lambda m: m.float().double(), lambda m: m.float().double()),
        (lambda m: m.to("cpu"), lambda m: m.to("cpu")),
    ],
)
def test_to_converts_what_torch_converts(ours_to: Any, theirs_to: Any) -> None:
    ours, theirs = ours_model(), their_model()
    weight, tweight = ours.stem.weight, theirs.stem.weight
    ours_to(ours)
    theirs_to(theirs)
    assert ours.stem.weight is weight
    assert theirs.stem.weight is tweight
    ours_dtypes = {n: str(a.dtype) for n, a in ours.state_dict().items()}
    their_dtypes = {n: str(t.dtype).removeprefix("torch.") for n, t in theirs.state_dict().items()}
    assert ours_dtypes == their_dtypes
    assert ours.blocks[1].mask.dtype.name == str(theirs.blocks[1].mask.dtype).removeprefix("torch.")


# -- nn.utils on the same gradients ---------------------------------------------------------


SHAPES = [(3, 4), (4,), (), (2, 1, 3)]


def gradients(dtype: Any, seed: int, scale: float) -> list[np.ndarray]:
    generator = np.random.default_rng(seed)
    return [np.asarray(generator.standard_normal(s) * scale, dtype) for s in SHAPES]


def both(grads: list[np.ndarray], unused: bool = True) -> tuple[list[Value], list[torch.Tensor]]:
    ours = [nn.Parameter(np.zeros(g.shape, g.dtype)) for g in grads]
    theirs = [
        torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype)) for g in grads
    ]
    for p, t, g in zip(ours, theirs, grads):
        p.grad = g.copy()
        t.grad = torch.from_numpy(g.copy())
    if unused:  # a parameter without a gradient, skipped by both
        ours.append(nn.Parameter(np.ones(2, grads[0].dtype)))
        theirs.append(torch.nn.Parameter(torch.ones(2, dtype=theirs[0].dtype)))
    return ours, theirs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, math.inf, 3.0, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0, 0.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_clip_grad_norm_as_torch(dtype: Any, norm_type: Any, max_norm: float, seed: int) -> None:
    ours, theirs = both(gradients(dtype, seed, scale=3.0))
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    tol = TOL[dtype]
    assert_same(total.data, expected, tol, "total norm")
    for k, (p, t) in enumerate(zip(ours, theirs)):
        if t.grad is None:
            assert not p.has_grad
        else:
            assert_same(p.grad, t.grad, tol, f"grad {k}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm_of_a_single_tensor_and_nonfinite_as_torch(dtype: Any) -> None:
    (p,), (t,) = both(gradients(dtype, 2, 5.0)[:1], unused=False)
    assert_same(
        nn.utils.clip_grad_norm_(p, 1.0).data,
        torch.nn.utils.clip_grad_norm_(t, 1.0),
        TOL[dtype],
        "norm",
    )
    assert_same(p.grad, t.grad, TOL[dtype], "grad")
    g = np.array([np.inf, 1.0, -2.0], dtype)
    ours, theirs = both([g], unused=False)
    assert_same(
        nn.utils.clip_grad_norm_(ours, 1.0).data,
        torch.nn.utils.clip_grad_norm_(theirs, 1.0),
        TOL[dtype],
        "inf norm",
    )
    assert_same(ours[0].grad, theirs[0].grad, TOL[dtype], "grads scaled by an infinite norm")
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_(theirs, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="error_if_nonfinite"):
        nn.utils.clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("clip_value", [0.0, 0.3, 1.0, 10.0])
def test_clip_grad_value_as_torch(dtype: Any, clip_value: float) -> None:
    grads = gradients(dtype, 3, scale=1.0)
    grads[0][0, 0] = np.nan
    ours, theirs = both(grads)
    assert nn.utils.clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    for k, (p, t) in enumerate(zip(ours, theirs)):
        if t.grad is None:
            assert not p.has_grad
        else:
            assert_same(p.grad, t.grad, TOL[dtype], f"grad {k}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_parameters_to_vector_and_back_as_torch(dtype: Any) -> None:
    values = gradients(dtype, 4, scale=1.0)
    ours = [nn.Parameter(v) for v in values]
    theirs = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in values]
    vec = nn.utils.parameters_to_vector(ours)
    tvec = torch.nn.utils.parameters_to_vector(theirs)
    assert_same(vec.data, tvec, TOL[dtype], "vector")
    weights = np.linspace(-1.0, 1.0, vec.shape[0]).astype(dtype)
    (vec * weights).sum().backward()
    (tvec * torch.from_numpy(weights)).sum().backward()
    for k, (p, t) in enumerate(zip(ours, theirs)):
        assert_same(p.grad, t.grad, TOL[dtype], f"grad {k}")
    new = np.arange(vec.shape[0]).astype(dtype) / 7
    nn.utils.vector_to_parameters(new, ours)
    torch.nn.utils.vector_to_parameters(torch.from_numpy(new.copy()), theirs)
    for k, (p, t) in enumerate(zip(ours, theirs)):
        assert_same(p.data, t.detach(), TOL[dtype], f"parameter {k}")

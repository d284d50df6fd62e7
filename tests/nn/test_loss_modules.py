"""Loss modules check their settings when they are made, not at their first call."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from tensorgrad import Value

LOSSES = [nn.MSELoss, nn.L1Loss, nn.CrossEntropyLoss, nn.NLLLoss, nn.BCEWithLogitsLoss, nn.BCELoss]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("reduction", ["max", "Mean", ""])
def test_an_unknown_reduction_is_refused_at_construction(loss: Any, reduction: str) -> None:
    with pytest.raises(
        ValueError,
        match=rf"^{loss.__name__}: reduction must be 'mean', 'sum' or 'none', got '{reduction}'$",
    ):
        loss(reduction=reduction)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(
    ("reduction", "shown"), [(None, "NoneType None"), (1, "int 1"), (["mean"], r"list \['mean'\]")]
)
def test_a_reduction_that_is_not_a_str_is_a_type_error(
    loss: Any, reduction: Any, shown: str
) -> None:
    with pytest.raises(
        TypeError,
        match=rf"^{loss.__name__}: reduction must be 'mean', 'sum' or 'none', got {shown}$",
    ):
        loss(reduction=reduction)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_every_reduction_is_accepted(loss: Any, reduction: str) -> None:
    assert loss(reduction=reduction).reduction == reduction


@pytest.mark.parametrize("smoothing", [-1, -0.1, 1.5, 2, float("nan"), float("inf")])
def test_label_smoothing_outside_0_1_is_refused_at_construction(smoothing: float) -> None:
    with pytest.raises(
        ValueError,
        match=rf"^CrossEntropyLoss: label_smoothing must be in \[0, 1\], got {smoothing!r}$",
    ):
        nn.CrossEntropyLoss(label_smoothing=smoothing)


@pytest.mark.parametrize(
    ("smoothing", "shown"),
    [("0.1", "str '0.1'"), (None, "NoneType None"), (True, "bool True"), ([0.1], r"list \[0\.1\]")],
)
def test_label_smoothing_that_is_not_a_number_is_a_type_error(smoothing: Any, shown: str) -> None:
    with pytest.raises(
        TypeError,
        match=r"^CrossEntropyLoss: label_smoothing must be a float in \[0, 1\], got " + shown + "$",
    ):
        nn.CrossEntropyLoss(label_smoothing=smoothing)


def test_label_smoothing_may_not_be_a_value() -> None:
    with pytest.raises(TypeError, match=r"^CrossEntropyLoss: label_smoothing must be a float in"):
        nn.CrossEntropyLoss(label_smoothing=Value(0.1))  # type: ignore[arg-type]


@pytest.mark.parametrize("smoothing", [0, 1, 0.25, np.float32(0.5), np.float64(1.0)])
def test_label_smoothing_in_0_1_is_accepted(smoothing: float) -> None:
    loss = nn.CrossEntropyLoss(label_smoothing=smoothing)
    value = loss(Value([[0.0, 0.0]]), np.array([1]))
    assert np.isclose(value.item(), np.log(2))  # equal logits: log 2 whatever the smoothing

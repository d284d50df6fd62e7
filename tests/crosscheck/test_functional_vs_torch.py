"""softmax, log_softmax and logsumexp against PyTorch, including logits of about ±1000
(where a naive ``exp`` overflows) and masked logits of -inf.

Both libraries shift by the maximum before exponentiating, so the formulas agree and ``F64``
holds; near ±1000, ``F64``'s relative part covers values of order 1000.
"""

from __future__ import annotations

import numpy as np
import pytest
from crosscheck._torch_helpers import SETTINGS, Domain, axes, check, draw, shapes
from hypothesis import given
from hypothesis import strategies as st

Shape = tuple[int, ...]

MODERATE = Domain(-5.0, 5.0)
HUGE = Domain(-1000.0, 1000.0)  # exp overflows above ~709
SPREAD = Domain(990.0, 1010.0)  # all large, close together: the shift must be exact


@pytest.mark.parametrize("domain", [MODERATE, HUGE, SPREAD], ids=["moderate", "huge", "near 1e3"])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3), data=st.data())
def test_softmax_log_softmax(name: str, domain: Domain, shape: Shape, data: st.DataObject) -> None:
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    (x,) = draw(data, [shape], domain)
    # Over an empty axis numpy warns about log(0) inside log_softmax: values are compared
    # here, the warning in test_edge_cases_vs_torch.py.
    with np.errstate(divide="ignore" if shape[axis] == 0 else "warn"):
        out, _ = check(lambda ops, v: getattr(ops, name)(v, axis), x)
    assert np.isfinite(out.data).all()


@pytest.mark.parametrize("domain", [MODERATE, HUGE, SPREAD], ids=["moderate", "huge", "near 1e3"])
@pytest.mark.parametrize("keepdims", [False, True])
@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_logsumexp(keepdims: bool, domain: Domain, shape: Shape, data: st.DataObject) -> None:
    """Over one axis or several (a tuple, maybe negative), or all of them."""
    axis = data.draw(axes(len(shape)))
    (x,) = draw(data, [shape], domain)
    out, _ = check(lambda ops, v: ops.logsumexp(v, axis, keepdims), x)
    assert np.isfinite(out.data).all()


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
@SETTINGS
@given(shape=shapes(min_dims=2, max_dims=2, min_side=2), data=st.data())
def test_masked_logits(name: str, shape: Shape, data: st.DataObject) -> None:
    """-inf marks a masked logit (attention masks); every row keeps one finite logit.

    Both give probability 0 and log-probability -inf there, and the same finite gradients.
    """
    (x,) = draw(data, [shape], MODERATE)
    mask = data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    x = np.where(np.reshape(mask, shape), -np.inf, x)
    x[:, 0] = np.where(np.isinf(x).all(axis=1), 0.0, x[:, 0])  # no row entirely masked
    check(lambda ops, v: getattr(ops, name)(v, -1), x)

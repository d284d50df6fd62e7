"""PyTorch's spellings (``dim=``, ``keepdim=``, ``.softmax(dim)``, ``.permute``, ``.view``,
``transpose(dim0, dim1)``) written once and run on both libraries: the same call must mean the
same thing in tensorgrad as in PyTorch."""

from __future__ import annotations

import numpy as np
import torch
from crosscheck._torch_helpers import SETTINGS, Domain, Shape, check, draw, shapes
from hypothesis import given
from hypothesis import strategies as st

from tensorgrad import Value

ANY = Domain(-3.0, 3.0)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_dim_and_keepdim_as_torch(shape: Shape, data: st.DataObject) -> None:
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim, ndim - 1))
    keep = data.draw(st.booleans())
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: v.sum(dim=dim, keepdim=keep), x)
    check(lambda ops, v: v.mean(dim=dim, keepdim=keep), x)
    check(lambda ops, v: v.logsumexp(dim=dim, keepdim=keep), x)
    check(lambda ops, v: v.softmax(dim=dim), x)
    check(lambda ops, v: v.log_softmax(dim=dim), x)
    check(lambda ops, v: v.unsqueeze(dim=dim), x)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=4), data=st.data())
def test_permute_and_view_as_torch(shape: Shape, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(shape))))
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: v.permute(*order), x)
    check(lambda ops, v: v.view(-1), x)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=4), data=st.data())
def test_flatten_and_expand_as_torch(shape: Shape, data: st.DataObject) -> None:
    ndim = len(shape)
    start = data.draw(st.integers(0, ndim - 1))
    end = data.draw(st.integers(start, ndim - 1))
    (x,) = draw(data, [shape], ANY)
    check(lambda ops, v: v.flatten(start, end), x)
    sizes = (2, *(-1 if n != 1 else 3 for n in shape))  # a new axis, and size-1 axes grown
    check(lambda ops, v: v.expand(*sizes), x)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3, min_side=1), data=st.data())
def test_max_and_min_by_position_and_by_dim_as_torch(shape: Shape, data: st.DataObject) -> None:
    """``x.max(d)`` and ``x.max(dim=d)`` are torch's pair: ``[0]`` the values (the gradient to
    the returned index), ``[1]`` and ``.indices`` the indices; distinct values, so no ties."""
    ndim = len(shape)
    dim = data.draw(st.integers(-ndim, ndim - 1))
    keep = data.draw(st.booleans())
    (x,) = draw(data, [shape], Domain(-3.0, 3.0, gap=0.25))
    check(lambda ops, v: v.max(dim)[0], x)
    check(lambda ops, v: v.min(dim, keep).values, x)
    v, t = Value(x), torch.tensor(x)
    np.testing.assert_array_equal(v.max(dim=dim, keepdim=keep)[1], t.max(dim=dim, keepdim=keep)[1])
    np.testing.assert_array_equal(v.min(dim).indices, t.min(dim).indices)

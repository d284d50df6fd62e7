"""No silent wrong gradient after an in-place change of an array the graph saved."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from tensorgrad import Value, grad

CHANGED = r"was changed after {op} saved it for the backward pass"


def test_writing_through_data_between_forward_and_backward_raises_naming_the_op() -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    w.data[...] = 100
    with pytest.raises(
        RuntimeError, match=r"mul: operand 1 \(shape \(2,\)\) " + CHANGED.format(op="mul")
    ):
        y.backward()


@pytest.mark.parametrize(
    "change",
    [
        lambda w: w.data.__isub__(1.0),
        lambda w: w.data.fill(0.0),
        lambda w: np.copyto(w.data, np.zeros(2)),
        lambda w: w.numpy().__setitem__(0, 5.0),
        lambda w: setattr(w, "data", np.zeros(2)),
    ],
    ids=["-=", "fill", "copyto", "numpy()[0] =", "data ="],
)
def test_every_way_of_changing_a_saved_array_is_caught(change: object) -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    change(w)  # type: ignore[operator]
    with pytest.raises(RuntimeError, match=CHANGED.format(op="mul")):
        y.backward()


def test_changing_a_kept_result_is_caught() -> None:
    x = Value([-1.0, 2.0])
    z = x.relu()  # relu keeps its result for backward
    loss = (z + 1.0).sum()  # + reads no array of z
    z.data[...] = 7.0
    with pytest.raises(RuntimeError, match=r"relu: its result \(shape \(2,\)\) was changed"):
        loss.backward()


def test_reading_data_alone_is_not_a_change() -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    assert w.data.sum() == 7.0  # a read: the Value gets a copy, the graph keeps its array
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_a_write_of_the_same_values_is_no_change() -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    w.data[...] = [3.0, 4.0]
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_an_optimizer_step_between_two_backwards_of_a_retained_graph_raises() -> None:
    model = nn.Linear(3, 2)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    loss = model(np.ones((4, 3))).sum()
    loss.backward(retain_graph=True)
    optimizer.step()
    with pytest.raises(RuntimeError, match=r"linear: operand 1 \(shape \(2, 3\)\) was changed"):
        loss.backward()


def test_load_state_dict_between_forward_and_backward_raises() -> None:
    model = nn.Linear(3, 2)
    other = nn.Linear(3, 2)
    loss = model(np.ones((4, 3))).sum()
    model.load_state_dict(other.state_dict())
    with pytest.raises(RuntimeError, match=CHANGED.format(op="linear")):
        loss.backward()


def test_a_kept_graph_does_not_block_a_step_and_refuses_a_later_backward() -> None:
    model = nn.Linear(3, 2)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    logged = model(np.ones((4, 3))).sum()  # held for logging, never backwarded
    before = model.weight.data.copy()
    loss = model(np.full((4, 3), 2.0)).sum()
    loss.backward()
    optimizer.step()  # runs: the stale graph does not block it
    assert not np.array_equal(model.weight.data, before)
    with pytest.raises(RuntimeError, match=CHANGED.format(op="linear")):
        logged.backward()


def test_a_normal_training_loop_never_raises_and_gives_pytorchs_numbers() -> None:
    nn.manual_seed(0)
    model = nn.MLP(2, [8, 2])
    optimizer = nn.SGD(model.parameters(), lr=0.5)
    x = np.random.default_rng(0).standard_normal((16, 2))
    y = (x[:, 0] > 0).astype(np.int64)
    losses = []
    for _ in range(30):
        loss = nn.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_the_gradient_is_the_one_of_the_forward_that_ran() -> None:
    # Changed and then restored before backward: what backward reads is unchanged.
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    saved = w.data.copy()
    w.data[...] = 0.0
    w.data = saved
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_grad_refuses_too_and_so_does_create_graph() -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    w.data[0] = -1.0
    with pytest.raises(RuntimeError, match=CHANGED.format(op="mul")):
        grad(y, x, create_graph=True)


def test_an_alias_taken_before_any_graph_stays_the_values_array() -> None:
    w = Value([1.0, 2.0])
    alias = w.data
    alias[0] = 5.0
    assert w.data[0] == 5.0  # no graph holds the array: no copy
    (w * 2).sum().backward()  # backward freed the graph, and with it the hold
    alias[1] = 6.0
    assert w.data[1] == 6.0


@pytest.mark.parametrize(
    "share",
    [lambda w: w.detach(), lambda w: __import__("copy").copy(w)],
    ids=["detach", "copy.copy"],
)
def test_a_value_sharing_the_array_cannot_change_it_behind_the_graph(share: object) -> None:
    x, w = Value([1.0, 2.0]), Value([3.0, 4.0])
    y = (x * w).sum()
    shared = share(w)  # type: ignore[operator]
    shared.data[...] = 0.0  # changes w too (they share), as in PyTorch
    assert w.data.sum() == 0.0
    with pytest.raises(RuntimeError, match=CHANGED.format(op="mul")):
        y.backward()


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda w: (w.reshape(2, 1) ** 2).sum(), "reshape"),
        (lambda w: (w.T * w.T).sum(), "transpose"),
        (lambda w: w[1:] * w[1:], "getitem"),
        (lambda w: w.reshape(2, 1).sum(), "reshape"),
        (lambda w: w.broadcast_to((3, 2)).sum(), "broadcast_to"),
        (lambda w: w.chunk(2)[0] * w.chunk(2)[0], "chunk"),
    ],
    ids=["reshape", "transpose", "getitem", "reshape then sum", "broadcast_to", "chunk"],
)
def test_a_view_in_the_graph_holds_the_array_it_views(f: object, op: str) -> None:
    """A view of w (reshape, transpose, a slice...) shares w's numbers: a node that saves the
    view saves w's numbers, so a write through w.data before backward is refused, as one
    into w's own array is (a view op holds w's array, whether or not a later node reads it)."""
    w = Value([3.0, 4.0])
    y = f(w)  # type: ignore[operator]
    w.data[0] = 10.0
    with pytest.raises(RuntimeError, match=CHANGED.format(op=op)):
        y.sum().backward()


@pytest.mark.parametrize(
    "f",
    [
        lambda w: w.sum(),
        lambda w: w.mean(),
        lambda w: (w + np.ones((3, 2))).sum(),
        lambda w: (np.ones(2) / w.astype(np.float32)).sum(),
    ],
    ids=["sum", "mean", "add", "div and astype"],
)
def test_an_op_that_reads_only_the_shape_keeps_no_array_and_does_not_refuse(f: object) -> None:
    w = Value([3.0, 4.0])
    y = f(w)  # type: ignore[operator]
    w.data[...] = 5.0  # the gradient of w does not depend on w's numbers here
    y.backward()
    assert w.has_grad


def test_the_result_of_an_op_whose_user_reads_only_its_shape_dies_in_the_forward_pass() -> None:
    import weakref

    x = Value([1.0, 2.0])
    h = x * 2
    ref = weakref.ref(h.data)
    y = h.sum()  # sum reads h's shape only
    del h
    assert ref() is None
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])

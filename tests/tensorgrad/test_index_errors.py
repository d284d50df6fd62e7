"""A wrong index into a Value: which part is wrong, and why, in the message.

numpy's own messages name neither the part nor its type ("only integers, slices...",
"setting an array element with a sequence"); tensorgrad explains the index after numpy has
refused it, so each test reads the whole explanation. The Value is always of shape (2, 3).
"""

from __future__ import annotations

import array
import re
from typing import Any

import numpy as np
import pytest

import tensorgrad.ops.index
from tensorgrad import Value

WHERE = r"index into a Value of shape \(2, 3\): "


def v() -> Value:
    return Value(np.arange(6.0).reshape(2, 3))


def refused(index: Any, kind: type[Exception], message: str) -> None:
    """``v()[index]`` raises ``kind``, whose message matches ``message`` from its start."""
    with pytest.raises(kind) as caught:
        v()[index]
    assert re.match(message, str(caught.value)), str(caught.value)
    error = caught.value
    assert error.__context__ is None or error.__suppress_context__, "numpy's error is shown too"


# -- right indices still work ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "shape"),
    [
        (1, (3,)),
        (-2, (3,)),
        (np.int64(1), (3,)),
        (slice(None, None, -1), (2, 3)),
        ((Ellipsis, 2), (2,)),
        ((None, 0), (1, 3)),
        (True, (1, 2, 3)),
        ([1, 0, 1], (3, 3)),
        ([], (0, 3)),
        ([True, False], (1, 3)),
        (np.array([[True, False, True], [False, False, True]]), (3,)),
        ((np.array([0, 1]), np.array([2, 0])), (2,)),
        (range(2), (2, 3)),
        (array.array("l", [1]), (1, 3)),
        ((slice(None), [np.int64(2)]), (2, 1)),
    ],
)
def test_right_indices_still_work(index: Any, shape: tuple[int, ...]) -> None:
    x = v()
    out = x[index]
    assert out.shape == shape
    np.testing.assert_array_equal(out.data, x.data[index])


# -- wrong types -------------------------------------------------------------------------------

VALID = r"only integers, slices \(:\), Ellipsis \(\.\.\.\), None, and integer or boolean arrays "


@pytest.mark.parametrize(
    ("index", "got"),
    [
        ("a", r"str 'a'"),
        (1.5, r"float 1\.5"),
        ({"a": 1}, r"dict \{'a': 1\}"),
        ({0}, r"set \{0\}"),
        (np.float64(1.0), r"np\.float64\(1\.0\)"),
        (1j, r"complex 1j"),
    ],
)
def test_a_part_of_a_type_that_cannot_index(index: Any, got: str) -> None:
    # IndexError, as numpy and PyTorch ("only integers, slices ... are valid indices")
    refused(index, IndexError, WHERE + VALID + rf"or lists are valid indices, got {got}$")


def test_the_wrong_part_of_a_tuple_is_named_by_its_position() -> None:
    refused(
        (0, "a"),
        IndexError,
        r"index into a Value of shape \(2, 3\), at position 1 of \(0, 'a'\): "
        + VALID
        + r"or lists are valid indices, got str 'a'$",
    )


def test_a_value_cannot_index() -> None:
    rest = r"a Value cannot be used as an index: index with ints, slices, None, Ellipsis"
    refused(Value(0.0), TypeError, WHERE + rest)
    refused(Value(np.zeros(0)), TypeError, WHERE + rest)  # numpy would take it as []
    refused((0, Value(1.0)), TypeError, r"index into a Value of shape \(2, 3\), at position 1 ")


@pytest.mark.parametrize(
    ("index", "got"),
    [
        ([0, "a"], r"str 'a' in \[0, 'a'\]"),
        ([0, 1.0], r"float 1\.0 in \[0, 1\.0\]"),
        ([None], r"NoneType None in \[None\]"),
        ([[0], [slice(1)]], r"slice\(None, 1, None\) in \[\[0\], \[slice\(None, 1, None\)\]\]"),
        ([Value(0.0)], r"Value\(data=0\.0, grad=0\.0\) in \[Value"),
    ],
)
def test_a_list_of_something_else_than_ints_or_bools(index: Any, got: str) -> None:
    refused(
        index,
        IndexError,
        WHERE + rf"a list in an index must hold only ints or only bools, got {got}",
    )


@pytest.mark.parametrize("dtype", ["float64", "float32", "<U1", "object", "complex128"])
def test_an_array_of_another_dtype_than_ints_or_bools(dtype: str) -> None:
    index = np.zeros(1, dtype=dtype)
    refused(
        index,
        IndexError,
        WHERE + rf"an index array must hold integers or booleans, got an array of dtype "
        rf"{re.escape(str(index.dtype))} and shape \(1,\)$",
    )


def test_a_ragged_list_is_named_as_such() -> None:
    ragged = (
        r"the list \[\[0, 1\], \[0\]\] in the index is ragged \(inhomogeneous\): its rows differ"
    )
    refused([[0, 1], [0]], ValueError, WHERE + ragged)
    refused(
        (1, [[0, 1], [0]]),
        ValueError,
        r"index into a Value of shape \(2, 3\), at position 1 of \(1, \[\[0, 1\], \[0\]\]\): "
        + ragged,
    )


@pytest.mark.parametrize(
    ("index", "name", "got"),
    [
        (slice(0.5, 2), "start", r"float 0\.5 in slice\(0\.5, 2, None\)"),
        (slice(0, "b"), "stop", r"str 'b' in slice\(0, 'b', None\)"),
        (slice(None, None, 1.0), "step", r"float 1\.0 in slice\(None, None, 1\.0\)"),
    ],
)
def test_a_slice_bound_that_is_not_an_int(index: slice, name: str, got: str) -> None:
    refused(index, TypeError, WHERE + rf"a slice's {name} must be an int or None, got {got}$")


def test_a_slice_step_of_zero() -> None:
    refused(
        slice(None, None, 0),
        ValueError,
        WHERE + r"a slice's step cannot be zero, got slice\(None, None, 0\)$",
    )


# -- indices that do not fit the shape ---------------------------------------------------------


def test_two_ellipses() -> None:
    refused(
        (Ellipsis, Ellipsis),
        IndexError,
        WHERE
        + r"an index can have one Ellipsis \(\.\.\.\) at most, got 2 in \(Ellipsis, Ellipsis\)$",
    )


def test_too_many_indices() -> None:
    refused(
        (0, 0, 0),
        IndexError,
        WHERE + r"too many indices: \(0, 0, 0\) indexes 3 axes, but the Value has 2$",
    )
    refused(  # a mask takes as many axes as it has
        (np.ones((2, 3), bool), None, 0),
        IndexError,
        WHERE
        + r"too many indices: \(array\(dtype=bool, shape=\(2, 3\)\), None, 0\) indexes 3 axes",
    )


def test_a_0d_value_has_no_axes_to_index() -> None:
    with pytest.raises(
        IndexError,
        match=r"^index into a Value of shape \(\): a 0-d Value has no axes to index, but the "
        r"index 0 indexes 1: take its number with \.item\(\), or index it with \[\(\)\] or",
    ):
        Value(2.0)[0]
    assert Value(2.0)[()].item() == 2.0


@pytest.mark.parametrize(
    ("index", "where", "bad", "axis", "size"),
    [
        (5, WHERE, 5, 0, 2),
        (-3, WHERE, -3, 0, 2),
        (2**70, WHERE, 2**70, 0, 2),  # numpy: "only integers ... are valid indices"
        ((0, 5), r"index into a Value of shape \(2, 3\), at position 1 of \(0, 5\): ", 5, 1, 3),
        ((5, 5), r"index into a Value of shape \(2, 3\), at position 0 of \(5, 5\): ", 5, 0, 2),
        ((Ellipsis, 7), r".*at position 1 of \(Ellipsis, 7\): ", 7, 1, 3),  # the last axis
        ([0, 5], WHERE, 5, 0, 2),
        ([[0, 1], [1, -4]], WHERE, -4, 0, 2),
        (np.array([0, 2]), WHERE, 2, 0, 2),
        ([np.array([0, 5])], WHERE, 5, 0, 2),
        (range(1, 3), WHERE, 2, 0, 2),
        (
            (slice(None), [0, 1, 3]),
            r".*at position 1 of \(slice\(None, None, None\), \[0, 1, 3\]\): ",
            3,
            1,
            3,
        ),
    ],
)
def test_an_index_out_of_bounds_names_it_the_axis_and_its_size(
    index: Any, where: str, bad: int, axis: int, size: int
) -> None:
    refused(
        index,
        IndexError,
        where + rf"index {bad} is out of bounds for axis {axis} with size {size}$",
    )


def test_a_mask_of_another_shape_than_the_axes_it_covers() -> None:
    refused(
        np.ones(3, bool),
        IndexError,
        WHERE + r"the boolean index has shape \(3,\), but it covers axis 0, of shape \(2,\)$",
    )
    refused(
        [[True, False, True]],
        IndexError,
        WHERE
        + r"the boolean index has shape \(1, 3\), but it covers axes 0 to 1, of shape \(2, 3\)$",
    )
    refused(
        (slice(None), np.ones(2, bool)),
        IndexError,
        r"index into a Value of shape \(2, 3\), at position 1 of .*: the boolean index has "
        r"shape \(2,\), but it covers axis 1, of shape \(3,\)$",
    )


def test_index_arrays_that_do_not_broadcast_together() -> None:
    refused(
        (np.zeros((2, 2), int), [0, 0, 0]),
        IndexError,
        WHERE + r"the index arrays of \(array\(dtype=int64, shape=\(2, 2\)\), \[0, 0, 0\]\) have "
        r"shapes \(2, 2\) and \(3,\), which do not broadcast together",
    )
    refused(  # a mask picks its True positions: 2 of them here, against 3 ints
        (np.array([True, True]), [0, 1, 1]),
        IndexError,
        WHERE + r"the index arrays of .* have shapes \(2,\) and \(3,\), a boolean index counting "
        r"as the array of its True positions, which do not broadcast together",
    )


def test_an_index_numpy_refuses_for_a_reason_the_walk_misses_keeps_numpys_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The walk covers every reason numpy has today; a new one must still name the shape.
    monkeypatch.setattr(tensorgrad.ops.index, "_find_the_wrong_part", lambda shape, index: None)
    refused("a", IndexError, WHERE + r"numpy refused the index 'a': only integers")


@pytest.mark.parametrize("kind", ["array", "list", "in a tuple"])
def test_changing_the_index_after_indexing_does_not_move_the_gradient(kind: str) -> None:
    # As PyTorch refuses an index tensor changed in place, the gradient must not follow it.
    x = Value([1.0, 2.0, 3.0])
    idx: Any = np.array([0, 0]) if kind != "list" else [0, 0]
    y = x[(idx,)] if kind == "in a tuple" else x[idx]
    idx[0] = 2
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 0.0])

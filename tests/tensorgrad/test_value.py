"""The Value object: construction, dtypes, attributes, operators, and their error messages."""

from __future__ import annotations

import copy
import importlib
import pickle
import re
from typing import Any

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import Tensor, Value
from tensorgrad.ops import activation, arithmetic, linalg, softmax, unary
from tensorgrad.ops import reduce as reductions

# -- the seed's example -----------------------------------------------------------------------


def test_seed_example_runs_as_written() -> None:
    x = Value(np.array([[1.0, 2.0, 3.0]]))
    W = Value(np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]))  # noqa: N806  (the seed's name)
    b = Value(np.array([[0.5, -0.5]]))
    z = (x @ W + b).relu()
    z.sum().backward()
    np.testing.assert_allclose(z.data, [[1.9, 2.7]])
    np.testing.assert_allclose(x.grad, [[0.5, 0.7, 0.9]])
    np.testing.assert_allclose(W.grad, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    np.testing.assert_allclose(b.grad, [[1.0, 1.0]])
    np.testing.assert_allclose(z.grad, [[1.0, 1.0]])


def test_relu_blocks_the_gradient_of_negative_units() -> None:
    x = Value(np.array([[1.0, 2.0, 3.0]]))
    W = Value(np.array([[0.1, -0.4], [0.2, -0.5], [0.3, -0.6]]))  # noqa: N806
    z = (x @ W).relu()
    z.sum().backward()
    np.testing.assert_allclose(W.grad, [[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(x.grad, [[0.1, 0.2, 0.3]])


# -- construction and dtypes ------------------------------------------------------------------


def test_tensor_is_value() -> None:
    assert Tensor is Value


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1, np.float64),
        (2.5, np.float64),
        (True, np.float64),
        ([1, 2, 3], np.float64),
        ([[1.0], [2.0]], np.float64),
        (np.arange(3), np.float64),
        (np.array([True, False]), np.float64),
        (np.ones(2, dtype=np.float32), np.float32),
        (np.float32(1.5), np.float32),
    ],
)
def test_dtype_rules(data: object, dtype: type) -> None:
    v = Value(data)
    assert v.dtype == dtype
    assert v.grad.dtype == dtype
    assert isinstance(v.data, np.ndarray)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_float16_and_longdouble_are_refused(dtype: type) -> None:
    name = np.dtype(dtype).name
    with pytest.raises(TypeError, match=rf"Value\(\): .*{name} is not supported"):
        Value(np.ones(2, dtype=dtype))
    with pytest.raises(TypeError, match=rf"float32 or float64 numbers; {name} is not supported"):
        Value([1.0], dtype=dtype)
    with pytest.raises(TypeError, match=rf"{name} is not supported"):
        Value([1.0]).astype(dtype)
    with pytest.raises(TypeError, match="dtype must be float32 or float64, got 'floaty'"):
        Value([1.0], dtype="floaty")


def test_explicit_dtype() -> None:
    assert Value([1, 2], dtype=np.float32).dtype == np.float32
    assert Value(np.ones(2), dtype="float32").dtype == np.float32


def test_data_is_copied() -> None:
    a = np.ones(3)
    v = Value(a)
    a[0] = 5.0
    assert v.data[0] == 1.0
    assert Value(v).data is not v.data


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("abc", "str"),
        (None, "NoneType"),
        (object(), "object"),
        ([1, "a"], "list"),
        (np.array([1 + 2j]), "ndarray"),
        ({"a": 1}, "dict"),
        ([[1, 2], [3]], "list"),
    ],
)
def test_non_numeric_data_is_a_type_error(data: object, name: str) -> None:
    with pytest.raises(TypeError, match=rf"Value\(\) needs numbers.*got {name}"):
        Value(data)


@pytest.mark.parametrize("dtype", [np.int64, bool, np.complex128])
def test_non_float_dtype_is_a_type_error(dtype: type) -> None:
    with pytest.raises(TypeError, match="floating-point"):
        Value([1.0], dtype=dtype)


def test_attributes() -> None:
    v = Value(np.zeros((2, 3)))
    assert (v.shape, v.ndim, v.size, len(v)) == ((2, 3), 2, 6, 2)
    assert v.requires_grad
    assert not Value(1.0, requires_grad=False).requires_grad
    np.testing.assert_array_equal(v.grad, np.zeros((2, 3)))
    assert v.numpy() is v.data


def test_item() -> None:
    assert Value([[3.5]]).item() == 3.5
    assert isinstance(Value(2).item(), float)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        Value([1.0, 2.0]).item()


def test_len_iter_bool_of_0d() -> None:
    with pytest.raises(TypeError, match="len"):
        len(Value(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d"):
        iter(Value(1.0))
    assert bool(Value(1.0))
    assert not bool(Value([0.0]))
    with pytest.raises(ValueError, match=r"ambiguous"):
        bool(Value([1.0, 2.0]))


def test_detach_and_zero_grad() -> None:
    x = Value([1.0, 2.0])
    d = (x * 2).detach()
    assert not d.requires_grad
    np.testing.assert_array_equal(d.data, [2.0, 4.0])
    (x * x).sum().backward()
    x.zero_grad()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_grad_setter() -> None:
    x = Value([1.0, 2.0])
    x.grad = np.array([3.0, 4.0])
    (x * 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [4.0, 5.0])
    x.grad = None
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    with pytest.raises(ValueError, match=r"shape \(3,\) does not match the Value's shape \(2,\)"):
        x.grad = np.zeros(3)


def test_a_read_only_grad_is_accumulated_out_of_place() -> None:
    x = Value([1.0, 2.0])
    given = np.broadcast_to(np.ones(1), (2,))  # read-only
    x.grad = given
    (x * 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    x.grad[0] = 5.0  # the gradient read back is writable, and x's own
    np.testing.assert_array_equal(x.grad, [5.0, 2.0])
    np.testing.assert_array_equal(given, [1.0, 1.0])


def test_has_grad_tells_no_gradient_from_a_zero_one() -> None:
    x, unused = Value([1.0, 2.0]), Value([3.0])
    assert not x.has_grad
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    assert not x.has_grad  # reading the zeros does not make a gradient
    x.grad[0] = 5.0  # nor does writing into them: there is nothing to write into yet
    assert not x.has_grad
    (x * 0.0).sum().backward()
    assert x.has_grad  # a gradient that is zero is still a gradient
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    assert not unused.has_grad
    x.zero_grad()
    assert not x.has_grad
    unused.grad = np.array([1.0])
    assert unused.has_grad
    unused.grad = None
    assert not unused.has_grad


def test_astype() -> None:
    x = Value([1.0, 2.0])
    y = x.astype(np.float32)
    assert y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    with pytest.raises(TypeError, match="int64 is not one"):
        x.astype(np.int64)


# -- repr -------------------------------------------------------------------------------------


def test_repr() -> None:
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value([1, 2])) == "Value(data=[1., 2.], grad=[0., 0.])"
    assert repr(Value([1], dtype=np.float32)) == "Value(data=[1.], grad=[0.], dtype=float32)"
    assert repr(Value(1.0, requires_grad=False)).endswith("requires_grad=False)")
    matrix = repr(Value(np.eye(2)))
    assert matrix == (
        "Value(data=[[1., 0.],\n"
        "            [0., 1.]],\n"
        "      grad=[[0., 0.],\n"
        "            [0., 0.]])"
    )


def test_repr_does_not_allocate_grad() -> None:
    x = Value([1.0])
    repr(x)
    assert not x.has_grad


# -- operators --------------------------------------------------------------------------------


def test_numpy_defers_to_value() -> None:
    x = Value([1.0, 2.0, 3.0])
    for result in (np.ones(3) * x, np.ones(3) + x, np.ones(3) - x, np.ones(3) / x, np.ones(3) ** x):
        assert isinstance(result, Value)
    assert isinstance(np.ones((2, 3)) @ x, Value)
    assert isinstance(np.float64(2.0) * x, Value)
    np.testing.assert_allclose((2 - x).data, [1.0, 0.0, -1.0])
    np.testing.assert_allclose((1 / x).data, [1.0, 0.5, 1 / 3])
    np.testing.assert_allclose((2**x).data, [2.0, 4.0, 8.0])


def test_python_scalars_do_not_upcast_float32() -> None:
    x = Value(np.ones(2, dtype=np.float32))
    for result in (x + 1, 2.5 * x, x / 3.0, 1 - x, x**2, 2.0**x, -x, (x * 0.1).sum(), x.mean()):
        assert result.dtype == np.float32


def test_power_with_a_value_exponent() -> None:
    a, b = Value(2.0), Value(3.0)
    y = a**b
    y.backward()
    assert y.item() == 8.0
    assert a.grad == pytest.approx(12.0)
    assert b.grad == pytest.approx(8.0 * np.log(2.0))


def test_comparisons_return_plain_boolean_arrays() -> None:
    x = Value([1.0, 2.0, 3.0])
    y = Value([3.0, 2.0, 1.0])
    for result, expected in [
        (x < y, [True, False, False]),
        (x <= y, [True, True, False]),
        (x > 2, [False, False, True]),
        (x >= np.array([1.0, 3.0, 3.0]), [True, False, True]),
        (x == y, [False, True, False]),
        (x != 2.0, [True, False, True]),
        (2.0 < x, [False, False, True]),  # noqa: SIM300  (the reflected comparison)
    ]:
        assert type(result) is np.ndarray
        assert result.dtype == np.bool_
        np.testing.assert_array_equal(result, expected)


def test_values_are_hashable_by_identity() -> None:
    x, y = Value(1.0), Value(1.0)
    assert len({x, y, x}) == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x: x + "a", "'Value' and 'str'"),
        (lambda x: "a" - x, "'str' and 'Value'"),
        (lambda x: x * None, "'Value' and 'NoneType'"),
        (lambda x: x @ "a", "'Value' and 'str'"),
        (lambda x: x - [1, 2], "'Value' and 'list'"),
        (lambda x: x < "a", "'Value' and 'str'"),
        (lambda x: x * np.array(["a", "b"]), "numpy array of dtype <U1"),
        (lambda x: x + np.array([1 + 1j, 2]), "numpy array of dtype complex128"),
        (lambda x: np.array([1 + 1j, 2]) * x, "numpy array of dtype complex128"),
    ],
)
def test_unsupported_operand_types_name_the_type(make: object, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        make(Value([1.0, 2.0]))  # type: ignore[operator]


def test_function_operand_types_name_the_types() -> None:
    with pytest.raises(TypeError, match=r"maximum: expected .* got Value and str"):
        tg.maximum(Value(1.0), "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"where: expected .* got NoneType and Value"):
        tg.where(np.array(True), None, Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="where: the condition must be boolean, got dtype float64"):
        tg.where(np.array([1.0]), Value(1.0), 0.0)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda a, b: a + b, r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast together"),
        (lambda a, b: a - b, r"sub: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: a * b, r"mul: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: a / b, r"div: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: a**b, r"pow: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: a < b, r"<: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: tg.maximum(a, b), r"maximum: shapes \(2, 3\) and \(4,\)"),
        (lambda a, b: tg.where(a > 0, a, b), r"where: shapes \(2, 3\), \(2, 3\) and \(4,\)"),
    ],
)
def test_broadcast_errors_name_the_op_and_both_shapes(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(Value(np.ones((2, 3))), Value(np.ones(4)))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "message"),
    [
        ((2, 3), (4, 5), r"matmul: \(2, 3\) @ \(4, 5\): inner dimensions 3 and 4 differ"),
        ((3,), (4,), r"matmul: \(3,\) @ \(4,\): inner dimensions 3 and 4 differ"),
        ((2, 3), (2,), r"matmul: \(2, 3\) @ \(2,\): inner dimensions 3 and 2 differ"),
        ((2, 2, 3), (4, 3, 1), r"batch dimensions \(2,\) and \(4,\) cannot be broadcast"),
        ((), (3,), r"matmul: \(\) @ \(3,\): a 0-d operand has no matrix axes"),
    ],
)
def test_matmul_errors(a_shape: tuple[int, ...], b_shape: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Value(np.ones(a_shape)) @ Value(np.ones(b_shape))


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "b_shape", "message"),
    [
        (
            (4, 5),
            (2, 3),
            None,
            r"linear: input of shape \(4, 5\) and weight of shape \(2, 3\): the input's last "
            r"axis must have size in_features = 3",
        ),
        ((), (2, 3), None, r"linear: input of shape \(\) and weight of shape \(2, 3\)"),
        (
            (4, 3),
            (3,),
            None,
            r"linear: weight must have shape \(out_features, in_features\), got shape \(3,\)",
        ),
        (
            (4, 3),
            (2, 3),
            (3,),
            r"linear: bias of shape \(3,\) and weight of shape \(2, 3\): the bias must have "
            r"shape \(2,\)",
        ),
        ((4, 3), (2, 3), (), r"linear: bias of shape \(\) and weight of shape \(2, 3\)"),
    ],
)
def test_linear_shape_errors(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    b_shape: tuple[int, ...] | None,
    message: str,
) -> None:
    bias = None if b_shape is None else Value(np.ones(b_shape))
    with pytest.raises(ValueError, match=message):
        tg.linear(Value(np.ones(x_shape)), Value(np.ones(w_shape)), bias)


def test_linear_type_errors_name_the_argument_and_its_type() -> None:
    w = Value(np.ones((2, 3)))
    with pytest.raises(TypeError, match="linear: x must be a Value or a numpy array, got list"):
        tg.linear([1.0, 2.0, 3.0], w)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="linear: weight must be a Value or a numpy array, got str"):
        tg.linear(np.ones(3), "w")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="linear: bias must be a Value or a numpy array, got tuple"):
        tg.linear(np.ones(3), w, (0.0, 0.0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"linear: bias of shape \(\)"):
        tg.linear(np.ones(3), w, 1.0)  # a number is not a bias of shape (2,)


# -- shape-changing errors --------------------------------------------------------------------


def test_shape_errors() -> None:
    x = Value(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a Value of shape \(2, 3\) into"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match=r"transpose: axes \(0,\) are not a permutation"):
        x.transpose(0)
    with pytest.raises(
        ValueError, match=r"squeeze: axis 1 of a Value of shape \(2, 3\) has size 3"
    ):
        x.squeeze(1)
    with pytest.raises(ValueError, match=r"broadcast_to: cannot broadcast .* \(2, 3\) to \(4,\)"):
        x.broadcast_to((4,))
    with pytest.raises(ValueError, match=r"concatenate: cannot join shapes \(2, 3\), \(3, 2\)"):
        tg.concatenate([x, Value(np.zeros((3, 2)))])
    with pytest.raises(ValueError, match=r"stack: all shapes must be equal, got \(2, 3\), \(3,\)"):
        tg.stack([x, Value(np.zeros(3))])
    with pytest.raises(ValueError, match="concatenate: expects a non-empty list"):
        tg.concatenate([])
    with pytest.raises(ValueError, match=r"stack: all shapes must be equal, got \(2, 3\), \(\)"):
        tg.stack([x, 1.0])
    with pytest.raises(TypeError, match="stack: expected Values, numpy arrays or numbers, got str"):
        tg.stack([x, "a"])
    with pytest.raises(TypeError, match="stack: expects a list of Values, got Value"):
        tg.stack(x)
    with pytest.raises(ValueError, match="concatenate: 0-d Values have no axis to join along"):
        tg.concatenate([Value(1.0), Value(2.0)])


def test_stack_of_0d_values_is_a_vector() -> None:
    a, b = Value(1.0), Value(2.0)
    s = tg.stack([a, b, 3.0])
    assert s.shape == (3,)
    (s * np.array([1.0, 2.0, 3.0])).sum().backward()
    assert a.grad == 1.0
    assert b.grad == 2.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x: x.sum(axis=2), r"sum: axis 2 is out of range for 2 axes \(valid: -2 to 1\)"),
        (lambda x: x.mean(axis=-3), r"mean: axis -3 is out of range for 2 axes"),
        (lambda x: x.max(axis=(0, 0)), r"max: repeated axis in \(0, 0\)"),
        (lambda x: x.sum(axis=1.5), r"sum: an axis must be an int, got float"),
        (lambda x: x.argmax(axis=5), r"argmax: axis 5 is out of range"),
        (lambda x: x.unsqueeze(4), r"unsqueeze: axis 4 is out of range for 3 axes"),
        (lambda x: tg.softmax(x, axis=2), r"softmax: axis 2 is out of range"),
    ],
)
def test_axis_errors(make: object, message: str) -> None:
    with pytest.raises((ValueError, IndexError, TypeError), match=message):
        make(Value(np.zeros((2, 3))))  # type: ignore[operator]


def test_axis_error_is_numpys_axis_error() -> None:
    with pytest.raises(np.exceptions.AxisError):
        Value(np.zeros(2)).sum(axis=1)


def test_reductions_over_empty_axes() -> None:
    with pytest.raises(ValueError, match=r"max: axis 0 of a Value of shape \(0, 3\) is empty"):
        Value(np.zeros((0, 3))).max(axis=0)
    assert Value(np.zeros((0, 3))).max(axis=1).shape == (0,)
    with pytest.raises(ValueError, match=r"argmax: a Value of shape \(0,\) has no elements"):
        Value(np.zeros(0)).argmax()


def test_index_errors() -> None:
    x = Value(np.zeros((2, 3)))
    with pytest.raises(IndexError, match=r"index into a Value of shape \(2, 3\): index 5"):
        x[5]
    with pytest.raises(IndexError, match=r"Value of shape \(2, 3\): only integers"):
        x[1.5]
    with pytest.raises(TypeError, match="a Value cannot be used as an index"):
        x[Value([0.0])]


def test_clip_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="clip: give at least one of lo and hi"):
        Value([1.0]).clip()


# -- copies -----------------------------------------------------------------------------------


def test_a_deep_copy_of_a_used_leaf_is_a_leaf_of_its_own() -> None:
    x = Value([1.0, 2.0])
    (x * 2).sum().backward()  # x now has a node in a (freed) graph
    c = copy.deepcopy(x)
    assert c.data is not x.data
    np.testing.assert_array_equal(c.grad, [2.0, 2.0])
    (c * 3).sum().backward()
    np.testing.assert_array_equal(c.grad, [5.0, 5.0])
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])  # the original's gradient is untouched


def test_a_shallow_copy_shares_the_data_but_not_the_gradient() -> None:
    x = Value([1.0, 2.0])
    (x * 2).sum().backward()
    c = copy.copy(x)
    assert c.data is x.data
    c.grad += 1
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    np.testing.assert_array_equal(c.grad, [3.0, 3.0])


def test_a_value_pickles_with_its_gradient() -> None:
    x = Value(np.arange(3.0, dtype=np.float32), requires_grad=True)
    (x * x).sum().backward()
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.data, x.data)
    np.testing.assert_array_equal(y.grad, x.grad)
    assert pickle.loads(pickle.dumps(Value(1.0, requires_grad=False))).requires_grad is False


def test_copying_a_computed_value_names_its_operation() -> None:
    y = Value([1.0, 2.0]) * 2
    message = (
        "Only Values created by the user (graph leaves) can be copied or pickled; "
        "this one was computed by mul (shape (2,))"
    )
    with pytest.raises(RuntimeError, match=re.escape(message)):
        copy.deepcopy(y)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        pickle.dumps(y)
    assert copy.deepcopy(y.detach()).requires_grad is False


def test_assigning_data_converts_as_the_constructor_does() -> None:
    w = Value([1.0, 2.0])
    w.data = np.array([1, 2])  # ints become float64, as in Value(...)
    assert w.dtype == np.float64
    w.mean().backward()
    np.testing.assert_array_equal(w.grad, [0.5, 0.5])
    f32 = np.zeros(2, np.float32)
    w.data = f32  # a float array is kept as it is, not copied (PyTorch's w.data = t)
    assert w.data is f32
    with pytest.raises(TypeError, match=r"Value.data = needs numbers.*got str"):
        w.data = "abc"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"Value.data = needs numbers.*complex128"):
        w.data = np.array([1j, 2j])


# -- axis and flag arguments, read as PyTorch reads them ------------------------------------


def test_axis_0_and_minus_1_of_a_0d_value_as_in_pytorch() -> None:
    x = Value(1.5)
    for axis in (0, -1):
        assert x.sum(axis=axis).item() == 1.5
        assert x.mean(axis=axis, keepdims=True).shape == ()
        assert x.max(axis=axis).item() == 1.5
        assert tg.softmax(x, axis).item() == 1.0
        assert tg.log_softmax(x, axis).item() == 0.0
        assert tg.logsumexp(x, axis).item() == 1.5
        assert x.argmax(axis=axis) == 0
        assert x.squeeze(axis).shape == ()
        assert x.swapaxes(axis, 0).shape == ()
    tg.log_softmax(x).backward()
    assert x.grad == 0.0
    with pytest.raises(np.exceptions.AxisError, match="sum: axis 1 is out of range for 0 axes"):
        x.sum(axis=1)


@pytest.mark.parametrize("op", [tg.softmax, tg.log_softmax, lambda x, axis: x.argmax(axis)])
def test_one_axis_ops_refuse_a_tuple_of_axes(op: Any) -> None:
    with pytest.raises(TypeError, match=r"axis must be one int, got tuple \(0, 1\)"):
        op(Value(np.ones((2, 3))), axis=(0, 1))


def test_axes_and_keepdims_must_be_ints_and_bools() -> None:
    x = Value(np.ones((2, 3)))
    for reduce in (x.sum, x.mean, x.max, x.min):
        with pytest.raises(TypeError, match="keepdims must be True or False, got str 'yes'"):
            reduce(keepdims="yes")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="an axis must be an int, got bool"):
            reduce(axis=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="logsumexp: keepdims must be True or False, got int 1"):
        tg.logsumexp(x, keepdims=1)  # type: ignore[arg-type]
    assert x.sum(keepdims=np.True_).shape == (1, 1)


def test_the_softmax_family_takes_arrays_as_constants_and_refuses_the_rest() -> None:
    for fn in (tg.softmax, tg.log_softmax, tg.logsumexp):
        out = fn(np.zeros(4))
        assert not out.requires_grad
        assert out.dtype == np.float64
        with pytest.raises(
            TypeError, match=rf"{fn.__name__}: expected Values, numpy arrays or numbers, got list"
        ):
            fn([1.0, 2.0])  # type: ignore[arg-type]
    np.testing.assert_allclose(tg.softmax(np.zeros(4)).data, 0.25)


def test_clip_bounds_must_be_numbers_arrays_or_values_and_keep_the_dtype() -> None:
    x = Value(np.array([-2.0, 0.5, 3.0], np.float32))
    assert x.clip(np.zeros(3), np.float64(1.0)).dtype == np.float32
    with pytest.raises(
        TypeError, match="clip: lo must be a number, a numpy array or a Value, got str 'a'"
    ):
        x.clip("a", 1)
    assert x.clip(0.0, Value(1.0)).dtype == np.float64  # a Value bound promotes, as x + hi


def test_int_array_constants_take_the_values_float_dtype_as_in_pytorch() -> None:
    x = Value(np.array([1.5, 2.5], np.float32))
    ints = np.array([2, 3])
    for y in (x * ints, ints - x, x**ints, tg.maximum(x, ints), tg.where(ints > 2, x, ints)):
        assert y.dtype == np.float32
    assert tg.concatenate([x, ints]).dtype == np.float32
    assert tg.stack([x, ints, np.ones(2)]).dtype == np.float64  # a float64 array promotes
    (x * ints).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


def test_grad_assignment_and_requires_grad_are_checked() -> None:
    x = Value([1.0, 2.0])
    x.grad = [1, 2]
    assert x.grad.dtype == np.float64
    with pytest.raises(
        TypeError, match=r"Value.grad =: the gradient must be an array of real numbers, got str"
    ):
        x.grad = "a"  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"got ndarray \(numpy dtype complex128\)"):
        x.grad = np.array([1j, 1.0])
    with pytest.raises(ValueError, match=r"Value.grad =: grad of shape \(3,\) does not match"):
        x.grad = np.ones(3)
    with pytest.raises(
        TypeError, match="Value\\(\\): requires_grad must be True or False, got str"
    ):
        Value([1.0], requires_grad="no")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match="astype: a Value holds floating-point numbers; dtype int32"
    ):
        x.astype(np.int32)
    with pytest.raises(TypeError, match="broadcast_to: the shape must be a tuple of ints, got 'a'"):
        x.broadcast_to("a")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"clip: the Value's shape \(2,\) and the bounds' shapes \(3,\) and \(\)"
    ):
        x.clip(np.zeros(3), 1.0)


def test_review_regressions_stay_fixed() -> None:
    x = Value([1.0, 2.0])
    x[[]].sum().backward()  # an empty list index is an empty list of ints
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    a = Value(np.float32(1.0))
    tg.stack([a, Value(2.0)]).sum().backward()
    assert a.grad.dtype == np.float32  # a 0-d Value keeps its own dtype in a join
    assert (Value(np.ones(2, np.float32)) * np.array(2.0)).dtype == np.float32  # 0-d: a number
    for op in (tg.softmax, tg.log_softmax):
        with pytest.raises(TypeError, match="axis must be one int, got NoneType None"):
            op(Value(np.ones((2, 3))), axis=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"convert b with \.astype\(np\.float64\)"):
        Value(np.ones((2, 2))) @ np.ones((2, 2), int)


def test_transpose_of_two_axes_swaps_them_as_pytorch() -> None:
    m = Value(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)  # numpy: unchanged
    np.testing.assert_array_equal(m.transpose(1, 0).data, m.data.T)
    x = Value(np.zeros((2, 3, 4)))
    assert x.transpose(0, 2).shape == (4, 3, 2)
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3)  # three axes: numpy's permutation
    with pytest.raises(np.exceptions.AxisError, match="transpose: axis 5 is out of range"):
        x.transpose(0, 5)


def test_pytorchs_conversions_float_int_tolist_numel() -> None:
    assert float(Value([[2.5]])) == 2.5
    assert int(Value(-2.7)) == -2
    assert Value([[1, 2]]).tolist() == [[1.0, 2.0]]
    assert Value(np.zeros((2, 3))).numel() == 6
    for convert in (float, int):
        with pytest.raises(ValueError, match=r"only a Value with one element .* shape \(2,\)"):
            convert(Value([1.0, 2.0]))


def test_pytorchs_dim_and_keepdim_mean_numpys_axis_and_keepdims() -> None:
    x = Value(np.arange(6.0).reshape(2, 3))
    pairs = [
        (x.sum(dim=0), x.sum(axis=0)),
        (x.mean(dim=1, keepdim=True), x.mean(axis=1, keepdims=True)),
        (x.softmax(dim=0), tg.softmax(x, axis=0)),
        (x.log_softmax(0), tg.log_softmax(x, 0)),
        (x.logsumexp(dim=1, keepdim=True), tg.logsumexp(x, axis=1, keepdims=True)),
        (x.unsqueeze(dim=1), x.unsqueeze(1)),
        (tg.stack([x, x], dim=1), tg.stack([x, x], axis=1)),
        (tg.concatenate([x, x], dim=1), tg.concatenate([x, x], axis=1)),
        (x.permute(1, 0), x.transpose((1, 0))),
        (x.view(3, 2), x.reshape(3, 2)),
    ]
    for torch_spelled, numpy_spelled in pairs:
        np.testing.assert_array_equal(torch_spelled.data, numpy_spelled.data)
    np.testing.assert_array_equal(x.argmax(dim=1, keepdim=True), [[2], [2]])
    for call in (
        lambda: x.sum(axis=0, dim=1),
        lambda: x.mean(keepdims=True, keepdim=True),
        lambda: tg.softmax(x, axis=0, dim=1),
        lambda: tg.stack([x], axis=1, dim=0),
    ):
        with pytest.raises(TypeError, match=r"give (axis|keepdims)= or (dim|keepdim)=, not both"):
            call()
    with pytest.raises(ValueError, match=r"permute: dims \(0,\) are not a permutation"):
        x.permute(0)


def test_cat_is_concatenate() -> None:
    a, b = Value([1.0]), Value([2.0, 3.0])
    assert tg.cat is tg.concatenate
    np.testing.assert_array_equal(tg.cat([a, b], dim=0).data, [1.0, 2.0, 3.0])


def test_flatten_and_expand_as_pytorch() -> None:
    x = Value(np.arange(24.0).reshape(2, 3, 4))
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)
    assert x.flatten(-2, -1).shape == (2, 12)
    assert Value(2.0).flatten().shape == (1,)
    with pytest.raises(ValueError, match="flatten: start_dim=2 comes after end_dim=1"):
        x.flatten(2, 1)
    with pytest.raises(TypeError, match="flatten: an axis must be an int, got str"):
        x.flatten("a")  # type: ignore[arg-type]
    c = Value([[1.0], [2.0]])
    y = c.expand(4, -1, 3)
    assert y.shape == (4, 2, 3)
    y.sum().backward()
    np.testing.assert_array_equal(c.grad, [[12.0], [12.0]])
    with pytest.raises(ValueError, match="expand: -1 is not allowed for the new axis 0"):
        c.expand(-1, 2, 3)


# -- the input of an op: a Value, or a numpy array or a number as a constant -------------------

# One call per op of tensorgrad.ops whose first argument is its input, given that input.
INPUT_OPS: dict[str, Any] = {
    **{
        f"unary.{name}": lambda f, x: f(x)
        for name in unary.__all__
        if name not in ("astype", "clamp", "clip")
    },
    "unary.astype": lambda f, x: f(x, np.float32),
    "unary.clamp": lambda f, x: f(x, 0.75, 1.25),
    "unary.clip": lambda f, x: f(x, 0.75, None),
    **{f"activation.{name}": lambda f, x: f(x) for name in activation.__all__},
    **{f"softmax.{name}": lambda f, x: f(x) for name in softmax.__all__},
    **{f"reduce.{name}": lambda f, x: f(x) for name in reductions.__all__},
    "reduce.max(dim)": lambda f, x: f(x, 0),
    "arithmetic.neg": lambda f, x: f(x),
    "shape.reshape": lambda f, x: f(x, -1),
    "shape.flatten": lambda f, x: f(x),
    "shape.squeeze": lambda f, x: f(x),
    "shape.unsqueeze": lambda f, x: f(x, 0),
    "shape.transpose": lambda f, x: f(x),
    "shape.permute": lambda f, x: f(x, 1, 0),
    "shape.swapaxes": lambda f, x: f(x, 0, -1),
    "shape.broadcast_to": lambda f, x: f(x, (2, 2, 3)),
    "shape.pad": lambda f, x: f(x, (1, 1)),
    "shape.flip": lambda f, x: f(x, (0,)),
    "shape.roll": lambda f, x: f(x, 1),
    "shape.repeat": lambda f, x: f(x, 2, 1),
    "shape.tile": lambda f, x: f(x, (2,)),
    "shape.repeat_interleave": lambda f, x: f(x, 2),
    "shape.split": lambda f, x: f(x, 1),
    "shape.chunk": lambda f, x: f(x, 2),
    "shape.unbind": lambda f, x: f(x),
    "index.getitem": lambda f, x: f(x, ...),
    "index.gather": lambda f, x: f(x, 0, [[1, 0, 1]]),
    "index.take_along_axis": lambda f, x: f(x, [[0], [2]], axis=1),
    "index.index_select": lambda f, x: f(x, 0, [1]),
    "index.scatter": lambda f, x: f(x, 0, [[1, 0, 1]], 0.0),
    "index.scatter_add": lambda f, x: f(x, 0, [[1, 0, 1]], reductions.sum(x, 0, keepdims=True)),
    "index.masked_fill": lambda f, x: f(x, np.array([True, False, True]), 0.0),
    "select.tril": lambda f, x: f(x),
    "select.triu": lambda f, x: f(x),
    "normalization.layer_norm": lambda f, x: f(x, x.shape[-1:] if np.ndim(x) else ()),
    "convolution.unfold": lambda f, x: f(x[None, None] if np.ndim(x) == 2 else x, 1),
    "convolution.fold": lambda f, x: f(x[None] if np.ndim(x) == 2 else x, (1, 3), 1),
    "normalization.batch_norm": lambda f, x: f(x, None, None, training=True),
    "normalization.group_norm": lambda f, x: f(x, 1),
    # (a (2, 3) array is one image of one row for the 2-d poolings, a (C, L) one for the 1-d)
    "pooling.max_pool2d": lambda f, x: f(x[None] if np.ndim(x) == 2 else x, 2, 1, 1),
    "pooling.avg_pool2d": lambda f, x: f(x[None] if np.ndim(x) == 2 else x, 2),
    "pooling.adaptive_avg_pool2d": lambda f, x: f(x[None] if np.ndim(x) == 2 else x, (1, 2)),
    "pooling.max_pool1d": lambda f, x: f(x, 2, 1),
    "pooling.avg_pool1d": lambda f, x: f(x, 3, 1, 1),
    "pooling.adaptive_avg_pool1d": lambda f, x: f(x, 2),
}

# The ops of two operands or more, which took constants already (and take them as before).
MANY_OPERANDS = {
    *(f"arithmetic.{name}" for name in arithmetic.__all__ if name != "neg"),
    "select.compare",
    "select.where",
    "shape.concatenate",
    "shape.stack",
    *(f"linalg.{name}" for name in linalg.__all__),
    "attention.attention_weights",
    "attention.scaled_dot_product_attention",
    "embedding.embedding",  # (its first argument is the indices, never a Value)
    *(
        f"convolution.{name}"
        for name in ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d")
    ),
}


def test_every_op_of_one_input_is_in_the_table() -> None:
    names = {f"{module}.{name}" for module in tg.ops.__all__ for name in _module(module).__all__}
    assert names - MANY_OPERANDS == {key for key in INPUT_OPS if "(" not in key}


def _module(name: str) -> Any:
    return importlib.import_module(f"tensorgrad.ops.{name}")


def _results(result: Any) -> list[Any]:
    """What an op gave, as a list of (array, dtype, requires_grad), for comparing."""
    if isinstance(result, tuple):
        return [r for part in result for r in _results(part)]
    if isinstance(result, Value):
        return [(result.numpy(), result.dtype, result.requires_grad)]
    return [(np.asarray(result), np.asarray(result).dtype, False)]


def _outcome(call: Any, f: Any, x: Any) -> list[Any] | tuple[type[Exception], str]:
    try:
        return _results(call(f, x))
    except (TypeError, ValueError, IndexError) as error:
        return type(error), str(error)


@pytest.mark.parametrize("key", sorted(INPUT_OPS))
@pytest.mark.parametrize(
    "given_",
    [
        np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 1.0]]),
        np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 1.0]], np.float32),
        np.array([[1, 2, 3], [2, 1, 1]]),
        1.5,
        2,
    ],
    ids=["float64", "float32", "int", "float", "int number"],
)
def test_ops_take_an_array_or_a_number_as_a_constant_value(key: str, given_: Any) -> None:
    module, name = key.split("(")[0].split(".")
    f, call = getattr(_module(module), name), INPUT_OPS[key]
    expected = _outcome(call, f, Value(given_, requires_grad=False))
    if isinstance(given_, np.ndarray):  # where a Value of this shape works, so must the array
        assert isinstance(expected, list), expected
    got = _outcome(call, f, given_)
    assert type(got) is type(expected), (got, expected)
    if isinstance(expected, tuple):  # a 0-d Value refused too: the same error for a number
        assert got == expected
        return
    assert len(got) == len(expected)
    for (array, dtype, requires_grad), (array_, dtype_, _) in zip(got, expected):
        np.testing.assert_array_equal(array, array_)
        assert dtype == dtype_
        assert not requires_grad

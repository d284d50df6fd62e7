"""gradcheck, detect_anomaly, to_dot, and the broadcasting helpers."""

from __future__ import annotations

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import GradcheckError, Value, gradcheck
from tensorgrad.broadcast import broadcast_to, unbroadcast
from tensorgrad.record import record

# -- gradcheck --------------------------------------------------------------------------------


def test_gradcheck_passes_for_a_correct_gradient() -> None:
    x, y = Value(np.linspace(-1, 1, 6).reshape(2, 3)), Value(np.ones(3))
    assert gradcheck(lambda a, b: (a * b).sigmoid(), x, y)


def test_gradcheck_names_input_index_and_values_of_the_worst_mismatch() -> None:
    def wrong_mul(a: Value, b: Value) -> Value:
        def backward(g: object, out: object, saved: tuple[object, ...], i: int) -> object:
            # d(a b) = b da + a db, but with the gradient of b doubled
            return g * saved[1] if i == 0 else g * saved[0] * 2  # type: ignore[operator]

        return record(a.data * b.data, "mul", backward, (a, b), (a.data, b.data))

    x, y = Value([1.0, 2.0]), Value([3.0, -4.0])
    with pytest.raises(
        GradcheckError,
        match=r"gradient of input 1 at index \(\d,\) is .* by backward but .* by finite diff",
    ):
        gradcheck(wrong_mul, x, y)


def test_gradcheck_skips_constant_inputs_and_rejects_float32() -> None:
    c = Value([1.0, 2.0], requires_grad=False)
    assert gradcheck(lambda a, v: a * v, Value([3.0, 4.0]), c)  # only the first is checked
    with pytest.raises(
        TypeError, match="gradcheck: input 0 must be a float64 Value, got dtype float32"
    ):
        gradcheck(lambda v: v * 2, Value([1.0], dtype=np.float32))
    with pytest.raises(TypeError, match="gradcheck: input 0 must be a float64 Value, got list"):
        gradcheck(lambda v: v * 2, [1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="gradcheck: fn must return a Value, got float"):
        gradcheck(lambda v: 1.0, Value([1.0]))  # type: ignore[arg-type, return-value]


def test_gradcheck_refuses_what_is_not_a_function() -> None:
    with pytest.raises(
        TypeError, match=r"gradcheck: fn must be callable \(the function to check\), got str 'f'"
    ):
        gradcheck("f", Value([1.0]))  # type: ignore[arg-type]


def test_gradcheck_refuses_inputs_that_are_not_float64_values() -> None:
    with pytest.raises(TypeError, match="gradcheck: input 1 must be a float64 Value, got str"):
        gradcheck(lambda a, b: a, Value([1.0]), "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="gradcheck: input 0 must be a float64 Value, got ndarray"):
        gradcheck(lambda v: v * 2, np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"got tuple of Values: pass the inputs one by one, gradcheck\(fn, x, y\), not as "
        r"PyTorch's tuple gradcheck\(fn, \(x, y\)\)",
    ):
        gradcheck(lambda v: v * 2, (Value([1.0]),))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="input 0 must be a float64 Value, got dtype float32"):
        gradcheck(lambda v: v * 2, Value([1.0], dtype=np.float32, requires_grad=False))


@pytest.mark.parametrize("name", ["eps", "atol", "rtol"])
@pytest.mark.parametrize(
    ("value", "got"),
    [("a", "str 'a'"), (None, "NoneType None"), (True, "bool True"), (1j, "complex 1j")],
)
def test_gradcheck_refuses_a_step_or_tolerance_that_is_not_a_real_number(
    name: str, value: object, got: str
) -> None:
    with pytest.raises(TypeError, match=rf"gradcheck: {name} must be a real number, got {got}"):
        gradcheck(lambda v: v * 2, Value([1.0]), **{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value", "bound"),
    [
        ("eps", 0, "above 0"),
        ("eps", -1e-6, "above 0"),
        ("eps", float("nan"), "above 0"),
        ("eps", float("inf"), "above 0"),
        ("atol", -1.0, "0 or above"),
        ("atol", float("inf"), "0 or above"),  # would pass any gradient
        ("rtol", -0.5, "0 or above"),
        ("rtol", float("nan"), "0 or above"),
    ],
)
def test_gradcheck_refuses_a_step_or_tolerance_out_of_range(
    name: str, value: float, bound: str
) -> None:
    with pytest.raises(
        ValueError, match=rf"gradcheck: {name} must be a finite number {bound}, got {value!r}"
    ):
        gradcheck(lambda v: v * 2, Value([1.0]), **{name: value})  # type: ignore[arg-type]


def test_gradcheck_takes_zero_tolerances_and_numpy_numbers() -> None:
    assert gradcheck(
        lambda v: v * 2, Value([1.0]), atol=0, rtol=np.float32(0.01), eps=np.float64(1e-6)
    )


def test_gradcheck_refuses_a_function_that_returns_no_value_later() -> None:
    calls = []

    def sometimes_a_value(v: Value) -> Value:
        calls.append(v)
        return v * 2 if len(calls) == 1 else 2.0  # type: ignore[return-value]

    with pytest.raises(TypeError, match="gradcheck: fn must return a Value, got float"):
        gradcheck(sometimes_a_value, Value([1.0]))


def test_gradcheck_refuses_an_output_whose_shape_changes() -> None:
    # a data-dependent selection: moving 1.5 up by eps lets it through the mask
    with pytest.raises(
        ValueError,
        match=r"gradcheck: fn returned a Value of shape \(0,\), then one of shape \(1,\) when an "
        r"input was moved by eps: its output must keep one shape",
    ):
        gradcheck(lambda v: v[v.data > 1.5], Value([1.0, 1.5]))


def test_gradcheck_of_a_detached_output_compares_a_zero_gradient() -> None:
    # As PyTorch: no graph back to the input means a zero gradient, wrong unless fn is flat.
    with pytest.raises(
        GradcheckError,
        match=r"is 0\.0 by backward \(fn's output does not require grad: it is detached or made "
        r"under no_grad\) but .* by finite differences",
    ):
        gradcheck(lambda v: v.detach() * 2, Value([1.0, 2.0]))
    assert gradcheck(lambda v: v.detach() * 0.0, Value([1.0, 2.0]))


def test_gradcheck_sees_nan_as_a_mismatch() -> None:
    with pytest.raises(GradcheckError, match="nan"), np.errstate(all="ignore"):
        gradcheck(lambda v: v.sqrt(), Value([0.0, 1.0]))


# -- detect_anomaly ---------------------------------------------------------------------------


def test_detect_anomaly_names_the_forward_op() -> None:
    x = Value([1.0, -1.0])
    with (
        pytest.raises(
            RuntimeError,
            match=r"detect_anomaly: log made nan or inf in its output \(shape \(2,\)\) "
            r"from operands of shapes \(2,\)",
        ),
        tg.detect_anomaly(),
    ):
        x.log()


def test_detect_anomaly_names_the_backward_op() -> None:
    x = Value([0.0, 4.0])
    with (
        pytest.raises(
            RuntimeError,
            match=r"the backward of sqrt \(output shape \(2,\)\) made nan or inf "
            r"in the gradient of its input 0 \(shape \(2,\)\)",
        ),
        tg.detect_anomaly(),
    ):
        x.sqrt().sum().backward()


def test_detect_anomaly_is_off_by_default_and_restored() -> None:
    with tg.detect_anomaly():
        (Value([1.0]) * 2).sum().backward()
    with np.errstate(divide="ignore"):
        y = Value([0.0]).log()
    assert np.isneginf(y.data).all()


# -- to_dot -----------------------------------------------------------------------------------


def test_to_dot_draws_ops_shapes_and_dtypes() -> None:
    x = Value(np.ones((2, 3), dtype=np.float32))
    w = Value(np.ones((3, 4), dtype=np.float32))
    y = (x @ w).relu().sum()
    dot = tg.to_dot(y, labels={x: "x"})
    assert dot.startswith("digraph {")
    for text in ("matmul", "relu", "sum", "(2, 3) float32", "{ x | (2, 3) float32 }", "() float32"):
        assert text in dot
    assert dot.count("->") == 3 + 4  # op -> result for 3 ops, operand -> op for 4 operands


def test_to_dot_skips_constants_and_duplicate_edges() -> None:
    x = Value([1.0])
    dot = tg.to_dot(x * x * np.ones(1))
    assert dot.count("-> v1_op") == 1


def test_to_dot_errors() -> None:
    with pytest.raises(TypeError, match="to_dot expects a Value, got int"):
        tg.to_dot(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="to_dot: rankdir must be one of LR, TB, RL, BT, got 'XY'"):
        tg.to_dot(Value(1.0), rankdir="XY")


@pytest.mark.parametrize(
    ("rankdir", "got"), [(5, "int 5"), (None, "NoneType None"), (np.array(["LR"]), "ndarray")]
)
def test_to_dot_refuses_a_rankdir_that_is_not_a_str(rankdir: object, got: str) -> None:
    with pytest.raises(
        TypeError, match=rf"to_dot: rankdir must be a str, one of 'LR', 'TB', 'RL', 'BT', got {got}"
    ):
        tg.to_dot(Value(1.0), rankdir=rankdir)  # type: ignore[arg-type]


def test_to_dot_refuses_labels_that_do_not_map_values_to_str() -> None:
    x = Value([1.0, 2.0])
    with pytest.raises(
        TypeError,
        match=r"to_dot: labels must be a mapping of Values to str, such as \{x: 'x'\}, got list",
    ):
        tg.to_dot(x, labels=[x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"to_dot: the keys of labels must be Values, got str 'x'"):
        tg.to_dot(x, labels={"x": x})  # type: ignore[dict-item]
    with pytest.raises(
        TypeError,
        match=r"to_dot: the names in labels must be str, got int 3 for the Value of shape \(2,\)",
    ):
        tg.to_dot(x, labels={x: 3})  # type: ignore[dict-item]


def test_to_dot_refuses_a_graph_that_backward_freed() -> None:
    x = Value([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(
        RuntimeError,
        match=r"to_dot: the graph behind sum \(shape \(\)\) was freed by a backward\. Call "
        r"to_dot before backward, or pass retain_graph=True",
    ):
        tg.to_dot(y)
    assert tg.to_dot(x).count("[shape=record") == 1  # a leaf has no graph to lose


def test_to_dot_names_the_freed_node_under_a_new_one() -> None:
    x = Value([1.0, 2.0])
    h = x.exp()
    h.sum().backward()  # frees h's graph
    with pytest.raises(RuntimeError, match=r"the graph behind exp \(shape \(2,\)\) was freed"):
        tg.to_dot(h * 2.0)


def test_to_dot_draws_a_retained_graph_after_backward() -> None:
    x = Value([1.0, 2.0])
    y = (x * x).sum()
    before = tg.to_dot(y)
    y.backward(retain_graph=True)
    assert tg.to_dot(y) == before


# -- broadcasting, undone ---------------------------------------------------------------------


def test_unbroadcast_returns_the_same_object_when_shapes_match() -> None:
    g = np.ones((2, 3))
    assert unbroadcast(g, np.zeros((2, 3))) is g


@pytest.mark.parametrize(
    ("grad_shape", "shape"),
    [
        ((2, 3), (3,)),
        ((2, 3), (1, 3)),
        ((2, 3), (2, 1)),
        ((4, 2, 3), (2, 1)),
        ((2, 3), ()),
        ((0, 3), (1, 3)),
    ],
)
def test_unbroadcast_sums_to_the_shape(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
    g = np.arange(float(np.prod(grad_shape))).reshape(grad_shape)
    out = unbroadcast(g, np.zeros(shape))
    assert out.shape == shape
    np.testing.assert_allclose(out.sum(), g.sum())


def test_unbroadcast_casts_to_the_operand_dtype() -> None:
    out = unbroadcast(np.ones((2, 3)), np.zeros(3, dtype=np.float32))
    assert out.dtype == np.float32


def test_unbroadcast_and_broadcast_to_on_values() -> None:
    g = Value(np.ones((2, 3)))
    out = unbroadcast(g, np.zeros((1, 3)))
    assert isinstance(out, Value)
    assert out.shape == (1, 3)
    assert isinstance(broadcast_to(Value([1.0]), (3,)), Value)


def test_gradcheck_of_nothing_is_refused_as_in_pytorch() -> None:
    with pytest.raises(ValueError, match=r"gradcheck: expects at least one input that requires"):
        gradcheck(lambda v: v * 2, Value([1.0], requires_grad=False))
    with pytest.raises(ValueError, match=r"got 0 input\(s\) and none requires grad"):
        gradcheck(lambda: Value([1.0]))

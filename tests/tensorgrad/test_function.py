"""tensorgrad.Function: a learner's own op, on the same machinery as the built-in ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorgrad import Context, Function, Value, grad, gradcheck, no_grad, once_differentiable


class Swish(Function):
    """x σ(x), its backward written with Value-compatible operations only."""

    @staticmethod
    def forward(ctx: Context, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x / (1 + np.exp(-x))

    @staticmethod
    def backward(ctx: Context, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        s = 1 / (1 + (-x).exp())  # x is a Value: in a normal backward too
        return g * (s + x * s * (1 - s))


class ScaledAdd(Function):
    """a + k b for a number k: two Value inputs that broadcast, and a constant."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any, k: float) -> Any:
        ctx.k = k
        return a + k * b

    @staticmethod
    def backward(ctx: Context, g: Any) -> Any:
        return g, g * ctx.k, None  # of the result's shape: summed back to each input's


class SinOnce(Function):
    @staticmethod
    def forward(ctx: Context, x: Any) -> Any:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    @once_differentiable
    def backward(ctx: Context, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * np.cos(x)


finite = st.floats(-3.0, 3.0)


@settings(max_examples=30)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4), elements=finite))
def test_a_function_passes_gradcheck(data: Any) -> None:
    assert gradcheck(Swish.apply, Value(data))


@settings(max_examples=20)
@given(st.sampled_from([((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((5,), ())]), st.data())
def test_gradients_of_the_result_shape_are_summed_back_to_each_input(
    shapes: tuple[tuple[int, ...], tuple[int, ...]], data: st.DataObject
) -> None:
    a = Value(data.draw(hnp.arrays(np.float64, shapes[0], elements=finite)))
    b = Value(data.draw(hnp.arrays(np.float64, shapes[1], elements=finite)))
    assert gradcheck(lambda a, b: ScaledAdd.apply(a, b, 3.0), a, b)
    ScaledAdd.apply(a, b, 3.0).sum().backward()
    assert b.grad.shape == b.shape


def test_a_function_differentiates_twice_when_its_backward_uses_value_operations() -> None:
    x = Value(np.linspace(-2.0, 2.0, 5))
    assert gradcheck(lambda v: grad(Swish.apply(v).sum(), v, create_graph=True)[0], x)
    (first,) = grad(Swish.apply(x).sum(), x, create_graph=True)
    assert first.requires_grad
    (second,) = grad(first.sum(), x)
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(second.data, s * (1 - s) * (2 + x.data * (1 - 2 * s)))


def test_no_grad_records_no_node_and_forward_sees_arrays() -> None:
    seen: list[type] = []

    class Spy(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            seen.append(type(x))
            return x * 2

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            return g * 2

    x = Value([1.0, 2.0])
    with no_grad():
        y = Spy.apply(x)
    assert not y.requires_grad
    assert y.grad_fn is None
    assert seen == [np.ndarray]
    z = Spy.apply(x)
    assert z.grad_fn is not None
    assert z.grad_fn.op == "Spy"


def test_needs_input_grad_says_which_inputs_want_a_gradient() -> None:
    needs: list[tuple[bool, ...]] = []

    class Mul(Function):
        @staticmethod
        def forward(ctx: Context, a: Any, b: Any) -> Any:
            needs.append(ctx.needs_input_grad)
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            a, b = ctx.saved_tensors
            return g * b, g * a

    a, c = Value([2.0]), Value([3.0], requires_grad=False)
    Mul.apply(a, c).sum().backward()
    Mul.apply(a, np.array([4.0])).sum().backward()
    assert needs == [(True, False), (True, False)]
    np.testing.assert_array_equal(a.grad, [7.0])


def test_a_straight_through_estimator() -> None:
    class RoundST(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            return np.round(x)

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            return g

    x = Value([0.4, 1.6])
    (RoundST.apply(x) * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_a_once_differentiable_backward_refuses_a_second_derivative() -> None:
    x = Value([0.0, 1.0])
    assert gradcheck(SinOnce.apply, x)
    (first,) = grad(SinOnce.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(first.data, np.cos(x.data))
    with pytest.raises(RuntimeError, match=r"SinOnce: its backward is marked once_differentiable"):
        grad(first.sum(), x)


def test_a_numpy_backward_says_to_use_value_operations_or_once_differentiable() -> None:
    class Sin(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            ctx.save_for_backward(x)
            return np.sin(x)

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * np.cos(x)  # numpy on a Value

    x = Value([0.5])
    message = r"Sin.backward failed on Values .* or mark it @once_differentiable"
    with pytest.raises(TypeError, match=message):
        Sin.apply(x).sum().backward()
    with pytest.raises(TypeError, match=message):
        grad(Sin.apply(x).sum(), x, create_graph=True)


def test_backward_gets_values_and_records_nothing_in_a_normal_backward() -> None:
    seen: list[tuple[type, bool]] = []

    class Double(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            return x * 2

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            seen.append((type(g), (g * 2).requires_grad))
            return g * 2

    x = Value([1.0])
    Double.apply(x).sum().backward()
    assert seen == [(Value, False)]
    np.testing.assert_array_equal(x.grad, [2.0])
    assert type(x.grad) is np.ndarray


def test_saving_an_array_made_in_forward_is_refused_under_create_graph() -> None:
    class Exp(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            e = np.exp(x)
            ctx.save_for_backward(e * 1.0)  # neither the input nor the result
            return e

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            (e,) = ctx.saved_tensors
            return g * e

    x = Value([0.0, 1.0])
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad, np.exp([0.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"Exp: it saved an array that is neither an input"):
        grad(Exp.apply(x).sum(), x, create_graph=True)


def test_saving_the_result_keeps_it_and_differentiates_twice() -> None:
    class Exp(Function):
        @staticmethod
        def forward(ctx: Context, x: Any) -> Any:
            out = np.exp(x)
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            (out,) = ctx.saved_tensors
            return g * out

    x = Value([0.5, -1.0])
    y = Exp.apply(x)
    assert y.grad_fn is not None
    assert y.grad_fn.out is not None  # the result is kept for backward
    (first,) = grad(Exp.apply(x).sum(), x, create_graph=True)
    (second,) = grad(first.sum(), x)
    np.testing.assert_allclose(second.data, np.exp(x.data))


def test_wrong_answers_from_backward_name_the_function() -> None:
    class TooFew(Function):
        @staticmethod
        def forward(ctx: Context, a: Any, b: Any) -> Any:
            return a + b

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            return g

    class WrongShape(Function):
        @staticmethod
        def forward(ctx: Context, a: Any) -> Any:
            return a * 2

        @staticmethod
        def backward(ctx: Context, g: Any) -> Any:
            return np.ones(7)

    with pytest.raises(RuntimeError, match=r"TooFew.backward returned 1 gradients for 2 inputs"):
        TooFew.apply(Value([1.0]), Value([2.0])).sum().backward()
    with pytest.raises(RuntimeError, match=r"WrongShape.backward: the gradient of input 0 has "):
        WrongShape.apply(Value([1.0, 2.0])).sum().backward()


def test_forward_must_return_a_float_array() -> None:
    class Ints(Function):
        @staticmethod
        def forward(ctx: Context, a: Any) -> Any:
            return np.array([1, 2])

    with pytest.raises(TypeError, match=r"Ints.forward must return a float numpy array"):
        Ints.apply(Value([1.0, 2.0]))


def test_a_function_without_forward_or_backward_says_so() -> None:
    class Empty(Function):
        pass

    with pytest.raises(NotImplementedError, match=r"defines its forward"):
        Empty.apply(Value([1.0]))

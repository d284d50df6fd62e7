"""Backward: seeding, accumulation, freeing the graph, grad mode, grad(), higher orders."""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from typing import Any

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import Value, grad, no_grad
from tensorgrad.broadcast import broadcast_to
from tensorgrad.record import record

# -- seeding ----------------------------------------------------------------------------------


def test_scalar_output_seeds_one() -> None:
    x = Value([1.0, 2.0])
    y = (x * 3).sum()
    y.backward()
    assert y.grad == 1.0
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_one_element_output_of_any_shape_seeds_one() -> None:
    x = Value([[2.0]])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[4.0]])


def test_non_scalar_output_needs_a_gradient() -> None:
    x = Value([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match=r"grad can be implicitly created only for scalar outputs.*\(2,\)"
    ):
        (x * 2).backward()


def test_explicit_gradient() -> None:
    x = Value([1.0, 2.0])
    (x * x).backward(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])
    x.zero_grad()
    (x * x).backward(Value([0.5, 0.5]))
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_gradient_of_wrong_shape_names_both_shapes() -> None:
    x = Value([1.0, 2.0, 3.0])
    with pytest.raises(
        ValueError, match=r"gradient has shape \(2,\) but the output has shape \(3,\)"
    ):
        (x * 2).backward(np.ones(2))


def test_gradient_of_wrong_type() -> None:
    with pytest.raises(
        TypeError, match="backward: the gradient must be an array of real numbers, got str"
    ):
        (Value([1.0]) * 2).backward("a")  # type: ignore[arg-type]


def test_complex_gradient_is_refused() -> None:
    # numpy would cast it to real, dropping the imaginary part with only a warning
    x = Value([1.0, 2.0])
    with pytest.raises(TypeError, match=r"real numbers, got ndarray \(numpy dtype complex128\)"):
        (x * 2).backward(np.array([1 + 1j, 1.0]))
    with pytest.raises(TypeError, match="real numbers, got complex"):
        tg.grad((x * 2).sum(), x, grad_outputs=1j)


def test_backward_needs_a_graph() -> None:
    with no_grad():
        y = Value([1.0]) * 2
    with pytest.raises(RuntimeError, match="backward: the output does not require grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        Value(1.0, requires_grad=False).backward()


def test_backward_on_a_leaf() -> None:
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0


# -- accumulation and which nodes get .grad ---------------------------------------------------


def test_gradients_accumulate() -> None:
    x = Value([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [5.0, 7.0])


def test_intermediate_nodes_get_grad_too() -> None:
    x = Value([1.0, 2.0])
    h = x * 2
    y = (h * h).sum()
    y.backward()
    np.testing.assert_array_equal(h.grad, [4.0, 8.0])
    np.testing.assert_array_equal(x.grad, [8.0, 16.0])


def test_a_value_used_twice() -> None:
    x = Value(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0


def test_shared_gradient_arrays_are_not_aliased() -> None:
    # `a + b` hands the same gradient array to a, b and their sum; reshape hands a view.
    a, b = Value([1.0, 2.0]), Value([3.0, 4.0])
    s = a + b
    r = s.reshape(2, 1)
    r.backward(np.array([[1.0], [1.0]]))
    a.grad *= 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(s.grad, [1.0, 1.0])
    r.grad[0, 0] = 7.0
    np.testing.assert_array_equal(s.grad, [1.0, 1.0])


def test_second_backward_accumulates_without_aliasing() -> None:
    a, b = Value([1.0, 2.0]), Value([3.0, 4.0])
    s = (a + b).sum()
    s.backward(retain_graph=True)
    s.backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])
    np.testing.assert_array_equal(b.grad, [2.0, 2.0])
    a.grad += 1
    np.testing.assert_array_equal(b.grad, [2.0, 2.0])


def test_gradients_are_writable_arrays() -> None:
    x = Value([1.0, 2.0])
    x.sum().backward()  # sum's backward broadcasts g: x's gradient must still be its own
    x.grad[0] = 5.0
    assert type(x.grad) is np.ndarray
    y = Value(2.0)
    (y * 3).backward()
    assert type(y.grad) is np.ndarray
    assert y.grad.shape == ()


def test_backward_formulas_are_handed_arrays_not_numpy_scalars() -> None:
    # numpy makes scalars of 0-d results (-g, g / n, a + b); a formula that reshapes one
    # leaks a little memory inside numpy (a few KB per thousand training steps).
    seen: list[type] = []

    def sum_backward(g: object, out: object, saved: tuple[object, ...], i: int) -> object:
        seen.append(type(g))
        return broadcast_to(g, saved[0].shape)  # type: ignore[attr-defined]

    x = Value([1.0, 2.0])
    s = record(x.data.sum(), "sum", sum_backward, (x,), (x.data,))
    (-s + -s).backward()  # the gradient of s adds up two numpy scalars
    assert seen == [np.ndarray]
    np.testing.assert_array_equal(x.grad, [-2.0, -2.0])


def test_retained_backward_twice_through_a_mean_of_intermediates() -> None:
    # h's gradient comes from mean's backward; the second backward must add to it safely.
    x = Value([1.0, 3.0])
    h = x * 1.0
    loss = h.mean()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_array_equal(h.grad, [1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_an_owned_gradient_accumulates_in_place_without_touching_others() -> None:
    w = Value([[1.0, 2.0]])
    x = np.array([[3.0], [4.0]])
    for _ in range(2):
        (x @ w).sum().backward()
    np.testing.assert_array_equal(w.grad, [[14.0, 14.0]])
    first = w.grad
    (x @ w).sum().backward()
    assert w.grad is first  # added in place: the array belongs to w alone
    np.testing.assert_array_equal(first, [[21.0, 21.0]])


# -- the graph walk and its freeing -----------------------------------------------------------


def test_long_chain_does_not_recurse() -> None:
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_graph_is_freed_after_backward() -> None:
    x = Value([1.0, 2.0])
    h = x.exp()
    ref = weakref.ref(h)
    y = (h * 2).sum()
    del h
    y.backward()
    gc.collect()
    assert ref() is None
    np.testing.assert_allclose(x.grad, 2 * np.exp([1.0, 2.0]))


def test_intermediates_die_during_the_walk() -> None:
    # Without retain_graph a node lets go of its operands once its backward ran, so an
    # intermediate that only the graph holds is freed before the walk reaches the leaves.
    alive_at_the_leaf_end: list[bool] = []

    def identity_backward(g: object, out: object, args: tuple[object, ...], i: int) -> object:
        alive_at_the_leaf_end.append(ref() is not None)
        return g

    x = Value([1.0, 2.0])
    a = record(x.data.copy(), "identity", identity_backward, (x,), (x.data,))
    h = a.exp()
    ref = weakref.ref(h)
    y = (h * 2).sum()
    del a, h
    y.backward()
    assert alive_at_the_leaf_end == [False]
    np.testing.assert_allclose(x.grad, 2 * np.exp([1.0, 2.0]))


def test_second_backward_through_a_freed_graph_raises() -> None:
    x = Value([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(
        RuntimeError, match=r"Trying to backward through the graph a second time.*retain_graph=True"
    ):
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # unchanged by the failed call


def test_reusing_a_freed_intermediate_raises() -> None:
    x = Value([1.0, 2.0])
    h = x * 2
    h.sum().backward()
    with pytest.raises(RuntimeError, match=r"graph behind mul \(shape \(2,\)\) was freed"):
        (h * 3).sum().backward()


def test_retain_graph_keeps_it() -> None:
    x = Value([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_diamond_graph_order() -> None:
    x = Value(2.0)
    a = x * 3
    b = a.exp()
    c = a * b + a
    c.backward()
    e6 = np.exp(6.0)
    assert x.grad == pytest.approx(3 * (e6 + 6 * e6 + 1))


# -- grad mode --------------------------------------------------------------------------------


def test_no_grad_records_no_graph() -> None:
    x = Value([1.0, 2.0])
    with no_grad():
        y = x * 2
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad
    assert y.grad_fn is None  # no node: outside the graph
    assert Value(1.0).requires_grad  # user data still requires grad


def test_no_grad_as_a_decorator_and_nested() -> None:
    @no_grad()
    def f(v: Value) -> Value:
        return v * 2

    x = Value([1.0])
    assert not f(x).requires_grad
    assert (x * 2).requires_grad
    with no_grad():
        with tg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad


def test_grad_mode_is_restored_after_an_error() -> None:
    with pytest.raises(ZeroDivisionError), no_grad():
        1 / 0  # noqa: B018
    assert tg.is_grad_enabled()


def test_grad_mode_is_per_thread() -> None:
    seen = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append(tg.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]


def _in_threads(work: Any, n: int = 4) -> None:
    """Run ``work`` in ``n`` threads that start together, switching as often as possible."""
    barrier = threading.Barrier(n)

    def start() -> None:
        barrier.wait()
        work()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # makes a race, if there is one, show up in a short test
    try:
        threads = [threading.Thread(target=start) for _ in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)


def test_backward_from_several_threads_into_one_parameter_adds_every_gradient() -> None:
    # numpy's += lets go of the interpreter lock while it adds: without a lock around the
    # accumulation, this lost some of the 400 (as few as 344 per element were seen).
    w = Value(np.zeros(200_000))

    def work() -> None:
        for _ in range(100):
            (w * 1.0).sum().backward()

    _in_threads(work)
    assert (w.grad == 400.0).all()


def test_a_parameter_first_used_by_several_threads_at_once_gets_one_node() -> None:
    for _ in range(20):
        w = Value([1.0, 2.0])
        results = []
        _in_threads(lambda: results.append(w * 2.0))  # noqa: B023  (called before w changes)
        assert len({id(y.grad_fn.prev[0]) for y in results}) == 1


def test_results_of_constants_only_require_no_grad() -> None:
    c = Value([1.0], requires_grad=False)
    assert not (c * 2).requires_grad
    assert (c * Value([1.0])).requires_grad


# -- grad() and higher orders -----------------------------------------------------------------


def test_grad_leaves_dot_grad_alone() -> None:
    x = Value([1.0, 2.0])
    (gx,) = grad((x * x).sum(), x)
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])
    assert not x.has_grad
    assert not gx.requires_grad


def test_grad_with_several_inputs_and_outputs() -> None:
    x, y = Value(2.0), Value(3.0)
    gx, gy = grad([x * y, x + y], [x, y])
    assert (gx.item(), gy.item()) == (4.0, 3.0)
    gx, gy = grad([x * y, x + y], [x, y], grad_outputs=[np.array(2.0), np.array(1.0)])
    assert (gx.item(), gy.item()) == (7.0, 5.0)
    gx, gy = grad([x * y, x + y], [x, y], grad_outputs=[None, np.array(2.0)])
    assert (gx.item(), gy.item()) == (5.0, 4.0)
    (gx,) = grad(x * y, x, grad_outputs=[np.array(3.0)])
    assert gx.item() == 9.0
    (gx,) = grad(x * y, x, grad_outputs=Value(2.0))
    assert gx.item() == 6.0


def test_grad_of_an_intermediate() -> None:
    x = Value(2.0)
    h = x * x
    y = h * 3
    (gh,) = grad(y, h)
    assert gh.item() == 3.0


def test_grad_errors() -> None:
    x, unused = Value([1.0, 2.0]), Value(1.0)
    y = (x * x).sum()
    with pytest.raises(
        RuntimeError, match=r"grad: input 1 \(shape \(\)\) was not used.*allow_unused=True"
    ):
        grad(y, [x, unused], retain_graph=True)
    _, gu = grad(y, [x, unused], allow_unused=True, retain_graph=True)
    assert gu.item() == 0.0
    with pytest.raises(RuntimeError, match="grad: input 0 does not require grad"):
        grad(y, Value(1.0, requires_grad=False), retain_graph=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        grad(x * 2, x)
    with pytest.raises(ValueError, match="grad: 1 grad_outputs for 2 outputs"):
        grad([y, y], x, grad_outputs=[np.array(1.0)])
    with pytest.raises(TypeError, match="grad: inputs must be Values, got list"):
        grad(y, [[1.0]])  # type: ignore[list-item]


def f_composite(v: Value) -> Value:
    return v.tanh() * v.exp()


def second_derivative(x0: float) -> float:
    x = Value(x0)
    (d1,) = grad(f_composite(x), x, create_graph=True)
    (d2,) = grad(d1, x)
    return d2.item()


@pytest.mark.parametrize("x0", [-1.3, 0.2, 0.9])
def test_second_and_third_derivatives_of_a_composite_function(x0: float) -> None:
    x = Value(x0)
    (d1,) = grad(f_composite(x), x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    t, e = np.tanh(x0), np.exp(x0)
    s = 1 - t * t  # tanh' = s, s' = -2 t s
    # f = t e,  f' = (s + t) e,  f'' = (-2 t s + 2 s + t) e
    assert d1.item() == pytest.approx((s + t) * e)
    assert d2.item() == pytest.approx((-2 * t * s + 2 * s + t) * e)
    assert d2.item() == pytest.approx(second_derivative(x0))
    eps = 1e-5
    numeric = (second_derivative(x0 + eps) - second_derivative(x0 - eps)) / (2 * eps)
    assert d3.item() == pytest.approx(numeric, rel=1e-5)


def test_hessian_vector_product_against_finite_differences() -> None:
    rng = np.random.default_rng(0)
    w_data = rng.standard_normal((3, 2))
    data = rng.standard_normal((5, 3))
    labels = np.array([0, 1, 1, 0, 1])
    v = rng.standard_normal((3, 2))

    def loss(w: Value) -> Value:
        logits = (data @ w).tanh() * 2.0
        return -tg.log_softmax(logits, axis=1)[np.arange(5), labels].mean()

    def gradient(w_array: np.ndarray) -> np.ndarray:
        w = Value(w_array)
        loss(w).backward()
        return w.grad

    w = Value(w_data)
    (g,) = grad(loss(w), w, create_graph=True)
    (hv,) = grad((g * v).sum(), w)
    eps = 1e-6
    numeric = (gradient(w_data + eps * v) - gradient(w_data - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-5, atol=1e-8)


def test_backward_with_create_graph_keeps_the_graph() -> None:
    x = Value(2.0)
    y = x**3
    y.backward(create_graph=True)
    assert x.grad == 12.0
    y.backward()  # the graph was kept
    assert x.grad == 24.0


def test_gradient_penalty_style_double_backward() -> None:
    # d/dw of |d loss / dx|², differentiating through the first gradient.
    x = Value([1.0, -2.0])
    w = Value([0.5, 1.5])
    loss = (x * w).tanh().sum()
    (gx,) = grad(loss, x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    t = np.tanh(x.data * w.data)
    s = 1 - t**2
    # gx = w s;  d(gx²)/dw = 2 gx (s + w * ds/dw), ds/dw = -2 t s x
    expected = 2 * w.data * s * (s + w.data * (-2 * t * s * x.data))
    np.testing.assert_allclose(w.grad, expected)


@pytest.mark.parametrize("order", ["relu first", "relu second"])
def test_a_gradient_handed_to_two_nodes_is_not_overwritten_in_place(order: str) -> None:
    # `+` hands its gradient on unchanged to both operands: relu's in-place backward must
    # not write into the array that is also w's gradient (or the other operand's total).
    x = Value([-1.0, 2.0, -3.0])
    w = Value([1.0, 1.0, 1.0])
    r = x.relu()
    s = r + w if order == "relu first" else w + r
    del r  # relu's result is dropped: only the sharing can stop an in-place write
    s.backward(np.array([5.0, 6.0, 7.0]))
    np.testing.assert_array_equal(w.grad, [5.0, 6.0, 7.0])
    np.testing.assert_array_equal(x.grad, [0.0, 6.0, 0.0])


def test_an_in_place_formula_reuses_a_gradient_nobody_else_reads() -> None:
    # The memory policy: a hand-written backward writes relu's gradient into the incoming
    # array; so does the walk when that array is no one else's (relu's result is dropped).
    x = Value(np.ones((2, 3)))
    w = Value(np.ones((3, 2)))
    h = (x @ w).relu()
    y = (h * 2.0).sum()
    handed: list[int] = []
    received: list[int] = []

    def spying(formula: Any, ids: list[int], on_result: bool) -> Any:
        def spy(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
            grad = formula(g, out, saved, i)
            ids.append(id(grad) if on_result else id(g))
            return grad

        return spy

    mul_node, relu_node = y.grad_fn.prev[0], h.grad_fn
    assert mul_node is not None
    assert relu_node is not None
    mul_node.backward = spying(mul_node.backward, handed, on_result=True)
    relu_node.backward = spying(relu_node.backward, received, on_result=False)
    del h
    y.backward()
    assert handed == received  # the very array mul handed on: no copy
    np.testing.assert_array_equal(w.grad, np.full((3, 2), 4.0))


def test_a_view_of_a_buffer_someone_holds_is_not_overwritten_in_place() -> None:
    # Image ops hand out transposed views of fresh buffers, which an in-place formula may
    # reuse; a view whose buffer the user (or another view) holds must be copied instead.
    buffer = np.array([[5.0, 6.0], [7.0, 8.0], [9.0, 10.0]])
    x = Value(np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]]))
    x.relu().backward(buffer.T)
    np.testing.assert_array_equal(buffer, [[5.0, 6.0], [7.0, 8.0], [9.0, 10.0]])
    np.testing.assert_array_equal(x.grad, [[5.0, 0.0, 9.0], [0.0, 8.0, 0.0]])


def test_a_view_that_alone_holds_its_buffer_is_reused_in_memory_order() -> None:
    # conv2d's input gradient is the (N, C, H, W) view of a (C, H, W, N) buffer: relu's
    # backward writes into it rather than copying it to C order.
    x = Value(np.random.default_rng(0).standard_normal((2, 3, 4, 4)), requires_grad=True)
    w = Value(np.ones((3, 3, 1, 1)), requires_grad=True)
    seen: list[Any] = []
    h = tg.conv2d(x.relu(), w)
    relu = h.grad_fn.prev[0]
    assert relu is not None
    formula = relu.backward

    def spy(g: Any, out: Any, saved: tuple[Any, ...], i: int) -> Any:
        seen.append(g)
        return formula(g, out, saved, i)

    relu.backward = spy
    h.sum().backward()
    assert seen[0].transpose(1, 2, 3, 0).flags.c_contiguous  # kept batch innermost
    np.testing.assert_allclose(x.grad, np.where(x.data > 0, 3.0, 0.0))

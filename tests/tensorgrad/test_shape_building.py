"""pad, flip, roll, repeat, tile, repeat_interleave, split, chunk, unbind, outer and einsum.

Every gradient against central differences, first and second order (all of these are linear
or bilinear in each operand, so the second order checks that the backward formulas, run on
Values under ``create_graph``, are themselves differentiated right), over shapes with 0-d,
size-1 and empty axes drawn by hypothesis; every error path with its message. The values
against PyTorch are in ``tests/crosscheck/test_building_vs_torch.py``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from cases import EINSUM_CASES, pad_sizes
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg
from tensorgrad import Value, grad, gradcheck
from tensorgrad.ops.shape import pad

SETTINGS = settings(max_examples=25)
PAD_MODES = ("constant", "reflect", "replicate", "circular")

Shape = tuple[int, ...]


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 0) -> st.SearchStrategy[Shape]:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=4)


def data(shape: Shape) -> np.ndarray:
    return np.random.default_rng(len(shape) + sum(shape)).standard_normal(shape)


def check(fn: Callable[..., Value], *arrays: np.ndarray) -> None:
    """First- and second-order gradients of ``fn`` at ``arrays`` against finite differences.

    The second order differentiates the gradients computed under ``create_graph`` with
    respect to the seed ``u`` as well as the inputs: these ops are linear in each operand, so
    with respect to the inputs alone the gradients would often be constants, and the check
    would not see what the backward formulas compute on Values. Their squares are summed, so
    that the result depends on every gradient's value.
    """
    inputs = [Value(a) for a in arrays]
    gradcheck(fn, *inputs)
    seed = Value(np.random.default_rng(1).standard_normal(fn(*inputs).shape))

    def squared_gradients(u: Value, *xs: Value) -> Value:
        grads = grad((fn(*xs) * u).sum(), xs, create_graph=True, allow_unused=True)
        # `0 * sum` keeps every input in the graph, even where the gradient is constant.
        total = sum((x.sum() * 0 for x in xs), start=u.sum() * 0)
        for g, x in zip(grads, xs):
            total = total + (g * g * np.random.default_rng(2).standard_normal(x.shape)).sum()
        return total

    gradcheck(squared_gradients, seed, *inputs)


# -- pad -----------------------------------------------------------------------------------------


@st.composite
def pads(draw: st.DrawFn, mode: str) -> tuple[Shape, tuple[int, ...]]:
    """A shape and a pad tuple (last axis first) that ``mode`` accepts."""
    shape = draw(shapes(min_dims=1))
    axes = draw(st.integers(1, len(shape)))
    return shape, draw(pad_sizes(shape, axes, mode))


@pytest.mark.parametrize("mode", PAD_MODES)
@SETTINGS
@given(st.data())
def test_pad_gradients(mode: str, draw: Any) -> None:
    shape, sizes = draw.draw(pads(mode))
    value = 0.5 if mode == "constant" else 0.0
    check(lambda x: pad(x, sizes, mode, value), data(shape))


def test_pad_values_by_hand() -> None:
    x = Value([[1.0, 2.0, 3.0]])
    assert pad(x, (2, 1), value=9.0).tolist() == [[9.0, 9.0, 1.0, 2.0, 3.0, 9.0]]
    assert pad(x, (2, 2), "reflect").tolist() == [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]
    assert pad(x, (2, 1), "replicate").tolist() == [[1.0, 1.0, 1.0, 2.0, 3.0, 3.0]]
    assert pad(x, (2, 3), "circular").tolist() == [[2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0]]
    assert pad(x, (-1, 1), "circular").tolist() == [[2.0, 3.0, 2.0]]  # crops, then wraps
    assert pad(x, (0, 0, 1, 0)).tolist() == [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]
    assert pad(x, (1, 0), value=None).tolist() == [[0.0, 1.0, 2.0, 3.0]]  # PyTorch's default


def test_pad_gradient_adds_up_every_copy() -> None:
    x = Value([1.0, 2.0, 3.0])
    pad(x, (2, 2), "replicate").sum().backward()
    assert x.grad.tolist() == [3.0, 1.0, 3.0]
    x = Value([1.0, 2.0, 3.0])
    pad(x, (2, 2), "reflect").sum().backward()
    assert x.grad.tolist() == [2.0, 3.0, 2.0]  # [3, 2, 1, 2, 3, 2, 1]


@pytest.mark.parametrize("mode", PAD_MODES)
def test_pad_keeps_float32(mode: str) -> None:
    x = Value(np.ones((2, 3), np.float32))
    out = pad(x, (1, 1), mode)
    out.backward(np.ones(out.shape, np.float32))
    assert out.dtype == x.grad.dtype == np.float32


PAD_ERRORS = [
    (lambda: pad("abc", (1, 1)), TypeError, "pad: expected Values, .* got str"),
    (lambda: pad(Value([1.0]), (1,)), ValueError, "even number of sizes, got 1"),
    (lambda: pad(Value([1.0]), (1, 1, 1, 1)), ValueError, r"pads 2 axes, .* shape \(1,\) has 1"),
    (lambda: pad(Value([1.0]), (1.5, 1)), TypeError, "pad: pad .* must be an int, got float"),
    (lambda: pad(Value([1.0]), (1, 1), "wrap"), ValueError, "mode must be one of .* 'wrap'"),
    (lambda: pad(Value([1.0]), (1, 1), value="a"), TypeError, "value must be a number, got str"),
    (lambda: pad(Value([1.0]), (1, 1), "reflect", 2.0), ValueError, "'reflect' .* takes no value"),
    (lambda: pad(Value([1.0, 2.0]), (-2, -1)), ValueError, r"crop 3 elements .* which has 2"),
    (lambda: pad(Value([1.0, 2.0]), (2, 0), "reflect"), ValueError, "smaller than the axis"),
    (lambda: pad(Value([1.0, 2.0]), (-2, 0), "reflect"), ValueError, "no elements"),
    (lambda: pad(Value(np.ones(0)), (1, 0), "replicate"), ValueError, "no edge element"),
    (lambda: pad(Value([1.0, 2.0]), (3, 0), "circular"), ValueError, "at most the size left"),
    (lambda: pad(Value([1.0, 2.0]), (-1, 2), "circular"), ValueError, r"\(-1, 2\) of axis 0"),
]


@pytest.mark.parametrize(("call", "kind", "message"), PAD_ERRORS)
def test_pad_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- flip, roll ----------------------------------------------------------------------------------


@st.composite
def shape_and_axes(draw: st.DrawFn) -> tuple[Shape, tuple[int, ...]]:
    shape = draw(shapes())
    if not shape:
        return shape, draw(st.sampled_from([(), (0,), (-1,)]))
    axes = draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    return shape, tuple(a - len(shape) if draw(st.booleans()) else a for a in axes)


@SETTINGS
@given(shape_and_axes())
def test_flip_gradients(case: tuple[Shape, tuple[int, ...]]) -> None:
    shape, axes = case
    check(lambda x: tg.flip(x, axes), data(shape))


@SETTINGS
@given(shape_and_axes(), st.data())
def test_roll_gradients(case: tuple[Shape, tuple[int, ...]], draw: Any) -> None:
    shape, axes = case
    shifts = tuple(draw.draw(st.integers(-5, 5)) for _ in axes)
    check(lambda x: tg.roll(x, shifts, axes), data(shape))
    shift = draw.draw(st.integers(-5, 5))
    check(lambda x: tg.roll(x, shift), data(shape))  # flattened


def test_flip_and_roll_by_hand() -> None:
    x = Value([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.flip(1).tolist() == [[3.0, 2.0, 1.0], [6.0, 5.0, 4.0]]
    assert tg.flip(x, (0, 1)).tolist() == [[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]]
    assert x.roll(1).tolist() == [[6.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x.roll(-1, 1).tolist() == [[2.0, 3.0, 1.0], [5.0, 6.0, 4.0]]
    assert x.roll((1, 1), (1, 1)).tolist() == [[2.0, 3.0, 1.0], [5.0, 6.0, 4.0]]  # twice: +2
    assert tg.roll(Value(2.0), 3).item() == 2.0
    assert tg.roll(Value(2.0), 3, 0).item() == 2.0  # dim 0 of a 0-d Value, as in PyTorch
    assert tg.flip(Value(2.0), 0).item() == 2.0
    check(lambda v: tg.roll(v, (1, 2), (0, -1)), np.array(2.0))


FLIP_ROLL_ERRORS = [
    (lambda: Value([1.0]).flip(), TypeError, "flip: give the axes"),
    (lambda: tg.flip(Value([1.0]), "a"), TypeError, "flip: an axis must be an int, got str"),
    (lambda: tg.flip(Value([[1.0]]), (0, 0)), ValueError, "flip: repeated axis"),
    (lambda: tg.flip(Value([1.0]), 2), np.exceptions.AxisError, "flip: axis 2 is out of range"),
    (lambda: tg.roll(Value([1.0]), 1.5), TypeError, "roll: shifts must be an int, got float"),
    (lambda: tg.roll(Value([[1.0]]), (1, 1)), ValueError, r"without dims, .* got \(1, 1\)"),
    (lambda: tg.roll(Value([[1.0]]), (1, 1), 0), ValueError, "same length"),
    (lambda: tg.roll(Value([1.0]), 1, 3), np.exceptions.AxisError, "roll: axis 3"),
    (lambda: tg.roll([1.0], 1), TypeError, "roll: expected Values, .* got list"),
]


@pytest.mark.parametrize(("call", "kind", "message"), FLIP_ROLL_ERRORS)
def test_flip_and_roll_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- repeat, tile, repeat_interleave -------------------------------------------------------------


@SETTINGS
@given(shapes(), st.data())
def test_repeat_and_tile_gradients(shape: Shape, draw: Any) -> None:
    extra = draw.draw(st.integers(0, 2))
    reps = tuple(draw.draw(st.integers(0, 3)) for _ in range(len(shape) + extra))
    check(lambda x: x.repeat(*reps), data(shape))
    fewer = reps[: draw.draw(st.integers(0, len(reps)))]
    check(lambda x: tg.tile(x, fewer), data(shape))


@SETTINGS
@given(shapes(), st.data())
def test_repeat_interleave_gradients(shape: Shape, draw: Any) -> None:
    count = draw.draw(st.integers(0, 3))
    check(lambda x: tg.repeat_interleave(x, count), data(shape))
    if not shape:
        return
    dim = draw.draw(st.integers(-len(shape), len(shape) - 1))
    counts = np.array(
        draw.draw(st.lists(st.integers(0, 3), min_size=shape[dim], max_size=shape[dim])),
        dtype=np.int64,
    )
    check(lambda x: x.repeat_interleave(counts, dim), data(shape))
    check(lambda x: x.repeat_interleave(2, dim=dim), data(shape))


def test_repeat_tile_and_interleave_by_hand() -> None:
    x = Value([1.0, 2.0])
    assert x.repeat(2).tolist() == [1.0, 2.0, 1.0, 2.0]  # PyTorch's repeat: numpy's tile
    assert x.repeat(2, 1).tolist() == [[1.0, 2.0], [1.0, 2.0]]
    assert tg.tile(Value([[1.0, 2.0]]), 2).tolist() == [[1.0, 2.0, 1.0, 2.0]]
    assert x.repeat_interleave(2).tolist() == [1.0, 1.0, 2.0, 2.0]  # numpy's repeat
    assert x.repeat_interleave([0, 3]).tolist() == [2.0, 2.0, 2.0]
    assert x.repeat_interleave(np.array([3])).tolist() == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    m = Value([[1.0, 2.0], [3.0, 4.0]])
    assert m.repeat_interleave(2).shape == (8,)  # dim=None flattens, as in PyTorch
    y = Value([1.0, 2.0, 3.0])
    y.repeat_interleave(np.array([2, 0, 3])).sum().backward()
    assert y.grad.tolist() == [2.0, 0.0, 3.0]


REPEAT_ERRORS = [
    (lambda: Value([[1.0]]).repeat(2), ValueError, r"repeat: sizes \(2,\) are fewer than the 2"),
    (lambda: Value([1.0]).repeat(-1), ValueError, r"repeat: the counts \(-1,\) must be 0 or more"),
    (lambda: Value([1.0]).repeat("a"), TypeError, "repeat: sizes .* must be an int, got str"),
    (lambda: Value([1.0]).tile(2.0), TypeError, "tile: dims .* must be an int, got float"),
    (lambda: Value([1.0]).tile(2, -2), ValueError, "tile: the counts .* must be 0 or more"),
    (lambda: tg.repeat_interleave(Value([1.0]), -1), ValueError, r"repeats must be 0 or more"),
    (lambda: tg.repeat_interleave(Value([1.0]), 1.5), TypeError, "repeats must be an int"),
    (lambda: tg.repeat_interleave(Value([1.0]), True), TypeError, "got bool"),
    (lambda: tg.repeat_interleave(Value([1.0]), [1.0]), TypeError, "array of dtype float64"),
    (lambda: tg.repeat_interleave(Value([1.0]), Value(2.0)), TypeError, "got a Value"),
    (lambda: tg.repeat_interleave(Value([1.0]), [[1]]), ValueError, r"1-D, got shape \(1, 1\)"),
    (lambda: tg.repeat_interleave(Value([1.0, 2.0]), [1, 2, 3]), ValueError, "has 3 counts"),
    (lambda: tg.repeat_interleave(Value(1.0), 2, 0), ValueError, "0-d Value has no axis"),
    (lambda: tg.repeat_interleave(Value([1.0]), 2, 1), np.exceptions.AxisError, "axis 1"),
]


@pytest.mark.parametrize(("call", "kind", "message"), REPEAT_ERRORS)
def test_repeat_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- split, chunk, unbind ------------------------------------------------------------------------


def joined(pieces: tuple[Value, ...]) -> Value:
    """The pieces in one Value, each weighted differently (so a misplaced gradient shows)."""
    if not pieces:
        return Value(0.0, requires_grad=False)
    return tg.concatenate([(p * (k + 1.0)).reshape(-1) for k, p in enumerate(pieces)])


@SETTINGS
@given(shapes(min_dims=1), st.data())
def test_split_gradients(shape: Shape, draw: Any) -> None:
    dim = draw.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[dim]
    size = draw.draw(st.integers(1, 5)) if n else draw.draw(st.integers(0, 3))
    check(lambda x: joined(tg.split(x, size, dim)), data(shape))
    cuts = sorted(draw.draw(st.lists(st.integers(0, n), max_size=4)))
    sections = [b - a for a, b in zip([0, *cuts], [*cuts, n])]
    check(lambda x: joined(x.split(sections, dim)), data(shape))
    chunks = draw.draw(st.integers(1, 5))
    check(lambda x: joined(tg.chunk(x, chunks, dim)), data(shape))
    assume(n)
    check(lambda x: joined(tg.unbind(x, dim)), data(shape))


def test_split_uses_pytorch_sizes() -> None:
    x = Value(np.arange(5.0))
    assert [p.tolist() for p in tg.split(x, 2)] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert [p.shape for p in tg.split(x, [0, 5, 0])] == [(0,), (5,), (0,)]
    assert [p.shape for p in tg.split(x, 10)] == [(5,)]
    assert [p.shape for p in tg.chunk(Value(np.zeros(6)), 4)] == [(2,), (2,), (2,)]  # 3, not 4
    assert [p.shape for p in tg.chunk(Value(np.zeros((0, 2))), 3)] == [(0, 2)] * 3
    assert [p.shape for p in tg.split(Value(np.zeros((0, 2))), 0)] == [(0, 2)]
    assert tg.unbind(Value(np.zeros((0, 2)))) == ()
    assert [p.shape for p in Value(np.zeros((2, 3))).unbind(-1)] == [(2,)] * 3


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 17, 100])
def test_every_piece_sends_its_gradient_to_its_place(count: int) -> None:
    x = Value(np.arange(count * 2.0).reshape(count, 2))
    pieces = x.unbind()
    total = sum((p * float(k) for k, p in enumerate(pieces)), start=Value(0.0))
    total.sum().backward()
    np.testing.assert_array_equal(
        x.grad, np.repeat(np.arange(count, dtype=float), 2).reshape(-1, 2)
    )
    y = Value(np.arange(count * 2.0).reshape(count, 2))
    y.unbind()[count // 2].sum().backward()  # one piece only: zeros elsewhere
    expected = np.zeros((count, 2))
    expected[count // 2] = 1.0
    np.testing.assert_array_equal(y.grad, expected)


@pytest.mark.parametrize("count", [4, 100, 1000])
def test_many_pieces_come_from_halves_of_halves(count: int) -> None:
    """Each piece lies at most about log2(count) cuts away from x, so backward through them
    all costs about log2(count) times a gradient of x's size, not count times."""
    x = Value(np.zeros((count, 3)))
    leaf = x.exp().grad_fn.prev[0]
    for piece in x.unbind():
        depth, node = 0, piece.grad_fn
        while node is not leaf:
            node = node.prev[0]
            depth += 1
        assert depth <= math.ceil(math.log2(count)), f"a piece {depth} cuts from x"


SPLIT_ERRORS = [
    (lambda: tg.split(Value(1.0), 1), ValueError, "split: a 0-d Value has no axis"),
    (lambda: tg.split(Value([1.0, 2.0]), 0), ValueError, "split: the size of the pieces .* got 0"),
    (lambda: tg.split(Value([1.0, 2.0]), -1), ValueError, "got -1 for axis 0"),
    (lambda: tg.split(Value([1.0, 2.0]), [1, 2]), ValueError, r"sizes \[1, 2\] .* add up to 2"),
    (lambda: tg.split(Value([1.0, 2.0]), [3, -1]), ValueError, r"\[3, -1\] must be 0 or more"),
    (lambda: tg.split(Value([1.0]), 1.5), TypeError, "split_size_or_sections must be an int"),
    (lambda: tg.split(Value([1.0]), [1.0]), TypeError, "each must be an int, got float"),
    (lambda: tg.split(Value([1.0]), 1, 1), np.exceptions.AxisError, "split: axis 1"),
    (lambda: tg.chunk(Value([1.0]), 0), ValueError, "chunk: chunks must be 1 or more, got 0"),
    (lambda: tg.chunk(Value([1.0]), "a"), TypeError, "chunk: chunks must be an int, got str"),
    (lambda: tg.chunk(Value(1.0), 1), ValueError, "chunk: a 0-d Value"),
    (lambda: tg.unbind(Value(1.0)), ValueError, "unbind: a 0-d Value"),
    (lambda: tg.unbind(Value([1.0]), (0,)), TypeError, "unbind: axis must be one int"),
    (lambda: tg.unbind(np.array(["a"])), TypeError, "unbind: .*dtype <U1"),
]


@pytest.mark.parametrize(("call", "kind", "message"), SPLIT_ERRORS)
def test_split_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


# -- outer, einsum -------------------------------------------------------------------------------


@SETTINGS
@given(st.integers(0, 4), st.integers(0, 4))
def test_outer_gradients(n: int, m: int) -> None:
    check(tg.outer, data((n,)), data((m,)) + 1.0)
    check(lambda a: a.outer(np.arange(m, dtype=float)), data((n,)))  # a constant operand


def test_outer_keeps_each_dtype() -> None:
    a, b = Value(np.ones(2, np.float32)), Value(np.ones(3))
    out = tg.outer(a, b)
    out.backward(np.ones((2, 3)))
    assert (out.dtype, a.grad.dtype, b.grad.dtype) == (np.float64, np.float32, np.float64)
    assert tg.outer(a, np.arange(3)).dtype == np.float32  # an int constant takes a's dtype


@pytest.mark.parametrize(("equation", "shapes"), EINSUM_CASES)
def test_einsum_gradients(equation: str, shapes: list[Shape]) -> None:
    arrays = [np.asarray(data(s) + k) for k, s in enumerate(shapes)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(tg.einsum(equation, *arrays).data, np.einsum(equation, *arrays))
    check(lambda *xs: tg.einsum(equation, *xs), *arrays)


@SETTINGS
@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), st.integers(1, 3))
def test_einsum_batched_products(n: int, m: int, k: int, b: int) -> None:
    a, c = data((b, n, m)), data((b, m, k)) + 1.0
    check(lambda x, y: tg.einsum("bnm,bmk->bnk", x, y), a, c)
    check(lambda x, y: tg.einsum("bnm,bmk", [x, y]), a, c)  # a list, and implicit


def test_einsum_reads_the_equation_as_numpy_does() -> None:
    assert tg.einsum("...ij,jk", np.ones((5, 2, 3)), np.ones((3, 4))).shape == (5, 2, 4)
    assert tg.einsum("Ji,Jk", np.ones((2, 3)), np.ones((2, 4))).shape == (3, 4)
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(tg.einsum("ba", a).data, a.T)  # implicit: alphabetical
    assert tg.einsum("ij->ij", [Value(np.ones((2, 3)))]).shape == (2, 3)
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(tg.einsum("...i->i", x).data, x.sum((0, 1)))  # numpy refuses
    check(lambda v: tg.einsum("...i->i", v), x)


def test_einsum_of_a_constant_is_constant_and_float32_stays() -> None:
    a = Value(np.ones((2, 3), np.float32))
    out = tg.einsum("ij,j->i", a, np.ones(3, np.float32))
    out.backward(np.ones(2, np.float32))
    assert out.dtype == a.grad.dtype == np.float32
    assert not tg.einsum("i->", np.ones(3)).requires_grad


EINSUM_ERRORS = [
    (lambda: tg.einsum(1, Value([1.0])), TypeError, "the equation must be a str, got int"),
    (lambda: tg.einsum("i->i"), ValueError, "'i->i' was given no operands"),
    (lambda: tg.einsum("i,i->", Value([1.0])), ValueError, "has 2 operand.* but 1 were given"),
    (lambda: tg.einsum("i->", "a"), TypeError, "operand 0 must be a Value or a numpy array"),
    (lambda: tg.einsum("i->", 2.0), TypeError, "got float"),
    (lambda: tg.einsum("i->", np.array([1])), TypeError, "must hold floats, got dtype int64"),
    (
        lambda: tg.einsum("i,i", Value([1.0]), Value(np.ones(1, np.float32))),
        TypeError,
        "operand 0 and operand 1 to have the same dtype, got float64 and float32",
    ),
    (lambda: tg.einsum("i,i", Value([1.0]), np.array([1])), TypeError, "convert operand 1"),
    (lambda: tg.einsum("ij->", Value([1.0])), ValueError, r"operand 0 has shape \(1,\), .* 2 axes"),
    (lambda: tg.einsum("i1->", Value([[1.0]])), ValueError, "letters a-z and A-Z"),
    (lambda: tg.einsum("i......->", Value([[1.0]])), ValueError, "one ellipsis"),
    (
        lambda: tg.einsum("i,i", Value([1.0, 2.0]), Value([1.0, 2.0, 3.0])),
        ValueError,
        r"subscript 'i' has size 3 in operand 1 \(shape \(3,\)\), .* size 2",
    ),
    (lambda: tg.einsum("ii->i", Value(np.ones((2, 3)))), ValueError, "'i' has size 3 in operand 0"),
    (lambda: tg.einsum("ii->i", Value(np.ones((1, 3)))), ValueError, "repeated subscript 'i'"),
    (lambda: tg.einsum("i->ii", Value([1.0])), ValueError, "each output subscript"),
    (lambda: tg.einsum("i->j", Value([1.0])), ValueError, "each output subscript"),
    (lambda: tg.einsum("i->i->i", Value([1.0])), ValueError, "letters a-z and A-Z"),
]


@pytest.mark.parametrize(("call", "kind", "message"), EINSUM_ERRORS)
def test_einsum_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()


OUTER_ERRORS = [
    (
        lambda: tg.outer(Value([[1.0]]), Value([1.0])),
        ValueError,
        r"a must be 1-D, got shape \(1, 1\)",
    ),
    (
        lambda: tg.outer(Value([1.0]), 2.0),
        TypeError,
        "outer: b must be a Value or a numpy array, got float",
    ),
    (lambda: tg.outer("a", Value([1.0])), TypeError, "got str"),
    (lambda: tg.outer(np.arange(2), np.arange(3)), TypeError, "must hold floats, got int64"),
]


@pytest.mark.parametrize(("call", "kind", "message"), OUTER_ERRORS)
def test_outer_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()

"""The factories (tensorgrad.factories): values, shapes, dtypes, requires_grad, seeding, and
every error path with its message. The values are checked against PyTorch itself in
``tests/crosscheck/test_factories_vs_torch.py``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad import Value, factories

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)

# -- filled with one number --------------------------------------------------------------------

SIZED: dict[str, Callable[..., Value]] = {
    # the factories that take a size as f(2, 3) or f((2, 3)), and their keyword arguments
    "zeros": tg.zeros,
    "ones": tg.ones,
    "empty": tg.empty,
    "rand": tg.rand,
    "randn": tg.randn,
}


@pytest.mark.parametrize("name", SIZED)
@pytest.mark.parametrize(
    ("size", "shape"),
    [((2, 3), (2, 3)), (((2, 3),), (2, 3)), (([2, 3],), (2, 3)), ((4,), (4,)), (((),), ())],
)
def test_a_size_is_given_as_ints_or_one_sequence(
    name: str, size: tuple[Any, ...], shape: tuple[int, ...]
) -> None:
    v = SIZED[name](*size)
    assert isinstance(v, Value)
    assert v.shape == shape
    assert v.dtype == F64  # the default, as Value([1, 2]) gives
    assert v.requires_grad is False  # PyTorch's default for factories


@pytest.mark.parametrize("name", SIZED)
@pytest.mark.parametrize("dtype", [np.float32, "float32", np.dtype(np.float32), np.float64])
def test_dtype_and_requires_grad(name: str, dtype: Any) -> None:
    v = SIZED[name](2, 3, dtype=dtype, requires_grad=True)
    assert v.dtype == np.dtype(dtype)
    assert v.requires_grad is True
    (v * 2.0).sum().backward()
    assert v.grad.dtype == np.dtype(dtype)  # the gradient keeps the dtype too
    np.testing.assert_array_equal(v.grad, np.full((2, 3), 2.0))


@pytest.mark.parametrize("name", SIZED)
def test_a_size_of_zero_gives_an_empty_value(name: str) -> None:
    assert SIZED[name](0, 3).shape == (0, 3)


def test_zeros_ones_full_values() -> None:
    np.testing.assert_array_equal(tg.zeros(2, 3).data, np.zeros((2, 3)))
    np.testing.assert_array_equal(tg.ones((3,)).data, np.ones(3))
    np.testing.assert_array_equal(tg.full((2, 2), -1.5).data, np.full((2, 2), -1.5))
    assert tg.full(3, 2).data.tolist() == [2.0, 2.0, 2.0]  # an int size, as in numpy
    assert tg.full((), 7.0).shape == ()
    assert tg.full((1,), np.float32(0.25), dtype=np.float32).dtype == F32
    assert np.isnan(tg.full((2,), np.nan).data).all()
    assert np.isposinf(tg.full((2,), np.inf, dtype=np.float32).data).all()


def test_a_factory_owns_its_array_and_is_a_leaf() -> None:
    v = tg.zeros(2, requires_grad=True)
    assert v.is_leaf
    assert v.grad_fn is None
    v.data[0] = 5.0  # writable, and no other factory's result changes with it
    assert tg.zeros(2).data.tolist() == [0.0, 0.0]


def test_empty_can_be_filled() -> None:
    v = tg.empty(2, 2, dtype=np.float32)
    v.data[...] = 3.0
    np.testing.assert_array_equal(v.data, np.full((2, 2), 3.0, np.float32))


# -- *_like ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "fill"),
    [(tg.zeros_like, 0.0), (tg.ones_like, 1.0), (lambda x, **kw: tg.full_like(x, 2.5, **kw), 2.5)],
    ids=["zeros_like", "ones_like", "full_like"],
)
def test_like_keeps_the_shape_and_the_float_dtype(make: Callable[..., Value], fill: float) -> None:
    for source, dtype in [
        (Value(np.ones((2, 3), np.float32)), F32),
        (np.ones((4,), np.float64), F64),
        (np.arange(6).reshape(3, 2), F64),  # ints become float64, as in Value()
        (np.ones((2,), bool), F64),
        ([[1, 2]], F64),
        (3.0, F64),
    ]:
        v = make(source)
        assert v.shape == np.shape(source.data if isinstance(source, Value) else source)
        assert v.dtype == dtype
        assert v.requires_grad is False
        assert (v.data == fill).all()
    assert make(np.ones(2, np.float32), dtype=np.float64).dtype == F64
    assert make(np.ones(2, np.float16), dtype=np.float32).dtype == F32  # dtype= rescues float16
    assert make(Value([1.0]), requires_grad=True).requires_grad is True


def test_like_does_not_inherit_requires_grad_or_touch_the_graph() -> None:
    x = Value([1.0, 2.0])  # requires grad
    y = x * 3.0
    z = tg.zeros_like(y)
    assert z.requires_grad is False
    assert z.is_leaf
    y.sum().backward()  # the graph is intact
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


# -- ranges and the identity -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((4,), [0.0, 1.0, 2.0, 3.0]),
        ((0,), []),
        ((2, 5), [2.0, 3.0, 4.0]),
        ((1, 2.5, 0.5), [1.0, 1.5, 2.0]),
        ((3, 0, -1), [3.0, 2.0, 1.0]),
        ((0, 1, 0.3), [0.0, 0.3, 0.6, 0.9]),
        ((5, 5), []),
        ((2.5,), [0.0, 1.0, 2.0]),
        ((np.int64(3),), [0.0, 1.0, 2.0]),
    ],
)
def test_arange(args: tuple[Any, ...], expected: list[float]) -> None:
    v = tg.arange(*args)
    assert v.dtype == F64
    assert v.ndim == 1
    assert v.requires_grad is False
    np.testing.assert_allclose(v.data, expected, rtol=0, atol=1e-15)


def test_arange_keywords_and_float32() -> None:
    v = tg.arange(start=1, end=4, step=1, dtype=np.float32, requires_grad=True)
    assert v.dtype == F32
    assert v.requires_grad is True
    assert v.data.tolist() == [1.0, 2.0, 3.0]
    # the k-th element is start + k*step, computed in float64 and then rounded
    expected = (0.1 + np.arange(10) * 0.1).astype(np.float32)
    np.testing.assert_array_equal(tg.arange(0.1, 1.05, 0.1, dtype=np.float32).data, expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0, 1, 5), [0.0, 0.25, 0.5, 0.75, 1.0]),
        ((1, 0, 3), [1.0, 0.5, 0.0]),
        ((-1, 1, 2), [-1.0, 1.0]),
        ((3, 4, 1), [3.0]),
        ((3, 4, 0), []),
        ((2, 2, 3), [2.0, 2.0, 2.0]),
    ],
)
def test_linspace(args: tuple[Any, ...], expected: list[float]) -> None:
    v = tg.linspace(*args)
    assert v.dtype == F64
    assert v.shape == (len(expected),)
    np.testing.assert_allclose(v.data, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("steps", [2, 3, 10, 101])
def test_linspace_hits_both_ends_exactly_and_is_symmetric(dtype: Any, steps: int) -> None:
    v = tg.linspace(-0.7, 0.3, steps, dtype=dtype).data
    assert v.dtype == dtype
    assert v[0] == dtype(-0.7)
    assert v[-1] == dtype(0.3)
    assert (np.diff(v) > 0).all()
    w = tg.linspace(-2.0, 2.0, steps, dtype=dtype).data
    np.testing.assert_array_equal(w, -w[::-1])  # from both ends, as PyTorch computes it


def test_eye() -> None:
    np.testing.assert_array_equal(tg.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(tg.eye(2, 3).data, np.eye(2, 3))
    np.testing.assert_array_equal(tg.eye(3, 1).data, np.eye(3, 1))
    assert tg.eye(0).shape == (0, 0)
    v = tg.eye(2, m=2, dtype="float32", requires_grad=True)
    assert v.dtype == F32
    assert v.requires_grad is True


# -- random ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rand", "randn"])
def test_a_seed_repeats_and_a_generator_advances(name: str) -> None:
    make = SIZED[name]
    a, b = make(3, 4, seed=7), make(3, 4, seed=7)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, make(3, 4, seed=8).data)
    rng = np.random.default_rng(7)
    first, second = make(3, 4, generator=rng), make(3, 4, generator=rng)
    np.testing.assert_array_equal(first.data, a.data)  # seed=7 is default_rng(7)
    assert not np.array_equal(first.data, second.data)  # the generator moved on
    # numpy draws float32 itself, reproducibly too
    np.testing.assert_array_equal(
        make(5, seed=1, dtype=np.float32).data, make(5, seed=1, dtype=np.float32).data
    )


@pytest.mark.parametrize("name", ["rand", "randn", "randint"])
def test_without_a_seed_the_default_generator_is_used(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def call() -> Any:
        if name == "randint":
            return tg.randint(0, 100, (5,))
        return SIZED[name](5)

    monkeypatch.setattr(factories, "default_generator", np.random.default_rng(3))
    first = call()
    monkeypatch.setattr(factories, "default_generator", np.random.default_rng(3))
    again = call()
    np.testing.assert_array_equal(getattr(first, "data", first), getattr(again, "data", again))


def test_rand_is_uniform_on_0_1() -> None:
    for dtype in (np.float32, np.float64):
        x = tg.rand(100_000, seed=0, dtype=dtype).data
        assert x.dtype == dtype
        assert x.min() >= 0.0
        assert x.max() < 1.0
        assert abs(x.mean() - 0.5) < 0.01
        assert abs(x.var() - 1 / 12) < 0.005


def test_randn_is_standard_normal() -> None:
    for dtype in (np.float32, np.float64):
        x = tg.randn(100_000, seed=0, dtype=dtype).data
        assert x.dtype == dtype
        assert abs(x.mean()) < 0.02
        assert abs(x.std() - 1.0) < 0.02


def test_randint() -> None:
    x = tg.randint(3, 8, (1000,), seed=0)
    assert type(x) is np.ndarray
    assert x.dtype == np.int64
    assert x.shape == (1000,)
    assert set(np.unique(x).tolist()) == {3, 4, 5, 6, 7}  # high excluded
    np.testing.assert_array_equal(x, tg.randint(3, 8, (1000,), seed=0))
    np.testing.assert_array_equal(x, tg.randint(3, 8, 1000, generator=np.random.default_rng(0)))
    # PyTorch's two-argument form: randint(high, size) counts from 0
    y = tg.randint(4, (2, 500), seed=1)
    assert y.shape == (2, 500)
    assert set(np.unique(y).tolist()) == {0, 1, 2, 3}
    assert tg.randint(4, size=(3,), seed=1).shape == (3,)
    assert tg.randint(low=-2, high=0, size=(2, 2), seed=1).max() < 0
    assert tg.randint(0, 10, (3,), dtype=np.int32, seed=0).dtype == np.int32
    assert tg.randint(0, 10, (), seed=0).shape == ()
    # an index, as PyTorch's: it picks rows
    rows = tg.randint(0, 3, (4,), seed=0)
    assert tg.eye(3)[rows].shape == (4, 3)


# -- errors ------------------------------------------------------------------------------------

ERRORS: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    # (label, call, error, what the message says: a regular expression)
    ("zeros()", lambda: tg.zeros(), TypeError, r"^zeros: size is missing"),
    ("zeros(-1)", lambda: tg.zeros(2, -1), ValueError, r"^zeros: size must be non-negative.*-1"),
    ("zeros(2.5)", lambda: tg.zeros(2.5), TypeError, r"^zeros: size must be an int, got float 2.5"),
    ("zeros('a')", lambda: tg.zeros("a"), TypeError, r"^zeros: size must be an int, got str"),
    ("zeros(None)", lambda: tg.zeros(None), TypeError, r"^zeros: size .* NoneType"),
    ("zeros(True)", lambda: tg.zeros(True), TypeError, r"^zeros: size .* got bool"),
    ("ones((2, 'a'))", lambda: tg.ones((2, "a")), TypeError, r"^ones: size .* got str"),
    ("empty(-3)", lambda: tg.empty(-3), ValueError, r"^empty: size must be non-negative"),
    ("zeros(huge)", lambda: tg.zeros(2**40, 2**40), ValueError, r"^zeros: size .* too large"),
    ("zeros(int32)", lambda: tg.zeros(2, dtype=np.int32), TypeError, r"^zeros: .*int32"),
    ("ones(float16)", lambda: tg.ones(2, dtype=np.float16), TypeError, r"^ones: .*float16"),
    ("ones(complex)", lambda: tg.ones(2, dtype=complex), TypeError, r"^ones: .*complex128"),
    ("empty('nonsense')", lambda: tg.empty(2, dtype="nonsense"), TypeError, r"^empty: .*nonsense"),
    (
        "zeros(requires_grad='no')",
        lambda: tg.zeros(2, requires_grad="no"),
        TypeError,
        r"^zeros: requires_grad must be True or False, got str 'no'",
    ),
    ("full('a', 1)", lambda: tg.full("a", 1.0), TypeError, r"^full: size .* got str"),
    ("full(fill 'a')", lambda: tg.full((2,), "a"), TypeError, r"^full: fill_value .* got str"),
    ("full(fill None)", lambda: tg.full((2,), None), TypeError, r"^full: fill_value .*NoneType"),
    ("full(fill bool)", lambda: tg.full((2,), True), TypeError, r"^full: fill_value .* got bool"),
    ("full(fill 1j)", lambda: tg.full((2,), 1j), TypeError, r"^full: fill_value .* complex"),
    (
        "full(fill Value)",
        lambda: tg.full((2,), Value(1.0)),
        TypeError,
        r"^full: fill_value .* got Value .*\.item\(\)",
    ),
    (
        "full(fill array)",
        lambda: tg.full((2,), np.ones(2)),
        TypeError,
        r"^full: fill_value .* ndarray",
    ),
    (
        "full(overflow)",
        lambda: tg.full((2,), 1e300, dtype=np.float32),
        ValueError,
        r"^full: fill_value 1e\+300 overflows float32",
    ),
    ("full(10**400)", lambda: tg.full((2,), 10**400), ValueError, r"^full: fill_value .* large"),
    ("full(-1)", lambda: tg.full((-1,), 0.0), ValueError, r"^full: size must be non-negative"),
    ("zeros_like('a')", lambda: tg.zeros_like("a"), TypeError, r"^zeros_like: input .* str"),
    ("ones_like(None)", lambda: tg.ones_like(None), TypeError, r"^ones_like: input .*NoneType"),
    ("ones_like([1j])", lambda: tg.ones_like([1j]), TypeError, r"^ones_like: input .*complex"),
    (
        "zeros_like(float16)",
        lambda: tg.zeros_like(np.ones(2, np.float16)),
        TypeError,
        r"^zeros_like: .*float16",
    ),
    (
        "zeros_like(dtype=int)",
        lambda: tg.zeros_like(np.ones(2), dtype=int),
        TypeError,
        r"^zeros_like: .*int64",
    ),
    (
        "full_like(fill 'a')",
        lambda: tg.full_like(np.ones(2), "a"),
        TypeError,
        r"^full_like: fill_value .* str",
    ),
    (
        "full_like(overflow)",
        lambda: tg.full_like(np.ones(2, np.float32), -1e39),
        ValueError,
        r"^full_like: fill_value .* overflows float32",
    ),
    (
        "ones_like(requires_grad=1)",
        lambda: tg.ones_like(np.ones(2), requires_grad=1),
        TypeError,
        r"^ones_like: requires_grad .* int",
    ),
    ("arange('a')", lambda: tg.arange("a"), TypeError, r"^arange: start .* got str"),
    ("arange(0, None, 1)", lambda: tg.arange(0, 5, None), TypeError, r"^arange: step .*NoneType"),
    ("arange(0, '5')", lambda: tg.arange(0, "5"), TypeError, r"^arange: end .* got str"),
    ("arange(True)", lambda: tg.arange(True), TypeError, r"^arange: start .* got bool"),
    ("arange(step 0)", lambda: tg.arange(0, 1, 0), ValueError, r"^arange: step must be nonzero"),
    ("arange(5, 0)", lambda: tg.arange(5, 0), ValueError, r"^arange: step 1.0 points away"),
    ("arange(0, 5, -1)", lambda: tg.arange(0, 5, -1), ValueError, r"^arange: step -1.0 points"),
    ("arange(inf)", lambda: tg.arange(0, np.inf), ValueError, r"^arange: .* finite.*inf"),
    ("arange(nan)", lambda: tg.arange(np.nan), ValueError, r"^arange: .* finite.*nan"),
    ("arange(huge)", lambda: tg.arange(0, 1e30, 1e-10), ValueError, r"^arange: size .* large"),
    ("arange(int8)", lambda: tg.arange(3, dtype=np.int8), TypeError, r"^arange: .*int8"),
    ("linspace(-1)", lambda: tg.linspace(0, 1, -1), ValueError, r"^linspace: steps .* -1"),
    ("linspace(2.5)", lambda: tg.linspace(0, 1, 2.5), TypeError, r"^linspace: steps .* float"),
    ("linspace('a')", lambda: tg.linspace("a", 1, 3), TypeError, r"^linspace: start .* str"),
    ("linspace(end=None)", lambda: tg.linspace(0, None, 3), TypeError, r"^linspace: end .*None"),
    (
        "linspace(overflow)",
        lambda: tg.linspace(0, 1e39, 3, dtype=np.float32),
        ValueError,
        r"^linspace: end .* overflows float32",
    ),
    ("linspace(no steps)", lambda: tg.linspace(0, 1), TypeError, r"steps"),  # Python's own
    ("eye(-1)", lambda: tg.eye(-1), ValueError, r"^eye: n must be non-negative, got -1"),
    ("eye(2.0)", lambda: tg.eye(2.0), TypeError, r"^eye: n must be an int, got float"),
    ("eye(2, 'a')", lambda: tg.eye(2, "a"), TypeError, r"^eye: m must be an int, got str"),
    ("eye(2, -2)", lambda: tg.eye(2, -2), ValueError, r"^eye: m must be non-negative"),
    ("eye(complex)", lambda: tg.eye(2, dtype=complex), TypeError, r"^eye: .*complex"),
    (
        "rand(generator=0)",
        lambda: tg.rand(2, generator=0),
        TypeError,
        r"^rand: generator must be a numpy.random.Generator .* got int",
    ),
    (
        "randn(RandomState)",
        lambda: tg.randn(2, generator=np.random.RandomState(0)),
        TypeError,
        r"^randn: generator .* got RandomState",
    ),
    ("rand(seed=-1)", lambda: tg.rand(2, seed=-1), ValueError, r"^rand: seed must be non-neg"),
    ("rand(seed=1.5)", lambda: tg.rand(2, seed=1.5), TypeError, r"^rand: seed .* got float"),
    ("randn(seed='a')", lambda: tg.randn(2, seed="a"), TypeError, r"^randn: seed .* got str"),
    (
        "rand(both)",
        lambda: tg.rand(2, seed=1, generator=np.random.default_rng()),
        ValueError,
        r"^rand: give generator or seed, not both",
    ),
    ("randn(-2)", lambda: tg.randn(-2), ValueError, r"^randn: size must be non-negative"),
    ("rand()", lambda: tg.rand(), TypeError, r"^rand: size is missing"),
    ("randn(int64)", lambda: tg.randn(2, dtype=np.int64), TypeError, r"^randn: .*int64"),
    ("randint(5, 5)", lambda: tg.randint(5, 5, (2,)), ValueError, r"^randint: high .* low=5"),
    ("randint(5, 2)", lambda: tg.randint(5, 2, (2,)), ValueError, r"^randint: high must be"),
    ("randint(0, 5)", lambda: tg.randint(0, 5), TypeError, r"^randint: size is missing"),
    ("randint(0.5, ..)", lambda: tg.randint(0.5, 5, (2,)), TypeError, r"^randint: low .* float"),
    ("randint(.., 'a')", lambda: tg.randint(0, "a", (2,)), TypeError, r"^randint: high .* str"),
    ("randint(True, ..)", lambda: tg.randint(True, 5, (2,)), TypeError, r"^randint: low .* bool"),
    ("randint(size 'a')", lambda: tg.randint(0, 5, "a"), TypeError, r"^randint: size .* str"),
    ("randint(size -1)", lambda: tg.randint(0, 5, (-1,)), ValueError, r"^randint: size must be"),
    (
        "randint(float64)",
        lambda: tg.randint(0, 5, (2,), dtype=np.float64),
        TypeError,
        r"^randint: dtype must be an integer dtype .* float64",
    ),
    (
        "randint('nonsense')",
        lambda: tg.randint(0, 5, (2,), dtype="nonsense"),
        TypeError,
        r"^randint: dtype .*nonsense",
    ),
    (
        "randint(int8 range)",
        lambda: tg.randint(0, 300, (2,), dtype=np.int8),
        ValueError,
        r"^randint: the range from 0 to 299 does not fit int8",
    ),
    (
        "randint(uint8 below 0)",
        lambda: tg.randint(-1, 3, (2,), dtype=np.uint8),
        ValueError,
        r"^randint: the range from -1 to 2 does not fit uint8",
    ),
    ("randint(seed=-3)", lambda: tg.randint(0, 5, (2,), seed=-3), ValueError, r"^randint: seed"),
    (
        "randint(generator='a')",
        lambda: tg.randint(0, 5, (2,), generator="a"),
        TypeError,
        r"^randint: generator .* got str",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_wrong_arguments_are_refused_by_name(
    call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error
    assert re.search(message, str(info.value)), str(info.value)


def test_unknown_keywords_are_pythons_own_errors() -> None:
    with pytest.raises(TypeError, match="layout"):
        tg.zeros(2, layout="strided")  # type: ignore[call-arg]


def test_default_generator_is_a_numpy_generator() -> None:
    assert isinstance(factories.default_generator, np.random.Generator)


def test_manual_seed_reseeds_the_default_generator_in_place_and_nn_draws_from_it() -> None:
    import nn

    held = factories.default_generator
    assert tg.manual_seed(5) is held  # the same object: references taken earlier follow
    first = tg.randn(4).data
    expected = np.random.default_rng(5).standard_normal(4)
    np.testing.assert_array_equal(first, expected)
    # nn's manual_seed is tensorgrad's, and nn's draws come from the same generator, so
    # the init after a seed is not a copy of the factories' numbers but their continuation
    assert nn.manual_seed is tg.manual_seed
    nn.manual_seed(5)
    a = tg.randn(4).data
    w = nn.Linear(4, 1).weight.data.copy()
    nn.manual_seed(5)
    assert np.array_equal(tg.randn(4).data, a)
    assert np.array_equal(nn.Linear(4, 1).weight.data, w)


@pytest.mark.parametrize(
    ("seed", "kind", "match"),
    [
        (-1, ValueError, r"^manual_seed: seed must be a non-negative integer, got -1"),
        (1.5, TypeError, r"^manual_seed: seed must be a non-negative integer, got float 1.5"),
        (True, TypeError, r"^manual_seed: .* got bool True"),
        ("0", TypeError, r"^manual_seed: .* got str '0'"),
    ],
)
def test_manual_seed_refuses_what_is_not_a_seed(seed: Any, kind: type, match: str) -> None:
    with pytest.raises(kind, match=match):
        tg.manual_seed(seed)


# -- PyTorch's device= -----------------------------------------------------------------------

DEVICE_CALLS: dict[str, Callable[..., Any]] = {
    "zeros": lambda **kw: tg.zeros(2, **kw),
    "ones": lambda **kw: tg.ones(2, **kw),
    "empty": lambda **kw: tg.empty(2, **kw),
    "full": lambda **kw: tg.full(2, 0.5, **kw),
    "zeros_like": lambda **kw: tg.zeros_like(np.ones(2), **kw),
    "ones_like": lambda **kw: tg.ones_like(np.ones(2), **kw),
    "full_like": lambda **kw: tg.full_like(np.ones(2), 1.5, **kw),
    "arange": lambda **kw: tg.arange(3, **kw),
    "linspace": lambda **kw: tg.linspace(0, 1, 3, **kw),
    "eye": lambda **kw: tg.eye(2, **kw),
    "rand": lambda **kw: tg.rand(2, seed=0, **kw),
    "randn": lambda **kw: tg.randn(2, seed=0, **kw),
    "randint": lambda **kw: tg.randint(0, 5, (3,), seed=0, **kw),
}


@pytest.mark.parametrize("name", DEVICE_CALLS)
def test_device_cpu_is_accepted_and_changes_nothing(name: str) -> None:
    call = DEVICE_CALLS[name]
    plain = call()
    for device in (None, "cpu", "cpu:0"):
        made = call(device=device)
        data = made.data if isinstance(made, Value) else made
        np.testing.assert_array_equal(data, plain.data if isinstance(plain, Value) else plain)


@pytest.mark.parametrize("name", DEVICE_CALLS)
@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", "cpu:1", "CPU"])
def test_any_other_device_is_refused(name: str, device: str) -> None:
    message = (
        f"{name}: device '{device}' is not available: tensorgrad runs on the CPU only, "
        f"through numpy (device='cpu' is accepted, and changes nothing)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        DEVICE_CALLS[name](device=device)


@pytest.mark.parametrize("name", DEVICE_CALLS)
def test_a_device_that_is_not_a_str_is_a_type_error(name: str) -> None:
    with pytest.raises(
        TypeError, match=rf"^{name}: device must be a str such as 'cpu', got int 0$"
    ):
        DEVICE_CALLS[name](device=0)

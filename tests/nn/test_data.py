"""nn.data: TensorDataset and DataLoader: coverage of each epoch, shuffling, seeding, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.data import DataLoader, TensorDataset
from tensorgrad import Value


def dataset(n: int) -> TensorDataset:
    return TensorDataset(np.arange(2 * n, dtype=float).reshape(n, 2), np.arange(n))


@given(
    n=st.integers(0, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
)
def test_each_epoch_covers_the_data_once(
    n: int, batch_size: int, shuffle: bool, drop_last: bool
) -> None:
    loader = DataLoader(
        dataset(n), batch_size, shuffle, drop_last, generator=np.random.default_rng(0)
    )
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == len(loader)
        seen = np.concatenate([y for _, y in batches]) if batches else np.array([], int)
        for x, y in batches:
            assert isinstance(x, np.ndarray)
            assert x.shape == (len(y), 2)
            np.testing.assert_array_equal(x[:, 0], 2 * y)  # rows stay together
            assert len(y) == batch_size or (not drop_last and len(y) < batch_size)
        if drop_last:
            assert len(seen) == n - n % batch_size
            assert len(set(seen)) == len(seen)
        else:
            assert sorted(seen) == list(range(n))
        if not shuffle:
            assert list(seen) == list(range(len(seen)))


def test_shuffling_differs_between_epochs_and_is_seeded() -> None:
    def order(loader: DataLoader) -> list[int]:
        return [int(v) for _, y in loader for v in y]

    loader = DataLoader(dataset(30), batch_size=4, shuffle=True, generator=np.random.default_rng(1))
    first, second = order(loader), order(loader)
    assert first != second
    assert sorted(first) == sorted(second) == list(range(30))
    again = DataLoader(dataset(30), batch_size=4, shuffle=True, generator=np.random.default_rng(1))
    assert order(again) == first
    nn.manual_seed(5)
    a = order(DataLoader(dataset(30), batch_size=4, shuffle=True))
    nn.manual_seed(5)
    assert order(DataLoader(dataset(30), batch_size=4, shuffle=True)) == a


def test_len_counts_batches() -> None:
    assert len(DataLoader(dataset(10), batch_size=3)) == 4
    assert len(DataLoader(dataset(10), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(dataset(9), batch_size=3, drop_last=True)) == 3


def test_any_dataset_with_len_and_getitem() -> None:
    class Squares:
        def __len__(self) -> int:
            return 5

        def __getitem__(self, i: int) -> Any:
            return np.array([i, i * i])

    class Pairs(Squares):
        def __getitem__(self, i: int) -> Any:
            return np.array([float(i)]), i % 2

    assert [b.tolist() for b in DataLoader(Squares(), batch_size=2)] == [
        [[0, 0], [1, 1]],
        [[2, 4], [3, 9]],
        [[4, 16]],
    ]
    x, y = next(iter(DataLoader(Pairs(), batch_size=3)))
    assert x.shape == (3, 1)
    assert y.tolist() == [0, 1, 0]


def test_tensor_dataset_indexing() -> None:
    data = TensorDataset(np.eye(3), [7, 8, 9])
    x, y = data[2]
    assert x.tolist() == [0.0, 0.0, 1.0]
    assert y == 9
    assert len(data) == 3
    (single,) = TensorDataset(np.arange(4))[1:3]
    assert single.tolist() == [1, 2]


def test_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"the arrays must have the same number of samples .* got shapes \(3, 2\), \(4,\)",
    ):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"got shapes \(\)"):
        TensorDataset(np.float64(1.0))
    with pytest.raises(ValueError, match="TensorDataset: give at least one array"):
        TensorDataset()
    for bad in (0, -2):
        with pytest.raises(
            ValueError, match=f"DataLoader: batch_size must be a positive int, got {bad}"
        ):
            DataLoader(dataset(3), batch_size=bad)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 1.5}, r"DataLoader: batch_size must be a positive int, got float 1\.5"),
        ({"batch_size": True}, r"DataLoader: batch_size must be a positive int, got bool True"),
        ({"batch_size": "2"}, r"DataLoader: batch_size .* got str '2'"),
        ({"batch_size": None}, r"DataLoader: batch_size .* got None"),
        (
            {"shuffle": "yes"},
            r"DataLoader: shuffle must be a bool \(True or False\), got str 'yes'",
        ),
        ({"shuffle": None}, r"DataLoader: shuffle must be a bool .* got None"),
        ({"drop_last": 1}, r"DataLoader: drop_last must be a bool .* got int 1"),
        (
            {"generator": 0},
            r"DataLoader: generator must be a numpy.random.Generator or None, got int 0",
        ),
        (
            {"generator": np.random.RandomState(0)},
            r"DataLoader: generator must be a numpy.random.Generator or None, got RandomState",
        ),
    ],
)
def test_loader_settings_of_the_wrong_type_are_refused(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        DataLoader(dataset(3), **kwargs)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            5,
            r"DataLoader: dataset must have __len__ and __getitem__ \(such as a TensorDataset\), "
            r"got int 5",
        ),
        (None, r"DataLoader: dataset must have __len__ and __getitem__ .* got None"),
        ({1, 2}, r"DataLoader: dataset must have __len__ and __getitem__ .* got set"),
        ("data.npz", r"DataLoader: dataset must be a dataset \(such as a TensorDataset\), got str"),
        (
            Value(np.ones((3, 2))),
            r"DataLoader: dataset must hold data, not a Value; wrap its .data in a TensorDataset",
        ),
    ],
    ids=["int", "None", "set", "str", "Value"],
)
def test_what_is_not_a_dataset_is_refused(data: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        DataLoader(data)  # type: ignore[arg-type]


def test_loader_takes_numpy_ints_and_bools_and_a_list() -> None:
    loader = DataLoader(dataset(5), batch_size=np.int64(2), shuffle=np.False_, drop_last=np.True_)
    assert (loader.batch_size, loader.shuffle, loader.drop_last) == (2, False, True)
    assert type(loader.shuffle) is bool
    assert len(loader) == 2
    assert [b.tolist() for b in DataLoader([1, 2, 3], batch_size=2)] == [[1, 2], [3]]


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        (
            ("abc",),
            r"TensorDataset: arrays\[0\] must be an array of numbers, got str 'abc' \(dtype <U3\)",
        ),
        (
            (np.zeros(2), ["a", "b"]),
            r"TensorDataset: arrays\[1\] must be an array of numbers, .*dtype <U1",
        ),
        (([object()],), r"TensorDataset: arrays\[0\] .* \(dtype object\)"),
        (
            ([[1], [1, 2]],),
            r"TensorDataset: arrays\[0\] must be an array of numbers, got list "
            r"\[\[1\], \[1, 2\]\], whose rows have different lengths",
        ),
        (
            (Value(np.ones(3)),),
            r"TensorDataset: arrays\[0\] must be an array of numbers, got a Value; a dataset holds "
            r"data: pass its .data",
        ),
    ],
    ids=["str", "strings", "objects", "ragged", "Value"],
)
def test_tensor_dataset_refuses_what_is_not_numbers(arrays: tuple[Any, ...], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        TensorDataset(*arrays)


def test_a_0d_array_is_refused_even_beside_an_empty_one() -> None:
    with pytest.raises(ValueError, match=r"got shapes \(0,\), \(\)"):
        TensorDataset(np.zeros(0), np.float64(1.0))

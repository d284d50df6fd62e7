"""nn.data: TensorDataset and DataLoader: coverage of each epoch, shuffling, seeding, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.data import DataLoader, TensorDataset


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
    for bad in (0, -2, 1.5):
        with pytest.raises(
            ValueError, match=f"DataLoader: batch_size must be a positive int, got {bad}"
        ):
            DataLoader(dataset(3), batch_size=bad)  # type: ignore[arg-type]

"""Datasets and batches, as ``torch.utils.data``: TensorDataset and DataLoader.

A *dataset* is anything with ``len(dataset)`` and ``dataset[i]`` (one sample: an array,
or a tuple of arrays such as ``(x, y)``). A :class:`DataLoader` cuts it into batches,
shuffled anew each epoch if asked, and yields them as numpy arrays: data, not Values, so
no gradient is computed for them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from nn.checks import check_bool, check_int, describe
from nn.random import resolve_generator
from tensorgrad import Value

__all__ = ["DataLoader", "Dataset", "TensorDataset"]

Array = npt.NDArray[Any]


class Dataset(Protocol):
    """What a DataLoader needs of a dataset: ``len(dataset)`` and ``dataset[i]`` for an int.

    Any class with these two methods is a dataset; it need not inherit from this one.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.data import DataLoader
    >>> class Squares:
    ...     def __len__(self):
    ...         return 3
    ...
    ...     def __getitem__(self, i):
    ...         return np.array([i, i * i])
    >>> [batch.tolist() for batch in DataLoader(Squares(), batch_size=2)]
    [[[0, 0], [1, 1]], [[2, 4]]]
    """

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Any: ...


class TensorDataset:
    """Samples made of rows of arrays of the same length: ``dataset[i] = (x[i], y[i])``.

    Parameters
    ----------
    *arrays : array_like
        Arrays of numbers (bools, ints or floats) with the same first axis (the samples).

    Raises
    ------
    TypeError
        If an argument is not an array of numbers (strings, Python objects, ragged lists,
        a Value: pass its ``.data``), naming it (``arrays[1]``) and its type.
    ValueError
        If no array is given, or their lengths differ (naming them).

    Examples
    --------
    >>> import numpy as np
    >>> from nn.data import TensorDataset
    >>> data = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(data), data[1]
    (3, (array([2, 3]), np.int64(1)))
    """

    def __init__(self, *arrays: npt.ArrayLike) -> None:
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        self.arrays = tuple(_numeric_array(f"arrays[{k}]", a) for k, a in enumerate(arrays))
        lengths = [len(a) if a.ndim else 0 for a in self.arrays]
        # A 0-d array has no samples to index, even beside arrays of 0 samples.
        if len(set(lengths)) > 1 or any(a.ndim == 0 for a in self.arrays):
            shapes = ", ".join(str(a.shape) for a in self.arrays)
            raise ValueError(
                f"TensorDataset: the arrays must have the same number of samples (first "
                f"axis), got shapes {shapes}"
            )

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[Any, ...]:
        return tuple(a[index] for a in self.arrays)


class DataLoader:
    """Iterate over a dataset in batches, as ``torch.utils.data.DataLoader``.

    Each pass (epoch) visits every sample once: in order, or in a new random order with
    ``shuffle=True``. A batch of a :class:`TensorDataset` is a tuple of arrays, one per
    array of the dataset; samples of another dataset are stacked with ``np.stack``
    (field by field when samples are tuples).

    Parameters
    ----------
    dataset : Dataset
        Such as a :class:`TensorDataset`.
    batch_size : int, default 1
    shuffle : bool, default False
        Draw a new order of the samples at the start of each epoch.
    drop_last : bool, default False
        Skip the last batch if it is smaller than ``batch_size``.
    generator : numpy.random.Generator, optional
        Where to draw the orders from; by default nn's global generator (see
        :func:`nn.manual_seed`), read at the start of each epoch.

    Raises
    ------
    TypeError
        If ``dataset`` has no ``len()`` or no ``[i]`` (or is a string or a Value),
        ``batch_size`` is not an int, ``shuffle`` or ``drop_last`` is not a bool, or
        ``generator`` is not a numpy Generator; the message names the argument, its type
        and its value.
    ValueError
        If ``batch_size`` is less than 1.

    Examples
    --------
    >>> import numpy as np
    >>> from nn.data import DataLoader, TensorDataset
    >>> x, y = np.arange(10.0).reshape(5, 2), np.array([0, 1, 0, 1, 1])
    >>> loader = DataLoader(TensorDataset(x, y), batch_size=2)
    >>> len(loader)
    3
    >>> [yb.tolist() for xb, yb in loader]
    [[0, 1], [0, 1], [1]]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
    ) -> None:
        _check_dataset(dataset)
        self.dataset = dataset
        self.batch_size = check_int("DataLoader", "batch_size", batch_size, minimum=1)
        # shuffle="no" is truthy: without the checks it would silently shuffle.
        check_bool("DataLoader", "shuffle", shuffle)
        check_bool("DataLoader", "drop_last", drop_last)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        resolve_generator(generator, "DataLoader")  # a wrong generator fails here, not later
        self.generator = generator

    def __len__(self) -> int:
        """The number of batches in one epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        generator = resolve_generator(self.generator, "DataLoader")
        order = generator.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start : start + self.batch_size])

    def _fetch(self, indices: Array) -> Any:
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[indices]  # one fancy-indexing per array: no Python loop
        return _collate([self.dataset[int(i)] for i in indices])


def _numeric_array(argument: str, data: object) -> Array:
    """``data`` as a numpy array of numbers, or a TypeError naming the argument."""
    if isinstance(data, Value):  # numpy would make an array of Python objects of it
        raise TypeError(
            f"TensorDataset: {argument} must be an array of numbers, got a Value; a dataset "
            f"holds data: pass its .data"
        )
    try:
        array = np.asarray(data)
    except ValueError:  # numpy's message for a ragged list
        raise TypeError(
            f"TensorDataset: {argument} must be an array of numbers, got {describe(data)}, "
            f"whose rows have different lengths"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"TensorDataset: {argument} must be an array of numbers, got {describe(data)} "
            f"(dtype {array.dtype})"
        )
    return array


def _check_dataset(dataset: object) -> None:
    """Raise TypeError unless ``dataset`` has ``len()`` and ``[i]``, as a DataLoader needs."""
    if isinstance(dataset, (str, bytes)):  # has both, but yields characters: surely a mistake
        raise TypeError(
            f"DataLoader: dataset must be a dataset (such as a TensorDataset), got "
            f"{describe(dataset)}, whose samples would be its characters"
        )
    if isinstance(dataset, Value):  # batches would be arrays of Python objects
        raise TypeError(
            "DataLoader: dataset must hold data, not a Value; wrap its .data in a TensorDataset"
        )
    if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
        raise TypeError(
            f"DataLoader: dataset must have __len__ and __getitem__ (such as a "
            f"TensorDataset), got {describe(dataset)}"
        )


def _collate(samples: Sequence[Any]) -> Any:
    """Stack samples into a batch; tuples of fields give a tuple of stacked fields."""
    if isinstance(samples[0], tuple):
        return tuple(np.stack(field) for field in zip(*samples))
    return np.stack(samples)

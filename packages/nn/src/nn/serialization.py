"""Saving and loading state dicts as ``.npz`` files, which cannot carry code.

PyTorch's ``torch.save`` pickles, and unpickling an untrusted file can run anything.
:func:`save` writes only arrays of numbers into a numpy ``.npz`` archive, and :func:`load`
reads it with ``allow_pickle=False``: a file that holds anything else (a pickle, an
object array, a truncated or foreign archive) raises an error, and no code runs.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from tensorgrad import Value

__all__ = ["load", "save"]

Path = str | os.PathLike[str]


def save(obj: Mapping[str, Any], path: Path) -> None:
    """Write a state dict (name → array) to ``path``, as an uncompressed ``.npz`` archive.

    The archive holds one ``<name>.npy`` file per array, as ``np.savez`` writes, at exactly
    ``path`` (``np.savez`` would add ``.npz`` to a name without it).

    Parameters
    ----------
    obj : mapping of str to array
        Such as ``model.state_dict()``. Values may be numpy arrays, numbers or Values
        (their data is saved).
    path : str or path-like

    Raises
    ------
    TypeError
        If ``obj`` is not a mapping of string keys to arrays of numbers (naming the first
        key that is not).

    Examples
    --------
    >>> import os, tempfile
    >>> import nn
    >>> model = nn.Linear(3, 2)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> nn.save(model.state_dict(), path)
    >>> sorted(nn.load(path))
    ['bias', 'weight']
    """
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"nn.save: expected a state dict (a mapping of names to arrays), "
            f"got {type(obj).__name__}"
        )
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"nn.save: keys must be strings, got {key!r}")
        array = np.asarray(value.data if isinstance(value, Value) else value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"nn.save: {key!r} must be an array of numbers, got {type(value).__name__} "
                f"(numpy dtype {array.dtype}); nn.save stores arrays only"
            )
        arrays[key] = array
    # What np.savez does, minus its keyword arguments, which a key such as "file" would hit.
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def load(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Read a state dict written by :func:`save`, running no code from the file.

    Returns
    -------
    dict of str to ndarray
        In the order they were saved.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not an ``.npz`` archive of numeric arrays: truncated, of another
        format, or holding pickled objects.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import nn
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.npz")
    >>> nn.save({"w": np.eye(2)}, path)
    >>> nn.load(path)
    {'w': array([[1., 0.],
           [0., 1.]])}
    """
    try:
        return _read(path)
    except FileNotFoundError:
        raise
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(
            f"nn.load: {os.fspath(path)!r} is not a state dict saved by nn.save: {error}"
        ) from None


def _read(path: Path) -> dict[str, npt.NDArray[Any]]:
    # Our own file object, closed on every path: np.load leaks its own on a broken archive.
    with open(path, "rb") as file:
        contents = np.load(file, allow_pickle=False)
        if not isinstance(contents, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array (a .npy file), not a state dict (.npz)")
        with contents as archive:
            arrays = {name: archive[name] for name in archive.files}
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray):  # NpzFile gives the raw bytes of other members
            raise ValueError(f"entry {name!r} is not a numpy array")
        if array.dtype.kind not in "biuf":
            raise ValueError(f"entry {name!r} has dtype {array.dtype}, not numbers")
    return arrays

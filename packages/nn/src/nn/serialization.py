"""Saving and loading state dicts as ``.npz`` files, which cannot carry code.

PyTorch's ``torch.save`` pickles, and unpickling an untrusted file can run anything.
:func:`save` writes only arrays of numbers into a numpy ``.npz`` archive (a zip file with one
``<key>.npy`` member per array), and :func:`load` reads it back without ever unpickling: a file
that holds anything else (a pickle, an object array, a truncated or foreign archive) raises an
error, and no code runs.

Two more promises make a checkpoint safe to keep and to share:

* Saving is atomic: the archive is written to a temporary file next to the target and moved
  onto it only when complete, so a save that fails (a full disk, an interrupt) leaves the old
  checkpoint as it was.
* Loading is bounded: every array's size is read from its header and checked against
  ``max_bytes`` before any memory is set aside for it, so a small hostile file (a "zip bomb",
  or a header that declares a trillion numbers) cannot fill your memory.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from typing import IO, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from nn.checks import describe
from tensorgrad import Value

__all__ = ["load", "save"]

Path = str | os.PathLike[str]

_NPY_MAGIC = b"\x93NUMPY"  # the first bytes of every .npy file
_CHUNK = 2**20  # arrays are read a mebibyte at a time, so the loader never holds a second copy


# -- saving -------------------------------------------------------------------------------------


def save(obj: Mapping[str, Any], path: Path) -> None:
    """Write a state dict (name → array) to ``path``, as an uncompressed ``.npz`` archive.

    The archive holds one ``<key>.npy`` member per array, as ``np.savez`` writes, at exactly
    ``path`` (``np.savez`` would add ``.npz`` to a name without it), so ``np.load`` reads it
    too.

    The save is atomic: the archive is written to a hidden temporary file in the same folder,
    flushed to the disk, and only then renamed onto ``path``. If anything fails on the way,
    the temporary file is removed, the error is raised, and a file already at ``path`` is left
    exactly as it was. A new file gets the permissions ``open()`` would give it (from the
    umask); a replaced file keeps its own.

    Keys must name zip members faithfully. PyTorch's dotted names (``"0.weight"``,
    ``"encoder.layers.1.bias"``) are fine, and so is ``"/"`` inside a key; refused are an
    empty key, a key that ends in ``".npy"`` (the suffix every member gets: ``np.load`` would
    mix up ``"a.npy"`` with ``"a"``), and keys that zip tools change or refuse: a leading
    ``"/"``, a ``"\\"``, a ``".."`` part, a NUL character.

    Parameters
    ----------
    obj : mapping of str to array
        Such as ``model.state_dict()``. Values may be numpy arrays, numbers or Values
        (their data is saved).
    path : str or path-like
        The file to write. A symbolic link is followed, as ``open()`` would: the file it
        points to is replaced, and the link stays.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path-like, or ``obj`` is not a mapping of string keys
        to arrays of numbers (naming the first key that is not).
    ValueError
        If a key breaks the rule above (naming it, and the key it collides with).
    FileNotFoundError
        If the folder of ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a folder.
    PermissionError
        If the folder does not let you create files.
    OSError
        If writing fails (such as a full disk); the file at ``path`` is then unchanged.

    Examples
    --------
    >>> import os, tempfile
    >>> import nn
    >>> model = nn.Linear(3, 2)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> nn.save(model.state_dict(), path)
    >>> sorted(nn.load(path))
    ['bias', 'weight']
    >>> nn.save({"a": 1.0, "a.npy": 2.0}, path)
    Traceback (most recent call last):
    ...
    ValueError: nn.save: keys 'a' and 'a.npy' collide: ...
    """
    where = _checked_path(path, "nn.save")
    arrays = _checked_state_dict(obj)
    # Follow a symbolic link, as open() does: replacing the link itself would cut it.
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(
            f"nn.save: {where!r} is a folder; give a file name, "
            f"such as {os.path.join(where, 'model.npz')!r}"
        )
    folder, name = os.path.split(target)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix="." + name, suffix=".tmp")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"nn.save: cannot write {where!r}: the folder {folder!r} does not exist"
        ) from None
    except PermissionError:
        raise PermissionError(
            f"nn.save: cannot write {where!r}: no permission to create files in {folder!r}"
        ) from None
    try:
        with os.fdopen(descriptor, "wb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())  # on the disk before the rename makes it the checkpoint
        os.chmod(temporary, _mode_for(target))  # mkstemp makes files only their owner can read
        os.replace(temporary, target)  # atomic: readers see the old file or the new, never half
    except BaseException:  # a KeyboardInterrupt too: never leave a stray temporary file
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def _checked_path(path: object, caller: str) -> str:
    """``path`` as a str, or a TypeError naming its type.

    Without the check, an int would be taken by ``open()`` for a file descriptor, and other
    types would fail in ``os.fspath`` with a message that names no argument.
    """
    where = os.fspath(path) if isinstance(path, os.PathLike) else path
    if not isinstance(where, str):  # bytes too: the messages and the folder logic use str
        raise TypeError(f"{caller}: path must be a str or os.PathLike, got {describe(path)}")
    return where


def _checked_state_dict(obj: object) -> dict[str, npt.NDArray[Any]]:
    # Every check runs before the first byte is written.
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"nn.save: expected a state dict (a mapping of names to arrays), "
            f"got {type(obj).__name__}"
        )
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"nn.save: keys must be strings, got {key!r}")
        _check_key(key, obj)
        array = np.asarray(value.data if isinstance(value, Value) else value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"nn.save: {key!r} must be an array of numbers, got {type(value).__name__} "
                f"(numpy dtype {array.dtype}); nn.save stores arrays only"
            )
        arrays[key] = array
    return arrays


def _check_key(key: str, keys: Mapping[str, Any]) -> None:
    # Each key becomes the member name key + ".npy", one to one, so two keys can only land on
    # the same member if zipfile rewrites a name (at a NUL, or "\\" on Windows) or if np.load
    # strips ".npy" from a key that has it: the rules below refuse exactly those keys.
    if key.endswith(".npy"):
        stem = key.removesuffix(".npy")
        if stem in keys:
            raise ValueError(
                f"nn.save: keys {stem!r} and {key!r} collide: {stem!r} is stored as the "
                f"member {key!r}, and np.load reads that name back as either key; "
                f"rename {key!r} (keys may not end in '.npy')"
            )
        raise ValueError(
            f"nn.save: key {key!r} ends in '.npy', the suffix every member of an .npz "
            f"archive gets: np.load would mix it up with a key {stem!r}; rename it"
        )
    problem = None
    if key == "":
        problem = "is empty"
    elif "\0" in key:
        problem = "holds a NUL character, where zip tools cut the name short"
    elif "\\" in key:
        problem = "holds a '\\', which zip tools on Windows read as '/'"
    elif key.startswith("/"):
        problem = "starts with '/', which zip tools strip"
    elif ".." in key.split("/"):
        problem = "has a '..' part, which zip tools refuse as a way out of the folder"
    else:
        try:
            key.encode("utf-8")
        except UnicodeEncodeError:
            problem = "cannot be written in UTF-8, as zip names are"
    if problem is not None:
        raise ValueError(f"nn.save: the key {key!r} {problem}; rename it")


def _write_npz(file: IO[bytes], arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    # What np.savez does, minus its keyword arguments, which a key such as "file" would hit.
    with zipfile.ZipFile(file, "w") as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _mode_for(target: str) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)  # replacing: keep the old file's mode
    except FileNotFoundError:
        # A new file: what open() would give. Reading the umask means setting it, for an
        # instant; Python has no other portable way.
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# -- loading ------------------------------------------------------------------------------------


class _Entry(NamedTuple):
    """One array of the archive, as its header describes it, before any data is read."""

    key: str
    member: zipfile.ZipInfo
    header_size: int  # bytes before the data in the member
    shape: tuple[int, ...]
    fortran_order: bool
    dtype: np.dtype[Any]
    nbytes: int

    def describe(self) -> str:
        return f"shape {self.shape} of {self.dtype}, {_size(self.nbytes)}"


def load(path: Path, *, max_bytes: int | None = 2**32) -> dict[str, npt.NDArray[Any]]:
    """Read a state dict written by :func:`save`, running no code from the file.

    Any ``.npz`` archive of numeric arrays is read, such as ``np.savez`` and
    ``np.savez_compressed`` write. Before any array is read, the header of every member is
    checked: it must describe an array of numbers (no Python objects, so nothing is ever
    unpickled), its size must match the size the zip archive records, and the sizes must fit
    in ``max_bytes``.

    Parameters
    ----------
    path : str or path-like
    max_bytes : int or None, default ``2**32`` (4 GiB)
        The most memory the arrays may take, each and all together. The default is about a
        billion float32 numbers: more than any model this library trains, and than the
        PyTorch models its tutorials load, yet a size most computers can hold. A larger
        checkpoint needs a larger bound, and ``None`` removes it; do that only for a file
        you trust, since the bound is what stops a small hostile file from claiming all your
        memory.

    Returns
    -------
    dict of str to ndarray
        In the order they were saved.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    IsADirectoryError
        If ``path`` is a folder.
    ValueError
        If the file is not an ``.npz`` archive of numeric arrays (empty, of another format,
        truncated or damaged, holding pickled objects or other files), or if its arrays
        declare more than ``max_bytes``. The message names the file, the entry and what is
        wrong with it.
    TypeError
        If ``path`` is not a str or path-like (an int would be read as an open file
        descriptor), or ``max_bytes`` is not an int or None.

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
    >>> nn.load(path, max_bytes=16)
    Traceback (most recent call last):
    ...
    ValueError: ...entry 'w' declares shape (2, 2) of float64, 32 bytes, more than max_bytes...
    """
    where = _checked_path(path, "nn.load")
    limit = _checked_limit(max_bytes)
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed below, on every path)
    except FileNotFoundError:
        raise FileNotFoundError(f"nn.load: {where!r} does not exist") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"nn.load: {where!r} is a folder, not a checkpoint") from None
    with file, _open_archive(file, where) as archive:
        entries = [_read_header(archive, member, where) for member in _members(archive, where)]
        _check_sizes(entries, limit, where)
        return {entry.key: _read_data(archive, entry, where) for entry in entries}


def _checked_limit(max_bytes: object) -> int | None:
    if max_bytes is None:
        return None
    # bool is an int to Python, but max_bytes=True is a mistake, not a bound of one byte.
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)):
        raise TypeError(
            f"nn.load: max_bytes must be an int (a number of bytes) or None, "
            f"got {type(max_bytes).__name__}"
        )
    if max_bytes < 0:
        raise ValueError(f"nn.load: max_bytes must be 0 or more, got {max_bytes}")
    return int(max_bytes)


def _not_a_checkpoint(where: str, reason: str) -> ValueError:
    return ValueError(
        f"nn.load: {where!r} is not a checkpoint written by nn.save "
        f"(a zip archive of .npy arrays, as .npz files are): {reason}"
    )


def _open_archive(file: IO[bytes], where: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        pass
    # Not a zip: say what it is, where that is easy to tell.
    file.seek(0)
    start = file.read(len(_NPY_MAGIC))
    if not start:
        reason = "the file is empty"
    elif start == _NPY_MAGIC:
        reason = (
            "it is a single .npy array, not an archive of named arrays "
            "(nn.save({'name': array}, path) writes one)"
        )
    else:
        reason = "it is not a zip archive, or a truncated or damaged one"
    raise _not_a_checkpoint(where, reason)


def _members(archive: zipfile.ZipFile, where: str) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    names = [member.filename for member in members]
    pickles = [name for name in names if name.endswith(".pkl")]
    if pickles:
        raise _not_a_checkpoint(
            where,
            f"it holds a pickle, {pickles[0]!r}, as torch.save writes; nn.load never "
            "unpickles, since that can run code. In PyTorch, save the arrays instead: "
            "np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})",
        )
    seen = set()
    for name in names:
        if not name.endswith(".npy"):
            raise _not_a_checkpoint(where, f"it holds {name!r}, which is not a .npy array")
        if name in seen:
            # Only a damaged or hand-made archive repeats a name; which copy is meant is
            # unknowable, so neither wins.
            raise _not_a_checkpoint(where, f"it holds two members named {name!r}")
        seen.add(name)
    return members


def _read_header(archive: zipfile.ZipFile, member: zipfile.ZipInfo, where: str) -> _Entry:
    key = member.filename.removesuffix(".npy")
    with _damage_reported(where, key), archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(stream)
            else:  # 3.0 is only for structured arrays, which nn.save never writes
                header = None
        except (ValueError, TypeError):
            # numpy's own text may suggest allow_pickle, which is never the answer here.
            raise _bad_entry(where, key, "does not start with a valid .npy header") from None
        header_size = stream.tell()
    if header is None:
        raise _bad_entry(
            where, key, f"is in .npy format version {version}; nn.load reads 1.0 and 2.0"
        )
    shape, fortran_order, dtype = header
    if dtype.hasobject:
        raise _bad_entry(
            where,
            key,
            "holds Python objects (a pickle), which nn.load never reads: unpickling can run code",
        )
    if dtype.kind not in "biuf":
        raise _bad_entry(where, key, f"has dtype {dtype}, not numbers")
    if any(n < 0 or isinstance(n, bool) for n in shape):  # numpy lets True pass as an int
        raise _bad_entry(where, key, f"is corrupt: its header declares shape {shape}")
    # Python ints: a hostile shape cannot overflow the product into a small number.
    nbytes = math.prod(shape) * dtype.itemsize
    entry = _Entry(key, member, header_size, shape, fortran_order, dtype, nbytes)
    # The zip records each member's size; a header that claims another is lying about one.
    if member.file_size != header_size + nbytes:
        raise _bad_entry(
            where,
            key,
            f"is corrupt: its header declares {entry.describe()}, "
            f"but the archive holds {_size(member.file_size - header_size)} of data",
        )
    return entry


def _check_sizes(entries: list[_Entry], limit: int | None, where: str) -> None:
    if limit is None:
        return
    advice = (
        "if you trust the file, pass a larger max_bytes to nn.load "
        "(max_bytes=None removes the bound)"
    )
    for entry in entries:
        if entry.nbytes > limit:
            raise _bad_entry(
                where,
                entry.key,
                f"declares {entry.describe()}, more than max_bytes allows: {_size(limit)}; "
                + advice,
            )
    total = sum(entry.nbytes for entry in entries)
    if total > limit:
        raise ValueError(
            f"nn.load: {where!r}: its {len(entries)} entries declare {_size(total)} in all, "
            f"more than max_bytes allows: {_size(limit)}; " + advice
        )


def _read_data(archive: zipfile.ZipFile, entry: _Entry, where: str) -> npt.NDArray[Any]:
    # The one allocation, of a size already checked; the data is copied into it a chunk at a
    # time, so no second copy of the whole array is ever made.
    flat = np.empty(math.prod(entry.shape), entry.dtype)
    buffer = flat.view(np.uint8).data
    with _damage_reported(where, entry.key), archive.open(entry.member) as stream:
        stream.seek(entry.header_size)
        for start in range(0, len(buffer), _CHUNK):
            end = min(start + _CHUNK, len(buffer))
            chunk = stream.read(end - start)
            # Fewer bytes come only at the end of the member, in a zip that overstates its size;
            # the rest of the array would be whatever memory np.empty found.
            if len(chunk) != end - start:
                raise _bad_entry(where, entry.key, "is corrupt: its data is cut short")
            buffer[start:end] = chunk
    return flat.reshape(entry.shape, order="F" if entry.fortran_order else "C")


@contextlib.contextmanager
def _damage_reported(where: str, key: str) -> Iterator[None]:
    # What zipfile and zlib raise for a member they cannot decompress, or whose checksum is
    # wrong: told with the file and the entry, zipfile's words only as the detail.
    try:
        yield
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        UnicodeDecodeError,  # a member name in its local header that is not UTF-8
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method Python lacks
    ) as error:
        raise _bad_entry(where, key, f"is damaged or unreadable ({error})") from None


def _bad_entry(where: str, key: str, problem: str) -> ValueError:
    return ValueError(f"nn.load: {where!r}: entry {key!r} {problem}")


def _size(nbytes: int) -> str:
    """``32 bytes``, ``8000000000000 bytes (7.3 TiB)``: exact, and readable when large."""
    if nbytes < 1024:
        return f"{nbytes} bytes"
    value = float(nbytes)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024 or unit == "PiB":
            break
    return f"{nbytes} bytes ({value:.3g} {unit})"

"""state_dict and load_state_dict, and nn.save / nn.load: round trips and every error."""

from __future__ import annotations

import errno
import inspect
import io
import os
import pickle
import re
import stat
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn


def make_model(seed: int) -> nn.Module:
    return nn.MLP(3, [4, 2], generator=np.random.default_rng(seed))


def test_state_dict_holds_copies_under_pytorch_names() -> None:
    model = make_model(0)
    state = model.state_dict()
    assert {k: v.shape for k, v in state.items()} == {
        "0.weight": (4, 3),
        "0.bias": (4,),
        "2.weight": (2, 4),
        "2.bias": (2,),
    }
    state["0.bias"][:] = 7.0
    assert not (model[0].bias.data == 7.0).any()


def test_round_trip_through_save_and_load(tmp_path: Path) -> None:
    source, target = make_model(0), make_model(1)
    path = tmp_path / "model.ckpt"  # any name: the file is written exactly there
    nn.save(source.state_dict(), path)
    assert path.exists()
    assert not (tmp_path / "model.ckpt.npz").exists()
    loaded = nn.load(path)
    assert list(loaded) == list(source.state_dict())
    weight = target[0].weight
    result = target.load_state_dict(loaded)
    assert result.missing_keys == []
    assert result.unexpected_keys == []
    assert target[0].weight is weight  # loaded in place: an optimizer still holds it
    x = np.random.default_rng(2).standard_normal((5, 3))
    np.testing.assert_array_equal(target(x).data, source(x).data)


def test_save_accepts_values_and_numbers_and_keeps_dtypes(tmp_path: Path) -> None:
    path = tmp_path / "mixed.npz"
    nn.save({"p": nn.Parameter([1.0, 2.0]), "n": 3, "f32": np.ones(2, np.float32)}, path)
    loaded = nn.load(path)
    assert loaded["p"].tolist() == [1.0, 2.0]
    assert loaded["n"] == 3
    assert loaded["f32"].dtype == np.float32


def test_keys_that_are_numpy_keyword_names_are_fine(tmp_path: Path) -> None:
    nn.save({"file": np.zeros(1), "allow_pickle": np.ones(1)}, tmp_path / "k.npz")
    assert sorted(nn.load(tmp_path / "k.npz")) == ["allow_pickle", "file"]


def test_load_state_dict_converts_to_the_parameter_dtype() -> None:
    model = nn.Linear(2, 1, dtype=np.float32)
    model.load_state_dict({"weight": np.array([[1, 2]]), "bias": np.array([0.5])})
    assert model.weight.dtype == np.float32
    assert model.weight.data.tolist() == [[1.0, 2.0]]


def test_missing_and_unexpected_keys_are_named() -> None:
    model = make_model(0)
    state = model.state_dict()
    del state["2.bias"]
    state["3.weight"] = np.zeros(2)
    with pytest.raises(
        RuntimeError,
        match=r"(?s)Error\(s\) in loading state_dict for MLP:.*"
        r"missing key\(s\) in state_dict: '2\.bias'.*"
        r"unexpected key\(s\) in state_dict: '3\.weight'",
    ):
        model.load_state_dict(state)
    before = model[0].weight.data.copy()
    state["0.weight"] = np.zeros((4, 3))
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"]
    assert result.unexpected_keys == ["3.weight"]
    assert not model[0].weight.data.any()
    assert before.any()


def test_shape_mismatch_names_both_shapes_and_changes_nothing() -> None:
    model = make_model(0)
    before = model.state_dict()
    state = make_model(1).state_dict()
    state["2.weight"] = np.zeros((3, 4))
    message = (
        r"size mismatch for '2\.weight': the checkpoint has shape \(3, 4\), "
        r"the parameter in the model has shape \(2, 4\)"
    )
    for strict in (True, False):
        with pytest.raises(RuntimeError, match=message):
            model.load_state_dict(state, strict=strict)
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(array, before[name])  # checked before copying anything


def test_load_state_dict_accepts_values() -> None:
    source, target = nn.Linear(2, 1), nn.Linear(2, 1)
    target.load_state_dict(dict(source.named_parameters()))
    np.testing.assert_array_equal(target.weight.data, source.weight.data)


def test_load_state_dict_rejects_non_numbers() -> None:
    with pytest.raises(TypeError, match=r"load_state_dict: 'bias' must be an array of numbers"):
        nn.Linear(2, 1).load_state_dict({"weight": np.zeros((1, 2)), "bias": ["x"]})


@pytest.mark.parametrize(
    ("obj", "error", "message"),
    [
        ([np.zeros(2)], TypeError, r"nn.save: expected a state dict .* got list"),
        ({1: np.zeros(2)}, TypeError, r"nn.save: keys must be strings, got 1"),
        ({"a": {"b": 1}}, TypeError, r"nn.save: 'a' must be an array of numbers, got dict"),
        ({"a": np.array(["x"])}, TypeError, r"'a' must be an array of numbers.*dtype <U1"),
    ],
)
def test_save_refuses_what_is_not_a_state_dict(
    tmp_path: Path, obj: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.save(obj, tmp_path / "x.npz")  # type: ignore[arg-type]


def test_an_empty_state_dict_round_trips(tmp_path: Path) -> None:
    nn.save({}, tmp_path / "empty.npz")
    assert nn.load(tmp_path / "empty.npz") == {}


# -- keys ----------------------------------------------------------------------------------------


def test_pytorch_names_and_slashes_round_trip_and_numpy_reads_them(tmp_path: Path) -> None:
    state = {
        key: np.full(2, i, dtype=np.float32)
        for i, key in enumerate(["0.weight", "encoder.layers.1.bias", "block/0.weight", "a.npz"])
    }
    path = tmp_path / "keys.npz"
    nn.save(state, path)
    loaded = nn.load(path)
    assert list(loaded) == list(state)
    for key, array in state.items():
        np.testing.assert_array_equal(loaded[key], array)
    with np.load(path) as archive:  # a plain .npz: numpy reads it under the same names
        assert sorted(archive.files) == sorted(state)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (["a", "a.npy"], r"nn.save: keys 'a' and 'a.npy' collide: .*rename 'a.npy'"),
        (["a.npy", "a"], r"nn.save: keys 'a' and 'a.npy' collide"),
        (["w.npy"], r"nn.save: key 'w.npy' ends in '.npy'.*mix it up with a key 'w'"),
        ([""], r"nn.save: the key '' is empty; rename it"),
        (["a\0b"], r"nn.save: the key 'a\\x00b' holds a NUL character"),
        (["a\\b"], r"nn.save: the key 'a\\\\b' holds a '\\'"),
        (["/weight"], r"nn.save: the key '/weight' starts with '/'"),
        (["../weight"], r"nn.save: the key '../weight' has a '..' part"),
        (["a/../b"], r"nn.save: the key 'a/../b' has a '..' part"),
        (["\ud800"], r"nn.save: the key '\\ud800' cannot be written in UTF-8"),
    ],
)
def test_save_refuses_keys_that_do_not_name_a_member_faithfully(
    tmp_path: Path, keys: list[str], message: str
) -> None:
    path = tmp_path / "x.npz"
    with pytest.raises(ValueError, match=message):
        nn.save({key: np.zeros(2) for key in keys}, path)
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


# -- atomic saving --------------------------------------------------------------------------------


def _fail_on_second_array(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make np.lib.format.write_array write half of the second array, then raise."""
    real_write = np.lib.format.write_array
    calls = []

    def write(fp: Any, array: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(array)
        if len(calls) < 2:
            real_write(fp, array, *args, **kwargs)
            return
        buffer = io.BytesIO()
        real_write(buffer, array, *args, **kwargs)
        fp.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
        raise error

    monkeypatch.setattr(np.lib.format, "write_array", write)


def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0).state_dict(), path)
    before = path.read_bytes()
    _fail_on_second_array(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError, match=r"No space left on device") as caught:
        nn.save(make_model(1).state_dict(), path)
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]
    monkeypatch.undo()
    np.testing.assert_array_equal(nn.load(path)["0.weight"], make_model(0)[0].weight.data)


@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()]
)
def test_a_failed_first_save_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    _fail_on_second_array(monkeypatch, error)
    with pytest.raises(type(error)):
        nn.save(make_model(0).state_dict(), tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(
        FileNotFoundError,
        match=r"nn.save: cannot write '.*missing/model.npz': the folder '.*missing' does not exist",
    ):
        nn.save({"w": np.zeros(2)}, tmp_path / "missing" / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_onto_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match=r"nn.save: '.*' is a folder; give a file name"):
        nn.save({"w": np.zeros(2)}, tmp_path)


def test_save_without_permission_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # even root is refused this way
    with pytest.raises(
        PermissionError, match=r"nn.save: cannot write '.*m.npz': no permission to create files"
    ):
        nn.save({"w": np.zeros(2)}, tmp_path / "m.npz")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_a_new_file_gets_the_mode_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        nn.save({"w": np.zeros(2)}, tmp_path / "new.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "private.npz"
    nn.save({"w": np.zeros(2)}, path)
    path.chmod(0o600)
    nn.save({"w": np.ones(2)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert nn.load(path)["w"].tolist() == [1.0, 1.0]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_saving_through_a_symbolic_link_replaces_its_target(tmp_path: Path) -> None:
    real, link = tmp_path / "real.npz", tmp_path / "latest.npz"
    nn.save({"w": np.zeros(2)}, real)
    link.symlink_to(real)
    nn.save({"w": np.ones(2)}, link)
    assert link.is_symlink()
    assert nn.load(real)["w"].tolist() == [1.0, 1.0]


# -- loading: what comes back ---------------------------------------------------------------------


def test_load_reads_what_numpy_writes(tmp_path: Path) -> None:
    arrays = {
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "big_endian": np.arange(3, dtype=">f4"),
        "flags": np.array([True, False]),
        "small": np.arange(4, dtype=np.int8),
        "scalar": np.array(2.5),
        "empty": np.zeros((0, 3)),
        "long": np.arange(3 * 2**17, dtype=np.float64),  # several chunks of reading
    }
    for write in (np.savez, np.savez_compressed):
        path = tmp_path / f"{write.__name__}.npz"
        write(path, **arrays)
        loaded = nn.load(path)
        assert list(loaded) == list(arrays)
        for key, array in arrays.items():
            assert loaded[key].dtype == array.dtype
            assert loaded[key].flags.f_contiguous == array.flags.f_contiguous
            np.testing.assert_array_equal(loaded[key], array)
        loaded["long"][0] = 1.0  # ours to change


# -- loading: the bound on memory -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_bytes", "error", "message"),
    [
        (-1, ValueError, r"nn.load: max_bytes must be 0 or more, got -1"),
        (
            1.5,
            TypeError,
            r"nn.load: max_bytes must be an int \(a number of bytes\) or None, got float",
        ),
        ("4GB", TypeError, r"max_bytes must be an int .* got str"),
        (True, TypeError, r"max_bytes must be an int .* got bool"),
    ],
)
def test_max_bytes_must_be_a_number_of_bytes(
    tmp_path: Path, max_bytes: object, error: type[Exception], message: str
) -> None:
    path = tmp_path / "w.npz"
    nn.save({"w": np.zeros(2)}, path)
    with pytest.raises(error, match=message):
        nn.load(path, max_bytes=max_bytes)  # type: ignore[arg-type]
    assert list(nn.load(path, max_bytes=np.int64(16))) == ["w"]
    assert list(nn.load(path, max_bytes=None)) == ["w"]


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, w=np.zeros(2**22))  # 32 MiB of zeros, deflated to ~32 KiB
    assert path.stat().st_size < 2**16
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError,
            match=r"nn.load: '.*bomb.npz': entry 'w' declares shape \(4194304,\) of float64, "
            r"33554432 bytes \(32 MiB\), more than max_bytes allows: 1048576 bytes \(1 MiB\); "
            r"if you trust the file, pass a larger max_bytes .*max_bytes=None",
        ):
            nn.load(path, max_bytes=2**20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # the 32 MiB were never set aside
    assert not nn.load(path, max_bytes=2**25)["w"].any()


def test_the_entries_together_must_fit_in_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "two.npz"
    nn.save({"a": np.zeros(100), "b": np.zeros(100)}, path)  # 800 bytes each
    with pytest.raises(
        ValueError,
        match=r"nn.load: '.*two.npz': its 2 entries declare 1600 bytes \(1.56 KiB\) in all, "
        r"more than max_bytes allows: 1000 bytes; .*max_bytes=None",
    ):
        nn.load(path, max_bytes=1000)
    assert list(nn.load(path, max_bytes=1600)) == ["a", "b"]


def test_the_default_bound_is_4_gib() -> None:
    assert inspect.signature(nn.load).parameters["max_bytes"].default == 2**32


# -- loading: files that are not checkpoints ----------------------------------------------------


def _npy(array: Any, version: tuple[int, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), version=version)
    return buffer.getvalue()


def _header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def _zip(path: Path, members: dict[str, bytes], deflate: bool = False) -> Path:
    compression = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


class _Exploit:
    """Unpickling this would run code: create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


def _checkpoint_bytes(folder: Path) -> bytes:
    nn.save(make_model(0).state_dict(), folder / "good.npz")
    return (folder / "good.npz").read_bytes()


NOT_A_CHECKPOINT: list[tuple[str, Callable[[Path], bytes], str]] = [
    ("empty", lambda folder: b"", r"the file is empty"),
    ("text", lambda folder: b"weights: 1 2 3\n", r"it is not a zip archive"),
    ("random", lambda folder: np.random.default_rng(0).bytes(4096), r"it is not a zip archive"),
    (
        "pickle",
        lambda folder: pickle.dumps({"w": _Exploit(folder / "pwned")}),
        r"it is not a zip archive",
    ),
    ("truncated", lambda folder: _checkpoint_bytes(folder)[:200], r"or a truncated or damaged one"),
    ("cut_end", lambda folder: _checkpoint_bytes(folder)[:-30], r"or a truncated or damaged one"),
    ("npy", lambda folder: _npy(np.zeros(3)), r"it is a single .npy array, not an archive"),
]


@pytest.mark.parametrize(
    ("build", "reason"),
    [(build, reason) for _, build, reason in NOT_A_CHECKPOINT],
    ids=[name for name, _, _ in NOT_A_CHECKPOINT],
)
def test_a_file_that_is_not_an_archive_is_named_and_described(
    tmp_path: Path, build: Callable[[Path], bytes], reason: str
) -> None:
    path = tmp_path / "file.npz"
    path.write_bytes(build(tmp_path))
    with pytest.raises(ValueError, match=r"nn.load: '.*file.npz' is not a checkpoint") as caught:
        nn.load(path)
    message = str(caught.value)
    assert "written by nn.save (a zip archive of .npy arrays, as .npz files are)" in message
    assert re.search(reason, message)
    assert "allow_pickle" not in message  # numpy's advice: never the answer for such a file
    assert not (tmp_path / "pwned").exists()


def test_an_archive_of_other_files_is_named_and_described(tmp_path: Path) -> None:
    foreign = _zip(tmp_path / "foreign.npz", {"w.npy": _npy([1.0]), "readme.txt": b"hi"})
    with pytest.raises(
        ValueError,
        match=r"nn.load: '.*foreign.npz' is not a checkpoint .*: "
        r"it holds 'readme.txt', which is not a .npy array",
    ):
        nn.load(foreign)
    folder = _zip(tmp_path / "folder.npz", {"weights/": b""})
    with pytest.raises(ValueError, match=r"it holds 'weights/', which is not a .npy array"):
        nn.load(folder)


def test_a_torch_save_file_is_refused_without_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _zip(
        tmp_path / "model.pt",
        {"archive/data.pkl": pickle.dumps(_Exploit(marker)), "archive/version": b"3\n"},
    )
    with pytest.raises(
        ValueError,
        match=r"nn.load: '.*model.pt' is not a checkpoint .*: it holds a pickle, "
        r"'archive/data.pkl', as torch.save writes; nn.load never unpickles.*np.savez",
    ):
        nn.load(path)
    assert not marker.exists()


def test_an_object_array_is_refused_and_runs_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "object.npz"
    np.savez(path, w=np.array([_Exploit(marker)], dtype=object))  # a pickle inside an .npz
    with pytest.raises(
        ValueError,
        match=r"nn.load: '.*object.npz': entry 'w' holds Python objects \(a pickle\), "
        r"which nn.load never reads: unpickling can run code",
    ) as caught:
        nn.load(path)
    assert "allow_pickle" not in str(caught.value)
    assert not marker.exists()


def test_duplicate_member_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w.npy", _npy(np.zeros(2)))
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("w.npy", _npy(np.ones(2)))
    with pytest.raises(
        ValueError, match=r"nn.load: '.*twice.npz' is not a checkpoint .*two members named 'w.npy'"
    ):
        nn.load(path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not an array", r"does not start with a valid .npy header"),
        (_npy(np.zeros(1))[:9], r"does not start with a valid .npy header"),
        (_header(shape=(1,) * 4000), r"does not start with a valid .npy header"),  # too long
        (_npy(np.zeros(2), version=(3, 0)), r"is in .npy format version \(3, 0\); nn.load reads"),
        (_npy(np.array(["x"])), r"has dtype <U1, not numbers"),
        (_npy(np.array([1j])), r"has dtype complex128, not numbers"),
        (_header(shape=(-1,)), r"is corrupt: its header declares shape \(-1,\)"),
        (_header(shape=(True,)), r"is corrupt: its header declares shape \(True,\)"),
        (
            _header(shape=(100,)) + np.zeros(10).tobytes(),
            r"is corrupt: its header declares shape \(100,\) of float64, 800 bytes, "
            r"but the archive holds 80 bytes of data",
        ),
        (
            _header(shape=(10,)) + np.zeros(11).tobytes(),
            r"is corrupt: .* shape \(10,\) of float64, 80 bytes, but the archive holds 88 bytes",
        ),
        (
            _header(shape=(10**12,)),  # would be numpy's MemoryError
            r"is corrupt: .* shape \(1000000000000,\) of float64, "
            r"8000000000000 bytes \(7.28 TiB\), but the archive holds 0 bytes",
        ),
    ],
)
@pytest.mark.parametrize("deflate", [False, True])
def test_a_bad_entry_is_named_and_described(
    tmp_path: Path, data: bytes, problem: str, deflate: bool
) -> None:
    path = _zip(tmp_path / "bad.npz", {"ok.npy": _npy([1.0]), "w.npy": data}, deflate)
    for max_bytes in (2**32, None):
        with pytest.raises(ValueError, match=r"nn.load: '.*bad.npz': entry 'w' " + problem) as e:
            nn.load(path, max_bytes=max_bytes)
        assert "allow_pickle" not in str(e.value)


def _patch_central_directory(data: bytes, offset: int, value: int, size: int = 2) -> bytes:
    """Set a field of the (one) central directory record of a zip file."""
    start = data.index(b"PK\x01\x02") + offset
    return data[:start] + value.to_bytes(size, "little") + data[start + size :]


def test_damaged_or_unreadable_members_are_named(tmp_path: Path) -> None:
    array = _npy(np.arange(100.0))
    stored = _zip(tmp_path / "s.npz", {"w.npy": array}).read_bytes()
    position = stored.index(array) + len(array) - 1
    cases = {
        "crc.npz": stored[:position] + b"\xff" + stored[position + 1 :],
        "encrypted.npz": _patch_central_directory(stored, 8, 1),  # the "encrypted" flag
        "method.npz": _patch_central_directory(stored, 10, 99),  # an unknown compression
    }
    deflated = _zip(tmp_path / "d.npz", {"w.npy": array}, deflate=True).read_bytes()
    middle = deflated.index(b"PK\x01\x02") // 2
    cases["deflate.npz"] = deflated[:middle] + bytes(40) + deflated[middle + 40 :]
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(
            ValueError, match=rf"nn.load: '.*{name}': entry 'w' is damaged or unreadable \(."
        ):
            nn.load(path)


def test_a_member_shorter_than_the_archive_records_is_cut_short(tmp_path: Path) -> None:
    header = _header(shape=(10,))
    stored = _zip(tmp_path / "s.npz", {"w.npy": header + np.zeros(5).tobytes()}).read_bytes()
    # The directory now claims the 80 bytes the header declares; the checksum still matches
    # the 40 bytes that are there, so only counting the bytes finds the lie.
    path = tmp_path / "short.npz"
    path.write_bytes(_patch_central_directory(stored, 24, len(header) + 80, size=4))
    with pytest.raises(
        ValueError, match=r"nn.load: '.*short.npz': entry 'w' is corrupt: its data is cut short"
    ):
        nn.load(path)


def test_a_missing_file_or_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nn.load: '.*missing.npz' does not exist"):
        nn.load(tmp_path / "missing.npz")
    with pytest.raises(IsADirectoryError, match=r"nn.load: '.*' is a folder, not a checkpoint"):
        nn.load(tmp_path)


class _BytesPath:
    """A path-like object whose path is bytes, which nn.save and nn.load do not take."""

    def __fspath__(self) -> bytes:
        return b"model.npz"


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (5, "int 5"),  # open() would take it for a file descriptor
        (None, "None"),
        (b"model.npz", "bytes b'model.npz'"),
        (["model.npz"], r"list \['model.npz'\]"),
        (_BytesPath(), "_BytesPath"),
    ],
    ids=["int", "None", "bytes", "list", "bytes-path-like"],
)
def test_the_path_must_be_a_str_or_path_like(tmp_path: Path, path: object, shown: str) -> None:
    with pytest.raises(
        TypeError, match=rf"nn\.save: path must be a str or os\.PathLike, got {shown}"
    ):
        nn.save({"w": np.zeros(1)}, path)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=rf"nn\.load: path must be a str or os\.PathLike, got {shown}"
    ):
        nn.load(path)  # type: ignore[arg-type]
    nn.save({"w": np.zeros(1)}, str(tmp_path / "w.npz"))  # a str and a Path are both fine
    assert list(nn.load(tmp_path / "w.npz")) == ["w"]

"""state_dict and load_state_dict, and nn.save / nn.load: round trips and every error."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

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


class _Exploit:
    """Unpickling this would run code: create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


def test_load_refuses_pickles_and_runs_no_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps(_Exploit(marker)))
    with pytest.raises(
        ValueError, match=r"nn.load: '.*plain.pkl' is not a state dict saved by nn.save"
    ):
        nn.load(plain)
    inside = tmp_path / "object.npz"
    np.savez(inside, w=np.array([_Exploit(marker)], dtype=object))  # a pickle inside an .npz
    with pytest.raises(ValueError, match=r"is not a state dict saved by nn.save: .*allow_pickle"):
        nn.load(inside)
    assert not marker.exists()


def test_load_reports_truncated_and_foreign_files(tmp_path: Path) -> None:
    good = tmp_path / "good.npz"
    nn.save(make_model(0).state_dict(), good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    foreign = tmp_path / "foreign.npz"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("readme.txt", "not an array")
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    for path in (truncated, foreign, text, empty):
        with pytest.raises(ValueError, match=r"is not a state dict saved by nn.save"):
            nn.load(path)
    with pytest.raises(ValueError, match=r"holds a single array \(a \.npy file\)"):
        nn.load(single)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "missing.npz")

"""Model files: round trip, and a clear error for every way a file can be wrong."""

from pathlib import Path

import numpy as np
import pytest

from seawarden.model import ModelFile, ModelFileError, load_model, save_model


def _model() -> ModelFile:
    return ModelFile(kind="normalcy", schema=1, arrays={"w": np.arange(6.0).reshape(2, 3)}, meta={"seed": 7})


def test_round_trip(tmp_path: Path) -> None:
    path = save_model(tmp_path / "m.npz", _model())
    loaded = load_model(path, "normalcy")
    assert loaded.meta == {"seed": 7} and loaded.schema == 1
    np.testing.assert_array_equal(loaded.arrays["w"], _model().arrays["w"])


def test_wrong_kind_names_both_kinds(tmp_path: Path) -> None:
    path = save_model(tmp_path / "m.npz", _model())
    with pytest.raises(ModelFileError, match="'normalcy' model, but a 'risk_fusion' model"):
        load_model(path, "risk_fusion")


def test_unsupported_schema_says_retrain(tmp_path: Path) -> None:
    path = save_model(tmp_path / "m.npz", _model())
    with pytest.raises(ModelFileError, match=r"schema 1.*retrain"):
        load_model(path, "normalcy", schemas=(2,))


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b"not a model at all",
        lambda b: b"",
    ],
)
def test_corrupt_files_give_a_clear_error(tmp_path: Path, damage) -> None:
    path = save_model(tmp_path / "m.npz", _model())
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ModelFileError, match="retrain"):
        load_model(path, "normalcy")


def test_edited_arrays_fail_the_checksum(tmp_path: Path) -> None:
    path = save_model(tmp_path / "m.npz", _model())
    with np.load(path, allow_pickle=False) as npz:
        content = {n: npz[n] for n in npz.files}
    content["w"] = content["w"] + 1
    np.savez(tmp_path / "edited.npz", **content)
    with pytest.raises(ModelFileError, match="checksum"):
        load_model(tmp_path / "edited.npz", "normalcy")


def test_missing_and_foreign_npz(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "none.npz", "normalcy")
    np.savez(tmp_path / "plain.npz", a=np.zeros(3))
    with pytest.raises(ModelFileError, match="not a SeaWarden model"):
        load_model(tmp_path / "plain.npz", "normalcy")

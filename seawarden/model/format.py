"""One versioned, checksummed file format for every learned model.

Why NumPy ``.npz`` and not pickle/joblib: loading a model file must never run code from it (model
files travel between centres), and ``np.load(allow_pickle=False)`` only reads arrays. The metadata
(kind, schema version, training data, metrics) is a JSON document stored as one more array, and a
SHA-256 over the arrays and metadata catches a truncated or edited file.

Every failure to load raises :class:`ModelFileError` whose message says what is wrong and what to
do next (retrain, or pass the right file).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

FORMAT_NAME = "seawarden-model"
_META_KEY = "__meta__"


class ModelFileError(Exception):
    """A model file that cannot be used; the message tells the user what to do."""


@dataclass(slots=True)
class ModelFile:
    """A model's arrays and metadata as stored on disk."""

    kind: str  # e.g. "normalcy", "risk_fusion"
    schema: int  # the layout version of ``arrays`` for this kind
    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)  # training data, seed, metrics, ...


def _digest(arrays: dict[str, np.ndarray], header: dict[str, Any]) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(header, sort_keys=True, default=str).encode())
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        h.update(name.encode())
        h.update(str(arr.dtype).encode())
        h.update(str(arr.shape).encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def save_model(path: str | Path, model: ModelFile) -> Path:
    """Write ``model`` to ``path`` (atomically: a temporary file renamed into place)."""
    from seawarden import __version__

    if _META_KEY in model.arrays:
        raise ValueError(f"array name {_META_KEY!r} is reserved")
    header = {
        "format": FORMAT_NAME,
        "kind": model.kind,
        "schema": model.schema,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seawarden_version": __version__,
        "meta": model.meta,
    }
    header["sha256"] = _digest(model.arrays, {k: v for k, v in header.items() if k != "sha256"})
    blob = np.frombuffer(json.dumps(header, default=str).encode(), dtype=np.uint8)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **{_META_KEY: blob}, **model.arrays)
    tmp.replace(path)
    return path


def load_model(path: str | Path, kind: str, schemas: tuple[int, ...] = (1,)) -> ModelFile:
    """Read a model of ``kind``; raise :class:`ModelFileError` for a missing, corrupt or wrong file."""
    path = Path(path)
    retrain = "retrain it with `seawarden model train` or pass another file"
    if not path.is_file():
        raise ModelFileError(f"model file {path} does not exist; {retrain}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = list(npz.files)
            if _META_KEY not in names:
                raise ModelFileError(f"{path} is not a SeaWarden model file (no metadata); {retrain}")
            header = json.loads(npz[_META_KEY].tobytes().decode())
            arrays = {n: npz[n] for n in names if n != _META_KEY}
    except ModelFileError:
        raise
    except (
        OSError,
        ValueError,
        zipfile.BadZipFile,
        EOFError,
        UnicodeDecodeError,
        io.UnsupportedOperation,
    ) as e:
        raise ModelFileError(f"{path} is not a readable SeaWarden model file ({e}); {retrain}") from e
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{path} is not a SeaWarden model file; {retrain}")
    if header.get("kind") != kind:
        raise ModelFileError(
            f"{path} holds a {header.get('kind')!r} model, but a {kind!r} model is needed here; "
            "pass the right file"
        )
    if header.get("schema") not in schemas:
        raise ModelFileError(
            f"{path} is a {kind} model of schema {header.get('schema')}, this SeaWarden reads schema "
            f"{', '.join(map(str, schemas))}; {retrain}"
        )
    expected = header.get("sha256")
    actual = _digest(arrays, {k: v for k, v in header.items() if k != "sha256"})
    if expected != actual:
        raise ModelFileError(f"{path} is corrupt (checksum mismatch); {retrain}")
    return ModelFile(
        kind=kind, schema=int(header["schema"]), arrays=arrays, meta=dict(header.get("meta") or {})
    )


def describe(path: str | Path) -> dict[str, Any]:
    """The header of a model file without checking its kind (for ``seawarden model info``)."""
    try:
        with np.load(Path(path), allow_pickle=False) as npz:
            header = json.loads(npz[_META_KEY].tobytes().decode())
    except Exception as e:  # any failure reads the same to the user
        raise ModelFileError(f"{path} is not a readable SeaWarden model file ({e})") from e
    return dict(header)

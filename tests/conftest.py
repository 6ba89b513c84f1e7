"""Shared test fixtures.

Tests that read ``../shared`` (the team's real-data folder beside the project root) use the
``shared_dir`` fixture: in CI (``CI=true``) a missing folder is a failure, elsewhere a skip.
Small samples that tests always need are copied into ``tests/data`` with their licences.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path under ../shared; fail in CI, skip elsewhere, when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared data missing: {path}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " (CI must have ../shared beside the clone)")
        pytest.skip(message)
    return path


@pytest.fixture
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA

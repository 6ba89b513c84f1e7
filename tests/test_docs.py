"""The documentation a watch officer reads says what the code does."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def test_detector_reference_is_generated_from_the_code() -> None:
    spec = importlib.util.spec_from_file_location("gen_detector_docs", ROOT / "scripts" / "gen_detector_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "detectors.md").read_text(encoding="utf-8") == module.render(), (
        "docs/detectors.md is out of date: run .venv/bin/python scripts/gen_detector_docs.py"
    )


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text[:3000]
    assert "./scripts/demo" in head and "./scripts/test" in head
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("exec ./scripts/test")

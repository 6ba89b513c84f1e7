"""The documentation a watch officer reads says what the code does."""

from __future__ import annotations

import importlib.util
import re
import tomllib

from seawarden.config import Settings
from tests.conftest import ROOT


def test_detector_reference_is_generated_from_the_code() -> None:
    path = ROOT / "scripts" / "gen_detector_docs.py"
    spec = importlib.util.spec_from_file_location("gen_detector_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "detectors.md").read_text(encoding="utf-8") == module.render(), (
        "docs/detectors.md is out of date: run .venv/bin/python scripts/gen_detector_docs.py"
    )


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:3000]
    assert head.index("./scripts/demo") < head.index("./scripts/test")
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("exec ./scripts/test")


def test_readme_configuration_example_is_valid() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert blocks
    for block in blocks:
        Settings(**tomllib.loads(block))

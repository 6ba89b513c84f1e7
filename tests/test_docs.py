"""The documentation a watch officer reads says what the code does."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from seawarden.config import Settings
from seawarden.service.settings import load as load_settings
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


def test_readme_configuration_examples_are_valid(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    for number, block in enumerate(blocks):
        config = tmp_path / f"example-{number}.toml"
        config.write_text(block, encoding="utf-8")
        settings, serve = load_settings(config)  # the core tables and the [serve] table
        assert isinstance(settings, Settings) and serve is not None

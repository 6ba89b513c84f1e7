"""Write docs/detectors.md from the detectors' own docstrings and threshold configs.

The thresholds live in code (typed pydantic configs with descriptions); this keeps the document a
reader sees identical to what runs. Run: ``.venv/bin/python scripts/gen_detector_docs.py``
(a test checks the file is up to date).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

from pydantic import BaseModel

OUT = Path(__file__).resolve().parents[1] / "docs" / "detectors.md"

# (module, config class, event kinds, settings key under [assess])
SECTIONS = [
    ("anchor_drag", "AnchorDragConfig", "anchor_drag_suspected", "anchor_drag"),
    ("anchored", "AnchoredConfig", "anchored_near_infrastructure", "anchored"),
    ("loitering", "LoiteringConfig", "infrastructure_loitering", "loitering"),
    ("ais_gap", "AisGapConfig", "ais_gap", "ais_gap"),
    ("spoofing", "SpoofingConfig", "position_spoofing", "spoofing"),
    ("rendezvous", "RendezvousConfig", "rendezvous", "rendezvous"),
    ("identity", "IdentityConfig", "identity_change", "identity"),
    ("watch", "WatchlistConfig", "watchlist_in_area, watchlist_approaching", "watch"),
    ("areas", "AreaConfig", "area_entry, area_exit, area_dwell", "areas"),
    ("traffic", "TrafficAnomalyConfig", "traffic_anomaly", "traffic_anomaly"),
]


def _table(model: type[BaseModel], prefix: str) -> list[str]:
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        default = field.default if field.default_factory is None else field.default_factory()
        text = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{prefix}.{name}` | `{default!r}` | {text} |")
    return rows


def render() -> str:
    lines = [
        "# Detectors: what they look for, their thresholds, their blind spots",
        "",
        "Generated from the code by `scripts/gen_detector_docs.py`; do not edit by hand. Every threshold",
        "is a setting (`[assess.<detector>]` in the TOML config, or `SEAWARDEN_ASSESS__<DETECTOR>__<NAME>`).",
        "",
    ]
    for module_name, config_name, kinds, key in SECTIONS:
        module = importlib.import_module(f"seawarden.assess.detectors.{module_name}")
        config = getattr(module, config_name)
        lines += [f"## {key} (`{kinds}`)", "", inspect.cleandoc(module.__doc__ or ""), ""]
        lines += [*_table(config, f"assess.{key}"), ""]
    for title, module_name, config_name, prefix in (
        ("Risk", "seawarden.assess.risk", "RiskConfig", "assess.risk"),
        ("Monitoring", "seawarden.assess.monitoring", "MonitoringConfig", "assess.monitoring"),
        ("Alerts", "seawarden.alerts.manager", None, "alerts"),
    ):
        module = importlib.import_module(module_name)
        lines += [f"## {title}", "", inspect.cleandoc(module.__doc__ or ""), ""]
        if config_name:
            lines += [*_table(getattr(module, config_name), prefix), ""]
        else:
            from seawarden.alerts.config import AlertConfig

            lines += [*_table(AlertConfig, prefix), ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``seawarden demo``: the whole service on bundled data, so a newcomer sees alerts within a minute.

Real AIS first (the Danish and Norwegian samples, as fast as possible), then the clearly labelled
SIMULATED Eagle S scenario paced at a few hundred times real time (its watch-list alert comes at
once, the anchor drag about ten scenario-hours in). Three demo organisations show releasability: a
JEF navy, a NATO partner and the Finnish grid operator.
"""

import os
import tomllib
from pathlib import Path
from typing import Any

from seawarden.service.config import FileSource, OrgBootstrap, ServeSettings
from seawarden.simulate.library import scenario_dir

#: Real recordings bundled with the checkout (samples/README.md names sources and licences).
SAMPLE_FILES = ("dma-2010-06-11.nmea", "kystverket-2019-08-07.nmea")
SCENARIO_FILE = "eagle_s.nmea"
#: The SIMULATED Eagle S leaves Ust-Luga ~10 h before its anchor drops: at 1,000x the watch-list
#: alert comes at once and the anchor-drag alert about 40 s later.
DEFAULT_SPEED = 1000.0

DEMO_ORGS = (
    OrgBootstrap(id="jef-navy", name="JEF navy (demo)", communities=["JEF"]),
    OrgBootstrap(id="nato-partner", name="NATO partner (demo)", communities=["NATO"]),
    OrgBootstrap(id="fingrid", name="Fingrid, grid operator (demo)", communities=["OPERATOR:fingrid"]),
)


class DemoDataMissing(FileNotFoundError):
    """The bundled samples or scenario are not where a checkout or package keeps them."""


def samples_dir() -> Path:
    """``$SEAWARDEN_SAMPLES``, else ``samples/`` of the source checkout."""
    override = os.environ.get("SEAWARDEN_SAMPLES")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "samples"


def demo_files() -> tuple[list[str], str]:
    """(real sample paths, simulated scenario path); raises :class:`DemoDataMissing` with a hint."""
    samples = [samples_dir() / name for name in SAMPLE_FILES]
    scenario = scenario_dir() / SCENARIO_FILE
    missing = [str(p) for p in [*samples, scenario] if not p.is_file()]
    if missing:
        raise DemoDataMissing(
            f"demo data not found: {', '.join(missing)}; run from a SeaWarden checkout or set "
            "SEAWARDEN_SAMPLES / SEAWARDEN_SCENARIOS"
        )
    return [str(p) for p in samples], str(scenario)


def demo_settings(
    store_url: str, *, speed: float = DEFAULT_SPEED, host: str = "127.0.0.1", port: int = 8080
) -> ServeSettings:
    samples, scenario = demo_files()
    return ServeSettings(
        http={"host": host, "port": port},
        sources=[
            FileSource(name="real-samples", paths=samples, speed=None),
            FileSource(name="SIMULATED-eagle-s", paths=[scenario], speed=speed),
        ],
        store_url=store_url,
        organisations=list(DEMO_ORGS),
        vessel_snapshot_interval_s=10.0,
    )


def simulated_mmsis(scenario_path: str) -> frozenset[int]:
    """MMSIs of the scenario's simulated vessels (from its ``.toml`` spec), to label their alerts."""
    spec = Path(scenario_path).with_suffix(".toml")
    try:
        data = tomllib.loads(spec.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return frozenset()
    return frozenset(int(v["mmsi"]) for v in data.get("vessels", []) if "mmsi" in v)


def alert_line(record: dict[str, Any], simulated: frozenset[int] = frozenset()) -> str:
    """One readable line per alert record, for the console; simulated vessels are labelled."""
    name = record.get("name") or "unknown name"
    where = record.get("area") or "open sea"
    asset = f", near {record['infrastructure']}" if record.get("infrastructure") else ""
    label = " [SIMULATED]" if record.get("mmsi") in simulated else ""
    communities = ", ".join(record.get("releasability") or []) or "nobody"
    return (
        f"{record.get('time')}  {str(record.get('severity', '?')).upper():<8} {record.get('kind')} "
        f"v{record.get('version')}: {name} (MMSI {record.get('mmsi')}) in {where}{asset}, "
        f"risk {record.get('risk')}{label}; releasable to {communities}"
    )

"""Train the normal-traffic model: read history, simulate normal traffic, count, calibrate, test.

Why three disjoint vessel sets: counts come from "train" vessels, the conformal null from
"calibration" vessels the counts never saw, and the false-alarm rate is measured on "test"
vessels neither step saw. The split is by a seeded CRC32 of the MMSI (60/20/20), so one vessel's
windows never sit on both sides and a rerun with the same seed gives the same model.

Real AIS available to the project is tiny (seconds per vessel of Danish and single fixes of
Norwegian traffic), so training adds SIMULATED normal traffic: seeded replicas of the scenario
library's background ships and its negative controls (transits, ferries, a trawler, an anchoring
and a pilot slow-down), each with jittered waypoints (~0.5 km), speeds x0.75-1.25 (the spread of
real lanes), new MMSIs, and plain transits half of the time sailed the other way (lanes carry
traffic both ways). The model file's metadata records exactly which data went in.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from seawarden.model.normalcy import (
    GROUPS,
    NormalcyModel,
    Params,
    bin_of,
    group_index,
    n_bins,
    scoreable,
    window_scores,
)

log = logging.getLogger(__name__)

Fix = tuple[float, float, float, float, float | None, int | None, int]  # t, lat, lon, sog, cog, nav, group
Tracks = dict[int, list[Fix]]
Progress = Callable[[str], None]

#: Scenario-library controls whose vessels behave normally (their tracks are templates for training).
CONTROL_SCENARIOS = ("normal_transit", "ferry", "fishing", "anchorage", "pilot_slowdown")
DEFAULT_SIMULATED_HOURS = 6000.0
SPLIT = ((0, 6, "train"), (6, 8, "calibration"), (8, 10, "test"))
ALPHAS = (1e-2, 1e-3, 1e-4)


def split_of(mmsi: int, seed: int) -> str:
    """``train`` / ``calibration`` / ``test`` by a seeded hash of the MMSI (stable across runs)."""
    bucket = zlib.crc32(f"{seed}:{mmsi}".encode()) % 10
    return next(name for lo, hi, name in SPLIT if lo <= bucket < hi)


# -- data ------------------------------------------------------------------------------------------
def read_tracks(paths: Sequence[str], progress: Progress | None = None) -> tuple[Tracks, dict[str, Any]]:
    """Fixes per MMSI from any input ``replay`` reads, or Parquet tables of fixes.

    AIS messages go through the same :class:`~seawarden.track.Tracker` as live traffic (jumps and
    duplicates dropped, ship type as known at that moment), so training sees what the detector sees.
    """
    from seawarden.decode import Decoder
    from seawarden.sources import read_messages
    from seawarden.track import Tracker

    tracks: Tracks = defaultdict(list)
    info: dict[str, Any] = {"files": [], "messages": 0, "fixes": 0, "skipped_rows": 0}
    for path in paths:
        before = sum(len(v) for v in tracks.values())
        if str(path).lower().endswith((".parquet", ".pq")):
            skipped = _read_parquet(Path(path), tracks)
            info["skipped_rows"] += skipped
        else:
            decoder = Decoder()
            tracker = Tracker()
            for msg in read_messages([str(path)], decoder=decoder):
                info["messages"] += 1
                update = tracker.update(msg)
                fix = update.fix
                if fix is None:
                    continue
                group = group_index(update.state.identity.ship_type)
                tracks[msg.mmsi].append((fix.t, fix.lat, fix.lon, fix.sog, fix.cog, fix.nav_status, group))
        added = sum(len(v) for v in tracks.values()) - before
        info["files"].append({"path": Path(path).name, "fixes": added})
        if progress:
            progress(f"read {path}: {added:,} fixes")
    info["fixes"] = sum(len(v) for v in tracks.values())
    info["vessels"] = len(tracks)
    return dict(tracks), info


def _read_parquet(path: Path, tracks: Tracks) -> int:
    """Rows of (mmsi, timestamp|t, lat, lon, sog, cog[, nav_status, ship_type]); bad rows skipped."""
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    t_col = next((c for c in ("t", "timestamp", "time") if c in table), None)
    missing = [c for c in ("mmsi", "lat", "lon", "sog") if c not in table] + ([] if t_col else ["timestamp"])
    if missing:
        raise ValueError(f"{path}: Parquet history needs columns {', '.join(missing)}")
    n = len(table["mmsi"])
    none = [None] * n
    skipped = 0
    rows = zip(
        table["mmsi"],
        table[t_col],
        table["lat"],
        table["lon"],
        table["sog"],
        table.get("cog", none),
        table.get("nav_status", none),
        table.get("ship_type", none),
        strict=True,
    )
    for mmsi, t, lat, lon, sog, cog, nav, ship_type in rows:
        try:
            ts = t.timestamp() if hasattr(t, "timestamp") else float(t)
            lat, lon = float(lat), float(lon)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(ts)):
                raise ValueError("position or time out of range")
            speed = None if sog is None else float(sog)
            course = None if cog is None else float(cog)
            group = group_index(None if ship_type is None else int(ship_type))
            tracks[int(mmsi)].append((ts, lat, lon, speed, course, None if nav is None else int(nav), group))
        except (TypeError, ValueError):
            skipped += 1
    if skipped:
        log.warning("%s: %d rows skipped (missing or out-of-range values)", path, skipped)
    for fixes in tracks.values():
        fixes.sort(key=lambda f: f[0])
    return skipped


def _templates() -> list[Any]:
    """Normal vessels of the scenario library: background presets plus the negative controls."""
    from seawarden.simulate.background import background_vessels, preset_names
    from seawarden.simulate.library import scenario_dir, spec_path
    from seawarden.simulate.scenario import load_spec

    out = [v for preset in preset_names() for v in background_vessels(preset)]
    for name in CONTROL_SCENARIOS:
        try:
            spec = load_spec(spec_path(name, scenario_dir()))
        except (FileNotFoundError, ValueError) as e:
            log.warning("control scenario %s not used for training: %s", name, e)
            continue
        out.extend(spec.vessels)
    return out


def simulate_tracks(
    hours: float, seed: int, progress: Progress | None = None
) -> tuple[Tracks, dict[str, Any]]:
    """About ``hours`` vessel-hours of seeded, jittered replicas of the normal templates."""
    from seawarden.simulate.library import default_assets
    from seawarden.simulate.scenario import PointSpec, build_script, vessel_seed
    from seawarden.simulate.vessel import SimFix, VesselSimulator

    rng = np.random.default_rng(seed)
    templates = _templates()
    tracks: Tracks = {}
    used: dict[str, int] = defaultdict(int)
    total_h = 0.0
    start = 1_735_689_600.0  # 2025-01-01T00:00Z; time of day is not a model feature
    i = 0
    while total_h < hours and templates:
        tpl = templates[i % len(templates)]
        i += 1
        mmsi = int(str(tpl.mmsi)[:3]) * 1_000_000 + int(rng.integers(0, 1_000_000))
        while mmsi in tracks or mmsi == tpl.mmsi:
            mmsi += 1
        factor = float(rng.uniform(0.75, 1.25))
        route = [
            w.model_copy(update={"lat": w.lat + rng.normal(0, 0.004), "lon": w.lon + rng.normal(0, 0.008)})
            if isinstance(w, PointSpec)
            else w
            for w in tpl.route
        ]
        if _reversible(tpl) and rng.random() < 0.5:
            route = list(reversed(route))  # lanes carry traffic both ways
        phases = [p.model_copy(update={"speed_kn": min(60.0, p.speed_kn * factor)}) for p in tpl.phases]
        spec = tpl.model_copy(
            update={"mmsi": mmsi, "route": route, "phases": phases, "start_min": 0.0, "identity_changes": []}
        )
        try:
            script = build_script(spec, start + 3600.0 * i, 30.0, default_assets)
        except (KeyError, ValueError) as e:
            log.warning("replica of %s skipped: %s", tpl.name, e)
            continue
        group = group_index(tpl.ship_type)
        fixes: list[Fix] = [
            (r.t, r.lat, r.lon, r.sog, r.cog, r.nav_status, group)
            for r in VesselSimulator(script, vessel_seed(seed, mmsi)).reports()
            if isinstance(r, SimFix)
        ]
        if len(fixes) < 2:
            continue
        tracks[mmsi] = fixes
        used[tpl.name or str(tpl.mmsi)] += 1
        total_h += (fixes[-1][0] - fixes[0][0]) / 3600.0
        if progress and i % 25 == 0:
            progress(f"simulated {len(tracks)} vessels, {total_h:,.0f} / {hours:,.0f} vessel-hours")
    info = {
        "vessels": len(tracks),
        "vessel_hours": round(total_h, 1),
        "templates": dict(sorted(used.items())),
    }
    return tracks, info


def _reversible(tpl: Any) -> bool:
    """A plain transit (waypoints only, one speed to the end) can be sailed the other way."""
    from seawarden.simulate.scenario import PointSpec

    return all(isinstance(w, PointSpec) for w in tpl.route) and all(
        p.until_mark == "end" and p.mode == "route" and not p.silent and p.spoof is None for p in tpl.phases
    )


# -- fitting ---------------------------------------------------------------------------------------
def _sampled(track: list[Fix], params: Params) -> list[Fix]:
    """Scoreable fixes at most one per ``sample_s`` (as the window scorer takes them)."""
    out: list[Fix] = []
    last = -math.inf
    for fix in track:
        if scoreable(fix[3], fix[5]) and fix[0] - last >= params.sample_s:
            out.append(fix)
            last = fix[0]
    return out


def count_fixes(tracks: Sequence[list[Fix]], params: Params) -> tuple[np.ndarray, np.ndarray]:
    """(sorted cell ids, counts [cells, groups, bins]) of the scoreable, sampled fixes."""
    import h3.api.numpy_int as h3

    rows = [f for track in tracks for f in _sampled(track, params)]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(GROUPS), n_bins()), dtype=np.float32)
    arr = np.array([(f[1], f[2], f[3], -1.0 if f[4] is None else f[4], f[6]) for f in rows], dtype=np.float64)
    cells = np.array(
        [h3.latlng_to_cell(la, lo, params.res) for la, lo in arr[:, :2].tolist()], dtype=np.int64
    )
    cell_ids, cell_idx = np.unique(cells, return_inverse=True)
    bins = bin_of(arr[:, 2], arr[:, 3])
    counts = np.zeros((len(cell_ids), len(GROUPS), n_bins()), dtype=np.float32)
    np.add.at(counts, (cell_idx, arr[:, 4].astype(np.int64), bins), 1.0)
    return cell_ids, counts


def false_alarms(model: NormalcyModel, tracks: Sequence[list[Fix]]) -> dict[str, Any]:
    """Share of windows (and of vessels) with ``p < alpha`` on normal tracks, per alpha."""
    per_vessel = [window_scores(model, [t]) for t in tracks]
    scores = np.concatenate(per_vessel) if per_vessel else np.zeros(0)
    out: dict[str, Any] = {"windows": len(scores), "vessels": sum(1 for s in per_vessel if len(s))}
    for alpha in ALPHAS:
        p = model.p_values(scores) if len(scores) else np.zeros(0)
        vessels = sum(1 for s in per_vessel if len(s) and (model.p_values(s) < alpha).any())
        out[f"window_rate@{alpha:g}"] = float((p < alpha).mean()) if len(p) else None
        out[f"vessels_flagged@{alpha:g}"] = vessels
    return out


def _fix_surprises(model: NormalcyModel, tracks: Sequence[list[Fix]]) -> np.ndarray:
    fixes = [f for track in tracks for f in _sampled(track, model.params)]
    if not fixes:
        return np.zeros(0)
    arr = np.array(
        [(f[1], f[2], f[3], -1.0 if f[4] is None else f[4], f[6]) for f in fixes], dtype=np.float64
    )
    return model.surprise_batch(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4].astype(np.int64))


def fix_false_alarms(
    model: NormalcyModel, calibration: Sequence[list[Fix]], test: Sequence[list[Fix]]
) -> dict[str, Any]:
    """Single-fix conformal false-alarm rate: for held-back tracks too short to fill a window.

    Why: the real samples hold seconds to minutes per vessel, too short for a 10-fix window, but
    each of their fixes can still be judged against the per-fix surprises of calibration fixes.
    """
    null = np.sort(_fix_surprises(model, calibration))
    scores = _fix_surprises(model, test)
    out: dict[str, Any] = {"fixes": len(scores), "vessels": sum(1 for t in test if t)}
    if len(null) == 0 or len(scores) == 0:
        return out
    p = (1 + len(null) - np.searchsorted(null, scores, side="left")) / (len(null) + 1)
    for alpha in ALPHAS:
        out[f"fix_rate@{alpha:g}"] = float((p < alpha).mean())
    return out


def train(
    inputs: Sequence[str],
    out: Path,
    *,
    seed: int = 0,
    simulated_hours: float = DEFAULT_SIMULATED_HOURS,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit, calibrate and test a normalcy model; save it to ``out``; return its metrics."""
    say = progress or (lambda _m: None)
    params = Params()
    real, real_info = read_tracks(inputs, say) if inputs else ({}, {"files": [], "fixes": 0, "vessels": 0})
    sim, sim_info = simulate_tracks(simulated_hours, seed, say) if simulated_hours > 0 else ({}, {})
    parts: dict[str, dict[str, list[list[Fix]]]] = {
        name: {"real": [], "simulated": []} for _, _, name in SPLIT
    }
    for source, tracks in (("real", real), ("simulated", sim)):
        for mmsi in sorted(tracks):
            parts[split_of(mmsi, seed)][source].append(tracks[mmsi])
    train_tracks = parts["train"]["real"] + parts["train"]["simulated"]
    say(f"counting {sum(len(t) for t in train_tracks):,} fixes of {len(train_tracks)} training vessels")
    cell_ids, counts = count_fixes(train_tracks, params)
    if len(cell_ids) == 0:
        raise ValueError("no scoreable fixes to train on (inputs empty and no simulated traffic)")
    model = NormalcyModel(cell_ids, counts, np.zeros(1), params)
    calib = parts["calibration"]["real"] + parts["calibration"]["simulated"]
    say(f"calibrating on {len(calib)} held-out vessels")
    null = window_scores(model, calib)
    if len(null) < 100:
        raise ValueError(f"only {len(null)} calibration windows; give more history or --simulated-hours")
    model = NormalcyModel(cell_ids, counts, null, params)
    say("measuring false alarms on the test vessels")
    metrics = {
        "calibration_windows": len(null),
        "test_real": false_alarms(model, parts["test"]["real"]),
        "test_real_fixes": fix_false_alarms(model, calib, parts["test"]["real"]),
        "test_simulated": false_alarms(model, parts["test"]["simulated"]),
        "cells": len(cell_ids),
        "train_fixes_counted": int(counts.sum()),
        "train_vessels": {k: len(v) for k, v in parts["train"].items()},
    }
    model.meta = {
        "seed": seed,
        "training_data": {"real": real_info, "simulated": {"requested_hours": simulated_hours, **sim_info}},
        "metrics": metrics,
        "method": "per H3 cell x ship-type speed/course histograms, hierarchical Dirichlet back-off, "
        "a-contrario tail surprise, conformal window p-values",
    }
    model.save(out)
    say(f"saved {out} ({Path(out).stat().st_size / 1024:,.0f} KiB)")
    return metrics

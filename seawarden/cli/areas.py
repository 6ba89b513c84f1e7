"""``seawarden areas``: list, validate, export and import areas of interest (and list assets).

Operators check a hand-drawn or exported GeoJSON file here before a watch relies on it: every bad
feature is named (index and id) with what to do, and the exit code says valid (0) or not (1).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pyproj import Geod
from shapely.geometry import mapping

from seawarden.geo import GeoContext, GeoDataError, load_areas
from seawarden.geo.loader import parse_features, read_geojson
from seawarden.geo.paths import USER_AREAS_FILE, installed_areas_path, user_data_dir

areas_app = typer.Typer(help="Areas of interest and undersea infrastructure.", no_args_is_help=True)
_GEOD = Geod(ellps="WGS84")


def register(app: typer.Typer) -> None:
    """Add the ``areas`` sub-command to the main CLI."""
    app.add_typer(areas_app, name="areas")


def _context(areas: Path | None, infrastructure: Path | None) -> GeoContext:
    try:
        if areas is None and infrastructure is None:
            return GeoContext.installed()
        return GeoContext.load(areas=areas or installed_areas_path(), infrastructure=infrastructure)
    except GeoDataError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _area_km2(geometry) -> float:
    return abs(_GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def _length_km(geometry) -> float:
    return _GEOD.geometry_length(geometry) / 1000.0


AREAS_OPT = typer.Option(None, "--areas", help="Areas GeoJSON (default: imported file, else bundled).")
INFRA_OPT = typer.Option(None, "--infrastructure", help="Infrastructure GeoJSON (default: bundled).")


@areas_app.command("list")
def list_areas(areas: Path | None = AREAS_OPT, infrastructure: Path | None = INFRA_OPT) -> None:
    """Table of areas: id, name, countries, number of assets, area in km2."""
    geo = _context(areas, infrastructure)
    rows = [
        (a.id, a.name, ",".join(a.countries), str(len(a.assets)), f"{_area_km2(a.geometry):,.0f}")
        for a in geo.areas
    ]
    _table(("id", "name", "countries", "assets", "km2"), rows)
    typer.echo(f"{len(rows)} areas")


@areas_app.command("assets")
def list_assets(infrastructure: Path | None = INFRA_OPT) -> None:
    """Table of infrastructure assets: id, kind, name, operator, length in km."""
    geo = _context(None, infrastructure)
    rows = [(a.id, a.kind, a.name, a.operator or "", f"{_length_km(a.geometry):,.0f}") for a in geo.assets]
    _table(("id", "kind", "name", "operator", "km"), rows)
    typer.echo(f"{len(rows)} assets")


@areas_app.command("validate")
def validate(
    files: list[str] = typer.Argument(..., help="GeoJSON files: areas, infrastructure, ports ('-' = stdin)."),
) -> None:
    """Check GeoJSON files; exit 0 with a summary if all are valid, 1 with per-feature errors."""
    failed = False
    for path in files:
        try:
            name, features = read_geojson(path)
        except GeoDataError as exc:
            typer.echo(f"INVALID {exc}", err=True)
            failed = True
            continue
        result = parse_features(features)
        summary = f"{len(result.areas)} areas, {len(result.assets)} assets, {len(result.ports)} ports"
        if result.merged:
            summary += f" ({result.merged} line features merged into assets with the same id)"
        if result.problems:
            failed = True
            typer.echo(f"INVALID {name}: {summary} usable, {len(result.problems)} problem(s):", err=True)
            for problem in result.problems:
                typer.echo(f"  {problem}", err=True)
        elif not features:
            failed = True
            typer.echo(f"INVALID {name}: no features", err=True)
        else:
            typer.echo(f"OK {name}: {summary}")
    raise typer.Exit(1 if failed else 0)


@areas_app.command("export")
def export(
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    with_assets: bool = typer.Option(False, "--with-assets", help="Include the infrastructure lines."),
    areas: Path | None = AREAS_OPT,
    infrastructure: Path | None = INFRA_OPT,
) -> None:
    """Write the areas (and optionally the assets) as one GeoJSON FeatureCollection."""
    geo = _context(areas, infrastructure)
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": a.id,
                "name": a.name,
                "countries": list(a.countries),
                "assets": list(a.assets),
                "description": a.description,
            },
            "geometry": mapping(a.geometry),
        }
        for a in geo.areas
    ]
    if with_assets:
        features += [
            {
                "type": "Feature",
                "properties": {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "operator": a.operator,
                    "landing_points": list(a.landing_points),
                    "description": a.description,
                },
                "geometry": mapping(a.geometry),
            }
            for a in geo.assets
        ]
    text = json.dumps({"type": "FeatureCollection", "features": features}) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(features)} features to {out}", err=True)


@areas_app.command("import")
def import_areas(
    file: str = typer.Argument(..., help="Areas GeoJSON to install as the user's areas ('-' = stdin)."),
) -> None:
    """Validate an areas file and copy it into the user's data dir (used instead of the bundled areas)."""
    try:
        name, features = read_geojson(file)
        collection = {"type": "FeatureCollection", "features": features}
        geo = GeoContext(load_areas(collection), GeoContext.default().assets, [], land_path=None)
    except GeoDataError as exc:
        if exc.source == "<geojson>":
            exc = GeoDataError(name, exc.problems)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    known = {a.id for a in geo.assets}
    for area in geo.areas:
        unknown = [a for a in area.assets if a not in known]
        if unknown:
            typer.echo(f"warning: area {area.id!r} names unknown assets: {', '.join(unknown)}", err=True)
    target_dir = user_data_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / USER_AREAS_FILE
    target.write_text(json.dumps(collection) + "\n", encoding="utf-8")
    typer.echo(f"imported {len(geo.areas)} areas from {name} into {target}")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())

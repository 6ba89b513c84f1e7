"""Author the bundled geo data: infrastructure lines, 22 areas of interest, ports, waterways.

Why a script: the indicative geometry is written here as readable waypoints (lon, lat) taken from
public facts (landing points, published route descriptions and maps), and the GeoJSON files in
``seawarden/geo/data/`` are generated from it, so a reviewer edits one waypoint, not a polygon.
Areas are corridors (geodesic buffers in a local azimuthal-equidistant projection) along route
sections; each area's ``assets`` list is computed from the lines that actually run through it.

ALL GEOMETRY IS INDICATIVE, NOT SURVEYED. Never use it for navigation or seabed work.

    .venv/bin/python scripts/build_default_geo.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, box, mapping

DATA = Path(__file__).resolve().parents[1] / "seawarden" / "geo" / "data"
INDICATIVE = "INDICATIVE geometry authored from public landing points and route descriptions, not surveyed."

# id, name, kind, operator/owner, landing points, waypoints (lon, lat), note
ASSETS: list[tuple[str, str, str, str | None, list[str], list[tuple[float, float]], str]] = [
    # --- Gulf of Finland -----------------------------------------------------------------------
    (
        "estlink-1",
        "Estlink 1",
        "power_cable",
        "Elering / Fingrid",
        ["Espoo (FI)", "Harku (EE)"],
        [(24.56, 60.10), (24.58, 59.90), (24.60, 59.65), (24.58, 59.47)],
        "350 MW HVDC, ~74 km subsea.",
    ),
    (
        "estlink-2",
        "Estlink 2",
        "power_cable",
        "Elering / Fingrid",
        ["Nikuviken, Porvoo (FI)", "Puessi (EE)"],
        [
            (25.58, 60.23),
            (25.52, 60.08),
            (25.48, 59.97),
            (25.62, 59.84),
            (26.20, 59.66),
            (26.70, 59.60),
            (27.02, 59.46),
        ],
        "650 MW HVDC, ~145 km subsea; damaged 25 Dec 2024 (Eagle S anchor drag).",
    ),
    (
        "balticconnector",
        "Balticconnector",
        "gas_pipeline",
        "Gasgrid Finland / Elering",
        ["Inkoo (FI)", "Paldiski (EE)"],
        [(24.00, 60.03), (24.06, 59.88), (24.12, 59.70), (24.10, 59.50), (24.06, 59.37)],
        "Bidirectional gas pipeline, ~77 km subsea; damaged 8 Oct 2023 (Newnew Polar Bear anchor).",
    ),
    (
        "elisa-fi-ee",
        "Elisa Helsinki-Tallinn cable",
        "telecom_cable",
        "Elisa",
        ["Helsinki (FI)", "Tallinn (EE)"],
        [(24.93, 60.14), (24.90, 59.95), (24.86, 59.70), (24.80, 59.47)],
        "Telecom cable; damaged 25 Dec 2024 (Eagle S) and 31 Dec 2025 (Fitburg).",
    ),
    (
        "citic-fi-ee",
        "Citic Telecom CPC Finland-Estonia cable",
        "telecom_cable",
        "Citic Telecom CPC",
        ["Helsinki (FI)", "Tallinn (EE)"],
        [(25.02, 60.15), (25.00, 59.95), (24.95, 59.70), (24.88, 59.48)],
        "Telecom cable; damaged 25 Dec 2024.",
    ),
    (
        "eesf-2",
        "EESF-2 (Estonia-Finland 2)",
        "telecom_cable",
        None,
        ["Espoo (FI)", "Tallinn (EE)"],
        [(24.70, 60.12), (24.72, 59.90), (24.70, 59.65), (24.68, 59.47)],
        "Telecom cable.",
    ),
    (
        "eesf-3",
        "EESF-3 (Estonia-Finland 3)",
        "telecom_cable",
        None,
        ["Helsinki (FI)", "Kunda (EE)"],
        [(25.10, 60.16), (25.40, 59.95), (25.95, 59.75), (26.50, 59.55)],
        "Telecom cable.",
    ),
    (
        "nord-stream-1",
        "Nord Stream 1 (lines A/B)",
        "gas_pipeline",
        "Nord Stream AG",
        ["Portovaya, Vyborg (RU)", "Lubmin (DE)"],
        [
            (28.05, 60.55),
            (27.40, 60.20),
            (26.40, 60.02),
            (25.30, 59.85),
            (24.30, 59.72),
            (23.40, 59.55),
            (22.30, 59.30),
            (21.00, 58.90),
            (20.30, 58.20),
            (19.80, 57.45),
            (19.20, 56.80),
            (18.20, 56.20),
            (16.60, 55.75),
            (15.78, 55.53),
            (15.41, 54.88),
            (14.60, 54.55),
            (13.95, 54.30),
            (13.65, 54.15),
        ],
        "Twin 1,224 km gas pipelines; ruptured Sep 2022 near Bornholm; out of service.",
    ),
    (
        "nord-stream-2",
        "Nord Stream 2 (lines A/B)",
        "gas_pipeline",
        "Nord Stream 2 AG",
        ["Ust-Luga (RU)", "Lubmin (DE)"],
        [
            (28.15, 59.70),
            (27.30, 59.95),
            (26.40, 59.98),
            (25.30, 59.81),
            (24.30, 59.68),
            (23.40, 59.51),
            (22.30, 59.26),
            (21.05, 58.86),
            (20.36, 58.18),
            (19.86, 57.43),
            (19.26, 56.77),
            (18.25, 56.16),
            (16.62, 55.70),
            (15.84, 55.50),
            (15.45, 54.85),
            (14.62, 54.51),
            (13.97, 54.27),
            (13.66, 54.13),
        ],
        "Twin gas pipelines, never in service; line A ruptured Sep 2022.",
    ),
    # --- central and southern Baltic -------------------------------------------------------------
    (
        "c-lion1",
        "C-Lion1 (Helsinki-Rostock)",
        "telecom_cable",
        "Cinia",
        ["Helsinki (FI)", "Rostock (DE)"],
        [
            (24.96, 60.15),
            (24.75, 59.93),
            (23.60, 59.63),
            (22.40, 59.40),
            (21.30, 58.95),
            (20.60, 58.20),
            (20.05, 57.45),
            (19.40, 56.95),
            (18.40, 56.25),
            (17.00, 55.70),
            (15.60, 55.40),
            (14.50, 54.95),
            (13.60, 54.80),
            (12.70, 54.55),
            (12.25, 54.32),
            (12.08, 54.19),
        ],
        "1,173 km fibre cable; damaged 18 Nov 2024 (Yi Peng 3) and 25 Dec 2024.",
    ),
    (
        "bcs-east-west-interlink",
        "BCS East-West Interlink",
        "telecom_cable",
        "Arelion",
        ["Sventoji (LT)", "Katthammarsvik, Gotland (SE)"],
        [(21.07, 56.03), (20.40, 56.40), (19.60, 56.85), (19.00, 57.28), (18.85, 57.43)],
        "218 km fibre cable; damaged 17 Nov 2024 (Yi Peng 3).",
    ),
    (
        "lvrtc-ventspils-gotland",
        "Ventspils-Gotland cable (LVRTC)",
        "telecom_cable",
        "LVRTC",
        ["Ventspils (LV)", "Gotland (SE)"],
        [(21.50, 57.40), (20.80, 57.42), (19.80, 57.45), (19.05, 57.50)],
        "Fibre cable; damaged 26 Jan 2025 (Vezhen anchor, ruled an accident).",
    ),
    (
        "nordbalt",
        "NordBalt",
        "power_cable",
        "Litgrid / Svenska kraftnat",
        ["Klaipeda (LT)", "Nybro (SE)"],
        [
            (21.05, 55.70),
            (20.00, 55.78),
            (18.50, 55.92),
            (17.20, 56.02),
            (16.60, 56.12),
            (16.30, 56.30),
            (16.10, 56.38),
        ],
        "700 MW HVDC, ~400 km subsea, south of Oland into Kalmar Sound.",
    ),
    (
        "swepol",
        "SwePol Link",
        "power_cable",
        "PSE / Svenska kraftnat",
        ["Ustka (PL)", "Karlshamn (SE)"],
        [(16.85, 54.60), (16.40, 55.05), (15.80, 55.50), (15.20, 55.90), (14.85, 56.13)],
        "600 MW HVDC, ~245 km; near miss 21 May 2025 (tanker 'Sun').",
    ),
    (
        "baltic-pipe",
        "Baltic Pipe",
        "gas_pipeline",
        "Energinet / Gaz-System",
        ["Faxe (DK)", "Niechorze (PL)"],
        [(12.25, 55.22), (12.90, 55.05), (13.70, 54.80), (14.40, 54.50), (14.80, 54.25), (15.07, 54.10)],
        "Offshore section ~275 km, crossing the Nord Stream lines.",
    ),
    (
        "baltic-cable",
        "Baltic Cable",
        "power_cable",
        "Baltic Cable AB",
        ["Luebeck-Herrenwyk (DE)", "Trelleborg (SE)"],
        [(10.89, 53.97), (11.45, 54.25), (12.20, 54.48), (12.80, 54.85), (13.05, 55.20), (13.15, 55.36)],
        "600 MW HVDC, ~250 km.",
    ),
    (
        "kontek",
        "Kontek",
        "power_cable",
        "Energinet / 50Hertz",
        ["Bjaeverskov (DK)", "Bentwisch (DE)"],
        [(11.95, 54.57), (12.05, 54.45), (12.15, 54.30), (12.20, 54.22)],
        "600 MW HVDC; subsea section Gedser-Markgrafenheide.",
    ),
    (
        "kriegers-flak-cgs",
        "Kriegers Flak Combined Grid Solution",
        "power_cable",
        "Energinet / 50Hertz",
        ["Bjaeverskov (DK)", "Bentwisch (DE)"],
        [(12.28, 55.30), (12.75, 55.05), (13.00, 54.80), (12.90, 54.55), (12.45, 54.38)],
        "400 MW interconnector via the Kriegers Flak and Baltic 2 wind farms.",
    ),
    (
        "fehmarn-belt-cable",
        "Fehmarn Baelt cable",
        "telecom_cable",
        None,
        ["Puttgarden (DE)", "Rodby (DK)"],
        [(11.20, 54.50), (11.27, 54.57), (11.35, 54.65)],
        "Fibre cable across the Fehmarn Belt.",
    ),
    (
        "great-belt-hvdc",
        "Great Belt Power Link",
        "power_cable",
        "Energinet",
        ["Fraugde (DK)", "Herslev (DK)"],
        [(10.85, 55.30), (10.98, 55.30), (11.12, 55.33)],
        "600 MW HVDC across the Great Belt.",
    ),
    (
        "oresund-power",
        "Oresund 400 kV cables",
        "power_cable",
        "Energinet / Svenska kraftnat",
        ["Helsingor (DK)", "Helsingborg (SE)"],
        [(12.60, 56.02), (12.64, 56.03), (12.68, 56.04)],
        "AC power cables across the northern Oresund.",
    ),
    (
        "oresund-telecom",
        "Copenhagen-Malmo telecom cable",
        "telecom_cable",
        None,
        ["Copenhagen (DK)", "Malmo (SE)"],
        [(12.66, 55.67), (12.80, 55.64), (12.94, 55.61)],
        "Fibre cable across the southern Oresund.",
    ),
    # --- Skagerrak and North Sea -----------------------------------------------------------------
    (
        "skagerrak-hvdc",
        "Skagerrak 1-4",
        "power_cable",
        "Statnett / Energinet",
        ["Kristiansand (NO)", "Tjele (DK)"],
        [(8.00, 58.06), (8.25, 57.75), (8.65, 57.40), (9.00, 57.18), (9.12, 57.13)],
        "1,700 MW HVDC (four cables), ~140 km subsea.",
    ),
    (
        "norned",
        "NorNed",
        "power_cable",
        "Statnett / TenneT",
        ["Feda (NO)", "Eemshaven (NL)"],
        [
            (6.78, 58.20),
            (6.55, 57.70),
            (6.30, 56.80),
            (6.25, 55.60),
            (6.35, 54.60),
            (6.45, 53.90),
            (6.60, 53.62),
            (6.83, 53.46),
        ],
        "700 MW HVDC, 580 km.",
    ),
    (
        "north-sea-link",
        "North Sea Link",
        "power_cable",
        "Statnett / National Grid",
        ["Kvilldal, Suldal (NO)", "Blyth (UK)"],
        [(5.55, 59.12), (4.60, 58.70), (2.50, 57.60), (0.50, 56.40), (-0.90, 55.55), (-1.45, 55.15)],
        "1,400 MW HVDC, 720 km; line starts at the Boknafjord mouth (fjord section to Suldal omitted).",
    ),
    (
        "langeled",
        "Langeled",
        "gas_pipeline",
        "Gassco",
        ["Nyhamna (NO)", "Easington (UK)"],
        [
            (4.50, 61.90),
            (3.20, 60.60),
            (2.30, 59.20),
            (1.90, 58.37),
            (1.60, 57.00),
            (1.20, 55.50),
            (0.60, 54.30),
            (0.12, 53.65),
        ],
        "Gas pipeline, 1,166 km, via the Sleipner riser platform.",
    ),
    (
        "europipe-1",
        "Europipe I",
        "gas_pipeline",
        "Gassco",
        ["Draupner E (NO)", "Dornum (DE)"],
        [(2.47, 57.93), (3.80, 56.90), (5.30, 55.70), (6.70, 54.40), (7.30, 53.75)],
        "Gas pipeline, 660 km.",
    ),
    (
        "europipe-2",
        "Europipe II",
        "gas_pipeline",
        "Gassco",
        ["Karsto (NO)", "Dornum (DE)"],
        [(5.25, 59.20), (4.60, 58.40), (4.50, 57.30), (5.50, 55.90), (6.90, 54.40), (7.40, 53.74)],
        "Gas pipeline, 658 km.",
    ),
    (
        "norpipe-gas",
        "Norpipe (gas)",
        "gas_pipeline",
        "Gassco",
        ["Ekofisk (NO)", "Emden (DE)"],
        [(3.21, 56.54), (4.50, 55.80), (6.00, 54.70), (6.90, 53.80), (7.05, 53.50)],
        "Gas pipeline, 440 km.",
    ),
    (
        "norpipe-oil",
        "Norpipe (oil)",
        "oil_pipeline",
        "ConocoPhillips",
        ["Ekofisk (NO)", "Teesside (UK)"],
        [(3.21, 56.54), (1.80, 55.90), (0.20, 55.10), (-1.10, 54.65)],
        "Oil pipeline, 354 km.",
    ),
    (
        "zeepipe-1",
        "Zeepipe I",
        "gas_pipeline",
        "Gassco",
        ["Sleipner (NO)", "Zeebrugge (BE)"],
        [(1.90, 58.37), (2.60, 56.50), (3.20, 54.50), (3.10, 52.50), (3.19, 51.34)],
        "Gas pipeline, 814 km.",
    ),
    (
        "franpipe",
        "Franpipe",
        "gas_pipeline",
        "Gassco",
        ["Draupner E (NO)", "Dunkirk (FR)"],
        [(2.47, 57.93), (2.30, 56.00), (2.60, 54.00), (2.40, 52.00), (2.25, 51.06)],
        "Gas pipeline, 840 km.",
    ),
    (
        "vesterled",
        "Vesterled",
        "gas_pipeline",
        "Gassco",
        ["Heimdal (NO)", "St Fergus (UK)"],
        [(2.23, 59.57), (0.80, 58.80), (-0.80, 57.90), (-1.82, 57.58)],
        "Gas pipeline, 360 km.",
    ),
    (
        "viking-link",
        "Viking Link",
        "power_cable",
        "National Grid / Energinet",
        ["Revsing (DK)", "Bicker Fen (UK)"],
        [(8.12, 55.78), (7.00, 55.55), (5.00, 55.10), (3.00, 54.50), (1.30, 53.80), (0.33, 53.28)],
        "1,400 MW HVDC, 765 km (longest land-and-subsea interconnector when opened, 2023).",
    ),
    (
        "cobra-cable",
        "COBRAcable",
        "power_cable",
        "TenneT / Energinet",
        ["Eemshaven (NL)", "Endrup (DK)"],
        [(6.83, 53.46), (6.70, 53.75), (7.10, 54.40), (7.70, 55.10), (8.30, 55.45)],
        "700 MW HVDC, 325 km.",
    ),
    (
        "britned",
        "BritNed",
        "power_cable",
        "National Grid / TenneT",
        ["Isle of Grain (UK)", "Maasvlakte (NL)"],
        [(0.72, 51.46), (1.50, 51.55), (2.50, 51.70), (3.50, 51.88), (4.00, 51.97)],
        "1,000 MW HVDC, 260 km.",
    ),
    (
        "nemo-link",
        "Nemo Link",
        "power_cable",
        "National Grid / Elia",
        ["Richborough (UK)", "Zeebrugge (BE)"],
        [(1.38, 51.31), (2.00, 51.38), (2.70, 51.38), (3.18, 51.34)],
        "1,000 MW HVDC, 140 km.",
    ),
    (
        "bbl-pipeline",
        "BBL pipeline",
        "gas_pipeline",
        "BBL Company",
        ["Balgzand (NL)", "Bacton (UK)"],
        [(4.72, 52.92), (3.50, 52.95), (2.20, 52.92), (1.45, 52.86)],
        "Gas pipeline, 235 km.",
    ),
    (
        "interconnector-uk",
        "Interconnector (IUK)",
        "gas_pipeline",
        "Interconnector Ltd",
        ["Bacton (UK)", "Zeebrugge (BE)"],
        [(1.45, 52.86), (1.95, 52.40), (2.60, 51.80), (3.19, 51.34)],
        "Gas pipeline, 235 km.",
    ),
    # --- English Channel ---------------------------------------------------------------------------
    (
        "ifa",
        "IFA (Interconnexion France-Angleterre)",
        "power_cable",
        "National Grid / RTE",
        ["Sellindge (UK)", "Bonningues-les-Calais (FR)"],
        [(1.20, 51.08), (1.45, 51.02), (1.70, 50.96), (1.77, 50.94)],
        "2,000 MW HVDC, ~45 km subsea.",
    ),
    (
        "ifa2",
        "IFA2",
        "power_cable",
        "National Grid / RTE",
        ["Chilling, Solent (UK)", "Tourbe, Normandy (FR)"],
        [(-1.27, 50.82), (-1.10, 50.50), (-0.80, 50.00), (-0.40, 49.55), (-0.23, 49.29)],
        "1,000 MW HVDC, ~204 km.",
    ),
    (
        "eleclink",
        "ElecLink",
        "power_cable",
        "Getlink",
        ["Folkestone (UK)", "Coquelles (FR)"],
        [(1.15, 51.09), (1.45, 51.01), (1.79, 50.93)],
        "1,000 MW HVDC laid inside the Channel Tunnel (not exposed to anchors; kept for completeness).",
    ),
]

# id, name, countries, description, sections [(asset id, (west, south, east, north) or None)], half-width km
AREAS: list[
    tuple[str, str, list[str], str, list[tuple[str, tuple[float, float, float, float] | None]], float]
] = [
    (
        "gof-balticconnector",
        "Gulf of Finland: Balticconnector (Inkoo-Paldiski)",
        ["FI", "EE"],
        "Balticconnector gas pipeline corridor, damaged 8 Oct 2023 by a dragged anchor.",
        [("balticconnector", None)],
        10,
    ),
    (
        "gof-helsinki-tallinn",
        "Gulf of Finland: Helsinki-Tallinn cables",
        ["FI", "EE"],
        "Estlink 1 and the Helsinki/Espoo-Tallinn telecom cables (Elisa, Citic, EESF-2).",
        [("estlink-1", None), ("elisa-fi-ee", None), ("citic-fi-ee", None), ("eesf-2", None)],
        8,
    ),
    (
        "gof-estlink2",
        "Gulf of Finland: Estlink 2 (Porvoo-Estonia)",
        ["FI", "EE"],
        "Estlink 2 and EESF-3; the Eagle S anchor-drag area of 25 Dec 2024.",
        [("estlink-2", None), ("eesf-3", None)],
        10,
    ),
    (
        "gof-east-pipelines",
        "Gulf of Finland east: Nord Stream approaches",
        ["FI", "EE", "RU"],
        "Nord Stream 1/2 in the eastern Gulf of Finland, outbound lane from Ust-Luga and Primorsk.",
        [("nord-stream-1", (26.0, 59.6, 28.2, 60.6)), ("nord-stream-2", (26.0, 59.6, 28.2, 60.6))],
        12,
    ),
    (
        "clion1-north",
        "Northern Baltic Proper: C-Lion1 and Nord Stream (Hanko-Saaremaa)",
        ["FI", "EE", "SE"],
        "C-Lion1 and Nord Stream from the Gulf of Finland mouth to west of Saaremaa.",
        [("c-lion1", (20.4, 58.1, 23.8, 59.7)), ("nord-stream-1", (20.2, 58.1, 23.6, 59.6))],
        12,
    ),
    (
        "clion1-gotland-east",
        "East of Gotland: C-Lion1 and Nord Stream",
        ["SE", "FI", "DE"],
        "C-Lion1 and Nord Stream east of Gotland; the Yi Peng 3 anchor-drag area of 17-18 Nov 2024.",
        [("c-lion1", (18.9, 56.6, 20.6, 58.1)), ("nord-stream-1", (18.9, 56.6, 20.4, 58.1))],
        12,
    ),
    (
        "bcs-interlink",
        "BCS East-West Interlink (Sventoji-Katthammarsvik)",
        ["LT", "SE"],
        "BCS East-West Interlink telecom cable, damaged 17 Nov 2024 (Yi Peng 3).",
        [("bcs-east-west-interlink", None)],
        10,
    ),
    (
        "latvia-gotland",
        "Ventspils-Gotland cable",
        ["LV", "SE"],
        "LVRTC Ventspils-Gotland fibre cable, damaged 26 Jan 2025 (Vezhen).",
        [("lvrtc-ventspils-gotland", None)],
        10,
    ),
    (
        "nordbalt",
        "NordBalt (Klaipeda-Oland-Nybro)",
        ["LT", "SE"],
        "NordBalt HVDC power cable from Klaipeda, south of Oland, into Kalmar Sound.",
        [("nordbalt", None)],
        8,
    ),
    (
        "clion1-south-oland",
        "South of Oland: C-Lion1 and Nord Stream",
        ["SE", "FI", "DE"],
        "C-Lion1 and Nord Stream between southern Gotland and Bornholm.",
        [("c-lion1", (15.7, 55.35, 18.9, 56.6)), ("nord-stream-1", (15.9, 55.4, 18.9, 56.6))],
        12,
    ),
    (
        "bornholm-pipelines",
        "Bornholm: Nord Stream and Baltic Pipe",
        ["DK", "SE", "DE", "PL"],
        "Nord Stream 1/2 east of Bornholm (Sep 2022 rupture sites) and Baltic Pipe south-west of it.",
        [("nord-stream-1", (13.8, 54.2, 15.9, 55.6)), ("baltic-pipe", (13.0, 54.1, 15.1, 55.1))],
        12,
    ),
    (
        "swepol",
        "SwePol Link (Ustka-Karlshamn)",
        ["PL", "SE"],
        "SwePol HVDC power cable; suspicious tanker near it on 21 May 2025.",
        [("swepol", None)],
        8,
    ),
    (
        "mecklenburg-bight",
        "Mecklenburg Bight: Baltic Cable, Kontek, Kriegers Flak, C-Lion1 landfall",
        ["DE", "DK", "SE"],
        "Baltic Cable (Luebeck-Trelleborg), Kontek, Kriegers Flak CGS and C-Lion1 to Rostock.",
        [
            ("baltic-cable", None),
            ("kontek", None),
            ("kriegers-flak-cgs", None),
            ("c-lion1", (12.0, 54.1, 13.2, 54.7)),
        ],
        8,
    ),
    (
        "fehmarn-belt",
        "Fehmarn Belt",
        ["DE", "DK"],
        "Cables across the Fehmarn Belt (busy ferry route).",
        [("fehmarn-belt-cable", None)],
        6,
    ),
    (
        "great-belt",
        "Great Belt",
        ["DK"],
        "Great Belt HVDC power link and the belt's cable crossings.",
        [("great-belt-hvdc", None)],
        6,
    ),
    (
        "oresund",
        "Oresund",
        ["DK", "SE"],
        "Oresund power and telecom cables (Helsingor-Helsingborg, Copenhagen-Malmo).",
        [("oresund-power", None), ("oresund-telecom", None)],
        5,
    ),
    (
        "skagerrak-hvdc",
        "Skagerrak HVDC (Kristiansand-Jutland)",
        ["NO", "DK"],
        "Skagerrak 1-4 HVDC cables.",
        [("skagerrak-hvdc", None)],
        10,
    ),
    (
        "norned",
        "NorNed (Feda-Eemshaven)",
        ["NO", "DK", "DE", "NL"],
        "NorNed HVDC cable across the North Sea.",
        [("norned", None)],
        8,
    ),
    (
        "north-sea-link",
        "North Sea Link (Suldal-Blyth)",
        ["NO", "UK"],
        "North Sea Link HVDC cable.",
        [("north-sea-link", None)],
        8,
    ),
    (
        "norway-gas-hub",
        "Norwegian gas export hub (Sleipner/Draupner)",
        ["NO", "UK", "DE", "BE", "FR"],
        "Langeled, Europipe I/II, Zeepipe, Franpipe and Norpipe near the Sleipner and Draupner platforms.",
        [
            (a, (1.0, 56.3, 4.8, 59.3))
            for a in (
                "langeled",
                "europipe-1",
                "europipe-2",
                "zeepipe-1",
                "franpipe",
                "norpipe-gas",
                "norpipe-oil",
            )
        ],
        12,
    ),
    (
        "southern-north-sea",
        "Southern North Sea interconnectors (Viking Link, BritNed, Nemo, BBL)",
        ["UK", "NL", "BE", "DK"],
        "Viking Link (UK sector), BritNed, Nemo Link, BBL and Interconnector UK gas pipelines.",
        [
            ("viking-link", (0.2, 53.2, 3.2, 54.6)),
            ("britned", None),
            ("nemo-link", None),
            ("bbl-pipeline", None),
            ("interconnector-uk", None),
        ],
        8,
    ),
    (
        "english-channel",
        "English Channel interconnectors (IFA, ElecLink, IFA2)",
        ["UK", "FR"],
        "IFA and ElecLink in the Dover Strait, IFA2 between the Solent and Normandy.",
        [("ifa", None), ("eleclink", None), ("ifa2", None)],
        6,
    ),
]

# id, name, country, lat, lon, radius_m  (ports, terminals and designated anchorages)
PORTS: list[tuple[str, str, str, float, float, float]] = [
    ("helsinki-south", "Helsinki South Harbour", "FI", 60.163, 24.955, 1500),
    ("helsinki-west", "Helsinki West Harbour", "FI", 60.150, 24.915, 1500),
    ("vuosaari", "Helsinki Vuosaari", "FI", 60.205, 25.190, 2500),
    ("kilpilahti", "Kilpilahti / Porvoo oil terminal", "FI", 60.300, 25.550, 3000),
    ("inkoo", "Inkoo", "FI", 60.040, 24.000, 2500),
    ("hanko", "Hanko", "FI", 59.820, 22.970, 2500),
    ("kotka", "Kotka (Mussalo)", "FI", 60.445, 26.940, 3000),
    ("hamina", "Hamina", "FI", 60.545, 27.170, 3000),
    ("tallinn-old-city", "Tallinn Old City Harbour", "EE", 59.445, 24.770, 1500),
    ("muuga", "Muuga", "EE", 59.500, 25.000, 3000),
    ("tallinn-anchorage", "Tallinn anchorage", "EE", 59.520, 24.700, 4000),
    ("paldiski", "Paldiski", "EE", 59.345, 24.070, 2500),
    ("sillamae", "Sillamae", "EE", 59.420, 27.740, 2000),
    ("ust-luga", "Ust-Luga", "RU", 59.680, 28.400, 5000),
    ("primorsk", "Primorsk", "RU", 60.350, 28.620, 4000),
    ("vysotsk", "Vysotsk", "RU", 60.620, 28.570, 3000),
    ("st-petersburg", "St Petersburg", "RU", 59.890, 30.210, 6000),
    ("riga", "Riga", "LV", 57.000, 24.080, 5000),
    ("ventspils", "Ventspils", "LV", 57.400, 21.540, 3000),
    ("liepaja", "Liepaja", "LV", 56.520, 20.990, 3000),
    ("klaipeda", "Klaipeda", "LT", 55.700, 21.120, 3500),
    ("butinge", "Butinge oil terminal", "LT", 56.050, 20.950, 3000),
    ("baltiysk", "Baltiysk / Kaliningrad approaches", "RU", 54.640, 19.900, 4000),
    ("gdansk", "Gdansk", "PL", 54.395, 18.690, 4000),
    ("gdynia", "Gdynia", "PL", 54.535, 18.560, 3000),
    ("gdansk-bay-anchorage", "Gulf of Gdansk anchorage", "PL", 54.580, 18.850, 6000),
    ("swinoujscie", "Swinoujscie", "PL", 53.920, 14.270, 3000),
    ("szczecin", "Szczecin", "PL", 53.430, 14.570, 4000),
    ("rostock", "Rostock", "DE", 54.150, 12.100, 3000),
    ("sassnitz-mukran", "Sassnitz-Mukran", "DE", 54.490, 13.620, 2500),
    ("travemunde", "Luebeck-Travemuende", "DE", 53.960, 10.870, 2500),
    ("lubeck", "Luebeck", "DE", 53.890, 10.700, 2500),
    ("kiel", "Kiel", "DE", 54.330, 10.160, 3000),
    ("puttgarden", "Puttgarden ferry port", "DE", 54.500, 11.225, 1500),
    ("rodby", "Rodby ferry port", "DK", 54.655, 11.350, 1500),
    ("gedser", "Gedser ferry port", "DK", 54.575, 11.930, 1500),
    ("copenhagen", "Copenhagen", "DK", 55.700, 12.600, 3000),
    ("helsingor", "Helsingor ferry port", "DK", 56.035, 12.615, 1000),
    ("helsingborg", "Helsingborg", "SE", 56.045, 12.690, 2000),
    ("malmo", "Malmo", "SE", 55.615, 12.980, 3000),
    ("trelleborg", "Trelleborg", "SE", 55.370, 13.150, 2000),
    ("ystad", "Ystad", "SE", 55.425, 13.830, 2000),
    ("karlshamn", "Karlshamn", "SE", 56.165, 14.860, 2500),
    ("visby", "Visby", "SE", 57.640, 18.285, 2000),
    ("slite", "Slite", "SE", 57.705, 18.810, 2000),
    ("stockholm", "Stockholm (Stadsgarden / Frihamnen)", "SE", 59.330, 18.100, 4000),
    ("nynashamn", "Nynashamn", "SE", 58.900, 17.950, 2500),
    ("gothenburg", "Gothenburg", "SE", 57.690, 11.850, 5000),
    ("skagen-anchorage", "Skagen anchorage", "DK", 57.720, 10.750, 8000),
    ("frederikshavn", "Frederikshavn", "DK", 57.435, 10.550, 2500),
    ("kattegat-anchorage", "Kattegat anchorage (56.42N 11.65E)", "DK", 56.420, 11.650, 4000),
    ("aarhus", "Aarhus", "DK", 56.150, 10.230, 3000),
    ("fredericia", "Fredericia", "DK", 55.560, 9.750, 2500),
    ("oslo", "Oslo", "NO", 59.900, 10.730, 3000),
    ("kristiansand", "Kristiansand", "NO", 58.140, 7.990, 2500),
    ("stavanger", "Stavanger", "NO", 58.970, 5.730, 3000),
    ("bergen", "Bergen", "NO", 60.400, 5.310, 3000),
    ("rotterdam-maasvlakte", "Rotterdam Maasvlakte", "NL", 51.955, 4.040, 5000),
    ("rotterdam-europoort", "Rotterdam Europoort", "NL", 51.940, 4.150, 5000),
    ("rotterdam-city", "Rotterdam (Waalhaven / city docks)", "NL", 51.895, 4.420, 5000),
    ("eemshaven", "Eemshaven", "NL", 53.450, 6.830, 2500),
    ("hamburg", "Hamburg", "DE", 53.535, 9.950, 6000),
    ("bremerhaven", "Bremerhaven", "DE", 53.570, 8.550, 4000),
    ("wilhelmshaven", "Wilhelmshaven (Jade Weser Port)", "DE", 53.590, 8.150, 4000),
    ("antwerp", "Antwerp", "BE", 51.280, 4.330, 7000),
    ("zeebrugge", "Zeebrugge", "BE", 51.340, 3.190, 3000),
    ("felixstowe", "Felixstowe / Harwich", "UK", 51.950, 1.310, 3500),
    ("thames-grain", "Thames / Isle of Grain", "UK", 51.450, 0.700, 4000),
    ("dover", "Dover", "UK", 51.120, 1.330, 2000),
    ("calais", "Calais", "FR", 50.965, 1.860, 2000),
    ("dunkirk", "Dunkirk", "FR", 51.030, 2.250, 4000),
    ("le-havre", "Le Havre", "FR", 49.480, 0.150, 4000),
    ("southampton", "Southampton", "UK", 50.900, -1.420, 4000),
    ("aberdeen", "Aberdeen", "UK", 57.145, -2.080, 2000),
]

# id, name, waypoints, half-width m: navigable channels that the 1:10m land polygons fill in.
WATERWAYS: list[tuple[str, str, list[tuple[float, float]], float]] = [
    (
        "elbe",
        "Elbe (Cuxhaven-Hamburg)",
        [(8.70, 53.88), (9.10, 53.80), (9.45, 53.64), (9.70, 53.56), (9.97, 53.54)],
        1500,
    ),
    (
        "kiel-canal",
        "Kiel Canal",
        [
            (9.14, 53.89),
            (9.22, 53.95),
            (9.28, 54.03),
            (9.35, 54.12),
            (9.55, 54.22),
            (9.67, 54.30),
            (9.82, 54.36),
            (10.00, 54.35),
            (10.14, 54.37),
        ],
        1500,
    ),
    (
        "weser",
        "Weser (Bremerhaven-Bremen)",
        [(8.55, 53.57), (8.50, 53.35), (8.65, 53.15), (8.78, 53.09)],
        1000,
    ),
    (
        "nieuwe-waterweg",
        "Nieuwe Waterweg / Nieuwe Maas",
        [(4.05, 51.98), (4.20, 51.92), (4.40, 51.90), (4.50, 51.91)],
        1500,
    ),
    (
        "scheldt",
        "Western Scheldt (Vlissingen-Antwerp)",
        [(3.57, 51.44), (3.80, 51.40), (4.05, 51.38), (4.25, 51.33), (4.35, 51.25)],
        2500,
    ),
    ("thames", "Thames (estuary-London)", [(0.80, 51.50), (0.45, 51.47), (0.25, 51.46), (0.05, 51.50)], 1500),
    ("gota-alv", "Gota alv (Gothenburg)", [(11.70, 57.68), (11.85, 57.70), (11.95, 57.72)], 800),
    ("trave", "Trave (Travemuende-Luebeck)", [(10.88, 53.96), (10.82, 53.93), (10.72, 53.89)], 600),
    ("warnow", "Warnow (Warnemuende-Rostock)", [(12.09, 54.18), (12.11, 54.13), (12.13, 54.09)], 800),
    (
        "oder",
        "Swina / Szczecin Lagoon / Oder",
        [(14.27, 53.93), (14.30, 53.80), (14.45, 53.65), (14.57, 53.43)],
        2000,
    ),
    (
        "neva-bay",
        "Neva Bay (Kronstadt-St Petersburg)",
        [(29.70, 60.00), (30.00, 59.93), (30.25, 59.92)],
        3000,
    ),
    ("seine", "Seine (Le Havre-Rouen)", [(0.15, 49.45), (0.45, 49.43), (0.80, 49.48), (1.08, 49.43)], 1000),
    ("stockholm-inlet", "Stockholm inlet (Saltsjon)", [(18.40, 59.35), (18.25, 59.33), (18.10, 59.32)], 1500),
]


def corridor(lines: list[LineString], half_width_m: float) -> shapely.Geometry:
    """Union of geodesic buffers round lines, computed in an azimuthal-equidistant frame."""
    centre = shapely.union_all(lines).centroid
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m")
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

    def project(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
        return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))

    buffered = shapely.union_all([project(line, fwd).buffer(half_width_m, quad_segs=8) for line in lines])
    return shapely.set_precision(project(buffered.simplify(150.0), back), 1e-5)


def feature(geometry: shapely.Geometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geometry)}


def main() -> None:
    lines = {a[0]: LineString(a[5]) for a in ASSETS}
    asset_features = [
        feature(
            lines[aid],
            {
                "id": aid,
                "name": name,
                "kind": kind,
                "operator": operator,
                "landing_points": landing,
                "description": f"{note} {INDICATIVE}",
            },
        )
        for aid, name, kind, operator, landing, _, note in ASSETS
    ]
    area_features = []
    for area_id, name, countries, text, sections, half_km in AREAS:
        parts = []
        for asset_id, clip in sections:
            line = lines[asset_id] if clip is None else lines[asset_id].intersection(box(*clip))
            parts.extend(getattr(line, "geoms", [line]))
        geom = corridor([p for p in parts if not p.is_empty], half_km * 1000.0)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        inside = [aid for aid, line in lines.items() if line.intersection(geom).length > 0.01]
        description = f"{text} Corridor about {half_km:g} km either side of the route. {INDICATIVE}"
        area_features.append(
            feature(
                geom,
                {
                    "id": area_id,
                    "name": name,
                    "countries": countries,
                    "assets": inside,
                    "description": description,
                },
            )
        )
    port_features = [
        feature(shapely.Point(lon, lat), {"id": pid, "name": name, "country": cc, "radius_m": radius})
        for pid, name, cc, lat, lon, radius in PORTS
    ]
    waterway_features = [
        feature(LineString(coords), {"id": wid, "name": name, "half_width_m": width})
        for wid, name, coords, width in WATERWAYS
    ]
    for name, features in (
        ("infrastructure", asset_features),
        ("areas", area_features),
        ("ports", port_features),
        ("waterways", waterway_features),
    ):
        collection = {"type": "FeatureCollection", "name": name, "features": features}
        (DATA / f"{name}.geojson").write_text(json.dumps(collection, indent=1) + "\n")
        print(f"{name}: {len(features)} features")


if __name__ == "__main__":
    main()

"""Flag states that raise a vessel's prior risk, and flag-name comparison.

Why a table at all: the shadow fleet moves to registries with little oversight ("flags of
convenience"), and port-state-control detention records rank flags. A flag alone proves nothing
(anchors.md §0.4: incident ships also flew China, Hong Kong and Malta), so the risk model gives it
modest points only.

Sources (public knowledge, not a licensed data set):

* **Paris MoU** annual "White, Grey and Black list" of flag performance (reports for 2022-2024,
  https://parismou.org/ "Detentions and Performance lists"). Membership of the black list changes
  yearly; entries recalled from those reports and not re-verified here are marked ``uncertain``.
* **Shadow-fleet registries** named in reporting on the 2022-2026 Russian oil trade: WSJ
  "How a shadow fleet of ancient tankers keeps Russian oil flowing" (June 2024: Gabon, Comoros,
  Cameroon); Baird Maritime "Taking on the dark tanker fleet" I-III (2024: Gabon, Cook Islands, Palau,
  Sao Tome and Principe); S&P Global fastest-growing flags (anchors.md §2.1: Guinea, San Marino,
  Guyana, Guinea-Bissau, Barbados, Sierra Leone, Comoros); Eagle S was Cook Islands-flagged
  (anchors.md §1.1); press reports of false / fraudulent registries (Eswatini, Malawi, Benin,
  Djibouti, Gambia: ``uncertain``, reported as fraudulent or newly used registries, 2024-2025).

Users can override the table through :class:`seawarden.assess.risk.RiskConfig` weights; the table
itself is data, reviewed when Paris MoU publishes its yearly list.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz


class FlagCategory(StrEnum):
    """Why a flag is in the table (each category has its own weight in RiskConfig)."""

    PARIS_MOU_BLACK = "paris_mou_black"  # poor port-state-control record
    SHADOW_FLEET = "shadow_fleet"  # registry documented as widely used by the shadow fleet
    FRAUDULENT = "fraudulent"  # registry reported as fraudulent / no real maritime administration


@dataclass(frozen=True, slots=True)
class FlagRisk:
    """One flag state of the table."""

    code: str  # ISO-3166 alpha-2
    name: str
    categories: tuple[FlagCategory, ...]
    uncertain: bool  # single or secondary source, or list membership not re-verified
    note: str


_B = FlagCategory.PARIS_MOU_BLACK
_S = FlagCategory.SHADOW_FLEET
_F = FlagCategory.FRAUDULENT

HIGH_RISK_FLAGS: dict[str, FlagRisk] = {
    f.code: f
    for f in (
        FlagRisk("CK", "Cook Islands", (_S,), False, "Eagle S (Estlink 2, Dec 2024); NZ/Baird Maritime 2024"),
        FlagRisk("GA", "Gabon", (_S,), False, "WSJ 2024: >100 tankers, >70 shadow fleet (Lloyd's List)"),
        FlagRisk("KM", "Comoros", (_B, _S), False, "WSJ 2024; S&P fastest-growing flags; Paris MoU black"),
        FlagRisk("CM", "Cameroon", (_B, _S), False, "WSJ 2024; Paris MoU black list (worst performer)"),
        FlagRisk("SL", "Sierra Leone", (_B, _S), False, "S&P fastest-growing flags; Paris MoU black"),
        FlagRisk("PW", "Palau", (_S,), False, "Baird Maritime 2024 (dark tanker fleet part III)"),
        FlagRisk("ST", "Sao Tome and Principe", (_S,), False, "Baird Maritime 2024 (tanker Ceres I)"),
        FlagRisk("GW", "Guinea-Bissau", (_S,), False, "S&P fastest-growing flags (+340%)"),
        FlagRisk("GN", "Guinea", (_S,), False, "S&P fastest-growing flags"),
        FlagRisk("SM", "San Marino", (_S,), True, "S&P fastest-growing flags (+663%)"),
        FlagRisk("GY", "Guyana", (_S,), True, "S&P fastest-growing flags (+576%, average age >40 y)"),
        FlagRisk("BB", "Barbados", (_S,), True, "S&P fastest-growing flags (+177%)"),
        FlagRisk("TZ", "Tanzania", (_B,), True, "Paris MoU black list (recalled)"),
        FlagRisk("MD", "Moldova", (_B,), True, "Paris MoU black list (recalled)"),
        FlagRisk("TG", "Togo", (_B,), True, "Paris MoU black list (recalled)"),
        FlagRisk("SZ", "Eswatini", (_F,), True, "press 2025: landlocked registry used by false-flag tankers"),
        FlagRisk("MW", "Malawi", (_F,), True, "press 2025: landlocked registry used by false-flag tankers"),
        FlagRisk("BJ", "Benin", (_S,), True, "press 2024-2025: new registry used by sanctioned tankers"),
        FlagRisk("DJ", "Djibouti", (_S,), True, "press 2024-2025: registry used by sanctioned tankers"),
        FlagRisk("GM", "Gambia", (_F,), True, "press 2024: vessels falsely claiming the Gambian flag"),
    )
}

# Spellings seen in MID tables and watch-lists -> one canonical name.
_ALIASES = {
    "st": "saint",
    "&": "and",
    "rep": "republic",
    "is": "islands",
    "isl": "islands",
}
_NAME_TO_CODE = {f.name.lower(): f.code for f in HIGH_RISK_FLAGS.values()} | {
    "sao tome": "ST",
    "sao tome & principe": "ST",
    "swaziland": "SZ",
    "united republic of tanzania": "TZ",
    "tanzania, united republic of": "TZ",
    "republic of moldova": "MD",
    "moldova, republic of": "MD",
    "the gambia": "GM",
    "guinea bissau": "GW",
}


def normalise_flag_name(name: str) -> str:
    """Lower-case ASCII words with common abbreviations expanded ("St Vincent & Grenadines")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z]+|&", ascii_name.lower().replace("-", " "))
    words = [_ALIASES.get(w, w) for w in words]
    return " ".join(w for w in words if w not in {"the", "of"})


_NORMALISED_TO_CODE = {normalise_flag_name(n): c for n, c in _NAME_TO_CODE.items()}


def flag_risk(code: str | None = None, name: str | None = None) -> FlagRisk | None:
    """The table entry for a flag given as ISO alpha-2 code and/or country name, if listed.

    A known two-letter code decides alone (cheap: this runs on every risk assessment); the name is
    only consulted when no code is given.
    """
    if code and len(code.strip()) == 2:
        return HIGH_RISK_FLAGS.get(code.strip().upper())
    if not name:
        return None
    found = _NAME_TO_CODE.get(name.strip().lower())
    if found is None:
        found = _NORMALISED_TO_CODE.get(normalise_flag_name(name))
    return HIGH_RISK_FLAGS[found] if found is not None else None


def same_flag(a: str | None, b: str | None) -> bool | None:
    """Whether two flag names/codes denote the same state; ``None`` when either is unknown.

    Names come from different tables (MID list vs. a watch-list), so spelling differs: compare
    normalised names, then a fuzzy token match (>= 90) to absorb "Saint Kitts & Nevis" vs
    "St. Kitts and Nevis" without calling "Guinea" and "Guinea-Bissau" the same.
    """
    if not a or not b:
        return None
    a_s, b_s = a.strip(), b.strip()
    if len(a_s) == 2 and len(b_s) == 2:
        return a_s.upper() == b_s.upper()
    na, nb = normalise_flag_name(a_s), normalise_flag_name(b_s)
    if na == nb:
        return True
    ra, rb = flag_risk(name=a_s), flag_risk(name=b_s)
    if ra is not None and rb is not None:
        return ra.code == rb.code
    return fuzz.token_sort_ratio(na, nb) >= 90

"""Thresholds of watch-list identity matching."""

from pydantic import BaseModel, Field


class MatchConfig(BaseModel):
    """How sure each kind of identity match is, and how strict fuzzy name matching is.

    Calibration: IMO numbers are lifelong and check-digit protected, so an IMO match is certain;
    MMSIs are reassigned on sale or re-flagging (and >450 ships were falsely flagged in 2025, see
    shared/research/anchors.md §1 finding 7), so an MMSI match is strong but not certain; names are
    shared by many ships ("SUN", "LEO" are both EU-listed), so a name match alone is a lead for a
    watch officer to check, not proof.

    Fuzzy names: rapidfuzz ``token_sort_ratio`` >= 90 *and* at most 2 inserted/deleted characters
    *and* at least 8 letters/digits *and* the same numbers, roman numerals and single letters
    ("VF TANKER 3" never matches "VF TANKER 4"). Measured on the 1,990-vessel EU Annex XLII + TAK
    register (tests/watchlist/test_matching.py): it accepts 31 of the spelling variants that the
    lists themselves give for one ship (AKADEMIK/AKADEMIC GUBKIN, AIVAZOVSKY/AIVAZOVSKIY) while
    only 7 pairs of names of *different* listed ships reach it (MARINA POLA / MARIA POLA); without
    the edit cap and with a 6-letter minimum it was 33 and 40. "EAGLE" does not match "EAGLE S"
    (too short, and the single letter S is a marker).
    """

    imo_confidence: float = Field(1.0, ge=0, le=1, description="IMO equal and check digit valid.")
    invalid_imo_confidence: float = Field(0.9, ge=0, le=1, description="IMO equal but check digit wrong.")
    mmsi_confidence: float = Field(0.85, ge=0, le=1, description="MMSI listed for exactly one ship.")
    shared_mmsi_confidence: float = Field(0.6, ge=0, le=1, description="MMSI listed for several ships.")
    name_confidence: float = Field(0.7, ge=0, le=1, description="Normalised name equal.")
    shared_name_confidence: float = Field(0.5, ge=0, le=1, description="Name listed for several ships.")
    fuzzy_confidence: float = Field(
        0.6, ge=0, le=1, description="Fuzzy name match, scaled by similarity/100."
    )
    imo_conflict_factor: float = Field(
        0.7,
        ge=0,
        le=1,
        description="Multiplies an MMSI/name match when the vessel broadcasts valid IMOs and none is the "
        "listed (valid) IMO: maybe a re-used MMSI or a namesake, maybe identity spoofing.",
    )
    name_imo_conflict_factor: float = Field(
        0.5,
        ge=0,
        le=1,
        description="The same for a name match: names repeat across fleets far more than MMSIs (the real "
        "2010 DMA log has a Dutch coaster AURA, IMO 9287716, beside the listed tanker Aura, IMO 9624316).",
    )
    fuzzy_threshold: float = Field(90.0, ge=50, le=100, description="Minimum token_sort_ratio (0..100).")
    fuzzy_max_edits: int = Field(
        2, ge=0, description="Most characters inserted/deleted (a substitution counts 2) in a fuzzy match."
    )
    fuzzy_min_length: int = Field(
        8, ge=1, description="Names shorter than this (letters+digits) never fuzzy-match (SUN, EAGLE S)."
    )
    fuzzy_cache_size: int = Field(100_000, ge=0, description="Remembered fuzzy look-ups (names repeat).")

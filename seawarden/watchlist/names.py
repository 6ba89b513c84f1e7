"""Ship-name normalisation for matching.

AIS names are 20 characters of 6-bit ASCII typed by crews, while lists are typed by analysts in
any script. Normalising both sides to the same plain form (upper-case ASCII words, no punctuation,
no "M/T"-style prefixes) lets most spelling variants match *exactly*, so fuzzy matching only has to
catch real typos.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

AIS_NAME_LENGTH = 20  # characters in the AIS type 5 / 24 name field; longer names are cut

# Type prefixes crews and lists put in front of (or after) the name; they are not part of it.
_TYPE_TOKENS = frozenset({"MT", "MV", "MS", "SS", "MY", "FV", "MTS", "TS"})
_TYPE_PAIRS = frozenset({("M", "T"), ("M", "V"), ("M", "S"), ("M", "Y"), ("F", "V")})

# Tokens that tell sister ships apart ("VF TANKER 3" / "VF TANKER 4", "STAR II" / "STAR III",
# "NORDIC A" / "NORDIC B"). Fuzzy matching must never bridge a difference in them.
_ROMAN = frozenset(
    {"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XX"}
)

_APOSTROPHES = re.compile(r"['`´‘’ʼ]")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")
_LETTER_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")
_FORMER = re.compile(
    r"^(?P<name>[^(]*?)\s*\(\s*(?:formerly|former|ex|a\.?k\.?a\.?|also known as)\b[\s.:]*"
    r"(?P<former>[^)]*)\)?\s*$",
    re.IGNORECASE,
)


def normalise_name(name: str) -> str:
    """Plain matching form: ``"M/T Eagle-S."`` -> ``"EAGLE S"``, ``"Игорь"`` -> ``"IGOR"``.

    Transliterates to ASCII, upper-cases, drops apostrophes, turns other punctuation into spaces,
    splits letters from digits (``"TANKER3"`` = ``"TANKER 3"``), collapses spaces and drops type
    prefixes/suffixes (``MT``, ``M/V``, ...) unless nothing else is left. Digits are kept.
    """
    text = _APOSTROPHES.sub("", anyascii(name).upper())
    text = _LETTER_DIGIT.sub(" ", _NOT_WORD.sub(" ", text))
    tokens = text.split()
    if not tokens:
        return ""
    core = _strip_type_tokens(tokens)
    return " ".join(core or tokens)


def _strip_type_tokens(tokens: list[str]) -> list[str]:
    core = list(tokens)
    if len(core) >= 3 and (core[0], core[1]) in _TYPE_PAIRS:
        core = core[2:]
    elif len(core) >= 2 and core[0] in _TYPE_TOKENS:
        core = core[1:]
    if len(core) >= 3 and (core[-2], core[-1]) in _TYPE_PAIRS:
        core = core[:-2]
    elif len(core) >= 2 and core[-1] in _TYPE_TOKENS:
        core = core[:-1]
    return core


def split_former_names(text: str) -> list[str]:
    """``"Apar (formerly Feng Shou; Andromeda Star)"`` -> ``["Apar", "Feng Shou", "Andromeda Star"]``.

    Lists (EU Annex XLII, OpenSanctions captions) write earlier names in brackets; each one is a
    name the ship may still broadcast. A missing closing bracket is tolerated (it occurs in the
    EU list). Non-breaking spaces become spaces.
    """
    clean = " ".join(text.replace("\xa0", " ").split())
    found = _FORMER.match(clean)
    if not found:
        return [clean] if clean else []
    names = [found.group("name").strip()]
    names += [part.strip() for part in re.split(r"[;,/]", found.group("former"))]
    return [n for n in names if n]


def ais_cut(name: str) -> str | None:
    """Normalised form of what AIS can carry of a name longer than 20 characters, else None.

    AIS type 5/24 messages hold 20 characters, so "KAPITAN KOSTICHEV VLADIMIROVICH" is broadcast
    as "KAPITAN KOSTICHEV VL"; matching that against the listed name needs this cut form.
    """
    ais_form = " ".join(anyascii(name).upper().split())
    return normalise_name(ais_form[:AIS_NAME_LENGTH]) if len(ais_form) > AIS_NAME_LENGTH else None


@dataclass(frozen=True, slots=True)
class NameKey:
    """A normalised name prepared for exact and fuzzy comparison."""

    text: str  # normalised form, the exact-match key
    sorted_tokens: str  # tokens in alphabetical order: the order-insensitive fuzzy form
    markers: tuple[str, ...]  # numbers, roman numerals, single letters: must agree to fuzzy-match
    length: int  # letters and digits, without spaces

    @classmethod
    def of(cls, name: str) -> "NameKey":
        """The key of a name (cached: ships broadcast the same names over and over)."""
        return _name_key(name)


@lru_cache(maxsize=65_536)
def _name_key(name: str) -> NameKey:
    text = normalise_name(name)
    tokens = text.split()
    markers = tuple(sorted(t for t in tokens if t.isdigit() or len(t) == 1 or t in _ROMAN))
    return NameKey(text, " ".join(sorted(tokens)), markers, len(text.replace(" ", "")))

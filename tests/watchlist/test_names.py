"""Name normalisation and "(formerly ...)" splitting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seawarden.watchlist import normalise_name, split_former_names
from seawarden.watchlist.names import NameKey


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Eagle S", "EAGLE S"),
        ("  eagle   s  ", "EAGLE S"),
        ("M/T Eagle S", "EAGLE S"),
        ("MT EAGLE S", "EAGLE S"),
        ("M.V. EAGLE S", "EAGLE S"),
        ("EAGLE S (MT)", "EAGLE S"),
        ("Eagle-S.", "EAGLE S"),
        ("VF Tanker-3", "VF TANKER 3"),
        ("VF TANKER3", "VF TANKER 3"),
        ("Maia-1", "MAIA 1"),
        ("St. John's", "ST JOHNS"),
        ("Jal_Vahini", "JAL VAHINI"),
        ("E\xa0Mei Shan", "E MEI SHAN"),
        ("Игорь", "IGOR"),  # Cyrillic transliterated
        ("Ørnen", "ORNEN"),
        ("MT", "MT"),  # a prefix alone stays: it is all there is
        ("", ""),
        ("@@@@", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@given(st.text())
def test_normalise_is_idempotent_and_plain(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert all(c.isascii() and (c.isupper() or c.isdigit() or c == " ") for c in once)


def test_markers_separate_sister_ships() -> None:
    assert NameKey.of("VF TANKER 3").markers != NameKey.of("VF TANKER 4").markers
    assert NameKey.of("STAR II").markers != NameKey.of("STAR III").markers
    assert NameKey.of("EAGLE S").markers == ("S",)
    assert NameKey.of("TANKER ONE").sorted_tokens == NameKey.of("ONE TANKER").sorted_tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Eagle S", ["Eagle S"]),
        ("Kavya (formerly Hana)", ["Kavya", "Hana"]),
        ("Apar (formerly Feng Shou; Andromeda Star)", ["Apar", "Feng Shou", "Andromeda Star"]),
        ("Quartanus (formerly\xa0Morpheus", ["Quartanus", "Morpheus"]),  # real EU row, no ")"
        ("Nova Crest (Formerly Hasan East)", ["Nova Crest", "Hasan East"]),
        ("Saga (ex NS Spirit)", ["Saga", "NS Spirit"]),
        ("Star (Example)", ["Star (Example)"]),  # not a former-name bracket
        ("   ", []),
    ],
)
def test_split_former_names(raw: str, expected: list[str]) -> None:
    assert split_former_names(raw) == expected

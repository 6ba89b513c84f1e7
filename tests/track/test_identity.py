import pytest

from seawarden.track import MmsiKind, flag_of, is_valid_imo, is_valid_mmsi, mid_of, mmsi_kind
from seawarden.track.mid import MID_TABLE, country_of_mid


@pytest.mark.parametrize(
    ("mmsi", "kind", "mid"),
    [
        (230123450, MmsiKind.SHIP, 230),
        (518998865, MmsiKind.SHIP, 518),  # Eagle S, Cook Islands
        (23012345, MmsiKind.GROUP, 230),  # 0MIDXXXXX
        (2190064, MmsiKind.COAST_STATION, 219),  # 00MIDXXXX, DMA base station
        (111219501, MmsiKind.SAR_AIRCRAFT, 219),
        (992191000, MmsiKind.ATON, 219),
        (982191000, MmsiKind.CRAFT_ASSOCIATED, 219),
        (823012345, MmsiKind.HANDHELD, 230),
        (970123456, MmsiKind.SART, None),
        (972123456, MmsiKind.MOB, None),
        (974123456, MmsiKind.EPIRB, None),
        (0, MmsiKind.INVALID, None),
        (1_234_567_890, MmsiKind.INVALID, None),
        (123456789, MmsiKind.INVALID, None),  # leading 1 that is not 111: no pattern
        (912345678, MmsiKind.INVALID, None),
    ],
)
def test_mmsi_kind_and_mid(mmsi: int, kind: MmsiKind, mid: int | None) -> None:
    assert mmsi_kind(mmsi) is kind
    assert mid_of(mmsi) == mid


@pytest.mark.parametrize(
    ("mmsi", "valid"),
    [
        (230123450, True),
        (273345000, True),  # Russia
        (2190064, True),
        (992191000, True),
        (970123456, True),
        (200000000, False),  # MID 200 not allocated
        (217000000, False),
        (999999999, False),  # AtoN pattern with unallocated MID 999
        (123456789, False),
        (0, False),
        (-5, False),
    ],
)
def test_mmsi_validity(mmsi: int, valid: bool) -> None:
    assert is_valid_mmsi(mmsi) is valid


def test_flag_from_mid() -> None:
    assert flag_of(518998865) == ("Cook Islands", "CK")
    assert flag_of(414270000) == ("China", "CN")
    assert flag_of(2311200) == ("Faroe Islands", "FO")
    assert flag_of(273000000) == ("Russian Federation", "RU")
    assert flag_of(200000000) is None


@pytest.mark.parametrize(
    ("imo", "valid"),
    [
        (9329760, True),  # Eagle S
        (9224984, True),  # Yi Peng 3
        (9313204, True),  # Newnew Polar Bear
        (9074729, True),  # the IMO's own worked example
        (9329761, False),  # wrong check digit
        (1234567, True),  # 1*7+2*6+3*5+4*4+5*3+6*2 = 77 -> 7
        (1234568, False),
        (123456, False),  # six digits
        (12345678, False),
        (0, False),
        (None, False),
    ],
)
def test_imo_check_digit(imo: int | None, valid: bool) -> None:
    assert is_valid_imo(imo) is valid


def test_mid_table_is_complete_and_well_formed() -> None:
    assert len(MID_TABLE) >= 285
    assert all(201 <= mid <= 775 for mid in MID_TABLE)
    assert all(len(code) == 2 and code.isupper() and code.isalpha() for _, code in MID_TABLE.values())
    # Baltic and North Sea states all present, with every MID they hold
    for mid, code in [
        (219, "DK"),
        (220, "DK"),
        (230, "FI"),
        (257, "NO"),
        (258, "NO"),
        (259, "NO"),
        (265, "SE"),
        (266, "SE"),
        (273, "RU"),
        (275, "LV"),
        (276, "EE"),
        (277, "LT"),
        (261, "PL"),
        (211, "DE"),
        (218, "DE"),
        (244, "NL"),
        (245, "NL"),
        (246, "NL"),
    ]:
        assert MID_TABLE[mid][1] == code
    # common flags of convenience
    for mid, code in [
        (351, "PA"),
        (370, "PA"),
        (636, "LR"),
        (538, "MH"),
        (248, "MT"),
        (518, "CK"),
        (375, "VC"),
        (304, "AG"),
        (667, "SL"),
        (620, "KM"),
        (511, "PW"),
    ]:
        assert country_of_mid(mid)[1] == code

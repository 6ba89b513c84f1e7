"""IMO check digits and identifier parsing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seawarden.watchlist import imo_check_digit_ok, parse_imo, parse_mmsi


@pytest.mark.parametrize("imo", [9329760, 9224984, 9179842, 9074729])
def test_real_imos_pass_the_check_digit(imo: int) -> None:
    assert imo_check_digit_ok(imo)


@pytest.mark.parametrize("imo", [9329761, 9224985, 1234568, 0, 123456, 12345678])
def test_wrong_or_malformed_imos_fail(imo: int) -> None:
    assert not imo_check_digit_ok(imo)


@given(st.integers(100_000, 999_999))
def test_exactly_one_check_digit_is_valid(prefix: int) -> None:
    assert sum(imo_check_digit_ok(prefix * 10 + d) for d in range(10)) == 1


@given(st.integers(100_000, 999_999))
def test_check_digit_matches_the_published_rule(prefix: int) -> None:
    digits = [int(c) for c in str(prefix)]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    assert imo_check_digit_ok(prefix * 10 + check)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (9329760, 9329760),
        ("9329760", 9329760),
        ("IMO9329760", 9329760),
        ("IMO 9329760", 9329760),
        ("imo:9329760", 9329760),
        (" 9329760 ", 9329760),
        ("9329760.0", 9329760),
        (9329760.0, 9329760),
        ("9329761", 9329761),  # wrong check digit: parsed, flagged elsewhere
        ("", None),
        ("0", None),
        (0, None),
        ("93X9760", None),
        ("932976", None),
        ("93297600", None),
        (None, None),
        (True, None),
        ([9329760], None),
    ],
)
def test_parse_imo(value: object, expected: int | None) -> None:
    assert parse_imo(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (518998865, 518998865),
        ("518998865", 518998865),
        ("MMSI 518998865", 518998865),
        ("123456789", None),
        (111111111, None),
        (999999999, None),
        ("51899886", None),
        ("5189988650", None),
        ("abc", None),
        (0, None),
        (None, None),
    ],
)
def test_parse_mmsi(value: object, expected: int | None) -> None:
    assert parse_mmsi(value) == expected


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none()))
def test_parsers_never_raise(value: object) -> None:
    parse_imo(value)
    parse_mmsi(value)

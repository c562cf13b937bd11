"""French input: what a user types or pastes is read back (``french.input``), and what the
platform prints, its forms and imports accept back."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cotri.french_fields import FrenchDecimalField
from exchange.progress_files import parse_date, parse_decimal
from french import input as french_input
from french import output
from french.input import search_key


@pytest.mark.parametrize(
    "text",
    [
        "1500,5",
        "1500.5",
        "1 500,5",
        "1\u00a0500,5",
        "1\u202f500,5",
        "1\u2009500,5",
        " 1 500,50 ",
        "1 500.5",
        "0001500,500",
    ],
)
def test_every_french_way_of_typing_a_number_is_read(text):
    assert french_input.parse_decimal(text) == D("1500.5")


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", D("12")), (",5", D("0.5")), ("1 234 567", D("1234567")), ("0", D("0"))],
)
def test_other_numbers(text, value):
    assert french_input.parse_decimal(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,500,5", "1.500,5", "1 5", "12 34", "1e3", "NaN", "Infinity", "--1", "1,2,3"],
)
def test_what_is_not_a_number_is_refused_with_the_text(text):
    with pytest.raises(ValueError, match="nombre invalide"):
        french_input.parse_decimal(text)


def test_negative_values_are_refused_unless_allowed():
    with pytest.raises(ValueError, match="positive ou nulle"):
        french_input.parse_decimal("-3")
    assert french_input.parse_decimal("-1 500,5", allow_negative=True) == D("-1500.5")


@pytest.mark.parametrize(
    ("text", "day"),
    [("31/12/2023", datetime.date(2023, 12, 31)), ("2023-12-31", datetime.date(2023, 12, 31))],
)
def test_dates(text, day):
    assert french_input.parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2023", "2023/12/31", "demain", ""])
def test_bad_dates(text):
    with pytest.raises(ValueError, match="date invalide"):
        french_input.parse_date(text)


def test_the_file_import_uses_the_same_rules():
    assert parse_decimal is french_input.parse_decimal
    assert parse_date is french_input.parse_date


decimals = st.decimals(min_value=0, max_value=D("999999999999.9999"), places=4)


@given(decimals)
def test_what_the_platform_prints_it_reads_back(value):
    for shown in (output.format_number(value), output.format_number_input(value)):
        assert french_input.parse_decimal(shown) == value
        assert FrenchDecimalField(max_digits=16, decimal_places=4).clean(shown) == value


def test_the_form_field_shows_no_trailing_zeros_and_explains_errors():
    field = FrenchDecimalField(max_digits=16, decimal_places=4, min_value=0)
    assert field.prepare_value(D("12.5000")) == "12,5"
    assert field.prepare_value(D("1500.0000")) == "1500"
    assert field.clean("1\u202f500,5") == D("1500.5")
    with pytest.raises(Exception, match="Saisissez un nombre"):
        field.clean("douze")


@pytest.mark.parametrize("text", ["1500,5", "1 500,5", "1\u00a0500,5", "1\u202f500,5", "1500.5"])
def test_the_admin_imports_read_numbers_with_the_same_rules(text):
    from territories.resources import parse_french_decimal

    assert parse_french_decimal(text) == D("1500.5")


def test_the_admin_imports_keep_spreadsheet_cells_and_refuse_the_rest():
    from territories.resources import parse_french_decimal

    assert parse_french_decimal(0.1) == D("0.1")
    assert parse_french_decimal(1500) == D("1500")
    assert parse_french_decimal("  ") is None
    for bad in ("1 5", "douze", "1.500,5"):
        with pytest.raises(ValueError, match="nombre invalide"):
            parse_french_decimal(bad)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Guînes", "guines"),
        ("GUÎNES", "guines"),
        ("  Ardres ", "ardres"),
        ("SAINT-OMER", "saint omer"),
        ("Région d’Audruicq", "region d audruicq"),
        ("Région d'Audruicq", "region d audruicq"),
        ("Œuf-en-Ternois", "oeuf en ternois"),
        ("Ørsted", "ørsted"),  # no fold known: kept
        ("", ""),
    ],
)
def test_search_key_folds_accents_case_hyphens_and_apostrophes(typed, key):
    assert search_key(typed) == key

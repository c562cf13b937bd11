"""French output: one module prints every number and date a user reads (``french.output``)."""

import datetime
from decimal import Decimal as D

import pytest

from french import output
from french.output import of_territory

UTC = datetime.UTC
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("12.5000"), "12,5"),
        (D("1500.0000"), f"1{NNBSP}500"),
        (D("1234567.891"), f"1{NNBSP}234{NNBSP}567,891"),
        (D("0"), "0"),
        (D("0.0000"), "0"),
        (D("-1500.50"), f"-1{NNBSP}500,5"),
        (D("1E+3"), f"1{NNBSP}000"),
        (152371, f"152{NNBSP}371"),
        (999, "999"),
    ],
)
def test_numbers_are_grouped_without_trailing_zeros(value, text):
    assert output.format_number(value) == text


@pytest.mark.parametrize(("value", "text"), [(2021, "2021"), (20210, "20210"), (D("2022"), "2022")])
def test_years_codes_and_ids_are_never_grouped(value, text):
    assert output.format_year(value) == text


def test_edit_forms_show_numbers_ungrouped_with_a_comma():
    assert output.format_number_input(D("1500.5000")) == "1500,5"
    assert output.format_number_input(D("12.0000")) == "12"


def test_money_rates_thresholds():
    assert output.format_euros(D("422371")) == f"422{NNBSP}371{NBSP}€"
    assert output.format_euros(D("152371.5")) == f"152{NNBSP}371,50{NBSP}€"
    assert output.format_rate(D("0.81333")) == "81,3 %"
    assert output.format_threshold(D("0.6000")) == "60 %"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        output.format_number(12.5)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 action"),
        (1, "1 action"),
        (2, "2 actions"),
        (3, "3 actions"),
        (1234, "1\u202f234 actions"),
    ],
)
def test_counted_labels_agree(count, text):
    assert output.format_count(count, "action") == text


# Instants: what a user in France lives. Winter is UTC+1, summer UTC+2; the clocks change on the
# last Sundays of March (02:00 → 03:00) and October (03:00 → 02:00).
@pytest.mark.parametrize(
    ("instant", "day", "shown"),
    [
        # 00:03 in Paris on 30/11/2026 is 23:03 UTC the day before.
        (datetime.datetime(2026, 11, 29, 23, 3, tzinfo=UTC), "30/11/2026", "30/11/2026 à 00:03"),
        (datetime.datetime(2026, 11, 29, 22, 59, tzinfo=UTC), "29/11/2026", "29/11/2026 à 23:59"),
        # Summer: 22:30 UTC is already the next day in Paris.
        (datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC), "01/07/2026", "01/07/2026 à 00:30"),
        # New year: a decision at 23:30 UTC on 31/12 is dated in the next year.
        (datetime.datetime(2023, 12, 31, 23, 30, tzinfo=UTC), "01/01/2024", "01/01/2024 à 00:30"),
        # Spring forward (29/03/2026): 01:30 UTC is 03:30 in Paris.
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29/03/2026", "29/03/2026 à 03:30"),
        # Fall back (25/10/2026): 00:30 and 01:30 UTC both read 02:30.
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25/10/2026", "25/10/2026 à 02:30"),
        (datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25/10/2026", "25/10/2026 à 02:30"),
        (datetime.datetime(2026, 10, 24, 22, 30, tzinfo=UTC), "25/10/2026", "25/10/2026 à 00:30"),
    ],
)
def test_instants_are_dated_in_paris(instant, day, shown):
    assert output.format_date(instant) == day
    assert output.format_datetime(instant) == shown
    assert output.local_date(instant).strftime("%d/%m/%Y") == day


def test_machine_files_carry_the_paris_offset():
    winter = datetime.datetime(2026, 11, 29, 23, 3, tzinfo=UTC)
    summer = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
    assert output.format_iso_instant(winter) == "2026-11-30T00:03:00+01:00"
    assert output.format_iso_instant(summer) == "2026-07-01T00:30:00+02:00"
    assert output.format_iso_date(winter) == "2026-11-30"


def test_plain_dates_are_not_shifted():
    assert output.format_date(datetime.date(2023, 12, 31)) == "31/12/2023"
    assert output.format_date(datetime.date(5, 1, 2)) == "02/01/0005"


@pytest.mark.parametrize(
    ("rank", "count", "tied", "expected"),
    [
        (1, 7, False, "1ᵉʳ sur 7"),
        (3, 7, False, "3ᵉ sur 7"),
        (2, 3, True, "2ᵉ ex aequo sur 3"),
        (1204, 3000, False, "1\u202f204ᵉ sur 3\u202f000"),
        (12, 3000, True, "12ᵉ ex aequo sur 3\u202f000"),
    ],
)
def test_format_rank(rank, count, tied, expected):
    assert output.format_rank(rank, count, tied=tied) == expected


@pytest.mark.parametrize("rank", [0, -1, True, D(2)])
def test_format_rank_refuses_what_is_not_a_place(rank):
    with pytest.raises(ValueError):
        output.format_rank(rank, 3)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pays du Calaisis", "du Pays du Calaisis"),
        ("CC de la Région d’Audruicq", "de la CC de la Région d’Audruicq"),
        ("Métropole Européenne de Lille", "de la Métropole Européenne de Lille"),
        ("SCoT Sambre-Avesnois", "du SCoT Sambre-Avesnois"),
        ("Parc naturel régional de l’Avesnois", "du Parc naturel régional de l’Avesnois"),
        ("Le Touquet-Paris-Plage", "du Touquet-Paris-Plage"),
        ("Les Weppes", "des Weppes"),
        ("La Capelle", "de La Capelle"),
        ("Ardres", "d’Ardres"),
        ("Hesdin", "d’Hesdin"),
        ("Calais", "de Calais"),
    ],
)
def test_of_territory_contracts_the_article(name, expected):
    assert of_territory(name) == expected

"""The admin in French formats: numbers without trailing zeros in lists, forms and titles, years
and ids never grouped, instants in Paris, titles in correct French (issue 12, item 4)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TerritoryFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "shown", "typed"),
    [
        (Decimal("12.5"), "12,5", "12,5"),
        (Decimal("1500"), f"1{NNBSP}500", "1500"),
        (Decimal("1234.25"), f"1{NNBSP}234,25", "1234,25"),
    ],
)
def test_entries_show_their_values_the_french_way(officer_client, value, shown, typed):
    entry = ProgressEntryFactory(value=value, status=EntryStatus.DRAFT)

    changelist = officer_client.get(reverse("admin:indicators_progressentry_changelist"))
    change = officer_client.get(reverse("admin:indicators_progressentry_change", args=[entry.pk]))

    listed = changelist.content.decode()
    assert f'<td class="field-value">{shown}</td>' in listed
    assert '<td class="field-value">3,75</td>' in listed  # officers list every contract's entries
    assert ".0000" not in listed and ",0000" not in listed
    form = change.content.decode()
    assert f'name="value" value="{typed}"' in form
    assert f"{entry.indicator} : {shown} au 31/12/2021" in form  # the object's title
    assert str(entry) == f"{entry.indicator} : {shown} au 31/12/2021"


@pytest.mark.parametrize("typed", ["1 500,5", "1\u00a0500,5", f"1{NNBSP}500,5", "1500.5"])
def test_the_admin_form_reads_french_numbers(officer_client, typed, neighbour):
    entry = ProgressEntryFactory(value=Decimal("10"), status=EntryStatus.DRAFT)
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])
    data = {
        "indicator": entry.indicator_id,
        "date": "31/12/2021",
        "value": typed,
        "comment": "",
        "author": "",
        "loaded_version": entry.version,
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }

    response = officer_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.value == Decimal("1500.5")
    neighbour.assert_unchanged()  # the form saved this entry only


def test_indicator_targets_show_no_trailing_zeros_in_the_objective_inline(officer_client):
    indicator = IndicatorFactory(target=Decimal("1500.0000"), baseline=Decimal("12.5000"))
    url = reverse("admin:indicators_objective_change", args=[indicator.objective.pk])

    page = officer_client.get(url).content.decode()

    assert 'value="1500"' in page and 'value="12,5"' in page
    assert "1500.0000" not in page and "12.5000" not in page


def test_years_are_never_grouped_and_populations_are(officer_client):
    TerritoryFactory(code="62041", name="Arras", population=41_555, population_vintage=2022)

    page = officer_client.get(reverse("admin:territories_territory_changelist")).content.decode()

    assert f"41{NNBSP}555" in page
    assert ">2022<" in page
    assert "2 022" not in page and f"2{NNBSP}022" not in page and "2\u00a0022" not in page


def test_instants_are_shown_in_paris(officer_client):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED)
    ProgressEntry.objects.filter(pk=entry.pk).update(
        submitted_at=datetime.datetime(2026, 11, 29, 23, 3, tzinfo=datetime.UTC)
    )

    page = officer_client.get(
        reverse("admin:indicators_progressentry_change", args=[entry.pk])
    ).content.decode()

    assert "30/11/2026 à 00:03" in page


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (lambda: reverse("admin:indicators_objective_add"), "Ajout d'un objectif"),
        (
            lambda: reverse("admin:indicators_objective_change", args=[ObjectiveFactory().pk]),
            "Modification de l'objectif",
        ),
        (
            lambda: reverse("admin:contracts_contract_change", args=[ContractFactory().pk]),
            "Modification du contrat",
        ),
        (
            lambda: reverse(
                "admin:indicators_progressentry_change", args=[ProgressEntryFactory().pk]
            ),
            "Modification de la saisie d'avancement",
        ),
        (
            lambda: reverse("admin:funding_tranche_add"),
            "Ajout d'une tranche de financement",
        ),
        (
            lambda: reverse("admin:funding_tranche_change", args=[TrancheFactory().pk]),
            "Modification de la tranche de financement",
        ),
    ],
)
def test_page_titles_are_correct_french(officer_client, url, title):
    page = officer_client.get(url()).content.decode().replace("&#x27;", "'")

    assert f"<h1>{title}</h1>" in page

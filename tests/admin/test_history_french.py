"""History pages in French: deleted related objects, local times, status labels, no « None »."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import Indicator
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)

UTC = datetime.UTC


def _history(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return client.get(url)


def _version(client, obj, version):
    opts = obj._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )
    return client.get(url)


def test_an_entry_moved_off_a_deleted_indicator_keeps_a_readable_history(officer_client, neighbour):
    entry = ProgressEntryFactory(value=Decimal("12.5"))
    old = entry.indicator
    old_pk = old.pk
    other = IndicatorFactory(objective=old.objective)
    entry.indicator = other
    entry.save()
    Indicator.objects.filter(pk=old_pk).delete()

    response = _history(officer_client, entry)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"indicateur supprimé (n° {old_pk})" in page
    assert "12,5" in page and "12.5000" not in page
    neighbour.assert_absent(page)  # this entry's history only
    oldest = entry.history.earliest("history_date")
    assert _version(officer_client, entry, oldest).status_code == 200


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ContractFactory(), "territory"),
        (lambda: ContractFactory(), "programme"),
        (lambda: ObjectiveFactory(), "contract"),
        (lambda: ObjectiveFactory(), "incontournable"),
        (lambda: IndicatorFactory(), "objective"),
        (lambda: ProgressEntryFactory(), "indicator"),
        (lambda: TrancheFactory(), "contract"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_every_model_with_history_survives_a_deleted_related_row(
    officer_client, neighbour, make, field
):
    obj = make()
    model = type(obj)
    fk = model._meta.get_field(field)
    missing = 987654
    # An old version points at a row that no longer exists (deleted since).
    model.history.filter(id=obj.pk).update(**{fk.attname: missing})
    obj.save()  # a newer version, pointing at the live row: the change lists the deleted one

    response = _history(officer_client, obj)

    assert response.status_code == 200
    assert f"{fk.verbose_name} supprimé" in response.content.decode()
    assert f"(n° {missing})" in response.content.decode()
    neighbour.assert_absent(response.content)
    oldest = obj.history.earliest("history_date")
    assert _version(officer_client, obj, oldest).status_code == 200


def test_history_lists_local_times_status_labels_and_no_none(officer_client, officer, neighbour):
    entry = ProgressEntryFactory(status=EntryStatus.DRAFT, value=Decimal("10"))
    record = entry.history.get()
    # 23:03 UTC on 29/11 is 00:03 in Paris on 30/11.
    entry.history.filter(pk=record.pk).update(
        history_date=datetime.datetime(2026, 11, 29, 23, 3, tzinfo=UTC)
    )
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = datetime.datetime(2026, 11, 29, 22, 58, tzinfo=UTC)
    entry.value = Decimal("1500.5")
    entry._history_user = officer
    entry.save()

    page = _history(officer_client, entry).content.decode()

    assert "30/11/2026 à 00:03" in page
    assert "30/11/2026 à 23:58" not in page and "29/11/2026 à 23:58" in page
    assert "Brouillon" in page and "Soumise" in page
    assert "draft" not in page and "submitted" not in page
    assert "None" not in page
    assert "+00:00" not in page
    assert "1\u202f500,5" in page
    assert "Date et heure" in page and "Modifications" in page
    neighbour.assert_absent(page)


def test_contract_history_is_french(officer_client, neighbour):
    contract = ContractFactory(population=152371, population_vintage=2021)
    contract.population = 157976
    contract.save()

    page = _history(officer_client, contract).content.decode()

    assert "152\u202f371" in page and "157\u202f976" in page
    assert "None" not in page
    neighbour.assert_absent(page)

"""Progress entries edited in the admin: status changes are logged, evidence is described."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, Evidence
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)


def _entry_form(entry, **changes):
    data = {
        "indicator": entry.indicator_id,
        "date": entry.date.strftime("%d/%m/%Y"),
        "value": str(entry.value),
        "comment": entry.comment,
        "status": entry.status,
        "review_note": "",
        "author": "",
        "reviewer": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_validating_an_entry_in_the_admin_logs_the_transition(officer_client, officer):
    entry = ProgressEntryFactory(status=EntryStatus.SUBMITTED, value=Decimal("12.5"))
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])

    response = officer_client.post(url, _entry_form(entry, status=EntryStatus.VALIDATED))

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.status == EntryStatus.VALIDATED
    assert (entry.reviewer, entry.version) == (officer, 2)
    transition = EntryTransition.objects.get(entry=entry)
    assert (transition.from_status, transition.to_status, transition.by) == (
        EntryStatus.SUBMITTED,
        EntryStatus.VALIDATED,
        officer,
    )
    assert entry.history.latest("history_date").history_user == officer


def test_an_uploaded_evidence_file_keeps_its_name_size_and_uploader(officer_client, officer):
    entry = ProgressEntryFactory()
    url = reverse("admin:indicators_progressentry_change", args=[entry.pk])
    data = _entry_form(
        entry,
        **{
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-file": SimpleUploadedFile("bilan 2021.pdf", b"%PDF-1.4 bilan"),
        },
    )

    response = officer_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    evidence = Evidence.objects.get(entry=entry)
    assert evidence.original_name.startswith("bilan")
    assert evidence.size == len(b"%PDF-1.4 bilan")
    assert evidence.uploaded_by == officer


@pytest.mark.parametrize(
    "make",
    [
        lambda: ContractFactory(),
        lambda: ObjectiveFactory(),
        lambda: IndicatorFactory(),
        lambda: ProgressEntryFactory(),
        lambda: TrancheFactory(),
    ],
    ids=["contrat", "objectif", "indicateur", "saisie", "tranche"],
)
def test_officers_read_the_history_of_an_object(officer_client, make):
    obj = make()
    opts = obj._meta
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])

    response = officer_client.get(history)

    assert response.status_code == 200
    version = obj.history.get()
    response = officer_client.get(
        reverse(
            f"admin:{opts.app_label}_{opts.model_name}_simple_history",
            args=[obj.pk, version.history_id],
        )
    )
    assert response.status_code == 200


def test_the_contract_page_costs_the_same_with_more_objectives(officer_client):
    contract = ContractFactory(start=datetime.date(2021, 1, 1))
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            assert officer_client.get(url).status_code == 200
        return len(context.captured_queries)

    ObjectiveFactory.create_batch(3, contract=contract)
    few = count()
    ObjectiveFactory.create_batch(6, contract=contract)
    assert count() == few

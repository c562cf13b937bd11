"""Validating or returning N entries in one action: one transaction, all or none, a bounded number
of queries, one e-mail per recipient, one task per action (one evaluation and one fiche render per
contract), after the response."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.enums import MembershipRole
from cotri.public import tasks as fiche_tasks
from funding.evaluations import service as evaluation_service
from funding.models import Evaluation
from funding.tasks import enqueue_contract_evaluation
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import EntriesRefused, entries_review, entry_validate
from tests.espace.conftest import _member
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory


def _submitted(contracts: int, per_contract: int, *, author=None) -> list[ProgressEntry]:
    entries = []
    for _ in range(contracts):
        contract = ContractFactory()
        indicator = IndicatorFactory(objective=ObjectiveFactory(contract=contract, priority=True))
        entries += [
            ProgressEntry.objects.create(
                indicator=indicator,
                author=author,
                date=datetime.date(2022, month, 28),
                value=Decimal(month),
                status=EntryStatus.SUBMITTED,
            )
            for month in range(1, per_contract + 1)
        ]
    return entries


def _queries_to_validate(entries, officer) -> int:
    with CaptureQueriesContext(connection) as queries:
        outcome = entries_review(
            entry_ids=[e.pk for e in entries], by=officer, to_status=EntryStatus.VALIDATED
        )
    assert len(outcome.reviewed) == len(entries)
    return len(queries)


@pytest.mark.parametrize(("contracts", "per_contract"), [(1, 2), (3, 4), (6, 5)])
def test_bulk_validation_needs_the_same_queries_whatever_the_number(
    db, officer, contracts, per_contract
):
    baseline = _queries_to_validate(_submitted(1, 1), officer)
    assert _queries_to_validate(_submitted(contracts, per_contract), officer) == baseline
    assert baseline <= 12


def test_bulk_review_writes_history_transitions_and_versions(db, officer, neighbour):
    entries = _submitted(2, 3)
    outcome = entries_review(
        entry_ids=[e.pk for e in entries],
        by=officer,
        to_status=EntryStatus.RETURNED,
        note="Joindre le justificatif.",
    )
    assert len(outcome.reviewed) == 6
    for entry in ProgressEntry.objects.filter(pk__in=[e.pk for e in entries]):
        assert entry.status == EntryStatus.RETURNED and entry.version == 2
        assert entry.reviewer == officer and entry.review_note == "Joindre le justificatif."
        latest = entry.history.first()
        assert latest.status == EntryStatus.RETURNED and latest.history_user == officer
    # One history row per entry for the review, by the officer, at the same moment.
    reviews = ProgressEntry.history.filter(history_user=officer, history_type="~")
    assert sorted(reviews.values_list("id", flat=True)) == sorted(e.pk for e in entries)
    assert reviews.values("history_date").distinct().count() == 1
    transitions = EntryTransition.objects.filter(entry__in=entries)
    assert {(t.from_status, t.to_status, t.by_id) for t in transitions} == {
        (EntryStatus.SUBMITTED, EntryStatus.RETURNED, officer.pk)
    }
    assert transitions.count() == 6
    neighbour.assert_unchanged()


def test_one_entry_not_submitted_or_changed_meanwhile_refuses_the_whole_action(db, officer):
    first, second, third = _submitted(1, 3)
    ProgressEntry.objects.filter(pk=first.pk).update(status=EntryStatus.VALIDATED)
    ProgressEntry.objects.filter(pk=second.pk).update(version=5)
    before = list(ProgressEntry.objects.order_by("pk").values())
    history = ProgressEntry.history.count()
    with pytest.raises(EntriesRefused) as refused:
        entries_review(
            entry_ids=[first.pk, second.pk, third.pk],
            by=officer,
            to_status=EntryStatus.VALIDATED,
            expected_versions={second.pk: 1},
        )
    assert [entry.pk for entry, _error in refused.value.refused] == [first.pk, second.pk]
    label, contract = first.indicator.label, first.indicator.objective.contract.reference
    first_line, second_line = refused.value.messages
    assert first_line.startswith(f"Saisie « {label} » au 28/01/2022 ({contract}) : ")
    assert "ne peut pas passer au statut" in first_line
    assert second_line.startswith(f"Saisie « {label} » au 28/02/2022 ({contract}) : ")
    assert "modifiée par" in second_line
    # Nothing half-saved: not the third entry either, no history, no transition.
    assert list(ProgressEntry.objects.order_by("pk").values()) == before
    assert ProgressEntry.history.count() == history
    assert not EntryTransition.objects.exists()


def test_a_return_without_note_changes_nothing(db, officer, neighbour):
    entries = _submitted(1, 2)
    with pytest.raises(ValidationError, match="doit corriger"):
        entries_review(
            entry_ids=[e.pk for e in entries], by=officer, to_status=EntryStatus.RETURNED, note=" "
        )
    statuses = ProgressEntry.objects.filter(pk__in=[e.pk for e in entries])
    assert set(statuses.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}
    neighbour.assert_unchanged()


def test_one_email_per_recipient_summing_up_their_entries(
    db, officer, django_user_model, django_capture_on_commit_callbacks
):
    entries = _submitted(2, 2)
    territories = [e.indicator.objective.contract.territory for e in entries[::2]]
    chef_1 = _member(django_user_model, "chef1", territories[0], MembershipRole.PROJECT_LEAD)
    _member(django_user_model, "chef2", territories[1], MembershipRole.PROJECT_LEAD)
    both = _member(django_user_model, "both", territories[1], MembershipRole.PROJECT_LEAD)
    both.project_memberships.create(territory=territories[0], role=MembershipRole.PROJECT_LEAD)
    ProgressEntry.objects.filter(pk=entries[0].pk).update(author=chef_1)
    with django_capture_on_commit_callbacks(execute=True):
        entries_review(
            entry_ids=[e.pk for e in entries], by=officer, to_status=EntryStatus.VALIDATED
        )
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == ["both@example.org", "chef1@example.org", "chef2@example.org"]
    assert sent["both@example.org"].subject == "[cotri] 4 saisies validées"
    assert sent["chef1@example.org"].subject == "[cotri] 2 saisies validées"
    for contract in {e.indicator.objective.contract.reference for e in entries}:
        assert contract in sent["both@example.org"].body


def test_a_chef_cannot_review(db, chef_a, submitted_a):
    with pytest.raises(Exception, match="Seuls les agents"):
        entry_validate(entry=submitted_a, by=chef_a)


@pytest.fixture
def renders(monkeypatch):
    """Every fiche PDF actually rendered, by contract id (the real renderer runs)."""
    done: list[int] = []
    real = fiche_tasks.contract_render_fiche_pdf

    def spy(*, contract, **kwargs):
        done.append(contract.pk)
        return real(contract=contract, **kwargs)

    monkeypatch.setattr(fiche_tasks, "contract_render_fiche_pdf", spy)
    return done


@pytest.fixture
def evaluations(monkeypatch):
    done: list[int] = []
    real = evaluation_service.contract_evaluate

    def spy(*, contract, **kwargs):
        done.append(contract.pk)
        return real(contract=contract, **kwargs)

    monkeypatch.setattr("funding.tasks.contract_evaluate", spy)
    return done


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_queue_validation_evaluates_and_renders_each_contract_once(
    client, officer, renders, evaluations, neighbour
):
    # Real commits: the evaluations and renders are enqueued by the request and, Celery being
    # eager, run once its response is closed.
    entries = _submitted(3, 4)
    client.force_login(officer)
    renders.clear(), evaluations.clear()  # the set-up's own commits rendered and evaluated
    response = client.post(
        reverse("espace:queue"),
        {"entries": [e.pk for e in entries], "action": "validate", "note": ""},
    )
    assert response.status_code == 302
    contract_ids = {e.indicator.objective.contract_id for e in entries}
    assert sorted(evaluations) == sorted(contract_ids)
    assert sorted(renders) == sorted(contract_ids)
    latest = {e.contract_id: e for e in Evaluation.objects.filter(contract_id__in=contract_ids)}
    assert len(latest) == 3
    neighbour.assert_unchanged()


def test_eager_tasks_enqueued_by_a_request_run_after_its_response(db):
    contract = ContractFactory()
    # As the test client does: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None, environ={})
        try:
            enqueue_contract_evaluation(contract.pk, countdown=0)
            assert not Evaluation.objects.filter(contract=contract).exists()  # not yet
        finally:
            request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert Evaluation.objects.filter(contract=contract).count() == 1
    # Outside a request, eager tasks run at once as before.
    enqueue_contract_evaluation(ContractFactory().pk, countdown=0)
    assert Evaluation.objects.count() == 2

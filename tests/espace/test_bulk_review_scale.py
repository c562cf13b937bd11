"""Bulk review at scale (issue 17 item 5): the officer's action costs the same whatever the
number of entries and contracts, sends one task for the whole action, marks every contract's
evaluation inputs as changed in bulk, and refuses whole (nothing half-saved) with a French message
naming the entry when one entry may not be reviewed."""

import datetime
from decimal import Decimal

import pytest
from celery.signals import after_task_publish
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.enums import MembershipRole
from contracts.models import Programme
from cotri import tasks as cotri_tasks
from cotri.celery import app
from funding.models import Evaluation, EvaluationInputs
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import OWN_ENTRY_MESSAGE, EntriesRefused, entries_review
from tests.espace.conftest import _member
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgrammeFactory,
    TerritoryFactory,
)
from tests.worker.conftest import _reset_connections

pytestmark = pytest.mark.django_db


def _submitted(contracts: int, entries: int, *, author=None, **contract) -> list[ProgressEntry]:
    """``entries`` submitted entries spread over ``contracts`` contracts (one indicator each)."""
    indicators = [
        IndicatorFactory(
            objective=ObjectiveFactory(contract=ContractFactory(**contract), priority=True)
        )
        for _ in range(contracts)
    ]
    start = datetime.date(2021, 1, 1)
    return ProgressEntry.objects.bulk_create(
        ProgressEntry(
            indicator=indicators[n % contracts],
            author=author,
            date=start + datetime.timedelta(days=n),
            value=Decimal(n + 1),
            status=EntryStatus.SUBMITTED,
        )
        for n in range(entries)
    )


@pytest.fixture
def sent():
    """Tasks actually published to a broker (in-memory: never consumed), as (name, args)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="memory://", task_always_eager=False)
    _reset_connections()
    published: list[tuple[str, list]] = []

    def record(sender=None, headers=None, body=None, **kwargs):
        published.append((headers["task"], list(body[0])))

    after_task_publish.connect(record, weak=False)
    yield published
    after_task_publish.disconnect(record)
    app.conf.update(saved)
    _reset_connections()


def _review_and_commit(entries, officer, capture, **kwargs) -> int:
    """Queries of one action, its after-commit work included (marks, enqueuing)."""
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        entries_review(
            entry_ids=[e.pk for e in entries],
            by=officer,
            to_status=kwargs.pop("to_status", EntryStatus.VALIDATED),
            **kwargs,
        )
    return len(queries)


def test_the_query_budget_is_the_same_for_10_or_200_entries_over_1_or_5_contracts(
    officer, sent, django_capture_on_commit_callbacks
):
    counts = {
        (entries, contracts): _review_and_commit(
            _submitted(contracts, entries), officer, django_capture_on_commit_callbacks
        )
        for entries in (10, 200)
        for contracts in (1, 5)
    }
    assert len(set(counts.values())) == 1, counts
    assert counts[(10, 1)] <= 12
    assert len(sent) == 4  # one task per action


def test_one_task_is_sent_per_action_carrying_its_contracts(
    officer, sent, django_capture_on_commit_callbacks
):
    entries = _submitted(5, 40)
    sent.clear()  # the set-up's own saves scheduled theirs
    _review_and_commit(entries, officer, django_capture_on_commit_callbacks)
    contract_ids = sorted({e.indicator.objective.contract_id for e in entries})
    assert sent == [(cotri_tasks.refresh_contracts.name, [contract_ids])]


def test_every_contracts_evaluation_inputs_are_marked_changed_after_the_commit(
    officer, sent, django_capture_on_commit_callbacks
):
    entries = _submitted(3, 6)
    contract_ids = {e.indicator.objective.contract_id for e in entries}
    EvaluationInputs.objects.filter(contract_id__in=contract_ids).delete()
    existing = ContractFactory()  # not in the action: left alone
    EvaluationInputs.objects.create(contract=existing, changed_at=None)
    _review_and_commit(entries, officer, django_capture_on_commit_callbacks)
    marks = EvaluationInputs.objects.filter(contract_id__in=contract_ids)
    assert marks.count() == 3 and not marks.filter(changed_at__isnull=True).exists()
    assert EvaluationInputs.objects.get(contract=existing).changed_at is None


@pytest.mark.parametrize("to_status", [EntryStatus.VALIDATED, EntryStatus.RETURNED])
def test_one_email_per_recipient_however_many_entries(
    officer, django_user_model, sent, django_capture_on_commit_callbacks, to_status
):
    entries = _submitted(2, 30)
    territories = {e.indicator.objective.contract.territory for e in entries}
    chefs = [
        _member(django_user_model, f"chef{n}", territory, MembershipRole.PROJECT_LEAD)
        for n, territory in enumerate(sorted(territories, key=lambda t: t.pk))
    ]
    _review_and_commit(
        entries, officer, django_capture_on_commit_callbacks, to_status=to_status, note="Voir"
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in chefs)
    what = "validées" if to_status == EntryStatus.VALIDATED else "à corriger"
    assert {m.subject for m in mail.outbox} == {f"[cotri] 15 saisies {what}"}


def test_ones_own_entry_refuses_the_whole_action_naming_it(
    officer, sent, django_capture_on_commit_callbacks
):
    others = _submitted(2, 6)
    (own,) = _submitted(1, 1, author=officer)
    sent.clear()
    before = list(ProgressEntry.objects.order_by("pk").values())
    history = ProgressEntry.history.count()
    with pytest.raises(EntriesRefused) as refused, django_capture_on_commit_callbacks(execute=True):
        entries_review(
            entry_ids=[e.pk for e in [*others, own]], by=officer, to_status=EntryStatus.VALIDATED
        )
    reference = own.indicator.objective.contract.reference
    assert refused.value.messages == [
        f"Saisie « {own.indicator.label} » au 01/01/2021 ({reference}) : {OWN_ENTRY_MESSAGE}"
    ]
    assert list(ProgressEntry.objects.order_by("pk").values()) == before
    assert ProgressEntry.history.count() == history
    assert not EntryTransition.objects.exists()
    assert sent == [] and mail.outbox == []


def test_the_queue_refuses_the_whole_action_in_french(client, officer):
    others = _submitted(1, 2)
    (own,) = _submitted(1, 1, author=officer)
    client.force_login(officer)
    response = client.post(
        reverse("espace:queue"),
        {"entries": [e.pk for e in [*others, own]], "action": "validate", "note": ""},
        follow=True,
    )
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "Aucune des 3 saisies choisies n'a été validée" in page
    assert f"Saisie « {own.indicator.label} » au 01/01/2021" in page
    chosen = ProgressEntry.objects.filter(pk__in=[e.pk for e in [*others, own]])
    assert set(chosen.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_refresh_task_splits_in_chunks_and_evaluates_each_contract_once(monkeypatch, officer):
    entries = _submitted(3, 6)
    contract_ids = sorted({e.indicator.objective.contract_id for e in entries})
    Evaluation.objects.all().delete()
    monkeypatch.setattr(cotri_tasks, "REFRESH_CHUNK", 2)
    assert cotri_tasks.refresh_contracts.apply((contract_ids,)).get() == 0  # split: 2 + 1
    evaluated = sorted(Evaluation.objects.values_list("contract_id", flat=True))
    assert evaluated == contract_ids


def _queue(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("espace:queue"), params)
    assert response.status_code == 200
    return len(queries), response


def test_the_queue_costs_the_same_queries_whatever_the_number_of_territories(
    client, officer, neighbour
):
    programme = ProgrammeFactory()
    _submitted(2, 4, programme=programme)
    client.force_login(officer)
    small, _ = _queue(client, programme=programme.pk)
    _submitted(40, 250, programme=programme)
    large, response = _queue(client, programme=programme.pk)
    assert small == large <= 12
    page = response.content.decode()
    # No list of territories: a search field (only the programme is a list, of programmes).
    assert page.count("<option") == Programme.objects.count() + 1  # and « --------- »
    assert 'type="search" name="q"' in page
    assert "100 saisies" not in page and "254 saisies soumises" in page  # paginated: 3 pages
    assert len(response.context["entries"]) == 100
    neighbour.assert_absent(response.content)  # another programme's entries


def test_the_queue_search_finds_a_territory_by_name_or_code_or_a_contract(client, officer):
    names = ["Béthune-Bruay", "Pays du Calaisis", "Pévèle Carembault"]
    entries = [
        _submitted(1, 1, territory=TerritoryFactory(name=name, code=f"20004{n:04d}"))[0]
        for n, name in enumerate(names)
    ]
    calaisis = entries[1]
    contract = calaisis.indicator.objective.contract
    client.force_login(officer)
    for text in ("calaisis", "200040001", contract.reference.lower(), "  du Cal "):
        _, response = _queue(client, q=text)
        assert {e.pk for e in response.context["entries"]} == {calaisis.pk}, text
    _, by_id = _queue(client, territory=contract.territory_id)  # a link naming the territory
    assert {e.pk for e in by_id.context["entries"]} == {calaisis.pk}
    assert "Territoire : Pays du Calaisis" in by_id.content.decode()
    _, nothing = _queue(client, q="Lille")
    assert "Aucune saisie en attente de validation." in nothing.content.decode()

"""The officers' home: what waits for them, in a constant number of queries."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contracts.enums import ContractStatus
from funding.enums import TrancheKind, TrancheStatus
from funding.evaluations.service import contract_evaluate
from funding.models import Evaluation
from funding.tasks import lock_key
from indicators.enums import EntryStatus
from indicators.rules import format_euros_fr
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


def _contract(n: int, **kwargs):
    """A contract that evaluates cleanly: one priority objective with one indicator."""
    contract = ContractFactory(reference=f"COT-{n:02d}", bonus_priority_count=1, **kwargs)
    objective = ObjectiveFactory(contract=contract, code="O1", priority=True)
    return contract, IndicatorFactory(objective=objective, code="km")


def _page(client, officer):
    client.force_login(officer)
    return client.get(reverse("officers:home"))


def test_each_section_lists_what_waits(client, officer, neighbour):
    now = timezone.now()
    ok, ok_indicator = _contract(1)
    for days in (2, 9):  # one value per date
        entry = ProgressEntryFactory(
            indicator=ok_indicator,
            status=EntryStatus.SUBMITTED,
            date=datetime.date(2022, 1, days),
        )
        type(entry).objects.filter(pk=entry.pk).update(
            submitted_at=now - datetime.timedelta(days=days)
        )
    ProgressEntryFactory(indicator=ok_indicator, status=EntryStatus.RETURNED, reviewed_at=now)
    empty = ContractFactory(reference="COT-VIDE", bonus_priority_count=0)
    flat, flat_indicator = _contract(2)
    flat_indicator.target = flat_indicator.baseline
    flat_indicator.save()
    TrancheFactory(contract=ok, label="Aide année 1", status=TrancheStatus.REQUESTED)
    TrancheFactory(contract=ok, label="Bonus année 3", kind=TrancheKind.BONUS, planned_amount=None)

    page = _page(client, officer).text

    # Officers see every territory: each count has the neighbour's one besides the test's.
    assert "Saisies soumises à valider (3)" in page
    assert page.index("9 jours") < page.index("2 jours")  # oldest first, with its age
    assert "Saisies renvoyées, pas encore corrigées (2)" in page
    # The neighbour's contract has one priority objective for the default rule's three.
    assert "Contrats avec une erreur de configuration (3)" in page
    assert f"{empty.reference}</a> (Brouillon) : aucun objectif" not in page  # status is active
    assert f"{empty.reference}</a> (En cours) : aucun objectif" in page
    assert f"{flat.reference}</a> (En cours) : un indicateur a une cible égale" in page
    # COT-01 ended 31/12/2023 with a bonus tranche and no decision.
    assert "Contrats terminés dont le bonus n’est pas décidé (2)" in page  # and VOISIN-1
    assert "COT-01</a> : fin le 31/12/2023" in page
    assert "Tranches demandées, pas encore versées (1)" in page
    assert format_euros_fr(Decimal("100000")) in page


def test_priority_count_different_from_the_rule_is_a_configuration_error(client, officer):
    contract, _ = _contract(1)
    contract.bonus_priority_count = 3
    contract.save()
    page = _page(client, officer).text
    assert "1 objectif prioritaire pour 3 attendus par la règle du bonus" in page


@pytest.fixture
def worker_behind(django_capture_on_commit_callbacks):
    """Commit changes while an evaluation of the contract already waits in the queue: the inputs
    are marked changed (as in production) and no new evaluation runs yet."""

    @contextlib.contextmanager
    def committing(contract):
        # The setup's callbacks stand for transactions committed before the snapshot was
        # taken; left pending, they would swallow the change's own (one per contract).
        connection.run_on_commit.clear()
        cache.add(lock_key(contract.pk), 1)  # the coalescing lock of a queued evaluation
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield
        finally:
            cache.delete(lock_key(contract.pk))

    return committing


STALE = "Évaluations à refaire : données modifiées depuis le calcul"


@pytest.mark.parametrize(
    "change",
    [
        lambda contract, indicator: (
            setattr(indicator, "target", Decimal("120")) or indicator.save()
        ),
        lambda contract, indicator: ProgressEntryFactory(
            indicator=indicator, status=EntryStatus.VALIDATED
        ),
        lambda contract, indicator: setattr(contract, "population", 99_000) or contract.save(),
    ],
    ids=["target", "validated-entry", "population"],
)
def test_an_evaluation_is_stale_once_its_inputs_change(client, officer, worker_behind, change):
    contract, indicator = _contract(1, status=ContractStatus.ACTIVE)
    contract_evaluate(contract=contract, as_of=datetime.date(2023, 12, 31))
    assert f"{STALE} (0)" in _page(client, officer).text
    with worker_behind(contract):
        change(contract, indicator)
    page = _page(client, officer).text
    assert f"{STALE} (1)" in page
    assert "COT-01</a> : évaluée le" in page
    # The same rule as « Décider »: the officers' home lists exactly the stale snapshots.
    assert Evaluation.objects.stale().filter(contract=contract).exists()
    contract_evaluate(contract=contract, as_of=datetime.date(2023, 12, 31))
    assert f"{STALE} (0)" in _page(client, officer).text


def test_a_draft_leaves_the_evaluation_fresh(client, officer, worker_behind):
    contract, indicator = _contract(1, status=ContractStatus.ACTIVE)
    contract_evaluate(contract=contract, as_of=datetime.date(2023, 12, 31))
    with worker_behind(contract):
        ProgressEntryFactory(indicator=indicator, status=EntryStatus.DRAFT)
    assert f"{STALE} (0)" in _page(client, officer).text


def _populate(start: int, n: int, worker_behind) -> None:
    now = timezone.now()
    for i in range(start, start + n):
        contract, indicator = _contract(10 + i)
        for month, status in enumerate((EntryStatus.SUBMITTED, EntryStatus.RETURNED), start=1):
            ProgressEntryFactory(
                indicator=indicator,
                status=status,
                submitted_at=now,
                date=datetime.date(2022, month, 28),
            )
        ContractFactory(reference=f"VIDE-{i}")
        TrancheFactory(contract=contract, status=TrancheStatus.REQUESTED)
        TrancheFactory(contract=contract, kind=TrancheKind.BONUS, planned_amount=None)
        contract_evaluate(contract=contract, as_of=datetime.date(2022, 12, 31))
        with worker_behind(contract):
            ProgressEntryFactory(indicator=indicator, status=EntryStatus.VALIDATED)


def test_query_count_does_not_grow_with_contracts(
    client, officer, worker_behind, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(officer)
    _populate(0, 2, worker_behind)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("officers:home")).status_code == 200
    _populate(2, 12, worker_behind)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("officers:home"))
    assert "Saisies soumises à valider (15)" in page.text  # and the neighbour's
    assert "Évaluations à refaire : données modifiées depuis le calcul (14)" in page.text


def test_links_both_ways_and_no_token_link_for_officers(client, officer, chef_a, contract_a):
    client.force_login(officer)
    admin_index = client.get(reverse("admin:index")).text
    assert admin_index.index(reverse("officers:home")) < admin_index.index("/admin/contracts/")
    assert reverse("espace:home") in admin_index
    espace = client.get(reverse("espace:home")).text
    assert reverse("officers:home") in espace
    assert reverse("espace:tokens") not in espace
    client.force_login(chef_a)
    espace = client.get(reverse("espace:home")).text
    assert reverse("espace:tokens") in espace and reverse("officers:home") not in espace

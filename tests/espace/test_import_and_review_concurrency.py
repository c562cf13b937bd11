"""An import and an officer's bulk review of the same entries at once, on PostgreSQL.

Both lock the entries they write (``SELECT … FOR UPDATE``) in one statement: the review in id
order (``indicators.services.entries_review``), the import every entry of its indicators
(``exchange.progress_import._existing_entries``). Taken in different orders, the two can each
hold one entry the other waits for: PostgreSQL then aborts one of them (« deadlock detected »),
and the officer sees their return or their file refused. The import locks in id order too, so
the second one waits for the first one, then works on what it wrote.

The interleaving is made deterministic by a third officer who holds the entry of lower id: the
review waits for it first, then the import; that officer commits once both wait
(``pg_blocking_pids``). The import, had it locked in (indicator, date) order, would then hold
the other entry already: docs/mutation.md (progress_import) lists the orders this test refuses.
"""

import datetime
import threading
from decimal import Decimal

from django.db import DatabaseError, connections, transaction

from exchange.progress_import import ProgressImportError, progress_import
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import entries_review, entry_validate
from tests.factories import IndicatorFactory, ProgressEntryFactory
from tests.pg_race import RACE_MARKS, wait_until_sessions_wait

pytestmark = RACE_MARKS


def test_an_import_and_a_bulk_return_of_the_same_entries_both_apply_one_after_the_other(
    indicator_a, chef_a, officer, superuser, django_user_model
):
    contract = indicator_a.objective.contract
    contract.published = False  # no fiche to render after the commits: the race is all there is
    contract.save()
    # Id order is neither indicator order nor date order: the entry of the contract's second
    # indicator, late in the year, was entered first.
    second = IndicatorFactory(objective=indicator_a.objective, code="pistes-2")
    december = ProgressEntryFactory(
        indicator=second,
        author=chef_a,
        status=EntryStatus.SUBMITTED,
        value=Decimal("30"),
        date=datetime.date(2022, 12, 31),
    )
    june = ProgressEntryFactory(
        indicator=indicator_a,
        author=chef_a,
        status=EntryStatus.SUBMITTED,
        value=Decimal("20"),
        date=datetime.date(2022, 6, 30),
    )
    assert indicator_a.pk < second.pk and december.pk < june.pk
    # December corrected since: its row now lies after June's in the table, so that no order but
    # the id order (not even the table's own, without ORDER BY) locks December first.
    ProgressEntry.objects.filter(pk=december.pk).update(value=Decimal("31"))
    validator = django_user_model.objects.create_user(
        "agent2", email="agent2@example.org", password="mot-de-passe-agent2", is_staff=True
    )
    validator.groups.set(officer.groups.all())
    holding = threading.Event()
    outcomes: dict[str, str] = {}
    content = (
        f"contract;objective;indicator;date;value\nCOT-A;A1;{indicator_a.code};30/06/2022;42\n"
    )

    def officer_validates_december() -> None:
        try:
            with transaction.atomic():
                entry_validate(entry=ProgressEntry.objects.get(pk=december.pk), by=validator)
                holding.set()
                # Commit only once the review and then the import wait.
                outcomes["attente"] = "oui" if wait_until_sessions_wait(2) else "non"
            outcomes["validation"] = "appliquée"
        finally:
            holding.set()
            connections.close_all()

    def officer_returns_both() -> None:
        try:
            holding.wait(30)
            try:
                outcome = entries_review(
                    entry_ids=[december.pk, june.pk],
                    by=superuser,
                    to_status=EntryStatus.RETURNED,
                    note="À revoir",
                )
            except DatabaseError as error:
                outcomes["renvoi"] = f"refusé : {error}"
            else:
                outcomes["renvoi"] = f"{len(outcome.reviewed)} renvoyées"
        finally:
            connections.close_all()

    def officer_imports() -> None:
        try:
            holding.wait(30)
            # The import starts only once the review waits for the held entry.
            outcomes["revue en attente"] = "oui" if wait_until_sessions_wait(1) else "non"
            try:
                result = progress_import(content=content.encode(), filename="a.csv", by=officer)
            except ProgressImportError as error:
                outcomes["import"] = f"refusé : {error.errors[0].message}"
            else:
                outcomes["import"] = f"{result.created} créée, {result.updated} corrigée"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=officer_validates_december),
        threading.Thread(target=officer_returns_both),
        threading.Thread(target=officer_imports),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {
        "attente": "oui",
        "validation": "appliquée",
        "revue en attente": "oui",
        "renvoi": "2 renvoyées",
        "import": "0 créée, 1 corrigée",
    }
    december.refresh_from_db()
    june.refresh_from_db()
    # December: validated, then returned. June: returned, then corrected by the import.
    assert (december.status, december.version) == (EntryStatus.RETURNED, 3)
    assert (june.value, june.status, june.version) == (Decimal("42"), EntryStatus.VALIDATED, 3)
    transitions = EntryTransition.objects.filter(entry=june).order_by("pk")
    assert [(t.from_status, t.to_status) for t in transitions] == [
        (EntryStatus.SUBMITTED, EntryStatus.RETURNED),
        (EntryStatus.RETURNED, EntryStatus.VALIDATED),
    ]

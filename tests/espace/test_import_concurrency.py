"""An officer's import correcting an entry while another officer returns it, on PostgreSQL.

The import reads the entries it corrects under a row lock (``select_for_update`` in
``exchange.progress_import._existing_entries``), inside its transaction: it waits for the return
to commit, then corrects the returned entry. Without the lock it would correct the entry as it
read it (« soumise », version 1) and silently overwrite the return: the entry would end at
version 2 with two transitions leaving « soumise ». docs/mutation.md lists which removal this
test and test_entry_write_rules_concurrency.py catch.
"""

import threading
from decimal import Decimal

from django.db import connections, transaction

from exchange.progress_import import progress_import
from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry
from indicators.services import entry_return
from tests.pg_race import RACE_MARKS, wait_until_sessions_wait

pytestmark = RACE_MARKS


def test_an_import_waits_for_a_return_in_progress_then_corrects_the_returned_entry(
    submitted_a, officer, superuser
):
    # Unpublished: no fiche to render after the commits, the race is all this test runs.
    contract = submitted_a.indicator.objective.contract
    contract.published = False
    contract.save()
    returned = threading.Event()
    outcomes: dict[str, str] = {}
    code = submitted_a.indicator.code
    content = f"contract;objective;indicator;date;value\nCOT-A;A1;{code};30/09/2022;42\n".encode()

    def officer_returns() -> None:
        try:
            with transaction.atomic():
                entry = ProgressEntry.objects.get(pk=submitted_a.pk)
                entry_return(entry=entry, by=superuser, note="À revoir")
                returned.set()
                # Commit only once the import waits for one of this transaction's locks.
                outcomes["attente"] = "oui" if wait_until_sessions_wait() else "non"
            outcomes["renvoi"] = "appliqué"
        finally:
            returned.set()
            connections.close_all()

    def officer_imports() -> None:
        try:
            returned.wait(30)
            result = progress_import(content=content, filename="a.csv", by=officer)
            outcomes["import"] = f"{result.created} créée, {result.updated} corrigée"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer_returns), threading.Thread(target=officer_imports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"attente": "oui", "renvoi": "appliqué", "import": "0 créée, 1 corrigée"}
    submitted_a.refresh_from_db()
    assert (submitted_a.value, submitted_a.status) == (Decimal("42"), EntryStatus.VALIDATED)
    # The return, then the import's correction of the returned entry: nothing overwritten.
    assert submitted_a.version == 3
    transitions = EntryTransition.objects.filter(entry=submitted_a).order_by("pk")
    assert [(t.from_status, t.to_status) for t in transitions] == [
        (EntryStatus.SUBMITTED, EntryStatus.RETURNED),
        (EntryStatus.RETURNED, EntryStatus.VALIDATED),
    ]

"""Validation is quick (issue 12 item 6, issue 17 item 5): N entries over C contracts validated in
one action of the officers' queue, Celery eager as on a laptop.

    UV_PYTHON_DOWNLOADS=never python3 -m uv run --frozen python bench/bench_validation.py \\
        [--entries 50] [--contracts 5] [--no-per-entry]

Runs in a throw-away test database (SQLite in memory unless DATABASE_URL names PostgreSQL: then
``test_<name>``). Prints, for one POST to /espace/validation/:
- the time until the response is ready (what the officer waits for) and its number of queries;
- the time of the work run after the response (one evaluation and one fiche PDF per contract);
- the same entries validated one action per entry, as the queue did before, for comparison
  (``--no-per-entry`` skips it: each action then evaluates and renders its contract at once).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")


def submitted(contracts: int, per_contract: int, author) -> list:
    from indicators.enums import EntryStatus
    from indicators.models import ProgressEntry
    from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory

    entries = []
    for _ in range(contracts):
        objective = ObjectiveFactory(contract=ContractFactory(), priority=True)
        indicator = IndicatorFactory(objective=objective)
        for n in range(per_contract):
            entries.append(
                ProgressEntry.objects.create(
                    indicator=indicator,
                    author=author,
                    date=datetime.date(2021, 1, 1) + datetime.timedelta(days=7 * n),
                    value=Decimal(n + 1),
                    status=EntryStatus.SUBMITTED,
                )
            )
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--contracts", type=int, default=5)
    parser.add_argument("--no-per-entry", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cotri-bench-validation-"))

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.signals import request_finished
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    from contracts.perms import OFFICERS_GROUP
    from cotri import after_response
    from cotri.celery import app
    from indicators.enums import EntryStatus
    from indicators.services import entries_review

    settings.ALLOWED_HOSTS = ["testserver"]
    app.conf.task_always_eager = True
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        user_model = django.contrib.auth.get_user_model()
        officer = user_model.objects.create_user("agent", email="agent@example.org", is_staff=True)
        officer.groups.add(Group.objects.get_or_create(name=OFFICERS_GROUP)[0])
        chef = user_model.objects.create_user("chef", email="chef@example.org")
        per_contract = max(1, args.entries // args.contracts)

        # Time the response and the after-response work apart.
        marks: dict[str, float] = {}
        request_finished.disconnect(dispatch_uid="cotri.after_response.end")

        def finished(**kwargs):
            marks["response"] = time.perf_counter()
            after_response.request_ends()
            marks["after"] = time.perf_counter()

        request_finished.connect(finished, dispatch_uid="bench.finished")
        client = Client()
        client.force_login(officer)
        client.get("/espace/validation/")  # warm up: imports, URLs, templates
        entries = submitted(args.contracts, per_contract, chef)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(
                "/espace/validation/",
                {"entries": [e.pk for e in entries], "action": "validate", "note": ""},
            )
            response_queries = len(queries.captured_queries)
        assert response.status_code == 302, response.status_code
        print(
            f"{len(entries)} saisies sur {args.contracts} contrats ({connection.vendor}), "
            "Celery en mode eager"
        )
        print(
            f"  une action : réponse en {(marks['response'] - started) * 1000:.0f} ms "
            f"({response_queries} requêtes SQL en tout, après-réponse compris), "
            f"puis {(marks['after'] - marks['response']) * 1000:.0f} ms après la réponse "
            "(une évaluation et une fiche PDF par contrat)"
        )

        if args.no_per_entry:
            return
        entries = submitted(args.contracts, per_contract, chef)
        started = time.perf_counter()
        for entry in entries:  # the former queue: one transaction, and its tasks, per entry
            entries_review(entry_ids=[entry.pk], by=officer, to_status=EntryStatus.VALIDATED)
        print(
            f"  une action par saisie (ancien fonctionnement) : "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()

"""The reporting cycle at regional scale: board, reminders, locks (figures printed, no goal test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench_reporting \\
        .venv/bin/python bench/bench_reporting.py [--contracts 300] [--rebuild]

Creates the database when missing, migrates, and (once, or again with ``--rebuild``) builds N
contracts (each with its own territory, 2 chefs de projet, 10 indicators and one 2022 value
each) and one campaign « Bilan annuel 2022 » over them, and prints:
- the completeness board of the campaign: time and number of queries (goal: the same for any N);
- the reminders of the 14-days-before day (one e-mail per chef; SMTP replaced by a counter, so
  this measures cotri's side), then the same day again (nothing sent);
- the lock check of 10 000 dates (what a chef's 10 000-row import asks): load and per-date time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
PREFIX = "BENCH-RPT-"


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build(n: int):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from contracts.enums import MembershipRole
    from contracts.models import Contract, Incontournable, Programme, ProjectMembership
    from indicators.enums import EntryStatus
    from indicators.models import Indicator, Objective, ProgressEntry
    from reporting.models import Campaign, SentReminder
    from reporting.services import campaign_open
    from territories.enums import TerritoryKind
    from territories.models import Territory

    User = get_user_model()
    with transaction.atomic():
        SentReminder.objects.all().delete()
        Campaign.objects.filter(name__startswith="Bench").delete()
        ProgressEntry.objects.filter(
            indicator__objective__contract__reference__startswith=PREFIX
        ).delete()
        Contract.objects.filter(reference__startswith=PREFIX).delete()
        Territory.objects.filter(code__startswith=PREFIX).delete()
        User.objects.filter(username__startswith="bench-").delete()
        programme = Programme.objects.get(code="COT-TRI")
        incontournable = Incontournable.objects.filter(referential=programme.referential).first()
        officer = User.objects.create_superuser("bench-agent", "bench-agent@example.org", "x")
        territories = Territory.objects.bulk_create(
            Territory(code=f"{PREFIX}{i}", kind=TerritoryKind.GROUPEMENT, name=f"Pays {i}",
                      departement_code=("59", "62", "80")[i % 3])
            for i in range(n)
        )  # fmt: skip
        contracts = Contract.objects.bulk_create(
            Contract(reference=f"{PREFIX}{i}", programme=programme, territory=t, title=f"Bench {i}",
                     start=datetime.date(2021, 1, 1), end=datetime.date(2023, 12, 31),
                     status="active", population=100_000, population_vintage=2020)
            for i, t in enumerate(territories)
        )  # fmt: skip
        objectives = Objective.objects.bulk_create(
            Objective(contract=c, incontournable=incontournable, code="O1", title="Objectif")
            for c in contracts
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(objective=o, code=f"ind-{k}", label=f"Indicateur {k}", target=Decimal(100))
            for o in objectives
            for k in range(10)
        )
        ProgressEntry.objects.bulk_create(
            ProgressEntry(indicator=i, date=datetime.date(2022, 6, 30), value=Decimal(5),
                          status=EntryStatus.SUBMITTED if i.pk % 2 else EntryStatus.DRAFT)
            for i in indicators
        )  # fmt: skip
        users = User.objects.bulk_create(
            User(username=f"bench-chef-{i}-{k}", email=f"chef{i}-{k}@example.org")
            for i in range(n)
            for k in range(2)
        )
        ProjectMembership.objects.bulk_create(
            ProjectMembership(
                user=u, territory=territories[j // 2], role=MembershipRole.PROJECT_LEAD
            )
            for j, u in enumerate(users)
        )
        campaign = campaign_open(
            name="Bench — Bilan annuel 2022",
            contracts=contracts,
            period_start=datetime.date(2022, 1, 1),
            period_end=datetime.date(2022, 12, 31),
            due_on=datetime.date(2023, 1, 31),
            by=officer,
        )
    return campaign, contracts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=300)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL=postgres://… is required")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import reporting.reminders as reminders
    from indicators.locks import lock_checker
    from reporting.board import campaign_board

    call_command("migrate", verbosity=0)
    from contracts.models import Contract
    from reporting.models import Campaign, SentReminder

    campaign = Campaign.objects.filter(name__startswith="Bench").first()
    if args.rebuild or campaign is None or campaign.reports.count() != args.contracts:
        start = time.perf_counter()
        campaign, contracts = build(args.contracts)
        print(f"build: {args.contracts} contracts in {time.perf_counter() - start:.1f} s")
    else:
        contracts = list(Contract.objects.filter(reference__startswith=PREFIX))
        SentReminder.objects.all().delete()

    today = datetime.date(2023, 1, 17)
    for label in ("first", "warm"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            board = campaign_board(campaign=campaign, today=today)
            elapsed = time.perf_counter() - start
        print(
            f"board ({label}): {len(board.rows)} rows in {elapsed * 1000:.0f} ms, "
            f"{len(queries)} queries"
        )

    sent = []
    reminders.send_mail = lambda subject, body, sender, to: sent.append(to)
    for label in ("first run", "same day again"):
        start = time.perf_counter()
        run = reminders.reminders_send(today=today)
        print(
            f"reminders ({label}): sent {run.sent}, already sent {run.already_sent} "
            f"in {time.perf_counter() - start:.2f} s"
        )

    ids = [c.pk for c in contracts]
    start = time.perf_counter()
    reason = lock_checker(ids)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    for k in range(10_000):
        reason(ids[k % len(ids)], datetime.date(2022, 1, 1) + datetime.timedelta(k % 365), None)
    per_date = (time.perf_counter() - start) / 10_000
    print(f"locks: loaded in {loaded * 1000:.1f} ms, {per_date * 1e6:.1f} µs per date checked")


if __name__ == "__main__":
    main()

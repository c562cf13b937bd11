"""Speed of « et si… » (the simulator): goal well under a second per answer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_chef \\
        .venv/bin/python bench/bench_simulator.py [--objectives 9 100] [--repeat 20]

Creates a throw-away test database (Django's test creation, suffix ``test_``), builds one
contract per size with N objectives × 2 indicators × 36 monthly validated entries, then prints
for each size the median and worst time of ``contract_simulate`` (every indicator given a level)
and of the whole simulator page (GET with every field filled, signed-in chef), and the number of
queries of the page. The database is destroyed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")


def build(n_objectives: int, reference: str):
    from django.contrib.auth import get_user_model

    from contracts.enums import MembershipRole
    from contracts.models import ProjectMembership
    from indicators.enums import EntryStatus
    from indicators.models import Indicator, Objective, ProgressEntry
    from tests.factories import ContractFactory, IncontournableFactory

    contract = ContractFactory(
        reference=reference,
        population=152_371,
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2023, 12, 31),
        bonus_priority_count=min(3, n_objectives),
        published=False,
    )
    incontournable = IncontournableFactory(referential=contract.programme.referential)
    entries = []
    for number in range(n_objectives):
        objective = Objective.objects.create(
            contract=contract,
            incontournable=incontournable,
            code=f"O{number + 1}",
            title=f"Objectif {number + 1}",
            priority=number < 3,
            order=number,
        )
        for k in range(2):
            indicator = Indicator.objects.create(
                objective=objective, code=f"i{k}", label=f"Indicateur {k}", target=Decimal(1000)
            )
            for month in range(36):
                entries.append(
                    ProgressEntry(
                        indicator=indicator,
                        date=datetime.date(2021 + month // 12, month % 12 + 1, 28),
                        value=Decimal(20),
                        status=EntryStatus.VALIDATED,
                    )
                )
    ProgressEntry.objects.bulk_create(entries)
    user = get_user_model().objects.create_user(f"chef-{reference}", password="x")
    ProjectMembership.objects.create(
        user=user, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    return contract, user


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objectives", type=int, nargs="+", default=[9, 100])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from funding.evaluations import contract_simulate
    from indicators.models import Indicator

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}; repeat: {args.repeat}")
        for size in args.objectives:
            contract, user = build(size, f"BENCH-{size}")
            indicators = list(Indicator.objects.filter(objective__contract=contract))
            levels = {i.pk: Decimal(900) for i in indicators}
            service = timed(
                lambda c=contract, lv=levels: contract_simulate(contract=c, levels=lv), args.repeat
            )
            client = Client()
            client.force_login(user)
            url = reverse("espace:simulator", args=[contract.reference])
            query = {f"i{i.pk}": "900" for i in indicators}
            page = timed(lambda c=client, u=url, q=query: c.get(u, q), args.repeat)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, query).status_code == 200
            print(
                f"{size:>4} objectives / {len(indicators):>4} indicators: "
                f"contract_simulate median {statistics.median(service):7.1f} ms, "
                f"max {max(service):7.1f} ms; page median {statistics.median(page):7.1f} ms, "
                f"max {max(page):7.1f} ms; page queries {len(queries)}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

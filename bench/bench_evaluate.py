"""Speed of ``evaluate --all`` on a synthetic region, against a bare SQL aggregate (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench \\
        .venv/bin/python bench/bench_evaluate.py [--contracts 1000] [--rebuild]

Builds (once; ``--rebuild`` to start again) N contracts × 10 objectives × 2 indicators × 36
monthly entries (1 000 contracts: 720 000 entries) with bulk_create and COPY, then prints:
- the floor: one SQL aggregate reading the same entries (sum and count per indicator and status);
- ``evaluate --all`` storing every snapshot, then again with nothing new to store;
- the ratio to the floor (goal: at most 3) and the number of queries for 100 and N contracts.
The database is created when missing; its tables are emptied by ``--rebuild``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")

OBJECTIVES, INDICATORS, MONTHS = 10, 2, 36
START, END = datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)
REFERENCE_PREFIX = "BENCH-"
FLOOR_SQL = """
    SELECT indicator_id, status, SUM(value), COUNT(*)
    FROM indicators_progressentry
    WHERE status IN ('validated', 'submitted') AND date <= %s
    GROUP BY indicator_id, status
"""


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def month_ends() -> list[datetime.date]:
    ends = []
    for n in range(MONTHS):
        year, month = START.year + (START.month - 1 + n) // 12, (START.month - 1 + n) % 12 + 1
        first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
        ends.append(first_next - datetime.timedelta(days=1))
    return ends


def build(count: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic():
        _build(count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _build(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from contracts.enums import ContractStatus
    from contracts.models import (
        Contract,
        Incontournable,
        IncontournableGroup,
        Programme,
        Referential,
    )
    from indicators.models import Indicator, Objective
    from territories.enums import TerritoryKind
    from territories.models import Territory

    rng = random.Random(2021)
    tables = [
        "funding_evaluation", "funding_tranche", "indicators_progressentry",
        "indicators_indicator", "indicators_objective", "contracts_contract",
        "contracts_programme", "contracts_incontournable", "contracts_incontournablegroup",
        "contracts_referential", "territories_territory",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    referential = Referential.objects.create(code="bench", name="Référentiel du banc d'essai")
    group = IncontournableGroup.objects.create(referential=referential, order=1, title="Domaines")
    incontournables = Incontournable.objects.bulk_create(
        Incontournable(referential=referential, group=group, number=n, title=f"Domaine {n}")
        for n in range(1, OBJECTIVES + 1)
    )
    programme = Programme.objects.create(
        code="BENCH", name="Programme du banc d'essai", short_name="BENCH", referential=referential
    )
    territories = Territory.objects.bulk_create(
        Territory(
            code=f"BENCH{n:05d}",
            kind=TerritoryKind.GROUPEMENT,
            name=f"Territoire {n}",
            population=rng.randint(10_000, 200_000),
            population_vintage=2020,
        )
        for n in range(count)
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            reference=f"{REFERENCE_PREFIX}{n:05d}",
            programme=programme,
            territory=territory,
            title=f"Contrat {n}",
            holder="Structure porteuse",
            signed_on=START,
            start=START,
            end=END,
            status=ContractStatus.ACTIVE,
            population=territory.population,
            population_vintage=2020,
            published=True,
        )
        for n, territory in enumerate(territories)
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            contract=contract,
            incontournable=incontournables[n],
            code=f"O{n + 1}",
            title=f"Objectif {n + 1}",
            priority=n < 3,
            order=n,
        )
        for contract in contracts
        for n in range(OBJECTIVES)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            objective=objective,
            code=f"i{k + 1}",
            label=f"Indicateur {k + 1}",
            unit="unités",
            # one indicator in five gives the level reached ("latest"), the others add up
            accumulation="latest" if (objective.pk + k) % 5 == 0 else "sum",
            target=Decimal(360 if (objective.pk + k) % 5 else 100),
        )
        for objective in objectives
        for k in range(INDICATORS)
    )
    now = timezone.now()
    ends = month_ends()
    columns = (
        "indicator_id", "date", "value", "comment", "status", "source", "version",
        "created_at", "updated_at", "reviewed_at", "review_note", "comment_public", "private_note",
    )  # fmt: skip
    copy_sql = f"COPY indicators_progressentry ({', '.join(columns)}) FROM STDIN"
    # Each contract has its pace (about half of them reach every target), each indicator a bit
    # of noise around it.
    objective_contract = {o.pk: o.contract_id for o in objectives}
    contract_pace = {c.pk: rng.uniform(0.85, 1.3) for c in contracts}
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for indicator in indicators:
            latest = indicator.accumulation == "latest"
            pace = contract_pace[objective_contract[indicator.objective_id]] * rng.uniform(
                0.97, 1.1
            )
            for month, on in enumerate(ends):
                if latest:
                    value = Decimal(min(100, round(pace * 100 * (month + 1) / MONTHS)))
                else:
                    value = Decimal(rng.randint(5, 15)) * Decimal(str(round(pace, 2)))
                submitted = month == MONTHS - 1 and indicator.pk % 10 == 0
                status = "submitted" if submitted else "validated"
                reviewed = None if submitted else now
                row = (indicator.pk, on, value, "", status, "demo", 1, now, now, reviewed, "")
                copy.write_row((*row, False, ""))  # comment_public, private_note


def floor_seconds() -> tuple[float, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(FLOOR_SQL, [END])
        rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)


def evaluate_all_seconds() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("evaluate", "--all", stdout=io.StringIO())
    return time.perf_counter() - started


def breakdown(contracts) -> dict[str, float]:
    """Where one evaluation of every contract spends its time (snapshots written, then removed)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from funding.evaluations import service, snapshot
    from funding.evaluations.loading import load_inputs

    phases = {}
    started = time.perf_counter()
    inputs = load_inputs(contracts, as_of=None, today=timezone.localdate())
    phases["lecture (requêtes et objets des règles)"] = time.perf_counter() - started
    started = time.perf_counter()
    prints = [snapshot.fingerprint(item) for item in inputs]
    phases["empreintes"] = time.perf_counter() - started
    started = time.perf_counter()
    for item in inputs:
        snapshot._run_rules(item)
    phases["règles (indicators.rules.evaluate)"] = time.perf_counter() - started
    started = time.perf_counter()
    built = [
        snapshot.build_evaluation(item, fingerprint_hex=print_hex)
        for item, print_hex in zip(inputs, prints, strict=True)
    ]
    phases["instantanés (règles + JSON)"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE funding_evaluation")
    started = time.perf_counter()
    with transaction.atomic():
        service._insert(built)
    phases["écriture (COPY)"] = time.perf_counter() - started
    return phases


def queries_for(contracts) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from funding.evaluations import contracts_evaluate
    from funding.models import Evaluation

    Evaluation.objects.filter(contract__in=contracts).delete()
    with CaptureQueriesContext(connection) as queries:
        contracts_evaluate(contracts=contracts)
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true", help="empty the tables and rebuild")
    parser.add_argument("--runs", type=int, default=3, help="best of N timings")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (par ex. …/cotri_bench).")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from contracts.models import Contract
    from funding.models import Evaluation
    from indicators.models import ProgressEntry

    call_command("migrate", verbosity=0)
    bench = Contract.objects.filter(reference__startswith=REFERENCE_PREFIX)
    expected = args.contracts * OBJECTIVES * INDICATORS * MONTHS
    if (
        args.rebuild
        or bench.count() != args.contracts
        or Contract.objects.count() != bench.count()
        or ProgressEntry.objects.count() != expected
    ):
        started = time.perf_counter()
        build(args.contracts)
        print(f"Données construites en {time.perf_counter() - started:.1f} s")
    entries = ProgressEntry.objects.count()
    print(
        f"{args.contracts} contrats × {OBJECTIVES} objectifs × {INDICATORS} indicateurs × "
        f"{MONTHS} mois = {entries} saisies (PostgreSQL {connection.pg_version // 10000})"
    )

    floors = [floor_seconds() for _ in range(args.runs + 1)][1:]  # the first one warms the cache
    floor = min(seconds for seconds, _ in floors)
    print(f"Plancher (agrégat SQL, {floors[0][1]} groupes) : {floor * 1000:.0f} ms")

    first_runs, again_runs = [], []
    for _ in range(args.runs):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE funding_evaluation")
        first_runs.append(evaluate_all_seconds())
        again_runs.append(evaluate_all_seconds())
    first, again = min(first_runs), min(again_runs)
    assert Evaluation.objects.count() == args.contracts
    print(f"evaluate --all, {args.contracts} instantanés écrits : {first * 1000:.0f} ms")
    print(f"evaluate --all, rien de nouveau (mêmes empreintes) : {again * 1000:.0f} ms")
    ratio = first / floor
    verdict = "objectif atteint" if ratio <= 3 else "objectif (≤ 3) non atteint"
    print(f"Rapport au plancher : {ratio:.2f} ({verdict}) ; sans écriture : {again / floor:.2f}")

    contracts = list(bench.order_by("pk"))
    print("Décomposition d'une évaluation de tous les contrats :")
    for phase, seconds in breakdown(contracts).items():
        print(f"  {phase} : {seconds * 1000:.0f} ms ({seconds / floor:.1f} × le plancher)")
    small = queries_for(contracts[:100])
    large = queries_for(contracts)
    print(f"Requêtes : {small} pour 100 contrats, {large} pour {len(contracts)} contrats")
    eligible = Evaluation.objects.filter(eligible=True).count()
    print(f"Résultat : {eligible} contrats éligibles sur {len(contracts)}")


if __name__ == "__main__":
    main()

"""The fiche's comparison with similar territories at national size (ADR 0017).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_compare_bench \\
        .venv/bin/python bench/bench_compare.py [--contracts 3000] [--runs 5]

Reuses the evaluation bench's builder (N contracts × 10 objectives × 2 indicators × 36 monthly
entries: 3 000 contracts = 2 160 000 entries, every territory a groupement: one comparison group
of N territories, the worst case) and the overview bench's catalogue link (every indicator linked
to one of two definitions), then prints, median and max of ``--runs``:
- the comparison of one fiche (``fiche_comparison``: one aggregate query over the N contracts'
  40 000 catalogue indicators and their validated entries), and its number of queries;
- the uncached fiche page (cache emptied before each request) and the cached one;
- the comparison's queries for a fiche when only 3 contracts are engaged (the others closed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")


def timed(function, runs: int) -> tuple[list[float], int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return times, queries, result


def line(label: str, times: list[float], queries: int) -> str:
    return (
        f"{label:44} médiane {statistics.median(times) * 1000:7.1f} ms, "
        f"max {max(times) * 1000:7.1f} ms, {queries} requêtes SQL"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (par ex. …/cotri_compare_bench).")

    import bench_evaluate
    import bench_overview

    bench_evaluate.ensure_database(url)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from contracts.enums import ContractStatus
    from contracts.models import Contract
    from cotri.public.compare import fiche_comparison
    from indicators.models import IndicatorDefinition, ProgressEntry

    call_command("migrate", verbosity=0)
    expected = args.contracts * bench_evaluate.OBJECTIVES * bench_evaluate.INDICATORS
    expected *= bench_evaluate.MONTHS
    if Contract.objects.count() != args.contracts or ProgressEntry.objects.count() != expected:
        started = time.perf_counter()
        bench_evaluate.build(args.contracts)
        print(f"Données construites en {time.perf_counter() - started:.1f} s")
    bench_overview.link_catalogue()
    print(f"{Contract.objects.count()} contrats, {ProgressEntry.objects.count()} saisies")

    contract = Contract.objects.select_related("territory").order_by("pk")[args.contracts // 2]
    definitions = list(IndicatorDefinition.objects.filter(code__startswith="bench-"))
    today = timezone.localdate()

    times, compare_queries, comparison = timed(
        lambda: fiche_comparison(contract, definitions, today), args.runs + 1
    )
    print(line("Comparaison d'une fiche (fiche_comparison)", times[1:], compare_queries))
    for row in comparison.rows:
        print(
            f"  {row.definition.label} : {row.value_shown} pour 10 000 hab., médiane "
            f"{row.median_shown}, {row.rank_text}"
        )

    client = Client()
    path = f"/fiches/{contract.reference}/"

    def uncached():
        cache.clear()
        assert client.get(path).status_code == 200

    def cached():
        assert client.get(path).status_code == 200

    times, queries, _ = timed(uncached, args.runs)
    print(line("Fiche sans cache (comparaison comprise)", times, queries))
    cached()
    times, queries, _ = timed(cached, args.runs)
    print(line("Fiche en cache", times, queries))

    with transaction.atomic():  # three engaged contracts only, then undone
        others = Contract.objects.exclude(pk=contract.pk).order_by("pk")
        keep = list(others.values_list("pk", flat=True)[:2])
        Contract.objects.exclude(pk__in=[contract.pk, *keep]).update(status=ContractStatus.CLOSED)
        times, few_queries, few = timed(
            lambda: fiche_comparison(contract, definitions, today), args.runs
        )
        print(line("Comparaison, 3 contrats engagés seulement", times, few_queries))
        assert all(row.count == 3 for row in few.rows)
        transaction.set_rollback(True)
    print(
        f"Requêtes de la comparaison : {few_queries} pour 3 territoires, {compare_queries} pour "
        f"{args.contracts}"
    )


if __name__ == "__main__":
    main()

"""The fiche's comparison with similar territories at national size (ADR 0017).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_compare_bench \\
        .venv/bin/python bench/bench_compare.py [--contracts 3000] [--runs 5]

Reuses the evaluation bench's builder (N contracts × 10 objectives × 2 indicators × 36 monthly
entries: 3 000 contracts = 2 160 000 entries, every territory a groupement: one comparison group
of N territories, the worst case) and the overview bench's catalogue link (every indicator linked
to one of two definitions), then prints, median and max of ``--runs``, with Redis as the cache:
- the floor: one SQL aggregate of every entry (``bench_evaluate.FLOOR_SQL``);
- the comparison of one fiche (``fiche_comparison``) when its table must be built (one aggregate
  query over the N contracts' 60 000 catalogue indicators and their validated entries), read
  from Redis, or kept by the process;
- the fiche page with nothing cached, rebuilt with the table cached, and cached;
- the comparison's queries when only 3 contracts are engaged (the others unpublished, then
  undone).
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

    from contracts.models import Contract
    from cotri.public import compare
    from cotri.public.cache import bump_fiche_generation
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

    def cold():
        cache.clear()
        compare._LOCAL.clear()
        return fiche_comparison(contract, definitions, today)

    def shared():
        compare._LOCAL.clear()
        return fiche_comparison(contract, definitions, today)

    floors = [bench_evaluate.floor_seconds()[0] for _ in range(args.runs)]
    print(line("Plancher : agrégat SQL de toutes les saisies", floors, 1))
    times, cold_queries, comparison = timed(cold, args.runs)
    print(line("Comparaison, table à construire", times, cold_queries))
    print(f"  soit {statistics.median(times) / statistics.median(floors):.1f} × le plancher")
    for row in comparison.rows:
        print(
            f"  {row.definition.label} : {row.value_shown} pour 10 000 hab., médiane "
            f"{row.median_shown}, {row.rank_text}"
        )
    times, queries, _ = timed(shared, args.runs)
    print(line("Comparaison, table lue dans Redis", times, queries))
    times, queries, _ = timed(lambda: fiche_comparison(contract, definitions, today), args.runs)
    print(line("Comparaison, table gardée par le processus", times, queries))

    client = Client()
    path = f"/fiches/{contract.reference}/"

    def page_cold():
        cache.clear()
        compare._LOCAL.clear()
        assert client.get(path).status_code == 200

    def page_built():  # the fiche rebuilt (its generation bumped), the table cached
        bump_fiche_generation(contract.pk)
        assert client.get(path).status_code == 200

    def page_cached():
        assert client.get(path).status_code == 200

    def page_stale():  # a validation elsewhere, its rebuild waiting: the previous table served
        cache.set(compare.REBUILD_LOCK_KEY, 1, timeout=600)  # enqueue nothing from the bench
        compare.new_comparison_generation()
        bump_fiche_generation(contract.pk)
        assert client.get(path).status_code == 200

    for label, function in (
        ("Fiche sans cache ni table", page_cold),
        ("Fiche reconstruite, table en cache", page_built),
        ("Fiche en cache", page_cached),
        ("Fiche après une validation ailleurs : table précédente servie", page_stale),
    ):
        function()
        times, queries, _ = timed(function, args.runs)
        print(line(label, times, queries))
    cache.delete(compare.REBUILD_LOCK_KEY)

    with transaction.atomic():  # three engaged contracts only, then undone
        others = Contract.objects.exclude(pk=contract.pk).order_by("pk")
        keep = list(others.values_list("pk", flat=True)[:2])
        Contract.objects.exclude(pk__in=[contract.pk, *keep]).update(published=False)
        times, few_queries, few = timed(cold, args.runs)
        print(line("Comparaison, 3 contrats engagés, table à construire", times, few_queries))
        assert all(row.count == 3 for row in few.rows)
        transaction.set_rollback(True)
    cache.clear()
    print(
        f"Requêtes de la comparaison : {few_queries} pour 3 territoires, {cold_queries} pour "
        f"{args.contracts}"
    )


if __name__ == "__main__":
    main()

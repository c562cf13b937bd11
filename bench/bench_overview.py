"""The regional overview at scale: uncached build, cached request, queries and memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench_overview \\
        .venv/bin/python bench/bench_overview.py [--contracts 1000] [--rebuild]

Reuses the evaluation bench's builder (N contracts × 10 objectives × 2 indicators × 36 monthly
entries), links every indicator to one of two catalogue definitions (so the catalogue totals
read every validated entry), then prints for ``/``:
- the uncached request (cache emptied first): median and max time, number of queries, peak
  Python memory (tracemalloc) — the catalogue totals are one database aggregate;
- the cached request (generation unchanged): median and max time, number of queries;
- a page of the list (``/fiches/?page=2``, cached).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")


def link_catalogue() -> None:
    from indicators.models import Indicator, IndicatorDefinition

    for code, label in (("i1", "Logements rénovés"), ("i2", "Kilomètres de pistes")):
        definition, _ = IndicatorDefinition.objects.get_or_create(
            code=f"bench-{code}", defaults={"label": label, "unit": "unités"}
        )
        Indicator.objects.filter(code=code).update(definition=definition)


def measure(client, url: str, runs: int, *, clear: bool) -> tuple[list[float], int, int]:
    """Times of ``runs`` requests, their number of queries, and the peak Python memory of one
    more request under tracemalloc (timed apart: tracing slows the request down)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(runs):
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    if clear:
        cache.clear()
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return times, queries, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (par ex. …/cotri_bench_overview).")

    import bench_evaluate

    bench_evaluate.ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from contracts.models import Contract
    from indicators.models import ProgressEntry

    call_command("migrate", verbosity=0)
    if args.rebuild or Contract.objects.count() != args.contracts:
        started = time.perf_counter()
        bench_evaluate.build(args.contracts)
        print(f"Données construites en {time.perf_counter() - started:.1f} s")
    link_catalogue()
    print(f"{Contract.objects.count()} contrats, {ProgressEntry.objects.count()} saisies")

    client = Client()
    for label, target, clear in (
        ("/ sans cache", "/", True),
        ("/ en cache", "/", False),
        ("/fiches/?page=2 en cache", "/fiches/?page=2", False),
    ):
        client.get(target)  # warm-up
        times, queries, peak = measure(client, target, args.runs, clear=clear)
        print(
            f"{label:28} médiane {statistics.median(times) * 1000:7.1f} ms, "
            f"max {max(times) * 1000:7.1f} ms, {queries} requêtes SQL, "
            f"pic mémoire Python {peak / 1e6:.1f} Mo"
        )


if __name__ == "__main__":
    main()

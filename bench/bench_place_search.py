"""Search by place on the real Hauts-de-France territories: time and queries per search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench \\
        .venv/bin/python bench/bench_place_search.py [--runs 20]

Loads the demonstration (``manage.py demo``: the shipped Etalab territories, about 3 900
communes, EPCI and groupements, and the seed contracts) when the database has no commune yet,
then prints for a few searches the median and maximum time of ``find_places`` (the two queries
of the search by place, without the cached overview), its number of queries and what it found.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")

SEARCHES = ["Ardres", "guines", "AUDRUICQ", "Région d’Audruicq", "Lille", "saint"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contracts.models import Contract
    from cotri.public.place_search import find_places
    from territories.enums import TerritoryKind
    from territories.models import Territory

    call_command("migrate", verbosity=0)
    if not Territory.objects.filter(kind=TerritoryKind.COMMUNE).exists():
        call_command("demo", verbosity=0)
    engaged = dict(
        Contract.objects.published().values_list("territory_id", "territory__name").distinct()
    )
    print(
        f"{connection.vendor} — {Territory.objects.count()} territoires, "
        f"{len(engaged)} territoires engagés, {runs} essais par recherche"
    )
    print(f"{'recherche':<20} {'médiane':>9} {'max':>9} {'requêtes':>9}  trouvé")
    for text in SEARCHES:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                found = find_places(text, engaged)
            times.append(time.perf_counter() - start)
        what = "; ".join(found.reasons.values()) or (
            f"hors territoire engagé : {', '.join(found.outside[:3])}" if found.outside else "—"
        )
        print(
            f"{text:<20} {statistics.median(times) * 1000:>7.1f}ms {max(times) * 1000:>7.1f}ms "
            f"{len(queries):>9}  {what[:90]}"
        )


if __name__ == "__main__":
    main()

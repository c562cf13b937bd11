"""The SCDL grants files at scale: time, queries and peak memory of their generation.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench_scdl \\
        .venv/bin/python bench/bench_scdl.py [--contracts 2000]

Builds (each run, in its own database, created when missing) N published contracts with three
tranches each (ADEME fixed, ADEME bonus not decided, Région fixed); the funders get a SIRET and
every other contract its holder's SIRET (synthetic, valid Luhn keys). Prints, for
``subventions`` and ``subventions-incompletes``: rows, seconds, queries, peak Python memory.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")

SIRET = "23350001600040"  # the SCDL documentation's example, standing for an officer's entry
HOLDER_SIRET = "38047555800058"


def build(count: int) -> None:
    from django.db import connection, transaction

    from contracts.enums import ContractStatus
    from contracts.models import Contract, Programme, Referential
    from funding.enums import TrancheKind
    from funding.models import Funder, Tranche
    from territories.enums import TerritoryKind
    from territories.models import Territory

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE funding_tranche, contracts_contract, territories_territory "
                "RESTART IDENTITY CASCADE"
            )
        referential, _ = Referential.objects.get_or_create(
            code="bench-scdl", defaults={"name": "Référentiel du banc d'essai"}
        )
        programme, _ = Programme.objects.get_or_create(
            code="BENCH-SCDL",
            defaults={"name": "Banc d'essai", "short_name": "BENCH", "referential": referential},
        )
        territories = Territory.objects.bulk_create(
            Territory(
                code=f"BENCH{n:05d}",
                kind=TerritoryKind.GROUPEMENT,
                name=f"Territoire {n}",
                population=50_000 + n,
                population_vintage=2020,
            )
            for n in range(count)
        )
        start, end = datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)
        contracts = Contract.objects.bulk_create(
            Contract(
                reference=f"BENCH-{n:05d}",
                programme=programme,
                territory=territory,
                title=f"Contrat du banc d'essai {n}",
                holder=f"Porteur {n}",
                holder_siret=HOLDER_SIRET if n % 2 else "",
                status=ContractStatus.ACTIVE,
                published=True,
                signed_on=start,
                start=start,
                end=end,
                population=territory.population,
                population_vintage=2020,
            )
            for n, territory in enumerate(territories)
        )
        tranches = []
        for contract in contracts:
            tranches += [
                Tranche(contract=contract, label="Forfait", year=1, funder_id="ADEME",
                        planned_amount=Decimal("90000.00")),
                Tranche(contract=contract, label="Bonus", year=3, funder_id="ADEME",
                        kind=TrancheKind.BONUS),
                Tranche(contract=contract, label="FRATRI", year=1, funder_id="REGION",
                        planned_amount=Decimal("45000.50"), order=1),
            ]  # fmt: skip
        Tranche.objects.bulk_create(tranches, batch_size=5000)
        Funder.objects.update(siret=SIRET)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(slug: str) -> tuple[int, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exchange.opendata_files import opendata_generate

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        meta = opendata_generate(slugs=[slug])[slug]
        seconds = time.perf_counter() - started
    tracemalloc.start()
    opendata_generate(slugs=[slug])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return meta["rows"], seconds, len(captured), peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=2000)
    args = parser.parse_args()
    url = os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cotri_bench_scdl"
    )
    from bench_evaluate import ensure_database

    ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = Path("/tmp") / f"cotri-bench-scdl-{os.getpid()}"
    call_command("migrate", verbosity=0)
    build(args.contracts)
    print(f"{args.contracts} contracts, 3 tranches each, 2 funders")
    for slug in ("subventions", "subventions-incompletes"):
        rows, seconds, queries, peak = measure(slug)
        print(
            f"{slug}: {rows} rows in {seconds:.2f} s, {queries} queries, "
            f"peak Python memory {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()

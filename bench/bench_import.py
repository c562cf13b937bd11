"""Speed of the progress import (CSV and XLSX, 10 000 rows, history included) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench_import \\
        .venv/bin/python bench/bench_import.py [--rows 10000]

Builds one contract of 50 objectives × 2 indicators, then times ``progress_import`` of a CSV and
of an XLSX file of N rows (new entries: each gets its history row and its transition), then
imports the same file with its last row made bad and checks that nothing changed. The admin's
path (preview then confirmation, through ``ProgressImportResource``) is timed too.
Goal: under 10 s for each format.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # no line per eager Celery task

REFERENCE = "BENCH-IMPORT"
OBJECTIVES, INDICATORS = 50, 2
GOAL_SECONDS = 10.0


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_contract():
    """The bench contract (created once) without any progress entry."""
    from contracts.models import Contract, Incontournable, Programme
    from indicators.models import EntryTransition, Indicator, Objective, ProgressEntry
    from territories.models import Territory

    mine = {"indicator__objective__contract__reference": REFERENCE}
    EntryTransition.objects.filter(
        entry__indicator__objective__contract__reference=REFERENCE
    ).delete()
    ProgressEntry.objects.filter(**mine).delete()
    ProgressEntry.history.filter(**mine).delete()  # after: deleting writes history rows too
    contract = Contract.objects.filter(reference=REFERENCE).first()
    if contract is None:
        programme = Programme.objects.get(code="COT-TRI")
        incontournable = Incontournable.objects.filter(referential=programme.referential).first()
        territory, _ = Territory.objects.get_or_create(
            code="BENCH-TERRITOIRE", defaults={"kind": "groupement", "name": "Territoire du banc"}
        )
        contract = Contract.objects.create(
            reference=REFERENCE,
            programme=programme,
            territory=territory,
            title="Contrat du banc d'essai",
            holder="Banc",
            start=datetime.date(2021, 1, 1),
            end=datetime.date(2023, 12, 31),
            status="active",
        )
        for o in range(1, OBJECTIVES + 1):
            objective = Objective.objects.create(
                contract=contract, incontournable=incontournable, code=f"O{o}", title=f"O{o}"
            )
            for i in range(1, INDICATORS + 1):
                Indicator.objects.create(
                    objective=objective, code=f"ind-{i}", label=f"Indicateur {i}", target=1000
                )
    keys = [
        (objective.code, indicator.code)
        for objective in contract.objectives.order_by("pk")
        for indicator in objective.indicators.order_by("pk")
    ]
    return contract, keys


def rows(keys, count: int) -> list[list[str]]:
    per_indicator = -(-count // len(keys))
    start = datetime.date(2021, 1, 1)
    result = []
    for day in range(per_indicator):
        date = start + datetime.timedelta(days=day)
        for objective, indicator in keys:
            result.append([REFERENCE, objective, indicator, f"{date:%d/%m/%Y}", "12,5", "banc"])
    return result[:count]


HEADER = ["contract", "objective", "indicator", "date", "value", "comment"]


def as_csv(data) -> bytes:
    return "\n".join(";".join(row) for row in [HEADER, *data]).encode("utf-8")


def as_xlsx(data) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int]:
    from indicators.models import ProgressEntry

    entries = ProgressEntry.objects.filter(indicator__objective__contract__reference=REFERENCE)
    history = ProgressEntry.history.filter(indicator__objective__contract__reference=REFERENCE)
    return entries.count(), history.count()


def time_import(content: bytes, filename: str, by) -> float:
    from exchange.progress_import import progress_import

    started = time.perf_counter()
    result = progress_import(content=content, filename=filename, by=by)
    elapsed = time.perf_counter() - started
    assert result.created + result.updated > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (voir l'en-tête du script).")
    ensure_database(url)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from exchange.progress_import import ProgressImportError, progress_import

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(
        username="banc-import", defaults={"is_staff": True, "is_superuser": True}
    )
    data = None
    results = {}
    for label, writer, filename in (("CSV", as_csv, "banc.csv"), ("XLSX", as_xlsx, "banc.xlsx")):
        _, keys = build_contract()
        data = rows(keys, args.rows)
        content = writer(data)
        seconds = time_import(content, filename, user)
        entries, history = counts()
        results[label] = seconds
        verdict = "OK" if seconds < GOAL_SECONDS else "TROP LENT"
        print(
            f"{label} : {len(data)} lignes importées en {seconds:.2f} s "
            f"({entries} saisies, {history} lignes d'historique) — objectif < 10 s : {verdict}"
        )

    started = time.perf_counter()
    progress_import(content=as_csv(data), filename="banc.csv", by=user)
    print(
        f"CSV réimporté (10 000 mises à jour en place) : {time.perf_counter() - started:.2f} s "
        f"({counts()[1]} lignes d'historique)"
    )
    # The admin's door: the same service, once as the preview (rolled back), once confirmed.
    from indicators.resources import ProgressImportResource, UploadedFile

    content = as_csv(data)
    for step, dry_run in (("aperçu", True), ("confirmation", False)):
        started = time.perf_counter()
        result = ProgressImportResource().import_data(
            UploadedFile(content), dry_run=dry_run, file_name="banc.csv", user=user
        )
        assert not result.has_errors() and not result.has_validation_errors()
        print(
            f"Administration, {step} du CSV ({result.total_rows} lignes) : "
            f"{time.perf_counter() - started:.2f} s ({counts()[1]} lignes d'historique)"
        )

    before = counts()
    bad = [*data[:-1], [*data[-1][:4], "douze", "banc"]]
    for label, writer, filename in (("CSV", as_csv, "banc.csv"), ("XLSX", as_xlsx, "banc.xlsx")):
        started = time.perf_counter()
        try:
            progress_import(content=writer(bad), filename=filename, by=user)
        except ProgressImportError as error:
            message = str(error.errors[0])
        else:
            sys.exit("ERREUR : le fichier dont la dernière ligne est fausse a été importé.")
        unchanged = counts() == before
        print(
            f"{label}, dernière ligne fausse : refusé en {time.perf_counter() - started:.2f} s "
            f"(« {message} ») ; base inchangée : {'oui' if unchanged else 'NON'}"
        )
        if not unchanged:
            sys.exit(1)
    if any(seconds >= GOAL_SECONDS for seconds in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()

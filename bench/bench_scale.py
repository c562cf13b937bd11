"""Every page and file bounded at national size (issue 17 item 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_scale \\
        .venv/bin/python bench/bench_scale.py [--contracts 3000] \\
        [--small-database cotri_scale_small --small-contracts 300] [--runs 3] [--validation-only]

Builds each database once with ``bench/bench_evaluate.py``'s builder (N contracts × 10 objectives
× 2 indicators × 36 monthly entries: 3 000 contracts = 2 160 000 entries, one entry in ten of the
last month submitted) and stores every evaluation, then, for each size, requests in process
(Django's test client, PostgreSQL, no cache warm-up beyond one first run) each page and file and
prints the median and max time, the number of SQL queries and the peak memory of the process
above its level before the request (RSS sampled every 5 ms), next to ``/healthz`` (the floor).
Files are read to their last byte. The bulk validation of 1 000 submitted entries is timed once
per size (the commit and its after-commit work included: one task enqueued for the whole action,
whose evaluations and renders are Celery's), then undone. ``--small-contracts 0`` skips the small
size; ``--validation-only`` times the validation queue, its page validation and the bulk validation
only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cotri-bench-scale-"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import bench_evaluate  # noqa: E402

PAGE = 4096


def rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


class PeakMemory:
    """Peak RSS above the level at entry, sampled in a thread."""

    def __enter__(self):
        self.base = self.peak = rss()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, rss())

    @property
    def above(self) -> float:
        return (self.peak - self.base) / 1024 / 1024


def measure(client, method, url, data=None, runs=3):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, peaks, queries, size, status = [], [], 0, 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured, PeakMemory() as memory:
            started = time.perf_counter()
            response = getattr(client, method)(url, data or {})
            # Read to the last byte without keeping it (a client downloading the file).
            chunks = response.streaming_content if response.streaming else [response.content]
            size = sum(len(chunk) for chunk in chunks)
            response.close()
            times.append(time.perf_counter() - started)
        peaks.append(memory.above)
        queries, status = len(captured), response.status_code
    return {
        "median": statistics.median(times),
        "max": max(times),
        "queries": queries,
        "peak": max(peaks),
        "bytes": size,
        "status": status,
    }


def line(name, result):
    print(
        f"  {name:<46} {result['status']:>3}  médiane {result['median'] * 1000:>8.0f} ms  "
        f"max {result['max'] * 1000:>8.0f} ms  {result['queries']:>5} requêtes  "
        f"+{result['peak']:>6.1f} Mo  {result['bytes'] / 1024:>9.0f} Ko",
        flush=True,
    )


def ensure_built(url: str, contracts: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from contracts.models import Contract
    from funding.models import Evaluation
    from indicators.models import ProgressEntry

    call_command("migrate", verbosity=0)
    expected = contracts * bench_evaluate.OBJECTIVES * bench_evaluate.INDICATORS
    expected *= bench_evaluate.MONTHS
    if Contract.objects.count() != contracts or ProgressEntry.objects.count() != expected:
        started = time.perf_counter()
        bench_evaluate.build(contracts)
        print(f"Données construites en {time.perf_counter() - started:.0f} s", flush=True)
    if Evaluation.objects.count() < contracts:
        call_command("evaluate", "--all", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_size(
    url: str, contracts: int, runs: int, files_only: bool = False, validation_only: bool = False
) -> None:
    from django.db import connection, connections

    connections.close_all()
    connection.settings_dict["NAME"] = urlparse(url).path.lstrip("/")
    ensure_built(url, contracts)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from contracts.perms import OFFICERS_GROUP
    from indicators.enums import EntryStatus
    from indicators.models import ProgressEntry

    user_model = get_user_model()
    officer, _ = user_model.objects.get_or_create(
        username="bench-agent", defaults={"is_staff": True, "is_superuser": True}
    )
    officer.groups.add(Group.objects.get_or_create(name=OFFICERS_GROUP)[0])
    anonymous, agent = Client(), Client()
    agent.force_login(officer)
    entries = ProgressEntry.objects.count()
    submitted = ProgressEntry.objects.filter(status=EntryStatus.SUBMITTED).count()
    print(
        f"\n{contracts} contrats, {entries} saisies dont {submitted} soumises "
        f"(PostgreSQL {connection.pg_version // 10000})",
        flush=True,
    )
    line("/healthz (plancher)", measure(anonymous, "get", "/healthz", runs=runs))
    if not files_only:
        pages_and_validation(agent, officer, runs, validation_only)
    if not validation_only:
        files(anonymous, agent, officer, runs)


def pages_and_validation(agent, officer, runs: int, validation_only: bool = False) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from indicators.enums import EntryStatus
    from indicators.models import EntryTransition, ProgressEntry
    from indicators.services import entries_review

    pages = [
        ("admin : saisies, page 1", "/admin/indicators/progressentry/", {}),
        ("admin : saisies, page 200", "/admin/indicators/progressentry/", {"p": "200"}),
        (
            "admin : saisies soumises",
            "/admin/indicators/progressentry/",
            {"status__exact": "submitted"},
        ),
        (
            "admin : saisies, recherche « BENCH-0001 »",
            "/admin/indicators/progressentry/",
            {"q": "BENCH-0001"},
        ),
        ("admin : indicateurs", "/admin/indicators/indicator/", {}),
        ("admin : objectifs", "/admin/indicators/objective/", {}),
        ("espace : saisies à valider (page 1)", "/espace/validation/", {}),
        ("espace : saisies à valider, recherche", "/espace/validation/", {"q": "Territoire 12"}),
    ]
    if validation_only:
        pages = [page for page in pages if page[1] == "/espace/validation/"]
    for name, url_, data in pages:
        line(name, measure(agent, "get", url_, data, runs=runs))

    # Validation from the queue (one page: 100 entries), then 1 000 entries in one action of the
    # service (what the admin action « select all » does); each undone.
    def undo(chosen):
        ProgressEntry.objects.filter(pk__in=chosen).update(status=EntryStatus.SUBMITTED)
        EntryTransition.objects.filter(entry_id__in=chosen).delete()
        ProgressEntry.history.filter(id__in=chosen, history_user=officer).delete()

    def waiting(count):
        entries = ProgressEntry.objects.filter(status=EntryStatus.SUBMITTED)
        return list(entries.order_by("submitted_at", "pk").values_list("pk", flat=True)[:count])

    chosen = waiting(100)
    data = {"entries": chosen, "action": "validate", "note": ""}
    line(
        "espace : validation d'une page (100)",
        measure(agent, "post", "/espace/validation/", data, runs=1),
    )
    undo(chosen)
    chosen = waiting(1000)
    with CaptureQueriesContext(connection) as captured, PeakMemory() as memory:
        started = time.perf_counter()
        with transaction.atomic():
            entries_review(entry_ids=chosen, by=officer, to_status=EntryStatus.VALIDATED)
        seconds = time.perf_counter() - started  # the commit's enqueuing included
    result = {"status": 0, "median": seconds, "max": seconds, "queries": len(captured)}
    line(
        f"validation groupée de {len(chosen)} saisies", {**result, "peak": memory.above, "bytes": 0}
    )
    undo(chosen)


def files(anonymous, agent, officer, runs: int) -> None:
    from django.conf import settings

    from exchange.opendata_files import api_files_generate, opendata_generate

    with PeakMemory() as memory:
        started = time.perf_counter()
        opendata_generate()
        seconds = time.perf_counter() - started
    print(
        f"  {'tâche : fichiers de données ouvertes (4)':<46}      durée {seconds * 1000:>8.0f} ms"
        f"{'':>31}+{memory.above:>6.1f} Mo",
        flush=True,
    )
    with PeakMemory() as memory:
        started = time.perf_counter()
        api_files_generate()
        seconds = time.perf_counter() - started
    print(
        f"  {'tâche : fichiers de l’API anonyme (5 × 2)':<46}      durée {seconds * 1000:>8.0f} ms"
        f"{'':>31}+{memory.above:>6.1f} Mo",
        flush=True,
    )
    files = [
        ("/donnees-ouvertes/valeurs.csv", anonymous, {}),
        ("/donnees-ouvertes/objectifs.csv", anonymous, {}),
        ("/api/exports/objectives (CSV)", anonymous, {}),
        ("/api/exports/progress (CSV, anonyme)", anonymous, {}),
        ("/api/exports/progress (XLSX, anonyme)", anonymous, {"format": "xlsx"}),
    ]
    for name, client, data in files:
        path = name.split(" ")[0]
        line(name, measure(client, "get", path, data, runs=runs))

    # An officer's export of every entry: the request records the job (the file is the task's).
    settings.COTRI_EXPORT_SYNC_MAX_ROWS = 10_000
    export = "/admin/indicators/progressentry/export/"
    data = {"format": "0", "resource": "0"}
    data |= {f"progressentryexportresource_{name}": "on" for name in ("contract", "date", "value")}
    data |= {f"progressentryexportresource_{name}": "on" for name in ("objective", "indicator")}
    data |= {f"progressentryexportresource_{name}": "on" for name in ("comment", "status")}
    line("admin : export de toutes les saisies (demande)", measure(agent, "post", export, data, 1))
    from exchange.export_jobs import export_job_run
    from exchange.models import ExportJob

    for file_format in ("csv", "xlsx"):
        job = ExportJob.objects.filter(user=officer).latest("pk")
        job.pk, job.status, job.file_format = None, ExportJob.Status.PENDING, file_format
        job.save()
        with PeakMemory() as memory:
            started = time.perf_counter()
            export_job_run(job.pk)
            seconds = time.perf_counter() - started
        job.refresh_from_db()
        print(
            f"  {f'tâche : export agent ({file_format}, {job.rows_written} lignes)':<46}      "
            f"durée {seconds * 1000:>8.0f} ms{'':>31}+{memory.above:>6.1f} Mo",
            flush=True,
        )
        job.file.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=3000)
    parser.add_argument("--small-database", default="cotri_scale_small")
    parser.add_argument("--small-contracts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--validation-only", action="store_true")
    parser.add_argument(
        "--files-only",
        action="store_true",
        help="the national size only, its files and exports only (no pages, no validation)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (par ex. …/cotri_scale).")
    small = urlparse(url)._replace(path=f"/{args.small_database}").geturl()
    for database in (small, url) if args.small_contracts else (url,):
        bench_evaluate.ensure_database(database)

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    if args.small_contracts and not args.files_only:
        run_size(small, args.small_contracts, args.runs, validation_only=args.validation_only)
    run_size(
        url,
        args.contracts,
        args.runs,
        files_only=args.files_only,
        validation_only=args.validation_only,
    )


if __name__ == "__main__":
    main()

"""Speed of the public fiche, in one run (issue 5): page vs the framework floor, PDF render vs
bare WeasyPrint, stored PDF served. Goals: fiche ≤ 2 × floor (median), PDF ≤ 1,3 × WeasyPrint,
stored PDF < 20 ms.

    UV_PYTHON_DOWNLOADS=never python3 -m uv run --frozen python bench/bench_fiche.py \\
        [--postgres postgres://postgres@127.0.0.1:5432] [--database cotri_bench_fiche] \\
        [--redis-url redis://127.0.0.1:6379/0] [--workers 3] [--rounds 3] [--keep-db] [--pdf-only]

1. (Re)creates the PostgreSQL database and loads the demo (``manage.py demo``) into it.
2. Starts gunicorn (production-like: DEBUG off, Redis cache, the Dockerfile's 3 sync workers) on a
   free local port, with ``COTRI_BENCH_FLOOR`` set: that routes ``/bench/plancher/``, a view of
   the same app returning a static page (the fiche's own bytes) through the same middleware.
3. Warms up, then loads each URL with wrk (one connection per worker: latency at full load
   without queueing), alternating the URLs over a few rounds, and prints median / p99 latency
   and req/s (medians of the rounds).
4. Times the PDF render of the fiche (load, HTML, static-only fetcher, hash, metadata, store)
   against WeasyPrint alone on the same pre-rendered HTML, its resources served from memory,
   written as tagged PDF/UA-1 (what cotri writes) and untagged (the cost of tagging).
``--pdf-only`` skips steps 2–3 (no gunicorn, no wrk).
Stops gunicorn and drops the database (unless ``--keep-db``) even on error.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WRK = "/usr/bin/wrk"

from tools.local import free_port, load_demo, wait_up  # noqa: E402


def recreate_database(postgres: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, *, duration: int, connections: int, threads: int = 2) -> dict:
    """wrk's median and p99 latency (ms) and requests per second; any error stops the bench."""
    out = subprocess.run(
        [WRK, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s"]
        + ["--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"{url} : erreurs pendant la charge\n{out}")
    return {
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
    }


def line(label: str, result: dict, size: int | None = None) -> str:
    extra = f"  ({size} octets)" if size is not None else ""
    return (
        f"  {label:30} p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms  "
        f"{result['rps']:7.0f} req/s{extra}"
    )


def verdict(ok: bool) -> str:
    return "objectif atteint" if ok else "OBJECTIF MANQUÉ"


def time_pdf(reference: str, runs: int) -> None:
    """In this process (the bench's environment): ours vs bare WeasyPrint on the same HTML."""
    import django

    django.setup()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcherResponse

    from cotri.public.cache import build_fiche_page
    from cotri.public.fiche import load_fiche, published_contract
    from cotri.public.pdf import (
        BASE_URL,
        StaticOnlyFetcher,
        contract_render_fiche_pdf,
        fiche_pdf_html,
    )

    # The uncached page build, for the record (the page served above is the cached one).
    builds = []
    for _ in range(11):
        start = time.perf_counter()
        build_fiche_page(reference)
        builds.append(time.perf_counter() - start)
    build_ms = statistics.median(builds) * 1000
    print(f"\nConstruction de la page sans cache (1 client, médiane) : {build_ms:.1f} ms")

    contract = published_contract(reference)
    html = fiche_pdf_html(load_fiche(contract))
    resources: dict[str, tuple[bytes, str]] = {}

    class Recording(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            resources[url] = (response.read(), response.headers.get("Content-Type", ""))
            return URLFetcherResponse(
                url, resources[url][0], headers={"Content-Type": resources[url][1]}
            )

    class Memory(StaticOnlyFetcher):
        """Bare: every resource already in memory (no lookup, no file read)."""

        def fetch(self, url, headers=None):
            data, kind = resources[url]
            return URLFetcherResponse(url, data, headers={"Content-Type": kind})

    HTML(string=html, base_url=BASE_URL, url_fetcher=Recording()).write_pdf()  # warm-up
    contract_render_fiche_pdf(contract=contract, force=True)  # warm-up (fonts, templates)

    ours, bare, tagged = [], [], []
    for _ in range(runs):  # interleaved, so all see the same machine load
        start = time.perf_counter()
        contract_render_fiche_pdf(contract=published_contract(reference), force=True)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=Memory()).write_pdf()
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=Memory()).write_pdf(pdf_variant="pdf/ua-1")
        tagged.append(time.perf_counter() - start)
    ours_s, bare_s, tagged_s = (statistics.median(t) for t in (ours, bare, tagged))
    ratio = ours_s / tagged_s
    print(
        f"PDF (médiane de {runs}) : rendu cotri {ours_s:.2f} s (chargement, HTML, récupérateur, "
        f"empreinte, métadonnées, écriture) ; WeasyPrint nu, PDF/UA-1 balisé {tagged_s:.2f} s, "
        f"non balisé {bare_s:.2f} s (coût du balisage : × {tagged_s / bare_s:.2f})\n"
        f"  ratio cotri / WeasyPrint PDF/UA-1 nu {ratio:.2f} (≤ 1,3 : {verdict(ratio <= 1.3)}) ; "
        f"cotri / WeasyPrint non balisé {ours_s / bare_s:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", default="COTTRI-2021-CALAISIS")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cotri_bench_fiche")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=0, help="défaut : une par worker")
    parser.add_argument("--duration", type=int, default=5, help="secondes par tour et par URL")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--pdf-only", action="store_true", help="seulement le rendu PDF (ni gunicorn ni wrk)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cotri-bench-fiche-"))
    floor_file = work / "plancher.html"
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "REDIS_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "true",  # no worker: the demo's renders run in place
        "DEBUG": "false",
        "MEDIA_ROOT": str(work / "media"),
        "COTRI_BENCH_FLOOR": str(floor_file),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "cotri.settings",
    }
    os.environ.update(env)  # this process (PDF timing) reads the same database and cache
    server = None
    try:
        print(f"Base {args.database} : création et démo…", flush=True)
        recreate_database(args.postgres, args.database)
        load_demo(env)
        if args.pdf_only:
            time_pdf(args.reference, args.pdf_runs)
            return
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "cotri.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
            + ["--access-logfile", "/dev/null", "--error-logfile", str(work / "gunicorn.log")],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_up(f"http://127.0.0.1:{port}/healthz", server, name="gunicorn")
        base = f"http://127.0.0.1:{port}"
        fiche_url = f"{base}/fiches/{args.reference}/"
        page = urllib.request.urlopen(fiche_url, timeout=30).read()
        floor_file.write_bytes(page)  # the floor serves the fiche's own bytes
        floor = urllib.request.urlopen(f"{base}/bench/plancher/", timeout=30).read()
        assert len(floor) == len(page), (len(floor), len(page))
        pdf_url = f"{base}/fiches/{args.reference}.pdf"
        pdf_size = len(urllib.request.urlopen(pdf_url, timeout=30).read())

        load = {"duration": args.duration, "connections": args.connections or args.workers}
        print(
            f"gunicorn {args.workers} workers (DEBUG off, cache Redis) ; wrk 2 threads, "
            f"{load['connections']} connexions ; {args.rounds} tours de {args.duration} s "
            "par URL, alternés (médiane des tours)\n",
            flush=True,
        )
        urls = {"fiche": fiche_url, "floor": f"{base}/bench/plancher/", "pdf": pdf_url}
        for url in urls.values():
            wrk(url, duration=2, connections=load["connections"])  # warm-up
        rounds = {name: [] for name in urls}
        for _ in range(args.rounds):  # alternated: both see the same machine load
            for name, url in urls.items():
                rounds[name].append(wrk(url, **load))
        fiche, floor_result, pdf = (
            {k: statistics.median(r[k] for r in rounds[name]) for k in ("p50", "p99", "rps")}
            for name in urls
        )
        print(line("page de la fiche", fiche, len(page)))
        print(line("plancher (page statique)", floor_result, len(floor)))
        ratio = fiche["p50"] / floor_result["p50"]
        print(f"  ratio des médianes fiche / plancher : {ratio:.2f} (≤ 2 : {verdict(ratio <= 2)})")
        print(line("PDF stocké", pdf, pdf_size))
        print(f"  PDF stocké p50 < 20 ms : {verdict(pdf['p50'] < 20)}", flush=True)

        time_pdf(args.reference, args.pdf_runs)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up when an early step failed
            pass
        if not args.keep_db:
            recreate_database(args.postgres, args.database, drop_only=True)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()

"""Speed of the public fiche: page vs a static file of the same size, PDF render vs bare
WeasyPrint, stored PDF served (goal: under 20 ms).

    rm -f /tmp/cotri_bench_fiche.sqlite3
    DATABASE_URL=sqlite:////tmp/cotri_bench_fiche.sqlite3 .venv/bin/python manage.py demo
    DATABASE_URL=sqlite:////tmp/cotri_bench_fiche.sqlite3 \\
        .venv/bin/python bench/bench_fiche.py [--reference COTTRI-2021-CALAISIS] [--requests 400]

Starts gunicorn (one sync worker per CPU) on a free port, loads each URL with N requests from
1 then 8 client threads (keep-alive connections, like wrk) and prints requests per second and
latency percentiles. The static twin is the fiche's HTML written to static/bench/ and served by
WhiteNoise from the same gunicorn, so the difference is the cost of building the page.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
THREADS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, path: str, requests: int, threads: int = THREADS) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(requests // threads, 1)
    errors = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_thread):
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(response.status)
        conn.close()
        with lock:
            latencies.extend(mine)
            size[0] = len(body)

    size = [0]
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    if errors:
        raise SystemExit(f"{path}: réponses en erreur {set(errors)}")
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "bytes": size[0],
    }


def wait_up(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn ne démarre pas")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", default="COTTRI-2021-CALAISIS")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from weasyprint import HTML

    from cotri.public.fiche import load_fiche, published_contract
    from cotri.public.pdf import contract_render_fiche_pdf, fiche_pdf_html

    contract = published_contract(args.reference)
    page = Client().get(f"/fiches/{args.reference}/")
    assert page.status_code == 200, page.status_code

    static_dir = ROOT / "static"
    twin_dir = static_dir / "bench"
    twin_dir.mkdir(exist_ok=True)
    (twin_dir / "fiche.html").write_bytes(page.content)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cotri.wsgi", "-b", f"127.0.0.1:{port}"]
        + ["-w", str(os.cpu_count() or 2)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        urls = [
            ("page de la fiche", f"/fiches/{args.reference}/"),
            ("fichier statique de même taille", "/static/bench/fiche.html"),
            ("PDF stocké", f"/fiches/{args.reference}.pdf"),
            ("vue d'ensemble", "/fiches/"),
        ]
        for _, path in urls:
            load(port, path, THREADS * 4)  # warm-up
        for threads in (1, THREADS):
            print(f"\n{threads} client(s) :")
            for label, path in urls:
                result = load(port, path, args.requests, threads)
                print(
                    f"  {label:34} {result['rps']:7.0f} req/s  p50 {result['p50']:6.1f} ms  "
                    f"p99 {result['p99']:6.1f} ms  ({result['bytes']} octets)"
                )
        # PDF (gunicorn idle, its workers booted): ours (load, HTML, static-only fetcher,
        # store) vs bare WeasyPrint on the same HTML, fetching the statics over HTTP.
        runs = 3
        contract_render_fiche_pdf(contract=contract, force=True)  # warm-up (fonts, templates)
        start = time.perf_counter()
        for _ in range(runs):
            contract_render_fiche_pdf(contract=contract, force=True)
        ours = (time.perf_counter() - start) / runs
        html = fiche_pdf_html(load_fiche(contract))
        start = time.perf_counter()
        for _ in range(runs):
            HTML(string=html, base_url=f"http://127.0.0.1:{port}/").write_pdf()
        bare = (time.perf_counter() - start) / runs
        ratio = ours / bare
        print(f"PDF : rendu cotri {ours:.2f} s, WeasyPrint nu {bare:.2f} s, ratio {ratio:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(twin_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Memory and time of each stored file (open data and anonymous API), one dataset at a time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_scale \\
        .venv/bin/python bench/bench_files.py [--api] [--slugs contrats objectifs …]

On a database built by ``bench/bench_scale.py``: for each open data dataset (and with ``--api``
each anonymous API dataset, CSV and XLSX in one pass) prints the duration, the peak RSS of the
process above its level before (sampled every 5 ms) and the peak of Python allocations
(tracemalloc, which slows the run: durations are quoted from ``bench_scale.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="cotri-bench-files-"))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from bench_scale import PeakMemory  # noqa: E402


def run(name: str, generate, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    with PeakMemory() as memory:
        started = time.perf_counter()
        meta = generate()
        seconds = time.perf_counter() - started
    traced = ""
    if trace:
        traced = f"  tracemalloc pic {tracemalloc.get_traced_memory()[1] / 1024 / 1024:>6.1f} Mo"
        tracemalloc.stop()
    rows = sum(m["rows"] for m in meta.values())
    print(
        f"  {name:<34} {rows:>9} lignes  durée {seconds * 1000:>8.0f} ms  "
        f"RSS +{memory.above:>6.1f} Mo{traced}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="store_true", help="the anonymous API files too")
    parser.add_argument("--slugs", nargs="*", help="open data datasets (all by default)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc (slower)")
    args = parser.parse_args()

    import django

    django.setup()
    from exchange.opendata import BY_SLUG
    from exchange.opendata_files import api_files_generate, opendata_generate

    for slug in args.slugs or list(BY_SLUG):
        run(f"données ouvertes : {slug}", lambda s=slug: opendata_generate(slugs=[s]), args.trace)
    if args.api:
        from cotri.api.exports import Dataset

        for dataset in Dataset:
            run(
                f"API anonyme : {dataset.value} (CSV+XLSX)",
                lambda d=dataset.value: api_files_generate(datasets=[d]),
                args.trace,
            )


if __name__ == "__main__":
    main()

"""Time of one annual report generation, part by part (issue 14 item 6), on a database that holds
the demo (``manage.py demo``): gather (two evaluations, charts, actions, money), DOCX (with the
charts converted to PNG), PDF (WeasyPrint), and the whole Celery task run eagerly.

    DATABASE_URL=postgres://… UV_PYTHON_DOWNLOADS=never python3 -m uv run --frozen \\
        python bench/bench_report.py [--reference COTTRI-2021-CALAISIS] [--year 2022] [--rounds 3]

Prints the median and the worst of the rounds, in seconds, and the file sizes. Writes one
``AnnualReport`` (if missing) and one ``ReportDocument`` per round into that database, and
deletes the documents it made (files included) at the end.
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
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default="COTTRI-2021-CALAISIS")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from contracts.models import Contract
    from reports.content import report_content
    from reports.models import AnnualReport, ReportDocument
    from reports.render import report_docx_bytes, report_pdf_bytes
    from reports.tasks import generate_report_document

    contract = Contract.objects.select_related("territory", "programme").get(
        reference=args.reference
    )
    report, _ = AnnualReport.objects.get_or_create(contract=contract, year=args.year)
    timings: dict[str, list[float]] = {"gather": [], "docx": [], "pdf": [], "task": []}
    sizes = {}
    made = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        content = report_content(report=report)
        timings["gather"].append(time.perf_counter() - start)
        start = time.perf_counter()
        sizes["docx"] = len(report_docx_bytes(content))
        timings["docx"].append(time.perf_counter() - start)
        start = time.perf_counter()
        sizes["pdf"] = len(report_pdf_bytes(content))
        timings["pdf"].append(time.perf_counter() - start)
        document = ReportDocument.objects.create(report=report)
        made.append(document.pk)
        start = time.perf_counter()
        generate_report_document.apply(args=(document.pk,))
        timings["task"].append(time.perf_counter() - start)
    for document in ReportDocument.objects.filter(pk__in=made):
        document.docx.delete(save=False)
        document.pdf.delete(save=False)
        document.delete()
    print(f"Rapport annuel {args.year} de {args.reference}, {args.rounds} tours")
    for part, values in timings.items():
        print(f"  {part:<6} médiane {statistics.median(values):6.2f} s   pire {max(values):6.2f} s")
    print(f"  tailles : DOCX {sizes['docx'] // 1024} Kio, PDF {sizes['pdf'] // 1024} Kio")


if __name__ == "__main__":
    main()

"""Bounded work of the progress import (issue 16.1): a small file of a million bad lines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cotri_bench_import \\
        .venv/bin/python bench/bench_import_bounds.py

Each door runs in its own process (so that its peak RSS is its own): the ``import_progress``
command, the admin's import page (preview) and the front office's (preview), with a 2 MB CSV of a
header and 1 000 000 lines of « x », then with 100 000 such lines, then with 19 999 (under the
row limit: every line is checked, 100 errors are kept and the others counted). Prints the time,
the peak RSS of the process, its growth during the import, and the size of the answer.
Goals: a few seconds, tens of MB, a page of tens of kB.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

HEADER = b"contrat;objectif;indicateur;date;valeur;commentaire\n"
DOORS = ("commande", "administration", "espace")
SIZES = (1_000_000, 100_000, 19_999)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(door: str, lines: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.bench_import import REFERENCE, build_contract
    from contracts.enums import MembershipRole
    from contracts.models import ProjectMembership

    contract, _ = build_contract()
    User = get_user_model()  # noqa: N806
    officer, _ = User.objects.get_or_create(
        username="banc-bornes-agent", defaults={"is_staff": True, "is_superuser": True}
    )
    chef, _ = User.objects.get_or_create(username="banc-bornes-chef")
    ProjectMembership.objects.get_or_create(
        user=chef, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    content = HEADER + b"x\n" * lines
    before = peak_mb()
    started = time.perf_counter()
    if door == "commande":
        path = Path("/tmp") / f"bench-bornes-{os.getpid()}.csv"
        path.write_bytes(content)
        err = io.StringIO()
        with contextlib.suppress(SystemExit):  # the command's refusal: exit status 1
            call_command("import_progress", str(path), stderr=err, stdout=io.StringIO())
        path.unlink()
        answer = err.getvalue().encode()
    else:
        client = Client(SERVER_NAME="localhost")
        client.force_login(officer if door == "administration" else chef)
        upload = SimpleUploadedFile("x.csv", content)
        if door == "administration":
            url = reverse("admin:indicators_progressentry_import")
            response = client.post(url, {"format": "0", "import_file": upload, "resource": "0"})
        else:
            response = client.post(reverse("espace:import"), {"file": upload})
        assert response.status_code == 200, response.status_code
        answer = response.content
    seconds = time.perf_counter() - started
    assert REFERENCE
    print(
        f"{door:15} {lines:>9} lignes « x » ({len(content) / 1e6:.1f} Mo) : {seconds:5.2f} s, "
        f"RSS max {peak_mb():6.1f} Mo (+{peak_mb() - before:5.1f} Mo pendant l'import), "
        f"réponse {len(answer) / 1024:6.1f} ko"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        one(sys.argv[2], int(sys.argv[3]))
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (voir l'en-tête du script).")
    from bench.bench_import import ensure_database

    ensure_database(url)
    subprocess.run(  # noqa: S603 (this very script)
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.core.management import call_command; call_command('migrate', verbosity=0)",
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for lines in SIZES:
        for door in DOORS:
            subprocess.run(  # noqa: S603 (this very script)
                [sys.executable, __file__, "--one", door, str(lines)], check=True
            )


if __name__ == "__main__":
    main()

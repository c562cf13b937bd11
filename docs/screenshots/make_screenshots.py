"""Screenshots of the public pages, of a few signed-in pages and of the PDFs, from a demo database.

    UV_PYTHON_DOWNLOADS=never python3 -m uv run --frozen python docs/screenshots/make_screenshots.py

Builds a SQLite database in a temporary folder (``manage.py demo``: the shipped territories,
seed contracts and demonstration progress), serves it with ``runserver`` (DEBUG off, static files
by WhiteNoise) on a free local port, and takes with Playwright and Debian's Chromium (never a
downloaded browser): ``/`` and the Calaisis fiche at 1280 px, the fiche at 320 px, the legal
pages and a search by place (« Ardres ») at 375 and 1280 px, the phone's open menu, the fiche's
comparison with similar territories, the open data page, and the first page of the Calaisis PDF
(``pdftoppm -png -r 80``). Signed in as the Calaisis chef de projet, it types demonstration texts
into the 2022 annual report, generates it (Celery runs eagerly: no worker) and takes the page and
the first page of its PDF; signed in as ``agent.demo``, it exports the progress entries from the
admin and takes « Mes exports » (``COTRI_EXPORT_SYNC_MAX_ROWS`` is lowered to 10 so that the
demo's few entries go through an export job). Writes the PNGs next to this script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tools.local import CHROMIUM, CHROMIUM_ARGS, free_port, load_demo, wait_up  # noqa: E402

REFERENCE = "COTTRI-2021-CALAISIS"
LEGAL_PAGES = [
    ("/mentions-legales/", "mentions-legales"),
    ("/donnees-personnelles/", "donnees-personnelles"),
    ("/accessibilite/", "accessibilite"),
    ("/plan-du-site/", "plan-du-site"),
]
MAX_BYTES = 1_500_000
REPORT_YEAR = 2022
REPORT_TEXTS = {
    "highlights": "Texte de démonstration : les faits marquants de l'année.",
    "difficulties": "Texte de démonstration : les difficultés rencontrées.",
    "outlook": "Texte de démonstration : les perspectives pour l'année suivante.",
}
CHEF = ("chef.pays-du-calaisis", "demo-chef-cotri")
AGENT = ("agent.demo", "demo-agent-cotri")


def shoot(browser, url: str, name: str, *, width: int, height: int, full_page: bool) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url, wait_until="networkidle")
    path = HERE / name
    page.screenshot(path=str(path), full_page=full_page)
    page.close()
    check(path)


def check(path: Path) -> None:
    size = path.stat().st_size
    if size >= MAX_BYTES:
        raise SystemExit(f"{path.name} : {size} octets (plus de {MAX_BYTES})")
    print(f"{path.relative_to(ROOT)} : {size // 1024} Kio")


def pdf_first_page(pdf: Path, name: str) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf)]
        + [str(HERE / name.removesuffix(".png"))],
        check=True,
    )
    check(HERE / name)


def log_in(browser, url: str, credentials: tuple[str, str]):
    """A new 1280 px page signed in through the login form at ``url``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url, wait_until="networkidle")
    page.fill("input[name=username]", credentials[0])
    page.fill("input[name=password]", credentials[1])
    with page.expect_navigation():
        page.locator("form [type=submit]").last.click()
    if "connexion" in page.url or "login" in page.url:
        raise SystemExit(f"connexion refusée pour {credentials[0]}")
    return page


def annual_report(browser, base: str, work: Path) -> None:
    """The chef's 2022 report: texts typed, generated, the page and the first page of its PDF."""
    page = log_in(browser, f"{base}/espace/connexion/", CHEF)
    page.goto(
        f"{base}/espace/contrats/{REFERENCE}/rapports/{REPORT_YEAR}/", wait_until="networkidle"
    )
    for name, text in REPORT_TEXTS.items():
        page.fill(f"textarea[name={name}]", text)
    with page.expect_navigation(timeout=300_000):
        page.get_by_role("button", name="Enregistrer et générer le rapport").click()
    # Eager Celery: usually done at once; else the page polls and reloads when it ends.
    link = page.locator("a", has_text="PDF").first
    link.wait_for(state="visible", timeout=300_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / "rapport-annuel-1280.png"), full_page=True)
    check(HERE / "rapport-annuel-1280.png")
    answer = page.request.get(base + link.get_attribute("href"))
    if not answer.ok:
        raise SystemExit(f"PDF du rapport : {answer.status}")
    pdf = work / "rapport.pdf"
    pdf.write_bytes(answer.body())
    page.close()
    pdf_first_page(pdf, "rapport-annuel-pdf-page-1.png")


def my_exports(browser, base: str) -> None:
    """The progress entries exported from the admin (a job), then « Mes exports »."""
    page = log_in(browser, f"{base}/admin/login/", AGENT)
    page.goto(f"{base}/admin/indicators/progressentry/export/", wait_until="networkidle")
    page.select_option("select[name=format]", label="xlsx")
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Soumettre").click()
    if "/admin/mes-exports/" not in page.url:
        page.goto(f"{base}/admin/mes-exports/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / "mes-exports-1280.png"), full_page=True)
    page.close()
    check(HERE / "mes-exports-1280.png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="cotri-screenshots-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{work / 'demo.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="true",  # no worker: reports and exports run in the request
        COTRI_EXPORT_SYNC_MAX_ROWS="10",  # the demo's entries go through an export job
    )
    server = None
    try:
        load_demo(env)
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_up(f"{base}/healthz", server, name="runserver")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            fiche = f"{base}/fiches/{REFERENCE}/"
            shoot(browser, f"{base}/", "accueil.png", width=1280, height=900, full_page=True)
            shoot(browser, fiche, "fiche-1280.png", width=1280, height=1800, full_page=False)
            shoot(browser, fiche, "fiche-320.png", width=320, height=1400, full_page=False)
            for path, name in LEGAL_PAGES:
                for width in (375, 1280):
                    shoot(
                        browser,
                        f"{base}{path}",
                        f"{name}-{width}.png",
                        width=width,
                        height=900,
                        full_page=True,
                    )
            search = f"{base}/fiches/?q=Ardres#liste"
            shoot(
                browser,
                search,
                "recherche-ardres-1280.png",
                width=1280,
                height=900,
                full_page=False,
            )
            shoot(
                browser, search, "recherche-ardres-375.png", width=375, height=900, full_page=False
            )
            page = browser.new_page(viewport={"width": 375, "height": 740})
            page.goto(f"{base}/", wait_until="networkidle")
            page.get_by_role("button", name="Menu").click()
            page.locator("#menu-mobile").wait_for(state="visible")
            page.screenshot(path=str(HERE / "menu-375.png"))
            page.close()
            check(HERE / "menu-375.png")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{fiche}#objectif-O1", wait_until="networkidle")
            page.locator("#objectif-O1").screenshot(path=str(HERE / "fiche-objectif-o1.png"))
            check(HERE / "fiche-objectif-o1.png")
            page.locator("section.cotri-compare").screenshot(
                path=str(HERE / "fiche-comparaison.png")
            )
            page.close()
            check(HERE / "fiche-comparaison.png")
            shoot(
                browser,
                f"{base}/donnees-ouvertes/",
                "donnees-ouvertes-1280.png",
                width=1280,
                height=900,
                full_page=True,
            )
            annual_report(browser, base, work)
            my_exports(browser, base)
            browser.close()
        pdf = work / "fiche.pdf"
        with urllib.request.urlopen(f"{base}/fiches/{REFERENCE}.pdf") as answer:  # noqa: S310
            pdf.write_bytes(answer.read())
        pdf_first_page(pdf, "fiche-pdf-page-1.png")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

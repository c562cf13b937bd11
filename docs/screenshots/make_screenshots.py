"""Screenshots of the public pages and of the fiche PDF, from a throwaway demo database.

    UV_PYTHON_DOWNLOADS=never python3 -m uv run --frozen python docs/screenshots/make_screenshots.py

Builds a SQLite database in a temporary folder (``manage.py demo``: the shipped territories,
seed contracts and demonstration progress), serves it with ``runserver`` (DEBUG off, static files
by WhiteNoise) on a free local port, and takes with Playwright and Debian's Chromium (never a
downloaded browser): ``/`` and the Calaisis fiche at 1280 px, the fiche at 320 px, the legal
pages and a search by place (« Ardres ») at 375 and 1280 px, the phone's open menu, and the first
page of the Calaisis PDF (``pdftoppm -png -r 80``). Writes the PNGs next to this script.
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
            browser.close()
        pdf = work / "fiche.pdf"
        with urllib.request.urlopen(f"{base}/fiches/{REFERENCE}.pdf") as answer:  # noqa: S310
            pdf.write_bytes(answer.read())
        subprocess.run(  # noqa: S603 - fixed arguments
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf)]
            + [str(HERE / "fiche-pdf-page-1")],
            check=True,
        )
        check(HERE / "fiche-pdf-page-1.png")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

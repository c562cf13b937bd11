"""Run the app locally for a script: Debian's Chromium, a free port, a demo database, a server.

Used by ``bench/bench_fiche.py``, ``docs/screenshots/make_screenshots.py`` and the browser
fixture of ``tests/conftest.py``; nothing here is imported by the app.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Debian's Chromium, never a browser downloaded by Playwright; flags for a closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_demo(env: dict[str, str]) -> None:
    """``manage.py demo`` against the database that ``env`` names."""
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_up(url: str, server: subprocess.Popen, *, name: str = "le serveur") -> None:
    """Until ``url`` answers; stops the script if the server exits or never answers."""
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"{name} s’est arrêté (code {server.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - our local server
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} ne répond pas")

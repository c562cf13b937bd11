"""axe audits of a page as its user meets it: after the DSFR's script has started.

The DSFR decorates its components when its engine starts (it sets ``data-fr-js`` on ``<html>``):
the header's menu only becomes a named dialog then. Audited before, on a loaded machine, the
page showed a state no user reads (``aria-prohibited-attr`` on ``#menu-mobile``). Pages without
the DSFR (the admin) are audited at once.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

DSFR_STARTED = """() => !document.querySelector('script[src*="dsfr.module"]')
    || document.documentElement.hasAttribute('data-fr-js')"""


def serious_violations(page, context: str | None = None, axe: Axe | None = None) -> list:
    """``[(rule id, [node targets])]`` of the serious and critical axe violations of ``page``."""
    page.wait_for_function(DSFR_STARTED, timeout=15_000)
    violations = (axe or Axe()).run(page, context=context).response["violations"]
    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]

"""The overview's figures, cached under one generation (as the fiche is, ADR 0007).

``cotri:overview:data:<date>:<code version>`` holds the unfiltered overview (rows, totals,
coverage) with the generation it was built under; ``cotri:overview:gen`` holds the current
generation. The handlers that bump a fiche's generation (cotri/public/signals.py: any change to
a contract, its objectives, indicators, shown entries, tranches, evaluations) also call
``bump_overview_generation``: now and again after the commit. A request reads both keys in one
``get_many`` and no SQL when the entry is current. Territory populations (an Etalab import) are
bounded by the time-to-live, ``COTRI_FICHE_CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

GEN_KEY = "cotri:overview:gen"


def _code_version() -> str:
    path = Path(settings.BASE_DIR) / "cotri/public/overview.py"
    return hashlib.sha256(path.read_bytes() if path.is_file() else b"").hexdigest()[:12]


CODE_VERSION = _code_version()


def _data_key() -> str:
    return f"cotri:overview:data:{timezone.localdate().isoformat()}:{CODE_VERSION}"


def _new_generation() -> None:
    cache.set(GEN_KEY, uuid.uuid4().hex, timeout=None)


def bump_overview_generation() -> None:
    """Invalidate the cached overview: now, and again after the commit."""
    _new_generation()
    transaction.on_commit(_new_generation)


def overview_data():
    """The unfiltered overview (``OverviewData``), from the cache when current."""
    from cotri.public.overview import build_overview_data

    key = _data_key()
    found = cache.get_many([key, GEN_KEY])
    generation = found.get(GEN_KEY)
    if generation is None:  # never set, or evicted
        cache.add(GEN_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GEN_KEY)
    entry = found.get(key)
    if entry is not None and entry["generation"] == generation:
        return entry["value"]
    # The generation is read before the data: a change committed meanwhile bumps it.
    value = build_overview_data()
    timeout = int(getattr(settings, "COTRI_FICHE_CACHE_SECONDS", 300))
    cache.set(key, {"generation": generation, "value": value}, timeout=timeout)
    return value

"""The rendered fiche body, cached per contract generation (ADR 0007).

A request for a fiche reads no SQL when the fiche is cached: one small read (the generation) when
this process holds the entry, else one or two reads of these keys:

- ``cotri:fiche:page:<reference>:<date>:<code version>`` → the rendered body and the territory's
  name, with the contract's id and the generation they were built under (``…:html:…``: the
  whole page for visitors without session; ``…:public:…``: only the id, for the stored PDF);
- ``cotri:fiche:gen:<contract id>`` → the contract's current generation (a random token);
- ``cotri:fiche:compare-built`` → the token of the latest comparison table stored (compare.py,
  ADR 0017), which holds *other* contracts' validated values: an entry is current when both
  tokens are those it was built under (read together, one round trip). A fiche that stored a
  table while being built (cold start) is kept under that table's token.

The signals that re-render the PDF (cotri/public/signals.py) also call ``bump_fiche_generation``
on any change to what the fiche shows (data, status, publication, evaluation, funding): the
stored entry no longer matches, so the next request builds the fiche again from the database —
and answers 404 if the contract is no longer public. The generation is read *before* the
database, and bumped again after the commit, so a page built from data read before a commit is
never served under the generation of the committed data. The date is in the key (the fiche's
« as of » date moves with the calendar); inputs no signal reports (territory names and
populations, programme, referential) are bounded by ``COTRI_FICHE_CACHE_SECONDS``.
``bump_comparison_generation`` is called on what changes a comparison (a catalogue indicator's
validated value, a contract's status or population, an indicator, a bulk import): it marks the
tables stale and schedules their rebuild (a Celery task); the cached fiches follow when the
rebuilt table lands, not at the bump (a fiche built before would show the same stale table).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from contracts.models import Contract
from cotri.public.compare import (
    BUILT_HERE,
    COMPARE_BUILT_KEY,
    new_comparison_generation,
    schedule_comparison_rebuild,
)
from cotri.public.context_processors import identity
from cotri.public.fiche import load_fiche, published_contract
from french.output import format_iso_date

# Rendered pages change with these files: a deploy that changes them must not serve old HTML
# from a shared cache that survived it.
_SOURCES = [
    "cotri/public/fiche.py",
    "cotri/public/charts.py",
    "cotri/public/compare.py",
    "templates/public/_fiche_compare.html",
    "templates/public/_fiche_body.html",
    "templates/public/fiche.html",
    "templates/base.html",
]


def _code_version() -> str:
    digest = hashlib.sha256()
    for name in _SOURCES:
        path = Path(settings.BASE_DIR) / name
        digest.update(path.read_bytes() if path.is_file() else name.encode())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class FichePage:
    """What the fiche page needs besides the site's frame."""

    reference: str
    territory_name: str
    body: SafeString


def _timeout() -> int:
    return int(getattr(settings, "COTRI_FICHE_CACHE_SECONDS", 300))


def _gen_key(contract_id: int) -> str:
    return f"cotri:fiche:gen:{contract_id}"


def _entry_key(kind: str, reference: str) -> str:
    day = format_iso_date(timezone.now())
    return f"cotri:fiche:{kind}:{reference}:{day}:{CODE_VERSION}"


def _new_generation(contract_id: int) -> None:
    cache.set(_gen_key(contract_id), uuid.uuid4().hex, timeout=None)


def bump_fiche_generation(contract_id: int) -> None:
    """Invalidate the cached fiche of a contract: now (readers in this transaction) and again
    after the commit (readers elsewhere that built a page from the data before the commit)."""
    _new_generation(contract_id)
    transaction.on_commit(lambda: _new_generation(contract_id))


def bump_fiche_generations(contract_ids) -> None:
    """``bump_fiche_generation`` for many contracts: one cache write now, one after the commit."""
    keys = [_gen_key(contract_id) for contract_id in sorted(set(contract_ids))]
    if not keys:
        return

    def renew() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    renew()
    transaction.on_commit(renew)


def bump_comparison_generation() -> None:
    """Mark the comparison tables as older than the data: now and again after the commit (as
    ``bump_fiche_generation``), and schedule their rebuild after the commit. Cached fiches
    follow when the rebuilt table lands (``COMPARE_BUILT_KEY``), not before."""
    new_comparison_generation()
    schedule_comparison_rebuild()  # bumps it again after the commit, then enqueues


def _combined(found: dict, contract_id: int) -> str | None:
    """The generation an entry must carry, from a ``get_many`` of both keys (None if unset)."""
    own, compared = found.get(_gen_key(contract_id)), found.get(COMPARE_BUILT_KEY)
    return None if own is None or compared is None else f"{own}:{compared}"


def _generation(contract_id: int) -> str | None:
    """The contract's current generation (both tokens, one round trip), None when unset."""
    return _combined(cache.get_many([_gen_key(contract_id), COMPARE_BUILT_KEY]), contract_id)


def _current_generation(contract_id: int) -> str | None:
    generation = _generation(contract_id)
    if generation is None:  # never set, or evicted: start new ones
        cache.add(_gen_key(contract_id), uuid.uuid4().hex, timeout=None)
        cache.add(COMPARE_BUILT_KEY, uuid.uuid4().hex, timeout=None)
        generation = _generation(contract_id)
    return generation


def build_fiche_page(reference: str) -> tuple[FichePage, int]:
    """The fiche built from the database (404 unless published) and its contract's id."""
    contract = published_contract(reference)
    body = render_to_string("public/_fiche_body.html", {"fiche": load_fiche(contract)})
    page = FichePage(contract.reference, contract.territory.name, mark_safe(body))  # noqa: S308
    return page, contract.pk


# Reference → contract id, learnt by this process on a miss, so that a hit reads the entry and
# the generation in one round trip. A stale pair never serves a wrong page: a hit needs the
# entry's contract id to be this one and its generation to be current.
_CONTRACT_IDS: dict[str, int] = {}


# Entries this process read or built, by key, until the time-to-live: a hit then reads only the
# (small) generation.
_LOCAL: dict[str, tuple[float, dict]] = {}
_LOCAL_MAX = 512


def _remember(key: str, reference: str, entry: dict) -> None:
    if len(_LOCAL) >= _LOCAL_MAX:  # older days' keys and retired references
        _LOCAL.clear()
    _LOCAL[key] = (time.monotonic() + _timeout(), entry)
    _CONTRACT_IDS[reference] = entry["contract_id"]


def _cached[T](kind: str, reference: str, build: Callable[[str], tuple[T, int]]) -> T:
    """The value under the contract's current generation: one small read when this process
    holds it, else the shared entry (one or two reads), else built and stored."""
    key = _entry_key(kind, reference)
    known = _CONTRACT_IDS.get(reference)
    deadline, local = _LOCAL.get(key, (0.0, None))
    fresh = local is not None and local["contract_id"] == known and time.monotonic() < deadline
    if fresh and _generation(known) == local["generation"]:
        return local["value"]
    if known is not None:  # another process may have stored the current one
        found = cache.get_many([key, _gen_key(known), COMPARE_BUILT_KEY])
        entry = found.get(key)
        current = entry is not None and entry["contract_id"] == known
        if current and _combined(found, known) == entry["generation"]:
            _remember(key, reference, entry)
            return entry["value"]
    else:
        entry = cache.get(key)
        if entry is not None and _generation(entry["contract_id"]) == entry["generation"]:
            _remember(key, reference, entry)
            return entry["value"]
    contract_id = Contract.objects.filter(reference=reference).values_list("pk", flat=True).first()
    if contract_id is None:
        raise Http404("Aucune fiche publiée sous cette référence.")
    # The generation is read before the data (publication included) the value is built from.
    generation = _current_generation(contract_id)
    BUILT_HERE.set(None)
    value, contract_id = build(reference)
    built = BUILT_HERE.get()
    if generation is not None and built is not None and cache.get(COMPARE_BUILT_KEY) == built:
        # The comparison table this value shows was built during the build, and is the latest.
        generation = f"{generation.split(':')[0]}:{built}"
    if generation is None:  # the cache is unreachable: serve what was built, remember nothing
        _CONTRACT_IDS[reference] = contract_id
        return value
    entry = {"contract_id": contract_id, "generation": generation, "value": value}
    cache.set(key, entry, timeout=_timeout())
    _remember(key, reference, entry)
    return value


def fiche_page(reference: str) -> FichePage:
    """The fiche of a published contract (404 otherwise), from the cache when current."""
    return _cached("page", reference, build_fiche_page)


def fiche_html(reference: str) -> bytes:
    """The whole fiche page for a visitor who can have no messages (no session, no message
    cookie): the frame is the same for all of them, so it is cached with the body. The site's
    identity (settings) is part of the key."""
    # The static files' URLs (hashed names in production) are the frame's too.
    names = [*sorted(identity(None).items()), static("css/cotri.css")]
    frame = hashlib.sha256(repr(names).encode()).hexdigest()[:8]

    def build(ref: str) -> tuple[bytes, int]:
        page = fiche_page(ref)
        context = {"page": page, "messages": (), **identity(None)}
        return render_to_string("public/fiche.html", context).encode(), _CONTRACT_IDS[ref]

    return _cached(f"html:{frame}", reference, build)


def public_contract_id(reference: str) -> int:
    """The id of the published contract (404 otherwise), from the cache when current."""
    return _cached("public", reference, lambda ref: (published_contract(ref).pk,) * 2)

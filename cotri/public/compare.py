"""Where a territory stands among similar engaged territories, per catalogue indicator (ADR 0017).

For each catalogue indicator (an ``Indicator`` linked to an ``IndicatorDefinition``) of a fiche's
contract, the fiche shows the territory's validated level per 10 000 inhabitants, its place
among the engaged territories of the same kind (« 3ᵉ sur 7 », from the highest value down) and
the regional median of those values — only when at least three territories report it.

- **Engaged**: what the overview calls engaged, every published contract
  (``Contract.objects.published()``: published and not a draft), current or ended — their
  validated values are real; one definition of « engaged » for the whole site.
- **Same kind**: the same ``Territory.kind`` (EPCI, groupement, commune…): a CA is compared with
  a CC, a Pays with a PETR or a syndicat mixte — per inhabitant, their size does not matter.
- **Reports**: a contract reports a catalogue indicator when one of its indicators linked to it
  has a validated value dated on or before the contract's default date (the earlier of today and
  its end); drafts, submitted and returned values never count.
- **Level**: the rules' validated level at the contract's default date
  (``indicators.levels.validated_level``), summed over the contract's indicators linked to the
  same definition that have a validated value (as the overview's catalogue totals sum them).
- **Population**: the one the fiche shows, the contract's reference population, else the
  territory's population municipale; a contract without either is not compared.
- A territory with several engaged contracts reporting the indicator counts once: with the
  fiche's contract on its own fiche, else with its latest contract (latest start, then latest
  created).

The levels of every engaged territory of a kind are read in one aggregate query
(``catalogue_levels``, seconds at national size), kept as the kind's **latest table** in Django's
cache (``cotri:fiche:compare-table:<kind>``, with the comparison generation and the day it was
built for; ``…compare-meta:<kind>``: the same without the table, read on each build of a fiche).
A request never pays the aggregate except at a **cold start** (no table at all for the kind: it
is built inline, the only way to show something; one builder, the others wait for it at most
``BUILD_WAIT`` seconds). Otherwise:

- the signals bump the **comparison generation** (``cotri:fiche:compare-gen``) on whatever
  changes a comparison (cotri/public/signals.py) and, after the commit, enqueue one
  ``cotri.public.tasks.rebuild_comparison_tables`` (coalesced by a cache lock, freed when the
  task starts), which rebuilds the table of every kind that has one;
- a request reads the latest table even when it is older than the current generation, the day
  or the fiche cache's time-to-live (stale-while-revalidate), and then makes sure a rebuild is
  waiting (with Celery eager — tests, laptops without Redis — it has run once that returns, and
  the request reads the new table);
- each stored table gets a new token, ``cotri:fiche:compare-built``: a cached fiche is current
  while its own generation and that token are those it was built under (cache.py), so cached
  fiches keep showing the previous table until the rebuilt one lands, then are built again.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from contracts.enums import ContractStatus
from contracts.models import Contract
from french.output import format_rank
from indicators.levels import LEVEL_FIELD, has_validated_value, validated_level
from indicators.models import Indicator, IndicatorDefinition
from territories.enums import TerritoryKind

logger = logging.getLogger(__name__)

PER_INHABITANTS = 10_000
MIN_TERRITORIES = 3
SHOWN_STEP = Decimal("0.01")  # values are shown to the hundredth (ranks use exact values)

KIND_LABELS = {
    TerritoryKind.REGION: "régions",
    TerritoryKind.DEPARTEMENT: "départements",
    TerritoryKind.EPCI: "EPCI",
    TerritoryKind.COMMUNE: "communes",
    TerritoryKind.GROUPEMENT: "groupements : pays, PETR, syndicats mixtes, PNR",
}

FEW_TERRITORIES = "comparaison indisponible (moins de trois territoires)"
NO_POPULATION = "comparaison indisponible (population du territoire non renseignée)"
NO_VALUE = "comparaison indisponible (aucune valeur validée pour ce territoire)"


@dataclass(frozen=True)
class Reported:
    """One engaged contract's validated level of one catalogue indicator."""

    contract_id: int
    territory_id: int
    start: date | None
    population: int | None
    level: Decimal
    demo: bool
    per_inhabitants: Decimal | None = None  # level per PER_INHABITANTS inhabitants

    def __post_init__(self) -> None:
        if self.population:  # computed once, when the table is built
            value = self.level * PER_INHABITANTS / Decimal(self.population)
            object.__setattr__(self, "per_inhabitants", value)


@dataclass(frozen=True)
class ComparisonRow:
    """One catalogue indicator on one fiche; values per ``PER_INHABITANTS`` inhabitants."""

    definition: IndicatorDefinition
    value: Decimal | None  # this territory's, None without population
    median: Decimal | None  # of the compared territories (this one included)
    rank: int | None  # 1 for the highest value
    tied: bool  # another territory has exactly the same value
    count: int  # territories compared (this one included)
    demo: bool  # a compared value is demonstration data
    reason: str = ""  # why the comparison is not shown (French), "" when it is

    @property
    def available(self) -> bool:
        return not self.reason

    @property
    def value_shown(self) -> Decimal | None:
        return _shown(self.value)

    @property
    def median_shown(self) -> Decimal | None:
        return _shown(self.median)

    @property
    def rank_text(self) -> str:
        """« 3ᵉ sur 7 » (empty when unavailable)."""
        return format_rank(self.rank, self.count, tied=self.tied) if self.available else ""


@dataclass(frozen=True)
class Comparison:
    """What the fiche shows under « Comparaison avec les territoires similaires »."""

    engaged: bool  # the fiche's contract is engaged (else ``rows`` is empty)
    kind: str  # TerritoryKind value
    rows: list[ComparisonRow] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        """« EPCI », « groupements (pays, PETR, syndicats mixtes, parcs naturels régionaux) »."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def per(self) -> int:
        return PER_INHABITANTS

    @property
    def demo(self) -> bool:
        return any(row.demo for row in self.rows if row.available)


def _shown(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SHOWN_STEP, rounding=ROUND_HALF_UP)


def engaged_contracts():
    """The contracts compared: the overview's engaged contracts, every published one."""
    return Contract.objects.published()


def is_engaged(contract: Contract) -> bool:
    """Whether the contract is compared (and its fiche shows the comparison)."""
    return contract.published and contract.status != ContractStatus.DRAFT


def comparisons_read(contract_ids: Iterable[int]) -> bool:
    """Whether the validated values of these contracts may show in comparisons (one of them is
    engaged and has a catalogue indicator): one query."""
    return Indicator.objects.filter(
        objective__contract__in=engaged_contracts().filter(pk__in=list(contract_ids)),
        definition__isnull=False,
    ).exists()


def catalogue_levels(kind: str, today: date) -> dict[int, list[Reported]]:
    """Per definition id, the levels of the engaged contracts of territories of ``kind``: one
    aggregate query (``today`` is the local date; each contract counts at its default date)."""
    rows = (
        Indicator.objects.filter(
            definition__isnull=False,
            objective__contract__in=engaged_contracts().filter(territory__kind=kind),
        )
        .filter(has_validated_value(today))
        .annotate(level=validated_level(today))
        .values(
            "definition_id",
            contract=F("objective__contract_id"),
            territory=F("objective__contract__territory_id"),
            start=F("objective__contract__start"),
            inhabitants=Coalesce(
                "objective__contract__population", "objective__contract__territory__population"
            ),
            demo=F("objective__contract__demo_data"),
        )
        .annotate(total=Sum("level", output_field=LEVEL_FIELD))
        .order_by()
    )
    found: dict[int, list[Reported]] = defaultdict(list)
    for row in rows:
        found[row["definition_id"]].append(
            Reported(
                contract_id=row["contract"],
                territory_id=row["territory"],
                start=row["start"],
                population=row["inhabitants"],
                level=Decimal(row["total"]),
                demo=row["demo"],
            )
        )
    return dict(found)


COMPARE_GEN_KEY = "cotri:fiche:compare-gen"
# The token of the latest table stored, of any kind: part of a cached fiche's generation.
COMPARE_BUILT_KEY = "cotri:fiche:compare-built"
REBUILD_LOCK_KEY = "cotri:fiche:compare-rebuild:scheduled"
BUILD_WAIT = 30  # seconds a cold fiche waits for another process's table before building its own

# The token of the table last stored by this context (a fiche built here used it): read by the
# fiche cache (cache.py) to store the fiche under that table rather than under the previous one.
BUILT_HERE: ContextVar[str | None] = ContextVar("compare_built_here", default=None)

# Tables this process read or built, by kind: (token, table).
_LOCAL: dict[str, tuple[str, dict[int, list[Reported]]]] = {}


def new_comparison_generation() -> None:
    cache.set(COMPARE_GEN_KEY, uuid.uuid4().hex, timeout=None)


def comparison_generation() -> str | None:
    """The current comparison generation (a random token; started when unset), None when the
    cache is unreachable."""
    generation = cache.get(COMPARE_GEN_KEY)
    if generation is None:
        cache.add(COMPARE_GEN_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(COMPARE_GEN_KEY)
    return generation


def _timeout() -> int:
    return int(getattr(settings, "COTRI_FICHE_CACHE_SECONDS", 300))


def _table_key(kind: str) -> str:
    return f"cotri:fiche:compare-table:{kind}"


def _meta_key(kind: str) -> str:
    return f"cotri:fiche:compare-meta:{kind}"


def _stale(meta: dict, generation: str | None, today: date) -> bool:
    """Whether a stored table is older than the data: built under an older comparison
    generation, for another day, or longer ago than the fiche cache's time-to-live (inputs
    without signal: territory kinds and populations)."""
    return (
        meta["generation"] != generation
        or meta["day"] != today.isoformat()
        or time.time() - meta["built_at"] > _timeout()
    )


def build_comparison_table(kind: str, today: date) -> dict[int, list[Reported]]:
    """Build the kind's table (one aggregate query) and store it as the latest, with the
    comparison generation read before the data; then mark a new table as built."""
    generation = comparison_generation()
    table = catalogue_levels(kind, today)
    if generation is None:
        return table
    meta = {
        "token": uuid.uuid4().hex,
        "generation": generation,
        "day": today.isoformat(),
        "built_at": time.time(),
    }
    cache.set(_table_key(kind), {**meta, "table": table}, timeout=None)  # the table first
    cache.set(_meta_key(kind), meta, timeout=None)
    cache.set(COMPARE_BUILT_KEY, meta["token"], timeout=None)
    BUILT_HERE.set(meta["token"])
    _LOCAL[kind] = (meta["token"], table)
    return table


def _eager() -> bool:
    from cotri.celery import app

    return bool(app.conf.task_always_eager)


def _enqueue_rebuild() -> bool:
    """Enqueue one rebuild of the stored tables unless one is already waiting (a cache lock,
    freed when the task starts)."""
    from cotri.public.tasks import rebuild_comparison_tables

    if not cache.add(REBUILD_LOCK_KEY, 1, timeout=BUILD_WAIT * 10):
        return False
    try:
        rebuild_comparison_tables.apply_async()
    except Exception:
        cache.delete(REBUILD_LOCK_KEY)  # do not block the next change for nothing
        raise
    return True


def schedule_comparison_rebuild() -> None:
    """After the commit, bump the comparison generation again (readers that built a table from
    the data before the commit) and rebuild the stored tables once (a burst of changes: one
    waiting task). robust: an unavailable broker must not turn a committed validation into an
    error page."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(callback, "comparison", False) for _s, callback, _r in connection.run_on_commit
    ):
        return

    def enqueue() -> None:
        new_comparison_generation()
        _enqueue_rebuild()

    enqueue.comparison = True
    transaction.on_commit(enqueue, robust=True)


def _rebuild_now() -> None:
    """From a request serving a stale table: make sure a rebuild is waiting (never fails)."""
    try:
        _enqueue_rebuild()
    except Exception:
        logger.exception("Comparaison : reconstruction de la table non planifiée")


def _latest(kind: str, meta: dict | None) -> tuple[dict | None, dict[int, list[Reported]] | None]:
    """The kind's latest table (this process's copy when it is the one ``meta`` names)."""
    if meta is None:
        return None, None
    token, table = _LOCAL.get(kind, ("", None))
    if table is not None and token == meta["token"]:
        return meta, table
    entry = cache.get(_table_key(kind))
    if entry is None:  # evicted
        return None, None
    table = entry.pop("table")
    _LOCAL[kind] = (entry["token"], table)
    return entry, table


def comparison_table(kind: str, today: date) -> dict[int, list[Reported]]:
    """The latest table of ``kind`` (``catalogue_levels``), from this process or the shared
    cache, even when older than the data (stale-while-revalidate: a rebuild is then scheduled,
    ``rebuild_comparison_tables``). Built here only when no table exists for the kind (cold
    start: one builder, the others wait for it); built every time when the cache is
    unreachable."""
    found = cache.get_many([COMPARE_GEN_KEY, _meta_key(kind)])
    generation = found.get(COMPARE_GEN_KEY) or comparison_generation()
    if generation is None:
        return catalogue_levels(kind, today)
    meta, table = _latest(kind, found.get(_meta_key(kind)))
    if table is not None and _stale(meta, generation, today):
        _rebuild_now()
        if _eager():  # the rebuild ran in this process (tests, laptops without Redis)
            meta, table = _latest(kind, cache.get(_meta_key(kind)))
    if table is not None:
        return table
    # Cold start: no table for this kind yet.
    if not cache.add(f"{_table_key(kind)}:building", 1, timeout=BUILD_WAIT):
        waited = time.monotonic() + BUILD_WAIT
        while time.monotonic() < waited:  # another process builds it
            time.sleep(0.05)
            meta, table = _latest(kind, cache.get(_meta_key(kind)))
            if table is not None:
                return table
    try:
        return build_comparison_table(kind, today)
    finally:
        cache.delete(f"{_table_key(kind)}:building")


def rebuild_tables(today: date) -> list[str]:
    """Rebuild the table of every kind that has one (kinds never shown wait for a fiche)."""
    stored = cache.get_many([_meta_key(kind) for kind in TerritoryKind.values])
    kinds = [kind for kind in TerritoryKind.values if _meta_key(kind) in stored]
    for kind in kinds:
        build_comparison_table(kind, today)
    return kinds


def _later(item: Reported, other: Reported) -> bool:
    return (item.start or date.min, item.contract_id) > (other.start or date.min, other.contract_id)


def compare(
    definition: IndicatorDefinition,
    contract_id: int,
    territory_id: int,
    reported: list[Reported],
) -> ComparisonRow:
    """The row of a contract (of ``territory_id``) among ``reported`` (the definition's levels):
    one value per territory, the contract's own for its territory; pure."""
    own = next((r for r in reported if r.contract_id == contract_id), None)
    latest: dict[int, Reported] = {}
    for item in reported:  # a later contract of a territory replaces an earlier one
        if item.territory_id == territory_id or item.per_inhabitants is None:
            continue
        known = latest.get(item.territory_id)
        if known is None or _later(item, known):
            latest[item.territory_id] = item
    value = None if own is None else own.per_inhabitants
    if value is None:
        reason = NO_VALUE if own is None else NO_POPULATION
        return ComparisonRow(definition, None, None, None, False, len(latest), False, reason)
    compared = [own, *latest.values()]
    values = [item.per_inhabitants for item in compared]
    others = values[1:]
    return ComparisonRow(
        definition=definition,
        value=value,
        median=statistics.median(values),
        rank=1 + sum(1 for v in others if v > value),
        tied=value in others,
        count=len(values),
        demo=any(item.demo for item in compared),
        reason="" if len(values) >= MIN_TERRITORIES else FEW_TERRITORIES,
    )


def fiche_comparison(
    contract: Contract, definitions: Iterable[IndicatorDefinition], today: date
) -> Comparison | None:
    """The comparison of a contract's catalogue indicators (``definitions``: those its
    indicators link to), ordered by label; None when it has none. At most one query (none when
    the table is cached or the contract is not engaged)."""
    definitions = sorted(set(definitions), key=lambda d: (d.label, d.pk))
    if not definitions:
        return None
    kind = contract.territory.kind
    if not is_engaged(contract):
        return Comparison(engaged=False, kind=kind)
    levels = comparison_table(kind, today)
    rows = [
        compare(definition, contract.pk, contract.territory_id, levels.get(definition.pk, []))
        for definition in definitions
    ]
    return Comparison(engaged=True, kind=kind, rows=rows)

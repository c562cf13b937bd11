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
(``catalogue_levels``), whatever the number of contracts, and kept as a table in Django's cache
(``comparison_table``) under the **comparison generation** (``cotri:fiche:compare-gen``), which
the signals bump on whatever changes a comparison (cotri/public/signals.py): a fiche built after
a validation anywhere reads a fresh table, the next ones reuse it. One builder at a time: the
others wait for its table (at most ``BUILD_WAIT`` seconds, then build their own).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from contracts.enums import ContractStatus
from contracts.models import Contract
from french.output import format_rank
from indicators.levels import LEVEL_FIELD, has_validated_value, validated_level
from indicators.models import Indicator, IndicatorDefinition
from territories.enums import TerritoryKind

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
BUILD_WAIT = 30  # seconds a fiche waits for another process's table before building its own

# Tables this process read or built, by key, until the fiche cache's time-to-live.
_LOCAL: dict[str, tuple[float, dict[int, list[Reported]]]] = {}


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


def comparison_table(kind: str, today: date) -> dict[int, list[Reported]]:
    """``catalogue_levels(kind, today)``, from this process or the shared cache when built under
    the current comparison generation (read before the data), else built (one query) and
    stored; built every time when the cache is unreachable."""
    generation = comparison_generation()
    if generation is None:
        return catalogue_levels(kind, today)
    key = f"cotri:fiche:compare-table:{kind}:{today.isoformat()}:{generation}"
    deadline, table = _LOCAL.get(key, (0.0, None))
    if table is not None and time.monotonic() < deadline:
        return table
    table = cache.get(key)
    if table is None and not cache.add(f"{key}:building", 1, timeout=BUILD_WAIT):
        waited = time.monotonic() + BUILD_WAIT
        while table is None and time.monotonic() < waited:  # another process builds it
            time.sleep(0.05)
            table = cache.get(key)
    if table is None:
        table = catalogue_levels(kind, today)
        cache.set(key, table, timeout=_timeout())
    if len(_LOCAL) >= 64:  # older generations and days
        _LOCAL.clear()
    _LOCAL[key] = (time.monotonic() + _timeout(), table)
    return table


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

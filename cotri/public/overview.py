"""The regional overview: engaged territories, coverage of the region, catalogue totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils import timezone

from contracts.enums import ContractStatus
from contracts.models import Contract, Programme
from funding.evaluations.loading import default_as_of
from indicators.enums import EntryStatus
from indicators.models import Indicator, IndicatorDefinition, ProgressEntry
from indicators.rules import EntryValue, IndicatorSpec, indicator_level
from territories.enums import TerritoryKind
from territories.models import Membership, Territory


@dataclass
class OverviewFilters:
    programme: str = ""
    status: str = ""
    departement: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> OverviewFilters:
        def read(name: str) -> str:
            return query.get(name, "").strip()[:100]

        return cls(read("programme"), read("statut"), read("departement"), read("q"))

    @property
    def active(self) -> bool:
        return bool(self.programme or self.status or self.departement or self.q)


@dataclass
class Row:
    contract: Contract
    departements: list[str]
    population: int | None


@dataclass
class CatalogueTotal:
    definition: IndicatorDefinition
    total: Decimal
    contract_count: int


@dataclass
class Overview:
    filters: OverviewFilters
    rows: list[Row]
    published_count: int
    programmes: list[Programme]
    statuses: list[tuple[str, str]]
    departements: list[str]
    by_programme: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    region: Territory | None
    covered_population: int
    coverage: Decimal | None
    catalogue: list[CatalogueTotal] = field(default_factory=list)


def _departements(contracts: list[Contract]) -> dict[int, list[str]]:
    """Départements of each contract's territory: its own, or its members' (one query)."""
    result: dict[int, set[str]] = defaultdict(set)
    groups = [c.territory_id for c in contracts if not c.territory.departement_code]
    members = Membership.objects.filter(group_id__in=groups).exclude(member__departement_code="")
    for group_id, code in members.values_list("group_id", "member__departement_code").distinct():
        result[group_id].add(code)
    for contract in contracts:
        if contract.territory.departement_code:
            result[contract.territory_id].add(contract.territory.departement_code)
    return {c.pk: sorted(result[c.territory_id]) for c in contracts}


def _catalogue_totals(contracts: list[Contract]) -> list[CatalogueTotal]:
    """Per catalogue indicator, the sum of the levels reached (validated values) — two queries."""
    today = timezone.localdate()
    as_of = {c.pk: default_as_of(c, today) for c in contracts}
    indicators = list(
        Indicator.objects.filter(
            objective__contract__in=contracts, definition__isnull=False
        ).select_related("definition", "objective")
    )
    entries: dict[int, list[EntryValue]] = defaultdict(list)
    rows = ProgressEntry.objects.filter(
        indicator__in=indicators, status=EntryStatus.VALIDATED
    ).values_list("indicator_id", "value", "date", "reviewed_at")
    for indicator_id, value, day, reviewed_at in rows:
        entries[indicator_id].append(EntryValue(value, day, EntryStatus.VALIDATED, reviewed_at))
    totals: dict[int, CatalogueTotal] = {}
    contracts_of: dict[int, set[int]] = defaultdict(set)
    for indicator in indicators:
        spec = IndicatorSpec(
            indicator.code,
            indicator.kind,
            indicator.direction,
            indicator.accumulation,
            indicator.baseline,
            indicator.target,
        )
        level = indicator_level(spec, entries[indicator.pk], as_of[indicator.objective.contract_id])
        total = totals.setdefault(
            indicator.definition_id, CatalogueTotal(indicator.definition, Decimal(0), 0)
        )
        total.total += level
        contracts_of[indicator.definition_id].add(indicator.objective.contract_id)
    for definition_id, total in totals.items():
        total.contract_count = len(contracts_of[definition_id])
    return sorted(totals.values(), key=lambda t: t.definition.label)


def _region(contracts: list[Contract]) -> Territory | None:
    regions = list(Territory.objects.of_kind(TerritoryKind.REGION).order_by("code"))
    codes = [c.territory.region_code for c in contracts if c.territory.region_code]
    for region in regions:
        if codes and region.region_code == max(set(codes), key=codes.count):
            return region
    return regions[0] if regions else None


def load_overview(filters: OverviewFilters) -> Overview:
    published = list(
        Contract.objects.published()
        .select_related("programme", "territory")
        .order_by("territory__name", "reference")
    )
    departements = _departements(published)
    rows = [Row(c, departements[c.pk], c.population or c.territory.population) for c in published]
    region = _region(published)
    # A territory with several contracts counts once.
    covered = {r.contract.territory_id: r.contract.territory.population or 0 for r in rows}
    covered_population = sum(covered.values())
    coverage = None
    if region is not None and region.population:
        coverage = min(Decimal(covered_population) / Decimal(region.population), Decimal(1))
    catalogue = _catalogue_totals(published)

    shown = rows
    if filters.programme:
        shown = [r for r in shown if r.contract.programme.code == filters.programme]
    if filters.status:
        shown = [r for r in shown if r.contract.status == filters.status]
    if filters.departement:
        shown = [r for r in shown if filters.departement in r.departements]
    if filters.q:
        needle = filters.q.casefold()
        shown = [
            r
            for r in shown
            if needle in r.contract.title.casefold()
            or needle in r.contract.territory.name.casefold()
            or needle in r.contract.reference.casefold()
            or needle in r.contract.holder.casefold()
        ]
    programmes = sorted({r.contract.programme for r in rows}, key=lambda p: p.code)
    counts_programme = defaultdict(int)
    counts_status = defaultdict(int)
    for row in rows:
        counts_programme[str(row.contract.programme)] += 1
        counts_status[row.contract.get_status_display()] += 1
    statuses = [
        (value, label)
        for value, label in ContractStatus.choices
        if value != ContractStatus.DRAFT and any(r.contract.status == value for r in rows)
    ]
    return Overview(
        filters=filters,
        rows=shown,
        published_count=len(rows),
        programmes=programmes,
        statuses=statuses,
        departements=sorted({d for r in rows for d in r.departements}),
        by_programme=sorted(counts_programme.items()),
        by_status=sorted(counts_status.items()),
        region=region,
        covered_population=covered_population,
        coverage=coverage,
        catalogue=catalogue,
    )

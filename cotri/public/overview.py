"""The regional overview: engaged territories, coverage of the region, catalogue totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.http import QueryDict
from django.utils import timezone

from contracts.enums import ContractStatus
from contracts.models import Contract, Programme
from cotri.public.overview_cache import overview_data
from cotri.public.place_search import PlaceMatches, find_places
from french.input import search_key
from french.output import agree
from indicators.levels import LEVEL_FIELD, validated_level
from indicators.models import Indicator, IndicatorDefinition
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
    population: int | None  # reference population frozen at signature (the bonus cap's)
    etalab_population: int | None  # the territory's population municipale (Etalab)
    reason: str = ""  # why a search by place shows it: « Ardres fait partie du Pays du Calaisis »


@dataclass
class CatalogueTotal:
    definition: IndicatorDefinition
    total: Decimal
    contract_count: int


@dataclass
class OverviewData:
    """What the overview shows before filters: cached per generation (``overview_data``)."""

    rows: list[Row]
    programmes: list[Programme]
    statuses: list[tuple[str, str]]
    departements: list[str]
    by_programme: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    region: Territory | None
    covered_population: int
    covered_vintage: int | None
    coverage: Decimal | None
    catalogue: list[CatalogueTotal] = field(default_factory=list)
    demo_references: list[str] = field(default_factory=list)  # contracts with invented values


@dataclass
class Overview:
    filters: OverviewFilters
    data: OverviewData
    rows: list[Row]  # the filtered rows
    page: Page
    places: PlaceMatches = field(default_factory=PlaceMatches)  # what the search by place found

    def __getattr__(self, name: str):  # the unfiltered figures: overview.coverage…
        return getattr(self.data, name)

    @property
    def published_count(self) -> int:
        return len(self.data.rows)

    @property
    def outside_message(self) -> str:
        """« Lille ne fait partie d’aucun territoire engagé… » when nothing is shown and the
        search named places that no engaged territory contains; else ""."""
        outside = self.places.outside
        if self.rows or not outside:
            return ""
        shown = outside[:5]
        if len(outside) > 5:
            names = ", ".join(shown) + ", …"
        else:
            names = " et ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
        verb = agree(len(outside), "fait", "font")
        return f"{names} ne {verb} partie d’aucun territoire engagé dans un contrat publié."


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


def _catalogue_totals(published: QuerySet[Contract]) -> list[CatalogueTotal]:
    """Per catalogue indicator, the sum of the levels reached (validated values) — computed by
    the database in one aggregate, then one query for the definitions.

    Each indicator's level is the one of the rules at its contract's default date
    (``indicators.levels.validated_level``)."""
    decimal = LEVEL_FIELD
    level = validated_level(timezone.localdate())
    rows = (
        Indicator.objects.filter(objective__contract__in=published, definition__isnull=False)
        .annotate(level=level)
        .values("definition_id")
        .annotate(
            total=Sum("level", output_field=decimal),
            contracts=Count("objective__contract_id", distinct=True),
        )
        .order_by()
    )
    totals = {r["definition_id"]: (r["total"], r["contracts"]) for r in rows}
    definitions = IndicatorDefinition.objects.filter(pk__in=totals)
    result = [CatalogueTotal(d, Decimal(totals[d.pk][0]), totals[d.pk][1]) for d in definitions]
    return sorted(result, key=lambda t: t.definition.label)


def _coverage(published: QuerySet[Contract]) -> tuple[int, int | None]:
    """Population living in the engaged territories, each commune once, in one query.

    The engaged territories and their members, down to three levels (groupement → EPCI →
    commune), are gathered; the ones without members of their own (communes, or a territory
    whose members are not loaded) are counted once each, with their Etalab population
    (``Territory.population``). So a commune inside an EPCI and inside a syndicat mixte that
    both have a contract counts once. Returns (population, latest vintage)."""
    engaged = published.values("territory_id")
    level1 = Membership.objects.filter(group_id__in=engaged).values("member_id")
    level2 = Membership.objects.filter(group_id__in=level1).values("member_id")
    level3 = Membership.objects.filter(group_id__in=level2).values("member_id")
    leaves = Territory.objects.filter(
        Q(pk__in=engaged) | Q(pk__in=level1) | Q(pk__in=level2) | Q(pk__in=level3)
    ).exclude(Exists(Membership.objects.filter(group_id=OuterRef("pk"))))
    found = leaves.aggregate(population=Sum("population"), vintage=Max("population_vintage"))
    return found["population"] or 0, found["vintage"]


def _region(contracts: list[Contract]) -> Territory | None:
    regions = list(Territory.objects.of_kind(TerritoryKind.REGION).order_by("code"))
    codes = [c.territory.region_code for c in contracts if c.territory.region_code]
    for region in regions:
        if codes and region.region_code == max(set(codes), key=codes.count):
            return region
    return regions[0] if regions else None


PAGE_SIZE = 50


def build_overview_data() -> OverviewData:
    """The overview from the database, in a constant number of queries (six)."""
    published_qs = Contract.objects.published()
    published = list(
        published_qs.select_related("programme", "territory").order_by(
            "territory__name", "reference"
        )
    )
    departements = _departements(published)
    rows = [Row(c, departements[c.pk], c.population, c.territory.population) for c in published]
    region = _region(published)
    covered_population, covered_vintage = _coverage(published_qs)
    coverage = None
    if region is not None and region.population:
        coverage = min(Decimal(covered_population) / Decimal(region.population), Decimal(1))
    counts_programme = defaultdict(int)
    counts_status = defaultdict(int)
    for row in rows:
        counts_programme[str(row.contract.programme)] += 1
        counts_status[row.contract.get_status_display()] += 1
    return OverviewData(
        rows=rows,
        programmes=sorted({r.contract.programme for r in rows}, key=lambda p: p.code),
        statuses=[
            (value, label)
            for value, label in ContractStatus.choices
            if value != ContractStatus.DRAFT and any(r.contract.status == value for r in rows)
        ],
        departements=sorted({d for r in rows for d in r.departements}),
        by_programme=sorted(counts_programme.items()),
        by_status=sorted(counts_status.items()),
        region=region,
        covered_population=covered_population,
        covered_vintage=covered_vintage,
        coverage=coverage,
        catalogue=_catalogue_totals(published_qs),
        demo_references=[r.contract.reference for r in rows if r.contract.demo_data],
    )


def _filtered(rows: list[Row], filters: OverviewFilters, places: PlaceMatches) -> list[Row]:
    """The rows the filters keep. The search keeps the rows whose title, territory, reference or
    holder contains the text (accents and case aside), and the rows of the territories that
    contain a place of that name (``places``), each with its reason."""
    shown = rows
    if filters.programme:
        shown = [r for r in shown if r.contract.programme.code == filters.programme]
    if filters.status:
        shown = [r for r in shown if r.contract.status == filters.status]
    if filters.departement:
        shown = [r for r in shown if filters.departement in r.departements]
    if filters.q:
        needle = search_key(filters.q)
        kept = []
        for row in shown:
            contract = row.contract
            fields = (contract.title, contract.territory.name, contract.reference, contract.holder)
            reason = places.reasons.get(contract.territory_id, "")
            if reason:
                kept.append(replace(row, reason=reason))  # a copy: the cached row stays as is
            elif any(needle in search_key(text) for text in fields):
                kept.append(row)
        shown = kept
    return shown


def load_overview(filters: OverviewFilters, page: str | int | None = 1) -> Overview:
    """The overview (cached, see cotri.public.cache) with the filtered rows, one page of them
    (``PAGE_SIZE`` rows; a page number out of range gives the last page)."""
    data = overview_data()
    places = PlaceMatches()
    if filters.q:  # two queries (cotri/public/place_search.py)
        engaged = {r.contract.territory_id: r.contract.territory.name for r in data.rows}
        places = find_places(filters.q, engaged)
    shown = _filtered(data.rows, filters, places)
    return Overview(filters, data, shown, Paginator(shown, PAGE_SIZE).get_page(page), places)

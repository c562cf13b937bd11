"""Everything a fiche territoriale shows, read in a constant number of queries.

Only validated progress values are read. Levels and rates come from the pure rules
(``indicators.rules``), funding totals from ``funding.services`` and the bonus status from the
latest stored evaluation, so the fiche never disagrees with the officers' screens.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString

from contracts.models import Contract, GovernanceBody, Incontournable
from cotri.public.charts import actor_map, progress_bar, progress_chart
from cotri.public.compare import Comparison, fiche_comparison
from funding.evaluations import evaluation_is_public
from funding.evaluations.loading import contract_rule, default_as_of
from funding.models import Evaluation, Tranche
from funding.services import FundingTotals, tranche_planned_amount
from indicators.enums import EntryStatus, Quadrant
from indicators.models import Actor, Indicator, Objective, ProgressEntry
from indicators.rules import (
    EntryValue,
    IndicatorSpec,
    indicator_level,
    indicator_problem,
    indicator_rate,
)
from territories.enums import TerritoryKind
from territories.models import Territory
from territories.services import territory_commune_count, territory_member_epcis


@dataclass
class IndicatorView:
    indicator: Indicator
    level: Decimal
    rate: Decimal | None
    points: list[tuple[date, Decimal]]
    last_date: date | None
    chart: SafeString
    # (date, comment) of validated entries whose comment an officer made public
    public_comments: list[tuple[date, str]] = field(default_factory=list)


@dataclass
class ObjectiveView:
    objective: Objective
    threshold: Decimal
    rate: Decimal | None
    met: bool | None
    indicators: list[IndicatorView]
    bar: SafeString
    actors_unplaced: list[Actor]
    actor_map: SafeString | None  # None when no actor has a place on the map

    @property
    def verdict(self) -> str:
        return {True: "Atteint", False: "Non atteint", None: "Non évaluable"}[self.met]


@dataclass
class TrancheView:
    tranche: Tranche
    planned: Decimal | None


@dataclass
class Fiche:
    contract: Contract
    territory: Territory
    member_epcis: list[Territory]
    commune_count: int | None
    incontournables: list[Incontournable]
    objectives: list[ObjectiveView]
    tranches: list[TrancheView]
    funding: FundingTotals
    evaluation: Evaluation | None
    governance: list[GovernanceBody]
    as_of: date
    data_date: date | None
    population: int | None = None
    population_vintage: int | None = None
    # catalogue indicators against similar territories (compare.py); None without any
    comparison: Comparison | None = None
    extra: dict = field(default_factory=dict)

    @property
    def evaluation_public(self) -> bool:
        """Whether the bonus verdict may be shown (a configuration error never is)."""
        return self.evaluation is not None and evaluation_is_public(self.evaluation)

    @property
    def priority_count(self) -> int:
        return sum(1 for o in self.objectives if o.objective.priority)


def published_contract(reference: str) -> Contract:
    """The published, non-draft contract, or 404 (unpublished and drafts are not public)."""
    contract = (
        Contract.objects.published()
        .select_related("programme__referential", "territory")
        .filter(reference=reference)
        .first()
    )
    if contract is None:
        raise Http404("Aucune fiche publiée sous cette référence.")
    return contract


def validated_series(indicator: Indicator) -> tuple[IndicatorSpec, list[EntryValue]]:
    """The indicator's rule spec and its validated values (from ``indicator.validated_entries``,
    prefetched): what the fiche, its charts and the annual report compute levels from."""
    spec = IndicatorSpec(
        indicator.code,
        indicator.kind,
        indicator.direction,
        indicator.accumulation,
        indicator.baseline,
        indicator.target,
    )
    entries = [
        EntryValue(e.value, e.date, EntryStatus.VALIDATED, e.reviewed_at)
        for e in indicator.validated_entries
    ]
    return spec, entries


def entry_points(
    spec: IndicatorSpec, entries: list[EntryValue], as_of: date
) -> list[tuple[date, Decimal]]:
    """The level reached at each date a validated value was reported, up to ``as_of``."""
    days = sorted({e.date for e in entries if e.date <= as_of})
    return [(day, indicator_level(spec, entries, day)) for day in days]


def indicator_chart(
    indicator: Indicator, contract: Contract, points: list[tuple[date, Decimal]], *, dom_id: str
) -> SafeString:
    """The indicator's progress chart (SVG) over the contract's period."""
    return progress_chart(
        dom_id=dom_id,
        label=indicator.label,
        unit=indicator.unit,
        baseline=indicator.baseline,
        target=indicator.target,
        points=points,
        start=contract.start,
        end=contract.end,
    )


def _indicator_view(indicator: Indicator, contract: Contract, as_of: date) -> IndicatorView:
    spec, entries = validated_series(indicator)
    level = indicator_level(spec, entries, as_of)
    value_rate = indicator_rate(spec, level) if indicator_problem(spec) is None else None
    points = entry_points(spec, entries, as_of)
    chart = indicator_chart(indicator, contract, points, dom_id=f"graphique-{indicator.pk}")
    last = points[-1][0] if points else None
    comments = [
        (e.date, e.comment) for e in indicator.validated_entries if e.comment_public and e.comment
    ]
    return IndicatorView(indicator, level, value_rate, points, last, chart, comments)


QUADRANTS = [
    (Quadrant.SATISFY, "Satisfaire", "peu concernés, très influents"),
    (Quadrant.ENGAGE, "Engager", "très concernés, très influents"),
    (Quadrant.WATCH, "Veiller", "peu concernés, peu influents"),
    (Quadrant.INFORM, "Informer", "très concernés, peu influents"),
]


def _objective_view(objective: Objective, contract: Contract, as_of: date, rule) -> ObjectiveView:
    indicators = [_indicator_view(i, contract, as_of) for i in objective.indicators.all()]
    threshold = rule.threshold(objective.priority)
    rates = [i.rate for i in indicators]
    rate = min(rates) if rates and None not in rates else None
    met = None if rate is None else rate >= threshold
    actors = list(objective.actors.all())
    placed = {code: [a for a in actors if a.quadrant == code] for code, _, _ in QUADRANTS}
    drawn = None
    if any(placed.values()):
        drawn = actor_map(
            dom_id=f"acteurs-{objective.pk}",
            title=f"Carte des acteurs de l’objectif {objective.code} (intérêt × influence)",
            quadrants=[
                (code, label, hint, [a.organisation for a in placed[code]])
                for code, label, hint in QUADRANTS
            ],
        )
    return ObjectiveView(
        objective=objective,
        threshold=threshold,
        rate=rate,
        met=met,
        indicators=indicators,
        bar=progress_bar(dom_id=f"barre-{objective.pk}", value=rate, threshold=threshold, met=met),
        actors_unplaced=[a for a in actors if not a.quadrant],
        actor_map=drawn,
    )


def load_fiche(contract: Contract, *, today: date | None = None) -> Fiche:
    """The fiche of a contract (already read with its programme and territory)."""
    today = today or timezone.localdate()
    as_of = default_as_of(contract, today)
    rule = contract_rule(contract)
    validated = ProgressEntry.objects.filter(status=EntryStatus.VALIDATED).order_by("date", "pk")
    objectives = list(
        Objective.objects.filter(contract=contract)
        .select_related("incontournable__group")
        .prefetch_related(
            Prefetch(
                "indicators",
                Indicator.objects.select_related("definition").prefetch_related(
                    Prefetch("entries", validated, to_attr="validated_entries")
                ),
            ),
            "actions",
            "actors",
            "means",
        )
    )
    views = [_objective_view(o, contract, as_of, rule) for o in objectives]
    incontournables = list(
        OrderedDict(
            (o.incontournable.pk, o.incontournable)
            for o in sorted(objectives, key=lambda o: o.incontournable.number)
        ).values()
    )
    tranches, totals = [], FundingTotals()
    for tranche in Tranche.objects.select_related("funder").filter(contract=contract):
        tranche.contract = contract  # the cap reads the contract: no query per tranche
        totals.add(tranche)
        tranches.append(TrancheView(tranche, tranche_planned_amount(tranche=tranche)))
    territory = contract.territory
    epcis = (
        list(territory_member_epcis(territory))
        if territory.kind == TerritoryKind.GROUPEMENT
        else []
    )
    dates = [i.last_date for o in views for i in o.indicators if i.last_date]
    definitions = [
        i.indicator.definition for o in views for i in o.indicators if i.indicator.definition_id
    ]
    return Fiche(
        contract=contract,
        territory=territory,
        member_epcis=epcis,
        commune_count=territory_commune_count(territory),
        incontournables=incontournables,
        objectives=views,
        tranches=tranches,
        funding=totals.sorted(),
        evaluation=Evaluation.objects.filter(contract=contract).latest_first().first(),
        governance=list(GovernanceBody.objects.filter(contract=contract)),
        as_of=as_of,
        data_date=max(dates) if dates else None,
        population=contract.population or territory.population,
        population_vintage=(
            contract.population_vintage if contract.population else territory.population_vintage
        ),
        comparison=fiche_comparison(contract, definitions, today),
    )

"""What waits for the officers: the sections of their home page, in a constant number of queries.

``officer_home(today=…)`` returns one ``Section`` per kind of work; each holds the total
``count`` and at most ``LIMIT`` rows (oldest or most urgent first), so the page costs two
queries per section whatever the number of contracts or entries.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from contracts.enums import ContractStatus
from contracts.models import Contract
from french.output import agree, format_count
from funding.enums import TrancheKind, TrancheStatus
from funding.models import Evaluation, EvaluationStatus, Tranche
from indicators.enums import EntryStatus
from indicators.models import Indicator, Objective, ProgressEntry

LIMIT = 10
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_LIVE_STATUSES = (ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.ACTIVE)


@dataclass
class Section:
    count: int
    rows: list = field(default_factory=list)


@dataclass
class OfficerHome:
    submitted: Section
    returned: Section
    misconfigured: Section
    stale: Section
    undecided: Section
    requested: Section

    @property
    def total(self) -> int:
        return sum(
            s.count
            for s in (
                self.submitted,
                self.returned,
                self.misconfigured,
                self.stale,
                self.undecided,
                self.requested,
            )
        )


def _section(queryset: QuerySet) -> Section:
    return Section(count=queryset.count(), rows=list(queryset[:LIMIT]))


def _entries(status: str, since: str) -> QuerySet:
    return (
        ProgressEntry.objects.filter(status=status)
        .select_related("indicator__objective__contract", "author")
        .order_by(F(since).asc(nulls_first=True), "pk")
    )


def _latest_evaluation(field_name: str) -> Subquery:
    latest = Evaluation.objects.filter(contract=OuterRef("pk")).order_by(
        "-as_of", "-created_at", "-pk"
    )
    return Subquery(latest.values(field_name)[:1])


def misconfigured_contracts() -> QuerySet[Contract]:
    """Live contracts that cannot be evaluated as they stand, with the first reason found.

    No objective, an objective without indicator, an indicator whose target equals its baseline,
    a number of priority objectives other than the rule's, or a latest evaluation that reported a
    configuration error. Annotated booleans: ``no_objective``, ``empty_objective``,
    ``flat_indicator``, ``priority_found`` (int), ``last_status``.
    """
    priority_count = (
        Objective.objects.filter(contract=OuterRef("pk"), priority=True)
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Contract.objects.filter(status__in=_LIVE_STATUSES)
        .select_related("territory", "programme")
        .annotate(
            no_objective=~Exists(Objective.objects.filter(contract=OuterRef("pk"))),
            empty_objective=Exists(
                Objective.objects.filter(contract=OuterRef("pk"), indicators__isnull=True)
            ),
            flat_indicator=Exists(
                Indicator.objects.filter(objective__contract=OuterRef("pk"), target=F("baseline"))
            ),
            priority_found=Coalesce(
                Subquery(priority_count), Value(0), output_field=IntegerField()
            ),
            last_status=_latest_evaluation("status"),
        )
        .filter(
            Q(no_objective=True)
            | Q(empty_objective=True)
            | Q(flat_indicator=True)
            | ~Q(priority_found=F("bonus_priority_count"))
            | Q(last_status=EvaluationStatus.CONFIGURATION_ERROR)
        )
        .order_by("reference")
    )


def stale_evaluation_contracts() -> QuerySet[Contract]:
    """Contracts whose latest evaluation is stale, by the rule « Décider » applies.

    Stale means ``Evaluation.objects.stale()``: the contract's inputs changed after the last
    check of them, or that check found another fingerprint (``funding.models.EvaluationInputs``).
    Annotated ``evaluated_at`` (the latest evaluation's creation) and ``changed_at`` (the last
    change of its inputs), both aware datetimes.
    """
    latest_stale = Evaluation.objects.stale().filter(pk=OuterRef("latest_evaluation"))
    return (
        Contract.objects.select_related("territory", "programme")
        .annotate(
            latest_evaluation=_latest_evaluation("pk"),
            evaluated_at=_latest_evaluation("created_at"),
            changed_at=F("evaluation_inputs__changed_at"),
        )
        .filter(Exists(latest_stale))
        .order_by("evaluated_at", "reference")
    )


def undecided_contracts(*, today: datetime.date) -> QuerySet[Contract]:
    """Contracts past their end (not terminated) with a bonus tranche and no decided evaluation."""
    return (
        Contract.objects.filter(end__lt=today)
        .exclude(status__in=(ContractStatus.DRAFT, ContractStatus.TERMINATED))
        .filter(Exists(Tranche.objects.filter(contract=OuterRef("pk"), kind=TrancheKind.BONUS)))
        .exclude(Exists(Evaluation.objects.filter(contract=OuterRef("pk")).decided()))
        .select_related("territory", "programme")
        .order_by("end", "reference")
    )


def officer_home(*, today: datetime.date | None = None) -> OfficerHome:
    """Every section of the officers' home; 12 queries whatever the data."""
    today = today or timezone.localdate()
    return OfficerHome(
        submitted=_section(_entries(EntryStatus.SUBMITTED, "submitted_at")),
        returned=_section(_entries(EntryStatus.RETURNED, "reviewed_at")),
        misconfigured=_section(misconfigured_contracts()),
        stale=_section(stale_evaluation_contracts()),
        undecided=_section(undecided_contracts(today=today)),
        requested=_section(
            Tranche.objects.filter(status=TrancheStatus.REQUESTED)
            .select_related("contract")
            .order_by("contract__reference", "year", "order", "pk")
        ),
    )


def misconfiguration_reason(contract: Contract) -> str:
    """The first reason, in French, for a row of ``misconfigured_contracts()``."""
    if contract.no_objective:
        return "aucun objectif"
    if contract.empty_objective:
        return "un objectif n'a aucun indicateur"
    if contract.flat_indicator:
        return "un indicateur a une cible égale à sa valeur de référence"
    if contract.priority_found != contract.bonus_priority_count:
        return (
            f"{format_count(contract.priority_found, 'objectif')} "
            f"{agree(contract.priority_found, 'prioritaire')} pour "
            f"{contract.bonus_priority_count} {agree(contract.bonus_priority_count, 'attendu')} "
            "par la règle du bonus"
        )
    return "la dernière évaluation signale une erreur de configuration"

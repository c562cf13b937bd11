"""Everything the annual report says, gathered once for both documents (DOCX and PDF).

Nothing is decided here: objective and indicator figures are two evaluations of
``funding.evaluations`` (at the start and at the end of the year, validated values only), the
bonus (verdict, cap, what is missing) is ``cotri.espace.bonus.bonus_block`` at the end of the year,
the charts are ``cotri.public.charts.progress_chart`` drawn from the rules' levels, the actions come
from the objectives' workbooks and the money from the funding schedule. Texts are already French.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString

from contracts.models import Contract
from cotri.espace.bonus import BonusBlock, bonus_block
from cotri.public.fiche import entry_points, indicator_chart, validated_series
from french.output import format_date
from funding.enums import TrancheStatus
from funding.evaluations import contract_evaluation_preview, objective_rows_fr
from funding.evaluations.output import number_fr
from funding.models import Tranche
from indicators.enums import ActionStatus, EntryStatus
from indicators.models import Action, Indicator, Objective, ProgressEntry

from .models import AnnualReport

ONE_DAY = datetime.timedelta(days=1)


class ReportYearError(ValueError):
    """The year is outside the contract (message in French)."""


@dataclass
class IndicatorLine:
    label: str
    baseline: str  # « 0 logements » (the level at the contract's start)
    level_start: str  # at the start of the year
    level_end: str  # at the end of the year
    target: str
    rate_start: str  # « 54,2 % » or « — »
    rate_end: str
    missing: str  # what the indicator lacks at the end of the year, « — » when nothing
    chart: SafeString  # the SVG chart (validated levels up to the end of the year)


@dataclass
class ActionLine:
    title: str
    lead: str
    status: str  # « Réalisée », « En cours », « Envisagée »
    dates: str  # « du 01/01/2022 au 31/12/2022 », « » when unknown


@dataclass
class ObjectiveSection:
    code: str
    title: str
    priority: bool
    threshold: str
    rate_start: str
    rate_end: str
    met: bool | None
    missing: str
    indicators: list[IndicatorLine]
    actions_done: list[ActionLine] = field(default_factory=list)
    actions_planned: list[ActionLine] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "atteint", False: "non atteint", None: "non évaluable"}[self.met]


@dataclass
class PaidLine:
    label: str
    funder: str
    amount: Decimal
    paid_on: datetime.date


@dataclass
class ReportContent:
    contract: Contract
    report: AnnualReport
    year: int
    start: datetime.date  # the levels « at the start of the year » are those of the day before
    end: datetime.date  # the end of the year, the contract's end or today, the earliest
    bonus: BonusBlock  # at ``end``
    objectives: list[ObjectiveSection]
    paid_in_year: list[PaidLine]
    paid_in_year_total: Decimal
    generated_on: datetime.date

    @property
    def sections(self) -> list[tuple[str, str]]:
        return self.report.sections()


def report_years(contract: Contract, today: datetime.date | None = None) -> list[int]:
    """The years a report can be written for: from the contract's start to its end or today."""
    if contract.start is None:
        return []
    today = today or timezone.localdate()
    last = min(contract.end.year, today.year) if contract.end else today.year
    return list(range(contract.start.year, max(last, contract.start.year) + 1))


def report_period(
    contract: Contract, year: int, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of ``year`` within the contract (and not after today).

    Raises ReportYearError when the year is not one of ``report_years``.
    """
    today = today or timezone.localdate()
    if year not in report_years(contract, today):
        raise ReportYearError(f"L'année {year} n'est pas une année du contrat.")
    start = max(datetime.date(year, 1, 1), contract.start)
    end = min(d for d in (datetime.date(year, 12, 31), contract.end, today) if d)
    return start, end


def _by_code(evaluation) -> dict[str, dict]:
    return {row["code"]: row for row in objective_rows_fr(evaluation)}


def _chart(indicator: Indicator, contract: Contract, end: datetime.date) -> SafeString:
    """The fiche's chart of the indicator, its points up to the end of the report's year."""
    spec, entries = validated_series(indicator)
    return indicator_chart(
        indicator,
        contract,
        entry_points(spec, entries, end),
        dom_id=f"rapport-graphique-{indicator.pk}",
    )


def _action_line(action: Action) -> ActionLine:
    if action.starts_on and action.ends_on:
        dates = f"du {format_date(action.starts_on)} au {format_date(action.ends_on)}"
    elif action.starts_on:
        dates = f"depuis le {format_date(action.starts_on)}"
    elif action.ends_on:
        dates = f"jusqu'au {format_date(action.ends_on)}"
    else:
        dates = ""
    return ActionLine(action.title, action.lead, action.get_status_display(), dates)


def _actions(objective: Objective, year: int) -> tuple[list[ActionLine], list[ActionLine]]:
    """(done, planned): actions done (ended in or before the year, or undated), then the actions
    running or planned; abandoned actions are left out."""
    done, planned = [], []
    for action in objective.actions.all():
        if action.status == ActionStatus.DONE:
            if action.ends_on is None or action.ends_on.year <= year:
                done.append(_action_line(action))
        elif action.status in (ActionStatus.RUNNING, ActionStatus.PLANNED):
            planned.append(_action_line(action))
    return done, planned


def report_content(
    *, report: AnnualReport, today: datetime.date | None = None, progress=None
) -> ReportContent:
    """Gather the report of ``report.contract`` for ``report.year``.

    ``progress(percent)``, when given, is called as the slow parts finish. Raises
    ReportYearError for a year outside the contract.
    """
    contract = report.contract
    today = today or timezone.localdate()
    start, end = report_period(contract, report.year, today)
    before = start - ONE_DAY if start > contract.start else contract.start
    at_start = contract_evaluation_preview(contract=contract, as_of=before)
    at_end = contract_evaluation_preview(contract=contract, as_of=end)
    if progress:
        progress(20)
    rows_start, rows_end = _by_code(at_start), _by_code(at_end)
    validated = ProgressEntry.objects.filter(status=EntryStatus.VALIDATED).order_by("date", "pk")
    objectives = {
        o.code: o
        for o in Objective.objects.filter(contract=contract).prefetch_related(
            Prefetch(
                "indicators",
                Indicator.objects.prefetch_related(
                    Prefetch("entries", validated, to_attr="validated_entries")
                ),
            ),
            "actions",
        )
    }
    sections = []
    for code, row in rows_end.items():
        first = rows_start.get(code)
        objective = objectives.get(code)
        models = {i.code: i for i in objective.indicators.all()} if objective else {}
        first_indicators = {i["code"]: i for i in first["indicators"]} if first else {}
        lines = []
        for data in row["indicators"]:
            early = first_indicators.get(data["code"], {})
            model = models.get(data["code"])
            lines.append(
                IndicatorLine(
                    label=data["label"],
                    baseline=_baseline(at_end, code, data["code"]),
                    level_start=early.get("level", "—"),
                    level_end=data["level"],
                    target=data["target"],
                    rate_start=early.get("rate", "—"),
                    rate_end=data["rate"],
                    missing=data["missing"],
                    chart=_chart(model, contract, end) if model else SafeString(""),
                )
            )
        done, planned = _actions(objective, report.year) if objective else ([], [])
        sections.append(
            ObjectiveSection(
                code=code,
                title=row["title"],
                priority=row["priority"],
                threshold=row["threshold"],
                rate_start=first["rate"] if first else "—",
                rate_end=row["rate"],
                met=row["met"],
                missing=row["missing"],
                indicators=lines,
                actions_done=done,
                actions_planned=planned,
            )
        )
    paid = [
        PaidLine(t.label, t.funder.name, t.paid_amount, t.paid_on)
        for t in Tranche.objects.filter(
            contract=contract,
            status=TrancheStatus.PAID,
            paid_on__year=report.year,
            paid_amount__isnull=False,
        )
        .select_related("funder")
        .order_by("paid_on", "order", "pk")
    ]
    if progress:
        progress(40)
    return ReportContent(
        contract=contract,
        report=report,
        year=report.year,
        start=start,
        end=end,
        bonus=bonus_block(contract=contract, evaluation=at_end),
        objectives=sections,
        paid_in_year=paid,
        paid_in_year_total=sum((p.amount for p in paid), Decimal("0.00")),
        generated_on=today,
    )


def _baseline(evaluation, objective_code: str, indicator_code: str) -> str:
    """The indicator's reference value as the evaluation prints it (with its unit)."""
    for objective in evaluation.objectives:
        if objective["code"] != objective_code:
            continue
        for data in objective["indicators"]:
            if data["code"] == indicator_code:
                number = number_fr(data["baseline"])
                return f"{number} {data['unit']}" if data["unit"] else number
    return "—"

"""Reads of the reporting cycle: the officers' completeness board (a constant number of queries).

``campaign_board(campaign=…, today=…)`` returns one ``BoardRow`` per contract of the campaign:
its state, indicators reported / expected, whether it was submitted on time, who submitted and
when. The same rows feed the page, the CSV/XLSX export and the chef's to-do.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from contracts.models import Contract
from indicators.enums import EntryStatus
from indicators.models import Indicator, ProgressEntry
from reporting.enums import ReportState, ReportStatus
from reporting.models import Campaign, ContractReport

# An indicator counts as reported when it has a value in the period sent to the officers.
REPORTED_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.VALIDATED)


def report_state(status: str, *, has_entries: bool) -> ReportState:
    """The state users read: a pending report is « brouillon » once anything is entered."""
    if status == ReportStatus.PENDING:
        return ReportState.DRAFT if has_entries else ReportState.NOT_STARTED
    return ReportState(status)


def submitted_on(report: ContractReport) -> datetime.date | None:
    """The submission day in Paris (what the due date is compared with)."""
    if report.submitted_at is None:
        return None
    return timezone.localdate(report.submitted_at)


@dataclass(frozen=True)
class ExpectedIndicator:
    """What the board needs of an indicator (plain values: thousands of them per campaign)."""

    pk: int
    contract_id: int
    objective_code: str
    label: str


@dataclass
class BoardRow:
    report: ContractReport
    contract: Contract
    state: ReportState
    reported: int
    expected: int
    late: bool
    on_time: bool | None  # None: not submitted yet
    missing: list[ExpectedIndicator] = field(default_factory=list)

    @property
    def submitted_day(self) -> datetime.date | None:
        return submitted_on(self.report)

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reported >= self.expected


@dataclass
class Board:
    campaign: Campaign
    rows: list[BoardRow]
    today: datetime.date
    counts: dict[str, int]

    @property
    def on_time_rate(self) -> Decimal | None:
        """Reports submitted by the due date / reports of the campaign (0..1), None if empty."""
        if not self.rows:
            return None
        on_time = sum(1 for r in self.rows if r.on_time)
        return (Decimal(on_time) / Decimal(len(self.rows))).quantize(
            Decimal("0.0001"), rounding=ROUND_DOWN
        )


def _expected_by_contract(
    campaign: Campaign, contract_ids: set[int], *, chosen: bool
) -> dict[int, list[ExpectedIndicator]]:
    indicators = (
        campaign.expected_indicators.all()
        if chosen
        else Indicator.objects.filter(objective__contract_id__in=contract_ids)
    )
    rows = indicators.order_by(
        "objective__contract_id", "objective__order", "objective__code", "order", "code"
    ).values_list("pk", "objective__contract_id", "objective__code", "label")
    expected: dict[int, list[ExpectedIndicator]] = defaultdict(list)
    for row in rows:
        indicator = ExpectedIndicator(*row)
        expected[indicator.contract_id].append(indicator)
    return expected


def campaign_rows(
    *, reports: list[ContractReport], campaign: Campaign, today: datetime.date
) -> list[BoardRow]:
    """Rows for these reports of one campaign (4 queries whatever their number)."""
    contract_ids = {r.contract_id for r in reports}
    chosen = campaign.expected_indicators.exists()
    expected = _expected_by_contract(campaign, contract_ids, chosen=chosen)
    # Joined rather than a list of thousands of indicator ids; narrowed when indicators are chosen.
    in_period = ProgressEntry.objects.filter(
        indicator__objective__contract_id__in=contract_ids,
        date__gte=campaign.period_start,
        date__lte=campaign.period_end,
    )
    if chosen:
        in_period = in_period.filter(indicator__in=campaign.expected_indicators.all())
    reported_ids = set(
        in_period.filter(status__in=REPORTED_STATUSES)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    started = Counter(
        dict(
            in_period.values("indicator__objective__contract_id")
            .annotate(n=Count("pk"))
            .values_list("indicator__objective__contract_id", "n")
        )
    )
    rows = []
    for report in reports:
        wanted = expected.get(report.contract_id, [])
        missing = [i for i in wanted if i.pk not in reported_ids]
        day = submitted_on(report)
        submitted = report.status in (ReportStatus.SUBMITTED, ReportStatus.VALIDATED)
        on_time = None if day is None else day <= campaign.due_on
        rows.append(
            BoardRow(
                report=report,
                contract=report.contract,
                state=report_state(report.status, has_entries=started[report.contract_id] > 0),
                reported=len(wanted) - len(missing),
                expected=len(wanted),
                late=(not submitted and today > campaign.due_on) or on_time is False,
                on_time=on_time,
                missing=missing,
            )
        )
    return rows


def campaign_board(
    *,
    campaign: Campaign,
    today: datetime.date,
    programme=None,
    departement: str = "",
    state: str = "",
) -> Board:
    """The board of one campaign, filtered; 5 queries whatever the number of contracts."""
    reports = ContractReport.objects.filter(campaign=campaign).select_related(
        "contract__territory", "contract__programme", "submitted_by", "reviewed_by"
    )
    if programme is not None:
        reports = reports.filter(contract__programme=programme)
    if departement:
        reports = reports.filter(contract__territory__departement_code=departement)
    reports = list(reports.order_by("contract__territory__name", "contract__reference"))
    rows = campaign_rows(reports=reports, campaign=campaign, today=today)
    counts = Counter(r.state.value for r in rows)
    if state == "late":
        rows = [r for r in rows if r.late]
    elif state:
        rows = [r for r in rows if r.state == state]
    return Board(campaign=campaign, rows=rows, today=today, counts=dict(counts))


def campaigns_with_counts():
    """Campaigns with their number of contracts and of reports submitted or validated."""
    return Campaign.objects.select_related("programme").annotate(
        n_reports=Count("reports"),
        n_submitted=Count(
            "reports",
            filter=Q(reports__status__in=(ReportStatus.SUBMITTED, ReportStatus.VALIDATED)),
        ),
    )

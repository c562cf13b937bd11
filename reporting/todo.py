"""The chef de projet's to-do at the top of /espace/ (one helper, a constant number of queries).

``chef_todo(user=…, today=…)`` returns:
- ``reports``: board rows of open campaigns whose report is not submitted, with what is missing;
- ``returned``: entries sent back by an officer, with the officer's note;
- ``drafts``: entries saved as drafts and not yet submitted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from contracts.perms import contracts_reportable_by
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from reporting.board import campaign_rows
from reporting.enums import SUBMITTABLE, CampaignStatus
from reporting.models import ContractReport


def chef_todo(*, user, today: datetime.date) -> dict:
    contracts = contracts_reportable_by(user)
    reports = list(
        ContractReport.objects.filter(
            contract__in=contracts,
            campaign__status=CampaignStatus.OPEN,
            status__in=SUBMITTABLE,
        )
        .select_related("campaign", "contract__territory", "contract__programme")
        .order_by("campaign__due_on", "contract__reference")
    )
    by_campaign: dict = defaultdict(list)
    for report in reports:
        by_campaign[report.campaign].append(report)
    rows = []
    for campaign, campaign_reports in by_campaign.items():  # one per open campaign: a handful
        rows.extend(campaign_rows(reports=campaign_reports, campaign=campaign, today=today))
    entries = (
        ProgressEntry.objects.filter(
            indicator__objective__contract__in=contracts,
            status__in=(EntryStatus.RETURNED, EntryStatus.DRAFT),
        )
        .select_related("indicator__objective__contract", "reviewer")
        .order_by("date", "pk")
    )
    returned, drafts = [], []
    for entry in entries:
        (returned if entry.status == EntryStatus.RETURNED else drafts).append(entry)
    return {"reports": rows, "returned": returned, "drafts": drafts}

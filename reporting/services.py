"""Writes of the reporting cycle: open and close campaigns, submit and review reports, unlock.

Every function is keyword-only, atomic, checks rights itself and raises ``PermissionDenied`` or
``ValidationError`` with a French message. Status changes keep a history (simple-history).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contracts.enums import ContractStatus
from contracts.models import Contract, Programme
from french.output import format_date as date_fr
from indicators.models import Indicator, ProgressEntry
from reporting import perms
from reporting.enums import REPORT_TRANSITIONS, SUBMITTABLE, CampaignStatus, ReportStatus
from reporting.models import DEFAULT_REMIND_DAYS, Campaign, ContractReport, EntryUnlock

__all__ = ["SUBMITTABLE"]  # re-exported for the pages

YEARLY_NAME = "Bilan annuel {year}"
UNLOCK_DAYS = 30


def _require_officer(user) -> None:
    if not perms.can_manage_campaigns(user):
        raise PermissionDenied("Seuls les agents gèrent les campagnes de suivi.")


def _save(obj, *, by) -> None:
    obj._history_user = by
    obj.save()


@transaction.atomic
def campaign_open(
    *,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_on: datetime.date,
    by,
    programme: Programme | None = None,
    contracts: Iterable[Contract] | None = None,
    expected_indicators: Iterable[Indicator] = (),
    remind_days_before: int = DEFAULT_REMIND_DAYS,
) -> Campaign:
    """Open a campaign for chosen ``contracts``, or every active contract of ``programme``.

    ``expected_indicators`` empty means every indicator of the contracts. Raises
    ``ValidationError`` (dict keyed by field) for an empty name, an inverted period, a due date
    before the period starts, no contract, or an expected indicator outside the contracts.
    """
    _require_officer(by)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Donnez un nom à la campagne (par ex. « Bilan annuel 2022 »)."
    if period_end < period_start:
        errors["period_end"] = "La fin de la période précède son début."
    if due_on < period_start:
        errors["due_on"] = "La date limite précède le début de la période."
    chosen = list(contracts) if contracts is not None else []
    if not chosen and programme is not None:
        chosen = list(Contract.objects.filter(programme=programme, status=ContractStatus.ACTIVE))
    if not chosen:
        errors["contracts"] = (
            "Aucun contrat : choisissez des contrats ou un programme qui a des contrats en cours."
        )
    expected = list(expected_indicators)
    contract_ids = {c.pk for c in chosen}
    outside = [i for i in expected if i.objective.contract_id not in contract_ids]
    if outside:
        labels = ", ".join(i.label for i in outside[:5])
        errors["expected_indicators"] = f"Indicateurs hors des contrats de la campagne : {labels}."
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        name=name.strip(),
        programme=programme,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        remind_days_before=remind_days_before,
        created_by=by,
    )
    _save(campaign, by=by)
    campaign.expected_indicators.set(expected)
    bulk_create_with_history(
        [ContractReport(campaign=campaign, contract=c) for c in sorted(chosen, key=lambda c: c.pk)],
        ContractReport,
        default_user=by,
    )
    return campaign


@transaction.atomic
def campaigns_generate_yearly(
    *,
    programme: Programme,
    by,
    due_days_after: int = 31,
    remind_days_before: int = DEFAULT_REMIND_DAYS,
) -> list[Campaign]:
    """« Bilan annuel YYYY » for every calendar year the programme's active contracts cover.

    Each campaign takes the contracts whose dates overlap its year; its due date is
    ``due_days_after`` days after 31/12 (31/01 by default). A year whose campaign already exists
    for this programme (same name) is skipped, so running it again creates nothing.
    """
    _require_officer(by)
    contracts = list(
        Contract.objects.filter(
            programme=programme,
            status=ContractStatus.ACTIVE,
            start__isnull=False,
            end__isnull=False,
        )
    )
    years = sorted({y for c in contracts for y in range(c.start.year, c.end.year + 1)})
    existing = set(Campaign.objects.filter(programme=programme).values_list("name", flat=True))
    created = []
    for year in years:
        name = YEARLY_NAME.format(year=year)
        if name in existing:
            continue
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        created.append(
            campaign_open(
                name=name,
                period_start=first,
                period_end=last,
                due_on=last + datetime.timedelta(days=due_days_after),
                by=by,
                programme=programme,
                contracts=[c for c in contracts if c.start <= last and c.end >= first],
                remind_days_before=remind_days_before,
            )
        )
    return created


@transaction.atomic
def campaign_close(*, campaign: Campaign, by) -> Campaign:
    """Close a campaign: its contracts' entries dated in its period lock for chefs de projet."""
    _require_officer(by)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_closed:
        raise ValidationError("Cette campagne est déjà close.", code="campaign_closed")
    campaign.status, campaign.closed_at, campaign.closed_by = (
        CampaignStatus.CLOSED,
        timezone.now(),
        by,
    )
    _save(campaign, by=by)
    return campaign


@transaction.atomic
def campaign_reopen(*, campaign: Campaign, by) -> Campaign:
    _require_officer(by)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.status, campaign.closed_at, campaign.closed_by = CampaignStatus.OPEN, None, None
    _save(campaign, by=by)
    return campaign


def _transition(report: ContractReport, to_status: str) -> ContractReport:
    report = ContractReport.objects.select_for_update().select_related("campaign").get(pk=report.pk)
    if to_status not in REPORT_TRANSITIONS[report.status]:
        raise ValidationError(
            f"Un rapport « {report.get_status_display().lower()} » ne peut pas passer à "
            f"« {ReportStatus(to_status).label.lower()} ».",
            code="report_transition",
        )
    return report


@transaction.atomic
def report_submit(*, report: ContractReport, by, message: str = "") -> ContractReport:
    """A chef de projet marks the contract's report complete, with an optional message."""
    if not perms.can_submit_report(by, report):
        raise PermissionDenied("Vous ne pouvez pas remettre le rapport de ce contrat.")
    report = _transition(report, ReportStatus.SUBMITTED)
    if report.campaign.is_closed:
        raise ValidationError(
            f"La campagne « {report.campaign.name} » est close : le rapport ne peut plus être "
            "remis.",
            code="campaign_closed",
        )
    report.status, report.submitted_at, report.submitted_by = (
        ReportStatus.SUBMITTED,
        timezone.now(),
        by,
    )
    report.message = message.strip()
    _save(report, by=by)
    return report


@transaction.atomic
def report_validate(*, report: ContractReport, by, note: str = "") -> ContractReport:
    _require_officer(by)
    report = _transition(report, ReportStatus.VALIDATED)
    report.status, report.reviewed_at, report.reviewed_by, report.review_note = (
        ReportStatus.VALIDATED,
        timezone.now(),
        by,
        note.strip(),
    )
    _save(report, by=by)
    return report


@transaction.atomic
def report_return(*, report: ContractReport, by, note: str) -> ContractReport:
    _require_officer(by)
    if not note.strip():
        raise ValidationError(
            "Indiquez au chef de projet ce qui manque ou doit être corrigé.",
            code="return_note_required",
        )
    report = _transition(report, ReportStatus.RETURNED)
    report.status, report.reviewed_at, report.reviewed_by, report.review_note = (
        ReportStatus.RETURNED,
        timezone.now(),
        by,
        note.strip(),
    )
    _save(report, by=by)
    return report


@transaction.atomic
def entry_unlock(
    *, entry: ProgressEntry, by, reason: str, until: datetime.date | None = None
) -> EntryUnlock:
    """Let the chefs de projet change one entry of a locked period until ``until`` (inclusive).

    Default: 30 days from today (Paris). The reason is required; it is kept with the unlock and
    written in the entry's history (« Déverrouillée par … : motif »).
    """
    _require_officer(by)
    if not reason.strip():
        raise ValidationError(
            "Écrivez le motif du déverrouillage : il est conservé dans l'historique de la saisie.",
            code="unlock_reason_required",
        )
    today = timezone.localdate()
    until = until or today + datetime.timedelta(days=UNLOCK_DAYS)
    if until < today:
        raise ValidationError(
            "La date de fin du déverrouillage est passée.", code="unlock_until_past"
        )
    unlock = EntryUnlock.objects.create(entry=entry, reason=reason.strip(), by=by, until=until)
    who = by.get_full_name() or by.get_username()
    entry._history_user = by
    entry._change_reason = (
        f"Déverrouillée par {who} jusqu'au {date_fr(until)} : {reason.strip()}"
    )[:100]
    entry.save(update_fields=["updated_at"])
    return unlock

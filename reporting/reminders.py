"""Reminder e-mails of the reporting cycle, one per person per day at most (idempotent).

``reminders_send(today=…)`` is what the beat task runs each morning with today's Paris date:

- each chef de projet of a contract whose report is neither submitted nor validated is reminded
  ``remind_days_before`` days before the due date, on the due date, then every 7 days while late;
- each officer receives a digest of the reports and progress entries waiting for validation,
  only when there is one;
- all of one person's items of the day go in one e-mail; a person who turned reminders off in
  their profile gets none.

Idempotence: a ``SentReminder`` row (unique per user and day) is inserted and committed before the
e-mail leaves; a second run the same day (beat or a worker restarted, two workers) finds the row
and sends nothing. A crash between the commit and the SMTP call loses that day's e-mail rather than
sending it twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from contracts.perms import OFFICERS_GROUP
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from reporting.board import submitted_on
from reporting.enums import CampaignStatus, ReportStatus
from reporting.models import ContractReport, SentReminder

LATE_EVERY_DAYS = 7


@dataclass
class Item:
    report: ContractReport
    kind: str  # "before", "due", "late", "review"
    days: int  # days until the due date (negative: days late)

    @property
    def submitted_day(self) -> datetime.date | None:
        return submitted_on(self.report)


@dataclass
class ReminderRun:
    sent: int = 0
    already_sent: int = 0
    opted_out: int = 0
    recipients: list[str] = field(default_factory=list)


def reminder_kind(*, due_on: datetime.date, today: datetime.date, days_before: int) -> str | None:
    """« before », « due », « late » or None: whether a not-submitted report is reminded today."""
    days = (due_on - today).days
    if days == 0:
        return "due"
    if days > 0:
        return "before" if days == days_before else None
    return "late" if -days % LATE_EVERY_DAYS == 0 else None


def _chef_items(today: datetime.date) -> dict[int, list[Item]]:
    reports = ContractReport.objects.filter(
        campaign__status=CampaignStatus.OPEN,
        status__in=(ReportStatus.PENDING, ReportStatus.RETURNED),
    ).select_related("campaign", "contract__territory")
    due = []
    for report in reports:
        kind = reminder_kind(
            due_on=report.campaign.due_on,
            today=today,
            days_before=report.campaign.remind_days_before,
        )
        if kind:
            due.append(Item(report, kind, (report.campaign.due_on - today).days))
    territories = {item.report.contract.territory_id for item in due}
    chefs: dict[int, set[int]] = defaultdict(set)
    for user_id, territory_id in ProjectMembership.objects.filter(
        territory_id__in=territories, role=MembershipRole.PROJECT_LEAD
    ).values_list("user_id", "territory_id"):
        chefs[territory_id].add(user_id)
    items: dict[int, list[Item]] = defaultdict(list)
    for item in due:
        for user_id in chefs[item.report.contract.territory_id]:
            items[user_id].append(item)
    return items


def _officer_items(today: datetime.date) -> tuple[dict[int, list[Item]], int]:
    """Reports awaiting validation (per officer), and the number of submitted entries."""
    waiting = list(
        ContractReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("campaign", "contract__territory")
        .order_by("submitted_at", "pk")
    )
    entries = ProgressEntry.objects.filter(status=EntryStatus.SUBMITTED).count()
    if not waiting and not entries:
        return {}, 0
    officers = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(is_staff=True, groups__name=OFFICERS_GROUP)
    )
    items = [Item(r, "review", (r.campaign.due_on - today).days) for r in waiting]
    ids = officers.values_list("pk", flat=True).distinct()
    return {user_id: list(items) for user_id in ids}, entries


def _claim(user, today: datetime.date, subject: str, items: list[Item]) -> bool:
    """Insert today's row for this user; False when it exists already (sent earlier today)."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                user=user,
                day=today,
                subject=subject[:300],
                report_ids=sorted({i.report.pk for i in items}),
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, today: datetime.date) -> ReminderRun:
    """Send today's reminders (``today``: the Paris date); returns what was sent and skipped."""
    chef_items = _chef_items(today)
    officer_items, entries_waiting = _officer_items(today)
    user_ids = set(chef_items) | set(officer_items)
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .select_related("reminder_preference")
        .order_by("pk")
    )
    site = settings.SITE_URL.rstrip("/")
    run = ReminderRun()
    # Skipped before rendering anything; the unique row still decides between concurrent runs.
    done_today = set(SentReminder.objects.filter(day=today).values_list("user_id", flat=True))
    for user in users:
        if user.pk in done_today:
            run.already_sent += 1
            continue
        preference = getattr(user, "reminder_preference", None)
        if preference is not None and not preference.reminders_enabled:
            run.opted_out += 1
            continue
        own = sorted(
            chef_items.get(user.pk, []),
            key=lambda i: (i.report.campaign.due_on, i.report.contract.reference),
        )
        review = officer_items.get(user.pk)  # None: not an officer; []: only entries wait
        entries = entries_waiting if review is not None else 0
        review = review or []
        context = {
            "user": user,
            "today": today,
            "own": own,
            "review": review,
            "entries_waiting": entries,
            "queue_url": site + reverse("espace:queue"),
            "space_url": site + reverse("espace:home"),
            "board_url": site + reverse("reporting:campaigns"),
            "profile_url": site + reverse("reporting:profile"),
            "site_url": site,
        }
        subject = render_to_string("emails/reminder_subject.txt", context).strip()
        if not _claim(user, today, subject, own + review):
            run.already_sent += 1
            continue
        body = render_to_string("emails/reminder_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        run.sent += 1
        run.recipients.append(user.email)
    return run

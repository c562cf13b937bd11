"""Writes on annual reports: the chef's texts (with history) and generation requests."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contracts.models import Contract

from .models import AnnualReport, DocumentStatus, ReportDocument
from .tasks import generate_report_document

STALE_FR = "La génération n'a pas abouti dans le temps imparti : relancez-la."


def report_for(*, contract: Contract, year: int) -> AnnualReport:
    """The stored report of that year, or an unsaved empty one (nothing is written)."""
    report = AnnualReport.objects.filter(contract=contract, year=year).first()
    if report is None:
        report = AnnualReport(contract=contract, year=year)
    report.contract = contract
    return report


def report_generation_request(*, report: AnnualReport, by) -> ReportDocument:
    """Queue one generation of ``report`` (saved first if new) and return its document.

    A generation already queued or running is returned instead of a second one, unless it is
    older than twice the task time limit (its message was lost or its worker died): that one is
    marked failed, with a French message, and a new one starts. The task is enqueued after the
    commit.
    """
    with transaction.atomic():
        if report.pk is None:
            report.updated_by = by
            report.save()
        AnnualReport.objects.select_for_update().filter(pk=report.pk).get()
        in_progress = report.documents.filter(
            status__in=[DocumentStatus.QUEUED, DocumentStatus.RUNNING]
        )
        stale_before = timezone.now() - datetime.timedelta(
            seconds=2 * settings.CELERY_TASK_TIME_LIMIT
        )
        in_progress.filter(requested_at__lt=stale_before).update(
            status=DocumentStatus.FAILED, error=STALE_FR
        )
        running = in_progress.first()
        if running is not None:
            return running
        document = ReportDocument.objects.create(report=report, generated_by=by)
        transaction.on_commit(lambda: generate_report_document.delay(document.pk))
    return document

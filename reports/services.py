"""Writes on annual reports: the chef's texts (with history) and generation requests."""

from __future__ import annotations

from django.db import transaction

from contracts.models import Contract

from .models import AnnualReport, DocumentStatus, ReportDocument
from .tasks import generate_report_document


def report_for(*, contract: Contract, year: int) -> AnnualReport:
    """The stored report of that year, or an unsaved empty one (nothing is written)."""
    report = AnnualReport.objects.filter(contract=contract, year=year).first()
    if report is None:
        report = AnnualReport(contract=contract, year=year)
    report.contract = contract
    return report


def report_generation_request(*, report: AnnualReport, by) -> ReportDocument:
    """Queue one generation of ``report`` (saved first if new) and return its document.

    A generation already queued or running is returned instead of a second one. The task is
    enqueued after the commit.
    """
    with transaction.atomic():
        if report.pk is None:
            report.updated_by = by
            report.save()
        AnnualReport.objects.select_for_update().filter(pk=report.pk).get()
        running = report.documents.filter(
            status__in=[DocumentStatus.QUEUED, DocumentStatus.RUNNING]
        ).first()
        if running is not None:
            return running
        document = ReportDocument.objects.create(report=report, generated_by=by)
        transaction.on_commit(lambda: generate_report_document.delay(document.pk))
    return document

"""The Celery task that generates an annual report: thin, takes an id, records its progress.

Progress is written to the ``ReportDocument`` row as each part finishes (the page polls it).
Both files are stored only once both are rendered; on any failure the document is marked
« Échec » with a French message and no file is kept.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from cotri.public.pdf import FicheRenderError

from .content import ReportYearError, report_content
from .models import DocumentStatus, ReportDocument
from .render import report_docx_bytes, report_pdf_bytes

logger = logging.getLogger(__name__)

FAILED_FR = (
    "La génération du rapport a échoué (erreur interne). Réessayez ; si l'échec se répète, "
    "prévenez l'équipe cotri."
)


def _progress(document_id: int, percent: int) -> None:
    ReportDocument.objects.filter(pk=document_id).update(
        status=DocumentStatus.RUNNING, progress=percent
    )


def _fail(document: ReportDocument, message: str) -> None:
    for field in (document.docx, document.pdf):
        if field:
            field.delete(save=False)
    ReportDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.FAILED, error=message, docx="", pdf=""
    )


@shared_task(acks_late=True)
def generate_report_document(document_id: int) -> str | None:
    """Render the DOCX and the PDF of a queued document; return its status (None: unknown id)."""
    document = (
        ReportDocument.objects.select_related(
            "report__contract__territory", "report__contract__programme"
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return None
    if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
        return document.status  # a redelivered task does not render twice
    _progress(document.pk, 5)
    try:
        content = report_content(
            report=document.report, progress=lambda percent: _progress(document.pk, percent)
        )
        docx = report_docx_bytes(content)
        _progress(document.pk, 60)
        pdf = report_pdf_bytes(content)
        _progress(document.pk, 90)
        name = f"{content.contract.reference}-{content.year}-{document.pk}"
        document.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        document.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
        document.status = DocumentStatus.DONE
        document.progress = 100
        document.error = ""
        document.generated_at = timezone.now()
        document.save(update_fields=["docx", "pdf", "status", "progress", "error", "generated_at"])
    except (ReportYearError, FicheRenderError) as exc:
        logger.warning("Rapport annuel %s non généré : %s", document.pk, exc)
        _fail(document, f"La génération du rapport a échoué : {exc}")
    except Exception:  # noqa: BLE001 - any failure must leave a clear status and no file
        logger.exception("Rapport annuel %s non généré", document.pk)
        _fail(document, FAILED_FR)
    return ReportDocument.objects.values_list("status", flat=True).get(pk=document.pk)

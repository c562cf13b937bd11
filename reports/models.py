"""The annual progress report (« rapport annuel d'avancement ») of a contract and its generated
documents (DOCX + PDF).

``AnnualReport`` holds what the chefs de projet write (with history); ``ReportDocument`` is one
generation: its status and progress while the Celery task runs, then both files. Files live in the
default storage under ``rapports/`` and are served only through the authorising view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

# (field name, heading) of the free-text sections, in the order of the document.
SECTIONS = (
    ("highlights", "Faits marquants"),
    ("difficulties", "Difficultés rencontrées"),
    ("outlook", "Perspectives"),
)


class AnnualReport(models.Model):
    """The chef-written part of the report of ``contract`` for calendar ``year``."""

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name="contrat",
        on_delete=models.CASCADE,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField("année")
    highlights = models.TextField("faits marquants", blank=True, max_length=20000)
    difficulties = models.TextField("difficultés rencontrées", blank=True, max_length=20000)
    outlook = models.TextField("perspectives", blank=True, max_length=20000)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name="historique du rapport annuel")

    class Meta:
        verbose_name = "rapport annuel"
        verbose_name_plural = "rapports annuels"
        ordering = ["contract", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="annual_report_one_per_year")
        ]

    def __str__(self) -> str:
        return f"Rapport annuel {self.year} — {self.contract_id and self.contract.reference}"

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) of each free-text section, in order (empty texts included)."""
        return [(heading, getattr(self, name)) for name, heading in SECTIONS]


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


class ReportDocument(models.Model):
    """One generation of the report: DOCX and PDF, both or none (a failure keeps no file)."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name="rapport",
        on_delete=models.CASCADE,
        related_name="documents",
    )
    status = models.CharField(
        "état", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    error = models.TextField("erreur", blank=True)
    docx = models.FileField("document DOCX", upload_to="rapports/", blank=True, max_length=300)
    pdf = models.FileField("document PDF", upload_to="rapports/", blank=True, max_length=300)
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    generated_at = models.DateTimeField("généré le", null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "document du rapport annuel"
        verbose_name_plural = "documents des rapports annuels"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="report_document_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_document_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING)

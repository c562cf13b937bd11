"""Officers' exports of large admin lists, written by a Celery task (``exchange.export_jobs``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """One export asked from an admin list: what, with which filters, and how far it got.

    ``filters`` is ``{"query": {parameter: [values]}, "pks": [ids] | null}``: the list's query
    string (filters, search) and, from the « Exporter » action, the ticked rows. ``rows_written``
    grows while the task runs (about every ``COTRI_EXPORT_PROGRESS_SECONDS``); ``file`` is set once
    the whole file is written (never a half file).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    model = models.CharField("liste", max_length=100, help_text="« indicators.progressentry »")
    title = models.CharField("contenu", max_length=200)
    resource = models.CharField("ressource", max_length=100)
    fields = models.JSONField("colonnes", default=list, blank=True)
    filters = models.JSONField("filtres", default=dict, blank=True)
    file_format = models.CharField("format", max_length=4, choices=Format.choices)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveBigIntegerField("lignes attendues", null=True, blank=True)
    rows_written = models.PositiveBigIntegerField("lignes écrites", default=0)
    file = models.FileField("fichier", upload_to="exports/", blank=True, max_length=255)
    filename = models.CharField("nom du fichier", max_length=200, blank=True)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export"
        verbose_name_plural = "exports"
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_file_format_display()})"

    @property
    def percent(self) -> int | None:
        """0–100 once the number of rows is known, None before."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(100, self.rows_written * 100 // self.rows_total)

    @property
    def active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

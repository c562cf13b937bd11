"""Officers' exports of large admin lists, written by a Celery task (« Mes exports »).

``export_job_start`` records what the officer asked (the list, its filters and search, the chosen
columns and format) and enqueues ``cotri.tasks.run_export_job`` after the commit;
``export_job_run`` rebuilds the list's queryset exactly as the admin does (the model admin's
``get_export_queryset`` on a request carrying the saved query string, as the officer), streams the
rows through the admin file's table (French titles and labels, ``TableResource.file_table``) to a
temporary file renamed into place, and saves its progress about every
``COTRI_EXPORT_PROGRESS_SECONDS`` (a constant number of queries whatever the rows; memory bounded:
rows come from a server-side cursor, XLSX is written by openpyxl's write-only mode).
``export_jobs_purge`` deletes the jobs and files older than ``COTRI_EXPORT_KEEP_DAYS``.
"""

from __future__ import annotations

import datetime
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from exchange import exports
from exchange.models import ExportJob
from french.output import format_iso_date

logger = logging.getLogger(__name__)

FOLDER = "exports"
FAILED_MESSAGE = (
    "L'export n'a pas pu être écrit. Relancez-le depuis la liste ; si l'échec se répète, "
    "signalez-le à l'équipe technique."
)


def _model_admin(label: str):
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower == label:
            return model_admin
    raise LookupError(f"No admin for {label}")


def export_job_start(
    *,
    user,
    model_admin,
    resource_class,
    fields: list[str],
    query: dict[str, list[str]],
    pks: list | None,
    file_format: str,
    rows_total: int,
) -> ExportJob:
    """Record the export and enqueue its task once the transaction commits.

    ``query``: the list's GET parameters (``{name: [values]}``); ``pks``: the ticked rows (the
    « Exporter » action) or None; ``file_format``: ``"csv"`` or ``"xlsx"``.
    """
    from cotri.tasks import run_export_job

    job = ExportJob.objects.create(
        user=user,
        model=model_admin.model._meta.label_lower,
        title=resource_class.get_display_name(),
        resource=resource_class.__name__,
        fields=list(fields),
        filters={"query": query, "pks": [str(pk) for pk in pks] if pks is not None else None},
        file_format=file_format,
        rows_total=rows_total,
    )
    transaction.on_commit(lambda: run_export_job.delay(job.pk), robust=True)
    return job


def job_queryset(job: ExportJob):
    """The list's queryset for ``job``: the admin's filters and search, as its officer sees it."""
    model_admin = _model_admin(job.model)
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_export")
    request = RequestFactory().get(url, job.filters.get("query") or {})
    request.user = job.user
    queryset = model_admin.get_export_queryset(request)
    pks = job.filters.get("pks")
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    return model_admin, queryset


def _resource_class(model_admin, name: str):
    for resource_class in model_admin.export_resource_classes:
        if resource_class.__name__ == name:
            return resource_class
    raise LookupError(f"No export resource {name}")


def export_job_run(job_id: int) -> ExportJob | None:
    """Write the file of job ``job_id`` (pending jobs only: a second delivery does nothing).

    Returns the job, done or failed; None when it was not pending.
    """
    started = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING, started_at=started
    ):
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    path = None
    try:
        model_admin, queryset = job_queryset(job)
        resource_class = _resource_class(model_admin, job.resource)
        table = resource_class.file_table(queryset, job.fields)
        counted = _Progress(job.pk, table.rows)
        table = exports.Table(table.name, table.title, table.columns, counted)
        day = format_iso_date(started)
        stem = getattr(resource_class, "file_stem", "") or "export"
        name = f"{FOLDER}/{uuid.uuid4().hex}.{job.file_format}"
        path = Path(settings.MEDIA_ROOT) / name
        _write(path, table, job.file_format)
    except Exception:
        logger.exception("Export job %s failed", job_id)
        if path is not None:
            path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
        )
    else:
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.DONE,
            rows_written=counted.count,
            file=name,
            filename=f"{stem}-{day}.{job.file_format}",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _write(path: Path, table: exports.Table, file_format: str) -> None:
    """Write ``table`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            if file_format == ExportJob.Format.XLSX:
                exports.write_xlsx(table, handle)
            else:
                for chunk in exports.csv_chunks(table):
                    handle.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Progress:
    """Counts the rows as they are written; saves the count at most every
    ``COTRI_EXPORT_PROGRESS_SECONDS`` (checked every ``every`` rows)."""

    every = 1000

    def __init__(self, job_id: int, rows: Iterable):
        self.job_id, self.rows, self.count = job_id, rows, 0
        self.interval = float(getattr(settings, "COTRI_EXPORT_PROGRESS_SECONDS", 2.0))

    def __iter__(self) -> Iterator:
        saved = time.monotonic()
        for row in self.rows:
            self.count += 1
            if self.count % self.every == 0 and time.monotonic() - saved >= self.interval:
                ExportJob.objects.filter(pk=self.job_id).update(rows_written=self.count)
                saved = time.monotonic()
            yield row


def export_jobs_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs (and their files) asked more than ``COTRI_EXPORT_KEEP_DAYS`` ago; return
    how many."""
    now = now or timezone.now()
    days = int(getattr(settings, "COTRI_EXPORT_KEEP_DAYS", 7))
    old = ExportJob.objects.filter(created_at__lt=now - datetime.timedelta(days=days))
    count = 0
    for job in old.only("pk", "file").iterator(chunk_size=500):
        if job.file:
            job.file.delete(save=False)
        count += 1
    old.delete()
    return count


def user_jobs(user, *, limit: int = 50):
    """The officer's latest jobs, newest first (one query)."""
    return list(ExportJob.objects.filter(user=user)[:limit])

"""Open data files are produced, not improvised per request.

A Celery task (nightly, and after changes, coalesced) writes each dataset of ``exchange.opendata``
to ``MEDIA_ROOT/opendata/<slug>.csv``, streaming its rows to a temporary file renamed into place
(readers never see half a file), with ``<slug>.json`` beside it: ``{"generated_at": ISO 8601,
"rows": int, "bytes": int}``. The page and the download only read these files.

The same task writes what ``/api/exports/<dataset>`` gives an anonymous reader (published
contracts, validated values), CSV and XLSX in one pass over the rows, to
``MEDIA_ROOT/opendata/api/<dataset>.csv|.xlsx`` with ``<dataset>.json`` beside them
(``{"generated_at", "rows", "bytes": {"csv": int, "xlsx": int}}``): the API serves them instead
of reading millions of rows per request.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from exchange import exports

FOLDER = "opendata"
LOCK_KEY = "cotri:opendata:scheduled"


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def stored_file(slug: str) -> tuple[Path, dict] | None:
    """The stored file of a dataset and its metadata, or None if never generated."""
    path = folder() / f"{slug}.csv"
    try:
        meta = json.loads((folder() / f"{slug}.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not path.is_file():
        return None
    meta["generated_at"] = datetime.datetime.fromisoformat(meta["generated_at"])
    return path, meta


def _write(path: Path, chunks: Iterable[bytes]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    size = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return size


def opendata_generate(*, slugs: Iterable[str] | None = None) -> dict[str, dict]:
    """Write the open data files (all, or ``slugs``); return {slug: metadata}.

    Memory stays bounded: rows are read by chunks and written as they come.
    """
    from exchange.opendata import BY_SLUG  # the datasets' definitions (a view module)

    written = {}
    for slug in slugs or BY_SLUG:
        table = BY_SLUG[slug].table()
        counted = _Counting(table.rows)
        counted_table = exports.Table(table.name, table.title, table.columns, counted)
        generated_at = timezone.now()
        size = _write(folder() / f"{slug}.csv", exports.csv_chunks(counted_table, open_data=True))
        meta = {"generated_at": generated_at.isoformat(), "rows": counted.count, "bytes": size}
        _write(folder() / f"{slug}.json", [json.dumps(meta).encode()])
        written[slug] = meta
    return written


API_FOLDER = "api"
API_FORMATS = ("csv", "xlsx")


def api_stored_file(dataset: str, file_format: str) -> tuple[Path, dict] | None:
    """The stored anonymous API file of ``dataset`` in ``file_format`` and its metadata, or None
    if never generated."""
    base = folder() / API_FOLDER
    path = base / f"{dataset}.{file_format}"
    try:
        meta = json.loads((base / f"{dataset}.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not path.is_file():
        return None
    meta["generated_at"] = datetime.datetime.fromisoformat(meta["generated_at"])
    return path, meta


def api_files_generate(*, datasets: Iterable[str] | None = None) -> dict[str, dict]:
    """Write the anonymous API files (every dataset, or ``datasets``), CSV and XLSX from one read
    of the rows; return {dataset: metadata}. Memory stays bounded (rows streamed to both files)."""
    from django.contrib.auth.models import AnonymousUser

    from cotri.api.exports import Dataset, dataset_table  # the API's own table (a view module)

    base = folder() / API_FOLDER
    base.mkdir(parents=True, exist_ok=True)
    written = {}
    for dataset in datasets or [d.value for d in Dataset]:
        table = dataset_table(Dataset(dataset), AnonymousUser())
        fd, xlsx_tmp = tempfile.mkstemp(dir=base, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as xlsx_file:
                xlsx = exports.XlsxRows(table, xlsx_file)

                def both(rows, xlsx=xlsx):
                    for row in rows:
                        xlsx.append(row)
                        yield row

                counted = _Counting(both(table.rows))
                csv_table = exports.Table(table.name, table.title, table.columns, counted)
                generated_at = timezone.now()
                sizes = {"csv": _write(base / f"{dataset}.csv", exports.csv_chunks(csv_table))}
                xlsx.close()
                sizes["xlsx"] = xlsx_file.tell()
            os.replace(xlsx_tmp, base / f"{dataset}.xlsx")
        except BaseException:
            Path(xlsx_tmp).unlink(missing_ok=True)
            raise
        meta = {"generated_at": generated_at.isoformat(), "rows": counted.count, "bytes": sizes}
        _write(base / f"{dataset}.json", [json.dumps(meta).encode()])
        written[dataset] = meta
    return written


class _Counting:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def coalesce_seconds() -> int:
    return int(getattr(settings, "COTRI_OPENDATA_COALESCE_SECONDS", 600))


def schedule_opendata() -> None:
    """After the commit, regenerate the files once per window (a burst of changes: one run)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(callback, "opendata", False) for _s, callback, _r in connection.run_on_commit
    ):
        return

    def enqueue() -> None:
        from cotri.tasks import generate_opendata

        window = coalesce_seconds()
        if cache.add(LOCK_KEY, 1, timeout=window + 300):
            try:
                generate_opendata.apply_async(countdown=window)
            except Exception:
                cache.delete(LOCK_KEY)
                raise

    enqueue.opendata = True
    transaction.on_commit(enqueue, robust=True)

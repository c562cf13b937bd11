"""A chef de projet imports a progress file for their own contracts: preview, then confirm.

The same service as the admin and ``import_progress`` (``exchange.progress_import``, ADR 0008),
acting with the user's rights: only the contracts they report on, no ``status`` column, every
row submitted for validation, all rows or none. Between the preview and the confirmation the
file waits in the media storage under its SHA-256, in a folder of the user's own, so a
confirmation can only name a file this user previewed.
"""

import datetime
import hashlib
from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cotri.uploads_guard import MAX_FILE_BYTES, UploadRefused, check_size
from exchange.progress_files import MAX_ROWS, ProgressImportError, RowError
from exchange.progress_import import progress_import
from french.output import agree, format_count, format_number
from indicators import perms
from indicators.models import Indicator

from .forms import ImportConfirmForm, ImportForm
from .views import member_required

PREVIEW_ROWS = 200


PENDING_ROOT = "imports/en-attente"


def _pending_dir(user) -> str:
    return f"{PENDING_ROOT}/{user.pk}"


def _clear_pending(user) -> None:
    """This user's previous preview, and anyone's preview abandoned for more than a day."""
    if not default_storage.exists(PENDING_ROOT):
        return
    cutoff = timezone.now() - datetime.timedelta(days=1)
    for folder in default_storage.listdir(PENDING_ROOT)[0]:
        directory = f"{PENDING_ROOT}/{folder}"
        for name in default_storage.listdir(directory)[1]:
            path = f"{directory}/{name}"
            if folder == str(user.pk) or default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)


def _indicators(user):
    return (
        Indicator.objects.filter(objective__contract__in=perms.contracts_reportable_by(user))
        .select_related("objective__contract")
        .order_by("objective__contract__reference", "objective__code", "order", "code")
    )


def _page(request, *, form=None, errors=None, result=None, pending="", filename="", total=0):
    context = {
        "form": form or ImportForm(),
        "errors": errors or [],
        "error_total": total or len(errors or []),
        "result": result,
        "preview": result.rows[:PREVIEW_ROWS] if result else [],
        "more": max(0, len(result.rows) - PREVIEW_ROWS) if result else 0,
        "pending": pending,
        "filename": filename,
        "indicators": _indicators(request.user),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
    }
    return render(request, "espace/import.html", context)


def _run(request, *, content: bytes, filename: str, dry_run: bool):
    return progress_import(
        content=content,
        filename=filename,
        by=request.user,
        dry_run=dry_run,
        # The front office's rules, even for an officer who is also a chef de projet: their own
        # contracts, no status of their choosing, rows submitted for validation.
        officer=False,
        allowed_contract_ids=perms.contracts_editable_by(request.user),
    )


@member_required
@require_http_methods(["GET", "POST"])
def progress_file_import(request):
    if not perms.contracts_reportable_by(request.user).exists():
        raise PermissionDenied("L'import est réservé aux chefs de projet.")
    if request.method == "GET":
        return _page(request)
    if "pending" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    upload = form.cleaned_data["file"]
    filename = PurePath(upload.name).name
    try:
        check_size(upload.size)  # before reading a byte of a huge file
    except UploadRefused as exc:
        return _page(request, form=form, errors=[RowError(0, "fichier", str(exc))])
    content = upload.read()
    try:
        result = _run(request, content=content, filename=filename, dry_run=True)
    except ProgressImportError as exc:
        return _page(request, form=form, errors=exc.errors, filename=filename, total=exc.total)
    _clear_pending(request.user)
    suffix = next((s for s in (".xlsx", ".ods") if filename.lower().endswith(s)), ".csv")
    pending = hashlib.sha256(content).hexdigest() + suffix
    default_storage.save(f"{_pending_dir(request.user)}/{pending}", ContentFile(content))
    request.session["import_filename"] = filename
    return _page(request, result=result, pending=pending, filename=filename)


def _confirm(request):
    form = ImportConfirmForm(request.POST)
    path = f"{_pending_dir(request.user)}/{form.data.get('pending', '')}"
    if not form.is_valid() or not default_storage.exists(path):
        messages.error(request, "Ce fichier n'est plus en attente : déposez-le à nouveau.")
        return redirect("espace:import")
    with default_storage.open(path, "rb") as stored:
        content = stored.read()
    pending = form.cleaned_data["pending"]  # its suffix tells the reader CSV from XLSX
    filename = request.session.get("import_filename", pending)
    try:
        result = _run(request, content=content, filename=pending, dry_run=False)
    except ProgressImportError as exc:  # the data changed since the preview
        return _page(request, errors=exc.errors, filename=filename, total=exc.total)
    finally:
        default_storage.delete(path)
    messages.success(
        request,
        f"Fichier « {filename} » importé : {format_count(result.created, 'saisie')} "
        f"{agree(result.created, 'créée')}, {format_number(result.updated)} "
        f"{agree(result.updated, 'corrigée')}, soumises à la validation"
        + (
            f" ; {format_count(result.unchanged, 'ligne')} {agree(result.unchanged, 'identique')} "
            f"{agree(result.unchanged, 'ignorée')}"
            if result.unchanged
            else ""
        )
        + ".",
    )
    return redirect("espace:home")

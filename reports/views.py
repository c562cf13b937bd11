"""The annual report in /espace/: the chef's texts, generation with progress, the documents.

Members of the territory and officers read the page and download the documents; only the
territory's chefs de projet write the texts and start a generation (403 otherwise). Any other
user gets 404, whatever exists (``contract_for_user``). Files are served by ``document_download``
only, never from a public media URL.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from cotri.espace.bonus import contract_for_user
from cotri.espace.forms import DsfrMixin
from french.output import format_year
from indicators import perms

from .content import report_years
from .models import AnnualReport, DocumentStatus, ReportDocument
from .services import report_for, report_generation_request

member_required = login_required(login_url=reverse_lazy("espace:login"))
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class ReportTextsForm(DsfrMixin, forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["highlights", "difficulties", "outlook"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}
        help_texts = {
            "highlights": "Ce qui a marqué l'année : réalisations, décisions, partenariats.",
            "difficulties": "Ce qui a freiné l'avancement et ce qui a été fait pour y remédier.",
            "outlook": "Ce qui est prévu pour l'année suivante.",
        }


def _contract_and_year(request, reference: str, year: int):
    contract = contract_for_user(request.user, reference)
    if year not in report_years(contract):
        raise Http404("Pas de rapport annuel pour cette année.")
    return contract


def progress_label(document: ReportDocument) -> str:
    """« Génération en cours : 40 % », « En attente de génération », « Terminé », « Échec »."""
    if document.status == DocumentStatus.QUEUED:
        return "En attente de génération"
    if document.status == DocumentStatus.RUNNING:
        return f"Génération en cours : {document.progress} %"
    return document.get_status_display()


@member_required
@require_http_methods(["GET", "POST"])
def report_page(request, reference: str, year: int):
    contract = _contract_and_year(request, reference, year)
    can_write = perms.can_report_on_contract(request.user, contract)
    report = report_for(contract=contract, year=year)
    form = ReportTextsForm(instance=report)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("Seuls les chefs de projet du territoire rédigent ce rapport.")
        form = ReportTextsForm(request.POST, instance=report)
        if form.is_valid():
            with transaction.atomic():
                report = form.save(commit=False)
                report.updated_by = request.user
                report.save()
                if request.POST.get("action") == "generate":
                    report_generation_request(report=report, by=request.user)
                    messages.success(
                        request, "Textes enregistrés ; la génération du rapport est lancée."
                    )
                else:
                    messages.success(request, "Textes enregistrés.")
            return redirect("espace:annual_report", reference=contract.reference, year=year)
    documents = list(report.documents.select_related("generated_by")) if report.pk else []
    for document in documents:
        document.label = progress_label(document)
    running = [d for d in documents if d.in_progress]
    return render(
        request,
        "espace/annual_report.html",
        {
            "contract": contract,
            "year": year,
            "year_text": format_year(year),
            "years": report_years(contract),
            "form": form,
            "can_write": can_write,
            "documents": documents,
            "running": running,
        },
    )


def _document(request, reference: str, year: int, pk: int) -> ReportDocument:
    contract = _contract_and_year(request, reference, year)
    return get_object_or_404(
        ReportDocument.objects.select_related("report"),
        pk=pk,
        report__contract=contract,
        report__year=year,
    )


@member_required
@require_http_methods(["GET"])
def document_status(request, reference: str, year: int, pk: int):
    """JSON for the page's polling: {"status", "progress" (0–100), "label" (French)}."""
    document = _document(request, reference, year, pk)
    return JsonResponse(
        {
            "status": document.status,
            "progress": document.progress,
            "label": progress_label(document),
            "page": reverse("espace:annual_report", args=[reference, year]),
        }
    )


@member_required
@require_http_methods(["GET"])
def document_download(request, reference: str, year: int, pk: int, fmt: str):
    """The DOCX or PDF of a finished generation (404 while it runs or when it failed)."""
    if fmt not in FORMATS:
        raise Http404("Format inconnu.")
    document = _document(request, reference, year, pk)
    field = getattr(document, fmt)
    if document.status != DocumentStatus.DONE or not field:
        raise Http404("Ce document n'est pas disponible.")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Le fichier de ce rapport est introuvable.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"rapport-annuel-{year}-{reference}.{fmt}",
        content_type=FORMATS[fmt],
    )

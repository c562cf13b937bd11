"""Public pages: the regional overview and the fiches territoriales (web and stored PDF)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.models import Contract
from cotri.public.fiche import load_fiche, published_contract
from cotri.public.overview import OverviewFilters, load_overview
from cotri.public.storage import stored_fiche_pdf


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    filters = OverviewFilters.from_query(request.GET)
    return render(request, "public/overview.html", {"overview": load_overview(filters)})


@require_safe
def fiche(request: HttpRequest, reference: str) -> HttpResponse:
    contract = published_contract(reference)
    return render(request, "public/fiche.html", {"fiche": load_fiche(contract), "pdf": False})


@require_safe
def fiche_pdf(request: HttpRequest, reference: str) -> FileResponse:
    """The stored PDF, never rendered inside the request (404 until the first render)."""
    contract = Contract.objects.published().filter(reference=reference).only("reference").first()
    if contract is None:
        raise Http404("Aucune fiche publiée sous cette référence.")
    path = stored_fiche_pdf(contract=contract)
    if path is None:
        raise Http404("La fiche PDF n’est pas encore disponible.")
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"fiche-{reference}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="fiche-{reference}.pdf"'
    response["Cache-Control"] = "public, max-age=300"
    return response

"""Public pages: the regional overview and the fiches territoriales (web and stored PDF)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from cotri.public.cache import fiche_html, fiche_page, public_contract_id
from cotri.public.overview import OverviewFilters, load_overview
from cotri.public.storage import stored_fiche_pdf_for


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    filters = OverviewFilters.from_query(request.GET)
    overview = load_overview(filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"overview": overview, "page_query": query.urlencode()}
    return render(request, "public/overview.html", context)


@require_safe
def fiche(request: HttpRequest, reference: str) -> HttpResponse:
    """The fiche territoriale, from the cache when current (one or two cache reads, no SQL): the
    whole page for a visitor without session or message cookie, else the body in the frame."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        response = HttpResponse(fiche_html(reference))
        patch_vary_headers(response, ["Cookie"])
        return response
    return render(request, "public/fiche.html", {"page": fiche_page(reference)})


@require_safe
def fiche_pdf(request: HttpRequest, reference: str) -> FileResponse:
    """The stored PDF, never rendered inside the request (404 until the first render)."""
    public_contract_id(reference)  # 404 unless published; from the cache, no SQL when current
    path = stored_fiche_pdf_for(reference)
    if path is None:
        raise Http404("La fiche PDF n’est pas encore disponible.")
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"fiche-{reference}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="fiche-{reference}.pdf"'
    response["Cache-Control"] = "public, max-age=300"
    return response


_FLOOR: list[bytes] = []


@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The framework floor for bench/bench_fiche.py: a static page (the file named by
    COTRI_BENCH_FLOOR, read once) through the same middleware. Routed only when that variable
    is set (urls.py), never in production."""
    if not _FLOOR:
        _FLOOR.append(Path(os.environ["COTRI_BENCH_FLOOR"]).read_bytes())
    return HttpResponse(_FLOOR[0], content_type="text/html; charset=utf-8")

"""Open data: CSV files of every published contract, objective, indicator and validated value.

Published under the Licence Ouverte / Etalab 2.0; each file's columns are documented (name, type,
unit) on the page, from the same column definitions that write the files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from contracts.models import Contract
from exchange import exports
from exchange.opendata_files import schedule_opendata, stored_file
from indicators.models import ProgressEntry

LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0 (Etalab 2.0)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def _published():
    return Contract.objects.published()


def _validated_values() -> exports.Table:
    entries = ProgressEntry.objects.validated().filter(
        indicator__objective__contract__in=_published()
    )
    table = exports.progress_table(entries)
    return exports.Table("valeurs", "Valeurs validées", table.columns, table.rows)


DEMO_COLUMN = exports.Column(
    "demonstration",
    "booléen",
    "",
    "Vrai quand les valeurs d'avancement du contrat sont inventées pour la démonstration",
)


def _flag_demo(build: Callable[[], exports.Table]) -> Callable[[], exports.Table]:
    """The table with a last column saying whether its contract (first column) holds
    demonstration values (one query)."""

    def table() -> exports.Table:
        demo = set(Contract.objects.filter(demo_data=True).values_list("reference", flat=True))
        base = build()
        rows = ((*row, row[0] in demo) for row in base.rows)
        return exports.Table(base.name, base.title, (*base.columns, DEMO_COLUMN), rows)

    return table


@dataclass(frozen=True)
class OpenDataset:
    slug: str
    title: str
    description: str
    columns: tuple[exports.Column, ...]
    table: Callable[[], exports.Table]


DATASETS = (
    OpenDataset(
        "contrats",
        "Contrats publiés",
        "Un contrat d'objectifs par ligne : programme, territoire, porteur, dates, population.",
        exports.CONTRACT_COLUMNS,
        lambda: exports.contracts_table(_published()),
    ),
    OpenDataset(
        "objectifs",
        "Objectifs et taux d'atteinte",
        "Un objectif contractuel par ligne, avec son taux d'atteinte calculé sur les valeurs "
        "validées à la date d'évaluation.",
        exports.OBJECTIVE_COLUMNS,
        lambda: exports.objectives_table(_published()),
    ),
    OpenDataset(
        "indicateurs",
        "Indicateurs",
        "Un indicateur par ligne, avec sa valeur de référence et sa cible.",
        exports.INDICATOR_COLUMNS,
        lambda: exports.indicators_table(_published()),
    ),
    OpenDataset(
        "valeurs",
        "Valeurs validées",
        "Une valeur d'avancement validée par ligne (les valeurs en cours de relecture n'y sont "
        "pas).",
        exports.PROGRESS_COLUMNS,
        _validated_values,
    ),
)
# Every file says which rows are demonstration values (issue 10): the contract is each file's
# first column.
DATASETS = tuple(
    replace(d, columns=(*d.columns, DEMO_COLUMN), table=_flag_demo(d.table)) for d in DATASETS
)
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}


@require_safe
def opendata_index(request: HttpRequest) -> HttpResponse:
    datasets = []
    for dataset in DATASETS:
        stored = stored_file(dataset.slug)
        meta = stored[1] if stored else None
        if meta:
            meta["day"] = timezone.localdate(meta["generated_at"])
        datasets.append({"dataset": dataset, "meta": meta})
    return render(
        request,
        "opendata/index.html",
        {"datasets": datasets, "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL},
    )


@require_safe
def opendata_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored file (written by the ``generate_opendata`` task), never built per request."""
    if slug not in BY_SLUG:
        raise Http404("Jeu de données inconnu.")
    stored = stored_file(slug)
    if stored is None:
        schedule_opendata()
        response = HttpResponse(
            "Ce fichier est en cours de préparation : réessayez dans quelques minutes.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "300"
        return response
    path, meta = stored
    day = timezone.localdate(meta["generated_at"])
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"cotri-{slug}-{day.isoformat()}.csv",
        content_type=exports.CSV_CONTENT_TYPE,
    )
    response["Last-Modified"] = http_date(meta["generated_at"].timestamp())
    return response

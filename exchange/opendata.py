"""Open data: CSV files of every published contract, objective, indicator and validated value,
and the grants on the national SCDL « subventions » schema (``exchange.opendata_scdl``).

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
from exchange import exports, opendata_scdl
from exchange.opendata_files import schedule_opendata, stored_file
from indicators.models import ProgressEntry

LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0 (Etalab 2.0)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def _published():
    return Contract.objects.published()


# The progress export's columns are the progress import file's (English names fixed by
# interfaces.md); open data names them in French like its other files, and drops the status
# (every value published is validated).
VALUE_COLUMNS = (
    exports.Column("contrat", "texte", "", "Référence du contrat"),
    exports.Column("objectif", "texte", "", "Code de l'objectif"),
    exports.Column("indicateur", "texte", "", "Code de l'indicateur"),
    exports.Column("date", "date", "", "Date de la valeur"),
    exports.Column("valeur", "décimal", "unité de l'indicateur", "Valeur validée"),
    exports.Column("commentaire", "texte", "", "Commentaire"),
)


def _validated_values() -> exports.Table:
    entries = ProgressEntry.objects.validated().filter(
        indicator__objective__contract__in=_published()
    )
    # Tuples straight from the cursor, in the progress export's order.
    rows = (
        entries.order_by(
            "indicator__objective__contract__reference",
            "indicator__objective__code",
            "indicator__code",
            "date",
            "pk",
        )
        .values_list(
            "indicator__objective__contract__reference",
            "indicator__objective__code",
            "indicator__code",
            "date",
            "value",
            "comment",
        )
        .iterator(chunk_size=5000)
    )
    return exports.Table("valeurs", "Valeurs validées", VALUE_COLUMNS, rows)


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
    schema_url: str = ""  # the national schema the file follows, if any


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
        VALUE_COLUMNS,
        _validated_values,
    ),
)
# Every file says which rows are demonstration values (issue 10): the contract is each file's
# first column.
DATASETS = tuple(
    replace(d, columns=(*d.columns, DEMO_COLUMN), table=_flag_demo(d.table)) for d in DATASETS
)
# The grants follow the national schema, which allows no extra column: the rows a required
# value is missing from are listed in a companion file instead (issue 14). Their figures come
# from the funding schedules, never from demonstration values.
DATASETS += (
    OpenDataset(
        "subventions",
        "Subventions au schéma national",
        "Une subvention par contrat publié et par financeur (somme de ses tranches ; un bonus non "
        "encore décidé compte pour son plafond), au schéma « subventions » 2.1.1 du socle commun "
        "des données locales. Seules y figurent les lignes dont toutes les valeurs obligatoires "
        "sont connues ; les autres sont dans le fichier des subventions incomplètes.",
        opendata_scdl.scdl_columns(),
        lambda: opendata_scdl.scdl_table(_published()),
        schema_url=opendata_scdl.SCHEMA_URL,
    ),
    OpenDataset(
        "subventions-incompletes",
        "Subventions incomplètes",
        "Les subventions auxquelles manque une valeur du schéma SCDL (SIRET du financeur ou du "
        "porteur, que les agents saisissent, date de signature, période, montant) : lesquelles, "
        "et si la ligne figure tout de même dans le fichier des subventions.",
        opendata_scdl.INCOMPLETE_COLUMNS,
        lambda: opendata_scdl.incomplete_table(_published()),
    ),
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

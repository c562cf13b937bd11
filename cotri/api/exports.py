"""Spreadsheet downloads (CSV or XLSX) of what the reader may see."""

from enum import StrEnum

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import http_date
from ninja import Query, Router

from exchange import exports
from exchange.opendata_files import api_stored_file, schedule_opendata
from funding.models import Evaluation
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from indicators.perms import is_officer

from .schemas import ErrorOut
from .visibility import visible_contracts

router = Router(tags=["Exports"])


class Dataset(StrEnum):
    CONTRACTS = "contracts"
    OBJECTIVES = "objectives"
    INDICATORS = "indicators"
    PROGRESS = "progress"
    EVALUATIONS = "evaluations"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def dataset_table(dataset: Dataset, user) -> exports.Table:
    """The table of ``dataset`` restricted to what ``user`` may read."""
    contracts = visible_contracts(user)
    if dataset == Dataset.CONTRACTS:
        return exports.contracts_table(contracts)
    if dataset == Dataset.OBJECTIVES:
        return exports.objectives_table(contracts)
    if dataset == Dataset.INDICATORS:
        return exports.indicators_table(contracts)
    if dataset == Dataset.PROGRESS:
        entries = ProgressEntry.objects.filter(indicator__objective__contract__in=contracts)
        if not is_officer(user):
            entries = entries.filter(status=EntryStatus.VALIDATED)
        return exports.progress_table(entries)
    evaluations = Evaluation.objects.filter(contract__in=contracts)
    return exports.evaluations_table(evaluations, public=not is_officer(user))


def file_response(table: exports.Table, file_format: FileFormat) -> StreamingHttpResponse:
    """CSV streams from the database as it is read (bounded memory whatever the rows); XLSX is
    written row by row to a temporary file, then streamed from it."""
    if file_format == FileFormat.XLSX:
        chunks, content_type = exports.xlsx_chunks(table), exports.XLSX_CONTENT_TYPE
    else:
        chunks, content_type = exports.csv_chunks(table), exports.CSV_CONTENT_TYPE
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cotri-{table.name}.{file_format}"'
    return response


_FILE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/{dataset}",
    response={404: ErrorOut},
    summary="Export tableur",
    description=(
        "Contrats, objectifs (avec taux), indicateurs, saisies d'avancement ou évaluations, en "
        "CSV (UTF-8 avec BOM, séparateur « ; ») ou XLSX. Les lecteurs anonymes n'obtiennent que "
        "les contrats publiés et les valeurs validées."
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "Le fichier",
                "content": {"text/csv": _FILE, exports.XLSX_CONTENT_TYPE: _FILE},
            }
        }
    },
)
def export_dataset(
    request,
    dataset: Dataset,
    format: FileFormat = Query(FileFormat.CSV, description="csv ou xlsx"),  # noqa: A002, B008
):
    if not request.user.is_authenticated:
        stored = api_stored_file(dataset.value, format.value)
        if stored is not None:
            return stored_response(dataset_table(dataset, request.user), format, *stored)
        schedule_opendata()  # first request of a fresh site: streamed meanwhile
    return file_response(dataset_table(dataset, request.user), format)


_CONTENT_TYPES = {
    FileFormat.CSV: exports.CSV_CONTENT_TYPE,
    FileFormat.XLSX: exports.XLSX_CONTENT_TYPE,
}


def stored_response(
    table: exports.Table, file_format: FileFormat, path, meta: dict
) -> FileResponse:
    """The anonymous reader's file as the open data task wrote it (``exchange.opendata_files``):
    the name of a streamed one (``table`` is only named: its rows are never read), the date it
    was written in ``Last-Modified``."""
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"cotri-{table.name}.{file_format}",
        content_type=_CONTENT_TYPES[file_format],
    )
    response["Last-Modified"] = http_date(meta["generated_at"].timestamp())
    return response

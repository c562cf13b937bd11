"""Spreadsheet exports (CSV and XLSX) of contracts, objectives, progress entries, evaluations.

A table is a list of typed columns plus rows of Python values. Writers:

- ``table_csv(table) -> bytes``: UTF-8 with BOM, ``;``-separated, decimal commas, French dates
  (``DD/MM/YYYY``) unless ``open_data=True`` (ISO dates, decimal points: machine-readable);
- ``table_xlsx(table) -> bytes``: numbers as numbers, dates as dates.

Any text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is neutralised with a leading apostrophe (CSV injection, OWASP;
``cotri.formulas``).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from contracts.documents.exporter import plain
from contracts.models import Contract
from cotri.formulas import FORMULA_TRIGGERS, neutralise
from funding.evaluations import contracts_latest_evaluation, evaluation_to_json
from indicators.models import Indicator, Objective

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "texte", "entier", "décimal", "date", "booléen"
    unit: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


# Writers -----------------------------------------------------------------------------------------


def _csv_cell(value: Any, *, open_data: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("true" if value else "false") if open_data else ("oui" if value else "non")
    if isinstance(value, Decimal):
        text = plain(value)
        return text if open_data else text.replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.isoformat() if open_data else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat() if open_data else f"{value:%d/%m/%Y}"
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_chunks(
    table: Table, *, open_data: bool = False, rows_per_chunk: int = 1000
) -> Iterator[bytes]:
    """The CSV file of ``table`` as UTF-8 byte chunks (the BOM and header first, then about
    ``rows_per_chunk`` rows each): a file of any size is written or streamed with bounded memory,
    provided the table's rows come from an iterator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    buffer.seek(0), buffer.truncate()
    for count, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_cell(value, open_data=open_data) for value in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0), buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def table_csv(table: Table, *, open_data: bool = False) -> bytes:
    return b"".join(csv_chunks(table, open_data=open_data))


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # XLSX cannot hold most control characters: drop them rather than fail the export.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value


def write_xlsx(table: Table, target) -> None:
    """Write the XLSX of ``table`` to a path or binary file; openpyxl's write-only mode keeps
    the rows on disk as they come, so memory does not grow with them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.append([column.name for column in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    workbook.save(target)


def table_xlsx(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(table, buffer)
    return buffer.getvalue()


def xlsx_chunks(table: Table, *, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
    """The XLSX of ``table``, written row by row to a temporary file, then read back by chunks
    (the file is opened only once iteration starts, and closed when it ends or is abandoned)."""
    with tempfile.TemporaryFile() as handle:
        write_xlsx(table, handle)
        handle.seek(0)
        while chunk := handle.read(chunk_size):
            yield chunk


# Tables ------------------------------------------------------------------------------------------

CONTRACT_COLUMNS = (
    Column("reference", "texte", "", "Référence du contrat"),
    Column("programme", "texte", "", "Code du programme (COTRI, COT-TRI, COT-CLIMAT…)"),
    Column("titre", "texte", "", "Intitulé du contrat"),
    Column("territoire_code", "texte", "", "Code INSEE, SIREN ou code de groupement"),
    Column("territoire_nom", "texte", "", "Nom du territoire"),
    Column("departement", "texte", "", "Code du département du territoire"),
    Column("porteur", "texte", "", "Structure porteuse"),
    Column("statut", "texte", "", "draft, signed, active, closed ou terminated"),
    Column("signe_le", "date", "", "Date de signature"),
    Column("debut", "date", "", "Début du contrat"),
    Column("fin", "date", "", "Fin du contrat"),
    Column("population", "entier", "habitants", "Population de référence"),
    Column("population_millesime", "entier", "année", "Millésime de la population"),
)


def contracts_table(contracts) -> Table:
    contracts = contracts.select_related("programme", "territory").order_by("reference")
    rows = (
        (
            c.reference,
            c.programme.code,
            c.title,
            c.territory.code,
            c.territory.name,
            c.territory.departement_code,
            c.holder,
            c.status,
            c.signed_on,
            c.start,
            c.end,
            c.population,
            c.population_vintage,
        )
        for c in contracts
    )
    return Table("contrats", "Contrats", CONTRACT_COLUMNS, rows)


OBJECTIVE_COLUMNS = (
    Column("contrat", "texte", "", "Référence du contrat"),
    Column("objectif", "texte", "", "Code de l'objectif (O1, O2…)"),
    Column("intitule", "texte", "", "Intitulé de l'objectif"),
    Column("incontournable", "entier", "", "Numéro de l'incontournable du programme"),
    Column("prioritaire", "booléen", "", "Objectif prioritaire"),
    Column("date_evaluation", "date", "", "Date à laquelle le taux est calculé"),
    Column("taux", "décimal", "fraction (1 = 100 %)", "Taux d'atteinte, arrondi par défaut"),
    Column("seuil", "décimal", "fraction (1 = 100 %)", "Seuil à atteindre pour le bonus"),
    Column("atteint", "booléen", "", "Seuil atteint"),
)


def objectives_table(contracts) -> Table:
    """Objectives of ``contracts`` with their rates from validated values (computed, not stored)."""
    return objective_list_table(Objective.objects.filter(contract__in=contracts))


def objective_list_table(objectives) -> Table:
    """These objectives with their current rates and verdicts (the evaluation preview's).

    The contracts' evaluations are read together (``contracts_latest_evaluation``: the stored
    snapshots, the others previewed in bulk), never one preview per contract.
    """
    objectives = objectives.select_related("contract", "incontournable").order_by(
        "contract__reference", "order", "code"
    )

    def rows():
        contracts = Contract.objects.filter(pk__in=objectives.values("contract_id"))
        evaluations = {}
        for preview in contracts_latest_evaluation(contracts=contracts):
            evaluation = evaluation_to_json(preview)
            evaluations[preview.contract_id] = (
                {o["code"]: o for o in evaluation["objectives"]},
                datetime.date.fromisoformat(evaluation["as_of"]),
            )
        for objective in objectives.iterator(chunk_size=2000):
            rates, as_of = evaluations.get(objective.contract_id, ({}, None))
            rated = rates.get(objective.code, {})
            yield (
                objective.contract.reference,
                objective.code,
                objective.title,
                objective.incontournable.number,
                objective.priority,
                as_of,
                _decimal(rated.get("rate")),
                _decimal(rated.get("threshold")),
                rated.get("met"),
            )

    return Table("objectifs", "Objectifs", OBJECTIVE_COLUMNS, rows())


INDICATOR_COLUMNS = (
    Column("contrat", "texte", "", "Référence du contrat"),
    Column("objectif", "texte", "", "Code de l'objectif"),
    Column("indicateur", "texte", "", "Code de l'indicateur"),
    Column("libelle", "texte", "", "Libellé de l'indicateur"),
    Column("unite", "texte", "", "Unité des valeurs"),
    Column("nature", "texte", "", "quantity (quantité) ou milestone (jalon)"),
    Column("sens", "texte", "", "increase (à la hausse) ou decrease (à la baisse)"),
    Column("cumul", "texte", "", "sum (cumul des valeurs) ou latest (dernier niveau)"),
    Column("valeur_reference", "décimal", "unité de l'indicateur", "Valeur de référence"),
    Column("cible", "décimal", "unité de l'indicateur", "Valeur cible"),
)


def indicators_table(contracts) -> Table:
    indicators = (
        Indicator.objects.filter(objective__contract__in=contracts)
        .select_related("objective__contract")
        .order_by("objective__contract__reference", "objective__order", "objective__code", "order")
    )
    rows = (
        (
            i.objective.contract.reference,
            i.objective.code,
            i.code,
            i.label,
            i.unit,
            i.kind,
            i.direction,
            i.accumulation,
            i.baseline,
            i.target,
        )
        for i in indicators.iterator(chunk_size=2000)
    )
    return Table("indicateurs", "Indicateurs", INDICATOR_COLUMNS, rows)


PROGRESS_COLUMNS = (
    Column("contract", "texte", "", "Référence du contrat"),
    Column("objective", "texte", "", "Code de l'objectif"),
    Column("indicator", "texte", "", "Code de l'indicateur"),
    Column("date", "date", "", "Date de la valeur"),
    Column("value", "décimal", "unité de l'indicateur", "Valeur saisie"),
    Column("comment", "texte", "", "Commentaire"),
    Column("status", "texte", "", "draft, submitted, validated ou returned"),
)


def progress_table(entries) -> Table:
    """Same columns as the progress import file: an export can be edited and imported back."""
    entries = entries.order_by(
        "indicator__objective__contract__reference",
        "indicator__objective__code",
        "indicator__code",
        "date",
        "pk",
    )
    # Tuples straight from the cursor (no model instances: 2 million rows at national size).
    rows = entries.values_list(
        "indicator__objective__contract__reference",
        "indicator__objective__code",
        "indicator__code",
        "date",
        "value",
        "comment",
        "status",
    ).iterator(chunk_size=5000)
    return Table("avancement", "Avancement", PROGRESS_COLUMNS, rows)


EVALUATION_COLUMNS = (
    Column("contrat", "texte", "", "Référence du contrat"),
    Column("date_evaluation", "date", "", "Date de l'évaluation"),
    Column("resultat", "texte", "", "eligible, not_eligible ou configuration_error"),
    Column("eligible", "booléen", "", "Éligible au bonus"),
    Column("plafond", "décimal", "€", "Plafond du bonus"),
    Column("montant", "décimal", "€", "Montant du bonus"),
    Column("motifs", "texte", "", "Motifs, séparés par « | »"),
    Column("calculee_le", "date et heure", "", "Date du calcul"),
    Column("decidee_le", "date et heure", "", "Date de la décision"),
)


def evaluations_table(evaluations) -> Table:
    evaluations = evaluations.select_related("contract").order_by(
        "contract__reference", "as_of", "created_at"
    )
    rows = (
        (
            e.contract.reference,
            e.as_of,
            e.status,
            e.eligible,
            e.bonus_cap,
            e.bonus_amount,
            " | ".join(e.reasons),
            e.created_at,
            e.decided_at,
        )
        for e in evaluations
    )
    return Table("evaluations", "Évaluations", EVALUATION_COLUMNS, rows)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


__all__ = [
    "CSV_CONTENT_TYPE",
    "FORMULA_TRIGGERS",
    "XLSX_CONTENT_TYPE",
    "csv_chunks",
    "Column",
    "Table",
    "contracts_table",
    "evaluations_table",
    "indicators_table",
    "neutralise",
    "objective_list_table",
    "objectives_table",
    "progress_table",
    "table_csv",
    "table_xlsx",
    "write_xlsx",
    "xlsx_chunks",
]

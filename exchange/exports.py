"""Spreadsheet exports (CSV and XLSX) of contracts, objectives, progress entries, evaluations.

A table is a list of typed columns plus rows of Python values. Writers:

- ``table_csv(table) -> bytes``: UTF-8 with BOM, ``;``-separated, decimal commas, French dates
  (``JJ/MM/AAAA``, instants ``JJ/MM/AAAA HH:MM`` in Europe/Paris) unless ``open_data=True``
  (ISO dates, instants ISO 8601 with the Paris offset, decimal points: machine-readable);
- ``table_xlsx(table) -> bytes``: numbers as numbers, dates as real date cells shown
  ``JJ/MM/AAAA`` (instants in Europe/Paris, ``JJ/MM/AAAA HH:MM``), written by XlsxWriter in
  constant memory (``XlsxRows``).

Every French text comes from ``french.output``. A column may carry a French ``title`` and the
``labels`` of its codes: the admin's files (read by people) use them; the API and open data keep
the stable names and codes.

Any text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is neutralised with a leading apostrophe (CSV injection, OWASP;
``cotri.formulas``).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from contracts.enums import ContractStatus
from contracts.models import Contract
from cotri.formulas import FORMULA_TRIGGERS, neutralise
from exchange.documents.exporter import plain
from french import output
from funding.evaluations import (
    UNAVAILABLE_FR,
    contracts_latest_evaluation,
    evaluation_is_public,
    evaluation_to_json,
)
from funding.models import EvaluationStatus
from indicators.enums import Accumulation, Direction, IndicatorKind
from indicators.models import Indicator, Objective

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "texte", "entier", "décimal", "date", "booléen"
    unit: str
    description: str
    title: str = ""  # French column title of the files people read (admin); ``name`` otherwise
    labels: Mapping[str, str] | None = None  # French labels of the codes, for those files


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
        return plain(value) if open_data else output.format_number_input(value)
    if isinstance(value, datetime.datetime):
        if open_data:
            return output.format_iso_instant(value)
        return output.format_datetime(value, separator=" ")
    if isinstance(value, datetime.date):
        return value.isoformat() if open_data else output.format_date(value)
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


XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


#: Rows of a worksheet, its header included (Excel's limit).
XLSX_MAX_ROWS = 1_048_576


class XlsxRows:
    """An XLSX file written row by row to ``target`` (a path or binary file) with XlsxWriter's
    ``constant_memory`` mode: each row goes to disk as it comes, so memory does not grow with
    the rows (and it is many times faster than openpyxl without lxml). ``append(row)`` each row,
    then ``close()``. Texts stay texts (never formulas or links); past ``max_rows`` rows (header
    included) the rows go on to another sheet, « Titre (2) », with the header again."""

    def __init__(self, table: Table, target, *, max_rows: int = XLSX_MAX_ROWS):
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.date_format = self.workbook.add_format({"num_format": XLSX_DATE_FORMAT})
        self.datetime_format = self.workbook.add_format({"num_format": XLSX_DATETIME_FORMAT})
        self.title, self.max_rows = table.title, max_rows
        self.header = [column.name for column in table.columns]
        self.sheets = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        title = self.title[:31] if self.sheets == 1 else f"{self.title[:24]} ({self.sheets})"
        self.sheet = self.workbook.add_worksheet(title)
        self.sheet.write_row(0, 0, [neutralise(text) for text in self.header])
        self.row = 1

    def append(self, row: Sequence[Any]) -> None:
        if self.row >= self.max_rows:
            self._new_sheet()
        sheet, index = self.sheet, self.row
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                # XLSX cannot hold most control characters: drop them rather than fail.
                sheet.write_string(index, column, neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
            elif isinstance(value, bool):
                sheet.write_boolean(index, column, value)
            elif isinstance(value, datetime.datetime):
                # Excel has no time zones: the cell holds the Paris wall-clock time.
                local = output.local_instant(value).replace(tzinfo=None)
                sheet.write_datetime(index, column, local, self.datetime_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(index, column, value, self.date_format)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(index, column, value)
            else:
                sheet.write_string(index, column, neutralise(str(value)))
        self.row += 1

    def close(self) -> None:
        self.workbook.close()


def write_xlsx(table: Table, target, *, max_rows: int = XLSX_MAX_ROWS) -> None:
    """Write the XLSX of ``table`` to a path or binary file (``XlsxRows``: bounded memory)."""
    writer = XlsxRows(table, target, max_rows=max_rows)
    for row in table.rows:
        writer.append(row)
    writer.close()


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
    Column("reference", "texte", "", "Référence du contrat", title="Référence"),
    Column(
        "programme",
        "texte",
        "",
        "Code du programme (COTRI, COT-TRI, COT-CLIMAT…)",
        title="Programme",
    ),
    Column("titre", "texte", "", "Intitulé du contrat", title="Intitulé"),
    Column(
        "territoire_code",
        "texte",
        "",
        "Code INSEE, SIREN ou code de groupement",
        title="Code du territoire",
    ),
    Column("territoire_nom", "texte", "", "Nom du territoire", title="Territoire"),
    Column("departement", "texte", "", "Code du département du territoire", title="Département"),
    Column("porteur", "texte", "", "Structure porteuse", title="Structure porteuse"),
    Column(
        "statut",
        "texte",
        "",
        "draft, signed, active, closed ou terminated",
        title="Statut",
        labels=dict(ContractStatus.choices),
    ),
    Column("signe_le", "date", "", "Date de signature", title="Signé le"),
    Column("debut", "date", "", "Début du contrat", title="Début"),
    Column("fin", "date", "", "Fin du contrat", title="Fin"),
    Column(
        "population",
        "entier",
        "habitants",
        "Population de référence",
        title="Population de référence",
    ),
    Column(
        "population_millesime",
        "entier",
        "année",
        "Millésime de la population",
        title="Millésime de la population",
    ),
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
    Column("contrat", "texte", "", "Référence du contrat", title="Contrat"),
    Column("objectif", "texte", "", "Code de l'objectif (O1, O2…)", title="Objectif"),
    Column("intitule", "texte", "", "Intitulé de l'objectif", title="Intitulé"),
    Column(
        "incontournable",
        "entier",
        "",
        "Numéro de l'incontournable du programme",
        title="Incontournable",
    ),
    Column("prioritaire", "booléen", "", "Objectif prioritaire", title="Prioritaire"),
    Column(
        "date_evaluation",
        "date",
        "",
        "Date à laquelle le taux est calculé",
        title="Date d'évaluation",
    ),
    Column(
        "taux",
        "décimal",
        "fraction (1 = 100 %)",
        "Taux d'atteinte, arrondi par défaut",
        title="Taux d'atteinte",
    ),
    Column(
        "seuil", "décimal", "fraction (1 = 100 %)", "Seuil à atteindre pour le bonus", title="Seuil"
    ),
    Column("atteint", "booléen", "", "Seuil atteint", title="Atteint"),
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
        # Contracts by batches in reference order (the rows' order): only one batch's
        # evaluations are held at a time, whatever the number of contracts (a few queries per
        # batch).
        contracts = Contract.objects.filter(pk__in=objectives.values("contract_id"))
        for batch in _reference_batches(contracts, EVALUATION_BATCH):
            evaluations = {}
            for preview in contracts_latest_evaluation(contracts=batch):
                evaluation = evaluation_to_json(preview)
                evaluations[preview.contract_id] = (
                    {o["code"]: o for o in evaluation["objectives"]},
                    datetime.date.fromisoformat(evaluation["as_of"]),
                )
            batch_objectives = objectives.filter(contract_id__in=[c.pk for c in batch])
            yield from _objective_rows(batch_objectives, evaluations)

    return Table("objectifs", "Objectifs", OBJECTIVE_COLUMNS, rows())


#: Contracts whose evaluations a file holds at once (their snapshots are a few kB each).
EVALUATION_BATCH = 250


def _reference_batches(contracts, size: int) -> Iterator[list[Contract]]:
    """``contracts`` in reference order, ``size`` at a time (keyset: one query per batch)."""
    last = None
    while True:
        page = contracts.order_by("reference")
        if last is not None:
            page = page.filter(reference__gt=last)
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        last = batch[-1].reference


def _objective_rows(objectives, evaluations) -> Iterator[tuple]:
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


INDICATOR_COLUMNS = (
    Column("contrat", "texte", "", "Référence du contrat", title="Contrat"),
    Column("objectif", "texte", "", "Code de l'objectif", title="Objectif"),
    Column("indicateur", "texte", "", "Code de l'indicateur", title="Indicateur"),
    Column("libelle", "texte", "", "Libellé de l'indicateur", title="Libellé"),
    Column("unite", "texte", "", "Unité des valeurs", title="Unité"),
    Column(
        "nature",
        "texte",
        "",
        "quantity (quantité) ou milestone (jalon)",
        title="Nature",
        labels=dict(IndicatorKind.choices),
    ),
    Column(
        "sens",
        "texte",
        "",
        "increase (à la hausse) ou decrease (à la baisse)",
        title="Sens",
        labels=dict(Direction.choices),
    ),
    Column(
        "cumul",
        "texte",
        "",
        "sum (cumul des valeurs) ou latest (dernier niveau)",
        title="Cumul",
        labels=dict(Accumulation.choices),
    ),
    Column(
        "valeur_reference",
        "décimal",
        "unité de l'indicateur",
        "Valeur de référence",
        title="Valeur de référence",
    ),
    Column("cible", "décimal", "unité de l'indicateur", "Valeur cible", title="Cible"),
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
    Column("contrat", "texte", "", "Référence du contrat", title="Contrat"),
    Column("date_evaluation", "date", "", "Date de l'évaluation", title="Date d'évaluation"),
    Column(
        "resultat",
        "texte",
        "",
        "eligible, not_eligible, configuration_error (agents) ou unavailable (public)",
        title="Résultat",
        labels=dict(EvaluationStatus.choices),
    ),
    Column("eligible", "booléen", "", "Éligible au bonus", title="Éligible"),
    Column("plafond", "décimal", "€", "Plafond du bonus", title="Plafond du bonus (€)"),
    Column("montant", "décimal", "€", "Montant du bonus", title="Montant du bonus (€)"),
    Column("motifs", "texte", "", "Motifs, séparés par « | »", title="Motifs"),
    Column("calculee_le", "date et heure", "", "Date du calcul", title="Calculée le"),
    Column("decidee_le", "date et heure", "", "Date de la décision", title="Décidée le"),
)


def evaluations_table(evaluations, *, public: bool = False) -> Table:
    """One row per evaluation. ``public``: a configuration error reads « unavailable » and
    « Évaluation du bonus non disponible » instead of its errors (officers only see those)."""
    evaluations = evaluations.select_related("contract").order_by(
        "contract__reference", "as_of", "created_at"
    )
    hidden = public and (lambda e: not evaluation_is_public(e))
    rows = (
        (
            e.contract.reference,
            e.as_of,
            "unavailable" if hidden and hidden(e) else e.status,
            e.eligible,
            e.bonus_cap,
            e.bonus_amount,
            UNAVAILABLE_FR if hidden and hidden(e) else " | ".join(e.reasons),
            e.created_at,
            e.decided_at,
        )
        for e in evaluations.iterator(chunk_size=500)
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
    "XlsxRows",
    "xlsx_chunks",
]

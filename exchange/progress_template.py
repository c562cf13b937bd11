"""The progress file template of a contract (« Télécharger le modèle »): XLSX or CSV.

One row per indicator of the contract: the three codes the import needs, read-only help columns
between parentheses that the import ignores (objective title, indicator label, unit, target,
latest validated value and its date), then the three columns to fill: ``date``, ``valeur``,
``commentaire``. In the XLSX, the sheet is protected except the cells to fill (no password: it
guards against slips, not people), the date cells are typed dates (JJ/MM/AAAA) and the value
cells decimals ≥ 0, each with a data validation that explains itself in French. Filled in Excel
or LibreOffice and sent back through any door, it imports (``exchange.progress_files``);
rows left empty are skipped by the import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from cotri.formulas import neutralise
from french import output
from indicators.enums import EntryStatus
from indicators.models import Indicator, ProgressEntry

CODES = ("contrat", "objectif", "indicateur")
HELP = (
    "(intitulé de l'objectif)",
    "(libellé de l'indicateur)",
    "(unité)",
    "(cible)",
    "(dernière valeur validée)",
    "(date de la dernière valeur validée)",
)
TO_FILL = ("date", "valeur", "commentaire")
HEADER = (*CODES, *HELP, *TO_FILL)
DATE_FORMAT = "DD/MM/YYYY"
VALUE_FORMAT = "General"  # shows what is typed, in the reader's locale
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class TemplateRow:
    contract: str
    objective: str
    indicator: str
    objective_title: str
    label: str
    unit: str
    target: Decimal | None
    latest_value: Decimal | None
    latest_date: object  # datetime.date | None


def template_rows(*, contract) -> list[TemplateRow]:
    """The contract's indicators in the order of its page; two queries whatever their number."""
    indicators = (
        Indicator.objects.filter(objective__contract=contract)
        .select_related("objective")
        .order_by(
            "objective__incontournable__number", "objective__order", "objective__code", "order"
        )
    )
    latest: dict[int, ProgressEntry] = {}
    validated = ProgressEntry.objects.filter(
        indicator__objective__contract=contract, status=EntryStatus.VALIDATED
    ).order_by("indicator_id", "-date", "-pk")
    for entry in validated.only("indicator_id", "date", "value"):
        latest.setdefault(entry.indicator_id, entry)
    rows = []
    for indicator in indicators:
        entry = latest.get(indicator.pk)
        rows.append(
            TemplateRow(
                contract=contract.reference,
                objective=indicator.objective.code,
                indicator=indicator.code,
                objective_title=indicator.objective.title,
                label=indicator.label,
                unit=indicator.unit,
                target=indicator.target,
                latest_value=entry.value if entry else None,
                latest_date=entry.date if entry else None,
            )
        )
    return rows


def template_filename(*, contract, extension: str) -> str:
    return f"modele-avancement-{contract.reference}.{extension}"


def progress_template_csv(*, contract) -> bytes:
    """UTF-8 with BOM (Excel opens it with its accents), « ; », decimal commas, empty cells to
    fill."""
    number, date_fr = output.format_number, output.format_date
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in template_rows(contract=contract):
        writer.writerow(
            [
                row.contract,
                row.objective,
                row.indicator,
                neutralise(row.objective_title),
                neutralise(row.label),
                neutralise(row.unit),
                "" if row.target is None else number(row.target),
                "" if row.latest_value is None else number(row.latest_value),
                "" if row.latest_date is None else date_fr(row.latest_date),
                "",
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def progress_template_xlsx(*, contract) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = template_rows(contract=contract)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Avancement"
    sheet.append(HEADER)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for cell in sheet[1]:
        cell.font = bold
    for line, row in enumerate(rows, start=2):
        texts = [
            row.contract,
            row.objective,
            row.indicator,
            neutralise(row.objective_title),
            neutralise(row.label),
            neutralise(row.unit),
        ]
        for column, text in enumerate(texts, start=1):
            cell = sheet.cell(line, column)
            cell.value = text
            cell.data_type = "s"  # a text, never a formula, whatever it starts with
        for column, number in ((7, row.target), (8, row.latest_value)):
            if number is not None:
                sheet.cell(line, column).value = number
                sheet.cell(line, column).number_format = VALUE_FORMAT
        if row.latest_date is not None:
            sheet.cell(line, 9).value = row.latest_date
        sheet.cell(line, 9).number_format = DATE_FORMAT
        for column in range(1, 10):
            sheet.cell(line, column).fill = grey
        date, value, comment = (sheet.cell(line, c) for c in (10, 11, 12))
        date.number_format = DATE_FORMAT
        value.number_format = VALUE_FORMAT
        comment.number_format = "@"
        for cell in (date, value, comment):
            cell.protection = Protection(locked=False)
    last = max(len(rows) + 1, 2)
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="DATE(2000,1,1)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Date invalide",
        error="Saisissez une date au format JJ/MM/AAAA.",
        promptTitle="Date de la valeur",
        prompt="JJ/MM/AAAA, dans la période du contrat.",
        showInputMessage=True,
    )
    values = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Valeur invalide",
        error="Saisissez un nombre positif ou nul, dans l'unité de l'indicateur.",
        promptTitle="Valeur",
        prompt="Un nombre positif ou nul, dans l'unité indiquée en colonne F.",
        showInputMessage=True,
    )
    dates.add(f"J2:J{last}")
    values.add(f"K2:K{last}")
    sheet.add_data_validation(dates)
    sheet.add_data_validation(values)
    # Help columns read-only; the sheet can still be sorted, filtered and extended with rows.
    sheet.protection.sheet = True
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    sheet.protection.formatColumns = False
    sheet.freeze_panes = "D2"
    for letter, width in zip(
        "ABCDEFGHIJKL", (18, 10, 14, 40, 40, 10, 10, 14, 14, 12, 12, 40), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

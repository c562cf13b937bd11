"""Write the corpus of real progress files under ``tests/indicators/corpus/`` (run once, commit).

    .venv/bin/python tools/make_sheet_corpus.py

Three real programs write the same French table (a title and a date line above the header, a
percentage cell, a number shown with one decimal, a thousands number, dates, comments with « ; »,
quotes and œ): openpyxl, XlsxWriter and LibreOffice Calc run headless (``soffice --convert-to``
with several CSV filter options: separator, encoding, and the French or American locale);
Python's ``csv`` module writes Excel's dialect (BOM, ``sep=;`` hint line). Each file is named
after the program and options that made it; ``expected.json`` holds what a user sees in it: the
rows (objective, indicator, ISO date, value, comment) or the French refusal.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "indicators" / "corpus"
CONTRACT = "COT-CORPUS"
TITLE = f"Suivi des indicateurs du contrat {CONTRACT}"
EXPORTED = "Exporté le 15/01/2023"
HEADER = ["Contrat", "Objectif", "INDICATEUR", "Date", "Valeur", "Commentaire"]
# (objective, indicator, date, stored number, number format, value shown, comment)
ROWS = [
    ("O1", "taux", datetime.date(2022, 12, 31), 0.45, "0%", "45", "Objectif atteint à 45 %"),
    ("O1", "km", datetime.date(2022, 12, 31), 12.46, "0.0", "12.5", "Pistes réalisées ; été"),
    (
        "O2",
        "tonnes",
        datetime.date(2022, 6, 30),
        1234.5,
        "#,##0.0",
        "1234.5",
        "Œuvre « collective » de la déchèterie",
    ),
]
EXPECTED_ROWS = [[o, i, d.isoformat(), shown, c] for o, i, d, _, _, shown, c in ROWS]
DATE_FORMAT = "DD/MM/YYYY"
CSV_FILTER = "csv:Text - txt - csv (StarCalc):{}"


def openpyxl_workbook(*, epoch_1904=False, formulas=False, text_cells=False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook = Workbook()
    if epoch_1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append([TITLE])
    sheet.append([EXPORTED])
    sheet.append([])
    sheet.append(HEADER)
    for line, (objective, indicator, date, number, fmt, shown, comment) in enumerate(ROWS, 5):
        if text_cells:
            text = shown.replace(".", ",")
            if fmt.endswith("%"):
                text += " %"
            elif number >= 1000:
                text = text.replace("1234", "1\u00a0234")
            sheet.append([CONTRACT, objective, indicator, f"{date:%d/%m/%Y}", text, comment])
            continue
        value = f"={number}*2/2" if formulas else number
        sheet.append([CONTRACT, objective, indicator, date, value, comment])
        sheet.cell(line, 4).number_format = DATE_FORMAT
        sheet.cell(line, 5).number_format = fmt
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsxwriter_workbook(*, date_1904=False) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": date_1904})
    sheet = workbook.add_worksheet("Avancement")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, TITLE)
    sheet.write(1, 0, EXPORTED)
    sheet.write_row(3, 0, HEADER)
    for line, (objective, indicator, date, number, fmt, _, comment) in enumerate(ROWS, 4):
        sheet.write_row(line, 0, [CONTRACT, objective, indicator])
        sheet.write_datetime(line, 3, datetime.datetime.combine(date, datetime.time()), date_format)
        # A formula with the result Excel would save with it.
        number_format = workbook.add_format({"num_format": fmt})
        sheet.write_formula(line, 4, f"={number}*2/2", number_format, number)
        sheet.write(line, 5, comment)
    workbook.close()
    return buffer.getvalue()


def soffice(source: Path, target_filter: str, outdir: Path, *, locale: str) -> Path:
    env = {**os.environ, "LANG": f"{locale}.UTF-8", "LC_ALL": f"{locale}.UTF-8"}
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(  # noqa: S603 (fixed arguments, no user input)
            [
                shutil.which("soffice") or "/usr/bin/soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target_filter,
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    extension = target_filter.split(":")[0]
    return outdir / f"{source.stem}.{extension}"


def python_csv_excel(*, encoding: str, sep_hint: bool) -> bytes:
    buffer = io.StringIO()
    if sep_hint:
        buffer.write("sep=;\r\n")
    writer = csv.writer(buffer, delimiter=";")  # the excel dialect: CRLF, quotes as needed
    writer.writerow([TITLE, "", "", "", "", ""])
    writer.writerow([])
    writer.writerow(HEADER)
    for objective, indicator, date, _, fmt, shown, comment in ROWS:
        text = shown.replace(".", ",") + (" %" if fmt.endswith("%") else "")
        writer.writerow([CONTRACT, objective, indicator, f"{date:%d/%m/%Y}", text, comment])
    writer.writerow(["", "", "", "", "", ""])  # an empty trailing row
    return buffer.getvalue().encode(encoding)


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir(parents=True)
    expected: dict[str, dict] = {}

    def keep(name: str, content: bytes, outcome: dict | None = None) -> None:
        (CORPUS / name).write_bytes(content)
        expected[name] = outcome or {"rows": EXPECTED_ROWS}

    keep("openpyxl-number-formats-1900.xlsx", openpyxl_workbook())
    keep("openpyxl-number-formats-1904.xlsx", openpyxl_workbook(epoch_1904=True))
    keep("openpyxl-text-cells-french-numbers.xlsx", openpyxl_workbook(text_cells=True))
    keep("xlsxwriter-formulas-cached-1900.xlsx", xlsxwriter_workbook())
    keep("xlsxwriter-formulas-cached-1904.xlsx", xlsxwriter_workbook(date_1904=True))
    keep(
        "python-csv-excel-utf8-bom-sep-hint.csv",
        python_csv_excel(encoding="utf-8-sig", sep_hint=True),
    )
    keep("python-csv-excel-windows1252.csv", python_csv_excel(encoding="cp1252", sep_hint=False))

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # LibreOffice recalculates the formulas openpyxl wrote (openpyxl saves no result).
        source = work / "source.xlsx"
        source.write_bytes(openpyxl_workbook(formulas=True))
        made = soffice(source, "xlsx:Calc MS Excel 2007 XML", work / "xlsx", locale="fr_FR")
        keep("libreoffice-calc-fr-recalculated.xlsx", made.read_bytes())
        made = soffice(source, "ods:calc8", work / "ods", locale="fr_FR")
        keep("libreoffice-calc-fr.ods", made.read_bytes())
        # CSV filter options: separator (59 « ; », 44 « , », 9 tab), quote (34), encoding
        # (76 UTF-8, 1 Windows-1252, 22 ISO-8859-15, 2 Mac Roman, 65535 UTF-16 with BOM).
        for options, label in (
            ("59,34,76", "semicolon-utf8"),
            ("44,34,76", "comma-utf8"),
            ("59,34,1", "semicolon-windows1252"),
            ("59,34,22", "semicolon-iso885915"),
            ("59,34,2", "semicolon-macroman"),
            ("9,34,65535", "tab-utf16"),
        ):
            outdir = work / label
            made = soffice(source, CSV_FILTER.format(options), outdir, locale="fr_FR")
            keep(f"libreoffice-csv-fr-{label}-{options.replace(',', '-')}.csv", made.read_bytes())
        # An American LibreOffice shows « 1,234.5 »: not a French number, refused by its line.
        made = soffice(source, CSV_FILTER.format("59,34,76"), work / "us", locale="en_US")
        keep(
            "libreoffice-csv-en-us-semicolon-utf8-59-34-76.csv",
            made.read_bytes(),
            {"error": "ligne 7 : valeur : nombre invalide « 1,234.5 »"},
        )
    (CORPUS / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{len(expected)} fichiers écrits dans {CORPUS}")


if __name__ == "__main__":
    main()

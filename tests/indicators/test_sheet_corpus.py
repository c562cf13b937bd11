"""The corpus of real files (``tests/indicators/corpus/``, see ``tools/make_sheet_corpus.py``).

Every file was written by a real program — openpyxl, XlsxWriter, LibreOffice Calc headless with
several CSV filter options (separator, encoding, locale), Python's ``csv`` in Excel's dialect —
and ``expected.json`` holds what a user sees in it. Each file gives those values, or the French
refusal, through the reader and through each of the three doors.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from exchange.progress_files import read_rows
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.indicators.sheet_paths import PATHS, chef_of, import_through, officer_with_rights

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_holds_files_of_three_programs_and_every_encoding_and_format():
    names = set(EXPECTED)
    assert {n.split("-")[0] for n in names} >= {"openpyxl", "xlsxwriter", "libreoffice", "python"}
    for needle in ("utf8", "utf16", "windows1252", "iso885915", "macroman", "bom", "sep-hint"):
        assert any(needle in n for n in names), needle
    assert {n.rsplit(".", 1)[1] for n in names} == {"csv", "xlsx", "ods"}
    assert {path.name for path in CORPUS.iterdir()} == names | {"expected.json"}


@pytest.fixture
def corpus_contract(db):
    contract = ContractFactory(reference="COT-CORPUS")
    o1 = ObjectiveFactory(contract=contract, code="O1")
    IndicatorFactory(objective=o1, code="taux", unit="%", target=Decimal("100"))
    IndicatorFactory(objective=o1, code="km", unit="km", target=Decimal("50"))
    IndicatorFactory(objective=ObjectiveFactory(contract=contract, code="O2"), code="tonnes")
    return contract


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_reader_gives_what_the_user_sees(name):
    header, rows = read_rows(content=(CORPUS / name).read_bytes(), filename=name)
    assert [c for c in header if c] == [
        "contract",
        "objective",
        "indicator",
        "date",
        "value",
        "comment",
    ]
    rows = list(rows)
    assert header.line > 1  # the title lines above are skipped
    assert [row.line for row in rows] == [header.line + 1, header.line + 2, header.line + 3]
    assert all(not row.misfit and not row.extra for row in rows)
    assert [row.cells["contract"] for row in rows] == ["COT-CORPUS"] * 3
    assert rows[2].cells["comment"] == "Œuvre « collective » de la déchèterie"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_door_imports_the_values_shown_or_refuses_in_french(
    name, path, corpus_contract, client, officer, django_user_model, tmp_path
):
    outcome = import_through(
        path,
        content=(CORPUS / name).read_bytes(),
        filename=name,
        contract=corpus_contract,
        client=client,
        officer=officer_with_rights(officer),
        chef=chef_of(django_user_model, corpus_contract),
        tmp_path=tmp_path,
    )
    expected = EXPECTED[name]
    if "error" in expected:
        assert expected["error"] in outcome.errors and not outcome.rows
    else:
        assert outcome.errors == []
        assert outcome.rows == sorted(expected["rows"])

"""The previews of the admin and of the front office list the same lines, each with its comment."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.indicators.sheet_paths import (
    ADMIN_IMPORT,
    ESPACE_IMPORT,
    chef_of,
    officer_with_rights,
    ours,
)

pytestmark = pytest.mark.django_db

CONTENT = (
    "Suivi 2022\r\n"
    "contrat;objectif;indicateur;date;valeur;commentaire\r\n"
    "COT-APERCU;O1;i1;30/06/2022;12,5;Premier semestre : « pistes » réalisées\r\n"
    "\r\n"
    "COT-APERCU;O1;i2;31/12/2022;1 250;\r\n"
    "COT-APERCU;O1;i1;31/12/2022;20;Bilan <b>annuel</b> & œuvre\r\n"
).encode("cp1252")
LINES = [
    ("3", "30/06/2022", "12,5", "Premier semestre : « pistes » réalisées"),
    ("5", "31/12/2022", "1\u202f250", ""),
    ("6", "31/12/2022", "20", "Bilan <b>annuel</b> & œuvre"),
]


@pytest.fixture
def contract():
    contract = ContractFactory(reference="COT-APERCU")
    objective = ObjectiveFactory(contract=contract, code="O1")
    IndicatorFactory(objective=objective, code="i1", unit="km")
    IndicatorFactory(objective=objective, code="i2", unit="t")
    return contract


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in row] for row in cells if row]


def _shown(rows: list[list[str]]) -> list[tuple[str, str, str, str]]:
    """(line, date, value, comment) of each preview row, whatever the table's layout."""
    found = []
    for cells in rows:
        line = next((c for c in cells if c.isdigit()), None)
        date = next((c for c in cells if re.fullmatch(r"\d\d/\d\d/\d{4}", c)), None)
        if line is None or date is None:
            continue
        found.append((line, date, cells))
    return found


def test_the_admin_and_the_front_office_preview_the_same_lines_with_their_comments(
    client, contract, officer, django_user_model, neighbour
):
    client.force_login(officer_with_rights(officer))
    admin_page = client.post(
        ADMIN_IMPORT,
        {"format": "0", "import_file": SimpleUploadedFile("a.csv", CONTENT), "resource": "0"},
    ).content.decode()
    client.force_login(chef_of(django_user_model, contract))
    espace_page = client.post(
        ESPACE_IMPORT, {"file": SimpleUploadedFile("a.csv", CONTENT)}
    ).content.decode()
    assert not ours().exists()
    for page in (admin_page, espace_page):
        neighbour.assert_absent(html.unescape(page))

    for page in (admin_page, espace_page):
        shown = _shown(_cells(page))
        assert [(line, date) for line, date, _ in shown] == [(n, d) for n, d, _, _ in LINES]
        for (_, _, cells), (_, _, value, comment) in zip(shown, LINES, strict=True):
            assert any(value in cell for cell in cells), (value, cells)
            if comment:
                assert comment in cells, (comment, cells)
    # Comments are shown as text, never as markup.
    assert "<b>annuel</b>" not in admin_page and "<b>annuel</b>" not in espace_page

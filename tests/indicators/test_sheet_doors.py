"""Refusals and bounds, the same through the three doors (command, admin, front office).

A shifted row, an unknown encoding, a missing column: the whole file is refused with the same
French line everywhere. A small file of a million bad lines (issue 16.1) answers at once with a
bounded list: the first ``MAX_ERRORS`` errors, then « … et N autres erreurs (total) ».
"""

import html
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange.progress_files import MAX_ERRORS, MAX_ROWS
from indicators.rules import THOUSANDS_SEP
from tests.factories import ContractFactory, IndicatorFactory, ObjectiveFactory
from tests.indicators.sheet_paths import (
    ESPACE_IMPORT,
    PATHS,
    chef_of,
    import_through,
    officer_with_rights,
    ours,
)

pytestmark = pytest.mark.django_db
HEADER = "contrat;objectif;indicateur;date;valeur;commentaire\r\n"


@pytest.fixture
def contract(db):
    contract = ContractFactory(reference="COT-PORTES")
    objective = ObjectiveFactory(contract=contract, code="O1")
    IndicatorFactory(objective=objective, code="i1", target=Decimal("100"))
    IndicatorFactory(objective=objective, code="i2", target=Decimal("100"))
    return contract


@pytest.fixture
def through(contract, client, officer, django_user_model, tmp_path):
    officer = officer_with_rights(officer)
    chef = chef_of(django_user_model, contract)

    def run(path: str, content: bytes, filename: str = "avancement.csv"):
        return import_through(
            path,
            content=content,
            filename=filename,
            contract=contract,
            client=client,
            officer=officer,
            chef=chef,
            tmp_path=tmp_path,
        )

    return run


REFUSED = {
    "ligne décalée": (
        (
            HEADER
            + "COT-PORTES;O1;i1;31/12/2022;12,5;bilan\r\n"
            + "COT-PORTES;O1;i2;31/12/2022 4;\r\n"
        ).encode("cp1252"),
        "ligne 3 : nombre de cellules : 5 cellules au lieu de 6 : un séparateur manque sur "
        "cette ligne (rien n'est décalé d'une colonne à l'autre)",
    ),
    "cellules en trop": (
        (HEADER + "COT-PORTES;O1;i1;;31/12/2022;12;bilan\r\n").encode(),
        "ligne 2 : cellules en trop : « bilan » au-delà de la dernière colonne : une virgule "
        "décimale dans un fichier séparé par des virgules ? Mettez la valeur entre guillemets "
        "ou séparez les colonnes par « ; ».",
    ),
    "encodage inconnu": (
        "合同;目标;指标;日期;数值\n城市;一;二;2022;12\n".encode("gb18030") * 3,
        "fichier : encodage du fichier non reconnu : enregistrez-le en CSV avec l'un des "
        "encodages UTF-8 (avec ou sans BOM), UTF-16 avec BOM, Windows-1252, ISO-8859-15, "
        "Mac Roman",
    ),
    "colonne absente sous un titre": (
        b"Suivi 2022\r\n\r\ncontrat;objectif;indicateur;date;commentaire\r\nCOT-PORTES;O1;i1;"
        b"31/12/2022;x\r\n",
        "ligne 3 : valeur : colonne obligatoire absente",
    ),
    "colonne inconnue": (
        b"contrat;objectif;indicateur;date;valeur;remarque\r\nCOT-PORTES;O1;i1;31/12/2022;1;x\r\n",
        "ligne 1 : remarque : colonne inconnue (colonnes possibles : contrat, objectif, "
        "indicateur, date, valeur, commentaire, statut ; une colonne d'aide entre parenthèses "
        "est ignorée)",
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_file_is_refused_whole_with_the_same_french_line_in_each_door(through, case, path):
    content, message = REFUSED[case]
    outcome = through(path, content)
    assert message in outcome.errors
    assert not ours().exists()


def test_a_chefs_rows_of_the_neighbours_contract_are_refused_as_an_unknown_contract(
    contract, client, django_user_model, neighbour
):
    """A chef de projet's file cannot reach another territory's contract, nor learn it exists.

    Its rows name the neighbour's indicator on the dates of its draft, validated and returned
    entries and on a new date: each is refused with the very line an unknown contract gets, the
    page shows nothing of the neighbour but the reference the chef typed, and nothing is saved.
    """
    client.force_login(chef_of(django_user_model, contract))

    def refusal(reference: str) -> tuple[list[str], str]:
        content = (
            HEADER
            + "COT-PORTES;O1;i1;31/12/2022;12,5;bilan\r\n"
            + "".join(
                f"{reference};V1;voisin;{day};9;corrigé\r\n"
                for day in ("28/01/2022", "28/03/2022", "28/04/2022", "31/12/2022")
            )
        ).encode("cp1252")
        page = client.post(ESPACE_IMPORT, {"file": SimpleUploadedFile("avancement.csv", content)})
        assert page.status_code == 200
        assert not page.context["result"]
        return [str(error) for error in page.context["errors"]], html.unescape(
            page.content.decode()
        )

    errors, page = refusal("VOISIN-1")

    assert errors == [
        f"ligne {line} : contrat : contrat inconnu « VOISIN-1 »" for line in (3, 4, 5, 6)
    ]
    assert "Fichier refusé" in page and "Aucune ligne n’a été enregistrée" in page
    neighbour.assert_absent(page.replace("« VOISIN-1 »", "« … »"))
    unknown, _ = refusal("INCONNU-9")
    assert [error.replace("INCONNU-9", "VOISIN-1") for error in unknown] == errors
    assert not ours().exists()
    neighbour.assert_unchanged()


def test_a_chefs_preview_and_confirmation_show_their_own_contract_only(
    contract, client, django_user_model, neighbour
):
    client.force_login(chef_of(django_user_model, contract))
    form = client.get(ESPACE_IMPORT)
    content = (HEADER + "COT-PORTES;O1;i1;31/12/2022;12,5;bilan\r\n").encode("cp1252")
    preview = client.post(ESPACE_IMPORT, {"file": SimpleUploadedFile("avancement.csv", content)})
    assert preview.context["result"].created == 1
    done = client.post(ESPACE_IMPORT, {"pending": preview.context["pending"]}, follow=True)

    assert "COT-PORTES" in form.content.decode()  # the codes of the chef's own indicators
    for page in (form, preview, done):
        assert page.status_code == 200
        neighbour.assert_absent(html.unescape(page.content.decode()))
    assert ours().get().value == Decimal("12.5")
    neighbour.assert_unchanged()


def _x_lines(count: int) -> bytes:
    return HEADER.encode() + b"x\n" * count


@pytest.mark.parametrize("path", PATHS)
def test_a_million_lines_of_x_answer_at_once_with_the_row_limit(through, path):
    content = _x_lines(1_000_000)
    assert len(content) < 2_100_000  # a small file
    # How fast the refusal comes is bench/bench_import_bounds.py's to measure, not a test's.
    outcome = through(path, content)
    limit = f"20{THOUSANDS_SEP}000"
    assert outcome.errors == [
        f"fichier : plus de {limit} lignes de données : découpez le fichier (au plus {limit} "
        "lignes par fichier)"
    ]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("bad", [MAX_ERRORS + 1, 4_000])
def test_errors_are_bounded_with_the_count_of_the_others_and_the_total(through, path, bad):
    good = "COT-PORTES;O1;i1;31/12/2022;1;\r\n"
    outcome = through(path, (HEADER + good).encode() + b"x\n" * bad)
    assert len(outcome.errors) == MAX_ERRORS + 1
    assert outcome.errors[0].startswith("ligne 3 : nombre de cellules : 1 cellule au lieu de 6")
    assert outcome.errors[MAX_ERRORS - 1].startswith(f"ligne {MAX_ERRORS + 2} :")
    more = bad - MAX_ERRORS
    others = "autre erreur" if more == 1 else "autres erreurs"
    expected = f"… et {more:,} {others} ({bad:,} en tout)".replace(",", THOUSANDS_SEP)
    assert outcome.errors[-1] == expected
    assert not ours().exists()


def test_the_row_limit_is_what_the_readme_states():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_ROWS:,}".replace(",", " ") + " lignes" in readme
    assert f"{MAX_ERRORS} premières erreurs" in readme

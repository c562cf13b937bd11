"""A chef de projet imports a progress file from the front office: preview, confirm, all or none."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators.enums import EntryStatus
from indicators.models import EntryTransition, ProgressEntry

pytestmark = pytest.mark.django_db
URL = reverse("espace:import")


def _ours():
    """The entries of the test's own contracts: the neighbour's (VOISIN-1) are left out."""
    return ProgressEntry.objects.exclude(indicator__objective__contract__reference="VOISIN-1")


def _french_csv(*rows: str) -> bytes:
    """What a French spreadsheet writes: Windows-1252, « ; », decimal commas, CRLF."""
    return ("contract;objective;indicator;date;value;comment\r\n" + "".join(rows)).encode("cp1252")


def _upload(client, content: bytes, name: str = "avancement.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _confirm(client, preview):
    return client.post(URL, {"pending": preview.context["pending"]}, follow=True)


def test_preview_then_confirm_submits_every_row_with_history(
    client, chef_a, officer, indicator_a, django_capture_on_commit_callbacks
):
    client.force_login(chef_a)
    content = _french_csv(
        f"COT-A;A1;{indicator_a.code};30/06/2022;12,5;Premier semestre réalisé\r\n",
        "\r\n",
        f"COT-A ; A1 ; {indicator_a.code} ; 31/12/2022 ; 20 ; \r\n",
    )

    preview = _upload(client, content)

    assert preview.status_code == 200
    assert "Aperçu de « avancement.csv »" in _text(preview)
    assert "2 saisies à créer, 0 à corriger" in _text(preview)
    assert "12,5 km" in _text(preview) and "30/06/2022" in _text(preview)
    assert not _ours().exists()  # nothing saved by the preview

    with django_capture_on_commit_callbacks(execute=True):
        done = _confirm(client, preview)

    assert "2 saisies créées, 0 corrigée, soumises à la validation" in _text(done)
    entries = _ours().order_by("date")
    assert [(e.date, e.value, e.status) for e in entries] == [
        (datetime.date(2022, 6, 30), Decimal("12.5"), EntryStatus.SUBMITTED),
        (datetime.date(2022, 12, 31), Decimal("20"), EntryStatus.SUBMITTED),
    ]
    assert all(e.author == chef_a and e.history.count() == 1 for e in entries)
    assert EntryTransition.objects.filter(to_status=EntryStatus.SUBMITTED, by=chef_a).count() == 2
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "2 saisies à valider (COT-A)" in mail.outbox[0].subject
    assert not default_storage.listdir(f"imports/en-attente/{chef_a.pk}")[1]


def test_an_xlsx_file_imports_too(client, chef_a, indicator_a, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["contract", "objective", "indicator", "date", "value"])
    sheet.append(["COT-A", "A1", indicator_a.code, datetime.date(2022, 6, 30), 7.25])
    path = tmp_path / "avancement.xlsx"
    book.save(path)
    client.force_login(chef_a)

    preview = _upload(client, path.read_bytes(), "avancement.xlsx")
    _confirm(client, preview)

    assert _ours().get().value == Decimal("7.25")


def test_a_file_with_bad_rows_lists_each_and_saves_nothing(
    client, chef_a, indicator_a, indicator_b
):
    client.force_login(chef_a)
    content = _french_csv(
        f"COT-A;A1;{indicator_a.code};30/06/2022;12,5;\r\n",
        f"COT-A;A1;{indicator_a.code};31/02/2022;3;\r\n",
        f"COT-B;B1;{indicator_b.code};30/06/2022;4;\r\n",  # another territory's contract
        f"COT-A;A1;{indicator_a.code};31/12/2022;douze;\r\n",
    )

    response = _upload(client, content)

    assert response.status_code == 200
    assert "Aucune ligne n’a été enregistrée" in _text(response)
    errors = response.context["errors"]
    assert [(e.line, e.column) for e in errors] == [(3, "date"), (4, "contract"), (5, "value")]
    assert "ligne 5 : valeur : nombre invalide « douze »" in _text(response)
    assert not _ours().exists()


def test_a_status_column_is_refused_for_a_chef_de_projet(client, chef_a, indicator_a):
    client.force_login(chef_a)
    content = (
        "contract;objective;indicator;date;value;status\r\n"
        f"COT-A;A1;{indicator_a.code};30/06/2022;12,5;validated\r\n"
    ).encode()

    response = _upload(client, content)

    assert "ligne 2 : statut : seuls les agents peuvent fixer le statut" in _text(response)
    assert not _ours().exists()


def test_values_under_review_cannot_change_but_the_same_file_can_come_again(
    client, chef_a, submitted_a
):
    client.force_login(chef_a)
    row = "COT-A;A1;{code};{date};{value};{comment}\r\n"
    cells = {
        "code": submitted_a.indicator.code,
        "date": submitted_a.date.strftime("%d/%m/%Y"),
        "value": str(submitted_a.value).replace(".", ","),
        "comment": submitted_a.comment,
    }
    same = row.format(**cells)

    preview = _upload(client, _french_csv(same))
    assert "1 ligne identique à une valeur déjà soumise ou validée (ignorée)" in _text(preview)

    changed = _upload(client, _french_csv(row.format(**{**cells, "value": "21"})))
    assert "en cours de validation et ne peut plus changer" in _text(changed)
    submitted_a.refresh_from_db()
    assert submitted_a.status == EntryStatus.SUBMITTED and submitted_a.version == 1


def test_a_file_that_is_not_what_it_claims_is_refused_at_the_door(client, chef_a):
    client.force_login(chef_a)

    response = _upload(client, b"%PDF-1.4 not a spreadsheet", "avancement.csv")

    assert "fichier : ce fichier n'est pas un CSV" in _text(response)


def test_a_confirmation_cannot_name_a_file_the_user_did_not_preview(
    client, chef_a, chef_b, indicator_a
):
    client.force_login(chef_a)
    preview = _upload(client, _french_csv(f"COT-A;A1;{indicator_a.code};30/06/2022;1;\r\n"))
    client.force_login(chef_b)

    response = _confirm(client, preview)

    assert "n'est plus en attente" in _text(response)
    assert not _ours().exists()


def test_rights_are_checked_again_at_confirmation(client, chef_a, indicator_a):
    client.force_login(chef_a)
    preview = _upload(client, _french_csv(f"COT-A;A1;{indicator_a.code};30/06/2022;1;\r\n"))
    chef_a.project_memberships.all().delete()  # membership revoked meanwhile

    response = client.post(URL, {"pending": preview.context["pending"]})

    assert response.status_code == 403
    assert not _ours().exists()


def test_the_home_page_offers_the_import_to_chefs_de_projet_only(client, chef_a, reader_a):
    client.force_login(chef_a)
    assert URL in client.get(reverse("espace:home")).text
    client.force_login(reader_a)
    assert URL not in client.get(reverse("espace:home")).text


def test_an_officer_who_is_also_chef_imports_with_the_chefs_rights_only(
    client, officer, contract_a, indicator_a, indicator_b
):
    from contracts.enums import MembershipRole
    from contracts.models import ProjectMembership

    ProjectMembership.objects.create(
        user=officer, territory=contract_a.territory, role=MembershipRole.PROJECT_LEAD
    )
    client.force_login(officer)
    content = (
        "contract;objective;indicator;date;value;status\r\n"
        f"COT-A;A1;{indicator_a.code};30/06/2022;1;validated\r\n"
        f"COT-B;B1;{indicator_b.code};30/06/2022;2;\r\n"
    ).encode()

    response = _upload(client, content)

    errors = [(e.line, e.column) for e in response.context["errors"]]
    assert errors == [(2, "status"), (3, "contract")]
    assert not _ours().exists()


def test_a_nul_character_deep_in_the_file_is_refused_in_french(client, chef_a, indicator_a):
    client.force_login(chef_a)
    content = _french_csv(
        f"COT-A;A1;{indicator_a.code};30/06/2022;1;{'x' * 9000}\r\n",
        f"COT-A\x00;A1;{indicator_a.code};31/12/2022;2;\r\n",
    )

    response = _upload(client, content)

    assert response.status_code == 200
    assert "n'est pas un CSV" in _text(response)
    assert not _ours().exists()


def test_an_export_corrected_by_the_chef_imports_back(client, chef_a, draft_a, submitted_a):
    from exchange.exports import progress_table, table_csv

    client.force_login(chef_a)
    exported = table_csv(progress_table(_ours())).decode("utf-8-sig")
    corrected = exported.replace(
        f"{draft_a.date:%d/%m/%Y};{str(draft_a.value).replace('.', ',')}",
        f"{draft_a.date:%d/%m/%Y};99",
    )
    assert corrected != exported

    preview = _upload(client, corrected.encode("utf-8-sig"))

    assert "0 saisie à créer, 1 à corriger, 1 ligne identique" in _text(preview)
    _confirm(client, preview)
    draft_a.refresh_from_db()
    assert (draft_a.value, draft_a.status) == (Decimal("99"), EntryStatus.SUBMITTED)

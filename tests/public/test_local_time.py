"""Dates of instants are those of Europe/Paris everywhere a user reads them: a bonus decided at
00:03 in Paris (23:03 UTC the day before) is « décidée le 30/11/2026 » on the evaluation list and
page, the public fiche, its PDF, the exports (and their file names); machine files carry ISO 8601
with the Paris offset; XLSX cells are real dates shown JJ/MM/AAAA."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cotri.public.tasks import render_fiche_pdf
from exchange import exports
from funding.evaluations import contract_evaluate, evaluation_decide, evaluation_to_json
from funding.models import Evaluation
from tests.public.conftest import plain
from tests.public.test_pdf import pdf_text

pytestmark = pytest.mark.django_db
UTC = datetime.UTC

INSTANTS = [
    # (UTC instant, Paris day, Paris wall-clock time, ISO with offset)
    (datetime.datetime(2026, 11, 29, 23, 3, tzinfo=UTC), "30/11/2026", "00:03", "+01:00"),
    (datetime.datetime(2026, 6, 30, 22, 30, tzinfo=UTC), "01/07/2026", "00:30", "+02:00"),
    (datetime.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "29/03/2026", "00:30", "+01:00"),
    (datetime.datetime(2026, 10, 24, 22, 15, tzinfo=UTC), "25/10/2026", "00:15", "+02:00"),
]


@pytest.fixture
def decided(calaisis, officer, monkeypatch, request):
    instant = request.param[0]
    evaluation = contract_evaluate(contract=calaisis, as_of=datetime.date(2023, 12, 31))
    monkeypatch.setattr(timezone, "now", lambda: instant)
    evaluation_decide(evaluation=evaluation, by=officer)
    monkeypatch.undo()
    return Evaluation.objects.get(pk=evaluation.pk), request.param


@pytest.mark.parametrize("decided", INSTANTS, indirect=True, ids=lambda p: p[1])
def test_a_decision_is_dated_in_paris_on_every_page(decided, officer):
    evaluation, (instant, day, time, _) = decided
    assert evaluation.decided_at == instant
    officer_client = Client()
    officer_client.force_login(officer)
    wanted = f"décidée le {day}"

    changelist = officer_client.get(reverse("admin:funding_evaluation_changelist"))
    change = officer_client.get(reverse("admin:funding_evaluation_change", args=[evaluation.pk]))
    fiche = Client().get("/fiches/COTTRI-2021-CALAISIS/")

    assert wanted in changelist.content.decode()
    assert wanted in change.content.decode()
    assert wanted in plain(fiche.content.decode())


@pytest.mark.parametrize("decided", INSTANTS[:1], indirect=True, ids=lambda p: p[1])
def test_the_pdf_dates_a_decision_in_paris(decided):
    evaluation, (instant, day, time, _) = decided
    render_fiche_pdf(evaluation.contract_id)
    pdf = pdf_text(b"".join(Client().get("/fiches/COTTRI-2021-CALAISIS.pdf").streaming_content))
    pdf = " ".join(pdf.split())  # lines broken by the PDF layout

    assert f"décidée le {day}" in pdf


@pytest.mark.parametrize("decided", INSTANTS[:2], indirect=True, ids=lambda p: p[1])
def test_exports_date_a_decision_in_paris(decided, officer, monkeypatch):
    evaluation, (instant, day, time, offset) = decided
    table = exports.evaluations_table(Evaluation.objects.all())
    header, *rows = list(
        csv.reader(io.StringIO(exports.table_csv(table).decode("utf-8-sig")), delimiter=";")
    )
    (row,) = rows
    assert row[header.index("decidee_le")] == f"{day} {time}"

    table = exports.evaluations_table(Evaluation.objects.all())
    sheet = load_workbook(io.BytesIO(exports.table_xlsx(table))).active
    cell = sheet.cell(row=2, column=9)
    local = instant.astimezone(datetime.timezone(datetime.timedelta(hours=int(offset[1:3]))))
    assert cell.value == local.replace(tzinfo=None, microsecond=0)
    assert cell.number_format == "DD/MM/YYYY HH:MM"
    date_cell = sheet.cell(row=2, column=2)
    assert date_cell.value == datetime.datetime(2023, 12, 31)  # a real date cell
    assert date_cell.number_format == "DD/MM/YYYY"

    # Machine-readable: ISO 8601 with the Paris offset.
    table = exports.evaluations_table(Evaluation.objects.all())
    opened = exports.table_csv(table, open_data=True).decode("utf-8-sig")
    iso = f"{local.date().isoformat()}T{time}:00{offset}"
    assert iso in opened
    assert evaluation_to_json(evaluation)["decided_at"] == iso

    # The admin's file is named after the day in Paris.
    monkeypatch.setattr(timezone, "now", lambda: instant)
    client = Client()
    client.force_login(officer)
    url = reverse("admin:funding_evaluation_export")
    response = client.post(
        url, {"format": "0", "resource": "0", "evaluationexportresource_contrat": "on"}
    )
    iso_day = local.date().isoformat()
    assert f'filename="evaluations-{iso_day}.csv"' in response["Content-Disposition"]

"""Large admin exports run as a task: « Mes exports » shows progress and the download link.

Real PostgreSQL, the task run eagerly after the commit, the files read back (csv, openpyxl) and
imported again through the progress import.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.enums import MembershipRole
from contracts.models import ProjectMembership
from exchange import exports
from exchange.export_jobs import FAILED_MESSAGE, export_job_run, export_jobs_purge
from exchange.models import ExportJob
from exchange.progress_import import progress_import
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)

# Whole-table files: every row of the table is in them, the neighbour's too, and these tests
# count the rows of their own fixture.
pytestmark = [pytest.mark.django_db, pytest.mark.no_neighbour]
CSV, XLSX = "0", "1"
FIELDS = ("contract", "objective", "indicator", "date", "value", "comment", "status")
HEADER = ["Contrat", "Objectif", "Indicateur", "Date", "Valeur", "Commentaire", "Statut"]


@pytest.fixture
def entries():
    """Five validated entries of COTTRI-2021-CALAISIS (one with a formula-like comment), one
    submitted."""
    contract = ContractFactory(reference="COTTRI-2021-CALAISIS")
    indicator = IndicatorFactory(
        objective=ObjectiveFactory(contract=contract, code="O1"), code="renovations"
    )
    made = [
        ProgressEntryFactory(
            indicator=indicator,
            date=datetime.date(2021, month, 28),
            value=Decimal("1500.25") + month,
            comment="=1+1" if month == 1 else "",
        )
        for month in range(1, 6)
    ]
    made.append(
        ProgressEntryFactory(
            indicator=indicator,
            date=datetime.date(2021, 6, 28),
            value=Decimal("7"),
            status=EntryStatus.SUBMITTED,
        )
    )
    return made


def _start(client, file_format=CSV, query="?status__exact=validated", fields=FIELDS):
    url = reverse("admin:indicators_progressentry_export") + query
    data = {"format": file_format, "resource": "0"}
    data.update({f"progressentryexportresource_{name}": "on" for name in fields})
    return client.post(url, data)


def _download(client, job):
    response = client.get(reverse("officers:export_download", args=[job.pk]))
    assert response.status_code == 200
    # Read to the end: the test client then closes the file (no explicit close: it would send
    # request_finished and close the test's database connection).
    return response, b"".join(response.streaming_content)


@pytest.fixture
def large(settings):
    settings.COTRI_EXPORT_SYNC_MAX_ROWS = 2


def test_a_large_selection_is_written_by_a_task_and_downloaded_from_my_exports(
    officer_client, officer, entries, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(officer_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("officers:exports")
    job = ExportJob.objects.get()
    assert (job.user, job.status, job.rows_total, job.rows_written) == (officer, "done", 5, 5)
    page = officer_client.get(reverse("officers:exports")).content.decode()
    assert "<td>Saisies d&#x27;avancement</td>" in page and "<td>Prêt</td>" in page
    assert f"saisies-{timezone.localdate().isoformat()}.csv" in page
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for
    response, content = _download(officer_client, job)
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert len(rows) == 6  # the list's filter: validated entries only
    assert rows[1] == [
        "COTTRI-2021-CALAISIS",
        "O1",
        "renovations",
        "28/01/2021",
        "1501,25",
        "'=1+1",
        "Validée",
    ]


def test_the_xlsx_of_a_job_keeps_the_chosen_columns_numbers_and_dates(
    officer_client, entries, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _start(officer_client, XLSX, fields=("contract", "date", "value", "status"))

    _response, content = _download(officer_client, ExportJob.objects.get())
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Contrat", "Date", "Valeur", "Statut")
    assert rows[1] == ("COTTRI-2021-CALAISIS", datetime.datetime(2021, 1, 28), 1501.25, "Validée")
    assert len(rows) == 6


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_job_file_imports_back_unchanged(
    officer_client, officer, entries, large, django_capture_on_commit_callbacks, file_format
):
    with django_capture_on_commit_callbacks(execute=True):
        _start(officer_client, file_format, query="")
    job = ExportJob.objects.get()
    _response, content = _download(officer_client, job)
    before = sorted(ProgressEntry.objects.values_list("pk", "date", "value", "comment", "status"))

    result = progress_import(content=content, filename=job.filename, by=officer)

    assert result.created == 0
    after = sorted(ProgressEntry.objects.values_list("pk", "date", "value", "comment", "status"))
    assert after == before


def test_a_small_selection_is_still_downloaded_at_once(officer_client, entries):
    response = _start(officer_client)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CSV_CONTENT_TYPE
    assert not ExportJob.objects.exists()


def _job(officer, **filters):
    return ExportJob.objects.create(
        user=officer,
        model="indicators.progressentry",
        title="Saisies d'avancement",
        resource="ProgressEntryExportResource",
        fields=[],
        filters={"query": filters, "pks": None},
        file_format="csv",
        rows_total=ProgressEntry.objects.count(),
    )


def test_the_job_saves_its_progress_while_it_writes(officer, entries, settings, monkeypatch):
    from exchange import export_jobs

    settings.COTRI_EXPORT_PROGRESS_SECONDS = 0
    monkeypatch.setattr(export_jobs._Progress, "every", 2)
    job = _job(officer)

    with CaptureQueriesContext(connection) as captured:
        export_job_run(job.pk)

    saved = [
        q["sql"] for q in captured if "rows_written" in q["sql"] and "UPDATE" in q["sql"].upper()
    ]
    assert len(saved) == 4  # after rows 2, 4 and 6, then the final one
    job.refresh_from_db()
    assert (job.status, job.rows_written, job.percent) == ("done", 6, 100)


def test_the_job_runs_in_a_constant_number_of_queries_whatever_the_rows(officer, entries):
    def queries() -> int:
        job = _job(officer)
        with CaptureQueriesContext(connection) as captured:
            assert export_job_run(job.pk).status == "done"
        return len(captured)

    few = queries()
    indicator = entries[0].indicator
    ProgressEntryFactory.create_batch(
        40,
        indicator=indicator,
        date=factory_dates(40),
    )
    assert queries() == few


def factory_dates(count):
    import factory

    return factory.Iterator(
        [datetime.date(2022, 1, 1) + datetime.timedelta(days=n) for n in range(count)]
    )


def test_a_job_runs_once_and_a_failure_reads_in_french(officer, entries):
    job = _job(officer)
    assert export_job_run(job.pk).status == "done"
    assert export_job_run(job.pk) is None  # delivered twice: the second does nothing

    broken = _job(officer)
    ExportJob.objects.filter(pk=broken.pk).update(resource="Inconnue")
    broken = export_job_run(broken.pk)
    assert (broken.status, broken.error, broken.file.name) == ("failed", FAILED_MESSAGE, "")


def test_old_exports_and_their_files_are_purged(officer, entries, settings):
    settings.COTRI_EXPORT_KEEP_DAYS = 7
    old, recent = _job(officer), _job(officer)
    export_job_run(old.pk), export_job_run(recent.pk)
    old.refresh_from_db()
    path = old.file.path
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )

    assert export_jobs_purge() == 1

    assert list(ExportJob.objects.all()) == [recent]
    import os

    assert not os.path.exists(path)
    recent.refresh_from_db()
    assert os.path.exists(recent.file.path)


def test_xlsx_rows_past_the_sheet_limit_go_on_to_another_sheet():
    columns = [exports.Column("n", "entier", "", "")]
    table = exports.Table("t", "Nombres", columns, ([n] for n in range(5)))
    buffer = io.BytesIO()

    exports.write_xlsx(table, buffer, max_rows=3)

    workbook = load_workbook(buffer)
    assert workbook.sheetnames == ["Nombres", "Nombres (2)", "Nombres (3)"]
    values = [list(sheet.values) for sheet in workbook.worksheets]
    assert values == [[("n",), (0,), (1,)], [("n",), (2,), (3,)], [("n",), (4,)]]


# Who may see « Mes exports » and download a file ------------------------------------------------


@pytest.fixture
def finished(officer, entries):
    job = _job(officer)
    export_job_run(job.pk)
    return job


@pytest.fixture
def people(django_user_model, entries):
    contract = entries[0].indicator.objective.contract
    chef = django_user_model.objects.create_user("chef", password="x")
    ProjectMembership.objects.create(
        user=chef, territory=contract.territory, role=MembershipRole.PROJECT_LEAD
    )
    staff = django_user_model.objects.create_user("staff-autre", password="x", is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name="partenaires")[0])
    other_officer = django_user_model.objects.create_user("agent-2", password="x", is_staff=True)
    other_officer.groups.add(Group.objects.get(name="officers"))
    return {"chef": chef, "staff": staff, "other_officer": other_officer}


@pytest.mark.parametrize(
    ("who", "page", "download"),
    [
        ("anonymous", 302, 302),
        ("chef", 403, 403),
        ("staff", 403, 403),
        ("other_officer", 200, 404),
        ("officer", 200, 200),
    ],
)
def test_my_exports_and_downloads_per_role(client, officer, finished, people, who, page, download):
    if who == "officer":
        client.force_login(officer)
    elif who != "anonymous":
        client.force_login(people[who])

    listing = client.get(reverse("officers:exports"))
    response = client.get(reverse("officers:export_download", args=[finished.pk]))
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the file is closed

    assert (listing.status_code, response.status_code) == (page, download)
    if who == "anonymous":
        assert reverse("admin:login") in response["Location"]
    if who == "other_officer":
        assert "Vous n’avez demandé aucun export" in listing.content.decode()


def test_the_page_refreshes_itself_while_an_export_is_being_written(officer_client, officer):
    ExportJob.objects.create(
        user=officer,
        model="indicators.progressentry",
        title="Saisies d'avancement",
        resource="ProgressEntryExportResource",
        file_format="xlsx",
        status=ExportJob.Status.RUNNING,
        rows_total=2_000_000,
        rows_written=500_000,
    )
    page = officer_client.get(reverse("officers:exports")).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'value="25"' in page and "500 000 lignes sur 2 000 000" in page.replace("\u202f", " ")
    assert "<script" not in page.split('id="content-main"')[1]

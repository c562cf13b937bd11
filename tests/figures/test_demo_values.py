"""Issue 10 item 10: demonstration values are labelled on every public surface."""

import csv
import io
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client

from contracts.models import Contract
from cotri.management.commands.demo import FIXTURES
from cotri.management.commands.demo import Command as DemoCommand
from cotri.public.fiche import load_fiche
from cotri.public.pdf import fiche_pdf_bytes
from exchange.opendata_files import opendata_generate
from indicators.models import IndicatorDefinition
from tests.factories import (
    ContractFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProgressEntryFactory,
)
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db
BANNER = "Données de démonstration"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def contracts():
    """A contract with demonstration values and a real one, both with a catalogue value."""
    definition = IndicatorDefinition.objects.create(code="km", label="Pistes", unit="km")
    demo = ContractFactory(reference="COTTRI-2021-CALAISIS", demo_data=True)
    real = ContractFactory(reference="COTRI-2017-ARRAS")
    for contract in (demo, real):
        indicator = IndicatorFactory(
            objective=ObjectiveFactory(contract=contract, code="O1"),
            code="km",
            definition=definition,
        )
        ProgressEntryFactory(indicator=indicator)
    return demo, real


def test_the_demo_command_marks_the_contracts_that_received_demo_values():
    calaisis = ContractFactory(reference="COTTRI-2021-CALAISIS")
    other = ContractFactory(reference="COTRI-2017-ARRAS")
    DemoCommand()._mark_demo_contracts(FIXTURES / "demo" / "progress-demo.csv")
    assert Contract.objects.get(pk=calaisis.pk).demo_data is True
    assert Contract.objects.get(pk=other.pk).demo_data is False
    assert calaisis.history.first().history_change_reason.startswith("Valeurs de démonstration")


def test_the_fiche_shows_a_banner_for_demo_values_only(contracts):
    demo, real = contracts
    assert BANNER in Client().get(f"/fiches/{demo.reference}/").content.decode()
    assert BANNER not in Client().get(f"/fiches/{real.reference}/").content.decode()


def test_the_fiche_pdf_shows_the_banner(contracts, tmp_path):
    demo, _real = contracts
    path = tmp_path / "fiche.pdf"
    path.write_bytes(fiche_pdf_bytes(load_fiche(demo)))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert BANNER in " ".join(text.split())


def test_the_overview_notes_demo_values_under_its_totals(contracts):
    text = plain(Client().get("/").content.decode())
    assert "ces totaux comprennent des valeurs d’avancement inventées pour la démonstration" in text
    assert "(COTTRI-2021-CALAISIS)" in text
    contracts[0].demo_data = False
    contracts[0].save()
    assert "inventées pour la démonstration" not in plain(Client().get("/").content.decode())


@pytest.mark.parametrize("slug", ["contrats", "objectifs", "indicateurs", "valeurs"])
def test_every_open_data_file_has_a_demonstration_column(contracts, slug):
    opendata_generate()  # the files are written by a task (nightly and after changes)
    response = Client().get(f"/donnees-ouvertes/{slug}.csv")
    # Reading the stream closes the response (the test client's wrapper); closing it again here
    # would send request_finished, which closes the test's PostgreSQL connection mid-test.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    body = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    header, *data = rows
    assert header[-1] == "demonstration"
    flags = {row[0]: row[-1] for row in data}
    assert (flags["COTTRI-2021-CALAISIS"], flags["COTRI-2017-ARRAS"]) == ("true", "false")


def test_the_open_data_page_documents_the_column(contracts):
    page = Client().get("/donnees-ouvertes/").content.decode()
    assert "demonstration" in page

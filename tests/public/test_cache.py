"""The cached fiche page: no SQL when current, and every change shows at once (ADR 0007)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contracts.enums import ContractStatus
from cotri.public import cache as fiche_cache
from cotri.public.tasks import render_fiche_pdf
from funding.models import Tranche
from indicators.enums import EntryStatus
from indicators.models import Indicator, ProgressEntry
from indicators.services import entry_validate
from indicators.signals import progress_changed
from tests.factories import ProgressEntryFactory
from tests.public.conftest import plain

pytestmark = pytest.mark.django_db

URL = "/fiches/COTTRI-2021-CALAISIS/"
PDF_URL = "/fiches/COTTRI-2021-CALAISIS.pdf"


def page_text(client: Client | None = None) -> str:
    response = (client or Client()).get(URL)
    assert response.status_code == 200
    return plain(response.content.decode())


def o1_indicator() -> Indicator:
    return Indicator.objects.get(
        objective__contract__reference="COTTRI-2021-CALAISIS", objective__code="O1"
    )


def test_a_cached_fiche_costs_no_query_and_is_the_same_page(calaisis, neighbour):
    client = Client()
    first = client.get(URL).content
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL).content
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second == first
    neighbour.assert_absent(second)  # one contract's fiche, from the cache too


def test_the_stored_pdf_checks_publication_in_the_cache(calaisis):
    render_fiche_pdf(calaisis.pk)
    client = Client()

    def status() -> int:
        response = client.get(PDF_URL)
        if response.streaming:  # read to the end: the file is closed (close() would also close
            b"".join(response.streaming_content)  # the test's database connection)
        return response.status_code

    assert status() == 200
    with CaptureQueriesContext(connection) as queries:
        assert status() == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    calaisis.published = False
    calaisis.save()
    assert status() == 404  # at once, the stored file not yet forgotten


def test_validating_an_entry_shows_at_once(calaisis, officer):
    assert "1 220" in page_text()  # cached now
    entry = ProgressEntryFactory(
        indicator=o1_indicator(),
        date=datetime.date(2023, 9, 30),
        value=Decimal("280"),
        status=EntryStatus.SUBMITTED,
    )
    text = page_text()
    assert "1 220" in text and "1 500" in text  # a submitted value never shows (nor leaks)
    assert "1 500 rénovations" in text
    entry_validate(entry=entry, by=officer)
    text = page_text()
    # 1 220 + 280: the level reached, in the chart's text alternative, and the date of the data.
    assert "30/09/2023 : 1 500" in text
    assert "30/09/2023 (dernière valeur validée)" in text


def test_changing_a_target_shows_at_once(calaisis):
    assert "Cible : 1 500 rénovations" in page_text()
    indicator = o1_indicator()
    indicator.target = Decimal("2000")
    indicator.save()
    text = page_text()
    assert "Cible : 2 000 rénovations" in text
    assert "Cible : 1 500 rénovations" not in text


def test_a_funding_change_shows_at_once(calaisis):
    assert "270 000 €" in page_text()
    tranche = Tranche.objects.get(contract=calaisis, kind="fixed")
    tranche.planned_amount = Decimal("280000.00")
    tranche.save()
    assert "280 000 €" in page_text()


def test_unpublishing_or_back_to_draft_answers_404_at_once(calaisis):
    client = Client()
    page_text(client)
    calaisis.published = False
    calaisis.save()
    assert client.get(URL).status_code == 404
    calaisis.published = True
    calaisis.save()
    page_text(client)
    calaisis.status = ContractStatus.DRAFT
    calaisis.save()
    assert client.get(URL).status_code == 404


def test_renaming_the_reference_retires_the_old_address(calaisis):
    page_text()
    calaisis.reference = "COTTRI-2021-CALAISIS-BIS"
    calaisis.save()
    assert Client().get(URL).status_code == 404
    assert Client().get("/fiches/COTTRI-2021-CALAISIS-BIS/").status_code == 200


def test_a_bulk_import_shows_after_its_commit(calaisis, django_capture_on_commit_callbacks):
    page_text()
    # Written without save() signals, as the progress import does, then announced.
    ProgressEntry.objects.bulk_create(
        [
            ProgressEntry(
                indicator=o1_indicator(),
                date=datetime.date(2023, 10, 31),
                value=Decimal("100"),
                status=EntryStatus.VALIDATED,
            )
        ]
    )
    assert "31/10/2023 : 1 320" not in page_text()  # not announced yet: still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        progress_changed.send(sender=ProgressEntry, contract_ids={calaisis.pk})
    assert "31/10/2023 : 1 320" in page_text()


def test_a_page_built_before_a_commit_is_not_served_after_it(calaisis):
    """The generation is read before the data: a page stored under it is stale once bumped."""
    generation = fiche_cache._current_generation(calaisis.pk)
    fiche_cache._new_generation(calaisis.pk)  # what the commit's callback does
    assert fiche_cache._current_generation(calaisis.pk) != generation


def test_the_uncached_build_is_the_cached_page(calaisis):
    page, contract_id = fiche_cache.build_fiche_page("COTTRI-2021-CALAISIS")
    assert contract_id == calaisis.pk
    assert str(page.body) in Client().get(URL).content.decode()
    assert fiche_cache.fiche_page("COTTRI-2021-CALAISIS") == page


def test_a_visitor_with_a_session_gets_the_same_fiche_in_the_frame(calaisis, officer):
    anonymous = Client().get(URL)  # the whole page, cached
    assert "Cookie" in anonymous["Vary"]
    client = Client()
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        framed = client.get(URL)  # the cached body in a frame rendered for this request
    assert framed.status_code == 200
    body = str(fiche_cache.fiche_page("COTTRI-2021-CALAISIS").body)
    assert body in framed.content.decode() and body in anonymous.content.decode()
    assert not any("indicators_" in q["sql"] for q in queries)  # only the session's queries


def test_a_bump_from_another_process_retires_this_process_copy(calaisis):
    assert "270 000 €" in page_text()  # held by this process now
    # Another process changes the data and bumps the shared generation (no signal here).
    Tranche.objects.filter(contract=calaisis, kind="fixed").update(
        planned_amount=Decimal("280000.00")
    )
    assert "270 000 €" in page_text()  # nothing announced: still the cached page
    fiche_cache._new_generation(calaisis.pk)
    assert "280 000 €" in page_text()


def test_deleting_a_validated_entry_shows_at_once(calaisis, officer):
    entry = ProgressEntryFactory(
        indicator=o1_indicator(),
        date=datetime.date(2023, 9, 30),
        value=Decimal("280"),
        status=EntryStatus.VALIDATED,
    )
    assert "30/09/2023 : 1 500" in page_text()  # cached with the entry

    entry.delete()

    assert "30/09/2023 : 1 500" not in page_text()

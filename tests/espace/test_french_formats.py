"""The front office reads numbers the way the platform prints them (and the file import reads
them), shows them without trailing zeros, and dates instants in Europe/Paris in its e-mails."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from french.output import format_number, format_number_input
from indicators.enums import EntryStatus
from indicators.models import ProgressEntry
from indicators.services import entry_submit
from tests.factories import ProgressEntryFactory

pytestmark = pytest.mark.django_db


def _ours():
    """The entries of the test's own contracts: the neighbour's (VOISIN-1) are left out."""
    return ProgressEntry.objects.exclude(indicator__objective__contract__reference="VOISIN-1")


def _post(client, indicator, value):
    data = {"date": "30/06/2022", "value": value, "comment": "", "action": "draft"}
    return client.post(reverse("espace:indicator", args=[indicator.pk]), data)


@pytest.mark.parametrize(
    "typed",
    [
        "1500,5",
        "1500.5",
        "1 500,5",
        "1\u00a0500,5",  # no-break space (LibreOffice, Word)
        "1\u202f500,5",  # narrow no-break space: what the pages print
        " 1 500,50 ",
    ],
)
def test_the_entry_form_reads_every_french_way_of_typing_a_number(
    client, chef_a, indicator_a, typed
):
    client.force_login(chef_a)

    response = _post(client, indicator_a, typed)

    assert response.status_code == 302, response.context["form"].errors
    assert _ours().get().value == Decimal("1500.5")


@pytest.mark.parametrize("typed", ["douze", "1,5,0", "1 5", "12 %"])
def test_a_wrong_number_is_refused_in_french_and_nothing_is_saved(
    client, chef_a, indicator_a, typed
):
    client.force_login(chef_a)

    response = _post(client, indicator_a, typed)

    assert response.status_code == 200
    assert "Saisissez un nombre, par exemple 1 500 ou 12,5" in response.text
    assert not _ours().exists()


@pytest.mark.parametrize("value", ["12.5", "1500", "1234567.25", "0.0001"])
def test_what_the_pages_print_the_form_takes_back(client, chef_a, indicator_a, value):
    """Round trip: the value as the indicator page prints it, pasted into the form, is the
    same value; the edit form shows it without trailing zeros."""
    entry = ProgressEntryFactory(
        indicator=indicator_a,
        author=chef_a,
        status=EntryStatus.DRAFT,
        value=Decimal(value),
        date=datetime.date(2022, 6, 30),
    )
    client.force_login(chef_a)
    page = client.get(reverse("espace:indicator", args=[indicator_a.pk])).text
    printed = format_number(Decimal(value))
    assert f"{printed} km" in page
    edit = client.get(reverse("espace:entry", args=[entry.pk])).text
    assert f'value="{format_number_input(Decimal(value))}"' in edit
    assert "0000" not in format_number_input(Decimal(value))

    data = {"date": "30/06/2022", "value": printed, "comment": "", "action": "draft"}
    response = client.post(reverse("espace:entry", args=[entry.pk]), data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.value == Decimal(value)


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        (datetime.datetime(2026, 11, 29, 23, 3, tzinfo=datetime.UTC), "30/11/2026 à 00:03"),
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC), "29/03/2026 à 03:30"),
        (datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC), "25/10/2026 à 02:30"),
    ],
)
def test_the_submission_e_mail_dates_the_submission_in_paris(
    monkeypatch, chef_a, officer, draft_a, django_capture_on_commit_callbacks, instant, shown
):
    monkeypatch.setattr(timezone, "now", lambda: instant)

    with django_capture_on_commit_callbacks(execute=True):
        entry_submit(entry=draft_a, by=chef_a)

    (message,) = mail.outbox
    assert f"soumise le {shown}" in message.body

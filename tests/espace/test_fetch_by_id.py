"""Each page of the space serves the object its address names, among those the user may see:
with two justificatifs, two entries or two indicators visible, the id picks the right one."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from indicators.enums import EntryStatus
from indicators.models import Evidence
from tests.factories import IndicatorFactory, ProgressEntryFactory

pytestmark = pytest.mark.django_db


def _evidence(entry, user, name, content):
    return Evidence.objects.create(
        entry=entry,
        file=ContentFile(content, name=name),
        original_name=name,
        size=len(content),
        uploaded_by=user,
    )


def test_each_justificatif_downloads_its_own_file(client, chef_a, draft_a, neighbour):
    first = _evidence(draft_a, chef_a, "pv.pdf", b"%PDF-1.4 proces-verbal")
    second = _evidence(draft_a, chef_a, "photo.png", b"\x89PNG photo du chantier")
    client.force_login(chef_a)

    for evidence, content in ((first, b"%PDF-1.4 proces-verbal"), (second, b"\x89PNG photo")):
        response = client.get(reverse("espace:evidence", args=[evidence.pk]))
        assert response.status_code == 200
        assert evidence.original_name in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(content)


def test_each_entry_form_shows_its_own_entry(client, chef_a, indicator_a, neighbour):
    entries = [
        ProgressEntryFactory(
            indicator=indicator_a,
            author=chef_a,
            status=EntryStatus.DRAFT,
            value=Decimal(value),
            date=datetime.date(2022, month, 30),
        )
        for month, value in ((6, "12.5"), (9, "47"))
    ]
    client.force_login(chef_a)

    for entry, shown in zip(entries, ("12,5", "47"), strict=True):
        response = client.get(reverse("espace:entry", args=[entry.pk]))
        assert response.status_code == 200
        assert f'value="{shown}"' in response.text
        assert f"{entry.date:%d/%m/%Y}" in response.text
        neighbour.assert_absent(response.content)


def test_each_indicator_page_shows_its_own_indicator(client, chef_a, indicator_a, neighbour):
    other = IndicatorFactory(objective=indicator_a.objective, code="haies", label="Haies plantées")
    client.force_login(chef_a)

    for indicator, absent in ((indicator_a, other.label), (other, indicator_a.label)):
        response = client.get(reverse("espace:indicator", args=[indicator.pk]))
        assert response.status_code == 200
        assert indicator.label in response.text
        assert absent not in response.text
        neighbour.assert_absent(response.content)
